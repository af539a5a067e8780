//! The bounded pool: a semaphore of `sessions` permits over a list of browser slots. A slot
//! holds a live [`Browser`] or nothing (started again on its next use).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use tracing::Instrument as _;
use url::Url;

use crate::error::{BrowserError, VisitError};
use crate::session::{Attempt, Browser};
use crate::{BrowserConfig, PageCapture};

type Slots = Mutex<Vec<Option<Browser>>>;

/// The daemon's browser pool. See the crate docs.
pub struct BrowserPool {
    config: Arc<BrowserConfig>,
    permits: Semaphore,
    slots: Slots,
    version: String,
    restarts: AtomicU64,
}

impl std::fmt::Debug for BrowserPool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.describe())
    }
}

impl BrowserPool {
    /// Check the configuration and start every session (locally: one chromedriver and one
    /// Chromium each), so a missing binary or a dead Grid shows at start.
    pub async fn start(config: BrowserConfig) -> Result<BrowserPool, BrowserError> {
        validate(&config)?;
        let config = Arc::new(config);
        let mut starting = JoinSet::new();
        for _ in 0..config.sessions {
            let config = Arc::clone(&config);
            starting.spawn(async move { Browser::start(&config).await });
        }
        let mut browsers = Vec::with_capacity(config.sessions);
        let mut failure = None;
        while let Some(joined) = starting.join_next().await {
            match joined {
                Ok(Ok(browser)) => browsers.push(Some(browser)),
                Ok(Err(e)) => failure = Some(e),
                Err(e) => failure = Some(BrowserError::Config(format!("start task failed: {e}"))),
            }
        }
        if let Some(e) = failure {
            return Err(e); // the browsers already started are killed as they drop
        }
        let version = browsers
            .first()
            .and_then(|b| b.as_ref())
            .map(Browser::version)
            .unwrap_or_default();
        let pool = BrowserPool {
            permits: Semaphore::new(config.sessions),
            slots: Mutex::new(browsers),
            version,
            restarts: AtomicU64::new(0),
            config,
        };
        tracing::info!(pool = %pool.describe(), "browser pool started");
        Ok(pool)
    }

    /// Visit `url`: navigate (only to an allowed `http(s)` URL), wait for DOM-ready within the
    /// page budget, check that the final URL (after redirects) is still allowed, and capture
    /// the rendered HTML, title and full-page screenshot. A browser that fails on the way is
    /// replaced and the page retried, at most `retries` times.
    pub async fn visit(
        &self,
        url: &str,
        allow: &(dyn Fn(&Url) -> bool + Send + Sync),
    ) -> Result<PageCapture, VisitError> {
        let span = tracing::info_span!("visit", url);
        self.visit_inner(url, allow).instrument(span).await
    }

