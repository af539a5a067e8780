//! What flows between the app and the network worker: [`Action`]s out,
//! [`Update`]s in. Nothing else connects them, so the app can be driven in
//! tests without a daemon.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use image::DynamicImage;
use procura_common::api::{DaemonStatus, Welcome};
use procura_common::job::{Job, JobId, JobStatus, SubmitSearch};
use procura_common::log::LogEntry;
use procura_common::negotiation::{Approval, DraftEdit};
use procura_common::product::Product;
use procura_common::rank::{FindRequest, Found, Shortlist};
use procura_common::usage::{UsageQuery, UsageReport};
use uuid::Uuid;

/// Something the app asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Leave the UI. Handled by the event loop, never sent to the worker.
    Quit,
    Submit(SubmitSearch),
    Cancel(JobId),
    Retry(JobId),
    /// Follow this job's log from the entry after `after_seq`, and keep its
    /// products fresh; replaces any job watched before.
    Watch {
        job: JobId,
        after_seq: i64,
    },
    Unwatch,
    /// Fetch and decode the page screenshot of this product, once.
    Screenshot(Uuid),
    /// Search the products the organization has seen; the answer comes
    /// back as [`Update::Found`] with the same `seq`.
    Find {
        seq: u64,
        request: FindRequest,
    },
    /// Fetch this job's ranked shortlist and its cross-vendor groups.
    Shortlist(JobId),
    /// Fetch the organization's model usage and budget.
    Usage(UsageQuery),
    /// List the drafts waiting for approval now, and again with every
    /// refresh until [`Action::UnwatchApprovals`].
    WatchApprovals,
    UnwatchApprovals,
    /// Replace a draft's subject and body.
    EditDraft(DraftEdit),
    Approve(Uuid),
    Reject {
        id: Uuid,
        reason: String,
    },
    /// Open this draft in the operator's editor. Handled by the event
    /// loop, which owns the terminal, never sent to the worker.
    EditInEditor(Box<Approval>),
}

/// Which call an [`Update::ActionDone`] or [`Update::ActionFailed`] answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActionKind {
    Submit,
    Cancel,
    Retry,
}

impl ActionKind {
    pub fn verb(self) -> &'static str {
        match self {
            ActionKind::Submit => "submit",
            ActionKind::Cancel => "cancel",
            ActionKind::Retry => "retry",
        }
    }
}

/// Which call an [`Update::DraftDone`] or [`Update::DraftFailed`] answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DraftCall {
    Edit,
    Approve,
    Reject,
}

impl DraftCall {
    pub fn verb(self) -> &'static str {
        match self {
            DraftCall::Edit => "save",
            DraftCall::Approve => "approve",
            DraftCall::Reject => "reject",
        }
    }
}

/// Something the worker learnt.
#[derive(Debug, Clone, PartialEq)]
pub enum Update {
    /// Trying to connect now.
    Connecting,
    Connected(Box<Welcome>),
    /// The connection failed or was lost; the next try is at `retry_at`.
    Disconnected {
        reason: String,
        retry_at: DateTime<Utc>,
    },
    /// The jobs list, newest first.
    Jobs(Vec<Job>),
    Status(Box<DaemonStatus>),
    /// A fresh copy of one job.
    JobChanged(Box<Job>),
    /// Log entries of a watched job (possibly none) and its status then.
    Log {
        job: JobId,
        entries: Vec<LogEntry>,
        status: JobStatus,
    },
    ActionDone {
        kind: ActionKind,
        job: Box<Job>,
    },
    ActionFailed {
        kind: ActionKind,
        job: Option<JobId>,
        error: String,
    },
    /// The products of a watched job, cheapest first, or why they could
    /// not be listed.
    Products {
        job: JobId,
        result: Result<Vec<Product>, String>,
    },
    /// A product's screenshot, decoded, or why there is none.
    Screenshot {
        product: Uuid,
        result: Result<Arc<DynamicImage>, String>,
    },
    /// The answer to [`Action::Find`] number `seq`, or why there is none.
    Found {
        seq: u64,
        result: Result<Vec<Found>, String>,
    },
    /// A job's shortlist, or why it could not be fetched.
    Shortlist {
        job: JobId,
        result: Result<Shortlist, String>,
    },
    /// The organization's model usage, or why it could not be fetched.
    Usage(Result<Box<UsageReport>, String>),
    /// The drafts waiting for approval, oldest first, or why they could
    /// not be listed.
    Approvals(Result<Vec<Approval>, String>),
    /// The daemon carried out an edit, approval or rejection; `draft` is
    /// the draft as it is now.
    DraftDone {
        call: DraftCall,
        draft: Box<Approval>,
    },
    /// It refused (the daemon's words) or the call failed.
    DraftFailed {
        call: DraftCall,
        id: Uuid,
        error: String,
    },
    /// A call failed in a way worth showing, the connection being fine.
    Error(String),
    /// The process was asked to stop (SIGTERM, SIGHUP).
    Terminate,
}
