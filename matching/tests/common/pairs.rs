//! The labelled pairs of `tests/fixtures/matching/pairs.json`: pairs of
//! demo products from different shops, the truth from the catalogue (the
//! same GTIN is the same model).

use std::collections::BTreeSet;

use procura_demo_shops::Category;
use serde::{Deserialize, Serialize};

use super::attrs::{Attrs, Item, items};

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Ref {
    pub shop: String,
    pub sku: String,
    /// The product's title, for people reading the file.
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Pair {
    pub a: Ref,
    pub b: Ref,
    pub same: bool,
    pub kind: String,
}

fn r(i: &Item) -> Ref {
    Ref {
        shop: i.shop.clone(),
        sku: i.sku.clone(),
        name: i.name.clone(),
    }
}

/// One model: its listings in shop order.
struct Model<'a> {
    listings: Vec<&'a Item>,
}

impl Model<'_> {
    fn first(&self) -> &Item {
        self.listings[0]
    }

    fn mean_price(&self) -> f64 {
        self.listings.iter().map(|i| i.price_eur).sum::<f64>() / self.listings.len() as f64
    }
}

/// The attributes a buyer would call "the same kind of product".
fn profile(i: &Item) -> String {
    match &i.attrs {
        Attrs::Chair { kind, material, .. } => format!("{kind:?}/{material:?}"),
        Attrs::Laptop {
            screen_inch,
            ram_gb,
            ..
        } => format!("{screen_inch}/{ram_gb}"),
        Attrs::Monitor { size_inch, px, .. } => format!("{size_inch}/{px:?}"),
        Attrs::Desk { kind, .. } => format!("{kind:?}"),
    }
}

const DE: &str = "Bürokontor Berlin";

struct Builder {
    out: Vec<Pair>,
    seen: BTreeSet<(Ref, Ref)>,
}

impl Builder {
    fn push(&mut self, a: &Item, b: &Item, kind: &str) {
        assert_ne!(a.shop, b.shop, "pairs are cross-shop");
        let (x, y) = if (&a.shop, &a.sku) <= (&b.shop, &b.sku) {
            (r(a), r(b))
        } else {
            (r(b), r(a))
        };
        if self.seen.insert((x.clone(), y.clone())) {
            self.out.push(Pair {
                a: x,
                b: y,
                same: a.gtin == b.gtin,
                kind: kind.to_string(),
            });
        }
    }
}

/// A listing of `m` in a shop other than `not`, the German one first when
/// `german` and the model has one, else the `turn`-th other.
fn other_listing<'a>(m: &Model<'a>, not: &str, german: bool, turn: usize) -> Option<&'a Item> {
    let others: Vec<&Item> = m
        .listings
        .iter()
        .copied()
        .filter(|i| i.shop != not)
        .collect();
    if german && let Some(de) = others.iter().find(|i| i.shop == DE) {
        return Some(de);
    }
    let en: Vec<&Item> = others.iter().copied().filter(|i| i.shop != DE).collect();
    let pool = if en.is_empty() { &others } else { &en };
    (!pool.is_empty()).then(|| pool[turn % pool.len()])
}

/// The nearest other model by mean price among those `keep` accepts.
fn nearest<'a, 'b>(
    models: &'b [Model<'a>],
    k: usize,
    keep: impl Fn(&Model<'a>) -> bool,
) -> Option<&'b Model<'a>> {
    let p = models[k].mean_price();
    models
        .iter()
        .enumerate()
        .filter(|(j, m)| *j != k && keep(m))
        .min_by(|(ja, a), (jb, b)| {
            (a.mean_price() - p)
                .abs()
                .total_cmp(&(b.mean_price() - p).abs())
                .then(ja.cmp(jb))
        })
        .map(|(_, m)| m)
}

pub fn generate() -> Vec<Pair> {
    let all = items();
    let mut models: Vec<Model> = Vec::new();
    for i in &all {
        match models.iter_mut().find(|m| m.first().gtin == i.gtin) {
            Some(m) => m.listings.push(i),
            None => models.push(Model { listings: vec![i] }),
        }
    }
    let mut b = Builder {
        out: Vec::new(),
        seen: BTreeSet::new(),
    };
    // Positives: every German–English pair, one English–English pair.
    for (k, m) in models.iter().enumerate() {
        let en: Vec<&Item> = m
            .listings
            .iter()
            .copied()
            .filter(|i| i.shop != DE)
            .collect();
        if let Some(de) = m.listings.iter().find(|i| i.shop == DE) {
            for e in &en {
                b.push(de, e, "same_model_cross_language");
            }
        }
        if en.len() >= 2 {
            b.push(
                en[k % en.len()],
                en[(k + 1) % en.len()],
                "same_model_same_language",
            );
        }
    }
    // Hard negatives, each from a rotating listing of the model.
    for (k, m) in models.iter().enumerate() {
        let a = m.listings[k % m.listings.len()];
        let cat = a.category;
        let german = k % 2 == 1 && a.shop != DE;
        let same_cat = |o: &Model| o.first().category == cat;
        let picks: [(&str, Option<&Model>); 3] = [
            (
                "same_brand_category_closest",
                nearest(&models, k, |o| {
                    same_cat(o) && o.first().brand == a.brand && profile(o.first()) == profile(a)
                })
                .or_else(|| nearest(&models, k, |o| same_cat(o) && o.first().brand == a.brand)),
            ),
            (
                "same_category_same_attributes",
                nearest(&models, k, |o| {
                    same_cat(o) && o.first().brand != a.brand && profile(o.first()) == profile(a)
                }),
            ),
            ("same_category_similar_price", nearest(&models, k, same_cat)),
        ];
        for (t, (kind, other)) in picks.into_iter().enumerate() {
            if let Some(o) = other
                && let Some(x) = other_listing(o, &a.shop, german, k + t)
            {
                b.push(a, x, kind);
            }
        }
    }
    // Other categories: the same series word, or the same brand.
    for (k, m) in models.iter().enumerate() {
        let a = m.first();
        let word = a.line.split_whitespace().next().unwrap_or("");
        for (j, o) in models.iter().enumerate().skip(k + 1) {
            let x = o.first();
            if x.category == a.category {
                continue;
            }
            let same_word = x.line.split_whitespace().next() == Some(word);
            let same_brand = x.brand == a.brand && (k + j) % 7 == 0;
            let kind = if same_word {
                "other_category_same_series_word"
            } else if same_brand {
                "other_category_same_brand"
            } else {
                continue;
            };
            if let Some(y) = other_listing(o, &a.shop, k % 2 == 0, j) {
                b.push(a, y, kind);
            }
        }
    }
    b.out
}

/// Categories of a pair, for the report.
pub fn category_of(items: &[Item], r: &Ref) -> Option<Category> {
    items
        .iter()
        .find(|i| i.shop == r.shop && i.sku == r.sku)
        .map(|i| i.category)
}
