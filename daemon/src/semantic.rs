//! Search by meaning: the embedder and the vector store, together. Postgres
//! stays the source of truth; the index holds one vector per product with
//! the payload searches filter on, and can be rebuilt from Postgres at any
//! time (`procurad reindex`, or by itself when the embedding model changes).

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use procura_common::money::RateTable;
use procura_common::product::Product;
use procura_embed::{Embedder, LocalMiniLm, OpenAiEmbedder};
use procura_vector::{
    EdgeStore, Filter, IndexSpec, IndexState, Payload, Point, ServerStore, VectorStore,
};
use rust_decimal::prelude::ToPrimitive;
use serde::Deserialize;
use uuid::Uuid;

/// Products embedded per call.
const BATCH: usize = 64;

/// `[search]` in the config.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SearchConfig {
    /// The local model's folder (default: `procura_embed::default_model_dir()`,
    /// which `scripts/fetch-model` fills).
    pub model_dir: Option<PathBuf>,
    /// An OpenAI-compatible embeddings endpoint (with `/v1`) instead of the
    /// local model.
    pub embeddings_url: Option<String>,
    pub embeddings_model: String,
    /// The environment variable holding that endpoint's API key.
    pub api_key_env: String,
    /// A Qdrant server (gRPC, e.g. `http://127.0.0.1:6334`) instead of
    /// Qdrant Edge in the state dir; `PROCURA_QDRANT_URL` sets it too.
    pub qdrant_url: Option<String>,
    pub collection: String,
    /// How lexical and vector candidates are fused (`rrf` or `weighted`).
    pub fusion: crate::find::Fusion,
    /// The lexical ranking's share in the weighted fusion (0..=1).
    pub lexical_weight: f32,
}

