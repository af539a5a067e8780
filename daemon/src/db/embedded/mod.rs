//! The daemon's private PostgreSQL cluster, used when no database URL is
//! configured: `<state_dir>/postgres/{data/, run/, server.log}`, reachable
//! only through the unix socket in `run/` (see [`EmbeddedPostgres::database_url`]).
//!
//! * **Binaries**: the first directory holding `initdb`, `pg_ctl` and
//!   `postgres` on `PATH`, else `pg_config --bindir`, else the newest
//!   `/usr/lib/postgresql/<version>/bin` (the one matching an existing
//!   cluster's `PG_VERSION` is preferred there).
//! * **Creation** is atomic: `initdb` runs into `data.initdb`, the settings
//!   are written, database `procura` is created by `postgres --single` (no
//!   `createdb`/`psql` needed), then the directory is renamed to `data`. So
//!   `data` always holds a complete cluster; leftovers are discarded.
//! * **Locale**: `-E UTF8 --locale=C.UTF-8`, which Debian 12 (glibc 2.36,
//!   built-in C.UTF-8) and PostgreSQL 15 accept: codepoint-order collation
//!   like `C`, not version-tracked (no warnings after glibc upgrades), but
//!   Unicode-aware `upper()`/`lower()`. Retried with `--no-locale` if rejected.
//! * **Settings** (socket only, 0700, small footprint, fsync on) live in
//!   `data/procura.conf`, included from `postgresql.conf` since initdb and
//!   rewritten at each start if they differ (e.g. the state dir moved), so a
//!   `pg_ctl start` by hand behaves the same. The socket settings are also
//!   forced on the command line so `ALTER SYSTEM` cannot open a TCP port.
//!   Auth is `trust`: only the socket's owner and root can connect.
//! * **Root**: PostgreSQL refuses to run as root, so then every PostgreSQL
//!   program runs as `postgres` (created by Debian's `postgresql` package),
//!   else `nobody`, via `CommandExt::uid/gid` (std then also drops the
//!   supplementary groups). `<state_dir>/postgres` and everything below is
//!   chowned to that user, and `<state_dir>` itself gets `mode |= 0o711`: the
//!   server must traverse it to reach its subdirectory, and search-only
//!   access lets it without listing or reading the daemon's other state.
//!   (Its ancestors must be searchable too: not under a 0700 `/root`.)
//! * Children get a cleared environment (no `PGDATA`, `PGHOST`, `LANG`...)
//!   except `PATH`, `TZ`, `LD_LIBRARY_PATH`, plus `HOME=<state_dir>/postgres`,
//!   and run in their own process group so a Ctrl-C aimed at the daemon does
//!   not stop the server behind its back.
//! * **Already running**: if `postmaster.pid` names a live `postgres` whose
//!   working directory is our data directory (the postmaster chdirs there),
//!   the server is reused once "ready". Otherwise the file is stale (pid gone,
//!   or recycled by another program or cluster after a reboot, which would
//!   fool `pg_ctl status`) and is removed with a warning, as is a stale
//!   `.s.PGSQL.5432.lock`.
//! * **Stopping**: dropping an [`EmbeddedPostgres`] leaves the server running
//!   (as a daemon killed with -9 would; the next start reuses it). The owner
//!   must call [`EmbeddedPostgres::stop`] or [`EmbeddedPostgres::stop_blocking`].

use std::ffi::CString;
use std::fmt::Write as _;
use std::fs::{self, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{MetadataExt, PermissionsExt, lchown};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Output, Stdio};
use std::time::{Duration, Instant};

use tracing::{debug, info, warn};

/// Superuser role created by initdb; connections use it.
pub const DB_USER: &str = "procura";
/// Database created in a new cluster.
pub const DB_NAME: &str = "procura";
const UNPRIVILEGED_USERS: &[&str] = &["postgres", "nobody"];
const SERVER_BINARIES: [&str; 3] = ["initdb", "pg_ctl", "postgres"];
const DEBIAN_PG_ROOT: &str = "/usr/lib/postgresql";
const SOCKET: &str = ".s.PGSQL.5432";
const TIMEOUT: &str = "60";
const CONF_FILE: &str = "procura.conf";
const INCLUDE_LINE: &str = "include = 'procura.conf'";
const LOG_ROTATE_BYTES: u64 = 16 << 20;
/// `sizeof(sockaddr_un.sun_path) - 1` on Linux.
const MAX_SOCKET_PATH: usize = 107;

