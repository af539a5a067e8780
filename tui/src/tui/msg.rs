//! What flows between the app and the network worker: [`Action`]s out,
//! [`Update`]s in. Nothing else connects them, so the app can be driven in
//! tests without a daemon.

use std::path::PathBuf;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use image::DynamicImage;
use procura_common::api::{DaemonStatus, Welcome};
use procura_common::job::{Job, JobId, JobStatus, SubmitSearch};
use procura_common::log::LogEntry;
use procura_common::negotiation::{
    Approval, DraftEdit, OfferDecision, Outbound, OutboundAction, Thread,
};
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
    /// List the negotiations (this job's, or all) now and again with
    /// every refresh until [`Action::UnwatchNegotiations`].
    WatchNegotiations(Option<JobId>),
    UnwatchNegotiations,
    /// Accept, counter or decline the offer in a negotiation's latest
    /// reply.
    DecideOffer {
        negotiation: Uuid,
        decision: OfferDecision,
    },
    /// Fetch a purchase order's PDF and write it to a file.
    ExportOrder(Box<Export>),
    /// List the approved email and its delivery now and again with every
    /// refresh until [`Action::UnwatchOutbox`].
    WatchOutbox,
    UnwatchOutbox,
    /// Resend a failed or unknown message, or mark an unknown one sent.
    ResolveOutbound {
        id: Uuid,
        action: OutboundAction,
    },
}

/// A purchase order's PDF to write to `path`: a new file, or over an
/// existing one only with `overwrite`. A relative path is taken from the
/// current directory, `~/` from the home directory, and a directory gets
/// `number.pdf` in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Export {
    pub order: Uuid,
    /// "PO-000001".
    pub number: String,
    pub path: PathBuf,
    pub overwrite: bool,
}

/// Why a purchase order's PDF was not written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExportError {
    /// The file is there and `overwrite` was not given: nothing was
    /// fetched or written.
    Exists(PathBuf),
    /// The daemon's refusal, a PDF that is not base64, or the file system's
    /// error.
    Failed(String),
}

/// Which decision an [`Update::OfferDone`] or [`Update::OfferFailed`]
/// answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OfferCall {
    Accept,
    Counter,
    Decline,
}

impl OfferCall {
    pub fn of(decision: &OfferDecision) -> Self {
        match decision {
            OfferDecision::Accept => OfferCall::Accept,
            OfferDecision::Counter { .. } => OfferCall::Counter,
            OfferDecision::Decline { .. } => OfferCall::Decline,
        }
    }

    pub fn verb(self) -> &'static str {
        match self {
            OfferCall::Accept => "accept",
            OfferCall::Counter => "counter",
            OfferCall::Decline => "decline",
        }
    }
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
    /// The negotiations listed for [`Action::WatchNegotiations`] of `job`,
    /// newest first, or why they could not be listed.
    Negotiations {
        job: Option<JobId>,
        result: Result<Vec<Thread>, String>,
    },
    /// The daemon carried out a decision on an offer; `thread` is the
    /// negotiation as it is now (with its purchase order once accepted).
    OfferDone {
        call: OfferCall,
        thread: Box<Thread>,
    },
    /// It refused (the daemon's words) or the call failed.
    OfferFailed {
        call: OfferCall,
        negotiation: Uuid,
        error: String,
    },
    /// A purchase order's PDF was written (where, and how many bytes), or
    /// why not.
    Exported {
        export: Box<Export>,
        result: Result<(PathBuf, u64), ExportError>,
    },
    /// The approved email, newest first, or why it could not be listed.
    Outbox(Result<Vec<Outbound>, String>),
    /// The daemon resent a message or marked it sent; `message` is it now.
    OutboundDone {
        action: OutboundAction,
        message: Box<Outbound>,
    },
    OutboundFailed {
        action: OutboundAction,
        id: Uuid,
        error: String,
    },
    /// A call failed in a way worth showing, the connection being fine.
    Error(String),
    /// The process was asked to stop (SIGTERM, SIGHUP).
    Terminate,
}
