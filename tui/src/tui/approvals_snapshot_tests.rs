//! The approvals inbox: frames on `TestBackend` compared with the `.snap`
//! files in `snapshots/` (the list, a draft open, the editor mid-edit, the
//! reject prompt, the daemon's refusal), and hostile text kept off the
//! screen.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use insta::assert_snapshot;
use procura_common::negotiation::{Approval, DraftedBy};

use super::App;
use super::approvals_fixtures::{draft, draft_id, drafts};
use super::components::approvals_view::Mode;
use super::msg::{Action, DraftCall, Update};
use super::snapshot_tests::{HOSTILE, assert_clean, frame};
use super::test_support::*;

/// The inbox opened from the jobs list, `drafts` listed.
pub(super) fn inbox_app(list: Vec<Approval>) -> App {
    let mut a = connected_app(true);
    assert_eq!(
        press(&mut a, KeyCode::Char('A')),
        vec![Action::WatchApprovals]
    );
    a.apply(Update::Approvals(Ok(list)));
    a
}

pub(super) fn ctrl(a: &mut App, c: char) -> Vec<Action> {
    a.handle_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

#[test]
fn approvals_inbox_with_four_drafts() {
    let mut a = inbox_app(drafts());
    press(&mut a, KeyCode::Down);
    let screen = frame(&a, 80, 24);
    for text in [
        "Procura › Approvals · 4 drafts waiting",
        "Drafts waiting for approval (4)",
        "AGE",
        "42m",
        "officeworld",
        "sales@officeworld.exa…",
        "gpt-4o-mini",
        "template",
        "(no address)",
        "› ",
        "a approve",
    ] {
        assert!(screen.contains(text), "{text} in\n{screen}");
    }
    assert_snapshot!(screen);
}

#[test]
fn a_draft_open_with_its_body() {
    let mut a = inbox_app(drafts());
    press(&mut a, KeyCode::Enter);
    assert!(matches!(a.approvals().mode(), Mode::Open));
    let screen = frame(&a, 80, 24);
    for text in [
        "Draft to officeworld",
        "To       sales@officeworld.example",
        "Subject  Quote request: 12 ergonomic office chairs",
        // The jobs list knows the job: its request is shown with the id.
        "Job      3f2a9c1f · 12 ergonomic office chairs",
        "Drafted  by template · 42m ago · awaiting approval",
        "Hello officeworld team,",
        "Best regards,",
    ] {
        assert!(screen.contains(text), "{text} in\n{screen}");
    }
    assert_snapshot!(screen);
}

#[test]
fn a_long_body_scrolls() {
    let long = Approval {
        body: (1..=40)
            .map(|n| format!("line {n}"))
            .collect::<Vec<_>>()
            .join("\n"),
        ..draft(1, "officeworld", 5)
    };
    let mut a = inbox_app(vec![long]);
    press(&mut a, KeyCode::Enter);
    let top = frame(&a, 80, 24);
    assert!(
        top.contains("lines 1–13 of 40") && top.contains("line 1 "),
        "{top}"
    );
    press(&mut a, KeyCode::PageDown);
    press(&mut a, KeyCode::Down);
    let screen = frame(&a, 80, 24);
    assert!(screen.contains("lines 15–27 of 40"), "{screen}");
    assert!(screen.contains("line 15") && !screen.contains("line 14 "));
    press(&mut a, KeyCode::End);
    assert!(frame(&a, 80, 24).contains("lines 28–40 of 40"));
    // Past the end it stops; Home goes back to the top.
    press(&mut a, KeyCode::PageDown);
    assert!(frame(&a, 80, 24).contains("lines 28–40 of 40"));
    press(&mut a, KeyCode::Home);
    assert!(frame(&a, 80, 24).contains("lines 1–13 of 40"));
}

#[test]
fn the_editor_mid_edit() {
    let mut a = inbox_app(drafts());
    press(&mut a, KeyCode::Down);
    press(&mut a, KeyCode::Char('e'));
    assert!(matches!(a.approvals().mode(), Mode::Edit(_)));
    // The subject first: q and ? are text here.
    press(&mut a, KeyCode::End);
    type_str(&mut a, " (q? 12 units)");
    press(&mut a, KeyCode::Tab);
    // Into the body: down two lines, a new sentence, a new line.
    press(&mut a, KeyCode::Down);
    press(&mut a, KeyCode::Down);
    press(&mut a, KeyCode::End);
    type_str(&mut a, " Größe B, ok.");
    press(&mut a, KeyCode::Enter);
    type_str(&mut a, "Thanks");
    let Mode::Edit(form) = a.approvals().mode() else {
        panic!("editing");
    };
    assert_eq!(form.body().cursor(), (3, 6), "after Thanks");
    let screen = frame(&a, 80, 24);
    for text in [
        "Editing the draft to bürostuhl-direkt <sales@bürostuhl-direkt.example>",
        "Subject  12 Aeron chairs: your best price? (q? 12 units)",
        "Body ─",
        "Größe B, ok.",
        "Thanks",
        "Ctrl-S save",
        "F1 help",
    ] {
        assert!(screen.contains(text), "{text} in\n{screen}");
    }
    assert_snapshot!(screen);
}

#[test]
fn the_reject_prompt() {
    let mut a = inbox_app(drafts());
    press(&mut a, KeyCode::Char('r'));
    // An empty reason is refused here, with why.
    assert!(press(&mut a, KeyCode::Enter).is_empty());
    let refused = frame(&a, 80, 24);
    assert!(refused.contains("A rejection needs a reason"), "{refused}");
    type_str(&mut a, "price is fixed by the framework contract");
    let screen = frame(&a, 80, 24);
    for text in [
        "Reject the draft to officeworld",
        "Reason  price is fixed by the framework contract",
        "It is never sent; the reason is logged.",
        "Enter reject",
    ] {
        assert!(screen.contains(text), "{text} in\n{screen}");
    }
    assert_snapshot!(screen);
}

#[test]
fn the_daemons_refusal_in_the_status_line() {
    let mut a = inbox_app(drafts());
    press(&mut a, KeyCode::Char('a'));
    let prompt = frame(&a, 80, 24);
    assert!(prompt.contains("Approve this draft?"), "{prompt}");
    assert!(
        prompt.contains("Once approved it is sent, once."),
        "{prompt}"
    );
    assert_eq!(
        press(&mut a, KeyCode::Char('y')),
        vec![Action::Approve(draft_id(1))]
    );
    a.apply(Update::DraftFailed {
        call: DraftCall::Approve,
        id: draft_id(1),
        error: "forbidden: approving a draft needs the approver role, and alice is operator".into(),
    });
    let screen = frame(&a, 80, 24);
    assert!(
        screen.contains(
            "Could not approve the draft to officeworld: forbidden: approving a draft needs"
        ),
        "{screen}"
    );
    assert_eq!(a.approvals().drafts().len(), 4, "still waiting");
    assert_snapshot!(screen);
}

#[test]
fn empty_loading_and_failed_inboxes() {
    let mut a = connected_app(true);
    press(&mut a, KeyCode::Char('A'));
    assert!(frame(&a, 80, 24).contains("Loading the drafts…"));
    a.apply(Update::Approvals(Err(
        "procurad is unavailable: database: connection refused".into(),
    )));
    let screen = frame(&a, 80, 24);
    assert!(
        screen.contains("Could not list the drafts: procurad is unavailable"),
        "{screen}"
    );
    a.apply(Update::Approvals(Ok(vec![])));
    let screen = frame(&a, 80, 24);
    assert!(
        screen.contains("No drafts waiting for approval."),
        "{screen}"
    );
    assert!(screen.contains("Approvals · 0 drafts waiting"), "{screen}");
    // A failed refresh keeps the list shown and says so at the bottom.
    a.apply(Update::Approvals(Ok(drafts())));
    a.apply(Update::Approvals(Err("deadline exceeded".into())));
    let screen = frame(&a, 80, 24);
    assert!(screen.contains("deadline exceeded") && screen.contains("paperhaus"));
}

#[test]
fn help_on_the_inbox_lists_its_keys() {
    let mut a = inbox_app(drafts());
    press(&mut a, KeyCode::Char('?'));
    let screen = frame(&a, 80, 24);
    for text in [
        "approve (asks y/n)",
        "reject with a reason",
        "edit in $EDITOR",
        "scroll the body",
        "Editing a draft",
        "save the draft",
        "subject / body",
        "cancel, draft unchanged",
        // The last of each column: nothing is cut off at 80 × 24.
        "first / last draft",
        "delete; joins lines",
    ] {
        assert!(screen.contains(text), "{text} in\n{screen}");
    }
    // And the jobs list's help names the key that opens the inbox.
    let mut a = connected_app(true);
    press(&mut a, KeyCode::Char('?'));
    assert!(frame(&a, 80, 30).contains("approvals inbox"));
    // In the editor, F1 opens it; ? is text.
    let mut a = inbox_app(drafts());
    press(&mut a, KeyCode::Char('e'));
    press(&mut a, KeyCode::Char('?'));
    assert!(!a.help_visible());
    press(&mut a, KeyCode::F(1));
    assert!(a.help_visible());
}

#[test]
fn hostile_drafts_never_reach_the_screen() {
    let hostile = Approval {
        vendor: format!("vendor{HOSTILE}"),
        to: Some(format!("a@b{HOSTILE}")),
        subject: HOSTILE.into(),
        body: format!("{HOSTILE}\n\u{1b}[1Asecond\r\nthird\u{7}"),
        drafted_by: DraftedBy::Model {
            model: format!("m{HOSTILE}"),
        },
        ..draft(1, "x", 1)
    };
    let mut a = inbox_app(vec![hostile]);
    assert_clean(&frame(&a, 80, 24));
    assert_clean(&frame(&a, 120, 40));
    press(&mut a, KeyCode::Enter);
    let open = frame(&a, 80, 24);
    assert_clean(&open);
    assert!(open.contains("second") && open.contains("third"), "{open}");
    for k in ['e', 'r', 'a'] {
        let mut b = inbox_app(a.approvals().drafts().to_vec());
        press(&mut b, KeyCode::Char(k));
        assert_clean(&frame(&b, 80, 24));
    }
    a.apply(Update::DraftFailed {
        call: DraftCall::Reject,
        id: draft_id(1),
        error: HOSTILE.into(),
    });
    assert_clean(&frame(&a, 80, 24));
    // Pasted text too.
    press(&mut a, KeyCode::Char('e'));
    press(&mut a, KeyCode::Tab);
    a.handle_paste(HOSTILE);
    assert_clean(&frame(&a, 80, 24));
}

#[test]
fn tiny_terminals_do_not_panic() {
    let a = inbox_app(drafts());
    for (w, h) in [(20, 8), (5, 3), (1, 1), (40, 12)] {
        frame(&a, w, h);
    }
    for k in ['\n', 'a', 'r', 'e'] {
        let mut b = inbox_app(drafts());
        if k == '\n' {
            press(&mut b, KeyCode::Enter);
        } else {
            press(&mut b, KeyCode::Char(k));
        }
        for (w, h) in [(20, 8), (5, 3), (1, 1), (40, 12)] {
            frame(&b, w, h);
        }
    }
}
