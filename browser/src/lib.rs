//! `procura-browser`: the daemon's browser pool.
//!
//! A bounded pool of headless Chromium sessions driven over WebDriver (`thirtyfour`). Locally
//! every session has its own `chromedriver` (Debian's, started by the pool on a free loopback
//! port, in its own process group) and a fresh `--user-data-dir`; with
//! [`BrowserConfig::remote_webdriver`] set, sessions are created on that endpoint (Selenium
//! Grid) instead and no local process is started.
//!
//! [`BrowserPool::visit`] navigates one page with the `eager` page-load strategy (the DOM is
//! ready, the load event is not awaited), stops loading when the per-page budget runs out,
//! checks the final URL against the caller's allow-list and captures the rendered HTML
//! (size-capped), the title and a full-page PNG. A browser that crashes or stops answering is
//! killed and replaced, and the page retried up to [`BrowserConfig::retries`] times.
//! See `README.md` for the flags, the reasons and the figures.

mod driver;
mod error;
mod pool;
mod session;

use std::path::PathBuf;
use std::time::Duration;

pub use driver::DriverProcess;
pub use error::{BrowserError, VisitError};
pub use pool::BrowserPool;
pub use session::chromium_args;
pub use url::Url;

/// How the pool is set up. `BrowserConfig::default()` is the embedded default.
#[derive(Debug, Clone)]
pub struct BrowserConfig {
    /// Concurrent browser sessions (each one a Chromium). Default 2.
    pub sessions: usize,
    /// A remote WebDriver endpoint (Selenium Grid, `http://host:4444` or `.../wd/hub`). When
    /// set, no local chromedriver or Chromium is started and `chromium`/`chromedriver` are
    /// ignored.
    pub remote_webdriver: Option<String>,
    /// The Chromium binary. Default `/usr/bin/chromium` (Debian's `chromium`).
    pub chromium: PathBuf,
    /// The chromedriver binary. Default `/usr/bin/chromedriver` (Debian's `chromium-driver`).
    pub chromedriver: PathBuf,
    /// Budget for one navigation to reach DOM-ready (the WebDriver page-load timeout). When it
    /// runs out, loading is stopped and what has arrived is captured. Default 20 s.
    pub page_timeout: Duration,
    /// Budget for every other WebDriver command (reading the page, the screenshot). A browser
    /// that does not answer within it is judged hung, killed and replaced. Default 15 s.
    pub command_timeout: Duration,
    /// Cap on the captured HTML, in bytes; longer pages are cut and marked `truncated`.
    /// Default 8 MiB.
    pub max_page_bytes: usize,
    /// Cap on the full-page screenshot's height in CSS pixels. Default 16384.
    pub max_screenshot_height: u32,
    /// Viewport (window) size in CSS pixels. Default 1366×900.
    pub window: (u32, u32),
    /// How many times a page is retried on a fresh browser after the browser failed
    /// (crash, hang, lost driver). Default 2.
    pub retries: u32,
    /// Host names Chromium may resolve, besides `localhost` and `127.0.0.1` which always
    /// resolve. `*.example.com` covers the subdomains. Every other name (and IP literal)
    /// fails at once through `--host-resolver-rules`, so slow or unreachable third-party
    /// hosts cost nothing. `None` resolves every name (then only `blocked_url_patterns`
    /// cuts third-party requests). Default `None`; set it to the shops' hosts (`Some(vec![])`
    /// for loopback only) to keep the browser off every other host.
    pub resolvable_hosts: Option<Vec<String>>,
    /// URL patterns (`*` wildcards, whole-URL match) the browser refuses to fetch
    /// (CDP `Network.setBlockedURLs`). Default [`default_blocked_patterns`].
    pub blocked_url_patterns: Vec<String>,
    /// Where the per-session `--user-data-dir`s are created. Default: the system temp dir.
    pub profile_root: Option<PathBuf>,
    /// Extra Chromium flags, appended after the pool's own.
    pub extra_args: Vec<String>,
}

impl Default for BrowserConfig {
    fn default() -> Self {
        BrowserConfig {
            sessions: 2,
            remote_webdriver: None,
            chromium: PathBuf::from("/usr/bin/chromium"),
            chromedriver: PathBuf::from("/usr/bin/chromedriver"),
            page_timeout: Duration::from_secs(20),
            command_timeout: Duration::from_secs(15),
            max_page_bytes: 8 * 1024 * 1024,
            max_screenshot_height: 16384,
            window: (1366, 900),
            retries: 2,
            resolvable_hosts: None,
            blocked_url_patterns: default_blocked_patterns(),
            profile_root: None,
            extra_args: Vec::new(),
        }
    }
}

/// Third-party requests a product page does not need to show its product: web fonts,
/// video, ads, analytics and trackers.
pub fn default_blocked_patterns() -> Vec<String> {
    [
        "*.woff*",
        "*.ttf*",
        "*.otf*",
        "*.eot*",
        "*.mp4*",
        "*.webm*",
        "*.m3u8*",
        "*fonts.googleapis.com*",
        "*fonts.gstatic.com*",
        "*use.typekit.net*",
        "*google-analytics.com*",
        "*googletagmanager.com*",
        "*googleadservices.com*",
        "*doubleclick.net*",
        "*googlesyndication.com*",
        "*adservice.google.*",
        "*amazon-adsystem.com*",
        "*facebook.net*",
        "*connect.facebook.*",
        "*hotjar.com*",
        "*hotjar.io*",
        "*clarity.ms*",
        "*segment.io*",
        "*cdn.segment.com*",
        "*optimizely.com*",
        "*nr-data.net*",
        "*js-agent.newrelic.com*",
        "*criteo.*",
        "*taboola.com*",
        "*outbrain.com*",
        "*scorecardresearch.com*",
        "*quantserve.com*",
        "*adnxs.com*",
        "*bat.bing.com*",
        "*analytics.tiktok.com*",
        "*snap.licdn.com*",
        "*youtube.com/embed*",
        "*player.vimeo.com*",
        "*cookielaw.org*",
        "*onetrust.com*",
        "*trustarc.com*",
    ]
    .into_iter()
    .map(String::from)
    .collect()
}

/// What one visit captured.
#[derive(Debug, Clone)]
pub struct PageCapture {
    /// The URL the visit was asked for.
    pub requested_url: Url,
    /// The URL the browser ended on, after redirects (checked against the allow-list).
    pub final_url: Url,
    /// `document.title`.
    pub title: String,
    /// The rendered DOM (`<!DOCTYPE>` + `documentElement.outerHTML`), at most
    /// `max_page_bytes` bytes.
    pub html: String,
    /// `html` was cut at `max_page_bytes`.
    pub truncated: bool,
    /// A PNG of the whole page, at most `max_screenshot_height` CSS pixels tall.
    pub screenshot_png: Vec<u8>,
    /// The screenshot covers the whole document (false: the viewport only, because the page
    /// was over the size cap or the endpoint has no CDP, or cut at `max_screenshot_height`).
    pub full_page: bool,
    /// The page-load budget ran out and loading was stopped: the capture is what had arrived.
    pub stopped_early: bool,
    /// Attempts made (1 unless the browser failed and the page was retried).
    pub attempts: u32,
    /// Wall time of the whole visit, retries included.
    pub elapsed: Duration,
}
