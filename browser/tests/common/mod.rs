//! A hand-rolled HTTP/1.1 server on loopback with the pages the pool must cope with, and
//! helpers to find (and kill) the processes a pool started.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{JoinHandle, JoinSet};

pub const PRODUCT: &str = r#"<!DOCTYPE html><html><head><title>Ergo Chair 3000</title>
<script type="application/ld+json">{"@type":"Product","name":"Ergo Chair 3000","offers":{"price":"249.00","priceCurrency":"USD"}}</script>
</head><body><h1>Ergo Chair 3000</h1><p class="price">$249.00</p>
<div style="height:3000px;background:linear-gradient(#fff,#ccc)">tall product gallery</div>
<p id="end">end of page</p></body></html>"#;

/// Pulls a web font, a stylesheet and a parser-blocking script from outside hosts, and a
/// parser-blocking "analytics" script from our own server that would never arrive.
pub const THIRD_PARTY: &str = r#"<!DOCTYPE html><html><head><title>Shop with junk</title>
<link rel="stylesheet" href="https://fonts.googleapis.com/css2?family=Roboto">
<link rel="stylesheet" href="http://styles.slow-cdn.example/site.css">
<script src="http://tracker.unreachable.example/t.js"></script>
<script src="/never/google-analytics.com/analytics.js"></script>
<style>@font-face{font-family:X;src:url(/never/font.woff2)}body{font-family:X}</style>
</head><body><h1>Widget</h1><p class="price">EUR 12.50</p></body></html>"#;

pub const ALERTS: &str = r#"<!DOCTYPE html><html><head><title>alerts</title><script>
for (let i = 0; i < 200; i++) { alert('buy now ' + i); confirm('sure?'); prompt('email?'); }
setInterval(() => alert('again'), 5);
window.onbeforeunload = () => 'stay';
</script></head><body><p id="after">content after the dialogs</p></body></html>"#;

pub const SPIN: &str = r#"<!DOCTYPE html><html><head><title>spin</title></head>
<body><p>before</p><script>while (true) {}</script><p>never</p></body></html>"#;

/// Size of the `/huge` page.
pub const HUGE_BYTES: usize = 50 * 1024 * 1024;

pub struct TestServer {
    pub addr: SocketAddr,
    requests: Arc<Mutex<Vec<String>>>,
    task: JoinHandle<()>,
}

impl TestServer {
    pub async fn start() -> TestServer {
        let listener = TcpListener::bind(("127.0.0.1", 0))
            .await
            .expect("bind loopback");
        let addr = listener.local_addr().expect("local addr");
        let requests = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&requests);
        let task = tokio::spawn(async move {
            let mut connections = JoinSet::new();
            while let Ok((stream, _)) = listener.accept().await {
                connections.spawn(serve(stream, addr, Arc::clone(&log)));
            }
        });
        TestServer {
            addr,
            requests,
            task,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Paths requested so far.
    pub fn requests(&self) -> Vec<String> {
        self.requests
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve(mut stream: TcpStream, addr: SocketAddr, log: Arc<Mutex<Vec<String>>>) {
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
        if head.len() > 64 * 1024 {
            return;
        }
    }
    let text = String::from_utf8_lossy(&head);
    let path = text.split_whitespace().nth(1).unwrap_or("/").to_owned();
    log.lock()
        .unwrap_or_else(PoisonError::into_inner)
        .push(path.clone());
    let _ = respond(&mut stream, &path, addr).await;
}

async fn respond(stream: &mut TcpStream, path: &str, addr: SocketAddr) -> std::io::Result<()> {
    match path {
        "/product" => page(stream, PRODUCT).await,
        "/third-party" => page(stream, THIRD_PARTY).await,
        "/alerts" => page(stream, ALERTS).await,
        "/spin" => page(stream, SPIN).await,
        "/slow" => {
            tokio::time::sleep(Duration::from_millis(2500)).await;
            page(stream, PRODUCT).await
        }
        "/stall" => {
            let head = "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n";
            stream.write_all(head.as_bytes()).await?;
            let start = "<!DOCTYPE html><html><head><title>stalled</title></head><body>";
            stream.write_all(start.as_bytes()).await?;
            stream.write_all(b"<h1>partial product</h1><p>").await?;
            stream.flush().await?;
            tokio::time::sleep(Duration::from_secs(600)).await;
            Ok(())
        }
        "/huge" => {
            let row = format!("<p>{}</p>\n", "x".repeat(1017));
            let open = "<!DOCTYPE html><html><head><title>huge</title></head><body>";
            let rows = (HUGE_BYTES - open.len()) / row.len();
            let length = open.len() + rows * row.len();
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {length}\r\nConnection: close\r\n\r\n"
            );
            stream.write_all(head.as_bytes()).await?;
            stream.write_all(open.as_bytes()).await?;
            let chunk = row.repeat(256);
            for _ in 0..rows / 256 {
                stream.write_all(chunk.as_bytes()).await?;
            }
            stream.write_all(row.repeat(rows % 256).as_bytes()).await
        }
        "/to-metadata" => redirect(stream, "http://169.254.169.254/latest/meta-data/").await,
        "/to-product" => redirect(stream, &format!("http://{addr}/product")).await,
        "/download" => {
            let body = "id,price\n1,2\n";
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"prices.csv\"\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            stream.write_all(head.as_bytes()).await?;
            stream.write_all(body.as_bytes()).await
        }
        p if p.starts_with("/never/") => {
            // Accept and never answer: a third-party host that hangs.
            tokio::time::sleep(Duration::from_secs(600)).await;
            Ok(())
        }
        _ => {
            let head = "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
            stream.write_all(head.as_bytes()).await
        }
    }
}

async fn page(stream: &mut TcpStream, body: &str) -> std::io::Result<()> {
    let head = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(body.as_bytes()).await
}

async fn redirect(stream: &mut TcpStream, to: &str) -> std::io::Result<()> {
    let head = format!(
        "HTTP/1.1 302 Found\r\nLocation: {to}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await
}

/// Pids of the Chromium browser processes (not their helpers) whose profile is under `root`.
pub fn chromium_pids(root: &Path) -> Vec<i32> {
    let needle = format!("--user-data-dir={}", root.display());
    let mut pids = Vec::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<i32>() else {
            continue;
        };
        let Ok(cmdline) = std::fs::read(entry.path().join("cmdline")) else {
            continue;
        };
        let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
        if cmdline.contains(&needle) && !cmdline.contains("--type=") && alive(pid) {
            pids.push(pid);
        }
    }
    pids
}

/// Whether `pid` is a live (not zombie) process.
pub fn alive(pid: i32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => {
            let state = stat
                .rsplit(')')
                .next()
                .and_then(|s| s.split_whitespace().next());
            !matches!(state, Some("Z") | Some("X") | None)
        }
        Err(_) => false,
    }
}

pub fn kill9(pid: i32) {
    // SAFETY: kill(2) on a pid this test found; no memory is touched.
    unsafe {
        libc::kill(pid, libc::SIGKILL);
    }
}

/// The PNG's height in pixels, from its IHDR chunk.
pub fn png_height(png: &[u8]) -> u32 {
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    u32::from_be_bytes([png[20], png[21], png[22], png[23]])
}
