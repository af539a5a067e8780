//! all-MiniLM-L6-v2 run in-process with candle on the CPU.
//!
//! The offline default: 384-dimensional sentence vectors from a 90 MB model
//! that `scripts/fetch-model` installs, so the daemon embeds with no network
//! at all. It reproduces sentence-transformers' pipeline for this model: BERT
//! encoder, mean pooling over the real (non-padding) tokens, L2 normalisation.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;
use candle_transformers::models::bert::{BertModel, Config, DTYPE};
use futures::future::BoxFuture;
use tokenizers::{PaddingParams, PaddingStrategy, Tokenizer, TruncationParams};
use tokio::sync::Semaphore;

use crate::{EmbedError, Embedder, l2_normalise};

/// The files [`LocalMiniLm::load`] needs in its model folder.
pub const MODEL_FILES: [&str; 3] = ["model.safetensors", "tokenizer.json", "config.json"];

/// Longer texts are cut to this many tokens (counting `[CLS]` and `[SEP]`):
/// the length the model was trained with, as sentence-transformers uses it.
/// A product title is far shorter; a long description keeps its beginning.
pub const MAX_TOKENS: usize = 256;

/// Texts per forward pass. Larger batches amortise per-call overhead but pad
/// more and hold more memory; see the `embed-bench` binary for the figures.
const DEFAULT_BATCH: usize = 32;

const MODEL_ID: &str = "local:all-MiniLM-L6-v2";

/// all-MiniLM-L6-v2 on the CPU. Cheap to clone: clones share the model.
#[derive(Clone)]
pub struct LocalMiniLm {
    inner: Arc<Inner>,
    /// One forward pass at a time: candle already spreads a pass over every
    /// core, so concurrent passes would only fight for them and hold more
    /// memory. Callers queue here, on the async side, instead of occupying
    /// blocking threads while they wait.
    gate: Arc<Semaphore>,
    dimension: usize,
    batch: usize,
}

struct Inner {
    model: BertModel,
    tokenizer: Tokenizer,
    device: Device,
}

impl std::fmt::Debug for LocalMiniLm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocalMiniLm")
            .field("model_id", &MODEL_ID)
            .field("dimension", &self.dimension)
            .field("batch", &self.batch)
            .finish_non_exhaustive()
    }
}

impl LocalMiniLm {
    /// Loads the model from `dir`, which must hold [`MODEL_FILES`] (see
    /// [`crate::default_model_dir`]). Blocking: it maps and checks 90 MB of
    /// weights, so an async caller runs it in `spawn_blocking`.
    pub fn load(dir: &Path) -> Result<Self, EmbedError> {
        let started = Instant::now();
        let [weights, tokenizer_path, config_path] = MODEL_FILES.map(|name| dir.join(name));
        for path in [&weights, &tokenizer_path, &config_path] {
            if !path.is_file() {
                return Err(EmbedError::ModelMissing { path: path.clone() });
            }
        }

        let config_text =
            std::fs::read_to_string(&config_path).map_err(|e| load_err(&config_path, e))?;
        let config: Config =
            serde_json::from_str(&config_text).map_err(|e| load_err(&config_path, e))?;

        let mut tokenizer =
            Tokenizer::from_file(&tokenizer_path).map_err(|e| load_err(&tokenizer_path, e))?;
        // The shipped tokenizer.json pads and cuts everything to exactly 128
        // tokens. Cut at the model's real limit instead, and pad only to the
        // longest text of each batch: short titles then cost short passes.
        tokenizer
            .with_truncation(Some(TruncationParams {
                max_length: MAX_TOKENS,
                ..Default::default()
            }))
            .map_err(|e| load_err(&tokenizer_path, e))?;
        let padding = PaddingParams {
            strategy: PaddingStrategy::BatchLongest,
            ..tokenizer.get_padding().cloned().unwrap_or_default()
        };
        tokenizer.with_padding(Some(padding));

        let device = Device::Cpu;
        // SAFETY: the mapping is only unsound if the file changes while it is
        // mapped. Nothing in Procura writes it in place: scripts/fetch-model
        // writes a new file and renames it over the old one, which leaves this
        // mapping on the old, unchanged inode.
        let vb = unsafe {
            VarBuilder::from_mmaped_safetensors(std::slice::from_ref(&weights), DTYPE, &device)
        }
        .map_err(|e| load_err(&weights, e))?;
        // The weights of this model have no `bert.` prefix; BertModel::load
        // checks for one itself, so either layout loads.
        let model = BertModel::load(vb, &config).map_err(|e| load_err(&weights, e))?;

        tracing::info!(
            dir = %dir.display(),
            ms = started.elapsed().as_millis() as u64,
            "local embedding model loaded"
        );
        Ok(Self {
            inner: Arc::new(Inner {
                model,
                tokenizer,
                device,
            }),
            gate: Arc::new(Semaphore::new(1)),
            dimension: config.hidden_size,
            batch: DEFAULT_BATCH,
        })
    }

