//! Embedded application state: `<script id="__NEXT_DATA__">`, other
//! `application/json` scripts, and `window.__NUXT__ = {...}`,
//! `window.__INITIAL_STATE__ = {...}`, `__PRELOADED_STATE__`,
//! `__APOLLO_STATE__` and the like (also as `JSON.parse("...")`).
//!
//! Such state has no shared vocabulary, so products are found by shape: an
//! object with a name and at least two of price, identifier, brand, GTIN
//! and stock keys, preferring one whose name matches the page's title.

use serde_json::Value;

use crate::html::Document;
use crate::jsonld::parse_lenient;
use crate::price::{self, Money};
use crate::schema::{Candidate, availability_of, get, text_of, valid_gtin};
use crate::{Availability, Layer};

const MAX_STATE: usize = 16 << 20;
const MAX_VISIT: usize = 300_000;

const MARKERS: &[&str] = &[
    "__INITIAL_STATE__",
    "__PRELOADED_STATE__",
    "__NUXT__",
    "__APOLLO_STATE__",
    "__INITIAL_DATA__",
    "__APP_STATE__",
    "__REDUX_STATE__",
    "__SERVER_DATA__",
    "__STATE__",
    "__DATA__",
    "__PRODUCT__",
    "__remixContext",
];

/// The JSON state blobs of a page.
pub(crate) fn blobs(doc: &Document<'_>) -> Vec<Value> {
    let mut out = Vec::new();
    for id in doc.elements() {
        if doc.name(id) != Some("script") {
            continue;
        }
        let raw = doc.raw_text(id);
        if raw.len() < 20 || raw.len() > MAX_STATE {
            continue;
        }
        let ty = doc
            .attr(id, "type")
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        if ty.contains("ld+json") {
            continue;
        }
        if ty == "application/json" || doc.attr(id, "id") == Some("__NEXT_DATA__") {
            if let Some(v) = parse_lenient(raw) {
                out.push(v);
            }
            continue;
        }
        if !(ty.is_empty() || ty.contains("javascript")) {
            continue;
        }
        for m in MARKERS {
            let mut from = 0;
            let mut tries = 0;
            while tries < 4
                && let Some(pos) = raw[from..].find(m)
            {
                tries += 1;
                let at = from + pos + m.len();
                from = at;
                if let Some(v) = value_after(&raw[at..]) {
                    out.push(v);
                    break;
                }
            }
        }
    }
    out
}

/// Reads `= {...}`, `= JSON.parse("...")` or `: {...}` right after a marker.
fn value_after(s: &str) -> Option<Value> {
    let s = s
        .trim_start()
        .trim_start_matches(['"', '\'', ']'])
        .trim_start();
    let s = s
        .strip_prefix('=')
        .or_else(|| s.strip_prefix(':'))?
        .trim_start();
    if let Some(rest) = s.strip_prefix("JSON.parse(") {
        let lit = js_string(rest.trim_start())?;
        return serde_json::from_str(&lit).ok();
    }
    let end = balanced_end(s)?;
    parse_lenient(&s[..end])
}

/// The end of the JSON object or array at the start of `s`.
fn balanced_end(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    if !matches!(b.first(), Some(b'{' | b'[')) {
        return None;
    }
    let mut depth = 0usize;
    let mut in_str: Option<u8> = None;
    let mut esc = false;
    for (i, &c) in b.iter().enumerate() {
        if let Some(q) = in_str {
            if esc {
                esc = false;
            } else if c == b'\\' {
                esc = true;
            } else if c == q {
                in_str = None;
            }
            continue;
        }
        match c {
            b'"' | b'\'' => in_str = Some(c),
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            _ => {}
        }
    }
    None
}

