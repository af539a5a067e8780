//! The approvals inbox's behaviour: the actions its keys lead to, what
//! the answers do to it, the `$EDITOR` round trip as far as the app goes,
//! and approving and rejecting through the network worker against the
//! fake `procurad`.

use crossterm::event::{Event, KeyCode};
use procura_common::negotiation::{Approval, DraftEdit, NegotiationState};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tokio::sync::mpsc;

use super::approvals_fixtures::{draft_id, drafts};
use super::approvals_snapshot_tests::{ctrl, inbox_app};
use super::components::approvals_view::Mode;
use super::msg::{Action, DraftCall, Update};
use super::network_tests::{Harness, TempSocket, running_fake, start, stop};
use super::snapshot_tests::frame;
use super::test_support::*;
use super::{LoopExit, Screen};

fn notice(a: &super::App) -> String {
    a.notice().map(|n| n.text.clone()).unwrap_or_default()
}

#[test]
fn esc_goes_back_to_the_jobs_and_stops_the_refreshing() {
    let mut a = inbox_app(drafts());
    assert_eq!(a.screen(), Screen::Approvals);
    press(&mut a, KeyCode::Enter);
    assert!(press(&mut a, KeyCode::Esc).is_empty(), "to the list first");
    assert!(matches!(a.approvals().mode(), Mode::List));
    assert_eq!(press(&mut a, KeyCode::Esc), vec![Action::UnwatchApprovals]);
    assert_eq!(a.screen(), Screen::Jobs);
    // Opened again, it asks again and shows the list.
    assert_eq!(
        press(&mut a, KeyCode::Char('A')),
        vec![Action::WatchApprovals]
    );
    assert!(matches!(a.approvals().mode(), Mode::List));
}

#[test]
fn a_refresh_keeps_the_selection_and_notices_a_draft_decided_elsewhere() {
    let mut a = inbox_app(drafts());
    press(&mut a, KeyCode::Down);
    press(&mut a, KeyCode::Down);
    assert_eq!(a.approvals().selected().map(|d| d.id), Some(draft_id(3)));
    press(&mut a, KeyCode::Enter);
    // Draft 1 went; the selection stays on draft 3, which is open.
    let mut list = drafts();
    list.remove(0);
    a.apply(Update::Approvals(Ok(list.clone())));
    assert_eq!(a.approvals().selected().map(|d| d.id), Some(draft_id(3)));
    assert!(!a.approvals().is_gone());
    // Now draft 3 goes too: it stays shown, marked, and cannot be decided.
    list.retain(|d| d.id != draft_id(3));
    a.apply(Update::Approvals(Ok(list)));
    assert!(a.approvals().is_gone());
    assert!(frame(&a, 80, 24).contains("no longer waiting for approval"));
    assert!(press(&mut a, KeyCode::Char('a')).is_empty());
    assert!(notice(&a).contains("no longer waiting"), "{}", notice(&a));
}

#[test]
fn approving_asks_first_and_the_draft_leaves_the_list() {
    let mut a = inbox_app(drafts());
    press(&mut a, KeyCode::Char('a'));
    assert!(matches!(a.approvals().mode(), Mode::Confirm));
    // Other keys leave the question open; n answers no.
    assert!(press(&mut a, KeyCode::Char('q')).is_empty());
    assert!(matches!(a.approvals().mode(), Mode::List), "q is no");
    press(&mut a, KeyCode::Char('a'));
    assert!(press(&mut a, KeyCode::Char('x')).is_empty());
    assert!(press(&mut a, KeyCode::Char('n')).is_empty());
    assert!(matches!(a.approvals().mode(), Mode::List));
    // From the open draft: y approves, and the draft leaves once done.
    press(&mut a, KeyCode::Down);
    press(&mut a, KeyCode::Enter);
    press(&mut a, KeyCode::Char('a'));
    assert_eq!(
        press(&mut a, KeyCode::Char('y')),
        vec![Action::Approve(draft_id(2))]
    );
    assert!(matches!(a.approvals().mode(), Mode::Open));
    let approved = Approval {
        state: NegotiationState::Approved,
        ..drafts()[1].clone()
    };
    a.apply(Update::DraftDone {
        call: DraftCall::Approve,
        draft: Box::new(approved),
    });
    assert!(matches!(a.approvals().mode(), Mode::List));
    let ids: Vec<_> = a.approvals().drafts().iter().map(|d| d.id).collect();
    assert_eq!(ids, vec![draft_id(1), draft_id(3), draft_id(4)]);
    assert_eq!(
        notice(&a),
        "Approved the email to bürostuhl-direkt; it is sent once."
    );
}

