//! Microdata (`itemscope`, `itemtype`, `itemprop`) and RDFa (`typeof`,
//! `property`, `vocab`) items, turned into JSON objects of the shape
//! JSON-LD has so that [`crate::schema`] reads all three alike.
//!
//! `itemprop`s that belong to no item (shops often put
//! `<meta itemprop="price">` outside any `itemscope`) are gathered into one
//! orphan object, read at the lower "meta" trust.

use serde_json::{Map, Value};

use crate::html::{Document, NONE, NodeId};

/// Which attribute vocabulary to read.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Syntax {
    Microdata,
    Rdfa,
}

impl Syntax {
    fn scope(self, doc: &Document<'_>, id: NodeId) -> bool {
        match self {
            Syntax::Microdata => doc.attr(id, "itemscope").is_some(),
            Syntax::Rdfa => doc.attr(id, "typeof").is_some(),
        }
    }

    fn item_type(self, doc: &Document<'_>, id: NodeId) -> Option<String> {
        match self {
            Syntax::Microdata => doc.attr(id, "itemtype").map(str::to_string),
            Syntax::Rdfa => doc.attr(id, "typeof").map(str::to_string),
        }
    }

    /// Property names on an element, prefixes and vocabulary URLs removed;
    /// RDFa properties outside schema.org (`og:`, `dc:`, ...) are ignored.
    fn props(self, doc: &Document<'_>, id: NodeId) -> Vec<String> {
        let raw = match self {
            Syntax::Microdata => doc.attr(id, "itemprop"),
            Syntax::Rdfa => doc.attr(id, "property").or_else(|| doc.attr(id, "rel")),
        };
        let Some(raw) = raw else { return Vec::new() };
        raw.split_ascii_whitespace()
            .filter_map(|p| {
                let p = if self == Syntax::Rdfa {
                    if let Some(rest) = p.strip_prefix("schema:") {
                        rest
                    } else if p.contains("schema.org/") {
                        p.rsplit('/').next()?
                    } else if p.contains(':') {
                        return None;
                    } else {
                        p
                    }
                } else {
                    p.rsplit('/').next().unwrap_or(p)
                };
                (!p.is_empty()).then(|| p.to_string())
            })
            .collect()
    }
}

/// The value of a property element that is not itself an item.
fn prop_value(doc: &Document<'_>, id: NodeId, syntax: Syntax) -> String {
    if let Some(c) = doc.attr(id, "content") {
        return c.to_string();
    }
    let name = doc.name(id).unwrap_or("");
    let attr = match name {
        "meta" => Some("content"),
        "img" | "audio" | "video" | "source" | "embed" | "iframe" | "track" => Some("src"),
        "a" | "area" | "link" => Some("href"),
        "object" => Some("data"),
        "data" | "meter" => Some("value"),
        "time" => Some("datetime"),
        _ => None,
    };
    if syntax == Syntax::Rdfa
        && let Some(r) = doc.attr(id, "resource")
    {
        return r.to_string();
    }
    if let Some(a) = attr
        && let Some(v) = doc.attr(id, a)
    {
        return v.to_string();
    }
    doc.text(id, 4000)
}

fn add(map: &mut Map<String, Value>, key: &str, v: Value) {
    match map.get_mut(key) {
        None => {
            map.insert(key.to_string(), v);
        }
        Some(Value::Array(a)) => {
            if a.len() < 200 {
                a.push(v);
            }
        }
        Some(old) => {
            let prev = old.take();
            *old = Value::Array(vec![prev, v]);
        }
    }
}

