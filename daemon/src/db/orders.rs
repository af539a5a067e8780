//! What the operator does with a vendor's offer: accept it (a purchase
//! order with the next number, its PDF, and its email waiting for
//! approval), counter it (a new draft waiting for approval) or decline it.
//! Each runs in one transaction under the negotiation's row lock, so a
//! purchase-order number is taken only when the order is stored.

use chrono::Utc;
use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use procura_common::negotiation::{DraftedBy, NegotiationState, Offer, Thread};
use rust_decimal::Decimal;
use uuid::Uuid;

use super::negotiations::{Actor, NegotiationError, transition};
use super::replies::{po_number, threads_in};
use super::schema::{negotiation_messages, negotiations, po_counters, purchase_orders, vendors};
use super::{Database, DbError};

/// What accepting needs besides the database: the PDF is rendered inside
/// the transaction, between taking the number and storing the order.
pub trait OrderPrinter: Send + Sync {
    /// Renders `order` and stores the PDF; returns its blob key.
    fn print(&self, order: &procura_po::PurchaseOrder) -> Result<String, String>;
}

/// The buyer's side of an order.
#[derive(Debug, Clone)]
pub struct Buyer {
    pub name: String,
    pub email: String,
    pub terms: String,
}

struct Context {
    organization_id: Uuid,
    vendor: String,
    recipient: Option<String>,
    brief: procura_llm::DraftBrief,
    /// The latest reply: its Message-ID and offer.
    reply: Option<(String, Option<Offer>)>,
}

impl Database {
    pub async fn organization_name(&self, organization_id: Uuid) -> Result<String, DbError> {
        let mut conn = self.conn().await?;
        Ok(super::schema::organizations::table
            .find(organization_id)
            .select(super::schema::organizations::name)
            .first(&mut conn)
            .await?)
    }

    /// The blob of purchase order `id`'s PDF, if it is the organization's.
    pub async fn order_pdf_key(
        &self,
        organization_id: Uuid,
        id: Uuid,
    ) -> Result<Option<String>, DbError> {
        let mut conn = self.conn().await?;
        Ok(purchase_orders::table
            .find(id)
            .filter(purchase_orders::organization_id.eq(organization_id))
            .select(purchase_orders::pdf_blob)
            .first::<Option<String>>(&mut conn)
            .await
            .optional()?
            .flatten())
    }

    pub async fn accept_offer(
        &self,
        organization_id: Uuid,
        negotiation: Uuid,
        operator: Uuid,
        buyer: &Buyer,
        printer: &dyn OrderPrinter,
    ) -> Result<Thread, NegotiationError> {
        let mut conn = self.conn().await?;
        conn.transaction::<_, NegotiationError, _>(async |conn| {
            let cx = context(conn, organization_id, negotiation).await?;
            let (reply_id, offer) = cx.reply.clone().ok_or_else(|| {
                NegotiationError::BadInput("the vendor has not replied yet".into())
            })?;
            let offer = offer.unwrap_or_default();
            transition(
                conn,
                organization_id,
                negotiation,
                NegotiationState::Accepted,
                Actor::Operator(operator),
                serde_json::json!({ "reply": reply_id }),
            )
            .await?;
            let number: i64 = diesel::insert_into(po_counters::table)
                .values((
                    po_counters::organization_id.eq(organization_id),
                    po_counters::last_number.eq(1_i64),
                ))
                .on_conflict(po_counters::organization_id)
                .do_update()
                .set(po_counters::last_number.eq(po_counters::last_number + 1))
                .returning(po_counters::last_number)
                .get_result(conn)
                .await?;
            let order = purchase_order(&cx, &offer, buyer, &po_number(number), &reply_id)?;
            let pdf = printer.print(&order).map_err(NegotiationError::BadInput)?;
            let document =
                serde_json::to_value(&order).map_err(|e| DbError::Corrupt(e.to_string()))?;
            let message = Uuid::new_v4();
            let subject = format!("Purchase order {} — {}", order.number, cx.vendor);
            let body = po_email(&order, &cx.vendor);
            insert_draft(
                conn,
                negotiation,
                message,
                &subject,
                &body,
                cx.recipient.as_deref(),
                Some(&reply_id),
                Some((&pdf, &format!("{}.pdf", order.number))),
            )
            .await?;
            diesel::insert_into(purchase_orders::table)
                .values((
                    purchase_orders::id.eq(Uuid::new_v4()),
                    purchase_orders::organization_id.eq(organization_id),
                    purchase_orders::negotiation_id.eq(negotiation),
                    purchase_orders::po_number.eq(number),
                    purchase_orders::total_amount.eq(order.total()),
                    purchase_orders::currency.eq(&order.currency),
                    purchase_orders::status.eq("draft"),
                    purchase_orders::pdf_blob.eq(&pdf),
                    purchase_orders::created_by.eq(operator),
                    purchase_orders::document.eq(document),
                    purchase_orders::message_id.eq(message),
                ))
                .execute(conn)
                .await?;
            one_thread(conn, organization_id, negotiation).await
        })
        .await
    }

