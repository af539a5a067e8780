//! One browser: a WebDriver session (and, locally, the chromedriver + Chromium behind it),
//! and the steps of one visit on it.

use std::path::Path;
use std::time::Duration;

use base64::Engine as _;
use serde_json::{Value, json};
use thirtyfour::error::WebDriverErrorInner as E;
use thirtyfour::prelude::*;
use thirtyfour::{ChromeCapabilities, PageLoadStrategy};
use url::Url;

use crate::driver::DriverProcess;
use crate::error::{BrowserError, VisitError};
use crate::{BrowserConfig, PageCapture};

/// Replaces the JavaScript dialogs (and `print`) before any page script runs, so an alert
/// loop cannot stall the session; the `dismiss` prompt behaviour backs this up.
const NO_DIALOGS: &str = "(() => { const w = window; w.alert = () => {}; \
    w.confirm = () => false; w.prompt = () => null; w.print = () => {}; \
    Object.defineProperty(w, 'onbeforeunload', { set() {}, get() { return null; } }); })();";

/// Marks the document as captured (see the stale check in `visit_once`) and reads the
/// rendered page in one round trip: doctype + `outerHTML` (cut at `arguments[0]`
/// UTF-16 units before it leaves the browser), its full length, the title and the document
/// size for the full-page screenshot.
const CAPTURE_SCRIPT: &str = "window.__procuraCaptured = true; \
    const max = arguments[0]; const d = document; \
    const dt = d.doctype; let head = ''; \
    if (dt) { head = '<!DOCTYPE ' + dt.name + (dt.publicId ? ' PUBLIC \"' + dt.publicId + '\"' : '') \
      + (dt.systemId ? (dt.publicId ? '' : ' SYSTEM') + ' \"' + dt.systemId + '\"' : '') + '>'; } \
    const root = d.documentElement; const body = d.body; \
    const html = root ? root.outerHTML : ''; \
    return { html: (head + html.slice(0, max)).slice(0, max), total: head.length + html.length, \
      title: d.title || '', \
      width: Math.max(root ? root.scrollWidth : 0, body ? body.scrollWidth : 0), \
      height: Math.max(root ? root.scrollHeight : 0, body ? body.scrollHeight : 0) };";

/// How one attempt ended when it did not produce a capture.
#[derive(Debug)]
pub(crate) enum Attempt {
    /// The page's own outcome (not allowed, net error, ...): final, not retried.
    Page(VisitError),
    /// The browser crashed, hung or lost its driver: kill it, retry on a fresh one.
    Broken(String),
}

/// The Chromium flags the pool uses, for a session whose profile lives in `profile`.
pub fn chromium_args(config: &BrowserConfig, profile: Option<&Path>) -> Vec<String> {
    let mut args: Vec<String> = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-extensions",
        "--disable-sync",
        "--hide-scrollbars",
        "--mute-audio",
        "--disable-features=Translate,MediaRouter,OptimizationHints,AutofillServerCommunication",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    args.push(format!(
        "--window-size={},{}",
        config.window.0, config.window.1
    ));
    if let Some(dir) = profile {
        args.push(format!("--user-data-dir={}", dir.display()));
    }
    if let Some(hosts) = &config.resolvable_hosts {
        let mut rules = String::from("MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1");
        for host in hosts {
            rules.push_str(", EXCLUDE ");
            rules.push_str(host);
        }
        args.push(format!("--host-resolver-rules={rules}"));
    }
    args.extend(config.extra_args.iter().cloned());
    args
}

/// A live browser session. Dropping it kills what it started; [`Browser::close`] first asks
/// the driver to end the session.
pub(crate) struct Browser {
    session: WebDriver,
    // Field order matters on drop: the driver (and its Chromium) dies before the profile
    // directory is removed.
    driver: Option<DriverProcess>,
    /// Held so the `--user-data-dir` is removed when the browser is dropped.
    _profile: Option<tempfile::TempDir>,
    cdp: bool,
}

