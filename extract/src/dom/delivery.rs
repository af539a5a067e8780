//! Delivery wording on the visible page: the text nearest the heading and
//! the buy button that states a delivery time ("Lieferzeit 2–3 Werktage",
//! "order by 3pm for next-day delivery"), or a labelled row ("Delivery
//! time | 3–5 working days"). Page chrome, hidden elements and containers
//! of other products are skipped.

use std::sync::LazyLock;

use procura_common::delivery::DeliveryTime;
use regex::Regex;

use super::{Flags, distance, in_other_products};
use crate::delivery::from_text;
use crate::html::{Document, NodeData, NodeId};
use crate::specs::RawRow;

/// Stems of delivery words, to find the few texts worth reading.
static HINT_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)deliver|ship|dispatch|arriv|lead time|get it|liefer|versand|verschickt|zustell|bei ihnen|bei dir|levertijd|levering|geleverd|bezorg|verzend|verzonden|in huis|livr|exp[ée]di",
    )
    .expect("the delivery hint pattern compiles")
});

/// Ancestors (the text's own element first) whose text is read.
const LEVELS: usize = 3;
/// The largest subtree read as one text, in nodes.
const SMALL: NodeId = 16;
/// The longest text read, in bytes.
const LONGEST: usize = 300;

/// The delivery time the visible page states nearest the anchors (in
/// document order when there are none).
pub(super) fn delivery(
    doc: &Document<'_>,
    f: &Flags,
    rows: &[RawRow],
    anchors: &[NodeId],
) -> Option<DeliveryTime> {
    let len = doc.nodes.len() as NodeId;
    let (lo, hi) = match anchors.first() {
        Some(&c) => (c.saturating_sub(300), c.saturating_add(3000).min(len)),
        None => (0, len),
    };
    let near = |id: NodeId| {
        if anchors.is_empty() {
            id as f32
        } else {
            distance(id, anchors)
        }
    };
    let mut best: Option<(f32, DeliveryTime)> = None;
    let mut offer = |d: f32, t: DeliveryTime| {
        if best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, t));
        }
    };
    let mut id = lo;
    while id < hi {
        let node = &doc.nodes[id as usize];
        match &node.data {
            NodeData::Element { name, .. }
                if matches!(
                    &**name,
                    "script" | "style" | "noscript" | "template" | "select" | "title"
                ) =>
            {
                id = doc.last_descendant(id) + 1;
                continue;
            }
            NodeData::Text(t)
                if t.len() < 400
                    && (node.parent as usize) < f.outside.len()
                    && !f.outside[node.parent as usize]
                    && HINT_RE.is_match(t) =>
            {
                if let Some((at, time)) = read_around(doc, node.parent) {
                    offer(near(at), time);
                }
            }
            _ => {}
        }
        id += 1;
    }
    for r in rows.iter().take(500) {
        if !HINT_RE.is_match(&r.key) || in_other_products(doc, r.node) {
            continue;
        }
        if (r.node as usize) < f.outside.len() && f.outside[r.node as usize] {
            continue;
        }
        if let Some(t) = from_text(&format!("{}: {}", r.key, r.value)) {
            offer(near(r.node), t);
        }
    }
    best.map(|(_, t)| t)
}

/// The delivery time read from the element holding a hinted text, or from
/// one of its small ancestors (a label and its value in sibling elements).
fn read_around(doc: &Document<'_>, parent: NodeId) -> Option<(NodeId, DeliveryTime)> {
    std::iter::once(parent)
        .chain(doc.ancestors(parent))
        .take(LEVELS)
        .take_while(|&a| doc.name(a).is_some() && doc.last_descendant(a) - a <= SMALL)
        .find_map(|a| {
            let text = doc.text(a, LONGEST + 1);
            if text.len() > LONGEST {
                return None;
            }
            from_text(&text).map(|t| (a, t))
        })
}

#[cfg(test)]
mod tests {
    use super::super::flags;
    use super::*;
    use crate::specs::raw_rows;

    fn read(html: &str) -> Option<DeliveryTime> {
        let doc = Document::parse(html);
        let f = flags(&doc);
        let rows = raw_rows(&doc);
        let head = super::super::heading(&doc).map(|h| h.0);
        delivery(&doc, &f, &rows, &head.into_iter().collect::<Vec<_>>())
    }

    fn t(a: u16, b: u16, business: bool) -> Option<DeliveryTime> {
        DeliveryTime::new(a, b, business)
    }

    #[test]
    fn wording_near_the_offer() {
        assert_eq!(
            read(
                "<h1>Chair</h1><span class=\"price\">£99.00</span>\
                 <div class=\"stock\">In stock – order by 3pm for next-day delivery</div>"
            ),
            t(1, 1, true)
        );
        assert_eq!(
            read(
                "<h1>Stuhl</h1><p class=\"lieferstatus\">Auf Lager – Lieferzeit 8&ndash;10 Werktage</p>"
            ),
            t(8, 10, true)
        );
        // Label and value in sibling elements.
        assert_eq!(
            read(
                "<h1>Desk</h1><div><span class=\"label\">Delivery time:</span> <span>3-5 working days</span></div>"
            ),
            t(3, 5, true)
        );
        // A labelled row of a table.
        assert_eq!(
            read("<h1>Desk</h1><table><tr><th>Lieferzeit</th><td>1-2 Wochen</td></tr></table>"),
            t(7, 14, false)
        );
    }

    #[test]
    fn a_whole_page_with_head_and_body() {
        // The parser may keep the body inside the head: the head is not
        // skipped as a whole.
        assert_eq!(
            read(
                "<!doctype html>\n<html lang=\"en-GB\"><head><meta charset=\"utf-8\"><title>Chair</title>\
                 <style>body{margin:0}</style></head>\n<body><div class=\"pdp\"><h1 class=\"pdp-title\">Chair</h1>\
                 <div class=\"stock stock--in\">In stock – order by 3pm for next-day delivery</div></div></body></html>"
            ),
            t(1, 1, true)
        );
    }

    #[test]
    fn chrome_returns_and_other_products_are_not_read() {
        for html in [
            "<h1>Chair</h1><footer><p>Delivery in 2-3 days</p></footer>",
            "<h1>Chair</h1><p>30-day returns</p><p>2 year warranty</p>",
            "<h1>Chair</h1><div class=\"related-products\"><p>Delivery in 2-3 days</p></div>",
            "<h1>Chair</h1><p style=\"display:none\">Delivery in 2-3 days</p>",
            "<h1>Chair</h1><script>var d = 'Delivery in 2-3 days';</script>",
            "<h1>Chair</h1><p>Free delivery on orders over £50</p>",
        ] {
            assert_eq!(read(html), None, "{html}");
        }
    }

    #[test]
    fn the_nearest_statement_wins() {
        assert_eq!(
            read(
                "<p>Delivery in 10-14 days</p><div>x</div><div>x</div><h1>Chair</h1>\
                 <p>Delivery in 2-3 days</p><div>x</div><div>x</div><p>Delivery in 10-14 days</p>"
            ),
            t(2, 3, false)
        );
    }
}
