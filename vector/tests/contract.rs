//! The contract every [`VectorStore`] keeps, written once in `cases` and run against:
//! - Qdrant Edge, always (one temp dir per case);
//! - a Qdrant server, when `PROCURA_TEST_QDRANT_URL` is set (one collection per case and
//!   run, dropped at the end). When it is not set, `server_contract` says so on stderr,
//!   bypassing the test harness's output capture, rather than passing silently.
//!
//! Edge-only behaviour (reopen after drop, directory lock, HNSW really built) is at the end.

use std::io::Write as _;
use std::panic::AssertUnwindSafe;
use std::path::Path;

use futures::FutureExt as _;
use procura_vector::{
    EdgeOptions, EdgeStore, Error, Filter, IndexSpec, IndexState, Payload, Point, ServerStore,
    VectorStore, exact_search,
};
use uuid::Uuid;

const DIM: usize = 8;
const SERVER_ENV: &str = "PROCURA_TEST_QDRANT_URL";

fn spec() -> IndexSpec {
    IndexSpec {
        model: "contract-model".into(),
        dimension: DIM,
    }
}

/// Edge with thresholds lowered to 1 KB so that `optimize` builds real HNSW graphs and
/// filtered searches walk them, even on the few thousand tiny vectors used here. The
/// search beam is wide enough (512 of at most 3000 points) that the graph search is exact
/// in practice, so "identical before and after optimize" is a fair demand; the recall of
/// the production settings is measured by `vector-bench` instead.
fn edge_store(dir: &Path) -> EdgeStore {
    EdgeStore::open_with(
        dir,
        EdgeOptions {
            full_scan_threshold_kb: 1,
            indexing_threshold_kb: 1,
            search_ef: 512,
            ..EdgeOptions::default()
        },
    )
    .expect("open edge store")
}

macro_rules! contract {
    ($($case:ident),* $(,)?) => {
        mod edge_contract {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $case() {
                    let dir = tempfile::tempdir().expect("temp dir");
                    let store = super::edge_store(dir.path());
                    super::cases::$case(&store).await;
                }
            )*
        }

        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn server_contract() {
            let Ok(url) = std::env::var(SERVER_ENV) else {
                // Written to the real stderr so that it shows even when the test passes.
                let _ = writeln!(
                    std::io::stderr().lock(),
                    "\nNOT RUN against a Qdrant server: set {SERVER_ENV}=http://127.0.0.1:6334\n"
                );
                return;
            };
            let run = Uuid::new_v4().simple().to_string();
            $(
                {
                    let name = format!("procura_contract_{}_{}", stringify!($case), run);
                    let store = ServerStore::connect(&url, &name).await.expect("connect to qdrant server");
                    let outcome = AssertUnwindSafe(cases::$case(&store)).catch_unwind().await;
                    let dropped = store.delete_collection().await;
                    if let Err(panic) = outcome {
                        std::panic::resume_unwind(panic);
                    }
                    dropped.expect("drop the test collection");
                    eprintln!("server: {} passed", stringify!($case));
                }
            )*
        }
    };
}

contract!(
    upsert_is_idempotent_by_id,
    search_order_matches_exact_search,
    organization_isolation,
    filter_job,
    filter_vendor,
    filter_brand,
    filter_category,
    filter_availability,
    filter_price_min_only,
    filter_price_max_only,
    filter_price_min_and_max,
    price_filter_excludes_points_without_price,
    delete_removes_points,
    count_all_and_filtered,
    same_spec_is_reused,
    model_change_recreates_empty,
    dimension_change_recreates_empty,
    wrong_dimension_is_a_clear_error,
    results_identical_before_and_after_optimize,
    clear_empties_the_index,
    calls_before_open_index_fail_clearly,
);

/// Deterministic generator (SplitMix64), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next_u64() % items.len() as u64) as usize]
    }
    fn vector(&mut self, dim: usize) -> Vec<f32> {
        (0..dim).map(|_| (self.unit() * 2.0 - 1.0) as f32).collect()
    }
}

