//! Crash injection for the tests of the outbox: with
//! `PROCURA_CRASH_AT=<point>`, procurad aborts (no cleanup, like SIGKILL)
//! when it reaches that point. Read once; unset, every point is a no-op.

use std::sync::OnceLock;

/// The points, in the order a delivery passes them.
pub const POINTS: [&str; 4] = [
    "outbox:claimed",
    "outbox:handed-over",
    "outbox:delivered",
    "outbox:recorded",
];

fn armed() -> Option<&'static str> {
    static AT: OnceLock<Option<String>> = OnceLock::new();
    AT.get_or_init(|| {
        std::env::var("PROCURA_CRASH_AT")
            .ok()
            .filter(|p| POINTS.contains(&p.as_str()))
    })
    .as_deref()
}

/// Aborts the process if it is armed at `point`.
pub fn point(point: &str) {
    if armed() == Some(point) {
        eprintln!("procurad: crash injected at {point}");
        std::process::abort();
    }
}
