//! `kill -9` of the daemon in the middle of a job: a new daemon resumes it
//! from its last checkpoint and it finishes exactly once, with no log seq
//! or step twice.

use std::collections::HashSet;
use std::time::Duration;

use procura_common::job::{JobStatus, SubmitSearch};
use procura_common::transport::context_with_timeout;
use procura_e2e::{Daemon, DaemonOptions, all_logs, job, wait_for};

const REQUEST: &str = "20 ergonomic office chairs with mesh back under $300 each, \
                       delivered by 2027-01-15, not from Amazon";

#[tokio::test(flavor = "multi_thread")]
async fn a_killed_daemons_job_finishes_exactly_once_on_the_next() {
    let mut daemon = Daemon::start(DaemonOptions {
        workers: 1,
        lease_ms: 1_000,
        step_delay_ms: 150,
        ..DaemonOptions::default()
    });
    // Kill at different depths into the job: before any plan step, in the
    // middle of the plan, and late in it.
    for kill_after_entries in [1_i64, 3, 6] {
        let client = daemon.client().await;
        let id = client
            .submit_search(
                context_with_timeout(Duration::from_secs(10)),
                SubmitSearch::new(REQUEST),
            )
            .await
            .unwrap()
            .unwrap()
            .id;
        wait_for("the job to be under way", Duration::from_secs(30), || {
            let client = client.clone();
            async move {
                let j = job(&client, id).await;
                (j.status == JobStatus::Running && j.log_entries >= kill_after_entries)
                    .then_some(())
            }
        })
        .await;
        let before = job(&client, id).await;
        assert_eq!(
            before.status,
            JobStatus::Running,
            "killed too late to test anything"
        );
        daemon.kill9();
        daemon.spawn();

        let client = daemon.client().await;
        let done = wait_for(
            "the job to end on the new daemon",
            Duration::from_secs(60),
            || {
                let client = client.clone();
                async move {
                    let j = job(&client, id).await;
                    j.status.is_terminal().then_some(j)
                }
            },
        )
        .await;
        assert_eq!(
            done.status,
            JobStatus::Succeeded,
            "{done:?}\n{}",
            daemon.logs()
        );
        assert_eq!(done.attempts, 2, "claimed once per daemon");
        assert_eq!(done.spec.as_ref().and_then(|s| s.quantity), Some(20));

        let logs = all_logs(&client, id).await;
        let seqs: Vec<i64> = logs.iter().map(|e| e.seq).collect();
        let expected: Vec<i64> = (1..=logs.len() as i64).collect();
        assert_eq!(seqs, expected, "seqs are dense and unique");
        assert_eq!(done.log_entries, logs.len() as i64);

        let finished = logs.iter().filter(|e| e.message == "job succeeded").count();
        assert_eq!(finished, 1, "finished exactly once");
        let claims: Vec<_> = logs
            .iter()
            .filter(|e| e.message.starts_with("claimed by"))
            .collect();
        assert_eq!(claims.len(), 2, "{claims:?}");
        assert!(
            claims[1].message.contains("attempt 2"),
            "{}",
            claims[1].message
        );

        // Each plan step appears once even though the plan ran twice.
        let plan: Vec<&str> = logs
            .iter()
            .filter(|e| e.node == "plan")
            .map(|e| e.message.as_str())
            .collect();
        let unique: HashSet<&str> = plan.iter().copied().collect();
        assert_eq!(
            plan.len(),
            unique.len(),
            "a plan step was logged twice: {plan:#?}"
        );
        assert!(
            plan.iter().any(|m| m.starts_with("plan ready")),
            "{plan:#?}"
        );
        assert_eq!(plan.iter().filter(|m| **m == "plan done").count(), 1);
    }
}
