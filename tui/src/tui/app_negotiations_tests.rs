//! The negotiations and the outbox: the actions their keys lead to and
//! what the daemon's answers do to them.

use std::path::PathBuf;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use procura_common::negotiation::{
    DeliveryState, NegotiationState, OfferDecision, Outbound, OutboundAction, Thread,
};
use rust_decimal::Decimal;

use super::Screen;
use super::components::negotiations_view::Mode;
use super::components::outbox_view;
use super::msg::{Action, Export, ExportError, OfferCall, Update};
use super::negotiations_fixtures::{
    buerostuhl, negotiation_id, officeworld, order, order_id, outbound_id, outbox, threads,
};
use super::negotiations_snapshot_tests::{negotiations_app, outbox_app};
use super::snapshot_tests::frame;
use super::test_support::*;

fn notice(a: &super::App) -> String {
    a.notice().map(|n| n.text.clone()).unwrap_or_default()
}

#[test]
fn opened_from_the_jobs_or_a_job_and_esc_goes_back_there() {
    let mut a = negotiations_app(threads());
    assert_eq!(a.screen(), Screen::Negotiations);
    press(&mut a, KeyCode::Enter);
    assert!(press(&mut a, KeyCode::Esc).is_empty(), "to the list first");
    assert_eq!(
        press(&mut a, KeyCode::Esc),
        vec![Action::UnwatchNegotiations]
    );
    assert_eq!(a.screen(), Screen::Jobs);
    // From the job view: that job's, and back to its view (still watched).
    let mut a = job_view_app(true, 3);
    assert_eq!(
        press(&mut a, KeyCode::Char('N')),
        vec![Action::WatchNegotiations(Some(id(1)))]
    );
    assert!(frame(&a, 80, 24).contains("Job 3f2a9c1f › Negotiations · 0"));
    // A listing for all jobs (asked for before) is not this one.
    a.apply(Update::Negotiations {
        job: None,
        result: Ok(threads()),
    });
    assert!(a.negotiations().threads().is_empty());
    let chairs: Vec<Thread> = threads()
        .into_iter()
        .filter(|t| t.job_id == id(1))
        .collect();
    a.apply(Update::Negotiations {
        job: Some(id(1)),
        result: Ok(chairs),
    });
    assert_eq!(a.negotiations().threads().len(), 3);
    assert!(frame(&a, 80, 24).contains("Negotiations of job 3f2a9c1f (3)"));
    assert_eq!(
        press(&mut a, KeyCode::Esc),
        vec![Action::UnwatchNegotiations]
    );
    assert_eq!(a.screen(), Screen::Job);
    // All of them again: the one job's list is not shown for them.
    press(&mut a, KeyCode::Esc);
    press(&mut a, KeyCode::Char('N'));
    assert!(a.negotiations().threads().is_empty());
    assert!(frame(&a, 80, 24).contains("Loading the negotiations…"));
}

#[test]
fn accepting_asks_first_and_shows_the_purchase_order() {
    let mut a = negotiations_app(threads());
    press(&mut a, KeyCode::Char('a'));
    assert!(matches!(a.negotiations().mode(), Mode::Accept));
    let prompt = frame(&a, 80, 24);
    assert!(
        prompt.contains("Accept the offer of officeworld?"),
        "{prompt}"
    );
    assert!(prompt.contains("A purchase order is drawn up"), "{prompt}");
    // Other keys leave the question open; n answers no.
    assert!(press(&mut a, KeyCode::Char('x')).is_empty());
    assert!(matches!(a.negotiations().mode(), Mode::Accept));
    assert!(press(&mut a, KeyCode::Char('n')).is_empty());
    assert!(matches!(a.negotiations().mode(), Mode::List));
    // From the thread: y accepts, and the thread stays open.
    press(&mut a, KeyCode::Enter);
    press(&mut a, KeyCode::Char('a'));
    assert_eq!(
        press(&mut a, KeyCode::Char('y')),
        vec![Action::DecideOffer {
            negotiation: negotiation_id(1),
            decision: OfferDecision::Accept,
        }]
    );
    assert_eq!(notice(&a), "Accepting the offer of officeworld…");
    assert!(matches!(a.negotiations().mode(), Mode::Thread));
    let accepted = Thread {
        state: NegotiationState::Accepted,
        purchase_order: Some(order(1, "PO-000002", "officeworld", 298_800, "USD")),
        ..officeworld()
    };
    a.apply(Update::OfferDone {
        call: OfferCall::Accept,
        thread: Box::new(accepted),
    });
    assert_eq!(
        notice(&a),
        "Accepted the offer of officeworld: purchase order PO-000002 for 2988.00 USD; \
         its email waits for approval."
    );
    assert_eq!(
        a.negotiations().threads()[0].state,
        NegotiationState::Accepted
    );
    let screen = frame(&a, 100, 30);
    assert!(
        screen.contains("Order    PO-000002 · 2988.00 USD"),
        "{screen}"
    );
}