impl Browser {
    pub(crate) async fn start(config: &BrowserConfig) -> Result<Browser, BrowserError> {
        let (driver, profile, endpoint) = match &config.remote_webdriver {
            Some(url) => (None, None, url.clone()),
            None => {
                let mut builder = tempfile::Builder::new();
                builder.prefix("procura-chromium-");
                let profile = match &config.profile_root {
                    Some(root) => builder.tempdir_in(root),
                    None => builder.tempdir(),
                }
                .map_err(BrowserError::Profile)?;
                let driver = DriverProcess::start(&config.chromedriver).await?;
                let endpoint = driver.url();
                (Some(driver), Some(profile), endpoint)
            }
        };
        let caps = capabilities(config, profile.as_ref().map(|p| p.path()))
            .map_err(|e| session_error(&endpoint, &e))?;
        let session = tokio::time::timeout(
            config.command_timeout * 2,
            WebDriver::builder(endpoint.as_str(), caps)
                .request_timeout(config.page_timeout + config.command_timeout)
                .connect(),
        )
        .await
        .map_err(|_| BrowserError::Session {
            endpoint: endpoint.clone(),
            reason: "no answer".into(),
        })?
        .map_err(|e| session_error(&endpoint, &e))?;
        // thirtyfour sets its own 60 s defaults right after creating the session: set ours.
        let timeouts = TimeoutConfiguration::new(
            Some(config.command_timeout),
            Some(config.page_timeout),
            Some(Duration::ZERO),
        );
        let set = bounded(config.command_timeout, session.update_timeouts(timeouts)).await;
        let mut browser = Browser {
            session,
            driver,
            _profile: profile,
            cdp: false,
        };
        set.map_err(|e| session_error(&endpoint, &e))?;
        browser.cdp = browser.prepare(config).await;
        tracing::debug!(
            endpoint,
            pid = browser.driver.as_ref().and_then(|d| d.pid()),
            cdp = browser.cdp,
            "browser session started"
        );
        Ok(browser)
    }

    /// Per-session CDP setup: no dialogs, blocked junk, no downloads. Returns whether the
    /// endpoint speaks CDP at all (a Grid may not).
    async fn prepare(&self, config: &BrowserConfig) -> bool {
        let cdp = self.session.cdp();
        let limit = config.command_timeout;
        let dialogs = json!({ "source": format!("{NO_DIALOGS}\n{WATCH_PAGE}") });
        let ok = bounded(
            limit,
            cdp.send_raw("Page.addScriptToEvaluateOnNewDocument", dialogs),
        );
        if let Err(e) = ok.await {
            tracing::warn!(error = %e, "endpoint has no CDP: dialogs rely on the prompt behaviour, screenshots cover the viewport");
            return false;
        }
        let steps = [
            ("Network.enable", json!({})),
            (
                "Network.setBlockedURLs",
                json!({ "urls": config.blocked_url_patterns }),
            ),
            ("Browser.setDownloadBehavior", json!({ "behavior": "deny" })),
        ];
        for (method, params) in steps {
            if let Err(e) = bounded(limit, cdp.send_raw(method, params)).await {
                tracing::warn!(method, error = %e, "CDP setup step failed");
            }
        }
        true
    }

    /// "chromium 156.0.8078.108" (the browser's own name and version).
    pub(crate) fn version(&self) -> String {
        let caps = self.session.handle().capabilities();
        let name = caps
            .get("browserName")
            .and_then(Value::as_str)
            .unwrap_or("browser");
        let version = caps
            .get("browserVersion")
            .and_then(Value::as_str)
            .unwrap_or("?");
        let name = if self.driver.is_some() && name == "chrome" {
            "chromium"
        } else {
            name
        };
        format!("{name} {version}")
    }

    /// The local chromedriver's pid (also its process group), if any.
    pub(crate) fn driver_pid(&self) -> Option<u32> {
        self.driver.as_ref().and_then(|d| d.pid())
    }

    /// End the session politely (bounded), then kill whatever is left.
    pub(crate) async fn close(self, limit: Duration) {
        let _ = tokio::time::timeout(limit, self.session.clone().quit()).await;
        drop(self);
    }

