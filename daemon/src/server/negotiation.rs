//! The approvals calls: list drafts, edit, approve and reject them, each
//! checked against the caller's role and organization.

use procura_common::error::ApiError;
use procura_common::job::JobId;
use procura_common::log::LogLevel;
use procura_common::negotiation::{Approval, DraftEdit, Outbound, OutboundAction};
use procura_common::user::Role;
use uuid::Uuid;

use super::{Session, internal};
use crate::db::negotiations::NegotiationError;

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

fn refused(e: NegotiationError) -> ApiError {
    match e {
        NegotiationError::NotFound(id) => ApiError::not_found("draft", id),
        NegotiationError::Invalid(t) => ApiError::Conflict(t.to_string()),
        NegotiationError::NotADraft { .. } => ApiError::Conflict(e.to_string()),
        NegotiationError::BadInput(m) => ApiError::InvalidRequest(m),
        NegotiationError::Db(e) => internal(e),
    }
}