#[test]
fn only_a_replied_offer_is_decided_and_the_daemons_refusal_shows() {
    let mut a = negotiations_app(threads());
    // chairmart's is a draft waiting for approval: nothing to decide.
    press(&mut a, KeyCode::Down);
    press(&mut a, KeyCode::Down);
    for k in ['a', 'c', 'd'] {
        assert!(press(&mut a, KeyCode::Char(k)).is_empty());
        assert!(matches!(a.negotiations().mode(), Mode::List));
        assert!(
            notice(&a).contains(
                "the offer of chairmart: a negotiation cannot go from awaiting approval to"
            ),
            "{}",
            notice(&a)
        );
    }
    // The daemon says no (a viewer, say): its words in the status line.
    press(&mut a, KeyCode::Home);
    press(&mut a, KeyCode::Char('a'));
    press(&mut a, KeyCode::Char('y'));
    a.apply(Update::OfferFailed {
        call: OfferCall::Accept,
        negotiation: negotiation_id(1),
        error: "forbidden: deciding on an offer needs the operator role, and bob is viewer".into(),
    });
    assert_eq!(
        notice(&a),
        "Could not accept the offer of officeworld: forbidden: deciding on an offer needs the \
         operator role, and bob is viewer"
    );
    assert!(a.notice().is_some_and(|n| n.error));
    assert!(frame(&a, 80, 24).contains("Could not accept the offer of officeworld: forbidden"));
}

#[test]
fn countering_sends_the_price_and_keeps_it_when_refused() {
    let mut a = negotiations_app(threads());
    press(&mut a, KeyCode::Enter);
    press(&mut a, KeyCode::Char('c'));
    // q and ? are text here.
    type_str(&mut a, "q?");
    assert!(!a.help_visible());
    assert_eq!(a.screen(), Screen::Negotiations);
    a.handle_key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
    a.handle_paste(" 230.50\n");
    press(&mut a, KeyCode::Down);
    type_str(&mut a, "for all 12");
    let sent = press(&mut a, KeyCode::Enter);
    let counter = OfferDecision::Counter {
        unit_price: Decimal::new(23050, 2),
        note: Some("for all 12".into()),
    };
    assert_eq!(
        sent,
        vec![Action::DecideOffer {
            negotiation: negotiation_id(1),
            decision: counter.clone(),
        }]
    );
    let Mode::Counter(form) = a.negotiations().mode() else {
        panic!("the form waits for the answer");
    };
    assert!(form.is_sending());
    assert!(press(&mut a, KeyCode::Char('9')).is_empty(), "keys wait");
    a.apply(Update::OfferFailed {
        call: OfferCall::Counter,
        negotiation: negotiation_id(1),
        error: "conflict: a negotiation cannot go from sent to countered".into(),
    });
    let Mode::Counter(form) = a.negotiations().mode() else {
        panic!("still countering");
    };
    assert_eq!((form.price(), form.note()), ("230.50", "for all 12"));
    assert_eq!(
        form.error(),
        Some("conflict: a negotiation cannot go from sent to countered")
    );
    // Sent again and done: the form closes onto the thread.
    assert_eq!(press(&mut a, KeyCode::Enter).len(), 1);
    let countered = Thread {
        state: NegotiationState::AwaitingApproval,
        ..officeworld()
    };
    a.apply(Update::OfferDone {
        call: OfferCall::Counter,
        thread: Box::new(countered),
    });
    assert!(matches!(a.negotiations().mode(), Mode::Thread));
    assert_eq!(
        a.negotiations().current().map(|t| t.state),
        Some(NegotiationState::AwaitingApproval)
    );
    // Esc cancels a form: nothing sent.
    let mut a = negotiations_app(threads());
    press(&mut a, KeyCode::Char('c'));
    type_str(&mut a, "100");
    assert!(press(&mut a, KeyCode::Esc).is_empty());
    assert!(matches!(a.negotiations().mode(), Mode::List));
}

