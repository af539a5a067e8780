//! DOM heuristics, the last layer: what a person reads on the page.
//!
//! - name: the product heading (`h1`);
//! - price: short price-like texts scored by their markup (`price` in a
//!   class, sale words) and their nearness to the heading and the buy
//!   button; struck-through or "was/old/list" prices become the list price,
//!   per-unit and instalment prices are set aside;
//! - identifiers and brand: labelled rows and texts (`SKU:`, `Art.-Nr.`,
//!   `Brand`, `EAN`, `MPN`, ... in the languages shops use), hidden
//!   add-to-cart inputs and `data-sku`-like attributes of the buy button;
//! - availability: out-of-stock and in-stock wording near the buy area;
//! - delivery time: delivery wording nearest the heading and buy button.

use crate::html::{Document, NodeData, NodeId};
use crate::schema::{Candidate, valid_gtin};
use crate::specs::RawRow;
use crate::{Availability, Layer};

mod delivery;
mod pricing;
mod words;
use pricing::price_hits;
use words::*;

/// Per-element facts computed in one pass.
struct Flags {
    /// Inside header, nav, footer, aside, a hidden element or a
    /// related-products container.
    outside: Vec<bool>,
    /// Inside a struck-through element (`del`, `s`, line-through).
    struck: Vec<bool>,
    /// Inside an element marked as an old or list price.
    listish: Vec<bool>,
}

fn class_id(doc: &Document<'_>, id: NodeId) -> String {
    let mut s = String::new();
    for a in [
        "class",
        "id",
        "itemprop",
        "data-testid",
        "data-test",
        "data-qa",
    ] {
        if let Some(v) = doc.attr(id, a) {
            s.push_str(&v.to_ascii_lowercase());
            s.push(' ');
        }
    }
    s
}

fn is_hidden(doc: &Document<'_>, id: NodeId, ci: &str) -> bool {
    doc.attr(id, "hidden").is_some()
        || doc.attr(id, "aria-hidden") == Some("true") && doc.name(id) != Some("span")
        || doc.attr(id, "style").is_some_and(|s| {
            let s: String = s
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect::<String>()
                .to_ascii_lowercase();
            s.contains("display:none") || s.contains("visibility:hidden")
        })
        || (!ci.is_empty() && HIDDEN_RE.is_match(ci))
}

fn flags(doc: &Document<'_>) -> Flags {
    let n = doc.nodes.len();
    let mut outside = vec![false; n];
    let mut struck = vec![false; n];
    let mut listish = vec![false; n];
    for id in doc.elements() {
        let i = id as usize;
        let p = doc.nodes[i].parent as usize;
        let (po, ps, pl) = if p < n {
            (outside[p], struck[p], listish[p])
        } else {
            (false, false, false)
        };
        let name = doc.name(id).unwrap_or("");
        let ci = class_id(doc, id);
        outside[i] =
            po || matches!(
                name,
                "header" | "nav" | "footer" | "aside" | "option" | "select"
            ) || (!ci.is_empty() && RELATED_RE.is_match(&ci))
                || is_hidden(doc, id, &ci);
        let style_strike = doc
            .attr(id, "style")
            .is_some_and(|s| s.contains("line-through"));
        struck[i] = ps
            || matches!(name, "del" | "s" | "strike")
            || style_strike
            || (!ci.is_empty() && STRIKE_RE.is_match(&ci));
        listish[i] = pl || (!ci.is_empty() && LIST_RE.is_match(&ci));
    }
    Flags {
        outside,
        struck,
        listish,
    }
}

