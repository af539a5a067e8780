//! [`EdgeStore`]: Qdrant Edge (`qdrant-edge` =0.7.2) in process, on disk in the state dir.
//!
//! Layout under the directory given to [`EdgeStore::open`]:
//! - `lock`: held with an OS file lock while a store has the directory open, so two stores
//!   (or two daemons) never write the same shard.
//! - `index.json`: the [`IndexSpec`] the shard was built for, written atomically (temp file,
//!   fsync, rename). Qdrant Edge has no metadata slot of its own.
//! - `shard/`: the Edge shard (segments, WAL, config).
//!
//! Qdrant Edge's API is synchronous and does disk I/O and CPU-heavy index builds, so every
//! call runs in `spawn_blocking`, off the async runtime's workers.
//!
//! Two facts about qdrant-edge 0.7.2 shape this file:
//! - Its WAL is written but never replayed on load, so durability comes from flushing the
//!   segments: every write call flushes before it returns.
//! - `EdgeShard::flush` panics if another thread holds the shard's internal locks, so
//!   writes (and the flush) take our own lock exclusively; searches share it.

use std::fs::{self, File, TryLockError};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock, RwLockReadGuard, RwLockWriteGuard};

use futures::future::BoxFuture;
use qdrant_edge::external::ordered_float::OrderedFloat;
use qdrant_edge::{
    AcornSearchParams, Condition, CountRequest, DEFAULT_VECTOR_NAME, Distance, EdgeConfig,
    EdgeOptimizersConfig, EdgeShard, EdgeVectorParams, FieldCondition, FieldIndexOperations,
    FloatIndexParams, HasIdCondition, HnswIndexConfig, JsonPath, KeywordIndexParams, Match,
    NamedQuery, OperationError, PayloadFieldSchema, PayloadSchemaParams, PointId,
    PointInsertOperations, PointOperations, PointStructPersisted, QuantizationConfig, QueryEnum,
    Range, SearchParams, SearchRequest, UpdateOperation, ValueVariants, VectorStructPersisted,
};
use serde::{Deserialize, Serialize};
use tracing::{debug, info, warn};
use uuid::Uuid;

use crate::error::io;
use crate::{
    Error, Filter, Hit, IndexSpec, IndexState, Point, Result, VectorStore, dedup_last_wins, field,
    validate_points,
};

/// The pinned qdrant-edge version (see DEPENDENCIES.md: 0.8+ needs unstable Rust).
pub const EDGE_VERSION: &str = "0.7.2";

const LOCK_FILE: &str = "lock";
const META_FILE: &str = "index.json";
const SHARD_DIR: &str = "shard";
const META_FORMAT: u32 = 1;
/// Points per Edge update operation: bounds the size of one WAL record.
const UPSERT_CHUNK: usize = 1024;

/// HNSW and optimizer settings. The defaults are the ones `vector-bench` was tuned with
/// (1M 384-d points: recall@10 ≥ 0.95 on filtered searches); tests lower the thresholds
/// so small data sets exercise the HNSW path too.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EdgeOptions {
    /// HNSW edges per node of the global graph; 0 builds none (every search carries an
    /// organization filter, so the per-organization graphs are the ones searches use).
    pub m: usize,
    /// HNSW edges per node of the per-organization graphs; `None` means the same as `m`.
    pub payload_m: Option<usize>,
    /// Candidate list size while building the graph.
    pub ef_construct: usize,
    /// Candidate list size while searching.
    pub search_ef: usize,
    /// Filters matching fewer vectors than this many KB (1 KB = one 256-d f32 vector) are
    /// answered by scoring every match instead of walking the graph: exact and fast when
    /// the match set is small.
    pub full_scan_threshold_kb: usize,
    /// Segments smaller than this (KB of vectors) are not HNSW-indexed by `optimize`.
    pub indexing_threshold_kb: usize,
    /// Largest optimized segment (KB); `None` lets qdrant-edge choose from the CPU count.
    pub max_segment_size_kb: Option<usize>,
    /// Keep an int8 copy of the vectors in RAM and walk the graph with it (the top hits are
    /// rescored with the full vectors): about 4x less memory traffic per distance.
    pub int8_quantization: bool,
    /// Segments the optimizer merges towards; `None` lets qdrant-edge choose from the CPU
    /// count. Each search visits every segment, so fewer segments search faster.
    pub target_segments: Option<usize>,
    /// Use ACORN (also follow neighbours of filtered-out nodes) when a filter keeps at most
    /// this fraction of a segment's points. Plain filtered HNSW loses recall when the kept
    /// subgraph falls apart (e.g. organization AND category); `None` disables ACORN.
    pub acorn_max_selectivity: Option<f64>,
}

