//! The transactional outbox over `negotiation_messages`: claim an approved
//! message under a lease (`FOR UPDATE SKIP LOCKED`, so many daemons share
//! the work and never take one message twice), then record how its
//! delivery ended. Every state change of the negotiation goes through
//! [`super::negotiations::transition`] and is audited.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use procura_common::job::JobId;
use procura_common::negotiation::{DeliveryState, NegotiationState, Outbound, OutboundAction};
use uuid::Uuid;

use super::negotiations::{Actor, NegotiationError, transition};
use super::schema::{negotiation_messages, negotiations, vendors};
use super::{Database, DbError};

/// A message claimed for delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claimed {
    pub id: Uuid,
    pub negotiation_id: Uuid,
    pub organization_id: Uuid,
    pub job_id: JobId,
    pub vendor: String,
    pub recipient: Option<String>,
    pub subject: String,
    pub body: String,
    pub message_id: String,
    pub in_reply_to: Option<String>,
    pub approved_at: DateTime<Utc>,
    pub attempts: i32,
    /// A blob to attach and its file name (a purchase order's PDF).
    pub attachment: Option<(String, String)>,
    /// Claimed before by a daemon that died after handing it to the
    /// transport: it may have gone out already. (One that died before
    /// that is claimed as if fresh.)
    pub recovered: bool,
}

/// How a delivery ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivered {
    Sent {
        by: &'static str,
    },
    /// Try again at `at`.
    Retry {
        error: String,
        at: DateTime<Utc>,
    },
    Failed {
        error: String,
    },
    /// Maybe sent: a human decides.
    Unknown {
        why: String,
    },
}

type ClaimRow = (
    Uuid,
    Uuid,
    Uuid,
    Uuid,
    String,
    Option<String>,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<DateTime<Utc>>,
    i32,
    String,
    Option<DateTime<Utc>>,
    Option<String>,
    Option<String>,
);

impl Database {
    /// Claims the oldest approved message that is due, or one whose
    /// sender's lease expired, for `lease`.
    pub async fn claim_outbound(
        &self,
        owner: &str,
        lease: std::time::Duration,
    ) -> Result<Option<Claimed>, NegotiationError> {
        let lease_ms = i64::try_from(lease.as_millis()).unwrap_or(i64::MAX);
        let mut conn = self.conn().await?;
        conn.transaction::<_, NegotiationError, _>(async |conn| {
            let now = diesel::dsl::now;
            let due = negotiation_messages::status.eq("approved").and(
                negotiation_messages::next_attempt_at
                    .is_null()
                    .or(negotiation_messages::next_attempt_at.le(now)),
            );
            let stale = negotiation_messages::status
                .eq("sending")
                .and(negotiation_messages::claim_expires_at.lt(now));
            // Lock the message row alone: a join would lock (and skip) the
            // negotiation and vendor rows too.
            let picked: Option<Uuid> = negotiation_messages::table
                .filter(negotiation_messages::direction.eq("outbound"))
                .filter(due.or(stale))
                .order(negotiation_messages::approved_at.asc())
                .select(negotiation_messages::id)
                .limit(1)
                .for_update()
                .skip_locked()
                .first(conn)
                .await
                .optional()?;
            let Some(picked) = picked else {
                return Ok(None);
            };
            let row: Option<ClaimRow> = negotiation_messages::table
                .inner_join(negotiations::table.inner_join(vendors::table))
                .filter(negotiation_messages::id.eq(picked))
                .select((
                    negotiation_messages::id,
                    negotiations::id,
                    negotiations::organization_id,
                    negotiations::job_id,
                    vendors::name,
                    negotiation_messages::recipient,
                    negotiation_messages::subject,
                    negotiation_messages::body,
                    negotiation_messages::message_id,
                    negotiation_messages::in_reply_to,
                    negotiation_messages::approved_at,
                    negotiation_messages::attempts,
                    negotiation_messages::status,
                    negotiation_messages::handed_over_at,
                    negotiation_messages::attachment_blob,
                    negotiation_messages::attachment_name,
                ))
                .first(conn)
                .await
                .optional()?;
            let Some(row) = row else {
                return Ok(None);
            };
            let (id, negotiation_id, organization_id, job_id, vendor, recipient, subject, body) =
                (row.0, row.1, row.2, row.3, row.4, row.5, row.6, row.7);
            let abandoned = row.12 == "sending";
            let recovered = abandoned && row.13.is_some();
            let message_id = row.8.ok_or_else(|| {
                DbError::Corrupt(format!("approved message {id} has no Message-ID"))
            })?;
            let approved_at = row.10.ok_or_else(|| {
                DbError::Corrupt(format!("approved message {id} has no approval time"))
            })?;
            let attempts = row.11 + i32::from(!abandoned);
            diesel::update(negotiation_messages::table.find(id))
                .set((
                    negotiation_messages::status.eq("sending"),
                    negotiation_messages::claimed_by.eq(owner),
                    negotiation_messages::claim_expires_at.eq(diesel::dsl::sql::<
                        diesel::sql_types::Nullable<diesel::sql_types::Timestamptz>,
                    >("now() + (")
                    .bind::<diesel::sql_types::BigInt, _>(lease_ms)
                    .sql(" * interval '1 millisecond')")),
                    negotiation_messages::attempts.eq(attempts),
                    negotiation_messages::updated_at.eq(now),
                ))
                .execute(conn)
                .await?;
            if !recovered {
                diesel::update(negotiation_messages::table.find(id))
                    .set(negotiation_messages::handed_over_at.eq(None::<DateTime<Utc>>))
                    .execute(conn)
                    .await?;
            }
            // Only a request or counter moves its negotiation as it goes
            // out; a purchase order's email leaves it ordered.
            let moves = !abandoned
                && super::negotiations::state_of(conn, negotiation_id).await?
                    == NegotiationState::Approved;
            if moves {
                transition(
                    conn,
                    organization_id,
                    negotiation_id,
                    NegotiationState::Sending,
                    Actor::Agent,
                    serde_json::json!({ "message": id, "attempt": attempts }),
                )
                .await?;
            }
            Ok(Some(Claimed {
                id,
                negotiation_id,
                organization_id,
                job_id,
                vendor,
                recipient,
                subject,
                body,
                message_id,
                in_reply_to: row.9,
                approved_at,
                attempts,
                attachment: row.14.zip(row.15),
                recovered,
            }))
        })
        .await
    }

