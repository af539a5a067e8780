//! The `extract` node: reads each visited page's rendered HTML with the
//! layered extractor and says which layer found each field; the model
//! reads what markup missed ([`super::vision`]).

use std::collections::BTreeMap;

use procura_common::log::LogLevel;
use procura_extract::{Availability, Extraction};
use serde_json::json;

use super::browse::VisitedPage;
use super::vision::{self, VisionLayer};
use super::{Node, NodeContext, NodeError, NodeOutput};
use crate::db::products::NewProduct;

pub async fn run(ctx: &mut NodeContext<'_>) -> Result<NodeOutput, NodeError> {
    let pages: Vec<VisitedPage> = ctx.state_of(Node::Browse)?;
    let with_model = ctx.services.models.is_configured();
    let mut vision = VisionLayer::new();
    let mut found = Vec::new();
    for page in pages {
        let blobs = ctx.services.blobs.clone();
        let key = page.html_blob.clone();
        let url = page.final_url.clone();
        let read = tokio::task::spawn_blocking(move || {
            blobs.get(&key).map(|bytes| {
                let html = String::from_utf8_lossy(&bytes);
                let extraction = procura_extract::extract(&html, Some(&url));
                let for_model = (with_model
                    && vision::wanted(extraction.name.is_some(), extraction.price.is_some()))
                .then(|| vision::visible_text(&html));
                (extraction, for_model)
            })
        })
        .await
        .map_err(|e| NodeError::Fatal(format!("extraction task failed: {e}")))?;
        let (extraction, visible_text) = match read {
            Ok(x) => x,
            Err(e) => {
                ctx.step(
                    LogLevel::Warn,
                    format!("skipped {}: {e}", page.final_url),
                    json!({ "url": page.final_url }),
                )
                .await?;
                continue;
            }
        };
        let mut product = to_product(&page, &extraction);
        if let Some(text) = visible_text {
            product = match vision.fill(ctx, &page, text, product).await? {
                vision::Read::Done(product) => *product,
                vision::Read::Paused(why) => {
                    ctx.step(
                        LogLevel::Warn,
                        format!("paused: {why}"),
                        json!({ "url": page.final_url, "paused": true }),
                    )
                    .await?;
                    return Err(NodeError::Fatal(format!(
                        "paused while reading {}: {why}; `procura retry` resumes the job once the budget allows",
                        page.final_url
                    )));
                }
            };
        }
        if product.title.is_none() && product.price.is_none() {
            ctx.step(
                LogLevel::Warn,
                format!("no product found on {}", page.final_url),
                json!({ "url": page.final_url }),
            )
            .await?;
            continue;
        }
        ctx.step(
            LogLevel::Info,
            describe(&product),
            json!({ "url": page.final_url, "methods": product.methods }),
        )
        .await?;
        found.push(product);
    }
    Ok(NodeOutput::Extracted(found))
}

fn to_product(page: &VisitedPage, x: &Extraction) -> NewProduct {
    let mut methods = BTreeMap::new();
    let mut note = |field: &str, layer: Option<procura_extract::Layer>| {
        if let Some(layer) = layer {
            methods.insert(field.to_string(), layer.as_str().to_string());
        }
    };
    note("name", x.name.as_ref().map(|f| f.layer));
    note("brand", x.brand.as_ref().map(|f| f.layer));
    note("sku", x.sku.as_ref().map(|f| f.layer));
    note("gtin", x.gtin.as_ref().map(|f| f.layer));
    note("mpn", x.mpn.as_ref().map(|f| f.layer));
    note("price", x.price.as_ref().map(|f| f.layer));
    note("currency", x.currency.as_ref().map(|f| f.layer));
    note("availability", x.availability.as_ref().map(|f| f.layer));
    note("list_price", x.list_price.as_ref().map(|f| f.layer));
    note("delivery", x.delivery.as_ref().map(|f| f.layer));
    let specs: serde_json::Map<String, serde_json::Value> = x
        .specs
        .iter()
        .map(|row| {
            let value = match &row.unit {
                Some(unit) => format!("{} {unit}", row.value),
                None => row.value.clone(),
            };
            (row.key.clone(), serde_json::Value::String(value))
        })
        .collect();
    let confidence = x.price.as_ref().map(|f| f.confidence);
    NewProduct {
        vendor: page.source.clone(),
        url: page.final_url.clone(),
        title: x.name.as_ref().map(|f| f.value.clone()),
        brand: x.brand.as_ref().map(|f| f.value.clone()),
        sku: x.sku.as_ref().map(|f| f.value.clone()),
        gtin: x.gtin.as_ref().map(|f| f.value.clone()),
        mpn: x.mpn.as_ref().map(|f| f.value.clone()),
        price: x.price.as_ref().map(|f| f.value),
        list_price: x.list_price.as_ref().map(|f| f.value),
        currency: x.currency.as_ref().map(|f| f.value.clone()),
        availability: x.availability.as_ref().map(|f| match f.value {
            Availability::InStock => "InStock".to_string(),
            Availability::OutOfStock => "OutOfStock".to_string(),
        }),
        image: x.image.as_ref().map(|f| f.value.clone()),
        description: x
            .description
            .as_ref()
            .map(|f| f.value.chars().take(2000).collect()),
        specs: serde_json::Value::Object(specs),
        methods,
        confidence,
        screenshot_blob: Some(page.screenshot_blob.clone()),
        html_blob: Some(page.html_blob.clone()),
        content_hash: Some(page.html_blob.clone()),
        delivery: x.delivery.as_ref().map(|f| f.value),
        ..NewProduct::default()
    }
}

fn describe(p: &NewProduct) -> String {
    let name: String = p
        .title
        .as_deref()
        .unwrap_or("(no name)")
        .chars()
        .take(80)
        .collect();
    let price = match (&p.price, &p.currency) {
        (Some(v), Some(c)) => format!("{v} {c}"),
        (Some(v), None) => format!("{v} (no currency)"),
        _ => "no price".to_string(),
    };
    let layers: Vec<String> = p.methods.iter().map(|(f, l)| format!("{f}: {l}")).collect();
    let delivery = p
        .delivery
        .map(|d| format!(", delivery {d}"))
        .unwrap_or_default();
    format!("found {name} at {price}{delivery} [{}]", layers.join(", "))
}