impl Default for EdgeOptions {
    /// Tuned with `vector-bench` at 1M 384-d points (recall@10 ≥ 0.99, ≥ 10x faster than
    /// brute force): every search is filtered by organization, often plus a field keeping
    /// ~20% of it independently of the vectors (a price window). Such searches go
    /// organization-first (see `search_by_organization_first`), so the beam can stay at
    /// 128; plain filtered HNSW needed ef 768 for 0.958, and ACORN reached 1.0 but only
    /// 2-3x faster than brute force. `payload_m` 32 makes the per-organization graphs
    /// denser than the global one, since those are the graphs searches walk.
    fn default() -> Self {
        EdgeOptions {
            m: 16,
            payload_m: Some(32),
            ef_construct: 128,
            search_ef: 128,
            full_scan_threshold_kb: 10_000,
            indexing_threshold_kb: 10_000,
            max_segment_size_kb: Some(2_000_000),
            int8_quantization: false,
            target_segments: None,
            acorn_max_selectivity: None,
        }
    }
}

/// Counters from the shard, for logs, the bench and tests that check optimize did index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EdgeStats {
    pub segments: usize,
    /// Approximate (summed per segment, before deduplication).
    pub points: usize,
    /// Vectors reachable through an HNSW graph.
    pub indexed_vectors: usize,
    /// Payload fields that have an index, sorted.
    pub payload_indexes: Vec<String>,
}

/// Qdrant Edge in process. Cheap to clone handles are not offered: hold it in an `Arc` or a
/// `Box<dyn VectorStore>`.
pub struct EdgeStore {
    inner: Arc<Inner>,
}

struct Inner {
    dir: PathBuf,
    options: EdgeOptions,
    state: RwLock<State>,
    /// Serializes `optimize` (which only takes `state` shared, so searches continue).
    optimizing: Mutex<()>,
    /// Copy of the open spec for `describe`, which must not wait behind a long write.
    described: Mutex<Option<IndexSpec>>,
}

struct State {
    // Field order matters: the shard is dropped (and flushed) before the lock is released.
    open: Option<Open>,
    _lock: File,
}

struct Open {
    shard: EdgeShard,
    spec: IndexSpec,
}

#[derive(Serialize, Deserialize)]
struct MetaFile {
    format: u32,
    spec: IndexSpec,
}

impl EdgeStore {
    /// Opens the store directory (creating it) with the tuned default options. No index is
    /// open until [`VectorStore::open_index`].
    pub fn open(dir: &Path) -> Result<Self> {
        Self::open_with(dir, EdgeOptions::default())
    }

    /// Like [`EdgeStore::open`] with explicit HNSW/optimizer options.
    pub fn open_with(dir: &Path, options: EdgeOptions) -> Result<Self> {
        fs::create_dir_all(dir).map_err(io(dir))?;
        let lock_path = dir.join(LOCK_FILE);
        let lock = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(io(&lock_path))?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => return Err(Error::Locked(dir.to_path_buf())),
            Err(TryLockError::Error(e)) => return Err(io(&lock_path)(e)),
        }
        Ok(EdgeStore {
            inner: Arc::new(Inner {
                dir: dir.to_path_buf(),
                options,
                state: RwLock::new(State {
                    open: None,
                    _lock: lock,
                }),
                optimizing: Mutex::new(()),
                described: Mutex::new(None),
            }),
        })
    }

    /// The directory given to [`EdgeStore::open`].
    pub fn dir(&self) -> &Path {
        &self.inner.dir
    }

    /// The options the store was opened with.
    pub fn options(&self) -> EdgeOptions {
        self.inner.options
    }

    /// Shard counters (segments, points, indexed vectors, payload indexes).
    pub async fn stats(&self) -> Result<EdgeStats> {
        self.blocking(|inner| {
            let state = inner.read()?;
            let open = state.open.as_ref().ok_or(Error::NotOpen)?;
            let info = open.shard.info();
            let mut payload_indexes: Vec<String> =
                info.payload_schema.keys().map(|k| k.to_string()).collect();
            payload_indexes.sort();
            Ok(EdgeStats {
                segments: info.segments_count,
                points: info.points_count,
                indexed_vectors: info.indexed_vectors_count,
                payload_indexes,
            })
        })
        .await
    }

    async fn blocking<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Inner) -> Result<T> + Send + 'static,
    {
        let inner = Arc::clone(&self.inner);
        tokio::task::spawn_blocking(move || f(&inner)).await?
    }
}

