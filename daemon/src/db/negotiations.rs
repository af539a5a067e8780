//! Negotiations and their messages: drafts written by the `draft` node,
//! the approvals inbox, and every state change checked against
//! [`NegotiationState::check`] under the negotiation's row lock and recorded
//! as an audit event with the operator who caused it.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use procura_common::job::JobId;
use procura_common::negotiation::{
    Approval, DraftEdit, DraftedBy, InvalidTransition, NegotiationState,
};
use uuid::Uuid;

use super::schema::{
    audit_events, negotiation_messages, negotiations, organizations, products, vendors,
};
use super::{Database, DbError};

/// What a negotiation call can be refused with, besides the database.
#[derive(Debug, thiserror::Error)]
pub enum NegotiationError {
    #[error("no draft {0} in this organization")]
    NotFound(Uuid),
    #[error(transparent)]
    Invalid(#[from] InvalidTransition),
    #[error("draft {id} is {status}, not a draft any more")]
    NotADraft { id: Uuid, status: String },
    #[error("{0}")]
    BadInput(String),
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<diesel::result::Error> for NegotiationError {
    fn from(e: diesel::result::Error) -> Self {
        NegotiationError::Db(DbError::Query(e))
    }
}

/// A draft the `draft` node stores for one vendor.
#[derive(Debug, Clone)]
pub struct NewDraft {
    pub organization_id: Uuid,
    pub job_id: JobId,
    pub vendor_id: Uuid,
    pub brief: serde_json::Value,
    pub recipient: Option<String>,
    pub subject: String,
    pub body: String,
    pub drafted_by: DraftedBy,
}

/// Who caused a change: an operator, or the agent itself.
#[derive(Debug, Clone, Copy)]
pub enum Actor {
    Operator(Uuid),
    Agent,
}

impl Actor {
    fn user_id(self) -> Option<Uuid> {
        match self {
            Actor::Operator(id) => Some(id),
            Actor::Agent => None,
        }
    }
}

#[derive(Queryable)]
struct ApprovalRow {
    id: Uuid,
    negotiation_id: Uuid,
    job_id: Uuid,
    vendor: String,
    to: Option<String>,
    subject: String,
    body: String,
    drafted_by: Option<serde_json::Value>,
    state: String,
    created_at: DateTime<Utc>,
}

impl ApprovalRow {
    fn into_approval(self) -> Result<Approval, DbError> {
        let corrupt = |what: &str, e: &dyn std::fmt::Display| {
            DbError::Corrupt(format!("message {} {what}: {e}", self.id))
        };
        let state = self
            .state
            .parse::<NegotiationState>()
            .map_err(|e| corrupt("state", &e))?;
        let drafted_by = match &self.drafted_by {
            Some(v) => serde_json::from_value(v.clone()).map_err(|e| corrupt("drafted_by", &e))?,
            None => DraftedBy::Template,
        };
        Ok(Approval {
            id: self.id,
            negotiation_id: self.negotiation_id,
            job_id: self.job_id,
            vendor: self.vendor,
            to: self.to,
            subject: self.subject,
            body: self.body,
            drafted_by,
            state,
            created_at: self.created_at,
        })
    }
}

/// A vendor of a job's products, as a draft addresses it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VendorContact {
    pub id: Uuid,
    pub name: String,
    pub email: Option<String>,
}

impl Database {
    /// The vendors of a job's products, and the organization's name, for
    /// the `draft` node.
    pub async fn draft_context(
        &self,
        organization_id: Uuid,
        job: JobId,
    ) -> Result<(String, Vec<VendorContact>), DbError> {
        let mut conn = self.conn().await?;
        let organization: String = organizations::table
            .find(organization_id)
            .select(organizations::name)
            .first(&mut conn)
            .await?;
        let vendors: Vec<(Uuid, String, Option<String>)> = vendors::table
            .filter(vendors::organization_id.eq(organization_id))
            .filter(
                vendors::id.eq_any(
                    products::table
                        .filter(products::job_id.eq(job))
                        .select(products::vendor_id.assume_not_null()),
                ),
            )
            .select((vendors::id, vendors::name, vendors::contact_email))
            .load(&mut conn)
            .await?;
        Ok((
            organization,
            vendors
                .into_iter()
                .map(|(id, name, email)| VendorContact { id, name, email })
                .collect(),
        ))
    }

