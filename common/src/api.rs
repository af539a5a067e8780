//! The tarpc service `procurad` serves and `procura` calls.

use serde::{Deserialize, Serialize};

use crate::error::ApiError;
use crate::job::{Job, JobFilter, JobId, SubmitSearch};
use crate::log::WatchBatch;
use crate::negotiation::{Approval, DraftEdit, OfferDecision, Outbound, OutboundAction, Thread};
use crate::product::Product;
use crate::source::Source;
use crate::user::{NewUser, User};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hello {
    pub protocol: u32,
    pub client_version: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Welcome {
    pub protocol: u32,
    pub daemon_version: String,
    pub daemon_id: String,
    pub operator: User,
}

/// Which implementation serves each concern right now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Backends {
    pub database: String,
    pub browser: String,
    pub vector: String,
    pub llm: String,
    pub email: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DaemonStatus {
    pub version: String,
    pub protocol: u32,
    pub daemon_id: String,
    pub uptime_seconds: u64,
    pub workers: u32,
    pub busy_workers: u32,
    /// Jobs waiting to be claimed, across every daemon on the database.
    pub queue_depth: i64,
    pub running_jobs: i64,
    pub backends: Backends,
}

/// How long a `watch_job` call may wait for new entries at most.
pub const MAX_WATCH_WAIT_MS: u64 = 60_000;

#[tarpc::service]
pub trait Procura {
    /// Checks the protocol version and says who the caller is.
    async fn hello(hello: Hello) -> Result<Welcome, ApiError>;
    async fn status() -> Result<DaemonStatus, ApiError>;
    async fn submit_search(search: SubmitSearch) -> Result<Job, ApiError>;
    async fn list_jobs(filter: JobFilter) -> Result<Vec<Job>, ApiError>;
    async fn job_detail(id: JobId) -> Result<Job, ApiError>;
    /// Queued jobs stop at once; running ones at their next node boundary.
    async fn cancel_job(id: JobId) -> Result<Job, ApiError>;
    /// Re-queues a failed or cancelled job; it resumes from its checkpoints.
    async fn retry_job(id: JobId) -> Result<Job, ApiError>;
    /// Long poll: entries with seq > `after_seq`, returned at once if there
    /// are any, else as soon as one is appended or after `max_wait_ms`. The
    /// caller's deadline must exceed `max_wait_ms`.
    async fn watch_job(id: JobId, after_seq: i64, max_wait_ms: u64)
    -> Result<WatchBatch, ApiError>;
    async fn add_user(user: NewUser) -> Result<User, ApiError>;
    async fn list_users() -> Result<Vec<User>, ApiError>;
    /// The products a job found, cheapest first.
    async fn list_products(job: JobId) -> Result<Vec<Product>, ApiError>;
    /// A product page's full-page screenshot, PNG, base64-encoded.
    async fn product_screenshot(product: uuid::Uuid) -> Result<String, ApiError>;
    /// Products the organization has seen, by meaning and by constraint.
    async fn find(request: crate::rank::FindRequest) -> Result<Vec<crate::rank::Found>, ApiError>;
    /// A job's ranked shortlist, with a reason for every place and exclusion.
    async fn shortlist(job: JobId) -> Result<crate::rank::Shortlist, ApiError>;
    async fn list_sources() -> Result<Vec<Source>, ApiError>;
    /// Adds a source, or replaces the one with the same name.
    async fn add_source(source: Source) -> Result<Source, ApiError>;
    async fn remove_source(name: String) -> Result<(), ApiError>;
    /// The organization's model usage (rows and sums by day, service, model
    /// and job), this month's budget and the rate limit.
    async fn usage(query: crate::usage::UsageQuery) -> Result<crate::usage::UsageReport, ApiError>;
    /// Drafts waiting for approval, oldest first; with `job`, that job's.
    async fn approvals(job: Option<JobId>) -> Result<Vec<Approval>, ApiError>;
    /// Replaces a draft's subject and body (the operator role).
    async fn edit_draft(edit: DraftEdit) -> Result<Approval, ApiError>;
    /// Approves a draft for sending (the approver role).
    async fn approve(id: uuid::Uuid) -> Result<Approval, ApiError>;
    /// Rejects a draft with a reason; it is never sent (the approver role).
    async fn reject(id: uuid::Uuid, reason: String) -> Result<Approval, ApiError>;
    /// Approved messages and their delivery, newest first.
    async fn outbox() -> Result<Vec<Outbound>, ApiError>;
    /// Resends a failed or unknown message, or marks an unknown one sent
    /// (the approver role).
    async fn resolve_outbound(id: uuid::Uuid, action: OutboundAction)
    -> Result<Outbound, ApiError>;
    /// Negotiations with their threads (messages, offers read out of
    /// replies, the purchase order); with `job`, that job's.
    async fn negotiations(job: Option<JobId>) -> Result<Vec<Thread>, ApiError>;
    /// Accepts, counters or declines the offer in a negotiation's latest
    /// reply (the operator role).
    async fn decide_offer(
        negotiation: uuid::Uuid,
        decision: OfferDecision,
    ) -> Result<Thread, ApiError>;
    /// A purchase order's PDF, base64-encoded.
    async fn purchase_order_pdf(id: uuid::Uuid) -> Result<String, ApiError>;
}
