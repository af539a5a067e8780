//! The real product pages of `../shared/data/product-pages`, decompressed
//! and served from a loopback HTTP server: `/` lists every page (a listing a
//! source can search), `/p/NAME.html` serves one.

use std::collections::HashMap;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

/// The pages folder (`PROCURA_PRODUCT_PAGES`, or `../shared/data/product-pages`
/// beside the workspace), if its ground truth is there.
pub fn pages_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("PROCURA_PRODUCT_PAGES")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/data/product-pages")
        });
    dir.join("ground-truth.json").exists().then_some(dir)
}

/// Page name (the file name without `.html.gz`) to its decompressed bytes.
pub type Pages = HashMap<String, Vec<u8>>;

/// Every `html/*.html.gz` of `dir`, and the files themselves.
pub fn load(dir: &Path) -> std::io::Result<(Pages, Vec<PathBuf>)> {
    let mut pages = HashMap::new();
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir.join("html"))? {
        let path = entry?.path();
        let Some(name) = path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.strip_suffix(".html.gz"))
            .map(str::to_owned)
        else {
            continue;
        };
        let mut html = Vec::new();
        flate2::read::GzDecoder::new(std::fs::File::open(&path)?).read_to_end(&mut html)?;
        pages.insert(name, html);
        files.push(path);
    }
    files.sort();
    Ok((pages, files))
}

/// Serves `pages` on an ephemeral loopback port; returns its base URL.
pub async fn serve(pages: Arc<Pages>) -> std::io::Result<String> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let pages = pages.clone();
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut buf = [0u8; 4096];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 65536 {
                    match stream.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                let request = String::from_utf8_lossy(&head);
                let path = request.split_whitespace().nth(1).unwrap_or("/");
                let (status, body): (&str, Vec<u8>) = if path == "/" || path.starts_with("/?") {
                    let mut names: Vec<&String> = pages.keys().collect();
                    names.sort();
                    let links: String = names
                        .iter()
                        .map(|n| format!("<a href=\"/p/{n}.html\">{n}</a>\n"))
                        .collect();
                    let html = format!("<!doctype html><html><body>{links}</body></html>");
                    ("200 OK", html.into_bytes())
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
    Ok(format!("http://{addr}"))
}
