//! `procurad`, the Procura daemon, as a library: [`run`] is the whole
//! daemon, so tests start it in a temp dir exactly as the binary does.

pub mod agent;
pub mod blobs;
pub mod browse;
pub mod config;
pub mod db;
pub mod find;
pub mod hub;
pub mod llm;
pub mod logging;
pub mod mail;
pub mod ranking;
pub mod semantic;
pub mod server;
pub mod socket;
pub mod sources;
pub mod usage;

use std::future::Future;
use std::os::unix::fs::DirBuilderExt;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::AtomicU32;
use std::time::{Duration, Instant};

use procura_common::api::Backends;
use tokio_util::sync::CancellationToken;

use crate::agent::runner::Runner;
use crate::config::Config;
use crate::db::Database;
use crate::db::embedded::EmbeddedPostgres;
use crate::hub::Hub;
use crate::server::Shared;

/// How long a stopping daemon lets running nodes finish before it leaves
/// their jobs to lease expiry.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(20);

#[derive(Debug, thiserror::Error)]
pub enum DaemonError {
    #[error(transparent)]
    Config(#[from] config::ConfigError),
    #[error(transparent)]
    Socket(#[from] socket::SocketError),
    #[error("cannot create the state directory {path}: {source}")]
    StateDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the private Postgres cluster failed: {0}")]
    EmbeddedPostgres(#[from] db::embedded::EmbeddedPgError),
    #[error(transparent)]
    Database(#[from] db::DbError),
    #[error(transparent)]
    Sources(#[from] sources::SourcesError),
    #[error("cannot start the demo shops: {0}")]
    Demo(std::io::Error),
    #[error("re-indexing failed: {0}")]
    Reindex(String),
}

/// The demo shops as sources, so a first search finds real results.
fn demo_sources(demo: &procura_demo_shops::DemoShops) -> Vec<procura_common::source::Source> {
    demo.shops()
        .iter()
        .map(|shop| procura_common::source::Source {
            name: shop.name.clone(),
            base_url: shop.base_url.clone(),
            search_url: shop.search_url_template.clone(),
            result_selector: None,
            next_selector: None,
            contact_email: Some(shop.contact_email.clone()),
            currency: Some(shop.currency.clone()),
            // Our own shops, in this process: as many pages at once as the
            // default pool has sessions. Shops a user adds default to one.
            politeness: procura_common::source::Politeness {
                concurrent_pages: 2,
                delay_ms: 0,
            },
            robots: true,
        })
        .collect()
}

/// `procurad reindex`: rebuilds the search index from Postgres, the source
/// of truth. Qdrant Edge belongs to one process, so with the default store
/// procurad must be stopped first (the error says so); a Qdrant server can
/// be re-indexed while procurad runs.
pub async fn reindex(config: Config) -> Result<semantic::IndexTimings, DaemonError> {
    let semantic = semantic::Semantic::open(&config.search, &config.state_dir)
        .await
        .map_err(|e| DaemonError::Reindex(e.to_string()))?;
    let (embedded, url) = match &config.database.url {
        Some(url) => (None, url.clone()),
        None => {
            let pg = EmbeddedPostgres::start(&config.state_dir).await?;
            let url = pg.database_url();
            (Some(pg), url)
        }
    };
    let db = Database::open(&url, 4).await?;
    let outcome = semantic::reindex(&semantic, &db, &config.currency)
        .await
        .map_err(|e| DaemonError::Reindex(e.to_string()));
    drop(db);
    if let Some(pg) = embedded
        && !pg.reused_running_server()
        && let Err(e) = pg.stop().await
    {
        tracing::error!(error = %e, "could not stop the private Postgres cluster");
    }
    outcome
}

/// Runs the daemon until SIGINT or SIGTERM.
pub async fn run(config: Config) -> Result<(), DaemonError> {
    run_until(config, shutdown_signal()).await
}

/// Runs the daemon until `shutdown` completes, then stops cleanly: no new
/// claims, running jobs settled or handed back, private Postgres stopped,
/// socket removed.
pub async fn run_until(
    config: Config,
    shutdown: impl Future<Output = ()>,
) -> Result<(), DaemonError> {
    config.validate()?;
    let started = Instant::now();
    // Private by default; the embedded Postgres widens it to 0711 when it
    // must run as another user.
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(&config.state_dir)
        .map_err(|source| DaemonError::StateDir {
            path: config.state_dir.clone(),
            source,
        })?;
    let listener = socket::bind(&config.socket).await?;
    let socket_path = config.socket.clone();
    let result = serve(config, listener, started, shutdown).await;
    if let Err(e) = std::fs::remove_file(&socket_path) {
        tracing::warn!(socket = %socket_path.display(), error = %e, "could not remove the socket");
    }
    result
}

async fn serve(
    config: Config,
    listener: tokio::net::UnixListener,
    started: Instant,
    shutdown: impl Future<Output = ()>,
) -> Result<(), DaemonError> {
    let (embedded, url, database_label) = match &config.database.url {
        Some(url) => (
            None,
            url.clone(),
            format!("postgres {}", db::redact_url(url)),
        ),
        None => {
            let pg = EmbeddedPostgres::start(&config.state_dir).await?;
            let url = pg.database_url();
            let label = format!(
                "embedded postgres in {}",
                config.state_dir.join("postgres").display()
            );
            (Some(pg), url, label)
        }
    };
    let outcome =
        serve_on_database(&config, listener, started, shutdown, &url, database_label).await;
    if let Some(pg) = embedded
        && let Err(e) = pg.stop().await
    {
        tracing::error!(error = %e, "could not stop the private Postgres cluster");
    }
    outcome
}

async fn serve_on_database(
    config: &Config,
    listener: tokio::net::UnixListener,
    started: Instant,
    shutdown: impl Future<Output = ()>,
    url: &str,
    database_label: String,
) -> Result<(), DaemonError> {
    let daemon_id = format!(
        "{}:{}:{}",
        hostname(),
        std::process::id(),
        &uuid::Uuid::new_v4().simple().to_string()[..8]
    );
    let db = Database::open(url, config.database.pool_size)
        .await?
        .with_origin(&daemon_id);
    // SAFETY: getuid has no preconditions and cannot fail.
    let uid = unsafe { libc::getuid() };
    db.bootstrap_admins(uid).await?;

    let stop = CancellationToken::new();
    let hub = Arc::new(Hub::default());
    let relay = tokio::spawn(hub::relay_notifications(
        db.clone(),
        hub.clone(),
        stop.clone(),
    ));
    let demo = match config.demo {
        true => Some(
            procura_demo_shops::DemoShops::start(std::net::IpAddr::from([127, 0, 0, 1]))
                .await
                .map_err(DaemonError::Demo)?,
        ),
        false => None,
    };
    let demo_sources = demo.as_ref().map(demo_sources).unwrap_or_default();
    let sources = Arc::new(sources::Sources::load(
        &config.sources_path(),
        demo_sources,
    )?);
    let busy = Arc::new(AtomicU32::new(0));
    let blobs = blobs::BlobStore::new(config.state_dir.join("blobs"));
    let gate = usage::UsageGate::new(
        db.clone(),
        usage::Limits::from(&config.llm),
        config.currency.clone(),
    );
    let models = llm::Models::from_config(&config.llm, gate)
        .map_err(|e| DaemonError::Config(config::ConfigError::Invalid(format!("[llm]: {e}"))))?;
    tracing::info!(model = %models.describe(), "language model");
    let services = Arc::new(agent::services::Services::new(
        sources, blobs, models, config,
    ));
    let runner = Runner {
        db: db.clone(),
        hub: hub.clone(),
        config: Arc::new(config.clone()),
        owner: daemon_id.clone(),
        services: services.clone(),
    };
    let mut workers =
        agent::worker::spawn_workers(runner, config.jobs.workers, busy.clone(), stop.clone());
    let transport = mail::transport::Transport::from_config(&config.mail, &config.state_dir)
        .map_err(|e| DaemonError::Config(config::ConfigError::Invalid(e.to_string())))?;
    let email_label = transport.describe();
    let sender = mail::sender::Sender {
        db: db.clone(),
        hub: hub.clone(),
        blobs: services.blobs.clone(),
        owner: daemon_id.clone(),
        transport,
        from: config.mail.from.clone(),
        wake: services.outbox_wake.clone(),
        retry_base: std::time::Duration::from_millis(config.mail.retry_base_ms),
        lease: std::time::Duration::from_millis(config.mail.claim_lease_ms),
    };
    let sender = tokio::spawn(sender.run(stop.clone()));
    let inbox = match &config.mail.imap_url {
        Some(url) => {
            let url = url::Url::parse(url.expose()).map_err(|e| {
                DaemonError::Config(config::ConfigError::Invalid(format!("mail.imap_url: {e}")))
            })?;
            let oauth2_token = match config.mail.imap_auth {
                config::SmtpAuth::Xoauth2 => Some(
                    mail::transport::read_token(
                        "imap_oauth2_token",
                        config.mail.imap_oauth2_token_file.as_deref(),
                    )
                    .map_err(|e| {
                        DaemonError::Config(config::ConfigError::Invalid(format!(
                            "mail.imap_auth = \"xoauth2\" needs an access token: the systemd credential imap_oauth2_token or mail.imap_oauth2_token_file ({e})"
                        )))
                    })?,
                ),
                config::SmtpAuth::Password => None,
            };
            let inbox = mail::inbox::Inbox {
                oauth2_token,
                ca_file: config.mail.ca_file.clone(),
                db: db.clone(),
                hub: hub.clone(),
                services: services.clone(),
                url,
                folder: config.mail.imap_folder.clone(),
                poll: std::time::Duration::from_millis(config.mail.imap_poll_ms),
            };
            Some(tokio::spawn(inbox.run(stop.clone())))
        }
        None => None,
    };
    let shared = Arc::new(Shared {
        db,
        hub,
        daemon_id: daemon_id.clone(),
        started,
        workers: config.jobs.workers,
        busy,
        backends: Backends {
            database: database_label,
            browser: String::new(),
            vector: "none".into(),
            llm: "offline".into(),
            email: email_label,
        },
        queue_counts: Default::default(),
        services: services.clone(),
    });
    let accept = tokio::spawn(socket::serve(listener, shared, stop.clone()));
    tracing::info!(
        daemon = %daemon_id,
        socket = %config.socket.display(),
        workers = config.jobs.workers,
        ready_ms = started.elapsed().as_millis() as u64,
        "procurad ready"
    );

    shutdown.await;
    tracing::info!("stopping: no new claims; settling running jobs");
    stop.cancel();
    let _ = accept.await;
    let drained = tokio::time::timeout(SHUTDOWN_GRACE, async {
        while workers.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        tracing::warn!("running jobs did not settle in time; their leases will expire");
        workers.abort_all();
    }
    let _ = relay.await;
    let _ = sender.await;
    if let Some(inbox) = inbox {
        let _ = inbox.await;
    }
    if let Ok(services) = Arc::try_unwrap(services) {
        services.shutdown().await;
    }
    if let Some(demo) = demo {
        demo.shutdown().await;
    }
    tracing::info!("procurad stopped");
    Ok(())
}

fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_string())
        .ok()
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".to_string())
}

/// Completes on SIGINT or SIGTERM.
pub async fn shutdown_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = match signal(SignalKind::terminate()) {
        Ok(s) => s,
        Err(e) => {
            tracing::error!(error = %e, "cannot listen for SIGTERM; only SIGINT stops procurad");
            let _ = tokio::signal::ctrl_c().await;
            return;
        }
    };
    tokio::select! {
        _ = term.recv() => tracing::info!("SIGTERM received"),
        _ = tokio::signal::ctrl_c() => tracing::info!("SIGINT received"),
    }
}
