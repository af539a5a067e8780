//! Usage accounting of model calls: what the `usage` call reports (the
//! rows, their sums by day, service, model and job, this month's budget
//! and the rate limit) and the words the budget policy is written in.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::job::JobId;
use crate::rank::Money;

/// Most rows one report carries, newest first; the sums cover them all.
pub const MAX_USAGE_ROWS: usize = 5_000;

/// Which usage to report. Days are UTC and both ends are included.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsageQuery {
    pub since: Option<NaiveDate>,
    pub until: Option<NaiveDate>,
    /// Only this job's calls.
    pub job: Option<JobId>,
}

impl UsageQuery {
    /// Says what is wrong with the range, if anything.
    pub fn validate(&self) -> Result<(), String> {
        match (self.since, self.until) {
            (Some(since), Some(until)) if since > until => Err(format!(
                "the range is empty: since {since} is after until {until}"
            )),
            _ => Ok(()),
        }
    }
}

/// How a model call ended, as recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CallOutcome {
    /// The model answered.
    Ok,
    /// The call was made and failed (HTTP error, timeout, bad answer).
    Error,
    /// Not made: the organization's monthly budget was spent.
    RefusedBudget,
    /// Not made: the requests-per-minute limit was reached.
    RefusedRate,
}

impl CallOutcome {
    pub const ALL: [CallOutcome; 4] = [
        CallOutcome::Ok,
        CallOutcome::Error,
        CallOutcome::RefusedBudget,
        CallOutcome::RefusedRate,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CallOutcome::Ok => "ok",
            CallOutcome::Error => "error",
            CallOutcome::RefusedBudget => "refused_budget",
            CallOutcome::RefusedRate => "refused_rate",
        }
    }

    pub fn is_refusal(self) -> bool {
        matches!(self, CallOutcome::RefusedBudget | CallOutcome::RefusedRate)
    }
}

impl fmt::Display for CallOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} {value:?}: expected one of {expected}")]
pub struct UnknownWord {
    pub what: &'static str,
    pub value: String,
    pub expected: &'static str,
}

impl FromStr for CallOutcome {
    type Err = UnknownWord;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        CallOutcome::ALL
            .into_iter()
            .find(|o| o.as_str() == s)
            .ok_or_else(|| UnknownWord {
                what: "call outcome",
                value: s.to_string(),
                expected: "ok, error, refused_budget, refused_rate",
            })
    }
}

/// What a job does once its organization's monthly budget is spent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OnBudgetExhausted {
    /// Go on without the model, on the offline path.
    #[default]
    Offline,
    /// Stop and wait for an operator (or next month).
    Pause,
}

impl OnBudgetExhausted {
    pub fn as_str(self) -> &'static str {
        match self {
            OnBudgetExhausted::Offline => "offline",
            OnBudgetExhausted::Pause => "pause",
        }
    }
}

impl fmt::Display for OnBudgetExhausted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for OnBudgetExhausted {
    type Err = UnknownWord;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "offline" => Ok(OnBudgetExhausted::Offline),
            "pause" => Ok(OnBudgetExhausted::Pause),
            _ => Err(UnknownWord {
                what: "on_budget_exhausted",
                value: s.to_string(),
                expected: "offline, pause",
            }),
        }
    }
}

/// One recorded model call (or refusal).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UsageRow {
    pub id: i64,
    pub at: DateTime<Utc>,
    /// The UTC day of `at`.
    pub day: NaiveDate,
    pub job: Option<JobId>,
    /// Who served it: "openai-compatible", "embeddings", …
    pub service: String,
    /// What it was for: "plan", "vision_extract", "draft", "reply_parse",
    /// "embeddings".
    pub task: String,
    pub model: String,
    pub tokens_in: i64,
    pub tokens_out: i64,
    /// `None` when the model has no price in the price table.
    #[serde(with = "rust_decimal::serde::str_option")]
    pub cost: Option<Decimal>,
    /// The price table's currency.
    pub currency: String,
    pub outcome: CallOutcome,
}

/// The sums of the rows that share a key (a day, a service, a model or a
/// job) and a currency.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UsageAggregate {
    /// The day (YYYY-MM-DD), service, model or job id; "" for calls made
    /// outside any job.
    pub key: String,
    /// For a job: its request.
    pub label: Option<String>,
    pub currency: String,
    /// Every row, refusals included.
    pub calls: i64,
    pub errors: i64,
    pub refused: i64,
    pub tokens_in: i64,
    pub tokens_out: i64,
    #[serde(with = "rust_decimal::serde::str")]
    pub cost: Decimal,
    /// Calls whose model has no price (not in `cost`).
    pub unpriced: i64,
}

