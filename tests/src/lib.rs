//! The harness for end-to-end tests and benchmarks: it starts the real
//! `procurad` binary in a temp dir (with its private Postgres), runs the real
//! `procura` binary against it, and waits on conditions, never on sleeps.

pub mod imap;
pub mod mail;
pub mod openai;
pub mod pages;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use procura_common::api::ProcuraClient;
use procura_common::job::{Job, JobId};
use procura_common::transport::{Connection, connect, context_with_timeout};
use tempfile::TempDir;

/// A built binary of this workspace, next to the running test executable.
pub fn binary(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary knows its own path");
    // target/<profile>/deps/<test> or target/<profile>/<bench>
    let mut dir = exe
        .parent()
        .expect("test binary has a directory")
        .to_path_buf();
    if dir.ends_with("deps") {
        dir.pop();
    }
    let path = dir.join(name);
    assert!(
        path.exists(),
        "{} is missing: build the binaries first (`cargo build --workspace --bins`, \
         or `--release` for benchmarks)",
        path.display()
    );
    path
}

/// Options for a daemon under test.
#[derive(Debug, Clone)]
pub struct DaemonOptions {
    pub workers: u32,
    pub lease_ms: u64,
    pub step_delay_ms: u64,
    /// Use this database instead of a private cluster.
    pub database_url: Option<String>,
    /// Start with `--demo`: the demo shops as sources.
    pub demo: bool,
    /// More environment for the daemon (`PROCURA_PAGE_TIMEOUT_MS`, …).
    pub env: Vec<(String, String)>,
}

impl Default for DaemonOptions {
    fn default() -> Self {
        DaemonOptions {
            workers: 4,
            lease_ms: 2_000,
            step_delay_ms: 0,
            database_url: None,
            demo: false,
            env: Vec::new(),
        }
    }
}

/// A running `procurad` in its own temp dir. Dropping it kills the daemon
/// and its private Postgres.
pub struct Daemon {
    pub dir: TempDir,
    pub options: DaemonOptions,
    child: Option<Child>,
    /// Each start's stderr goes to its own file here.
    starts: u32,
    first_start: Option<Duration>,
}

impl Daemon {
    pub fn start(options: DaemonOptions) -> Daemon {
        let dir = tempfile::Builder::new()
            .prefix("procura-e2e-")
            .tempdir()
            .expect("create temp dir");
        // Run as root, the private Postgres runs as an unprivileged user,
        // which must be able to pass through this directory.
        std::fs::set_permissions(
            dir.path(),
            std::os::unix::fs::PermissionsExt::from_mode(0o711),
        )
        .expect("chmod temp dir");
        let mut daemon = Daemon {
            dir,
            options,
            child: None,
            starts: 0,
            first_start: None,
        };
        daemon.first_start = Some(daemon.spawn());
        daemon
    }

    pub fn state_dir(&self) -> PathBuf {
        self.dir.path().join("state")
    }

    pub fn socket(&self) -> PathBuf {
        self.dir.path().join("procurad.sock")
    }

    /// A URL for this daemon's private cluster, for a second daemon.
    pub fn database_url(&self) -> String {
        let run = self.state_dir().join("postgres/run");
        format!(
            "postgres://procura@/procura?host={}",
            run.display().to_string().replace('/', "%2F")
        )
    }

    /// How long the first start took, from spawn to an answered hello.
    pub fn first_start_time(&self) -> Option<Duration> {
        self.first_start
    }

