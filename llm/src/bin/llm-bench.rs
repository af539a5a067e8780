//! The provider layer's own cost per call, beyond the HTTP round trip.
//!
//! A local axum server answers every POST at once with the same recorded
//! chat completion (a `plan` answer). The bench times N `plan` calls
//! through `OpenAiProvider` (building the messages and JSON-schema request
//! through async-openai, the transport's semaphore and retry loop, parsing
//! the completion, validating the answer against the schema, the typed
//! parse) and N plain `reqwest` POSTs of the same request body to the same
//! server, alternating one of each so that both see the same machine. It
//! prints a markdown table of per-call p50/p99 and their difference.
//!
//! Run: `cargo run --release -p procura-llm --bin llm-bench [N]`

use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::http::header::CONTENT_TYPE;
use axum::response::IntoResponse;
use axum::routing::post;
use chrono::NaiveDate;
use procura_llm::{Llm, LlmConfig, OpenAiProvider};

const COMPLETION: &str = include_str!("../../tests/fixtures/plan_ok.json");
const REQUEST: &str = "20 ergonomic office chairs with mesh back under $300 each, delivered by 15 Dec, not from Shoddy Seats";
const WARMUP: usize = 200;

async fn completions(_body: Bytes) -> impl IntoResponse {
    ([(CONTENT_TYPE, "application/json")], COMPLETION)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

fn us(d: Duration) -> String {
    format!("{:.1} µs", d.as_secs_f64() * 1e6)
}

fn signed_us(a: Duration, b: Duration) -> String {
    let diff = a.as_secs_f64() - b.as_secs_f64();
    format!("{:+.1} µs", diff * 1e6)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let n: usize = match std::env::args().nth(1) {
        Some(a) => a.parse()?,
        None => 2000,
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let app = Router::new().route("/v1/chat/completions", post(completions));
    tokio::spawn(async move { axum::serve(listener, app).await });
    let base = format!("http://{addr}/v1");

    let config = LlmConfig::new(&base, "gpt-4o-mini").with_api_key("sk-bench");
    let provider = OpenAiProvider::new(config.clone())?;
    let today = NaiveDate::from_ymd_opt(2026, 11, 26).ok_or("date")?;
    let body = serde_json::to_vec(&provider.plan_request(REQUEST, today))?;
    let raw = reqwest::Client::builder()
        .connect_timeout(config.connect_timeout)
        .timeout(config.request_timeout)
        .build()?;
    let url = format!("{base}/chat/completions");

    let raw_call = || async {
        let response = raw
            .post(&url)
            .bearer_auth("sk-bench")
            .header(CONTENT_TYPE, "application/json")
            .body(body.clone())
            .send()
            .await?;
        let bytes = response.error_for_status()?.bytes().await?;
        Ok::<usize, reqwest::Error>(bytes.len())
    };

    for _ in 0..WARMUP {
        provider.plan(REQUEST, today).await?;
        raw_call().await?;
    }
    let mut through_provider = Vec::with_capacity(n);
    let mut through_reqwest = Vec::with_capacity(n);
    for _ in 0..n {
        let t = Instant::now();
        let answer = provider.plan(REQUEST, today).await?;
        through_provider.push(t.elapsed());
        std::hint::black_box(answer);

        let t = Instant::now();
        std::hint::black_box(raw_call().await?);
        through_reqwest.push(t.elapsed());
    }
    through_provider.sort_unstable();
    through_reqwest.sort_unstable();
    let mean = |v: &[Duration]| v.iter().sum::<Duration>() / v.len().max(1) as u32;

    let (pp50, pp99) = (
        percentile(&through_provider, 50.0),
        percentile(&through_provider, 99.0),
    );
    let (rp50, rp99) = (
        percentile(&through_reqwest, 50.0),
        percentile(&through_reqwest, 99.0),
    );
    let (pm, rm) = (mean(&through_provider), mean(&through_reqwest));
    println!(
        "{n} sequential `plan` calls, request body {} bytes, answer {} bytes, loopback axum server\n",
        body.len(),
        COMPLETION.len()
    );
    println!("| path | p50 per call | p99 per call | mean |");
    println!("| --- | ---: | ---: | ---: |");
    println!(
        "| `OpenAiProvider::plan` | {} | {} | {} |",
        us(pp50),
        us(pp99),
        us(pm)
    );
    println!(
        "| raw `reqwest` POST, same body | {} | {} | {} |",
        us(rp50),
        us(rp99),
        us(rm)
    );
    println!(
        "| **provider overhead** | **{}** | **{}** | **{}** |",
        signed_us(pp50, rp50),
        signed_us(pp99, rp99),
        signed_us(pm, rm)
    );
    Ok(())
}
