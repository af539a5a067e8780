//! The pool's errors: [`BrowserError`] for starting the pool, [`VisitError`] for one page.

use std::path::PathBuf;
use std::time::Duration;

/// The pool could not start (or restart) a browser.
#[derive(Debug, thiserror::Error)]
pub enum BrowserError {
    #[error("browser pool misconfigured: {0}")]
    Config(String),
    #[error("cannot start {program} ({path}): {source}")]
    Spawn {
        program: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("chromedriver on port {port} was not ready within {waited:?}")]
    DriverNotReady { port: u16, waited: Duration },
    #[error("cannot create a WebDriver session at {endpoint}: {reason}")]
    Session { endpoint: String, reason: String },
    #[error("cannot prepare a browser profile: {0}")]
    Profile(std::io::Error),
}

/// One visit failed. Every variant names the URL that was asked for.
#[derive(Debug, thiserror::Error)]
pub enum VisitError {
    #[error("{url} is not a valid URL: {reason}")]
    InvalidUrl { url: String, reason: String },
    #[error("navigation to {url} refused: {reason}")]
    NotAllowed { url: String, reason: String },
    #[error("{url} led to {final_url}, whose host is not allowed")]
    RedirectedOutside { url: String, final_url: String },
    #[error("{url} could not be loaded: {reason}")]
    Navigation { url: String, reason: String },
    #[error("{url} showed no document (a download, or a response the browser did not display)")]
    NoDocument { url: String },
    #[error("{url}: reading the page failed: {reason}")]
    Capture { url: String, reason: String },
    #[error("{url}: the browser failed {attempts} time(s), last: {reason}")]
    BrowserFailed {
        url: String,
        attempts: u32,
        reason: String,
    },
    #[error("{url}: no browser is available: {source}")]
    Unavailable {
        url: String,
        #[source]
        source: BrowserError,
    },
    #[error("{url}: the browser pool is shut down")]
    ShutDown { url: String },
}

impl VisitError {
    /// The URL the visit was asked for.
    pub fn url(&self) -> &str {
        match self {
            VisitError::InvalidUrl { url, .. }
            | VisitError::NotAllowed { url, .. }
            | VisitError::RedirectedOutside { url, .. }
            | VisitError::Navigation { url, .. }
            | VisitError::NoDocument { url }
            | VisitError::Capture { url, .. }
            | VisitError::BrowserFailed { url, .. }
            | VisitError::Unavailable { url, .. }
            | VisitError::ShutDown { url } => url,
        }
    }
}
