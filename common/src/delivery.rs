//! How long an offer takes to arrive, as its page states it, and the latest
//! day it arrives when ordered on a given day.
//!
//! Decisions:
//! - A delivery time is a range of whole days, `min_days..=max_days`, in
//!   business days (Monday to Friday) or in calendar days. Weeks are seven
//!   calendar days each; hours are rounded up to whole days (24 hours or
//!   less is one day).
//! - The latest arrival counts `max_days` from the day of ordering (UTC):
//!   business days skip Saturdays and Sundays, so 1 business day from a
//!   Friday is the Monday. Public holidays are not known and not skipped.

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

/// The longest delivery time believed: anything above is a misreading.
pub const MAX_DAYS: u16 = 180;

/// A stated delivery time: `min_days..=max_days` days from ordering.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DeliveryTime {
    pub min_days: u16,
    pub max_days: u16,
    /// Days are business days (Monday to Friday), else calendar days.
    #[serde(default)]
    pub business_days: bool,
}

impl DeliveryTime {
    /// A delivery time of `a` to `b` days (in either order); `None` when
    /// longer than [`MAX_DAYS`].
    pub fn new(a: u16, b: u16, business_days: bool) -> Option<DeliveryTime> {
        let (min_days, max_days) = if a <= b { (a, b) } else { (b, a) };
        (max_days <= MAX_DAYS).then_some(DeliveryTime {
            min_days,
            max_days,
            business_days,
        })
    }

    /// The earliest day it arrives when ordered on `today`.
    pub fn earliest_arrival(&self, today: NaiveDate) -> NaiveDate {
        add_days(today, self.min_days, self.business_days)
    }

    /// The latest day it arrives when ordered on `today`.
    pub fn latest_arrival(&self, today: NaiveDate) -> NaiveDate {
        add_days(today, self.max_days, self.business_days)
    }

    /// A short rendering: "next day", "same day", "3 days",
    /// "2–3 business days", "next business day".
    pub fn describe(&self) -> String {
        let kind = if self.business_days { "business " } else { "" };
        match (self.min_days, self.max_days) {
            (0, 0) => "same day".to_string(),
            (_, 1) => format!("next {kind}day"),
            (a, b) if a == b => format!("{b} {kind}days"),
            (a, b) => format!("{a}–{b} {kind}days"),
        }
    }
}

impl std::fmt::Display for DeliveryTime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.describe())
    }
}

/// `days` days after `from`; business days skip Saturday and Sunday (a
/// count of 0 is `from` itself, whatever its weekday).
pub fn add_days(from: NaiveDate, days: u16, business_days: bool) -> NaiveDate {
    if !business_days {
        return from
            .checked_add_days(Days::new(u64::from(days)))
            .unwrap_or(NaiveDate::MAX);
    }
    let mut day = from;
    let mut left = days;
    while left > 0 {
        day = match day.succ_opt() {
            Some(d) => d,
            None => return NaiveDate::MAX,
        };
        if !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
            left -= 1;
        }
    }
    day
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn business_days_skip_weekends() {
        let thursday = day(2026, 11, 26);
        let friday = day(2026, 11, 27);
        let saturday = day(2026, 11, 28);
        assert_eq!(add_days(thursday, 1, true), friday);
        assert_eq!(add_days(friday, 1, true), day(2026, 11, 30));
        assert_eq!(add_days(saturday, 1, true), day(2026, 11, 30));
        assert_eq!(add_days(thursday, 3, true), day(2026, 12, 1));
        assert_eq!(add_days(thursday, 10, true), day(2026, 12, 10));
        assert_eq!(add_days(saturday, 0, true), saturday);
        assert_eq!(add_days(friday, 1, false), saturday);
        assert_eq!(add_days(thursday, 14, false), day(2026, 12, 10));
        assert_eq!(add_days(NaiveDate::MAX, 3, true), NaiveDate::MAX);
        assert_eq!(add_days(NaiveDate::MAX, 3, false), NaiveDate::MAX);
    }

    #[test]
    fn arrival_counts_the_longest_time() {
        let t = DeliveryTime::new(10, 8, true).unwrap();
        assert_eq!((t.min_days, t.max_days), (8, 10));
        let thursday = day(2026, 11, 26);
        assert_eq!(t.earliest_arrival(thursday), day(2026, 12, 8));
        assert_eq!(t.latest_arrival(thursday), day(2026, 12, 10));
        assert!(DeliveryTime::new(2, 181, false).is_none());
        assert!(DeliveryTime::new(0, 180, false).is_some());
    }

    #[test]
    fn short_renderings() {
        let d = |a, b, bd| DeliveryTime::new(a, b, bd).unwrap().describe();
        assert_eq!(d(2, 3, true), "2–3 business days");
        assert_eq!(d(1, 1, false), "next day");
        assert_eq!(d(1, 1, true), "next business day");
        assert_eq!(d(0, 1, false), "next day");
        assert_eq!(d(0, 0, false), "same day");
        assert_eq!(d(14, 14, false), "14 days");
        assert_eq!(d(10, 14, false), "10–14 days");
    }

    #[test]
    fn older_json_without_the_flag_reads_as_calendar_days() {
        let t: DeliveryTime = serde_json::from_str(r#"{"min_days":1,"max_days":2}"#).unwrap();
        assert_eq!(t, DeliveryTime::new(1, 2, false).unwrap());
    }
}
