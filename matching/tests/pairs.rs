//! The matcher on the labelled demo pairs (`tests/fixtures/matching/pairs.json`).
//!
//! The pairs are split in two halves by a hash of the pair. The similarity
//! threshold is tuned on the first half (best F1 with identifiers removed)
//! and precision/recall are reported on the other, for the full cascade
//! and for the similarity stage alone (GTIN and MPN removed, the hard case).

mod common;

use std::collections::{BTreeMap, HashMap};

use common::pairs::Pair;
use common::{catalogue, fixture_path, fnv1a, to_input, without_ids};
use procura_match::eval::{Confusion, LabelledPair, confusion};
use procura_match::{DEFAULT_THRESHOLD, MatchInput, MatchReason, group, similarity, why_at};

fn load_pairs() -> Vec<Pair> {
    let text = std::fs::read_to_string(fixture_path("matching/pairs.json")).expect("pairs.json");
    serde_json::from_str(&text).expect("pairs.json parses")
}

/// Half 0 tunes, half 1 is held out.
fn half(p: &Pair) -> usize {
    let key = format!("{}|{}|{}|{}", p.a.shop, p.a.sku, p.b.shop, p.b.sku);
    (fnv1a(&key) % 2) as usize
}

struct Setup {
    full: Vec<MatchInput>,
    no_ids: Vec<MatchInput>,
    no_gtin: Vec<MatchInput>,
    /// No identifiers and no brand field: the brand only in the title.
    no_brand: Vec<MatchInput>,
    /// The title alone.
    title_only: Vec<MatchInput>,
    halves: [Vec<LabelledPair>; 2],
    kinds: [Vec<String>; 2],
}

fn setup() -> Setup {
    let cat = catalogue();
    let index: HashMap<(String, String), usize> = cat
        .iter()
        .enumerate()
        .map(|(i, p)| ((p.shop.clone(), p.sku.clone()), i))
        .collect();
    let full: Vec<MatchInput> = cat.iter().map(to_input).collect();
    let no_ids = full.iter().cloned().map(without_ids).collect();
    let no_gtin = full
        .iter()
        .cloned()
        .map(|mut m| {
            m.gtin = None;
            m
        })
        .collect();
    let no_brand: Vec<MatchInput> = full
        .iter()
        .cloned()
        .map(|m| MatchInput {
            brand: None,
            ..without_ids(m)
        })
        .collect();
    let title_only = no_brand
        .iter()
        .cloned()
        .map(|m| MatchInput {
            specs: serde_json::Value::Null,
            category: None,
            ..m
        })
        .collect();
    let mut halves = [Vec::new(), Vec::new()];
    let mut kinds = [Vec::new(), Vec::new()];
    for p in load_pairs() {
        let a = index[&(p.a.shop.clone(), p.a.sku.clone())];
        let b = index[&(p.b.shop.clone(), p.b.sku.clone())];
        assert_eq!(
            p.same,
            cat[a].gtin == cat[b].gtin,
            "label matches the catalogue"
        );
        let h = half(&p);
        halves[h].push(LabelledPair { a, b, same: p.same });
        kinds[h].push(p.kind.clone());
    }
    Setup {
        full,
        no_ids,
        no_gtin,
        no_brand,
        title_only,
        halves,
        kinds,
    }
}

fn row(stage: &str, half: &str, t: f64, c: &Confusion) -> String {
    format!(
        "| {stage:<28} | {half:<8} | {t:.2} | {:>3} | {:>3} | {:>3} | {:>3} | {:.3} | {:.3} | {:.3} |",
        c.true_pos,
        c.false_pos,
        c.false_neg,
        c.true_neg,
        c.precision(),
        c.recall(),
        c.f1()
    )
}