    /// Stores a draft for `(job, vendor)` and puts it in the approvals
    /// inbox, unless that vendor already has a negotiation for the job (a
    /// re-run of the node): then nothing changes and `None` comes back.
    pub async fn store_draft(&self, draft: &NewDraft) -> Result<Option<Uuid>, NegotiationError> {
        let mut conn = self.conn().await?;
        conn.transaction::<_, NegotiationError, _>(async |conn| {
            let negotiation_id = Uuid::new_v4();
            let inserted = diesel::insert_into(negotiations::table)
                .values((
                    negotiations::id.eq(negotiation_id),
                    negotiations::organization_id.eq(draft.organization_id),
                    negotiations::job_id.eq(draft.job_id),
                    negotiations::vendor_id.eq(draft.vendor_id),
                    negotiations::status.eq(NegotiationState::Drafted.as_str()),
                    negotiations::brief.eq(&draft.brief),
                ))
                .on_conflict((negotiations::job_id, negotiations::vendor_id))
                .do_nothing()
                .execute(conn)
                .await?;
            if inserted == 0 {
                return Ok(None);
            }
            audit(
                conn,
                draft.organization_id,
                Actor::Agent,
                "negotiation.drafted",
                negotiation_id,
                serde_json::json!({ "job": draft.job_id, "to": NegotiationState::Drafted.as_str() }),
            )
            .await?;
            let message_id = Uuid::new_v4();
            let drafted_by = serde_json::to_value(&draft.drafted_by)
                .map_err(|e| DbError::Corrupt(format!("drafted_by: {e}")))?;
            diesel::insert_into(negotiation_messages::table)
                .values((
                    negotiation_messages::id.eq(message_id),
                    negotiation_messages::negotiation_id.eq(negotiation_id),
                    negotiation_messages::direction.eq("outbound"),
                    negotiation_messages::status.eq("draft"),
                    negotiation_messages::subject.eq(&draft.subject),
                    negotiation_messages::body.eq(&draft.body),
                    negotiation_messages::recipient.eq(&draft.recipient),
                    negotiation_messages::drafted_by.eq(drafted_by),
                ))
                .execute(conn)
                .await?;
            transition(
                conn,
                draft.organization_id,
                negotiation_id,
                NegotiationState::AwaitingApproval,
                Actor::Agent,
                serde_json::json!({ "message": message_id }),
            )
            .await?;
            Ok(Some(message_id))
        })
        .await
    }

    /// Drafts waiting for approval in the organization, oldest first; with
    /// `job`, that job's only.
    pub async fn approvals(
        &self,
        organization_id: Uuid,
        job: Option<JobId>,
    ) -> Result<Vec<Approval>, DbError> {
        let mut conn = self.conn().await?;
        let mut query = approval_query()
            .filter(negotiations::organization_id.eq(organization_id))
            .filter(negotiation_messages::status.eq("draft"))
            .order(negotiation_messages::created_at.asc())
            .into_boxed();
        if let Some(job) = job {
            query = query.filter(negotiations::job_id.eq(job));
        }
        let rows: Vec<ApprovalRow> = query.load(&mut conn).await?;
        rows.into_iter().map(ApprovalRow::into_approval).collect()
    }

    /// One message of the organization, whatever its state.
    pub async fn approval(
        &self,
        organization_id: Uuid,
        id: Uuid,
    ) -> Result<Option<Approval>, DbError> {
        let mut conn = self.conn().await?;
        let row: Option<ApprovalRow> = approval_query()
            .filter(negotiations::organization_id.eq(organization_id))
            .filter(negotiation_messages::id.eq(id))
            .first(&mut conn)
            .await
            .optional()?;
        row.map(ApprovalRow::into_approval).transpose()
    }

    /// Replaces a draft's subject and body before approval.
    pub async fn edit_draft(
        &self,
        organization_id: Uuid,
        edit: &DraftEdit,
        operator: Uuid,
    ) -> Result<Approval, NegotiationError> {
        check_edit(edit)?;
        let mut conn = self.conn().await?;
        conn.transaction::<_, NegotiationError, _>(async |conn| {
            let negotiation_id = lock_draft(conn, organization_id, edit.id).await?;
            diesel::update(negotiation_messages::table.find(edit.id))
                .set((
                    negotiation_messages::subject.eq(&edit.subject),
                    negotiation_messages::body.eq(&edit.body),
                    negotiation_messages::updated_at.eq(diesel::dsl::now),
                ))
                .execute(conn)
                .await?;
            audit(
                conn,
                organization_id,
                Actor::Operator(operator),
                "negotiation.edited",
                negotiation_id,
                serde_json::json!({ "message": edit.id }),
            )
            .await?;
            Ok(())
        })
        .await?;
        self.approval(organization_id, edit.id)
            .await?
            .ok_or(NegotiationError::NotFound(edit.id))
    }

