//! Negotiations: one per job and vendor, moving through a fixed set of
//! states, and the drafts that wait for a human in the approvals inbox.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::job::JobId;

/// Where a negotiation with one vendor stands.
///
/// drafted → awaiting approval → approved or rejected → sending → sent →
/// replied → countered, accepted or declined → ordered. A counter-offer is
/// a new draft, so `countered` leads back to `awaiting approval`; a send
/// that fails goes back to `approved` and is retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NegotiationState {
    Drafted,
    AwaitingApproval,
    Approved,
    Rejected,
    Sending,
    Sent,
    Replied,
    Countered,
    Accepted,
    Declined,
    Ordered,
}

impl NegotiationState {
    pub const ALL: [NegotiationState; 11] = [
        NegotiationState::Drafted,
        NegotiationState::AwaitingApproval,
        NegotiationState::Approved,
        NegotiationState::Rejected,
        NegotiationState::Sending,
        NegotiationState::Sent,
        NegotiationState::Replied,
        NegotiationState::Countered,
        NegotiationState::Accepted,
        NegotiationState::Declined,
        NegotiationState::Ordered,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            NegotiationState::Drafted => "drafted",
            NegotiationState::AwaitingApproval => "awaiting_approval",
            NegotiationState::Approved => "approved",
            NegotiationState::Rejected => "rejected",
            NegotiationState::Sending => "sending",
            NegotiationState::Sent => "sent",
            NegotiationState::Replied => "replied",
            NegotiationState::Countered => "countered",
            NegotiationState::Accepted => "accepted",
            NegotiationState::Declined => "declined",
            NegotiationState::Ordered => "ordered",
        }
    }

    /// The states this one may move to.
    pub fn next(self) -> &'static [NegotiationState] {
        use NegotiationState::*;
        match self {
            Drafted => &[AwaitingApproval],
            AwaitingApproval => &[Approved, Rejected],
            Approved => &[Sending],
            Rejected => &[],
            Sending => &[Sent, Approved],
            Sent => &[Replied],
            Replied => &[Countered, Accepted, Declined],
            Countered => &[AwaitingApproval],
            Accepted => &[Ordered],
            Declined => &[],
            Ordered => &[],
        }
    }

    /// `Ok` if `self → to` is a transition of the machine, else an error
    /// naming it and what `self` allows.
    pub fn check(self, to: NegotiationState) -> Result<(), InvalidTransition> {
        if self.next().contains(&to) {
            Ok(())
        } else {
            Err(InvalidTransition { from: self, to })
        }
    }
}

impl std::fmt::Display for NegotiationState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.as_str().replace('_', " "))
    }
}

impl std::str::FromStr for NegotiationState {
    type Err = UnknownState;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        NegotiationState::ALL
            .into_iter()
            .find(|st| st.as_str() == s)
            .ok_or_else(|| UnknownState(s.to_string()))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown negotiation state {0:?}")]
pub struct UnknownState(pub String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub struct InvalidTransition {
    pub from: NegotiationState,
    pub to: NegotiationState,
}

impl std::fmt::Display for InvalidTransition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "a negotiation cannot go from {} to {}",
            self.from, self.to
        )?;
        let allowed: Vec<String> = self.from.next().iter().map(|s| s.to_string()).collect();
        if allowed.is_empty() {
            write!(f, " ({} is final)", self.from)
        } else {
            write!(f, " (from {} only to {})", self.from, allowed.join(" or "))
        }
    }
}

/// Who wrote a draft.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "by", rename_all = "snake_case")]
pub enum DraftedBy {
    /// The offline template.
    Template,
    /// The configured model.
    Model { model: String },
}

/// A draft in the approvals inbox (`procura approvals --json` prints these).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Approval {
    /// The message's id: what `approve`, `reject` and `edit` take.
    pub id: Uuid,
    pub negotiation_id: Uuid,
    pub job_id: JobId,
    pub vendor: String,
    /// The vendor's address, from its source.
    pub to: Option<String>,
    pub subject: String,
    pub body: String,
    pub drafted_by: DraftedBy,
    pub state: NegotiationState,
    pub created_at: DateTime<Utc>,
}

/// A change to a draft before approval.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftEdit {
    pub id: Uuid,
    pub subject: String,
    pub body: String,
}

impl DraftEdit {
    pub const MAX_SUBJECT_CHARS: usize = 300;
    pub const MAX_BODY_CHARS: usize = 50_000;
}

/// Where an approved message is on its way out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryState {
    /// Waiting for a sender (again, after a failed attempt).
    Approved,
    Sending,
    Sent,
    /// Refused for good (the server said no, or too many attempts).
    Failed,
    /// The daemon stopped while an SMTP server was accepting it: it may
    /// have gone out. Never retried by itself; a human resolves it.
    Unknown,
}

