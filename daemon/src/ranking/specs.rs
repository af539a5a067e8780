//! Whether a product meets one required spec of the request, read from its
//! spec table (as the extractor normalised it: `"27 inch"`, `"16 GB"`), and
//! failing that from its title and description.

use std::sync::LazyLock;

use procura_common::spec::{Comparator, SpecRequirement};
use regex::Regex;
use serde_json::Value;

/// What a product's page says about one requirement.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// Met, with the evidence ("Screen size 27 inch").
    Met(String),
    /// Not met, with what the page says instead.
    Unmet(String),
    /// The page does not say.
    Unknown,
}

/// Words a spec-table key may use for a requirement the planner named.
fn key_words(name: &str) -> &'static [&'static str] {
    match name {
        "ram" => &["ram", "memory", "arbeitsspeicher", "mémoire", "memoria"],
        "storage" => &[
            "storage",
            "ssd",
            "hdd",
            "festplatte",
            "speicherplatz",
            "drive",
            "capacity",
        ],
        "screen_size" => &[
            "screen",
            "display",
            "diagonal",
            "bildschirm",
            "size",
            "größe",
            "zoll",
        ],
        "refresh_rate" => &["refresh", "bildwiederhol", "frequen", "hz"],
        "weight_capacity" => &["capacity", "load", "belastbar", "max", "tragkraft"],
        "weight" => &["weight", "gewicht"],
        "resolution" => &["resolution", "auflösung"],
        "warranty" => &["warranty", "garantie"],
        "seat_height" => &["seat height", "sitzhöhe"],
        _ => &[],
    }
}

/// The extractor's unit for a unit the planner wrote, and a factor to a
/// common base so "1 TB" compares with "512 GB".
fn unit_base(unit: &str) -> Option<(&'static str, f64)> {
    Some(match unit.to_ascii_lowercase().as_str() {
        "in" | "inch" | "\"" => ("inch", 1.0),
        "cm" => ("mm", 10.0),
        "mm" => ("mm", 1.0),
        "m" => ("mm", 1000.0),
        "mb" => ("byte", 1e-3),
        "gb" => ("byte", 1.0),
        "tb" => ("byte", 1000.0),
        "g" => ("g", 1.0),
        "kg" => ("g", 1000.0),
        "lb" => ("g", 453.592),
        "t" => ("g", 1e6),
        "w" => ("W", 1.0),
        "kw" => ("W", 1000.0),
        "hz" => ("Hz", 1.0),
        "mhz" => ("Hz", 1e6),
        "ghz" => ("Hz", 1e9),
        "year" | "years" => ("month", 12.0),
        "month" | "months" => ("month", 1.0),
        _ => return None,
    })
}

static QUANTITY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)(\d+(?:[.,]\d+)?)\s*(-?\s?(?:inch|in\b|"|zoll|cm|mm|m\b|tb|gb|mb|kg|g\b|lb|w\b|kw|hz|mhz|ghz|years?|months?))"#)
        .expect("static regex")
});

/// Every quantity in `text`, in base units: (base unit, value).
fn quantities(text: &str) -> Vec<(&'static str, f64)> {
    QUANTITY
        .captures_iter(text)
        .filter_map(|c| {
            let n: f64 = c.get(1)?.as_str().replace(',', ".").parse().ok()?;
            let unit = c.get(2)?.as_str().trim_start_matches(['-', ' ']).trim();
            let unit = if unit == "zoll" { "inch" } else { unit };
            let (base, factor) = unit_base(unit)?;
            Some((base, n * factor))
        })
        .collect()
}

fn compare(have: f64, want: f64, comparator: Comparator) -> bool {
    match comparator {
        // Shops round: 23.8" is sold as a 24" monitor.
        Comparator::Eq => (have - want).abs() <= want.abs() * 0.03,
        Comparator::AtLeast => have >= want * 0.995,
        Comparator::AtMost => have <= want * 1.005,
    }
}