impl Inner {
    fn read(&self) -> Result<RwLockReadGuard<'_, State>> {
        self.state.read().map_err(|_| Error::Poisoned)
    }

    fn write(&self) -> Result<RwLockWriteGuard<'_, State>> {
        self.state.write().map_err(|_| Error::Poisoned)
    }

    fn edge_err(&self, context: &'static str) -> impl FnOnce(OperationError) -> Error + '_ {
        move |source| Error::Edge {
            context,
            dir: self.dir.clone(),
            source: Box::new(source),
        }
    }

    fn set_described(&self, spec: Option<IndexSpec>) {
        if let Ok(mut described) = self.described.lock() {
            *described = spec;
        }
    }

    fn config(&self, spec: &IndexSpec) -> Result<EdgeConfig> {
        let o = &self.options;
        let mut builder = EdgeConfig::builder();
        if o.int8_quantization {
            // `ScalarQuantization` is not re-exported by qdrant-edge; its serde form is.
            let quantization: QuantizationConfig = serde_json::from_value(serde_json::json!({
                "scalar": { "type": "int8", "quantile": 0.99, "always_ram": true }
            }))
            .map_err(|e| Error::InvalidSpec(format!("quantization config: {e}")))?;
            builder = builder.quantization_config(quantization);
        }
        Ok(builder
            .vector(
                DEFAULT_VECTOR_NAME,
                EdgeVectorParams::builder(spec.dimension, Distance::Cosine).build(),
            )
            .hnsw_config(HnswIndexConfig {
                m: o.m,
                ef_construct: o.ef_construct,
                full_scan_threshold: o.full_scan_threshold_kb,
                max_indexing_threads: 0,
                on_disk: Some(false),
                payload_m: o.payload_m,
                inline_storage: None,
            })
            .optimizers(EdgeOptimizersConfig {
                indexing_threshold: Some(o.indexing_threshold_kb),
                max_segment_size: o.max_segment_size_kb,
                default_segment_number: o.target_segments,
                ..EdgeOptimizersConfig::default()
            })
            .build())
    }

    fn open_index(&self, spec: IndexSpec) -> Result<IndexState> {
        spec.validate()?;
        let mut state = self.write()?;
        if let Some(open) = &state.open
            && open.spec == spec
        {
            return Ok(IndexState::Reused);
        }
        // Another spec is open in this store: close it (dropping flushes it) first.
        state.open = None;
        self.set_described(None);

        let meta_path = self.dir.join(META_FILE);
        let shard_path = self.dir.join(SHARD_DIR);
        let previous = read_meta(&meta_path)?;
        let outcome = match previous {
            Some(previous) if previous == spec && shard_path.is_dir() => {
                let shard = EdgeShard::load(&shard_path, Some(self.config(&spec)?))
                    .map_err(self.edge_err("load the shard"))?;
                self.ensure_payload_indexes(&shard)?;
                state.open = Some(Open {
                    shard,
                    spec: spec.clone(),
                });
                IndexState::Reused
            }
            Some(previous) if previous == spec => {
                warn!(dir = %self.dir.display(), "index metadata found without its shard; creating an empty index");
                self.create(&mut state, &spec)?;
                IndexState::Created
            }
            Some(previous) => {
                info!(dir = %self.dir.display(), ?previous, ?spec, "index spec changed; recreating the index empty");
                self.create(&mut state, &spec)?;
                IndexState::Recreated { previous }
            }
            None => {
                self.create(&mut state, &spec)?;
                IndexState::Created
            }
        };
        self.set_described(Some(spec));
        Ok(outcome)
    }

    /// Replaces whatever is on disk with an empty shard for `spec`. The metadata goes
    /// first and comes back last, so an interrupted recreate is seen as "no index" next
    /// time (`Created`: re-index), never as a half-built index with the old spec's name.
    fn create(&self, state: &mut State, spec: &IndexSpec) -> Result<()> {
        state.open = None;
        let meta_path = self.dir.join(META_FILE);
        let shard_path = self.dir.join(SHARD_DIR);
        match fs::remove_file(&meta_path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io(&meta_path)(e)),
        }
        if shard_path.exists() {
            fs::remove_dir_all(&shard_path).map_err(io(&shard_path))?;
        }
        fs::create_dir_all(&shard_path).map_err(io(&shard_path))?;
        let shard = EdgeShard::new(&shard_path, self.config(spec)?)
            .map_err(self.edge_err("create the shard"))?;
        self.ensure_payload_indexes(&shard)?;
        shard.flush();
        write_meta(&meta_path, spec)?;
        state.open = Some(Open {
            shard,
            spec: spec.clone(),
        });
        Ok(())
    }

    /// Creates the payload indexes (a no-op for those that exist, replaced if their schema
    /// changed). Organization is a tenant index: Qdrant then builds one HNSW subgraph per
    /// organization, which is what keeps every (always organization-filtered) search fast
    /// and accurate.
    fn ensure_payload_indexes(&self, shard: &EdgeShard) -> Result<()> {
        for (name, schema) in payload_schema() {
            let op = UpdateOperation::FieldIndexOperation(FieldIndexOperations::CreateIndex(
                qdrant_edge::CreateIndex {
                    field_name: key(name)?,
                    field_schema: Some(schema),
                },
            ));
            shard
                .update(op)
                .map_err(self.edge_err("create a payload index"))?;
        }
        Ok(())
    }

    fn upsert(&self, points: Vec<Point>) -> Result<()> {
        let state = self.write()?;
        let open = state.open.as_ref().ok_or(Error::NotOpen)?;
        let points = dedup_last_wins(points);
        validate_points(&open.spec, &points)?;
        if points.is_empty() {
            return Ok(());
        }
        let total = points.len();
        let mut points = points.into_iter().peekable();
        while points.peek().is_some() {
            let chunk = points
                .by_ref()
                .take(UPSERT_CHUNK)
                .map(to_edge_point)
                .collect::<Result<Vec<_>>>()?;
            let op = UpdateOperation::PointOperation(PointOperations::UpsertPoints(
                PointInsertOperations::PointsList(chunk),
            ));
            open.shard
                .update(op)
                .map_err(self.edge_err("upsert points"))?;
        }
        open.shard.flush();
        debug!(points = total, "upserted");
        Ok(())
    }

    fn delete(&self, ids: Vec<Uuid>) -> Result<()> {
        let state = self.write()?;
        let open = state.open.as_ref().ok_or(Error::NotOpen)?;
        if ids.is_empty() {
            return Ok(());
        }
        let op = UpdateOperation::PointOperation(PointOperations::DeletePoints {
            ids: ids.into_iter().map(PointId::Uuid).collect(),
        });
        open.shard
            .update(op)
            .map_err(self.edge_err("delete points"))?;
        open.shard.flush();
        Ok(())
    }

    fn search(&self, query: Vec<f32>, filter: Filter, limit: usize) -> Result<Vec<Hit>> {
        let state = self.read()?;
        let open = state.open.as_ref().ok_or(Error::NotOpen)?;
        open.spec.check_vector("the query vector", &query)?;
        filter.validate()?;
        if limit == 0 {
            return Ok(Vec::new());
        }
        let full = to_edge_filter(&filter)?;
        if let Some(hits) =
            self.search_by_organization_first(open, &query, &filter, &full, limit)?
        {
            return Ok(hits);
        }
        let hits = self.search_filtered(
            open,
            &query,
            full,
            limit,
            Beam::Graph(self.options.search_ef),
        )?;
        Ok(hits)
    }

    /// Organization-first search for filters that keep a fair share of the organization.
    ///
    /// Filtered HNSW only walks nodes that pass the filter. The per-organization graph is
    /// well connected, but a second condition independent of the vectors (a price window
    /// keeping ~20%) leaves a sparse, broken subgraph, and recall drops (0.93 at 1M points
    /// in `vector-bench`). Here the organization graph is searched alone for
    /// `limit × OVERSAMPLE / share` candidates, and the full filter then ranks exactly
    /// among them. Returns `None` (use the plain filtered search) when the filter is the
    /// organization alone, keeps too small a share (then Qdrant scans the few matches
    /// exactly), matches so few that Qdrant scans them exactly anyway (below the full-scan
    /// threshold), or the candidates held fewer than `limit` matches.
    fn search_by_organization_first(
        &self,
        open: &Open,
        query: &[f32],
        filter: &Filter,
        full: &qdrant_edge::Filter,
        limit: usize,
    ) -> Result<Option<Vec<Hit>>> {
        const OVERSAMPLE: f64 = 3.0;
        const MIN_SHARE: f64 = 0.05;
        const MAX_CANDIDATES: usize = 2_000;
        let org_only = to_edge_filter(&Filter::organization(filter.organization.clone()))?;
        if *full == org_only {
            return Ok(None);
        }
        let estimate = |f: &qdrant_edge::Filter| {
            open.shard
                .count(CountRequest {
                    filter: Some(f.clone()),
                    exact: false,
                })
                .map_err(self.edge_err("estimate a filter"))
        };
        let in_org = estimate(&org_only)?;
        let matching = estimate(full)?;
        // Below the full-scan threshold Qdrant scores every match: exact and fast already.
        let full_scan_points =
            self.options.full_scan_threshold_kb * 1024 / (4 * open.spec.dimension.max(1));
        if in_org == 0 || matching < limit || matching <= full_scan_points {
            return Ok(None);
        }
        let share = matching as f64 / in_org as f64;
        let candidates = ((limit as f64 * OVERSAMPLE / share).ceil() as usize).max(limit);
        if share < MIN_SHARE || candidates > MAX_CANDIDATES || candidates >= in_org {
            return Ok(None);
        }
        let ef = self.options.search_ef.max(candidates);
        let pool = self.search_filtered(open, query, org_only, candidates, Beam::Graph(ef))?;
        let mut narrowed = full.clone();
        narrowed
            .must
            .get_or_insert_with(Vec::new)
            .push(Condition::HasId(
                pool.iter()
                    .map(|h| PointId::Uuid(h.id))
                    .collect::<HasIdCondition>(),
            ));
        // Scored exactly: a graph walk over a few scattered candidates could miss most of them.
        let hits = self.search_filtered(open, query, narrowed, limit, Beam::Exact)?;
        if hits.len() < limit {
            debug!(
                share,
                candidates,
                found = hits.len(),
                "too few candidates; plain filtered search"
            );
            return Ok(None);
        }
        Ok(Some(hits))
    }

    fn search_filtered(
        &self,
        open: &Open,
        query: &[f32],
        filter: qdrant_edge::Filter,
        limit: usize,
        beam: Beam,
    ) -> Result<Vec<Hit>> {
        let (ef, exact) = match beam {
            Beam::Graph(ef) => (ef, false),
            Beam::Exact => (limit, true),
        };
        let request = SearchRequest {
            query: QueryEnum::Nearest(NamedQuery::default_dense(query.to_vec())),
            filter: Some(filter),
            params: Some(SearchParams {
                hnsw_ef: Some(ef.max(limit)),
                exact,
                acorn: self
                    .options
                    .acorn_max_selectivity
                    .map(|max| AcornSearchParams {
                        enable: true,
                        max_selectivity: Some(OrderedFloat(max)),
                    }),
                ..SearchParams::default()
            }),
            limit,
            offset: 0,
            with_payload: None,
            with_vector: None,
            score_threshold: None,
        };
        let found = open
            .shard
            .search(request)
            .map_err(self.edge_err("search"))?;
        found
            .into_iter()
            .map(|p| match p.id {
                PointId::Uuid(id) => Ok(Hit { id, score: p.score }),
                PointId::NumId(n) => Err(Error::Task(format!(
                    "the shard holds a numeric point id {n}; procura only writes UUIDs"
                ))),
            })
            .collect()
    }

    fn count(&self, filter: Option<Filter>) -> Result<u64> {
        let state = self.read()?;
        let open = state.open.as_ref().ok_or(Error::NotOpen)?;
        let filter = match filter {
            Some(f) => {
                f.validate()?;
                Some(to_edge_filter(&f)?)
            }
            None => None,
        };
        let n = open
            .shard
            .count(CountRequest {
                filter,
                exact: true,
            })
            .map_err(self.edge_err("count points"))?;
        Ok(n as u64)
    }

    fn optimize(&self) -> Result<()> {
        let _one_at_a_time = self.optimizing.lock().map_err(|_| Error::Poisoned)?;
        // Shared: searches go on while segments are rebuilt (qdrant swaps them in through
        // proxy segments); writes wait, which keeps `flush` free of lock contention.
        let state = self.read()?;
        let open = state.open.as_ref().ok_or(Error::NotOpen)?;
        let started = std::time::Instant::now();
        let changed = open
            .shard
            .optimize()
            .map_err(self.edge_err("optimize the shard"))?;
        info!(
            changed,
            elapsed_ms = started.elapsed().as_millis() as u64,
            "qdrant-edge optimize finished"
        );
        Ok(())
    }

    fn clear(&self) -> Result<()> {
        let mut state = self.write()?;
        let spec = state
            .open
            .as_ref()
            .map(|o| o.spec.clone())
            .ok_or(Error::NotOpen)?;
        self.create(&mut state, &spec)
    }
}

