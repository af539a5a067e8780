//! Shared by the tests: the demo catalogue, its products as matcher input,
//! and each product's attributes read back from its page fields (English
//! or German spec labels).

#![allow(dead_code)]

pub mod attrs;
pub mod pairs;
pub mod queries;
mod query_list;

use std::path::PathBuf;
use std::sync::OnceLock;

use procura_demo_shops::{Category, DemoProduct, DemoShops};
use procura_match::MatchInput;
use rust_decimal::prelude::ToPrimitive;
use serde_json::{Map, Value};

/// Every product of every demo shop, loaded once per test binary.
pub fn catalogue() -> &'static [DemoProduct] {
    static CATALOGUE: OnceLock<Vec<DemoProduct>> = OnceLock::new();
    CATALOGUE.get_or_init(|| {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("tokio runtime");
        rt.block_on(async {
            let shops = DemoShops::start([127, 0, 0, 1].into())
                .await
                .expect("start demo shops");
            let products = shops.catalogue().to_vec();
            shops.shutdown().await;
            products
        })
    })
}

/// `tests/fixtures/<rel>` at the workspace root.
pub fn fixture_path(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures")
        .join(rel)
}

/// The shop's page is German (its spec labels are).
pub fn is_german(p: &DemoProduct) -> bool {
    p.specs.iter().any(|s| s.label == "Gewicht")
}

/// The category as the shop labels it.
pub fn category_label(p: &DemoProduct) -> &'static str {
    match (is_german(p), p.category) {
        (true, Category::OfficeChair) => "Bürostühle",
        (true, Category::Laptop) => "Laptops & Notebooks",
        (true, Category::Monitor) => "Monitore",
        (true, Category::Desk) => "Schreibtische",
        (false, c) => c.label(),
    }
}

/// A spec value as the extractor stores it: a single quantity becomes
/// `"<number with a dot> <normal unit>"`, anything else stays as shown.
pub fn extractor_value(value: &str) -> String {
    let v = value.trim();
    let split = v
        .find(|c: char| !(c.is_ascii_digit() || c == ',' || c == '.'))
        .unwrap_or(v.len());
    let (num, rest) = v.split_at(split);
    let unit = match rest.trim().to_lowercase().as_str() {
        "gb" => Some("GB"),
        "tb" => Some("TB"),
        "inch" | "zoll" | "\"" => Some("inch"),
        "kg" => Some("kg"),
        "w" => Some("W"),
        "hz" => Some("Hz"),
        "wh" => Some("Wh"),
        "cm" => Some("cm"),
        _ => None,
    };
    match unit {
        Some(u) if !num.is_empty() => format!("{} {u}", num.replace(',', ".")),
        _ => v.to_string(),
    }
}

/// `shop/sku`, the id used in matcher input and retrieval judgements.
pub fn key(p: &DemoProduct) -> String {
    format!("{}/{}", p.shop, p.sku)
}

/// A demo product as the daemon would hand it to the matcher.
pub fn to_input(p: &DemoProduct) -> MatchInput {
    let specs: Map<String, Value> = p
        .specs
        .iter()
        .map(|s| {
            (
                s.label.to_lowercase(),
                Value::String(extractor_value(&s.value)),
            )
        })
        .collect();
    MatchInput {
        id: key(p),
        vendor: p.shop.clone(),
        title: p.name.clone(),
        brand: Some(p.brand.clone()),
        gtin: Some(p.gtin.clone()),
        mpn: Some(p.mpn.clone()),
        specs: Value::Object(specs),
        category: Some(category_label(p).to_string()),
    }
}

/// The same input without GTIN and MPN: only the similarity stage can
/// match it.
pub fn without_ids(mut m: MatchInput) -> MatchInput {
    m.gtin = None;
    m.mpn = None;
    m
}

/// Fixed exchange rates to EUR for price rules (documented in the
/// retrieval README).
pub fn price_eur(p: &DemoProduct) -> f64 {
    let rate = match p.currency.as_str() {
        "USD" => 0.92,
        "GBP" => 1.17,
        _ => 1.0,
    };
    p.price.to_f64().unwrap_or(0.0) * rate
}

/// The shops in catalogue order.
pub fn shops() -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for p in catalogue() {
        if !out.contains(&p.shop) {
            out.push(p.shop.clone());
        }
    }
    out
}

/// FNV-1a, for deterministic splits.
pub fn fnv1a(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}