    /// Records that `owner` is about to hand the message to the transport;
    /// `false` if the claim is no longer its own.
    pub async fn hand_over(&self, claimed: &Claimed, owner: &str) -> Result<bool, DbError> {
        let mut conn = self.conn().await?;
        let updated = diesel::update(
            negotiation_messages::table
                .find(claimed.id)
                .filter(negotiation_messages::status.eq("sending"))
                .filter(negotiation_messages::claimed_by.eq(owner)),
        )
        .set(negotiation_messages::handed_over_at.eq(diesel::dsl::now))
        .execute(&mut conn)
        .await?;
        Ok(updated == 1)
    }

    /// Records how the delivery of a claimed message ended, if `owner`
    /// still holds the claim (else another sender took over and this
    /// result is dropped: `false`).
    pub async fn finish_outbound(
        &self,
        claimed: &Claimed,
        owner: &str,
        result: &Delivered,
    ) -> Result<bool, NegotiationError> {
        let mut conn = self.conn().await?;
        conn.transaction::<_, NegotiationError, _>(async |conn| {
            let holder: Option<Option<String>> = negotiation_messages::table
                .find(claimed.id)
                .filter(negotiation_messages::status.eq("sending"))
                .select(negotiation_messages::claimed_by)
                .for_update()
                .first(conn)
                .await
                .optional()?;
            if holder.flatten().as_deref() != Some(owner) {
                return Ok(false);
            }
            let (status, to, error, next_at, by) = match result {
                Delivered::Sent { by } => {
                    ("sent", Some(NegotiationState::Sent), None, None, Some(*by))
                }
                Delivered::Retry { error, at } => (
                    "approved",
                    Some(NegotiationState::Approved),
                    Some(error.clone()),
                    Some(*at),
                    None,
                ),
                Delivered::Failed { error } => (
                    "failed",
                    Some(NegotiationState::Approved),
                    Some(error.clone()),
                    None,
                    None,
                ),
                Delivered::Unknown { why } => ("unknown", None, Some(why.clone()), None, None),
            };
            diesel::update(negotiation_messages::table.find(claimed.id))
                .set((
                    negotiation_messages::status.eq(status),
                    negotiation_messages::error.eq(error),
                    negotiation_messages::next_attempt_at.eq(next_at),
                    negotiation_messages::claimed_by.eq(None::<String>),
                    negotiation_messages::claim_expires_at.eq(None::<DateTime<Utc>>),
                    negotiation_messages::updated_at.eq(diesel::dsl::now),
                ))
                .execute(conn)
                .await?;
            if let Some(by) = by {
                diesel::update(negotiation_messages::table.find(claimed.id))
                    .set((
                        negotiation_messages::sent_at.eq(diesel::dsl::now),
                        negotiation_messages::delivered_by.eq(by),
                    ))
                    .execute(conn)
                    .await?;
            }
            let sending = super::negotiations::state_of(conn, claimed.negotiation_id).await?
                == NegotiationState::Sending;
            if let Some(to) = to.filter(|_| sending) {
                transition(
                    conn,
                    claimed.organization_id,
                    claimed.negotiation_id,
                    to,
                    Actor::Agent,
                    serde_json::json!({ "message": claimed.id, "delivery": status }),
                )
                .await?;
            }
            Ok(true)
        })
        .await
    }

    /// The organization's approved messages and their delivery, newest
    /// first.
    pub async fn outbox(&self, organization_id: Uuid) -> Result<Vec<Outbound>, DbError> {
        let mut conn = self.conn().await?;
        outbound_rows(&mut conn, organization_id, None).await
    }

