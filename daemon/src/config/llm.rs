//! `[llm]`: the model endpoint, per-task models, prices, budgets and rate
//! limits.

use serde::Deserialize;

use super::ConfigError;

/// `[llm]`. The budget and rate limit keys are every organization's
/// defaults; a row in the `llm_limits` table overrides them for one
/// organization, column by column.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LlmConfig {
    // the endpoint
    /// An OpenAI-compatible endpoint with `/v1` (OpenAI, vLLM, Ollama,
    /// llama.cpp's server); unset: the offline provider does everything.
    pub base_url: Option<String>,
    /// Better in `PROCURA_LLM_API_KEY` or the systemd credential
    /// `llm_api_key`; never logged.
    pub api_key: Option<ApiKey>,
    /// Set when the key came from `PROCURA_LLM_API_KEY`, which wins over a
    /// systemd credential; a key in the file loses to one.
    #[serde(skip)]
    pub api_key_from_env: bool,
    /// The default model of every task.
    pub model: String,
    pub plan_model: Option<String>,
    pub vision_model: Option<String>,
    pub draft_model: Option<String>,
    pub reply_model: Option<String>,
    /// The limit on one attempt of one call.
    pub timeout_ms: u64,
    /// Calls in flight at once, across jobs.
    pub max_concurrent_calls: usize,
    /// Attempts per call (429, 5xx and timeouts are retried).
    pub max_attempts: u32,
    /// Price per million tokens by model, in `price_currency`.
    pub prices: procura_llm::PriceTable,
    pub price_currency: String,
    // budgets and rate limits
    /// Spend cap per calendar month (UTC), in `budget_currency`; unset: none.
    pub monthly_budget: Option<rust_decimal::Decimal>,
    pub budget_currency: String,
    /// Model calls per minute (a token bucket shared by every daemon on
    /// the database); unset: no limit.
    pub requests_per_minute: Option<u32>,
    /// What a job does once the budget is spent: `offline` or `pause`.
    pub on_budget_exhausted: procura_common::usage::OnBudgetExhausted,
    /// Tasks that keep their offline path even with a model: any of
    /// `plan`, `vision_extract`, `draft`, `reply_parse` (say, the
    /// deterministic parser for plans and the model for replies).
    pub offline_tasks: Vec<String>,
}

impl Default for LlmConfig {
    fn default() -> Self {
        LlmConfig {
            base_url: None,
            api_key: None,
            api_key_from_env: false,
            model: "gpt-4o-mini".into(),
            plan_model: None,
            vision_model: None,
            draft_model: None,
            reply_model: None,
            timeout_ms: 60_000,
            max_concurrent_calls: 4,
            max_attempts: 4,
            prices: default_prices(),
            price_currency: "USD".into(),
            monthly_budget: None,
            budget_currency: "USD".into(),
            requests_per_minute: None,
            on_budget_exhausted: Default::default(),
            offline_tasks: Vec::new(),
        }
    }
}

/// An API key: read from the config, never shown.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct ApiKey(pub(super) String);

impl ApiKey {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

/// List prices in USD per million tokens as published in November 2026;
/// set `[llm.prices]` to what your provider charges.
fn default_prices() -> procura_llm::PriceTable {
    let mut prices = procura_llm::PriceTable::new();
    for (model, input, output) in [("gpt-4o-mini", "0.15", "0.60"), ("gpt-4o", "2.50", "10.00")] {
        if let (Ok(input), Ok(output)) = (input.parse(), output.parse()) {
            prices.insert(model, procura_llm::ModelPrice { input, output });
        }
    }
    prices
}

impl LlmConfig {
    pub(super) fn validate(&self) -> Result<(), ConfigError> {
        for task in &self.offline_tasks {
            if !["plan", "vision_extract", "draft", "reply_parse"].contains(&task.as_str()) {
                return Err(ConfigError::Invalid(format!(
                    "llm.offline_tasks: {task:?} is not plan, vision_extract, draft or reply_parse"
                )));
            }
        }
        if let Some(url) = &self.base_url
            && !(url.starts_with("http://") || url.starts_with("https://"))
        {
            return Err(ConfigError::Invalid(format!(
                "llm.base_url must be an http(s) URL such as http://127.0.0.1:8080/v1, not {url:?}"
            )));
        }
        if self.model.trim().is_empty() {
            return Err(ConfigError::Invalid("llm.model must not be empty".into()));
        }
        if self.timeout_ms < 100 || self.max_concurrent_calls == 0 || self.max_attempts == 0 {
            return Err(ConfigError::Invalid(
                "llm.timeout_ms must be at least 100, llm.max_concurrent_calls and \
                 llm.max_attempts at least 1"
                    .into(),
            ));
        }
        if self.monthly_budget.is_some_and(|b| b.is_sign_negative()) {
            return Err(ConfigError::Invalid(
                "llm.monthly_budget must not be negative".into(),
            ));
        }
        let code = &self.budget_currency;
        if code.len() != 3 || !code.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(ConfigError::Invalid(format!(
                "llm.budget_currency must be an ISO 4217 code such as USD, not {code:?}"
            )));
        }
        if self
            .requests_per_minute
            .is_some_and(|r| r == 0 || r > 1_000_000)
        {
            return Err(ConfigError::Invalid(
                "llm.requests_per_minute must be between 1 and 1000000".into(),
            ));
        }
        Ok(())
    }
}
