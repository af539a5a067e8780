//! The gate every model call passes: [`UsageGate::admit`] before the call
//! (the organization's monthly budget, then its requests-per-minute token
//! bucket) and [`UsageGate::record`] after it (one `api_usage` row, priced).
//!
//! Both limits live in Postgres, so they hold across every daemon sharing
//! the database, not per process:
//!
//! - **Budget.** Recording a priced call adds its cost to the
//!   organization's running total for the call's calendar month (UTC) in
//!   the same transaction as the row (`llm_monthly_spend`), so `admit` reads
//!   one row per currency instead of summing the month. Totals in other
//!   currencies than the cap's are converted with the daemon's rate table.
//!   Calls already admitted finish, so spend can pass the cap by what the
//!   calls in flight cost.
//! - **Rate.** A token bucket per organization holding
//!   `requests_per_minute` tokens and refilled continuously at that rate,
//!   taken from by one atomic upsert on the database's clock
//!   ([`Database::take_rate_token`]).
//!
//! Limits are the `[llm]` defaults of the config, overridden per
//! organization by its `llm_limits` row. The gate fails closed: when the
//! database cannot say, no call is admitted.

pub mod report;

use std::time::Duration;

use chrono::Utc;
use procura_common::job::JobId;
use procura_common::money::RateTable;
use procura_common::rank::Money;
use procura_common::usage::{BudgetStatus, CallOutcome, OnBudgetExhausted};
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::config::LlmConfig;
use crate::db::llm_limits::{LimitOverrides, Take};
use crate::db::usage::NewUsage;
use crate::db::{Database, DbError};

/// What a model call is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Task {
    Plan,
    VisionExtract,
    Draft,
    ReplyParse,
    Embeddings,
}

impl Task {
    pub fn as_str(self) -> &'static str {
        match self {
            Task::Plan => "plan",
            Task::VisionExtract => "vision_extract",
            Task::Draft => "draft",
            Task::ReplyParse => "reply_parse",
            Task::Embeddings => "embeddings",
        }
    }
}

/// An organization's limits: the configured defaults with its overrides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Per calendar month (UTC), in `budget_currency`; `None`: no cap.
    pub monthly_budget: Option<Decimal>,
    pub budget_currency: String,
    /// `None`: no limit.
    pub requests_per_minute: Option<u32>,
    pub on_budget_exhausted: OnBudgetExhausted,
}

impl From<&LlmConfig> for Limits {
    fn from(c: &LlmConfig) -> Self {
        Limits {
            monthly_budget: c.monthly_budget,
            budget_currency: c.budget_currency.clone(),
            requests_per_minute: c.requests_per_minute,
            on_budget_exhausted: c.on_budget_exhausted,
        }
    }
}

impl Limits {
    fn overridden(&self, o: LimitOverrides) -> Limits {
        Limits {
            monthly_budget: o.monthly_budget.or(self.monthly_budget),
            budget_currency: o
                .budget_currency
                .unwrap_or_else(|| self.budget_currency.clone()),
            requests_per_minute: o.requests_per_minute.or(self.requests_per_minute),
            on_budget_exhausted: o.on_budget_exhausted.unwrap_or(self.on_budget_exhausted),
        }
    }
}

/// Leave to make one model call.
#[derive(Debug, Clone, PartialEq)]
pub struct Permit {
    pub organization: Uuid,
    pub job: Option<JobId>,
    /// What was left of the month's budget when the call was admitted;
    /// `None` without a cap.
    pub budget_left: Option<Money>,
    /// Tokens left in the rate bucket; `None` without a limit.
    pub rate_tokens_left: Option<f64>,
}

/// Why a model call may not be made now.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Refusal {
    /// This month's recorded spend has reached the cap. The job goes on
    /// offline or pauses, as `on_exhausted` says.
    #[error("the monthly model budget is spent: {spent} of {cap} this month")]
    Budget {
        spent: Money,
        cap: Money,
        on_exhausted: OnBudgetExhausted,
    },
    /// The requests-per-minute bucket is empty; a token is back after
    /// `retry_after`.
    #[error(
        "the model rate limit of {requests_per_minute} requests per minute is reached; \
         the next call can start in {:.1} s", retry_after.as_secs_f64()
    )]
    RateLimited {
        retry_after: Duration,
        requests_per_minute: u32,
    },
    /// The limits could not be checked (the database, or spend in a
    /// currency the rate table cannot convert). No call is made.
    #[error("model usage limits cannot be checked, so no call is made: {0}")]
    Unavailable(String),
}

impl Refusal {
    /// The outcome to record for the refused call, if it is one.
    pub fn outcome(&self) -> Option<CallOutcome> {
        match self {
            Refusal::Budget { .. } => Some(CallOutcome::RefusedBudget),
            Refusal::RateLimited { .. } => Some(CallOutcome::RefusedRate),
            Refusal::Unavailable(_) => None,
        }
    }
}

