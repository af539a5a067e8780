//! Vendors' replies: stored against the negotiation whose email they
//! answer (by In-Reply-To and References), once each (their Message-ID is
//! unique), with the offer read out of them; the IMAP reader's cursor; and
//! whole threads for clients.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use procura_common::job::JobId;
use procura_common::negotiation::{
    NegotiationState, Offer, PurchaseOrderSummary, Thread, ThreadMessage,
};
use uuid::Uuid;

use super::negotiations::{Actor, NegotiationError, transition};
use super::schema::{mail_cursors, negotiation_messages, negotiations, purchase_orders, vendors};
use super::{Database, DbError};

/// A reply as read from the mailbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncomingReply {
    /// With angle brackets, as stored for outbound mail.
    pub message_id: String,
    /// In-Reply-To then References, with angle brackets.
    pub parents: Vec<String>,
    pub sender: Option<String>,
    pub subject: String,
    pub body: String,
}

/// A reply that was stored, for reading its offer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredReply {
    pub id: Uuid,
    pub negotiation_id: Uuid,
    pub organization_id: Uuid,
    pub job_id: JobId,
    pub vendor: String,
}

impl Database {
    /// Stores `reply` in the thread of the outbound message it answers;
    /// `None` when it answers none of ours or was stored before.
    pub async fn record_reply(
        &self,
        reply: &IncomingReply,
    ) -> Result<Option<StoredReply>, NegotiationError> {
        if reply.parents.is_empty() {
            return Ok(None);
        }
        let mut conn = self.conn().await?;
        conn.transaction::<_, NegotiationError, _>(async |conn| {
            let parent: Option<(Uuid, Uuid, Uuid, String, String)> = negotiation_messages::table
                .inner_join(negotiations::table.inner_join(vendors::table))
                .filter(negotiation_messages::direction.eq("outbound"))
                .filter(negotiation_messages::message_id.eq_any(&reply.parents))
                .order(negotiation_messages::created_at.desc())
                .select((
                    negotiations::id,
                    negotiations::organization_id,
                    negotiations::job_id,
                    vendors::name,
                    negotiations::status,
                ))
                .first(conn)
                .await
                .optional()?;
            let Some((negotiation_id, organization_id, job_id, vendor, status)) = parent else {
                return Ok(None);
            };
            let id = Uuid::new_v4();
            let inserted = diesel::insert_into(negotiation_messages::table)
                .values((
                    negotiation_messages::id.eq(id),
                    negotiation_messages::negotiation_id.eq(negotiation_id),
                    negotiation_messages::direction.eq("inbound"),
                    negotiation_messages::status.eq("received"),
                    negotiation_messages::subject.eq(&reply.subject),
                    negotiation_messages::body.eq(&reply.body),
                    negotiation_messages::message_id.eq(&reply.message_id),
                    negotiation_messages::in_reply_to.eq(<[String]>::first(&reply.parents)),
                    negotiation_messages::sender.eq(&reply.sender),
                ))
                .on_conflict(negotiation_messages::message_id)
                .do_nothing()
                .execute(conn)
                .await?;
            if inserted == 0 {
                return Ok(None);
            }
            // A reply to a sent request moves the negotiation on; one that
            // comes later (a second reply, a reply to our PO) only joins
            // the thread.
            if status == NegotiationState::Sent.as_str() {
                transition(
                    conn,
                    organization_id,
                    negotiation_id,
                    NegotiationState::Replied,
                    Actor::Agent,
                    serde_json::json!({ "message": id }),
                )
                .await?;
            }
            Ok(Some(StoredReply {
                id,
                negotiation_id,
                organization_id,
                job_id,
                vendor,
            }))
        })
        .await
    }

    /// Marks the sent messages among `ids` failed with `why` (a bounce);
    /// returns the job and vendor of each.
    pub async fn mark_bounced(
        &self,
        ids: &[String],
        why: &str,
    ) -> Result<Vec<(JobId, String)>, DbError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut conn = self.conn().await?;
        let bounced: Vec<Uuid> = diesel::update(
            negotiation_messages::table
                .filter(negotiation_messages::direction.eq("outbound"))
                .filter(negotiation_messages::status.eq("sent"))
                .filter(negotiation_messages::message_id.eq_any(ids)),
        )
        .set((
            negotiation_messages::status.eq("failed"),
            negotiation_messages::error.eq(format!("bounced: {why}")),
            negotiation_messages::updated_at.eq(diesel::dsl::now),
        ))
        .returning(negotiation_messages::negotiation_id)
        .get_results(&mut conn)
        .await?;
        let found: Vec<(Uuid, String)> = negotiations::table
            .inner_join(vendors::table)
            .filter(negotiations::id.eq_any(&bounced))
            .select((negotiations::job_id, vendors::name))
            .load(&mut conn)
            .await?;
        Ok(found)
    }

    pub async fn set_offer(&self, message: Uuid, offer: &Offer) -> Result<(), DbError> {
        let value = serde_json::to_value(offer).map_err(|e| DbError::Corrupt(e.to_string()))?;
        let mut conn = self.conn().await?;
        diesel::update(negotiation_messages::table.find(message))
            .set(negotiation_messages::offer.eq(value))
            .execute(&mut conn)
            .await?;
        Ok(())
    }

    /// The next UID to read in `mailbox`, if its UIDVALIDITY is still
    /// `uid_validity` (else from the start: the server renumbered it, and
    /// replies already stored are skipped by their Message-ID).
    pub async fn mail_cursor(&self, mailbox: &str, uid_validity: u32) -> Result<u32, DbError> {
        let mut conn = self.conn().await?;
        let row: Option<(i64, i64)> = mail_cursors::table
            .find(mailbox)
            .select((mail_cursors::uid_validity, mail_cursors::next_uid))
            .first(&mut conn)
            .await
            .optional()?;
        Ok(match row {
            Some((validity, next)) if validity == i64::from(uid_validity) => {
                u32::try_from(next).unwrap_or(1)
            }
            _ => 1,
        })
    }

    pub async fn set_mail_cursor(
        &self,
        mailbox: &str,
        uid_validity: u32,
        next_uid: u32,
    ) -> Result<(), DbError> {
        let mut conn = self.conn().await?;
        diesel::insert_into(mail_cursors::table)
            .values((
                mail_cursors::mailbox.eq(mailbox),
                mail_cursors::uid_validity.eq(i64::from(uid_validity)),
                mail_cursors::next_uid.eq(i64::from(next_uid)),
            ))
            .on_conflict(mail_cursors::mailbox)
            .do_update()
            .set((
                mail_cursors::uid_validity.eq(i64::from(uid_validity)),
                mail_cursors::next_uid.eq(i64::from(next_uid)),
                mail_cursors::updated_at.eq(diesel::dsl::now),
            ))
            .execute(&mut conn)
            .await?;
        Ok(())
    }

    /// The organization's negotiations with their threads, newest first.
    pub async fn threads(
        &self,
        organization_id: Uuid,
        job: Option<JobId>,
        only: Option<Uuid>,
    ) -> Result<Vec<Thread>, DbError> {
        let mut conn = self.conn().await?;
        threads_in(&mut conn, organization_id, job, only).await
    }
}

