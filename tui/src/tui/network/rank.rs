//! The worker's side of `find` and `shortlist`: each call runs in a task
//! of its own and reports its own result, so a slow search holds nothing
//! up.

use procura_common::api::ProcuraClient;
use procura_common::job::JobId;
use procura_common::rank::FindRequest;
use tarpc::client::RpcError;
use tarpc::context::Context;
use tokio::sync::mpsc::UnboundedSender;
use tokio::task::JoinSet;

use crate::tui::msg::{Action, Update};

/// What a call that never got the daemon's answer says.
fn connection_failed(rpc: &RpcError) -> String {
    format!("{rpc} (the connection to procurad failed)")
}

/// Runs find number `seq` and reports [`Update::Found`].
pub fn spawn_find(
    tasks: &mut JoinSet<Option<JobId>>,
    client: &ProcuraClient,
    updates: &UnboundedSender<Update>,
    ctx: Context,
    seq: u64,
    request: FindRequest,
) {
    let client = client.clone();
    let updates = updates.clone();
    tasks.spawn(async move {
        let result = match client.find(ctx, request).await {
            Ok(Ok(found)) => Ok(found),
            Ok(Err(api)) => Err(api.to_string()),
            Err(rpc) => Err(connection_failed(&rpc)),
        };
        if let Err(error) = &result {
            tracing::debug!(%error, "find");
        }
        let _ = updates.send(Update::Found { seq, result });
        None
    });
}

/// Fetches `job`'s shortlist and reports [`Update::Shortlist`].
pub fn spawn_shortlist(
    tasks: &mut JoinSet<Option<JobId>>,
    client: &ProcuraClient,
    updates: &UnboundedSender<Update>,
    ctx: Context,
    job: JobId,
) {
    let client = client.clone();
    let updates = updates.clone();
    tasks.spawn(async move {
        let result = match client.shortlist(ctx, job).await {
            Ok(Ok(list)) => Ok(list),
            Ok(Err(api)) => Err(api.to_string()),
            Err(rpc) => Err(connection_failed(&rpc)),
        };
        if let Err(error) = &result {
            tracing::debug!(%error, "shortlist");
        }
        let _ = updates.send(Update::Shortlist { job, result });
        None
    });
}

/// The answer to a find or shortlist asked for while not connected.
pub fn offline(action: &Action) -> Option<Update> {
    let error = || "not connected to procurad; try again once the status line says connected";
    match action {
        Action::Find { seq, .. } => Some(Update::Found {
            seq: *seq,
            result: Err(error().into()),
        }),
        Action::Shortlist(job) => Some(Update::Shortlist {
            job: *job,
            result: Err(error().into()),
        }),
        _ => None,
    }
}
