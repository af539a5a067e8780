//! browser-bench: pages/s on the real product pages served from loopback.
//!
//!     CARGO_TARGET_DIR=/tmp/browser-target cargo run -p procura-browser --bin browser-bench \
//!         [-- PAGES_DIR]
//!
//! Serves every `*.html.gz` in PAGES_DIR (default `../shared/data/product-pages/html` beside
//! the workspace) decompressed over a loopback HTTP server, then visits each page once per
//! case and prints a markdown table:
//! (a) a bare thirtyfour loop, default page-load strategy: navigate + source + screenshot;
//! (b) the same loop, `eager` + `--host-resolver-rules` (only loopback resolves);
//! (b2) as (b) with a full-page screenshot by resizing the window to the document;
//! (c) `BrowserPool::visit`, one session (full-page screenshot through CDP);
//! (e) as (c) with `max_screenshot_height` = the viewport (what the full page costs);
//! (d) `BrowserPool::visit`, the default two sessions, two visits at a time.
//! `BENCH_CASES=b,c` runs only some cases.

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use procura_browser::{BrowserConfig, BrowserPool, DriverProcess, Url, chromium_args};
use thirtyfour::error::WebDriverErrorInner;
use thirtyfour::prelude::*;
use thirtyfour::{PageLoadStrategy, TimeoutConfiguration};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

#[derive(Default)]
struct Row {
    case: &'static str,
    pages: usize,
    slow: usize,
    errors: usize,
    wall: Duration,
    times: Vec<Duration>,
}

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let dir = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/data/product-pages/html")
        });
    let pages = load(&dir)?;
    let addr = serve(Arc::new(pages.clone())).await?;
    let urls: Vec<String> = pages
        .iter()
        .map(|(name, _)| format!("http://{addr}/{name}"))
        .collect();
    eprintln!(
        "serving {} pages from {} on {addr}",
        urls.len(),
        dir.display()
    );
    // Only loopback resolves: every outside host the pages name fails at once.
    let config = BrowserConfig {
        resolvable_hosts: Some(Vec::new()),
        ..BrowserConfig::default()
    };

    // BENCH_CASES=a,c runs only those cases.
    let cases = std::env::var("BENCH_CASES").unwrap_or_else(|_| "a,b,b2,c,e,d".into());
    let want = |case: &str| cases.split(',').any(|c| c.trim() == case);
    let mut rows = Vec::new();
    let open = BrowserConfig {
        resolvable_hosts: None,
        ..config.clone()
    };
    if want("a") {
        let case = "(a) bare loop, default strategy";
        rows.push(bare(case, &urls, &open, PageLoadStrategy::Normal, false).await?);
    }
    if want("b") {
        let case = "(b) bare loop, eager + host-resolver-rules";
        rows.push(bare(case, &urls, &config, PageLoadStrategy::Eager, false).await?);
    }
    if want("b2") {
        let case = "(b2) as (b), full page by window resize";
        rows.push(bare(case, &urls, &config, PageLoadStrategy::Eager, true).await?);
    }
    if want("c") {
        rows.push(pool("(c) BrowserPool::visit, 1 session", &urls, &config, 1).await?);
    }
    if want("e") {
        let viewport = BrowserConfig {
            max_screenshot_height: config.window.1,
            ..config.clone()
        };
        let case = "(e) as (c), screenshot of the viewport only";
        rows.push(pool(case, &urls, &viewport, 1).await?);
    }
    if want("d") {
        rows.push(pool("(d) BrowserPool::visit, 2 sessions", &urls, &config, 2).await?);
    }

    println!("| case | pages | slow¹ | errors | wall s | pages/s | median ms | p95 ms |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for mut row in rows {
        row.times.sort();
        let pct = |p: f64| {
            let i = ((row.times.len() as f64 - 1.0) * p).round() as usize;
            row.times.get(i).map_or(0, |d| d.as_millis())
        };
        println!(
            "| {} | {} | {} | {} | {:.1} | {:.2} | {} | {} |",
            row.case,
            row.pages,
            row.slow,
            row.errors,
            row.wall.as_secs_f64(),
            row.pages as f64 / row.wall.as_secs_f64(),
            pct(0.5),
            pct(0.95),
        );
    }
    println!(
        "\n¹ slow: the {} s page-load timeout ran out (bare loops) or the pool stopped the \
         load at its budget.",
        config.page_timeout.as_secs()
    );
    Ok(())
}