fn spec_rows(specs: &Value) -> Vec<(String, String)> {
    specs
        .as_object()
        .map(|o| {
            o.iter()
                .map(|(k, v)| {
                    let v = v
                        .as_str()
                        .map(str::to_owned)
                        .unwrap_or_else(|| v.to_string());
                    (k.clone(), v)
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Checks `req` against a product's title, spec table and description.
pub fn check(req: &SpecRequirement, title: &str, specs: &Value, description: &str) -> Verdict {
    let rows = spec_rows(specs);
    let wanted_number: Option<f64> = req.value.replace(',', ".").parse().ok();
    let unit = req.unit.as_deref().and_then(unit_base);
    if let (Some(want), Some((base, factor))) = (wanted_number, unit) {
        let want = want * factor;
        let words = key_words(&req.name);
        let named = |key: &str| {
            let key = key.to_lowercase();
            words.iter().any(|w| key.contains(w))
        };
        // A row whose key names the requirement decides; else the only
        // quantity of that kind in the table; else the title.
        let mut candidates: Vec<(String, f64)> = Vec::new();
        for (key, value) in rows.iter().filter(|(k, _)| named(k)) {
            for (b, v) in quantities(value) {
                if b == base {
                    candidates.push((format!("{key} {value}"), v));
                }
            }
        }
        if candidates.is_empty() {
            let all: Vec<(String, f64)> = rows
                .iter()
                .flat_map(|(key, value)| {
                    quantities(value)
                        .into_iter()
                        .filter(|(b, _)| *b == base)
                        .map(move |(_, v)| (format!("{key} {value}"), v))
                })
                .collect();
            if all.len() == 1 {
                candidates = all;
            }
        }
        if candidates.is_empty() {
            let in_title: Vec<f64> = quantities(title)
                .into_iter()
                .filter(|(b, _)| *b == base)
                .map(|(_, v)| v)
                .collect();
            if in_title.len() == 1 {
                candidates.push((format!("title says {}", title.trim()), in_title[0]));
            }
        }
        return match candidates.into_iter().next() {
            None => Verdict::Unknown,
            Some((evidence, have)) if compare(have, want, req.comparator) => Verdict::Met(evidence),
            Some((evidence, _)) => Verdict::Unmet(evidence),
        };
    }
    // A property in words ("mesh back", "black", "4k"): every word of it on
    // the page.
    let haystack = format!(
        "{title} {} {description}",
        rows.iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect::<Vec<_>>()
            .join(" ")
    )
    .to_lowercase();
    let words: Vec<String> = req
        .value
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect();
    if words.is_empty() {
        return Verdict::Unknown;
    }
    if words.iter().all(|w| haystack.contains(w.as_str())) {
        Verdict::Met(req.value.clone())
    } else {
        Verdict::Unknown
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn req(name: &str, value: &str, unit: Option<&str>, comparator: Comparator) -> SpecRequirement {
        SpecRequirement {
            name: name.into(),
            value: value.into(),
            unit: unit.map(str::to_owned),
            comparator,
            text: format!("{value} {}", unit.unwrap_or_default()),
        }
    }

    #[test]
    fn numbers_with_units_compare_across_units_and_languages() {
        let specs =
            json!({ "Arbeitsspeicher": "16 GB", "SSD": "1 TB", "Bildschirmdiagonale": "27 inch" });
        let ram = req("ram", "16", Some("GB"), Comparator::AtLeast);
        assert!(
            matches!(check(&ram, "", &specs, ""), Verdict::Met(e) if e.contains("Arbeitsspeicher"))
        );
        let ram32 = req("ram", "32", Some("GB"), Comparator::AtLeast);
        assert!(matches!(check(&ram32, "", &specs, ""), Verdict::Unmet(_)));
        let storage = req("storage", "512", Some("GB"), Comparator::AtLeast);
        assert!(matches!(check(&storage, "", &specs, ""), Verdict::Met(_)));
        let screen = req("screen_size", "27", Some("in"), Comparator::Eq);
        assert!(matches!(check(&screen, "", &specs, ""), Verdict::Met(_)));
    }

    #[test]
    fn the_title_answers_when_the_table_does_not() {
        let none = json!({});
        let screen = req("screen_size", "27", Some("in"), Comparator::Eq);
        assert!(matches!(
            check(&screen, "Lumio 27\" 4K IPS Monitor", &none, ""),
            Verdict::Met(_)
        ));
        assert_eq!(
            check(&screen, "Lumio 4K IPS Monitor", &none, ""),
            Verdict::Unknown
        );
        let cm = req("seat_height", "45", Some("cm"), Comparator::AtLeast);
        let specs = json!({ "Seat height": "480 mm" });
        assert!(matches!(check(&cm, "", &specs, ""), Verdict::Met(_)));
    }

    #[test]
    fn words_must_all_appear() {
        let specs = json!({ "Backrest": "Breathable mesh back" });
        let mesh = req("feature", "mesh back", None, Comparator::Eq);
        assert!(matches!(
            check(&mesh, "Task chair", &specs, ""),
            Verdict::Met(_)
        ));
        let leather = req("feature", "leather", None, Comparator::Eq);
        assert_eq!(check(&leather, "Task chair", &specs, ""), Verdict::Unknown);
    }
}
