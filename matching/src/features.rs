//! What the similarity stage compares, read once per product: brand,
//! model tokens, concepts, quantities and spec words.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::MatchInput;
use crate::ids::{gtin14, normalise_brand, normalise_mpn};
use crate::lexicon::{Class, class_of, concepts, is_stop};
use crate::text::{Piece, Quantity, fold, lex, pieces};

/// Spec keys that hold identifiers or the brand: left out of the
/// similarity stage, which must not lean on identifiers.
const ID_KEYS: [&str; 16] = [
    "gtin",
    "ean",
    "upc",
    "isbn",
    "mpn",
    "sku",
    "asin",
    "brand",
    "marke",
    "hersteller",
    "manufacturer",
    "artikelnummer",
    "herstellernummer",
    "model number",
    "part number",
    "product code",
];

/// A product as the matcher sees it.
#[derive(Clone, Debug, Default)]
pub struct Features {
    pub vendor: String,
    pub gtin: Option<String>,
    pub mpn: Option<String>,
    pub brand: Option<String>,
    /// Model tokens of the title: series names and numbers that are not
    /// vocabulary, brand, units or stop words (`aria`, `300`, `q273`).
    pub model: BTreeSet<String>,
    /// Concatenations of adjacent model tokens (`q` + `273`), so `Q 273`
    /// matches `Q273`.
    pub joined: BTreeSet<String>,
    /// Concepts of the title.
    pub concepts: BTreeSet<&'static str>,
    /// Concepts of the category.
    pub category: BTreeSet<&'static str>,
    /// Quantities stated in the title.
    pub title_qty: Vec<Quantity>,
    /// Quantities of the title and the specs, deduplicated.
    pub qty: Vec<Quantity>,
    /// Words of the spec values (concepts when known, else the word).
    pub spec_words: BTreeSet<String>,
    /// Concepts of the title and specs that say material or colour.
    pub materials: BTreeSet<&'static str>,
    pub colours: BTreeSet<&'static str>,
}

fn push_unique(list: &mut Vec<Quantity>, q: Quantity) {
    if !list.iter().any(|x| x.agrees(&q)) {
        list.push(q);
    }
}

/// Brand words as they appear in titles (folded), to drop from model tokens.
fn brand_words(brand: Option<&str>) -> Vec<String> {
    brand
        .map(|b| {
            fold(b)
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

impl Features {
    pub fn of(p: &MatchInput) -> Features {
        let mut f = Features {
            vendor: p.vendor.clone(),
            gtin: p.gtin.as_deref().and_then(|g| gtin14(g).ok()),
            mpn: p.mpn.as_deref().and_then(normalise_mpn),
            brand: p.brand.as_deref().and_then(normalise_brand),
            ..Features::default()
        };
        let bwords = brand_words(p.brand.as_deref());
        let title = pieces(&lex(&fold(&p.title)));
        let mut model_seq: Vec<String> = Vec::new();
        for piece in &title {
            match piece {
                Piece::Quantity(q) => {
                    push_unique(&mut f.title_qty, *q);
                    push_unique(&mut f.qty, *q);
                    model_seq.push(String::new());
                }
                Piece::Number(raw, _) => {
                    model_seq.push(raw.replace(',', "."));
                }
                Piece::Word(w) => {
                    if bwords.iter().any(|b| b == w) || is_stop(w) {
                        model_seq.push(String::new());
                        continue;
                    }
                    let c = concepts(w);
                    if c.is_empty() {
                        model_seq.push(w.clone());
                    } else {
                        f.concepts.extend(c);
                        model_seq.push(String::new());
                    }
                }
            }
        }
        for pair in model_seq.windows(2) {
            if let [a, b] = pair
                && !a.is_empty()
                && !b.is_empty()
            {
                f.joined.insert(format!("{a}{b}"));
            }
        }
        f.model = model_seq.into_iter().filter(|s| !s.is_empty()).collect();
        if f.brand.is_none() {
            // No brand given: the title's first word is the usual place.
            if let Some(first) = f.model.iter().next().cloned()
                && p.title.to_lowercase().starts_with(&first)
            {
                f.brand = Some(first.clone());
                f.model.remove(&first);
            }
        }
        if let Some(cat) = &p.category {
            for piece in pieces(&lex(&fold(cat))) {
                if let Piece::Word(w) = piece {
                    f.category.extend(concepts(&w));
                }
            }
        }
        if let Value::Object(map) = &p.specs {
            for (key, value) in map {
                let k = fold(key);
                if ID_KEYS.iter().any(|id| k == *id) {
                    continue;
                }
                f.add_spec_value(value);
            }
        }
        for c in &f.concepts {
            match class_of(c) {
                Class::Material => {
                    f.materials.insert(c);
                }
                Class::Colour => {
                    f.colours.insert(c);
                }
                _ => {}
            }
        }
        f
    }

    fn add_spec_value(&mut self, value: &Value) {
        let text = match value {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            Value::Bool(true) => "yes".to_string(),
            Value::Bool(false) => "no".to_string(),
            Value::Array(items) => {
                for item in items {
                    self.add_spec_value(item);
                }
                return;
            }
            Value::Null | Value::Object(_) => return,
        };
        for piece in pieces(&lex(&fold(&text))) {
            match piece {
                Piece::Quantity(q) => push_unique(&mut self.qty, q),
                Piece::Number(_, v) => push_unique(
                    &mut self.qty,
                    Quantity {
                        dim: crate::text::Dim::Plain,
                        value: v,
                    },
                ),
                Piece::Word(w) => {
                    if is_stop(&w) {
                        continue;
                    }
                    let c = concepts(&w);
                    if c.is_empty() {
                        self.spec_words.insert(w);
                    } else {
                        for concept in c {
                            match class_of(concept) {
                                Class::Material => {
                                    self.materials.insert(concept);
                                }
                                Class::Colour => {
                                    self.colours.insert(concept);
                                }
                                _ => {}
                            }
                            self.spec_words.insert(concept.to_string());
                        }
                    }
                }
            }
        }
    }

    /// The product types named in the title or category.
    pub fn types(&self) -> BTreeSet<&'static str> {
        self.concepts
            .iter()
            .chain(&self.category)
            .copied()
            .filter(|c| class_of(c) == Class::Type)
            .collect()
    }
}
