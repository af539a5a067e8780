//! The network worker: the only code that talks to `procurad`.
//!
//! It connects (and reconnects, backing off up to ~2 s), refreshes the jobs
//! list and the daemon status about once a second, long-polls the log of
//! the job being viewed, lists that job's products when they may have
//! changed (see [`products::ProductsPoll`]), fetches and decodes product
//! screenshots, runs finds and fetches shortlists ([`rank`]) and the
//! usage ([`usage`]), keeps the approvals inbox fresh while it is shown
//! and sends edits and decisions ([`approvals`]), does the same for the
//! negotiations and the outbox ([`negotiations`]), exports purchase
//! orders ([`export`]), and carries out the app's [`Action`]s. It reports
//! everything as [`Update`]s. The watch remembers the last seq it
//! delivered, so after a reconnect it asks for exactly the entries after
//! it.

pub mod approvals;
pub mod export;
pub mod negotiations;
pub mod products;
pub mod rank;
pub mod usage;

use std::collections::HashMap;
use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use procura_common::api::ProcuraClient;
use procura_common::error::ApiError;
use procura_common::job::{Job, JobFilter, JobId};
use procura_common::log::WatchBatch;
use procura_common::transport::{connect, context_with_timeout};
use tarpc::client::RpcError;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};
use tokio::task::JoinSet;
use tokio::time::{MissedTickBehavior, sleep};
use uuid::Uuid;

use super::format::short_id;
use super::msg::{Action, ActionKind, Update};
use approvals::Inbox;
use negotiations::Deals;
use products::{ProductsPoll, Seen, decode_screenshot};

#[derive(Debug, Clone)]
pub struct NetConfig {
    pub socket: PathBuf,
    /// How often the jobs list and the status are fetched.
    pub refresh_every: Duration,
    /// How often the products of a running watched job are listed when
    /// their count has not moved.
    pub products_every: Duration,
    /// The `max_wait` of each watch long poll; its deadline is 5 s more.
    pub watch_wait: Duration,
    /// Deadline of the other calls.
    pub call_timeout: Duration,
    pub backoff_min: Duration,
    pub backoff_max: Duration,
}

impl NetConfig {
    pub fn new(socket: PathBuf) -> Self {
        NetConfig {
            socket,
            refresh_every: Duration::from_secs(1),
            products_every: Duration::from_secs(2),
            watch_wait: Duration::from_secs(10),
            call_timeout: Duration::from_secs(10),
            backoff_min: Duration::from_millis(250),
            backoff_max: Duration::from_secs(2),
        }
    }
}

/// The job being watched and how far its log has been delivered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Watch {
    job: JobId,
    after_seq: i64,
    /// The job ended and its last entries were delivered: no more polls
    /// until it is live again (retried).
    finished: bool,
}

type RpcResult<T> = Result<Result<T, ApiError>, RpcError>;

struct Polled {
    job: JobId,
    result: RpcResult<WatchBatch>,
}

type PollFuture = Pin<Box<dyn Future<Output = Polled> + Send>>;

/// A products, screenshot or listing fetch that ended (it reports its
/// own result).
enum Fetched {
    Products { job: JobId, ok: bool },
    Screenshot,
    Approvals,
    Threads,
    Outbox,
}

/// Why a connection ended.
enum Ended {
    /// The app is gone.
    Quit,
    Lost(String),
}

async fn next_poll(poll: &mut Option<PollFuture>) -> Polled {
    match poll {
        Some(f) => f.await,
        None => std::future::pending().await,
    }
}

struct Worker {
    cfg: NetConfig,
    updates: UnboundedSender<Update>,
    watch: Option<Watch>,
    /// When to list the watched job's products again.
    products: Option<ProductsPoll>,
    /// Each job as the last listing had it.
    seen: HashMap<JobId, Seen>,
    inbox: Inbox,
    deals: Deals,
    /// The last error shown for a refresh, so it is not repeated every
    /// second.
    last_error: Option<String>,
}

