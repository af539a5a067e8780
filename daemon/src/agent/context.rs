//! What a node may touch while it runs: its job, earlier checkpoints, and
//! the agent log.

use std::sync::Arc;
use std::time::Duration;

use procura_common::log::LogLevel;
use tokio_util::sync::CancellationToken;

use super::{Checkpoints, Interruption, Node, NodeError};
use crate::db::Database;
use crate::db::logs::NewLogEntry;
use crate::db::models::JobRow;
use crate::hub::Hub;

pub struct NodeContext<'a> {
    pub db: &'a Database,
    pub hub: &'a Arc<Hub>,
    pub job: &'a JobRow,
    pub node: Node,
    pub checkpoints: &'a Checkpoints,
    pub step_delay: Duration,
    /// Fired when the daemon stops or the lease is lost.
    pub stop: &'a CancellationToken,
    pub services: &'a super::services::Services,
    pub(crate) steps: u32,
}

impl NodeContext<'_> {
    /// Appends a step of this node to the log at once. Steps are keyed by
    /// their order, so a deterministic node re-run after a crash does not
    /// log the same step twice.
    pub async fn step(
        &mut self,
        level: LogLevel,
        message: impl Into<String>,
        data: serde_json::Value,
    ) -> Result<(), NodeError> {
        self.steps += 1;
        let key = format!("{}/{}", self.node.name(), self.steps);
        self.step_keyed(key, level, message, data).await
    }

    /// Appends a step under a key the node chose. Steps that come from
    /// concurrent work are keyed by where they came from (e.g. the source
    /// and its own step count), because their order across sources is not
    /// deterministic.
    pub async fn step_keyed(
        &mut self,
        key: String,
        level: LogLevel,
        message: impl Into<String>,
        data: serde_json::Value,
    ) -> Result<(), NodeError> {
        let entry = NewLogEntry::new(level, self.node.name(), message)
            .with_data(data)
            .keyed(key);
        let stored = self.db.append_logs(self.job.id, &[entry]).await?;
        self.hub.appended(
            self.job.id,
            &stored,
            Some(procura_common::job::JobStatus::Running),
        );
        self.pace().await
    }

    /// The checkpointed state of an earlier node.
    pub fn state_of<T: serde::de::DeserializeOwned>(&self, node: Node) -> Result<T, NodeError> {
        let state = self.checkpoints.get(&node).ok_or_else(|| {
            NodeError::Fatal(format!(
                "{} needs {}, which has no checkpoint",
                self.node.name(),
                node.name()
            ))
        })?;
        serde_json::from_value(state.clone()).map_err(|e| {
            NodeError::Fatal(format!("the {} checkpoint is unreadable: {e}", node.name()))
        })
    }

    /// Waits `delay` (politeness), returning early if interrupted.
    pub async fn pause(&self, delay: Duration) -> Result<(), NodeError> {
        if self.stop.is_cancelled() {
            return Err(NodeError::Interrupted(Interruption::ShuttingDown));
        }
        if delay.is_zero() {
            return Ok(());
        }
        tokio::select! {
            _ = self.stop.cancelled() => Err(NodeError::Interrupted(Interruption::ShuttingDown)),
            _ = tokio::time::sleep(delay) => Ok(()),
        }
    }

    /// Waits the configured step delay, returning early if interrupted.
    pub async fn pace(&self) -> Result<(), NodeError> {
        if self.stop.is_cancelled() {
            return Err(NodeError::Interrupted(Interruption::ShuttingDown));
        }
        if self.step_delay.is_zero() {
            return Ok(());
        }
        tokio::select! {
            _ = self.stop.cancelled() => Err(NodeError::Interrupted(Interruption::ShuttingDown)),
            _ = tokio::time::sleep(self.step_delay) => Ok(()),
        }
    }
}