/// Pairwise decisions at threshold `t` from precomputed scores: the same
/// when the cascade's identifiers say so, else when the similarity is at
/// least `t` (what `why_at` decides, without recomputing features).
fn pairwise(reasons: &[MatchReason], scores: &[f64], pairs: &[LabelledPair], t: f64) -> Confusion {
    let mut c = Confusion::default();
    for ((r, s), p) in reasons.iter().zip(scores).zip(pairs) {
        let same = match r {
            MatchReason::Gtin | MatchReason::MpnBrand => true,
            MatchReason::Different => false,
            MatchReason::Similar(_) => *s >= t,
        };
        match (same, p.same) {
            (true, true) => c.true_pos += 1,
            (true, false) => c.false_pos += 1,
            (false, true) => c.false_neg += 1,
            (false, false) => c.true_neg += 1,
        }
    }
    c
}

/// The cascade's reason for each pair with the threshold left open
/// (`Similar` = decided by similarity), and the similarity scores.
fn reasons_and_scores(
    inputs: &[MatchInput],
    pairs: &[LabelledPair],
) -> (Vec<MatchReason>, Vec<f64>) {
    pairs
        .iter()
        .map(|p| {
            let (a, b) = (&inputs[p.a], &inputs[p.b]);
            let s = similarity(a, b);
            match why_at(a, b, f64::NEG_INFINITY) {
                MatchReason::Similar(_) => (MatchReason::Similar(s), s),
                r => (r, s),
            }
        })
        .unzip()
}

/// The threshold with the best pairwise F1: the middle of the widest run
/// of grid points (0.30, 0.31, ..., 1.00) reaching it.
fn tune(
    reasons: &[MatchReason],
    scores: &[f64],
    pairs: &[LabelledPair],
) -> (f64, Vec<(f64, Confusion)>) {
    let curve: Vec<(f64, Confusion)> = (30..=100)
        .map(|k| f64::from(k) / 100.0)
        .map(|t| (t, pairwise(reasons, scores, pairs, t)))
        .collect();
    let best = curve.iter().map(|(_, c)| c.f1()).fold(0.0, f64::max);
    let mut runs: Vec<(usize, usize)> = Vec::new();
    for (k, (_, c)) in curve.iter().enumerate() {
        if c.f1() >= best - 1e-12 {
            match runs.last_mut() {
                Some((_, end)) if *end + 1 == k => *end = k,
                _ => runs.push((k, k)),
            }
        }
    }
    let (s, e) = runs
        .iter()
        .copied()
        .max_by_key(|(s, e)| (e - s, usize::MAX - s))
        .unwrap_or((0, 0));
    ((curve[s].0 + curve[e].0) / 2.0, curve)
}

