//! [`ServerStore`]: a Qdrant server or cluster over gRPC (`qdrant-client`), for daemons that
//! share one index.
//!
//! The [`IndexSpec`] is stored in the collection's own metadata (key `procura_index`, a
//! JSON object; Qdrant ≥ 1.16 keeps collection metadata). It travels with the collection,
//! so every daemon pointed at it sees the same spec, and no extra point pollutes counts or
//! searches. A collection without that key was not made by procura and is never dropped.
//!
//! Writes use `wait=true`, so a search or count after a write sees it, as on Edge.

use std::collections::HashMap;
use std::sync::RwLock;
use std::time::{Duration, Instant};

use futures::future::BoxFuture;
use qdrant_client::Qdrant;
use qdrant_client::qdrant::point_id::PointIdOptions;
use qdrant_client::qdrant::{
    CollectionStatus, Condition, CountPointsBuilder, CreateCollectionBuilder,
    CreateFieldIndexCollectionBuilder, DeleteCollectionBuilder, DeletePointsBuilder, Distance,
    FieldType, Filter as QFilter, FloatIndexParamsBuilder, HnswConfigDiffBuilder,
    KeywordIndexParamsBuilder, PointStruct, PointsIdsList, Query, QueryPointsBuilder, Range,
    SearchParamsBuilder, UpsertPointsBuilder, VectorParamsBuilder,
};
use tracing::{info, warn};
use uuid::Uuid;

use crate::{
    Error, Filter, Hit, IndexSpec, IndexState, Point, Result, VectorStore, dedup_last_wins, field,
    validate_points,
};

/// Collection metadata key holding the [`IndexSpec`].
pub const SPEC_KEY: &str = "procura_index";
/// Points per upsert request, to stay well under gRPC message limits at 384-d.
const UPSERT_CHUNK: usize = 512;
/// How long `optimize` waits for the server to finish indexing.
const OPTIMIZE_WAIT: Duration = Duration::from_secs(30 * 60);

/// HNSW settings for collections this store creates; the same defaults as Edge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServerOptions {
    pub m: u64,
    /// Edges per node of the per-organization (tenant) graphs.
    pub payload_m: Option<u64>,
    pub ef_construct: u64,
    pub search_ef: u64,
}

impl Default for ServerOptions {
    fn default() -> Self {
        let edge = crate::EdgeOptions::default();
        ServerOptions {
            m: edge.m as u64,
            payload_m: edge.payload_m.map(|m| m as u64),
            ef_construct: edge.ef_construct as u64,
            search_ef: edge.search_ef as u64,
        }
    }
}

/// A Qdrant server collection behind [`VectorStore`].
pub struct ServerStore {
    client: Qdrant,
    url: String,
    collection: String,
    options: ServerOptions,
    spec: RwLock<Option<IndexSpec>>,
}

impl ServerStore {
    /// Connects to `url` (gRPC, e.g. `http://127.0.0.1:6334`) and checks the server answers,
    /// so a wrong URL fails at start rather than at the first search.
    pub async fn connect(url: &str, collection: &str) -> Result<Self> {
        Self::connect_with(url, collection, ServerOptions::default()).await
    }

    /// Like [`ServerStore::connect`] with explicit HNSW settings.
    pub async fn connect_with(url: &str, collection: &str, options: ServerOptions) -> Result<Self> {
        if collection.is_empty() {
            return Err(Error::InvalidSpec("the collection name is empty".into()));
        }
        // The built-in compatibility check prints to stdout; we log the version instead.
        let client = Qdrant::from_url(url)
            .skip_compatibility_check()
            .timeout(Duration::from_secs(60))
            .connect_timeout(Duration::from_secs(10))
            .build()
            .map_err(server_err(url, "set up the client"))?;
        let health = client
            .health_check()
            .await
            .map_err(server_err(url, "reach the server"))?;
        info!(url, version = %health.version, collection, "connected to qdrant server");
        Ok(ServerStore {
            client,
            url: url.to_owned(),
            collection: collection.to_owned(),
            options,
            spec: RwLock::new(None),
        })
    }

    /// The collection this store uses.
    pub fn collection(&self) -> &str {
        &self.collection
    }

    /// Drops the collection (tests and decommissioning); the store is closed afterwards.
    pub async fn delete_collection(&self) -> Result<()> {
        self.set_spec(None)?;
        self.client
            .delete_collection(DeleteCollectionBuilder::new(&self.collection))
            .await
            .map_err(server_err(&self.url, "delete the collection"))?;
        Ok(())
    }

