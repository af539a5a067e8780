//! Title and spec similarity of two products, in `0..=1`.
//!
//! A weighted mean of the signals both products have, then multiplied
//! down for conflicts:
//!
//! | signal | weight | score |
//! | --- | --- | --- |
//! | brand | 2 | 1 equal, 0.8 one contains the other, else 0 |
//! | model tokens | 3 | Dice, tokens with digits count double |
//! | title concepts | 1.5 | Dice |
//! | quantities (title + specs) | 2 | Dice, values within 3 % in one unit |
//! | spec words | 1 | Dice |
//!
//! | conflict | factor |
//! | --- | --- |
//! | different brands | × 0.5 |
//! | different product types (chair vs monitor) | × 0.3 |
//! | different materials | × 0.6 |
//! | different colours | × 0.7 |
//! | model names disjoint (`Aria` vs `Rhythm`) | × 0.7 |
//! | model numbers disjoint (`Q273` vs `Q274`, `300` vs `400`) | × 0.7 |
//! | each title quantity the other title contradicts (27" vs 32") | × 0.8 |

use std::collections::BTreeSet;

use crate::features::Features;
use crate::text::Quantity;

const W_BRAND: f64 = 2.0;
const W_MODEL: f64 = 3.0;
const W_CONCEPTS: f64 = 1.5;
const W_QTY: f64 = 2.0;
const W_SPEC: f64 = 1.0;

fn dice<T: Ord>(a: &BTreeSet<T>, b: &BTreeSet<T>) -> Option<f64> {
    if a.is_empty() && b.is_empty() {
        return None;
    }
    let common = a.intersection(b).count() as f64;
    Some(2.0 * common / (a.len() + b.len()) as f64)
}

fn brand_score(a: &Features, b: &Features) -> Option<f64> {
    let (x, y) = (a.brand.as_deref()?, b.brand.as_deref()?);
    Some(if x == y {
        1.0
    } else if x.contains(y) || y.contains(x) {
        0.8
    } else {
        0.0
    })
}

fn token_weight(t: &str) -> f64 {
    if t.chars().any(|c| c.is_ascii_digit()) {
        2.0
    } else {
        1.0
    }
}

fn model_score(a: &Features, b: &Features) -> Option<f64> {
    if a.model.is_empty() && b.model.is_empty() {
        return None;
    }
    let side = |x: &Features, y: &Features| -> (f64, f64) {
        x.model.iter().fold((0.0, 0.0), |(hit, all), t| {
            let w = token_weight(t);
            let found = y.model.contains(t) || y.joined.contains(t);
            (if found { hit + w } else { hit }, all + w)
        })
    };
    let (ha, wa) = side(a, b);
    let (hb, wb) = side(b, a);
    Some((ha + hb) / (wa + wb))
}

/// Dice over quantities, matching each at most once.
fn qty_score(a: &[Quantity], b: &[Quantity]) -> Option<f64> {
    if a.is_empty() || b.is_empty() {
        return None;
    }
    let mut used = vec![false; b.len()];
    let mut common = 0usize;
    for q in a {
        if let Some(k) = (0..b.len()).find(|&k| !used[k] && q.agrees(&b[k])) {
            used[k] = true;
            common += 1;
        }
    }
    Some(2.0 * common as f64 / (a.len() + b.len()) as f64)
}

/// Title quantities of one side that the other title contradicts: it
/// states the same kind of quantity, but none agrees.
fn contradicted(a: &[Quantity], b: &[Quantity]) -> usize {
    a.iter()
        .filter(|q| b.iter().any(|r| r.dim == q.dim) && !b.iter().any(|r| r.agrees(q)))
        .count()
}

fn disjoint<T: Ord>(a: &BTreeSet<T>, b: &BTreeSet<T>) -> bool {
    !a.is_empty() && !b.is_empty() && a.is_disjoint(b)
}

fn has_digit(t: &str) -> bool {
    t.chars().any(|c| c.is_ascii_digit())
}

/// Model tokens with (`numbers`) or without digits; with `joined`, also
/// the joined adjacent tokens.
fn model_part(f: &Features, numbers: bool, joined: bool) -> BTreeSet<&str> {
    let extra = if joined { Some(&f.joined) } else { None };
    f.model
        .iter()
        .chain(extra.into_iter().flatten())
        .map(String::as_str)
        .filter(|t| has_digit(t) == numbers)
        .collect()
}

/// Both name a model (a series name, or a model number) and no part
/// agrees, joined adjacent tokens included (`Q 273` meets `Q273`).
fn model_clash(a: &Features, b: &Features, numbers: bool) -> bool {
    !model_part(a, numbers, false).is_empty()
        && !model_part(b, numbers, false).is_empty()
        && model_part(a, numbers, true).is_disjoint(&model_part(b, numbers, true))
}

/// The similarity of two products' titles and specs (identifiers are not
/// looked at).
pub fn similarity(a: &Features, b: &Features) -> f64 {
    let signals = [
        (W_BRAND, brand_score(a, b)),
        (W_MODEL, model_score(a, b)),
        (W_CONCEPTS, dice(&a.concepts, &b.concepts)),
        (W_QTY, qty_score(&a.qty, &b.qty)),
        (
            W_SPEC,
            if a.spec_words.is_empty() || b.spec_words.is_empty() {
                None
            } else {
                dice(&a.spec_words, &b.spec_words)
            },
        ),
    ];
    let (sum, weight) = signals
        .iter()
        .filter_map(|(w, s)| s.map(|s| (w * s, *w)))
        .fold((0.0, 0.0), |(s, w), (x, y)| (s + x, w + y));
    if weight == 0.0 {
        return 0.0;
    }
    let mut score = sum / weight;
    if brand_score(a, b) == Some(0.0) {
        score *= 0.5;
    }
    if disjoint(&a.types(), &b.types()) {
        score *= 0.3;
    }
    if disjoint(&a.materials, &b.materials) {
        score *= 0.6;
    }
    if disjoint(&a.colours, &b.colours) {
        score *= 0.7;
    }
    if model_clash(a, b, false) {
        score *= 0.7;
    }
    if model_clash(a, b, true) {
        score *= 0.7;
    }
    let clashes =
        contradicted(&a.title_qty, &b.title_qty) + contradicted(&b.title_qty, &a.title_qty);
    score *= 0.8f64.powi(clashes.min(10) as i32);
    score.clamp(0.0, 1.0)
}