/// The product heading: the first `h1` outside header and navigation with
/// some text, preferring one marked as a title or name.
pub(crate) fn heading(doc: &Document<'_>) -> Option<(NodeId, String)> {
    let mut first: Option<(NodeId, String)> = None;
    for id in doc.elements() {
        if doc.name(id) != Some("h1") {
            continue;
        }
        let t = crate::text::clean(&doc.text(id, 400));
        if t.chars().count() < 2 || t.chars().count() > 300 {
            continue;
        }
        let ci = class_id(doc, id);
        if ci.contains("title") || ci.contains("name") || ci.contains("product") {
            return Some((id, t));
        }
        let in_header = doc
            .ancestors(id)
            .any(|a| matches!(doc.name(a), Some("header" | "nav")));
        if first.is_none() && !in_header {
            first = Some((id, t));
        }
    }
    first
}

/// Buy buttons: buttons, submit inputs and links that say "add to cart" in
/// some language or are marked so.
fn buy_buttons(doc: &Document<'_>, outside: &[bool]) -> Vec<NodeId> {
    let mut out = Vec::new();
    for id in doc.elements() {
        if outside[id as usize] || out.len() >= 20 {
            continue;
        }
        let name = doc.name(id).unwrap_or("");
        if !matches!(name, "button" | "input" | "a") {
            continue;
        }
        if name == "input" && !matches!(doc.attr(id, "type"), Some("submit" | "button" | "image")) {
            continue;
        }
        let ci = class_id(doc, id) + doc.attr(id, "name").unwrap_or("");
        let marked = BUY_CLASS_RE.is_match(&ci);
        let text = if name == "input" {
            doc.attr(id, "value").unwrap_or("").to_lowercase()
        } else if doc.last_descendant(id) - id < 20 {
            doc.text(id, 80).to_lowercase()
        } else {
            String::new()
        };
        if marked || BUY_TEXT_RE.is_match(&text) {
            out.push(id);
        }
    }
    out
}

/// Distance in nodes to the nearest anchor; large when there is none.
fn distance(id: NodeId, anchors: &[NodeId]) -> f32 {
    anchors
        .iter()
        .map(|&a| (i64::from(id) - i64::from(a)).unsigned_abs() as f32)
        .fold(f32::INFINITY, f32::min)
}

/// Labelled identifiers, brand and availability found in the page text.
fn labelled(doc: &Document<'_>, rows: &[RawRow], c: &mut Candidate) {
    for r in rows {
        if in_other_products(doc, r.node) {
            continue;
        }
        let key = r.key.to_lowercase();
        let key = key.trim();
        let value = r.value.trim();
        if value.chars().count() > 80 {
            continue;
        }
        if c.sku.is_none() && sku_label(key) && looks_like_id(value) {
            c.sku = Some(value.split_whitespace().next().unwrap_or(value).to_string());
            c.strong_sku = true;
        } else if c.brand.is_none() && BRAND_LABELS.contains(&key) && value.chars().count() <= 50 {
            c.brand = Some(value.to_string());
            c.strong_brand = true;
        } else if c.gtin.is_none() && GTIN_LABELS.contains(&key) {
            let g: String = value.chars().filter(char::is_ascii_digit).collect();
            if valid_gtin(&g) {
                c.gtin = Some(g);
            }
        } else if c.mpn.is_none() && MPN_LABELS.contains(&key) && looks_like_id(value) {
            c.mpn = Some(value.to_string());
        }
    }
}

/// True inside page chrome or a container of other products (related,
/// recommended, recently viewed), where labels describe other things.
/// Hidden elements count: spec tabs are often hidden until clicked.
fn in_other_products(doc: &Document<'_>, id: NodeId) -> bool {
    std::iter::once(id).chain(doc.ancestors(id)).any(|a| {
        matches!(doc.name(a), Some("nav" | "footer")) || {
            let ci = class_id(doc, a);
            !ci.is_empty() && RELATED_RE.is_match(&ci)
        }
    })
}

/// A label of brand, article number, GTIN or MPN.
pub(crate) fn is_known_label(l: &str) -> bool {
    BRAND_LABELS.contains(&l)
        || SKU_LABELS.contains(&l)
        || GTIN_LABELS.contains(&l)
        || MPN_LABELS.contains(&l)
}

