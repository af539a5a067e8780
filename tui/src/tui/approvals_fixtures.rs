//! Drafts for the approvals tests: three vendors of the chairs job and
//! one of the paper job, by the template and by a model.

use chrono::Duration;
use procura_common::negotiation::{Approval, DraftedBy, NegotiationState};
use uuid::Uuid;

use super::test_support::{id, now};

/// The id of draft `n`.
pub fn draft_id(n: u128) -> Uuid {
    Uuid::from_u128(0x7d00_0000_0000_4000_8000_0000_0000_0000 + n)
}

/// Draft `n` to `vendor` of the chairs job, by the template.
pub fn draft(n: u128, vendor: &str, minutes_ago: i64) -> Approval {
    Approval {
        id: draft_id(n),
        negotiation_id: Uuid::from_u128(0x6e00 + n),
        job_id: id(1),
        vendor: vendor.into(),
        to: Some(format!("sales@{vendor}.example")),
        subject: "Quote request: 12 ergonomic office chairs".into(),
        body: format!(
            "Hello {vendor} team,\n\nWe are looking to buy 12 ergonomic office chairs \
             with a mesh back and a seat at least 45 cm high, delivered by 1 March.\n\n\
             Could you quote your best price per unit for 12, and say whether a \
             volume discount applies?\n\nBest regards,\nAlice\nAcme procurement\n"
        ),
        drafted_by: DraftedBy::Template,
        state: NegotiationState::AwaitingApproval,
        created_at: now() - Duration::minutes(minutes_ago),
    }
}

/// Four drafts, oldest first as the daemon lists them.
pub fn drafts() -> Vec<Approval> {
    vec![
        draft(1, "officeworld", 42),
        Approval {
            drafted_by: DraftedBy::Model {
                model: "gpt-4o-mini".into(),
            },
            subject: "12 Aeron chairs: your best price?".into(),
            ..draft(2, "bürostuhl-direkt", 30)
        },
        Approval {
            to: None,
            ..draft(3, "chairmart", 12)
        },
        Approval {
            job_id: id(3),
            subject: "500 boxes of A4 paper, 80gsm".into(),
            body: "Hello,\n\nPlease quote 500 boxes of A4 80gsm.\n\nThanks,\nAlice\n".into(),
            ..draft(4, "paperhaus", 3)
        },
    ]
}