const ORGS: [&str; 2] = ["acme", "globex"];
const JOBS: [Uuid; 2] = [Uuid::from_u128(0xA1), Uuid::from_u128(0xA2)];
const VENDORS: [&str; 3] = ["v1", "v2", "v3"];
const BRANDS: [Option<&str>; 3] = [Some("b1"), Some("b2"), None];
const CATEGORIES: [Option<&str>; 3] = [Some("c1"), Some("c2"), None];
const AVAILABILITY: [Option<&str>; 3] = [Some("in_stock"), Some("out_of_stock"), None];

/// `n` points with every payload field varied, about a fifth of them without a price.
fn dataset(n: usize, seed: u64) -> Vec<Point> {
    let mut rng = Rng(seed);
    (0..n)
        .map(|i| {
            let price = (rng.unit() >= 0.2).then(|| 50.0 + (rng.unit() * 2950.0).round());
            Point {
                id: Uuid::from_u128(seed as u128 * 1_000_000 + i as u128 + 1),
                vector: rng.vector(DIM),
                payload: Payload {
                    organization: rng.pick(&ORGS).to_string(),
                    job: *rng.pick(&JOBS),
                    vendor: rng.pick(&VENDORS).to_string(),
                    brand: rng.pick(&BRANDS).map(str::to_owned),
                    category: rng.pick(&CATEGORIES).map(str::to_owned),
                    availability: rng.pick(&AVAILABILITY).map(str::to_owned),
                    currency: price.map(|_| "EUR".to_owned()),
                    price,
                    price_base: price.map(|p| p * 1.1),
                },
            }
        })
        .collect()
}

fn as_exact(points: &[Point]) -> Vec<(Uuid, Vec<f32>, Payload)> {
    points
        .iter()
        .map(|p| (p.id, p.vector.clone(), p.payload.clone()))
        .collect()
}

fn ids(hits: &[procura_vector::Hit]) -> Vec<Uuid> {
    hits.iter().map(|h| h.id).collect()
}

mod cases {
    use super::*;

    async fn fresh(store: &dyn VectorStore) {
        store.open_index(&spec()).await.expect("open index");
        store.clear().await.expect("clear");
    }

    async fn loaded(store: &dyn VectorStore, n: usize, seed: u64) -> Vec<Point> {
        fresh(store).await;
        let points = dataset(n, seed);
        store.upsert(points.clone()).await.expect("upsert");
        points
    }

    /// The store's answer equals brute force: the whole matching set (large limit) and the
    /// exact order of the top 5; and the filter is not vacuous.
    async fn check_filter(store: &dyn VectorStore, points: &[Point], filter: &Filter) {
        let exact_points = as_exact(points);
        let mut rng = Rng(99);
        let matching = points.iter().filter(|p| filter.matches(&p.payload)).count();
        assert!(
            matching > 0,
            "filter {filter:?} matches nothing in the data"
        );
        assert!(
            matching < points.len() / 2,
            "filter {filter:?} barely filters"
        );
        for _ in 0..5 {
            let query = rng.vector(DIM);
            let all = store.search(&query, filter, 10_000).await.expect("search");
            let expected = exact_search(&exact_points, &query, filter, 10_000);
            let mut got_set = ids(&all);
            let mut want_set = ids(&expected);
            got_set.sort();
            want_set.sort();
            assert_eq!(got_set, want_set, "matching set differs for {filter:?}");
            let top = store.search(&query, filter, 5).await.expect("search");
            assert_eq!(ids(&top), ids(&expected[..5.min(expected.len())]));
            for (got, want) in top.iter().zip(&expected) {
                assert!((got.score - want.score).abs() < 1e-4, "{got:?} vs {want:?}");
            }
        }
    }

    fn base_filter() -> Filter {
        Filter::organization("acme")
    }

    pub async fn upsert_is_idempotent_by_id(store: &dyn VectorStore) {
        let mut points = loaded(store, 50, 1).await;
        let id = points[0].id;
        let mut newer = points[0].clone();
        newer.vector = vec![1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0];
        newer.payload.organization = "acme".into();
        newer.payload.vendor = "brand-new-vendor".into();
        // Once more in its own call, and twice within one call (the later one wins).
        store.upsert(vec![newer.clone()]).await.expect("upsert");
        let mut stale = newer.clone();
        stale.payload.vendor = "stale".into();
        store
            .upsert(vec![stale, newer.clone()])
            .await
            .expect("upsert");
        points[0] = newer.clone();

        assert_eq!(store.count(None).await.expect("count"), 50);
        let filter = Filter {
            vendors: vec!["brand-new-vendor".into()],
            ..base_filter()
        };
        let hits = store
            .search(&newer.vector, &filter, 10)
            .await
            .expect("search");
        assert_eq!(ids(&hits), vec![id]);
        assert!((hits[0].score - 1.0).abs() < 1e-4);
        let old_vendor = Filter {
            vendors: vec!["stale".into()],
            ..base_filter()
        };
        assert!(
            store
                .search(&newer.vector, &old_vendor, 10)
                .await
                .expect("search")
                .is_empty()
        );
    }