#[test]
fn rejecting_needs_a_reason() {
    let mut a = inbox_app(drafts());
    press(&mut a, KeyCode::End);
    press(&mut a, KeyCode::Char('r'));
    type_str(&mut a, "   ");
    assert!(press(&mut a, KeyCode::Enter).is_empty(), "blank is empty");
    assert!(
        a.approvals()
            .reason_error()
            .is_some_and(|e| e.contains("needs a reason"))
    );
    // Esc cancels; starting again starts empty.
    press(&mut a, KeyCode::Esc);
    assert!(matches!(a.approvals().mode(), Mode::List));
    press(&mut a, KeyCode::Char('r'));
    type_str(&mut a, "we buy paper elsewhere");
    assert_eq!(
        press(&mut a, KeyCode::Enter),
        vec![Action::Reject {
            id: draft_id(4),
            reason: "we buy paper elsewhere".into()
        }]
    );
    a.apply(Update::DraftDone {
        call: DraftCall::Reject,
        draft: Box::new(drafts()[3].clone()),
    });
    assert_eq!(a.approvals().drafts().len(), 3);
    assert_eq!(
        a.approvals().selected().map(|d| d.id),
        Some(draft_id(3)),
        "the selection moves up from the last row"
    );
    assert!(notice(&a).contains("Rejected the draft to paperhaus"));
}

#[test]
fn editing_in_place_saves_the_text_typed() {
    let mut a = inbox_app(drafts());
    press(&mut a, KeyCode::Char('e'));
    // Replace the subject, then add a line at the top of the body.
    a.handle_key(crossterm::event::KeyEvent::new(
        KeyCode::Char('u'),
        crossterm::event::KeyModifiers::CONTROL,
    ));
    type_str(&mut a, "Chairs: quote?");
    press(&mut a, KeyCode::Enter);
    type_str(&mut a, "Hi,");
    press(&mut a, KeyCode::Enter);
    let body = format!("Hi,\n{}", drafts()[0].body);
    let save = ctrl(&mut a, 's');
    assert_eq!(
        save,
        vec![Action::EditDraft(DraftEdit {
            id: draft_id(1),
            subject: "Chairs: quote?".into(),
            body: body.clone(),
        })]
    );
    // Keys wait for the answer; the daemon's refusal keeps the text.
    let Mode::Edit(form) = a.approvals().mode() else {
        panic!("still editing");
    };
    assert!(form.is_saving());
    a.apply(Update::DraftFailed {
        call: DraftCall::Edit,
        id: draft_id(1),
        error: "conflict: draft 7d00 is approved, not a draft any more".into(),
    });
    let Mode::Edit(form) = a.approvals().mode() else {
        panic!("still editing");
    };
    assert!(!form.is_saving());
    assert_eq!(form.subject(), "Chairs: quote?");
    assert!(frame(&a, 80, 24).contains("not a draft any more"));
    // Saved: the draft shows open with the new text.
    assert_eq!(ctrl(&mut a, 's').len(), 1);
    let saved = Approval {
        subject: "Chairs: quote?".into(),
        body,
        ..drafts()[0].clone()
    };
    a.apply(Update::DraftDone {
        call: DraftCall::Edit,
        draft: Box::new(saved),
    });
    assert!(matches!(a.approvals().mode(), Mode::Open));
    assert_eq!(
        a.approvals().current().map(|d| d.subject.as_str()),
        Some("Chairs: quote?")
    );
    assert_eq!(a.approvals().drafts()[0].subject, "Chairs: quote?");
    assert_eq!(notice(&a), "Saved the draft to officeworld.");
}

#[test]
fn esc_cancels_an_edit_and_an_empty_or_unchanged_one_is_not_sent() {
    let mut a = inbox_app(drafts());
    press(&mut a, KeyCode::Enter);
    press(&mut a, KeyCode::Char('e'));
    type_str(&mut a, "zzz");
    assert!(press(&mut a, KeyCode::Esc).is_empty());
    assert!(
        matches!(a.approvals().mode(), Mode::Open),
        "back where it began"
    );
    assert_eq!(a.approvals().drafts(), &drafts()[..]);
    // Unchanged: closed with a word, nothing sent.
    press(&mut a, KeyCode::Char('e'));
    assert!(ctrl(&mut a, 's').is_empty());
    assert!(matches!(a.approvals().mode(), Mode::Open));
    assert!(notice(&a).contains("Nothing changed"));
    // No subject: refused in the form.
    press(&mut a, KeyCode::Char('e'));
    ctrl(&mut a, 'u');
    assert!(ctrl(&mut a, 's').is_empty());
    assert!(frame(&a, 80, 24).contains("The subject is empty"));
    assert!(matches!(a.approvals().mode(), Mode::Edit(_)));
}

