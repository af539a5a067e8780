//! The agent log: appends with gap-free per-job seqs, and reads by seq.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use procura_common::job::JobId;
use procura_common::log::{LogEntry, LogLevel};

use super::models::LogRow;
use super::schema::{agent_logs, search_jobs};
use super::{Database, DbError, DbResult};

/// NOTIFY channel carrying the id of a job whose log grew, so watchers on
/// other daemons wake too.
pub const LOGS_CHANNEL: &str = "procura_logs";

/// The most entries one read returns; a client asks again from the last seq.
pub const MAX_ENTRIES_PER_READ: i64 = 1000;

/// An entry about to be appended.
#[derive(Debug, Clone, PartialEq)]
pub struct NewLogEntry {
    pub ts: DateTime<Utc>,
    pub level: LogLevel,
    pub node: String,
    pub message: String,
    pub data: serde_json::Value,
    /// Set by deterministic steps: an entry whose key the job already has is
    /// skipped, so a node re-run after a crash does not log twice.
    pub step_key: Option<String>,
}

impl NewLogEntry {
    pub fn new(level: LogLevel, node: &str, message: impl Into<String>) -> Self {
        NewLogEntry {
            ts: Utc::now(),
            level,
            node: node.to_string(),
            message: message.into(),
            data: serde_json::Value::Object(Default::default()),
            step_key: None,
        }
    }

    pub fn with_data(mut self, data: serde_json::Value) -> Self {
        self.data = data;
        self
    }

    pub fn keyed(mut self, key: impl Into<String>) -> Self {
        self.step_key = Some(key.into());
        self
    }
}

impl Database {
    pub async fn append_logs(
        &self,
        job: JobId,
        entries: &[NewLogEntry],
    ) -> DbResult<Vec<LogEntry>> {
        let mut conn = self.conn().await?;
        let origin = self.origin();
        conn.transaction::<_, DbError, _>(async |conn| {
            append_logs_in(conn, job, entries, origin).await
        })
        .await
    }

    /// Entries with seq > `after_seq`, oldest first, at most
    /// [`MAX_ENTRIES_PER_READ`].
    pub async fn logs_after(&self, job: JobId, after_seq: i64) -> DbResult<Vec<LogEntry>> {
        let mut conn = self.conn().await?;
        let rows: Vec<LogRow> = agent_logs::table
            .filter(agent_logs::job_id.eq(job))
            .filter(agent_logs::seq.gt(after_seq))
            .order(agent_logs::seq.asc())
            .limit(MAX_ENTRIES_PER_READ)
            .select(LogRow::as_select())
            .load(&mut conn)
            .await?;
        Ok(rows.into_iter().map(LogRow::into_entry).collect())
    }
}

/// Appends inside the caller's transaction. Seqs come from the job row,
/// whose lock serialises appenders, so they are dense and unique.
pub async fn append_logs_in(
    conn: &mut AsyncPgConnection,
    job: JobId,
    entries: &[NewLogEntry],
    origin: &str,
) -> DbResult<Vec<LogEntry>> {
    let keys: Vec<&str> = entries
        .iter()
        .filter_map(|e| e.step_key.as_deref())
        .collect();
    let already: Vec<String> = if keys.is_empty() {
        Vec::new()
    } else {
        agent_logs::table
            .filter(agent_logs::job_id.eq(job))
            .filter(agent_logs::step_key.eq_any(&keys))
            .select(agent_logs::step_key.assume_not_null())
            .load(conn)
            .await?
    };
    let fresh: Vec<&NewLogEntry> = entries
        .iter()
        .filter(|e| e.step_key.as_ref().is_none_or(|k| !already.contains(k)))
        .collect();
    if fresh.is_empty() {
        return Ok(Vec::new());
    }
    let last: i64 = diesel::update(search_jobs::table.find(job))
        .set(search_jobs::last_log_seq.eq(search_jobs::last_log_seq + fresh.len() as i64))
        .returning(search_jobs::last_log_seq)
        .get_result(conn)
        .await?;
    let first = last - fresh.len() as i64 + 1;
    let stored: Vec<LogEntry> = fresh
        .iter()
        .zip(first..)
        .map(|(e, seq)| LogEntry {
            seq,
            ts: e.ts,
            level: e.level,
            node: e.node.clone(),
            message: e.message.clone(),
            data: e.data.clone(),
        })
        .collect();
    let rows: Vec<_> = fresh
        .iter()
        .zip(first..)
        .map(|(e, seq)| {
            (
                agent_logs::job_id.eq(job),
                agent_logs::seq.eq(seq),
                agent_logs::ts.eq(e.ts),
                agent_logs::level.eq(e.level.as_str()),
                agent_logs::node.eq(e.node.as_str()),
                agent_logs::message.eq(e.message.as_str()),
                agent_logs::data.eq(&e.data),
                agent_logs::step_key.eq(e.step_key.as_deref()),
            )
        })
        .collect();
    diesel::insert_into(agent_logs::table)
        .values(rows)
        .execute(conn)
        .await?;
    diesel::sql_query("SELECT pg_notify($1, $2)")
        .bind::<diesel::sql_types::Text, _>(LOGS_CHANNEL)
        .bind::<diesel::sql_types::Text, _>(format!("{job} {origin}"))
        .execute(conn)
        .await?;
    Ok(stored)
}
