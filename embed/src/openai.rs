//! Embeddings from an OpenAI-compatible `/v1/embeddings` endpoint.
//!
//! For deployments that already run an embedding server (OpenAI itself, or a
//! local vLLM, llama.cpp or Ollama speaking the same protocol) and prefer its
//! model to the built-in one.

use std::time::Duration;

use async_openai::Client;
use async_openai::config::OpenAIConfig;
use async_openai::error::OpenAIError;
use async_openai::types::embeddings::{CreateEmbeddingRequest, EmbeddingInput};
use futures::future::BoxFuture;

use crate::{EmbedError, Embedder, l2_normalise};

/// Inputs per request. OpenAI accepts up to 2048 inputs and 300,000 tokens
/// per request; 128 product texts stay far below both, and below the
/// smaller limits of local servers, while still saving round trips.
const DEFAULT_BATCH: usize = 128;

/// A request that has not finished in this time is failed rather than left
/// to hang an indexing job forever.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(120);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The text of the request that learns the dimension.
const PROBE: &str = "dimension probe";

/// An OpenAI-compatible embeddings endpoint.
pub struct OpenAiEmbedder {
    client: Client<OpenAIConfig>,
    model: String,
    model_id: String,
    /// `<base>/embeddings`, for error messages.
    endpoint: String,
    dimension: usize,
    batch: usize,
}

/// Hand-written so that no derive can ever print the key (the config's own
/// Debug redacts it today, but that is its promise, not ours).
impl std::fmt::Debug for OpenAiEmbedder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OpenAiEmbedder")
            .field("endpoint", &self.endpoint)
            .field("model", &self.model)
            .field("dimension", &self.dimension)
            .field("batch", &self.batch)
            .finish_non_exhaustive()
    }
}

impl OpenAiEmbedder {
    /// Connects to `base_url` (which includes `/v1`, e.g.
    /// `http://127.0.0.1:8000/v1`) and learns the model's dimension with one
    /// small request, so that a wrong URL, key or model name fails here, at
    /// start-up, rather than during the first indexing job.
    ///
    /// Without `api_key` the request carries an empty bearer token, which
    /// local servers without authentication ignore. `OPENAI_*` environment
    /// variables are deliberately not read: the daemon's configuration is
    /// the one source of settings.
    pub async fn connect(
        base_url: &str,
        api_key: Option<String>,
        model: &str,
    ) -> Result<Self, EmbedError> {
        let base = base_url.trim_end_matches('/');
        let url = reqwest::Url::parse(base)
            .map_err(|e| EmbedError::Config(format!("embedding base URL {base:?}: {e}")))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(EmbedError::Config(format!(
                "embedding base URL {base:?} is not http or https"
            )));
        }
        if model.trim().is_empty() {
            return Err(EmbedError::Config("embedding model name is empty".into()));
        }
        let key = api_key.unwrap_or_default();
        // async-openai builds the Authorization header with an unwrap: a key
        // with a newline or other control character would panic there, so
        // reject it here. The message leaves the key out.
        if reqwest::header::HeaderValue::from_str(&format!("Bearer {key}")).is_err() {
            return Err(EmbedError::Config(
                "embedding API key contains characters not allowed in an HTTP header".into(),
            ));
        }
        let config = OpenAIConfig::new()
            .with_api_base(base)
            .with_api_key(key)
            .with_org_id("")
            .with_project_id("");
        let http = reqwest::Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(REQUEST_TIMEOUT)
            .build()
            .map_err(|e| EmbedError::Config(format!("HTTP client: {e}")))?;

