//! One source's walk for the `browse` node: search the shop, follow result
//! pages until there are enough product links, then visit the product pages,
//! up to the source's `concurrent_pages` at once (never more than the
//! browser pool has sessions), starting no two visits closer together than
//! the source's politeness delay. Steps go to the node as [`Report`]s, keyed
//! by source, so walks of several sources can run at once and a re-run after
//! a crash still logs each step once.

use std::time::Duration;

use futures::StreamExt as _;
use procura_browser::{BrowserPool, PageCapture};
use procura_common::job::JobId;
use procura_common::log::LogLevel;
use procura_common::source::Source;
use serde_json::{Value, json};
use tokio::sync::mpsc;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::browse::VisitedPage;
use super::{Interruption, NodeError};
use crate::blobs::BlobStore;
use crate::browse::guard::NavigationGuard;
use crate::browse::links::{next_page, product_links};
use crate::browse::robots::Robots;
use crate::db::Database;

/// Result pages read per source at most, whatever `max_results` says.
const MAX_RESULT_PAGES: usize = 10;

/// A step for the agent log, with the key that makes it idempotent.
pub(super) struct Report {
    pub key: String,
    pub level: LogLevel,
    pub message: String,
    pub data: Value,
}

/// Numbers one source's steps and hands them to the node.
pub(super) struct Reporter {
    source: String,
    sent: u32,
    tx: mpsc::Sender<Report>,
}

impl Reporter {
    pub(super) fn new(source: &str, tx: mpsc::Sender<Report>) -> Reporter {
        Reporter {
            source: source.to_string(),
            sent: 0,
            tx,
        }
    }

    async fn step(
        &mut self,
        level: LogLevel,
        message: String,
        data: Value,
    ) -> Result<(), NodeError> {
        self.sent += 1;
        let report = Report {
            key: format!("browse/{}/{}", self.source, self.sent),
            level,
            message,
            data,
        };
        // The receiver only goes away when the node is already ending.
        self.tx
            .send(report)
            .await
            .map_err(|_| NodeError::Interrupted(Interruption::ShuttingDown))
    }
}

/// Why a page was not captured, for the log.
struct Skip {
    level: LogLevel,
    message: String,
}

/// Spaces the starts of a source's page loads by its politeness delay.
struct Pacer {
    delay: Duration,
    next: tokio::sync::Mutex<Instant>,
}

impl Pacer {
    fn new(delay: Duration) -> Pacer {
        Pacer {
            delay,
            next: tokio::sync::Mutex::new(Instant::now()),
        }
    }

    async fn wait(&self, stop: &CancellationToken) -> Result<(), NodeError> {
        if stop.is_cancelled() {
            return Err(NodeError::Interrupted(Interruption::ShuttingDown));
        }
        let at = {
            let mut next = self.next.lock().await;
            let at = (*next).max(Instant::now());
            *next = at + self.delay;
            at
        };
        if at <= Instant::now() {
            return Ok(());
        }
        tokio::select! {
            _ = stop.cancelled() => Err(NodeError::Interrupted(Interruption::ShuttingDown)),
            _ = tokio::time::sleep_until(at) => Ok(()),
        }
    }
}

/// What a source walk may touch.
#[derive(Clone, Copy)]
pub(super) struct Walk<'a> {
    pub pool: &'a BrowserPool,
    pub db: &'a Database,
    pub blobs: &'a BlobStore,
    pub job: JobId,
    pub stop: &'a CancellationToken,
}

/// The rules one source's pages are visited under.
struct Rules {
    guard: NavigationGuard,
    robots: Robots,
    pacer: Pacer,
}

fn encode_query(query: &str) -> String {
    url::form_urlencoded::byte_serialize(query.as_bytes()).collect()
}

fn path_and_query(url: &url::Url) -> String {
    match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_string(),
    }
}

async fn fetch_robots(base_url: &str) -> Result<Robots, String> {
    let url = url::Url::parse(base_url)
        .and_then(|u| u.join("/robots.txt"))
        .map_err(|e| e.to_string())?;
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .redirect(reqwest::redirect::Policy::limited(3))
        .build()
        .map_err(|e| e.to_string())?;
    let response = client.get(url).send().await.map_err(|e| e.to_string())?;
    let status = response.status();
    if status.is_client_error() {
        return Ok(Robots::allow_all());
    }
    if !status.is_success() {
        return Err(format!("robots.txt answered {status}"));
    }
    let text = response.text().await.map_err(|e| e.to_string())?;
    Ok(Robots::parse(
        &text.chars().take(500_000).collect::<String>(),
    ))
}

