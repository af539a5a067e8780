//! What a runner writes while it holds a job's lease: checkpoints, progress
//! and the final status. Every write checks the lease inside its
//! transaction, so a runner that lost its job changes nothing.

use chrono::Utc;
use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use procura_common::job::{JobId, JobStatus};
use procura_common::log::LogEntry;
use procura_common::spec::SearchSpec;

use super::logs::{NewLogEntry, append_logs_in};
use super::schema::{job_checkpoints, search_jobs};
use super::{Database, DbError, DbResult};

/// Columns a node may set on its job when it checkpoints.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct JobUpdate {
    pub spec: Option<SearchSpec>,
}

/// A finished node, as its runner records it.
pub struct NodeCommit<'a> {
    pub node: &'a str,
    pub state: &'a serde_json::Value,
    pub progress: f32,
    pub update: &'a JobUpdate,
    pub log: NewLogEntry,
}

/// How a run ends.
#[derive(Debug, Clone, PartialEq)]
pub enum Ending {
    Succeeded,
    Failed(String),
    Cancelled,
}

impl Database {
    pub async fn checkpoints(&self, job: JobId) -> DbResult<Vec<(String, serde_json::Value)>> {
        let mut conn = self.conn().await?;
        Ok(job_checkpoints::table
            .filter(job_checkpoints::job_id.eq(job))
            .select((job_checkpoints::node, job_checkpoints::state))
            .load(&mut conn)
            .await?)
    }

    /// Records a finished node. `None` when the lease is no longer ours.
    pub async fn commit_node(
        &self,
        job: JobId,
        owner: &str,
        commit: NodeCommit<'_>,
    ) -> DbResult<Option<Vec<LogEntry>>> {
        let NodeCommit {
            node,
            state,
            progress,
            update,
            log,
        } = commit;
        let origin = self.origin();
        let mut conn = self.conn().await?;
        conn.transaction::<_, DbError, _>(async |conn| {
            if !holds_lease(conn, job, owner).await? {
                return Ok(None);
            }
            diesel::insert_into(job_checkpoints::table)
                .values((
                    job_checkpoints::job_id.eq(job),
                    job_checkpoints::node.eq(node),
                    job_checkpoints::state.eq(state),
                ))
                .on_conflict((job_checkpoints::job_id, job_checkpoints::node))
                .do_update()
                .set(job_checkpoints::state.eq(state))
                .execute(conn)
                .await?;
            diesel::update(search_jobs::table.find(job))
                .set((
                    search_jobs::progress.eq(progress),
                    search_jobs::current_node.eq(node),
                ))
                .execute(conn)
                .await?;
            if let Some(spec) = &update.spec {
                let value = serde_json::to_value(spec)
                    .map_err(|e| DbError::Corrupt(format!("spec: {e}")))?;
                diesel::update(search_jobs::table.find(job))
                    .set((
                        search_jobs::spec.eq(value),
                        search_jobs::budget_amount.eq(spec.budget.as_ref().map(|b| b.amount)),
                        search_jobs::budget_currency
                            .eq(spec.budget.as_ref().map(|b| b.currency.clone())),
                        search_jobs::deadline.eq(spec.deadline),
                    ))
                    .execute(conn)
                    .await?;
            }
            Ok(Some(append_logs_in(conn, job, &[log], origin).await?))
        })
        .await
    }

    /// Ends a run exactly once: only the lease holder of a running job can.
    pub async fn end_job(
        &self,
        job: JobId,
        owner: &str,
        ending: &Ending,
        log: NewLogEntry,
    ) -> DbResult<Option<Vec<LogEntry>>> {
        let origin = self.origin();
        let mut conn = self.conn().await?;
        conn.transaction::<_, DbError, _>(async |conn| {
            if !holds_lease(conn, job, owner).await? {
                return Ok(None);
            }
            let now = Utc::now();
            let (status, error) = match ending {
                Ending::Succeeded => (JobStatus::Succeeded, None),
                Ending::Failed(msg) => (JobStatus::Failed, Some(msg.clone())),
                Ending::Cancelled => (JobStatus::Cancelled, None),
            };
            diesel::sql_query(
                "UPDATE search_jobs SET status = $2, error = $3, finished_at = $4, \
                   lease_owner = NULL, lease_expires_at = NULL, \
                   progress = CASE WHEN $2 = 'succeeded' THEN 1 ELSE progress END, \
                   execution_seconds = EXTRACT(EPOCH FROM ($4 - COALESCE(started_at, $4)))::float8 \
                 WHERE id = $1",
            )
            .bind::<diesel::sql_types::Uuid, _>(job)
            .bind::<diesel::sql_types::Text, _>(status.as_str())
            .bind::<diesel::sql_types::Nullable<diesel::sql_types::Text>, _>(error)
            .bind::<diesel::sql_types::Timestamptz, _>(now)
            .execute(conn)
            .await?;
            Ok(Some(append_logs_in(conn, job, &[log], origin).await?))
        })
        .await
    }

    /// Whether a cancel was requested for a job.
    pub async fn cancel_requested(&self, job: JobId) -> DbResult<bool> {
        let mut conn = self.conn().await?;
        Ok(search_jobs::table
            .find(job)
            .select(search_jobs::cancel_requested)
            .first(&mut conn)
            .await?)
    }
}

/// Locks the job row and checks that `owner` still holds a live claim.
async fn holds_lease(conn: &mut AsyncPgConnection, job: JobId, owner: &str) -> DbResult<bool> {
    let row: Option<(String, Option<String>)> = search_jobs::table
        .find(job)
        .select((search_jobs::status, search_jobs::lease_owner))
        .for_update()
        .first(conn)
        .await
        .optional()?;
    Ok(
        matches!(row, Some((status, Some(o))) if status == JobStatus::Running.as_str() && o == owner),
    )
}
