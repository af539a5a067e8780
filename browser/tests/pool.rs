//! The pool against real headless Chromium and loopback pages. Tests take turns (one
//! Chromium at a time keeps the timings meaningful on a 2-core machine); each bounds its own
//! run time once it has its turn.

mod common;

use std::future::Future;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use common::*;
use procura_browser::{BrowserConfig, BrowserPool, DriverProcess, PageCapture, Url, VisitError};

static TURN: Mutex<()> = Mutex::new(());

/// Run `body` alone, within `limit`.
fn run<F: Future<Output = ()>>(limit: Duration, body: F) {
    let _turn = TURN.lock().unwrap_or_else(PoisonError::into_inner);
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_test_writer()
        .try_init();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        tokio::time::timeout(limit, body)
            .await
            .expect("test ran past its time bound");
    });
}

struct Fixture {
    server: TestServer,
    pool: BrowserPool,
    profiles: tempfile::TempDir,
}

async fn fixture(tweak: impl FnOnce(&mut BrowserConfig)) -> Fixture {
    let server = TestServer::start().await;
    let profiles = tempfile::tempdir().expect("profile root");
    let mut config = BrowserConfig {
        sessions: 1,
        page_timeout: Duration::from_secs(3),
        command_timeout: Duration::from_secs(5),
        retries: 2,
        resolvable_hosts: Some(Vec::new()), // loopback only
        profile_root: Some(profiles.path().to_owned()),
        ..BrowserConfig::default()
    };
    tweak(&mut config);
    let pool = BrowserPool::start(config).await.expect("pool starts");
    Fixture {
        server,
        pool,
        profiles,
    }
}

fn loopback(url: &Url) -> bool {
    url.host_str() == Some("127.0.0.1")
}

async fn visit(f: &Fixture, path: &str) -> Result<PageCapture, VisitError> {
    f.pool.visit(&f.server.url(path), &loopback).await
}