impl VectorStore for EdgeStore {
    fn open_index<'a>(&'a self, spec: &'a IndexSpec) -> BoxFuture<'a, Result<IndexState>> {
        let spec = spec.clone();
        Box::pin(self.blocking(move |inner| inner.open_index(spec)))
    }

    fn upsert(&self, points: Vec<Point>) -> BoxFuture<'_, Result<()>> {
        Box::pin(self.blocking(move |inner| inner.upsert(points)))
    }

    fn delete<'a>(&'a self, ids: &'a [Uuid]) -> BoxFuture<'a, Result<()>> {
        let ids = ids.to_vec();
        Box::pin(self.blocking(move |inner| inner.delete(ids)))
    }

    fn search<'a>(
        &'a self,
        query: &'a [f32],
        filter: &'a Filter,
        limit: usize,
    ) -> BoxFuture<'a, Result<Vec<Hit>>> {
        let (query, filter) = (query.to_vec(), filter.clone());
        Box::pin(self.blocking(move |inner| inner.search(query, filter, limit)))
    }

    fn count<'a>(&'a self, filter: Option<&'a Filter>) -> BoxFuture<'a, Result<u64>> {
        let filter = filter.cloned();
        Box::pin(self.blocking(move |inner| inner.count(filter)))
    }

    fn optimize(&self) -> BoxFuture<'_, Result<()>> {
        Box::pin(self.blocking(|inner| inner.optimize()))
    }

    fn clear(&self) -> BoxFuture<'_, Result<()>> {
        Box::pin(self.blocking(|inner| inner.clear()))
    }

    fn describe(&self) -> String {
        let o = &self.inner.options;
        let spec = self.inner.described.lock().ok().and_then(|s| s.clone());
        let what = match spec {
            Some(spec) => format!("{}-d cosine, {}", spec.dimension, spec.model),
            None => "no index open".to_owned(),
        };
        format!(
            "qdrant-edge {EDGE_VERSION} at {} ({what}; HNSW m={} ef_construct={} ef={})",
            self.inner.dir.display(),
            o.m,
            o.ef_construct,
            o.search_ef
        )
    }
}

