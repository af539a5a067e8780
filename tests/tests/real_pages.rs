//! The 74 real shop pages in `../shared/data/product-pages`, served from
//! loopback as one more source, go through the real browser and the whole
//! pipeline and score as `procurad extract` scores on their files.

use std::collections::HashMap;
use std::io::Read;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use procura_common::job::{JobStatus, SubmitSearch};
use procura_common::source::{Politeness, Source};
use procura_common::transport::context_with_timeout;
use procura_e2e::{Daemon, DaemonOptions, binary, job, wait_for};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn pages_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("PROCURA_PRODUCT_PAGES")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/data/product-pages")
        });
    dir.join("ground-truth.json").exists().then_some(dir)
}

/// A minimal HTTP/1.1 server: `/` lists every page, `/p/NAME.html` serves it.
async fn serve(pages: Arc<HashMap<String, Vec<u8>>>) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let pages = pages.clone();
            tokio::spawn(async move {
                let mut buf = vec![0u8; 8192];
                let Ok(n) = stream.read(&mut buf).await else {
                    return;
                };
                let request = String::from_utf8_lossy(&buf[..n]);
                let path = request.split_whitespace().nth(1).unwrap_or("/").to_string();
                let (status, body): (&str, Vec<u8>) = if path == "/" || path.starts_with("/?") {
                    let mut names: Vec<&String> = pages.keys().collect();
                    names.sort();
                    let links: String = names
                        .iter()
                        .map(|n| format!("<a href=\"/p/{n}.html\">{n}</a>\n"))
                        .collect();
                    (
                        "200 OK",
                        format!("<!doctype html><html><body>{links}</body></html>").into_bytes(),
                    )
                } else if let Some(page) = path
                    .strip_prefix("/p/")
                    .and_then(|p| p.strip_suffix(".html"))
                    .and_then(|n| pages.get(n))
                {
                    ("200 OK", page.clone())
                } else {
                    ("404 Not Found", b"not found".to_vec())
                };
                let head = format!(
                    "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                let _ = stream.write_all(head.as_bytes()).await;
                let _ = stream.write_all(&body).await;
            });
        }
    });
    format!("http://{addr}")
}

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
    let Some(dir) = pages_dir() else {
        eprintln!("SKIPPED: product pages not found (set PROCURA_PRODUCT_PAGES)");
        return;
    };
    let mut pages = HashMap::new();
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir.join("html")).unwrap() {
        let path = entry.unwrap().path();
        let name = path
            .file_name()
            .unwrap()
            .to_string_lossy()
            .replace(".html.gz", "");
        let mut html = Vec::new();
        flate2::read::GzDecoder::new(std::fs::File::open(&path).unwrap())
            .read_to_end(&mut html)
            .unwrap();
        pages.insert(name, html);
        files.push(path);
    }
    assert_eq!(pages.len(), 74);
    let base = serve(Arc::new(pages)).await;

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
        politeness: Politeness::default(),
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