impl From<DbError> for Refusal {
    fn from(e: DbError) -> Self {
        Refusal::Unavailable(e.to_string())
    }
}

/// A model call to record.
#[derive(Debug, Clone, PartialEq)]
pub struct CallRecord<'a> {
    pub organization: Uuid,
    pub job: Option<JobId>,
    /// Who served it: "openai-compatible", "embeddings", …
    pub service: &'a str,
    pub task: Task,
    pub model: &'a str,
    pub tokens_in: u64,
    pub tokens_out: u64,
    /// From the price table; `None` when the model has no price.
    pub cost: Option<Decimal>,
    /// The price table's currency (ISO 4217).
    pub currency: &'a str,
    pub outcome: CallOutcome,
}

#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    #[error("invalid usage record: {0}")]
    Invalid(String),
    #[error(transparent)]
    Database(#[from] DbError),
}

/// Longest service or model name stored.
const MAX_NAME: usize = 200;

fn is_currency_code(code: &str) -> bool {
    code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase())
}

/// Checks and converts a record into its row.
fn to_row(call: &CallRecord<'_>) -> Result<NewUsage, RecordError> {
    let invalid = |m: String| Err(RecordError::Invalid(m));
    for (what, name) in [("service", call.service), ("model", call.model)] {
        if name.trim().is_empty() || name.len() > MAX_NAME || name.chars().any(char::is_control) {
            return invalid(format!(
                "the {what} must be 1 to {MAX_NAME} printable characters, not {name:?}"
            ));
        }
    }
    if call
        .cost
        .is_some_and(|c| c.is_sign_negative() && !c.is_zero())
    {
        return invalid("a cost cannot be negative".into());
    }
    if !is_currency_code(call.currency) {
        return invalid(format!(
            "{:?} is not an ISO 4217 currency code",
            call.currency
        ));
    }
    let tokens = |n: u64| {
        i64::try_from(n).map_err(|_| RecordError::Invalid(format!("{n} tokens is too many")))
    };
    Ok(NewUsage {
        organization_id: call.organization,
        job: call.job,
        service: call.service.to_string(),
        task: call.task.as_str().to_string(),
        model: call.model.to_string(),
        tokens_in: tokens(call.tokens_in)?,
        tokens_out: tokens(call.tokens_out)?,
        cost: call.cost,
        currency: call.currency.to_string(),
        outcome: call.outcome,
        at: None,
    })
}

/// Admits and records model calls. Cheap to clone.
#[derive(Clone)]
pub struct UsageGate {
    db: Database,
    defaults: Limits,
    rates: RateTable,
}

impl UsageGate {
    /// `defaults` are every organization's limits unless its `llm_limits`
    /// row overrides them; `rates` convert spend into a cap's currency.
    pub fn new(db: Database, defaults: Limits, rates: RateTable) -> UsageGate {
        UsageGate {
            db,
            defaults,
            rates,
        }
    }

    pub fn database(&self) -> &Database {
        &self.db
    }

    /// The organization's limits now.
    pub async fn limits(&self, organization: Uuid) -> Result<Limits, DbError> {
        let overrides = self.db.llm_limits(organization).await?;
        Ok(self.defaults.overridden(overrides))
    }

    /// Whether the organization may make one model call now, for `job`.
    /// The budget is checked first, so a refused call takes no rate token.
    pub async fn admit(&self, organization: Uuid, job: Option<JobId>) -> Result<Permit, Refusal> {
        let limits = self.limits(organization).await?;
        let mut budget_left = None;
        if limits.monthly_budget.is_some() {
            let budget = self.budget_with(organization, &limits).await?;
            if let Some(u) = budget.unconverted.first() {
                return Err(Refusal::Unavailable(format!(
                    "this month's spend of {u} cannot be converted to {}: \
                     add a rate for {} under [currency.rates]",
                    budget.currency, u.currency
                )));
            }
            if let (true, Some(cap)) = (budget.exhausted, budget.cap) {
                return Err(Refusal::Budget {
                    spent: Money {
                        amount: budget.spent,
                        currency: budget.currency.clone(),
                    },
                    cap: Money {
                        amount: cap,
                        currency: budget.currency,
                    },
                    on_exhausted: limits.on_budget_exhausted,
                });
            }
            budget_left = budget.remaining.map(|amount| Money {
                amount,
                currency: budget.currency,
            });
        }
        let mut rate_tokens_left = None;
        if let Some(rpm) = limits.requests_per_minute {
            match self.db.take_rate_token(organization, rpm).await? {
                Take::Taken { left } => rate_tokens_left = Some(left),
                Take::Empty { retry_after } => {
                    return Err(Refusal::RateLimited {
                        retry_after,
                        requests_per_minute: rpm,
                    });
                }
            }
        }
        Ok(Permit {
            organization,
            job,
            budget_left,
            rate_tokens_left,
        })
    }

