//! Extraction quality on the shared real product pages, scored exactly as
//! `../shared/bench/score_extraction.py` scores it (F1 per attribute; price
//! compared as a decimal with commas dropped, availability folded to
//! InStock/OutOfStock with unknown counting as InStock, the rest trimmed
//! and case-folded). Fails when a score drops under its floor.

mod common;

use std::collections::{BTreeMap, HashSet};
use std::str::FromStr;

use rust_decimal::Decimal;
use serde_json::Value;

/// Floors: the targets, except price (see below).
const FLOORS: &[(&str, f64)] = &[
    ("price", 0.94),
    ("sku", 0.90),
    ("availability", 0.97),
    ("brand", 0.80),
];

// Price floor: the issue asks for 0.95, but four of the 73 annotated prices
// are not the pages' prices read as numbers (`$24.990` in Chilean pesos
// annotated as 24.99, `Rs 23,450` as 23.450, ...), which caps a correct
// extractor at 69/73 (F1 0.945). The floor guards that ceiling.

#[derive(Debug, PartialEq, Eq, Hash, Clone)]
enum Norm {
    Price(Decimal),
    Unparsable(String),
    Text(String),
}

fn norm(attr: &str, value: &Value) -> Option<Norm> {
    let s = match value {
        Value::Null => return None,
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    if s.is_empty() {
        return None;
    }
    Some(match attr {
        "price" => {
            let t = s.replace(',', "");
            match Decimal::from_str(t.trim()).or_else(|_| Decimal::from_scientific(t.trim())) {
                Ok(d) => Norm::Price(d),
                Err(_) => Norm::Unparsable(s),
            }
        }
        "availability" => {
            let v = s.rsplit('/').next().unwrap_or(&s);
            let out = matches!(v, "OutOfStock" | "SoldOut" | "Discontinued");
            Norm::Text(if out { "OutOfStock" } else { "InStock" }.into())
        }
        _ => Norm::Text(s.trim().to_lowercase()),
    })
}

/// (f1, precision, recall) as the Python scorer computes them.
fn score(
    truth: &BTreeMap<String, Value>,
    preds: &BTreeMap<String, Value>,
    attr: &str,
) -> (f64, f64, f64) {
    let (mut tp, mut fp, mut fneg) = (0u32, 0u32, 0u32);
    for (page, t) in truth {
        let accepted: HashSet<Norm> = t
            .get(attr)
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(|v| norm(attr, v)).collect())
            .unwrap_or_default();
        let mut raw = preds
            .get(page)
            .and_then(|p| p.get(attr))
            .cloned()
            .unwrap_or(Value::Null);
        if attr == "availability" && (raw.is_null() || raw == Value::String(String::new())) {
            raw = Value::String("InStock".into());
        }
        match norm(attr, &raw) {
            None => fneg += u32::from(!accepted.is_empty()),
            Some(g) if accepted.contains(&g) => tp += 1,
            Some(g) => {
                fp += 1;
                fneg += u32::from(!accepted.is_empty());
                println!(
                    "  {attr}: {} want {accepted:?} got {g:?}",
                    &page[..12.min(page.len())]
                );
            }
        }
    }
    let (tp, fp, fneg) = (f64::from(tp), f64::from(fp), f64::from(fneg));
    let p = if fp == 0.0 && fneg == 0.0 {
        1.0
    } else if tp + fp > 0.0 {
        tp / (tp + fp)
    } else {
        0.0
    };
    let r = if fp == 0.0 && fneg == 0.0 {
        1.0
    } else if tp + fneg > 0.0 {
        tp / (tp + fneg)
    } else {
        0.0
    };
    let f1 = if p + r > 0.0 {
        2.0 * p * r / (p + r)
    } else {
        0.0
    };
    (f1, p, r)
}

#[test]
fn f1_on_the_real_pages_meets_the_floors() {
    let Some(dir) = common::pages_dir() else {
        return;
    };
    let truth: BTreeMap<String, Value> = serde_json::from_str(
        &std::fs::read_to_string(dir.join("ground-truth.json")).expect("ground truth"),
    )
    .expect("ground truth is JSON");
    let mut preds = BTreeMap::new();
    for (page, html) in common::pages(&dir) {
        let line = procura_extract::extract(&html, None).to_json_line(&page);
        // The line format the CLI prints: method names each present field.
        let obj = line.as_object().expect("an object");
        let method = obj["method"].as_object().expect("a method map");
        for k in [
            "name",
            "price",
            "currency",
            "sku",
            "availability",
            "brand",
            "gtin",
            "mpn",
        ] {
            assert_eq!(obj.contains_key(k), method.contains_key(k), "{page}: {k}");
        }
        preds.insert(page, line);
    }
    assert_eq!(preds.len(), truth.len(), "every annotated page has a file");
    let mut failed = Vec::new();
    for (attr, floor) in FLOORS {
        let (f1, p, r) = score(&truth, &preds, attr);
        println!("{attr}: f1 {f1:.3} precision {p:.3} recall {r:.3} (floor {floor})");
        if f1 + 1e-9 < *floor {
            failed.push(format!("{attr} {f1:.3} < {floor}"));
        }
    }
    assert!(failed.is_empty(), "quality dropped: {failed:?}");
}

#[test]
fn the_scorer_mirror_matches_the_python_rules() {
    assert_eq!(
        norm("price", &Value::String("1,299.00".into())),
        Some(Norm::Price(Decimal::from(1299)))
    );
    assert_eq!(
        norm("price", &Value::String("229.99 ".into())),
        norm("price", &Value::String("229.990".into()))
    );
    assert_eq!(
        norm(
            "availability",
            &Value::String("http://schema.org/SoldOut".into())
        ),
        Some(Norm::Text("OutOfStock".into()))
    );
    assert_eq!(
        norm("sku", &Value::String(" AbC ".into())),
        Some(Norm::Text("abc".into()))
    );
    assert_eq!(norm("sku", &Value::String(String::new())), None);
}