/// A label of the shop's article number: one of [`SKU_LABELS`], alone or
/// with a word before or after it ("eBay item number", "Numero oggetto
/// eBay").
fn sku_label(key: &str) -> bool {
    let key: String = key
        .chars()
        .filter(|c| !matches!(c, '*' | '(' | ')'))
        .collect();
    let key = key.trim();
    if key.split_whitespace().count() > 4 {
        return false;
    }
    SKU_LABELS.iter().any(|l| {
        key == *l
            || (l.len() >= 6
                && (key
                    .strip_prefix(l)
                    .is_some_and(|r| r.starts_with(' ') && r.split_whitespace().count() == 1)
                    || key
                        .strip_suffix(l)
                        .is_some_and(|r| r.ends_with(' ') && r.split_whitespace().count() == 1)))
    })
}

/// The product id at the end of a product URL: the last token with at
/// least five characters and a digit in the last path segments
/// (`.../name-14347.html`, `/dp/B07FW264WL`, `/itm/133588510845`).
pub(crate) fn url_id(url: &str) -> Option<String> {
    let rest = url.split("://").nth(1).unwrap_or(url);
    let path = rest.split(['?', '#']).next().unwrap_or(rest);
    let mut segs: Vec<&str> = path.split('/').skip(1).filter(|s| !s.is_empty()).collect();
    segs.reverse();
    for seg in segs.into_iter().take(3) {
        let seg = seg
            .trim_end_matches(".html")
            .trim_end_matches(".htm")
            .trim_end_matches(".php")
            .trim_end_matches(".aspx");
        let token = seg.rsplit(['-', '_', '.', ',', '=']).find(|t| {
            t.len() >= 5
                && t.len() <= 20
                && t.bytes().any(|b| b.is_ascii_digit())
                && t.bytes().all(|b| b.is_ascii_alphanumeric())
        });
        if let Some(t) = token {
            return Some(t.to_string());
        }
    }
    None
}

/// An identifier: one token-ish string with a digit, no sentence.
pub(crate) fn looks_like_id(v: &str) -> bool {
    let n = v.chars().count();
    (2..=40).contains(&n)
        && v.chars().any(|c| c.is_ascii_digit())
        && v.split_whitespace().count() <= 3
        && v.chars()
            .all(|c| c.is_alphanumeric() || " -_./#:".contains(c))
}

/// SKU from hidden add-to-cart inputs and the buy button's data attributes.
fn form_sku(doc: &Document<'_>, buttons: &[NodeId]) -> Option<String> {
    for &b in buttons {
        for a in doc.attrs(b) {
            if SKU_DATA_ATTRS.contains(&&*a.name) && looks_like_id(&a.value) {
                return Some(a.value.to_string());
            }
        }
    }
    let forms: Vec<NodeId> = buttons
        .iter()
        .filter_map(|&b| doc.ancestors(b).find(|&a| doc.name(a) == Some("form")))
        .collect();
    for form in forms {
        let last = doc.last_descendant(form);
        for id in form..=last {
            if doc.name(id) == Some("input")
                && doc
                    .attr(id, "type")
                    .is_some_and(|t| t.eq_ignore_ascii_case("hidden"))
                && let (Some(n), Some(v)) = (doc.attr(id, "name"), doc.attr(id, "value"))
                && SKU_INPUT_NAMES.contains(&n.to_ascii_lowercase().as_str())
                && looks_like_id(v)
            {
                return Some(v.to_string());
            }
        }
    }
    None
}

