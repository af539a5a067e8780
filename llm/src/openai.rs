//! [`Llm`] through any OpenAI-compatible `/chat/completions` endpoint.
//!
//! async-openai builds the requests and parses the responses; the HTTP
//! underneath is [`crate::transport`] (concurrency cap, retries with
//! `Retry-After`), installed with `Client::with_http_service` so that
//! async-openai's own retries are off.

use async_openai::Client;
use async_openai::config::OpenAIConfig;
use async_openai::error::OpenAIError;
use async_openai::types::chat::{
    ChatCompletionRequestMessage, CreateChatCompletionRequest, ResponseFormat,
    ResponseFormatJsonSchema,
};
use chrono::NaiveDate;
use futures::future::BoxFuture;
use procura_common::spec::SearchSpec;
use rust_decimal::Decimal;
use secrecy::ExposeSecret;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::transport::{Failure, RetryPolicy, Transport};
use crate::{
    Answer, DraftBrief, DraftEmail, Llm, LlmConfig, LlmError, PageEvidence, PageFields, Rejected,
    ReplyEvidence, ReplyOffer, Task, Usage, clip, price_appears_in_text, prompt, schema,
};

/// An OpenAI-compatible endpoint (OpenAI, vLLM, Ollama, llama.cpp's
/// `llama-server`) answering the typed tasks with JSON-schema structured
/// output.
pub struct OpenAiProvider {
    client: Client<OpenAIConfig>,
    config: LlmConfig,
    /// `<base>/chat/completions`, for messages.
    endpoint: String,
}

