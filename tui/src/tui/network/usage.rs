//! The worker's side of the usage view: the call runs in a task of its
//! own and reports its own result.

use procura_common::api::ProcuraClient;
use procura_common::job::JobId;
use procura_common::usage::UsageQuery;
use tarpc::context::Context;
use tokio::sync::mpsc::UnboundedSender;
use tokio::task::JoinSet;

use crate::tui::msg::{Action, Update};

/// Fetches the usage report and reports [`Update::Usage`].
pub fn spawn_usage(
    tasks: &mut JoinSet<Option<JobId>>,
    client: &ProcuraClient,
    updates: &UnboundedSender<Update>,
    ctx: Context,
    query: UsageQuery,
) {
    let client = client.clone();
    let updates = updates.clone();
    tasks.spawn(async move {
        let result = match client.usage(ctx, query).await {
            Ok(Ok(report)) => Ok(Box::new(report)),
            Ok(Err(api)) => Err(api.to_string()),
            Err(rpc) => Err(format!("{rpc} (the connection to procurad failed)")),
        };
        if let Err(error) = &result {
            tracing::debug!(%error, "usage");
        }
        let _ = updates.send(Update::Usage(result));
        None
    });
}

/// The answer to a usage fetch asked for while not connected.
pub fn offline(action: &Action) -> Option<Update> {
    match action {
        Action::Usage(_) => Some(Update::Usage(Err(
            "not connected to procurad; try again once the status line says connected".into(),
        ))),
        _ => None,
    }
}
