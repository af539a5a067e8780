//! `pipeline-bench`: pages per minute through the whole pipeline (plan,
//! browse, extract, normalise, with every page's HTML and screenshot stored
//! and every step logged) against bare thirtyfour loops over the same pages,
//! both measured in one run, on the demo shops and on the 74 real pages.
//!
//!     cargo build --release --workspace --bins && target/release/pipeline-bench
//!
//! The pipeline runs in the real `procurad` (private Postgres, default pool
//! of two sessions) after a warm-up job has started its browsers; its time
//! is the job's own, from creation to end. The bare loops then visit the
//! URLs the job visited (result pages and product pages, read from its log)
//! with as many sessions as the pool has, each session taking the next URL:
//! navigate (`eager`), read the source, take the screenshot — once of the
//! viewport, once of the whole page through CDP as the pool takes it. The
//! full-page loop is the floor the pipeline is held to (≥ 85 %): the
//! pipeline must store full-page evidence, and the browser's own cost of
//! making it is not the pipeline's overhead. `ROUNDS=n` repeats each case;
//! `CASES=demo` or `CASES=real` runs one.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};
use procura_browser::{BrowserConfig, DriverProcess, chromium_args};
use procura_common::api::ProcuraClient;
use procura_common::job::{JobStatus, SubmitSearch};
use procura_common::source::{Politeness, Source};
use procura_common::transport::context_with_timeout;
use procura_e2e::{Daemon, DaemonOptions, all_logs, job, pages};
use serde_json::json;
use thirtyfour::prelude::*;
use thirtyfour::{PageLoadStrategy, TimeoutConfiguration};

/// The pool's default, which the bare loops match.
const SESSIONS: usize = 2;

struct Case {
    name: &'static str,
    pipeline: Vec<(usize, Duration)>,
    viewport: Vec<(usize, Duration)>,
    full_page: Vec<(usize, Duration)>,
}

fn per_minute(runs: &[(usize, Duration)]) -> f64 {
    let pages: usize = runs.iter().map(|r| r.0).sum();
    let secs: f64 = runs.iter().map(|r| r.1.as_secs_f64()).sum();
    if secs == 0.0 {
        0.0
    } else {
        pages as f64 * 60.0 / secs
    }
}

fn main() -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let rounds: usize = std::env::var("ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(2);
    // CASES=demo or CASES=real runs one of the two.
    let only = std::env::var("CASES").unwrap_or_default();
    let mut cases = Vec::new();
    if only.is_empty() || only == "demo" {
        cases.push(runtime.block_on(demo_shops(rounds))?);
    }
    if only.is_empty() || only == "real" {
        match pages::pages_dir() {
            Some(dir) => cases.push(runtime.block_on(real_pages(&dir, rounds))?),
            None => eprintln!("real pages not found (set PROCURA_PRODUCT_PAGES): left out"),
        }
    }

    println!(
        "| pages | pipeline pages/min | bare loop, viewport shot | bare loop, full-page shot | pipeline ÷ full-page loop | pipeline ÷ viewport loop |"
    );
    println!("| --- | ---: | ---: | ---: | ---: | ---: |");
    for case in &cases {
        let (p, v, f) = (
            per_minute(&case.pipeline),
            per_minute(&case.viewport),
            per_minute(&case.full_page),
        );
        println!(
            "| {} ({} visits × {rounds}) | {p:.1} | {v:.1} | {f:.1} | {:.0} % | {:.0} % |",
            case.name,
            case.pipeline.first().map_or(0, |r| r.0),
            100.0 * p / f,
            100.0 * p / v,
        );
    }
    Ok(())
}

async fn demo_shops(rounds: usize) -> anyhow::Result<Case> {
    let daemon = Daemon::start(DaemonOptions {
        demo: true,
        ..DaemonOptions::default()
    });
    let client = daemon.client().await;
    let mut search = SubmitSearch::new("office chairs");
    search.max_results = Some(80);
    measure("demo shops", &client, search, rounds).await
}