    async fn visit_inner(
        &self,
        url: &str,
        allow: &(dyn Fn(&Url) -> bool + Send + Sync),
    ) -> Result<PageCapture, VisitError> {
        let started = Instant::now();
        let requested = check_request(url, allow, &self.config)?;
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|_| VisitError::ShutDown {
                url: url.to_owned(),
            })?;
        let mut lease = Lease::take(&self.slots);
        let mut last_failure = String::new();
        let mut start_error = None;
        for attempt in 1..=self.config.retries.saturating_add(1) {
            if lease.browser.is_none() {
                match Browser::start(&self.config).await {
                    Ok(browser) => lease.browser = Some(browser),
                    Err(e) => {
                        tracing::warn!(attempt, error = %e, "cannot start a browser");
                        start_error = Some(e);
                        continue;
                    }
                }
            }
            let Some(browser) = lease.browser.as_ref() else {
                continue;
            };
            let attempt_span = tracing::debug_span!("attempt", n = attempt);
            let outcome = browser
                .visit_once(&requested, allow, &self.config)
                .instrument(attempt_span);
            match outcome.await {
                Ok(mut capture) => {
                    capture.attempts = attempt;
                    capture.elapsed = started.elapsed();
                    tracing::debug!(
                        elapsed_ms = capture.elapsed.as_millis() as u64,
                        html_bytes = capture.html.len(),
                        png_bytes = capture.screenshot_png.len(),
                        stopped_early = capture.stopped_early,
                        "page captured"
                    );
                    return Ok(capture);
                }
                Err(Attempt::Page(e)) => return Err(e),
                Err(Attempt::Broken(reason)) => {
                    tracing::warn!(attempt, %reason, "browser failed; replacing it");
                    self.restarts.fetch_add(1, Ordering::Relaxed);
                    lease.browser = None; // kills the driver's process group
                    last_failure = reason;
                    start_error = None;
                }
            }
        }
        let url = url.to_owned();
        Err(match start_error {
            Some(source) => VisitError::Unavailable { url, source },
            None => VisitError::BrowserFailed {
                url,
                attempts: self.config.retries.saturating_add(1),
                reason: last_failure,
            },
        })
    }

    /// End every session and kill every process the pool started.
    pub async fn shutdown(self) {
        self.permits.close();
        let browsers: Vec<Browser> = lock(&self.slots).drain(..).flatten().collect();
        let limit = self.config.command_timeout;
        let mut closing = JoinSet::new();
        for browser in browsers {
            closing.spawn(browser.close(limit));
        }
        while closing.join_next().await.is_some() {}
        tracing::info!("browser pool shut down");
    }

    /// One line for status screens, e.g. "chromium 156.0.8078.108 via chromedriver
    /// (2 sessions)".
    pub fn describe(&self) -> String {
        let via = match &self.config.remote_webdriver {
            Some(url) => format!("remote WebDriver {url}"),
            None => "chromedriver".to_owned(),
        };
        let n = self.config.sessions;
        let s = if n == 1 { "" } else { "s" };
        format!("{} via {via} ({n} session{s})", self.version)
    }

    /// How many pages can be open at once.
    pub fn sessions(&self) -> usize {
        self.config.sessions
    }

    /// How many times a browser was killed and replaced since the pool started.
    pub fn restarts(&self) -> u64 {
        self.restarts.load(Ordering::Relaxed)
    }

    /// The pids of the local chromedrivers of idle sessions (each also the process group of
    /// its Chromium). Empty for a remote endpoint.
    pub fn driver_pids(&self) -> Vec<u32> {
        lock(&self.slots)
            .iter()
            .flatten()
            .filter_map(Browser::driver_pid)
            .collect()
    }
}

/// A slot taken from the pool for one visit; it goes back (live or empty) when dropped, also
/// when the visit's future is cancelled.
struct Lease<'a> {
    slots: &'a Slots,
    browser: Option<Browser>,
}

impl<'a> Lease<'a> {
    fn take(slots: &'a Slots) -> Self {
        // Prefer a live browser; the semaphore guarantees a slot is there.
        let mut list = lock(slots);
        let index = list.iter().position(Option::is_some).unwrap_or(0);
        let browser = if list.is_empty() {
            None
        } else {
            list.swap_remove(index)
        };
        Lease { slots, browser }
    }
}

impl Drop for Lease<'_> {
    fn drop(&mut self) {
        lock(self.slots).push(self.browser.take());
    }
}

fn lock(slots: &Slots) -> std::sync::MutexGuard<'_, Vec<Option<Browser>>> {
    slots.lock().unwrap_or_else(PoisonError::into_inner)
}

fn validate(config: &BrowserConfig) -> Result<(), BrowserError> {
    let bad = |m: String| Err(BrowserError::Config(m));
    if config.sessions == 0 {
        return bad("sessions must be at least 1".into());
    }
    if config.window.0 == 0 || config.window.1 == 0 {
        return bad("the window size must not be zero".into());
    }
    if config.page_timeout.is_zero() || config.command_timeout.is_zero() {
        return bad("timeouts must not be zero".into());
    }
    for host in config.resolvable_hosts.iter().flatten() {
        let ok = !host.is_empty()
            && host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '*' | '_'));
        if !ok {
            return bad(format!(
                "resolvable host {host:?} is not a host name or *.pattern"
            ));
        }
    }
    match &config.remote_webdriver {
        Some(remote) => {
            if Url::parse(remote)
                .map(|u| !matches!(u.scheme(), "http" | "https"))
                .unwrap_or(true)
            {
                return bad(format!("remote WebDriver {remote:?} is not an http(s) URL"));
            }
        }
        None => {
            for (what, path) in [
                ("chromium", &config.chromium),
                ("chromedriver", &config.chromedriver),
            ] {
                if !path.is_file() {
                    let hint = "install Debian's chromium and chromium-driver";
                    return bad(format!("{what} not found at {} ({hint})", path.display()));
                }
            }
        }
    }
    Ok(())
}