#[derive(Debug, thiserror::Error)]
pub enum EmbeddedPgError {
    #[error(
        "PostgreSQL server binaries (initdb, pg_ctl, postgres) not found; looked in: {searched}. \
         Install Debian's `postgresql` package (apt-get install postgresql) or configure a database URL"
    )]
    BinariesNotFound { searched: String },
    #[error(
        "procurad runs as root, which PostgreSQL refuses, and none of the users {tried} exists \
         to run it as; install Debian's `postgresql` package (it creates the `postgres` user)"
    )]
    NoUnprivilegedUser { tried: String },
    #[error("looking up user {user:?}: {source}")]
    UserLookup { user: String, source: io::Error },
    #[error("unusable state directory {}: {reason}", path.display())]
    InvalidStateDir { path: PathBuf, reason: String },
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: io::Error },
    #[error("initdb failed ({status}): {stderr}")]
    InitdbFailed { status: ExitStatus, stderr: String },
    #[error("creating database \"{DB_NAME}\" failed ({status}): {output}")]
    CreateDatabaseFailed { status: ExitStatus, output: String },
    #[error("starting PostgreSQL failed: {reason}\nlast lines of {}:\n{log_tail}", log.display())]
    StartFailed {
        reason: String,
        log: PathBuf,
        log_tail: String,
    },
    #[error("stopping PostgreSQL failed ({status}): {stderr}")]
    StopFailed { status: ExitStatus, stderr: String },
    #[error("embedded PostgreSQL task failed: {0}")]
    Task(String),
}

type Result<T> = std::result::Result<T, EmbeddedPgError>;

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> EmbeddedPgError + '_ {
    move |source| EmbeddedPgError::Io {
        path: path.to_path_buf(),
        source,
    }
}

fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).trim().to_string()
}

/// The unprivileged account PostgreSQL runs as when procurad is root.
#[derive(Debug, Clone, PartialEq, Eq)]
struct RunAs {
    name: String,
    uid: u32,
    gid: u32,
}

/// A running private PostgreSQL server. Dropping it leaves the server
/// running; call [`stop`](Self::stop) on shutdown.
#[derive(Debug)]
pub struct EmbeddedPostgres {
    bindir: PathBuf,
    run_as: Option<RunAs>,
    root: PathBuf,
    data_dir: PathBuf,
    run_dir: PathBuf,
    log_file: PathBuf,
    reused: bool,
}

impl EmbeddedPostgres {
    /// Creates the cluster under `state_dir/postgres` if needed and starts
    /// it, or reuses a server already running on it.
    pub async fn start(state_dir: &Path) -> Result<EmbeddedPostgres> {
        Self::start_with_users(state_dir, UNPRIVILEGED_USERS).await
    }

