//! Sanitising whole jobs and products for the screen; the rules live in
//! [`procura_common::text`], shared with the CLI.

use procura_common::job::Job;
use procura_common::negotiation::{Approval, DraftedBy, Outbound, Thread};
use procura_common::product::Product;
use procura_common::rank::{Found, Money, Shortlist};
pub use procura_common::text::{is_clean, sanitize};
use procura_common::usage::UsageReport;
use serde_json::Value;

/// A copy of `job` whose every string is sanitised.
pub fn sanitize_job(mut job: Job) -> Job {
    clean(&mut job.request);
    clean(&mut job.created_by);
    clean_all(&mut job.sources);
    clean_opt(&mut job.current_node);
    clean_opt(&mut job.error);
    if let Some(spec) = job.spec.as_mut() {
        clean_opt(&mut spec.item);
        clean_opt(&mut spec.category);
        clean_all(&mut spec.keywords);
        clean_all(&mut spec.preferred_vendors);
        clean_all(&mut spec.excluded_vendors);
        if let Some(b) = spec.budget.as_mut() {
            clean(&mut b.currency);
        }
        for r in &mut spec.required_specs {
            clean(&mut r.name);
            clean(&mut r.value);
            clean(&mut r.text);
            clean_opt(&mut r.unit);
        }
    }
    job
}

fn clean(s: &mut String) {
    *s = sanitize(s);
}

fn clean_opt(s: &mut Option<String>) {
    if let Some(s) = s {
        clean(s);
    }
}

fn clean_all(v: &mut [String]) {
    v.iter_mut().for_each(clean);
}

/// A copy of `product` whose every string, the spec table's keys and
/// values and the layer names included, is sanitised.
pub fn sanitize_product(mut p: Product) -> Product {
    clean(&mut p.vendor);
    clean(&mut p.url);
    for s in [
        &mut p.title,
        &mut p.brand,
        &mut p.sku,
        &mut p.gtin,
        &mut p.mpn,
        &mut p.currency,
        &mut p.availability,
        &mut p.image,
        &mut p.description,
        &mut p.screenshot_blob,
        &mut p.html_blob,
    ] {
        clean_opt(s);
    }
    p.specs = sanitize_json(std::mem::take(&mut p.specs));
    p.methods = std::mem::take(&mut p.methods)
        .into_iter()
        .map(|(k, v)| (sanitize(&k), sanitize(&v)))
        .collect();
    p
}

/// Every string and key in `value`, sanitised. Values off the wire nest at
/// most 128 deep (serde_json's limit), so the recursion is bounded.
fn sanitize_json(value: Value) -> Value {
    match value {
        Value::String(s) => Value::String(sanitize(&s)),
        Value::Array(items) => Value::Array(items.into_iter().map(sanitize_json).collect()),
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (sanitize(&k), sanitize_json(v)))
                .collect(),
        ),
        other => other,
    }
}

fn sanitize_money(mut m: Money) -> Money {
    clean(&mut m.currency);
    m
}

/// A search result whose every string is sanitised.
pub fn sanitize_found(f: Found) -> Found {
    Found {
        product: sanitize_product(f.product),
        score: f.score,
        converted: f.converted.map(sanitize_money),
    }
}

/// A shortlist whose every string (reasons, groups' whys, products) is
/// sanitised.
pub fn sanitize_shortlist(mut s: Shortlist) -> Shortlist {
    s.entries = std::mem::take(&mut s.entries)
        .into_iter()
        .map(|mut e| {
            clean(&mut e.reason);
            e.compare_price = e.compare_price.map(sanitize_money);
            e.product = sanitize_product(e.product);
            e
        })
        .collect();
    for g in &mut s.groups {
        clean(&mut g.why);
    }
    s
}

/// A copy of a usage report whose every string is sanitised.
pub fn sanitize_usage(mut r: UsageReport) -> UsageReport {
    for row in &mut r.rows {
        clean(&mut row.service);
        clean(&mut row.task);
        clean(&mut row.model);
        clean(&mut row.currency);
    }
    for sums in [
        &mut r.totals,
        &mut r.by_day,
        &mut r.by_service,
        &mut r.by_model,
        &mut r.by_job,
    ] {
        for a in sums.iter_mut() {
            clean(&mut a.key);
            clean(&mut a.currency);
            clean_opt(&mut a.label);
        }
    }
    clean(&mut r.budget.currency);
    r.budget.unconverted = std::mem::take(&mut r.budget.unconverted)
        .into_iter()
        .map(sanitize_money)
        .collect();
    r
}

/// `text` with its line breaks kept and each line sanitised: for a draft's
/// body, which is many lines. `\r\n` counts as one break.
pub fn sanitize_lines(text: &str) -> String {
    text.split('\n')
        .map(|line| sanitize(line.strip_suffix('\r').unwrap_or(line)))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A draft whose every string is sanitised; the body keeps its lines.
pub fn sanitize_approval(mut a: Approval) -> Approval {
    clean(&mut a.vendor);
    clean_opt(&mut a.to);
    clean(&mut a.subject);
    a.body = sanitize_lines(&a.body);
    if let DraftedBy::Model { model } = &mut a.drafted_by {
        clean(model);
    }
    a
}

/// A negotiation whose every string is sanitised: the vendor, each
/// message's fields (the bodies keep their lines), the offers read from
/// replies and the purchase order.
pub fn sanitize_thread(mut t: Thread) -> Thread {
    clean(&mut t.vendor);
    for m in &mut t.messages {
        clean(&mut m.direction);
        clean(&mut m.status);
        clean(&mut m.subject);
        m.body = sanitize_lines(&m.body);
        clean_opt(&mut m.counterpart);
        clean_opt(&mut m.message_id);
        clean_opt(&mut m.attachment);
        if let Some(o) = m.offer.as_mut() {
            clean_opt(&mut o.currency);
            clean(&mut o.read_by);
        }
    }
    if let Some(po) = t.purchase_order.as_mut() {
        clean(&mut po.number);
        clean(&mut po.vendor);
        clean(&mut po.currency);
    }
    t
}

/// An outbound message whose every string (the mail server's error
/// included) is sanitised.
pub fn sanitize_outbound(mut m: Outbound) -> Outbound {
    clean(&mut m.vendor);
    clean_opt(&mut m.to);
    clean(&mut m.subject);
    clean_opt(&mut m.message_id);
    clean_opt(&mut m.error);
    clean_opt(&mut m.delivered_by);
    m
}
