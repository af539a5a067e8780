//! The labelled sets under `tests/fixtures/` are generated from the demo
//! catalogue by `common::pairs` and `common::queries`; this test checks the
//! checked-in files are what the generators give. Regenerate with
//! `PROCURA_REGEN_FIXTURES=1 cargo test -p procura-match --test fixtures`.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::attrs::items;
use common::{fixture_path, pairs, queries};

fn check(rel: &str, json: String) {
    let path = fixture_path(rel);
    if std::env::var_os("PROCURA_REGEN_FIXTURES").is_some() {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).expect("create fixture dir");
        }
        std::fs::write(&path, &json).expect("write fixture");
        return;
    }
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        current == json,
        "{} is stale: regenerate with PROCURA_REGEN_FIXTURES=1",
        path.display()
    );
}

#[test]
fn attributes_agree_across_shops() {
    // The grading rules read attributes from each shop's page; the same
    // model must read the same in English and German.
    let mut by_gtin: BTreeMap<String, Vec<common::attrs::Item>> = BTreeMap::new();
    for i in items() {
        by_gtin.entry(i.gtin.clone()).or_default().push(i);
    }
    for listings in by_gtin.values() {
        for other in &listings[1..] {
            assert_eq!(
                listings[0].attrs, other.attrs,
                "{} vs {}",
                listings[0].name, other.name
            );
            assert_eq!(listings[0].line, other.line);
        }
    }
}

#[test]
fn pairs_fixture_is_current() {
    let pairs = pairs::generate();
    assert!(pairs.len() >= 150, "{} pairs", pairs.len());
    let mut kinds: BTreeMap<(&str, bool), usize> = BTreeMap::new();
    for p in &pairs {
        assert_ne!(p.a.shop, p.b.shop);
        *kinds.entry((p.kind.as_str(), p.same)).or_default() += 1;
    }
    println!("{} pairs: {kinds:#?}", pairs.len());
    let lines: Vec<String> = pairs
        .iter()
        .map(|p| serde_json::to_string(p).expect("json"))
        .collect();
    check(
        "matching/pairs.json",
        format!("[\n{}\n]\n", lines.join(",\n")),
    );
}

#[test]
fn queries_fixture_is_current() {
    let judged = queries::generate();
    assert!(judged.len() >= 50, "{} queries", judged.len());
    let texts: BTreeSet<&str> = judged.iter().map(|q| q.query.as_str()).collect();
    assert_eq!(texts.len(), judged.len(), "queries are unique");
    for q in &judged {
        // A query may have no perfect answer (27-inch 4K monitors all cost
        // more than 400), but some product must come close.
        assert!(
            q.judgements.iter().any(|j| j.grade >= 2),
            "{:?} has no good answer",
            q.query
        );
        let grades: BTreeSet<u8> = q.judgements.iter().map(|j| j.grade).collect();
        println!(
            "{:45} {:3} judged, grades {grades:?}",
            q.query,
            q.judgements.len()
        );
    }
    // One line per judgement: readable, and diffs stay small.
    let mut blocks = Vec::new();
    for q in &judged {
        let js: Vec<String> = q
            .judgements
            .iter()
            .map(|j| format!("    {}", serde_json::to_string(j).expect("json")))
            .collect();
        blocks.push(format!(
            "  {{\"query\": {}, \"why\": {}, \"categories\": {}, \"judgements\": [\n{}\n  ]}}",
            serde_json::to_string(&q.query).expect("json"),
            serde_json::to_string(&q.why).expect("json"),
            serde_json::to_string(&q.categories).expect("json"),
            js.join(",\n")
        ));
    }
    let json = format!("[\n{}\n]\n", blocks.join(",\n"));
    let back: Vec<queries::Judged> = serde_json::from_str(&json).expect("valid json");
    assert_eq!(back, judged);
    check("retrieval/queries.json", json);
}
