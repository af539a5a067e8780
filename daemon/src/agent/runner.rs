//! Runs one claimed job through the graph, from its first unfinished node,
//! under a lease kept alive by a heartbeat.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use procura_common::job::JobStatus;
use procura_common::log::{LogEntry, LogLevel};
use tokio_util::sync::CancellationToken;

use super::{Checkpoints, Interruption, Node, NodeContext, NodeError, NodeOutput};
use crate::config::Config;
use crate::db::Database;
use crate::db::logs::NewLogEntry;
use crate::db::models::JobRow;
use crate::db::runs::{Ending, JobUpdate, NodeCommit};
use crate::hub::Hub;

const RUNNER: &str = "runner";

#[derive(Clone)]
pub struct Runner {
    pub db: Database,
    pub hub: Arc<Hub>,
    pub config: Arc<Config>,
    /// This daemon's lease owner name.
    pub owner: String,
    pub services: Arc<super::services::Services>,
}

impl Runner {
    /// Runs the job until it ends, is interrupted, or its lease is lost.
    pub async fn run(&self, job: JobRow, shutdown: &CancellationToken) {
        let stop = shutdown.child_token();
        let lease_lost = Arc::new(AtomicBool::new(false));
        let heartbeat = tokio::spawn(heartbeat(
            self.db.clone(),
            job.id,
            self.owner.clone(),
            self.config.jobs.lease(),
            self.config.jobs.heartbeat(),
            stop.clone(),
            lease_lost.clone(),
        ));
        let outcome = self.drive(&job, &stop).await;
        heartbeat.abort();
        let outcome = match outcome {
            Err(NodeError::Interrupted(Interruption::ShuttingDown))
                if lease_lost.load(Ordering::SeqCst) =>
            {
                Err(NodeError::Interrupted(Interruption::LeaseLost))
            }
            other => other,
        };
        if let Err(e) = self.settle(&job, outcome).await {
            tracing::error!(job = %job.id, error = %e, "could not record the end of a job run; its lease will expire and it will be claimed again");
        }
    }

    async fn drive(&self, job: &JobRow, stop: &CancellationToken) -> Result<(), NodeError> {
        let mut checkpoints: Checkpoints = self
            .db
            .checkpoints(job.id)
            .await?
            .into_iter()
            .filter_map(|(name, state)| Node::from_name(&name).map(|n| (n, state)))
            .collect();
        let done: Vec<&str> = Node::GRAPH
            .iter()
            .filter(|n| checkpoints.contains_key(n))
            .map(|n| n.name())
            .collect();
        let message = if job.attempts > 1 {
            format!(
                "claimed by {} (attempt {}); resuming after {}",
                self.owner,
                job.attempts,
                if done.is_empty() {
                    "nothing".to_string()
                } else {
                    done.join(", ")
                }
            )
        } else {
            format!("claimed by {}", self.owner)
        };
        self.log(
            job,
            NewLogEntry::new(LogLevel::Info, RUNNER, message).with_data(serde_json::json!({
                "daemon": self.owner, "attempt": job.attempts, "checkpoints": done,
            })),
        )
        .await?;
        if job.attempts > self.config.jobs.max_attempts {
            return Err(NodeError::Fatal(format!(
                "gave up after {} attempts: the job kept being interrupted",
                job.attempts - 1
            )));
        }
        let total = Node::GRAPH.len() as f32;
        for (index, node) in Node::GRAPH.iter().copied().enumerate() {
            if checkpoints.contains_key(&node) {
                continue;
            }
            self.at_boundary(job, stop).await?;
            let mut ctx = NodeContext {
                db: &self.db,
                hub: &self.hub,
                job,
                node,
                checkpoints: &checkpoints,
                step_delay: Duration::from_millis(self.config.agent.step_delay_ms),
                stop,
                services: &self.services,
                steps: 0,
            };
            let output = node.run(&mut ctx).await?;
            let state = output.state();
            let update = match &output {
                NodeOutput::Planned(spec) => JobUpdate {
                    spec: Some(spec.clone()),
                },
                _ => JobUpdate::default(),
            };
            let log =
                NewLogEntry::new(LogLevel::Info, node.name(), format!("{} done", node.name()))
                    .keyed(format!("{}/done", node.name()));
            let progress = (index + 1) as f32 / total;
            match self
                .db
                .commit_node(
                    job.id,
                    &self.owner,
                    NodeCommit {
                        node: node.name(),
                        state: &state,
                        progress,
                        update: &update,
                        log,
                    },
                )
                .await?
            {
                Some(entries) => self.published(job, &entries, JobStatus::Running),
                None => return Err(NodeError::Interrupted(Interruption::LeaseLost)),
            }
            checkpoints.insert(node, state);
        }
        // The end is a boundary too: a cancel that arrived during the last
        // node is honoured rather than reported as success.
        if self.db.cancel_requested(job.id).await? {
            return Err(NodeError::Interrupted(Interruption::Cancelled));
        }
        Ok(())
    }