    /// Navigate to `url`, wait for DOM-ready within the budget, check where we ended up and
    /// capture the page.
    pub(crate) async fn visit_once(
        &self,
        url: &Url,
        allow: &(dyn Fn(&Url) -> bool + Send + Sync),
        config: &BrowserConfig,
    ) -> Result<PageCapture, Attempt> {
        let s = &self.session;
        let limit = config.command_timeout;
        let page_error = |reason: String| Attempt::Page(capture_error(url, reason));

        let mut stopped_early = false;
        let mut nav_error = None;
        let budget = config.page_timeout + limit;
        let t_nav = std::time::Instant::now();
        match tokio::time::timeout(budget, s.goto(url.as_str())).await {
            Err(_) => {
                return Err(Attempt::Broken(format!(
                    "navigation gave no answer in {budget:?}"
                )));
            }
            Ok(Ok(())) => {}
            Ok(Err(e)) => match classify(&e) {
                Failure::Timeout => stopped_early = true,
                Failure::Net(reason) | Failure::Page(reason) => nav_error = Some(reason),
                Failure::Broken(reason) => return Err(Attempt::Broken(reason)),
            },
        }
        if stopped_early {
            // The budget ran out before DOM-ready: stop loading and take what is there. A
            // renderer that cannot even run this is hung (e.g. `while(true){}`).
            tracing::debug!("page budget ran out, stopping the load");
            step(
                limit,
                "stop loading",
                s.execute("window.stop()", Vec::new()),
            )
            .await
            .map_err(|_| Attempt::Broken("the page's renderer is not answering".into()))?;
        }

        let final_url = step(limit, "current url", s.current_url()).await?;
        // A new session starts on `data:,`, `about:blank` or a `chrome://` new-tab page: still
        // there means nothing was displayed.
        let blank = matches!(final_url.scheme(), "about" | "data" | "chrome");
        if blank && nav_error.is_none() {
            return Err(Attempt::Page(VisitError::NoDocument {
                url: url.to_string(),
            }));
        }
        let web = matches!(final_url.scheme(), "http" | "https");
        if !web || !allow(&final_url) {
            return Err(Attempt::Page(VisitError::RedirectedOutside {
                url: url.to_string(),
                final_url: final_url.to_string(),
            }));
        }
        if let Some(reason) = nav_error {
            return Err(Attempt::Page(VisitError::Navigation {
                url: url.to_string(),
                reason,
            }));
        }

        let nav = t_nav.elapsed();
        // Pages that build their content with script after DOM-ready (a
        // shop rendered from a JSON endpoint) need a moment: wait until the
        // DOM has been quiet for a short while, within a small budget. A
        // page that never settles is read as it is when the budget ends.
        let t_settle = std::time::Instant::now();
        let settled = step(limit, "settle", s.execute_async(SETTLE_SCRIPT, Vec::new())).await;
        let settle = t_settle.elapsed();
        // A response the browser never displays (a download) leaves the previous document in
        // place; CAPTURE_SCRIPT marked that one, so it is not captured again as this page.
        // (Cheaper than a trip through about:blank before every visit.)
        if settled.is_ok_and(|v| v.json() == "stale") {
            return Err(Attempt::Page(VisitError::NoDocument {
                url: url.to_string(),
            }));
        }
        let t_read = std::time::Instant::now();
        let max = config.max_page_bytes;
        let read = step(
            limit,
            "read page",
            s.execute(CAPTURE_SCRIPT, vec![json!(max)]),
        )
        .await?;
        let page = read.json();
        let mut html = page["html"]
            .as_str()
            .ok_or_else(|| page_error("no html".into()))?
            .to_owned();
        let total = page["total"].as_u64().unwrap_or(0);
        let mut truncated = total > html.len() as u64;
        if html.len() > max {
            let mut cut = max;
            while !html.is_char_boundary(cut) {
                cut -= 1;
            }
            html.truncate(cut);
            truncated = true;
        }
        let title = page["title"].as_str().unwrap_or_default().to_owned();
        let width = page["width"].as_u64().unwrap_or(0);
        let height = page["height"].as_u64().unwrap_or(0);

        // A page over the size cap gets a viewport picture: laying out a 50 MB document
        // again at full height takes longer than the whole visit should.
        let read_time = t_read.elapsed();
        let t_shot = std::time::Instant::now();
        let (screenshot_png, full_page) = if self.cdp && !truncated {
            let whole = height <= u64::from(config.max_screenshot_height);
            (self.full_page_png(config, width, height).await?, whole)
        } else {
            (
                step(limit, "screenshot", s.screenshot_as_png()).await?,
                false,
            )
        };
        tracing::debug!(
            navigate_ms = nav.as_millis() as u64,
            settle_ms = settle.as_millis() as u64,
            read_ms = read_time.as_millis() as u64,
            screenshot_ms = t_shot.elapsed().as_millis() as u64,
            height,
            "page read"
        );
        Ok(PageCapture {
            requested_url: url.clone(),
            final_url,
            title,
            html,
            truncated,
            screenshot_png,
            full_page,
            stopped_early,
            attempts: 1,
            elapsed: Duration::ZERO,
        })
    }

