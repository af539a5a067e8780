//! The tarpc service on the unix socket. Each connection is bound to the
//! peer's unix uid (SO_PEERCRED), which names the operator; every call is
//! scoped to that operator's organization.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use procura_common::api::{Backends, DaemonStatus, Hello, MAX_WATCH_WAIT_MS, Procura, Welcome};
use procura_common::error::ApiError;
use procura_common::job::{Job, JobFilter, JobId, SubmitSearch};
use procura_common::log::{LogLevel, WatchBatch};
use procura_common::negotiation::{
    Approval, DraftEdit, OfferDecision, Outbound, OutboundAction, Thread,
};
use procura_common::product::Product;
use procura_common::source::Source;
use procura_common::user::{NewUser, Role, User};
use procura_common::{PROTOCOL_VERSION, VERSION};
use tarpc::context::Context;
use tokio::sync::OnceCell;

use crate::db::jobs::TransitionRefused;
use crate::db::logs::NewLogEntry;
use crate::db::{Database, DbError};
use crate::hub::Hub;

mod negotiation;

/// How stale the queue figures in `status` may be. Counting on every call
/// would put two queries on the hottest, cheapest call there is.
const QUEUE_COUNTS_TTL: Duration = Duration::from_millis(250);

#[derive(Default)]
pub struct QueueCounts {
    /// (queued, running) and when they were read.
    last: tokio::sync::Mutex<Option<(Instant, (i64, i64))>>,
}

impl QueueCounts {
    async fn get(&self, db: &Database) -> Result<(i64, i64), DbError> {
        let mut last = self.last.lock().await;
        if let Some((at, counts)) = *last
            && at.elapsed() < QUEUE_COUNTS_TTL
        {
            return Ok(counts);
        }
        let counts = db.queue_counts().await?;
        *last = Some((Instant::now(), counts));
        Ok(counts)
    }
}

/// What every connection shares.
pub struct Shared {
    pub db: Database,
    pub hub: Arc<Hub>,
    pub daemon_id: String,
    pub started: Instant,
    pub workers: u32,
    pub busy: Arc<AtomicU32>,
    pub backends: Backends,
    pub queue_counts: QueueCounts,
    pub services: Arc<crate::agent::services::Services>,
}

/// One client connection.
#[derive(Clone)]
pub struct Session {
    shared: Arc<Shared>,
    uid: u32,
    operator: Arc<OnceCell<User>>,
}

impl Session {
    pub fn new(shared: Arc<Shared>, uid: u32) -> Self {
        Session {
            shared,
            uid,
            operator: Arc::new(OnceCell::new()),
        }
    }

    async fn operator(&self) -> Result<&User, ApiError> {
        self.operator
            .get_or_try_init(|| async {
                match self.shared.db.user_by_uid(self.uid).await {
                    Ok(Some(user)) => Ok(user),
                    Ok(None) => Err(ApiError::NotAuthorised { uid: self.uid }),
                    Err(e) => Err(internal(e)),
                }
            })
            .await
    }

    async fn require(&self, needed: Role, action: &str) -> Result<&User, ApiError> {
        let user = self.operator().await?;
        if user.role < needed {
            return Err(ApiError::Forbidden {
                action: action.to_string(),
                needed: needed.to_string(),
                user: user.name.clone(),
                role: user.role.to_string(),
            });
        }
        Ok(user)
    }

    async fn job_for(&self, user: &User, id: JobId) -> Result<Job, ApiError> {
        self.shared
            .db
            .job(user.organization_id, id)
            .await
            .map_err(internal)?
            .ok_or_else(|| ApiError::not_found("job", id))
    }

    async fn log_event(&self, id: JobId, level: LogLevel, message: String) -> Result<(), ApiError> {
        let entry = NewLogEntry::new(level, "operator", message);
        let stored = self
            .shared
            .db
            .append_logs(id, &[entry])
            .await
            .map_err(internal)?;
        self.shared.hub.appended(id, &stored, None);
        Ok(())
    }
}

fn internal(e: DbError) -> ApiError {
    tracing::error!(error = %e, "call failed on the database");
    match e {
        DbError::Pool(m) | DbError::Connect(m) => ApiError::Unavailable(format!("database: {m}")),
        other => ApiError::Internal(other.to_string()),
    }
}

fn refused(id: JobId, action: &str, refusal: TransitionRefused) -> ApiError {
    match refusal {
        TransitionRefused::NotFound => ApiError::not_found("job", id),
        TransitionRefused::WrongStatus(status) => {
            ApiError::Conflict(format!("cannot {action} job {id}: it is {status}"))
        }
    }
}

