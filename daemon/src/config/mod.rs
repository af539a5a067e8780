//! procurad's configuration: a TOML file, then `PROCURA_*` environment
//! variables, then command-line flags, each overriding the one before.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

mod llm;
mod mail;

pub use llm::{ApiKey, LlmConfig};
pub use mail::{MailConfig, SmtpAuth, SmtpUrl};

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("config file {path} is invalid: {message}")]
    Parse { path: PathBuf, message: String },
    #[error("environment variable {name}={value:?} is invalid: {message}")]
    Env {
        name: String,
        value: String,
        message: String,
    },
    #[error("invalid configuration: {0}")]
    Invalid(String),
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Where procurad keeps its private database and files.
    pub state_dir: PathBuf,
    /// The unix socket clients connect to.
    pub socket: PathBuf,
    /// The vendor sources file (default: `STATE_DIR/sources.toml`).
    pub sources_file: Option<PathBuf>,
    /// Serve the demo shops on loopback and search them by default.
    pub demo: bool,
    pub database: DatabaseConfig,
    pub jobs: JobsConfig,
    pub agent: AgentConfig,
    pub browser: BrowserSection,
    /// Exchange rates by day (no network): `base` and `[currency.rates."DAY"]`
    /// tables of units per one base unit. Defaults: EUR-based rates dated
    /// 2026-11-02 (see `procura_common::money`).
    pub currency: procura_common::money::RateTable,
    /// Search by meaning: the embedder and the vector store.
    pub search: crate::semantic::SearchConfig,
    /// Model calls.
    pub llm: LlmConfig,
    /// Negotiation email.
    pub mail: MailConfig,
    /// procurad's own log files.
    pub logs: crate::logging::LogsConfig,
}

/// The browser pool. Unset fields take the embedded defaults: Debian's
/// chromium and chromedriver, two sessions.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BrowserSection {
    pub sessions: usize,
    /// A remote WebDriver (Selenium Grid) instead of a local chromedriver.
    pub webdriver_url: Option<String>,
    pub chromium: PathBuf,
    pub chromedriver: PathBuf,
    /// Budget for one page to reach DOM-ready.
    pub page_timeout_ms: u64,
    /// Cap on a page's HTML.
    pub max_page_bytes: usize,
    /// Retries of a page on a fresh browser after the browser failed.
    pub retries: u32,
}

impl Default for BrowserSection {
    fn default() -> Self {
        let d = procura_browser::BrowserConfig::default();
        BrowserSection {
            sessions: d.sessions,
            webdriver_url: None,
            chromium: d.chromium,
            chromedriver: d.chromedriver,
            page_timeout_ms: d.page_timeout.as_millis() as u64,
            max_page_bytes: d.max_page_bytes,
            retries: d.retries,
        }
    }
}

