//! Language-model providers for `procurad`.
//!
//! The daemon asks a model four kinds of question, each typed: turn an
//! operator's request into a [`SearchSpec`] ([`Llm::plan`]), read a product
//! page's screenshot and text when markup fails ([`Llm::read_page`]), draft a
//! negotiation email ([`Llm::draft`]) and read a vendor's reply
//! ([`Llm::read_reply`]). [`OpenAiProvider`] answers them through any
//! OpenAI-compatible endpoint (OpenAI, vLLM, Ollama, a llama.cpp server); the
//! daemon's offline provider implements the same trait without a network.
//!
//! Page text and email bodies are data, never instructions: they reach the
//! model inside a delimited block of untrusted data, the system prompt says
//! so, and the answer is parsed into typed fields only (JSON schema with
//! `strict: true`, then checked again here). Nothing a model says can do
//! anything but fill those fields, and a price that does not appear in the
//! page's text never leaves this crate ([`price_appears_in_text`]).
//!
//! Every answer carries the call's [`Usage`] (model, tokens in and out, from
//! the response's `usage`) for the daemon's `api_usage` accounting;
//! [`PriceTable`] prices it. Attempts that failed at the HTTP level (429,
//! 5xx, timeouts) have no usage to report; an answer that arrived but was
//! unusable still reports its tokens through [`LlmError::usage`].

mod config;
pub mod offline;
mod openai;
mod price_check;
mod pricing;
mod prompt;
pub mod schema;
mod transport;
mod types;

use std::time::Duration;

use chrono::NaiveDate;
use futures::future::BoxFuture;
use serde::{Deserialize, Serialize};

pub use config::{LlmConfig, TaskModels};
pub use openai::OpenAiProvider;
pub use price_check::{numbers_in_text, price_appears_in_text};
pub use pricing::{ModelPrice, PriceTable};
pub use procura_common::spec::SearchSpec;
pub use secrecy::SecretString;
pub use types::{
    Availability, DraftBrief, DraftEmail, DraftProduct, PageEvidence, PageFields, ReplyEvidence,
    ReplyOffer,
};

/// The model tasks, one per [`Llm`] method. Each may use its own model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Task {
    Plan,
    VisionExtract,
    Draft,
    ReplyParse,
}

impl Task {
    pub const ALL: [Task; 4] = [
        Task::Plan,
        Task::VisionExtract,
        Task::Draft,
        Task::ReplyParse,
    ];

    /// `plan`, `vision_extract`, `draft`, `reply_parse`: the name recorded
    /// with usage rows.
    pub fn as_str(self) -> &'static str {
        match self {
            Task::Plan => "plan",
            Task::VisionExtract => "vision_extract",
            Task::Draft => "draft",
            Task::ReplyParse => "reply_parse",
        }
    }
}

impl std::fmt::Display for Task {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The tokens one model call consumed, as the endpoint reported them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Usage {
    pub task: Task,
    /// The model asked for (the configured name, which the price table is
    /// keyed by), not the dated snapshot name some servers answer with.
    pub model: String,
    pub tokens_in: u64,
    pub tokens_out: u64,
}

/// A typed answer and what it cost. `usage` is `None` when the provider
/// used no model (the offline provider) or the endpoint reported no usage.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer<T> {
    pub value: T,
    pub usage: Option<Usage>,
    /// Values the model gave that failed a check here (a price that does
    /// not appear in the text) and were left out of `value`, so the caller
    /// can say so in its log.
    pub rejected: Vec<Rejected>,
}

/// One value the model answered but that was not accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    pub field: &'static str,
    pub value: String,
    pub reason: &'static str,
}

/// A language model behind typed tasks.
///
/// Dyn-compatible (the daemon holds an `Arc<dyn Llm>` chosen by its
/// configuration), so methods return boxed futures.
pub trait Llm: Send + Sync {
    /// Turns an operator's request into a search spec. `today` resolves
    /// relative dates ("by Friday", "15 Dec"). A request that states no
    /// quantity, budget or date gives none.
    fn plan<'a>(
        &'a self,
        request_text: &'a str,
        today: NaiveDate,
    ) -> BoxFuture<'a, Result<Answer<SearchSpec>, LlmError>>;

    /// Reads a product page from its screenshot and visible text. A price
    /// that does not appear in `page.visible_text` is dropped (`None`), so
    /// no invented number is ever returned.
    fn read_page<'a>(
        &'a self,
        page: &'a PageEvidence,
    ) -> BoxFuture<'a, Result<Answer<PageFields>, LlmError>>;

    /// Drafts a negotiation email for a human to approve.
    fn draft<'a>(
        &'a self,
        brief: &'a DraftBrief,
    ) -> BoxFuture<'a, Result<Answer<DraftEmail>, LlmError>>;

    /// Reads the offer in a vendor's reply. Unit price and discount are
    /// dropped unless they appear in the email's subject or body.
    fn read_reply<'a>(
        &'a self,
        reply: &'a ReplyEvidence,
    ) -> BoxFuture<'a, Result<Answer<ReplyOffer>, LlmError>>;
}

