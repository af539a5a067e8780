//! In-process fan-out: which job's log grew, and that new work is queued.
//! Local appends publish directly; a LISTEN connection relays what other
//! daemons on the same database did.

use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use procura_common::job::{JobId, JobStatus};
use procura_common::log::LogEntry;
use tokio::sync::{Notify, broadcast};
use tokio_util::sync::CancellationToken;

use crate::db::Database;
use crate::db::jobs::JOBS_CHANNEL;
use crate::db::logs::LOGS_CHANNEL;

/// A job's log grew. Appends made by this daemon carry the entries, so
/// watchers hand them out without reading them back; a relayed NOTIFY from
/// another daemon carries none, and watchers read the database.
#[derive(Debug, Clone)]
pub struct LogEvent {
    pub job: JobId,
    pub entries: Arc<[LogEntry]>,
    /// The job's status after the append, when the appender knows it.
    pub status: Option<JobStatus>,
}

pub struct Hub {
    logs: broadcast::Sender<LogEvent>,
    work: Notify,
}

impl Default for Hub {
    fn default() -> Self {
        Hub {
            logs: broadcast::channel(4096).0,
            work: Notify::new(),
        }
    }
}

impl Hub {
    /// Publishes entries this daemon appended.
    pub fn appended(&self, job: JobId, entries: &[LogEntry], status: Option<JobStatus>) {
        if entries.is_empty() {
            return;
        }
        // No receivers is fine: nobody is watching.
        let _ = self.logs.send(LogEvent {
            job,
            entries: entries.into(),
            status,
        });
    }

    /// Another daemon appended to `job`'s log.
    pub fn log_grew_elsewhere(&self, job: JobId) {
        let _ = self.logs.send(LogEvent {
            job,
            entries: Arc::from(Vec::new()),
            status: None,
        });
    }

    pub fn subscribe_logs(&self) -> broadcast::Receiver<LogEvent> {
        self.logs.subscribe()
    }

    pub fn work_queued(&self) {
        self.work.notify_waiters();
    }

    pub fn work(&self) -> &Notify {
        &self.work
    }
}

/// Relays NOTIFYs from the database into the hub until `shutdown`, and
/// reconnects after a lost connection.
pub async fn relay_notifications(
    db: Database,
    hub: std::sync::Arc<Hub>,
    shutdown: CancellationToken,
) {
    let mut backoff = Duration::from_millis(100);
    while !shutdown.is_cancelled() {
        match listen_once(&db, &hub, &shutdown).await {
            Ok(()) => return,
            Err(e) => {
                tracing::warn!(error = %e, "database notification relay lost; reconnecting");
                // Something may have been missed while disconnected.
                hub.work_queued();
                tokio::select! {
                    _ = shutdown.cancelled() => return,
                    _ = tokio::time::sleep(backoff) => {}
                }
                backoff = (backoff * 2).min(Duration::from_secs(5));
            }
        }
    }
}

async fn listen_once(
    db: &Database,
    hub: &Hub,
    shutdown: &CancellationToken,
) -> Result<(), crate::db::DbError> {
    use diesel_async::RunQueryDsl;
    let mut conn = db.dedicated().await?;
    diesel::sql_query(format!("LISTEN {JOBS_CHANNEL}"))
        .execute(&mut conn)
        .await?;
    diesel::sql_query(format!("LISTEN {LOGS_CHANNEL}"))
        .execute(&mut conn)
        .await?;
    let mut stream = std::pin::pin!(conn.notifications_stream());
    loop {
        let next = tokio::select! {
            _ = shutdown.cancelled() => return Ok(()),
            n = stream.next() => n,
        };
        match next {
            Some(Ok(n)) if n.channel == JOBS_CHANNEL => hub.work_queued(),
            Some(Ok(n)) if n.channel == LOGS_CHANNEL => {
                // "job-id origin": our own appends were published directly.
                let (job, origin) = n.payload.split_once(' ').unwrap_or((&n.payload, ""));
                if origin != db.origin()
                    && let Ok(job) = job.parse::<JobId>()
                {
                    hub.log_grew_elsewhere(job);
                }
            }
            Some(Ok(_)) => {}
            Some(Err(e)) => return Err(e.into()),
            None => {
                return Err(crate::db::DbError::Connect(
                    "notification stream ended".into(),
                ));
            }
        }
    }
}
