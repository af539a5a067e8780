//! The network worker's products and screenshots, against the fake
//! `procurad` of [`super::network_tests`].

use std::time::Duration;

use procura_common::job::JobStatus;

use super::msg::{Action, Update};
use super::network_tests::{Fake, Harness, TempSocket, config, running_fake, start, stop};
use super::test_support::{chair_products, id, product_id};

/// How many times the worker listed products so far.
fn product_calls(fake: &Fake) -> usize {
    fake.with(|s| s.product_calls.len())
}

/// Waits (5 s at most) until the worker has listed products `n` times.
async fn until_calls(fake: &Fake, n: usize) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while product_calls(fake) < n {
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for listing {n}; {} so far",
            product_calls(fake)
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn products_are_listed_on_watch_then_only_when_they_may_have_changed() {
    let tmp = TempSocket::new();
    let socket = tmp.path();
    let fake = running_fake(1..=2);
    fake.with(|s| s.products = chair_products());
    let server = start(&socket, &fake);
    // Products every 2 s while running, as in real life; refreshes every
    // 100 ms, twenty times as often.
    let mut cfg = config(socket.clone());
    cfg.products_every = Duration::from_secs(2);
    let mut h = Harness::start_with(cfg);
    h.until("connected", |u| matches!(u, Update::Connected(_)))
        .await;
    h.until("jobs", |u| matches!(u, Update::Jobs(j) if !j.is_empty()))
        .await;
    assert_eq!(product_calls(&fake), 0, "nothing watched, nothing listed");

    h.actions
        .send(Action::Watch {
            job: id(1),
            after_seq: 0,
        })
        .unwrap();
    let got = h
        .until("products", |u| matches!(u, Update::Products { .. }))
        .await;
    let Update::Products { job, result } = got else {
        unreachable!()
    };
    assert_eq!(job, id(1));
    assert_eq!(result.unwrap().len(), 7);
    // Refreshes go on; the count has not moved and 2 s have not passed.
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert_eq!(product_calls(&fake), 1, "not on every refresh");

    // The job finds one more: listed again at the next refresh.
    fake.with(|s| {
        s.jobs[0].products_found = 8;
        let mut extra = chair_products().remove(2);
        extra.id = product_id(8);
        s.products.push(extra);
    });
    let got = h
        .until(
            "more products",
            |u| matches!(u, Update::Products { result: Ok(list), .. } if list.len() == 8),
        )
        .await;
    assert!(matches!(got, Update::Products { .. }));
    assert_eq!(product_calls(&fake), 2);

    // It ends: one last listing, then none however long it stays open.
    fake.with(|s| s.jobs[0].status = JobStatus::Succeeded);
    until_calls(&fake, 3).await;
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(product_calls(&fake), 3, "a finished job is not polled");

    // Unwatched: nothing more.
    h.actions.send(Action::Unwatch).unwrap();
    fake.with(|s| s.jobs[0].products_found = 9);
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(product_calls(&fake), 3);
    stop(server).await;
    h.worker.abort();
}

#[tokio::test]
async fn a_running_job_s_products_are_listed_every_so_often() {
    let tmp = TempSocket::new();
    let socket = tmp.path();
    let fake = running_fake(1..=1);
    fake.with(|s| s.products = chair_products());
    let server = start(&socket, &fake);
    let mut h = Harness::start(socket.clone());
    h.until("connected", |u| matches!(u, Update::Connected(_)))
        .await;
    h.actions
        .send(Action::Watch {
            job: id(1),
            after_seq: 0,
        })
        .unwrap();
    h.until("products", |u| matches!(u, Update::Products { .. }))
        .await;
    // products_every is 300 ms here, refreshes every 100 ms: listed again
    // and again with no change in the count, but not at every refresh.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let calls = product_calls(&fake);
    assert!(calls <= 5, "{calls} listings in 1.1 s");
    until_calls(&fake, calls.max(2) + 1).await;
    stop(server).await;
    h.worker.abort();
}

#[tokio::test]
async fn screenshots_arrive_decoded_and_failures_as_text() {
    let tmp = TempSocket::new();
    let socket = tmp.path();
    let fake = running_fake(1..=1);
    fake.with(|s| s.products = chair_products());
    let server = start(&socket, &fake);
    let mut h = Harness::start(socket.clone());
    h.until("connected", |u| matches!(u, Update::Connected(_)))
        .await;

    h.actions.send(Action::Screenshot(product_id(1))).unwrap();
    let got = h
        .until("screenshot", |u| matches!(u, Update::Screenshot { .. }))
        .await;
    let Update::Screenshot { product, result } = got else {
        unreachable!()
    };
    assert_eq!(product, product_id(1));
    let image = result.unwrap();
    assert_eq!((image.width(), image.height()), (16, 12));

    // Product 5 has no screenshot.
    h.actions.send(Action::Screenshot(product_id(5))).unwrap();
    let got = h
        .until("refusal", |u| matches!(u, Update::Screenshot { .. }))
        .await;
    assert!(
        matches!(got, Update::Screenshot { result: Err(ref e), .. } if e.contains("not found")),
        "{got:?}"
    );
    stop(server).await;

    // Offline, a request is answered at once, not queued.
    h.until("disconnected", |u| matches!(u, Update::Disconnected { .. }))
        .await;
    h.actions.send(Action::Screenshot(product_id(1))).unwrap();
    let got = h
        .until("offline refusal", |u| {
            matches!(u, Update::Screenshot { .. })
        })
        .await;
    assert!(
        matches!(got, Update::Screenshot { result: Err(ref e), .. } if e.contains("not connected"))
    );
    assert_eq!(fake.with(|s| s.screenshot_calls.len()), 2);
    h.worker.abort();
}
