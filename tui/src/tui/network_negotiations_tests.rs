//! Negotiations, purchase orders and the outbox through the network
//! worker against the fake `procurad`: what the fake received for
//! accepting, countering and declining offers, exporting a purchase
//! order's PDF into a temporary directory, and resending or marking sent
//! an outbound message.

use std::collections::HashMap;
use std::time::Duration;

use base64::Engine;
use crossterm::event::KeyCode;
use procura_common::error::ApiError;
use procura_common::job::JobId;
use procura_common::negotiation::{
    DeliveryState, NegotiationState, OfferDecision, Outbound, OutboundAction, PurchaseOrderSummary,
    Thread, ThreadMessage,
};
use rust_decimal::Decimal;
use uuid::Uuid;

use super::components::negotiations_view::Mode;
use super::msg::{Action, Export, ExportError, Update};
use super::negotiations_fixtures::{
    message_id, negotiation_id, order_id, outbound_id, outbox, threads,
};
use super::network_tests::{Harness, TempSocket, running_fake, start, stop};
use super::test_support::*;

/// What the fake `procurad` has of negotiations and the outbox, and every
/// call it got about them. It refuses what the daemon refuses, in the
/// daemon's words.
#[derive(Default)]
pub(super) struct FakeDeals {
    pub(super) threads: Vec<Thread>,
    /// The job of every negotiations listing.
    pub(super) listings: Vec<Option<JobId>>,
    /// Every decision on an offer, as received.
    pub(super) decisions: Vec<(Uuid, OfferDecision)>,
    /// The purchase orders' PDFs, base64 as the daemon sends them, and
    /// every fetch.
    pub(super) pdfs: HashMap<Uuid, String>,
    pub(super) pdf_calls: Vec<Uuid>,
    pub(super) outbox: Vec<Outbound>,
    pub(super) outbox_calls: usize,
    /// Every resend or mark-sent, as received.
    pub(super) resolutions: Vec<(Uuid, OutboundAction)>,
}

impl FakeDeals {
    pub(super) fn threads(&mut self, job: Option<JobId>) -> Result<Vec<Thread>, ApiError> {
        self.listings.push(job);
        Ok(self
            .threads
            .iter()
            .filter(|t| job.is_none_or(|j| t.job_id == j))
            .cloned()
            .collect())
    }

    pub(super) fn decide(&mut self, id: Uuid, decision: OfferDecision) -> Result<Thread, ApiError> {
        self.decisions.push((id, decision.clone()));
        let orders = self
            .threads
            .iter()
            .filter(|t| t.purchase_order.is_some())
            .count();
        let t = self
            .threads
            .iter_mut()
            .find(|t| t.negotiation_id == id)
            .ok_or_else(|| ApiError::not_found("negotiation", id))?;
        let to = match decision {
            OfferDecision::Accept => NegotiationState::Accepted,
            OfferDecision::Counter { .. } => NegotiationState::Countered,
            OfferDecision::Decline { .. } => NegotiationState::Declined,
        };
        t.state
            .check(to)
            .map_err(|e| ApiError::Conflict(e.to_string()))?;
        match decision {
            OfferDecision::Accept => {
                let offer = t.messages.iter().rev().find_map(|m| m.offer.clone());
                let offer = offer.unwrap_or_default();
                let price = offer.unit_price.unwrap_or_default();
                t.purchase_order = Some(PurchaseOrderSummary {
                    id: order_id(100 + orders as u128),
                    number: format!("PO-{:06}", orders + 1),
                    negotiation_id: id,
                    vendor: t.vendor.clone(),
                    total: price * Decimal::from(offer.quantity.unwrap_or(1)),
                    currency: offer.currency.unwrap_or_default(),
                    created_at: now(),
                });
                t.state = NegotiationState::Accepted;
            }
            OfferDecision::Counter { unit_price, .. } => {
                if unit_price <= Decimal::ZERO {
                    return Err(ApiError::InvalidRequest(
                        "a counter-offer needs a unit price above zero".into(),
                    ));
                }
                t.messages.push(ThreadMessage {
                    id: message_id(90, t.messages.len() as u128),
                    direction: "outbound".into(),
                    status: "draft".into(),
                    subject: "Re: Quote request".into(),
                    body: format!("We would like to order at {unit_price} per unit."),
                    counterpart: None,
                    message_id: None,
                    offer: None,
                    attachment: None,
                    created_at: now(),
                });
                // The counter-offer is a draft waiting for approval.
                t.state = NegotiationState::AwaitingApproval;
            }
            OfferDecision::Decline { reason } => {
                if reason.trim().is_empty() {
                    return Err(ApiError::InvalidRequest("declining needs a reason".into()));
                }
                t.state = NegotiationState::Declined;
            }
        }
        Ok(t.clone())
    }

