use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

use crate::spec::SearchSpec;

pub type JobId = Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobStatus {
    Queued,
    Running,
    Succeeded,
    Failed,
    Cancelled,
}

impl JobStatus {
    pub const ALL: [JobStatus; 5] = [
        JobStatus::Queued,
        JobStatus::Running,
        JobStatus::Succeeded,
        JobStatus::Failed,
        JobStatus::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            JobStatus::Queued => "queued",
            JobStatus::Running => "running",
            JobStatus::Succeeded => "succeeded",
            JobStatus::Failed => "failed",
            JobStatus::Cancelled => "cancelled",
        }
    }

    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            JobStatus::Succeeded | JobStatus::Failed | JobStatus::Cancelled
        )
    }
}

impl fmt::Display for JobStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown job status {0:?}")]
pub struct UnknownStatus(pub String);

impl FromStr for JobStatus {
    type Err = UnknownStatus;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        JobStatus::ALL
            .into_iter()
            .find(|st| st.as_str() == s)
            .ok_or_else(|| UnknownStatus(s.to_string()))
    }
}

/// What an operator submits: the request in their own words plus options.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubmitSearch {
    pub request: String,
    /// Stop after this many products (default 20).
    pub max_results: Option<u32>,
    pub enable_negotiation: bool,
    /// With negotiation: how many of the shortlist's best vendors get a
    /// draft (default 3).
    #[serde(default)]
    pub max_vendors: Option<u32>,
    /// Names of vendor sources to search; empty means all.
    pub sources: Vec<String>,
}

impl SubmitSearch {
    pub const MAX_REQUEST_CHARS: usize = 4000;
    pub const DEFAULT_MAX_RESULTS: u32 = 20;
    pub const MAX_RESULTS_LIMIT: u32 = 1000;
    pub const DEFAULT_MAX_VENDORS: u32 = 3;
    pub const MAX_VENDORS_LIMIT: u32 = 20;

    pub fn new(request: impl Into<String>) -> Self {
        SubmitSearch {
            request: request.into(),
            max_results: None,
            enable_negotiation: false,
            max_vendors: None,
            sources: Vec::new(),
        }
    }
}

/// A search job as clients see it. `search --json`, `jobs --json` and the
/// TUI all show this shape; fields are only ever added to it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Job {
    pub id: JobId,
    pub status: JobStatus,
    pub request: String,
    /// The parsed request; `None` until the `plan` node has run.
    pub spec: Option<SearchSpec>,
    pub max_results: u32,
    pub enable_negotiation: bool,
    /// How many vendors get a draft when negotiation is on.
    #[serde(default)]
    pub max_vendors: u32,
    pub sources: Vec<String>,
    /// Fraction of the graph done, 0.0 to 1.0.
    pub progress: f32,
    /// The last node that finished, if any.
    pub current_node: Option<String>,
    pub error: Option<String>,
    pub attempts: i32,
    pub products_found: i32,
    /// Product and result pages the browser has visited so far.
    #[serde(default)]
    pub pages_visited: i32,
    pub log_entries: i64,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    pub execution_seconds: Option<f64>,
    pub cancel_requested: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobFilter {
    pub status: Option<JobStatus>,
    /// Newest first; at most this many (default 200).
    pub limit: Option<u32>,
}
