//! The `browse` node: for each of the job's sources, search the shop, follow
//! result pages until the job has enough product links, and visit each
//! product page in the browser, keeping its rendered HTML and screenshot as
//! blobs. A page that fails is logged and skipped; the job goes on.

use std::time::Duration;

use procura_common::log::LogLevel;
use procura_common::source::Source;
use procura_common::spec::SearchSpec;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{NodeContext, NodeError, NodeOutput};
use crate::browse::guard::NavigationGuard;
use crate::browse::links::{next_page, product_links};
use crate::browse::robots::Robots;

/// Result pages read per source at most, whatever `max_results` says.
const MAX_RESULT_PAGES: usize = 10;

/// A product page the browser visited.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VisitedPage {
    pub source: String,
    pub url: String,
    pub final_url: String,
    pub title: String,
    pub html_blob: String,
    pub screenshot_blob: String,
    pub stopped_early: bool,
    pub truncated: bool,
}

/// The words to type into a shop's search box.
pub fn search_query(spec: &SearchSpec, request: &str) -> String {
    if let Some(item) = spec.item.as_deref().filter(|i| !i.trim().is_empty()) {
        return item.trim().to_string();
    }
    if !spec.keywords.is_empty() {
        return spec.keywords.join(" ");
    }
    request.chars().take(100).collect()
}

fn encode_query(query: &str) -> String {
    url::form_urlencoded::byte_serialize(query.as_bytes()).collect()
}

pub async fn run(ctx: &mut NodeContext<'_>) -> Result<NodeOutput, NodeError> {
    let spec: SearchSpec = ctx.state_of(super::Node::Plan)?;
    let query = search_query(&spec, &ctx.job.request_text);
    let sources = chosen_sources(ctx, &spec).await?;
    if sources.is_empty() {
        ctx.step(
            LogLevel::Warn,
            "no sources to search: add one with `procura sources add`, or start procurad with --demo",
            json!({}),
        )
        .await?;
        return Ok(NodeOutput::Browsed(Vec::new()));
    }
    let pool = match ctx.services.browser().await {
        Ok(pool) => pool,
        Err(e) => return Err(NodeError::Fatal(format!("the browser is unavailable: {e}"))),
    };
    let max = (ctx.job.max_results.max(1) as usize).min(1000);
    let per_source = max.div_ceil(sources.len());
    ctx.step(
        LogLevel::Info,
        format!(
            "searching {} source(s) for {query:?}, up to {per_source} product(s) each",
            sources.len()
        ),
        json!({ "query": query, "sources": sources.iter().map(|s| &s.name).collect::<Vec<_>>() }),
    )
    .await?;
    let mut pages = Vec::new();
    for source in &sources {
        pages.extend(browse_source(ctx, pool, source, &query, per_source).await?);
    }
    ctx.step(
        LogLevel::Info,
        format!("visited {} product page(s)", pages.len()),
        json!({ "pages": pages.len() }),
    )
    .await?;
    Ok(NodeOutput::Browsed(pages))
}

async fn chosen_sources(
    ctx: &mut NodeContext<'_>,
    spec: &SearchSpec,
) -> Result<Vec<Source>, NodeError> {
    let all = ctx.services.sources.list().await;
    let wanted: Vec<String> = serde_json::from_value(ctx.job.sources.clone()).unwrap_or_default();
    let mut chosen = Vec::new();
    for name in &wanted {
        if !all.iter().any(|s| s.name.eq_ignore_ascii_case(name)) {
            ctx.step(
                LogLevel::Warn,
                format!("unknown source {name:?} skipped"),
                json!({ "source": name }),
            )
            .await?;
        }
    }
    for source in all {
        if !wanted.is_empty() && !wanted.iter().any(|w| w.eq_ignore_ascii_case(&source.name)) {
            continue;
        }
        let lower = source.name.to_lowercase();
        if let Some(excluded) = spec
            .excluded_vendors
            .iter()
            .find(|v| !v.trim().is_empty() && lower.contains(&v.to_lowercase()))
        {
            ctx.step(
                LogLevel::Info,
                format!(
                    "source {} skipped: the request excludes {excluded:?}",
                    source.name
                ),
                json!({ "source": source.name }),
            )
            .await?;
            continue;
        }
        chosen.push(source);
    }
    Ok(chosen)
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

fn path_and_query(url: &url::Url) -> String {
    match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_string(),
    }
}

