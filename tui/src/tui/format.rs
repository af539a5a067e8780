//! Small text helpers shared by the components: ages, ids, progress, the
//! spec summary, truncation.

use chrono::{DateTime, Utc};
use procura_common::job::JobId;
use procura_common::spec::{Budget, BudgetScope, Comparator, SearchSpec, SpecRequirement};

/// How long ago `then` was, in the largest whole unit: `45s`, `12m`, `3h`,
/// `2d`. A time in the future (clock skew) reads `0s`.
pub fn age(now: DateTime<Utc>, then: DateTime<Utc>) -> String {
    let secs = (now - then).num_seconds().max(0);
    match secs {
        0..60 => format!("{secs}s"),
        60..3600 => format!("{}m", secs / 60),
        3600..86_400 => format!("{}h", secs / 3600),
        _ => format!("{}d", secs / 86_400),
    }
}

/// The first eight hex digits of a job id, as the CLI prints them.
pub fn short_id(id: JobId) -> String {
    id.simple().to_string().chars().take(8).collect()
}

fn fraction(progress: f32) -> f32 {
    if progress.is_nan() {
        0.0
    } else {
        progress.clamp(0.0, 1.0)
    }
}

/// `0%` to `100%`.
pub fn percent(progress: f32) -> String {
    format!("{}%", (fraction(progress) * 100.0).round() as u32)
}

/// A bar of `width` cells, e.g. `█████░░░░░` for one half.
pub fn bar(progress: f32, width: usize) -> String {
    let filled = ((fraction(progress) * width as f32).round() as usize).min(width);
    let mut s = "█".repeat(filled);
    s.push_str(&"░".repeat(width - filled));
    s
}

pub fn budget(b: &Budget) -> String {
    let scope = match b.scope {
        BudgetScope::PerUnit => "per unit",
        BudgetScope::Total => "total",
    };
    format!("≤ {} {} {scope}", b.amount.normalize(), b.currency)
}

pub fn requirement(r: &SpecRequirement) -> String {
    let op = match r.comparator {
        Comparator::Eq => "=",
        Comparator::AtLeast => "≥",
        Comparator::AtMost => "≤",
    };
    match &r.unit {
        Some(unit) => format!("{} {op} {} {unit}", r.name, r.value),
        None => format!("{} {op} {}", r.name, r.value),
    }
}

/// The spec summary as label/value pairs: quantity, budget, deadline,
/// keywords and required specs. A field the request did not state reads
/// "—". The values are not sanitised here.
pub fn spec_fields(spec: &SearchSpec) -> [(&'static str, String); 5] {
    let none = || "—".to_string();
    let list = |items: Vec<String>, sep: &str| {
        if items.is_empty() {
            none()
        } else {
            items.join(sep)
        }
    };
    [
        (
            "Quantity",
            spec.quantity.map(|q| q.to_string()).unwrap_or_else(none),
        ),
        (
            "Budget",
            spec.budget.as_ref().map(budget).unwrap_or_else(none),
        ),
        (
            "Deadline",
            spec.deadline
                .map(|d| d.format("%Y-%m-%d").to_string())
                .unwrap_or_else(none),
        ),
        ("Keywords", list(spec.keywords.clone(), ", ")),
        (
            "Requires",
            list(spec.required_specs.iter().map(requirement).collect(), "; "),
        ),
    ]
}

/// Cuts `s` to at most `width` characters, ending with `…` when cut.
pub fn truncate_end(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        return s.to_string();
    }
    if width == 0 {
        return String::new();
    }
    let mut out: String = s.chars().take(width - 1).collect();
    out.push('…');
    out
}

/// Cuts `s` to at most `width` characters keeping its end, starting with
/// `…` when cut (for paths, whose file name matters most).
pub fn truncate_start(s: &str, width: usize) -> String {
    let n = s.chars().count();
    if n <= width {
        return s.to_string();
    }
    if width == 0 {
        return String::new();
    }
    let mut out = String::from("…");
    out.extend(s.chars().skip(n - (width - 1)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use rust_decimal::Decimal;

    #[test]
    fn ages() {
        let now = Utc.with_ymd_and_hms(2025, 1, 2, 12, 0, 0).unwrap();
        let ago = |s: i64| age(now, now - chrono::Duration::seconds(s));
        assert_eq!(ago(-5), "0s");
        assert_eq!(ago(0), "0s");
        assert_eq!(ago(59), "59s");
        assert_eq!(ago(60), "1m");
        assert_eq!(ago(3599), "59m");
        assert_eq!(ago(3600), "1h");
        assert_eq!(ago(86_399), "23h");
        assert_eq!(ago(3 * 86_400 + 5), "3d");
    }

    #[test]
    fn progress() {
        assert_eq!(percent(0.456), "46%");
        assert_eq!(percent(f32::NAN), "0%");
        assert_eq!(percent(7.0), "100%");
        assert_eq!(bar(0.5, 10), "█████░░░░░");
        assert_eq!(bar(-1.0, 4), "░░░░");
        assert_eq!(bar(1.0, 4), "████");
    }

    #[test]
    fn spec_summary() {
        let spec = SearchSpec {
            quantity: Some(12),
            budget: Some(Budget {
                amount: Decimal::new(30000, 2),
                currency: "USD".into(),
                scope: BudgetScope::PerUnit,
            }),
            keywords: vec!["office chair".into(), "ergonomic".into()],
            required_specs: vec![SpecRequirement {
                name: "seat_height".into(),
                value: "45".into(),
                unit: Some("cm".into()),
                comparator: Comparator::AtLeast,
                text: "seat at least 45 cm".into(),
            }],
            ..SearchSpec::default()
        };
        let f = spec_fields(&spec);
        assert_eq!(f[0].1, "12");
        assert_eq!(f[1].1, "≤ 300 USD per unit");
        assert_eq!(f[2].1, "—");
        assert_eq!(f[3].1, "office chair, ergonomic");
        assert_eq!(f[4].1, "seat_height ≥ 45 cm");
    }

    #[test]
    fn truncation() {
        assert_eq!(truncate_end("abcdef", 6), "abcdef");
        assert_eq!(truncate_end("abcdef", 4), "abc…");
        assert_eq!(
            truncate_start("/run/procura/procurad.sock", 10),
            "…urad.sock"
        );
        assert_eq!(short_id(uuid::Uuid::nil()), "00000000");
    }
}
