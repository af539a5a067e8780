//! The app's side of the negotiations: opening them (one job's or all,
//! kept fresh while shown), the decisions on offers and the daemon's
//! answers, sanitised, and exporting a purchase order's PDF.

use std::collections::HashMap;
use std::path::PathBuf;

use procura_common::job::JobId;
use procura_common::negotiation::Thread;
use uuid::Uuid;

use super::{App, Screen};
use crate::tui::components::Msg;
use crate::tui::components::negotiations_view::Mode;
use crate::tui::format::{amount, short_id};
use crate::tui::msg::{Action, Export, ExportError, OfferCall};
use crate::tui::sanitize::{sanitize, sanitize_thread};

/// A file's size in the largest unit that keeps it readable.
pub(crate) fn size(bytes: u64) -> String {
    const KIB: f64 = 1024.0;
    match bytes {
        0..1024 => format!("{bytes} bytes"),
        1024..1_048_576 => format!("{:.1} KiB", bytes as f64 / KIB),
        _ => format!("{:.1} MiB", bytes as f64 / KIB / KIB),
    }
}

fn shown(path: &std::path::Path) -> String {
    sanitize(&path.display().to_string())
}

impl App {
    /// Shows the negotiations of `job` (or all) and asks for them; Esc
    /// goes back to where they were opened from and stops the refreshing.
    pub(super) fn open_negotiations(&mut self, job: Option<JobId>) -> Vec<Action> {
        if self.screen != Screen::Negotiations {
            self.negotiations_from = match self.screen {
                Screen::Job => Screen::Job,
                _ => Screen::Jobs,
            };
        }
        self.screen = Screen::Negotiations;
        self.negotiations.opened(job);
        vec![Action::WatchNegotiations(job)]
    }

    /// The header's words for the negotiations.
    pub(super) fn negotiations_place(&self) -> String {
        let view = &self.negotiations;
        let base = match view.job() {
            Some(id) => format!("Job {} › Negotiations", short_id(id)),
            None => "Negotiations".into(),
        };
        match (view.mode(), view.current()) {
            (Mode::List, _) | (_, None) => format!("{base} · {}", view.threads().len()),
            (_, Some(t)) => format!("{base} › {}", t.vendor),
        }
    }

    /// Whose offer `negotiation` is about, if the view knows it.
    fn thread_vendor(&self, negotiation: Uuid) -> Option<String> {
        self.negotiations
            .threads()
            .iter()
            .chain(self.negotiations.current())
            .find(|t| t.negotiation_id == negotiation)
            .map(|t| t.vendor.clone())
    }

    /// A decision on an offer, an export, or resolving an outbound
    /// message: said, and sent.
    pub(super) fn deal_msg(&mut self, msg: Msg) -> Vec<Action> {
        match msg {
            Msg::DecideOffer {
                negotiation,
                decision,
            } => {
                let doing = match OfferCall::of(&decision) {
                    OfferCall::Accept => "Accepting",
                    OfferCall::Counter => "Countering",
                    OfferCall::Decline => "Declining",
                };
                let vendor = self.thread_vendor(negotiation).unwrap_or_default();
                self.say(format!("{doing} the offer of {vendor}…"), false);
                vec![Action::DecideOffer {
                    negotiation,
                    decision,
                }]
            }
            Msg::ExportOrder(export) => {
                self.say(
                    format!("Exporting {} to {}…", export.number, shown(&export.path)),
                    false,
                );
                vec![Action::ExportOrder(export)]
            }
            Msg::ResolveOutbound { id, action } => self.outbound_msg(id, action),
            _ => Vec::new(),
        }
    }

    pub(super) fn negotiations_arrived(
        &mut self,
        job: Option<JobId>,
        result: Result<Vec<Thread>, String>,
    ) {
        let result = result
            .map(|list| list.into_iter().map(sanitize_thread).collect::<Vec<_>>())
            .map_err(|e| sanitize(&e));
        if let Ok(list) = &result {
            // The jobs list is sanitised already.
            let names: HashMap<_, _> = list
                .iter()
                .filter_map(|t| self.jobs.get(t.job_id))
                .map(|j| (j.id, j.request.clone()))
                .collect();
            self.negotiations.set_job_names(names);
        }
        self.negotiations.set(job, result);
    }

    pub(super) fn offer_done(&mut self, call: OfferCall, thread: Thread) {
        let thread = sanitize_thread(thread);
        let vendor = thread.vendor.clone();
        let text = match (call, &thread.purchase_order) {
            (OfferCall::Accept, Some(po)) => format!(
                "Accepted the offer of {vendor}: purchase order {} for {} {}; its email waits for approval.",
                po.number,
                amount(po.total),
                po.currency
            ),
            (OfferCall::Accept, None) => format!("Accepted the offer of {vendor}."),
            (OfferCall::Counter, _) => {
                format!("Countered the offer of {vendor}; the email waits for approval.")
            }
            (OfferCall::Decline, _) => format!("Declined the offer of {vendor}."),
        };
        self.negotiations.decided(thread);
        self.say(text, false);
    }

    /// The daemon's refusal (a missing role, an offer decided meanwhile)
    /// in its own words.
    pub(super) fn offer_failed(&mut self, call: OfferCall, negotiation: Uuid, error: &str) {
        let error = sanitize(error);
        self.negotiations.decide_failed(negotiation, &error);
        let whose = match self.thread_vendor(negotiation) {
            Some(v) => format!("the offer of {v}"),
            None => "the offer".into(),
        };
        self.say(format!("Could not {} {whose}: {error}", call.verb()), true);
    }

    pub(super) fn exported(&mut self, export: Export, result: Result<(PathBuf, u64), ExportError>) {
        let number = sanitize(&export.number);
        match result {
            Ok((path, bytes)) => self.say(
                format!("Wrote {number} to {} ({}).", shown(&path), size(bytes)),
                false,
            ),
            Err(ExportError::Exists(path)) => {
                let text = format!("{} is there already.", shown(&path));
                let again = Export { path, ..export };
                if self.screen == Screen::Negotiations && self.negotiations.export_exists(again) {
                    self.say(format!("{text} Overwrite it?"), true);
                } else {
                    self.say(
                        format!("Not exported: {text} Export again (x) to overwrite it."),
                        true,
                    );
                }
            }
            Err(ExportError::Failed(e)) => {
                self.say(format!("Could not export {number}: {}", sanitize(&e)), true);
            }
        }
    }
}
