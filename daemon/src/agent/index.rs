//! The `index` node: the job's products into the vector index, so they can
//! be found by meaning later and ranked by similarity to the request now.
//! Without an embedder (the model not fetched, an endpoint down) the job
//! goes on, ranked without meaning, and the log says why.

use procura_common::log::LogLevel;
use serde_json::json;

use super::{NodeContext, NodeError, NodeOutput};

pub async fn run(ctx: &mut NodeContext<'_>) -> Result<NodeOutput, NodeError> {
    let products = ctx
        .db
        .products(ctx.job.organization_id, ctx.job.id)
        .await?
        .unwrap_or_default();
    let services = ctx.services;
    let semantic = match services.semantic(ctx.db).await {
        Ok(s) => s,
        Err(reason) => {
            ctx.step(
                LogLevel::Warn,
                format!("search by meaning is unavailable, ranking by words only: {reason}"),
                json!({ "products": products.len() }),
            )
            .await?;
            return Ok(NodeOutput::Indexed { products: 0 });
        }
    };
    let started = std::time::Instant::now();
    let indexed = match semantic
        .index(ctx.job.organization_id, &products, &services.rates)
        .await
    {
        Ok(_) => semantic.optimize().await,
        Err(e) => Err(e),
    };
    match indexed {
        Ok(()) => {
            ctx.step(
                LogLevel::Info,
                format!(
                    "indexed {} product(s) for search by meaning in {} ms ({})",
                    products.len(),
                    started.elapsed().as_millis(),
                    semantic.describe()
                ),
                json!({ "products": products.len() }),
            )
            .await?;
            Ok(NodeOutput::Indexed {
                products: products.len(),
            })
        }
        Err(e) => {
            ctx.step(
                LogLevel::Warn,
                format!("indexing failed, ranking by words only: {e}"),
                json!({ "products": products.len() }),
            )
            .await?;
            Ok(NodeOutput::Indexed { products: 0 })
        }
    }
}