fn print_header() {
    println!(
        "| stage                        | half     | thr  |  TP |  FP |  FN |  TN | prec  | recall| F1    |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
}

#[test]
fn matcher_on_labelled_pairs() {
    let s = setup();
    let [tune_half, held_out] = &s.halves;
    println!(
        "pairs: {} tuning ({} same), {} held out ({} same)",
        tune_half.len(),
        tune_half.iter().filter(|p| p.same).count(),
        held_out.len(),
        held_out.iter().filter(|p| p.same).count()
    );

    // Tune on the similarity stage alone: with identifiers the demo pairs
    // never reach it.
    let (reasons, scores) = reasons_and_scores(&s.no_ids, tune_half);
    let (tuned, curve) = tune(&reasons, &scores, tune_half);
    let gap = |same: bool| {
        scores
            .iter()
            .zip(tune_half)
            .filter(|(_, p)| p.same == same)
            .map(|(s, _)| *s)
            .collect::<Vec<f64>>()
    };
    let lowest_same = gap(true).into_iter().fold(1.0, f64::min);
    let highest_different = gap(false).into_iter().fold(0.0, f64::max);
    println!(
        "\ntuning half, identifiers removed: lowest same-pair score {lowest_same:.3}, highest different-pair score {highest_different:.3}"
    );
    for (t, c) in curve.iter().step_by(5) {
        println!(
            "  t {t:.2}  P {:.3}  R {:.3}  F1 {:.3}",
            c.precision(),
            c.recall(),
            c.f1()
        );
    }
    println!("tuned threshold {tuned:.3}; DEFAULT_THRESHOLD = {DEFAULT_THRESHOLD}");
    let best = curve.iter().map(|(_, c)| c.f1()).fold(0.0, f64::max);
    let at_default = pairwise(&reasons, &scores, tune_half, DEFAULT_THRESHOLD);
    assert!(
        at_default.f1() >= best - 1e-12 && (DEFAULT_THRESHOLD - tuned).abs() <= 0.01,
        "DEFAULT_THRESHOLD is not the tuned value {tuned} (F1 {} vs {best})",
        at_default.f1()
    );

    let t = DEFAULT_THRESHOLD;
    let stages: [(&str, &[MatchInput]); 5] = [
        ("full cascade", &s.full),
        ("cascade without GTIN", &s.no_gtin),
        ("similarity only (no ids)", &s.no_ids),
        ("similarity, no ids/brand", &s.no_brand),
        ("similarity, title only", &s.title_only),
    ];
    let mut results = HashMap::new();
    println!("\npairwise decisions (why_at per pair):");
    print_header();
    for (name, inputs) in stages {
        for (h, label) in [(0, "tuning"), (1, "held-out")] {
            let pairs = &s.halves[h];
            let decided: Vec<usize> = pairs
                .iter()
                .map(|p| {
                    usize::from(why_at(&inputs[p.a], &inputs[p.b], t) != MatchReason::Different)
                })
                .collect();
            // A pair's own two-product grouping: 1/1 same, else 0/1.
            let c = pairs
                .iter()
                .zip(&decided)
                .fold(Confusion::default(), |mut c, (p, d)| {
                    match (*d == 1, p.same) {
                        (true, true) => c.true_pos += 1,
                        (true, false) => c.false_pos += 1,
                        (false, true) => c.false_neg += 1,
                        (false, false) => c.true_neg += 1,
                    }
                    c
                });
            println!("{}", row(name, label, t, &c));
            results.insert((name, "pairwise", h), c);
        }
    }
    println!("\ngroup() over all {} demo listings:", s.full.len());
    print_header();
    for (name, inputs) in stages {
        let groups = group(inputs, t);
        for (h, label) in [(0, "tuning"), (1, "held-out")] {
            let c = confusion(&groups, &s.halves[h]);
            println!("{}", row(name, label, t, &c));
            results.insert((name, "group", h), c);
        }
    }

    // Similarity-stage errors on the held-out half, by pair kind.
    let (_, held_scores) = reasons_and_scores(&s.no_ids, held_out);
    let mut by_kind: BTreeMap<&str, (usize, usize, f64, f64)> = BTreeMap::new();
    for ((p, kind), sc) in held_out.iter().zip(&s.kinds[1]).zip(&held_scores) {
        let e = by_kind.entry(kind.as_str()).or_insert((0, 0, 1.0, 0.0));
        e.1 += 1;
        e.2 = e.2.min(*sc);
        e.3 = e.3.max(*sc);
        if (*sc >= t) != p.same {
            e.0 += 1;
            println!(
                "  similarity error ({kind}, {sc:.3}): {:?} vs {:?}",
                s.full[p.a].title, s.full[p.b].title
            );
        }
    }
    println!("\nheld-out similarity scores by kind (errors / pairs, min, max):");
    for (kind, (err, n, lo, hi)) in &by_kind {
        println!("  {kind:34} {err}/{n}  {lo:.3}..{hi:.3}");
    }

    for mode in ["pairwise", "group"] {
        let full = results[&("full cascade", mode, 1)];
        assert!(
            full.precision() >= 0.95,
            "{mode} full cascade precision {}",
            full.precision()
        );
        assert!(
            full.recall() >= 0.90,
            "{mode} full cascade recall {}",
            full.recall()
        );
        let sim = results[&("similarity only (no ids)", mode, 1)];
        assert!(
            sim.precision() >= 0.90,
            "{mode} similarity precision {}",
            sim.precision()
        );
        assert!(
            sim.recall() >= 0.85,
            "{mode} similarity recall {}",
            sim.recall()
        );
    }
}
