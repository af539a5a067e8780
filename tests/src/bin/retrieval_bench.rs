//! `retrieval-bench`: nDCG@10 of `find` over the labelled procurement
//! queries (`tests/fixtures/retrieval/queries.json`, graded by the
//! catalogue's own attributes, see the README beside it), for lexical only,
//! the local embedder only, and hybrid with each fusion method; plus how
//! fast the index is rebuilt from Postgres with and without embedding.
//!
//!     cargo build --release --workspace --bins && target/release/retrieval-bench
//!
//! Everything is the real thing: a `procurad` on its private Postgres and
//! Qdrant Edge with the local all-MiniLM-L6-v2 browses the four demo shops
//! (one job per category) so the catalogue is stored as extracted, then
//! every query goes through `find` over the socket (the whole organization,
//! no filters, 10 results). Hybrid runs once per fusion method, restarting
//! the daemon with `PROCURA_SEARCH_FUSION` on the same state. Finally
//! `procurad reindex` rebuilds the index from Postgres and prints its
//! timings. Exits non-zero when hybrid does not beat lexical only.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context as _, bail};
use procura_common::api::ProcuraClient;
use procura_common::job::{JobStatus, SubmitSearch};
use procura_common::rank::{FindRequest, SearchMode};
use procura_common::transport::context_with_timeout;
use procura_e2e::{Daemon, DaemonOptions, wait_until_done};
use serde::Deserialize;

/// One job per category of the demo catalogue.
const JOBS: [&str; 4] = ["office chairs", "laptops", "monitors", "desks"];
const K: usize = 10;
/// The default `search.lexical_weight`, spelled for the environment.
const LEXICAL_WEIGHT: &str = "0.6";

#[derive(Deserialize)]
struct Query {
    query: String,
    judgements: Vec<Judgement>,
}

#[derive(Deserialize)]
struct Judgement {
    shop: String,
    sku: String,
    grade: u8,
}

fn key(shop: &str, sku: &str) -> String {
    format!("{shop}\u{1f}{sku}")
}

fn queries() -> anyhow::Result<Vec<Query>> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/retrieval/queries.json");
    let text = std::fs::read_to_string(&path).with_context(|| format!("{}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("{}", path.display()))
}

/// nDCG@10 per query for one way of searching.
async fn run(
    client: &ProcuraClient,
    queries: &[Query],
    mode: SearchMode,
) -> anyhow::Result<Vec<f64>> {
    let mut scores = Vec::new();
    for q in queries {
        let request = FindRequest {
            text: q.query.clone(),
            limit: K as u32,
            mode,
            ..FindRequest::default()
        };
        let found = client
            .find(context_with_timeout(Duration::from_secs(60)), request)
            .await?
            .map_err(|e| anyhow::anyhow!("find {:?}: {e}", q.query))?;
        let ranked: Vec<String> = found
            .iter()
            .map(|f| {
                key(
                    &f.product.vendor,
                    f.product.sku.as_deref().unwrap_or_default(),
                )
            })
            .collect();
        let grades: HashMap<String, u8> = q
            .judgements
            .iter()
            .map(|j| (key(&j.shop, &j.sku), j.grade))
            .collect();
        scores.push(procura_match::eval::ndcg_at_k(&ranked, &grades, K));
    }
    Ok(scores)
}

fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len().max(1) as f64
}

fn main() -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(bench())
}