#[test]
fn declining_needs_a_reason() {
    let mut a = negotiations_app(threads());
    press(&mut a, KeyCode::Char('d'));
    type_str(&mut a, "  ");
    assert!(press(&mut a, KeyCode::Enter).is_empty());
    assert!(
        a.negotiations()
            .prompt_error()
            .is_some_and(|e| e.contains("needs a reason"))
    );
    assert!(frame(&a, 80, 24).contains("Declining needs a reason"));
    type_str(&mut a, "too dear");
    assert_eq!(
        press(&mut a, KeyCode::Enter),
        vec![Action::DecideOffer {
            negotiation: negotiation_id(1),
            decision: OfferDecision::Decline {
                reason: "too dear".into()
            },
        }]
    );
    a.apply(Update::OfferDone {
        call: OfferCall::Decline,
        thread: Box::new(Thread {
            state: NegotiationState::Declined,
            ..officeworld()
        }),
    });
    assert_eq!(notice(&a), "Declined the offer of officeworld.");
    assert_eq!(
        a.negotiations().threads()[0].state,
        NegotiationState::Declined
    );
}

#[test]
fn exporting_a_purchase_order_asks_where_and_before_overwriting() {
    let mut a = negotiations_app(threads());
    // officeworld has no purchase order yet.
    assert!(press(&mut a, KeyCode::Char('x')).is_empty());
    assert!(notice(&a).contains("No purchase order with officeworld yet"));
    press(&mut a, KeyCode::Down);
    press(&mut a, KeyCode::Enter);
    press(&mut a, KeyCode::Char('x'));
    let Mode::Export(input) = a.negotiations().mode() else {
        panic!("asking where");
    };
    assert_eq!(input.text(), "./PO-000001.pdf");
    // Cleared, it is refused; typed, it is sent.
    a.handle_key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
    assert!(press(&mut a, KeyCode::Enter).is_empty());
    assert_eq!(
        a.negotiations().prompt_error(),
        Some("Say where to write the PDF.")
    );
    type_str(&mut a, "/tmp/orders/po.pdf");
    let export = Export {
        order: order_id(2),
        number: "PO-000001".into(),
        path: PathBuf::from("/tmp/orders/po.pdf"),
        overwrite: false,
    };
    assert_eq!(
        press(&mut a, KeyCode::Enter),
        vec![Action::ExportOrder(Box::new(export.clone()))]
    );
    assert_eq!(notice(&a), "Exporting PO-000001 to /tmp/orders/po.pdf…");
    assert!(matches!(a.negotiations().mode(), Mode::Thread));
    // It is there: asked whether to overwrite; n leaves it.
    let exists = |path: &str| Update::Exported {
        export: Box::new(export.clone()),
        result: Err(ExportError::Exists(PathBuf::from(path))),
    };
    a.apply(exists("/tmp/orders/po.pdf"));
    assert!(matches!(a.negotiations().mode(), Mode::Overwrite(_)));
    let screen = frame(&a, 80, 24);
    assert!(screen.contains("Overwrite the file?"), "{screen}");
    assert!(
        screen.contains("is there already. Write PO-000001 over it?"),
        "{screen}"
    );
    assert!(press(&mut a, KeyCode::Char('n')).is_empty());
    assert_eq!(notice(&a), "Not exported: /tmp/orders/po.pdf is as it was.");
    assert!(matches!(a.negotiations().mode(), Mode::Thread));
    // y overwrites the file the worker found (its resolved path).
    a.apply(exists("/home/alice/po.pdf"));
    assert_eq!(
        press(&mut a, KeyCode::Char('y')),
        vec![Action::ExportOrder(Box::new(Export {
            path: PathBuf::from("/home/alice/po.pdf"),
            overwrite: true,
            ..export.clone()
        }))]
    );
    a.apply(Update::Exported {
        export: Box::new(export.clone()),
        result: Ok((PathBuf::from("/home/alice/po.pdf"), 48_213)),
    });
    assert_eq!(
        notice(&a),
        "Wrote PO-000001 to /home/alice/po.pdf (47.1 KiB)."
    );
    // Busy with something else, an existing file is only reported.
    press(&mut a, KeyCode::Char('x'));
    a.apply(exists("/tmp/orders/po.pdf"));
    assert!(matches!(a.negotiations().mode(), Mode::Export(_)));
    assert!(notice(&a).contains("Not exported: /tmp/orders/po.pdf is there already."));
    a.apply(Update::Exported {
        export: Box::new(export),
        result: Err(ExportError::Failed(
            "internal error in procurad: blob missing".into(),
        )),
    });
    assert_eq!(
        notice(&a),
        "Could not export PO-000001: internal error in procurad: blob missing"
    );
}