fn key(name: &str) -> Result<JsonPath> {
    name.parse()
        .map_err(|()| Error::InvalidFilter(format!("{name:?} is not a valid payload key")))
}

/// Only `organization` gets HNSW subgraphs (`enable_hnsw`): one graph per tenant, which
/// every search uses. Subgraphs for the other fields would multiply the build time (one
/// extra graph per vendor, per job, per price range...) for filters that always come on
/// top of an organization; ACORN covers their recall instead (see [`EdgeOptions`]).
fn payload_schema() -> Vec<(&'static str, PayloadFieldSchema)> {
    let keyword = |tenant: bool| {
        PayloadFieldSchema::FieldParams(PayloadSchemaParams::Keyword(KeywordIndexParams {
            is_tenant: Some(tenant),
            enable_hnsw: Some(tenant),
            ..KeywordIndexParams::default()
        }))
    };
    vec![
        (field::ORGANIZATION, keyword(true)),
        (field::JOB, keyword(false)),
        (field::VENDOR, keyword(false)),
        (field::BRAND, keyword(false)),
        (field::CATEGORY, keyword(false)),
        (field::AVAILABILITY, keyword(false)),
        (
            field::PRICE_BASE,
            PayloadFieldSchema::FieldParams(PayloadSchemaParams::Float(FloatIndexParams {
                enable_hnsw: Some(false),
                ..FloatIndexParams::default()
            })),
        ),
    ]
}

