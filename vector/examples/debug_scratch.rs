use procura_vector::*;
use uuid::Uuid;

fn rng_vec(s: &mut u64, dim: usize) -> Vec<f32> {
    (0..dim)
        .map(|_| {
            *s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((*s >> 33) as f32 / (1u64 << 31) as f32) * 2.0 - 1.0
        })
        .collect()
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let fst: usize = args.get(1).map(|s| s.parse().unwrap()).unwrap_or(1);
    let mode: usize = args.get(3).map(|s| s.parse().unwrap()).unwrap_or(0);
    let dim: usize = args.get(2).map(|s| s.parse().unwrap()).unwrap_or(8);
    let dir = tempfile::tempdir()?;
    let store = EdgeStore::open_with(
        dir.path(),
        EdgeOptions {
            full_scan_threshold_kb: fst,
            indexing_threshold_kb: 1,
            ..Default::default()
        },
    )?;
    let spec = IndexSpec {
        model: "m".into(),
        dimension: dim,
    };
    store.open_index(&spec).await?;
    let mut s = 42u64;
    let mut pts = Vec::new();
    for i in 0..3000u128 {
        let org = if i % 2 == 0 { "acme" } else { "globex" };
        pts.push(Point {
            id: Uuid::from_u128(i + 1),
            vector: rng_vec(&mut s, dim),
            payload: Payload {
                organization: org.into(),
                job: Uuid::from_u128(i % 2 + 100),
                vendor: format!("v{}", i % 3),
                brand: Some(format!("b{}", i % 5)),
                category: Some(format!("c{}", i % 7)),
                availability: None,
                currency: None,
                price: None,
                price_base: if mode > 0 {
                    Some((i % 3000) as f64)
                } else {
                    None
                },
            },
        });
    }
    store.upsert(pts.clone()).await?;
    let exact: Vec<_> = pts
        .iter()
        .map(|p| (p.id, p.vector.clone(), p.payload.clone()))
        .collect();
    let f = Filter::organization("acme");
    let queries: Vec<Vec<f32>> = (0..50).map(|_| rng_vec(&mut s, dim)).collect();
    for phase in 0..2 {
        if phase == 1 {
            store.optimize().await?;
            println!("{:?}", store.stats().await?);
        }
        let mut hit = 0;
        let mut tot = 0;
        for q in &queries {
            let got = store.search(q, &f, 10).await?;
            let want = exact_search(&exact, q, &f, 10);
            tot += 10;
            hit += got
                .iter()
                .filter(|g| want.iter().any(|w| w.id == g.id))
                .count();
        }
        println!("phase {phase}: recall {}", hit as f64 / tot as f64);
    }
    Ok(())
}
