//! Many daemons on one database: 100 jobs, two daemons, and no job runs
//! twice.

use std::collections::HashMap;
use std::time::Duration;

use procura_common::job::{JobFilter, JobStatus, SubmitSearch};
use procura_common::transport::context_with_timeout;
use procura_e2e::{Daemon, DaemonOptions, all_logs, wait_for};

#[tokio::test(flavor = "multi_thread")]
async fn two_daemons_never_run_the_same_job_twice() {
    let first = Daemon::start(DaemonOptions::default());
    let second = Daemon::start(DaemonOptions {
        database_url: Some(first.database_url()),
        ..DaemonOptions::default()
    });
    let clients = [first.client().await, second.client().await];
    let status = clients[1]
        .status(context_with_timeout(Duration::from_secs(5)))
        .await
        .unwrap()
        .unwrap();
    assert!(
        status.backends.database.starts_with("postgres "),
        "{status:?}"
    );

    let mut submits = Vec::new();
    for n in 0..100 {
        let client = clients[n % 2].clone();
        submits.push(tokio::spawn(async move {
            client
                .submit_search(
                    context_with_timeout(Duration::from_secs(30)),
                    SubmitSearch::new(format!("{} usb-c docks under $150 each", n + 1)),
                )
                .await
                .unwrap()
                .unwrap()
                .id
        }));
    }
    let mut ids = Vec::new();
    for s in submits {
        ids.push(s.await.unwrap());
    }
    let client = clients[0].clone();
    let jobs = wait_for("all 100 jobs to end", Duration::from_secs(120), || {
        let client = client.clone();
        async move {
            let jobs = client
                .list_jobs(
                    context_with_timeout(Duration::from_secs(10)),
                    JobFilter {
                        status: None,
                        limit: Some(1000),
                    },
                )
                .await
                .unwrap()
                .unwrap();
            jobs.iter().all(|j| j.status.is_terminal()).then_some(jobs)
        }
    })
    .await;
    assert_eq!(jobs.len(), 100);
    let mut runs_by_daemon: HashMap<String, usize> = HashMap::new();
    for job in &jobs {
        assert_eq!(job.status, JobStatus::Succeeded, "{job:?}");
        assert_eq!(
            job.attempts, 1,
            "job {} was claimed {} times",
            job.id, job.attempts
        );
        let logs = all_logs(&client, job.id).await;
        let claims: Vec<_> = logs
            .iter()
            .filter(|e| e.message.starts_with("claimed by"))
            .collect();
        assert_eq!(claims.len(), 1, "job {} ran {} times", job.id, claims.len());
        assert_eq!(
            logs.iter().filter(|e| e.message == "job succeeded").count(),
            1
        );
        *runs_by_daemon
            .entry(claims[0].data["daemon"].as_str().unwrap().to_string())
            .or_default() += 1;
    }
    assert_eq!(runs_by_daemon.values().sum::<usize>(), 100);
    assert_eq!(
        runs_by_daemon.len(),
        2,
        "both daemons took work: {runs_by_daemon:?}"
    );
    drop(second);
}