fn to_edge_point(point: Point) -> Result<PointStructPersisted> {
    let payload = match serde_json::to_value(&point.payload) {
        Ok(serde_json::Value::Object(map)) => map,
        Ok(other) => {
            return Err(Error::InvalidPayload(format!(
                "point {}: payload serialized to {other}, not an object",
                point.id
            )));
        }
        Err(e) => {
            return Err(Error::InvalidPayload(format!("point {}: {e}", point.id)));
        }
    };
    Ok(PointStructPersisted {
        id: PointId::Uuid(point.id),
        vector: VectorStructPersisted::Single(point.vector),
        payload: Some(qdrant_edge::Payload(payload)),
    })
}

/// Translates [`Filter`] into Qdrant conditions with the semantics of [`Filter::matches`]:
/// all fields must hold; a list matches any of its values; a price bound needs a price.
fn to_edge_filter(filter: &Filter) -> Result<qdrant_edge::Filter> {
    fn keyword(key: &JsonPath, value: &str) -> Condition {
        Condition::Field(FieldCondition::new_match(
            key.clone(),
            Match::new_value(ValueVariants::String(value.to_owned())),
        ))
    }
    fn any_of(name: &str, values: &[String]) -> Result<Option<Condition>> {
        let key = key(name)?;
        Ok(match values {
            [] => None,
            [one] => Some(keyword(&key, one)),
            many => Some(Condition::Filter(qdrant_edge::Filter {
                should: Some(many.iter().map(|v| keyword(&key, v)).collect()),
                min_should: None,
                must: None,
                must_not: None,
            })),
        })
    }

    let mut must = vec![keyword(&key(field::ORGANIZATION)?, &filter.organization)];
    if let Some(job) = filter.job {
        must.push(keyword(&key(field::JOB)?, &job.to_string()));
    }
    must.extend(any_of(field::VENDOR, &filter.vendors)?);
    must.extend(any_of(field::BRAND, &filter.brands)?);
    must.extend(any_of(field::CATEGORY, &filter.categories)?);
    if let Some(availability) = &filter.availability {
        must.push(keyword(&key(field::AVAILABILITY)?, availability));
    }
    if filter.price_base_min.is_some() || filter.price_base_max.is_some() {
        must.push(Condition::Field(FieldCondition::new_range(
            key(field::PRICE_BASE)?,
            Range {
                gte: filter.price_base_min.map(OrderedFloat),
                lte: filter.price_base_max.map(OrderedFloat),
                gt: None,
                lt: None,
            },
        )));
    }
    Ok(qdrant_edge::Filter {
        should: None,
        min_should: None,
        must: Some(must),
        must_not: None,
    })
}

