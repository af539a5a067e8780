//! `vector-bench`: Qdrant Edge against exact brute force on synthetic embeddings.
//!
//! ```text
//! cargo run --release -p procura-vector --bin vector-bench -- --n 100000
//! ```
//!
//! Data (deterministic from `--seed`):
//! - 384-d unit vectors from a mixture of `--clusters` (2000) Gaussian clusters: a random
//!   unit centre plus isotropic noise of norm `--noise` (0.5) times the centre's, then
//!   normalised. Real sentence embeddings are clustered by topic and have low intrinsic
//!   dimension; uniform random vectors have neither and make every ANN index look far
//!   worse than it is on real data. Isotropic noise inside a cluster is still harder than
//!   real data (the members of a cluster are nearly equidistant), so recall here is a
//!   conservative estimate.
//! - Payloads: 10 organizations (uniform, independent of the vector: tenants share one
//!   embedding space), 4 categories (90% follow the cluster, 10% random: products of a
//!   topic mostly share a category), 50 vendors, prices uniform in 50–3000.
//! - Queries: fresh points of a random cluster, filtered by a random organization and
//!   either the query cluster's category or a random price window 600 wide.
//!
//! Edge is timed end to end through the [`VectorStore`] trait (spawn_blocking included);
//! brute force is [`exact_search`] over the same vectors in memory, which is also the
//! ground truth for recall@10.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use procura_vector::{
    EdgeOptions, EdgeStore, Filter, IndexSpec, IndexState, Payload, Point, VectorStore,
    exact_search,
};
use uuid::Uuid;

const ORGS: usize = 10;
const CATEGORIES: [&str; 4] = ["electronics", "furniture", "office", "tools"];
const VENDORS: usize = 50;

struct Args {
    n: usize,
    dim: usize,
    clusters: usize,
    noise: f32,
    queries: usize,
    batch: usize,
    seed: u64,
    dir: Option<PathBuf>,
    reuse: bool,
    options: EdgeOptions,
}