    pub async fn counter_offer(
        &self,
        organization_id: Uuid,
        negotiation: Uuid,
        operator: Uuid,
        unit_price: Decimal,
        note: Option<&str>,
        buyer: &Buyer,
    ) -> Result<Thread, NegotiationError> {
        if unit_price <= Decimal::ZERO {
            return Err(NegotiationError::BadInput(
                "a counter-offer needs a unit price above zero".into(),
            ));
        }
        let mut conn = self.conn().await?;
        conn.transaction::<_, NegotiationError, _>(async |conn| {
            let cx = context(conn, organization_id, negotiation).await?;
            let (reply_id, _) = cx
                .reply
                .clone()
                .ok_or_else(|| NegotiationError::BadInput("the vendor has not replied yet".into()))?;
            for to in [NegotiationState::Countered, NegotiationState::AwaitingApproval] {
                transition(
                    conn,
                    organization_id,
                    negotiation,
                    to,
                    Actor::Operator(operator),
                    serde_json::json!({ "unit_price": unit_price.to_string() }),
                )
                .await?;
            }
            let first = <[procura_llm::DraftProduct]>::first(&cx.brief.products);
            let item = first.map_or("the products", |p| p.title.as_str());
            let price = procura_llm::offline::format_money(unit_price, &cx.brief.currency);
            let mut body = format!(
                "Dear {} team,\n\nthank you for your offer. We would like to order {} × {item} at {price} per unit",
                cx.vendor, cx.brief.quantity
            );
            if let Some(deadline) = cx.brief.deadline {
                body.push_str(&format!(", delivered by {}", deadline.format("%-d %B %Y")));
            }
            body.push_str(". Could you confirm?\n");
            if let Some(note) = note.map(str::trim).filter(|n| !n.is_empty()) {
                body.push('\n');
                body.push_str(note);
                body.push('\n');
            }
            body.push_str(&format!("\nKind regards,\n{}\n", buyer.name));
            let subject = format!("Re: our order of {} × {item}", cx.brief.quantity);
            insert_draft(
                conn,
                negotiation,
                Uuid::new_v4(),
                &subject,
                &body,
                cx.recipient.as_deref(),
                Some(&reply_id),
                None,
            )
            .await?;
            one_thread(conn, organization_id, negotiation).await
        })
        .await
    }

    pub async fn decline_offer(
        &self,
        organization_id: Uuid,
        negotiation: Uuid,
        operator: Uuid,
        reason: &str,
    ) -> Result<Thread, NegotiationError> {
        if reason.trim().is_empty() {
            return Err(NegotiationError::BadInput(
                "declining needs a reason".into(),
            ));
        }
        let mut conn = self.conn().await?;
        conn.transaction::<_, NegotiationError, _>(async |conn| {
            transition(
                conn,
                organization_id,
                negotiation,
                NegotiationState::Declined,
                Actor::Operator(operator),
                serde_json::json!({ "reason": reason.trim() }),
            )
            .await?;
            one_thread(conn, organization_id, negotiation).await
        })
        .await
    }
}

async fn one_thread(
    conn: &mut AsyncPgConnection,
    organization_id: Uuid,
    negotiation: Uuid,
) -> Result<Thread, NegotiationError> {
    threads_in(conn, organization_id, None, Some(negotiation))
        .await?
        .pop()
        .ok_or(NegotiationError::NotFound(negotiation))
}

async fn context(
    conn: &mut AsyncPgConnection,
    organization_id: Uuid,
    negotiation: Uuid,
) -> Result<Context, NegotiationError> {
    let head: Option<(String, serde_json::Value, Option<String>)> = negotiations::table
        .inner_join(vendors::table)
        .filter(negotiations::id.eq(negotiation))
        .filter(negotiations::organization_id.eq(organization_id))
        .select((vendors::name, negotiations::brief, vendors::contact_email))
        .first(conn)
        .await
        .optional()?;
    let Some((vendor, brief, recipient)) = head else {
        return Err(NegotiationError::NotFound(negotiation));
    };
    let brief: procura_llm::DraftBrief = serde_json::from_value(brief)
        .map_err(|e| DbError::Corrupt(format!("negotiation {negotiation} brief: {e}")))?;
    let reply: Option<(Option<String>, Option<serde_json::Value>)> = negotiation_messages::table
        .filter(negotiation_messages::negotiation_id.eq(negotiation))
        .filter(negotiation_messages::direction.eq("inbound"))
        .order(negotiation_messages::created_at.desc())
        .select((
            negotiation_messages::message_id,
            negotiation_messages::offer,
        ))
        .first(conn)
        .await
        .optional()?;
    let reply = reply
        .and_then(|(id, offer)| Some((id?, offer.and_then(|o| serde_json::from_value(o).ok()))));
    Ok(Context {
        organization_id,
        vendor,
        recipient,
        brief,
        reply,
    })
}

