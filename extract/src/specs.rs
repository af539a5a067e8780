//! The specification table: key/value rows from two-cell table rows,
//! definition lists and `Label: value` list items, with units normalised
//! (`GB`, `inch`, `kg`, `W`, ...).

use std::sync::LazyLock;

use regex::Regex;

use crate::html::{Document, NodeId};
use crate::{Layer, SpecRow};

/// Where a row came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RowKind {
    /// A two-cell table row, a definition list entry or a `Label: value`
    /// list item: part of the spec table.
    Table,
    /// A `Label: value` text or a label element followed by its value,
    /// anywhere on the page: used to find identifiers, not listed as specs.
    Inline,
}

/// A raw row: key, value, and where it came from.
#[derive(Debug, Clone)]
pub(crate) struct RawRow {
    pub key: String,
    pub value: String,
    pub kind: RowKind,
    /// The element holding the row.
    pub node: NodeId,
}

const MAX_ROWS: usize = 2000;

fn clean_key(k: &str) -> String {
    let k = crate::text::clean(k);
    k.trim_end_matches([':', '：', ' ', '\u{200f}', '\u{200e}'])
        .trim_start_matches(['•', '·', '-', ' '])
        .trim()
        .to_string()
}

fn keep(key: &str, value: &str) -> bool {
    !key.is_empty()
        && !value.is_empty()
        && key.chars().count() <= 60
        && value.chars().count() <= 400
        && key != value
}

/// Element children of a node.
fn element_children(doc: &Document<'_>, id: NodeId) -> Vec<NodeId> {
    doc.children(id)
        .filter(|&c| doc.name(c).is_some())
        .collect()
}

/// All rows of the page in document order.
pub(crate) fn raw_rows(doc: &Document<'_>) -> Vec<RawRow> {
    let mut out = Vec::new();
    for id in doc.elements() {
        if out.len() >= MAX_ROWS {
            break;
        }
        match doc.name(id) {
            Some("tr") => {
                let cells: Vec<NodeId> = element_children(doc, id)
                    .into_iter()
                    .filter(|&c| matches!(doc.name(c), Some("td" | "th")))
                    .collect();
                if cells.len() == 2 {
                    let key = clean_key(&doc.text(cells[0], 200));
                    let value = crate::text::clean(&doc.text(cells[1], 1000));
                    if keep(&key, &value) {
                        out.push(RawRow {
                            key,
                            value,
                            kind: RowKind::Table,
                            node: id,
                        });
                    }
                }
            }
            Some("dl") => {
                let mut key: Option<String> = None;
                for c in element_children(doc, id) {
                    match doc.name(c) {
                        Some("dt") => key = Some(clean_key(&doc.text(c, 200))),
                        Some("dd") => {
                            if let Some(k) = key.take() {
                                let value = crate::text::clean(&doc.text(c, 1000));
                                if keep(&k, &value) {
                                    out.push(RawRow {
                                        key: k,
                                        value,
                                        kind: RowKind::Table,
                                        node: c,
                                    });
                                }
                            }
                        }
                        Some("div") => {
                            // <dl><div><dt/><dd/></div></dl>
                            let kids = element_children(doc, c);
                            if kids.len() == 2
                                && doc.name(kids[0]) == Some("dt")
                                && doc.name(kids[1]) == Some("dd")
                            {
                                let k = clean_key(&doc.text(kids[0], 200));
                                let value = crate::text::clean(&doc.text(kids[1], 1000));
                                if keep(&k, &value) {
                                    out.push(RawRow {
                                        key: k,
                                        value,
                                        kind: RowKind::Table,
                                        node: c,
                                    });
                                }
                            }
                        }
                        _ => {}
                    }
                }
            }
            Some("li") => {
                let text = doc.text(id, 400);
                if let Some((k, v)) = text.split_once(':')
                    && !v.starts_with("//")
                {
                    let key = clean_key(k);
                    let value = crate::text::clean(v);
                    if keep(&key, &value) && key.split_whitespace().count() <= 5 {
                        out.push(RawRow {
                            key,
                            value,
                            kind: RowKind::Table,
                            node: id,
                        });
                    }
                }
            }
            Some("script" | "style" | "head" | "title" | "option") => {}
            _ => inline_row(doc, id, &mut out),
        }
    }
    out
}

