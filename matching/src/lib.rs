//! Cross-vendor product matching: which listings of different shops are
//! the same product.
//!
//! [`group`] runs a cascade over every pair of products:
//!
//! 1. the same valid GTIN (GTIN-8/12/13/14, compared as 14 digits, check
//!    digit verified) ⇒ the same product; two *different* valid GTINs ⇒
//!    different products, whatever the titles say;
//! 2. else the same MPN (case, spaces and dashes ignored) and the same
//!    brand ⇒ the same product;
//! 3. else title and spec similarity ([`similarity`]) at or above the
//!    threshold ⇒ the same product, but never for two products of the same
//!    vendor, and never joining groups that share a vendor or hold
//!    different GTINs.
//!
//! [`why`] explains one pair for the UI. Everything is pure: no I/O.
//!
//! ```
//! use procura_match::{MatchInput, MatchReason, group, why, DEFAULT_THRESHOLD};
//! let p = |id: &str, vendor: &str, title: &str| MatchInput {
//!     id: id.into(),
//!     vendor: vendor.into(),
//!     title: title.into(),
//!     brand: Some("Sitwell".into()),
//!     ..MatchInput::default()
//! };
//! let a = p("1", "shop-a", "Sitwell Aria 300 Ergonomic Mesh Office Chair");
//! let b = p("2", "shop-b", "Sitwell Aria 300 Bürostuhl ergonomisch, Netzstoff");
//! let c = p("3", "shop-b", "Sitwell Kite 300 Ergonomic Mesh Office Chair");
//! assert!(matches!(why(&a, &b), MatchReason::Similar(_)));
//! assert_eq!(why(&a, &c), MatchReason::Different);
//! assert_eq!(group(&[a, b, c], DEFAULT_THRESHOLD), vec![0, 0, 1]);
//! ```

pub mod eval;
mod features;
mod ids;
mod lexicon;
mod score;
mod text;

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use features::Features;
pub use ids::{GtinError, gtin14, normalise_brand, normalise_mpn};

/// The similarity threshold, tuned on the labelled demo pairs
/// (`tests/fixtures/matching/pairs.json`, see the `pairs` test): with GTIN
/// and MPN removed, best pairwise F1 on the tuning half holds from 0.50 to
/// 0.95 (different-model pairs score at most 0.49, same-model pairs at
/// least 0.95); the middle of that plateau, 0.725, rounded down.
pub const DEFAULT_THRESHOLD: f64 = 0.72;

/// One product listing to match.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct MatchInput {
    pub id: String,
    /// The shop it was found in.
    pub vendor: String,
    pub title: String,
    pub brand: Option<String>,
    pub gtin: Option<String>,
    pub mpn: Option<String>,
    /// An object of normalised key → value, as the extractor stores it
    /// (keys lower-case, units normalised: `"16 GB"`, `"27 inch"`).
    /// Values may be strings, numbers, booleans or arrays of them.
    pub specs: serde_json::Value,
    pub category: Option<String>,
}

/// Why two products are (or are not) the same.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "reason", content = "score", rename_all = "snake_case")]
pub enum MatchReason {
    /// The same GTIN.
    Gtin,
    /// The same MPN and brand.
    MpnBrand,
    /// Similar titles and specs, with the score.
    Similar(f64),
    Different,
}

/// The title and spec similarity of two products in `0..=1` (identifiers
/// and vendors are not looked at).
pub fn similarity(a: &MatchInput, b: &MatchInput) -> f64 {
    score::similarity(&Features::of(a), &Features::of(b))
}

/// Why `a` and `b` are the same product or not, at [`DEFAULT_THRESHOLD`].
pub fn why(a: &MatchInput, b: &MatchInput) -> MatchReason {
    why_at(a, b, DEFAULT_THRESHOLD)
}

/// Like [`why`] with a given similarity threshold.
pub fn why_at(a: &MatchInput, b: &MatchInput, threshold: f64) -> MatchReason {
    reason(&Features::of(a), &Features::of(b), threshold)
}

