//! The model behind the agent: an OpenAI-compatible endpoint when
//! `llm.base_url` is set, held within the organization's budget and rate
//! limit (`crate::usage`), with every call recorded in `api_usage`; else
//! none, and every node takes its offline path.
//!
//! Nodes never see a provider error: [`Models::call`] answers with the
//! model's value, or says why the offline path is taken, or that the job
//! must pause (the budget is spent and `llm.on_budget_exhausted = "pause"`).

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::future::BoxFuture;
use procura_common::job::JobId;
use procura_common::usage::CallOutcome;
use procura_llm::{Answer, Llm, LlmError, OpenAiProvider, PriceTable};
use uuid::Uuid;

use crate::config::LlmConfig;
use crate::usage::{CallRecord, Refusal, Task, UsageGate};

mod offline;
pub use offline::OfflineProvider;

/// What `api_usage.service` says for calls to the configured endpoint.
pub const SERVICE: &str = "openai-compatible";
/// The longest a call waits for the rate limit before the job goes on
/// offline: a token bucket spaces calls out, it should not drop them.
const MAX_RATE_WAIT: Duration = Duration::from_secs(120);
/// The systemd credential holding the API key (`LoadCredential=`).
const CREDENTIAL: &str = "llm_api_key";

/// What a node gets back from [`Models::call`].
#[derive(Debug)]
pub enum Outcome<T> {
    Answered {
        value: T,
        model: String,
        /// What the model said that failed the provider's checks and is
        /// not in `value` (for the agent log).
        rejected: Vec<procura_llm::Rejected>,
    },
    /// Take the offline path; the reason is for the agent log.
    Offline(String),
    /// Stop the job here; the reason is for the agent log.
    Paused(String),
}

pub struct Models {
    provider: Option<Arc<dyn Llm>>,
    config: Option<procura_llm::LlmConfig>,
    prices: PriceTable,
    price_currency: String,
    gate: UsageGate,
    /// Tasks kept on their offline path (`llm.offline_tasks`).
    offline_tasks: Vec<String>,
}

impl Models {
    /// From `[llm]`: a provider when `base_url` is set, else offline.
    pub fn from_config(config: &LlmConfig, gate: UsageGate) -> Result<Models, LlmError> {
        let Some(base_url) = config.base_url.clone() else {
            return Ok(Models {
                provider: None,
                config: None,
                prices: config.prices.clone(),
                price_currency: config.price_currency.clone(),
                gate,
                offline_tasks: config.offline_tasks.clone(),
            });
        };
        let mut settings = procura_llm::LlmConfig::new(base_url, config.model.clone());
        if let Some(key) = api_key(config) {
            settings = settings.with_api_key(key);
        }
        settings.models = procura_llm::TaskModels {
            plan: config.plan_model.clone(),
            vision: config.vision_model.clone(),
            draft: config.draft_model.clone(),
            reply: config.reply_model.clone(),
        };
        settings.request_timeout = Duration::from_millis(config.timeout_ms);
        settings.max_concurrent_calls = config.max_concurrent_calls;
        settings.max_attempts = config.max_attempts;
        let provider = OpenAiProvider::new(settings.clone())?;
        Ok(Models {
            provider: Some(Arc::new(provider)),
            config: Some(settings),
            prices: config.prices.clone(),
            price_currency: config.price_currency.clone(),
            gate,
            offline_tasks: config.offline_tasks.clone(),
        })
    }

    /// What `status` and the logs say about the model.
    pub fn describe(&self) -> String {
        match &self.config {
            Some(c) => format!("{} at {}", c.model, c.base_url),
            None => "offline (no llm.base_url)".to_string(),
        }
    }

    /// The gate every call goes through.
    pub fn gate(&self) -> &UsageGate {
        &self.gate
    }

    pub fn is_configured(&self) -> bool {
        self.provider.is_some()
    }

