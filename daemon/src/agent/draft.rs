//! The `draft` node: with negotiation on, a request for quote and discount
//! to each of the shortlist's best vendors (the job's `max_vendors`),
//! written by the model when one is configured and from the offline
//! template otherwise, stored as a draft in the approvals inbox. Nothing is
//! sent: a human approves every message first.

use std::collections::HashMap;

use procura_common::log::LogLevel;
use procura_common::negotiation::DraftedBy;
use procura_common::rank::ShortlistEntry;
use procura_common::spec::{BudgetScope, SearchSpec};
use procura_llm::{DraftBrief, DraftEmail, DraftProduct};
use rust_decimal::Decimal;
use serde_json::json;

use super::{Node, NodeContext, NodeError, NodeOutput};
use crate::db::negotiations::{NewDraft, VendorContact};
use crate::llm::Outcome;
use crate::usage::Task;

/// Products of one vendor named in its draft.
const MAX_PRODUCTS_PER_DRAFT: usize = 5;
/// The opening ask: this much below the vendor's listed price, and never
/// above the buyer's budget per unit.
const TARGET_DISCOUNT_PERCENT: i64 = 10;

pub async fn run(ctx: &mut NodeContext<'_>) -> Result<NodeOutput, NodeError> {
    if !ctx.job.enable_negotiation {
        return Ok(NodeOutput::Drafted { drafts: 0 });
    }
    let spec: SearchSpec = ctx.state_of(Node::Plan)?;
    let organization = ctx.job.organization_id;
    let shortlist = ctx
        .db
        .shortlist(organization, ctx.job.id)
        .await?
        .ok_or_else(|| NodeError::Fatal("the job's shortlist is gone".into()))?;
    let (organization_name, contacts) = ctx.db.draft_context(organization, ctx.job.id).await?;
    let buyer = ctx.services.mail.buyer_name(&organization_name);
    let max_vendors = usize::try_from(ctx.job.negotiation_max_vendors.max(1)).unwrap_or(1);
    let picks = best_vendors(&shortlist.entries, max_vendors);
    if picks.is_empty() {
        ctx.step(
            LogLevel::Warn,
            "negotiation is on, but no ranked offer is left to negotiate".to_string(),
            json!({ "drafts": 0 }),
        )
        .await?;
        return Ok(NodeOutput::Drafted { drafts: 0 });
    }
    let mut drafts = 0;
    for (vendor, entries) in picks {
        let Some(contact) = contacts.iter().find(|c| c.name == vendor) else {
            continue;
        };
        let brief = brief(&spec, &buyer, &vendor, &entries);
        let (email, drafted_by) = match write(ctx, &brief).await? {
            Some(written) => written,
            None => return Err(paused()),
        };
        let stored = store(ctx, contact, &brief, email, drafted_by.clone()).await?;
        let to = contact.email.as_deref().unwrap_or("no address on file");
        let by = match &drafted_by {
            DraftedBy::Model { model } => model.as_str(),
            DraftedBy::Template => "the template",
        };
        match stored {
            Some(id) => {
                drafts += 1;
                ctx.step(
                    LogLevel::Info,
                    format!(
                        "drafted a request for quote to {vendor} ({to}) with {by}; it waits for approval"
                    ),
                    json!({ "message": id, "vendor": vendor, "products": brief.products.len() }),
                )
                .await?;
            }
            None => {
                ctx.step(
                    LogLevel::Info,
                    format!("{vendor} already has a negotiation for this job; no new draft"),
                    json!({ "vendor": vendor }),
                )
                .await?;
            }
        }
    }
    Ok(NodeOutput::Drafted { drafts })
}

fn paused() -> NodeError {
    NodeError::Fatal(
        "paused before drafting: the monthly model budget is spent; `procura retry` resumes the job once the budget allows".into(),
    )
}

/// The model's draft, or the template's when there is no model or it
/// cannot answer; `None` when the job must pause.
async fn write(
    ctx: &mut NodeContext<'_>,
    brief: &DraftBrief,
) -> Result<Option<(DraftEmail, DraftedBy)>, NodeError> {
    if !ctx.services.models.is_configured() {
        return Ok(Some((
            procura_llm::offline::draft(brief),
            DraftedBy::Template,
        )));
    }
    let outcome = ctx
        .services
        .models
        .call(
            ctx.job.organization_id,
            Some(ctx.job.id),
            Task::Draft,
            |llm| llm.draft(brief),
        )
        .await;
    match outcome {
        Outcome::Answered { value, model, .. } => Ok(Some((value, DraftedBy::Model { model }))),
        Outcome::Offline(why) => {
            ctx.step(
                LogLevel::Warn,
                format!(
                    "the model did not draft to {}, the template does: {why}",
                    brief.vendor
                ),
                json!({ "vendor": brief.vendor, "fallback": true }),
            )
            .await?;
            Ok(Some((
                procura_llm::offline::draft(brief),
                DraftedBy::Template,
            )))
        }
        Outcome::Paused(why) => {
            ctx.step(
                LogLevel::Warn,
                format!("paused: {why}"),
                json!({ "vendor": brief.vendor, "paused": true }),
            )
            .await?;
            Ok(None)
        }
    }
}