#[allow(clippy::too_many_arguments)]
async fn insert_draft(
    conn: &mut AsyncPgConnection,
    negotiation: Uuid,
    id: Uuid,
    subject: &str,
    body: &str,
    recipient: Option<&str>,
    in_reply_to: Option<&str>,
    attachment: Option<(&str, &str)>,
) -> Result<(), DbError> {
    let drafted_by =
        serde_json::to_value(DraftedBy::Template).map_err(|e| DbError::Corrupt(e.to_string()))?;
    diesel::insert_into(negotiation_messages::table)
        .values((
            negotiation_messages::id.eq(id),
            negotiation_messages::negotiation_id.eq(negotiation),
            negotiation_messages::direction.eq("outbound"),
            negotiation_messages::status.eq("draft"),
            negotiation_messages::subject.eq(subject),
            negotiation_messages::body.eq(body),
            negotiation_messages::recipient.eq(recipient),
            negotiation_messages::in_reply_to.eq(in_reply_to),
            negotiation_messages::drafted_by.eq(drafted_by),
            negotiation_messages::attachment_blob.eq(attachment.map(|a| a.0)),
            negotiation_messages::attachment_name.eq(attachment.map(|a| a.1)),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// The order the offer makes: the first product of the brief at the
/// offered unit price (or the listed price less the offered discount), for
/// the offered quantity (else the requested one), delivered on the
/// offered date (else by the deadline).
fn purchase_order(
    cx: &Context,
    offer: &Offer,
    buyer: &Buyer,
    number: &str,
    reference: &str,
) -> Result<procura_po::PurchaseOrder, NegotiationError> {
    let product = <[procura_llm::DraftProduct]>::first(&cx.brief.products)
        .ok_or_else(|| NegotiationError::BadInput("the negotiation names no product".into()))?;
    let unit_price = match (offer.unit_price, offer.discount_percent) {
        (Some(price), _) => price,
        (None, Some(discount)) => (product.unit_price * (Decimal::ONE_HUNDRED - discount)
            / Decimal::ONE_HUNDRED)
            .round_dp(2),
        (None, None) => {
            return Err(NegotiationError::BadInput(
                "the reply states no unit price or discount to accept; counter with a price instead".into(),
            ));
        }
    };
    let currency = offer
        .currency
        .clone()
        .unwrap_or_else(|| product.currency.clone());
    let order = procura_po::PurchaseOrder {
        number: number.to_string(),
        issued_on: Utc::now().date_naive(),
        buyer: procura_po::Party {
            name: buyer.name.clone(),
            address: Vec::new(),
            email: Some(buyer.email.clone()),
        },
        vendor: procura_po::Party {
            name: cx.vendor.clone(),
            address: Vec::new(),
            email: cx.recipient.clone(),
        },
        currency,
        lines: vec![procura_po::Line {
            description: product.title.clone(),
            sku: None,
            url: Some(product.url.clone()),
            quantity: offer.quantity.unwrap_or(cx.brief.quantity).max(1),
            unit_price,
        }],
        delivery_date: offer.delivery_date.or(cx.brief.deadline),
        terms: buyer.terms.clone(),
        reference: Some(format!("your offer {reference}")),
    };
    order
        .validate()
        .map_err(|e| NegotiationError::BadInput(format!("the order is not valid: {e}")))?;
    let _ = cx.organization_id;
    Ok(order)
}

fn po_email(order: &procura_po::PurchaseOrder, vendor: &str) -> String {
    let total = procura_po::format_amount(order.total(), &order.currency);
    let delivery = order
        .delivery_date
        .map(|d| format!(", delivered by {}", d.format("%-d %B %Y")))
        .unwrap_or_default();
    format!(
        "Dear {vendor} team,\n\nthank you for your offer. Please find attached our purchase order {} for {total}{delivery}.\n\nPlease confirm the order and the delivery date.\n\nKind regards,\n{}\n",
        order.number, order.buyer.name
    )
}
