//! The approvals calls: list drafts, edit, approve and reject them, each
//! checked against the caller's role and organization.

use procura_common::error::ApiError;
use procura_common::job::JobId;
use procura_common::log::LogLevel;
use procura_common::negotiation::{
    Approval, DraftEdit, OfferDecision, Outbound, OutboundAction, Thread,
};
use procura_common::user::Role;
use uuid::Uuid;

use super::{Session, internal};
use crate::db::negotiations::NegotiationError;
use crate::db::orders::{Buyer, OrderPrinter};

impl Session {
    pub(super) async fn list_approvals(
        &self,
        job: Option<JobId>,
    ) -> Result<Vec<Approval>, ApiError> {
        let user = self.operator().await?;
        if let Some(job) = job {
            self.job_for(user, job).await?;
        }
        self.shared
            .db
            .approvals(user.organization_id, job)
            .await
            .map_err(internal)
    }

    pub(super) async fn edit_one(&self, edit: DraftEdit) -> Result<Approval, ApiError> {
        let user = self.require(Role::Operator, "editing a draft").await?;
        let edited = self
            .shared
            .db
            .edit_draft(user.organization_id, &edit, user.id)
            .await
            .map_err(refused)?;
        let message = format!("{} edited the draft to {}", user.name, edited.vendor);
        self.log_event(edited.job_id, LogLevel::Info, message)
            .await?;
        Ok(edited)
    }

    pub(super) async fn approve_one(&self, id: Uuid) -> Result<Approval, ApiError> {
        let user = self.require(Role::Approver, "approving a draft").await?;
        let domain = self.shared.services.mail.domain().to_string();
        let approved = self
            .shared
            .db
            .approve_draft(user.organization_id, id, user.id, &domain)
            .await
            .map_err(refused)?;
        let message = format!(
            "{} approved the email to {}; it goes out once",
            user.name, approved.vendor
        );
        self.log_event(approved.job_id, LogLevel::Info, message)
            .await?;
        self.shared.services.outbox_wake.notify_one();
        Ok(approved)
    }

    pub(super) async fn reject_one(&self, id: Uuid, reason: String) -> Result<Approval, ApiError> {
        let user = self.require(Role::Approver, "rejecting a draft").await?;
        let rejected = self
            .shared
            .db
            .reject_draft(user.organization_id, id, user.id, &reason)
            .await
            .map_err(refused)?;
        let message = format!(
            "{} rejected the email to {}: {}",
            user.name,
            rejected.vendor,
            reason.trim()
        );
        self.log_event(rejected.job_id, LogLevel::Info, message)
            .await?;
        Ok(rejected)
    }
}

impl Session {
    pub(super) async fn list_outbox(&self) -> Result<Vec<Outbound>, ApiError> {
        let user = self.operator().await?;
        self.shared
            .db
            .outbox(user.organization_id)
            .await
            .map_err(internal)
    }

    pub(super) async fn resolve_one(
        &self,
        id: Uuid,
        action: OutboundAction,
    ) -> Result<Outbound, ApiError> {
        let user = self
            .require(Role::Approver, "resolving an outbound email")
            .await?;
        let resolved = self
            .shared
            .db
            .resolve_outbound(user.organization_id, id, action, user.id)
            .await
            .map_err(refused)?;
        let message = match action {
            OutboundAction::Resend => {
                format!("{} sent the email to {} again", user.name, resolved.vendor)
            }
            OutboundAction::MarkSent => format!(
                "{} confirmed the email to {} went out",
                user.name, resolved.vendor
            ),
        };
        self.log_event(resolved.job_id, LogLevel::Info, message)
            .await?;
        self.shared.services.outbox_wake.notify_one();
        Ok(resolved)
    }
}

/// Renders a purchase order with the configured font and stores the PDF.
struct BlobPrinter {
    blobs: crate::blobs::BlobStore,
    fonts: procura_po::Fonts,
}

