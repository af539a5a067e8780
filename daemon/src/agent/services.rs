//! What nodes use beyond the database: sources, blob storage and the
//! browser, which starts on first use so a daemon that never browses never
//! starts Chromium.

use std::sync::Arc;

use procura_browser::{BrowserConfig, BrowserPool};
use tokio::sync::OnceCell;

use crate::blobs::BlobStore;
use crate::sources::Sources;

pub struct Services {
    pub sources: Arc<Sources>,
    pub blobs: BlobStore,
    /// Exchange rates for comparing prices across currencies.
    pub rates: procura_common::money::RateTable,
    browser_config: BrowserConfig,
    browser: OnceCell<BrowserPool>,
    search_config: crate::semantic::SearchConfig,
    state_dir: std::path::PathBuf,
    /// Opened on first use; a failure is kept (with its reason) so every
    /// job says why it ranks without meaning, until procurad restarts.
    semantic: OnceCell<Result<crate::semantic::Semantic, String>>,
    /// The model, or none (offline), behind the usage gate (budgets and
    /// rate limits; `models.gate()`).
    pub models: crate::llm::Models,
    /// Who negotiation email is from.
    pub mail: crate::config::MailConfig,
    /// Wakes this daemon's outbox sender when a message is approved here.
    pub outbox_wake: Arc<tokio::sync::Notify>,
}

impl Services {
    /// Everything the nodes share, from the daemon's configuration.
    pub fn new(
        sources: Arc<Sources>,
        blobs: BlobStore,
        models: crate::llm::Models,
        config: &crate::config::Config,
    ) -> Services {
        Services {
            sources,
            blobs,
            rates: config.currency.clone(),
            search_config: config.search.clone(),
            state_dir: config.state_dir.clone(),
            semantic: OnceCell::new(),
            browser_config: config.browser.pool_config(config.state_dir.join("browser")),
            browser: OnceCell::new(),
            models,
            mail: config.mail.clone(),
            outbox_wake: Arc::default(),
        }
    }

    /// The browser pool, started on first call. A failed start is retried
    /// by the next caller.
    ///
    /// Chromium resolves only the hosts of the sources known at that moment
    /// (plus loopback): every other name fails at once, which keeps slow
    /// third-party hosts from holding pages up and the browser off hosts no
    /// source names. A source added later on a new host is visited after
    /// procurad restarts.
    pub async fn browser(&self) -> Result<&BrowserPool, procura_browser::BrowserError> {
        self.browser
            .get_or_try_init(|| async {
                let mut config = self.browser_config.clone();
                if let Some(root) = &config.profile_root {
                    std::fs::create_dir_all(root).map_err(|e| {
                        procura_browser::BrowserError::Config(format!(
                            "cannot create the browser profile dir {}: {e}",
                            root.display()
                        ))
                    })?;
                }
                if config.remote_webdriver.is_none() {
                    let hosts = self
                        .sources
                        .list()
                        .await
                        .iter()
                        .flat_map(|s| [s.base_url.clone(), s.search_url.clone()])
                        .filter_map(|u| url::Url::parse(&u).ok()?.host_str().map(str::to_string))
                        .collect::<Vec<_>>();
                    config.resolvable_hosts = Some(hosts);
                }
                BrowserPool::start(config).await
            })
            .await
    }

    /// Search by meaning, opened on first call; on an index that is new or
    /// was built with another model, every product in Postgres is indexed
    /// first. `Err` says why it is unavailable (e.g. the model is not
    /// fetched); callers go on without it.
    pub async fn semantic(
        &self,
        db: &crate::db::Database,
    ) -> Result<&crate::semantic::Semantic, &str> {
        let opened = self
            .semantic
            .get_or_init(|| async {
                let semantic =
                    crate::semantic::Semantic::open(&self.search_config, &self.state_dir)
                        .await
                        .map_err(|e| e.to_string())?;
                if semantic.needs_reindex {
                    let timings = crate::semantic::reindex(&semantic, db, &self.rates)
                        .await
                        .map_err(|e| e.to_string())?;
                    tracing::info!(%timings, "search index rebuilt from Postgres");
                }
                tracing::info!(index = %semantic.describe(), "search by meaning ready");
                Ok(semantic)
            })
            .await;
        opened.as_ref().map_err(|e| e.as_str())
    }

    /// How `find` fuses its lexical and vector candidates, and the lexical
    /// ranking's share when weighted.
    pub fn fusion(&self) -> (crate::find::Fusion, f32) {
        (self.search_config.fusion, self.search_config.lexical_weight)
    }

    /// What `status` reports for the browser.
    pub fn describe_browser(&self) -> String {
        match self.browser.get() {
            Some(pool) => pool.describe(),
            None => match &self.browser_config.remote_webdriver {
                Some(url) => format!("remote WebDriver {url} (not started yet)"),
                None => format!(
                    "{} via {} ({} sessions, starts on first search)",
                    self.browser_config.chromium.display(),
                    self.browser_config.chromedriver.display(),
                    self.browser_config.sessions
                ),
            },
        }
    }

    pub async fn shutdown(self) {
        if let Some(pool) = self.browser.into_inner() {
            pool.shutdown().await;
        }
    }
}