impl BrowserSection {
    pub fn pool_config(&self, profile_root: PathBuf) -> procura_browser::BrowserConfig {
        procura_browser::BrowserConfig {
            sessions: self.sessions,
            remote_webdriver: self.webdriver_url.clone(),
            chromium: self.chromium.clone(),
            chromedriver: self.chromedriver.clone(),
            page_timeout: Duration::from_millis(self.page_timeout_ms),
            max_page_bytes: self.max_page_bytes,
            retries: self.retries,
            profile_root: Some(profile_root),
            ..procura_browser::BrowserConfig::default()
        }
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DatabaseConfig {
    /// Any Postgres URL. Unset: a private cluster in the state dir.
    pub url: Option<String>,
    pub pool_size: u32,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct JobsConfig {
    /// Jobs this daemon runs at once.
    pub workers: u32,
    /// How long a claim holds a job without a heartbeat. A job whose daemon
    /// died is claimed again this long after its last heartbeat.
    pub lease_ms: u64,
    /// Claims after which a job that keeps being interrupted is failed.
    pub max_attempts: i32,
    /// How often idle workers look for jobs whose lease expired; new jobs
    /// wake them at once through NOTIFY.
    pub poll_ms: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AgentConfig {
    /// A pause after each agent step, so an operator (or a crash test) can
    /// follow a job step by step. 0 runs at full speed.
    pub step_delay_ms: u64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            state_dir: default_state_dir(),
            socket: procura_common::transport::default_socket_path(),
            sources_file: None,
            demo: false,
            database: DatabaseConfig::default(),
            jobs: JobsConfig::default(),
            agent: AgentConfig::default(),
            browser: BrowserSection::default(),
            currency: procura_common::money::RateTable::default(),
            search: crate::semantic::SearchConfig::default(),
            llm: LlmConfig::default(),
            mail: MailConfig::default(),
            logs: crate::logging::LogsConfig::default(),
        }
    }
}

impl Default for DatabaseConfig {
    fn default() -> Self {
        DatabaseConfig {
            url: None,
            pool_size: 16,
        }
    }
}

impl Default for JobsConfig {
    fn default() -> Self {
        JobsConfig {
            workers: 4,
            lease_ms: 15_000,
            max_attempts: 5,
            poll_ms: 1_000,
        }
    }
}

impl JobsConfig {
    pub fn lease(&self) -> Duration {
        Duration::from_millis(self.lease_ms)
    }

    /// Renew three times per lease so one slow heartbeat does not lose it.
    pub fn heartbeat(&self) -> Duration {
        Duration::from_millis((self.lease_ms / 3).max(50))
    }
}

/// The systemd `STATE_DIRECTORY` when run as a service; `/var/lib/procura`
/// for root, because the private Postgres runs as an unprivileged user that
/// must be able to reach it (it cannot enter `/root`); else
/// `$XDG_STATE_HOME/procura`, else `~/.local/state/procura`.
pub fn default_state_dir() -> PathBuf {
    if let Some(dir) = procura_common::transport::systemd_directory("STATE_DIRECTORY") {
        return dir;
    }
    // SAFETY: geteuid has no preconditions and cannot fail.
    if unsafe { libc::geteuid() } == 0 {
        return PathBuf::from("/var/lib/procura");
    }
    if let Some(dir) = std::env::var_os("XDG_STATE_HOME").filter(|d| !d.is_empty()) {
        return Path::new(&dir).join("procura");
    }
    if let Some(home) = std::env::var_os("HOME").filter(|d| !d.is_empty()) {
        return Path::new(&home).join(".local/state/procura");
    }
    PathBuf::from("/var/lib/procura")
}

impl Config {
    /// Reads the file (if given), then applies environment overrides.
    pub fn load(file: Option<&Path>) -> Result<Config, ConfigError> {
        let mut config = match file {
            Some(path) => Config::from_file(path)?,
            None => Config::default(),
        };
        config.apply_env(|name| std::env::var(name).ok())?;
        config.validate()?;
        Ok(config)
    }

    pub fn from_file(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        toml::from_str(&text).map_err(|e| ConfigError::Parse {
            path: path.to_path_buf(),
            message: e.to_string(),
        })
    }

    pub fn apply_env(&mut self, get: impl Fn(&str) -> Option<String>) -> Result<(), ConfigError> {
        fn parse<T: std::str::FromStr>(name: &str, value: String) -> Result<T, ConfigError>
        where
            T::Err: std::fmt::Display,
        {
            value.parse().map_err(|e: T::Err| ConfigError::Env {
                name: name.to_string(),
                value: value.clone(),
                message: e.to_string(),
            })
        }
        let get = |name: &str| get(name).filter(|v| !v.is_empty());
        if let Some(v) = get("PROCURA_STATE_DIR") {
            self.state_dir = PathBuf::from(v);
        }
        if let Some(v) = get("PROCURA_SOCKET") {
            self.socket = PathBuf::from(v);
        }
        if let Some(v) = get("PROCURA_DATABASE_URL") {
            self.database.url = Some(v);
        }
        if let Some(v) = get("PROCURA_WORKERS") {
            self.jobs.workers = parse("PROCURA_WORKERS", v)?;
        }
        if let Some(v) = get("PROCURA_LEASE_MS") {
            self.jobs.lease_ms = parse("PROCURA_LEASE_MS", v)?;
        }
        if let Some(v) = get("PROCURA_PAGE_TIMEOUT_MS") {
            self.browser.page_timeout_ms = parse("PROCURA_PAGE_TIMEOUT_MS", v)?;
        }
        if let Some(v) = get("PROCURA_DEMO") {
            self.demo = parse::<bool>("PROCURA_DEMO", v)?;
        }
        if let Some(v) = get("PROCURA_STEP_DELAY_MS") {
            self.agent.step_delay_ms = parse("PROCURA_STEP_DELAY_MS", v)?;
        }
        if let Some(v) = get("PROCURA_EMBEDDINGS_URL") {
            self.search.embeddings_url = Some(v);
        }
        if let Some(v) = get("PROCURA_EMBEDDINGS_MODEL") {
            self.search.embeddings_model = v;
        }
        if let Some(v) = get("PROCURA_SEARCH_FUSION") {
            self.search.fusion = parse("PROCURA_SEARCH_FUSION", v)?;
        }
        if let Some(v) = get("PROCURA_SEARCH_LEXICAL_WEIGHT") {
            self.search.lexical_weight = parse("PROCURA_SEARCH_LEXICAL_WEIGHT", v)?;
        }
        if let Some(v) = get("PROCURA_LOGS_DIR") {
            self.logs.dir = Some(PathBuf::from(v));
        }
        if let Some(v) = get("PROCURA_LOGS_KEEP_DAYS") {
            self.logs.keep_days = parse("PROCURA_LOGS_KEEP_DAYS", v)?;
        }
        if let Some(v) = get("PROCURA_MAIL_FROM") {
            self.mail.from = v.trim().to_string();
        }
        if let Some(v) = get("PROCURA_SMTP_URL") {
            self.mail.smtp_url = Some(SmtpUrl(v.trim().to_string())).filter(|u| !u.0.is_empty());
        }
        if let Some(v) = get("PROCURA_SMTP_AUTH") {
            self.mail.smtp_auth = parse("PROCURA_SMTP_AUTH", v)?;
        }
        if let Some(v) = get("PROCURA_MAIL_RETRY_BASE_MS") {
            self.mail.retry_base_ms = parse("PROCURA_MAIL_RETRY_BASE_MS", v)?;
        }
        if let Some(v) = get("PROCURA_IMAP_URL") {
            self.mail.imap_url = Some(SmtpUrl(v.trim().to_string())).filter(|u| !u.0.is_empty());
        }
        if let Some(v) = get("PROCURA_MAIL_CA_FILE") {
            self.mail.ca_file = Some(PathBuf::from(v));
        }
        if let Some(v) = get("PROCURA_IMAP_FOLDER") {
            self.mail.imap_folder = v.trim().to_string();
        }
        if let Some(v) = get("PROCURA_IMAP_POLL_MS") {
            self.mail.imap_poll_ms = parse("PROCURA_IMAP_POLL_MS", v)?;
        }
        if let Some(v) = get("PROCURA_MAIL_LEASE_MS") {
            self.mail.claim_lease_ms = parse("PROCURA_MAIL_LEASE_MS", v)?;
        }
        if let Some(v) = get("PROCURA_OUTBOX_DIR") {
            self.mail.outbox_dir = Some(PathBuf::from(v));
        }
        if let Some(v) = get("PROCURA_MAIL_ORGANIZATION") {
            self.mail.organization = Some(v.trim().to_string()).filter(|v| !v.is_empty());
        }
        if let Some(v) = get("PROCURA_LLM_BASE_URL") {
            self.llm.base_url = Some(v);
        }
        if let Some(v) = get("PROCURA_LLM_API_KEY") {
            self.llm.api_key = Some(ApiKey(v));
            self.llm.api_key_from_env = true;
        }
        if let Some(v) = get("PROCURA_LLM_MODEL") {
            self.llm.model = v;
        }
        for (name, slot) in [
            ("PROCURA_LLM_PLAN_MODEL", &mut self.llm.plan_model),
            ("PROCURA_LLM_VISION_MODEL", &mut self.llm.vision_model),
            ("PROCURA_LLM_DRAFT_MODEL", &mut self.llm.draft_model),
            ("PROCURA_LLM_REPLY_MODEL", &mut self.llm.reply_model),
        ] {
            if let Some(v) = get(name) {
                *slot = Some(v).filter(|m| !m.trim().is_empty());
            }
        }
        if let Some(v) = get("PROCURA_LLM_OFFLINE_TASKS") {
            self.llm.offline_tasks = v
                .split(',')
                .map(|t| t.trim().to_string())
                .filter(|t| !t.is_empty())
                .collect();
        }
        if let Some(v) = get("PROCURA_LLM_TIMEOUT_MS") {
            self.llm.timeout_ms = parse("PROCURA_LLM_TIMEOUT_MS", v)?;
        }
        if let Some(v) = get("PROCURA_LLM_MONTHLY_BUDGET") {
            self.llm.monthly_budget = Some(parse("PROCURA_LLM_MONTHLY_BUDGET", v)?);
        }
        if let Some(v) = get("PROCURA_LLM_BUDGET_CURRENCY") {
            self.llm.budget_currency = v.trim().to_ascii_uppercase();
        }
        if let Some(v) = get("PROCURA_LLM_REQUESTS_PER_MINUTE") {
            self.llm.requests_per_minute = Some(parse("PROCURA_LLM_REQUESTS_PER_MINUTE", v)?);
        }
        if let Some(v) = get("PROCURA_LLM_ON_BUDGET_EXHAUSTED") {
            self.llm.on_budget_exhausted = parse("PROCURA_LLM_ON_BUDGET_EXHAUSTED", v)?;
        }
        Ok(())
    }

    pub fn sources_path(&self) -> PathBuf {
        self.sources_file
            .clone()
            .unwrap_or_else(|| self.state_dir.join("sources.toml"))
    }

    pub fn validate(&self) -> Result<(), ConfigError> {
        self.llm.validate()?;
        self.mail.validate()?;
        self.currency
            .validate()
            .map_err(|e| ConfigError::Invalid(format!("[currency]: {e}")))?;
        if !(0.0..=1.0).contains(&self.search.lexical_weight) {
            return Err(ConfigError::Invalid(format!(
                "search.lexical_weight must be between 0 and 1, not {}",
                self.search.lexical_weight
            )));
        }
        if self.jobs.workers == 0 || self.jobs.workers > 256 {
            return Err(ConfigError::Invalid(format!(
                "jobs.workers must be between 1 and 256, not {}",
                self.jobs.workers
            )));
        }
        if self.jobs.lease_ms < 200 {
            return Err(ConfigError::Invalid(format!(
                "jobs.lease_ms must be at least 200, not {}",
                self.jobs.lease_ms
            )));
        }
        if self.jobs.max_attempts < 1 {
            return Err(ConfigError::Invalid(
                "jobs.max_attempts must be at least 1".into(),
            ));
        }
        if self.browser.sessions == 0 || self.browser.sessions > 16 {
            return Err(ConfigError::Invalid(
                "browser.sessions must be between 1 and 16".into(),
            ));
        }
        if self.database.pool_size < 2 {
            return Err(ConfigError::Invalid(
                "database.pool_size must be at least 2".into(),
            ));
        }
        if let Some(url) = &self.database.url
            && !(url.starts_with("postgres://") || url.starts_with("postgresql://"))
        {
            return Err(ConfigError::Invalid(
                "database.url must start with postgres:// or postgresql://".into(),
            ));
        }
        // sun_path holds 108 bytes including the NUL.
        if self.socket.as_os_str().len() > 107 {
            return Err(ConfigError::Invalid(format!(
                "socket path {} is longer than the 107 bytes a unix socket allows",
                self.socket.display()
            )));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_readme_example_is_a_valid_config() {
        let readme = include_str!("../../../README.md");
        let start = readme.find("```toml\n").expect("README has a toml example") + 8;
        let end = start + readme[start..].find("```").expect("closed");
        let config: Config =
            toml::from_str(&readme[start..end]).expect("the README's config parses");
        config.validate().expect("and is valid");
        assert_eq!(config.browser.sessions, 2);
        assert!(!config.demo);
    }

    #[test]
    fn file_env_and_validation() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("procurad.toml");
        std::fs::write(
            &path,
            "state_dir = \"/srv/procura\"\n[jobs]\nworkers = 8\n[database]\nurl = \"postgres://db/procura\"\n",
        )
        .unwrap();
        let mut config = Config::from_file(&path).unwrap();
        assert_eq!(config.jobs.workers, 8);
        assert_eq!(config.state_dir, PathBuf::from("/srv/procura"));
        config
            .apply_env(|n| (n == "PROCURA_WORKERS").then(|| "3".to_string()))
            .unwrap();
        assert_eq!(config.jobs.workers, 3);
        config.validate().unwrap();

        let err = config
            .apply_env(|n| (n == "PROCURA_WORKERS").then(|| "many".to_string()))
            .unwrap_err();
        assert!(err.to_string().contains("PROCURA_WORKERS"), "{err}");

        std::fs::write(&path, "[jobs]\nwokers = 8\n").unwrap();
        let err = Config::from_file(&path).unwrap_err().to_string();
        assert!(err.contains("wokers"), "{err}");
    }

    #[test]
    fn llm_budget_and_rate_limit_from_file_and_env() {
        use procura_common::usage::OnBudgetExhausted;
        let mut config: Config = toml::from_str(
            "[llm]\nmonthly_budget = \"50.00\"\nbudget_currency = \"EUR\"\n\
             requests_per_minute = 60\non_budget_exhausted = \"pause\"\n",
        )
        .unwrap();
        config.validate().unwrap();
        assert_eq!(
            config.llm.monthly_budget,
            Some(rust_decimal::Decimal::new(50, 0))
        );
        assert_eq!(config.llm.budget_currency, "EUR");
        assert_eq!(config.llm.requests_per_minute, Some(60));
        assert_eq!(config.llm.on_budget_exhausted, OnBudgetExhausted::Pause);
        assert_eq!(Config::default().llm.budget_currency, "USD");
        assert_eq!(Config::default().llm.monthly_budget, None);

        let env = |name: &str| {
            let v = match name {
                "PROCURA_LLM_MONTHLY_BUDGET" => "12.5",
                "PROCURA_LLM_BUDGET_CURRENCY" => "gbp",
                "PROCURA_LLM_REQUESTS_PER_MINUTE" => "20",
                "PROCURA_LLM_ON_BUDGET_EXHAUSTED" => "offline",
                "PROCURA_LLM_VISION_MODEL" => "gpt-4o",
                _ => return None,
            };
            Some(v.to_string())
        };
        config.apply_env(env).unwrap();
        config.validate().unwrap();
        assert_eq!(
            config.llm.monthly_budget,
            Some(rust_decimal::Decimal::new(125, 1))
        );
        assert_eq!(config.llm.budget_currency, "GBP");
        assert_eq!(config.llm.requests_per_minute, Some(20));
        assert_eq!(config.llm.on_budget_exhausted, OnBudgetExhausted::Offline);
        assert_eq!(config.llm.vision_model.as_deref(), Some("gpt-4o"));

        let err = config
            .apply_env(|n| (n == "PROCURA_LLM_ON_BUDGET_EXHAUSTED").then(|| "stop".into()))
            .unwrap_err()
            .to_string();
        assert!(err.contains("PROCURA_LLM_ON_BUDGET_EXHAUSTED"), "{err}");
        for bad in [
            "[llm]\nmonthly_budget = \"-1\"\n",
            "[llm]\nbudget_currency = \"dollars\"\n",
            "[llm]\nrequests_per_minute = 0\n",
        ] {
            let c: Config = toml::from_str(bad).unwrap();
            assert!(c.validate().is_err(), "{bad}");
        }
        assert!(toml::from_str::<Config>("[llm]\non_budget_exhausted = \"stop\"\n").is_err());
    }
}