pub(crate) async fn threads_in(
    conn: &mut AsyncPgConnection,
    organization_id: Uuid,
    job: Option<JobId>,
    only: Option<Uuid>,
) -> Result<Vec<Thread>, DbError> {
    let mut query = negotiations::table
        .inner_join(vendors::table)
        .filter(negotiations::organization_id.eq(organization_id))
        .order(negotiations::created_at.desc())
        .select((
            negotiations::id,
            negotiations::job_id,
            vendors::name,
            negotiations::status,
        ))
        .limit(500)
        .into_boxed();
    if let Some(job) = job {
        query = query.filter(negotiations::job_id.eq(job));
    }
    if let Some(id) = only {
        query = query.filter(negotiations::id.eq(id));
    }
    let heads: Vec<(Uuid, Uuid, String, String)> = query.load(conn).await?;
    let ids: Vec<Uuid> = heads.iter().map(|h| h.0).collect();
    type MessageRow = (
        Uuid,
        Uuid,
        String,
        String,
        String,
        String,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<serde_json::Value>,
        Option<String>,
        DateTime<Utc>,
    );
    let messages: Vec<MessageRow> = negotiation_messages::table
        .filter(negotiation_messages::negotiation_id.eq_any(&ids))
        .order(negotiation_messages::created_at.asc())
        .select((
            negotiation_messages::id,
            negotiation_messages::negotiation_id,
            negotiation_messages::direction,
            negotiation_messages::status,
            negotiation_messages::subject,
            negotiation_messages::body,
            negotiation_messages::recipient,
            negotiation_messages::sender,
            negotiation_messages::message_id,
            negotiation_messages::offer,
            negotiation_messages::attachment_name,
            negotiation_messages::created_at,
        ))
        .load(conn)
        .await?;
    type OrderRow = (
        Uuid,
        Option<Uuid>,
        i64,
        rust_decimal::Decimal,
        String,
        DateTime<Utc>,
    );
    let orders: Vec<OrderRow> = purchase_orders::table
        .filter(purchase_orders::negotiation_id.eq_any(&ids))
        .select((
            purchase_orders::id,
            purchase_orders::negotiation_id,
            purchase_orders::po_number,
            purchase_orders::total_amount,
            purchase_orders::currency,
            purchase_orders::created_at,
        ))
        .load(conn)
        .await?;
    heads
        .into_iter()
        .map(|(id, job_id, vendor, status)| {
            let state = status
                .parse::<NegotiationState>()
                .map_err(|e| DbError::Corrupt(format!("negotiation {id}: {e}")))?;
            let thread: Vec<ThreadMessage> = messages
                .iter()
                .filter(|m| m.1 == id)
                .map(|m| ThreadMessage {
                    id: m.0,
                    direction: m.2.clone(),
                    status: m.3.clone(),
                    subject: m.4.clone(),
                    body: m.5.clone(),
                    counterpart: if m.2 == "inbound" {
                        m.7.clone()
                    } else {
                        m.6.clone()
                    },
                    message_id: m.8.clone(),
                    offer: m.9.clone().and_then(|v| serde_json::from_value(v).ok()),
                    attachment: m.10.clone(),
                    created_at: m.11,
                })
                .collect();
            let purchase_order =
                orders
                    .iter()
                    .find(|o| o.1 == Some(id))
                    .map(|o| PurchaseOrderSummary {
                        id: o.0,
                        number: po_number(o.2),
                        negotiation_id: id,
                        vendor: vendor.clone(),
                        total: o.3.round_dp(2),
                        currency: o.4.clone(),
                        created_at: o.5,
                    });
            Ok(Thread {
                negotiation_id: id,
                job_id,
                vendor,
                state,
                messages: thread,
                purchase_order,
            })
        })
        .collect()
}

/// How a purchase order's number is written.
pub fn po_number(n: i64) -> String {
    format!("PO-{n:06}")
}
