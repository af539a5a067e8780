//! The vendor sources file: a TOML list of shops, owned by the daemon and
//! edited through `add_source` / `remove_source`.
//!
//! ```toml
//! [[source]]
//! name = "Acme Office"
//! base_url = "https://acme.example"
//! search_url = "https://acme.example/search?q={query}"
//! currency = "USD"
//! ```

use std::path::{Path, PathBuf};

use procura_common::source::Source;
use serde::{Deserialize, Serialize};
use tokio::sync::RwLock;

#[derive(Debug, thiserror::Error)]
pub enum SourcesError {
    #[error("cannot read sources file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("sources file {path} is invalid: {message}")]
    Parse { path: PathBuf, message: String },
    #[error("cannot write sources file {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("source {name:?} is invalid: {message}")]
    Invalid { name: String, message: String },
    #[error("no source named {0:?}")]
    Unknown(String),
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SourcesFile {
    #[serde(default, rename = "source")]
    sources: Vec<Source>,
}

/// The sources, in memory and on disk. Writes go to a temp file that is
/// renamed over the old one, so a crash never leaves half a file.
pub struct Sources {
    path: PathBuf,
    current: RwLock<Vec<Source>>,
    /// Sources that exist only for this run (the demo shops), listed first.
    ephemeral: Vec<Source>,
}

impl Sources {
    /// Loads the file; a missing file is an empty list.
    pub fn load(path: &Path, ephemeral: Vec<Source>) -> Result<Sources, SourcesError> {
        let sources = match std::fs::read_to_string(path) {
            Ok(text) => {
                let file: SourcesFile = toml::from_str(&text).map_err(|e| SourcesError::Parse {
                    path: path.to_path_buf(),
                    message: e.to_string(),
                })?;
                for s in &file.sources {
                    s.validate().map_err(|message| SourcesError::Parse {
                        path: path.to_path_buf(),
                        message: format!("source {:?}: {message}", s.name),
                    })?;
                }
                file.sources
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(source) => {
                return Err(SourcesError::Read {
                    path: path.to_path_buf(),
                    source,
                });
            }
        };
        Ok(Sources {
            path: path.to_path_buf(),
            current: RwLock::new(sources),
            ephemeral,
        })
    }

    pub async fn list(&self) -> Vec<Source> {
        let stored = self.current.read().await;
        let mut all = self.ephemeral.clone();
        all.extend(
            stored
                .iter()
                .filter(|s| !self.ephemeral.iter().any(|e| e.name == s.name))
                .cloned(),
        );
        all
    }

    /// Adds a source, replacing one with the same name.
    pub async fn add(&self, source: Source) -> Result<Source, SourcesError> {
        source.validate().map_err(|message| SourcesError::Invalid {
            name: source.name.clone(),
            message,
        })?;
        let mut current = self.current.write().await;
        let mut next = current.clone();
        next.retain(|s| s.name != source.name);
        next.push(source.clone());
        self.write(&next)?;
        *current = next;
        Ok(source)
    }

    pub async fn remove(&self, name: &str) -> Result<(), SourcesError> {
        let mut current = self.current.write().await;
        if !current.iter().any(|s| s.name == name) {
            return Err(SourcesError::Unknown(name.to_string()));
        }
        let next: Vec<Source> = current.iter().filter(|s| s.name != name).cloned().collect();
        self.write(&next)?;
        *current = next;
        Ok(())
    }

    fn write(&self, sources: &[Source]) -> Result<(), SourcesError> {
        let err = |source| SourcesError::Write {
            path: self.path.clone(),
            source,
        };
        let text = toml::to_string_pretty(&SourcesFile {
            sources: sources.to_vec(),
        })
        .map_err(|e| err(std::io::Error::other(e)))?;
        let tmp = self.path.with_extension("toml.tmp");
        std::fs::write(&tmp, text).map_err(err)?;
        std::fs::rename(&tmp, &self.path).map_err(err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use procura_common::source::Politeness;

    fn shop(name: &str) -> Source {
        Source {
            name: name.into(),
            base_url: "http://127.0.0.1:8080".into(),
            search_url: "http://127.0.0.1:8080/search?q={query}".into(),
            result_selector: None,
            next_selector: None,
            contact_email: Some("sales@shop.example".into()),
            currency: Some("EUR".into()),
            politeness: Politeness::default(),
            robots: true,
        }
    }

    #[tokio::test]
    async fn add_remove_and_reload() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sources.toml");
        let sources = Sources::load(&path, vec![shop("demo")]).unwrap();
        assert_eq!(sources.list().await.len(), 1);
        sources.add(shop("acme")).await.unwrap();
        sources.add(shop("acme")).await.unwrap();
        let names: Vec<String> = sources.list().await.into_iter().map(|s| s.name).collect();
        assert_eq!(names, ["demo", "acme"]);

        let reloaded = Sources::load(&path, Vec::new()).unwrap();
        assert_eq!(reloaded.list().await, vec![shop("acme")]);
        assert!(matches!(
            reloaded.remove("nope").await,
            Err(SourcesError::Unknown(_))
        ));
        reloaded.remove("acme").await.unwrap();
        assert!(
            Sources::load(&path, Vec::new())
                .unwrap()
                .list()
                .await
                .is_empty()
        );

        let mut bad = shop("bad");
        bad.search_url = "http://x/search".into();
        let err = sources.add(bad).await.unwrap_err().to_string();
        assert!(err.contains("{query}"), "{err}");

        std::fs::write(&path, "[[source]]\nname = 1\n").unwrap();
        let err = Sources::load(&path, Vec::new()).err().unwrap().to_string();
        assert!(err.contains("sources.toml"), "{err}");
    }
}
