//! The `rank` node: the job's products through the hard constraints and the
//! score (see `crate::ranking`), grouped across vendors, stored as the job's
//! shortlist with a reason for every place and every exclusion.

use chrono::Utc;
use procura_common::log::LogLevel;
use procura_common::spec::SearchSpec;
use serde_json::json;

use super::{Node, NodeContext, NodeError, NodeOutput};
use crate::db::search::NewShortlistEntry;
use crate::ranking::{Candidate, Request, rank};

/// Ranked entries logged one by one; the rest are counted.
const LOGGED_PLACES: usize = 5;

pub async fn run(ctx: &mut NodeContext<'_>) -> Result<NodeOutput, NodeError> {
    let spec: SearchSpec = ctx.state_of(Node::Plan)?;
    let products = ctx
        .db
        .products(ctx.job.organization_id, ctx.job.id)
        .await?
        .unwrap_or_default();
    let groups = super::grouping::groups(&products);
    let services = ctx.services;
    // What is wanted, without the budget and quantity words around it.
    let wanted = match (&spec.item, spec.keywords.is_empty()) {
        (Some(item), _) if !item.trim().is_empty() => item.clone(),
        (_, false) => spec.keywords.join(" "),
        _ => ctx.job.request_text.clone(),
    };
    // Similarity by meaning when the index has the job (see the index node);
    // else the ranking falls back to the words of the request.
    let similarities = match services.semantic(ctx.db).await {
        Ok(semantic) => semantic
            .similarities(ctx.job.organization_id, ctx.job.id, &wanted, products.len())
            .await
            .unwrap_or_default(),
        Err(_) => Default::default(),
    };
    let candidates: Vec<Candidate<'_>> = products
        .iter()
        .zip(&groups)
        .map(|(product, group)| Candidate {
            product,
            similarity: similarities.get(&product.id).copied(),
            group: *group,
        })
        .collect();
    let request = Request {
        spec: &spec,
        text: &wanted,
        rates: &services.rates,
        today: Utc::now().date_naive(),
    };
    let ranked = rank(&request, &candidates);
    let entries: Vec<NewShortlistEntry> = ranked
        .iter()
        .map(|r| NewShortlistEntry {
            product_id: r.product_id,
            position: r.position,
            excluded: r.excluded,
            score: r.score,
            reason: r.reason.clone(),
            group: r.group,
            compare_price: r.compare_price.clone(),
            rate_day: r.rate_day,
        })
        .collect();
    ctx.db.store_shortlist(ctx.job.id, &entries).await?;
    let kept = ranked.iter().filter(|r| !r.excluded).count();
    let excluded = ranked.len() - kept;
    for r in ranked.iter().filter(|r| !r.excluded).take(LOGGED_PLACES) {
        let title = products
            .iter()
            .find(|p| p.id == r.product_id)
            .and_then(|p| p.title.clone())
            .unwrap_or_default();
        ctx.step(
            LogLevel::Info,
            format!("{title} — {}", r.reason),
            json!({ "product": r.product_id, "position": r.position, "score": r.score }),
        )
        .await?;
    }
    let mut why: Vec<(String, usize)> = Vec::new();
    for r in ranked.iter().filter(|r| r.excluded) {
        // "excluded: out of stock at Thames" → "out of stock"
        let kind = r
            .reason
            .trim_start_matches("excluded: ")
            .split([',', ';'])
            .next()
            .unwrap_or_default();
        let kind = if kind.contains("over the budget") {
            "over the budget".to_string()
        } else if kind.starts_with("out of stock") {
            "out of stock".to_string()
        } else if kind.contains("shows no price") {
            "no price".to_string()
        } else if kind.starts_with("delivers") && r.reason.contains(" deadline, at ") {
            "after the deadline".to_string()
        } else if r.reason.contains("the request needs") {
            "a required spec not met".to_string()
        } else {
            kind.to_string()
        };
        match why.iter_mut().find(|(k, _)| *k == kind) {
            Some((_, n)) => *n += 1,
            None => why.push((kind, 1)),
        }
    }
    let summary = if why.is_empty() {
        String::new()
    } else {
        let parts: Vec<String> = why.iter().map(|(k, n)| format!("{n} {k}")).collect();
        format!(" ({})", parts.join(", "))
    };
    ctx.step(
        LogLevel::Info,
        format!("shortlist: {kept} product(s) ranked, {excluded} excluded{summary}"),
        json!({ "ranked": kept, "excluded": excluded }),
    )
    .await?;
    Ok(NodeOutput::Ranked { kept, excluded })
}