async fn real_pages(dir: &std::path::Path, rounds: usize) -> anyhow::Result<Case> {
    let (pages, _) = pages::load(dir)?;
    let count = pages.len();
    let base = pages::serve(Arc::new(pages)).await?;
    let daemon = Daemon::start(DaemonOptions::default());
    let client = daemon.client().await;
    let source = Source {
        name: "Real pages".into(),
        base_url: base.clone(),
        search_url: format!("{base}/?q={{query}}"),
        result_selector: Some("a[href]".into()),
        next_selector: None,
        contact_email: None,
        currency: None,
        politeness: Politeness {
            concurrent_pages: SESSIONS as u32,
            delay_ms: 0,
        },
        robots: true,
    };
    client
        .add_source(context_with_timeout(Duration::from_secs(10)), source)
        .await?
        .map_err(|e| anyhow::anyhow!("add_source: {e}"))?;
    let mut search = SubmitSearch::new("anything");
    search.max_results = Some(count as u32);
    measure("real pages", &client, search, rounds).await
}

async fn measure(
    name: &'static str,
    client: &ProcuraClient,
    search: SubmitSearch,
    rounds: usize,
) -> anyhow::Result<Case> {
    // The pool starts on the first job: keep that out of the figures.
    let mut warm_up = search.clone();
    warm_up.max_results = Some(1);
    run_job(client, warm_up).await?;
    let mut case = Case {
        name,
        pipeline: Vec::new(),
        viewport: Vec::new(),
        full_page: Vec::new(),
    };
    for round in 1..=rounds {
        let (wall, urls) = run_job(client, search.clone()).await?;
        eprintln!(
            "{name} round {round}: pipeline {} pages in {:.1} s",
            urls.len(),
            wall.as_secs_f64()
        );
        case.pipeline.push((urls.len(), wall));
        for full_page in [false, true] {
            let wall = bare_loop(&urls, full_page).await?;
            eprintln!(
                "{name} round {round}: bare loop (full page: {full_page}) in {:.1} s",
                wall.as_secs_f64()
            );
            let runs = if full_page {
                &mut case.full_page
            } else {
                &mut case.viewport
            };
            runs.push((urls.len(), wall));
        }
    }
    Ok(case)
}