    /// Sets how many texts go through the model in one pass (at least 1).
    /// The default suits the daemon; the bench varies it.
    pub fn with_batch_size(mut self, batch: usize) -> Self {
        self.batch = batch.max(1);
        self
    }

    async fn embed_all(&self, texts: &[String]) -> Result<Vec<Vec<f32>>, EmbedError> {
        if texts.is_empty() {
            return Ok(Vec::new());
        }
        // Batch texts of similar length together so that little of each
        // pass is padding. Character count is a good enough stand-in for
        // token count and costs no tokenizing.
        let mut order: Vec<usize> = (0..texts.len()).collect();
        order.sort_by_key(|&i| texts[i].len());

        let mut out: Vec<Vec<f32>> = vec![Vec::new(); texts.len()];
        for chunk in order.chunks(self.batch) {
            let batch: Vec<String> = chunk.iter().map(|&i| texts[i].clone()).collect();
            let permit = Arc::clone(&self.gate)
                .acquire_owned()
                .await
                .map_err(|e| EmbedError::Task(e.to_string()))?;
            let inner = Arc::clone(&self.inner);
            // The forward pass takes milliseconds to seconds of pure CPU:
            // never on an async worker thread, where it would stall every
            // other task of the daemon.
            let vectors = tokio::task::spawn_blocking(move || {
                let _permit = permit;
                inner.embed_batch(&batch)
            })
            .await
            .map_err(|e| EmbedError::Task(e.to_string()))??;
            for (&i, v) in chunk.iter().zip(vectors) {
                out[i] = v;
            }
        }
        Ok(out)
    }
}

impl Inner {
    /// Tokenises, runs the encoder, mean-pools over the attention mask and
    /// normalises one batch. Blocking.
    fn embed_batch(&self, texts: &[String]) -> Result<Vec<Vec<f32>>, EmbedError> {
        let started = Instant::now();
        let inputs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let encodings = self
            .tokenizer
            .encode_batch(inputs, true)
            .map_err(|e| EmbedError::Tokenizer(e.to_string()))?;
        let rows = encodings.len();
        let width = encodings.first().map_or(0, |e| e.get_ids().len());

        let mut ids = Vec::with_capacity(rows * width);
        let mut mask = Vec::with_capacity(rows * width);
        for encoding in &encodings {
            // BatchLongest padding makes every row `width` long; check rather
            // than trust, since a wrong length would silently misalign rows.
            if encoding.get_ids().len() != width {
                return Err(EmbedError::Tokenizer(format!(
                    "padded batch has rows of {} and {} tokens",
                    width,
                    encoding.get_ids().len()
                )));
            }
            ids.extend_from_slice(encoding.get_ids());
            mask.extend_from_slice(encoding.get_attention_mask());
        }
        let ids = Tensor::from_vec(ids, (rows, width), &self.device)?;
        let mask = Tensor::from_vec(mask, (rows, width), &self.device)?;
        // One segment only: every token type is 0.
        let token_types = ids.zeros_like()?;

        let hidden = self.model.forward(&ids, &token_types, Some(&mask))?; // (rows, width, 384)
        let mask = mask.to_dtype(DType::F32)?.unsqueeze(2)?; // (rows, width, 1)
        let summed = hidden.broadcast_mul(&mask)?.sum(1)?; // (rows, 384)
        // Every row has at least [CLS] and [SEP], so the count is never 0;
        // the floor only guards against a tokenizer that says otherwise.
        let counts = mask.sum(1)?.clamp(1e-9f32, f32::MAX)?; // (rows, 1)
        let mut vectors = summed.broadcast_div(&counts)?.to_vec2::<f32>()?;
        vectors.iter_mut().for_each(|v| l2_normalise(v));

        tracing::debug!(
            texts = rows,
            tokens = width,
            ms = started.elapsed().as_millis() as u64,
            "local embedding batch"
        );
        Ok(vectors)
    }
}

impl Embedder for LocalMiniLm {
    fn model_id(&self) -> &str {
        MODEL_ID
    }

    fn dimension(&self) -> usize {
        self.dimension
    }

    fn embed<'a>(
        &'a self,
        texts: &'a [String],
    ) -> BoxFuture<'a, Result<Vec<Vec<f32>>, EmbedError>> {
        Box::pin(self.embed_all(texts))
    }
}

fn load_err(path: &Path, e: impl std::fmt::Display) -> EmbedError {
    EmbedError::ModelLoad {
        path: PathBuf::from(path),
        message: e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_dir_names_the_file_and_the_fix() {
        let dir = Path::new("/nonexistent/procura-model");
        let err = LocalMiniLm::load(dir)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            err.contains("/nonexistent/procura-model/model.safetensors"),
            "{err}"
        );
        assert!(err.contains("scripts/fetch-model"), "{err}");
    }
}
