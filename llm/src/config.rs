//! How to reach an OpenAI-compatible endpoint and how hard to try.

use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};

use crate::{LlmError, Task};

/// Per-task model names; `None` uses [`LlmConfig::model`]. (Embeddings are
/// procura-embed's, configured there.)
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TaskModels {
    pub plan: Option<String>,
    pub vision: Option<String>,
    pub draft: Option<String>,
    pub reply: Option<String>,
}

/// Settings of [`crate::OpenAiProvider`].
///
/// `Debug` shows whether a key is set, never the key.
#[derive(Clone)]
pub struct LlmConfig {
    /// The API base including `/v1`, e.g. `https://api.openai.com/v1` or
    /// `http://127.0.0.1:8080/v1`.
    pub base_url: String,
    /// Sent as a bearer token. `None` sends an empty one, which servers
    /// without authentication ignore.
    pub api_key: Option<SecretString>,
    /// The default model of every task.
    pub model: String,
    pub models: TaskModels,
    /// The limit on one attempt, from sending to the last byte of the
    /// answer.
    pub request_timeout: Duration,
    pub connect_timeout: Duration,
    /// HTTP requests in flight at once across all tasks (a semaphore,
    /// held for each attempt and released while waiting to retry).
    pub max_concurrent_calls: usize,
    /// Attempts per call, the first included (1 = no retries).
    pub max_attempts: u32,
    /// The first retry's delay without `Retry-After`; doubled each retry,
    /// with jitter, up to `max_backoff`.
    pub initial_backoff: Duration,
    pub max_backoff: Duration,
    /// The most a call waits between its attempts in total. A
    /// `Retry-After` that would pass it ends the retries at once.
    pub max_total_wait: Duration,
    /// Sent as `max_completion_tokens` when set.
    pub max_output_tokens: Option<u32>,
    /// Sent as `temperature` when set (some models accept only the
    /// default, so nothing is sent by default).
    pub temperature: Option<f32>,
}

impl std::fmt::Debug for LlmConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LlmConfig")
            .field("base_url", &self.base_url)
            .field(
                "api_key",
                &self
                    .api_key
                    .as_ref()
                    .map(|_| "<redacted>")
                    .unwrap_or("<none>"),
            )
            .field("model", &self.model)
            .field("models", &self.models)
            .field("request_timeout", &self.request_timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("max_concurrent_calls", &self.max_concurrent_calls)
            .field("max_attempts", &self.max_attempts)
            .field("initial_backoff", &self.initial_backoff)
            .field("max_backoff", &self.max_backoff)
            .field("max_total_wait", &self.max_total_wait)
            .field("max_output_tokens", &self.max_output_tokens)
            .field("temperature", &self.temperature)
            .finish()
    }
}

impl LlmConfig {
    /// Defaults: 120 s per attempt, 10 s to connect, 4 calls in flight, 4
    /// attempts, backoff from 500 ms doubling up to 30 s, at most 120 s of
    /// waiting per call.
    pub fn new(base_url: impl Into<String>, model: impl Into<String>) -> Self {
        Self {
            base_url: base_url.into(),
            api_key: None,
            model: model.into(),
            models: TaskModels::default(),
            request_timeout: Duration::from_secs(120),
            connect_timeout: Duration::from_secs(10),
            max_concurrent_calls: 4,
            max_attempts: 4,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(30),
            max_total_wait: Duration::from_secs(120),
            max_output_tokens: None,
            temperature: None,
        }
    }

    pub fn with_api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = Some(SecretString::from(key.into()));
        self
    }

    /// The model a task uses.
    pub fn model_for(&self, task: Task) -> &str {
        let specific = match task {
            Task::Plan => &self.models.plan,
            Task::VisionExtract => &self.models.vision,
            Task::Draft => &self.models.draft,
            Task::ReplyParse => &self.models.reply,
        };
        specific
            .as_deref()
            .filter(|m| !m.trim().is_empty())
            .unwrap_or(&self.model)
    }

    /// The base URL without a trailing slash, checked; every other setting
    /// checked too. Messages never contain the key.
    pub(crate) fn validated_base(&self) -> Result<String, LlmError> {
        let bad = |m: String| Err(LlmError::Config(m));
        let base = self.base_url.trim().trim_end_matches('/');
        match reqwest::Url::parse(base) {
            Ok(url) if matches!(url.scheme(), "http" | "https") => {}
            Ok(_) => return bad(format!("LLM base URL {base:?} is not http or https")),
            Err(e) => return bad(format!("LLM base URL {base:?}: {e}")),
        }
        for task in Task::ALL {
            if self.model_for(task).trim().is_empty() {
                return bad(format!("no model configured for the {task} task"));
            }
        }
        if self.max_concurrent_calls == 0 {
            return bad("max_concurrent_calls must be at least 1".into());
        }
        if self.max_attempts == 0 {
            return bad("max_attempts must be at least 1".into());
        }
        if self.request_timeout.is_zero() || self.connect_timeout.is_zero() {
            return bad("LLM timeouts must be longer than zero".into());
        }
        if let Some(key) = &self.api_key {
            // async-openai builds the Authorization header with an unwrap: a
            // key with a newline or other control character would panic
            // there. The message leaves the key out.
            let header = format!("Bearer {}", key.expose_secret());
            if reqwest::header::HeaderValue::from_str(&header).is_err() {
                return bad("LLM API key contains characters not allowed in an HTTP header".into());
            }
        }
        Ok(base.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn task_models_override_the_default() {
        let mut c = LlmConfig::new("http://x/v1", "small");
        c.models.vision = Some("vision-model".into());
        c.models.draft = Some(" ".into());
        assert_eq!(c.model_for(Task::Plan), "small");
        assert_eq!(c.model_for(Task::VisionExtract), "vision-model");
        assert_eq!(c.model_for(Task::Draft), "small", "blank means unset");
    }

    #[test]
    fn debug_never_shows_the_key() {
        let c = LlmConfig::new("http://x/v1", "m").with_api_key("sk-secret-123");
        let shown = format!("{c:?}");
        assert!(!shown.contains("sk-secret-123"), "{shown}");
        assert!(shown.contains("<redacted>"));
    }

    #[test]
    fn bad_settings_are_refused_without_the_key() {
        let ok = LlmConfig::new("http://127.0.0.1:1/v1/", "m");
        assert_eq!(
            ok.validated_base().ok().as_deref(),
            Some("http://127.0.0.1:1/v1")
        );
        let cases = [
            LlmConfig::new("not a url", "m"),
            LlmConfig::new("ftp://x/v1", "m"),
            LlmConfig::new("http://x/v1", ""),
            LlmConfig {
                max_concurrent_calls: 0,
                ..ok.clone()
            },
            LlmConfig {
                max_attempts: 0,
                ..ok.clone()
            },
            LlmConfig {
                request_timeout: Duration::ZERO,
                ..ok.clone()
            },
            ok.clone().with_api_key("sk-bad\nkey"),
        ];
        for c in cases {
            match c.validated_base() {
                Err(LlmError::Config(m)) => assert!(!m.contains("sk-bad"), "{m}"),
                other => panic!("{c:?}: {other:?}"),
            }
        }
    }
}
