//! The live log: a follower that loses the daemon mid-job reconnects and
//! resumes by seq, seeing every entry exactly once; the long poll returns at
//! once when there is something, and on time when there is not.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use procura_common::job::{JobStatus, SubmitSearch};
use procura_common::transport::context_with_timeout;
use procura_e2e::{Daemon, DaemonOptions, binary, job, wait_for, wait_until_done};

#[tokio::test(flavor = "multi_thread")]
async fn a_follower_sees_every_entry_once_across_a_daemon_restart() {
    let mut daemon = Daemon::start(DaemonOptions {
        workers: 1,
        step_delay_ms: 120,
        ..DaemonOptions::default()
    });
    let client = daemon.client().await;
    let id = client
        .submit_search(
            context_with_timeout(Duration::from_secs(10)),
            SubmitSearch::new("12 27 inch 4K monitors with USB-C under 400 EUR each by 2027-02-01"),
        )
        .await
        .unwrap()
        .unwrap()
        .id;

    let mut follower = Command::new(binary("procura"))
        .args(["logs", &id.to_string(), "--follow", "--json"])
        .env("PROCURA_SOCKET", daemon.socket())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = follower.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        BufReader::new(stdout)
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(&l.unwrap()).unwrap())
            .collect::<Vec<_>>()
    });

    wait_for("a few entries", Duration::from_secs(30), || {
        let client = client.clone();
        async move { (job(&client, id).await.log_entries >= 3).then_some(()) }
    })
    .await;
    // A clean stop hands the job back to the queue; the new daemon resumes it.
    assert!(daemon.stop().success(), "{}", daemon.logs());
    daemon.spawn();

    let status = follower.wait().unwrap();
    let lines = reader.join().unwrap();
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut follower.stderr.take().unwrap(), &mut stderr).unwrap();
    assert!(status.success(), "follower failed: {stderr}");
    assert!(
        stderr.contains("reconnecting"),
        "the follower did lose the daemon: {stderr}"
    );

    let client = daemon.client().await;
    let done = job(&client, id).await;
    assert_eq!(done.status, JobStatus::Succeeded);
    let seqs: Vec<i64> = lines.iter().map(|l| l["seq"].as_i64().unwrap()).collect();
    let expected: Vec<i64> = (1..=done.log_entries).collect();
    assert_eq!(seqs, expected, "every entry exactly once, in order");
    let messages: Vec<&str> = lines
        .iter()
        .map(|l| l["message"].as_str().unwrap())
        .collect();
    assert!(
        messages.iter().any(|m| m.contains("returned to the queue")),
        "{messages:#?}"
    );
    assert_eq!(messages.last(), Some(&"job succeeded"));
}

#[tokio::test(flavor = "multi_thread")]
async fn the_long_poll_returns_at_once_on_news_and_on_time_without() {
    let daemon = Daemon::start(DaemonOptions {
        workers: 1,
        step_delay_ms: 300,
        ..DaemonOptions::default()
    });
    let client = daemon.client().await;
    let ctx = || context_with_timeout(Duration::from_secs(30));
    let id = client
        .submit_search(ctx(), SubmitSearch::new("3 laptops with 16GB RAM"))
        .await
        .unwrap()
        .unwrap()
        .id;
    // Waits for the first entry, then returns it without waiting out max_wait.
    let started = Instant::now();
    let first = client
        .watch_job(ctx(), id, 0, 20_000)
        .await
        .unwrap()
        .unwrap();
    assert!(!first.entries.is_empty());
    assert!(started.elapsed() < Duration::from_secs(10));
    let last = first.entries.last().unwrap().seq;
    // The next call blocks until the next step (~300 ms later), not 20 s.
    let started = Instant::now();
    let next = client
        .watch_job(ctx(), id, last, 20_000)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(next.entries.first().map(|e| e.seq), Some(last + 1));
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );

    let done = wait_until_done(&client, id, Duration::from_secs(30)).await;
    // Nothing newer and the job is over: an immediate, empty, final batch.
    let started = Instant::now();
    let fin = client
        .watch_job(ctx(), id, done.log_entries, 20_000)
        .await
        .unwrap()
        .unwrap();
    assert!(fin.is_final());
    assert!(started.elapsed() < Duration::from_secs(2));

    // A job that is still queued: nothing arrives, so max_wait is honoured.
    let blocker = client
        .submit_search(
            ctx(),
            SubmitSearch::new("office chairs with a deliberately long plan"),
        )
        .await
        .unwrap()
        .unwrap()
        .id;
    let queued = client
        .submit_search(ctx(), SubmitSearch::new("desk lamps"))
        .await
        .unwrap()
        .unwrap()
        .id;
    let _ = blocker;
    let started = Instant::now();
    let quiet = client
        .watch_job(ctx(), queued, 10_000, 700)
        .await
        .unwrap()
        .unwrap();
    let waited = started.elapsed();
    assert!(quiet.entries.is_empty());
    assert!(
        waited >= Duration::from_millis(650) && waited < Duration::from_secs(5),
        "{waited:?}"
    );
}