        let mut embedder = Self {
            client: Client::with_config(config).with_http_client(http),
            model: model.to_owned(),
            model_id: format!("openai:{model}"),
            endpoint: format!("{base}/embeddings"),
            dimension: 0,
            batch: DEFAULT_BATCH,
        };
        let probe = embedder.request(&[PROBE.to_owned()]).await?;
        embedder.dimension = probe.first().map_or(0, Vec::len);
        if embedder.dimension == 0 {
            return Err(EmbedError::BadResponse {
                endpoint: embedder.endpoint,
                message: "the dimension probe returned an empty vector".into(),
            });
        }
        tracing::info!(
            endpoint = %embedder.endpoint,
            model = %embedder.model,
            dimension = embedder.dimension,
            "embedding endpoint connected"
        );
        Ok(embedder)
    }

    /// Sets how many texts go into one request (at least 1), for servers
    /// with a lower limit than [`DEFAULT_BATCH`].
    pub fn with_batch_size(mut self, batch: usize) -> Self {
        self.batch = batch.max(1);
        self
    }

    async fn embed_all(&self, texts: &[String]) -> Result<Vec<Vec<f32>>, EmbedError> {
        let mut out = Vec::with_capacity(texts.len());
        for chunk in texts.chunks(self.batch) {
            let vectors = self.request(chunk).await?;
            if let Some(bad) = vectors.iter().find(|v| v.len() != self.dimension) {
                return Err(self.bad(format!(
                    "a vector has {} dimensions, the model had {}",
                    bad.len(),
                    self.dimension
                )));
            }
            out.extend(vectors);
        }
        Ok(out)
    }

    /// One request for `texts`; returns normalised vectors in input order.
    async fn request(&self, texts: &[String]) -> Result<Vec<Vec<f32>>, EmbedError> {
        // OpenAI rejects an empty string as input; a single space embeds the
        // same "no content" without failing the whole batch.
        let input: Vec<String> = texts
            .iter()
            .map(|t| {
                if t.is_empty() {
                    " ".to_owned()
                } else {
                    t.clone()
                }
            })
            .collect();
        let request = CreateEmbeddingRequest {
            model: self.model.clone(),
            input: EmbeddingInput::StringArray(input),
            ..Default::default()
        };
        let response = self
            .client
            .embeddings()
            .create(request)
            .await
            .map_err(|e| self.api_error(e))?;

        // Answers carry an index per vector and need not be in order.
        let mut slots: Vec<Option<Vec<f32>>> = vec![None; texts.len()];
        if response.data.len() != texts.len() {
            return Err(self.bad(format!(
                "{} vectors for {} inputs",
                response.data.len(),
                texts.len()
            )));
        }
        for item in response.data {
            let slot = slots
                .get_mut(item.index as usize)
                .ok_or_else(|| self.bad(format!("index {} out of range", item.index)))?;
            if slot.replace(item.embedding).is_some() {
                return Err(self.bad(format!("index {} appears twice", item.index)));
            }
        }
        let mut vectors: Vec<Vec<f32>> = slots.into_iter().flatten().collect();
        if vectors.len() != texts.len() {
            return Err(self.bad("some inputs got no vector".into()));
        }
        // OpenAI's vectors are already unit length, but other servers' need
        // not be, and the trait promises normalised vectors.
        vectors.iter_mut().for_each(|v| l2_normalise(v));
        tracing::debug!(endpoint = %self.endpoint, texts = texts.len(), "remote embedding batch");
        Ok(vectors)
    }

    fn bad(&self, message: String) -> EmbedError {
        EmbedError::BadResponse {
            endpoint: self.endpoint.clone(),
            message,
        }
    }

    fn api_error(&self, e: OpenAIError) -> EmbedError {
        let (status, message) = match e {
            OpenAIError::ApiError(api) => (
                Some(api.status_code.as_u16()),
                format!(
                    "HTTP {}: {}",
                    api.status_code,
                    clip(&api.api_error.to_string())
                ),
            ),
            OpenAIError::Reqwest(e) => (e.status().map(|s| s.as_u16()), e.to_string()),
            // A 4xx whose body is not OpenAI's error JSON ends up here; the
            // body is in the message.
            other => (None, clip(&other.to_string())),
        };
        tracing::warn!(endpoint = %self.endpoint, ?status, %message, "embedding request failed");
        EmbedError::Endpoint {
            endpoint: self.endpoint.clone(),
            status,
            message,
        }
    }
}

/// Keeps an error body (which may be a whole HTML error page) to a length
/// that fits a log line and a TUI status.
fn clip(text: &str) -> String {
    const MAX: usize = 500;
    match text.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

impl Embedder for OpenAiEmbedder {
    fn model_id(&self) -> &str {
        &self.model_id
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
