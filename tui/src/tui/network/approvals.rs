//! The worker's side of the approvals inbox: while the inbox is shown its
//! drafts are listed with every refresh (one listing in flight at a time,
//! so a slow daemon does not pile them up); edits and decisions each run
//! in a task of their own and report their own result.

use procura_common::api::ProcuraClient;
use procura_common::error::ApiError;
use procura_common::job::JobId;
use procura_common::negotiation::Approval;
use tarpc::client::RpcError;
use tarpc::context::Context;
use tokio::sync::mpsc::UnboundedSender;
use tokio::task::JoinSet;

use super::Fetched;
use crate::tui::msg::{Action, DraftCall, Update};

const OFFLINE: &str = "not connected to procurad; try again once the status line says connected";

/// Whether the inbox is shown and a listing is under way.
#[derive(Debug, Default)]
pub(super) struct Inbox {
    open: bool,
    in_flight: bool,
}

impl Inbox {
    /// A listing ended; or, on a new connection, the one of the old
    /// connection will never be seen to end.
    pub(super) fn finished(&mut self) {
        self.in_flight = false;
    }

    /// Lists the drafts in a task of its own if the inbox is shown and no
    /// listing is under way.
    pub(super) fn check(
        &mut self,
        fetches: &mut JoinSet<Fetched>,
        client: &ProcuraClient,
        updates: &UnboundedSender<Update>,
        ctx: Context,
    ) {
        if !self.open || self.in_flight {
            return;
        }
        self.in_flight = true;
        let client = client.clone();
        let updates = updates.clone();
        fetches.spawn(async move {
            let result = match client.approvals(ctx, None).await {
                Ok(Ok(list)) => Ok(list),
                Ok(Err(api)) => Err(api.to_string()),
                Err(rpc) => Err(connection_failed(&rpc)),
            };
            if let Err(error) = &result {
                tracing::debug!(%error, "approvals");
            }
            let _ = updates.send(Update::Approvals(result));
            Fetched::Approvals
        });
    }

    /// Carries out an approvals action while connected; false when
    /// `action` is not one.
    pub(super) fn act(
        &mut self,
        action: &Action,
        (tasks, fetches): (&mut JoinSet<Option<JobId>>, &mut JoinSet<Fetched>),
        client: &ProcuraClient,
        updates: &UnboundedSender<Update>,
        ctx: Context,
    ) -> bool {
        match action {
            Action::WatchApprovals => {
                self.open = true;
                self.check(fetches, client, updates, ctx);
            }
            Action::UnwatchApprovals => self.open = false,
            Action::EditDraft(_) | Action::Approve(_) | Action::Reject { .. } => {
                spawn_call(tasks, client, updates, ctx, action.clone());
            }
            // The event loop runs the editor; nothing to do here.
            Action::EditInEditor(_) => {}
            _ => return false,
        }
        true
    }

    /// An approvals action while not connected: remember whether the
    /// inbox is shown, refuse the calls at once. False when `action` is
    /// not one.
    pub(super) fn offline(&mut self, action: &Action, updates: &UnboundedSender<Update>) -> bool {
        let refused = match action {
            Action::WatchApprovals => {
                self.open = true;
                Update::Approvals(Err(OFFLINE.into()))
            }
            Action::UnwatchApprovals => {
                self.open = false;
                return true;
            }
            Action::EditInEditor(_) => return true,
            _ => match call_of(action) {
                Some((call, id)) => Update::DraftFailed {
                    call,
                    id,
                    error: OFFLINE.into(),
                },
                None => return false,
            },
        };
        let _ = updates.send(refused);
        true
    }
}

/// What a call that never got the daemon's answer says.
fn connection_failed(rpc: &RpcError) -> String {
    format!("{rpc} (the connection to procurad failed)")
}

/// The call and the draft of an edit or decision; `None` for any other
/// action.
fn call_of(action: &Action) -> Option<(DraftCall, uuid::Uuid)> {
    match action {
        Action::EditDraft(edit) => Some((DraftCall::Edit, edit.id)),
        Action::Approve(id) => Some((DraftCall::Approve, *id)),
        Action::Reject { id, .. } => Some((DraftCall::Reject, *id)),
        _ => None,
    }
}

/// Sends an edit, approval or rejection and reports
/// [`Update::DraftDone`] or [`Update::DraftFailed`].
fn spawn_call(
    tasks: &mut JoinSet<Option<JobId>>,
    client: &ProcuraClient,
    updates: &UnboundedSender<Update>,
    ctx: Context,
    action: Action,
) {
    let Some((call, id)) = call_of(&action) else {
        return;
    };
    let client = client.clone();
    let updates = updates.clone();
    tasks.spawn(async move {
        let result: Result<Result<Approval, ApiError>, RpcError> = match action {
            Action::EditDraft(edit) => client.edit_draft(ctx, edit).await,
            Action::Approve(id) => client.approve(ctx, id).await,
            Action::Reject { id, reason } => client.reject(ctx, id, reason).await,
            _ => return None,
        };
        let error = match result {
            Ok(Ok(draft)) => {
                let _ = updates.send(Update::DraftDone {
                    call,
                    draft: Box::new(draft),
                });
                return None;
            }
            Ok(Err(api)) => api.to_string(),
            Err(rpc) => connection_failed(&rpc),
        };
        tracing::warn!(action = call.verb(), %id, %error, "draft call failed");
        let _ = updates.send(Update::DraftFailed { call, id, error });
        None
    });
}