impl Default for SearchConfig {
    fn default() -> Self {
        SearchConfig {
            model_dir: None,
            embeddings_url: None,
            embeddings_model: "text-embedding-3-small".into(),
            api_key_env: "PROCURA_LLM_API_KEY".into(),
            qdrant_url: None,
            collection: "procura_products".into(),
            fusion: crate::find::Fusion::default(),
            // Tuned with retrieval-bench; 0.5–0.7 are within 0.005 nDCG@10.
            lexical_weight: 0.6,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SemanticError {
    #[error("embedder: {0}")]
    Embed(#[from] procura_embed::EmbedError),
    #[error("vector store: {0}")]
    Store(#[from] procura_vector::Error),
    #[error("opening the search index failed: {0}")]
    Task(String),
}

/// The embedder and the store, opened.
pub struct Semantic {
    embedder: Arc<dyn Embedder>,
    store: Arc<dyn VectorStore>,
    /// The index was empty or built for another model when opened.
    pub needs_reindex: bool,
}

/// The text a product is embedded from: its title, brand and spec values.
///
/// Chosen with `retrieval-bench`: the spec keys ("Weight:", "Gewicht:") and
/// the description dilute a small model's mean-pooled vector more than they
/// add (nDCG@10 by meaning 0.712 with both, 0.761 with values only), and the
/// short text embeds about six times faster. A yes/no value says nothing on
/// its own, so "Headrest: Yes" becomes "Headrest" and a "No" is left out.
pub fn product_text(p: &Product) -> String {
    let mut parts: Vec<String> = Vec::new();
    parts.extend(p.title.clone());
    if let Some(brand) = &p.brand
        && !p
            .title
            .as_deref()
            .unwrap_or_default()
            .contains(brand.as_str())
    {
        parts.push(brand.clone());
    }
    if let Some(specs) = p.specs.as_object() {
        let values: Vec<String> = specs
            .iter()
            .take(24)
            .filter_map(|(key, value)| {
                let value = value.as_str()?.trim();
                match value.to_lowercase().as_str() {
                    "yes" | "ja" | "oui" | "true" => Some(key.clone()),
                    "no" | "nein" | "non" | "false" | "" => None,
                    _ => Some(value.to_string()),
                }
            })
            .collect();
        if !values.is_empty() {
            parts.push(values.join(", "));
        }
    }
    if parts.is_empty() {
        // Nothing else to go by (a page that showed no title).
        parts.extend(
            p.description
                .as_ref()
                .map(|d| d.chars().take(300).collect()),
        );
    }
    parts.join(". ")
}

impl Semantic {
    /// Opens the configured embedder and store.
    pub async fn open(
        config: &SearchConfig,
        state_dir: &std::path::Path,
    ) -> Result<Semantic, SemanticError> {
        let embedder: Arc<dyn Embedder> = match &config.embeddings_url {
            Some(url) => {
                let key = std::env::var(&config.api_key_env).ok();
                Arc::new(OpenAiEmbedder::connect(url, key, &config.embeddings_model).await?)
            }
            None => {
                let dir = config
                    .model_dir
                    .clone()
                    .unwrap_or_else(procura_embed::default_model_dir);
                let loaded = tokio::task::spawn_blocking(move || LocalMiniLm::load(&dir))
                    .await
                    .map_err(|e| SemanticError::Task(e.to_string()))??;
                Arc::new(loaded)
            }
        };
        let qdrant = std::env::var("PROCURA_QDRANT_URL")
            .ok()
            .filter(|u| !u.is_empty())
            .or_else(|| config.qdrant_url.clone());
        let store: Arc<dyn VectorStore> = match qdrant {
            Some(url) => Arc::new(ServerStore::connect(&url, &config.collection).await?),
            None => {
                let dir = state_dir.join("qdrant");
                let opened = tokio::task::spawn_blocking(move || EdgeStore::open(&dir))
                    .await
                    .map_err(|e| SemanticError::Task(e.to_string()))??;
                Arc::new(opened)
            }
        };
        let spec = IndexSpec {
            model: embedder.model_id().to_string(),
            dimension: embedder.dimension(),
        };
        let state = store.open_index(&spec).await?;
        if let IndexState::Recreated { previous } = &state {
            tracing::warn!(previous = %previous.model, now = %spec.model, "embedding model changed: the index is rebuilt from Postgres");
        }
        Ok(Semantic {
            embedder,
            store,
            needs_reindex: state.needs_reindex(),
        })
    }

    pub fn describe(&self) -> String {
        format!(
            "{} with {}",
            self.store.describe(),
            self.embedder.model_id()
        )
    }

    /// Embeds and upserts products (idempotent by product id).
    pub async fn index(
        &self,
        organization: Uuid,
        products: &[Product],
        rates: &RateTable,
    ) -> Result<IndexTimings, SemanticError> {
        let today = Utc::now().date_naive();
        let mut timings = IndexTimings::default();
        for chunk in products.chunks(BATCH) {
            let texts: Vec<String> = chunk.iter().map(product_text).collect();
            let started = Instant::now();
            let vectors = self.embedder.embed(&texts).await?;
            timings.embedding += started.elapsed();
            let points = chunk
                .iter()
                .zip(vectors)
                .map(|(p, vector)| {
                    let price_base = match (p.price, p.currency.as_deref()) {
                        (Some(price), Some(cur)) => rates
                            .convert(price, cur, &rates.base, today)
                            .ok()
                            .and_then(|c| c.amount.to_f64()),
                        _ => None,
                    };
                    Point {
                        id: p.id,
                        vector,
                        payload: Payload {
                            organization: organization.to_string(),
                            job: p.job_id,
                            vendor: p.vendor.clone(),
                            brand: p.brand.clone(),
                            category: None,
                            availability: p.availability.clone(),
                            currency: p.currency.clone(),
                            price: p.price.and_then(|v| v.to_f64()),
                            price_base,
                        },
                    }
                })
                .collect();
            let started = Instant::now();
            self.store.upsert(points).await?;
            timings.upserting += started.elapsed();
            timings.products += chunk.len();
        }
        Ok(timings)
    }

    /// Builds the on-disk indexes after a batch of upserts.
    pub async fn optimize(&self) -> Result<(), SemanticError> {
        Ok(self.store.optimize().await?)
    }

    /// Product ids by similarity to `text`, best first.
    pub async fn search(
        &self,
        filter: &Filter,
        text: &str,
        limit: usize,
    ) -> Result<Vec<(Uuid, f32)>, SemanticError> {
        let query = self.embedder.embed(&[text.to_string()]).await?;
        let Some(vector) = query.into_iter().next() else {
            return Ok(Vec::new());
        };
        let hits = self.store.search(&vector, filter, limit).await?;
        Ok(hits.into_iter().map(|h| (h.id, h.score)).collect())
    }

    /// Similarity of `text` to every indexed product of a job.
    pub async fn similarities(
        &self,
        organization: Uuid,
        job: Uuid,
        text: &str,
        products: usize,
    ) -> Result<HashMap<Uuid, f32>, SemanticError> {
        let filter = Filter {
            job: Some(job),
            ..Filter::organization(organization.to_string())
        };
        Ok(self
            .search(&filter, text, products.max(1))
            .await?
            .into_iter()
            .collect())
    }
}

/// Where the time of indexing went.
#[derive(Debug, Clone, Copy, Default)]
pub struct IndexTimings {
    pub products: usize,
    pub reading: Duration,
    pub embedding: Duration,
    pub upserting: Duration,
    pub optimizing: Duration,
}

impl IndexTimings {
    fn add(&mut self, other: IndexTimings) {
        self.products += other.products;
        self.reading += other.reading;
        self.embedding += other.embedding;
        self.upserting += other.upserting;
        self.optimizing += other.optimizing;
    }

    /// Products per second over `time` (0 when no time passed).
    pub fn rate(&self, time: Duration) -> f64 {
        let secs = time.as_secs_f64();
        if secs > 0.0 {
            self.products as f64 / secs
        } else {
            0.0
        }
    }

    pub fn total(&self) -> Duration {
        self.reading + self.embedding + self.upserting + self.optimizing
    }
}

impl std::fmt::Display for IndexTimings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        write!(
            f,
            "indexed {} product(s) in {:.0} ms: {:.0} products/s in all, {:.0} products/s \
             without embedding (read {:.0} ms, embed {:.0} ms, upsert {:.0} ms, optimize {:.0} ms)",
            self.products,
            ms(self.total()),
            self.rate(self.total()),
            self.rate(self.total() - self.embedding),
            ms(self.reading),
            ms(self.embedding),
            ms(self.upserting),
            ms(self.optimizing),
        )
    }
}

/// Indexes every product in Postgres, organization by organization.
pub async fn reindex(
    semantic: &Semantic,
    db: &crate::db::Database,
    rates: &RateTable,
) -> Result<IndexTimings, ReindexError> {
    let mut timings = IndexTimings::default();
    for organization in db.organizations_with_products().await? {
        let started = Instant::now();
        let products = db.organization_products(organization).await?;
        timings.reading += started.elapsed();
        timings.add(semantic.index(organization, &products, rates).await?);
    }
    let started = Instant::now();
    semantic.optimize().await?;
    timings.optimizing = started.elapsed();
    Ok(timings)
}

#[derive(Debug, thiserror::Error)]
pub enum ReindexError {
    #[error(transparent)]
    Db(#[from] crate::db::DbError),
    #[error(transparent)]
    Semantic(#[from] SemanticError),
}
