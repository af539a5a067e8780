//! A `chromedriver` process that the pool started itself.
//!
//! Each one runs in its own process group; the Chromium it launches joins that group, so
//! killing the group (on drop, on shutdown, or when the browser is judged broken) ends the
//! driver and its browser together. Nothing is ever downloaded: the binary is the configured
//! path (Debian's `/usr/bin/chromedriver`).

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::process::{Child, Command};

use crate::error::BrowserError;

/// How long a fresh chromedriver gets to answer `/status` with `ready: true`.
const READY_WAIT: Duration = Duration::from_secs(15);

/// A running chromedriver, killed with its process group when dropped.
#[derive(Debug)]
pub struct DriverProcess {
    child: Child,
    pid: Option<u32>,
    port: u16,
}

impl DriverProcess {
    /// Start `chromedriver --port=N` (never downloaded: `path` is the binary) on a free loopback port and wait until it is ready.
    pub async fn start(path: &Path) -> Result<Self, BrowserError> {
        let port = free_port().await.map_err(|source| BrowserError::Spawn {
            program: "chromedriver",
            path: path.to_owned(),
            source,
        })?;
        let child = Command::new(path)
            .arg(format!("--port={port}"))
            .arg("--log-level=SEVERE")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .kill_on_drop(true)
            .spawn()
            .map_err(|source| BrowserError::Spawn {
                program: "chromedriver",
                path: path.to_owned(),
                source,
            })?;
        let pid = child.id();
        let mut driver = DriverProcess { child, pid, port };
        let started = Instant::now();
        loop {
            if status_ready(port).await {
                tracing::debug!(port, pid, "chromedriver ready");
                return Ok(driver);
            }
            if let Ok(Some(status)) = driver.child.try_wait() {
                tracing::warn!(port, %status, "chromedriver exited at start");
                return Err(BrowserError::DriverNotReady {
                    port,
                    waited: started.elapsed(),
                });
            }
            if started.elapsed() > READY_WAIT {
                driver.kill();
                return Err(BrowserError::DriverNotReady {
                    port,
                    waited: started.elapsed(),
                });
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The driver's pid, which is also its process group id.
    pub fn pid(&self) -> Option<u32> {
        self.pid
    }

    /// Kill the driver's whole process group (the driver and every browser it started).
    pub fn kill(&mut self) {
        if let Some(pid) = self.pid.take().and_then(|p| i32::try_from(p).ok()) {
            // SAFETY: kill(2) with a negative pid signals the process group we created with
            // `process_group(0)`; it touches no memory of ours.
            unsafe {
                libc::kill(-pid, libc::SIGKILL);
            }
        }
        let _ = self.child.start_kill();
        // Reap the driver so it does not linger as a zombie.
        let _ = self.child.try_wait();
    }
}

impl Drop for DriverProcess {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A loopback port that was free a moment ago.
async fn free_port() -> std::io::Result<u16> {
    let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
    Ok(listener.local_addr()?.port())
}

/// `GET /status` by hand: the answer says `"ready":true` once sessions can be created.
async fn status_ready(port: u16) -> bool {
    let attempt = async {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).await.ok()?;
        let request =
            format!("GET /status HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n");
        stream.write_all(request.as_bytes()).await.ok()?;
        // chromedriver keeps the connection open: read until the answer is in.
        let mut response = Vec::new();
        let mut buf = [0u8; 2048];
        loop {
            let n = stream.read(&mut buf).await.ok()?;
            response.extend_from_slice(&buf[..n]);
            let text = String::from_utf8_lossy(&response);
            if text.contains("\"ready\":true") {
                return Some(true);
            }
            if n == 0 || text.contains("\"ready\":false") || response.len() > 64 * 1024 {
                return Some(false);
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(2), attempt)
        .await
        .ok()
        .flatten()
        .unwrap_or(false)
}