    /// Starts procurad (again) on the same state dir and socket, and waits
    /// until it answers.
    pub fn spawn(&mut self) -> Duration {
        assert!(self.child.is_none(), "daemon already running");
        self.starts += 1;
        let log = std::fs::File::create(
            self.dir
                .path()
                .join(format!("procurad.{}.log", self.starts)),
        )
        .expect("create daemon log");
        let mut cmd = Command::new(binary("procurad"));
        cmd.arg("--state-dir")
            .arg(self.state_dir())
            .arg("--socket")
            .arg(self.socket())
            .env("PROCURA_LOG", "info")
            .env("PROCURA_WORKERS", self.options.workers.to_string())
            .env("PROCURA_LEASE_MS", self.options.lease_ms.to_string())
            .env(
                "PROCURA_STEP_DELAY_MS",
                self.options.step_delay_ms.to_string(),
            )
            .env_remove("PROCURA_DATABASE_URL")
            .env_remove("PROCURA_SOCKET")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log);
        if let Some(url) = &self.options.database_url {
            cmd.env("PROCURA_DATABASE_URL", url);
        }
        if self.options.demo {
            cmd.arg("--demo");
        }
        cmd.envs(self.options.env.iter().map(|(k, v)| (k, v)));
        let started = Instant::now();
        self.child = Some(cmd.spawn().expect("spawn procurad"));
        self.wait_ready(Duration::from_secs(60));
        started.elapsed()
    }

    fn wait_ready(&mut self, limit: Duration) {
        let give_up = Instant::now() + limit;
        loop {
            if let Some(child) = self.child.as_mut()
                && let Ok(Some(status)) = child.try_wait()
            {
                panic!(
                    "procurad exited with {status} before answering:\n{}",
                    self.logs()
                );
            }
            if std::os::unix::net::UnixStream::connect(self.socket()).is_ok() && self.answers() {
                return;
            }
            assert!(
                Instant::now() < give_up,
                "procurad did not answer within {limit:?}:\n{}",
                self.logs()
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Whether a client can connect and greet the daemon. Runs on a thread
    /// of its own so it works from sync and async tests alike.
    pub fn answers(&self) -> bool {
        let socket = self.socket();
        std::thread::spawn(move || block_on(connect(&socket)).is_ok())
            .join()
            .unwrap_or(false)
    }

    /// Everything the daemon wrote to stderr, over all its starts.
    pub fn logs(&self) -> String {
        (1..=self.starts)
            .map(|n| {
                std::fs::read_to_string(self.dir.path().join(format!("procurad.{n}.log")))
                    .unwrap_or_default()
            })
            .collect::<Vec<_>>()
            .join("\n--- restart ---\n")
    }

    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(|c| c.id())
    }

    /// SIGKILL: no cleanup at all, as in a crash. Its Postgres lives on.
    pub fn kill9(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Waits for the daemon to exit by itself (a crash injected with
    /// `PROCURA_CRASH_AT`), and forgets it.
    pub fn wait_for_exit(&mut self, limit: Duration) -> std::process::ExitStatus {
        let mut child = self.child.take().expect("daemon running");
        let give_up = Instant::now() + limit;
        loop {
            if let Some(status) = child.try_wait().expect("wait for procurad") {
                return status;
            }
            assert!(
                Instant::now() < give_up,
                "procurad did not exit within {limit:?}:\n{}",
                self.logs()
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// SIGTERM and wait for a clean exit.
    pub fn stop(&mut self) -> std::process::ExitStatus {
        let mut child = self.child.take().expect("daemon running");
        // SAFETY: kill(2) with a pid we spawned and a valid signal number.
        unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
        let give_up = Instant::now() + Duration::from_secs(60);
        loop {
            if let Some(status) = child.try_wait().expect("wait for procurad") {
                return status;
            }
            assert!(
                Instant::now() < give_up,
                "procurad did not stop on SIGTERM:\n{}",
                self.logs()
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Runs the `procura` CLI against this daemon.
    pub fn procura(&self, args: &[&str]) -> Output {
        Command::new(binary("procura"))
            .args(args)
            .env("PROCURA_SOCKET", self.socket())
            .env_remove("PROCURA_LOG")
            .stdin(Stdio::null())
            .output()
            .expect("run procura")
    }

    /// Runs the CLI and parses its stdout as JSON; panics with stderr on failure.
    pub fn procura_json(&self, args: &[&str]) -> serde_json::Value {
        let out = self.procura(args);
        assert!(
            out.status.success(),
            "procura {args:?} failed ({}):\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "procura {args:?} printed no JSON ({e}):\n{}",
                String::from_utf8_lossy(&out.stdout)
            )
        })
    }

    pub async fn client(&self) -> ProcuraClient {
        let Connection { client, .. } = connect(&self.socket()).await.expect("connect to procurad");
        client
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            // SAFETY: as in `stop`.
            unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
            let give_up = Instant::now() + Duration::from_secs(20);
            while Instant::now() < give_up {
                if let Ok(Some(_)) = child.try_wait() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(10));
            }
            let _ = child.kill();
            let _ = child.wait();
        }
        stop_orphaned_postgres(&self.state_dir());
    }
}

/// A daemon killed with -9 leaves its private Postgres running; stop it by
/// its pid file (SIGQUIT is Postgres's immediate shutdown).
pub fn stop_orphaned_postgres(state_dir: &Path) {
    let pid_file = state_dir.join("postgres/data/postmaster.pid");
    let Ok(text) = std::fs::read_to_string(pid_file) else {
        return;
    };
    if let Some(pid) = text
        .lines()
        .next()
        .and_then(|l| l.trim().parse::<i32>().ok())
    {
        // SAFETY: kill(2) on a pid read from the cluster's own pid file.
        unsafe { libc::kill(pid, libc::SIGQUIT) };
    }
}

/// Runs a future to completion on a fresh current-thread runtime.
pub fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("build runtime")
        .block_on(f)
}

/// Polls `check` until it returns `Some`, or panics after `limit` naming `what`.
pub async fn wait_for<T, F, Fut>(what: &str, limit: Duration, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let give_up = tokio::time::Instant::now() + limit;
    loop {
        if let Some(v) = check().await {
            return v;
        }
        assert!(
            tokio::time::Instant::now() < give_up,
            "timed out after {limit:?} waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// A job's state, through the API.
pub async fn job(client: &ProcuraClient, id: JobId) -> Job {
    client
        .job_detail(context_with_timeout(Duration::from_secs(10)), id)
        .await
        .expect("rpc")
        .expect("job_detail")
}

/// Every stored entry of a job's log, read with the API.
pub async fn all_logs(client: &ProcuraClient, id: JobId) -> Vec<procura_common::log::LogEntry> {
    let mut after = 0;
    let mut out = Vec::new();
    loop {
        let batch = client
            .watch_job(context_with_timeout(Duration::from_secs(10)), id, after, 0)
            .await
            .expect("rpc")
            .expect("watch_job");
        if batch.entries.is_empty() {
            return out;
        }
        after = batch.entries.last().map(|e| e.seq).unwrap_or(after);
        out.extend(batch.entries);
    }
}

/// Waits until the job has ended (succeeded, failed or cancelled).
pub async fn wait_until_done(client: &ProcuraClient, id: JobId, limit: Duration) -> Job {
    wait_for("the job to end", limit, || {
        let client = client.clone();
        async move {
            let j = job(&client, id).await;
            j.status.is_terminal().then_some(j)
        }
    })
    .await
}

/// A job's log as text, one entry a line, for assertion messages.
pub async fn transcript(client: &ProcuraClient, id: JobId) -> String {
    all_logs(client, id)
        .await
        .iter()
        .map(|e| format!("{} {} {}", e.level, e.node, e.message))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Serves `app` on a loopback port from a thread and runtime of its own, so
/// blocking CLI calls in a test never starve it; for the small local
/// servers that stand in for a paid API.
pub fn serve_on_loopback(app: axum::Router) -> std::net::SocketAddr {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("test server runtime");
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind a loopback port");
            tx.send(listener.local_addr().expect("local address"))
                .expect("send the address");
            axum::serve(listener, app).await.expect("serve");
        });
    });
    rx.recv().expect("the test server starts")
}
