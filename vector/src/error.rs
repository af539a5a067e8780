//! Errors of both stores, worded for the operator: each says what was wrong and, where it
//! helps, what to do.

use std::path::PathBuf;

/// Result with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("no vector index is open: call open_index first")]
    NotOpen,

    #[error("{what} has {got} dimensions but the index ({model}) expects {expected}")]
    DimensionMismatch {
        what: String,
        got: usize,
        expected: usize,
        model: String,
    },

    #[error("{0} contains a NaN or infinite value")]
    NonFiniteVector(String),

    #[error("invalid index spec: {0}")]
    InvalidSpec(String),

    #[error("invalid filter: {0}")]
    InvalidFilter(String),

    #[error("invalid payload: {0}")]
    InvalidPayload(String),

    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error(
        "vector index directory {} is already in use by another process or store",
        .0.display()
    )]
    Locked(PathBuf),

    #[error(
        "index metadata {} is unreadable ({source}); delete the directory to rebuild the index from Postgres",
        path.display()
    )]
    Metadata {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },

    #[error(
        "qdrant-edge could not {context}: {source}; if the index is damaged, delete {} to rebuild it from Postgres",
        dir.display()
    )]
    Edge {
        context: &'static str,
        dir: PathBuf,
        #[source]
        source: Box<qdrant_edge::OperationError>,
    },

    #[error("qdrant server at {url}: could not {context}: {source}")]
    Server {
        url: String,
        context: &'static str,
        #[source]
        source: Box<qdrant_client::QdrantError>,
    },

    #[error(
        "collection {collection} on {url} was not created by procura (no procura_index metadata); refusing to touch it"
    )]
    ForeignCollection { url: String, collection: String },

    #[error("qdrant server at {url}: {message}")]
    ServerProtocol { url: String, message: String },

    #[error("an earlier operation on the vector index panicked; reopen the store")]
    Poisoned,

    #[error("vector store task failed: {0}")]
    Task(String),
}

impl From<tokio::task::JoinError> for Error {
    fn from(err: tokio::task::JoinError) -> Self {
        Error::Task(err.to_string())
    }
}

/// Attaches the path to an I/O error, because a bare "permission denied" is useless.
pub(crate) fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> Error {
    let path = path.into();
    move |source| Error::Io { path, source }
}