    /// Resends a failed or unknown message, or marks an unknown one sent.
    pub async fn resolve_outbound(
        &self,
        organization_id: Uuid,
        id: Uuid,
        action: OutboundAction,
        operator: Uuid,
    ) -> Result<Outbound, NegotiationError> {
        let mut conn = self.conn().await?;
        conn.transaction::<_, NegotiationError, _>(async |conn| {
            let found: Option<(Uuid, String)> = negotiation_messages::table
                .inner_join(negotiations::table)
                .filter(negotiation_messages::id.eq(id))
                .filter(negotiations::organization_id.eq(organization_id))
                .filter(negotiation_messages::direction.eq("outbound"))
                .select((negotiations::id, negotiation_messages::status))
                .for_update()
                .first(conn)
                .await
                .optional()?;
            let Some((negotiation_id, status)) = found else {
                return Err(NegotiationError::NotFound(id));
            };
            let state = DeliveryState::parse(&status);
            let (new_status, to) = match (action, state) {
                (OutboundAction::Resend, Some(DeliveryState::Failed)) => ("approved", None),
                (OutboundAction::Resend, Some(DeliveryState::Unknown)) => {
                    ("approved", Some(NegotiationState::Approved))
                }
                (OutboundAction::MarkSent, Some(DeliveryState::Unknown)) => {
                    ("sent", Some(NegotiationState::Sent))
                }
                _ => {
                    return Err(NegotiationError::BadInput(format!(
                        "message {id} is {status}: only a failed or unknown message can be resent, and only an unknown one marked sent"
                    )));
                }
            };
            diesel::update(negotiation_messages::table.find(id))
                .set((
                    negotiation_messages::status.eq(new_status),
                    negotiation_messages::next_attempt_at.eq(None::<DateTime<Utc>>),
                    negotiation_messages::updated_at.eq(diesel::dsl::now),
                ))
                .execute(conn)
                .await?;
            if new_status == "sent" {
                diesel::update(negotiation_messages::table.find(id))
                    .set(negotiation_messages::sent_at.eq(diesel::dsl::now))
                    .execute(conn)
                    .await?;
            }
            let sending = super::negotiations::state_of(conn, negotiation_id).await?
                == NegotiationState::Sending;
            if let Some(to) = to.filter(|_| sending) {
                transition(
                    conn,
                    organization_id,
                    negotiation_id,
                    to,
                    Actor::Operator(operator),
                    serde_json::json!({ "message": id, "resolved": format!("{action:?}") }),
                )
                .await?;
            }
            Ok(())
        })
        .await?;
        let mut rows = outbound_rows(&mut conn, organization_id, Some(id)).await?;
        rows.pop().ok_or(NegotiationError::NotFound(id))
    }
}

async fn outbound_rows(
    conn: &mut AsyncPgConnection,
    organization_id: Uuid,
    only: Option<Uuid>,
) -> Result<Vec<Outbound>, DbError> {
    type Row = (
        Uuid,
        Uuid,
        String,
        Option<String>,
        String,
        Option<String>,
        String,
        i32,
        Option<String>,
        Option<DateTime<Utc>>,
        Option<DateTime<Utc>>,
        Option<DateTime<Utc>>,
        Option<String>,
    );
    let mut query = negotiation_messages::table
        .inner_join(negotiations::table.inner_join(vendors::table))
        .filter(negotiations::organization_id.eq(organization_id))
        .filter(negotiation_messages::direction.eq("outbound"))
        .filter(
            negotiation_messages::status
                .eq_any(["approved", "sending", "sent", "failed", "unknown"]),
        )
        .order(negotiation_messages::approved_at.desc())
        .limit(1000)
        .into_boxed();
    if let Some(id) = only {
        query = query.filter(negotiation_messages::id.eq(id));
    }
    let rows: Vec<Row> = query
        .select((
            negotiation_messages::id,
            negotiations::job_id,
            vendors::name,
            negotiation_messages::recipient,
            negotiation_messages::subject,
            negotiation_messages::message_id,
            negotiation_messages::status,
            negotiation_messages::attempts,
            negotiation_messages::error,
            negotiation_messages::next_attempt_at,
            negotiation_messages::approved_at,
            negotiation_messages::sent_at,
            negotiation_messages::delivered_by,
        ))
        .load(conn)
        .await?;
    rows.into_iter()
        .map(|r| {
            let state = DeliveryState::parse(&r.6)
                .ok_or_else(|| DbError::Corrupt(format!("message {}: status {:?}", r.0, r.6)))?;
            Ok(Outbound {
                id: r.0,
                job_id: r.1,
                vendor: r.2,
                to: r.3,
                subject: r.4,
                message_id: r.5,
                state,
                attempts: r.7,
                error: r.8,
                next_attempt_at: r.9,
                approved_at: r.10,
                sent_at: r.11,
                delivered_by: r.12,
            })
        })
        .collect()
}