/// navigate + page source + screenshot with thirtyfour alone.
async fn bare(
    case: &'static str,
    urls: &[String],
    config: &BrowserConfig,
    strategy: PageLoadStrategy,
    full_page: bool,
) -> Result<Row, BoxError> {
    let driver = DriverProcess::start(&config.chromedriver).await?;
    let profile = tempfile::tempdir()?;
    let mut caps = DesiredCapabilities::chrome();
    caps.set_binary(&config.chromium.to_string_lossy())?;
    caps.set_page_load_strategy(strategy)?;
    caps.set_browser_option("args", chromium_args(config, Some(profile.path())))?;
    let session = WebDriver::new(driver.url(), caps).await?;
    let timeouts = TimeoutConfiguration::new(None, Some(config.page_timeout), Some(Duration::ZERO));
    session.update_timeouts(timeouts).await?;
    let mut row = Row {
        case,
        ..Row::default()
    };
    let started = Instant::now();
    for url in urls {
        let t = Instant::now();
        match session.goto(url.as_str()).await {
            Ok(()) => {}
            Err(e) if matches!(&*e, WebDriverErrorInner::WebDriverTimeout(_)) => row.slow += 1,
            Err(e) => {
                eprintln!("{case}: {url}: {e}");
                row.errors += 1;
            }
        }
        let read = async {
            session.source().await?;
            if full_page {
                let height: i64 = session
                    .execute("return document.documentElement.scrollHeight", Vec::new())
                    .await?
                    .convert()?;
                let (w, h) = (i64::from(config.window.0), i64::from(config.window.1));
                let tall = height.clamp(h, i64::from(config.max_screenshot_height));
                session.set_window_rect(0, 0, w as u32, tall as u32).await?;
                session.screenshot_as_png().await?;
                session.set_window_rect(0, 0, w as u32, h as u32).await?;
            } else {
                session.screenshot_as_png().await?;
            }
            WebDriverResult::Ok(())
        };
        if let Err(e) = read.await {
            eprintln!("{case}: {url}: {e}");
            row.errors += 1;
        }
        if t.elapsed() > Duration::from_secs(5) {
            eprintln!("{case}: {url}: {:.1} s", t.elapsed().as_secs_f64());
        }
        row.times.push(t.elapsed());
        row.pages += 1;
    }
    row.wall = started.elapsed();
    session.quit().await?;
    eprintln!("{case}: done in {:.1} s", row.wall.as_secs_f64());
    Ok(row)
}

async fn pool(
    case: &'static str,
    urls: &[String],
    config: &BrowserConfig,
    sessions: usize,
) -> Result<Row, BoxError> {
    let config = BrowserConfig {
        sessions,
        ..config.clone()
    };
    let pool = BrowserPool::start(config).await?;
    let allow = |u: &Url| u.host_str() == Some("127.0.0.1");
    let mut row = Row {
        case,
        ..Row::default()
    };
    let started = Instant::now();
    for chunk in urls.chunks(sessions) {
        let visits = chunk.iter().map(|url| pool.visit(url, &allow));
        for result in futures::future::join_all(visits).await {
            match result {
                Ok(page) => {
                    row.slow += usize::from(page.stopped_early);
                    row.times.push(page.elapsed);
                }
                Err(e) => {
                    eprintln!("{case}: {e}");
                    row.errors += 1;
                }
            }
            row.pages += 1;
        }
    }
    row.wall = started.elapsed();
    pool.shutdown().await;
    eprintln!("{case}: done in {:.1} s", row.wall.as_secs_f64());
    Ok(row)
}

/// `(name.html, decompressed bytes)` for every `*.html.gz` in `dir`, sorted by name.
fn load(dir: &Path) -> Result<Vec<(String, Vec<u8>)>, BoxError> {
    let mut pages = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))? {
        let path = entry?.path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        let Some(stem) = name.strip_suffix(".gz") else {
            continue;
        };
        let mut html = Vec::new();
        flate2::read::GzDecoder::new(std::fs::File::open(&path)?).read_to_end(&mut html)?;
        pages.push((stem.to_owned(), html));
    }
    pages.sort();
    if pages.is_empty() {
        return Err(format!("no *.html.gz in {}", dir.display()).into());
    }
    Ok(pages)
}

/// A loopback HTTP/1.1 server: `/<name>` is the page, anything else a 404.
async fn serve(pages: Arc<Vec<(String, Vec<u8>)>>) -> Result<std::net::SocketAddr, BoxError> {
    let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let pages = Arc::clone(&pages);
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut buf = [0u8; 4096];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 65536 {
                    match stream.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                let text = String::from_utf8_lossy(&head);
                let path = text
                    .split_whitespace()
                    .nth(1)
                    .unwrap_or("/")
                    .trim_start_matches('/');
                let page = pages.iter().find(|(name, _)| name == path);
                let (status, kind, body): (&str, &str, &[u8]) = match page {
                    Some((_, html)) => ("200 OK", "text/html; charset=utf-8", html),
                    None => ("404 Not Found", "text/plain", b""),
                };
                let head = format!(
                    "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                let _ = stream.write_all(head.as_bytes()).await;
                let _ = stream.write_all(body).await;
            });
        }
    });
    Ok(addr)
}