/// Refuse before any browser work: a URL that does not parse, is not `http(s)` (no
/// `file://`, `data:`, `javascript:`, `chrome:`), is not allowed by the caller, or whose host
/// the browser is configured not to resolve.
fn check_request(
    url: &str,
    allow: &(dyn Fn(&Url) -> bool + Send + Sync),
    config: &BrowserConfig,
) -> Result<Url, VisitError> {
    let parsed = Url::parse(url).map_err(|e| VisitError::InvalidUrl {
        url: url.to_owned(),
        reason: e.to_string(),
    })?;
    let refuse = |reason: String| {
        Err(VisitError::NotAllowed {
            url: url.to_owned(),
            reason,
        })
    };
    if !matches!(parsed.scheme(), "http" | "https") {
        return refuse(format!("scheme {}: is not http(s)", parsed.scheme()));
    }
    let Some(host) = parsed.host_str() else {
        return refuse("no host".into());
    };
    if !allow(&parsed) {
        return refuse(format!("host {host} is not allowed"));
    }
    if let Some(hosts) = &config.resolvable_hosts
        && !resolvable(host, hosts)
    {
        return refuse(format!(
            "host {host} is not in the browser's resolvable_hosts"
        ));
    }
    Ok(parsed)
}

/// Whether `host` passes the `--host-resolver-rules` the pool gave Chromium.
fn resolvable(host: &str, hosts: &[String]) -> bool {
    let host = host.to_ascii_lowercase();
    host == "localhost"
        || host == "127.0.0.1"
        || hosts.iter().any(|pattern| {
            let pattern = pattern.to_ascii_lowercase();
            match pattern.strip_prefix('*') {
                Some(suffix) => host.ends_with(suffix),
                None => host == pattern,
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn any(_: &Url) -> bool {
        true
    }

    #[test]
    fn requests_outside_http_or_the_allow_list_are_refused() {
        let config = BrowserConfig::default();
        for url in [
            "file:///etc/passwd",
            "data:text/html,x",
            "javascript:alert(1)",
            "chrome://settings",
        ] {
            let err = check_request(url, &any, &config).unwrap_err();
            assert!(matches!(err, VisitError::NotAllowed { .. }), "{url}: {err}");
            assert_eq!(err.url(), url);
        }
        let only_shop = |u: &Url| u.host_str() == Some("127.0.0.1");
        assert!(check_request("http://127.0.0.1:8080/p", &only_shop, &config).is_ok());
        let err = check_request("http://localhost:8080/p", &only_shop, &config).unwrap_err();
        assert!(
            err.to_string().contains("localhost is not allowed"),
            "{err}"
        );
        assert!(matches!(
            check_request("not a url", &any, &config),
            Err(VisitError::InvalidUrl { .. })
        ));
    }

    #[test]
    fn resolvable_hosts_follow_the_resolver_rules() {
        let hosts = vec!["shop.example".to_owned(), "*.cdn.example".to_owned()];
        assert!(resolvable("127.0.0.1", &hosts));
        assert!(resolvable("Shop.Example", &hosts));
        assert!(resolvable("img.cdn.example", &hosts));
        assert!(!resolvable("cdn.example", &hosts));
        assert!(!resolvable("169.254.169.254", &hosts));
        let config = BrowserConfig {
            resolvable_hosts: Some(hosts),
            ..Default::default()
        };
        assert!(check_request("http://shop.example/", &any, &config).is_ok());
        let err = check_request("http://cdn.example/", &any, &config).unwrap_err();
        assert!(err.to_string().contains("resolvable_hosts"), "{err}");
    }

    #[test]
    fn bad_configs_are_named() {
        let mut config = BrowserConfig {
            sessions: 0,
            ..Default::default()
        };
        assert!(
            validate(&config)
                .unwrap_err()
                .to_string()
                .contains("sessions")
        );
        config.sessions = 1;
        config.resolvable_hosts = Some(vec!["a.example, MAP * 10.0.0.1".into()]);
        assert!(
            validate(&config)
                .unwrap_err()
                .to_string()
                .contains("resolvable host")
        );
        config.resolvable_hosts = None;
        config.chromedriver = "/nonexistent/chromedriver".into();
        assert!(
            validate(&config)
                .unwrap_err()
                .to_string()
                .contains("chromedriver not found")
        );
        config.remote_webdriver = Some("file:///tmp/x".into());
        assert!(
            validate(&config)
                .unwrap_err()
                .to_string()
                .contains("remote WebDriver")
        );
    }
}
