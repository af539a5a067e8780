//! The 74 real shop pages in `../shared/data/product-pages`, served from
//! loopback as one more source, go through the real browser and the whole
//! pipeline and score as `procurad extract` scores on their files.

use std::sync::Arc;
use std::time::Duration;

use procura_common::job::{JobStatus, SubmitSearch};
use procura_common::source::{Politeness, Source};
use procura_common::transport::context_with_timeout;
use procura_e2e::{Daemon, DaemonOptions, binary, job, pages, wait_for};

fn score(truth: &std::path::Path, predictions: &str) -> serde_json::Value {
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), predictions).unwrap();
    let scorer = truth
        .parent()
        .unwrap()
        .join("../../bench/score_extraction.py");
    let out = std::process::Command::new("python3")
        .arg(&scorer)
        .arg(truth)
        .arg(file.path())
        .output()
        .expect("python3 runs the shared scorer");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("the scorer prints JSON")
}

#[tokio::test(flavor = "multi_thread")]
async fn real_pages_through_the_browser_score_as_the_files_do() {
    let Some(dir) = pages::pages_dir() else {
        eprintln!("SKIPPED: product pages not found (set PROCURA_PRODUCT_PAGES)");
        return;
    };
    let (pages, files) = pages::load(&dir).unwrap();
    assert_eq!(pages.len(), 74);
    let base = pages::serve(Arc::new(pages)).await.unwrap();

    let daemon = Daemon::start(DaemonOptions {
        env: vec![("PROCURA_PAGE_TIMEOUT_MS".into(), "8000".into())],
        ..DaemonOptions::default()
    });
    let client = daemon.client().await;
    let ctx = || context_with_timeout(Duration::from_secs(30));
    let source = Source {
        name: "Real pages".into(),
        base_url: base.clone(),
        search_url: format!("{base}/?q={{query}}"),
        result_selector: Some("a[href]".into()),
        next_selector: None,
        contact_email: None,
        currency: None,
        // Our own loopback server: as many pages at once as the pool has.
        politeness: Politeness {
            concurrent_pages: 2,
            delay_ms: 0,
        },
        robots: true,
    };
    client.add_source(ctx(), source).await.unwrap().unwrap();
    let mut search = SubmitSearch::new("anything");
    search.max_results = Some(74);
    let id = client
        .submit_search(ctx(), search)
        .await
        .unwrap()
        .unwrap()
        .id;
    let done = wait_for(
        "the 74 pages to go through",
        Duration::from_secs(600),
        || {
            let client = client.clone();
            async move {
                let j = job(&client, id).await;
                j.status.is_terminal().then_some(j)
            }
        },
    )
    .await;
    assert_eq!(done.status, JobStatus::Succeeded, "{done:?}");
    let products = client.list_products(ctx(), id).await.unwrap().unwrap();

    let through_browser: String = products
        .iter()
        .filter_map(|p| {
            let page = p.url.rsplit('/').next()?.strip_suffix(".html")?;
            let line = serde_json::json!({
                "page": page, "name": p.title, "price": p.price.map(|v| v.to_string()),
                "currency": p.currency, "sku": p.sku, "availability": p.availability,
                "brand": p.brand, "gtin": p.gtin, "mpn": p.mpn,
            });
            // Absent, not null, as `procurad extract` prints it.
            let line: serde_json::Map<String, serde_json::Value> = line
                .as_object()?
                .iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            Some(serde_json::Value::Object(line).to_string() + "\n")
        })
        .collect();
    let from_files = std::process::Command::new(binary("procurad"))
        .arg("extract")
        .args(&files)
        .output()
        .unwrap();
    assert!(from_files.status.success());
    let truth = dir.join("ground-truth.json");
    let browser = score(&truth, &through_browser);
    let file = score(&truth, &String::from_utf8(from_files.stdout).unwrap());
    for field in ["price", "sku", "availability", "brand"] {
        let (b, f) = (
            browser[field]["f1"].as_f64().unwrap(),
            file[field]["f1"].as_f64().unwrap(),
        );
        eprintln!("{field}: browser {b:.3}, files {f:.3}");
        assert!(
            b >= f - 0.03,
            "{field}: {b:.3} through the browser, {f:.3} from the files"
        );
    }
}