impl OrderPrinter for BlobPrinter {
    fn print(&self, order: &procura_po::PurchaseOrder) -> Result<String, String> {
        let pdf = procura_po::render(order, &self.fonts).map_err(|e| e.to_string())?;
        self.blobs.put(&pdf).map_err(|e| e.to_string())
    }
}

impl Session {
    pub(super) async fn list_threads(&self, job: Option<JobId>) -> Result<Vec<Thread>, ApiError> {
        let user = self.operator().await?;
        if let Some(job) = job {
            self.job_for(user, job).await?;
        }
        self.shared
            .db
            .threads(user.organization_id, job, None)
            .await
            .map_err(internal)
    }

    pub(super) async fn decide(
        &self,
        negotiation: Uuid,
        decision: OfferDecision,
    ) -> Result<Thread, ApiError> {
        let user = self.require(Role::Operator, "deciding on an offer").await?;
        let mail = &self.shared.services.mail;
        let db = &self.shared.db;
        let org = user.organization_id;
        let buyer_org = db.organization_name(org).await.map_err(internal)?;
        let buyer = Buyer {
            name: mail.buyer_name(&buyer_org),
            email: mail.from.clone(),
            terms: mail.po_terms.clone(),
        };
        let (thread, message) = match &decision {
            OfferDecision::Accept => {
                let printer = BlobPrinter {
                    blobs: self.shared.services.blobs.clone(),
                    fonts: match &mail.po_font {
                        Some(path) => {
                            procura_po::Fonts::single(procura_po::FontSource::File(path.clone()))
                        }
                        None => procura_po::Fonts::dejavu(),
                    },
                };
                let thread = db
                    .accept_offer(org, negotiation, user.id, &buyer, &printer)
                    .await
                    .map_err(refused)?;
                let number = thread
                    .purchase_order
                    .as_ref()
                    .map(|p| p.number.clone())
                    .unwrap_or_default();
                let message = format!(
                    "{} accepted the offer of {}; purchase order {number} waits for approval",
                    user.name, thread.vendor
                );
                (thread, message)
            }
            OfferDecision::Counter { unit_price, note } => {
                let thread = db
                    .counter_offer(
                        org,
                        negotiation,
                        user.id,
                        *unit_price,
                        note.as_deref(),
                        &buyer,
                    )
                    .await
                    .map_err(refused)?;
                let message = format!(
                    "{} countered {} at {unit_price} per unit; the email waits for approval",
                    user.name, thread.vendor
                );
                (thread, message)
            }
            OfferDecision::Decline { reason } => {
                let thread = db
                    .decline_offer(org, negotiation, user.id, reason)
                    .await
                    .map_err(refused)?;
                let message = format!(
                    "{} declined the offer of {}: {}",
                    user.name,
                    thread.vendor,
                    reason.trim()
                );
                (thread, message)
            }
        };
        self.log_event(thread.job_id, LogLevel::Info, message)
            .await?;
        Ok(thread)
    }

    pub(super) async fn order_pdf(&self, id: Uuid) -> Result<String, ApiError> {
        use base64::Engine;
        let user = self.operator().await?;
        let key = self
            .shared
            .db
            .order_pdf_key(user.organization_id, id)
            .await
            .map_err(internal)?
            .ok_or_else(|| ApiError::not_found("purchase order", id))?;
        let blobs = self.shared.services.blobs.clone();
        let pdf = tokio::task::spawn_blocking(move || blobs.get(&key))
            .await
            .map_err(|e| ApiError::Internal(e.to_string()))?
            .map_err(|e| ApiError::Internal(e.to_string()))?;
        Ok(base64::engine::general_purpose::STANDARD.encode(pdf))
    }
}

fn refused(e: NegotiationError) -> ApiError {
    match e {
        NegotiationError::NotFound(id) => ApiError::not_found("draft", id),
        NegotiationError::Invalid(t) => ApiError::Conflict(t.to_string()),
        NegotiationError::NotADraft { .. } => ApiError::Conflict(e.to_string()),
        NegotiationError::BadInput(m) => ApiError::InvalidRequest(m),
        NegotiationError::Db(e) => internal(e),
    }
}