    pub(super) fn pdf(&mut self, id: Uuid) -> Result<String, ApiError> {
        self.pdf_calls.push(id);
        self.pdfs
            .get(&id)
            .cloned()
            .ok_or_else(|| ApiError::not_found("purchase order", id))
    }

    pub(super) fn outbox(&mut self) -> Result<Vec<Outbound>, ApiError> {
        self.outbox_calls += 1;
        Ok(self.outbox.clone())
    }

    pub(super) fn resolve(
        &mut self,
        id: Uuid,
        action: OutboundAction,
    ) -> Result<Outbound, ApiError> {
        self.resolutions.push((id, action));
        let m = self
            .outbox
            .iter_mut()
            .find(|m| m.id == id)
            .ok_or_else(|| ApiError::not_found("message", id))?;
        m.state = match (action, m.state) {
            (OutboundAction::Resend, DeliveryState::Failed | DeliveryState::Unknown) => {
                DeliveryState::Approved
            }
            (OutboundAction::MarkSent, DeliveryState::Unknown) => DeliveryState::Sent,
            (_, state) => {
                return Err(ApiError::InvalidRequest(format!(
                    "message {id} is {}: only a failed or unknown message can be resent, and only an unknown one marked sent",
                    state.as_str()
                )));
            }
        };
        Ok(m.clone())
    }
}

const PDF: &[u8] = b"%PDF-1.7\n% a purchase order\n1 0 obj << >> endobj\n%%EOF\n";

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn notice(a: &super::App) -> String {
    a.notice().map(|n| n.text.clone()).unwrap_or_default()
}

fn send(h: &Harness, actions: Vec<Action>) {
    for a in actions {
        h.actions.send(a).unwrap();
    }
}