/// Out-of-stock or in-stock wording in the text near the anchors.
fn availability(doc: &Document<'_>, f: &Flags, anchors: &[NodeId]) -> Option<(Availability, f32)> {
    let center = *anchors.first()?;
    let lo = center.saturating_sub(300);
    let hi = (center as usize + 3000).min(doc.nodes.len()) as NodeId;
    let mut best: Option<(Availability, f32)> = None;
    let mut id = lo;
    while id < hi {
        let node = &doc.nodes[id as usize];
        if let NodeData::Element { name, .. } = &node.data
            && matches!(
                &**name,
                "script" | "style" | "noscript" | "template" | "select"
            )
        {
            id = doc.last_descendant(id) + 1;
            continue;
        }
        if let NodeData::Text(t) = node.data
            && t.len() < 200
            && !f.outside[node.parent as usize]
        {
            let l = crate::text::decode_entities(t).to_lowercase();
            let l = crate::text::collapse_ws(&l);
            let d = distance(id, anchors);
            let says = |re: &regex::Regex| {
                re.find(&l)
                    .is_some_and(|m| m.start() == 0 || l.len() <= m.len() + 30)
            };
            let found = if l.len() > 100 {
                None
            } else if says(&OOS_RE) {
                Some(Availability::OutOfStock)
            } else if says(&IN_STOCK_RE) {
                Some(Availability::InStock)
            } else {
                None
            };
            if let Some(a) = found
                && best.is_none_or(|(_, bd)| d < bd)
            {
                best = Some((a, d));
            }
        }
        id += 1;
    }
    best
}

/// Brand from elements marked as such (`class="brand"`), short text only.
fn brand_by_class(doc: &Document<'_>, f: &Flags, anchors: &[NodeId]) -> Option<String> {
    let mut best: Option<(f32, String)> = None;
    for id in doc.elements() {
        if f.outside[id as usize] || doc.last_descendant(id) - id > 6 {
            continue;
        }
        let ci = class_id(doc, id);
        if ci.is_empty() || !BRAND_CLASS_RE.is_match(&ci) || ci.contains("logo") {
            continue;
        }
        let t = crate::text::clean(&doc.text(id, 100));
        let t = t.trim_end_matches(':').trim();
        if t.chars().count() < 2
            || t.chars().count() > 40
            || BRAND_LABELS.contains(&t.to_lowercase().as_str())
        {
            continue;
        }
        let d = distance(id, anchors);
        if d < 600.0 && best.as_ref().is_none_or(|(bd, _)| d < *bd) {
            best = Some((d, t.to_string()));
        }
    }
    best.map(|(_, t)| t)
}

