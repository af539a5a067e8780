//! Where `procura` logs. The TUI owns the terminal, so its logs go to a
//! file under the state dir and never to the screen; the CLI logs warnings
//! to stderr.

use std::path::PathBuf;

use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::EnvFilter;

fn filter(default: &str) -> EnvFilter {
    std::env::var("PROCURA_LOG")
        .ok()
        .and_then(|f| EnvFilter::try_new(f).ok())
        .unwrap_or_else(|| EnvFilter::new(default))
}

/// `$XDG_STATE_HOME/procura/client`, else `~/.local/state/procura/client`.
pub fn log_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("XDG_STATE_HOME").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(dir).join("procura/client"));
    }
    std::env::var_os("HOME")
        .filter(|d| !d.is_empty())
        .map(|home| PathBuf::from(home).join(".local/state/procura/client"))
}

/// Sets up logging; keep the guard alive until exit so the file is flushed.
pub fn init(tui: bool) -> Option<WorkerGuard> {
    if tui {
        let dir = log_dir()?;
        std::fs::create_dir_all(&dir).ok()?;
        let appender = tracing_appender::rolling::daily(dir, "procura.log");
        let (writer, guard) = tracing_appender::non_blocking(appender);
        let _ = tracing_subscriber::fmt()
            .with_env_filter(filter("info"))
            .with_writer(writer)
            .with_ansi(false)
            .try_init();
        Some(guard)
    } else {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(filter("warn"))
            .with_writer(std::io::stderr)
            .try_init();
        None
    }
}