/// Runs until the app drops its end of `actions`.
pub async fn run_worker(
    cfg: NetConfig,
    mut actions: UnboundedReceiver<Action>,
    updates: UnboundedSender<Update>,
) {
    let mut w = Worker {
        cfg,
        updates,
        watch: None,
        products: None,
        seen: HashMap::new(),
        inbox: Inbox::default(),
        deals: Deals::default(),
        last_error: None,
    };
    let mut backoff = w.cfg.backoff_min;
    loop {
        w.send(Update::Connecting);
        let socket = w.cfg.socket.clone();
        let result = {
            let connecting = connect(&socket);
            tokio::pin!(connecting);
            loop {
                tokio::select! {
                    r = &mut connecting => break r,
                    a = actions.recv() => match a {
                        Some(a) => w.offline(a),
                        None => return,
                    },
                }
            }
        };
        let reason = match result {
            Ok(conn) => {
                tracing::info!(socket = %w.cfg.socket.display(), "connected to procurad");
                backoff = w.cfg.backoff_min;
                w.last_error = None;
                if let Some(p) = w.products.as_mut() {
                    p.reset();
                }
                w.inbox.finished();
                w.deals.reset();
                w.send(Update::Connected(Box::new(conn.welcome)));
                match w.serve(conn.client, &mut actions).await {
                    Ended::Quit => return,
                    Ended::Lost(reason) => reason,
                }
            }
            Err(e) => e.to_string(),
        };
        if backoff == w.cfg.backoff_min {
            tracing::warn!(%reason, "not connected to procurad; retrying");
        } else {
            tracing::debug!(%reason, retry_in = ?backoff, "still not connected to procurad");
        }
        let retry_at = Utc::now() + chrono::Duration::from_std(backoff).unwrap_or_default();
        w.send(Update::Disconnected { reason, retry_at });
        let wait = sleep(backoff);
        tokio::pin!(wait);
        loop {
            tokio::select! {
                () = &mut wait => break,
                a = actions.recv() => match a {
                    Some(a) => w.offline(a),
                    None => return,
                },
            }
        }
        backoff = (backoff * 2).min(w.cfg.backoff_max);
    }
}

impl Worker {
    fn send(&self, update: Update) {
        // The app only goes away when it is quitting; nothing to do then.
        let _ = self.updates.send(update);
    }

    fn watch(&mut self, job: JobId, after_seq: i64) {
        self.watch = Some(Watch {
            job,
            after_seq,
            finished: false,
        });
        if self.products.as_ref().is_none_or(|p| p.job() != job) {
            self.products = Some(ProductsPoll::new(job, self.cfg.products_every));
        }
    }

    fn unwatch(&mut self) {
        self.watch = None;
        self.products = None;
    }

    /// An action while there is no connection: remember what to watch,
    /// refuse the rest.
    fn offline(&mut self, action: Action) {
        if let Some(answer) = rank::offline(&action).or_else(|| usage::offline(&action)) {
            self.send(answer);
            return;
        }
        if self.inbox.offline(&action, &self.updates) || self.deals.offline(&action, &self.updates)
        {
            return;
        }
        let (kind, job) = match action {
            Action::Quit
            | Action::Find { .. }
            | Action::Shortlist(_)
            | Action::Usage(_)
            | Action::WatchApprovals
            | Action::UnwatchApprovals
            | Action::EditDraft(_)
            | Action::Approve(_)
            | Action::Reject { .. }
            | Action::EditInEditor(_)
            | Action::WatchNegotiations(_)
            | Action::UnwatchNegotiations
            | Action::DecideOffer { .. }
            | Action::ExportOrder(_)
            | Action::WatchOutbox
            | Action::UnwatchOutbox
            | Action::ResolveOutbound { .. } => return,
            Action::Watch { job, after_seq } => {
                self.watch(job, after_seq);
                return;
            }
            Action::Unwatch => {
                self.unwatch();
                return;
            }
            Action::Screenshot(product) => {
                self.send(Update::Screenshot {
                    product,
                    result: Err("not connected to procurad".into()),
                });
                return;
            }
            Action::Submit(_) => (ActionKind::Submit, None),
            Action::Cancel(id) => (ActionKind::Cancel, Some(id)),
            Action::Retry(id) => (ActionKind::Retry, Some(id)),
        };
        self.send(Update::ActionFailed {
            kind,
            job,
            error: "not connected to procurad; try again once the status line says connected"
                .into(),
        });
    }