/// Why a model call failed. Messages name the endpoint or task and never
/// contain the API key.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LlmError {
    /// The provider was configured with something unusable.
    #[error("LLM configuration: {0}")]
    Config(String),

    /// The endpoint answered with an HTTP error (after retries when the
    /// status was 429 or 5xx). `message` is the server's own message.
    #[error(
        "LLM endpoint {endpoint} answered HTTP {status} after {attempts} attempt(s): {message}"
    )]
    Status {
        endpoint: String,
        status: u16,
        message: String,
        attempts: u32,
        /// The last `Retry-After` the server asked for, when retrying was
        /// given up because it exceeded the remaining wait budget.
        retry_after: Option<Duration>,
    },

    /// No answer within the request timeout, on every attempt.
    #[error("LLM endpoint {endpoint} did not answer within {timeout:?} ({attempts} attempt(s))")]
    Timeout {
        endpoint: String,
        timeout: Duration,
        attempts: u32,
    },

    /// The endpoint could not be reached, or the connection broke, on every
    /// attempt.
    #[error("LLM endpoint {endpoint} unreachable after {attempts} attempt(s): {message}")]
    Connection {
        endpoint: String,
        message: String,
        attempts: u32,
    },

    /// The endpoint answered 200 with a body that is not a chat completion
    /// (not JSON, or JSON of another shape).
    #[error("LLM endpoint {endpoint} sent a malformed response: {message}")]
    MalformedResponse { endpoint: String, message: String },

    /// The model's answer is not valid against the task's JSON schema (not
    /// JSON, a missing or extra field, a wrong type, an unparseable decimal
    /// or date, or no content at all). The caller falls back to its offline
    /// path. The tokens were spent all the same: see [`LlmError::usage`].
    #[error("{task}: the model's answer does not match the schema: {reason}")]
    InvalidOutput {
        task: Task,
        reason: String,
        usage: Option<Usage>,
    },

    /// The model declined to answer (OpenAI's `refusal`).
    #[error("{task}: the model refused: {refusal}")]
    Refused {
        task: Task,
        refusal: String,
        usage: Option<Usage>,
    },
}

impl LlmError {
    /// Tokens the failed call still consumed (an answer that arrived but
    /// was unusable), for the usage accounting.
    pub fn usage(&self) -> Option<&Usage> {
        match self {
            LlmError::InvalidOutput { usage, .. } | LlmError::Refused { usage, .. } => {
                usage.as_ref()
            }
            _ => None,
        }
    }

    /// True when the endpoint answered but the answer was unusable: the
    /// daemon then falls back to its offline parser and logs why.
    pub fn is_unusable_answer(&self) -> bool {
        matches!(
            self,
            LlmError::InvalidOutput { .. } | LlmError::Refused { .. }
        )
    }

    /// The HTTP status, when the endpoint answered with an error.
    pub fn status(&self) -> Option<u16> {
        match self {
            LlmError::Status { status, .. } => Some(*status),
            _ => None,
        }
    }
}

/// Keeps text from a server or a model (which may be a whole HTML error
/// page) to a length that fits a log line and a TUI status.
pub(crate) fn clip(text: &str) -> String {
    const MAX: usize = 500;
    match text.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn task_names_are_stable() {
        let names: Vec<&str> = Task::ALL.iter().map(|t| t.as_str()).collect();
        assert_eq!(names, ["plan", "vision_extract", "draft", "reply_parse"]);
        for t in Task::ALL {
            assert_eq!(
                serde_json::to_value(t).ok(),
                Some(serde_json::Value::from(t.as_str()))
            );
        }
    }

    #[test]
    fn clip_cuts_long_text_on_a_char_boundary() {
        let long = "é".repeat(600);
        let clipped = clip(&long);
        assert_eq!(clipped.chars().count(), 501);
        assert!(clipped.ends_with('…'));
        assert_eq!(clip("short"), "short");
    }
}