    pub async fn search_order_matches_exact_search(store: &dyn VectorStore) {
        let points = loaded(store, 400, 2).await;
        let exact_points = as_exact(&points);
        let mut rng = Rng(7);
        for _ in 0..10 {
            let query = rng.vector(DIM);
            let hits = store
                .search(&query, &base_filter(), 10)
                .await
                .expect("search");
            let expected = exact_search(&exact_points, &query, &base_filter(), 10);
            assert_eq!(ids(&hits), ids(&expected));
            for (got, want) in hits.iter().zip(&expected) {
                assert!((got.score - want.score).abs() < 1e-4, "{got:?} vs {want:?}");
            }
            for pair in hits.windows(2) {
                assert!(pair[0].score >= pair[1].score, "not best first: {hits:?}");
            }
        }
    }

    pub async fn organization_isolation(store: &dyn VectorStore) {
        fresh(store).await;
        // The same vectors in two organizations: each sees only its own.
        let shared = dataset(40, 3);
        let mut other = shared.clone();
        for (i, p) in other.iter_mut().enumerate() {
            p.id = Uuid::from_u128(0xB0B0_0000 + i as u128);
            p.payload.organization = "globex".into();
        }
        let mut mine = shared;
        for p in &mut mine {
            p.payload.organization = "acme".into();
        }
        store.upsert(mine.clone()).await.expect("upsert");
        store.upsert(other.clone()).await.expect("upsert");
        for p in mine.iter().take(10) {
            let hits = store
                .search(&p.vector, &base_filter(), 100)
                .await
                .expect("search");
            assert_eq!(hits.len(), 40);
            assert!(hits.iter().all(|h| mine.iter().any(|m| m.id == h.id)));
            assert_eq!(hits[0].id, p.id);
        }
        let nobody = Filter::organization("initech");
        assert!(
            store
                .search(&mine[0].vector, &nobody, 10)
                .await
                .expect("search")
                .is_empty()
        );
        assert_eq!(store.count(Some(&base_filter())).await.expect("count"), 40);
        assert_eq!(store.count(Some(&nobody)).await.expect("count"), 0);
        // An empty organization is refused, not treated as "everyone".
        let err = store
            .search(&mine[0].vector, &Filter::default(), 10)
            .await
            .expect_err("empty organization must be refused");
        assert!(matches!(err, Error::InvalidFilter(_)), "{err}");
    }

    pub async fn filter_job(store: &dyn VectorStore) {
        let points = loaded(store, 300, 4).await;
        let filter = Filter {
            job: Some(JOBS[1]),
            ..base_filter()
        };
        check_filter(store, &points, &filter).await;
    }

    pub async fn filter_vendor(store: &dyn VectorStore) {
        let points = loaded(store, 300, 5).await;
        let one = Filter {
            vendors: vec!["v2".into()],
            ..base_filter()
        };
        check_filter(store, &points, &one).await;
        let two = Filter {
            vendors: vec!["v1".into(), "v3".into()],
            ..base_filter()
        };
        check_filter(store, &points, &two).await;
    }

    pub async fn filter_brand(store: &dyn VectorStore) {
        let points = loaded(store, 300, 6).await;
        let filter = Filter {
            brands: vec!["b1".into()],
            ..base_filter()
        };
        check_filter(store, &points, &filter).await;
        let two = Filter {
            brands: vec!["b1".into(), "b2".into()],
            ..base_filter()
        };
        check_filter(store, &points, &two).await;
    }

    pub async fn filter_category(store: &dyn VectorStore) {
        let points = loaded(store, 300, 7).await;
        let filter = Filter {
            categories: vec!["c2".into()],
            ..base_filter()
        };
        check_filter(store, &points, &filter).await;
    }

