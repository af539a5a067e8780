//! The `normalise` node: fills what the page left out from its source
//! (currency, vendor details), folds the same product found twice at one
//! vendor into one (canonical URL, GTIN, SKU), and stores the
//! products with a price history entry each.

use procura_common::log::LogLevel;
use serde_json::json;

use super::{Node, NodeContext, NodeError, NodeOutput};
use crate::db::products::NewProduct;

pub async fn run(ctx: &mut NodeContext<'_>) -> Result<NodeOutput, NodeError> {
    let found: Vec<NewProduct> = ctx.state_of(Node::Extract)?;
    let sources = ctx.services.sources.list().await;
    let mut products: Vec<NewProduct> = Vec::new();
    let mut folded = 0;
    for mut p in found {
        if let Some(source) = sources.iter().find(|s| s.name == p.vendor) {
            p.vendor_base_url = source.base_url.clone();
            p.vendor_email = source.contact_email.clone();
            p.vendor_currency = source.currency.clone();
            if p.currency.is_none() && p.price.is_some() {
                p.currency = source.currency.clone();
                p.methods.insert("currency".into(), "source-default".into());
            }
        }
        p.url = canonical(&p.url);
        let same = products.iter_mut().find(|q| {
            q.url == p.url
                || (q.vendor == p.vendor
                    && ((p.gtin.is_some() && q.gtin == p.gtin)
                        || (p.sku.is_some() && q.sku == p.sku)))
        });
        match same {
            Some(existing) => {
                folded += 1;
                *existing = p;
            }
            None => products.push(p),
        }
    }
    let outcome = ctx
        .db
        .store_products(ctx.job.organization_id, ctx.job.id, &products)
        .await?;
    ctx.step(
        LogLevel::Info,
        format!(
            "stored {} product(s): {} new, {} already known to this job, {folded} duplicate page(s) folded",
            products.len(),
            outcome.inserted,
            outcome.merged
        ),
        json!({ "products": products.len(), "inserted": outcome.inserted, "merged": outcome.merged, "folded": folded }),
    )
    .await?;
    Ok(NodeOutput::Normalised {
        products: products.len(),
    })
}

/// The URL without its fragment or the usual tracking parameters.
fn canonical(url: &str) -> String {
    let Ok(mut parsed) = url::Url::parse(url) else {
        return url.to_string();
    };
    parsed.set_fragment(None);
    let kept: Vec<(String, String)> = parsed
        .query_pairs()
        .filter(|(k, _)| {
            let k = k.to_ascii_lowercase();
            !(k.starts_with("utm_") || matches!(k.as_str(), "gclid" | "fbclid" | "ref" | "msclkid"))
        })
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    if kept.is_empty() {
        parsed.set_query(None);
    } else {
        parsed.query_pairs_mut().clear().extend_pairs(kept);
    }
    parsed.to_string()
}

#[cfg(test)]
mod tests {
    use super::canonical;

    #[test]
    fn canonical_urls() {
        assert_eq!(
            canonical("http://s.test/p/1?utm_source=x#top"),
            "http://s.test/p/1"
        );
        assert_eq!(
            canonical("http://s.test/p?id=4&gclid=z"),
            "http://s.test/p?id=4"
        );
        assert_eq!(canonical("not a url"), "not a url");
    }
}
