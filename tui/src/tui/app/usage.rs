//! The app's side of the usage view: opening it (which fetches the
//! report) and folding in the answer, sanitised.

use procura_common::usage::UsageReport;

use super::{App, Screen};
use crate::tui::msg::Action;
use crate::tui::sanitize::{sanitize, sanitize_usage};

impl App {
    /// Shows the organization's usage and fetches it; Esc goes back to the
    /// jobs.
    pub(super) fn open_usage(&mut self) -> Vec<Action> {
        self.screen = Screen::Usage;
        self.usage.reload();
        vec![Action::Usage(Default::default())]
    }

    pub(super) fn usage_arrived(&mut self, result: Result<Box<UsageReport>, String>) {
        let result = result.map(|r| sanitize_usage(*r)).map_err(|e| sanitize(&e));
        self.usage.set(result);
    }
}