    fn spec(&self) -> Result<IndexSpec> {
        self.spec
            .read()
            .map_err(|_| Error::Poisoned)?
            .clone()
            .ok_or(Error::NotOpen)
    }

    fn set_spec(&self, spec: Option<IndexSpec>) -> Result<()> {
        *self.spec.write().map_err(|_| Error::Poisoned)? = spec;
        Ok(())
    }

    fn protocol(&self, message: impl Into<String>) -> Error {
        Error::ServerProtocol {
            url: self.url.clone(),
            message: message.into(),
        }
    }

    /// The spec recorded on the collection, `None` when it has no procura metadata.
    async fn recorded_spec(&self) -> Result<Option<IndexSpec>> {
        let info = self
            .client
            .collection_info(&self.collection)
            .await
            .map_err(server_err(&self.url, "read the collection info"))?
            .result
            .ok_or_else(|| self.protocol("collection info came back empty"))?;
        let Some(value) = info.config.and_then(|c| c.metadata.get(SPEC_KEY).cloned()) else {
            return Ok(None);
        };
        let json = serde_json::to_value(&value)
            .map_err(|e| self.protocol(format!("unreadable {SPEC_KEY} metadata: {e}")))?;
        let spec = serde_json::from_value(json)
            .map_err(|e| self.protocol(format!("unreadable {SPEC_KEY} metadata: {e}")))?;
        Ok(Some(spec))
    }

    async fn create(&self, spec: &IndexSpec) -> Result<()> {
        let spec_json = serde_json::to_value(spec)
            .map_err(|e| Error::InvalidSpec(format!("cannot serialize the spec: {e}")))?;
        let metadata: HashMap<String, serde_json::Value> =
            HashMap::from([(SPEC_KEY.to_owned(), spec_json)]);
        self.client
            .create_collection(
                CreateCollectionBuilder::new(&self.collection)
                    .vectors_config(VectorParamsBuilder::new(
                        spec.dimension as u64,
                        Distance::Cosine,
                    ))
                    .hnsw_config({
                        let hnsw = HnswConfigDiffBuilder::default()
                            .m(self.options.m)
                            .ef_construct(self.options.ef_construct);
                        match self.options.payload_m {
                            Some(m) => hnsw.payload_m(m),
                            None => hnsw,
                        }
                    })
                    .metadata(metadata),
            )
            .await
            .map_err(server_err(&self.url, "create the collection"))?;
        // Older servers accept but drop the metadata; without it the next open could not
        // tell the spec, so refuse now with a clear reason.
        if self.recorded_spec().await?.as_ref() != Some(spec) {
            return Err(self.protocol(
                "the server did not keep the collection metadata (Qdrant ≥ 1.16 is required)",
            ));
        }
        self.ensure_payload_indexes().await
    }

    /// Same indexes as Edge: keyword fields, `price_base` as float, and HNSW subgraphs only
    /// for the organization (tenant) field; see the Edge store for why.
    async fn ensure_payload_indexes(&self) -> Result<()> {
        let keywords = [
            field::ORGANIZATION,
            field::JOB,
            field::VENDOR,
            field::BRAND,
            field::CATEGORY,
            field::AVAILABILITY,
        ];
        for name in keywords {
            let tenant = name == field::ORGANIZATION;
            let request =
                CreateFieldIndexCollectionBuilder::new(&self.collection, name, FieldType::Keyword)
                    .field_index_params(
                        KeywordIndexParamsBuilder::default()
                            .is_tenant(tenant)
                            .enable_hnsw(tenant),
                    )
                    .wait(true);
            self.client
                .create_field_index(request)
                .await
                .map_err(server_err(&self.url, "create a payload index"))?;
        }
        self.client
            .create_field_index(
                CreateFieldIndexCollectionBuilder::new(
                    &self.collection,
                    field::PRICE_BASE,
                    FieldType::Float,
                )
                .field_index_params(FloatIndexParamsBuilder::new().enable_hnsw(false))
                .wait(true),
            )
            .await
            .map_err(server_err(&self.url, "create a payload index"))?;
        Ok(())
    }