impl Procura for Session {
    async fn hello(self, _: Context, hello: Hello) -> Result<Welcome, ApiError> {
        if hello.protocol != PROTOCOL_VERSION {
            return Err(ApiError::ProtocolMismatch {
                client: hello.protocol,
                daemon: PROTOCOL_VERSION,
                daemon_version: VERSION.to_string(),
            });
        }
        let operator = self.operator().await?.clone();
        Ok(Welcome {
            protocol: PROTOCOL_VERSION,
            daemon_version: VERSION.to_string(),
            daemon_id: self.shared.daemon_id.clone(),
            operator,
        })
    }

    async fn status(self, _: Context) -> Result<DaemonStatus, ApiError> {
        self.operator().await?;
        let (queued, running) = self
            .shared
            .queue_counts
            .get(&self.shared.db)
            .await
            .map_err(internal)?;
        Ok(DaemonStatus {
            version: VERSION.to_string(),
            protocol: PROTOCOL_VERSION,
            daemon_id: self.shared.daemon_id.clone(),
            uptime_seconds: self.shared.started.elapsed().as_secs(),
            workers: self.shared.workers,
            busy_workers: self.shared.busy.load(Ordering::Relaxed),
            queue_depth: queued,
            running_jobs: running,
            backends: Backends {
                browser: self.shared.services.describe_browser(),
                ..self.shared.backends.clone()
            },
        })
    }

    async fn submit_search(self, _: Context, search: SubmitSearch) -> Result<Job, ApiError> {
        let user = self.require(Role::Operator, "submitting a search").await?;
        let request = search.request.trim();
        if request.is_empty() {
            return Err(ApiError::InvalidRequest("the request text is empty".into()));
        }
        let chars = request.chars().count();
        if chars > SubmitSearch::MAX_REQUEST_CHARS {
            return Err(ApiError::InvalidRequest(format!(
                "the request is {chars} characters long; the limit is {}",
                SubmitSearch::MAX_REQUEST_CHARS
            )));
        }
        if request
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t')
        {
            return Err(ApiError::InvalidRequest(
                "the request contains control characters".into(),
            ));
        }
        let max_results = search
            .max_results
            .unwrap_or(SubmitSearch::DEFAULT_MAX_RESULTS);
        if max_results == 0 || max_results > SubmitSearch::MAX_RESULTS_LIMIT {
            return Err(ApiError::InvalidRequest(format!(
                "max_results must be between 1 and {}, not {max_results}",
                SubmitSearch::MAX_RESULTS_LIMIT
            )));
        }
        let normalised = SubmitSearch {
            request: request.to_string(),
            ..search
        };
        let id = self
            .shared
            .db
            .insert_job(user.organization_id, user.id, &normalised, max_results)
            .await
            .map_err(internal)?;
        self.shared.hub.work_queued();
        self.job_for(user, id).await
    }

    async fn list_jobs(self, _: Context, filter: JobFilter) -> Result<Vec<Job>, ApiError> {
        let user = self.operator().await?;
        self.shared
            .db
            .list_jobs(user.organization_id, &filter)
            .await
            .map_err(internal)
    }

    async fn job_detail(self, _: Context, id: JobId) -> Result<Job, ApiError> {
        let user = self.operator().await?;
        self.job_for(user, id).await
    }

    async fn cancel_job(self, _: Context, id: JobId) -> Result<Job, ApiError> {
        let user = self.require(Role::Operator, "cancelling a job").await?;
        self.shared
            .db
            .cancel_job(user.organization_id, id)
            .await
            .map_err(internal)?
            .map_err(|r| refused(id, "cancel", r))?;
        self.log_event(
            id,
            LogLevel::Warn,
            format!("cancel requested by {}", user.name),
        )
        .await?;
        self.job_for(user, id).await
    }

    async fn retry_job(self, _: Context, id: JobId) -> Result<Job, ApiError> {
        let user = self.require(Role::Operator, "retrying a job").await?;
        self.shared
            .db
            .retry_job(user.organization_id, id)
            .await
            .map_err(internal)?
            .map_err(|r| refused(id, "retry", r))?;
        self.shared.hub.work_queued();
        self.log_event(
            id,
            LogLevel::Info,
            format!("retry requested by {}", user.name),
        )
        .await?;
        self.job_for(user, id).await
    }

