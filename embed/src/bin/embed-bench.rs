//! Throughput of the local embedder, to choose its batch size and to know
//! how long indexing a catalogue takes on the project's 2-core machines.
//!
//! Prints a markdown table of sentences per second at several batch sizes on
//! product-title-like sentences, plus the model's load time.
//!
//! Run: `cargo run --release -p procura-embed --bin embed-bench [MODEL_DIR] [SENTENCES]`

use std::path::PathBuf;
use std::time::Instant;

use procura_embed::{Embedder, LocalMiniLm, default_model_dir};

const BATCH_SIZES: [usize; 4] = [1, 8, 32, 128];

const BRANDS: [&str; 8] = [
    "Logitech",
    "Dell",
    "Herman Miller",
    "Brother",
    "Samsung",
    "Fellowes",
    "Bosch",
    "Anker",
];
const ADJECTIVES: [&str; 10] = [
    "ergonomic",
    "wireless",
    "compact",
    "heavy-duty",
    "adjustable",
    "quiet",
    "portable",
    "stainless steel",
    "recycled",
    "high-capacity",
];
const PRODUCTS: [&str; 10] = [
    "office chair",
    "27-inch 4K IPS monitor",
    "laser printer",
    "mechanical keyboard",
    "standing desk",
    "paper shredder",
    "cordless drill",
    "USB-C docking station",
    "A4 copy paper",
    "noise-cancelling headset",
];
const DETAILS: [&str; 12] = [
    "with lumbar support",
    "black",
    "pack of 5",
    "for home and office use",
    "2-year warranty",
    "energy class A",
    "Bluetooth 5.3",
    "80 g/m², 500 sheets per ream",
    "height adjustable 70–120 cm",
    "includes carry case",
    "compatible with Windows and macOS",
    "fast delivery",
];

/// Deterministic titles of about 10–20 words, so runs compare.
fn sentences(n: usize) -> Vec<String> {
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = |m: usize| {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) as usize % m
    };
    (0..n)
        .map(|_| {
            let mut s = format!(
                "{} {} {}",
                BRANDS[next(BRANDS.len())],
                ADJECTIVES[next(ADJECTIVES.len())],
                PRODUCTS[next(PRODUCTS.len())]
            );
            for _ in 0..2 + next(3) {
                s.push_str(", ");
                s.push_str(DETAILS[next(DETAILS.len())]);
            }
            s
        })
        .collect()
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let dir = args
        .next()
        .filter(|a| !a.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(default_model_dir);
    let count: usize = match args.next() {
        Some(n) => n.parse()?,
        None => 512,
    };

    let started = Instant::now();
    let model = {
        let dir = dir.clone();
        tokio::task::spawn_blocking(move || LocalMiniLm::load(&dir)).await??
    };
    let load = started.elapsed();

    let texts = sentences(count);
    let words: usize = texts.iter().map(|t| t.split_whitespace().count()).sum();
    // Warm-up: first-touch of the mapped weights and allocator growth would
    // otherwise be billed to the first row.
    model.embed(&texts[..8.min(texts.len())]).await?;

    println!("Model: `{}` from `{}`", model.model_id(), dir.display());
    println!(
        "{} sentences, {:.1} words each on average; {} threads available",
        texts.len(),
        words as f64 / texts.len().max(1) as f64,
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    println!();
    // Two ways to feed the model batches of the same size: calls of `batch`
    // texts as they come (random lengths, so each pass pads to its longest),
    // and one call with every text, which the embedder sorts by length before
    // cutting passes (how the daemon indexes a catalogue).
    println!(
        "| batch size | sentences/s, calls of `batch` texts | ms per call | sentences/s, one call, sorted passes |"
    );
    println!("| ---: | ---: | ---: | ---: |");
    for batch in BATCH_SIZES {
        let model = model.clone().with_batch_size(batch);
        let started = Instant::now();
        let mut calls = 0usize;
        for chunk in texts.chunks(batch) {
            model.embed(chunk).await?;
            calls += 1;
        }
        let secs = started.elapsed().as_secs_f64();
        let started = Instant::now();
        model.embed(&texts).await?;
        let sorted = started.elapsed().as_secs_f64();
        println!(
            "| {batch} | {:.1} | {:.1} | {:.1} |",
            texts.len() as f64 / secs,
            secs * 1000.0 / calls as f64,
            texts.len() as f64 / sorted
        );
    }
    println!();
    println!("Model load: {} ms", load.as_millis());
    Ok(())
}