/// Decodes a JavaScript string literal at the start of `s`.
fn js_string(s: &str) -> Option<String> {
    let mut chars = s.chars();
    let q = chars.next().filter(|c| *c == '"' || *c == '\'')?;
    let mut out = String::new();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next()? {
                'n' => out.push('\n'),
                't' => out.push('\t'),
                'r' => out.push('\r'),
                'u' => {
                    let hex: String = chars.by_ref().take(4).collect();
                    out.push(
                        char::from_u32(u32::from_str_radix(&hex, 16).ok()?).unwrap_or('\u{FFFD}'),
                    );
                }
                'x' => {
                    let hex: String = chars.by_ref().take(2).collect();
                    out.push(
                        char::from_u32(u32::from_str_radix(&hex, 16).ok()?).unwrap_or('\u{FFFD}'),
                    );
                }
                other => out.push(other),
            },
            c if c == q => return Some(out),
            c => out.push(c),
        }
    }
    None
}

const NAME_KEYS: &[&str] = &[
    "name",
    "productName",
    "title",
    "displayName",
    "product_name",
];
const PRICE_KEYS: &[&str] = &[
    "price",
    "salePrice",
    "sale_price",
    "currentPrice",
    "current_price",
    "finalPrice",
    "final_price",
    "priceValue",
    "offerPrice",
    "sellingPrice",
    "prices",
    "priceInfo",
];
const LIST_KEYS: &[&str] = &[
    "listPrice",
    "list_price",
    "regularPrice",
    "originalPrice",
    "wasPrice",
    "oldPrice",
    "rrp",
    "msrp",
];
const SKU_KEYS: &[&str] = &[
    "sku",
    "skuId",
    "sku_id",
    "productId",
    "product_id",
    "articleNumber",
    "itemId",
    "item_id",
];
const GTIN_KEYS: &[&str] = &["gtin", "gtin13", "ean", "ean13", "upc", "barcode"];
const STOCK_KEYS: &[&str] = &[
    "availability",
    "inStock",
    "in_stock",
    "isInStock",
    "available",
    "isAvailable",
    "stockStatus",
    "soldOut",
];

fn has_any(v: &Value, keys: &[&str]) -> bool {
    keys.iter().any(|k| v.get(*k).is_some_and(|x| !x.is_null()))
}

/// A price from a state value: a number, a price string, or an object with
/// `value`/`amount`/`current`/`sales`/`raw`.
fn price_of(v: &Value, hint: Option<&str>, depth: usize) -> Option<Money> {
    if depth > 3 {
        return None;
    }
    match v {
        Value::Number(n) => price::parse_structured(&n.to_string(), hint),
        Value::String(s) => price::parse_structured(s, hint),
        Value::Object(_) => {
            let cur = ["currency", "currencyCode", "priceCurrency", "iso_code"]
                .iter()
                .find_map(|k| v.get(*k).and_then(Value::as_str))
                .and_then(crate::currency::normalize_code)
                .or(hint);
            [
                "value",
                "amount",
                "current",
                "sales",
                "sale",
                "final",
                "raw",
                "decimalPrice",
                "centAmount",
                "price",
            ]
            .iter()
            .find_map(|k| v.get(*k).and_then(|x| price_of(x, cur, depth + 1)))
        }
        _ => None,
    }
}

fn stock_of(v: &Value) -> Option<Availability> {
    for k in STOCK_KEYS {
        match v.get(*k) {
            Some(Value::Bool(b)) => {
                let out = if *k == "soldOut" { !b } else { *b };
                return Some(if out {
                    Availability::InStock
                } else {
                    Availability::OutOfStock
                });
            }
            Some(Value::String(s)) => {
                if let Some(a) = availability_of(s) {
                    return Some(a);
                }
            }
            _ => {}
        }
    }
    None
}

