//! Content-addressed files (screenshots, rendered HTML): stored once under
//! their sha256, however often they recur.

use std::io::Write;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

#[derive(Debug, thiserror::Error)]
pub enum BlobError {
    #[error("cannot store blob in {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot read blob {key}: {source}")]
    Read { key: String, source: std::io::Error },
    #[error("{0:?} is not a blob key")]
    BadKey(String),
}

#[derive(Debug, Clone)]
pub struct BlobStore {
    root: PathBuf,
}

impl BlobStore {
    pub fn new(root: impl Into<PathBuf>) -> BlobStore {
        BlobStore { root: root.into() }
    }

    fn path_of(&self, hex: &str) -> PathBuf {
        self.root.join("sha256").join(&hex[..2]).join(hex)
    }

    /// Stores `bytes` and returns their key, `sha256:<hex>`. Writing is
    /// temp-file-then-rename, so a reader never sees half a blob.
    pub fn put(&self, bytes: &[u8]) -> Result<String, BlobError> {
        let hex = hex(&Sha256::digest(bytes));
        let path = self.path_of(&hex);
        if path.exists() {
            return Ok(format!("sha256:{hex}"));
        }
        let dir = path.parent().unwrap_or(&self.root).to_path_buf();
        let err = |source| BlobError::Write {
            path: dir.clone(),
            source,
        };
        std::fs::create_dir_all(&dir).map_err(err)?;
        let mut tmp = tempfile::NamedTempFile::new_in(&dir).map_err(err)?;
        tmp.write_all(bytes).map_err(err)?;
        tmp.as_file().sync_data().map_err(err)?;
        tmp.persist(&path).map_err(|e| err(e.error))?;
        Ok(format!("sha256:{hex}"))
    }

    pub fn get(&self, key: &str) -> Result<Vec<u8>, BlobError> {
        let hex = key
            .strip_prefix("sha256:")
            .filter(|h| h.len() == 64 && h.chars().all(|c| c.is_ascii_hexdigit()))
            .ok_or_else(|| BlobError::BadKey(key.to_string()))?;
        std::fs::read(self.path_of(hex)).map_err(|source| BlobError::Read {
            key: key.to_string(),
            source,
        })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_once_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let store = BlobStore::new(dir.path());
        let a = store.put(b"<html>chair</html>").unwrap();
        let b = store.put(b"<html>chair</html>").unwrap();
        assert_eq!(a, b);
        assert!(a.starts_with("sha256:"));
        assert_eq!(store.get(&a).unwrap(), b"<html>chair</html>");
        let files: Vec<_> = walk(dir.path());
        assert_eq!(files.len(), 1, "{files:?}");
        assert!(matches!(
            store.get("sha256:../../etc/passwd"),
            Err(BlobError::BadKey(_))
        ));
    }

    fn walk(dir: &Path) -> Vec<PathBuf> {
        let mut out = Vec::new();
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
        out
    }
}