    /// Records one model call (or refusal) and adds its cost to the
    /// month's spend. Returns the row's id.
    pub async fn record(&self, call: &CallRecord<'_>) -> Result<i64, RecordError> {
        let row = to_row(call)?;
        Ok(self.db.insert_usage(&row).await?)
    }

    /// Records a refused call with no tokens and no cost, so the refusals
    /// show in the usage report. Nothing is recorded for
    /// [`Refusal::Unavailable`]: the database is what failed.
    pub async fn record_refusal(
        &self,
        call: &CallRecord<'_>,
        refusal: &Refusal,
    ) -> Result<Option<i64>, RecordError> {
        let Some(outcome) = refusal.outcome() else {
            return Ok(None);
        };
        let refused = CallRecord {
            tokens_in: 0,
            tokens_out: 0,
            cost: None,
            outcome,
            ..call.clone()
        };
        self.record(&refused).await.map(Some)
    }

    /// This month's spend against the organization's cap.
    pub async fn budget(&self, organization: Uuid) -> Result<BudgetStatus, DbError> {
        let limits = self.limits(organization).await?;
        self.budget_with(organization, &limits).await
    }

    async fn budget_with(
        &self,
        organization: Uuid,
        limits: &Limits,
    ) -> Result<BudgetStatus, DbError> {
        let (month, spend) = self.db.month_spend(organization).await?;
        let currency = limits.budget_currency.clone();
        let today = Utc::now().date_naive();
        let mut spent = Decimal::ZERO;
        let mut unconverted = Vec::new();
        for (cur, amount) in spend {
            match self.rates.convert(amount, &cur, &currency, today) {
                Ok(c) => spent += c.amount,
                Err(_) => unconverted.push(Money {
                    amount,
                    currency: cur,
                }),
            }
        }
        let spent = spent.round_dp(8).normalize();
        let cap = limits.monthly_budget;
        Ok(BudgetStatus {
            month,
            cap,
            spent,
            remaining: cap.map(|c| (c - spent).max(Decimal::ZERO).normalize()),
            exhausted: cap.is_some_and(|c| spent >= c),
            on_exhausted: limits.on_budget_exhausted,
            currency,
            unconverted,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call() -> CallRecord<'static> {
        CallRecord {
            organization: Uuid::from_u128(1),
            job: None,
            service: "openai-compatible",
            task: Task::Plan,
            model: "gpt-4o-mini",
            tokens_in: 1000,
            tokens_out: 50,
            cost: Some(Decimal::new(18, 5)),
            currency: "USD",
            outcome: CallOutcome::Ok,
        }
    }

    #[test]
    fn records_are_checked() {
        let row = to_row(&call()).unwrap();
        assert_eq!((row.task.as_str(), row.tokens_in), ("plan", 1000));
        let bad = [
            CallRecord {
                model: "",
                ..call()
            },
            CallRecord {
                service: "x\u{1b}[2J",
                ..call()
            },
            CallRecord {
                cost: Some(Decimal::new(-1, 2)),
                ..call()
            },
            CallRecord {
                currency: "usd",
                ..call()
            },
            CallRecord {
                tokens_in: u64::MAX,
                ..call()
            },
        ];
        for b in bad {
            assert!(matches!(to_row(&b), Err(RecordError::Invalid(_))), "{b:?}");
        }
    }

    #[test]
    fn overrides_win_column_by_column() {
        let defaults = Limits::from(&LlmConfig {
            monthly_budget: Some(Decimal::new(50, 0)),
            requests_per_minute: Some(60),
            ..LlmConfig::default()
        });
        let mine = defaults.overridden(LimitOverrides {
            requests_per_minute: Some(5),
            on_budget_exhausted: Some(OnBudgetExhausted::Pause),
            ..LimitOverrides::default()
        });
        assert_eq!(mine.monthly_budget, Some(Decimal::new(50, 0)));
        assert_eq!(mine.budget_currency, "USD");
        assert_eq!(mine.requests_per_minute, Some(5));
        assert_eq!(mine.on_budget_exhausted, OnBudgetExhausted::Pause);
    }

    #[test]
    fn refusals_say_what_happened() {
        let budget = Refusal::Budget {
            spent: Money {
                amount: Decimal::new(5012, 2),
                currency: "USD".into(),
            },
            cap: Money {
                amount: Decimal::new(50, 0),
                currency: "USD".into(),
            },
            on_exhausted: OnBudgetExhausted::Offline,
        };
        assert_eq!(
            budget.to_string(),
            "the monthly model budget is spent: 50.12 USD of 50.00 USD this month"
        );
        assert_eq!(budget.outcome(), Some(CallOutcome::RefusedBudget));
        let rate = Refusal::RateLimited {
            retry_after: Duration::from_millis(2500),
            requests_per_minute: 20,
        };
        assert!(
            rate.to_string().contains("20 requests per minute"),
            "{rate}"
        );
        assert!(rate.to_string().contains("2.5 s"), "{rate}");
        assert_eq!(Refusal::Unavailable("x".into()).outcome(), None);
    }
}
