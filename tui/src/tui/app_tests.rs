//! Key handling and update folding, without a terminal or a daemon.

use chrono::Duration;
use crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use procura_common::job::{JobStatus, SubmitSearch};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tokio::sync::mpsc;

use super::app::Screen;
use super::components::status_line::ConnState;
use super::msg::{Action, ActionKind, Update};
use super::test_support::*;

fn shown_seqs(a: &super::App) -> Vec<i64> {
    a.job_view()
        .log(id(1))
        .map(|b| b.iter().map(|e| e.seq).collect())
        .unwrap_or_default()
}

#[test]
fn submit_emits_the_search_typed() {
    let mut a = connected_app(true);
    assert!(press(&mut a, KeyCode::Char('n')).is_empty());
    assert_eq!(a.screen(), Screen::NewSearch);
    type_str(&mut a, "  5 laptops, 16GB RAM, q? yes  ");
    press(&mut a, KeyCode::Tab);
    type_str(&mut a, "50");
    press(&mut a, KeyCode::Tab);
    press(&mut a, KeyCode::Char(' '));
    let actions = press(&mut a, KeyCode::Enter);
    assert_eq!(
        actions,
        vec![Action::Submit(SubmitSearch {
            request: "5 laptops, 16GB RAM, q? yes".into(),
            max_results: Some(50),
            enable_negotiation: true,
            max_vendors: None,
            sources: vec![],
        })]
    );
    assert!(a.form().is_submitting());
    // The daemon accepts it: the form empties and the new job opens.
    let new = job(42, JobStatus::Queued, "5 laptops, 16GB RAM, q? yes", 0);
    let actions = a.apply(Update::ActionDone {
        kind: ActionKind::Submit,
        job: Box::new(new),
    });
    assert_eq!(
        actions,
        vec![Action::Watch {
            job: id(42),
            after_seq: 0
        }]
    );
    assert_eq!(a.screen(), Screen::Job);
    assert_eq!(a.form().request(), "");
    assert_eq!(a.jobs().jobs()[0].id, id(42));
}

#[test]
fn submit_defaults_and_refusals() {
    let mut a = connected_app(true);
    press(&mut a, KeyCode::Char('n'));
    assert!(press(&mut a, KeyCode::Enter).is_empty(), "empty request");
    type_str(&mut a, "paper");
    assert_eq!(
        press(&mut a, KeyCode::Enter),
        vec![Action::Submit(SubmitSearch::new("paper"))]
    );
    a.apply(Update::ActionFailed {
        kind: ActionKind::Submit,
        job: None,
        error: "invalid request: too vague".into(),
    });
    assert!(!a.form().is_submitting());
    assert_eq!(a.form().request(), "paper", "the draft is kept");
    assert!(a.notice().is_some_and(|n| n.error));
}

#[test]
fn typing_q_or_question_mark_in_the_form_is_text() {
    let mut a = connected_app(true);
    press(&mut a, KeyCode::Char('n'));
    type_str(&mut a, "q?");
    assert!(!a.help_visible());
    assert_eq!(a.form().request(), "q?");
    // F1 opens help even there; Esc goes back and keeps the draft.
    press(&mut a, KeyCode::F(1));
    assert!(a.help_visible());
    press(&mut a, KeyCode::Esc);
    assert!(!a.help_visible());
    assert!(press(&mut a, KeyCode::Esc).is_empty());
    assert_eq!(a.screen(), Screen::Jobs);
    press(&mut a, KeyCode::Char('n'));
    assert_eq!(a.form().request(), "q?");
}

#[test]
fn quit_keys() {
    let mut a = connected_app(true);
    assert_eq!(press(&mut a, KeyCode::Char('q')), vec![Action::Quit]);
    press(&mut a, KeyCode::Char('n'));
    let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
    assert_eq!(a.handle_key(ctrl_c), vec![Action::Quit]);
    let release = KeyEvent {
        kind: KeyEventKind::Release,
        ..ctrl_c
    };
    assert!(a.handle_key(release).is_empty());
}