    async fn watch_job(
        self,
        _: Context,
        id: JobId,
        after_seq: i64,
        max_wait_ms: u64,
    ) -> Result<WatchBatch, ApiError> {
        let user = self.operator().await?;
        let deadline =
            tokio::time::Instant::now() + Duration::from_millis(max_wait_ms.min(MAX_WATCH_WAIT_MS));
        // Subscribe before looking, so an append between the look and the
        // wait still wakes us.
        let mut grew = self.shared.hub.subscribe_logs();
        loop {
            let row = self
                .shared
                .db
                .job_row(id)
                .await
                .map_err(internal)?
                .filter(|r| r.organization_id == user.organization_id)
                .ok_or_else(|| ApiError::not_found("job", id))?;
            let status = row.status().map_err(internal)?;
            if row.last_log_seq > after_seq {
                let entries = self
                    .shared
                    .db
                    .logs_after(id, after_seq)
                    .await
                    .map_err(internal)?;
                return Ok(WatchBatch { entries, status });
            }
            if status.is_terminal() {
                return Ok(WatchBatch {
                    entries: Vec::new(),
                    status,
                });
            }
            loop {
                let woke = tokio::time::timeout_at(deadline, grew.recv()).await;
                match woke {
                    Err(_) => {
                        return Ok(WatchBatch {
                            entries: Vec::new(),
                            status,
                        });
                    }
                    Ok(Ok(event)) if event.job == id => {
                        // Entries this daemon just appended, following on
                        // from what the caller has: hand them out as they
                        // are. Anything else (a gap, another daemon's
                        // append, a status change) is read from the database.
                        let fresh: Vec<_> = event
                            .entries
                            .iter()
                            .filter(|e| e.seq > after_seq)
                            .cloned()
                            .collect();
                        if fresh.first().is_some_and(|e| e.seq == after_seq + 1) {
                            return Ok(WatchBatch {
                                entries: fresh,
                                status: event.status.unwrap_or(status),
                            });
                        }
                        break;
                    }
                    Ok(Ok(_)) => continue,
                    // Missed some wake-ups: look again.
                    Ok(Err(tokio::sync::broadcast::error::RecvError::Lagged(_))) => break,
                    Ok(Err(tokio::sync::broadcast::error::RecvError::Closed)) => {
                        return Err(ApiError::Unavailable("procurad is stopping".into()));
                    }
                }
            }
        }
    }

    async fn add_user(self, _: Context, new: NewUser) -> Result<User, ApiError> {
        let admin = self.require(Role::Admin, "adding an operator").await?;
        let name = new.name.trim();
        if name.is_empty() || name.len() > 64 || name.chars().any(|c| c.is_control()) {
            return Err(ApiError::InvalidRequest(
                "an operator name must be 1 to 64 printable characters".into(),
            ));
        }
        let new = NewUser {
            name: name.to_string(),
            ..new
        };
        if new.uid > i32::MAX as u32 {
            return Err(ApiError::InvalidRequest(format!(
                "uid {} is out of range",
                new.uid
            )));
        }
        self.shared
            .db
            .add_user(admin.organization_id, &new)
            .await
            .map_err(internal)?
            .map_err(ApiError::Conflict)
    }

    async fn list_users(self, _: Context) -> Result<Vec<User>, ApiError> {
        let user = self.operator().await?;
        self.shared
            .db
            .list_users(user.organization_id)
            .await
            .map_err(internal)
    }

    async fn list_products(self, _: Context, job: JobId) -> Result<Vec<Product>, ApiError> {
        let user = self.operator().await?;
        self.shared
            .db
            .products(user.organization_id, job)
            .await
            .map_err(internal)?
            .ok_or_else(|| ApiError::not_found("job", job))
    }

    async fn find(
        self,
        _: Context,
        request: procura_common::rank::FindRequest,
    ) -> Result<Vec<procura_common::rank::Found>, ApiError> {
        let user = self.operator().await?;
        let rates = &self.shared.services.rates;
        let request = crate::find::validate(request, rates)?;
        let semantic = self.shared.services.semantic(&self.shared.db).await;
        let finder = crate::find::Finder {
            db: &self.shared.db,
            rates,
            semantic: semantic.ok(),
            semantic_unavailable: semantic.err(),
        };
        let (fusion, lexical_weight) = self.shared.services.fusion();
        finder
            .find(user.organization_id, &request, fusion, lexical_weight)
            .await
    }