/// Top-level items of the page in document order, and the orphan
/// properties (empty object when none).
pub(crate) fn items(doc: &Document<'_>, syntax: Syntax) -> (Vec<Value>, Value) {
    let n = doc.nodes.len();
    // owner[i]: the nearest item element strictly above i, or NONE.
    let mut owner = vec![NONE; n];
    let mut is_item = vec![false; n];
    let mut any = false;
    for id in doc.elements() {
        let i = id as usize;
        let parent = doc.nodes[i].parent;
        if parent != NONE {
            let p = parent as usize;
            owner[i] = if is_item[p] { parent } else { owner[p] };
        }
        if syntax.scope(doc, id) {
            is_item[i] = true;
            any = true;
        }
    }
    let has_props = |id: NodeId| !syntax.props(doc, id).is_empty();
    let orphans_exist = doc
        .elements()
        .any(|id| owner[id as usize] == NONE && has_props(id));
    if !any && !orphans_exist {
        return (Vec::new(), Value::Object(Map::new()));
    }
    // Build objects bottom-up: later elements are never ancestors of earlier
    // ones, so walking in reverse finishes children before parents.
    let mut objects: Vec<Option<Map<String, Value>>> = vec![None; n];
    let mut orphan = Map::new();
    let elements: Vec<NodeId> = doc.elements().collect();
    for &id in elements.iter().rev() {
        let i = id as usize;
        let props = syntax.props(doc, id);
        let value = if is_item[i] {
            let mut obj = objects[i].take().unwrap_or_default();
            if let Some(t) = syntax.item_type(doc, id) {
                let types: Vec<Value> = t
                    .split_ascii_whitespace()
                    .map(|s| Value::String(s.to_string()))
                    .collect();
                if !types.is_empty() {
                    obj.insert(
                        "@type".into(),
                        if types.len() == 1 {
                            types[0].clone()
                        } else {
                            Value::Array(types)
                        },
                    );
                }
            }
            reverse_arrays(&mut obj);
            let v = Value::Object(obj);
            if props.is_empty() {
                // A top-level item, or an item nested without itemprop.
                objects[i] = None;
                top_push(&mut objects, &v, id, owner[i]);
                continue;
            }
            v
        } else if props.is_empty() {
            continue;
        } else {
            Value::String(prop_value(doc, id, syntax))
        };
        let target = owner[i];
        for p in &props {
            if target == NONE {
                add(&mut orphan, p, value.clone());
            } else {
                let slot = objects[target as usize].get_or_insert_with(Map::new);
                add(slot, p, value.clone());
            }
        }
    }
    let mut tops: Vec<Value> = Vec::new();
    if let Some(Some(root)) = objects.first_mut().map(Option::take)
        && let Some(Value::Array(list)) = root.get("@items")
    {
        tops.extend(list.iter().rev().cloned());
    }
    reverse_arrays(&mut orphan);
    (tops, Value::Object(orphan))
}

/// Items without itemprop are gathered under the document (slot 0) in
/// reverse document order, so nested loose items are kept too.
fn top_push(objects: &mut [Option<Map<String, Value>>], v: &Value, _id: NodeId, _owner: NodeId) {
    if let Some(slot) = objects.first_mut() {
        let root = slot.get_or_insert_with(Map::new);
        match root.get_mut("@items") {
            Some(Value::Array(a)) => {
                if a.len() < 2000 {
                    a.push(v.clone());
                }
            }
            _ => {
                root.insert("@items".into(), Value::Array(vec![v.clone()]));
            }
        }
    }
}

/// Values were added in reverse document order; put them back in order.
fn reverse_arrays(obj: &mut Map<String, Value>) {
    for v in obj.values_mut() {
        if let Value::Array(a) = v {
            a.reverse();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_items_and_values() {
        let doc = Document::parse(
            r#"<div itemscope itemtype="http://schema.org/Product">
                 <h1 itemprop="name">Lamp &amp; shade</h1>
                 <span itemprop="brand" itemscope itemtype="https://schema.org/Brand"><span itemprop="name">Acme</span></span>
                 <img itemprop="image" src="/a.jpg"><img itemprop="image" src="/b.jpg">
                 <div itemprop="offers" itemscope itemtype="http://schema.org/Offer">
                   <span itemprop="price" content="19.90">19,90 €</span>
                   <link itemprop="availability" href="http://schema.org/InStock">
                 </div>
               </div><meta itemprop="sku" content="X1">"#,
        );
        let (items, orphan) = items(&doc, Syntax::Microdata);
        assert_eq!(items.len(), 1);
        let p = &items[0];
        assert_eq!(p["name"], "Lamp & shade");
        assert_eq!(p["brand"]["name"], "Acme");
        assert_eq!(p["image"][0], "/a.jpg");
        assert_eq!(p["offers"]["price"], "19.90");
        assert_eq!(p["offers"]["availability"], "http://schema.org/InStock");
        assert_eq!(orphan["sku"], "X1");
    }

    #[test]
    fn rdfa_items() {
        let doc = Document::parse(
            r#"<div vocab="https://schema.org/" typeof="Product"><span property="name">Kettle</span>
               <div property="offers" typeof="Offer"><span property="schema:price" content="25">25 $</span></div>
               <meta property="og:title" content="x"></div>"#,
        );
        let (items, _) = items(&doc, Syntax::Rdfa);
        assert_eq!(items[0]["@type"], "Product");
        assert_eq!(items[0]["offers"]["price"], "25");
        assert!(items[0].get("og:title").is_none());
    }
}
