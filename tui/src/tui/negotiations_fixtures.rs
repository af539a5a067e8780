//! Negotiations and outbound email for the tests: four vendors of the
//! chairs and paper jobs (an offer waiting for a decision, an accepted
//! one with its purchase order, a draft, one sent), and an outbox with a
//! failed, an unknown, a retrying and a sent message.

use chrono::{Duration, NaiveDate};
use procura_common::negotiation::{
    DeliveryState, NegotiationState, Offer, Outbound, PurchaseOrderSummary, Thread, ThreadMessage,
};
use rust_decimal::Decimal;
use uuid::Uuid;

use super::test_support::{id, now};

/// The id of negotiation `n`.
pub fn negotiation_id(n: u128) -> Uuid {
    Uuid::from_u128(0x6e00_0000_0000_4000_8000_0000_0000_0000 + n)
}

/// The id of message `k` of negotiation `n`.
pub fn message_id(n: u128, k: u128) -> Uuid {
    Uuid::from_u128(0x3e00_0000_0000_4000_8000_0000_0000_0000 + (n << 8) + k)
}

/// The id of purchase order `n`.
pub fn order_id(n: u128) -> Uuid {
    Uuid::from_u128(0x9000_0000_0000_4000_8000_0000_0000_0000 + n)
}

/// The id of outbound message `n`.
pub fn outbound_id(n: u128) -> Uuid {
    Uuid::from_u128(0x0b00_0000_0000_4000_8000_0000_0000_0000 + n)
}

pub fn offer(cents: i64, currency: &str, discount: Option<i64>, read_by: &str) -> Offer {
    Offer {
        unit_price: Some(Decimal::new(cents, 2)),
        currency: Some(currency.into()),
        discount_percent: discount.map(Decimal::from),
        quantity: Some(12),
        delivery_date: NaiveDate::from_ymd_opt(2025, 2, 20),
        read_by: read_by.into(),
    }
}

/// The request sent to `vendor`, `minutes_ago`.
pub fn request(n: u128, vendor: &str, status: &str, minutes_ago: i64) -> ThreadMessage {
    ThreadMessage {
        id: message_id(n, 1),
        direction: "outbound".into(),
        status: status.into(),
        subject: "Quote request: 12 ergonomic office chairs".into(),
        body: format!(
            "Hello {vendor} team,\n\nWe are looking to buy 12 ergonomic office chairs with a \
             mesh back, delivered by 1 March.\n\nCould you quote your best price per unit?\n\n\
             Best regards,\nAlice\n"
        ),
        counterpart: Some(format!("sales@{vendor}.example")),
        message_id: Some(format!("<{n}.1@procura.example>")),
        offer: None,
        attachment: None,
        created_at: now() - Duration::minutes(minutes_ago),
    }
}

/// The vendor's reply, with the offer read from it.
pub fn reply(n: u128, vendor: &str, offer: Offer, minutes_ago: i64) -> ThreadMessage {
    ThreadMessage {
        id: message_id(n, 2),
        direction: "inbound".into(),
        status: "received".into(),
        subject: "Re: Quote request: 12 ergonomic office chairs".into(),
        body: "Hello Alice,\n\nThank you for your enquiry. We can offer the chairs at the \
               price below for 12 units, delivered by 20 February.\n\nKind regards,\nAnna\n"
            .into(),
        counterpart: Some(format!("anna@{vendor}.example")),
        message_id: Some(format!("<r{n}@{vendor}.example>")),
        offer: Some(offer),
        attachment: None,
        created_at: now() - Duration::minutes(minutes_ago),
    }
}

/// A negotiation of the chairs job with `vendor`, in `state`.
pub fn thread(
    n: u128,
    vendor: &str,
    state: NegotiationState,
    messages: Vec<ThreadMessage>,
) -> Thread {
    Thread {
        negotiation_id: negotiation_id(n),
        job_id: id(1),
        vendor: vendor.into(),
        state,
        messages,
        purchase_order: None,
    }
}

/// The purchase order of negotiation `n`.
pub fn order(
    n: u128,
    number: &str,
    vendor: &str,
    cents: i64,
    currency: &str,
) -> PurchaseOrderSummary {
    PurchaseOrderSummary {
        id: order_id(n),
        number: number.into(),
        negotiation_id: negotiation_id(n),
        vendor: vendor.into(),
        total: Decimal::new(cents, 2),
        currency: currency.into(),
        created_at: now() - Duration::minutes(4),
    }
}