/// The DOM layer's candidate. `page_url` is the URL the page came from, and
/// `og_url` its `og:url`.
pub(crate) fn candidate(
    doc: &Document<'_>,
    rows: &[RawRow],
    hint: Option<&str>,
    page_url: Option<&str>,
    og_url: Option<&str>,
) -> Candidate {
    let mut c = Candidate::new(Layer::Dom);
    let f = flags(doc);
    let head = heading(doc);
    let buttons = buy_buttons(doc, &f.outside);
    let mut anchors: Vec<NodeId> = Vec::new();
    if let Some((h, t)) = &head {
        anchors.push(*h);
        c.name = Some(t.clone());
    }
    anchors.extend(buttons.iter().take(3));
    let hits = price_hits(doc, &f, head.as_ref().map(|h| h.0), &buttons, hint);
    let best = hits
        .iter()
        .filter(|h| !h.struck)
        .max_by(|a, b| a.score.total_cmp(&b.score).then(b.node.cmp(&a.node)));
    if let Some(b) = best
        && b.score >= 2.5
    {
        c.price = Some(b.money.clone());
        c.currency = b.money.currency.clone();
        c.list_price = hits
            .iter()
            .filter(|h| (h.struck || h.listish) && h.money.amount > b.money.amount)
            .filter(|h| distance(h.node, &[b.node]) < 60.0)
            .map(|h| h.money.clone())
            .next();
        c.score = b.score;
    }
    labelled(doc, rows, &mut c);
    if c.sku.is_none() {
        c.sku = form_sku(doc, &buttons);
    }
    if c.sku.is_none() {
        let url = crate::meta::canonical_url(doc)
            .map(str::to_string)
            .or_else(|| og_url.map(str::to_string))
            .or_else(|| page_url.map(str::to_string));
        c.sku = url.as_deref().and_then(url_id);
    }
    if c.brand.is_none() && !anchors.is_empty() {
        c.brand = brand_by_class(doc, &f, &anchors);
    }
    if let Some((a, _)) = availability(doc, &f, &anchors) {
        c.availability = Some(a);
    }
    c.delivery = delivery::delivery(doc, &f, rows, &anchors);
    c
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::specs::raw_rows;

    fn cand(html: &str) -> Candidate {
        let doc = Document::parse(html);
        let rows = raw_rows(&doc);
        candidate(&doc, &rows, None, None, None)
    }

    #[test]
    fn ids_from_urls() {
        assert_eq!(
            url_id("https://x.fr/p-montre-casio-304103-14347.html").as_deref(),
            Some("14347")
        );
        assert_eq!(
            url_id("https://x.com/dp/B07FW264WL").as_deref(),
            Some("B07FW264WL")
        );
        assert_eq!(
            url_id("https://x.com/itm/ANGEL-TEDDY-BEAR-/133588510845").as_deref(),
            Some("133588510845")
        );
        assert_eq!(
            url_id("https://x.ro/whisky-0-7l-5099873388655/pd/DWFWKMMBM/").as_deref(),
            Some("5099873388655")
        );
        assert_eq!(url_id("https://x.com/products/red-chair").as_deref(), None);
        assert!(
            sku_label("numero oggetto ebay") && sku_label("ebay item number") && sku_label("sku")
        );
        assert!(!sku_label("item number of pieces in box"));
    }

    #[test]
    fn sale_price_over_struck_list_price() {
        let c = cand(
            r#"<header><span class="price">€1.00</span></header><h1 class="product-title">Desk lamp</h1>
               <div class="price-box"><del>€59,99</del> <span class="price sale">€49,99</span>
               <span class="unit-price">€4,99 / kg</span></div><button class="add-to-cart">Add to cart</button>"#,
        );
        assert_eq!(c.name.as_deref(), Some("Desk lamp"));
        assert_eq!(c.price.as_ref().unwrap().amount.to_string(), "49.99");
        assert_eq!(c.list_price.as_ref().unwrap().amount.to_string(), "59.99");
        assert_eq!(c.currency.as_deref(), Some("EUR"));
    }

    #[test]
    fn labelled_identifiers() {
        let c = cand(
            "<h1>Kettle</h1><table><tr><th>Marke</th><td>Acme</td></tr><tr><th>Art.-Nr.</th><td>12-345</td></tr>
             <tr><th>EAN</th><td>4006381333931</td></tr><tr><th>Modellnummer</th><td>KT 2000</td></tr></table>",
        );
        assert_eq!(c.brand.as_deref(), Some("Acme"));
        assert_eq!(c.sku.as_deref(), Some("12-345"));
        assert_eq!(c.gtin.as_deref(), Some("4006381333931"));
        assert_eq!(c.mpn.as_deref(), Some("KT 2000"));
    }

    #[test]
    fn out_of_stock_wording() {
        for w in [
            "Out of stock",
            "Ausverkauft",
            "Épuisé",
            "Agotado",
            "Esaurito",
            "Нет в наличии",
            "Currently unavailable.",
        ] {
            let c = cand(&format!(
                "<h1>Chair</h1><p class=\"x\">{w}</p><span class=\"price\">$10</span>"
            ));
            assert_eq!(c.availability, Some(Availability::OutOfStock), "{w}");
        }
        let c = cand("<h1>Chair</h1><p>In stock</p>");
        assert_eq!(c.availability, Some(Availability::InStock));
    }

    #[test]
    fn hidden_cart_input() {
        let c = cand(
            r#"<h1>Chair</h1><form action="/cart"><input type="hidden" name="product_id" value="4711"><button type="submit">Add to basket</button></form>"#,
        );
        assert_eq!(c.sku.as_deref(), Some("4711"));
    }
}
