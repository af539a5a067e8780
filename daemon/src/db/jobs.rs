//! The durable job queue: submission, claiming under a lease, heartbeats,
//! cancel and retry. Node progress and log appends live in `logs` and the
//! agent runner.

use std::time::Duration;

use chrono::Utc;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use procura_common::job::{Job, JobFilter, JobId, JobStatus, SubmitSearch};
use uuid::Uuid;

use super::models::JobRow;
use super::schema::{search_jobs, users};
use super::{Database, DbError, DbResult};

/// NOTIFY channel that wakes idle workers on every daemon.
pub const JOBS_CHANNEL: &str = "procura_jobs";

/// Why a cancel or retry was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransitionRefused {
    NotFound,
    WrongStatus(JobStatus),
}

impl Database {
    pub async fn insert_job(
        &self,
        organization_id: Uuid,
        created_by: Uuid,
        search: &SubmitSearch,
        max_results: u32,
    ) -> DbResult<JobId> {
        let id = Uuid::new_v4();
        let sources = serde_json::to_value(&search.sources)
            .map_err(|e| DbError::Corrupt(format!("sources: {e}")))?;
        let mut conn = self.conn().await?;
        conn.transaction::<_, DbError, _>(async |conn| {
            diesel::insert_into(search_jobs::table)
                .values((
                    search_jobs::id.eq(id),
                    search_jobs::organization_id.eq(organization_id),
                    search_jobs::created_by.eq(created_by),
                    search_jobs::request_text.eq(&search.request),
                    search_jobs::sources.eq(&sources),
                    search_jobs::max_results.eq(max_results as i32),
                    search_jobs::enable_negotiation.eq(search.enable_negotiation),
                    search_jobs::negotiation_max_vendors.eq(search
                        .max_vendors
                        .unwrap_or(SubmitSearch::DEFAULT_MAX_VENDORS)
                        .clamp(1, SubmitSearch::MAX_VENDORS_LIMIT)
                        as i32),
                    search_jobs::status.eq(JobStatus::Queued.as_str()),
                ))
                .execute(conn)
                .await?;
            notify_jobs(conn).await
        })
        .await?;
        Ok(id)
    }

    /// A job as its organization sees it; `None` for another organization's.
    pub async fn job(&self, organization_id: Uuid, id: JobId) -> DbResult<Option<Job>> {
        let mut conn = self.conn().await?;
        let row: Option<(JobRow, String)> = search_jobs::table
            .inner_join(users::table)
            .filter(search_jobs::id.eq(id))
            .filter(search_jobs::organization_id.eq(organization_id))
            .select((JobRow::as_select(), users::name))
            .first(&mut conn)
            .await
            .optional()?;
        row.map(|(r, by)| r.into_job(by)).transpose()
    }

    pub async fn list_jobs(&self, organization_id: Uuid, filter: &JobFilter) -> DbResult<Vec<Job>> {
        let mut conn = self.conn().await?;
        let limit = i64::from(filter.limit.unwrap_or(200).clamp(1, 10_000));
        let mut query = search_jobs::table
            .inner_join(users::table)
            .filter(search_jobs::organization_id.eq(organization_id))
            .order(search_jobs::created_at.desc())
            .limit(limit)
            .select((JobRow::as_select(), users::name))
            .into_boxed();
        if let Some(status) = filter.status {
            query = query.filter(search_jobs::status.eq(status.as_str()));
        }
        let rows: Vec<(JobRow, String)> = query.load(&mut conn).await?;
        rows.into_iter().map(|(r, by)| r.into_job(by)).collect()
    }

    /// A job's status and organization, unscoped (for the daemon's own use).
    pub async fn job_row(&self, id: JobId) -> DbResult<Option<JobRow>> {
        let mut conn = self.conn().await?;
        Ok(search_jobs::table
            .find(id)
            .select(JobRow::as_select())
            .first(&mut conn)
            .await
            .optional()?)
    }

    /// Queued jobs stop now; running ones are flagged and stop at their next
    /// node boundary.
    pub async fn cancel_job(
        &self,
        organization_id: Uuid,
        id: JobId,
    ) -> DbResult<Result<(), TransitionRefused>> {
        let mut conn = self.conn().await?;
        conn.transaction::<_, DbError, _>(async |conn| {
            let Some(status) = lock_status(conn, organization_id, id).await? else {
                return Ok(Err(TransitionRefused::NotFound));
            };
            match status {
                JobStatus::Queued => {
                    diesel::update(search_jobs::table.find(id))
                        .set((
                            search_jobs::status.eq(JobStatus::Cancelled.as_str()),
                            search_jobs::cancel_requested.eq(true),
                            search_jobs::finished_at.eq(Utc::now()),
                        ))
                        .execute(conn)
                        .await?;
                }
                JobStatus::Running => {
                    diesel::update(search_jobs::table.find(id))
                        .set(search_jobs::cancel_requested.eq(true))
                        .execute(conn)
                        .await?;
                }
                other => return Ok(Err(TransitionRefused::WrongStatus(other))),
            }
            Ok(Ok(()))
        })
        .await
    }

