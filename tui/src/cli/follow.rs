//! Reading a job's log by long poll, resuming by seq across reconnects so
//! no entry is lost or printed twice.

use std::path::Path;
use std::time::Duration;

use procura_common::api::ProcuraClient;
use procura_common::job::JobId;
use procura_common::log::LogEntry;
use procura_common::transport::{ConnectError, connect, context_with_timeout};

const WAIT: Duration = Duration::from_secs(10);
/// Deadline slack above the server's wait, so a long poll is never cut.
const SLACK: Duration = Duration::from_secs(5);
const RECONNECT_FOR: Duration = Duration::from_secs(120);

/// Prints entries after `after` through `sink`. Without `follow`, stops at
/// the end of what is stored; with it, stops once the job has ended and its
/// last entry was delivered. Returns the (possibly new) client.
pub async fn follow_logs(
    mut client: ProcuraClient,
    path: &Path,
    job: JobId,
    mut after: i64,
    follow: bool,
    sink: &mut dyn FnMut(&LogEntry),
) -> anyhow::Result<ProcuraClient> {
    loop {
        let wait = if follow { WAIT } else { Duration::ZERO };
        let reply = client
            .watch_job(
                context_with_timeout(wait + SLACK),
                job,
                after,
                wait.as_millis() as u64,
            )
            .await;
        let batch = match reply {
            Ok(result) => result?,
            Err(rpc) if follow => {
                eprintln!(
                    "procura: lost procurad ({rpc}); reconnecting and resuming after seq {after}"
                );
                client = reconnect(path).await?;
                continue;
            }
            Err(rpc) => return Err(rpc.into()),
        };
        for entry in &batch.entries {
            // The daemon returns seq > after in order; this guards against a
            // misbehaving peer all the same.
            if entry.seq > after {
                sink(entry);
                after = entry.seq;
            }
        }
        if batch.entries.is_empty() && (!follow || batch.status.is_terminal()) {
            return Ok(client);
        }
    }
}

async fn reconnect(path: &Path) -> anyhow::Result<ProcuraClient> {
    let give_up = tokio::time::Instant::now() + RECONNECT_FOR;
    let mut delay = Duration::from_millis(50);
    loop {
        match connect(path).await {
            Ok(conn) => return Ok(conn.client),
            Err(ConnectError::Refused(e)) => return Err(e.into()),
            Err(e) if tokio::time::Instant::now() >= give_up => return Err(e.into()),
            Err(_) => {
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(Duration::from_secs(1));
            }
        }
    }
}