#[test]
fn help_overlay_swallows_keys() {
    let mut a = connected_app(true);
    press(&mut a, KeyCode::Char('?'));
    assert!(press(&mut a, KeyCode::Char('n')).is_empty());
    assert!(press(&mut a, KeyCode::Char('c')).is_empty());
    assert_eq!(a.screen(), Screen::Jobs);
    assert!(a.help_visible());
    press(&mut a, KeyCode::Char('?'));
    assert!(!a.help_visible());
}

#[test]
fn opening_and_leaving_a_job_watches_and_unwatches() {
    let mut a = job_view_app(true, 3);
    assert_eq!(a.screen(), Screen::Job);
    assert_eq!(press(&mut a, KeyCode::Esc), vec![Action::Unwatch]);
    assert_eq!(a.screen(), Screen::Jobs);
    // Coming back resumes after what is already here.
    assert_eq!(
        press(&mut a, KeyCode::Enter),
        vec![Action::Watch {
            job: id(1),
            after_seq: 3
        }]
    );
}

#[test]
fn scrolling_stops_follow_and_end_or_f_resumes() {
    let mut a = job_view_app(true, 40);
    assert!(a.job_view().pane().is_following());
    assert!(press(&mut a, KeyCode::Up).is_empty());
    assert!(!a.job_view().pane().is_following());
    press(&mut a, KeyCode::End);
    assert!(a.job_view().pane().is_following());
    press(&mut a, KeyCode::PageUp);
    assert!(!a.job_view().pane().is_following());
    press(&mut a, KeyCode::Char('f'));
    assert!(a.job_view().pane().is_following());
    press(&mut a, KeyCode::Home);
    assert!(!a.job_view().pane().is_following());
}

#[test]
fn reconnect_resumes_without_duplicates() {
    let mut a = job_view_app(true, 5);
    assert_eq!(shown_seqs(&a), vec![1, 2, 3, 4, 5]);
    a.apply(Update::Disconnected {
        reason: "connection lost".into(),
        retry_at: now() + Duration::seconds(1),
    });
    a.apply(Update::Connecting);
    a.apply(welcome());
    // The daemon resends 4 and 5 (a batch that crossed the disconnect).
    a.apply(log_update(id(1), 4..=8));
    assert_eq!(shown_seqs(&a), vec![1, 2, 3, 4, 5, 6, 7, 8]);
    let screen = render(&a, 80, 24).backend().to_string();
    assert_eq!(screen.matches("step 4:").count(), 1, "{screen}");
    assert_eq!(screen.matches("step 5:").count(), 1, "{screen}");
    assert_eq!(a.job_view().last_seq(id(1)), 8);
}

#[test]
fn level_and_node_filters_cycle() {
    let mut a = job_view_app(true, 40);
    press(&mut a, KeyCode::Char('l'));
    press(&mut a, KeyCode::Char('l'));
    let pane = a.job_view().pane();
    assert_eq!(pane.min_level(), procura_common::log::LogLevel::Warn);
    for node in ["plan", "search", "extract", "rank"] {
        press(&mut a, KeyCode::Char('n'));
        assert_eq!(a.job_view().pane().node_filter(), Some(node));
    }
    press(&mut a, KeyCode::Char('n'));
    assert_eq!(a.job_view().pane().node_filter(), None);
}

#[test]
fn cancel_and_retry_keys() {
    let mut a = job_view_app(true, 1);
    assert_eq!(
        press(&mut a, KeyCode::Char('c')),
        vec![Action::Cancel(id(1))]
    );
    // The chairs job is running: retry is refused locally.
    assert!(press(&mut a, KeyCode::Char('r')).is_empty());
    assert!(
        a.notice()
            .is_some_and(|n| n.error && n.text.contains("running"))
    );
    // From the list: the failed job can be retried, not cancelled.
    press(&mut a, KeyCode::Esc);
    for _ in 0..2 {
        press(&mut a, KeyCode::Down);
    }
    assert_eq!(a.jobs().selected().map(|j| j.id), Some(id(4)));
    assert!(press(&mut a, KeyCode::Char('c')).is_empty());
    assert_eq!(
        press(&mut a, KeyCode::Char('r')),
        vec![Action::Retry(id(4))]
    );
    let mut retried = several_jobs().remove(3);
    retried.status = JobStatus::Queued;
    a.apply(Update::ActionDone {
        kind: ActionKind::Retry,
        job: Box::new(retried),
    });
    assert_eq!(
        a.jobs().get(id(4)).map(|j| j.status),
        Some(JobStatus::Queued)
    );
}

