//! procurad's own log: stderr, and daily files in the logs directory kept
//! for `logs.keep_days`. Filtered by `PROCURA_LOG` (else `RUST_LOG`, else
//! `info`). Under systemd (`JOURNAL_STREAM` set) stderr lines carry no
//! timestamps or colours: the journal adds its own and shows none. What a
//! job did goes to its agent log; this log is the daemon's.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use tracing_appender::non_blocking::WorkerGuard;
use tracing_appender::rolling::{Builder, Rotation};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer, fmt};

/// `[logs]`.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LogsConfig {
    /// Where daily files go (default: `$LOGS_DIRECTORY` under systemd, else
    /// `STATE_DIR/logs`).
    pub dir: Option<PathBuf>,
    /// Daily files kept; older ones are deleted. 0 writes no files.
    pub keep_days: usize,
}

impl Default for LogsConfig {
    fn default() -> Self {
        LogsConfig {
            dir: None,
            keep_days: 14,
        }
    }
}

impl LogsConfig {
    /// The directory files go to.
    pub fn directory(&self, state_dir: &Path) -> PathBuf {
        self.dir
            .clone()
            .or_else(|| std::env::var_os("LOGS_DIRECTORY").map(PathBuf::from))
            .unwrap_or_else(|| state_dir.join("logs"))
    }
}

/// Starts logging; with `files`, also to daily files there (keep the
/// returned guard alive: it flushes them). Logging to stderr goes on when
/// the directory cannot be used, and says why.
pub fn init(files: Option<(&Path, usize)>) -> Option<WorkerGuard> {
    let spec = std::env::var("PROCURA_LOG")
        .ok()
        .or_else(|| std::env::var("RUST_LOG").ok());
    let (filter, bad) = match spec.as_deref().map(EnvFilter::try_new) {
        Some(Ok(filter)) => (filter, None),
        Some(Err(e)) => (EnvFilter::new("info"), Some(e.to_string())),
        None => (EnvFilter::new("info"), None),
    };
    let journal = std::env::var_os("JOURNAL_STREAM").is_some();
    let ansi =
        std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none() && !journal;
    let stderr = fmt::layer().with_writer(std::io::stderr).with_ansi(ansi);
    let stderr = if journal {
        stderr.without_time().boxed()
    } else {
        stderr.boxed()
    };
    let mut file_error = None;
    let (file_layer, guard) = match files.filter(|(_, keep)| *keep > 0) {
        Some((dir, keep)) => match daily_files(dir, keep) {
            Ok(appender) => {
                let (writer, guard) = tracing_appender::non_blocking(appender);
                let layer = fmt::layer().with_writer(writer).with_ansi(false).boxed();
                (Some(layer), Some(guard))
            }
            Err(e) => {
                file_error = Some(format!("{}: {e}", dir.display()));
                (None, None)
            }
        },
        None => (None, None),
    };
    tracing_subscriber::registry()
        .with(filter)
        .with(stderr)
        .with(file_layer)
        .init();
    if let (Some(spec), Some(e)) = (spec, bad) {
        tracing::warn!(filter = %spec, error = %e, "PROCURA_LOG is not a valid filter; logging at info");
    }
    if let Some(e) = file_error {
        tracing::warn!(error = %e, "cannot write log files; logging to stderr only");
    }
    guard
}

fn daily_files(
    dir: &Path,
    keep: usize,
) -> Result<tracing_appender::rolling::RollingFileAppender, String> {
    std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    Builder::new()
        .rotation(Rotation::DAILY)
        .filename_prefix("procurad")
        .filename_suffix("log")
        .max_log_files(keep)
        .build(dir)
        .map_err(|e| e.to_string())
}