    pub async fn filter_availability(store: &dyn VectorStore) {
        let points = loaded(store, 300, 8).await;
        let filter = Filter {
            availability: Some("in_stock".into()),
            ..base_filter()
        };
        check_filter(store, &points, &filter).await;
    }

    pub async fn filter_price_min_only(store: &dyn VectorStore) {
        let points = loaded(store, 300, 9).await;
        let filter = Filter {
            price_base_min: Some(2000.0),
            ..base_filter()
        };
        check_filter(store, &points, &filter).await;
    }

    pub async fn filter_price_max_only(store: &dyn VectorStore) {
        let points = loaded(store, 300, 10).await;
        let filter = Filter {
            price_base_max: Some(800.0),
            ..base_filter()
        };
        check_filter(store, &points, &filter).await;
    }

    pub async fn filter_price_min_and_max(store: &dyn VectorStore) {
        let points = loaded(store, 300, 11).await;
        let filter = Filter {
            price_base_min: Some(500.0),
            price_base_max: Some(1500.0),
            ..base_filter()
        };
        check_filter(store, &points, &filter).await;
        // Bounds are inclusive.
        let p = points
            .iter()
            .find(|p| p.payload.organization == "acme" && p.payload.price_base.is_some())
            .expect("a priced acme point");
        let price = p.payload.price_base.expect("price");
        let exact = Filter {
            price_base_min: Some(price),
            price_base_max: Some(price),
            ..base_filter()
        };
        let hits = store.search(&p.vector, &exact, 10).await.expect("search");
        assert!(hits.iter().any(|h| h.id == p.id));
    }

    pub async fn price_filter_excludes_points_without_price(store: &dyn VectorStore) {
        let points = loaded(store, 300, 12).await;
        let unpriced: Vec<&Point> = points
            .iter()
            .filter(|p| p.payload.organization == "acme" && p.payload.price_base.is_none())
            .collect();
        assert!(!unpriced.is_empty());
        // A range covering every price still leaves the unpriced points out.
        let filter = Filter {
            price_base_min: Some(0.0),
            price_base_max: Some(1e9),
            ..base_filter()
        };
        for p in unpriced.iter().take(5) {
            let hits = store
                .search(&p.vector, &filter, 1000)
                .await
                .expect("search");
            assert!(!hits.is_empty());
            assert!(hits.iter().all(|h| h.id != p.id), "unpriced point returned");
        }
        let priced = points
            .iter()
            .filter(|p| p.payload.organization == "acme" && p.payload.price_base.is_some())
            .count() as u64;
        assert_eq!(store.count(Some(&filter)).await.expect("count"), priced);
    }

    pub async fn delete_removes_points(store: &dyn VectorStore) {
        let points = loaded(store, 100, 13).await;
        let gone: Vec<Uuid> = points.iter().take(30).map(|p| p.id).collect();
        let mut to_delete = gone.clone();
        to_delete.push(Uuid::from_u128(0xDEAD)); // unknown ids are ignored
        store.delete(&to_delete).await.expect("delete");
        assert_eq!(store.count(None).await.expect("count"), 70);
        for p in points.iter().take(30) {
            let filter = Filter::organization(p.payload.organization.clone());
            let hits = store.search(&p.vector, &filter, 100).await.expect("search");
            assert!(hits.iter().all(|h| !gone.contains(&h.id)));
        }
        store.delete(&[]).await.expect("empty delete");
    }

    pub async fn count_all_and_filtered(store: &dyn VectorStore) {
        let points = loaded(store, 200, 14).await;
        assert_eq!(store.count(None).await.expect("count"), 200);
        let filter = Filter {
            categories: vec!["c1".into()],
            availability: Some("in_stock".into()),
            ..base_filter()
        };
        let expected = points.iter().filter(|p| filter.matches(&p.payload)).count() as u64;
        assert!(expected > 0);
        assert_eq!(store.count(Some(&filter)).await.expect("count"), expected);
    }

    pub async fn same_spec_is_reused(store: &dyn VectorStore) {
        loaded(store, 20, 15).await;
        assert_eq!(
            store.open_index(&spec()).await.expect("open"),
            IndexState::Reused
        );
        assert_eq!(store.count(None).await.expect("count"), 20);
    }

