//! Evaluation measures for matching and retrieval benchmarks: pure
//! functions over ids and labels.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

/// A labelled pair of products, by index into the product list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LabelledPair {
    pub a: usize,
    pub b: usize,
    /// Truly the same product.
    pub same: bool,
}

/// Normalised discounted cumulative gain of a ranking at `k`, with graded
/// relevance: gain `2^grade - 1`, discount `log2(rank + 1)` for 1-based
/// ranks. Ids not in `grades` have grade 0; an id ranked twice counts
/// once (its first place). The ideal ranking sorts every graded id by
/// grade. `0.0` when nothing is relevant or `k` is 0.
pub fn ndcg_at_k(ranked: &[String], grades: &HashMap<String, u8>, k: usize) -> f64 {
    let gain = |g: u8| 2f64.powi(i32::from(g.min(30))) - 1.0;
    let discount = |i: usize| (i as f64 + 2.0).log2();
    let mut seen = HashSet::new();
    let dcg: f64 = ranked
        .iter()
        .filter(|id| seen.insert(id.as_str()))
        .take(k)
        .enumerate()
        .map(|(i, id)| gain(grades.get(id).copied().unwrap_or(0)) / discount(i))
        .sum();
    let mut ideal: Vec<u8> = grades.values().copied().collect();
    ideal.sort_unstable_by(|a, b| b.cmp(a));
    let idcg: f64 = ideal
        .iter()
        .take(k)
        .enumerate()
        .map(|(i, &g)| gain(g) / discount(i))
        .sum();
    if idcg > 0.0 { dcg / idcg } else { 0.0 }
}

/// Counts of a pairwise evaluation.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Confusion {
    pub true_pos: usize,
    pub false_pos: usize,
    pub false_neg: usize,
    pub true_neg: usize,
}

impl Confusion {
    /// `1.0` when nothing was predicted the same.
    pub fn precision(&self) -> f64 {
        ratio(self.true_pos, self.true_pos + self.false_pos)
    }

    /// `1.0` when no pair is truly the same.
    pub fn recall(&self) -> f64 {
        ratio(self.true_pos, self.true_pos + self.false_neg)
    }

    /// Harmonic mean of precision and recall.
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
}

fn ratio(num: usize, den: usize) -> f64 {
    if den == 0 {
        1.0
    } else {
        num as f64 / den as f64
    }
}

/// Pairwise counts: a pair is predicted the same when both products have
/// the same group index. Pairs whose indices fall outside
/// `predicted_groups` are skipped.
pub fn confusion(predicted_groups: &[usize], pairs: &[LabelledPair]) -> Confusion {
    let mut c = Confusion::default();
    for p in pairs {
        let (Some(ga), Some(gb)) = (predicted_groups.get(p.a), predicted_groups.get(p.b)) else {
            continue;
        };
        match (ga == gb, p.same) {
            (true, true) => c.true_pos += 1,
            (true, false) => c.false_pos += 1,
            (false, true) => c.false_neg += 1,
            (false, false) => c.true_neg += 1,
        }
    }
    c
}

/// Pairwise precision and recall of a grouping (a group index per
/// product) against labelled pairs; see [`confusion`] and [`Confusion`]
/// for the edge cases.
pub fn precision_recall(predicted_groups: &[usize], pairs: &[LabelledPair]) -> (f64, f64) {
    let c = confusion(predicted_groups, pairs);
    (c.precision(), c.recall())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grades(list: &[(&str, u8)]) -> HashMap<String, u8> {
        list.iter().map(|(k, g)| (k.to_string(), *g)).collect()
    }

    fn ids(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn ndcg_hand_computed() {
        let g = grades(&[("a", 3), ("b", 2), ("c", 0), ("d", 1)]);
        // Ideal order a, b, d.
        assert!(close(ndcg_at_k(&ids(&["a", "b", "d", "c"]), &g, 3), 1.0));
        // b, a, c at k = 3: DCG = 3/1 + 7/log2(3) + 0 = 7.416508;
        // IDCG = 7/1 + 3/log2(3) + 1/2 = 9.392789.
        let dcg = 3.0 + 7.0 / 3f64.log2();
        let idcg = 7.0 + 3.0 / 3f64.log2() + 0.5;
        let got = ndcg_at_k(&ids(&["b", "a", "c"]), &g, 3);
        assert!(close(got, dcg / idcg), "{got}");
        assert!((got - 0.789_596).abs() < 1e-6, "{got}");
        // Unknown ids are grade 0; duplicates count once.
        let got = ndcg_at_k(&ids(&["x", "a", "a"]), &g, 2);
        // DCG = 0 + 7/log2(3) (the second "a" is dropped, then nothing);
        // IDCG@2 = 7 + 3/log2(3).
        assert!(close(got, (7.0 / 3f64.log2()) / (7.0 + 3.0 / 3f64.log2())));
        assert_eq!(ndcg_at_k(&ids(&["a"]), &grades(&[("a", 0)]), 5), 0.0);
        assert_eq!(ndcg_at_k(&ids(&["a"]), &g, 0), 0.0);
    }

    #[test]
    fn precision_recall_hand_computed() {
        // Products 0 and 1 together, 2 alone, 3 with 0.
        let groups = [0, 0, 1, 0];
        let pairs = [
            LabelledPair {
                a: 0,
                b: 1,
                same: true,
            }, // TP
            LabelledPair {
                a: 0,
                b: 2,
                same: true,
            }, // FN
            LabelledPair {
                a: 1,
                b: 3,
                same: false,
            }, // FP
            LabelledPair {
                a: 2,
                b: 3,
                same: false,
            }, // TN
            LabelledPair {
                a: 0,
                b: 3,
                same: true,
            }, // TP
            LabelledPair {
                a: 0,
                b: 9,
                same: true,
            }, // skipped
        ];
        let c = confusion(&groups, &pairs);
        assert_eq!(
            c,
            Confusion {
                true_pos: 2,
                false_pos: 1,
                false_neg: 1,
                true_neg: 1
            }
        );
        let (p, r) = precision_recall(&groups, &pairs);
        assert!(close(p, 2.0 / 3.0) && close(r, 2.0 / 3.0));
        assert!(close(c.f1(), 2.0 / 3.0));
        // Nothing predicted the same, nothing truly the same.
        assert_eq!(
            precision_recall(
                &[0, 1],
                &[LabelledPair {
                    a: 0,
                    b: 1,
                    same: false
                }]
            ),
            (1.0, 1.0)
        );
    }
}