    async fn open_index_impl(&self, spec: &IndexSpec) -> Result<IndexState> {
        spec.validate()?;
        self.set_spec(None)?;
        let exists = self
            .client
            .collection_exists(&self.collection)
            .await
            .map_err(server_err(&self.url, "check the collection"))?;
        let state = if !exists {
            self.create(spec).await?;
            IndexState::Created
        } else {
            match self.recorded_spec().await? {
                None => {
                    return Err(Error::ForeignCollection {
                        url: self.url.clone(),
                        collection: self.collection.clone(),
                    });
                }
                Some(previous) if previous == *spec => {
                    self.ensure_payload_indexes().await?;
                    IndexState::Reused
                }
                Some(previous) => {
                    info!(collection = %self.collection, ?previous, ?spec, "index spec changed; recreating the collection empty");
                    self.client
                        .delete_collection(DeleteCollectionBuilder::new(&self.collection))
                        .await
                        .map_err(server_err(&self.url, "delete the old collection"))?;
                    self.create(spec).await?;
                    IndexState::Recreated { previous }
                }
            }
        };
        self.set_spec(Some(spec.clone()))?;
        Ok(state)
    }

    async fn upsert_impl(&self, points: Vec<Point>) -> Result<()> {
        let spec = self.spec()?;
        let points = dedup_last_wins(points);
        validate_points(&spec, &points)?;
        let mut batch = Vec::with_capacity(UPSERT_CHUNK.min(points.len()));
        let mut points = points.into_iter().peekable();
        while points.peek().is_some() {
            batch.clear();
            for point in points.by_ref().take(UPSERT_CHUNK) {
                let json = serde_json::to_value(&point.payload)
                    .map_err(|e| Error::InvalidPayload(format!("point {}: {e}", point.id)))?;
                let payload = qdrant_client::Payload::try_from(json)
                    .map_err(|e| Error::InvalidPayload(format!("point {}: {e}", point.id)))?;
                batch.push(PointStruct::new(point.id, point.vector, payload));
            }
            self.client
                .upsert_points(
                    UpsertPointsBuilder::new(&self.collection, std::mem::take(&mut batch))
                        .wait(true),
                )
                .await
                .map_err(server_err(&self.url, "upsert points"))?;
        }
        Ok(())
    }

    async fn search_impl(&self, query: &[f32], filter: &Filter, limit: usize) -> Result<Vec<Hit>> {
        let spec = self.spec()?;
        spec.check_vector("the query vector", query)?;
        filter.validate()?;
        if limit == 0 {
            return Ok(Vec::new());
        }
        let response = self
            .client
            .query(
                QueryPointsBuilder::new(&self.collection)
                    .query(Query::new_nearest(query.to_vec()))
                    .filter(to_server_filter(filter))
                    .limit(limit as u64)
                    .params(
                        SearchParamsBuilder::default()
                            .hnsw_ef(self.options.search_ef.max(limit as u64)),
                    ),
            )
            .await
            .map_err(server_err(&self.url, "search"))?;
        response
            .result
            .into_iter()
            .map(|p| {
                let id = match p.id.and_then(|id| id.point_id_options) {
                    Some(PointIdOptions::Uuid(s)) => Uuid::parse_str(&s)
                        .map_err(|e| self.protocol(format!("bad point id {s:?}: {e}")))?,
                    other => {
                        return Err(self.protocol(format!(
                            "unexpected point id {other:?}; procura only writes UUIDs"
                        )));
                    }
                };
                Ok(Hit { id, score: p.score })
            })
            .collect()
    }

    async fn count_impl(&self, filter: Option<&Filter>) -> Result<u64> {
        self.spec()?;
        let mut request = CountPointsBuilder::new(&self.collection).exact(true);
        if let Some(filter) = filter {
            filter.validate()?;
            request = request.filter(to_server_filter(filter));
        }
        let response = self
            .client
            .count(request)
            .await
            .map_err(server_err(&self.url, "count points"))?;
        Ok(response.result.map(|r| r.count).unwrap_or(0))
    }