    fn poll(&self, client: &ProcuraClient, delay: Option<Duration>) -> Option<PollFuture> {
        let w = self.watch.filter(|w| !w.finished)?;
        let client = client.clone();
        let wait = self.cfg.watch_wait;
        Some(Box::pin(async move {
            if let Some(d) = delay {
                sleep(d).await;
            }
            let ctx = context_with_timeout(wait + Duration::from_secs(5));
            let max_wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX);
            let result = client.watch_job(ctx, w.job, w.after_seq, max_wait_ms).await;
            Polled { job: w.job, result }
        }))
    }

    /// Carries out a call in a task of its own, so a slow one holds
    /// nothing up. The task reports its own result; it returns the job a
    /// successful retry brought back to life.
    fn spawn_call(&self, tasks: &mut JoinSet<Option<JobId>>, client: &ProcuraClient, a: Action) {
        let client = client.clone();
        let updates = self.updates.clone();
        let ctx = context_with_timeout(self.cfg.call_timeout);
        tasks.spawn(async move {
            let (kind, job, result): (_, _, RpcResult<Job>) = match a {
                Action::Submit(s) => (ActionKind::Submit, None, client.submit_search(ctx, s).await),
                Action::Cancel(id) => (
                    ActionKind::Cancel,
                    Some(id),
                    client.cancel_job(ctx, id).await,
                ),
                Action::Retry(id) => (ActionKind::Retry, Some(id), client.retry_job(ctx, id).await),
                _ => return None,
            };
            let error = match result {
                Ok(Ok(done)) => {
                    let revived = (kind == ActionKind::Retry).then_some(done.id);
                    let _ = updates.send(Update::ActionDone {
                        kind,
                        job: Box::new(done),
                    });
                    return revived;
                }
                Ok(Err(api)) => api.to_string(),
                Err(rpc) => format!("{rpc} (the connection to procurad failed)"),
            };
            tracing::warn!(action = kind.verb(), %error, "call failed");
            let _ = updates.send(Update::ActionFailed { kind, job, error });
            None
        });
    }

    /// Lists the watched job's products in a task of its own if they are
    /// due.
    fn check_products(&mut self, fetches: &mut JoinSet<Fetched>, client: &ProcuraClient) {
        let Some(poll) = self.products.as_mut() else {
            return;
        };
        let job = poll.job();
        let seen = self.seen.get(&job).copied();
        let now = Instant::now();
        if !poll.due(seen, now) {
            return;
        }
        poll.started(seen, now);
        let client = client.clone();
        let updates = self.updates.clone();
        let ctx = context_with_timeout(self.cfg.call_timeout);
        fetches.spawn(async move {
            let result = match client.list_products(ctx, job).await {
                Ok(Ok(list)) => Ok(list),
                Ok(Err(api)) => Err(format!("Listing products: {api}")),
                Err(rpc) => Err(format!("Listing products: {rpc}")),
            };
            let ok = result.is_ok();
            if let Err(error) = &result {
                tracing::debug!(%error, "products");
            }
            let _ = updates.send(Update::Products { job, result });
            Fetched::Products { job, ok }
        });
    }

    /// Fetches and decodes a product's screenshot in a task of its own.
    fn fetch_screenshot(
        &self,
        fetches: &mut JoinSet<Fetched>,
        client: &ProcuraClient,
        product: Uuid,
    ) {
        let client = client.clone();
        let updates = self.updates.clone();
        let ctx = context_with_timeout(self.cfg.call_timeout);
        fetches.spawn(async move {
            let result = match client.product_screenshot(ctx, product).await {
                Ok(Ok(b64)) => tokio::task::spawn_blocking(move || decode_screenshot(&b64))
                    .await
                    .unwrap_or_else(|e| Err(format!("decoding failed: {e}")))
                    .map(Arc::new),
                Ok(Err(api)) => Err(api.to_string()),
                Err(rpc) => Err(format!("{rpc} (the connection to procurad failed)")),
            };
            if let Err(error) = &result {
                tracing::debug!(%product, %error, "screenshot");
            }
            let _ = updates.send(Update::Screenshot { product, result });
            Fetched::Screenshot
        });
    }

    /// One connection's life: until it fails or the app quits.
    async fn serve(
        &mut self,
        client: ProcuraClient,
        actions: &mut UnboundedReceiver<Action>,
    ) -> Ended {
        let mut refresh = tokio::time::interval(self.cfg.refresh_every);
        refresh.set_missed_tick_behavior(MissedTickBehavior::Delay);
        // Resume the watch (if any) from the last seq delivered.
        let mut poll = self.poll(&client, None);
        let mut tasks = JoinSet::new();
        let mut fetches = JoinSet::new();
        self.check_products(&mut fetches, &client);
        let ended = loop {
            tokio::select! {
                a = actions.recv() => match a {
                    None => break Ended::Quit,
                    Some(Action::Quit) => {}
                    Some(Action::Watch { job, after_seq }) => {
                        self.watch(job, after_seq);
                        poll = self.poll(&client, None);
                        self.check_products(&mut fetches, &client);
                    }
                    Some(Action::Unwatch) => {
                        self.unwatch();
                        poll = None;
                    }
                    Some(Action::Screenshot(id)) => {
                        self.fetch_screenshot(&mut fetches, &client, id);
                    }
                    Some(Action::Find { seq, request }) => {
                        let ctx = context_with_timeout(self.cfg.call_timeout);
                        rank::spawn_find(&mut tasks, &client, &self.updates, ctx, seq, request);
                    }
                    Some(Action::Shortlist(job)) => {
                        let ctx = context_with_timeout(self.cfg.call_timeout);
                        rank::spawn_shortlist(&mut tasks, &client, &self.updates, ctx, job);
                    }
                    Some(Action::Usage(query)) => {
                        let ctx = context_with_timeout(self.cfg.call_timeout);
                        usage::spawn_usage(&mut tasks, &client, &self.updates, ctx, query);
                    }
                    Some(a) => {
                        let timeout = self.cfg.call_timeout;
                        let ctx = context_with_timeout(timeout);
                        let (tasks, fetches) = (&mut tasks, &mut fetches);
                        if !self.inbox.act(&a, (tasks, fetches), &client, &self.updates, ctx)
                            && !self.deals.act(&a, (tasks, fetches), &client, &self.updates, timeout)
                        {
                            self.spawn_call(tasks, &client, a);
                        }
                    }
                },
                Some(done) = fetches.join_next() => match done {
                    Ok(Fetched::Products { job, ok }) => {
                        if let Some(p) = self.products.as_mut() {
                            p.finished(job, ok);
                        }
                    }
                    Ok(Fetched::Approvals) => self.inbox.finished(),
                    Ok(f @ (Fetched::Threads | Fetched::Outbox)) => self.deals.fetched(&f),
                    // A panicked fetch could have been a listing.
                    Err(_) => {
                        self.inbox.finished();
                        self.deals.reset();
                    }
                    Ok(Fetched::Screenshot) => {}
                },
                Some(done) = tasks.join_next() => {
                    if let Ok(Some(id)) = done
                        && self.revive(id)
                    {
                        poll = self.poll(&client, None);
                    }
                }
                _ = refresh.tick() => {
                    match self.refresh(&client).await {
                        Err(reason) => break Ended::Lost(reason),
                        Ok(true) => poll = self.poll(&client, None),
                        Ok(false) => {}
                    }
                    self.check_products(&mut fetches, &client);
                    let ctx = context_with_timeout(self.cfg.call_timeout);
                    self.inbox.check(&mut fetches, &client, &self.updates, ctx);
                    let timeout = self.cfg.call_timeout;
                    self.deals.check(&mut fetches, &client, &self.updates, timeout);
                },
                polled = next_poll(&mut poll) => {
                    match self.polled(polled) {
                        Err(reason) => break Ended::Lost(reason),
                        Ok(delay) => poll = self.poll(&client, delay),
                    }
                }
            }
        };
        // Calls in flight finish on their own and report their outcome.
        tasks.detach_all();
        fetches.detach_all();
        ended
    }

    /// Starts polling again a finished watch of `id`.
    fn revive(&mut self, id: JobId) -> bool {
        match self.watch.as_mut() {
            Some(w) if w.job == id && w.finished => {
                w.finished = false;
                true
            }
            _ => false,
        }
    }

    /// Handles a watch result. Ok(delay) to poll again (after the delay,
    /// if any); Err when the connection is gone.
    fn polled(&mut self, polled: Polled) -> Result<Option<Duration>, String> {
        let Some(w) = self.watch.as_mut().filter(|w| w.job == polled.job) else {
            return Ok(None);
        };
        match polled.result {
            Ok(Ok(batch)) => {
                if let Some(last) = batch.entries.iter().map(|e| e.seq).max() {
                    w.after_seq = w.after_seq.max(last);
                }
                w.finished = batch.is_final();
                let job = w.job;
                self.send(Update::Log {
                    job,
                    entries: batch.entries,
                    status: batch.status,
                });
                Ok(None)
            }
            Ok(Err(api)) => {
                let gone = matches!(api, ApiError::NotFound { .. });
                if gone {
                    w.finished = true;
                }
                let msg = format!("Watching job {}: {api}", short_id(w.job));
                self.send(Update::Error(msg));
                Ok(Some(Duration::from_secs(2)))
            }
            Err(RpcError::DeadlineExceeded) => {
                tracing::debug!("watch poll passed its deadline; polling again");
                Ok(Some(Duration::from_millis(500)))
            }
            Err(e) => Err(format!("connection lost: {e}")),
        }
    }

    /// Fetches the jobs list and the status. Ok(true) when the watched job,
    /// finished before, is live again. Err when the connection is gone.
    async fn refresh(&mut self, client: &ProcuraClient) -> Result<bool, String> {
        let lost = |e: RpcError| format!("connection lost: {e}");
        let timeout = self.cfg.call_timeout;
        let (jobs, status) = tokio::join!(
            client.list_jobs(context_with_timeout(timeout), JobFilter::default()),
            client.status(context_with_timeout(timeout)),
        );
        let mut revived = false;
        let mut error = None;
        match jobs.map_err(lost)? {
            Ok(jobs) => {
                self.seen = jobs.iter().map(|j| (j.id, Seen::from(j))).collect();
                if let Some(w) = self.watch {
                    match jobs.iter().find(|j| j.id == w.job) {
                        Some(job) if !job.status.is_terminal() => revived = self.revive(w.job),
                        Some(_) => {}
                        // Older than the list: fetch it on its own.
                        None => match client
                            .job_detail(context_with_timeout(timeout), w.job)
                            .await
                            .map_err(lost)?
                        {
                            Ok(job) => {
                                if !job.status.is_terminal() {
                                    revived = self.revive(job.id);
                                }
                                self.seen.insert(job.id, Seen::from(&job));
                                self.send(Update::JobChanged(Box::new(job)));
                            }
                            Err(e) => error = Some(e.to_string()),
                        },
                    }
                }
                self.send(Update::Jobs(jobs));
            }
            Err(e) => error = Some(format!("Listing jobs: {e}")),
        }
        match status.map_err(lost)? {
            Ok(st) => self.send(Update::Status(Box::new(st))),
            Err(e) => error = error.or(Some(format!("Daemon status: {e}"))),
        }
        if error != self.last_error {
            if let Some(e) = &error {
                self.send(Update::Error(e.clone()));
            }
            self.last_error = error;
        }
        Ok(revived)
    }
}
