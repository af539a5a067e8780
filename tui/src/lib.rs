//! `procura`: the Procura client, a TUI and a CLI for scripts.

pub mod cli;
pub mod logging;
pub mod query;
pub mod tui;