    /// The server indexes in the background; this waits until it reports no optimization
    /// in progress, so a bench or a re-index can measure or report a settled index.
    async fn optimize_impl(&self) -> Result<()> {
        self.spec()?;
        let started = Instant::now();
        loop {
            let info = self
                .client
                .collection_info(&self.collection)
                .await
                .map_err(server_err(&self.url, "read the collection info"))?
                .result
                .ok_or_else(|| self.protocol("collection info came back empty"))?;
            let status = CollectionStatus::try_from(info.status)
                .unwrap_or(CollectionStatus::UnknownCollectionStatus);
            match status {
                CollectionStatus::Green | CollectionStatus::Grey => return Ok(()),
                CollectionStatus::Red => {
                    return Err(self.protocol("the collection status is red (optimizer failed)"));
                }
                CollectionStatus::Yellow | CollectionStatus::UnknownCollectionStatus => {}
            }
            if started.elapsed() > OPTIMIZE_WAIT {
                warn!(collection = %self.collection, "still indexing; not waiting longer");
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }

    async fn clear_impl(&self) -> Result<()> {
        let spec = self.spec()?;
        self.client
            .delete_collection(DeleteCollectionBuilder::new(&self.collection))
            .await
            .map_err(server_err(&self.url, "delete the collection"))?;
        self.create(&spec).await
    }

    async fn delete_impl(&self, ids: &[Uuid]) -> Result<()> {
        self.spec()?;
        if ids.is_empty() {
            return Ok(());
        }
        let ids: Vec<qdrant_client::qdrant::PointId> = ids.iter().map(|&id| id.into()).collect();
        self.client
            .delete_points(
                DeletePointsBuilder::new(&self.collection)
                    .points(PointsIdsList::from(ids))
                    .wait(true),
            )
            .await
            .map_err(server_err(&self.url, "delete points"))?;
        Ok(())
    }
}

impl VectorStore for ServerStore {
    fn open_index<'a>(&'a self, spec: &'a IndexSpec) -> BoxFuture<'a, Result<IndexState>> {
        Box::pin(self.open_index_impl(spec))
    }

    fn upsert(&self, points: Vec<Point>) -> BoxFuture<'_, Result<()>> {
        Box::pin(self.upsert_impl(points))
    }

    fn delete<'a>(&'a self, ids: &'a [Uuid]) -> BoxFuture<'a, Result<()>> {
        Box::pin(self.delete_impl(ids))
    }

    fn search<'a>(
        &'a self,
        query: &'a [f32],
        filter: &'a Filter,
        limit: usize,
    ) -> BoxFuture<'a, Result<Vec<Hit>>> {
        Box::pin(self.search_impl(query, filter, limit))
    }

    fn count<'a>(&'a self, filter: Option<&'a Filter>) -> BoxFuture<'a, Result<u64>> {
        Box::pin(self.count_impl(filter))
    }

    fn optimize(&self) -> BoxFuture<'_, Result<()>> {
        Box::pin(self.optimize_impl())
    }

    fn clear(&self) -> BoxFuture<'_, Result<()>> {
        Box::pin(self.clear_impl())
    }

    fn describe(&self) -> String {
        let spec = self.spec.read().ok().and_then(|s| s.clone());
        let what = match spec {
            Some(spec) => format!("{}-d cosine, {}", spec.dimension, spec.model),
            None => "no index open".to_owned(),
        };
        format!(
            "qdrant server at {}, collection {} ({what}; HNSW m={} ef_construct={} ef={})",
            self.url,
            self.collection,
            self.options.m,
            self.options.ef_construct,
            self.options.search_ef
        )
    }
}

fn server_err(
    url: &str,
    context: &'static str,
) -> impl FnOnce(qdrant_client::QdrantError) -> Error {
    let url = url.to_owned();
    move |source| Error::Server {
        url,
        context,
        source: Box::new(source),
    }
}

/// Same semantics as [`Filter::matches`]: every field must hold, a list matches any of its
/// values (a keyword match on a list is "any" in Qdrant), a price bound needs a price.
fn to_server_filter(filter: &Filter) -> QFilter {
    let mut must = vec![Condition::matches(
        field::ORGANIZATION,
        filter.organization.clone(),
    )];
    if let Some(job) = filter.job {
        must.push(Condition::matches(field::JOB, job.to_string()));
    }
    for (name, values) in [
        (field::VENDOR, &filter.vendors),
        (field::BRAND, &filter.brands),
        (field::CATEGORY, &filter.categories),
    ] {
        if !values.is_empty() {
            must.push(Condition::matches(name, values.clone()));
        }
    }
    if let Some(availability) = &filter.availability {
        must.push(Condition::matches(
            field::AVAILABILITY,
            availability.clone(),
        ));
    }
    if filter.price_base_min.is_some() || filter.price_base_max.is_some() {
        must.push(Condition::range(
            field::PRICE_BASE,
            Range {
                gte: filter.price_base_min,
                lte: filter.price_base_max,
                gt: None,
                lt: None,
            },
        ));
    }
    QFilter::must(must)
}
