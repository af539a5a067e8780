//! The app's side of the approvals inbox: opening it (which lists the
//! drafts and keeps them fresh), folding in the drafts and the answers to
//! edits and decisions, sanitised, and what came back from `$EDITOR`.

use std::collections::HashMap;

use procura_common::negotiation::{Approval, DraftEdit};
use uuid::Uuid;

use super::{App, Screen};
use crate::tui::components::Msg;
use crate::tui::msg::{Action, DraftCall};
use crate::tui::sanitize::{sanitize, sanitize_approval};

impl App {
    /// Shows the inbox and asks for its drafts; Esc goes back to the jobs
    /// and stops the refreshing.
    pub(super) fn open_approvals(&mut self) -> Vec<Action> {
        self.screen = Screen::Approvals;
        self.approvals.opened();
        vec![Action::WatchApprovals]
    }

    /// What the inbox asks for a draft: an edit, the editor, a decision.
    pub(super) fn draft_msg(&mut self, msg: Msg) -> Vec<Action> {
        match msg {
            Msg::SaveDraft(edit) => vec![Action::EditDraft(edit)],
            Msg::EditInEditor(draft) => vec![Action::EditInEditor(draft)],
            Msg::Approve(id) => {
                self.say("Approving…".into(), false);
                vec![Action::Approve(id)]
            }
            Msg::Reject { id, reason } => {
                self.say("Rejecting…".into(), false);
                vec![Action::Reject { id, reason }]
            }
            _ => Vec::new(),
        }
    }

    pub(super) fn approvals_arrived(&mut self, result: Result<Vec<Approval>, String>) {
        let result = result
            .map(|list| list.into_iter().map(sanitize_approval).collect::<Vec<_>>())
            .map_err(|e| sanitize(&e));
        if let Ok(list) = &result {
            // The jobs list is sanitised already.
            let names: HashMap<_, _> = list
                .iter()
                .filter_map(|d| self.jobs.get(d.job_id))
                .map(|j| (j.id, j.request.clone()))
                .collect();
            self.approvals.set_job_names(names);
        }
        self.approvals.set(result);
    }

    /// Who a draft goes to, for a message: its vendor if the inbox knows
    /// it.
    fn draft_vendor(&self, id: Uuid) -> Option<String> {
        self.approvals
            .drafts()
            .iter()
            .chain(self.approvals.current())
            .find(|d| d.id == id)
            .map(|d| d.vendor.clone())
    }

    pub(super) fn draft_done(&mut self, call: DraftCall, draft: Approval) {
        let draft = sanitize_approval(draft);
        let vendor = draft.vendor.clone();
        match call {
            DraftCall::Edit => {
                self.say(format!("Saved the draft to {vendor}."), false);
                self.approvals.saved(draft);
            }
            DraftCall::Approve => {
                self.say(
                    format!("Approved the email to {vendor}; it is sent once."),
                    false,
                );
                self.approvals.decided(draft.id);
            }
            DraftCall::Reject => {
                self.say(
                    format!("Rejected the draft to {vendor}; it is never sent."),
                    false,
                );
                self.approvals.decided(draft.id);
            }
        }
    }

    /// The daemon's refusal (a missing role, a draft no longer a draft)
    /// in its own words.
    pub(super) fn draft_failed(&mut self, call: DraftCall, id: Uuid, error: &str) {
        let error = sanitize(error);
        if call == DraftCall::Edit {
            self.approvals.save_failed(id, &error);
        }
        let what = match self.draft_vendor(id) {
            Some(vendor) => format!("the draft to {vendor}"),
            None => "the draft".into(),
        };
        self.say(format!("Could not {} {what}: {error}", call.verb()), true);
    }

    /// What `$EDITOR` gave back for `draft` (as it was sent to the
    /// editor): an edit to send, unless nothing changed, or why there is
    /// none.
    pub fn edited_externally(
        &mut self,
        draft: &Approval,
        result: Result<DraftEdit, String>,
    ) -> Vec<Action> {
        match result {
            // The file's trailing blank lines are the editor's, not the
            // operator's: they do not make a change.
            Ok(edit)
                if edit.subject == draft.subject.trim()
                    && edit.body.trim_end() == draft.body.trim_end() =>
            {
                self.say("Nothing changed; the draft is as it was.".into(), false);
                Vec::new()
            }
            Ok(edit) => {
                self.say(format!("Saving the draft to {}…", draft.vendor), false);
                vec![Action::EditDraft(edit)]
            }
            Err(e) => {
                self.say(format!("Not saved: {}", sanitize(&e)), true);
                Vec::new()
            }
        }
    }
}