    pub async fn model_change_recreates_empty(store: &dyn VectorStore) {
        loaded(store, 20, 16).await;
        let other = IndexSpec {
            model: "another-model".into(),
            dimension: DIM,
        };
        let state = store.open_index(&other).await.expect("open");
        assert_eq!(state, IndexState::Recreated { previous: spec() });
        assert!(state.needs_reindex());
        assert_eq!(store.count(None).await.expect("count"), 0);
        assert!(
            store.describe().contains("another-model"),
            "{}",
            store.describe()
        );
    }

    pub async fn dimension_change_recreates_empty(store: &dyn VectorStore) {
        loaded(store, 20, 17).await;
        let wider = IndexSpec {
            model: spec().model,
            dimension: DIM * 2,
        };
        let state = store.open_index(&wider).await.expect("open");
        assert_eq!(state, IndexState::Recreated { previous: spec() });
        assert_eq!(store.count(None).await.expect("count"), 0);
        let mut p = dataset(1, 18).remove(0);
        p.vector = vec![0.5; DIM * 2];
        store
            .upsert(vec![p.clone()])
            .await
            .expect("upsert at the new dimension");
        let filter = Filter::organization(p.payload.organization.clone());
        let hits = store.search(&p.vector, &filter, 3).await.expect("search");
        assert_eq!(ids(&hits), vec![p.id]);
    }

    pub async fn wrong_dimension_is_a_clear_error(store: &dyn VectorStore) {
        fresh(store).await;
        let mut batch = dataset(3, 19);
        batch[2].vector = vec![0.1, 0.2, 0.3];
        let err = store.upsert(batch).await.expect_err("3-d into 8-d");
        assert!(
            matches!(
                err,
                Error::DimensionMismatch {
                    got: 3,
                    expected: DIM,
                    ..
                }
            ),
            "{err:?}"
        );
        let message = err.to_string();
        assert!(
            message.contains('3') && message.contains(&DIM.to_string()),
            "{message}"
        );
        // Validated before writing: nothing from the batch landed.
        assert_eq!(store.count(None).await.expect("count"), 0);
        let err = store
            .search(&[0.0; 5], &base_filter(), 5)
            .await
            .expect_err("5-d query into 8-d");
        assert!(
            matches!(
                err,
                Error::DimensionMismatch {
                    got: 5,
                    expected: DIM,
                    ..
                }
            ),
            "{err:?}"
        );
    }

    pub async fn results_identical_before_and_after_optimize(store: &dyn VectorStore) {
        let points = loaded(store, 3000, 20).await;
        let filters = [
            base_filter(),
            Filter {
                categories: vec!["c1".into()],
                ..base_filter()
            },
            Filter {
                price_base_min: Some(300.0),
                price_base_max: Some(2500.0),
                ..base_filter()
            },
            Filter {
                vendors: vec!["v1".into(), "v2".into()],
                ..Filter::organization("globex")
            },
        ];
        let mut rng = Rng(21);
        let queries: Vec<Vec<f32>> = (0..10).map(|_| rng.vector(DIM)).collect();
        let mut before = Vec::new();
        for filter in &filters {
            for q in &queries {
                before.push(ids(&store.search(q, filter, 10).await.expect("search")));
            }
        }
        let count_before = store.count(Some(&filters[1])).await.expect("count");
        store.optimize().await.expect("optimize");
        let mut after = Vec::new();
        for filter in &filters {
            for q in &queries {
                after.push(ids(&store.search(q, filter, 10).await.expect("search")));
            }
        }
        let differing: Vec<String> = before
            .iter()
            .zip(&after)
            .enumerate()
            .filter(|(_, (b, a))| b != a)
            .map(|(i, (b, a))| {
                format!(
                    "filter {} query {}: before {b:?} after {a:?}",
                    i / queries.len(),
                    i % queries.len()
                )
            })
            .collect();
        assert!(
            differing.is_empty(),
            "{} of {} searches differ:\n{}",
            differing.len(),
            before.len(),
            differing.join("\n")
        );
        assert_eq!(
            store.count(Some(&filters[1])).await.expect("count"),
            count_before
        );
        assert_eq!(store.count(None).await.expect("count"), points.len() as u64);
        // Writes after optimize still land and are found.
        let mut late = dataset(1, 22).remove(0);
        late.payload.organization = "acme".into();
        store.upsert(vec![late.clone()]).await.expect("upsert");
        let hits = store
            .search(&late.vector, &base_filter(), 1)
            .await
            .expect("search");
        assert_eq!(ids(&hits), vec![late.id]);
    }