/// The officeworld negotiation: its offer waits for a decision.
pub fn officeworld() -> Thread {
    thread(
        1,
        "officeworld",
        NegotiationState::Replied,
        vec![
            request(1, "officeworld", "sent", 180),
            reply(1, "officeworld", offer(24900, "USD", Some(5), "rules"), 25),
        ],
    )
}

/// Accepted: its purchase order drawn up, the order's email a draft.
pub fn buerostuhl() -> Thread {
    let po_email = ThreadMessage {
        id: message_id(2, 3),
        direction: "outbound".into(),
        status: "draft".into(),
        subject: "Purchase order PO-000001 — bürostuhl-direkt".into(),
        body: "Dear bürostuhl-direkt team,\n\nplease find our purchase order attached.\n".into(),
        counterpart: Some("sales@bürostuhl-direkt.example".into()),
        message_id: None,
        offer: None,
        attachment: Some("PO-000001.pdf".into()),
        created_at: now() - Duration::minutes(4),
    };
    Thread {
        purchase_order: Some(order(2, "PO-000001", "bürostuhl-direkt", 1_362_300, "EUR")),
        ..thread(
            2,
            "bürostuhl-direkt",
            NegotiationState::Accepted,
            vec![
                request(2, "bürostuhl-direkt", "sent", 300),
                reply(
                    2,
                    "bürostuhl-direkt",
                    offer(113_525, "EUR", None, "gpt-4o-mini"),
                    60,
                ),
                po_email,
            ],
        )
    }
}

/// Four negotiations, newest first as the daemon lists them.
pub fn threads() -> Vec<Thread> {
    vec![
        officeworld(),
        buerostuhl(),
        thread(
            3,
            "chairmart",
            NegotiationState::AwaitingApproval,
            vec![request(3, "chairmart", "draft", 12)],
        ),
        Thread {
            job_id: id(3),
            ..thread(
                4,
                "paperhaus",
                NegotiationState::Sent,
                vec![request(4, "paperhaus", "sent", 600)],
            )
        },
    ]
}

/// Outbound message `n` to `vendor`, sent well.
pub fn outbound(n: u128, vendor: &str, minutes_ago: i64) -> Outbound {
    let at = now() - Duration::minutes(minutes_ago);
    Outbound {
        id: outbound_id(n),
        job_id: id(1),
        vendor: vendor.into(),
        to: Some(format!("sales@{vendor}.example")),
        subject: "Quote request: 12 ergonomic office chairs".into(),
        message_id: Some(format!("<{n}@procura.example>")),
        state: DeliveryState::Sent,
        attempts: 1,
        error: None,
        next_attempt_at: None,
        approved_at: Some(at),
        sent_at: Some(at + Duration::seconds(5)),
        delivered_by: Some("smtp".into()),
    }
}

pub const SMTP_550: &str = "550 5.1.1 <sales@chairmart.example>: Recipient address rejected: \
                            User unknown in virtual mailbox table";

/// The outbox, newest first: failed, unknown, retrying, sent.
pub fn outbox() -> Vec<Outbound> {
    vec![
        Outbound {
            state: DeliveryState::Failed,
            attempts: 5,
            error: Some(SMTP_550.into()),
            sent_at: None,
            message_id: None,
            delivered_by: None,
            ..outbound(1, "chairmart", 10)
        },
        Outbound {
            state: DeliveryState::Unknown,
            error: Some("procurad stopped while smtp.example.com was accepting the message".into()),
            sent_at: None,
            delivered_by: None,
            subject: "Purchase order PO-000001 — bürostuhl-direkt".into(),
            ..outbound(2, "bürostuhl-direkt", 30)
        },
        Outbound {
            state: DeliveryState::Approved,
            attempts: 2,
            error: Some("421 4.7.0 Try again later, closing connection".into()),
            next_attempt_at: Some(now() + Duration::minutes(3)),
            sent_at: None,
            message_id: None,
            delivered_by: None,
            job_id: id(3),
            ..outbound(3, "paperhaus", 45)
        },
        outbound(4, "officeworld", 180),
    ]
}