#[tokio::test]
async fn offers_are_countered_accepted_and_declined_through_the_worker() {
    let tmp = TempSocket::new();
    let socket = tmp.path();
    let fake = running_fake(1..=1);
    fake.with(|s| {
        s.deals.threads = threads();
        s.deals.threads[3].state = NegotiationState::Replied;
    });
    let server = start(&socket, &fake);
    let mut h = Harness::start(socket.clone());
    h.until("connected", |u| matches!(u, Update::Connected(_)))
        .await;
    let mut app = connected_app(true);
    send(&h, press(&mut app, KeyCode::Char('N')));
    let up = h
        .until("threads", |u| {
            matches!(u, Update::Negotiations { result: Ok(_), .. })
        })
        .await;
    app.apply(up);
    assert_eq!(app.negotiations().threads().len(), 4);
    assert_eq!(fake.with(|s| s.deals.listings[0]), None, "all jobs'");

    // Counter officeworld's offer at 230.50, with a note.
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('c'));
    type_str(&mut app, "230.50");
    press(&mut app, KeyCode::Tab);
    type_str(&mut app, "for all 12, delivered by 20 Feb");
    send(&h, press(&mut app, KeyCode::Enter));
    let up = h
        .until("countered", |u| matches!(u, Update::OfferDone { .. }))
        .await;
    app.apply(up);
    assert!(
        matches!(app.negotiations().mode(), Mode::Thread),
        "the form closed"
    );
    assert_eq!(
        notice(&app),
        "Countered the offer of officeworld; the email waits for approval."
    );
    assert_eq!(
        fake.with(|s| s.deals.decisions.clone()),
        vec![(
            negotiation_id(1),
            OfferDecision::Counter {
                unit_price: Decimal::new(23050, 2),
                note: Some("for all 12, delivered by 20 Feb".into()),
            }
        )]
    );
    assert_eq!(
        app.negotiations().current().map(|t| t.state),
        Some(NegotiationState::AwaitingApproval)
    );

    // A decision on a stale list: the daemon's refusal, in its words.
    send(
        &h,
        vec![Action::DecideOffer {
            negotiation: negotiation_id(1),
            decision: OfferDecision::Accept,
        }],
    );
    let up = h
        .until("refused", |u| matches!(u, Update::OfferFailed { .. }))
        .await;
    app.apply(up);
    assert_eq!(
        notice(&app),
        "Could not accept the offer of officeworld: conflict: a negotiation cannot go from \
         awaiting approval to accepted (from awaiting approval only to approved or rejected)"
    );
    let screen = super::snapshot_tests::frame(&app, 80, 24);
    assert!(
        screen.contains("Could not accept the offer of officeworld"),
        "{screen}"
    );

    // The vendor replies again; the refresh brings it, and it is accepted.
    fake.with(|s| s.deals.threads[0].state = NegotiationState::Replied);
    let up = h
        .until("replied again", |u| {
            matches!(u, Update::Negotiations { result: Ok(l), .. }
                if l[0].state == NegotiationState::Replied)
        })
        .await;
    app.apply(up);
    press(&mut app, KeyCode::Char('a'));
    send(&h, press(&mut app, KeyCode::Char('y')));
    let up = h
        .until("accepted", |u| matches!(u, Update::OfferDone { .. }))
        .await;
    app.apply(up);
    assert_eq!(
        notice(&app),
        "Accepted the offer of officeworld: purchase order PO-000002 for 2988.00 USD; \
         its email waits for approval."
    );
    let po = app
        .negotiations()
        .current()
        .and_then(|t| t.purchase_order.clone());
    assert_eq!(po.map(|p| p.number), Some("PO-000002".into()));
    assert!(super::snapshot_tests::frame(&app, 80, 24).contains("PO-000002 · 2988.00 USD"));

    // Decline paperhaus's, from the list.
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::End);
    press(&mut app, KeyCode::Char('d'));
    type_str(&mut app, "we buy paper elsewhere");
    send(&h, press(&mut app, KeyCode::Enter));
    let up = h
        .until("declined", |u| matches!(u, Update::OfferDone { .. }))
        .await;
    app.apply(up);
    assert_eq!(notice(&app), "Declined the offer of paperhaus.");
    let decisions = fake.with(|s| s.deals.decisions.clone());
    assert_eq!(decisions.len(), 4);
    assert_eq!(decisions[2], (negotiation_id(1), OfferDecision::Accept));
    assert_eq!(
        decisions[3],
        (
            negotiation_id(4),
            OfferDecision::Decline {
                reason: "we buy paper elsewhere".into()
            }
        )
    );
    assert_eq!(
        app.negotiations().threads()[3].state,
        NegotiationState::Declined
    );

    // One job's negotiations: the daemon is asked for that job's only.
    send(&h, vec![Action::WatchNegotiations(Some(id(3)))]);
    let up = h
        .until("the paper job's", |u| {
            matches!(
                u,
                Update::Negotiations {
                    job: Some(_),
                    result: Ok(_)
                }
            )
        })
        .await;
    assert!(
        matches!(&up, Update::Negotiations { job, result: Ok(l) }
            if *job == Some(id(3)) && l.len() == 1 && l[0].vendor == "paperhaus"),
        "{up:?}"
    );
    assert!(fake.with(|s| s.deals.listings.contains(&Some(id(3)))));
    stop(server).await;
    h.worker.abort();
}

