//! The network worker: the only code that talks to `procurad`.
//!
//! It connects (and reconnects, backing off up to ~2 s), refreshes the jobs
//! list and the daemon status about once a second, long-polls the log of
//! the job being viewed, and carries out the app's [`Action`]s. It reports
//! everything as [`Update`]s. The watch remembers the last seq it delivered,
//! so after a reconnect it asks for exactly the entries after it.

use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::time::Duration;

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

use super::format::short_id;
use super::msg::{Action, ActionKind, Update};

#[derive(Debug, Clone)]
pub struct NetConfig {
    pub socket: PathBuf,
    /// How often the jobs list and the status are fetched.
    pub refresh_every: Duration,
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

    /// An action while there is no connection: remember what to watch,
    /// refuse the rest.
    fn offline(&mut self, action: Action) {
        let (kind, job) = match action {
            Action::Quit => return,
            Action::Watch { job, after_seq } => {
                self.watch = Some(Watch {
                    job,
                    after_seq,
                    finished: false,
                });
                return;
            }
            Action::Unwatch => {
                self.watch = None;
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
        let ended = loop {
            tokio::select! {
                a = actions.recv() => match a {
                    None => break Ended::Quit,
                    Some(Action::Quit) => {}
                    Some(Action::Watch { job, after_seq }) => {
                        self.watch = Some(Watch { job, after_seq, finished: false });
                        poll = self.poll(&client, None);
                    }
                    Some(Action::Unwatch) => {
                        self.watch = None;
                        poll = None;
                    }
                    Some(a) => self.spawn_call(&mut tasks, &client, a),
                },
                Some(done) = tasks.join_next() => {
                    if let Ok(Some(id)) = done
                        && self.revive(id)
                    {
                        poll = self.poll(&client, None);
                    }
                }
                _ = refresh.tick() => match self.refresh(&client).await {
                    Err(reason) => break Ended::Lost(reason),
                    Ok(true) => poll = self.poll(&client, None),
                    Ok(false) => {}
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