    /// Approves a draft: the message gets its fixed Message-ID and waits in
    /// the outbox.
    pub async fn approve_draft(
        &self,
        organization_id: Uuid,
        id: Uuid,
        operator: Uuid,
        message_id_domain: &str,
    ) -> Result<Approval, NegotiationError> {
        let mut conn = self.conn().await?;
        conn.transaction::<_, NegotiationError, _>(async |conn| {
            let negotiation_id = lock_draft(conn, organization_id, id).await?;
            // A request or counter moves the negotiation to approved; a
            // purchase order's email, drafted once the offer was accepted,
            // makes it ordered.
            let to = match state_of(conn, negotiation_id).await? {
                NegotiationState::Accepted => NegotiationState::Ordered,
                _ => NegotiationState::Approved,
            };
            transition(
                conn,
                organization_id,
                negotiation_id,
                to,
                Actor::Operator(operator),
                serde_json::json!({ "message": id }),
            )
            .await?;
            diesel::update(negotiation_messages::table.find(id))
                .set((
                    negotiation_messages::status.eq("approved"),
                    negotiation_messages::message_id
                        .eq(format!("<{}@{message_id_domain}>", id.simple())),
                    negotiation_messages::approved_by.eq(operator),
                    negotiation_messages::approved_at.eq(diesel::dsl::now),
                    negotiation_messages::updated_at.eq(diesel::dsl::now),
                ))
                .execute(conn)
                .await?;
            Ok(())
        })
        .await?;
        self.approval(organization_id, id)
            .await?
            .ok_or(NegotiationError::NotFound(id))
    }

    /// Rejects a draft with the approver's reason; it is never sent.
    pub async fn reject_draft(
        &self,
        organization_id: Uuid,
        id: Uuid,
        operator: Uuid,
        reason: &str,
    ) -> Result<Approval, NegotiationError> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(NegotiationError::BadInput(
                "a rejection needs a reason (--reason TEXT)".into(),
            ));
        }
        if reason.chars().count() > 2_000 {
            return Err(NegotiationError::BadInput(
                "the reason is over 2000 characters".into(),
            ));
        }
        let mut conn = self.conn().await?;
        conn.transaction::<_, NegotiationError, _>(async |conn| {
            let negotiation_id = lock_draft(conn, organization_id, id).await?;
            // A rejected purchase-order email leaves the accepted offer as
            // it is (the order can be sent later); any other draft ends the
            // negotiation.
            if state_of(conn, negotiation_id).await? != NegotiationState::Accepted {
                transition(
                    conn,
                    organization_id,
                    negotiation_id,
                    NegotiationState::Rejected,
                    Actor::Operator(operator),
                    serde_json::json!({ "message": id, "reason": reason }),
                )
                .await?;
            }
            diesel::update(negotiation_messages::table.find(id))
                .set((
                    negotiation_messages::status.eq("rejected"),
                    negotiation_messages::rejected_reason.eq(reason),
                    negotiation_messages::updated_at.eq(diesel::dsl::now),
                ))
                .execute(conn)
                .await?;
            Ok(())
        })
        .await?;
        self.approval(organization_id, id)
            .await?
            .ok_or(NegotiationError::NotFound(id))
    }
}

type ApprovalColumns = (
    negotiation_messages::id,
    negotiations::id,
    negotiations::job_id,
    vendors::name,
    negotiation_messages::recipient,
    negotiation_messages::subject,
    negotiation_messages::body,
    negotiation_messages::drafted_by,
    negotiations::status,
    negotiation_messages::created_at,
);

const APPROVAL_COLUMNS: ApprovalColumns = (
    negotiation_messages::id,
    negotiations::id,
    negotiations::job_id,
    vendors::name,
    negotiation_messages::recipient,
    negotiation_messages::subject,
    negotiation_messages::body,
    negotiation_messages::drafted_by,
    negotiations::status,
    negotiation_messages::created_at,
);

#[allow(clippy::type_complexity)]
fn approval_query() -> diesel::dsl::Select<
    diesel::dsl::InnerJoin<
        negotiation_messages::table,
        diesel::dsl::InnerJoin<negotiations::table, vendors::table>,
    >,
    ApprovalColumns,
> {
    negotiation_messages::table
        .inner_join(negotiations::table.inner_join(vendors::table))
        .select(APPROVAL_COLUMNS)
}

