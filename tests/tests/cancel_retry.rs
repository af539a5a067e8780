//! Cancel stops a queued job at once and a running one at its next node
//! boundary; retry re-queues a failed or cancelled one, which resumes.

use std::time::Duration;

use procura_common::error::ApiError;
use procura_common::job::{JobStatus, SubmitSearch};
use procura_common::transport::context_with_timeout;
use procura_e2e::{Daemon, DaemonOptions, all_logs, job, wait_for, wait_until_done};

#[tokio::test(flavor = "multi_thread")]
async fn cancel_and_retry() {
    let daemon = Daemon::start(DaemonOptions {
        workers: 1,
        step_delay_ms: 150,
        ..DaemonOptions::default()
    });
    let client = daemon.client().await;
    let ctx = || context_with_timeout(Duration::from_secs(10));
    let running = client
        .submit_search(
            ctx(),
            SubmitSearch::new("8 monitor arms for 27 inch screens under £90 each"),
        )
        .await
        .unwrap()
        .unwrap()
        .id;
    let queued = client
        .submit_search(ctx(), SubmitSearch::new("a dozen whiteboard markers"))
        .await
        .unwrap()
        .unwrap()
        .id;
    wait_for("the first job to run", Duration::from_secs(30), || {
        let client = client.clone();
        async move { (job(&client, running).await.status == JobStatus::Running).then_some(()) }
    })
    .await;

    // The queued one is cancelled on the spot.
    let cancelled = client.cancel_job(ctx(), queued).await.unwrap().unwrap();
    assert_eq!(cancelled.status, JobStatus::Cancelled);

    // The running one stops at its next node boundary.
    let flagged = client.cancel_job(ctx(), running).await.unwrap().unwrap();
    assert!(flagged.cancel_requested);
    let stopped = wait_until_done(&client, running, Duration::from_secs(30)).await;
    assert_eq!(stopped.status, JobStatus::Cancelled);
    let logs = all_logs(&client, running).await;
    assert!(
        logs.iter()
            .any(|e| e.message.starts_with("cancel requested by"))
    );
    assert!(
        logs.iter()
            .any(|e| e.message == "job cancelled at a node boundary")
    );

    // Cancelling again, or something unknown, is refused with a reason.
    let again = client
        .cancel_job(ctx(), running)
        .await
        .unwrap()
        .unwrap_err();
    assert!(
        matches!(again, ApiError::Conflict(ref m) if m.contains("it is cancelled")),
        "{again}"
    );
    let unknown = client
        .cancel_job(ctx(), uuid::Uuid::new_v4())
        .await
        .unwrap()
        .unwrap_err();
    assert!(matches!(unknown, ApiError::NotFound { .. }), "{unknown}");

    // Retry: both resume and succeed; finished nodes are not run again.
    for id in [running, queued] {
        let retried = client.retry_job(ctx(), id).await.unwrap().unwrap();
        // An idle worker may have claimed it already.
        assert!(
            matches!(
                retried.status,
                JobStatus::Queued | JobStatus::Running | JobStatus::Succeeded
            ),
            "{retried:?}"
        );
        assert!(!retried.cancel_requested);
        let done = wait_until_done(&client, id, Duration::from_secs(30)).await;
        assert_eq!(done.status, JobStatus::Succeeded, "{done:?}");
        let logs = all_logs(&client, id).await;
        let plan_done = logs.iter().filter(|e| e.message == "plan done").count();
        assert_eq!(plan_done, 1, "the plan node ran to completion once");
        let seqs: Vec<i64> = logs.iter().map(|e| e.seq).collect();
        assert_eq!(seqs, (1..=logs.len() as i64).collect::<Vec<_>>());
    }
    let twice = client.retry_job(ctx(), queued).await.unwrap().unwrap_err();
    assert!(
        matches!(twice, ApiError::Conflict(ref m) if m.contains("it is succeeded")),
        "{twice}"
    );
}