    pub async fn clear_empties_the_index(store: &dyn VectorStore) {
        loaded(store, 50, 23).await;
        store.clear().await.expect("clear");
        assert_eq!(store.count(None).await.expect("count"), 0);
        assert_eq!(
            store.open_index(&spec()).await.expect("open"),
            IndexState::Reused
        );
    }

    pub async fn calls_before_open_index_fail_clearly(store: &dyn VectorStore) {
        let err = store.count(None).await.expect_err("nothing open yet");
        assert!(matches!(err, Error::NotOpen), "{err:?}");
        let err = store
            .upsert(dataset(1, 24))
            .await
            .expect_err("nothing open yet");
        assert!(matches!(err, Error::NotOpen), "{err:?}");
    }
}

// ---- Edge only ----------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn edge_reopen_after_drop_keeps_points() {
    let dir = tempfile::tempdir().expect("temp dir");
    let points = dataset(500, 30);
    {
        let store = edge_store(dir.path());
        assert_eq!(
            store.open_index(&spec()).await.expect("open"),
            IndexState::Created
        );
        store.upsert(points.clone()).await.expect("upsert");
        store.delete(&[points[0].id]).await.expect("delete");
    }
    let store = edge_store(dir.path());
    assert_eq!(
        store.open_index(&spec()).await.expect("open"),
        IndexState::Reused
    );
    assert_eq!(store.count(None).await.expect("count"), 499);
    let p = &points[1];
    let filter = Filter::organization(p.payload.organization.clone());
    let hits = store.search(&p.vector, &filter, 1).await.expect("search");
    assert_eq!(ids(&hits), vec![p.id]);

    // Optimized segments survive a reopen too.
    store.optimize().await.expect("optimize");
    drop(store);
    let store = edge_store(dir.path());
    assert_eq!(
        store.open_index(&spec()).await.expect("open"),
        IndexState::Reused
    );
    assert_eq!(store.count(None).await.expect("count"), 499);
    let hits = store.search(&p.vector, &filter, 1).await.expect("search");
    assert_eq!(ids(&hits), vec![p.id]);

    // And a spec change across a reopen is detected from the recorded metadata.
    drop(store);
    let store = edge_store(dir.path());
    let other = IndexSpec {
        model: "other".into(),
        dimension: DIM,
    };
    assert_eq!(
        store.open_index(&other).await.expect("open"),
        IndexState::Recreated { previous: spec() }
    );
    assert_eq!(store.count(None).await.expect("count"), 0);
}

#[tokio::test]
async fn edge_directory_is_locked_while_open() {
    let dir = tempfile::tempdir().expect("temp dir");
    let first = edge_store(dir.path());
    let err = EdgeStore::open(dir.path())
        .err()
        .expect("second store must be refused");
    assert!(matches!(err, Error::Locked(_)), "{err}");
    drop(first);
    EdgeStore::open(dir.path()).expect("free again after drop");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn edge_optimize_builds_hnsw_and_payload_indexes() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = edge_store(dir.path());
    store.open_index(&spec()).await.expect("open");
    store.upsert(dataset(3000, 31)).await.expect("upsert");
    let before = store.stats().await.expect("stats");
    assert_eq!(before.indexed_vectors, 0, "{before:?}");
    store.optimize().await.expect("optimize");
    let after = store.stats().await.expect("stats");
    assert!(after.indexed_vectors >= 3000, "{after:?}");
    for field in [
        "availability",
        "brand",
        "category",
        "job",
        "organization",
        "price_base",
        "vendor",
    ] {
        assert!(
            after.payload_indexes.iter().any(|f| f == field),
            "{field} not indexed: {after:?}"
        );
    }
    assert!(
        store.describe().starts_with("qdrant-edge 0.7.2 at "),
        "{}",
        store.describe()
    );
}