fn check_edit(edit: &DraftEdit) -> Result<(), NegotiationError> {
    let subject = edit.subject.trim();
    if subject.is_empty() {
        return Err(NegotiationError::BadInput("the subject is empty".into()));
    }
    if subject.contains(['\r', '\n']) {
        return Err(NegotiationError::BadInput(
            "the subject must be one line".into(),
        ));
    }
    if subject.chars().count() > DraftEdit::MAX_SUBJECT_CHARS {
        return Err(NegotiationError::BadInput(format!(
            "the subject is over {} characters",
            DraftEdit::MAX_SUBJECT_CHARS
        )));
    }
    if edit.body.trim().is_empty() {
        return Err(NegotiationError::BadInput("the body is empty".into()));
    }
    if edit.body.chars().count() > DraftEdit::MAX_BODY_CHARS {
        return Err(NegotiationError::BadInput(format!(
            "the body is over {} characters",
            DraftEdit::MAX_BODY_CHARS
        )));
    }
    Ok(())
}

/// Where negotiation `id` stands (read under the caller's lock).
pub(crate) async fn state_of(
    conn: &mut AsyncPgConnection,
    id: Uuid,
) -> Result<NegotiationState, NegotiationError> {
    let status: String = negotiations::table
        .find(id)
        .select(negotiations::status)
        .first(conn)
        .await?;
    Ok(status
        .parse()
        .map_err(|e| DbError::Corrupt(format!("negotiation {id}: {e}")))?)
}

/// Locks the negotiation of draft message `id` and checks the message is
/// still a draft; returns the negotiation's id.
async fn lock_draft(
    conn: &mut AsyncPgConnection,
    organization_id: Uuid,
    id: Uuid,
) -> Result<Uuid, NegotiationError> {
    let found: Option<(Uuid, String)> = negotiation_messages::table
        .inner_join(negotiations::table)
        .filter(negotiation_messages::id.eq(id))
        .filter(negotiations::organization_id.eq(organization_id))
        .filter(negotiation_messages::direction.eq("outbound"))
        .select((negotiations::id, negotiation_messages::status))
        .first(conn)
        .await
        .optional()?;
    let Some((negotiation_id, _)) = found else {
        return Err(NegotiationError::NotFound(id));
    };
    negotiations::table
        .find(negotiation_id)
        .select(negotiations::id)
        .for_update()
        .first::<Uuid>(conn)
        .await?;
    // Read again under the lock: another approver may have got there first.
    let status: String = negotiation_messages::table
        .find(id)
        .select(negotiation_messages::status)
        .first(conn)
        .await?;
    if status != "draft" {
        return Err(NegotiationError::NotADraft { id, status });
    }
    Ok(negotiation_id)
}

/// Moves negotiation `id` to `to` if the machine allows it from where it
/// is, and records who did it. Call inside a transaction.
pub(crate) async fn transition(
    conn: &mut AsyncPgConnection,
    organization_id: Uuid,
    id: Uuid,
    to: NegotiationState,
    actor: Actor,
    data: serde_json::Value,
) -> Result<NegotiationState, NegotiationError> {
    let current: String = negotiations::table
        .find(id)
        .filter(negotiations::organization_id.eq(organization_id))
        .select(negotiations::status)
        .for_update()
        .first(conn)
        .await?;
    let from: NegotiationState = current
        .parse()
        .map_err(|e| DbError::Corrupt(format!("negotiation {id}: {e}")))?;
    from.check(to)?;
    diesel::update(negotiations::table.find(id))
        .set((
            negotiations::status.eq(to.as_str()),
            negotiations::updated_at.eq(diesel::dsl::now),
        ))
        .execute(conn)
        .await?;
    let mut data = data;
    if let Some(map) = data.as_object_mut() {
        map.insert("from".into(), from.as_str().into());
        map.insert("to".into(), to.as_str().into());
    }
    audit(
        conn,
        organization_id,
        actor,
        "negotiation.transition",
        id,
        data,
    )
    .await?;
    Ok(from)
}

async fn audit(
    conn: &mut AsyncPgConnection,
    organization_id: Uuid,
    actor: Actor,
    action: &str,
    negotiation_id: Uuid,
    data: serde_json::Value,
) -> Result<(), DbError> {
    diesel::insert_into(audit_events::table)
        .values((
            audit_events::organization_id.eq(organization_id),
            audit_events::user_id.eq(actor.user_id()),
            audit_events::action.eq(action),
            audit_events::subject_type.eq("negotiation"),
            audit_events::subject_id.eq(negotiation_id.to_string()),
            audit_events::data.eq(data),
        ))
        .execute(conn)
        .await?;
    Ok(())
}