fn read_meta(path: &Path) -> Result<Option<IndexSpec>> {
    let bytes = match fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io(path)(e)),
    };
    let meta: MetaFile = serde_json::from_slice(&bytes).map_err(|source| Error::Metadata {
        path: path.to_path_buf(),
        source,
    })?;
    if meta.format != META_FORMAT {
        // An unknown layout is treated like another spec: rebuild rather than misread.
        warn!(path = %path.display(), format = meta.format, "unknown index metadata format");
        return Ok(Some(IndexSpec {
            model: format!("{} (metadata format {})", meta.spec.model, meta.format),
            dimension: meta.spec.dimension,
        }));
    }
    Ok(Some(meta.spec))
}

/// Writes the metadata so that a crash leaves either the old file or the new one, whole.
fn write_meta(path: &Path, spec: &IndexSpec) -> Result<()> {
    let meta = MetaFile {
        format: META_FORMAT,
        spec: spec.clone(),
    };
    let json = serde_json::to_vec_pretty(&meta).map_err(|source| Error::Metadata {
        path: path.to_path_buf(),
        source,
    })?;
    let tmp = path.with_extension("json.tmp");
    {
        let mut file = File::create(&tmp).map_err(io(&tmp))?;
        file.write_all(&json).map_err(io(&tmp))?;
        file.sync_all().map_err(io(&tmp))?;
    }
    fs::rename(&tmp, path).map_err(io(path))?;
    if let Some(parent) = path.parent() {
        File::open(parent)
            .and_then(|d| d.sync_all())
            .map_err(io(parent))?;
    }
    Ok(())
}

/// How a search visits the points that pass its filter.
#[derive(Debug, Clone, Copy)]
enum Beam {
    /// Walk the HNSW graph with this beam width.
    Graph(usize),
    /// Score every point that passes the filter.
    Exact,
}