impl DeliveryState {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryState::Approved => "approved",
            DeliveryState::Sending => "sending",
            DeliveryState::Sent => "sent",
            DeliveryState::Failed => "failed",
            DeliveryState::Unknown => "unknown",
        }
    }

    pub fn parse(s: &str) -> Option<DeliveryState> {
        [
            DeliveryState::Approved,
            DeliveryState::Sending,
            DeliveryState::Sent,
            DeliveryState::Failed,
            DeliveryState::Unknown,
        ]
        .into_iter()
        .find(|d| d.as_str() == s)
    }
}

/// An approved message and its delivery (`procura outbox --json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outbound {
    pub id: Uuid,
    pub job_id: JobId,
    pub vendor: String,
    pub to: Option<String>,
    pub subject: String,
    pub message_id: Option<String>,
    pub state: DeliveryState,
    pub attempts: i32,
    /// The last failure, as the server or the system said it.
    pub error: Option<String>,
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub approved_at: Option<DateTime<Utc>>,
    pub sent_at: Option<DateTime<Utc>>,
    /// `smtp` or `outbox` (a file in the outbox folder).
    pub delivered_by: Option<String>,
}

/// What an approver does with a failed or unknown message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutboundAction {
    /// Send it (again): for a failed message, or an unknown one that did
    /// not arrive.
    Resend,
    /// It did arrive (an unknown message found in the Sent folder).
    MarkSent,
}

/// The terms read out of a vendor's reply. A term the reply does not
/// state stays `None`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Offer {
    #[serde(with = "rust_decimal::serde::str_option", default)]
    pub unit_price: Option<rust_decimal::Decimal>,
    pub currency: Option<String>,
    #[serde(with = "rust_decimal::serde::str_option", default)]
    pub discount_percent: Option<rust_decimal::Decimal>,
    pub quantity: Option<u32>,
    pub delivery_date: Option<chrono::NaiveDate>,
    /// `rules` (offline) or the model's name.
    pub read_by: String,
}

/// One message of a negotiation's thread.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreadMessage {
    pub id: Uuid,
    /// `outbound` or `inbound`.
    pub direction: String,
    /// draft, approved, rejected, sending, sent, failed, unknown, received.
    pub status: String,
    pub subject: String,
    pub body: String,
    /// The vendor's address (outbound) or the reply's sender (inbound).
    pub counterpart: Option<String>,
    pub message_id: Option<String>,
    pub offer: Option<Offer>,
    pub attachment: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// A purchase order as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PurchaseOrderSummary {
    pub id: Uuid,
    /// "PO-000001": sequential per organization, without gaps.
    pub number: String,
    pub negotiation_id: Uuid,
    pub vendor: String,
    #[serde(with = "rust_decimal::serde::str")]
    pub total: rust_decimal::Decimal,
    pub currency: String,
    pub created_at: DateTime<Utc>,
}

/// A negotiation with one vendor and its whole thread.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Thread {
    pub negotiation_id: Uuid,
    pub job_id: JobId,
    pub vendor: String,
    pub state: NegotiationState,
    pub messages: Vec<ThreadMessage>,
    pub purchase_order: Option<PurchaseOrderSummary>,
}

/// What the operator does with a vendor's offer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "decision", rename_all = "snake_case")]
pub enum OfferDecision {
    /// Take the offer: a purchase order is drawn up, and its email waits
    /// for approval.
    Accept,
    /// Propose another unit price: a counter-offer draft waits for approval.
    Counter {
        #[serde(with = "rust_decimal::serde::str")]
        unit_price: rust_decimal::Decimal,
        note: Option<String>,
    },
    Decline {
        reason: String,
    },
}

#[cfg(test)]
mod tests {
    use super::NegotiationState::*;
    use super::*;

    #[test]
    fn every_state_round_trips_by_name() {
        for s in NegotiationState::ALL {
            assert_eq!(s.as_str().parse::<NegotiationState>(), Ok(s));
        }
        assert!("shipped".parse::<NegotiationState>().is_err());
    }

    #[test]
    fn the_happy_path_is_allowed() {
        let path = [
            Drafted,
            AwaitingApproval,
            Approved,
            Sending,
            Sent,
            Replied,
            Accepted,
            Ordered,
        ];
        for w in path.windows(2) {
            assert_eq!(w[0].check(w[1]), Ok(()), "{} → {}", w[0], w[1]);
        }
        assert!(Replied.check(Countered).is_ok());
        assert!(Countered.check(AwaitingApproval).is_ok());
        assert!(Sending.check(Approved).is_ok(), "a failed send is retried");
    }

    #[test]
    fn an_invalid_transition_names_itself() {
        let err = Sent.check(Approved).unwrap_err();
        assert_eq!(
            err.to_string(),
            "a negotiation cannot go from sent to approved (from sent only to replied)"
        );
        let err = Rejected.check(Approved).unwrap_err();
        assert_eq!(
            err.to_string(),
            "a negotiation cannot go from rejected to approved (rejected is final)"
        );
        assert!(
            AwaitingApproval.check(Sending).is_err(),
            "no send without approval"
        );
        assert!(Drafted.check(Approved).is_err());
        assert!(Accepted.check(Declined).is_err());
    }
}
