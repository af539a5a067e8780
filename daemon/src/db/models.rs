//! Rows as diesel reads them, and their conversion to the wire types.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use procura_common::job::{Job, JobStatus};
use procura_common::log::{LogEntry, LogLevel};
use procura_common::spec::SearchSpec;
use procura_common::user::{Role, User};
use rust_decimal::Decimal;
use uuid::Uuid;

use super::DbError;
use super::schema::{agent_logs, search_jobs, users};

#[derive(Debug, Clone, Queryable, QueryableByName, Selectable)]
#[diesel(table_name = search_jobs)]
#[diesel(check_for_backend(diesel::pg::Pg))]
pub struct JobRow {
    pub id: Uuid,
    pub organization_id: Uuid,
    pub created_by: Uuid,
    pub request_text: String,
    pub spec: Option<serde_json::Value>,
    pub sources: serde_json::Value,
    pub max_results: i32,
    pub budget_amount: Option<Decimal>,
    pub budget_currency: Option<String>,
    pub deadline: Option<NaiveDate>,
    pub enable_negotiation: bool,
    pub status: String,
    pub progress: f32,
    pub current_node: Option<String>,
    pub error: Option<String>,
    pub attempts: i32,
    pub cancel_requested: bool,
    pub lease_owner: Option<String>,
    pub lease_expires_at: Option<DateTime<Utc>>,
    pub last_log_seq: i64,
    pub created_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    pub execution_seconds: Option<f64>,
    pub products_found: i32,
    pub pages_visited: i32,
    pub negotiation_max_vendors: i32,
}

impl JobRow {
    pub fn status(&self) -> Result<JobStatus, DbError> {
        self.status
            .parse()
            .map_err(|e| DbError::Corrupt(format!("job {}: {e}", self.id)))
    }

    pub fn spec(&self) -> Result<Option<SearchSpec>, DbError> {
        self.spec
            .as_ref()
            .map(|v| serde_json::from_value(v.clone()))
            .transpose()
            .map_err(|e| DbError::Corrupt(format!("job {} spec: {e}", self.id)))
    }

    pub fn into_job(self, created_by: String) -> Result<Job, DbError> {
        let status = self.status()?;
        let spec = self.spec()?;
        let sources: Vec<String> = serde_json::from_value(self.sources.clone())
            .map_err(|e| DbError::Corrupt(format!("job {} sources: {e}", self.id)))?;
        Ok(Job {
            id: self.id,
            status,
            request: self.request_text,
            spec,
            max_results: u32::try_from(self.max_results).unwrap_or(0),
            enable_negotiation: self.enable_negotiation,
            max_vendors: u32::try_from(self.negotiation_max_vendors).unwrap_or(0),
            sources,
            progress: self.progress,
            current_node: self.current_node,
            error: self.error,
            attempts: self.attempts,
            products_found: self.products_found,
            pages_visited: self.pages_visited,
            log_entries: self.last_log_seq,
            created_by,
            created_at: self.created_at,
            started_at: self.started_at,
            finished_at: self.finished_at,
            execution_seconds: self.execution_seconds,
            cancel_requested: self.cancel_requested,
        })
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = agent_logs)]
#[diesel(check_for_backend(diesel::pg::Pg))]
pub struct LogRow {
    pub seq: i64,
    pub ts: DateTime<Utc>,
    pub level: String,
    pub node: String,
    pub message: String,
    pub data: serde_json::Value,
}

impl LogRow {
    pub fn into_entry(self) -> LogEntry {
        LogEntry {
            seq: self.seq,
            ts: self.ts,
            // The column has a CHECK constraint; an unknown level cannot be stored.
            level: self.level.parse().unwrap_or(LogLevel::Info),
            node: self.node,
            message: self.message,
            data: self.data,
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users)]
#[diesel(check_for_backend(diesel::pg::Pg))]
pub struct UserRow {
    pub id: Uuid,
    pub organization_id: Uuid,
    pub name: String,
    pub unix_uid: Option<i32>,
    pub role: String,
    pub created_at: DateTime<Utc>,
}

impl UserRow {
    pub fn role(&self) -> Result<Role, DbError> {
        self.role
            .parse()
            .map_err(|e| DbError::Corrupt(format!("user {}: {e}", self.id)))
    }

    pub fn into_user(self, organization: String) -> Result<User, DbError> {
        Ok(User {
            role: self.role()?,
            id: self.id,
            name: self.name,
            uid: self.unix_uid.and_then(|u| u32::try_from(u).ok()),
            organization_id: self.organization_id,
            organization,
        })
    }
}
