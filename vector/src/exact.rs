//! Brute-force search: the ground truth the stores are measured against.
//!
//! Deliberately simple (filter, then score every match, keep the top `limit`) so that it is
//! obviously right; the bench times it as the "no index" baseline.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use uuid::Uuid;

use crate::{Filter, Hit, Payload};

/// Cosine similarity of two vectors of the same length; 0 when either is all zeros
/// (a zero vector has no direction, so it is close to nothing).
pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    let (mut dot, mut na, mut nb) = (0f32, 0f32, 0f32);
    for (x, y) in a.iter().zip(b) {
        dot += x * y;
        na += x * x;
        nb += y * y;
    }
    if na == 0.0 || nb == 0.0 {
        return 0.0;
    }
    dot / (na.sqrt() * nb.sqrt())
}

/// Exact top-`limit` of `points` by cosine similarity to `query`, among those matching
/// `filter`, best first (ties broken by id so the answer is deterministic).
///
/// Points whose vector length differs from the query's are skipped: no store would accept
/// them in an index of the query's dimension.
pub fn exact_search(
    points: &[(Uuid, Vec<f32>, Payload)],
    query: &[f32],
    filter: &Filter,
    limit: usize,
) -> Vec<Hit> {
    if limit == 0 {
        return Vec::new();
    }
    let query_norm = query.iter().map(|x| x * x).sum::<f32>().sqrt();
    // Min-heap of the best `limit` so far: the root is the worst kept hit.
    let mut heap: BinaryHeap<Worst> = BinaryHeap::with_capacity(limit + 1);
    for (id, vector, payload) in points {
        if vector.len() != query.len() || !filter.matches(payload) {
            continue;
        }
        let score = cosine_with_norm(query, query_norm, vector);
        let hit = Worst(Hit { id: *id, score });
        if heap.len() < limit {
            heap.push(hit);
        } else if heap.peek().is_some_and(|worst| hit < *worst) {
            heap.pop();
            heap.push(hit);
        }
    }
    // Ascending by `Worst` order is best first.
    heap.into_sorted_vec().into_iter().map(|w| w.0).collect()
}

fn cosine_with_norm(query: &[f32], query_norm: f32, v: &[f32]) -> f32 {
    let (mut dot, mut nv) = (0f32, 0f32);
    for (x, y) in query.iter().zip(v) {
        dot += x * y;
        nv += y * y;
    }
    if query_norm == 0.0 || nv == 0.0 {
        return 0.0;
    }
    dot / (query_norm * nv.sqrt())
}

/// Orders hits so that the *worst* compares greatest: lower score, then larger id.
/// A max-heap of `Worst` therefore keeps the worst kept hit at its root.
struct Worst(Hit);

impl PartialEq for Worst {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Worst {}
impl PartialOrd for Worst {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Worst {
    fn cmp(&self, other: &Self) -> Ordering {
        other
            .0
            .score
            .total_cmp(&self.0.score)
            .then_with(|| self.0.id.cmp(&other.0.id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn payload(org: &str) -> Payload {
        Payload {
            organization: org.into(),
            job: Uuid::nil(),
            vendor: "v".into(),
            brand: None,
            category: None,
            availability: None,
            currency: None,
            price: None,
            price_base: None,
        }
    }

    #[test]
    fn best_first_and_filtered() {
        let a = Uuid::from_u128(1);
        let b = Uuid::from_u128(2);
        let c = Uuid::from_u128(3);
        let points = vec![
            (a, vec![1.0, 0.0], payload("x")),
            (b, vec![0.7, 0.7], payload("x")),
            (c, vec![1.0, 0.01], payload("y")),
        ];
        let hits = exact_search(&points, &[1.0, 0.0], &Filter::organization("x"), 10);
        let ids: Vec<_> = hits.iter().map(|h| h.id).collect();
        assert_eq!(ids, vec![a, b]);
        assert!((hits[0].score - 1.0).abs() < 1e-6);
        assert_eq!(
            exact_search(&points, &[1.0, 0.0], &Filter::organization("x"), 1).len(),
            1
        );
    }

    #[test]
    fn zero_vector_scores_zero() {
        assert_eq!(cosine(&[0.0, 0.0], &[1.0, 0.0]), 0.0);
    }
}