    /// `Page.captureScreenshot` with `captureBeyondViewport`, clipped to the document (at most
    /// `max_screenshot_height` tall).
    async fn full_page_png(
        &self,
        config: &BrowserConfig,
        width: u64,
        height: u64,
    ) -> Result<Vec<u8>, Attempt> {
        let (vw, vh) = (u64::from(config.window.0), u64::from(config.window.1));
        // An empty or unmeasurable document still gets a viewport-sized picture.
        let width = if width == 0 { vw } else { width.min(vw * 4) }.max(1);
        let height = if height == 0 { vh } else { height };
        let height = height.min(u64::from(config.max_screenshot_height)).max(1);
        // Beyond the viewport only when needed: it lays the page out again at full size.
        let params = json!({
            "format": "png",
            "captureBeyondViewport": width > vw || height > vh,
            "optimizeForSpeed": true,
            "clip": { "x": 0, "y": 0, "width": width, "height": height, "scale": 1 },
        });
        let cdp = self.session.cdp();
        let shot = step(
            config.command_timeout,
            "screenshot",
            cdp.send_raw("Page.captureScreenshot", params),
        )
        .await?;
        let data = shot["data"]
            .as_str()
            .ok_or_else(|| Attempt::Broken("screenshot without data".into()))?;
        base64::engine::general_purpose::STANDARD
            .decode(data)
            .map_err(|e| Attempt::Broken(format!("screenshot is not base64: {e}")))
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // Never let thirtyfour's synchronous teardown run: it blocks a thread for as long as
        // the (possibly dead) driver takes to answer. Mark the session as gone; the driver's
        // process group is killed by `DriverProcess`'s own drop.
        let _ = self.session.clone().leak();
        if let Some(mut driver) = self.driver.take() {
            driver.kill();
        }
    }
}

fn capabilities(
    config: &BrowserConfig,
    profile: Option<&Path>,
) -> WebDriverResult<ChromeCapabilities> {
    let mut caps = DesiredCapabilities::chrome();
    caps.set_page_load_strategy(PageLoadStrategy::Eager)?;
    caps.set("unhandledPromptBehavior", "dismiss")?;
    if config.remote_webdriver.is_none() {
        caps.set_binary(&config.chromium.to_string_lossy())?;
    }
    caps.set_browser_option("args", chromium_args(config, profile))?;
    let mut prefs = json!({
        "download_restrictions": 3,
        "download.prompt_for_download": false,
        "profile.default_content_setting_values.automatic_downloads": 2,
        "profile.default_content_setting_values.notifications": 2,
        "profile.default_content_setting_values.geolocation": 2,
    });
    if let Some(dir) = profile {
        prefs["download.default_directory"] = json!(dir.join("downloads"));
    }
    caps.set_browser_option("prefs", prefs)?;
    Ok(caps)
}

fn session_error(endpoint: &str, e: &WebDriverError) -> BrowserError {
    BrowserError::Session {
        endpoint: endpoint.to_owned(),
        reason: first_line(e),
    }
}

fn capture_error(url: &Url, reason: String) -> VisitError {
    VisitError::Capture {
        url: url.to_string(),
        reason,
    }
}

/// Run one WebDriver command within `limit`; any failure makes the attempt `Broken` unless it
/// is the page's own doing.
/// Resolves once the page is settled: no fetch or XHR younger than 1.5 s is in flight, the
/// DOM has changed since the last one ended or that was 300 ms ago (shops render a beat after
/// their data arrives), and the DOM has been quiet for 50 ms (or 500 ms have passed, so an animation that never stops
/// mutating cannot hold the visit); at the latest after 3 s. Answers "stale" at once when
/// the document is one already captured. A page without the [`WATCH_PAGE`]
/// hooks (a Grid without CDP) waits for 200 ms of DOM quiet instead.
const SETTLE_SCRIPT: &str = r#"
const done = arguments[arguments.length - 1];
if (window.__procuraCaptured) { done('stale'); return; }
const watch = window.__procuraSettle;
const start = performance.now();
let last = start;
const observer = watch ? null : new MutationObserver(() => { last = performance.now(); });
if (observer) observer.observe(document, { childList: true, subtree: true, characterData: true });
const tick = () => {
  const now = performance.now();
  const waited = now - start;
  let settled;
  if (watch) {
    const s = watch();
    settled = s.pending === 0 && (s.changedSinceRequest || s.sinceRequestMs >= 300)
      && (s.quietMs >= 50 || waited >= 500);
  } else {
    settled = now - last >= 200;
  }
  if (settled || waited >= 3000) {
    if (observer) observer.disconnect();
    done(true);
  } else {
    setTimeout(tick, 20);
  }
};
tick();
"#;