async fn store(
    ctx: &mut NodeContext<'_>,
    contact: &VendorContact,
    brief: &DraftBrief,
    email: DraftEmail,
    drafted_by: DraftedBy,
) -> Result<Option<uuid::Uuid>, NodeError> {
    let draft = NewDraft {
        organization_id: ctx.job.organization_id,
        job_id: ctx.job.id,
        vendor_id: contact.id,
        brief: serde_json::to_value(brief).unwrap_or_default(),
        recipient: contact.email.clone(),
        subject: one_line(&email.subject),
        body: email.body,
        drafted_by,
    };
    ctx.db.store_draft(&draft).await.map_err(|e| {
        NodeError::Fatal(format!(
            "could not store the draft to {}: {e}",
            contact.name
        ))
    })
}

/// A subject is one header line, whatever the model wrote.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The first `max` vendors in shortlist order, each with its ranked
/// entries (best first, at most [`MAX_PRODUCTS_PER_DRAFT`]).
fn best_vendors(entries: &[ShortlistEntry], max: usize) -> Vec<(String, Vec<&ShortlistEntry>)> {
    let mut order: Vec<String> = Vec::new();
    let mut by_vendor: HashMap<&str, Vec<&ShortlistEntry>> = HashMap::new();
    for entry in entries
        .iter()
        .filter(|e| !e.excluded && e.position.is_some())
    {
        let vendor = entry.product.vendor.as_str();
        if vendor.is_empty() || entry.product.price.is_none() || entry.product.currency.is_none() {
            continue;
        }
        let list = by_vendor.entry(vendor).or_default();
        if list.is_empty() {
            if order.len() == max {
                continue;
            }
            order.push(vendor.to_string());
        }
        if list.len() < MAX_PRODUCTS_PER_DRAFT {
            list.push(entry);
        }
    }
    order
        .into_iter()
        .map(|v| {
            let entries = by_vendor.remove(v.as_str()).unwrap_or_default();
            (v, entries)
        })
        .collect()
}

fn brief(spec: &SearchSpec, buyer: &str, vendor: &str, entries: &[&ShortlistEntry]) -> DraftBrief {
    let products: Vec<DraftProduct> = entries
        .iter()
        .filter_map(|e| {
            Some(DraftProduct {
                title: e
                    .product
                    .title
                    .clone()
                    .unwrap_or_else(|| e.product.url.clone()),
                url: e.product.url.clone(),
                unit_price: e.product.price?,
                currency: e.product.currency.clone()?,
            })
        })
        .collect();
    let quantity = spec.quantity.unwrap_or(1).max(1);
    let currency = products
        .first()
        .map(|p| p.currency.clone())
        .unwrap_or_default();
    let target_unit_price = products
        .first()
        .map(|p| target_price(p.unit_price, &currency, spec, quantity));
    DraftBrief {
        vendor: vendor.to_string(),
        products,
        quantity,
        target_unit_price,
        currency,
        deadline: spec.deadline,
        buyer_org: buyer.to_string(),
    }
}

/// [`TARGET_DISCOUNT_PERCENT`] below `listed`, capped at the budget per unit
/// when the budget is in the same currency.
fn target_price(listed: Decimal, currency: &str, spec: &SearchSpec, quantity: u32) -> Decimal {
    let discounted = listed * Decimal::new(100 - TARGET_DISCOUNT_PERCENT, 2);
    let budget_per_unit = spec
        .budget
        .as_ref()
        .filter(|b| b.currency == currency)
        .map(|b| match b.scope {
            BudgetScope::PerUnit => b.amount,
            BudgetScope::Total => b.amount / Decimal::from(quantity),
        });
    let target = match budget_per_unit {
        Some(cap) if cap < discounted => cap,
        _ => discounted,
    };
    target.round_dp(2)
}

#[cfg(test)]
mod tests {
    use super::*;
    use procura_common::spec::Budget;

    fn spec(budget: Option<(&str, BudgetScope)>) -> SearchSpec {
        SearchSpec {
            quantity: Some(4),
            budget: budget.map(|(amount, scope)| Budget {
                amount: amount.parse().unwrap(),
                currency: "EUR".into(),
                scope,
            }),
            ..SearchSpec::default()
        }
    }

    #[test]
    fn the_target_is_ten_percent_off_within_the_budget() {
        let listed: Decimal = "300".parse().unwrap();
        assert_eq!(
            target_price(listed, "EUR", &spec(None), 4),
            "270.00".parse().unwrap()
        );
        let cap = spec(Some(("250", BudgetScope::PerUnit)));
        assert_eq!(target_price(listed, "EUR", &cap, 4), "250".parse().unwrap());
        let total = spec(Some(("900", BudgetScope::Total)));
        assert_eq!(
            target_price(listed, "EUR", &total, 4),
            "225".parse().unwrap()
        );
        assert_eq!(
            target_price(listed, "USD", &cap, 4),
            "270.00".parse().unwrap(),
            "a budget in another currency does not cap"
        );
    }
}
