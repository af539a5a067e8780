//! A bounded pool of workers that claim jobs and run them.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use super::runner::Runner;

/// Starts `count` workers; they stop claiming when `shutdown` fires and
/// return once their current job has been settled.
pub fn spawn_workers(
    runner: Runner,
    count: u32,
    busy: Arc<AtomicU32>,
    shutdown: CancellationToken,
) -> JoinSet<()> {
    let mut set = JoinSet::new();
    for index in 0..count {
        let runner = runner.clone();
        let busy = busy.clone();
        let shutdown = shutdown.clone();
        set.spawn(async move { work(index, runner, busy, shutdown).await });
    }
    set
}

async fn work(index: u32, runner: Runner, busy: Arc<AtomicU32>, shutdown: CancellationToken) {
    let poll = Duration::from_millis(runner.config.jobs.poll_ms);
    let mut backoff = Duration::from_millis(50);
    while !shutdown.is_cancelled() {
        // Register for wake-ups before looking, so a job queued between the
        // look and the wait is not missed.
        let woken = runner.hub.work().notified();
        tokio::pin!(woken);
        woken.as_mut().enable();
        match runner
            .db
            .claim_job(&runner.owner, runner.config.jobs.lease())
            .await
        {
            Ok(Some(job)) => {
                backoff = Duration::from_millis(50);
                tracing::info!(worker = index, job = %job.id, attempt = job.attempts, "claimed job");
                busy.fetch_add(1, Ordering::SeqCst);
                runner.run(job, &shutdown).await;
                busy.fetch_sub(1, Ordering::SeqCst);
            }
            Ok(None) => {
                tokio::select! {
                    _ = shutdown.cancelled() => return,
                    _ = &mut woken => {}
                    _ = tokio::time::sleep(poll) => {}
                }
            }
            Err(e) => {
                tracing::warn!(worker = index, error = %e, "cannot claim jobs; retrying");
                tokio::select! {
                    _ = shutdown.cancelled() => return,
                    _ = tokio::time::sleep(backoff) => {}
                }
                backoff = (backoff * 2).min(Duration::from_secs(5));
            }
        }
    }
}
