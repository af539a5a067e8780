//! The network worker against a fake `procurad` on a unix socket that can
//! be stopped and started again.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::StreamExt;
use procura_common::api::{DaemonStatus, Hello, Procura, Welcome};
use procura_common::error::ApiError;
use procura_common::job::{Job, JobFilter, JobId, JobStatus, SubmitSearch};
use procura_common::log::{LogEntry, WatchBatch};
use procura_common::negotiation::{
    Approval, DraftEdit, NegotiationState, OfferDecision, Outbound, OutboundAction, Thread,
};
use procura_common::product::Product;
use procura_common::rank::{FindRequest, Found, Shortlist};
use procura_common::source::Source;
use procura_common::usage::{UsageQuery, UsageReport};
use procura_common::user::{NewUser, User};
use tarpc::context::Context;
use tarpc::server::{BaseChannel, Channel};
use tokio::net::UnixListener;
use tokio::sync::mpsc::{self, UnboundedReceiver, UnboundedSender};
use tokio::task::{JoinHandle, JoinSet};

use super::msg::{Action, ActionKind, Update};
use super::network::{NetConfig, run_worker};
use super::network_negotiations_tests::FakeDeals;
use super::test_support::{
    chairs_job, daemon_status, id, log_entry, now, tiny_png_base64, welcome,
};

#[derive(Default)]
pub(super) struct State {
    pub(super) jobs: Vec<Job>,
    pub(super) log: Vec<LogEntry>,
    /// Every watch call: job and after_seq.
    pub(super) watches: Vec<(JobId, i64)>,
    pub(super) submitted: Vec<SubmitSearch>,
    pub(super) products: Vec<Product>,
    /// Every list_products call.
    pub(super) product_calls: Vec<JobId>,
    /// Every product_screenshot call.
    pub(super) screenshot_calls: Vec<uuid::Uuid>,
    pub(super) sources: Vec<Source>,
    /// What find answers, and every request it got.
    pub(super) found: Vec<Found>,
    pub(super) find_requests: Vec<FindRequest>,
    /// The shortlists there are.
    pub(super) shortlists: Vec<Shortlist>,
    /// What usage answers (an error when `None`), and every query.
    pub(super) usage: Option<UsageReport>,
    pub(super) usage_queries: Vec<UsageQuery>,
    /// The drafts in the inbox, and every decision taken on one.
    pub(super) approvals: Vec<Approval>,
    pub(super) decisions: Vec<String>,
    /// Negotiations, purchase orders and the outbox, and every call on them.
    pub(super) deals: FakeDeals,
}

#[derive(Clone, Default)]
pub(super) struct Fake(Arc<Mutex<State>>);

impl Fake {
    pub(super) fn with<T>(&self, f: impl FnOnce(&mut State) -> T) -> T {
        f(&mut self.0.lock().unwrap())
    }
}

impl Procura for Fake {
    async fn hello(self, _: Context, _hello: Hello) -> Result<Welcome, ApiError> {
        match welcome() {
            Update::Connected(w) => Ok(*w),
            _ => unreachable!(),
        }
    }

    async fn status(self, _: Context) -> Result<DaemonStatus, ApiError> {
        match daemon_status() {
            Update::Status(s) => Ok(*s),
            _ => unreachable!(),
        }
    }

    async fn submit_search(self, _: Context, search: SubmitSearch) -> Result<Job, ApiError> {
        let mut job = super::test_support::job(77, JobStatus::Queued, &search.request, 0);
        job.created_at = now();
        self.with(|s| {
            s.submitted.push(search);
            s.jobs.insert(0, job.clone());
        });
        Ok(job)
    }

    async fn list_jobs(self, _: Context, _filter: JobFilter) -> Result<Vec<Job>, ApiError> {
        Ok(self.with(|s| s.jobs.clone()))
    }

    async fn job_detail(self, _: Context, job: JobId) -> Result<Job, ApiError> {
        self.with(|s| s.jobs.iter().find(|j| j.id == job).cloned())
            .ok_or_else(|| ApiError::not_found("job", job))
    }