    async fn shortlist(
        self,
        _: Context,
        job: JobId,
    ) -> Result<procura_common::rank::Shortlist, ApiError> {
        let user = self.operator().await?;
        let mut shortlist = self
            .shared
            .db
            .shortlist(user.organization_id, job)
            .await
            .map_err(internal)?
            .ok_or_else(|| ApiError::not_found("job", job))?;
        shortlist.groups = crate::agent::grouping::shortlist_groups(&shortlist.entries);
        Ok(shortlist)
    }

    async fn product_screenshot(self, _: Context, product: uuid::Uuid) -> Result<String, ApiError> {
        use base64::Engine;
        let user = self.operator().await?;
        let key = self
            .shared
            .db
            .screenshot_key(user.organization_id, product)
            .await
            .map_err(internal)?
            .ok_or_else(|| ApiError::not_found("product", product))?
            .ok_or_else(|| ApiError::not_found("screenshot of product", product))?;
        let blobs = self.shared.services.blobs.clone();
        let png = tokio::task::spawn_blocking(move || blobs.get(&key))
            .await
            .map_err(|e| ApiError::Internal(e.to_string()))?
            .map_err(|e| ApiError::Internal(e.to_string()))?;
        // Base64 grows it by a third; keep the reply inside one frame.
        let limit = procura_common::transport::MAX_FRAME_BYTES / 4 * 3 - 64 * 1024;
        if png.len() > limit {
            return Err(ApiError::Conflict(format!(
                "the screenshot is {} bytes, more than the {limit} one reply can carry",
                png.len()
            )));
        }
        Ok(base64::engine::general_purpose::STANDARD.encode(png))
    }

    async fn list_sources(self, _: Context) -> Result<Vec<Source>, ApiError> {
        self.operator().await?;
        Ok(self.shared.services.sources.list().await)
    }

    async fn add_source(self, _: Context, source: Source) -> Result<Source, ApiError> {
        self.require(Role::Admin, "adding a source").await?;
        self.shared
            .services
            .sources
            .add(source)
            .await
            .map_err(sources_error)
    }

    async fn remove_source(self, _: Context, name: String) -> Result<(), ApiError> {
        self.require(Role::Admin, "removing a source").await?;
        self.shared
            .services
            .sources
            .remove(&name)
            .await
            .map_err(sources_error)
    }

    async fn usage(
        self,
        _: Context,
        query: procura_common::usage::UsageQuery,
    ) -> Result<procura_common::usage::UsageReport, ApiError> {
        let user = self.operator().await?;
        query.validate().map_err(ApiError::InvalidRequest)?;
        if let Some(job) = query.job {
            self.job_for(user, job).await?;
        }
        self.shared
            .services
            .models
            .gate()
            .report(user.organization_id, &query)
            .await
            .map_err(internal)
    }

    async fn approvals(self, _: Context, job: Option<JobId>) -> Result<Vec<Approval>, ApiError> {
        self.list_approvals(job).await
    }

    async fn edit_draft(self, _: Context, edit: DraftEdit) -> Result<Approval, ApiError> {
        self.edit_one(edit).await
    }

    async fn approve(self, _: Context, id: uuid::Uuid) -> Result<Approval, ApiError> {
        self.approve_one(id).await
    }

    async fn reject(
        self,
        _: Context,
        id: uuid::Uuid,
        reason: String,
    ) -> Result<Approval, ApiError> {
        self.reject_one(id, reason).await
    }

    async fn outbox(self, _: Context) -> Result<Vec<Outbound>, ApiError> {
        self.list_outbox().await
    }

    async fn resolve_outbound(
        self,
        _: Context,
        id: uuid::Uuid,
        action: OutboundAction,
    ) -> Result<Outbound, ApiError> {
        self.resolve_one(id, action).await
    }

    async fn negotiations(self, _: Context, job: Option<JobId>) -> Result<Vec<Thread>, ApiError> {
        self.list_threads(job).await
    }

    async fn decide_offer(
        self,
        _: Context,
        negotiation: uuid::Uuid,
        decision: OfferDecision,
    ) -> Result<Thread, ApiError> {
        self.decide(negotiation, decision).await
    }

    async fn purchase_order_pdf(self, _: Context, id: uuid::Uuid) -> Result<String, ApiError> {
        self.order_pdf(id).await
    }
}

fn sources_error(e: crate::sources::SourcesError) -> ApiError {
    use crate::sources::SourcesError;
    match e {
        SourcesError::Invalid { .. } => ApiError::InvalidRequest(e.to_string()),
        SourcesError::Unknown(name) => ApiError::not_found("source", name),
        other => ApiError::Internal(other.to_string()),
    }
}
