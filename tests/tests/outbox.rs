//! The transactional outbox through the real daemon: approved drafts go out
//! once, to the outbox folder by default or to a real SMTP server on
//! loopback (aiosmtpd). A daemon killed at every step of a delivery
//! (`PROCURA_CRASH_AT`) never sends a message twice and never loses one: a
//! restart finishes the delivery, or, where an SMTP server may already
//! hold the message, marks it unknown for a human instead of sending it
//! again.

use std::time::{Duration, Instant};

use procura_e2e::mail::{SmtpServer, read_dir_texts};
use procura_e2e::{Daemon, DaemonOptions};
use serde_json::Value;

const REQUEST: &str = "4 ergonomic office chairs under 400 EUR each by 15 Dec 2026";
/// Points a delivery passes, as `daemon/src/mail/crash.rs` names them.
const POINTS: [&str; 4] = [
    "outbox:claimed",
    "outbox:handed-over",
    "outbox:delivered",
    "outbox:recorded",
];

fn daemon(env: Vec<(String, String)>) -> Daemon {
    let mut env = env;
    env.push(("PROCURA_MAIL_LEASE_MS".into(), "1500".into()));
    env.push(("PROCURA_MAIL_RETRY_BASE_MS".into(), "300".into()));
    env.push(("PROCURA_MAIL_FROM".into(), "buyer@acme.example".into()));
    Daemon::start(DaemonOptions {
        demo: true,
        env,
        ..DaemonOptions::default()
    })
}

/// Runs a negotiating job and returns its drafts.
fn drafts(daemon: &Daemon, vendors: &str) -> Vec<Value> {
    let job = daemon.procura_json(&[
        "search",
        REQUEST,
        "--negotiate",
        "--max-vendors",
        vendors,
        "--max-results",
        "12",
        "--wait",
        "--json",
    ]);
    assert_eq!(job["status"], "succeeded", "{job}\n{}", daemon.logs());
    let drafts = daemon.procura_json(&["approvals", "--json"]);
    drafts.as_array().unwrap().clone()
}

fn approve(daemon: &Daemon, id: &str) {
    let out = daemon.procura(&["approve", id]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The outbox row of message `id`.
fn outbound(daemon: &Daemon, id: &str) -> Value {
    let all = daemon.procura_json(&["outbox", "--json"]);
    all.as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == id)
        .cloned()
        .unwrap_or_else(|| panic!("{id} is not in the outbox: {all}"))
}

/// Waits until message `id` reaches `state`.
fn wait_state(daemon: &Daemon, id: &str, state: &str) -> Value {
    let give_up = Instant::now() + Duration::from_secs(30);
    loop {
        let m = outbound(daemon, id);
        if m["state"] == state {
            return m;
        }
        assert!(
            Instant::now() < give_up,
            "{id} never became {state}: {m}\n{}",
            daemon.logs()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn with_id<'a>(texts: &'a [String], message_id: &str) -> Vec<&'a String> {
    texts
        .iter()
        .filter(|t| t.contains(&format!("Message-ID: {message_id}")))
        .collect()
}

#[test]
fn approved_mail_goes_to_the_outbox_folder_once() {
    let daemon = daemon(Vec::new());
    let drafts = drafts(&daemon, "2");
    assert_eq!(drafts.len(), 2);
    let first = drafts[0]["id"].as_str().unwrap();
    approve(&daemon, first);
    let sent = wait_state(&daemon, first, "sent");
    assert_eq!(sent["delivered_by"], "outbox");
    let folder = daemon.state_dir().join("outbox");
    let files = read_dir_texts(&folder);
    assert_eq!(files.len(), 1, "only the approved draft goes out");
    let message_id = sent["message_id"].as_str().unwrap();
    let eml = with_id(&files, message_id);
    assert_eq!(eml.len(), 1, "{files:?}");
    assert!(eml[0].contains("From: buyer@acme.example"), "{}", eml[0]);
    assert!(eml[0].contains(&format!("To: {}", drafts[0]["to"].as_str().unwrap())));
    let job = drafts[0]["job_id"].as_str().unwrap();
    let log = String::from_utf8_lossy(&daemon.procura(&["logs", job]).stdout).into_owned();
    assert!(
        log.contains(&format!("as {message_id} via outbox")),
        "{log}"
    );
}

#[test]
fn approved_mail_reaches_an_smtp_server_once_and_failures_are_retried() {
    let smtp = SmtpServer::start();
    let daemon = daemon(vec![("PROCURA_SMTP_URL".into(), smtp.url())]);
    let drafts = drafts(&daemon, "1");
    let id = drafts[0]["id"].as_str().unwrap();
    approve(&daemon, id);
    let sent = wait_state(&daemon, id, "sent");
    assert_eq!(sent["delivered_by"], "smtp");
    let received = smtp.messages();
    assert_eq!(
        with_id(&received, sent["message_id"].as_str().unwrap()).len(),
        1
    );
    assert_eq!(received.len(), 1);
    assert!(
        !daemon.state_dir().join("outbox").exists(),
        "SMTP, not the folder"
    );
}

#[test]
fn an_unreachable_server_is_retried_then_shown_with_its_error() {
    // A port nothing listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let daemon = daemon(vec![(
        "PROCURA_SMTP_URL".into(),
        format!("smtp://127.0.0.1:{port}"),
    )]);
    let drafts = drafts(&daemon, "1");
    let id = drafts[0]["id"].as_str().unwrap();
    approve(&daemon, id);
    let give_up = Instant::now() + Duration::from_secs(30);
    let retried = loop {
        let m = outbound(&daemon, id);
        if m["attempts"].as_i64().unwrap_or(0) >= 2 {
            break m;
        }
        assert!(Instant::now() < give_up, "no retry: {m}");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(
        retried["error"].as_str().unwrap().contains("SMTP"),
        "{retried}"
    );
    let table = String::from_utf8_lossy(&daemon.procura(&["outbox"]).stdout).into_owned();
    assert!(table.contains("SMTP"), "the error shows: {table}");
}