#[test]
fn product_page_is_captured_with_html_title_and_full_page_png() {
    run(Duration::from_secs(30), async {
        let f = fixture(|_| {}).await;
        assert!(
            f.pool.describe().starts_with("chromium "),
            "{}",
            f.pool.describe()
        );
        assert!(
            f.pool.describe().ends_with("via chromedriver (1 session)"),
            "{}",
            f.pool.describe()
        );
        let page = visit(&f, "/product").await.expect("visit");
        assert_eq!(page.title, "Ergo Chair 3000");
        assert!(
            page.html.starts_with("<!DOCTYPE html>"),
            "{}",
            &page.html[..60]
        );
        assert!(page.html.contains(r#"<p class="price">$249.00</p>"#));
        assert!(page.html.contains(r#"<p id="end">end of page</p>"#));
        assert!(!page.truncated && !page.stopped_early && page.full_page);
        assert_eq!(page.attempts, 1);
        assert!(
            png_height(&page.screenshot_png) > 3000,
            "not full page: {}",
            png_height(&page.screenshot_png)
        );
        assert_eq!(page.final_url, page.requested_url);

        // A redirect inside the allowed hosts is followed, and the final URL reported.
        let page = visit(&f, "/to-product").await.expect("visit");
        assert_eq!(page.final_url.path(), "/product");
        assert_eq!(page.requested_url.path(), "/to-product");
        f.pool.shutdown().await;
    });
}

#[test]
fn redirect_to_a_host_that_is_not_allowed_is_an_error_naming_it() {
    run(Duration::from_secs(20), async {
        let f = fixture(|_| {}).await;
        let err = visit(&f, "/to-metadata")
            .await
            .expect_err("must be refused");
        match &err {
            VisitError::RedirectedOutside { final_url, .. } => {
                assert!(
                    final_url.starts_with("http://169.254.169.254/"),
                    "{final_url}"
                )
            }
            other => panic!("wrong error: {other}"),
        }
        assert!(err.to_string().contains("169.254.169.254"), "{err}");
        // Refused before any browser work: not http(s), or not allowed by the caller.
        let err = f
            .pool
            .visit("file:///etc/passwd", &|_: &Url| true)
            .await
            .expect_err("file://");
        assert!(matches!(err, VisitError::NotAllowed { .. }), "{err}");
        let err = f
            .pool
            .visit("http://localhost:1/", &loopback)
            .await
            .expect_err("not allowed");
        assert!(
            err.to_string().contains("localhost is not allowed"),
            "{err}"
        );
        // The pool is still fine.
        visit(&f, "/product").await.expect("visit after refusals");
        f.pool.shutdown().await;
    });
}

#[test]
fn third_party_fonts_scripts_and_trackers_do_not_slow_the_visit() {
    run(Duration::from_secs(20), async {
        let f = fixture(|_| {}).await;
        let page = visit(&f, "/third-party").await.expect("visit");
        assert_eq!(page.title, "Shop with junk");
        assert!(page.html.contains("EUR 12.50"));
        assert!(
            !page.stopped_early,
            "third-party requests held the page until the budget ran out"
        );
        assert!(
            page.elapsed < Duration::from_millis(2500),
            "took {:?}",
            page.elapsed
        );
        let never: Vec<_> = f
            .server
            .requests()
            .into_iter()
            .filter(|p| p.starts_with("/never/"))
            .collect();
        assert!(never.is_empty(), "blocked patterns were fetched: {never:?}");
        f.pool.shutdown().await;
    });
}

#[test]
fn a_page_that_never_finishes_is_cut_at_the_budget_and_captured() {
    run(Duration::from_secs(25), async {
        let f = fixture(|_| {}).await;
        let started = Instant::now();
        let page = visit(&f, "/stall")
            .await
            .expect("partial page is still a capture");
        assert!(page.stopped_early);
        assert!(page.html.contains("partial product"), "{}", page.html);
        assert_eq!(page.title, "stalled");
        assert!(!page.screenshot_png.is_empty());
        assert!(
            started.elapsed() < Duration::from_secs(8),
            "took {:?}",
            started.elapsed()
        );
        // The session is still usable, without a restart.
        let page = visit(&f, "/product").await.expect("next visit");
        assert_eq!(page.attempts, 1);
        assert_eq!(f.pool.restarts(), 0);
        f.pool.shutdown().await;
    });
}

#[test]
fn a_hung_renderer_is_killed_retried_a_bounded_number_of_times_and_replaced() {
    run(Duration::from_secs(60), async {
        let f = fixture(|c| c.retries = 1).await;
        let started = Instant::now();
        let err = visit(&f, "/spin")
            .await
            .expect_err("while(true) cannot be captured");
        match &err {
            VisitError::BrowserFailed { attempts, .. } => assert_eq!(*attempts, 2),
            other => panic!("wrong error: {other}"),
        }
        assert!(err.to_string().contains("/spin"), "{err}");
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "took {:?}",
            started.elapsed()
        );
        assert_eq!(f.pool.restarts(), 2);
        let page = visit(&f, "/product").await.expect("the pool recovered");
        assert_eq!(page.title, "Ergo Chair 3000");
        assert_eq!(
            chromium_pids(f.profiles.path()).len(),
            1,
            "hung browsers were not killed"
        );
        f.pool.shutdown().await;
    });
}

#[test]
fn javascript_dialogs_are_dismissed_and_the_visit_returns() {
    run(Duration::from_secs(20), async {
        let f = fixture(|_| {}).await;
        let page = visit(&f, "/alerts").await.expect("visit");
        assert_eq!(page.title, "alerts");
        assert!(page.html.contains("content after the dialogs"));
        assert!(!page.stopped_early);
        // Leaving the page (onbeforeunload) does not block the next visit either.
        let page = visit(&f, "/product").await.expect("next visit");
        assert_eq!(page.attempts, 1);
        f.pool.shutdown().await;
    });
}

#[test]
fn a_50_mb_page_is_capped_and_marked_truncated() {
    run(Duration::from_secs(60), async {
        let f = fixture(|c| {
            c.page_timeout = Duration::from_secs(15);
            c.max_page_bytes = 1024 * 1024;
        })
        .await;
        let page = visit(&f, "/huge").await.expect("visit");
        assert!(page.truncated);
        assert!(page.html.len() <= 1024 * 1024, "{} bytes", page.html.len());
        assert!(page.html.len() > 1000 * 1024, "{} bytes", page.html.len());
        assert!(
            page.html
                .starts_with("<!DOCTYPE html><html><head><title>huge</title>")
        );
        assert!(png_height(&page.screenshot_png) <= 16384);
        f.pool.shutdown().await;
    });
}

#[test]
fn downloads_are_refused() {
    run(Duration::from_secs(20), async {
        let f = fixture(|_| {}).await;
        let err = visit(&f, "/download")
            .await
            .expect_err("a download is no page");
        assert!(matches!(err, VisitError::NoDocument { .. }), "{err}");
        // After a page, the previous document must not pass for the download.
        visit(&f, "/product").await.expect("a page");
        let err = visit(&f, "/download")
            .await
            .expect_err("a download after a page is no page either");
        assert!(matches!(err, VisitError::NoDocument { .. }), "{err}");
        visit(&f, "/product")
            .await
            .expect("the same page again is captured");
        let files: Vec<_> = walk(f.profiles.path())
            .into_iter()
            .filter(|p| p.ends_with("prices.csv"))
            .collect();
        assert!(files.is_empty(), "downloaded: {files:?}");
        f.pool.shutdown().await;
    });
}

#[test]
fn killed_chromedriver_between_visits_is_restarted_and_the_page_retried() {
    run(Duration::from_secs(30), async {
        let f = fixture(|_| {}).await;
        visit(&f, "/product").await.expect("first visit");
        let drivers = f.pool.driver_pids();
        assert_eq!(drivers.len(), 1);
        kill9(drivers[0] as i32);
        let page = visit(&f, "/product")
            .await
            .expect("visit after the driver died");
        assert_eq!(page.attempts, 2);
        assert_eq!(f.pool.restarts(), 1);
        assert_ne!(f.pool.driver_pids(), drivers);
        // The orphaned Chromium of the dead driver was killed with its process group.
        assert_eq!(chromium_pids(f.profiles.path()).len(), 1);
        f.pool.shutdown().await;
    });
}

#[test]
fn chromium_killed_during_a_visit_is_replaced_and_the_page_retried() {
    run(Duration::from_secs(30), async {
        let f = fixture(|_| {}).await;
        let browsers = chromium_pids(f.profiles.path());
        assert_eq!(browsers.len(), 1);
        let killer = async {
            tokio::time::sleep(Duration::from_millis(800)).await;
            kill9(browsers[0]);
        };
        let (page, ()) = tokio::join!(visit(&f, "/slow"), killer);
        let page = page.expect("visit survives the crash");
        assert_eq!(page.title, "Ergo Chair 3000");
        assert_eq!(page.attempts, 2);
        assert_eq!(f.pool.restarts(), 1);
        let slow = f.server.requests().iter().filter(|p| *p == "/slow").count();
        assert_eq!(slow, 2, "the page was not fetched again");
        f.pool.shutdown().await;
    });
}

#[test]
fn sessions_are_bounded_and_shutdown_kills_every_process() {
    run(Duration::from_secs(40), async {
        let f = fixture(|c| c.sessions = 2).await;
        assert!(f.pool.describe().ends_with("(2 sessions)"));
        assert_eq!(chromium_pids(f.profiles.path()).len(), 2);
        let visits = (0..6).map(|_| visit(&f, "/slow"));
        let started = Instant::now();
        let pages = futures::future::join_all(visits).await;
        assert!(pages.iter().all(|p| p.is_ok()));
        // Six 2.5 s pages on two sessions take three rounds, not one and not six.
        let took = started.elapsed();
        assert!(
            took >= Duration::from_millis(7400) && took < Duration::from_secs(14),
            "took {took:?}"
        );
        assert_eq!(
            chromium_pids(f.profiles.path()).len(),
            2,
            "sessions beyond the bound"
        );
        let drivers = f.pool.driver_pids();
        let profiles = f.profiles.path().to_owned();
        f.pool.shutdown().await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert!(
            drivers.iter().all(|pid| !alive(*pid as i32)),
            "chromedriver left running"
        );
        assert!(chromium_pids(&profiles).is_empty(), "chromium left running");
        assert!(walk(&profiles).is_empty(), "profiles left behind");
    });
}

#[test]
fn a_remote_webdriver_endpoint_replaces_the_local_driver() {
    run(Duration::from_secs(30), async {
        let server = TestServer::start().await;
        let grid = DriverProcess::start("/usr/bin/chromedriver".as_ref())
            .await
            .expect("stand-in grid");
        let config = BrowserConfig {
            sessions: 1,
            remote_webdriver: Some(grid.url()),
            chromedriver: "/nonexistent".into(),
            chromium: "/nonexistent".into(),
            ..BrowserConfig::default()
        };
        let pool = BrowserPool::start(config)
            .await
            .expect("pool on the remote endpoint");
        assert!(
            pool.describe()
                .contains(&format!("via remote WebDriver {}", grid.url())),
            "{}",
            pool.describe()
        );
        assert!(pool.driver_pids().is_empty());
        let page = pool
            .visit(&server.url("/product"), &loopback)
            .await
            .expect("visit");
        assert_eq!(page.title, "Ergo Chair 3000");
        pool.shutdown().await;
    });
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}