    async fn at_boundary(&self, job: &JobRow, stop: &CancellationToken) -> Result<(), NodeError> {
        if self.db.cancel_requested(job.id).await? {
            return Err(NodeError::Interrupted(Interruption::Cancelled));
        }
        if stop.is_cancelled() {
            return Err(NodeError::Interrupted(Interruption::ShuttingDown));
        }
        Ok(())
    }

    async fn settle(
        &self,
        job: &JobRow,
        outcome: Result<(), NodeError>,
    ) -> Result<(), crate::db::DbError> {
        let (ending, log) = match outcome {
            Ok(()) => (
                Ending::Succeeded,
                NewLogEntry::new(LogLevel::Info, RUNNER, "job succeeded").keyed("runner/succeeded"),
            ),
            Err(NodeError::Fatal(message)) => (
                Ending::Failed(message.clone()),
                NewLogEntry::new(LogLevel::Error, RUNNER, format!("job failed: {message}")),
            ),
            Err(NodeError::Interrupted(Interruption::Cancelled)) => (
                Ending::Cancelled,
                NewLogEntry::new(LogLevel::Warn, RUNNER, "job cancelled at a node boundary"),
            ),
            Err(NodeError::Interrupted(Interruption::ShuttingDown)) => {
                if self.db.release_job(job.id, &self.owner).await? {
                    self.log(
                        job,
                        NewLogEntry::new(
                            LogLevel::Warn,
                            RUNNER,
                            format!("{} is stopping; job returned to the queue", self.owner),
                        ),
                    )
                    .await?;
                }
                return Ok(());
            }
            Err(NodeError::Interrupted(Interruption::LeaseLost)) => {
                tracing::warn!(job = %job.id, "lease lost; another daemon has the job");
                return Ok(());
            }
            Err(NodeError::Db(e)) => {
                // A database outage is not the job's fault: leave it to be
                // claimed again once the lease expires.
                tracing::error!(job = %job.id, error = %e, "database error while running a job");
                return Ok(());
            }
        };
        let status = match ending {
            Ending::Succeeded => JobStatus::Succeeded,
            Ending::Failed(_) => JobStatus::Failed,
            Ending::Cancelled => JobStatus::Cancelled,
        };
        if let Some(entries) = self.db.end_job(job.id, &self.owner, &ending, log).await? {
            self.published(job, &entries, status);
        }
        Ok(())
    }

    /// Logs a runner event; the job is not ended by it, so it is running
    /// or (after a release) queued: watchers learn which on their next look.
    async fn log(&self, job: &JobRow, entry: NewLogEntry) -> Result<(), crate::db::DbError> {
        let entries = self.db.append_logs(job.id, &[entry]).await?;
        self.hub.appended(job.id, &entries, None);
        Ok(())
    }

    fn published(&self, job: &JobRow, entries: &[LogEntry], status: JobStatus) {
        self.hub.appended(job.id, entries, Some(status));
    }
}

async fn heartbeat(
    db: Database,
    job: procura_common::job::JobId,
    owner: String,
    lease: Duration,
    every: Duration,
    stop: CancellationToken,
    lease_lost: Arc<AtomicBool>,
) {
    let mut tick = tokio::time::interval(every);
    tick.tick().await;
    loop {
        tokio::select! {
            _ = stop.cancelled() => return,
            _ = tick.tick() => {}
        }
        match db.renew_lease(job, &owner, lease).await {
            Ok(true) => {}
            Ok(false) => {
                tracing::warn!(%job, "lease renewal refused: the job was claimed elsewhere");
                lease_lost.store(true, Ordering::SeqCst);
                stop.cancel();
                return;
            }
            // A transient error: try again next tick, the lease has slack.
            Err(e) => tracing::warn!(%job, error = %e, "lease renewal failed"),
        }
    }
}
