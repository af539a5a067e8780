//! Runs every layer over a parsed page and merges their candidates.
//!
//! Each layer offers at most one candidate: the product it holds that is
//! most likely the page's main one (its name matching the heading or the
//! page title, its URL matching the page, completeness, document order).
//! Each field is then taken from the most trusted layer that has it. Its
//! confidence starts at the layer's [`Layer::base_confidence`], is scaled by
//! how sure the layer was of its product, and rises with every other layer
//! that found the same value: `1 - (1 - c) / 2^agreeing`.

use rust_decimal::Decimal;
use serde_json::Value;

use crate::html::Document;
use crate::microdata::Syntax;
use crate::schema::{Candidate, collect_products, read_product};
use crate::specs::{normalise, raw_rows};
use crate::{Availability, Extraction, Field, Layer, appstate, dom, jsonld, meta, microdata};

/// Lowercase letters and digits only, for comparing names.
fn squash(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

fn names_match(a: &str, b: &str) -> bool {
    let (a, b) = (squash(a), squash(b));
    a.len() >= 4 && b.len() >= 4 && (a.contains(&b) || b.contains(&a))
}

fn same_url(a: &str, page: &str) -> bool {
    let strip = |u: &str| {
        let u = u
            .split(['?', '#'])
            .next()
            .unwrap_or(u)
            .trim_end_matches('/');
        u.split("://")
            .nth(1)
            .unwrap_or(u)
            .trim_start_matches("www.")
            .to_string()
    };
    let (a, p) = (strip(a), strip(page));
    !a.is_empty() && (p.ends_with(&a) || a.ends_with(&p))
}

/// Picks the main product among a layer's products.
fn best_of(
    cands: Vec<(Candidate, f32)>,
    titles: &[&str],
    page_url: Option<&str>,
) -> Option<Candidate> {
    let n = cands.len();
    cands
        .into_iter()
        .enumerate()
        .map(|(i, (mut c, weight))| {
            let mut s = weight * 10.0 + c.richness() as f32;
            if c.name
                .as_deref()
                .is_some_and(|nm| titles.iter().any(|t| names_match(nm, t)))
            {
                s += 6.0;
            }
            if let (Some(u), Some(p)) = (c.url.as_deref(), page_url)
                && same_url(u, p)
            {
                s += 4.0;
            }
            if c.price.is_some() {
                s += 3.0;
            }
            s -= i as f32 * 2.0 / n.max(1) as f32;
            c.score = s;
            c
        })
        .max_by(|a, b| a.score.total_cmp(&b.score))
}

/// Candidates from schema.org JSON values (JSON-LD blocks or items).
fn schema_candidates(values: &[Value], layer: Layer, hint: Option<&str>) -> Vec<(Candidate, f32)> {
    let mut found = Vec::new();
    for v in values {
        collect_products(v, &mut found);
    }
    found
        .into_iter()
        .take(300)
        .map(|(v, w)| {
            let mut c = read_product(v, layer, hint);
            variant_fallback(v, &mut c, layer, hint);
            (c, w)
        })
        .collect()
}

/// A `ProductGroup` without its own offer takes the first variant's.
fn variant_fallback(v: &Value, c: &mut Candidate, layer: Layer, hint: Option<&str>) {
    let Some(Value::Array(vars)) = crate::schema::get(v, "hasVariant") else {
        return;
    };
    if c.price.is_some() {
        return;
    }
    let vs: Vec<Candidate> = vars
        .iter()
        .take(200)
        .map(|x| read_product(x, layer, hint))
        .collect();
    let pick = vs
        .iter()
        .find(|x| x.price.is_some() && x.availability != Some(Availability::OutOfStock))
        .or_else(|| vs.iter().find(|x| x.price.is_some()));
    if let Some(p) = pick {
        c.price.clone_from(&p.price);
        c.list_price.clone_from(&p.list_price);
        c.currency.clone_from(&p.currency);
        if c.sku.is_none() {
            c.sku.clone_from(&p.sku);
        }
        if c.gtin.is_none() {
            c.gtin.clone_from(&p.gtin);
        }
        if c.delivery.is_none() {
            c.delivery = p.delivery;
        }
    }
    if c.availability.is_none() && vs.iter().any(|x| x.availability.is_some()) {
        let any_in = vs
            .iter()
            .any(|x| x.availability == Some(Availability::InStock));
        c.availability = Some(if any_in {
            Availability::InStock
        } else {
            Availability::OutOfStock
        });
    }
}

/// "More from the brand: Acme" → "Acme".
fn brand_value(b: &str) -> String {
    match b.rsplit_once(':') {
        Some((_, after)) if !after.trim().is_empty() => after.trim().to_string(),
        _ => b.trim().to_string(),
    }
}

/// Text fields that are template placeholders or not a brand.
fn plausible_brand(b: &str) -> bool {
    let n = b.chars().count();
    (1..=60).contains(&n)
        && !b.contains("{{")
        && !b.starts_with('$')
        && !b.starts_with("http")
        && !matches!(
            b.to_lowercase().as_str(),
            "null" | "undefined" | "none" | "n/a" | "-" | "brand" | "false"
        )
}

fn plausible_id(s: &str) -> bool {
    let n = s.chars().count();
    (1..=64).contains(&n) && !s.contains("{{") && s.split_whitespace().count() <= 3
}

/// Runs all layers over a parsed page.
pub(crate) fn extract_document(doc: &Document<'_>, page_url: Option<&str>) -> Extraction {
    extract_with_candidates(doc, page_url).0
}

/// Each layer's candidate, for debugging extraction (`PROCURA_EXTRACT_EXPLAIN`).
pub fn explain(html: &str, page_url: Option<&str>) -> String {
    let doc = Document::parse(html);
    let (_, cands) = extract_with_candidates(&doc, page_url);
    cands
        .iter()
        .map(|c| {
            format!(
                "{:?} score={:.1} name={:?} brand={:?} sku={:?} gtin={:?} mpn={:?} price={:?} list={:?} avail={:?}",
                c.layer,
                c.score,
                c.name.as_deref().map(|n| crate::text::truncate(n, 60)),
                c.brand,
                c.sku,
                c.gtin,
                c.mpn,
                c.price.as_ref().map(|p| (p.amount.to_string(), p.currency.clone())),
                c.list_price.as_ref().map(|p| p.amount.to_string()),
                c.availability
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn extract_with_candidates(
    doc: &Document<'_>,
    page_url: Option<&str>,
) -> (Extraction, Vec<Candidate>) {
    let metas = meta::Metas::read(doc);
    let hint = meta::locale_currency(doc, &metas, page_url);
    let head = dom::heading(doc);
    let og_title = metas
        .get("og:title")
        .map(crate::text::clean)
        .unwrap_or_default();
    let mut titles: Vec<&str> = Vec::new();
    if let Some((_, t)) = &head {
        titles.push(t);
    }
    if !og_title.is_empty() {
        titles.push(&og_title);
    }

    let mut cands: Vec<Candidate> = Vec::new();
    let ld = jsonld::blocks(doc);
    if let Some(c) = best_of(
        schema_candidates(&ld, Layer::JsonLd, hint),
        &titles,
        page_url,
    ) {
        cands.push(c);
    }
    let (md, orphan_md) = microdata::items(doc, Syntax::Microdata);
    if let Some(c) = best_of(
        schema_candidates(&md, Layer::Microdata, hint),
        &titles,
        page_url,
    ) {
        cands.push(c);
    }
    let (rdfa, _) = microdata::items(doc, Syntax::Rdfa);
    if let Some(c) = best_of(
        schema_candidates(&rdfa, Layer::Rdfa, hint),
        &titles,
        page_url,
    ) {
        cands.push(c);
    }
    let mut og = meta::candidate(&metas, hint);
    og.name = None;
    cands.push(og);
    if orphan_md.as_object().is_some_and(|o| !o.is_empty()) {
        let mut c = read_product(&orphan_md, Layer::Meta, hint);
        c.name = None;
        cands.push(c);
    }
    let blobs = appstate::blobs(doc);
    let title_for_state = titles.first().copied().unwrap_or("");
    if let Some(c) = appstate::candidate(&blobs, title_for_state, hint) {
        cands.push(c);
    }
    let rows = raw_rows(doc);
    let dom_c = dom::candidate(doc, &rows, hint, page_url, metas.get("og:url"));
    cands.push(dom_c);

    let mut out = Extraction {
        name: pick(&cands, |c| c.name.clone(), |_| true),
        ..Extraction::default()
    };
    if out.name.is_none() && !og_title.is_empty() {
        out.name = Some(Field {
            value: og_title.clone(),
            layer: Layer::OpenGraph,
            confidence: 0.5,
        });
    }
    out.brand = pick(
        &cands,
        |c| c.brand.as_deref().map(brand_value),
        |b| plausible_brand(b),
    );
    if let Some(dom) = cands
        .iter()
        .find(|c| c.layer == Layer::Dom && c.strong_brand)
        && let Some(b) = dom
            .brand
            .as_deref()
            .map(brand_value)
            .filter(|b| plausible_brand(b))
        && out
            .brand
            .as_ref()
            .is_none_or(|f| squash(&f.value) != squash(&b))
    {
        out.brand = Some(Field {
            value: b,
            layer: Layer::Dom,
            confidence: 0.7,
        });
    }
    out.sku = pick(&cands, |c| c.sku.clone(), |s| plausible_id(s));
    // An article number the page labels as such is what the shopper (and the
    // vendor's staff) see; it beats structured ids, which are often internal.
    if let Some(dom) = cands.iter().find(|c| c.layer == Layer::Dom && c.strong_sku)
        && let Some(sku) = dom.sku.clone().filter(|s| plausible_id(s))
    {
        let agree = out.sku.as_ref().is_some_and(|f| f.value == sku);
        if !agree {
            out.sku = Some(Field {
                value: sku,
                layer: Layer::Dom,
                confidence: 0.7,
            });
        }
    }
    out.gtin = pick(&cands, |c| c.gtin.clone(), |_| true);
    out.mpn = pick(&cands, |c| c.mpn.clone(), |s| plausible_id(s));
    out.image = pick(&cands, |c| c.image.clone(), |_| true);
    out.description = pick(&cands, |c| c.description.clone(), |d| !d.is_empty());
    let price = consensus(
        pick(
            &cands,
            |c| c.price.as_ref().map(|p| p.amount),
            |p| *p > Decimal::ZERO,
        ),
        &cands,
    );
    if let Some(p) = &price {
        let owner = cands
            .iter()
            .find(|c| c.layer == p.layer && c.price.is_some());
        let cur = owner
            .and_then(|c| {
                c.price
                    .as_ref()
                    .and_then(|m| m.currency.clone())
                    .or_else(|| c.currency.clone())
            })
            .or_else(|| hint.map(str::to_string));
        if let Some(cur) = cur {
            out.currency = Some(Field {
                value: cur,
                layer: p.layer,
                confidence: p.confidence,
            });
        }
        out.list_price = owner
            .and_then(|c| c.list_price.as_ref())
            .filter(|l| l.amount > p.value)
            .map(|l| Field {
                value: l.amount,
                layer: p.layer,
                confidence: p.confidence * 0.9,
            });
    }
    out.price = price;
    out.availability = availability(&cands);
    out.delivery = pick(&cands, |c| c.delivery, |_| true);
    let mut specs = Vec::new();
    for c in &cands {
        for (k, v) in &c.specs {
            specs.push(normalise(k, v, c.layer));
        }
    }
    for r in rows
        .iter()
        .filter(|r| r.kind == crate::specs::RowKind::Table)
        .take(300)
    {
        if !specs.iter().any(|s| s.key == r.key) {
            specs.push(normalise(&r.key, &r.value, Layer::Dom));
        }
    }
    out.specs = specs;
    (out, cands)
}

/// The price the most trusted layer gives, unless two or more other layers,
/// the visible page among them, agree on another one: structured data is
/// sometimes stale or describes a starting bid or another variant.
fn consensus(top: Option<Field<Decimal>>, cands: &[Candidate]) -> Option<Field<Decimal>> {
    let top = top?;
    let dom = cands
        .iter()
        .find(|c| c.layer == Layer::Dom)
        .and_then(|c| c.price.as_ref().map(|p| p.amount));
    let Some(dom) = dom.filter(|d| *d != top.value) else {
        return Some(top);
    };
    let agree = |v: Decimal| {
        cands
            .iter()
            .filter(|c| c.price.as_ref().is_some_and(|p| p.amount == v))
            .count()
    };
    if agree(dom) >= 2 && agree(top.value) == 1 {
        let layer = cands
            .iter()
            .filter(|c| c.price.as_ref().is_some_and(|p| p.amount == dom))
            .map(|c| c.layer)
            .min()
            .unwrap_or(Layer::Dom);
        return Some(Field {
            value: dom,
            layer,
            confidence: layer.base_confidence() * 0.8,
        });
    }
    Some(top)
}

/// Availability: the most trusted layer's, except that "out of stock" from
/// structured data alone, unconfirmed by the visible page while the page
/// has a heading or a buy button to check against, is left unknown
/// (structured data often describes another variant or is stale).
fn availability(cands: &[Candidate]) -> Option<Field<Availability>> {
    let top = pick(cands, |c| c.availability, |_| true)?;
    if top.value != Availability::OutOfStock || top.layer == Layer::Dom {
        return Some(top);
    }
    let dom = cands.iter().find(|c| c.layer == Layer::Dom);
    match dom.and_then(|c| c.availability) {
        Some(Availability::OutOfStock) => Some(top),
        Some(Availability::InStock) => None,
        None if dom.is_some_and(|c| c.name.is_some() || c.price.is_some()) => None,
        None => Some(Field {
            confidence: top.confidence * 0.7,
            ..top
        }),
    }
}

/// Takes a field from the most trusted candidate that has an acceptable
/// value, with a confidence raised by agreeing layers.
fn pick<T: PartialEq + Clone>(
    cands: &[Candidate],
    get: impl Fn(&Candidate) -> Option<T>,
    ok: impl Fn(&T) -> bool,
) -> Option<Field<T>> {
    let mut order: Vec<&Candidate> = cands.iter().collect();
    order.sort_by_key(|c| c.layer);
    let values: Vec<(Layer, T)> = order
        .iter()
        .filter_map(|c| get(c).filter(|v| ok(v)).map(|v| (c.layer, v)))
        .collect();
    let (layer, value) = values.first()?.clone();
    let agreeing = values.iter().skip(1).filter(|(_, v)| *v == value).count();
    let base = layer.base_confidence();
    let confidence = 1.0 - (1.0 - base) / 2f32.powi(agreeing.min(8) as i32);
    Some(Field {
        value,
        layer,
        confidence,
    })
}
