//! How model usage reads, in the TUI and the CLI alike: costs, token
//! counts, the budget line and the rate limit line.

use procura_common::usage::{BudgetStatus, OnBudgetExhausted, RateLimitStatus};
use rust_decimal::Decimal;

use super::format::amount;

/// A cost to a millionth: `0.0031`, `12.50`, `0.00`.
pub fn cost(value: Decimal) -> String {
    amount(value.round_dp(6))
}

/// `950`, `14.2k`, `3.1M`.
pub fn count(n: i64) -> String {
    let f = n as f64;
    match n.unsigned_abs() {
        0..1_000 => n.to_string(),
        1_000..999_950 => format!("{:.1}k", f / 1e3),
        _ => format!("{:.1}M", f / 1e6),
    }
}

/// `November 2026`.
pub fn month(b: &BudgetStatus) -> String {
    b.month.format("%B %Y").to_string()
}

/// What jobs do once the budget is spent.
pub fn then(on: OnBudgetExhausted) -> &'static str {
    match on {
        OnBudgetExhausted::Offline => "jobs go on offline",
        OnBudgetExhausted::Pause => "jobs pause",
    }
}

/// The month's spend against the cap in one sentence.
pub fn budget_line(b: &BudgetStatus) -> String {
    let cur = &b.currency;
    let spent = cost(b.spent);
    let mut line = match (b.cap, b.remaining) {
        (None, _) => format!("{spent} {cur} spent in {}; no monthly cap", month(b)),
        (Some(cap), _) if b.exhausted => format!(
            "{spent} of {} {cur} spent in {}: the budget is spent, model calls are refused and {}",
            amount(cap),
            month(b),
            then(b.on_exhausted)
        ),
        (Some(cap), remaining) => {
            let pct = b.ratio().unwrap_or(0.0) * 100.0;
            format!(
                "{spent} of {} {cur} spent in {} ({pct:.0}%), {} {cur} left; past the cap {}",
                amount(cap),
                month(b),
                cost(remaining.unwrap_or_default()),
                then(b.on_exhausted)
            )
        }
    };
    for u in &b.unconverted {
        line.push_str(&format!(
            "; {} {} not counted (no exchange rate)",
            cost(u.amount),
            u.currency
        ));
    }
    line
}

/// The requests-per-minute limit and what is available now.
pub fn rate_line(r: &RateLimitStatus) -> String {
    match (r.requests_per_minute, r.available) {
        (None, _) => "no requests-per-minute limit".into(),
        (Some(rpm), Some(avail)) => {
            format!(
                "{rpm} requests per minute, {} available now",
                avail.max(0.0).floor()
            )
        }
        (Some(rpm), None) => format!("{rpm} requests per minute"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn status(cap: Option<i64>, spent_cents: i64) -> BudgetStatus {
        let cap = cap.map(|c| Decimal::new(c, 0));
        let spent = Decimal::new(spent_cents, 2);
        BudgetStatus {
            month: NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
            currency: "USD".into(),
            cap,
            spent,
            remaining: cap.map(|c| (c - spent).max(Decimal::ZERO)),
            exhausted: cap.is_some_and(|c| spent >= c),
            on_exhausted: OnBudgetExhausted::Offline,
            unconverted: vec![],
        }
    }

    #[test]
    fn budget_lines() {
        assert_eq!(
            budget_line(&status(Some(50), 4600)),
            "46.00 of 50.00 USD spent in November 2026 (92%), 4.00 USD left; \
             past the cap jobs go on offline"
        );
        assert_eq!(
            budget_line(&status(None, 123)),
            "1.23 USD spent in November 2026; no monthly cap"
        );
        let mut over = status(Some(50), 5012);
        over.on_exhausted = OnBudgetExhausted::Pause;
        assert_eq!(
            budget_line(&over),
            "50.12 of 50.00 USD spent in November 2026: the budget is spent, \
             model calls are refused and jobs pause"
        );
    }

    #[test]
    fn numbers() {
        assert_eq!(count(950), "950");
        assert_eq!(count(14_200), "14.2k");
        assert_eq!(count(3_100_000), "3.1M");
        assert_eq!(cost(Decimal::new(31, 4)), "0.0031");
        assert_eq!(cost(Decimal::new(123_456_789, 9)), "0.123457");
        assert_eq!(cost(Decimal::ZERO), "0.00");
        let rate = RateLimitStatus {
            requests_per_minute: Some(60),
            available: Some(12.7),
        };
        assert_eq!(rate_line(&rate), "60 requests per minute, 12 available now");
    }
}