#[tokio::test]
async fn a_purchase_order_is_exported_to_a_file() {
    let tmp = TempSocket::new();
    let socket = tmp.path();
    let fake = running_fake(1..=1);
    fake.with(|s| {
        s.deals.threads = threads();
        s.deals.pdfs.insert(order_id(2), b64(PDF));
        s.deals
            .pdfs
            .insert(order_id(9), "this is not base64!".into());
    });
    let server = start(&socket, &fake);
    let mut h = Harness::start(socket.clone());
    h.until("connected", |u| matches!(u, Update::Connected(_)))
        .await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("PO-000001.pdf");
    let export = Export {
        order: order_id(2),
        number: "PO-000001".into(),
        path: path.clone(),
        overwrite: false,
    };
    let exported = |u: &Update| matches!(u, Update::Exported { .. });

    send(&h, vec![Action::ExportOrder(Box::new(export.clone()))]);
    let up = h.until("written", exported).await;
    let Update::Exported { result, .. } = &up else {
        unreachable!()
    };
    assert_eq!(result, &Ok((path.clone(), PDF.len() as u64)));
    assert_eq!(std::fs::read(&path).unwrap(), PDF);
    assert_eq!(fake.with(|s| s.deals.pdf_calls.clone()), vec![order_id(2)]);

    // There now: refused before fetching anything, the file kept.
    send(&h, vec![Action::ExportOrder(Box::new(export.clone()))]);
    let up = h.until("exists", exported).await;
    assert!(
        matches!(&up, Update::Exported { result: Err(ExportError::Exists(p)), .. } if *p == path),
        "{up:?}"
    );
    assert_eq!(fake.with(|s| s.deals.pdf_calls.len()), 1, "not fetched");

    // The app asks; y overwrites it.
    let mut app = connected_app(true);
    press(&mut app, KeyCode::Char('N'));
    app.apply(Update::Negotiations {
        job: None,
        result: Ok(threads()),
    });
    app.apply(up);
    assert!(matches!(app.negotiations().mode(), Mode::Overwrite(_)));
    fake.with(|s| s.deals.pdfs.insert(order_id(2), b64(b"%PDF-2.0 new")));
    let again = press(&mut app, KeyCode::Char('y'));
    assert_eq!(
        again,
        vec![Action::ExportOrder(Box::new(Export {
            overwrite: true,
            ..export.clone()
        }))]
    );
    send(&h, again);
    let up = h.until("overwritten", exported).await;
    app.apply(up);
    assert_eq!(std::fs::read(&path).unwrap(), b"%PDF-2.0 new");
    assert_eq!(
        notice(&app),
        format!("Wrote PO-000001 to {} (12 bytes).", path.display())
    );

    // A directory gets the order's name in it.
    let orders = dir.path().join("orders");
    std::fs::create_dir(&orders).unwrap();
    send(
        &h,
        vec![Action::ExportOrder(Box::new(Export {
            path: orders.clone(),
            ..export.clone()
        }))],
    );
    let up = h.until("into a directory", exported).await;
    assert!(
        matches!(&up, Update::Exported { result: Ok((p, 12)), .. } if *p == orders.join("PO-000001.pdf")),
        "{up:?}"
    );

    // The daemon's refusal, and a PDF that is not base64: nothing written.
    for (order, said) in [(order_id(7), "not found"), (order_id(9), "not base64")] {
        let path = dir.path().join(format!("{order}.pdf"));
        send(
            &h,
            vec![Action::ExportOrder(Box::new(Export {
                order,
                path: path.clone(),
                ..export.clone()
            }))],
        );
        let up = h.until("refused", exported).await;
        assert!(
            matches!(&up, Update::Exported { result: Err(ExportError::Failed(e)), .. } if e.contains(said)),
            "{up:?}"
        );
        assert!(!path.exists(), "{} written", path.display());
    }
    stop(server).await;
    h.worker.abort();
}