/// A line of several labelled values set apart by bars or dots:
/// `Brand: <b>Acme</b> | Product code: <span>A-1</span> | EAN: …`. Only
/// identifier and brand labels are taken, so prose with colons is left be.
fn separated_rows(doc: &Document<'_>, id: NodeId, out: &mut Vec<RawRow>) {
    if doc.last_descendant(id) - id > 24 {
        return;
    }
    let text = doc.text(id, 400);
    if text.len() > 300 {
        return;
    }
    let segments: Vec<&str> = text.split(['|', '·', '•']).collect();
    if segments.len() < 2 {
        return;
    }
    for segment in segments {
        let Some((k, v)) = segment.split_once(':') else {
            continue;
        };
        let key = clean_key(k);
        let value = crate::text::clean(v);
        if is_id_label(&key) && keep(&key, &value) && value.chars().count() <= 60 {
            out.push(RawRow {
                key,
                value,
                kind: RowKind::Inline,
                node: id,
            });
        }
    }
}

/// Labels of identifiers and brand, which may stand without a colon.
fn is_id_label(text: &str) -> bool {
    let l = text.trim().to_lowercase();
    l.len() <= 30 && crate::dom::is_known_label(&l)
}

/// `<p>Product code: 123</p>`, `<span>SKU:</span><span>123</span>`.
fn inline_row(doc: &Document<'_>, id: NodeId, out: &mut Vec<RawRow>) {
    if doc.last_descendant(id) - id > 6 {
        separated_rows(doc, id, out);
        return;
    }
    let text = doc.text(id, 160);
    if text.len() > 120 {
        return;
    }
    let (k, v) = match text.split_once(':') {
        Some(kv) => kv,
        // A known label with no colon, its value in the next element.
        None if is_id_label(&text) => (text.as_str(), ""),
        None => return,
    };
    let key = clean_key(k);
    if key.is_empty() || key.chars().count() > 30 || key.split_whitespace().count() > 4 {
        return;
    }
    let mut value = crate::text::clean(v);
    if value.is_empty() {
        // The value is the next element.
        let mut next = doc.nodes[id as usize].next_sibling;
        while next != crate::html::NONE && doc.name(next).is_none() {
            let t = match doc.nodes[next as usize].data {
                crate::html::NodeData::Text(t) => t.trim(),
                _ => "",
            };
            if !t.is_empty() {
                value = crate::text::clean(t);
                break;
            }
            next = doc.nodes[next as usize].next_sibling;
        }
        if value.is_empty() && next != crate::html::NONE && doc.last_descendant(next) - next <= 6 {
            value = crate::text::clean(&doc.text(next, 200));
        }
    }
    if keep(&key, &value) && value.chars().count() <= 100 {
        out.push(RawRow {
            key,
            value,
            kind: RowKind::Inline,
            node: id,
        });
    }
}

static QUANTITY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"^(?i)(\d+(?:[.,]\d+)?)\s*("|''|”|[a-zа-яµ.²³]+)$"#).expect("static regex")
});

/// Maps a unit as written to its normal form.
fn unit_of(u: &str) -> Option<&'static str> {
    let l = u.trim_end_matches('.').to_lowercase();
    Some(match l.as_str() {
        "gb" | "gbyte" | "gigabyte" | "gigabytes" | "гб" | "go" => "GB",
        "tb" | "terabyte" | "terabytes" | "тб" | "to" => "TB",
        "mb" | "megabyte" | "megabytes" | "мб" => "MB",
        "\"" | "''" | "”" | "in" | "inch" | "inches" | "zoll" | "pouces" | "pouce" | "pulgadas"
        | "pollici" | "дюйм" | "дюймов" | "дюйма" => "inch",
        "kg" | "kilogram" | "kilograms" | "kilogramm" | "кг" => "kg",
        "g" | "gr" | "gram" | "grams" | "gramm" | "г" => "g",
        "mg" => "mg",
        "lb" | "lbs" | "pound" | "pounds" => "lb",
        "oz" | "ounce" | "ounces" => "oz",
        "w" | "watt" | "watts" | "вт" => "W",
        "kw" | "kilowatt" | "квт" => "kW",
        "v" | "volt" | "volts" | "в" => "V",
        "mah" | "мач" => "mAh",
        "hz" | "гц" => "Hz",
        "mhz" => "MHz",
        "ghz" | "ггц" => "GHz",
        "mm" | "мм" => "mm",
        "cm" | "см" => "cm",
        "m" | "м" => "m",
        "l" | "liter" | "litre" | "liters" | "litres" | "л" => "l",
        "ml" | "мл" => "ml",
        "db" => "dB",
        "mp" | "megapixel" | "мп" => "MP",
        "m²" | "m2" => "m²",
        "m³" | "m3" => "m³",
        _ => return None,
    })
}