/// Hand-written so that no derive can ever print the key.
impl std::fmt::Debug for OpenAiProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OpenAiProvider")
            .field("endpoint", &self.endpoint)
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl OpenAiProvider {
    /// Checks the configuration and builds the client; sends nothing.
    /// `OPENAI_*` environment variables are not read: the daemon's
    /// configuration is the one source of settings.
    pub fn new(config: LlmConfig) -> Result<Self, LlmError> {
        let base = config.validated_base()?;
        let http = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout)
            .timeout(config.request_timeout)
            .build()
            .map_err(|e| LlmError::Config(format!("HTTP client: {e}")))?;
        let key = config
            .api_key
            .as_ref()
            .map(|k| k.expose_secret().to_owned())
            .unwrap_or_default();
        let openai = OpenAIConfig::new()
            .with_api_base(base.as_str())
            .with_api_key(key)
            .with_org_id("")
            .with_project_id("");
        let policy = RetryPolicy {
            max_attempts: config.max_attempts,
            initial_backoff: config.initial_backoff,
            max_backoff: config.max_backoff,
            max_total_wait: config.max_total_wait,
        };
        let transport = Transport::new(
            http.clone(),
            config.max_concurrent_calls,
            policy,
            config.api_key.clone(),
        );
        let client = Client::build(http, openai).with_http_service(transport);
        Ok(Self {
            client,
            endpoint: format!("{base}/chat/completions"),
            config,
        })
    }

    pub fn config(&self) -> &LlmConfig {
        &self.config
    }

    /// The URL every call goes to.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// The request `plan` sends, for tools that want to see or replay it
    /// (the benchmark posts the same body with plain reqwest).
    pub fn plan_request(
        &self,
        request_text: &str,
        today: NaiveDate,
    ) -> CreateChatCompletionRequest {
        self.request(Task::Plan, prompt::plan(request_text, today))
    }

    fn request(
        &self,
        task: Task,
        messages: Vec<ChatCompletionRequestMessage>,
    ) -> CreateChatCompletionRequest {
        CreateChatCompletionRequest {
            model: self.config.model_for(task).to_owned(),
            messages,
            response_format: Some(ResponseFormat::JsonSchema {
                json_schema: ResponseFormatJsonSchema {
                    description: None,
                    name: schema::schema_name(task).to_owned(),
                    schema: schema::schema_for(task).clone(),
                    strict: Some(true),
                },
            }),
            max_completion_tokens: self.config.max_output_tokens,
            temperature: self.config.temperature,
            ..Default::default()
        }
    }

    /// One call: the request, the answer's usage, its content checked
    /// against the task's schema and parsed into `T`.
    async fn call<T: DeserializeOwned>(
        &self,
        task: Task,
        messages: Vec<ChatCompletionRequestMessage>,
    ) -> Result<(T, Option<Usage>), LlmError> {
        let request = self.request(task, messages);
        let model = request.model.clone();
        let response = self
            .client
            .chat()
            .create(request)
            .await
            .map_err(|e| self.api_error(task, e))?;
        let usage = response.usage.as_ref().map(|u| Usage {
            task,
            model: model.clone(),
            tokens_in: u64::from(u.prompt_tokens),
            tokens_out: u64::from(u.completion_tokens),
        });
        tracing::debug!(
            task = task.as_str(),
            model = %model,
            tokens_in = usage.as_ref().map(|u| u.tokens_in),
            tokens_out = usage.as_ref().map(|u| u.tokens_out),
            "LLM answer"
        );
        let invalid = |reason: String, usage: Option<Usage>| {
            tracing::warn!(task = task.as_str(), model = %model, %reason, "LLM answer unusable");
            LlmError::InvalidOutput {
                task,
                reason,
                usage,
            }
        };
        let Some(choice) = response.choices.into_iter().next() else {
            return Err(invalid("the answer has no choices".into(), usage));
        };
        if let Some(refusal) = choice.message.refusal.filter(|r| !r.trim().is_empty()) {
            tracing::warn!(task = task.as_str(), model = %model, "LLM refused");
            return Err(LlmError::Refused {
                task,
                refusal: clip(&refusal),
                usage,
            });
        }
        let Some(content) = choice.message.content.filter(|c| !c.trim().is_empty()) else {
            let reason = format!(
                "the answer has no content (finish_reason {:?})",
                choice.finish_reason
            );
            return Err(invalid(reason, usage));
        };
        let json: Value = match serde_json::from_str(strip_fence(&content)) {
            Ok(v) => v,
            Err(e) => {
                let reason = format!("not JSON ({e}): {}", clip(&content));
                return Err(invalid(reason, usage));
            }
        };
        if let Err(reason) = schema::validate(schema::schema_for(task), &json) {
            return Err(invalid(reason, usage));
        }
        match serde_json::from_value::<T>(json) {
            Ok(value) => Ok((value, usage)),
            Err(e) => Err(invalid(e.to_string(), usage)),
        }
    }

    fn api_error(&self, task: Task, e: OpenAIError) -> LlmError {
        let endpoint = self.endpoint.clone();
        let error = match e {
            OpenAIError::Boxed(b) => match b.downcast::<Failure>() {
                Ok(failure) => match *failure {
                    Failure::Status {
                        status,
                        message,
                        attempts,
                        retry_after,
                    } => LlmError::Status {
                        endpoint,
                        status,
                        message,
                        attempts,
                        retry_after,
                    },
                    Failure::Timeout { attempts } => LlmError::Timeout {
                        endpoint,
                        timeout: self.config.request_timeout,
                        attempts,
                    },
                    Failure::Connection { message, attempts } => LlmError::Connection {
                        endpoint,
                        message,
                        attempts,
                    },
                },
                Err(other) => LlmError::Connection {
                    endpoint,
                    message: clip(&other.to_string()),
                    attempts: 1,
                },
            },
            OpenAIError::JSONDeserialize(e, body) => LlmError::MalformedResponse {
                endpoint,
                message: format!("{e}; body: {}", clip(&body)),
            },
            // Not produced while the transport reads every error itself,
            // but mapped all the same.
            OpenAIError::ApiError(api) => LlmError::Status {
                endpoint,
                status: api.status_code.as_u16(),
                message: clip(&api.api_error.to_string()),
                attempts: 1,
                retry_after: None,
            },
            OpenAIError::Reqwest(e) if e.is_timeout() => LlmError::Timeout {
                endpoint,
                timeout: self.config.request_timeout,
                attempts: 1,
            },
            OpenAIError::InvalidArgument(m) => LlmError::Config(m),
            other => LlmError::Connection {
                endpoint,
                message: clip(&other.to_string()),
                attempts: 1,
            },
        };
        let error = self.redacted(error);
        tracing::warn!(task = task.as_str(), error = %error, "LLM call failed");
        error
    }

    /// Servers may echo the key they were given in an error message
    /// ("Incorrect API key provided: ..."): it is cut out here, before the
    /// message can reach a log or a screen.
    fn redacted(&self, mut error: LlmError) -> LlmError {
        let Some(key) = self.config.api_key.as_ref().map(|k| k.expose_secret()) else {
            return error;
        };
        if key.len() < 4 {
            return error;
        }
        match &mut error {
            LlmError::Status { message, .. }
            | LlmError::Connection { message, .. }
            | LlmError::MalformedResponse { message, .. }
            | LlmError::Config(message)
                if message.contains(key) =>
            {
                *message = message.replace(key, "<redacted>");
            }
            _ => {}
        }
        error
    }
}