#[tokio::test]
async fn outbound_email_is_resent_and_marked_sent_through_the_worker() {
    let tmp = TempSocket::new();
    let socket = tmp.path();
    let fake = running_fake(1..=1);
    fake.with(|s| s.deals.outbox = outbox());
    let server = start(&socket, &fake);
    let mut h = Harness::start(socket.clone());
    h.until("connected", |u| matches!(u, Update::Connected(_)))
        .await;
    let mut app = connected_app(true);
    send(&h, press(&mut app, KeyCode::Char('O')));
    let up = h
        .until("the outbox", |u| matches!(u, Update::Outbox(Ok(_))))
        .await;
    app.apply(up);
    assert_eq!(app.outbox().messages().len(), 4);

    // Resend the failed one.
    press(&mut app, KeyCode::Char('R'));
    send(&h, press(&mut app, KeyCode::Char('y')));
    let up = h
        .until("resent", |u| matches!(u, Update::OutboundDone { .. }))
        .await;
    app.apply(up);
    assert_eq!(
        notice(&app),
        "The email to chairmart is queued to be sent again."
    );
    assert_eq!(app.outbox().messages()[0].state, DeliveryState::Approved);

    // Mark the unknown one sent.
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Char('M'));
    send(&h, press(&mut app, KeyCode::Char('y')));
    let up = h
        .until("marked", |u| matches!(u, Update::OutboundDone { .. }))
        .await;
    app.apply(up);
    assert_eq!(app.outbox().messages()[1].state, DeliveryState::Sent);
    assert_eq!(
        fake.with(|s| s.deals.resolutions.clone()),
        vec![
            (outbound_id(1), OutboundAction::Resend),
            (outbound_id(2), OutboundAction::MarkSent),
        ]
    );

    // A stale action: the daemon's refusal, in its words.
    send(
        &h,
        vec![Action::ResolveOutbound {
            id: outbound_id(1),
            action: OutboundAction::MarkSent,
        }],
    );
    let up = h
        .until("refused", |u| matches!(u, Update::OutboundFailed { .. }))
        .await;
    app.apply(up);
    assert!(
        notice(&app)
            .starts_with("Could not mark the email to chairmart as sent: invalid request: message"),
        "{}",
        notice(&app)
    );

    // Closed, the outbox is not listed any more.
    send(&h, press(&mut app, KeyCode::Esc));
    tokio::time::sleep(Duration::from_millis(300)).await;
    let calls = fake.with(|s| s.deals.outbox_calls);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(fake.with(|s| s.deals.outbox_calls), calls);

    // Offline, the calls are refused at once.
    stop(server).await;
    h.until("disconnected", |u| matches!(u, Update::Disconnected { .. }))
        .await;
    send(
        &h,
        vec![
            Action::ResolveOutbound {
                id: outbound_id(1),
                action: OutboundAction::Resend,
            },
            Action::DecideOffer {
                negotiation: negotiation_id(1),
                decision: OfferDecision::Accept,
            },
            Action::ExportOrder(Box::new(Export {
                order: order_id(2),
                number: "PO-000001".into(),
                path: std::env::temp_dir().join("procura-never-written.pdf"),
                overwrite: false,
            })),
        ],
    );
    let offline = |u: &Update| match u {
        Update::OutboundFailed { error, .. } | Update::OfferFailed { error, .. } => {
            error.contains("not connected")
        }
        Update::Exported {
            result: Err(ExportError::Failed(e)),
            ..
        } => e.contains("not connected"),
        _ => false,
    };
    for what in ["resend refused", "decision refused", "export refused"] {
        h.until(what, offline).await;
    }
    h.worker.abort();
}