/// Kills the daemon at `point` of the first delivery, restarts it, and
/// returns the message's state afterwards with what the server got.
fn crash_at(point: &str, smtp: Option<&SmtpServer>) -> (Value, Vec<String>, Daemon) {
    let mut env = vec![("PROCURA_CRASH_AT".to_string(), point.to_string())];
    if let Some(smtp) = smtp {
        env.push(("PROCURA_SMTP_URL".into(), smtp.url()));
    }
    let mut daemon = daemon(env);
    let drafts = drafts(&daemon, "1");
    let id = drafts[0]["id"].as_str().unwrap().to_string();
    approve(&daemon, &id);
    let status = daemon.wait_for_exit(Duration::from_secs(30));
    assert!(!status.success(), "the crash at {point} happened: {status}");
    daemon.options.env.retain(|(k, _)| k != "PROCURA_CRASH_AT");
    daemon.spawn();
    let give_up = Instant::now() + Duration::from_secs(30);
    let settled = loop {
        let m = outbound(&daemon, &id);
        if m["state"] == "sent" || m["state"] == "unknown" {
            break m;
        }
        assert!(
            Instant::now() < give_up,
            "{point}: never settled: {m}\n{}",
            daemon.logs()
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    let received = match smtp {
        Some(smtp) => smtp.messages(),
        None => read_dir_texts(&daemon.state_dir().join("outbox")),
    };
    (settled, received, daemon)
}

#[test]
fn a_daemon_killed_at_any_step_writes_the_outbox_file_exactly_once() {
    for point in POINTS {
        let (settled, files, _daemon) = crash_at(point, None);
        assert_eq!(settled["state"], "sent", "{point}: {settled}");
        let message_id = settled["message_id"].as_str().unwrap();
        assert_eq!(with_id(&files, message_id).len(), 1, "{point}: {files:?}");
        assert_eq!(files.len(), 1, "{point}");
    }
}

#[test]
fn a_daemon_killed_at_any_step_never_sends_twice_nor_loses_a_message() {
    for point in POINTS {
        let smtp = SmtpServer::start();
        let (settled, received, daemon) = crash_at(point, Some(&smtp));
        let message_id = settled["message_id"].as_str().unwrap().to_string();
        let copies = with_id(&received, &message_id).len();
        assert!(copies <= 1, "{point}: sent {copies} times");
        match (point, settled["state"].as_str().unwrap()) {
            // Killed before the hand-over: certainly not sent, so the
            // restart sends it.
            ("outbox:claimed", state) => {
                assert_eq!(state, "sent", "{point}: {settled}");
                assert_eq!(copies, 1, "{point}");
            }
            // Killed after the hand-over, before the server had it: no one
            // can tell, so a human checks, finds nothing and resends it.
            ("outbox:handed-over", state) => {
                assert_eq!(state, "unknown", "{point}: {settled}");
                assert_eq!(copies, 0, "{point}");
                let id = settled["id"].as_str().unwrap();
                let out = daemon.procura(&["outbox", "resend", id]);
                assert!(
                    out.status.success(),
                    "{}",
                    String::from_utf8_lossy(&out.stderr)
                );
                wait_state(&daemon, id, "sent");
                assert_eq!(with_id(&smtp.messages(), &message_id).len(), 1, "{point}");
            }
            // The server had it, the database did not know: never resent.
            ("outbox:delivered", state) => {
                assert_eq!(state, "unknown", "{point}: {settled}");
                assert_eq!(copies, 1, "{point}");
                let error = settled["error"].as_str().unwrap();
                assert!(error.contains("may have gone out"), "{error}");
                let id = settled["id"].as_str().unwrap();
                let out = daemon.procura(&["outbox", "mark-sent", id]);
                assert!(
                    out.status.success(),
                    "{}",
                    String::from_utf8_lossy(&out.stderr)
                );
                assert_eq!(outbound(&daemon, id)["state"], "sent");
            }
            ("outbox:recorded", state) => {
                assert_eq!(state, "sent", "{point}: {settled}");
                assert_eq!(copies, 1, "{point}");
            }
            (other, state) => panic!("{other}: {state}"),
        }
    }
}