    /// One model call for `task`, admitted by the gate and recorded.
    pub async fn call<'a, T, F>(
        &'a self,
        organization: Uuid,
        job: Option<JobId>,
        task: Task,
        call: F,
    ) -> Outcome<T>
    where
        F: FnOnce(&'a dyn Llm) -> BoxFuture<'a, Result<Answer<T>, LlmError>>,
    {
        let (Some(provider), Some(config)) = (&self.provider, &self.config) else {
            return Outcome::Offline("no model is configured (llm.base_url)".into());
        };
        if self.offline_tasks.iter().any(|t| t == task.as_str()) {
            return Outcome::Offline(format!("llm.offline_tasks keeps {} offline", task.as_str()));
        }
        let model = config.model_for(to_llm_task(task)).to_string();
        let record = |model, outcome, tokens_in, tokens_out, cost| CallRecord {
            organization,
            job,
            service: SERVICE,
            task,
            model,
            tokens_in,
            tokens_out,
            cost,
            currency: &self.price_currency,
            outcome,
        };
        let give_up = Instant::now() + MAX_RATE_WAIT;
        loop {
            match self.gate.admit(organization, job).await {
                Ok(_) => break,
                Err(Refusal::RateLimited { retry_after, .. })
                    if Instant::now() + retry_after <= give_up =>
                {
                    tokio::time::sleep(retry_after).await;
                }
                Err(refusal) => {
                    // record_refusal sets the outcome from the refusal.
                    let refused = record(&model, CallOutcome::Ok, 0, 0, None);
                    if let Err(e) = self.gate.record_refusal(&refused, &refusal).await {
                        tracing::warn!(error = %e, "could not record a refused model call");
                    }
                    let why = refusal.to_string();
                    return match refusal {
                        Refusal::Budget {
                            on_exhausted: procura_common::usage::OnBudgetExhausted::Pause,
                            ..
                        } => Outcome::Paused(why),
                        _ => Outcome::Offline(why),
                    };
                }
            }
        }
        let result = call(provider.as_ref()).await;
        let (usage, outcome) = match &result {
            Ok(answer) => (answer.usage.as_ref(), CallOutcome::Ok),
            Err(e) => (e.usage(), CallOutcome::Error),
        };
        let used_model = usage.map_or(model.clone(), |u| u.model.clone());
        let cost = usage.and_then(|u| self.prices.cost(u));
        let row = record(
            &used_model,
            outcome,
            usage.map_or(0, |u| u.tokens_in),
            usage.map_or(0, |u| u.tokens_out),
            cost,
        );
        if let Err(e) = self.gate.record(&row).await {
            tracing::warn!(error = %e, "could not record a model call");
        }
        match result {
            Ok(answer) => Outcome::Answered {
                value: answer.value,
                model: used_model,
                rejected: answer.rejected,
            },
            Err(e) => Outcome::Offline(format!("the model call failed: {e}")),
        }
    }
}

fn to_llm_task(task: Task) -> procura_llm::Task {
    match task {
        Task::Plan => procura_llm::Task::Plan,
        Task::VisionExtract => procura_llm::Task::VisionExtract,
        Task::Draft => procura_llm::Task::Draft,
        Task::ReplyParse | Task::Embeddings => procura_llm::Task::ReplyParse,
    }
}

/// The key: `PROCURA_LLM_API_KEY` (applied to the config already), else a
/// systemd credential, else `llm.api_key` in the file.
fn api_key(config: &LlmConfig) -> Option<String> {
    let from_credential = || {
        let dir = std::env::var_os("CREDENTIALS_DIRECTORY")?;
        let key = std::fs::read_to_string(std::path::Path::new(&dir).join(CREDENTIAL)).ok()?;
        Some(key.trim().to_string()).filter(|k| !k.is_empty())
    };
    match &config.api_key {
        Some(key) if config.api_key_from_env => Some(key.expose().to_string()),
        other => from_credential().or_else(|| other.as_ref().map(|k| k.expose().to_string())),
    }
}