async fn bench() -> anyhow::Result<()> {
    let queries = queries()?;
    let mut daemon = Daemon::start(DaemonOptions {
        demo: true,
        env: vec![("PROCURA_SEARCH_FUSION".into(), "rrf".into())],
        ..DaemonOptions::default()
    });
    let client = daemon.client().await;
    let mut stored = HashSet::new();
    for request in JOBS {
        let submitted = client
            .submit_search(
                context_with_timeout(Duration::from_secs(10)),
                SubmitSearch {
                    max_results: Some(SubmitSearch::MAX_RESULTS_LIMIT),
                    ..SubmitSearch::new(request)
                },
            )
            .await?
            .map_err(|e| anyhow::anyhow!("submit {request:?}: {e}"))?;
        let done = wait_until_done(&client, submitted.id, Duration::from_secs(600)).await;
        if done.status != JobStatus::Succeeded {
            bail!(
                "job {request:?} ended {:?}:\n{}",
                done.status,
                daemon.logs()
            );
        }
        let products = client
            .list_products(context_with_timeout(Duration::from_secs(30)), submitted.id)
            .await?
            .map_err(|e| anyhow::anyhow!("products of {request:?}: {e}"))?;
        for p in products {
            stored.insert(key(&p.vendor, p.sku.as_deref().unwrap_or_default()));
        }
    }
    let judged: HashSet<String> = queries
        .iter()
        .flat_map(|q| q.judgements.iter().map(|j| key(&j.shop, &j.sku)))
        .collect();
    let covered = judged.iter().filter(|k| stored.contains(*k)).count();

    let mut results: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
    results.insert(
        "lexical only (Postgres full text)",
        run(&client, &queries, SearchMode::Lexical).await?,
    );
    results.insert(
        "vector only (local all-MiniLM-L6-v2)",
        run(&client, &queries, SearchMode::Vector).await?,
    );
    results.insert(
        "hybrid, reciprocal-rank fusion (k = 60)",
        run(&client, &queries, SearchMode::Hybrid).await?,
    );
    drop(client);
    daemon.stop();
    daemon.options.env = vec![
        ("PROCURA_SEARCH_FUSION".into(), "weighted".into()),
        (
            "PROCURA_SEARCH_LEXICAL_WEIGHT".into(),
            LEXICAL_WEIGHT.into(),
        ),
    ];
    daemon.spawn();
    let client = daemon.client().await;
    results.insert(
        "hybrid, weighted (min-max scores, 0.6 lexical + 0.4 vector)",
        run(&client, &queries, SearchMode::Hybrid).await?,
    );
    drop(client);
    daemon.stop();

    println!(
        "### retrieval-bench: nDCG@{K} over {} queries\n",
        queries.len()
    );
    println!(
        "{} of the {} judged listings stored by the four demo jobs ({} products).\n",
        covered,
        judged.len(),
        stored.len()
    );
    if std::env::var_os("PER_QUERY").is_some() {
        let names: Vec<&&str> = results.keys().collect();
        println!(
            "| query | {} |",
            names
                .iter()
                .map(|n| n.split(' ').next().unwrap_or_default())
                .collect::<Vec<_>>()
                .join(" | ")
        );
        for (i, q) in queries.iter().enumerate() {
            let row: Vec<String> = results.values().map(|s| format!("{:.2}", s[i])).collect();
            println!("| {} | {} |", q.query, row.join(" | "));
        }
        println!();
    }
    println!("| search | nDCG@{K} | queries with nDCG < 0.5 |");
    println!("| --- | ---: | ---: |");
    for (name, scores) in &results {
        let weak = scores.iter().filter(|s| **s < 0.5).count();
        println!("| {name} | {:.3} | {weak} |", mean(scores));
    }

    let reindex = std::process::Command::new(procura_e2e::binary("procurad"))
        .arg("reindex")
        .env("PROCURA_STATE_DIR", daemon.state_dir())
        .env("RUST_LOG", "warn")
        .output()
        .context("procurad reindex")?;
    if !reindex.status.success() {
        bail!(
            "procurad reindex failed:\n{}",
            String::from_utf8_lossy(&reindex.stderr)
        );
    }
    println!("\n`procurad reindex` over the same database:\n");
    print!("{}", String::from_utf8_lossy(&reindex.stdout));

    let best_hybrid = results
        .iter()
        .filter(|(name, _)| name.starts_with("hybrid"))
        .map(|(_, s)| mean(s))
        .fold(f64::MIN, f64::max);
    let lexical = mean(&results["lexical only (Postgres full text)"]);
    if best_hybrid <= lexical {
        bail!("hybrid ({best_hybrid:.3}) does not beat lexical only ({lexical:.3})");
    }
    Ok(())
}
