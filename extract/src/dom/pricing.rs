//! Finding the price on the visible page: short price-like texts scored by
//! their markup and their nearness to the heading and the buy button.

use super::words::*;
use super::{Flags, class_id, distance};
use crate::html::{Document, NodeData, NodeId};
use crate::price::{self, Money};

pub(super) struct PriceHit {
    pub money: Money,
    pub score: f32,
    pub struck: bool,
    pub listish: bool,
    pub node: NodeId,
}

/// The text of a price element, with cents set in superscript
/// (`173<sup>34</sup>`) read as decimals.
fn price_text(doc: &Document<'_>, id: NodeId) -> String {
    let last = doc.last_descendant(id);
    let has_sup = (id + 1..=last).any(|d| doc.name(d) == Some("sup"));
    if !has_sup {
        return doc.text(id, 120);
    }
    let mut out = String::new();
    let mut d = id;
    while d <= last {
        if doc.name(d) == Some("sup") {
            let t = doc.text(d, 20);
            if t.len() == 2
                && t.bytes().all(|b| b.is_ascii_digit())
                && out.trim_end().ends_with(|c: char| c.is_ascii_digit())
            {
                let trimmed = out.trim_end().to_string();
                let sep = if trimmed.contains('.') && !trimmed.contains(',') {
                    ','
                } else {
                    '.'
                };
                out = trimmed;
                out.push(sep);
                out.push_str(&t);
                d = doc.last_descendant(d) + 1;
                continue;
            }
        }
        if let NodeData::Text(t) = doc.nodes[d as usize].data {
            out.push_str(&crate::text::decode_entities(t));
        }
        d += 1;
    }
    crate::text::collapse_ws(&out)
}

/// True when some element child of `id` holds a price with a currency on
/// its own: then the child, not `id`, is the price element.
fn child_has_price(doc: &Document<'_>, id: NodeId, hint: Option<&str>) -> bool {
    doc.children(id).any(|c| {
        doc.name(c).is_some() && {
            let t = doc.text(c, 120);
            t.bytes().any(|b| b.is_ascii_digit())
                && price::find_prices(&t, hint)
                    .iter()
                    .any(|p| p.explicit_currency)
        }
    })
}

/// True when `id` sits in a small product tile (an image and a link with a
/// title, a few dozen nodes), the way listings of other products look.
fn in_card(doc: &Document<'_>, id: NodeId, head: Option<NodeId>) -> bool {
    for a in doc.ancestors(id).take(5) {
        let last = doc.last_descendant(a);
        if last - a > 120 {
            return false;
        }
        if head.is_some_and(|h| (a..=last).contains(&h)) {
            return false;
        }
        let mut img = false;
        let mut link = false;
        for d in a..=last {
            match doc.name(d) {
                Some("img") => img = true,
                Some("a") if doc.attr(d, "href").is_some() && doc.last_descendant(d) - d < 10 => {
                    link |= doc.text(d, 200).chars().count() >= 12;
                }
                _ => {}
            }
        }
        if img && link {
            return true;
        }
    }
    false
}

/// The short text of the element before `id` (a label such as "RRP:").
fn label_before(doc: &Document<'_>, id: NodeId) -> String {
    let Some(parent) = doc.parent(id) else {
        return String::new();
    };
    let mut prev = None;
    for c in doc.children(parent) {
        if c == id {
            break;
        }
        if doc.name(c).is_some()
            || matches!(doc.nodes[c as usize].data, NodeData::Text(t) if !t.trim().is_empty())
        {
            prev = Some(c);
        }
    }
    match prev {
        Some(p) if doc.last_descendant(p) - p < 10 => doc.text(p, 60).to_lowercase(),
        _ => String::new(),
    }
}

pub(super) fn price_hits(
    doc: &Document<'_>,
    f: &Flags,
    head: Option<NodeId>,
    buttons: &[NodeId],
    hint: Option<&str>,
) -> Vec<PriceHit> {
    let mut hits: Vec<PriceHit> = Vec::new();
    for id in doc.elements() {
        let i = id as usize;
        if f.outside[i] {
            continue;
        }
        let last = doc.last_descendant(id);
        if last - id > 16
            || matches!(
                doc.name(id),
                Some("script" | "style" | "option" | "title" | "noscript")
            )
        {
            continue;
        }
        let text = price_text(doc, id);
        if text.len() > 60 || !text.bytes().any(|b| b.is_ascii_digit()) {
            continue;
        }
        let ci = class_id(doc, id);
        let mut ctx = ci.clone();
        for a in doc.ancestors(id).take(3) {
            ctx.push_str(&class_id(doc, a));
        }
        let priceish = PRICE_CLASS_RE.is_match(&ctx);
        let near = ci.clone() + &doc.parent(id).map(|p| class_id(doc, p)).unwrap_or_default();
        let priceish_near = PRICE_CLASS_RE.is_match(&near);
        let Some(range) = price::parse_price_range(&text, hint) else {
            continue;
        };
        let explicit = price::find_prices(&text, hint)
            .iter()
            .any(|p| p.explicit_currency);
        if !explicit && !priceish_near {
            continue;
        }
        if child_has_price(doc, id, hint) {
            continue;
        }
        let lower = text.to_lowercase();
        if UNIT_TEXT_RE.is_match(&lower) || UNIT_CLASS_RE.is_match(&ctx) {
            continue;
        }
        if range.low.amount <= rust_decimal::Decimal::ZERO {
            continue;
        }
        let parent_text = doc
            .parent(id)
            .filter(|&p| doc.last_descendant(p) - p < 24)
            .map(|p| doc.text(p, 120).to_lowercase())
            .unwrap_or_default();
        let label = label_before(doc, id);
        let labelled_list = LIST_LABELS
            .iter()
            .any(|w| label.trim_end_matches([':', ' ']) == *w || lower.starts_with(w));
        let struck = f.struck[i] || labelled_list || (id..=last).any(|d| f.struck[d as usize]);
        let listish = f.listish[i] || (id..=last).any(|d| f.listish[d as usize]);
        let mut score = 0.0;
        if priceish {
            score += 2.0;
        }
        if explicit {
            score += 1.0;
        }
        if SALE_RE.is_match(&ctx) {
            score += 1.5;
        }
        let pct_before = lower.find('%').is_some_and(|p| {
            lower
                .find(|c: char| c.is_ascii_digit())
                .is_some_and(|d| p < d + 4)
        });
        if pct_before
            || SKIP_RE.is_match(&lower)
            || (parent_text.len() < 80 && SKIP_RE.is_match(&parent_text))
        {
            score -= 4.0;
        }
        if listish {
            score -= 2.5;
        }
        if in_card(doc, id, head) {
            score -= 3.0;
        }
        if let Some(h) = head {
            let d = distance(id, &[h]);
            score += 5.0 * (-d / 400.0).exp();
            if id < h {
                score -= 1.0;
            }
        }
        score += 2.0 * (-distance(id, buttons) / 400.0).exp();
        hits.push(PriceHit {
            money: range.low,
            score,
            struck,
            listish,
            node: id,
        });
        if hits.len() > 400 {
            break;
        }
    }
    hits
}