/// This calendar month's (UTC) spend against the organization's cap.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BudgetStatus {
    /// The first day of the month.
    pub month: NaiveDate,
    /// The cap's currency; `spent` and `remaining` are in it too.
    pub currency: String,
    /// `None`: no cap.
    #[serde(with = "rust_decimal::serde::str_option")]
    pub cap: Option<Decimal>,
    #[serde(with = "rust_decimal::serde::str")]
    pub spent: Decimal,
    /// `cap - spent`, never below zero.
    #[serde(with = "rust_decimal::serde::str_option")]
    pub remaining: Option<Decimal>,
    pub exhausted: bool,
    pub on_exhausted: OnBudgetExhausted,
    /// Spend in currencies the daemon's rate table cannot convert, left
    /// out of `spent`.
    pub unconverted: Vec<Money>,
}

impl BudgetStatus {
    /// `spent / cap` in 0..=1, for a gauge; `None` without a cap.
    pub fn ratio(&self) -> Option<f64> {
        use rust_decimal::prelude::ToPrimitive;
        let cap = self.cap?;
        if cap <= Decimal::ZERO {
            return Some(1.0);
        }
        Some((self.spent / cap).to_f64().unwrap_or(1.0).clamp(0.0, 1.0))
    }
}

/// The organization's requests-per-minute limit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RateLimitStatus {
    /// `None`: no limit.
    pub requests_per_minute: Option<u32>,
    /// Calls that could start now (the bucket's tokens).
    pub available: Option<f64>,
}

/// The answer to `usage`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UsageReport {
    pub query: UsageQuery,
    /// Newest first, at most [`MAX_USAGE_ROWS`].
    pub rows: Vec<UsageRow>,
    /// More rows matched than `rows` carries.
    pub truncated: bool,
    /// Everything that matched, one entry per currency (key "total").
    pub totals: Vec<UsageAggregate>,
    /// Newest day first.
    pub by_day: Vec<UsageAggregate>,
    /// Costliest first, in each of the following.
    pub by_service: Vec<UsageAggregate>,
    pub by_model: Vec<UsageAggregate>,
    pub by_job: Vec<UsageAggregate>,
    pub budget: BudgetStatus,
    pub rate_limit: RateLimitStatus,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_round_trip() {
        for o in CallOutcome::ALL {
            assert_eq!(o.as_str().parse::<CallOutcome>(), Ok(o));
            assert_eq!(serde_json::to_value(o).unwrap(), o.as_str());
        }
        assert!("refused".parse::<CallOutcome>().is_err());
        assert_eq!("Pause".parse(), Ok(OnBudgetExhausted::Pause));
        let err = "stop".parse::<OnBudgetExhausted>().unwrap_err().to_string();
        assert!(err.contains("offline, pause"), "{err}");
    }

    #[test]
    fn money_travels_as_strings_and_null() {
        let row = UsageRow {
            id: 1,
            at: DateTime::from_timestamp(1_764_000_000, 0).unwrap(),
            day: NaiveDate::from_ymd_opt(2025, 11, 24).unwrap(),
            job: None,
            service: "openai-compatible".into(),
            task: "plan".into(),
            model: "gpt-4o-mini".into(),
            tokens_in: 1200,
            tokens_out: 80,
            cost: Some(Decimal::new(23, 5)),
            currency: "USD".into(),
            outcome: CallOutcome::Ok,
        };
        let json = serde_json::to_value(&row).unwrap();
        assert_eq!(json["cost"], "0.00023");
        assert_eq!(json["day"], "2025-11-24");
        let back: UsageRow = serde_json::from_value(json).unwrap();
        assert_eq!(back, row);
        let unpriced = UsageRow { cost: None, ..row };
        assert!(serde_json::to_value(&unpriced).unwrap()["cost"].is_null());
    }

    #[test]
    fn ratio_and_range() {
        let status = BudgetStatus {
            month: NaiveDate::from_ymd_opt(2025, 11, 1).unwrap(),
            currency: "USD".into(),
            cap: Some(Decimal::new(50, 0)),
            spent: Decimal::new(4600, 2),
            remaining: Some(Decimal::new(400, 2)),
            exhausted: false,
            on_exhausted: OnBudgetExhausted::Offline,
            unconverted: vec![],
        };
        assert_eq!(status.ratio(), Some(0.92));
        let over = BudgetStatus {
            spent: Decimal::new(60, 0),
            ..status.clone()
        };
        assert_eq!(over.ratio(), Some(1.0));
        assert_eq!(
            BudgetStatus {
                cap: None,
                ..status
            }
            .ratio(),
            None
        );
        let day = |d| NaiveDate::from_ymd_opt(2025, 11, d);
        let q = UsageQuery {
            since: day(3),
            until: day(2),
            job: None,
        };
        assert!(q.validate().unwrap_err().contains("after"));
        assert!(UsageQuery::default().validate().is_ok());
    }
}