async fn browse_source(
    ctx: &mut NodeContext<'_>,
    pool: &procura_browser::BrowserPool,
    source: &Source,
    query: &str,
    limit: usize,
) -> Result<Vec<VisitedPage>, NodeError> {
    let name = source.name.as_str();
    let guard =
        match NavigationGuard::for_urls([source.base_url.as_str(), source.search_url.as_str()])
            .await
        {
            Ok(g) => g,
            Err(e) => {
                ctx.step(
                    LogLevel::Warn,
                    format!("source {name} skipped: {e}"),
                    json!({ "source": name }),
                )
                .await?;
                return Ok(Vec::new());
            }
        };
    let robots = if source.robots {
        match fetch_robots(&source.base_url).await {
            Ok(r) => r,
            Err(e) => {
                ctx.step(
                    LogLevel::Warn,
                    format!("source {name}: robots.txt unreadable ({e}); nothing is visited there"),
                    json!({ "source": name }),
                )
                .await?;
                Robots::disallow_all()
            }
        }
    } else {
        Robots::allow_all()
    };
    let delay = Duration::from_millis(source.politeness.delay_ms);
    let mut url = source.search_url.replace("{query}", &encode_query(query));
    let mut links: Vec<url::Url> = Vec::new();
    for page_no in 1..=MAX_RESULT_PAGES {
        let Some(capture) = visit(ctx, pool, &guard, &robots, name, &url).await? else {
            break;
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
        ctx.step(
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
        ctx.pause(delay).await?;
    }
    links.truncate(limit);
    let mut pages = Vec::new();
    for link in links {
        ctx.pause(delay).await?;
        let Some(capture) = visit(ctx, pool, &guard, &robots, name, link.as_str()).await? else {
            continue;
        };
        let blobs = ctx.services.blobs.clone();
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
        ctx.step(
            LogLevel::Info,
            format!(
                "visited {} in {} ms{}",
                capture.final_url,
                capture.elapsed.as_millis(),
                if capture.stopped_early { " (stopped loading at the time budget)" } else { "" }
            ),
            json!({
                "source": name, "url": capture.final_url.as_str(), "ms": capture.elapsed.as_millis() as u64,
                "html": html_blob, "screenshot": screenshot_blob, "attempts": capture.attempts,
            }),
        )
        .await?;
        pages.push(VisitedPage {
            source: name.to_string(),
            url: link.to_string(),
            final_url: capture.final_url.to_string(),
            title: capture.title.clone(),
            html_blob,
            screenshot_blob,
            stopped_early: capture.stopped_early,
            truncated: capture.truncated,
        });
    }
    Ok(pages)
}

/// Visits one page if the guard and robots.txt allow it; a refusal or a
/// failed visit is logged and yields `None`.
async fn visit(
    ctx: &mut NodeContext<'_>,
    pool: &procura_browser::BrowserPool,
    guard: &NavigationGuard,
    robots: &Robots,
    source: &str,
    url: &str,
) -> Result<Option<procura_browser::PageCapture>, NodeError> {
    let parsed = match guard.check(url).await {
        Ok(u) => u,
        Err(e) => {
            ctx.step(
                LogLevel::Warn,
                format!("skipped: {e}"),
                json!({ "source": source, "url": url }),
            )
            .await?;
            return Ok(None);
        }
    };
    if !robots.allows(&path_and_query(&parsed)) {
        ctx.step(
            LogLevel::Info,
            format!("skipped {parsed}: robots.txt disallows it"),
            json!({ "source": source, "url": url }),
        )
        .await?;
        return Ok(None);
    }
    let allow = |u: &url::Url| guard.allows(u);
    let outcome = pool.visit(parsed.as_str(), &allow).await;
    ctx.db.add_pages_visited(ctx.job.id, 1).await?;
    match outcome {
        Ok(capture) => Ok(Some(capture)),
        Err(e) => {
            ctx.step(
                LogLevel::Warn,
                format!("skipped {parsed}: {e}"),
                json!({ "source": source, "url": url }),
            )
            .await?;
            Ok(None)
        }
    }
}
