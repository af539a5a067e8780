//! Where the fonts come from and how they are loaded.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::error::PoError;

/// Debian's `fonts-dejavu-core` regular face.
pub const DEJAVU_SANS: &str = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
/// Debian's `fonts-dejavu-core` bold face.
pub const DEJAVU_SANS_BOLD: &str = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf";

/// One TrueType/OpenType font (the first face of a collection).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FontSource {
    File(PathBuf),
    Bytes(Vec<u8>),
}

/// The faces a purchase order is set in; the whole font is embedded (subset)
/// in the PDF, so the reader needs none installed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fonts {
    pub regular: FontSource,
    /// Headings and totals; `None` sets them in the regular face, so a single
    /// configured font file is enough.
    pub bold: Option<FontSource>,
}

impl Fonts {
    /// DejaVu Sans regular and bold at Debian's paths (see [`default_font_paths`]).
    pub fn dejavu() -> Self {
        let (regular, bold) = default_font_paths();
        Fonts {
            regular: FontSource::File(regular),
            bold: Some(FontSource::File(bold)),
        }
    }

    /// One face for everything, e.g. from a `po.font` setting.
    pub fn single(source: FontSource) -> Self {
        Fonts {
            regular: source,
            bold: None,
        }
    }
}

impl Default for Fonts {
    fn default() -> Self {
        Fonts::dejavu()
    }
}

/// `(regular, bold)`: DejaVu Sans as installed by Debian's `fonts-dejavu-core`.
pub fn default_font_paths() -> (PathBuf, PathBuf) {
    (PathBuf::from(DEJAVU_SANS), PathBuf::from(DEJAVU_SANS_BOLD))
}

/// Reads a font's bytes. Shared through an `Arc` because both the shaper used
/// for measuring and krilla's embedded font hold on to the same data.
pub(crate) fn load(source: &FontSource) -> Result<Arc<Vec<u8>>, PoError> {
    match source {
        FontSource::Bytes(bytes) => Ok(Arc::new(bytes.clone())),
        FontSource::File(path) => read_file(path).map(Arc::new),
    }
}

fn read_file(path: &Path) -> Result<Vec<u8>, PoError> {
    std::fs::read(path).map_err(|source| {
        if source.kind() == std::io::ErrorKind::NotFound {
            PoError::FontMissing {
                path: path.to_path_buf(),
            }
        } else {
            PoError::FontRead {
                path: path.to_path_buf(),
                source,
            }
        }
    })
}

/// Names a font source in error messages.
pub(crate) fn describe(source: &FontSource) -> String {
    match source {
        FontSource::File(path) => format!("font file {}", path.display()),
        FontSource::Bytes(bytes) => format!("font data ({} bytes)", bytes.len()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_font_file_says_what_to_install() {
        let err = load(&FontSource::File("/nonexistent/Font.ttf".into())).unwrap_err();
        assert!(matches!(err, PoError::FontMissing { .. }), "{err}");
        let msg = err.to_string();
        assert!(msg.contains("/nonexistent/Font.ttf"), "{msg}");
        assert!(msg.contains("fonts-dejavu-core"), "{msg}");
        assert!(msg.contains("po.font"), "{msg}");
    }

    #[test]
    fn unreadable_font_path_is_a_read_error() {
        let dir = tempfile::tempdir().unwrap();
        let err = load(&FontSource::File(dir.path().to_path_buf())).unwrap_err();
        assert!(matches!(err, PoError::FontRead { .. }), "{err}");
    }

    #[test]
    fn default_paths_are_debians() {
        let (regular, bold) = default_font_paths();
        assert!(regular.ends_with("dejavu/DejaVuSans.ttf"));
        assert!(bold.ends_with("dejavu/DejaVuSans-Bold.ttf"));
        assert_eq!(Fonts::default(), Fonts::dejavu());
    }
}
