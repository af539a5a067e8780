//! The deadline where the delivery time is known: an offer whose latest
//! arrival (today plus its longest stated delivery time, business days
//! skipping weekends) falls after the request's deadline is excluded; one
//! whose page states no delivery time is kept, and its reason says so.

use chrono::{Datelike, NaiveDate};
use procura_common::delivery::DeliveryTime;

/// What the deadline says of one offer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arrival {
    /// No delivery time stated; with a deadline, the reason says so.
    Unknown { deadline: bool },
    /// Arrives by `by`, on or before the deadline when there is one.
    InTime { by: NaiveDate, time: DeliveryTime },
    /// Arrives by `by`, after `deadline`.
    Late {
        by: NaiveDate,
        time: DeliveryTime,
        deadline: NaiveDate,
    },
}

/// Holds an offer's delivery time against the deadline, ordering `today`.
pub fn check(
    delivery: Option<DeliveryTime>,
    deadline: Option<NaiveDate>,
    today: NaiveDate,
) -> Arrival {
    let Some(time) = delivery else {
        return Arrival::Unknown {
            deadline: deadline.is_some(),
        };
    };
    let by = time.latest_arrival(today);
    match deadline {
        Some(deadline) if by > deadline => Arrival::Late { by, time, deadline },
        _ => Arrival::InTime { by, time },
    }
}

/// "3 Dec", with the year when it is not `today`'s ("3 Jan 2028").
pub fn day(d: NaiveDate, today: NaiveDate) -> String {
    if d.year() == today.year() {
        d.format("%-d %b").to_string()
    } else {
        d.format("%-d %b %Y").to_string()
    }
}

/// "delivers in 8–10 business days", "delivers next day".
fn delivers(time: DeliveryTime) -> String {
    if time.max_days <= 1 {
        format!("delivers {time}")
    } else {
        format!("delivers in {time}")
    }
}

impl Arrival {
    /// The exclusion reason of a late offer at `vendor`; `None` when it is
    /// not late.
    pub fn exclusion(&self, vendor: &str, today: NaiveDate) -> Option<String> {
        let Arrival::Late { by, time, deadline } = self else {
            return None;
        };
        Some(format!(
            "excluded: {} (by {}), after the {} deadline, at {vendor}",
            delivers(*time),
            day(*by, today),
            day(*deadline, today)
        ))
    }

    /// The part of a kept offer's reason: "arrives by 3 Dec (2–3 business
    /// days)", or "delivery time not shown" when there is a deadline.
    pub fn kept_part(&self, today: NaiveDate) -> Option<String> {
        match self {
            Arrival::Unknown { deadline: true } => Some("delivery time not shown".into()),
            Arrival::Unknown { deadline: false } => None,
            Arrival::InTime { by, time } => {
                Some(format!("arrives by {} ({time})", day(*by, today)))
            }
            Arrival::Late { .. } => None,
        }
    }
}
