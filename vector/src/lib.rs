//! The vector store behind one trait: Qdrant Edge in process ([`EdgeStore`]), or a
//! Qdrant server over gRPC ([`ServerStore`]).
//!
//! The daemon keeps products in Postgres; this crate only holds their embeddings and the
//! few payload fields that searches filter on. Postgres stays the source of truth: when an
//! index cannot be reused (new embedding model, new dimension) it is recreated empty and
//! [`IndexState`] says so, so the caller re-indexes from Postgres instead of mixing vectors
//! from two models in one index.
//!
//! Both stores keep the same semantics, pinned down by the contract suite in
//! `tests/contract.rs`, and [`exact_search`] is the brute-force reference they are
//! compared against (by the contract suite and by the `vector-bench` binary).

mod edge;
mod error;
mod exact;
mod server;

use futures::future::BoxFuture;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub use edge::{EDGE_VERSION, EdgeOptions, EdgeStats, EdgeStore};
pub use error::{Error, Result};
pub use exact::{cosine, exact_search};
pub use server::{ServerOptions, ServerStore};

/// The embedding model and dimension an index was built with.
///
/// Recorded next to the index so that opening it with another model or dimension is
/// detected (vectors from two models are not comparable, even at the same dimension).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct IndexSpec {
    /// Embedding model name, e.g. `all-MiniLM-L6-v2`.
    pub model: String,
    /// Number of dimensions of every vector in the index.
    pub dimension: usize,
}

impl IndexSpec {
    /// Rejects specs that cannot describe a usable index, before anything is created.
    pub fn validate(&self) -> Result<()> {
        if self.model.trim().is_empty() {
            return Err(Error::InvalidSpec("the model name is empty".into()));
        }
        if self.dimension == 0 {
            return Err(Error::InvalidSpec("the dimension is 0".into()));
        }
        Ok(())
    }

    /// Checks a vector against this spec, so a wrong dimension is reported naming both
    /// numbers instead of surfacing as an opaque storage error.
    pub fn check_vector(&self, what: &str, vector: &[f32]) -> Result<()> {
        if vector.len() != self.dimension {
            return Err(Error::DimensionMismatch {
                what: what.to_owned(),
                got: vector.len(),
                expected: self.dimension,
                model: self.model.clone(),
            });
        }
        if vector.iter().any(|x| !x.is_finite()) {
            return Err(Error::NonFiniteVector(what.to_owned()));
        }
        Ok(())
    }
}

/// What [`VectorStore::open_index`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IndexState {
    /// There was no index: a new, empty one was created. The caller indexes from Postgres.
    Created,
    /// An index with the same spec was there and is used as is.
    Reused,
    /// An index with another model or dimension was there: it was dropped and a new,
    /// empty one created. The caller re-indexes from Postgres.
    Recreated {
        /// The spec the dropped index had.
        previous: IndexSpec,
    },
}

impl IndexState {
    /// True when the index is empty and must be filled from Postgres.
    pub fn needs_reindex(&self) -> bool {
        !matches!(self, IndexState::Reused)
    }
}

/// The fields stored with each vector: only what searches filter on, plus the price for
/// display. Everything else about a product lives in Postgres.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Payload {
    /// Tenant. Every search is restricted to one organization.
    pub organization: String,
    /// The procurement job the product was found for.
    pub job: Uuid,
    pub vendor: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub brand: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub availability: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// Price per unit, in `currency`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price: Option<f64>,
    /// Price per unit converted to the daemon's base currency; used for range filters only
    /// (money proper is a decimal in Postgres, never this float).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_base: Option<f64>,
}

impl Payload {
    /// Rejects payloads a filter could not treat consistently on both stores.
    pub fn validate(&self, what: &str) -> Result<()> {
        if self.organization.is_empty() {
            return Err(Error::InvalidPayload(format!(
                "{what}: organization is empty"
            )));
        }
        for (name, value) in [("price", self.price), ("price_base", self.price_base)] {
            if value.is_some_and(|v| !v.is_finite()) {
                return Err(Error::InvalidPayload(format!(
                    "{what}: {name} is not finite"
                )));
            }
        }
        Ok(())
    }
}

/// One product's vector. The id is the product id, so upserting a product again replaces
/// its previous vector and payload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Point {
    pub id: Uuid,
    pub vector: Vec<f32>,
    pub payload: Payload,
}

/// Search restriction. An empty list means "no constraint"; several values mean "any of
/// them". Price bounds are inclusive and apply to `price_base`; a point without a price
/// never matches a price bound.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Filter {
    /// Always required: tenants never see each other's products.
    pub organization: String,
    pub job: Option<Uuid>,
    pub vendors: Vec<String>,
    pub brands: Vec<String>,
    pub categories: Vec<String>,
    pub availability: Option<String>,
    pub price_base_min: Option<f64>,
    pub price_base_max: Option<f64>,
}

impl Filter {
    /// A filter that only restricts to one organization.
    pub fn organization(organization: impl Into<String>) -> Self {
        Filter {
            organization: organization.into(),
            ..Filter::default()
        }
    }