#[test]
fn a_refresh_keeps_the_selection_and_the_open_thread_fresh() {
    let mut a = negotiations_app(threads());
    press(&mut a, KeyCode::Down);
    press(&mut a, KeyCode::Enter);
    let mut list = threads();
    list.remove(0);
    list[0].state = NegotiationState::Ordered;
    a.apply(Update::Negotiations {
        job: None,
        result: Ok(list),
    });
    assert_eq!(
        a.negotiations().selected().map(|t| t.negotiation_id),
        Some(negotiation_id(2))
    );
    assert_eq!(
        a.negotiations().current().map(|t| t.state),
        Some(NegotiationState::Ordered)
    );
    assert!(frame(&a, 80, 24).contains("State    ordered"));
    // A failed refresh keeps what is shown.
    a.apply(Update::Negotiations {
        job: None,
        result: Err("deadline exceeded".into()),
    });
    assert_eq!(a.negotiations().threads().len(), 3);
    assert_eq!(buerostuhl().vendor, a.negotiations().threads()[0].vendor);
}

#[test]
fn the_outbox_resends_and_marks_sent_only_what_it_may() {
    let mut a = outbox_app(outbox());
    // The failed one: resent after y; it cannot be marked sent.
    assert!(press(&mut a, KeyCode::Char('M')).is_empty());
    assert_eq!(
        notice(&a),
        "The email to chairmart failed: it did not go out. Resend it with R."
    );
    press(&mut a, KeyCode::Char('R'));
    assert_eq!(
        a.outbox().mode(),
        outbox_view::Mode::Confirm(OutboundAction::Resend)
    );
    assert!(press(&mut a, KeyCode::Char('n')).is_empty());
    assert_eq!(a.outbox().mode(), outbox_view::Mode::List);
    press(&mut a, KeyCode::Char('R'));
    assert_eq!(
        press(&mut a, KeyCode::Char('y')),
        vec![Action::ResolveOutbound {
            id: outbound_id(1),
            action: OutboundAction::Resend
        }]
    );
    assert_eq!(notice(&a), "Resending the email to chairmart…");
    a.apply(Update::OutboundDone {
        action: OutboundAction::Resend,
        message: Box::new(Outbound {
            state: DeliveryState::Approved,
            ..outbox()[0].clone()
        }),
    });
    assert_eq!(a.outbox().messages()[0].state, DeliveryState::Approved);
    assert!(frame(&a, 80, 24).contains("Outbox · 4 messages · 1 unknown"));
    // The unknown one: marked sent after y.
    press(&mut a, KeyCode::Down);
    press(&mut a, KeyCode::Char('M'));
    let prompt = frame(&a, 80, 24);
    assert!(
        prompt.contains("Mark the email to bürostuhl-direkt as sent?"),
        "{prompt}"
    );
    assert_eq!(
        press(&mut a, KeyCode::Char('y')),
        vec![Action::ResolveOutbound {
            id: outbound_id(2),
            action: OutboundAction::MarkSent
        }]
    );
    a.apply(Update::OutboundFailed {
        action: OutboundAction::MarkSent,
        id: outbound_id(2),
        error:
            "forbidden: resolving an outbound email needs the approver role, and alice is operator"
                .into(),
    });
    assert!(
        notice(&a).starts_with("Could not mark the email to bürostuhl-direkt as sent: forbidden"),
        "{}",
        notice(&a)
    );
    // Retrying and sent ones: neither.
    press(&mut a, KeyCode::Down);
    assert!(press(&mut a, KeyCode::Char('R')).is_empty());
    assert!(notice(&a).contains("the email to paperhaus is approved"));
    press(&mut a, KeyCode::End);
    assert!(press(&mut a, KeyCode::Char('M')).is_empty());
    assert!(notice(&a).contains("the email to officeworld is sent"));
    // Esc goes back to the jobs and stops the refreshing.
    assert_eq!(press(&mut a, KeyCode::Esc), vec![Action::UnwatchOutbox]);
    assert_eq!(a.screen(), Screen::Jobs);
}
