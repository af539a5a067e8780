use super::*;

fn init_tracing() {
    let _ = tracing_subscriber::fmt()
        .with_test_writer()
        .with_env_filter(tracing_subscriber::EnvFilter::new("debug"))
        .try_init();
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

/// Owns the state directory and stops whatever server runs on it when
/// dropped, even if the test failed or lost its handle.
struct Cleanup {
    dir: tempfile::TempDir,
}

impl Cleanup {
    fn new() -> Cleanup {
        init_tracing();
        let dir = tempfile::Builder::new()
            .prefix("embpg")
            .tempdir()
            .expect("tempdir");
        Cleanup { dir }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn data(&self) -> PathBuf {
        fs::canonicalize(self.path())
            .expect("canonicalize")
            .join("postgres/data")
    }
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        let data = self.data();
        let Ok(text) = fs::read_to_string(data.join("postmaster.pid")) else {
            return;
        };
        let pid = text
            .lines()
            .next()
            .and_then(|l| l.trim().parse::<i32>().ok());
        if !pid.is_some_and(|pid| is_postmaster_of(pid, &data)) {
            return;
        }
        let (Ok(bindir), Ok(meta)) = (find_bindir(None), fs::metadata(&data)) else {
            return;
        };
        let mut cmd = Command::new(bindir.join("pg_ctl"));
        cmd.args(["stop", "-s", "-m", "immediate", "-w", "-D"])
            .arg(&data)
            .current_dir("/");
        if is_root() {
            cmd.uid(meta.uid()).gid(meta.gid());
        }
        let _ = cmd.status();
    }
}

async fn connect(pg: &EmbeddedPostgres) -> tokio_postgres::Client {
    let (client, connection) = tokio_postgres::connect(&pg.database_url(), tokio_postgres::NoTls)
        .await
        .expect("connect");
    tokio::spawn(async move {
        let _ = connection.await;
    });
    client
}

async fn show(client: &tokio_postgres::Client, setting: &str) -> String {
    let row = client
        .query_one(&format!("SHOW {setting}"), &[])
        .await
        .expect("SHOW");
    row.get(0)
}

#[tokio::test(flavor = "multi_thread")]
async fn first_start_creates_cluster_and_connects() {
    let cleanup = Cleanup::new();
    let started = Instant::now();
    let pg = EmbeddedPostgres::start(cleanup.path())
        .await
        .expect("start");
    let elapsed = started.elapsed();
    eprintln!("first start (initdb): {elapsed:?}");
    assert!(
        elapsed < Duration::from_secs(15),
        "first start took {elapsed:?}"
    );
    assert!(!pg.reused_running_server());
    assert_eq!(pg.data_dir(), cleanup.data());
    assert!(!pg.data_dir().with_file_name("data.initdb").exists());

    let client = connect(&pg).await;
    let one: i32 = client
        .query_one("SELECT 1", &[])
        .await
        .expect("SELECT 1")
        .get(0);
    assert_eq!(one, 1);
    assert_eq!(show(&client, "listen_addresses").await, "");
    assert_eq!(show(&client, "unix_socket_permissions").await, "0700");
    assert_eq!(show(&client, "shared_buffers").await, "64MB");
    assert_eq!(show(&client, "max_connections").await, "100");
    assert_eq!(show(&client, "fsync").await, "on");
    assert_eq!(show(&client, "server_encoding").await, "UTF8");
    assert_eq!(show(&client, "lc_ctype").await, "C.UTF-8");
    let row = client
        .query_one(
            "SELECT datcollversion FROM pg_database WHERE datname = current_database()",
            &[],
        )
        .await
        .expect("datcollversion");
    // C.UTF-8 is not version-tracked, so glibc upgrades cause no warnings.
    assert_eq!(row.get::<_, Option<String>>(0), None);
    let row = client
        .query_one("SELECT current_user::text, current_database()::text", &[])
        .await
        .expect("whoami");
    assert_eq!(row.get::<_, String>(0), DB_USER);
    assert_eq!(row.get::<_, String>(1), DB_NAME);
    drop(client);

    let main_conf = fs::read_to_string(pg.data_dir().join("postgresql.conf")).expect("conf");
    assert!(main_conf.lines().any(|l| l == INCLUDE_LINE));
    let conf = fs::read_to_string(pg.data_dir().join(CONF_FILE)).expect("procura.conf");
    assert!(conf.contains("listen_addresses = ''"));
    assert!(conf.contains(&format!(
        "unix_socket_directories = '\"{}\"'",
        pg.socket_dir().display()
    )));

    if is_root() {
        let owner = pick_user(UNPRIVILEGED_USERS).expect("user");
        for path in [
            pg.data_dir(),
            pg.socket_dir(),
            pg.log_file(),
            &pg.data_dir().join(CONF_FILE),
        ] {
            assert_eq!(
                fs::metadata(path).expect("stat").uid(),
                owner.uid,
                "{}",
                path.display()
            );
        }
        let mode = fs::metadata(cleanup.path()).expect("stat").mode();
        assert_eq!(mode & 0o711, 0o711);
    }
    pg.stop().await.expect("stop");
    assert!(!cleanup.data().join("postmaster.pid").exists());
}

#[tokio::test(flavor = "multi_thread")]
async fn restart_after_stop_reuses_cluster() {
    let cleanup = Cleanup::new();
    let pg = EmbeddedPostgres::start(cleanup.path())
        .await
        .expect("start");
    let client = connect(&pg).await;
    client
        .batch_execute("CREATE TABLE t (v text); INSERT INTO t VALUES ('kept')")
        .await
        .expect("create");
    drop(client);
    pg.stop().await.expect("stop");

    let started = Instant::now();
    let pg = EmbeddedPostgres::start(cleanup.path())
        .await
        .expect("restart");
    let elapsed = started.elapsed();
    eprintln!("start of an existing cluster: {elapsed:?}");
    assert!(elapsed < Duration::from_secs(2), "restart took {elapsed:?}");
    assert!(!pg.reused_running_server());
    let client = connect(&pg).await;
    let v: String = client
        .query_one("SELECT v FROM t", &[])
        .await
        .expect("select")
        .get(0);
    assert_eq!(v, "kept");
    drop(client);
    pg.stop_blocking().expect("stop");
}

#[tokio::test(flavor = "multi_thread")]
async fn start_while_running_reuses_server() {
    let cleanup = Cleanup::new();
    let pg = EmbeddedPostgres::start(cleanup.path())
        .await
        .expect("start");
    let pid_file = pg.data_dir().join("postmaster.pid");
    let pid_before = fs::read_to_string(&pid_file).expect("pid file");
    drop(pg); // a killed daemon: the server lives on

    let started = Instant::now();
    let pg = EmbeddedPostgres::start(cleanup.path())
        .await
        .expect("second start");
    let elapsed = started.elapsed();
    eprintln!("start on a running server: {elapsed:?}");
    assert!(elapsed < Duration::from_secs(2));
    assert!(pg.reused_running_server());
    assert_eq!(fs::read_to_string(&pid_file).expect("pid file"), pid_before);
    let client = connect(&pg).await;
    let one: i32 = client
        .query_one("SELECT 1", &[])
        .await
        .expect("SELECT 1")
        .get(0);
    assert_eq!(one, 1);
    drop(client);
    pg.stop_blocking().expect("stop");
    pg.stop_blocking()
        .expect("stopping a stopped server is fine");
}

#[tokio::test(flavor = "multi_thread")]
async fn stale_postmaster_pid_is_recovered() {
    let cleanup = Cleanup::new();
    let pg = EmbeddedPostgres::start(cleanup.path())
        .await
        .expect("start");
    pg.stop().await.expect("stop");
    let data = cleanup.data();
    let lock = data.with_file_name("run").join(format!("{SOCKET}.lock"));
    // A dead pid, then a live process that is not postgres (us).
    for pid in [999_999, std::process::id()] {
        let content = format!(
            "{pid}\n{}\n1700000000\n5432\n/nonexistent\n\n  5432001         0\nready   \n",
            data.display()
        );
        fs::write(data.join("postmaster.pid"), &content).expect("write pid file");
        fs::write(&lock, format!("{pid}\n")).expect("write lock");
        let pg = EmbeddedPostgres::start(cleanup.path())
            .await
            .expect("start over a stale pid file");
        assert!(!pg.reused_running_server());
        let client = connect(&pg).await;
        let one: i32 = client
            .query_one("SELECT 1", &[])
            .await
            .expect("SELECT 1")
            .get(0);
        assert_eq!(one, 1);
        drop(client);
        pg.stop().await.expect("stop");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn start_failure_reports_log_tail() {
    let cleanup = Cleanup::new();
    let pg = EmbeddedPostgres::start(cleanup.path())
        .await
        .expect("start");
    pg.stop().await.expect("stop");
    fs::write(
        cleanup.data().join("postgresql.auto.conf"),
        "shared_buffers = 'bogus'\n",
    )
    .expect("write");
    let err = EmbeddedPostgres::start(cleanup.path())
        .await
        .expect_err("must fail");
    let EmbeddedPgError::StartFailed { log_tail, .. } = &err else {
        panic!("unexpected error: {err}");
    };
    eprintln!("{err}");
    assert!(log_tail.contains("shared_buffers"), "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn root_falls_back_to_nobody_and_switches_back() {
    if !is_root() {
        return;
    }
    let cleanup = Cleanup::new();
    let nobody = lookup_user("nobody")
        .expect("lookup")
        .expect("nobody exists");
    let pg =
        EmbeddedPostgres::start_with_users(cleanup.path(), &["procura-no-such-user", "nobody"])
            .await
            .expect("start as nobody");
    assert_eq!(fs::metadata(pg.data_dir()).expect("stat").uid(), nobody.uid);
    let client = connect(&pg).await;
    assert_eq!(show(&client, "listen_addresses").await, "");
    drop(client);
    pg.stop().await.expect("stop");

    // The default choice (postgres if it exists) takes the cluster over.
    let default = pick_user(UNPRIVILEGED_USERS).expect("user");
    let pg = EmbeddedPostgres::start(cleanup.path())
        .await
        .expect("start as default user");
    assert_eq!(
        fs::metadata(pg.data_dir()).expect("stat").uid(),
        default.uid
    );
    let client = connect(&pg).await;
    let one: i32 = client
        .query_one("SELECT 1", &[])
        .await
        .expect("SELECT 1")
        .get(0);
    assert_eq!(one, 1);
    drop(client);
    pg.stop().await.expect("stop");
}

#[tokio::test(flavor = "multi_thread")]
async fn root_without_unprivileged_user_fails() {
    if !is_root() {
        return;
    }
    let cleanup = Cleanup::new();
    let err = EmbeddedPostgres::start_with_users(cleanup.path(), &["procura-no-such-user"])
        .await
        .expect_err("must fail");
    assert!(
        matches!(err, EmbeddedPgError::NoUnprivilegedUser { .. }),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn overlong_socket_path_is_rejected() {
    let cleanup = Cleanup::new();
    let deep = cleanup.path().join("x".repeat(100));
    let err = EmbeddedPostgres::start(&deep).await.expect_err("must fail");
    assert!(
        matches!(err, EmbeddedPgError::InvalidStateDir { .. }),
        "{err}"
    );
}

#[test]
fn database_url_parses_as_unix_socket() {
    let run_dir = PathBuf::from("/var/lib/procura state/postgres/run");
    let pg = EmbeddedPostgres {
        bindir: PathBuf::new(),
        run_as: None,
        root: PathBuf::new(),
        data_dir: PathBuf::new(),
        run_dir: run_dir.clone(),
        log_file: PathBuf::new(),
        reused: false,
    };
    let url = pg.database_url();
    assert_eq!(
        url,
        "postgres://procura@/procura?host=%2Fvar%2Flib%2Fprocura%20state%2Fpostgres%2Frun"
    );
    let config: tokio_postgres::Config = url.parse().expect("parse");
    assert_eq!(
        config.get_hosts(),
        &[tokio_postgres::config::Host::Unix(run_dir)]
    );
    assert_eq!(config.get_ports(), &[] as &[u16]);
    assert_eq!(config.get_user(), Some(DB_USER));
    assert_eq!(config.get_dbname(), Some(DB_NAME));
}

#[test]
fn bindirs_sort_by_numeric_version() {
    let root = tempfile::tempdir().expect("tempdir");
    for name in ["9.6", "10", "16", "15", "notaversion"] {
        fs::create_dir(root.path().join(name)).expect("mkdir");
    }
    let found = versioned_bindirs(root.path(), None);
    let names: Vec<_> = found
        .iter()
        .map(|d| {
            d.parent()
                .and_then(Path::file_name)
                .and_then(|n| n.to_str())
                .unwrap_or("")
        })
        .collect();
    assert_eq!(names, ["16", "15", "10", "9.6"]);
    let preferred = versioned_bindirs(root.path(), Some("15"));
    assert_eq!(preferred.first(), Some(&root.path().join("15/bin")));
    assert_eq!(preferred.get(1), Some(&root.path().join("16/bin")));
}

#[test]
fn missing_binaries_error_says_what_to_install() {
    let err = EmbeddedPgError::BinariesNotFound {
        searched: "PATH (/usr/bin)".into(),
    };
    let text = err.to_string();
    assert!(
        text.contains("PATH (/usr/bin)") && text.contains("`postgresql` package"),
        "{text}"
    );
}

#[test]
fn user_lookup() {
    assert_eq!(lookup_user("root").expect("lookup").map(|u| u.uid), Some(0));
    assert_eq!(lookup_user("procura-no-such-user").expect("lookup"), None);
}