/// Runs before any page script: counts fetch/XHR requests in flight and notes the last DOM
/// change, so [`SETTLE_SCRIPT`] can tell a page still building itself from a finished one
/// without waiting a fixed quiet time on every page.
const WATCH_PAGE: &str = r#"(() => {
  const w = window;
  const inflight = new Set();
  let last = performance.now();
  let lastEnd = -Infinity;
  const mark = () => { last = performance.now(); };
  const track = () => { const t = { at: performance.now() }; inflight.add(t);
    return () => { inflight.delete(t); lastEnd = performance.now(); }; };
  const fetch = w.fetch;
  if (typeof fetch === 'function') {
    w.fetch = function (...args) {
      const end = track();
      try { const p = fetch.apply(this, args); p.then(end, end); return p; }
      catch (e) { end(); throw e; }
    };
  }
  const X = w.XMLHttpRequest && w.XMLHttpRequest.prototype;
  if (X) {
    const send = X.send;
    X.send = function (...args) {
      const end = track();
      this.addEventListener('loadend', end, { once: true });
      try { return send.apply(this, args); } catch (e) { end(); throw e; }
    };
  }
  try { new MutationObserver(mark).observe(document, { childList: true, subtree: true, characterData: true }); } catch (e) {}
  Object.defineProperty(w, '__procuraSettle', { value: () => {
    const now = performance.now();
    let pending = 0;
    for (const t of inflight) if (now - t.at < 1500) pending++;
    return { pending, quietMs: now - last, sinceRequestMs: now - lastEnd,
      changedSinceRequest: last > lastEnd };
  } });
})();"#;

async fn step<T>(
    limit: Duration,
    what: &str,
    fut: impl Future<Output = WebDriverResult<T>>,
) -> Result<T, Attempt> {
    match tokio::time::timeout(limit, fut).await {
        Err(_) => Err(Attempt::Broken(format!("{what}: no answer in {limit:?}"))),
        Ok(Ok(value)) => Ok(value),
        Ok(Err(e)) => Err(Attempt::Broken(format!("{what}: {}", first_line(&e)))),
    }
}

async fn bounded<T>(
    limit: Duration,
    fut: impl Future<Output = WebDriverResult<T>>,
) -> WebDriverResult<T> {
    tokio::time::timeout(limit, fut)
        .await
        .unwrap_or_else(|_| Err(WebDriverError::Timeout("no answer".into())))
}

enum Failure {
    /// The driver's page-load (or script) timeout: the page is slow, the browser may be fine.
    Timeout,
    /// `net::ERR_*`: the page could not be fetched.
    Net(String),
    /// Another error the page caused.
    Page(String),
    /// The session, the browser or the driver is gone or confused.
    Broken(String),
}

fn classify(e: &WebDriverError) -> Failure {
    const GONE: [&str; 8] = [
        "session deleted",
        "disconnected",
        "not connected to devtools",
        "chrome not reachable",
        "tab crashed",
        "target frame detached",
        "target window already closed",
        "page crash",
    ];
    let message = first_line(e);
    let lower = message.to_lowercase();
    match &**e {
        E::WebDriverTimeout(_) | E::ScriptTimeout(_) => Failure::Timeout,
        _ if GONE.iter().any(|g| lower.contains(g)) => Failure::Broken(message),
        E::UnknownError(_) | E::NotInSpec(_) if lower.contains("net::err_") => {
            let start = lower.find("net::err_").unwrap_or(0);
            let code = message[start..]
                .split_whitespace()
                .next()
                .unwrap_or(&message);
            Failure::Net(code.to_owned())
        }
        E::InvalidArgument(_) | E::JavascriptError(_) | E::InsecureCertificate(_) => {
            Failure::Page(message)
        }
        _ => Failure::Broken(message),
    }
}

/// The first line of an error's message (the driver's stack trace is of no use to anyone).
fn first_line(e: &WebDriverError) -> String {
    let info = match &**e {
        E::UnknownError(i)
        | E::NotInSpec(i)
        | E::WebDriverTimeout(i)
        | E::ScriptTimeout(i)
        | E::InvalidArgument(i)
        | E::JavascriptError(i)
        | E::InvalidSessionId(i)
        | E::SessionNotCreated(i)
        | E::NoSuchWindow(i)
        | E::UnexpectedAlertOpen(i)
        | E::InsecureCertificate(i) => Some(i),
        _ => None,
    };
    let text = match info {
        Some(i) => i.value.message.clone(),
        None => e.to_string(),
    };
    text.lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .trim()
        .to_owned()
}