    async fn cancel_job(self, _: Context, job: JobId) -> Result<Job, ApiError> {
        self.set_status(job, JobStatus::Cancelled)
    }

    async fn retry_job(self, _: Context, job: JobId) -> Result<Job, ApiError> {
        self.set_status(job, JobStatus::Queued)
    }

    async fn watch_job(
        self,
        _: Context,
        job: JobId,
        after_seq: i64,
        max_wait_ms: u64,
    ) -> Result<WatchBatch, ApiError> {
        self.with(|s| s.watches.push((job, after_seq)));
        let deadline = tokio::time::Instant::now() + Duration::from_millis(max_wait_ms);
        loop {
            let (entries, status) = self.with(|s| {
                let entries: Vec<_> = s
                    .log
                    .iter()
                    .filter(|e| e.seq > after_seq)
                    .cloned()
                    .collect();
                let status = s.jobs.iter().find(|j| j.id == job).map(|j| j.status);
                (entries, status)
            });
            let status = status.ok_or_else(|| ApiError::not_found("job", job))?;
            if !entries.is_empty()
                || status.is_terminal()
                || tokio::time::Instant::now() >= deadline
            {
                return Ok(WatchBatch { entries, status });
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    async fn add_user(self, _: Context, _user: NewUser) -> Result<User, ApiError> {
        Err(ApiError::Internal("not in the fake".into()))
    }

    async fn list_users(self, _: Context) -> Result<Vec<User>, ApiError> {
        Ok(vec![])
    }

    async fn list_products(self, _: Context, job: JobId) -> Result<Vec<Product>, ApiError> {
        self.with(|s| {
            s.product_calls.push(job);
            if !s.jobs.iter().any(|j| j.id == job) {
                return Err(ApiError::not_found("job", job));
            }
            Ok(s.products
                .iter()
                .filter(|p| p.job_id == job)
                .cloned()
                .collect())
        })
    }

    async fn product_screenshot(self, _: Context, product: uuid::Uuid) -> Result<String, ApiError> {
        let known = self.with(|s| {
            s.screenshot_calls.push(product);
            s.products
                .iter()
                .any(|p| p.id == product && p.screenshot_blob.is_some())
        });
        if known {
            Ok(tiny_png_base64())
        } else {
            Err(ApiError::not_found("screenshot of product", product))
        }
    }

    /// Refuses an empty text and currencies other than EUR, GBP and USD,
    /// as the daemon would; else the stored results that pass the vendor
    /// filter, at most `limit`.
    async fn find(self, _: Context, request: FindRequest) -> Result<Vec<Found>, ApiError> {
        self.with(|s| {
            s.find_requests.push(request.clone());
            if request.text.trim().is_empty() {
                return Err(ApiError::InvalidRequest("say what to find".into()));
            }
            if let Some(c) = request
                .currency
                .as_deref()
                .filter(|c| !["EUR", "GBP", "USD"].contains(c))
            {
                return Err(ApiError::InvalidRequest(format!(
                    "no exchange rate for {c}: the rates know EUR, GBP, USD"
                )));
            }
            Ok(s.found
                .iter()
                .filter(|f| {
                    request.vendors.is_empty()
                        || request
                            .vendors
                            .iter()
                            .any(|v| f.product.vendor.eq_ignore_ascii_case(v))
                })
                .take(request.limit as usize)
                .cloned()
                .collect())
        })
    }

    async fn shortlist(self, _: Context, job: JobId) -> Result<Shortlist, ApiError> {
        self.with(|s| s.shortlists.iter().find(|l| l.job == job).cloned())
            .ok_or_else(|| ApiError::not_found("job", job))
    }

    async fn list_sources(self, _: Context) -> Result<Vec<Source>, ApiError> {
        Ok(self.with(|s| s.sources.clone()))
    }

    async fn add_source(self, _: Context, source: Source) -> Result<Source, ApiError> {
        self.with(|s| {
            s.sources.retain(|x| x.name != source.name);
            s.sources.push(source.clone());
        });
        Ok(source)
    }

    async fn remove_source(self, _: Context, name: String) -> Result<(), ApiError> {
        self.with(|s| s.sources.retain(|x| x.name != name));
        Ok(())
    }

    async fn usage(self, _: Context, query: UsageQuery) -> Result<UsageReport, ApiError> {
        self.with(|s| {
            s.usage_queries.push(query);
            s.usage
                .clone()
                .ok_or_else(|| ApiError::Unavailable("database: connection refused".into()))
        })
    }

    async fn approvals(self, _: Context, job: Option<JobId>) -> Result<Vec<Approval>, ApiError> {
        self.with(|s| {
            Ok(s.approvals
                .iter()
                .filter(|a| job.is_none_or(|j| a.job_id == j))
                .cloned()
                .collect())
        })
    }

    async fn edit_draft(self, _: Context, edit: DraftEdit) -> Result<Approval, ApiError> {
        self.with(|s| {
            s.decisions.push(format!("edit {}", edit.id));
            let a = s
                .approvals
                .iter_mut()
                .find(|a| a.id == edit.id)
                .ok_or_else(|| ApiError::not_found("draft", edit.id))?;
            a.subject = edit.subject;
            a.body = edit.body;
            Ok(a.clone())
        })
    }

    async fn approve(self, _: Context, id: uuid::Uuid) -> Result<Approval, ApiError> {
        self.decide(id, "approve", NegotiationState::Approved)
    }

    async fn reject(
        self,
        _: Context,
        id: uuid::Uuid,
        reason: String,
    ) -> Result<Approval, ApiError> {
        self.decide(id, &format!("reject {reason}"), NegotiationState::Rejected)
    }

    async fn outbox(self, _: Context) -> Result<Vec<Outbound>, ApiError> {
        self.with(|s| s.deals.outbox())
    }

    async fn resolve_outbound(
        self,
        _: Context,
        id: uuid::Uuid,
        action: OutboundAction,
    ) -> Result<Outbound, ApiError> {
        self.with(|s| s.deals.resolve(id, action))
    }

    async fn negotiations(self, _: Context, job: Option<JobId>) -> Result<Vec<Thread>, ApiError> {
        self.with(|s| s.deals.threads(job))
    }

    async fn decide_offer(
        self,
        _: Context,
        negotiation: uuid::Uuid,
        decision: OfferDecision,
    ) -> Result<Thread, ApiError> {
        self.with(|s| s.deals.decide(negotiation, decision))
    }

    async fn purchase_order_pdf(self, _: Context, id: uuid::Uuid) -> Result<String, ApiError> {
        self.with(|s| s.deals.pdf(id))
    }
}

impl Fake {
    fn decide(
        &self,
        id: uuid::Uuid,
        what: &str,
        to: NegotiationState,
    ) -> Result<Approval, ApiError> {
        self.with(|s| {
            s.decisions.push(format!("{what} {id}"));
            let at = s
                .approvals
                .iter()
                .position(|a| a.id == id)
                .ok_or_else(|| ApiError::not_found("draft", id))?;
            let mut a = s.approvals.remove(at);
            a.state = to;
            Ok(a)
        })
    }
}

impl Fake {
    fn set_status(&self, job: JobId, status: JobStatus) -> Result<Job, ApiError> {
        self.with(|s| {
            let j = s.jobs.iter_mut().find(|j| j.id == job)?;
            j.status = status;
            Some(j.clone())
        })
        .ok_or_else(|| ApiError::not_found("job", job))
    }
}

/// Serves `fake` on `path` until the handle is aborted; aborting drops
/// every connection, as a daemon restart would.
pub(super) fn start(path: &Path, fake: &Fake) -> JoinHandle<()> {
    let _ = std::fs::remove_file(path);
    let listener = UnixListener::bind(path).unwrap();
    let fake = fake.clone();
    tokio::spawn(async move {
        let mut conns = JoinSet::new();
        while let Ok((stream, _)) = listener.accept().await {
            let channel = BaseChannel::with_defaults(procura_common::transport::frame(stream));
            let fake = fake.clone();
            conns.spawn(
                channel
                    .execute(fake.serve())
                    .for_each_concurrent(None, |response| response),
            );
        }
    })
}

pub(super) async fn stop(server: JoinHandle<()>) {
    server.abort();
    let _ = server.await;
}

/// A socket path in a directory of its own, removed when dropped.
pub(super) struct TempSocket(PathBuf);

impl TempSocket {
    pub(super) fn new() -> Self {
        static N: AtomicU32 = AtomicU32::new(0);
        let dir = std::env::temp_dir().join(format!(
            "procura-tui-test-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        TempSocket(dir)
    }

    pub(super) fn path(&self) -> PathBuf {
        self.0.join("procurad.sock")
    }
}

impl Drop for TempSocket {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub(super) fn config(socket: PathBuf) -> NetConfig {
    NetConfig {
        socket,
        refresh_every: Duration::from_millis(100),
        products_every: Duration::from_millis(300),
        watch_wait: Duration::from_millis(300),
        call_timeout: Duration::from_secs(5),
        backoff_min: Duration::from_millis(50),
        backoff_max: Duration::from_millis(200),
    }
}

pub(super) struct Harness {
    pub(super) actions: UnboundedSender<Action>,
    pub(super) updates: UnboundedReceiver<Update>,
    pub(super) worker: JoinHandle<()>,
    /// Every log entry delivered, in order.
    pub(super) delivered: Vec<i64>,
}

impl Harness {
    pub(super) fn start(socket: PathBuf) -> Harness {
        Harness::start_with(config(socket))
    }

    pub(super) fn start_with(cfg: NetConfig) -> Harness {
        let (actions, action_rx) = mpsc::unbounded_channel();
        let (update_tx, updates) = mpsc::unbounded_channel();
        let worker = tokio::spawn(run_worker(cfg, action_rx, update_tx));
        Harness {
            actions,
            updates,
            worker,
            delivered: Vec::new(),
        }
    }

    /// Waits (5 s at most) for an update `pred` accepts, and returns it.
    pub(super) async fn until(
        &mut self,
        what: &str,
        mut pred: impl FnMut(&Update) -> bool,
    ) -> Update {
        let wait = async {
            loop {
                let Some(u) = self.updates.recv().await else {
                    panic!("the worker ended while waiting for {what}");
                };
                if let Update::Log { entries, .. } = &u {
                    self.delivered.extend(entries.iter().map(|e| e.seq));
                }
                if pred(&u) {
                    return u;
                }
            }
        };
        match tokio::time::timeout(Duration::from_secs(5), wait).await {
            Ok(u) => u,
            Err(_) => panic!("timed out waiting for {what}"),
        }
    }

    async fn until_seq(&mut self, seq: i64) {
        self.until(
            &format!("log entry {seq}"),
            |u| matches!(u, Update::Log { entries, .. } if entries.iter().any(|e| e.seq == seq)),
        )
        .await;
    }
}

pub(super) fn running_fake(entries: std::ops::RangeInclusive<i64>) -> Fake {
    let fake = Fake::default();
    fake.with(|s| {
        s.jobs.push(chairs_job());
        s.log.extend(entries.map(log_entry));
    });
    fake
}

#[tokio::test]
async fn reconnects_after_a_restart_and_resumes_the_log_from_the_last_seq() {
    let tmp = TempSocket::new();
    let socket = tmp.path();
    let fake = running_fake(1..=5);
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
    h.until_seq(5).await;
    h.until("jobs", |u| matches!(u, Update::Jobs(j) if !j.is_empty()))
        .await;

    // The daemon restarts; meanwhile the job logs three more entries.
    stop(server).await;
    let down = h
        .until("disconnected", |u| matches!(u, Update::Disconnected { .. }))
        .await;
    if let Update::Disconnected { reason, retry_at } = down {
        assert!(
            reason.contains("lost") || reason.contains("cannot connect"),
            "{reason}"
        );
        assert!(retry_at > chrono::Utc::now() - chrono::Duration::seconds(1));
    }
    let watches_before = fake.with(|s| s.watches.len());
    fake.with(|s| s.log.extend((6..=8).map(log_entry)));
    let server = start(&socket, &fake);
    h.until("reconnected", |u| matches!(u, Update::Connected(_)))
        .await;
    h.until_seq(8).await;

    assert_eq!(
        h.delivered,
        (1..=8).collect::<Vec<_>>(),
        "each entry once, in order"
    );
    let resumed = fake.with(|s| s.watches[watches_before..].first().copied());
    assert_eq!(
        resumed,
        Some((id(1), 5)),
        "the first watch after the restart"
    );
    stop(server).await;
    h.worker.abort();
}

#[tokio::test]
async fn without_a_daemon_it_retries_and_refuses_calls() {
    let tmp = TempSocket::new();
    let socket = tmp.path();
    let mut h = Harness::start(socket.clone());
    let down = h
        .until("disconnected", |u| matches!(u, Update::Disconnected { .. }))
        .await;
    let Update::Disconnected { reason, .. } = down else {
        unreachable!()
    };
    assert!(reason.contains("cannot connect to procurad"), "{reason}");
    h.actions
        .send(Action::Submit(SubmitSearch::new("paper")))
        .unwrap();
    let failed = h
        .until("refusal", |u| matches!(u, Update::ActionFailed { .. }))
        .await;
    assert!(matches!(
        failed,
        Update::ActionFailed { kind: ActionKind::Submit, ref error, .. } if error.contains("not connected")
    ));
    // It keeps trying, and connects as soon as the daemon is there.
    h.until("a retry", |u| matches!(u, Update::Connecting))
        .await;
    let server = start(&socket, &Fake::default());
    h.until("connected", |u| matches!(u, Update::Connected(_)))
        .await;
    stop(server).await;
    h.worker.abort();
}

#[tokio::test]
async fn calls_report_their_outcome_and_a_retry_revives_the_watch() {
    let tmp = TempSocket::new();
    let socket = tmp.path();
    let fake = running_fake(1..=2);
    let server = start(&socket, &fake);
    let mut h = Harness::start(socket.clone());
    h.until("connected", |u| matches!(u, Update::Connected(_)))
        .await;

    h.actions
        .send(Action::Submit(SubmitSearch::new("paper")))
        .unwrap();
    let done = h
        .until("submitted", |u| matches!(u, Update::ActionDone { .. }))
        .await;
    assert!(
        matches!(done, Update::ActionDone { kind: ActionKind::Submit, ref job } if job.request == "paper")
    );

    h.actions
        .send(Action::Watch {
            job: id(1),
            after_seq: 0,
        })
        .unwrap();
    h.until_seq(2).await;
    h.actions.send(Action::Cancel(id(1))).unwrap();
    h.until("cancelled", |u| {
        matches!(u, Update::ActionDone { kind: ActionKind::Cancel, job } if job.status == JobStatus::Cancelled)
    })
    .await;
    // The job ended: the watch delivers a final batch and stops polling.
    h.until("final batch", |u| {
        matches!(u, Update::Log { entries, status: JobStatus::Cancelled, .. } if entries.is_empty())
    })
    .await;
    let polls = fake.with(|s| s.watches.len());
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(
        fake.with(|s| s.watches.len()),
        polls,
        "no polling a finished job"
    );

    // Retried, it lives again and the watch resumes after entry 2.
    h.actions.send(Action::Retry(id(1))).unwrap();
    fake.with(|s| s.log.push(log_entry(3)));
    h.until_seq(3).await;
    assert_eq!(h.delivered, vec![1, 2, 3]);
    assert!(fake.with(|s| s.watches[polls..].contains(&(id(1), 2))));

    h.actions.send(Action::Cancel(uuid::Uuid::nil())).unwrap();
    let failed = h
        .until("refusal", |u| matches!(u, Update::ActionFailed { .. }))
        .await;
    assert!(
        matches!(failed, Update::ActionFailed { ref error, .. } if error.contains("not found"))
    );
    stop(server).await;
    h.worker.abort();
}