/// The best product-shaped object in the page's state, if any.
pub(crate) fn candidate(blobs: &[Value], title: &str, hint: Option<&str>) -> Option<Candidate> {
    let title_l = title.to_lowercase();
    let mut best: Option<(i32, Candidate)> = None;
    let mut visited = 0usize;
    let mut stack: Vec<(&Value, usize)> = blobs.iter().map(|b| (b, 0)).collect();
    stack.reverse();
    while let Some((v, depth)) = stack.pop() {
        visited += 1;
        if visited > MAX_VISIT || depth > 40 {
            break;
        }
        match v {
            Value::Array(a) => stack.extend(a.iter().take(500).rev().map(|x| (x, depth + 1))),
            Value::Object(o) => {
                if let Some((score, c)) = score_object(v, &title_l, hint)
                    && best.as_ref().is_none_or(|(s, _)| score > *s)
                {
                    best = Some((score, c));
                }
                let children: Vec<&Value> = o
                    .values()
                    .filter(|x| x.is_object() || x.is_array())
                    .collect();
                stack.extend(children.into_iter().rev().map(|x| (x, depth + 1)));
            }
            _ => {}
        }
    }
    best.map(|(_, c)| c)
}

fn score_object(v: &Value, title_l: &str, hint: Option<&str>) -> Option<(i32, Candidate)> {
    let name = NAME_KEYS
        .iter()
        .find_map(|k| v.get(*k).and_then(Value::as_str))?;
    let has_price = has_any(v, PRICE_KEYS);
    let has_sku = has_any(v, SKU_KEYS);
    let has_brand = v.get("brand").is_some_and(|b| !b.is_null());
    let has_gtin = has_any(v, GTIN_KEYS);
    let has_stock = has_any(v, STOCK_KEYS);
    let signals = [has_price, has_sku, has_brand, has_gtin, has_stock]
        .iter()
        .filter(|b| **b)
        .count();
    if signals < 2 {
        return None;
    }
    let name_c = crate::text::clean(name);
    let name_l = name_c.to_lowercase();
    let mut score = signals as i32 * 2;
    if name_l.len() >= 4 && !title_l.is_empty() {
        if title_l.contains(&name_l) || name_l.contains(title_l) {
            score += 6;
        } else {
            score -= 2;
        }
    }
    let mut c = Candidate::new(Layer::AppState);
    c.name = Some(name_c);
    c.price = PRICE_KEYS
        .iter()
        .find_map(|k| v.get(*k).and_then(|x| price_of(x, hint, 0)));
    c.list_price = LIST_KEYS
        .iter()
        .find_map(|k| v.get(*k).and_then(|x| price_of(x, hint, 0)));
    c.currency = c.price.as_ref().and_then(|p| p.currency.clone());
    c.sku = SKU_KEYS.iter().find_map(|k| v.get(*k).and_then(text_of));
    c.brand = get(v, "brand").and_then(text_of);
    c.gtin = GTIN_KEYS
        .iter()
        .find_map(|k| v.get(*k).and_then(text_of))
        .filter(|g| valid_gtin(g));
    c.availability = stock_of(v);
    c.score = score as f32;
    Some((score, c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_state_products() {
        let doc = Document::parse(
            r#"<script>window.__INITIAL_STATE__ = {"page":{"product":{"name":"Blue Kettle","sku":"K-1","brand":{"name":"Acme"},
               "price":{"value":24.5,"currency":"EUR"},"inStock":false}}};</script>
               <script id="__NEXT_DATA__" type="application/json">{"props":{"pageProps":{"x":1}}}</script>
               <script>window.__NUXT__=JSON.parse("{\"a\":1}")</script>"#,
        );
        let b = blobs(&doc);
        assert_eq!(b.len(), 3);
        let c = candidate(&b, "Blue Kettle | Shop", None).unwrap();
        assert_eq!(c.sku.as_deref(), Some("K-1"));
        assert_eq!(c.brand.as_deref(), Some("Acme"));
        assert_eq!(c.price.unwrap().amount.to_string(), "24.5");
        assert_eq!(c.availability, Some(Availability::OutOfStock));
    }

    #[test]
    fn broken_state_is_skipped() {
        let doc = Document::parse(
            "<script>window.__NUXT__=(function(a){return {x:a}}(1));</script><script>__STATE__ = {{{{</script>",
        );
        assert!(blobs(&doc).is_empty());
    }
}
