//! Pages per second per core over a folder of saved product pages, with
//! every layer on, beside the extruct baseline and a plain html5ever parse.
//!
//! `cargo bench -p procura-extract --bench extract` (pages from
//! `$PROCURA_PRODUCT_PAGES`, else `../shared/data/product-pages` next to
//! the workspace). Pages are read and decompressed into memory first; each
//! timing runs on one thread and is the best of several rounds. The
//! baseline runs `extract/bench/extruct_baseline.py` (needs
//! `pip install extruct lxml`) in the same run; without it the row says so.

use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

fn pages_dir() -> PathBuf {
    if let Some(p) = std::env::var_os("PROCURA_PRODUCT_PAGES") {
        return PathBuf::from(p);
    }
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/data/product-pages")
}

fn best_of<F: FnMut()>(rounds: usize, mut f: F) -> f64 {
    let mut best = f64::INFINITY;
    for _ in 0..rounds {
        let t = Instant::now();
        f();
        best = best.min(t.elapsed().as_secs_f64());
    }
    best
}

fn main() {
    let dir = pages_dir();
    let html_dir = dir.join("html");
    let Ok(entries) = std::fs::read_dir(&html_dir) else {
        println!("SKIPPED: product pages not found at {}", html_dir.display());
        return;
    };
    let mut files: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    files.sort();
    let pages: Vec<String> = files
        .iter()
        .filter_map(|p| procura_extract::cli::read_page(p).ok())
        .collect();
    let n = pages.len() as f64;
    let bytes: usize = pages.iter().map(String::len).sum();
    let rounds = std::env::var("BENCH_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(5);

    let mut sink = 0usize;
    let ours = best_of(rounds, || {
        for p in &pages {
            let ex = procura_extract::extract(p, None);
            sink += usize::from(ex.price.is_some());
        }
    });
    let parse_only = best_of(rounds, || {
        for p in &pages {
            sink += procura_extract::html::Document::parse(p).nodes.len();
        }
    });
    let html5ever = best_of(rounds.min(3), || {
        for p in &pages {
            sink += scraper::Html::parse_document(p).tree.nodes().count();
        }
    });
    std::hint::black_box(sink);

    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("bench/extruct_baseline.py");
    let baseline = Command::new("python3")
        .arg(&script)
        .arg(&html_dir)
        .args(["--rounds", &rounds.min(3).to_string()])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| serde_json::from_slice::<serde_json::Value>(&o.stdout).ok())
        .and_then(|v| v["pages_per_sec"].as_f64());

    println!(
        "{} pages, {:.1} MB decompressed, best of {rounds} rounds, one thread\n",
        pages.len(),
        bytes as f64 / 1e6
    );
    println!("| extractor | layers | pages/s per core | MB/s |");
    println!("| --- | --- | ---: | ---: |");
    let row = |name: &str, layers: &str, secs: f64| {
        println!(
            "| {name} | {layers} | {:.0} | {:.0} |",
            n / secs,
            bytes as f64 / 1e6 / secs
        );
    };
    row(
        "procura-extract",
        "JSON-LD, microdata, RDFa, OpenGraph/meta, app state, DOM, specs",
        ours,
    );
    match baseline {
        Some(r) => println!(
            "| extruct 0.18 on lxml (Python) | JSON-LD, microdata, OpenGraph | {r:.0} | {:.0} |",
            bytes as f64 / 1e6 * r / n
        ),
        None => println!(
            "| extruct on lxml (Python) | JSON-LD, microdata, OpenGraph | not run: `pip install extruct lxml` | |"
        ),
    }
    row(
        "procura-extract HTML parser alone",
        "parse only",
        parse_only,
    );
    row("scraper/html5ever parser alone", "parse only", html5ever);
}