impl Walk<'_> {
    /// Walks `source` for up to `limit` product pages.
    pub(super) async fn source(
        self,
        source: &Source,
        query: &str,
        limit: usize,
        mut report: Reporter,
    ) -> Result<Vec<VisitedPage>, NodeError> {
        let name = source.name.as_str();
        let Some(rules) = self.rules(source, &mut report).await? else {
            return Ok(Vec::new());
        };
        let mut url = source.search_url.replace("{query}", &encode_query(query));
        let mut links: Vec<url::Url> = Vec::new();
        for page_no in 1..=MAX_RESULT_PAGES {
            let capture = match self.visit(&rules, &url).await? {
                Ok(capture) => capture,
                Err(skip) => {
                    report
                        .step(
                            skip.level,
                            skip.message,
                            json!({ "source": name, "url": url }),
                        )
                        .await?;
                    break;
                }
            };
            let found = product_links(
                &capture.html,
                &capture.final_url,
                source.result_selector.as_deref(),
            );
            let before = links.len();
            for link in found {
                if !links.contains(&link) {
                    links.push(link);
                }
            }
            report
                .step(
                    LogLevel::Info,
                    format!("{name}: result page {page_no} lists {} new product link(s)", links.len() - before),
                    json!({ "source": name, "url": capture.final_url.as_str(), "links": links.len() - before }),
                )
                .await?;
            if links.len() >= limit || links.len() == before {
                break;
            }
            match next_page(
                &capture.html,
                &capture.final_url,
                source.next_selector.as_deref(),
            ) {
                Some(next) => url = next.to_string(),
                None => break,
            }
        }
        links.truncate(limit);

        let at_once =
            (source.politeness.concurrent_pages as usize).clamp(1, self.pool.sessions().max(1));
        let rules = &rules;
        let mut visits = futures::stream::iter(links)
            .map(|link| async move { (self.product(rules, name, link.as_str()).await, link) })
            .buffered(at_once);
        let mut pages = Vec::new();
        while let Some((outcome, link)) = visits.next().await {
            match outcome? {
                Ok((page, data)) => {
                    let message = format!(
                        "visited {} in {} ms{}",
                        page.final_url,
                        data["ms"],
                        if page.stopped_early {
                            " (stopped loading at the time budget)"
                        } else {
                            ""
                        }
                    );
                    report.step(LogLevel::Info, message, data).await?;
                    pages.push(page);
                }
                Err(skip) => {
                    let data = json!({ "source": name, "url": link.as_str() });
                    report.step(skip.level, skip.message, data).await?;
                }
            }
        }
        Ok(pages)
    }

    /// The guard and robots.txt of a source, or `None` (logged) when nothing
    /// there may be visited.
    async fn rules(
        self,
        source: &Source,
        report: &mut Reporter,
    ) -> Result<Option<Rules>, NodeError> {
        let name = source.name.as_str();
        let guard =
            match NavigationGuard::for_urls([source.base_url.as_str(), source.search_url.as_str()])
                .await
            {
                Ok(g) => g,
                Err(e) => {
                    let message = format!("source {name} skipped: {e}");
                    report
                        .step(LogLevel::Warn, message, json!({ "source": name }))
                        .await?;
                    return Ok(None);
                }
            };
        let robots = if source.robots {
            match fetch_robots(&source.base_url).await {
                Ok(r) => r,
                Err(e) => {
                    let message = format!(
                        "source {name}: robots.txt unreadable ({e}); nothing is visited there"
                    );
                    report
                        .step(LogLevel::Warn, message, json!({ "source": name }))
                        .await?;
                    Robots::disallow_all()
                }
            }
        } else {
            Robots::allow_all()
        };
        let pacer = Pacer::new(Duration::from_millis(source.politeness.delay_ms));
        Ok(Some(Rules {
            guard,
            robots,
            pacer,
        }))
    }

    /// Visits a product page and stores its evidence.
    async fn product(
        self,
        rules: &Rules,
        source: &str,
        url: &str,
    ) -> Result<Result<(VisitedPage, Value), Skip>, NodeError> {
        let capture = match self.visit(rules, url).await? {
            Ok(capture) => capture,
            Err(skip) => return Ok(Err(skip)),
        };
        let blobs = self.blobs.clone();
        let html = capture.html.clone().into_bytes();
        let png = capture.screenshot_png.clone();
        let stored = tokio::task::spawn_blocking(move || {
            Ok::<_, crate::blobs::BlobError>((blobs.put(&html)?, blobs.put(&png)?))
        })
        .await
        .map_err(|e| NodeError::Fatal(format!("blob task failed: {e}")))?;
        let (html_blob, screenshot_blob) = match stored {
            Ok(keys) => keys,
            // A full disk must not be mistaken for a bad page.
            Err(e) => return Err(NodeError::Fatal(format!("cannot store page evidence: {e}"))),
        };
        let data = json!({
            "source": source, "url": capture.final_url.as_str(),
            "ms": capture.elapsed.as_millis() as u64,
            "html": html_blob, "screenshot": screenshot_blob, "attempts": capture.attempts,
        });
        let page = VisitedPage {
            source: source.to_string(),
            url: url.to_string(),
            final_url: capture.final_url.to_string(),
            title: capture.title,
            html_blob,
            screenshot_blob,
            stopped_early: capture.stopped_early,
            truncated: capture.truncated,
        };
        Ok(Ok((page, data)))
    }

    /// Visits one page if the guard and robots.txt allow it, after the
    /// source's politeness delay.
    async fn visit(self, rules: &Rules, url: &str) -> Result<Result<PageCapture, Skip>, NodeError> {
        let parsed = match rules.guard.check(url).await {
            Ok(u) => u,
            Err(e) => {
                return Ok(Err(Skip {
                    level: LogLevel::Warn,
                    message: format!("skipped: {e}"),
                }));
            }
        };
        if !rules.robots.allows(&path_and_query(&parsed)) {
            return Ok(Err(Skip {
                level: LogLevel::Info,
                message: format!("skipped {parsed}: robots.txt disallows it"),
            }));
        }
        rules.pacer.wait(self.stop).await?;
        let allow = |u: &url::Url| rules.guard.allows(u);
        // Not raced against `stop`: a visit is bounded by the page budget, and
        // one abandoned half-way would cost the pool its browser.
        let outcome = self.pool.visit(parsed.as_str(), &allow).await;
        self.db.add_pages_visited(self.job, 1).await?;
        Ok(outcome.map_err(|e| Skip {
            level: LogLevel::Warn,
            message: format!("skipped {parsed}: {e}"),
        }))
    }
}
