//! The usage view: frames on `TestBackend` compared with the `.snap` files
//! in `snapshots/` (a budget near its cap, no usage yet, a daemon error),
//! and a round trip through the network worker to the fake `procurad`.

use chrono::{DateTime, NaiveDate};
use crossterm::event::KeyCode;
use insta::assert_snapshot;
use procura_common::usage::{
    BudgetStatus, CallOutcome, OnBudgetExhausted, RateLimitStatus, UsageAggregate, UsageQuery,
    UsageReport, UsageRow,
};
use rust_decimal::Decimal;

use super::App;
use super::msg::{Action, Update};
use super::network_tests::{Harness, TempSocket, running_fake, start, stop};
use super::snapshot_tests::{HOSTILE, assert_clean, frame};
use super::test_support::*;

fn sums(
    key: &str,
    label: Option<&str>,
    calls: i64,
    tokens: (i64, i64),
    cents: i64,
) -> UsageAggregate {
    UsageAggregate {
        key: key.into(),
        label: label.map(Into::into),
        currency: "USD".into(),
        calls,
        errors: 0,
        refused: 0,
        tokens_in: tokens.0,
        tokens_out: tokens.1,
        cost: Decimal::new(cents, 2),
        unpriced: 0,
    }
}

fn budget(cap: Option<i64>, spent_cents: i64) -> BudgetStatus {
    let cap = cap.map(|c| Decimal::new(c, 0));
    let spent = Decimal::new(spent_cents, 2);
    BudgetStatus {
        month: NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(),
        currency: "USD".into(),
        cap,
        spent,
        remaining: cap.map(|c| (c - spent).max(Decimal::ZERO)),
        exhausted: cap.is_some_and(|c| spent >= c),
        on_exhausted: OnBudgetExhausted::Offline,
        unconverted: vec![],
    }
}

/// Three days of calls, 46.00 of a 50.00 USD cap spent.
pub(super) fn near_the_cap() -> UsageReport {
    let day = |d| format!("2025-01-0{d}");
    let mut by_day = vec![
        sums(&day(2), None, 41, (512_000, 24_000), 1830),
        sums(&day(1), None, 96, (1_230_000, 51_000), 2770),
    ];
    by_day[0].refused = 3;
    UsageReport {
        query: UsageQuery::default(),
        rows: vec![UsageRow {
            id: 137,
            at: DateTime::from_timestamp(1_735_819_000, 0).unwrap(),
            day: NaiveDate::from_ymd_opt(2025, 1, 2).unwrap(),
            job: Some(id(1)),
            service: "openai-compatible".into(),
            task: "plan".into(),
            model: "gpt-4o-mini".into(),
            tokens_in: 1200,
            tokens_out: 80,
            cost: Some(Decimal::new(23, 5)),
            currency: "USD".into(),
            outcome: CallOutcome::Ok,
        }],
        truncated: false,
        totals: vec![sums("total", None, 137, (1_742_000, 75_000), 4600)],
        by_day,
        by_service: vec![
            sums("openai-compatible", None, 120, (1_700_000, 75_000), 4590),
            sums("embeddings", None, 17, (42_000, 0), 10),
        ],
        by_model: vec![
            sums("gpt-4o", None, 30, (900_000, 40_000), 3900),
            sums("gpt-4o-mini", None, 90, (800_000, 35_000), 690),
            sums("text-embedding-3-small", None, 17, (42_000, 0), 10),
        ],
        by_job: vec![
            sums(
                &id(1).to_string(),
                Some("12 ergonomic office chairs under $300 each"),
                80,
                (1_100_000, 50_000),
                3100,
            ),
            sums(
                &id(3).to_string(),
                Some("500 boxes of A4 printer paper, 80gsm"),
                40,
                (600_000, 25_000),
                1490,
            ),
            sums("", None, 17, (42_000, 0), 10),
        ],
        budget: budget(Some(50), 4600),
        rate_limit: RateLimitStatus {
            requests_per_minute: Some(60),
            available: Some(57.4),
        },
    }
}

fn nothing_yet() -> UsageReport {
    UsageReport {
        query: UsageQuery::default(),
        rows: vec![],
        truncated: false,
        totals: vec![],
        by_day: vec![],
        by_service: vec![],
        by_model: vec![],
        by_job: vec![],
        budget: budget(None, 0),
        rate_limit: RateLimitStatus {
            requests_per_minute: None,
            available: None,
        },
    }
}

/// The usage view opened from the jobs list, `result` arrived.
fn usage_app(result: Result<UsageReport, String>) -> App {
    let mut a = connected_app(true);
    assert_eq!(
        press(&mut a, KeyCode::Char('u')),
        vec![Action::Usage(UsageQuery::default())]
    );
    a.apply(Update::Usage(result.map(Box::new)));
    a
}

#[test]
fn usage_with_the_budget_near_the_cap() {
    let a = usage_app(Ok(near_the_cap()));
    let screen = frame(&a, 80, 24);
    for text in [
        "Model usage · budget for January 2025",
        "46.00 of 50.00 USD (92%)",
        "4.00 USD left",
        "Rate: 60 calls/min, 57 free now",
        "By day",
        "2025-01-02",
        "By service",
        "openai-compatible",
        "By model",
        "gpt-4o-mini",
        "By job",
        "(no job)",
    ] {
        assert!(screen.contains(text), "{text} in\n{screen}");
    }
    assert_snapshot!(screen);
}

#[test]
fn usage_at_120x40() {
    let a = usage_app(Ok(near_the_cap()));
    let screen = frame(&a, 120, 40);
    assert!(
        screen.contains("3f2a9c1f 12 ergonomic office chairs"),
        "{screen}"
    );
    assert!(screen.contains("31.00"), "{screen}");
    assert_snapshot!(screen);
}

