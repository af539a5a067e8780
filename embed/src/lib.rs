//! Text embedders behind one trait.
//!
//! The daemon turns product titles and descriptions into vectors to find
//! similar offers. Offline, it runs all-MiniLM-L6-v2 itself ([`LocalMiniLm`]),
//! so it needs no network but the shops'; where an OpenAI-compatible endpoint
//! is configured it can use that instead ([`OpenAiEmbedder`]). Both hide
//! behind [`Embedder`] so the vector index does not care which one it got,
//! and [`Embedder::model_id`] tells it when a change of model means that the
//! stored vectors must be computed again.

mod local;
mod openai;

use std::path::PathBuf;

use futures::future::BoxFuture;

pub use local::{LocalMiniLm, MAX_TOKENS, MODEL_FILES};
pub use openai::OpenAiEmbedder;

/// Turns texts into vectors whose cosine similarity reflects meaning.
///
/// Dyn-compatible (the daemon holds an `Arc<dyn Embedder>` chosen by its
/// configuration), so `embed` returns a boxed future rather than being an
/// `async fn`.
pub trait Embedder: Send + Sync {
    /// Names the model, e.g. `local:all-MiniLM-L6-v2` or
    /// `openai:text-embedding-3-small`. The vector index records it next to
    /// the vectors: vectors of different models are not comparable, so a
    /// changed id forces a re-index.
    fn model_id(&self) -> &str;

    /// Length of every vector this embedder returns.
    fn dimension(&self) -> usize;

    /// One L2-normalised vector of [`Embedder::dimension`] floats per text,
    /// in the order of `texts`. An empty slice gives an empty result without
    /// any work.
    fn embed<'a>(&'a self, texts: &'a [String])
    -> BoxFuture<'a, Result<Vec<Vec<f32>>, EmbedError>>;
}

/// Why embedding failed. Each message names what failed (a file, an
/// endpoint) so that an operator can act on it without reading logs.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EmbedError {
    /// A file of the local model is not there.
    #[error("model file {} is missing: run scripts/fetch-model", path.display())]
    ModelMissing { path: PathBuf },

    /// A file of the local model is there but cannot be used.
    #[error("cannot load model file {}: {message}", path.display())]
    ModelLoad { path: PathBuf, message: String },

    /// The tokenizer refused a text.
    #[error("tokenizer: {0}")]
    Tokenizer(String),

    /// The local model's computation failed.
    #[error("local model: {0}")]
    Inference(#[from] candle_core::Error),

    /// The blocking task that ran the local model panicked or was cancelled.
    #[error("embedding task: {0}")]
    Task(String),

    /// The embeddings endpoint could not be reached or answered with an
    /// error. `status` is the HTTP status when there was an answer, so a
    /// caller can tell a bad key (401) from an overloaded server (429, 5xx).
    #[error("embedding endpoint {endpoint}: {message}")]
    Endpoint {
        endpoint: String,
        status: Option<u16>,
        message: String,
    },

    /// The endpoint answered 200 but not with what was asked for (wrong
    /// count, a missing index, a vector of the wrong length).
    #[error("embedding endpoint {endpoint} gave an unusable answer: {message}")]
    BadResponse { endpoint: String, message: String },

    /// The embedder was configured with something unusable.
    #[error("embedder configuration: {0}")]
    Config(String),
}

/// Where [`LocalMiniLm`] looks for its files, and where `scripts/fetch-model`
/// puts them: `$PROCURA_MODEL_DIR`, else
/// `$XDG_CACHE_HOME/procura/models/all-MiniLM-L6-v2`, else
/// `$HOME/.cache/procura/models/all-MiniLM-L6-v2`. Empty variables count as
/// unset, as the XDG specification asks. The two must agree, so change both
/// together.
pub fn default_model_dir() -> PathBuf {
    let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    if let Some(dir) = var("PROCURA_MODEL_DIR") {
        return PathBuf::from(dir);
    }
    let cache = var("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| var("HOME").map(|home| PathBuf::from(home).join(".cache")))
        // No HOME at all (a bare service environment): a relative path at
        // least gives a readable "missing" error naming where it looked.
        .unwrap_or_else(|| PathBuf::from(".cache"));
    cache.join("procura/models/all-MiniLM-L6-v2")
}

/// Scales `v` to unit length in place. A zero vector stays zero rather than
/// becoming NaN (the same floor as PyTorch's `F.normalize`).
pub(crate) fn l2_normalise(v: &mut [f32]) {
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-12);
    v.iter_mut().for_each(|x| *x /= norm);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalise_gives_unit_length_and_keeps_zero() {
        let mut v = vec![3.0, 4.0];
        l2_normalise(&mut v);
        assert!((v[0] - 0.6).abs() < 1e-6 && (v[1] - 0.8).abs() < 1e-6);
        let mut z = vec![0.0; 3];
        l2_normalise(&mut z);
        assert_eq!(z, vec![0.0; 3]);
    }

    #[test]
    fn embedder_is_dyn_compatible() {
        fn takes(_: Option<&dyn Embedder>) {}
        takes(None);
    }
}
