//! In-process fan-out: which job's log grew, and that new work is queued.
//! Local appends publish directly; a LISTEN connection relays what other
//! daemons on the same database did.

use std::time::Duration;

use futures::StreamExt;
use procura_common::job::JobId;
use tokio::sync::{Notify, broadcast};
use tokio_util::sync::CancellationToken;

use crate::db::Database;
use crate::db::jobs::JOBS_CHANNEL;
use crate::db::logs::LOGS_CHANNEL;

pub struct Hub {
    logs: broadcast::Sender<JobId>,
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
    pub fn log_grew(&self, job: JobId) {
        // No receivers is fine: nobody is watching.
        let _ = self.logs.send(job);
    }

    pub fn subscribe_logs(&self) -> broadcast::Receiver<JobId> {
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
                if let Ok(job) = n.payload.parse::<JobId>() {
                    hub.log_grew(job);
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
