//! Find and the shortlist end to end: keys in the app, the action through
//! the network worker, a real tarpc round trip to the fake `procurad` of
//! [`super::network_tests`], and the answer drawn in the view.

use crossterm::event::KeyCode;

use super::App;
use super::msg::{Action, Update};
use super::network_tests::{Harness, TempSocket, running_fake, start, stop};
use super::rank_fixtures::{found_chairs, shortlist};
use super::snapshot_tests::frame;
use super::test_support::*;

/// Sends the app's actions to the worker and applies the first update
/// `pred` accepts.
async fn round_trip(
    h: &mut Harness,
    app: &mut App,
    actions: Vec<Action>,
    what: &str,
    pred: impl FnMut(&Update) -> bool,
) {
    assert!(!actions.is_empty(), "no action for {what}");
    for a in actions {
        h.actions.send(a).unwrap();
    }
    let up = h.until(what, pred).await;
    app.apply(up);
}

#[tokio::test]
async fn find_and_shortlist_answers_reach_their_views() {
    let tmp = TempSocket::new();
    let socket = tmp.path();
    let fake = running_fake(1..=1);
    fake.with(|s| {
        s.found = found_chairs();
        s.shortlists.push(shortlist());
    });
    let server = start(&socket, &fake);
    let mut h = Harness::start(socket.clone());
    h.until("connected", |u| matches!(u, Update::Connected(_)))
        .await;
    let mut app = connected_app(true);

    // Find, filtered by vendor on the daemon's side.
    press(&mut app, KeyCode::Char('/'));
    type_str(&mut app, "mesh chair vendor:thames cur:EUR limit:10");
    let sent = press(&mut app, KeyCode::Enter);
    round_trip(&mut h, &mut app, sent, "found", |u| {
        matches!(u, Update::Found { .. })
    })
    .await;
    let asked = fake.with(|s| s.find_requests.last().cloned()).unwrap();
    assert_eq!(asked.text, "mesh chair");
    assert_eq!(asked.vendors, vec!["thames"]);
    assert_eq!((asked.currency.as_deref(), asked.limit), (Some("EUR"), 10));
    assert_eq!(app.find().results().len(), 1);
    let screen = frame(&app, 80, 24);
    assert!(screen.contains("1 result for “mesh chair"), "{screen}");
    assert!(screen.contains("ErgoPro Mesh Task Chair"), "{screen}");
    assert!(screen.contains("180.00 EUR"), "{screen}");

    // The daemon refuses a currency: its words are in the view.
    for _ in 0..30 {
        press(&mut app, KeyCode::Backspace);
    }
    type_str(&mut app, "chair cur:XYZ");
    let sent = press(&mut app, KeyCode::Enter);
    round_trip(&mut h, &mut app, sent, "refusal", |u| {
        matches!(u, Update::Found { result: Err(_), .. })
    })
    .await;
    let screen = frame(&app, 80, 24);
    assert!(
        screen.contains("Find failed: invalid request: no exchange rate for XYZ"),
        "{screen}"
    );

    // The chairs job's shortlist, from its row in the jobs list.
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Down);
    let sent = press(&mut app, KeyCode::Char('S'));
    round_trip(&mut h, &mut app, sent, "shortlist", |u| {
        matches!(u, Update::Shortlist { .. })
    })
    .await;
    assert_eq!(app.shortlist().list().map(|l| l.entries.len()), Some(8));
    let screen = frame(&app, 80, 24);
    assert!(screen.contains("Excluded (3)"), "{screen}");
    assert!(screen.contains("Why #1"), "{screen}");
    press(&mut app, KeyCode::Tab);
    let screen = frame(&app, 80, 24);
    assert!(screen.contains("★ cheapest"), "{screen}");

    // A job the daemon has no shortlist for.
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Down);
    let sent = press(&mut app, KeyCode::Char('S'));
    round_trip(&mut h, &mut app, sent, "not found", |u| {
        matches!(u, Update::Shortlist { .. })
    })
    .await;
    let screen = frame(&app, 80, 24);
    assert!(
        screen.contains("Could not load the shortlist: job 3f2a9c21"),
        "{screen}"
    );
    let error = app.shortlist().error().unwrap_or("");
    assert!(error.ends_with("not found"), "{error}");

    // Offline, both are answered at once.
    stop(server).await;
    h.until("disconnected", |u| matches!(u, Update::Disconnected { .. }))
        .await;
    let sent = press(&mut app, KeyCode::Char('r'));
    round_trip(&mut h, &mut app, sent, "offline shortlist", |u| {
        matches!(u, Update::Shortlist { .. })
    })
    .await;
    assert!(
        app.shortlist()
            .error()
            .unwrap_or("")
            .contains("not connected")
    );
    h.actions
        .send(Action::Find {
            seq: 99,
            request: Default::default(),
        })
        .unwrap();
    let got = h
        .until("offline find", |u| matches!(u, Update::Found { .. }))
        .await;
    assert!(
        matches!(got, Update::Found { seq: 99, result: Err(ref e) } if e.contains("not connected")),
        "{got:?}"
    );
    h.worker.abort();
}