fn parse_args() -> Result<Args, String> {
    let mut a = Args {
        n: 100_000,
        dim: 384,
        clusters: 2000,
        noise: 0.5,
        queries: 200,
        batch: 1000,
        seed: 7,
        dir: None,
        reuse: false,
        options: EdgeOptions::default(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        fn num<T: std::str::FromStr>(flag: &str, v: String) -> Result<T, String> {
            v.parse().map_err(|_| format!("{flag}: not a number: {v}"))
        }
        match flag.as_str() {
            "--n" => a.n = num(&flag, value()?)?,
            "--dim" => a.dim = num(&flag, value()?)?,
            "--clusters" => a.clusters = num(&flag, value()?)?,
            "--noise" => a.noise = num(&flag, value()?)?,
            "--queries" => a.queries = num(&flag, value()?)?,
            "--batch" => a.batch = num(&flag, value()?)?,
            "--seed" => a.seed = num(&flag, value()?)?,
            "--dir" => a.dir = Some(PathBuf::from(value()?)),
            "--reuse" => a.reuse = true,
            "--int8" => a.options.int8_quantization = true,
            "--segments" => a.options.target_segments = Some(num(&flag, value()?)?),
            "--m" => a.options.m = num(&flag, value()?)?,
            "--payload-m" => a.options.payload_m = Some(num(&flag, value()?)?),
            "--ef-construct" => a.options.ef_construct = num(&flag, value()?)?,
            "--ef" => a.options.search_ef = num(&flag, value()?)?,
            "--full-scan-kb" => a.options.full_scan_threshold_kb = num(&flag, value()?)?,
            "--max-segment-kb" => a.options.max_segment_size_kb = Some(num(&flag, value()?)?),
            "--acorn" => {
                let v = value()?;
                a.options.acorn_max_selectivity = if v == "off" {
                    None
                } else {
                    Some(num(&flag, v)?)
                };
            }
            "--help" | "-h" => {
                return Err(
                    "usage: vector-bench [--n 100000] [--dim 384] [--clusters 2000] \
                     [--noise 0.5] [--queries 200] [--batch 1000] [--seed 7] [--dir PATH] \
                     [--reuse] [--m 16] [--payload-m M] [--ef-construct 128] [--ef 128] [--full-scan-kb 10000] \
                     [--max-segment-kb KB] [--segments N] [--int8] [--acorn 0.4|off]"
                        .into(),
                );
            }
            other => return Err(format!("unknown argument {other} (try --help)")),
        }
    }
    if a.n == 0 || a.dim == 0 || a.clusters == 0 || a.batch == 0 || a.queries == 0 {
        return Err("--n, --dim, --clusters, --batch and --queries must be positive".into());
    }
    Ok(a)
}

/// SplitMix64 with Box-Muller normals: no dependency, reproducible everywhere.
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
        ((self.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
    fn normals(&mut self, out: &mut [f32]) {
        for pair in out.chunks_mut(2) {
            let (u1, u2) = (self.unit(), self.unit());
            let r = (-2.0 * u1.ln()).sqrt();
            let t = std::f64::consts::TAU * u2;
            pair[0] = (r * t.cos()) as f32;
            if let Some(second) = pair.get_mut(1) {
                *second = (r * t.sin()) as f32;
            }
        }
    }
}

fn normalize(v: &mut [f32]) {
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if norm > 0.0 {
        v.iter_mut().for_each(|x| *x /= norm);
    }
}

struct Data {
    centres: Vec<Vec<f32>>,
    noise: f32,
}

impl Data {
    fn new(a: &Args) -> Self {
        let mut rng = Rng(a.seed);
        let centres = (0..a.clusters)
            .map(|_| {
                let mut c = vec![0f32; a.dim];
                rng.normals(&mut c);
                normalize(&mut c);
                c
            })
            .collect();
        Data {
            centres,
            noise: a.noise,
        }
    }

    /// A unit vector of cluster `c`: centre plus isotropic noise of norm ≈ `noise`.
    fn sample(&self, rng: &mut Rng, c: usize) -> Vec<f32> {
        let centre = &self.centres[c];
        let mut v = vec![0f32; centre.len()];
        rng.normals(&mut v);
        let scale = self.noise / (centre.len() as f32).sqrt();
        for (x, c) in v.iter_mut().zip(centre) {
            *x = c + *x * scale;
        }
        normalize(&mut v);
        v
    }

    fn category(&self, rng: &mut Rng, c: usize) -> &'static str {
        if rng.unit() < 0.9 {
            CATEGORIES[c % CATEGORIES.len()]
        } else {
            CATEGORIES[rng.below(CATEGORIES.len())]
        }
    }
}

fn org(i: usize) -> String {
    format!("org-{i}")
}

/// The points, generated on two threads (one per core) in fixed halves: deterministic.
fn generate(a: &Args, data: &Data) -> Vec<(Uuid, Vec<f32>, Payload)> {
    let jobs: Vec<Uuid> = (0..ORGS as u64)
        .map(|i| Uuid::from_u64_pair(0xA, i))
        .collect();
    let make = |range: std::ops::Range<usize>| {
        let mut rng = Rng(a.seed ^ (range.start as u64).wrapping_mul(0x2545_F491_4F6C_DD1D));
        range
            .map(|i| {
                let c = rng.below(data.centres.len());
                let o = rng.below(ORGS);
                let price = 50.0 + (rng.unit() * 2950.0 * 100.0).round() / 100.0;
                let payload = Payload {
                    organization: org(o),
                    job: jobs[o],
                    vendor: format!("vendor-{}", rng.below(VENDORS)),
                    brand: None,
                    category: Some(data.category(&mut rng, c).to_owned()),
                    availability: Some("in_stock".into()),
                    currency: Some("EUR".into()),
                    price: Some(price),
                    price_base: Some(price),
                };
                (
                    Uuid::from_u64_pair(a.seed, i as u64),
                    data.sample(&mut rng, c),
                    payload,
                )
            })
            .collect::<Vec<_>>()
    };
    let half = a.n / 2;
    std::thread::scope(|s| {
        let first = s.spawn(|| make(0..half));
        let second = make(half..a.n);
        let mut all = first.join().unwrap_or_default();
        all.extend(second);
        all
    })
}

struct Query {
    vector: Vec<f32>,
    filter: Filter,
}

fn queries(a: &Args, data: &Data, by_category: bool) -> Vec<Query> {
    let mut rng = Rng(a.seed.wrapping_add(if by_category { 1001 } else { 2002 }));
    (0..a.queries)
        .map(|_| {
            let c = rng.below(data.centres.len());
            let mut filter = Filter::organization(org(rng.below(ORGS)));
            if by_category {
                filter.categories = vec![CATEGORIES[c % CATEGORIES.len()].to_owned()];
            } else {
                let lo = 50.0 + rng.unit() * 2350.0;
                filter.price_base_min = Some(lo);
                filter.price_base_max = Some(lo + 600.0);
            }
            Query {
                vector: data.sample(&mut rng, c),
                filter,
            }
        })
        .collect()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> String {
    format!("{:.3}", d.as_secs_f64() * 1000.0)
}

fn dir_size(path: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(path) else {
        return 0;
    };
    entries
        .flatten()
        .map(|e| match e.file_type() {
            Ok(t) if t.is_dir() => dir_size(&e.path()),
            _ => e.metadata().map(|m| m.len()).unwrap_or(0),
        })
        .sum()
}

struct Row {
    name: &'static str,
    matches: f64,
    edge: Vec<Duration>,
    exact: Vec<Duration>,
    recall: f64,
}

async fn run_filter(
    store: &EdgeStore,
    points: &[(Uuid, Vec<f32>, Payload)],
    name: &'static str,
    qs: &[Query],
) -> Result<Row, procura_vector::Error> {
    let (mut edge, mut exact) = (Vec::new(), Vec::new());
    let (mut recall_sum, mut matches) = (0f64, 0usize);
    for q in qs {
        let started = Instant::now();
        let got = store.search(&q.vector, &q.filter, 10).await?;
        edge.push(started.elapsed());
        let started = Instant::now();
        let want = exact_search(points, &q.vector, &q.filter, 10);
        exact.push(started.elapsed());
        matches += points.iter().filter(|p| q.filter.matches(&p.2)).count();
        if !want.is_empty() {
            let found = got
                .iter()
                .filter(|g| want.iter().any(|w| w.id == g.id))
                .count();
            recall_sum += found as f64 / want.len() as f64;
        }
    }
    edge.sort();
    exact.sort();
    Ok(Row {
        name,
        matches: matches as f64 / qs.len() as f64,
        edge,
        exact,
        recall: recall_sum / qs.len() as f64,
    })
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args = match parse_args() {
        Ok(a) => a,
        Err(message) => {
            eprintln!("{message}");
            std::process::exit(2);
        }
    };
    if let Err(e) = run(args).await {
        eprintln!("vector-bench failed: {e}");
        std::process::exit(1);
    }
}

async fn run(a: Args) -> Result<(), Box<dyn std::error::Error>> {
    let dir = a.dir.clone().unwrap_or_else(|| {
        std::env::temp_dir().join(format!("procura-vector-bench-{}", std::process::id()))
    });
    let temporary = a.dir.is_none();
    let spec = IndexSpec {
        model: format!("synthetic-{}-clusters-seed-{}", a.clusters, a.seed),
        dimension: a.dim,
    };

    let t = Instant::now();
    let data = Data::new(&a);
    let points = generate(&a, &data);
    eprintln!(
        "generated {} points in {:.1}s",
        points.len(),
        t.elapsed().as_secs_f64()
    );

    let store = EdgeStore::open_with(&dir, a.options)?;
    let state = store.open_index(&spec).await?;
    let reuse = a.reuse && state == IndexState::Reused && store.count(None).await? == a.n as u64;
    let (mut upsert_rate, mut optimize_time) = (None, None);
    if !reuse {
        store.clear().await?;
        let t = Instant::now();
        for chunk in points.chunks(a.batch) {
            let batch: Vec<Point> = chunk
                .iter()
                .map(|(id, v, p)| Point {
                    id: *id,
                    vector: v.clone(),
                    payload: p.clone(),
                })
                .collect();
            store.upsert(batch).await?;
        }
        let upsert = t.elapsed();
        upsert_rate = Some(a.n as f64 / upsert.as_secs_f64());
        eprintln!("upserted in {:.1}s", upsert.as_secs_f64());
        let t = Instant::now();
        store.optimize().await?;
        optimize_time = Some(t.elapsed());
        eprintln!("optimized in {:.1}s", t.elapsed().as_secs_f64());
    } else {
        eprintln!("reusing the index in {}", dir.display());
    }
    let stats = store.stats().await?;

    let by_category = queries(&a, &data, true);
    let by_price = queries(&a, &data, false);
    let rows = vec![
        run_filter(&store, &points, "organization + category", &by_category).await?,
        run_filter(&store, &points, "organization + price range", &by_price).await?,
    ];

    let o = store.options();
    println!("### vector-bench: {} points, {}-d\n", a.n, a.dim);
    println!(
        "{}; data: {} clusters, noise {}, seed {}; {} queries per filter; {} segments, {} indexed vectors, {:.1} GB on disk\n",
        store.describe(),
        a.clusters,
        a.noise,
        a.seed,
        a.queries,
        stats.segments,
        stats.indexed_vectors,
        dir_size(&dir) as f64 / 1e9,
    );
    println!(
        "payload_m {:?}, full_scan_threshold {} KB, ACORN max selectivity {:?}, int8 {}, target segments {:?}, max segment {:?} KB\n",
        o.payload_m,
        o.full_scan_threshold_kb,
        o.acorn_max_selectivity,
        o.int8_quantization,
        o.target_segments,
        o.max_segment_size_kb
    );
    println!("| upsert (points/s) | optimize (s) |");
    println!("| ---: | ---: |");
    println!(
        "| {} | {} |\n",
        upsert_rate.map_or("(reused)".into(), |r| format!("{r:.0}")),
        optimize_time.map_or("(reused)".into(), |t| format!("{:.1}", t.as_secs_f64())),
    );
    println!(
        "| filter | avg matches | Edge p50 (ms) | Edge p99 (ms) | exact p50 (ms) | exact p99 (ms) | speed-up p50 | speed-up p99 | recall@10 |"
    );
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for r in &rows {
        let (e50, e99) = (percentile(&r.edge, 50.0), percentile(&r.edge, 99.0));
        let (x50, x99) = (percentile(&r.exact, 50.0), percentile(&r.exact, 99.0));
        println!(
            "| {} | {:.0} | {} | {} | {} | {} | {:.1}× | {:.1}× | {:.3} |",
            r.name,
            r.matches,
            ms(e50),
            ms(e99),
            ms(x50),
            ms(x99),
            x50.as_secs_f64() / e50.as_secs_f64().max(1e-9),
            x99.as_secs_f64() / e99.as_secs_f64().max(1e-9),
            r.recall,
        );
    }

    drop(store);
    if temporary {
        std::fs::remove_dir_all(&dir)?;
    }
    Ok(())
}