    /// Re-queues a failed or cancelled job. Its checkpoints stay, so it
    /// resumes after the last node that finished.
    pub async fn retry_job(
        &self,
        organization_id: Uuid,
        id: JobId,
    ) -> DbResult<Result<(), TransitionRefused>> {
        let mut conn = self.conn().await?;
        conn.transaction::<_, DbError, _>(async |conn| {
            let Some(status) = lock_status(conn, organization_id, id).await? else {
                return Ok(Err(TransitionRefused::NotFound));
            };
            if !matches!(status, JobStatus::Failed | JobStatus::Cancelled) {
                return Ok(Err(TransitionRefused::WrongStatus(status)));
            }
            diesel::update(search_jobs::table.find(id))
                .set((
                    search_jobs::status.eq(JobStatus::Queued.as_str()),
                    search_jobs::cancel_requested.eq(false),
                    search_jobs::error.eq(None::<String>),
                    search_jobs::finished_at.eq(None::<chrono::DateTime<Utc>>),
                    search_jobs::attempts.eq(0),
                    search_jobs::lease_owner.eq(None::<String>),
                    search_jobs::lease_expires_at.eq(None::<chrono::DateTime<Utc>>),
                ))
                .execute(conn)
                .await?;
            notify_jobs(conn).await?;
            Ok(Ok(()))
        })
        .await
    }

    /// Takes the oldest claimable job: queued, or running under a lease that
    /// expired because its daemon died. `SKIP LOCKED` lets many workers on
    /// many daemons claim at once without ever taking the same job.
    pub async fn claim_job(&self, owner: &str, lease: Duration) -> DbResult<Option<JobRow>> {
        let mut conn = self.conn().await?;
        let rows: Vec<JobRow> = diesel::sql_query(
            "UPDATE search_jobs SET status = 'running', lease_owner = $1, \
               lease_expires_at = now() + ($2 * interval '1 millisecond'), \
               attempts = attempts + 1, started_at = COALESCE(started_at, now()) \
             WHERE id = (SELECT id FROM search_jobs \
                         WHERE status = 'queued' \
                            OR (status = 'running' AND lease_expires_at < now()) \
                         ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED) \
             RETURNING *",
        )
        .bind::<Text, _>(owner)
        .bind::<BigInt, _>(lease.as_millis() as i64)
        .load(&mut conn)
        .await?;
        Ok(rows.into_iter().next())
    }

    /// Extends a lease; false when the lease is no longer ours.
    pub async fn renew_lease(&self, id: JobId, owner: &str, lease: Duration) -> DbResult<bool> {
        let mut conn = self.conn().await?;
        let n = diesel::sql_query(
            "UPDATE search_jobs SET lease_expires_at = now() + ($3 * interval '1 millisecond') \
             WHERE id = $1 AND lease_owner = $2 AND status = 'running'",
        )
        .bind::<diesel::sql_types::Uuid, _>(id)
        .bind::<Text, _>(owner)
        .bind::<BigInt, _>(lease.as_millis() as i64)
        .execute(&mut conn)
        .await?;
        Ok(n == 1)
    }

    /// Gives a running job back to the queue (daemon shutting down), so any
    /// daemon takes it at once instead of waiting for the lease to expire.
    pub async fn release_job(&self, id: JobId, owner: &str) -> DbResult<bool> {
        let mut conn = self.conn().await?;
        conn.transaction::<_, DbError, _>(async |conn| {
            let n = diesel::update(
                search_jobs::table
                    .find(id)
                    .filter(search_jobs::lease_owner.eq(owner))
                    .filter(search_jobs::status.eq(JobStatus::Running.as_str())),
            )
            .set((
                search_jobs::status.eq(JobStatus::Queued.as_str()),
                search_jobs::lease_owner.eq(None::<String>),
                search_jobs::lease_expires_at.eq(None::<chrono::DateTime<Utc>>),
            ))
            .execute(conn)
            .await?;
            if n == 1 {
                notify_jobs(conn).await?;
            }
            Ok(n == 1)
        })
        .await
    }

    /// (queued, running) across every daemon.
    pub async fn queue_counts(&self) -> DbResult<(i64, i64)> {
        let mut conn = self.conn().await?;
        let queued: i64 = search_jobs::table
            .filter(search_jobs::status.eq(JobStatus::Queued.as_str()))
            .count()
            .get_result(&mut conn)
            .await?;
        let running: i64 = search_jobs::table
            .filter(search_jobs::status.eq(JobStatus::Running.as_str()))
            .count()
            .get_result(&mut conn)
            .await?;
        Ok((queued, running))
    }
}

/// Whether job `id` exists and is the organization's: what every read of a
/// job's rows checks first, so another organization's job looks absent.
pub(crate) async fn owns_job(
    conn: &mut AsyncPgConnection,
    organization_id: Uuid,
    id: JobId,
) -> DbResult<bool> {
    let owned: i64 = search_jobs::table
        .filter(search_jobs::id.eq(id))
        .filter(search_jobs::organization_id.eq(organization_id))
        .count()
        .get_result(conn)
        .await?;
    Ok(owned > 0)
}

async fn lock_status(
    conn: &mut AsyncPgConnection,
    organization_id: Uuid,
    id: JobId,
) -> DbResult<Option<JobStatus>> {
    let status: Option<String> = search_jobs::table
        .filter(search_jobs::id.eq(id))
        .filter(search_jobs::organization_id.eq(organization_id))
        .select(search_jobs::status)
        .for_update()
        .first(conn)
        .await
        .optional()?;
    status
        .map(|s| {
            s.parse::<JobStatus>()
                .map_err(|e| DbError::Corrupt(format!("job {id}: {e}")))
        })
        .transpose()
}

async fn notify_jobs(conn: &mut AsyncPgConnection) -> DbResult<()> {
    diesel::sql_query(format!("NOTIFY {JOBS_CHANNEL}"))
        .execute(conn)
        .await?;
    Ok(())
}