/// Runs a search to its end; its time from creation to end, and every URL
/// it loaded in the browser, from its log.
async fn run_job(
    client: &ProcuraClient,
    search: SubmitSearch,
) -> anyhow::Result<(Duration, Vec<String>)> {
    let id = client
        .submit_search(context_with_timeout(Duration::from_secs(10)), search)
        .await?
        .map_err(|e| anyhow::anyhow!("submit_search: {e}"))?
        .id;
    // Polled slowly, so the bench does not load the daemon it measures; the
    // figure is the job's own timestamps.
    let job = loop {
        let job = job(client, id).await;
        if job.status.is_terminal() {
            break job;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    };
    if job.status != JobStatus::Succeeded {
        bail!("job {id} ended {:?}: {:?}", job.status, job.error);
    }
    let finished = job.finished_at.context("a finished job has an end")?;
    let wall = (finished - job.created_at)
        .to_std()
        .context("the job ended before it began")?;
    let logs = all_logs(client, id).await;
    // Where the time went, node by node (first to last entry of each).
    let mut spans: Vec<(
        String,
        chrono::DateTime<chrono::Utc>,
        chrono::DateTime<chrono::Utc>,
    )> = Vec::new();
    for e in &logs {
        match spans.iter_mut().find(|s| s.0 == e.node) {
            Some(span) => span.2 = e.ts,
            None => spans.push((e.node.clone(), e.ts, e.ts)),
        }
    }
    let spans: Vec<String> = spans
        .iter()
        .map(|(node, from, to)| format!("{node} {} ms", (*to - *from).num_milliseconds()))
        .collect();
    eprintln!("  job {id}: {}", spans.join(", "));
    // Result pages log the links they list; product pages their timing.
    let urls: Vec<String> = logs
        .iter()
        .filter(|e| e.node == "browse")
        .filter_map(|e| {
            let data = &e.data;
            let loaded = data.get("links").is_some() || data.get("ms").is_some();
            loaded.then(|| data.get("url")?.as_str().map(str::to_owned))?
        })
        .collect();
    if urls.len() != job.pages_visited as usize {
        bail!(
            "job {id} visited {} pages but its log names {}",
            job.pages_visited,
            urls.len()
        );
    }
    Ok((wall, urls))
}

/// `SESSIONS` bare thirtyfour sessions working through `urls`.
async fn bare_loop(urls: &[String], full_page: bool) -> anyhow::Result<Duration> {
    let config = BrowserConfig {
        // Only loopback resolves, as in the daemon for loopback sources.
        resolvable_hosts: Some(Vec::new()),
        ..BrowserConfig::default()
    };
    let mut sessions = Vec::new();
    for _ in 0..SESSIONS {
        sessions.push(BareSession::start(&config).await?);
    }
    let queue = Arc::new(Mutex::new(urls.iter().cloned().collect::<VecDeque<_>>()));
    let started = Instant::now();
    let workers = sessions.iter().map(|session| {
        let queue = Arc::clone(&queue);
        let config = &config;
        async move {
            loop {
                let next = queue
                    .lock()
                    .map_err(|_| anyhow::anyhow!("poisoned"))?
                    .pop_front();
                let Some(url) = next else {
                    return anyhow::Ok(());
                };
                session.visit(&url, config, full_page).await?;
            }
        }
    });
    for result in futures::future::join_all(workers).await {
        result?;
    }
    let wall = started.elapsed();
    for session in sessions {
        session.driver.quit().await?;
    }
    Ok(wall)
}

struct BareSession {
    driver: WebDriver,
    _process: DriverProcess,
    _profile: tempfile::TempDir,
}

impl BareSession {
    async fn start(config: &BrowserConfig) -> anyhow::Result<BareSession> {
        let process = DriverProcess::start(&config.chromedriver).await?;
        let profile = tempfile::tempdir()?;
        let mut caps = DesiredCapabilities::chrome();
        caps.set_binary(&config.chromium.to_string_lossy())?;
        caps.set_page_load_strategy(PageLoadStrategy::Eager)?;
        caps.set_browser_option("args", chromium_args(config, Some(profile.path())))?;
        let driver = WebDriver::new(process.url(), caps).await?;
        let timeouts =
            TimeoutConfiguration::new(None, Some(config.page_timeout), Some(Duration::ZERO));
        driver.update_timeouts(timeouts).await?;
        Ok(BareSession {
            driver,
            _process: process,
            _profile: profile,
        })
    }

    async fn visit(
        &self,
        url: &str,
        config: &BrowserConfig,
        full_page: bool,
    ) -> anyhow::Result<()> {
        let d = &self.driver;
        if let Err(e) = d.goto(url).await {
            eprintln!("bare loop: {url}: {e}");
        }
        d.source().await?;
        if !full_page {
            d.screenshot_as_png().await?;
            return Ok(());
        }
        let size: Vec<u64> = d
            .execute(
                "const r = document.documentElement, b = document.body; \
                 return [Math.max(r.scrollWidth, b ? b.scrollWidth : 0), \
                         Math.max(r.scrollHeight, b ? b.scrollHeight : 0)];",
                Vec::new(),
            )
            .await?
            .convert()?;
        let (vw, vh) = (u64::from(config.window.0), u64::from(config.window.1));
        let width = size.first().copied().unwrap_or(vw).clamp(1, vw * 4);
        let height = size
            .get(1)
            .copied()
            .unwrap_or(vh)
            .clamp(1, u64::from(config.max_screenshot_height));
        let params = json!({
            "format": "png",
            "captureBeyondViewport": width > vw || height > vh,
            "optimizeForSpeed": true,
            "clip": { "x": 0, "y": 0, "width": width, "height": height, "scale": 1 },
        });
        d.cdp().send_raw("Page.captureScreenshot", params).await?;
        Ok(())
    }
}
