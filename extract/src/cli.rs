//! `procurad extract [--url URL] FILE…`: runs the extractor over saved pages
//! (`.html` or `.html.gz`) and prints one JSON object per line.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::ExtractError;

/// Arguments of `extract`.
#[derive(Debug, Clone, clap::Args)]
pub struct ExtractArgs {
    /// The URL the pages were fetched from (helps pick the main product and
    /// the currency); applies to every file.
    #[arg(long, value_name = "URL")]
    pub url: Option<String>,
    /// Worker threads (default: 1).
    #[arg(long, short = 'j', value_name = "N", default_value_t = 1)]
    pub jobs: usize,
    /// Saved pages, `.html` or `.html.gz`.
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<PathBuf>,
}

/// Pages larger than this are cut (they are never real product pages).
pub const MAX_PAGE_BYTES: u64 = 64 << 20;

/// The page id of a file: its name without `.html`/`.htm` and `.gz`.
pub fn page_name(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = name.strip_suffix(".gz").unwrap_or(&name);
    let name = name
        .strip_suffix(".html")
        .or_else(|| name.strip_suffix(".htm"))
        .unwrap_or(name);
    name.to_string()
}

/// Reads a page, gunzipping `.gz` files, replacing invalid UTF-8.
pub fn read_page(path: &Path) -> Result<String, ExtractError> {
    let err = |source| ExtractError::Read {
        path: path.display().to_string(),
        source,
    };
    let file = std::fs::File::open(path).map_err(err)?;
    let mut bytes = Vec::new();
    let gz = path.extension().is_some_and(|e| e == "gz");
    if gz {
        flate2::read::GzDecoder::new(file)
            .take(MAX_PAGE_BYTES)
            .read_to_end(&mut bytes)
            .map_err(err)?;
    } else {
        file.take(MAX_PAGE_BYTES)
            .read_to_end(&mut bytes)
            .map_err(err)?;
    }
    if bytes.contains(&0) && bytes.iter().filter(|&&b| b == 0).count() > bytes.len() / 10 {
        return Err(ExtractError::Encoding {
            path: path.display().to_string(),
        });
    }
    Ok(match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    })
}

fn line_for(path: &Path, url: Option<&str>) -> Result<String, ExtractError> {
    let html = read_page(path)?;
    if std::env::var_os("PROCURA_EXTRACT_EXPLAIN").is_some() {
        eprintln!("== {}\n{}", page_name(path), crate::explain(&html, url));
    }
    let ex = crate::extract(&html, url);
    Ok(ex.to_json_line(&page_name(path)).to_string())
}

/// Extracts every file, writing one JSON line per page in the order given.
/// A file that cannot be read is reported on stderr (with its name) and the
/// others go on; the result is an error naming the failed files.
pub fn run(args: &ExtractArgs, out: &mut impl Write) -> anyhow::Result<()> {
    let url = args.url.as_deref();
    let jobs = args.jobs.clamp(1, 64).min(args.files.len().max(1));
    let results: Vec<Result<String, ExtractError>> = if jobs == 1 {
        args.files.iter().map(|p| line_for(p, url)).collect()
    } else {
        let next = std::sync::atomic::AtomicUsize::new(0);
        let slots: Vec<std::sync::Mutex<Option<Result<String, ExtractError>>>> = args
            .files
            .iter()
            .map(|_| std::sync::Mutex::new(None))
            .collect();
        std::thread::scope(|s| {
            for _ in 0..jobs {
                s.spawn(|| {
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(p) = args.files.get(i) else { break };
                        let r = line_for(p, url);
                        if let Ok(mut slot) = slots[i].lock() {
                            *slot = Some(r);
                        }
                    }
                });
            }
        });
        slots
            .into_iter()
            .map(|m| {
                m.into_inner().ok().flatten().unwrap_or_else(|| {
                    Err(ExtractError::Encoding {
                        path: "(worker failed)".into(),
                    })
                })
            })
            .collect()
    };
    let mut failed = Vec::new();
    for (r, path) in results.into_iter().zip(&args.files) {
        match r {
            Ok(line) => writeln!(out, "{line}").context("writing output")?,
            Err(e) => {
                eprintln!("procura-extract: {e}");
                failed.push(path.display().to_string());
            }
        }
    }
    out.flush().context("writing output")?;
    if failed.is_empty() {
        Ok(())
    } else {
        anyhow::bail!(
            "{} file(s) could not be read: {}",
            failed.len(),
            failed.join(", ")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_names() {
        assert_eq!(page_name(Path::new("/x/abc.html.gz")), "abc");
        assert_eq!(page_name(Path::new("abc.html")), "abc");
        assert_eq!(page_name(Path::new("abc.htm")), "abc");
        assert_eq!(page_name(Path::new("abc.txt")), "abc.txt");
    }

    #[test]
    fn bad_files_do_not_stop_the_others() {
        let dir = std::env::temp_dir().join(format!("procura-extract-cli-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let good = dir.join("good.html");
        std::fs::write(&good, r#"<h1>Chair</h1><meta property="product:price:amount" content="5"><meta property="product:price:currency" content="EUR">"#).unwrap();
        let gz = dir.join("bad.html.gz");
        std::fs::write(&gz, b"not gzip").unwrap();
        let args = ExtractArgs {
            url: None,
            jobs: 2,
            files: vec![good.clone(), dir.join("missing.html"), gz.clone()],
        };
        let mut out = Vec::new();
        let err = run(&args, &mut out).unwrap_err().to_string();
        assert!(
            err.contains("missing.html") && err.contains("bad.html.gz"),
            "{err}"
        );
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text.lines().count(), 1);
        let v: serde_json::Value = serde_json::from_str(text.trim()).unwrap();
        assert_eq!(v["page"], "good");
        assert_eq!(v["price"], "5");
        assert_eq!(v["currency"], "EUR");
        assert_eq!(v["method"]["price"], "opengraph");
        std::fs::remove_dir_all(&dir).ok();
    }
}