    async fn start_with_users(state_dir: &Path, users: &'static [&'static str]) -> Result<Self> {
        let state_dir = state_dir.to_path_buf();
        tokio::task::spawn_blocking(move || Self::start_blocking(&state_dir, users))
            .await
            .map_err(|e| EmbeddedPgError::Task(e.to_string()))?
    }

    /// Stops the server: `pg_ctl stop -m fast -w`.
    pub async fn stop(self) -> Result<()> {
        tokio::task::spawn_blocking(move || self.stop_blocking())
            .await
            .map_err(|e| EmbeddedPgError::Task(e.to_string()))?
    }

    /// [`stop`](Self::stop) for synchronous contexts. `Ok` if not running.
    pub fn stop_blocking(&self) -> Result<()> {
        let started = Instant::now();
        if self.live_postmaster()?.is_none() {
            debug!(data_dir = %self.data_dir.display(), "embedded PostgreSQL is not running");
            return Ok(());
        }
        let mut cmd = self.command("pg_ctl");
        cmd.args(["stop", "-s", "-m", "fast", "-w", "-t", TIMEOUT, "-D"])
            .arg(&self.data_dir);
        let out = output(&mut cmd)?;
        let stderr = lossy(&out.stderr);
        if !out.status.success() && !stderr.contains("Is server running?") {
            return Err(EmbeddedPgError::StopFailed {
                status: out.status,
                stderr,
            });
        }
        info!(
            elapsed_ms = started.elapsed().as_millis() as u64,
            "stopped the embedded PostgreSQL"
        );
        Ok(())
    }

    /// A URL for tokio-postgres / diesel-async (and libpq): no host in the
    /// authority (`@localhost` would add a TCP host, tried first) and the
    /// socket directory in `host=`, which they percent-decode and, as it
    /// starts with `/`, treat as a unix socket directory.
    pub fn database_url(&self) -> String {
        let host = percent_encode(self.run_dir.as_os_str().as_bytes());
        format!("postgres://{DB_USER}@/{DB_NAME}?host={host}")
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    pub fn socket_dir(&self) -> &Path {
        &self.run_dir
    }

    pub fn log_file(&self) -> &Path {
        &self.log_file
    }

    /// Whether `start` found the server already running and reused it.
    pub fn reused_running_server(&self) -> bool {
        self.reused
    }

    fn start_blocking(state_dir: &Path, users: &[&str]) -> Result<EmbeddedPostgres> {
        let started = Instant::now();
        fs::create_dir_all(state_dir).map_err(io_err(state_dir))?;
        let state_dir = fs::canonicalize(state_dir).map_err(io_err(state_dir))?;
        let root = state_dir.join("postgres");
        let mut pg = EmbeddedPostgres {
            bindir: PathBuf::new(),
            run_as: None,
            data_dir: root.join("data"),
            run_dir: root.join("run"),
            log_file: root.join("server.log"),
            root,
            reused: false,
        };
        pg.validate_paths()?;
        let cluster_version = fs::read_to_string(pg.data_dir.join("PG_VERSION")).ok();
        pg.bindir = find_bindir(cluster_version.as_deref().map(str::trim))?;
        // SAFETY: geteuid has no preconditions and cannot fail.
        let is_root = unsafe { libc::geteuid() } == 0;

        if let Some(pid) = pg.wait_for_running_server()? {
            if is_root {
                // Keep running it as whoever runs it now (its data dir's owner).
                let meta = fs::metadata(&pg.data_dir).map_err(io_err(&pg.data_dir))?;
                let (uid, gid) = (meta.uid(), meta.gid());
                pg.run_as = Some(RunAs {
                    name: format!("uid {uid}"),
                    uid,
                    gid,
                });
            }
            if pg.run_dir.join(SOCKET).exists() {
                pg.reused = true;
                info!(
                    pid,
                    elapsed_ms = started.elapsed().as_millis() as u64,
                    "reusing the already running embedded PostgreSQL"
                );
                return Ok(pg);
            }
            warn!(pid, run_dir = %pg.run_dir.display(), "the running PostgreSQL has no socket here; restarting it");
            pg.stop_blocking()?;
        }

        pg.run_as = if is_root {
            Some(pick_user(users)?)
        } else {
            None
        };
        pg.prepare_dirs(&state_dir)?;
        if !pg.data_dir.exists() {
            pg.create_cluster()?;
        }
        pg.write_config(&pg.data_dir)?;
        pg.remove_stale_socket_lock()?;
        if fs::metadata(&pg.log_file).is_ok_and(|m| m.len() > LOG_ROTATE_BYTES) {
            let old = pg.log_file.with_extension("log.1");
            fs::rename(&pg.log_file, &old).map_err(io_err(&old))?;
        }
        pg.pg_ctl_start()?;
        info!(
            data_dir = %pg.data_dir.display(),
            bindir = %pg.bindir.display(),
            user = pg.run_as.as_ref().map_or("(current user)", |u| u.name.as_str()),
            elapsed_ms = started.elapsed().as_millis() as u64,
            "started the embedded PostgreSQL"
        );
        Ok(pg)
    }

    fn validate_paths(&self) -> Result<()> {
        let invalid = |reason: String| EmbeddedPgError::InvalidStateDir {
            path: self.root.clone(),
            reason,
        };
        let Some(text) = self.root.to_str() else {
            return Err(invalid("the path is not valid UTF-8".into()));
        };
        // pg_ctl hands `-D "<data>" ... >> "<log>"` to /bin/sh.
        if let Some(c) = text
            .chars()
            .find(|c| matches!(c, '"' | '$' | '`' | '\\') || c.is_control())
        {
            return Err(invalid(format!(
                "the path contains {c:?}, which pg_ctl cannot quote"
            )));
        }
        let socket = self.run_dir.join(SOCKET);
        if socket.as_os_str().len() > MAX_SOCKET_PATH {
            let socket = socket.display();
            return Err(invalid(format!(
                "socket path {socket} exceeds {MAX_SOCKET_PATH} bytes"
            )));
        }
        Ok(())
    }

    /// `program` from the bindir, with a clean environment, as the server's user.
    fn command(&self, program: &str) -> Command {
        let mut cmd = Command::new(self.bindir.join(program));
        cmd.env_clear();
        for key in ["PATH", "TZ", "LD_LIBRARY_PATH"] {
            if let Some(value) = std::env::var_os(key) {
                cmd.env(key, value);
            }
        }
        if std::env::var_os("PATH").is_none() {
            cmd.env("PATH", "/usr/local/bin:/usr/bin:/bin");
        }
        cmd.env("HOME", &self.root)
            .current_dir(&self.root)
            .stdin(Stdio::null())
            .process_group(0);
        if let Some(user) = &self.run_as {
            cmd.uid(user.uid).gid(user.gid);
        }
        cmd
    }

    /// `Some((pid, status))` if `postmaster.pid` names our live postmaster.
    fn live_postmaster(&self) -> Result<Option<(i32, String)>> {
        let pid_file = self.data_dir.join("postmaster.pid");
        let text = match fs::read_to_string(&pid_file) {
            Ok(text) => text,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(io_err(&pid_file)(e)),
        };
        let status = text.lines().nth(7).unwrap_or("").trim().to_string();
        Ok(first_line_pid(&text)
            .filter(|&pid| is_postmaster_of(pid, &self.data_dir))
            .map(|pid| (pid, status)))
    }

    /// The pid of our server once it is ready, or `None` (after removing a
    /// stale `postmaster.pid`) when it is not running.
    fn wait_for_running_server(&self) -> Result<Option<i32>> {
        let pid_file = self.data_dir.join("postmaster.pid");
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            match self.live_postmaster()? {
                Some((pid, status)) if status == "ready" => return Ok(Some(pid)),
                Some((pid, status)) if Instant::now() >= deadline => {
                    let reason =
                        format!("the running server (pid {pid}) stayed {status:?} for {TIMEOUT} s");
                    return Err(self.start_failed(reason));
                }
                Some(_) => std::thread::sleep(Duration::from_millis(20)),
                None => {
                    if let Ok(text) = fs::read_to_string(&pid_file) {
                        let pid = text.lines().next().unwrap_or("");
                        warn!(pid_file = %pid_file.display(), pid, "removing stale postmaster.pid: no such process, or not this cluster's postmaster");
                        remove_if_exists(&pid_file)?;
                    }
                    return Ok(None);
                }
            }
        }
    }

    fn remove_stale_socket_lock(&self) -> Result<()> {
        let lock = self.run_dir.join(format!("{SOCKET}.lock"));
        let Ok(text) = fs::read_to_string(&lock) else {
            return Ok(());
        };
        let pid = first_line_pid(&text);
        if !pid.is_some_and(|pid| is_postmaster_of(pid, &self.data_dir)) {
            warn!(lock = %lock.display(), ?pid, "removing stale socket lock file");
            remove_if_exists(&lock)?;
        }
        Ok(())
    }

    fn prepare_dirs(&self, state_dir: &Path) -> Result<()> {
        for dir in [&self.root, &self.run_dir] {
            fs::create_dir_all(dir).map_err(io_err(dir))?;
            fs::set_permissions(dir, fs::Permissions::from_mode(0o700)).map_err(io_err(dir))?;
        }
        let Some(user) = &self.run_as else {
            return Ok(());
        };
        let mode = fs::metadata(state_dir).map_err(io_err(state_dir))?.mode() & 0o7777;
        if mode | 0o711 != mode {
            let perms = fs::Permissions::from_mode(mode | 0o711);
            fs::set_permissions(state_dir, perms).map_err(io_err(state_dir))?;
            info!(state_dir = %state_dir.display(), "made the state directory traversable (0711) for PostgreSQL");
        }
        let changed = chown_tree(&self.root, user)?;
        if changed > 0 {
            info!(user = %user.name, changed, "chowned the embedded PostgreSQL files");
        }
        Ok(())
    }

    fn create_cluster(&self) -> Result<()> {
        let started = Instant::now();
        let tmp = self.root.join("data.initdb");
        let remove_tmp = || match fs::remove_dir_all(&tmp) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(io_err(&tmp)(e)),
            _ => Ok(()),
        };
        remove_tmp()?;
        let mut out = self.initdb(&tmp, "--locale=C.UTF-8")?;
        if !out.status.success() && String::from_utf8_lossy(&out.stderr).contains("locale") {
            warn!("initdb rejected locale C.UTF-8; retrying with --no-locale");
            remove_tmp()?;
            out = self.initdb(&tmp, "--no-locale")?;
        }
        if !out.status.success() {
            return Err(EmbeddedPgError::InitdbFailed {
                status: out.status,
                stderr: lossy(&out.stderr),
            });
        }
        self.write_config(&tmp)?;
        self.create_database(&tmp)?;
        fs::rename(&tmp, &self.data_dir).map_err(io_err(&self.data_dir))?;
        fs::File::open(&self.root)
            .and_then(|dir| dir.sync_all())
            .map_err(io_err(&self.root))?;
        let elapsed_ms = started.elapsed().as_millis() as u64;
        info!(data_dir = %self.data_dir.display(), elapsed_ms, "created the embedded PostgreSQL cluster");
        Ok(())
    }

    fn initdb(&self, dir: &Path, locale: &str) -> Result<Output> {
        let mut cmd = self.command("initdb");
        cmd.arg("-D")
            .arg(dir)
            .args(["-U", DB_USER, "--auth=trust", "-E", "UTF8", locale]);
        output(&mut cmd)
    }

    /// Single-user mode: needs no running server and no client binary.
    fn create_database(&self, dir: &Path) -> Result<()> {
        let mut cmd = self.command("postgres");
        cmd.arg("--single")
            .arg("-D")
            .arg(dir)
            .args(["-c", "exit_on_error=on", "postgres"]);
        cmd.stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let program = PathBuf::from(cmd.get_program());
        let mut child = cmd.spawn().map_err(io_err(&program))?;
        let sql = format!("CREATE DATABASE {DB_NAME};\n");
        // A failed write (the server died early) is reported after its output.
        let written = child
            .stdin
            .take()
            .map(|mut stdin| stdin.write_all(sql.as_bytes()));
        let out = child.wait_with_output().map_err(io_err(&program))?;
        if !out.status.success() {
            let output = format!("{}\n{}", lossy(&out.stdout), lossy(&out.stderr));
            return Err(EmbeddedPgError::CreateDatabaseFailed {
                status: out.status,
                output,
            });
        }
        written.transpose().map_err(io_err(&program))?;
        Ok(())
    }

    /// Writes `procura.conf` if it differs; makes `postgresql.conf` include it.
    fn write_config(&self, data: &Path) -> Result<()> {
        let socket_dir = format!("\"{}\"", self.run_dir.display()).replace('\'', "''");
        let wanted = format!(
            "# Written by procurad at every start: edits are lost. Override in\n\
             # postgresql.auto.conf; the socket settings are also forced on the command line.\n\
             listen_addresses = ''\nport = 5432\nunix_socket_directories = '{socket_dir}'\n\
             unix_socket_permissions = 0700\nmax_connections = 100\nshared_buffers = 64MB\n\
             fsync = on\nmax_wal_size = 256MB\n"
        );
        let conf = data.join(CONF_FILE);
        if fs::read_to_string(&conf).ok().as_deref() != Some(wanted.as_str()) {
            fs::write(&conf, &wanted).map_err(io_err(&conf))?;
            if let Some(user) = &self.run_as {
                lchown(&conf, Some(user.uid), Some(user.gid)).map_err(io_err(&conf))?;
            }
        }
        let main = data.join("postgresql.conf");
        let text = fs::read_to_string(&main).map_err(io_err(&main))?;
        if !text.lines().any(|line| line.trim() == INCLUDE_LINE) {
            let line = format!("\n# Added by procurad.\n{INCLUDE_LINE}\n");
            let mut file = OpenOptions::new()
                .append(true)
                .open(&main)
                .map_err(io_err(&main))?;
            file.write_all(line.as_bytes()).map_err(io_err(&main))?;
        }
        Ok(())
    }

    fn pg_ctl_start(&self) -> Result<()> {
        let socket_dir = format!("unix_socket_directories=\"{}\"", self.run_dir.display());
        let options = format!(
            "-c listen_addresses= -c port=5432 -c unix_socket_permissions=0700 -c '{}'",
            socket_dir.replace('\'', r"'\''") // pg_ctl runs this through /bin/sh
        );
        let mut cmd = self.command("pg_ctl");
        cmd.args(["start", "-s", "-w", "-t", TIMEOUT, "-D"])
            .arg(&self.data_dir);
        cmd.arg("-l").arg(&self.log_file).arg("-o").arg(options);
        let out = output(&mut cmd)?;
        if !out.status.success() {
            let reason = format!(
                "pg_ctl start exited with {}: {}",
                out.status,
                lossy(&out.stderr)
            );
            return Err(self.start_failed(reason));
        }
        Ok(())
    }

    fn start_failed(&self, reason: String) -> EmbeddedPgError {
        let log_tail = log_tail(&self.log_file, 20);
        EmbeddedPgError::StartFailed {
            reason,
            log: self.log_file.clone(),
            log_tail,
        }
    }
}

