//! Small text helpers shared by the components: ages, ids, progress, the
//! spec summary, truncation.

use chrono::{DateTime, Utc};
use procura_common::job::JobId;
use procura_common::spec::{Budget, BudgetScope, Comparator, SearchSpec, SpecRequirement};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

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

/// An amount as prices are written: two decimals unless it has more
/// (`249.00`, `0.125`).
pub fn amount(value: Decimal) -> String {
    let value = value.normalize();
    if value.scale() <= 2 {
        format!("{value:.2}")
    } else {
        value.to_string()
    }
}

/// `249.00 USD`; the amount alone without a currency; `—` without a price.
pub fn money(value: Option<Decimal>, currency: Option<&str>) -> String {
    match (value, currency) {
        (Some(v), Some(c)) if !c.is_empty() => format!("{} {c}", amount(v)),
        (Some(v), _) => amount(v),
        (None, _) => "—".to_string(),
    }
}

/// How much lower `price` is than `list`, in whole percent, when it is.
pub fn discount(price: Option<Decimal>, list: Option<Decimal>) -> Option<u32> {
    let (price, list) = (price?, list?);
    if list <= Decimal::ZERO || price >= list || price < Decimal::ZERO {
        return None;
    }
    let pct = ((list - price) / list * Decimal::ONE_HUNDRED).round();
    pct.to_u32().filter(|p| *p > 0)
}

/// A schema.org availability (`InStock`, `https://schema.org/OutOfStock`)
/// in a few words, and whether it means the product can be bought now.
pub fn availability(value: &str) -> (String, Option<bool>) {
    let name = value.rsplit('/').next().unwrap_or(value).trim();
    match name.to_ascii_lowercase().as_str() {
        "instock" | "in stock" | "instoreonly" | "onlineonly" => ("in stock".into(), Some(true)),
        "outofstock" | "out of stock" | "soldout" | "discontinued" => {
            ("sold out".into(), Some(false))
        }
        "limitedavailability" => ("limited".into(), Some(true)),
        "preorder" | "presale" => ("pre-order".into(), None),
        "backorder" => ("backorder".into(), None),
        "" => ("—".into(), None),
        other => (other.to_string(), None),
    }
}

/// The file a purchase order's PDF is written to unless the operator
/// says otherwise: `PO-000001.pdf`, the number's characters kept to a set
/// safe in a file name (no separators, no `..`).
pub fn order_file(number: &str) -> String {
    let name: String = number
        .chars()
        .map(|c| match c {
            'a'..='z' | 'A'..='Z' | '0'..='9' | '-' | '_' => c,
            _ => '_',
        })
        .collect();
    format!("{name}.pdf")
}

/// Splits `text` into lines of at most `width` characters, at spaces when
/// it can and inside a word longer than a line when it must.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut len = 0;
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let mut word: Vec<char> = word.chars().collect();
        if len > 0 && len + 1 + word.len() <= width {
            line.push(' ');
            line.extend(&word);
            len += 1 + word.len();
            continue;
        }
        if len > 0 {
            lines.push(std::mem::take(&mut line));
        }
        while word.len() > width {
            lines.push(word.drain(..width).collect());
        }
        line.extend(&word);
        len = word.len();
    }
    if len > 0 || lines.is_empty() {
        lines.push(line);
    }
    lines
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

    #[test]
    fn prices() {
        assert_eq!(amount(Decimal::new(249, 0)), "249.00");
        assert_eq!(amount(Decimal::new(24990, 2)), "249.90");
        assert_eq!(amount(Decimal::new(125, 3)), "0.125");
        assert_eq!(money(Some(Decimal::new(1999, 2)), Some("EUR")), "19.99 EUR");
        assert_eq!(money(Some(Decimal::new(5, 0)), None), "5.00");
        assert_eq!(money(None, Some("USD")), "—");
        let d = |p: i64, l: i64| discount(Some(Decimal::new(p, 0)), Some(Decimal::new(l, 0)));
        assert_eq!(d(249, 299), Some(17));
        assert_eq!(d(299, 299), None);
        assert_eq!(d(300, 299), None);
        assert_eq!(d(5, 0), None);
        assert_eq!(discount(None, Some(Decimal::ONE)), None);
    }

    #[test]
    fn availabilities() {
        assert_eq!(availability("InStock"), ("in stock".into(), Some(true)));
        assert_eq!(
            availability("https://schema.org/OutOfStock"),
            ("sold out".into(), Some(false))
        );
        assert_eq!(availability("PreOrder").0, "pre-order");
        assert_eq!(availability("Mystery").0, "mystery");
    }

    #[test]
    fn wrapping() {
        assert_eq!(wrap("", 10), vec![""]);
        assert_eq!(wrap("one two three", 7), vec!["one two", "three"]);
        assert_eq!(wrap("abcdefghij k", 4), vec!["abcd", "efgh", "ij k"]);
        assert_eq!(wrap("  spaced   out  ", 20), vec!["spaced out"]);
        assert_eq!(wrap("x", 0), vec!["x"]);
    }
}