/// The identifier stages of the cascade: `Some` when they decide.
fn by_ids(a: &Features, b: &Features) -> Option<MatchReason> {
    if let (Some(x), Some(y)) = (&a.gtin, &b.gtin) {
        return Some(if x == y {
            MatchReason::Gtin
        } else {
            MatchReason::Different
        });
    }
    if let (Some(x), Some(y), Some(bx), Some(by)) = (&a.mpn, &b.mpn, &a.brand, &b.brand)
        && x == y
        && bx == by
    {
        return Some(MatchReason::MpnBrand);
    }
    None
}

fn reason(a: &Features, b: &Features, threshold: f64) -> MatchReason {
    if let Some(r) = by_ids(a, b) {
        return r;
    }
    if a.vendor == b.vendor {
        return MatchReason::Different;
    }
    let s = score::similarity(a, b);
    if s >= threshold {
        MatchReason::Similar(s)
    } else {
        MatchReason::Different
    }
}

/// Union-find over products, each root knowing its group's vendors and
/// GTINs so that similarity never joins conflicting groups.
struct Groups {
    parent: Vec<usize>,
    vendors: Vec<BTreeSet<String>>,
    gtins: Vec<BTreeSet<String>>,
}

impl Groups {
    fn new(features: &[Features]) -> Groups {
        Groups {
            parent: (0..features.len()).collect(),
            vendors: features
                .iter()
                .map(|f| BTreeSet::from([f.vendor.clone()]))
                .collect(),
            gtins: features
                .iter()
                .map(|f| f.gtin.iter().cloned().collect())
                .collect(),
        }
    }

    fn root(&mut self, mut i: usize) -> usize {
        while self.parent[i] != i {
            self.parent[i] = self.parent[self.parent[i]];
            i = self.parent[i];
        }
        i
    }

    /// Joins the groups of `a` and `b`; with `strict`, only when they share
    /// no vendor. Never when they hold different GTINs.
    fn join(&mut self, a: usize, b: usize, strict: bool) {
        let (ra, rb) = (self.root(a), self.root(b));
        if ra == rb {
            return;
        }
        let gtin_clash = !self.gtins[ra].is_empty()
            && !self.gtins[rb].is_empty()
            && self.gtins[ra] != self.gtins[rb];
        if gtin_clash || (strict && !self.vendors[ra].is_disjoint(&self.vendors[rb])) {
            return;
        }
        let (keep, gone) = if ra < rb { (ra, rb) } else { (rb, ra) };
        self.parent[gone] = keep;
        let vendors = std::mem::take(&mut self.vendors[gone]);
        self.vendors[keep].extend(vendors);
        let gtins = std::mem::take(&mut self.gtins[gone]);
        self.gtins[keep].extend(gtins);
    }
}

/// A group index per product (`0, 1, ...` in order of first appearance):
/// products with the same index are the same product. See the crate docs
/// for the cascade. Similarity compares every cross-vendor pair, so the
/// cost grows with the square of the number of products.
pub fn group(products: &[MatchInput], threshold: f64) -> Vec<usize> {
    let features: Vec<Features> = products.iter().map(Features::of).collect();
    let mut groups = Groups::new(&features);
    let n = features.len();
    let mut similar: Vec<(f64, usize, usize)> = Vec::new();
    for i in 0..n {
        for j in i + 1..n {
            match by_ids(&features[i], &features[j]) {
                Some(MatchReason::Gtin) => groups.join(i, j, false),
                Some(_) => {}
                None if features[i].vendor != features[j].vendor => {
                    let s = score::similarity(&features[i], &features[j]);
                    if s >= threshold {
                        similar.push((s, i, j));
                    }
                }
                None => {}
            }
        }
    }
    // MPN + brand after every GTIN link, so GTIN clashes are known.
    for i in 0..n {
        for j in i + 1..n {
            if by_ids(&features[i], &features[j]) == Some(MatchReason::MpnBrand) {
                groups.join(i, j, false);
            }
        }
    }
    // Most similar first, so a weaker link cannot take a vendor's slot.
    similar.sort_by(|x, y| y.0.total_cmp(&x.0).then((x.1, x.2).cmp(&(y.1, y.2))));
    for (_, i, j) in similar {
        groups.join(i, j, true);
    }
    let mut ids = vec![usize::MAX; n];
    let mut next = 0;
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let r = groups.root(i);
        if ids[r] == usize::MAX {
            ids[r] = next;
            next += 1;
        }
        out.push(ids[r]);
    }
    out
}

#[cfg(test)]
mod tests;
