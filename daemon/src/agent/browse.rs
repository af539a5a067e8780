//! The `browse` node: for each of the job's sources at once, search the
//! shop, follow result pages until the job has enough product links, and
//! visit each product page in the browser, keeping its rendered HTML and
//! screenshot as blobs (see `browse_source`). A page that fails is logged
//! and skipped; the job goes on.

use procura_common::log::LogLevel;
use procura_common::source::Source;
use procura_common::spec::SearchSpec;
use serde::{Deserialize, Serialize};
use serde_json::json;

use tokio::sync::mpsc;

use super::browse_source::{Report, Reporter, Walk};
use super::{NodeContext, NodeError, NodeOutput};

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
    let services = ctx.services;
    let pool = match services.browser().await {
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

    // Sources are walked at once (each is its own domain, with its own
    // politeness); the pool bounds how many pages are open in all.
    let walk = Walk {
        pool,
        db: ctx.db,
        blobs: &services.blobs,
        job: ctx.job.id,
        stop: ctx.stop,
    };
    let (tx, mut rx) = mpsc::channel::<Report>(64);
    let walks = futures::future::join_all(sources.iter().map(|source| {
        let reporter = Reporter::new(&source.name, tx.clone());
        walk.source(source, &query, per_source, reporter)
    }));
    drop(tx);
    let logging = async {
        while let Some(report) = rx.recv().await {
            ctx.step_keyed(report.key, report.level, report.message, report.data)
                .await?;
        }
        Ok::<_, NodeError>(())
    };
    let (walked, logged) = tokio::join!(walks, logging);
    logged?;
    let mut pages = Vec::new();
    for source_pages in walked {
        pages.extend(source_pages?);
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