#[test]
fn selection_follows_the_job_across_refreshes() {
    let mut a = connected_app(true);
    press(&mut a, KeyCode::Down);
    assert_eq!(a.jobs().selected().map(|j| j.id), Some(id(1)));
    let mut jobs = several_jobs();
    jobs.insert(0, job(6, JobStatus::Queued, "new one", 0));
    a.apply(Update::Jobs(jobs));
    assert_eq!(a.jobs().selected().map(|j| j.id), Some(id(1)));
    press(&mut a, KeyCode::End);
    assert_eq!(a.jobs().selected().map(|j| j.id), Some(id(5)));
    a.apply(Update::Jobs(vec![]));
    assert!(a.jobs().selected().is_none());
    assert!(press(&mut a, KeyCode::Enter).is_empty());
    assert!(press(&mut a, KeyCode::Char('c')).is_empty());
}

#[test]
fn connection_states() {
    let mut a = app(true);
    assert!(matches!(a.conn(), ConnState::Connecting { previous: None }));
    a.apply(Update::Disconnected {
        reason: "refused\u{1b}[31m".into(),
        retry_at: now(),
    });
    a.apply(Update::Connecting);
    assert_eq!(
        a.conn(),
        &ConnState::Connecting {
            previous: Some("refused".into())
        }
    );
    a.apply(welcome());
    assert!(matches!(a.conn(), ConnState::Connected { .. }));
    assert_eq!(a.apply(Update::Terminate), vec![Action::Quit]);
}

#[test]
fn tick_asks_for_a_redraw_once_a_second() {
    let mut a = app(true);
    assert!(!a.tick(now() + Duration::milliseconds(400)));
    assert!(a.tick(now() + Duration::milliseconds(1100)));
    assert!(!a.tick(now() + Duration::milliseconds(1300)));
}

#[tokio::test]
async fn event_loop_forwards_actions_and_quits() {
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    let mut a = app(true);
    let (ev_tx, ev_rx) = futures::channel::mpsc::unbounded::<std::io::Result<Event>>();
    let (up_tx, mut up_rx) = mpsc::unbounded_channel();
    let (act_tx, mut act_rx) = mpsc::unbounded_channel();
    up_tx.send(welcome()).unwrap();
    up_tx.send(Update::Jobs(several_jobs())).unwrap();
    let keys = [
        KeyCode::Enter,
        KeyCode::Esc,
        KeyCode::Char('q'),
        KeyCode::Char('x'),
    ];
    let run = super::event_loop(&mut terminal, &mut a, ev_rx, &mut up_rx, &act_tx, now);
    let feed = async {
        // Let the updates land before the keys.
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        for k in keys {
            ev_tx.unbounded_send(Ok(Event::Key(key(k)))).unwrap();
        }
    };
    let (result, ()) = tokio::join!(run, feed);
    result.unwrap();
    assert_eq!(
        act_rx.recv().await,
        Some(Action::Watch {
            job: id(2),
            after_seq: 0
        })
    );
    assert_eq!(act_rx.recv().await, Some(Action::Unwatch));
    assert!(act_rx.try_recv().is_err(), "nothing after quit");
    let screen = terminal.backend().to_string();
    assert!(screen.contains("connected to /run/procura/procurad.sock as alice"));
    drop(up_tx);
}

#[tokio::test]
async fn event_loop_fails_when_the_worker_stops() {
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    let mut a = app(true);
    let (_ev_tx, ev_rx) = futures::channel::mpsc::unbounded::<std::io::Result<Event>>();
    let (up_tx, mut up_rx) = mpsc::unbounded_channel::<Update>();
    let (act_tx, _act_rx) = mpsc::unbounded_channel();
    drop(up_tx);
    let err = super::event_loop(&mut terminal, &mut a, ev_rx, &mut up_rx, &act_tx, now)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("network worker stopped"));
}