fn output(cmd: &mut Command) -> Result<Output> {
    cmd.output().map_err(|source| EmbeddedPgError::Io {
        path: cmd.get_program().into(),
        source,
    })
}

fn first_line_pid(text: &str) -> Option<i32> {
    text.lines()
        .next()
        .and_then(|line| line.trim().parse().ok())
}

fn remove_if_exists(path: &Path) -> Result<()> {
    match fs::remove_file(path) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(io_err(path)(e)),
        _ => Ok(()),
    }
}

/// Whether `pid` is a live postgres process whose working directory is
/// `data_dir` (the postmaster chdirs into its data directory).
fn is_postmaster_of(pid: i32, data_dir: &Path) -> bool {
    if pid <= 0 {
        return false;
    }
    if !Path::new("/proc/self/cwd").exists() {
        // No procfs: fall back to pg_ctl's own test.
        // SAFETY: signal 0 only checks for existence and permission.
        let rc = unsafe { libc::kill(pid, 0) };
        return rc == 0 || io::Error::last_os_error().raw_os_error() == Some(libc::EPERM);
    }
    let proc_dir = PathBuf::from(format!("/proc/{pid}"));
    let comm = fs::read_to_string(proc_dir.join("comm")).unwrap_or_default();
    matches!(comm.trim(), "postgres" | "postmaster")
        && fs::read_link(proc_dir.join("cwd")).is_ok_and(|cwd| cwd == data_dir)
}

/// The last `n` lines of the server log, for error messages.
fn log_tail(path: &Path, n: usize) -> String {
    let mut text = Vec::new();
    let read = fs::File::open(path).and_then(|mut file| {
        let len = file.metadata()?.len();
        file.seek(SeekFrom::Start(len.saturating_sub(64 * 1024)))?;
        file.read_to_end(&mut text)
    });
    if let Err(e) = read {
        return format!("(cannot read the log: {e})");
    }
    let text = String::from_utf8_lossy(&text);
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

mod host;
use host::*;

#[cfg(test)]
mod tests;