/// A row with its value split into number and normalised unit when it is
/// a single quantity.
pub(crate) fn normalise(key: &str, value: &str, layer: Layer) -> SpecRow {
    if let Some(c) = QUANTITY.captures(value)
        && let (Some(n), Some(u)) = (c.get(1), c.get(2))
        && let Some(unit) = unit_of(u.as_str())
    {
        return SpecRow {
            key: key.to_string(),
            value: n.as_str().replace(',', "."),
            unit: Some(unit.to_string()),
            layer,
        };
    }
    SpecRow {
        key: key.to_string(),
        value: value.to_string(),
        unit: None,
        layer,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_from_a_line_of_labelled_values() {
        let html = r#"<div class="meta">Brand: <strong>Acme</strong> | Product code: <span>TWS/CHR/0019</span> | EAN: <span>5012345678900</span> | Weight: <b>5 kg</b> | <a href="/x">Reviews</a> (<span>4</span>)</div>"#;
        let doc = Document::parse(html);
        let rows = raw_rows(&doc);
        let pairs: Vec<(&str, &str)> = rows
            .iter()
            .map(|r| (r.key.as_str(), r.value.as_str()))
            .collect();
        assert!(
            pairs.contains(&("Product code", "TWS/CHR/0019")),
            "{pairs:?}"
        );
        assert!(pairs.contains(&("Brand", "Acme")), "{pairs:?}");
        assert!(pairs.contains(&("EAN", "5012345678900")), "{pairs:?}");
        assert!(
            !pairs.iter().any(|(k, _)| *k == "Weight"),
            "only identifier labels: {pairs:?}"
        );
    }

    #[test]
    fn rows_from_tables_lists_and_items() {
        let doc = Document::parse(
            "<table><tr><th>Brand</th><td>Acme</td></tr><tr><td>Weight:</td><td>2,5 kg</td></tr>
             <tr><td>a</td><td>b</td><td>c</td></tr></table>
             <dl><dt>Screen</dt><dd>15.6\"</dd><div><dt>RAM</dt><dd>16 GB</dd></div></dl>
             <ul><li><b>ASIN :</b> B0000</li><li>no colon here</li></ul>",
        );
        let rows = raw_rows(&doc);
        let kv: Vec<(&str, &str)> = rows
            .iter()
            .filter(|r| r.kind == RowKind::Table)
            .map(|r| (r.key.as_str(), r.value.as_str()))
            .collect();
        assert_eq!(
            kv,
            vec![
                ("Brand", "Acme"),
                ("Weight", "2,5 kg"),
                ("Screen", "15.6\""),
                ("RAM", "16 GB"),
                ("ASIN", "B0000")
            ]
        );
    }

    #[test]
    fn inline_labels() {
        let doc = Document::parse(
            "<p class=\"code\">Product code: 46286401</p><div><div>Item number:</div><div>1335</div></div>
             <h1><span>Phone</span> <span>Код: 01245</span></h1>",
        );
        let rows = raw_rows(&doc);
        let kv: Vec<(&str, &str)> = rows
            .iter()
            .map(|r| (r.key.as_str(), r.value.as_str()))
            .collect();
        assert!(kv.contains(&("Product code", "46286401")), "{kv:?}");
        assert!(kv.contains(&("Item number", "1335")), "{kv:?}");
        assert!(kv.contains(&("Код", "01245")), "{kv:?}");
    }

    #[test]
    fn units() {
        let r = normalise("Weight", "2,5 kg", Layer::Dom);
        assert_eq!((r.value.as_str(), r.unit.as_deref()), ("2.5", Some("kg")));
        assert_eq!(
            normalise("Screen", "15.6\"", Layer::Dom).unit.as_deref(),
            Some("inch")
        );
        assert_eq!(
            normalise("Screen", "27 Zoll", Layer::Dom).unit.as_deref(),
            Some("inch")
        );
        assert_eq!(
            normalise("Power", "1500W", Layer::Dom).unit.as_deref(),
            Some("W")
        );
        assert_eq!(normalise("Colour", "Blue", Layer::Dom).unit, None);
        assert_eq!(
            normalise("Memory", "8 ГБ", Layer::Dom).unit.as_deref(),
            Some("GB")
        );
    }
}
