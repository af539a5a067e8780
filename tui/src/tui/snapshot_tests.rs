//! Whole frames rendered on ratatui's `TestBackend`, compared with the
//! `.snap` files in `snapshots/`.

use chrono::Duration;
use crossterm::event::KeyCode;
use insta::assert_snapshot;
use procura_common::job::{Job, JobStatus};
use procura_common::log::{LogEntry, LogLevel};
use ratatui::style::Color;

use super::msg::Update;
use super::test_support::*;

pub(super) fn frame(app: &super::App, width: u16, height: u16) -> String {
    render(app, width, height).backend().to_string()
}

#[test]
fn empty_jobs_list_while_disconnected() {
    let mut a = app(true);
    a.apply(Update::Connecting);
    a.apply(Update::Disconnected {
        reason: format!(
            "cannot connect to procurad at {SOCKET}: No such file or directory (os error 2)"
        ),
        retry_at: now() + Duration::milliseconds(1500),
    });
    assert_snapshot!(frame(&a, 80, 24));
}

#[test]
fn jobs_list_with_several_jobs() {
    let mut a = connected_app(true);
    press(&mut a, KeyCode::Down);
    assert_snapshot!(frame(&a, 80, 24));
}

#[test]
fn new_search_form_while_typing() {
    let mut a = connected_app(true);
    press(&mut a, KeyCode::Char('n'));
    type_str(
        &mut a,
        "10 standing desks under €500 each, delivered to Berlin by 1 March",
    );
    press(&mut a, KeyCode::Tab);
    type_str(&mut a, "50");
    press(&mut a, KeyCode::Tab);
    press(&mut a, KeyCode::Char(' '));
    press(&mut a, KeyCode::Tab);
    for _ in 0..6 {
        press(&mut a, KeyCode::Left);
    }
    assert_snapshot!(frame(&a, 80, 24));
}

#[test]
fn job_view_following_the_log() {
    let a = job_view_app(true, 40);
    assert!(a.job_view().pane().is_following());
    assert_snapshot!(frame(&a, 80, 24));
}

#[test]
fn job_view_following_at_120x40() {
    let a = job_view_app(true, 40);
    assert_snapshot!(frame(&a, 120, 40));
}

#[test]
fn job_view_scrolled_back_with_level_filter() {
    let mut a = job_view_app(true, 40);
    // Draw once so the pane knows its height, as the event loop would.
    render(&a, 80, 24);
    press(&mut a, KeyCode::Char('l'));
    press(&mut a, KeyCode::PageUp);
    press(&mut a, KeyCode::Up);
    // Entries that arrive meanwhile do not move the view.
    a.apply(log_update(super::test_support::id(1), 41..=45));
    assert!(!a.job_view().pane().is_following());
    assert_snapshot!(frame(&a, 80, 24));
}

#[test]
fn help_overlay() {
    let mut a = connected_app(true);
    press(&mut a, KeyCode::Char('?'));
    assert!(a.help_visible());
    assert_snapshot!(frame(&a, 80, 24));
}

fn colours(app: &super::App) -> Vec<(u16, u16, Color, Color)> {
    let t = render(app, 80, 24);
    let buf = t.backend().buffer();
    let mut out = Vec::new();
    for y in 0..24 {
        for x in 0..80 {
            let c = &buf[(x, y)];
            if c.fg != Color::Reset || c.bg != Color::Reset {
                out.push((x, y, c.fg, c.bg));
            }
        }
    }
    out
}

#[test]
fn colour_when_no_color_is_off() {
    let a = job_view_app(true, 40);
    assert!(!colours(&a).is_empty());
    assert_snapshot!(format!("{:?}", render(&a, 80, 24).backend().buffer()));
}

#[test]
fn no_colour_at_all_when_no_color_is_on() {
    let a = job_view_app(false, 40);
    assert_eq!(colours(&a), vec![]);
    // The same text as with colour: only the styles differ.
    assert_eq!(frame(&a, 80, 24), frame(&job_view_app(true, 40), 80, 24));
    assert_snapshot!(format!("{:?}", render(&a, 80, 24).backend().buffer()));
    // Every screen, not just this one.
    let mut b = connected_app(false);
    assert_eq!(colours(&b), vec![]);
    press(&mut b, KeyCode::Char('n'));
    type_str(&mut b, "x");
    assert_eq!(colours(&b), vec![]);
    press(&mut b, KeyCode::Esc);
    press(&mut b, KeyCode::Char('?'));
    assert_eq!(colours(&b), vec![]);
}

/// Text a hostile vendor page, LLM or operator could produce.
pub(super) const HOSTILE: &str = "chairs\u{1b}[2J\u{1b}[31mRED\u{1b}[0m\u{1b}]0;pwned\u{07}\u{1b}]52;c;ZXZpbA==\u{1b}\\\r\nnext\tline\u{08}\u{7f}\u{0}\u{9b}6n\u{202e}evil";

pub(super) fn assert_clean(screen: &str) {
    for (i, c) in screen.chars().enumerate() {
        assert!(
            c == '\n' || !c.is_control(),
            "control character {c:?} at {i} in\n{screen}"
        );
    }
    assert!(!screen.contains('\u{202e}'));
    assert!(!screen.contains("pwned") && !screen.contains("ZXZpbA"));
}

#[test]
fn escapes_and_control_characters_never_reach_the_screen() {
    let mut a = app(true);
    a.apply(Update::Connecting);
    a.apply(welcome());
    let hostile = Job {
        error: Some(HOSTILE.into()),
        current_node: Some(format!("node{HOSTILE}")),
        ..job(9, JobStatus::Failed, HOSTILE, 3)
    };
    a.apply(Update::Jobs(vec![hostile]));
    let list = frame(&a, 80, 24);
    assert_clean(&list);
    assert_snapshot!("hostile_jobs_list", list);

    press(&mut a, KeyCode::Enter);
    a.apply(Update::Log {
        job: id(9),
        entries: vec![LogEntry {
            seq: 1,
            ts: now(),
            level: LogLevel::Error,
            node: "ex\u{1b}[1mtract".to_string(),
            message: HOSTILE.into(),
            data: serde_json::Value::Null,
        }],
        status: JobStatus::Failed,
    });
    a.apply(Update::Error(HOSTILE.into()));
    let view = frame(&a, 80, 24);
    assert_clean(&view);
    assert_snapshot!("hostile_job_view", view);
}

#[test]
fn failed_job_while_reconnecting() {
    let mut a = connected_app(true);
    for _ in 0..3 {
        press(&mut a, KeyCode::Down);
    }
    press(&mut a, KeyCode::Enter);
    a.apply(Update::Disconnected {
        reason: "connection lost: the connection to the server was already shutdown".into(),
        retry_at: now() + Duration::milliseconds(250),
    });
    a.apply(Update::Connecting);
    assert_snapshot!(frame(&a, 80, 24));
}