/// Some servers ignore `response_format` and some models wrap JSON in a
/// Markdown fence anyway; the fence is not part of the answer.
fn strip_fence(content: &str) -> &str {
    let t = content.trim();
    let Some(rest) = t.strip_prefix("```") else {
        return t;
    };
    let rest = rest.strip_prefix("json").unwrap_or(rest);
    rest.strip_suffix("```").unwrap_or(rest).trim()
}

/// `Some(n)` only if `n` is written in `text`; what it drops goes into
/// `rejected` and the log.
fn vouched(
    n: Option<Decimal>,
    text: &str,
    task: Task,
    field: &'static str,
    rejected: &mut Vec<Rejected>,
) -> Option<Decimal> {
    let n = n?;
    if price_appears_in_text(&n, text) {
        Some(n)
    } else {
        tracing::warn!(
            task = task.as_str(),
            field,
            value = %n,
            "the model's number does not appear in the text; dropped"
        );
        rejected.push(Rejected {
            field,
            value: n.to_string(),
            reason: "it does not appear in the text",
        });
        None
    }
}

impl Llm for OpenAiProvider {
    fn plan<'a>(
        &'a self,
        request_text: &'a str,
        today: NaiveDate,
    ) -> BoxFuture<'a, Result<Answer<SearchSpec>, LlmError>> {
        Box::pin(async move {
            let messages = prompt::plan(request_text, today);
            let (value, usage) = self.call::<SearchSpec>(Task::Plan, messages).await?;
            Ok(Answer {
                value,
                usage,
                rejected: Vec::new(),
            })
        })
    }

    /// The price is kept only if [`price_appears_in_text`] finds it in
    /// `page.visible_text`; otherwise it is `None` (and a warning is
    /// logged). The other fields are as the model read them.
    fn read_page<'a>(
        &'a self,
        page: &'a PageEvidence,
    ) -> BoxFuture<'a, Result<Answer<PageFields>, LlmError>> {
        Box::pin(async move {
            let task = Task::VisionExtract;
            let (mut value, usage) = self
                .call::<PageFields>(task, prompt::read_page(page))
                .await?;
            let mut rejected = Vec::new();
            value.price = vouched(
                value.price,
                &page.visible_text,
                task,
                "price",
                &mut rejected,
            );
            Ok(Answer {
                value,
                usage,
                rejected,
            })
        })
    }

    fn draft<'a>(
        &'a self,
        brief: &'a DraftBrief,
    ) -> BoxFuture<'a, Result<Answer<DraftEmail>, LlmError>> {
        Box::pin(async move {
            let task = Task::Draft;
            let (value, usage) = self.call::<DraftEmail>(task, prompt::draft(brief)).await?;
            if value.subject.trim().is_empty() || value.body.trim().is_empty() {
                return Err(LlmError::InvalidOutput {
                    task,
                    reason: "the draft's subject or body is empty".into(),
                    usage,
                });
            }
            Ok(Answer {
                value,
                usage,
                rejected: Vec::new(),
            })
        })
    }

    /// Unit price and discount are kept only if they appear in the email's
    /// subject or body.
    fn read_reply<'a>(
        &'a self,
        reply: &'a ReplyEvidence,
    ) -> BoxFuture<'a, Result<Answer<ReplyOffer>, LlmError>> {
        Box::pin(async move {
            let task = Task::ReplyParse;
            let (mut value, usage) = self
                .call::<ReplyOffer>(task, prompt::read_reply(reply))
                .await?;
            let text = format!("{}\n{}", reply.subject, reply.body);
            let mut rejected = Vec::new();
            value.unit_price = vouched(value.unit_price, &text, task, "unit_price", &mut rejected);
            value.discount_percent = vouched(
                value.discount_percent,
                &text,
                task,
                "discount_percent",
                &mut rejected,
            );
            Ok(Answer {
                value,
                usage,
                rejected,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fences_are_stripped() {
        assert_eq!(strip_fence("```json\n{\"a\":1}\n```"), "{\"a\":1}");
        assert_eq!(strip_fence("```\n{}\n```"), "{}");
        assert_eq!(strip_fence("  {} "), "{}");
    }
}
