//! The worker's side of the negotiations and the outbox: while either is
//! shown it is listed with every refresh (one listing of each in flight
//! at a time); decisions on offers, exports and resolving an outbound
//! message each run in a task of their own and report their own result.

use std::time::Duration;

use procura_common::api::ProcuraClient;
use procura_common::job::JobId;
use procura_common::transport::context_with_timeout;
use tarpc::client::RpcError;
use tokio::sync::mpsc::UnboundedSender;
use tokio::task::JoinSet;

use super::Fetched;
use super::export::spawn_export;
use crate::tui::msg::{Action, ExportError, OfferCall, Update};

const OFFLINE: &str = "not connected to procurad; try again once the status line says connected";

/// What a call that never got the daemon's answer says.
pub(super) fn connection_failed(rpc: &RpcError) -> String {
    format!("{rpc} (the connection to procurad failed)")
}

/// Which listings are shown and under way.
#[derive(Debug, Default)]
pub(super) struct Deals {
    /// The negotiations shown: of one job, or all.
    threads: Option<Option<JobId>>,
    threads_in_flight: bool,
    outbox: bool,
    outbox_in_flight: bool,
}

impl Deals {
    /// On a new connection: the listings of the old one will never be seen
    /// to end.
    pub(super) fn reset(&mut self) {
        self.threads_in_flight = false;
        self.outbox_in_flight = false;
    }

    /// A listing ended.
    pub(super) fn fetched(&mut self, what: &Fetched) {
        match what {
            Fetched::Threads => self.threads_in_flight = false,
            Fetched::Outbox => self.outbox_in_flight = false,
            _ => {}
        }
    }

    /// Lists what is shown, in tasks of their own, unless a listing of it
    /// is under way.
    pub(super) fn check(
        &mut self,
        fetches: &mut JoinSet<Fetched>,
        client: &ProcuraClient,
        updates: &UnboundedSender<Update>,
        timeout: Duration,
    ) {
        if let (Some(job), false) = (self.threads, self.threads_in_flight) {
            self.threads_in_flight = true;
            let (client, updates) = (client.clone(), updates.clone());
            let ctx = context_with_timeout(timeout);
            fetches.spawn(async move {
                let result = match client.negotiations(ctx, job).await {
                    Ok(Ok(list)) => Ok(list),
                    Ok(Err(api)) => Err(api.to_string()),
                    Err(rpc) => Err(connection_failed(&rpc)),
                };
                let _ = updates.send(Update::Negotiations { job, result });
                Fetched::Threads
            });
        }
        if self.outbox && !self.outbox_in_flight {
            self.outbox_in_flight = true;
            let (client, updates) = (client.clone(), updates.clone());
            let ctx = context_with_timeout(timeout);
            fetches.spawn(async move {
                let result = match client.outbox(ctx).await {
                    Ok(Ok(list)) => Ok(list),
                    Ok(Err(api)) => Err(api.to_string()),
                    Err(rpc) => Err(connection_failed(&rpc)),
                };
                let _ = updates.send(Update::Outbox(result));
                Fetched::Outbox
            });
        }
    }

    /// Carries out a negotiations or outbox action while connected; false
    /// when `action` is not one.
    pub(super) fn act(
        &mut self,
        action: &Action,
        (tasks, fetches): (&mut JoinSet<Option<JobId>>, &mut JoinSet<Fetched>),
        client: &ProcuraClient,
        updates: &UnboundedSender<Update>,
        timeout: Duration,
    ) -> bool {
        match action {
            Action::WatchNegotiations(job) => {
                if self.threads != Some(*job) {
                    // A listing of another job may be under way; its answer
                    // is dropped by the app. Ask for this one now.
                    self.threads_in_flight = false;
                }
                self.threads = Some(*job);
                self.check(fetches, client, updates, timeout);
            }
            Action::UnwatchNegotiations => self.threads = None,
            Action::WatchOutbox => {
                self.outbox = true;
                self.check(fetches, client, updates, timeout);
            }
            Action::UnwatchOutbox => self.outbox = false,
            Action::DecideOffer {
                negotiation,
                decision,
            } => {
                let (client, updates) = (client.clone(), updates.clone());
                let (negotiation, decision) = (*negotiation, decision.clone());
                let call = OfferCall::of(&decision);
                let ctx = context_with_timeout(timeout);
                tasks.spawn(async move {
                    let error = match client.decide_offer(ctx, negotiation, decision).await {
                        Ok(Ok(thread)) => {
                            let thread = Box::new(thread);
                            let _ = updates.send(Update::OfferDone { call, thread });
                            return None;
                        }
                        Ok(Err(api)) => api.to_string(),
                        Err(rpc) => connection_failed(&rpc),
                    };
                    tracing::warn!(action = call.verb(), %negotiation, %error, "offer call failed");
                    let _ = updates.send(Update::OfferFailed {
                        call,
                        negotiation,
                        error,
                    });
                    None
                });
            }
            Action::ResolveOutbound { id, action } => {
                let (client, updates) = (client.clone(), updates.clone());
                let (id, action) = (*id, *action);
                let ctx = context_with_timeout(timeout);
                tasks.spawn(async move {
                    let error = match client.resolve_outbound(ctx, id, action).await {
                        Ok(Ok(message)) => {
                            let message = Box::new(message);
                            let _ = updates.send(Update::OutboundDone { action, message });
                            return None;
                        }
                        Ok(Err(api)) => api.to_string(),
                        Err(rpc) => connection_failed(&rpc),
                    };
                    tracing::warn!(?action, %id, %error, "outbox call failed");
                    let _ = updates.send(Update::OutboundFailed { action, id, error });
                    None
                });
            }
            Action::ExportOrder(export) => {
                let ctx = context_with_timeout(timeout);
                spawn_export(tasks, client, updates, ctx, (**export).clone());
            }
            _ => return false,
        }
        true
    }

    /// A negotiations or outbox action while not connected: remember what
    /// is shown, refuse the calls at once. False when `action` is not one.
    pub(super) fn offline(&mut self, action: &Action, updates: &UnboundedSender<Update>) -> bool {
        let refused = match action {
            Action::WatchNegotiations(job) => {
                self.threads = Some(*job);
                Update::Negotiations {
                    job: *job,
                    result: Err(OFFLINE.into()),
                }
            }
            Action::UnwatchNegotiations => {
                self.threads = None;
                return true;
            }
            Action::WatchOutbox => {
                self.outbox = true;
                Update::Outbox(Err(OFFLINE.into()))
            }
            Action::UnwatchOutbox => {
                self.outbox = false;
                return true;
            }
            Action::DecideOffer {
                negotiation,
                decision,
            } => Update::OfferFailed {
                call: OfferCall::of(decision),
                negotiation: *negotiation,
                error: OFFLINE.into(),
            },
            Action::ResolveOutbound { id, action } => Update::OutboundFailed {
                action: *action,
                id: *id,
                error: OFFLINE.into(),
            },
            Action::ExportOrder(export) => Update::Exported {
                export: export.clone(),
                result: Err(ExportError::Failed(OFFLINE.into())),
            },
            _ => return false,
        };
        let _ = updates.send(refused);
        true
    }
}