    /// Rejects filters that would silently match everything or nothing by mistake.
    pub fn validate(&self) -> Result<()> {
        if self.organization.is_empty() {
            return Err(Error::InvalidFilter(
                "organization is required: tenants never see each other".into(),
            ));
        }
        for (name, value) in [
            ("price_base_min", self.price_base_min),
            ("price_base_max", self.price_base_max),
        ] {
            if value.is_some_and(|v| !v.is_finite()) {
                return Err(Error::InvalidFilter(format!("{name} is not finite")));
            }
        }
        Ok(())
    }

    /// The reference semantics of a filter, shared by [`exact_search`] and the tests; the
    /// stores translate the same rules into Qdrant conditions.
    pub fn matches(&self, payload: &Payload) -> bool {
        fn any_of(allowed: &[String], value: Option<&str>) -> bool {
            allowed.is_empty() || value.is_some_and(|v| allowed.iter().any(|a| a == v))
        }
        let price_ok = match (self.price_base_min, self.price_base_max) {
            (None, None) => true,
            (min, max) => payload
                .price_base
                .is_some_and(|p| min.is_none_or(|min| p >= min) && max.is_none_or(|max| p <= max)),
        };
        payload.organization == self.organization
            && self.job.is_none_or(|job| payload.job == job)
            && any_of(&self.vendors, Some(&payload.vendor))
            && any_of(&self.brands, payload.brand.as_deref())
            && any_of(&self.categories, payload.category.as_deref())
            && self
                .availability
                .as_deref()
                .is_none_or(|a| payload.availability.as_deref() == Some(a))
            && price_ok
    }
}

/// A search result: the product id and its cosine similarity to the query (higher is
/// closer, 1.0 is the same direction).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Hit {
    pub id: Uuid,
    pub score: f32,
}

/// Payload field names, shared by both stores so filters and indexes agree.
pub(crate) mod field {
    pub const ORGANIZATION: &str = "organization";
    pub const JOB: &str = "job";
    pub const VENDOR: &str = "vendor";
    pub const BRAND: &str = "brand";
    pub const CATEGORY: &str = "category";
    pub const AVAILABILITY: &str = "availability";
    pub const PRICE_BASE: &str = "price_base";
}

/// The vector store the daemon talks to, whichever backend is configured.
///
/// Dyn-compatible (the daemon holds a `Box<dyn VectorStore>` chosen at start), so the async
/// methods return boxed futures. Every method but [`VectorStore::open_index`] and
/// [`VectorStore::describe`] fails with [`Error::NotOpen`] until an index is open.
pub trait VectorStore: Send + Sync {
    /// Opens (or creates) the index for `spec`. A different model or dimension than the one
    /// recorded drops the old index and answers [`IndexState::Recreated`].
    fn open_index<'a>(&'a self, spec: &'a IndexSpec) -> BoxFuture<'a, Result<IndexState>>;

    /// Inserts or replaces points by id: the same id twice leaves one point with the newer
    /// vector and payload (within one call, the later occurrence wins). All points are
    /// validated before anything is written.
    fn upsert(&self, points: Vec<Point>) -> BoxFuture<'_, Result<()>>;

    /// Deletes points by id; unknown ids are ignored.
    fn delete<'a>(&'a self, ids: &'a [Uuid]) -> BoxFuture<'a, Result<()>>;

    /// The `limit` points closest to `query` (cosine) among those matching `filter`, best
    /// first.
    fn search<'a>(
        &'a self,
        query: &'a [f32],
        filter: &'a Filter,
        limit: usize,
    ) -> BoxFuture<'a, Result<Vec<Hit>>>;

    /// Exact number of points matching `filter`, or of all points (every organization)
    /// with `None`.
    fn count<'a>(&'a self, filter: Option<&'a Filter>) -> BoxFuture<'a, Result<u64>>;

    /// Builds the search structures (payload indexes, HNSW graph) for what was written so
    /// far. Results are the same before and after; searches get faster.
    fn optimize(&self) -> BoxFuture<'_, Result<()>>;

    /// Removes every point, keeping the index and its spec.
    fn clear(&self) -> BoxFuture<'_, Result<()>>;

    /// One line for logs and `status`: backend, version, location and spec.
    fn describe(&self) -> String;
}

/// Keeps the last occurrence of each id, in first-seen order, so "later wins" holds within
/// one upsert call whatever the backend does with duplicates in one request.
pub(crate) fn dedup_last_wins(points: Vec<Point>) -> Vec<Point> {
    use std::collections::HashMap;
    let mut position: HashMap<Uuid, usize> = HashMap::with_capacity(points.len());
    let mut out: Vec<Point> = Vec::with_capacity(points.len());
    for point in points {
        match position.get(&point.id) {
            Some(&i) => out[i] = point,
            None => {
                position.insert(point.id, out.len());
                out.push(point);
            }
        }
    }
    out
}

/// Validates a whole upsert batch against the spec before any write.
pub(crate) fn validate_points(spec: &IndexSpec, points: &[Point]) -> Result<()> {
    for point in points {
        let what = format!("point {}", point.id);
        spec.check_vector(&what, &point.vector)?;
        point.payload.validate(&what)?;
    }
    Ok(())
}