#[test]
fn usage_with_the_budget_spent() {
    let mut report = near_the_cap();
    report.budget = budget(Some(45), 4600);
    report.budget.on_exhausted = OnBudgetExhausted::Pause;
    let a = usage_app(Ok(report));
    let screen = frame(&a, 80, 24);
    assert!(screen.contains("(100%)"), "{screen}");
    assert!(
        screen.contains("Budget spent: model calls are refused, jobs pause."),
        "{screen}"
    );
}

#[test]
fn no_usage_yet() {
    let a = usage_app(Ok(nothing_yet()));
    let screen = frame(&a, 80, 24);
    assert!(screen.contains("No model calls recorded yet"), "{screen}");
    assert!(
        screen.contains("0.00 USD spent this month; no monthly cap"),
        "{screen}"
    );
    assert!(screen.contains("no requests-per-minute limit"), "{screen}");
    assert_snapshot!(screen);
}

#[test]
fn usage_error_from_the_daemon() {
    let mut a = connected_app(true);
    press(&mut a, KeyCode::Char('u'));
    let loading = frame(&a, 80, 24);
    assert!(loading.contains("Loading the usage…"), "{loading}");
    a.apply(Update::Usage(Err(
        "procurad is unavailable: database: connection refused".into(),
    )));
    let screen = frame(&a, 80, 24);
    assert!(
        screen.contains("Could not load the usage: procurad is unavailable"),
        "{screen}"
    );
    assert_snapshot!(screen);
    // A later failure keeps the report shown and says so at the bottom.
    let mut a = usage_app(Ok(near_the_cap()));
    assert_eq!(
        press(&mut a, KeyCode::Char('r')),
        vec![Action::Usage(UsageQuery::default())]
    );
    assert!(frame(&a, 80, 24).contains("reloading…"));
    a.apply(Update::Usage(Err("deadline exceeded".into())));
    let screen = frame(&a, 80, 24);
    assert!(screen.contains("deadline exceeded"), "{screen}");
    assert!(screen.contains("46.00 of 50.00 USD"), "{screen}");
    assert!(press(&mut a, KeyCode::Esc).is_empty());
    assert_eq!(a.screen(), super::Screen::Jobs);
}

#[test]
fn help_on_the_usage_view() {
    let mut a = usage_app(Ok(nothing_yet()));
    press(&mut a, KeyCode::Char('?'));
    let screen = frame(&a, 80, 24);
    assert!(screen.contains("reload the usage"), "{screen}");
}

#[test]
fn tiny_terminals_and_hostile_text() {
    let a = usage_app(Ok(near_the_cap()));
    for (w, h) in [(20, 8), (5, 3), (40, 12), (1, 1)] {
        frame(&a, w, h);
    }
    let mut report = near_the_cap();
    report.by_model[0].key = format!("gpt{HOSTILE}");
    report.by_job[0].label = Some(HOSTILE.into());
    report.budget.currency = format!("U\u{1b}[8mSD{HOSTILE}");
    let a = usage_app(Ok(report));
    assert_clean(&frame(&a, 120, 40));
    let a = usage_app(Err(HOSTILE.into()));
    assert_clean(&frame(&a, 80, 24));
}

#[test]
fn no_colour_in_the_usage_view_when_no_color_is_on() {
    use ratatui::style::Color;
    let coloured = |a: &App| {
        let t = render(a, 100, 30);
        let buf = t.backend().buffer();
        buf.content()
            .iter()
            .filter(|c| c.fg != Color::Reset || c.bg != Color::Reset)
            .count()
    };
    let mut a = connected_app(false);
    press(&mut a, KeyCode::Char('u'));
    a.apply(Update::Usage(Ok(Box::new(near_the_cap()))));
    assert_eq!(coloured(&a), 0);
    // With colour, the gauge has some.
    assert!(coloured(&usage_app(Ok(near_the_cap()))) > 0);
}

#[tokio::test]
async fn usage_reaches_the_view_through_the_worker() {
    let tmp = TempSocket::new();
    let socket = tmp.path();
    let fake = running_fake(1..=1);
    fake.with(|s| s.usage = Some(near_the_cap()));
    let server = start(&socket, &fake);
    let mut h = Harness::start(socket.clone());
    h.until("connected", |u| matches!(u, Update::Connected(_)))
        .await;
    let mut app = connected_app(true);
    for a in press(&mut app, KeyCode::Char('u')) {
        h.actions.send(a).unwrap();
    }
    let up = h.until("usage", |u| matches!(u, Update::Usage(_))).await;
    app.apply(up);
    assert_eq!(fake.with(|s| s.usage_queries.len()), 1);
    assert!(frame(&app, 80, 24).contains("46.00 of 50.00 USD (92%)"));

    // The daemon's error reaches the view in its words.
    fake.with(|s| s.usage = None);
    for a in press(&mut app, KeyCode::Char('r')) {
        h.actions.send(a).unwrap();
    }
    let up = h
        .until("usage error", |u| matches!(u, Update::Usage(Err(_))))
        .await;
    app.apply(up);
    assert!(
        app.usage()
            .error()
            .unwrap_or("")
            .contains("database: connection refused")
    );

    // Offline, it is answered at once.
    stop(server).await;
    h.until("disconnected", |u| matches!(u, Update::Disconnected { .. }))
        .await;
    h.actions
        .send(Action::Usage(UsageQuery::default()))
        .unwrap();
    let got = h
        .until("offline usage", |u| matches!(u, Update::Usage(_)))
        .await;
    assert!(
        matches!(&got, Update::Usage(Err(e)) if e.contains("not connected")),
        "{got:?}"
    );
    h.worker.abort();
}