#[test]
fn big_e_asks_the_event_loop_for_the_editor() {
    let mut a = inbox_app(drafts());
    press(&mut a, KeyCode::Down);
    let asked = press(&mut a, KeyCode::Char('E'));
    assert_eq!(
        asked,
        vec![Action::EditInEditor(Box::new(drafts()[1].clone()))]
    );
    let d = drafts()[1].clone();
    // What came back: unchanged, changed, or an error.
    let same = DraftEdit {
        id: d.id,
        subject: d.subject.clone(),
        body: d.body.clone() + "\n\n",
    };
    assert!(a.edited_externally(&d, Ok(same)).is_empty());
    assert!(notice(&a).contains("Nothing changed"));
    let changed = DraftEdit {
        id: d.id,
        subject: d.subject.clone(),
        body: "Hello,\nnew text\n".into(),
    };
    assert_eq!(
        a.edited_externally(&d, Ok(changed.clone())),
        vec![Action::EditDraft(changed)]
    );
    assert!(
        a.edited_externally(&d, Err("the editor \"nano\" failed".into()))
            .is_empty()
    );
    assert!(notice(&a).starts_with("Not saved: the editor"));
}

#[tokio::test]
async fn the_event_loop_returns_to_run_the_editor() {
    let mut a = inbox_app(drafts());
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    let (ev_tx, ev_rx) = futures::channel::mpsc::unbounded();
    let (_up_tx, mut up_rx) = mpsc::unbounded_channel();
    let (act_tx, mut act_rx) = mpsc::unbounded_channel();
    ev_tx
        .unbounded_send(Ok(Event::Key(key(KeyCode::Char('E')))))
        .unwrap();
    let exit = super::event_loop(&mut terminal, &mut a, ev_rx, &mut up_rx, &act_tx, now)
        .await
        .unwrap();
    assert_eq!(exit, LoopExit::EditDraft(Box::new(drafts()[0].clone())));
    assert!(act_rx.try_recv().is_err(), "nothing for the worker");
}

#[tokio::test]
async fn approve_and_reject_through_the_worker() {
    let tmp = TempSocket::new();
    let socket = tmp.path();
    let fake = running_fake(1..=1);
    fake.with(|s| s.approvals = drafts());
    let server = start(&socket, &fake);
    let mut h = Harness::start(socket.clone());
    h.until("connected", |u| matches!(u, Update::Connected(_)))
        .await;
    let mut app = connected_app(true);
    let send = |h: &Harness, actions: Vec<Action>| {
        for a in actions {
            h.actions.send(a).unwrap();
        }
    };
    send(&h, press(&mut app, KeyCode::Char('A')));
    let up = h
        .until("drafts", |u| matches!(u, Update::Approvals(Ok(_))))
        .await;
    app.apply(up);
    assert_eq!(app.approvals().drafts().len(), 4);

    // Approve the first.
    press(&mut app, KeyCode::Char('a'));
    send(&h, press(&mut app, KeyCode::Char('y')));
    let up = h
        .until("approved", |u| matches!(u, Update::DraftDone { .. }))
        .await;
    app.apply(up);
    assert!(notice(&app).contains("Approved the email to officeworld"));

    // Reject the (now) last.
    press(&mut app, KeyCode::End);
    press(&mut app, KeyCode::Char('r'));
    type_str(&mut app, "not this vendor");
    send(&h, press(&mut app, KeyCode::Enter));
    let up = h
        .until("rejected", |u| matches!(u, Update::DraftDone { .. }))
        .await;
    app.apply(up);
    assert_eq!(
        fake.with(|s| s.decisions.clone()),
        vec![
            format!("approve {}", draft_id(1)),
            format!("reject not this vendor {}", draft_id(4)),
        ]
    );
    let left: Vec<_> = app.approvals().drafts().iter().map(|d| d.id).collect();
    assert_eq!(left, vec![draft_id(2), draft_id(3)]);

    // Deciding a draft twice: the daemon's error shows in its words.
    send(&h, vec![Action::Approve(draft_id(1))]);
    let up = h
        .until("refused", |u| matches!(u, Update::DraftFailed { .. }))
        .await;
    app.apply(up);
    assert!(
        notice(&app).contains("Could not approve the draft: draft"),
        "{}",
        notice(&app)
    );

    // The refresh lists what the daemon has left.
    let up = h
        .until(
            "refreshed drafts",
            |u| matches!(u, Update::Approvals(Ok(list)) if list.len() == 2),
        )
        .await;
    app.apply(up);
    assert_eq!(app.approvals().drafts().len(), 2);

    // Closed, the inbox is not listed any more.
    send(&h, press(&mut app, KeyCode::Esc));
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    while h.updates.try_recv().is_ok() {}
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    while let Ok(u) = h.updates.try_recv() {
        assert!(!matches!(u, Update::Approvals(_)), "listed after closing");
    }

    // Offline, edits and decisions are refused at once.
    stop(server).await;
    h.until("disconnected", |u| matches!(u, Update::Disconnected { .. }))
        .await;
    h.actions.send(Action::Approve(draft_id(2))).unwrap();
    let got = h
        .until("offline", |u| matches!(u, Update::DraftFailed { .. }))
        .await;
    assert!(
        matches!(&got, Update::DraftFailed { error, .. } if error.contains("not connected")),
        "{got:?}"
    );
    h.worker.abort();
}
