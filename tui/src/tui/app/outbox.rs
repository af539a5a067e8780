//! The app's side of the outbox: opening it (kept fresh while shown),
//! resending or marking a message sent, and the daemon's answers,
//! sanitised.

use procura_common::negotiation::{DeliveryState, Outbound, OutboundAction};
use uuid::Uuid;

use super::{App, Screen};
use crate::tui::msg::Action;
use crate::tui::sanitize::{sanitize, sanitize_outbound};

impl App {
    /// Shows the outbox and asks for it; Esc goes back to the jobs and
    /// stops the refreshing.
    pub(super) fn open_outbox(&mut self) -> Vec<Action> {
        self.screen = Screen::Outbox;
        self.outbox.opened();
        vec![Action::WatchOutbox]
    }

    /// The header's words for the outbox: how many, and how many need a
    /// human.
    pub(super) fn outbox_place(&self) -> String {
        let mut place = match self.outbox.messages().len() {
            1 => "Outbox · 1 message".to_string(),
            n => format!("Outbox · {n} messages"),
        };
        for state in [DeliveryState::Failed, DeliveryState::Unknown] {
            let n = self.outbox.count(state);
            if n > 0 {
                place.push_str(&format!(" · {n} {}", state.as_str()));
            }
        }
        place
    }

    fn outbound_vendor(&self, id: Uuid) -> Option<String> {
        self.outbox
            .messages()
            .iter()
            .chain(self.outbox.current())
            .find(|m| m.id == id)
            .map(|m| m.vendor.clone())
    }

    pub(super) fn outbound_msg(&mut self, id: Uuid, action: OutboundAction) -> Vec<Action> {
        let to = self.outbound_vendor(id).unwrap_or_default();
        let doing = match action {
            OutboundAction::Resend => "Resending",
            OutboundAction::MarkSent => "Marking as sent",
        };
        self.say(format!("{doing} the email to {to}…"), false);
        vec![Action::ResolveOutbound { id, action }]
    }

    pub(super) fn outbox_arrived(&mut self, result: Result<Vec<Outbound>, String>) {
        let result = result
            .map(|list| list.into_iter().map(sanitize_outbound).collect())
            .map_err(|e| sanitize(&e));
        self.outbox.set(result);
    }

    pub(super) fn outbound_done(&mut self, action: OutboundAction, message: Outbound) {
        let message = sanitize_outbound(message);
        let text = match action {
            OutboundAction::Resend => format!(
                "The email to {} is queued to be sent again.",
                message.vendor
            ),
            OutboundAction::MarkSent => format!("Marked the email to {} as sent.", message.vendor),
        };
        self.outbox.resolved(message);
        self.say(text, false);
    }

    /// The daemon's refusal (a missing role, a message no longer failed)
    /// in its own words.
    pub(super) fn outbound_failed(&mut self, action: OutboundAction, id: Uuid, error: &str) {
        let error = sanitize(error);
        let what = match self.outbound_vendor(id) {
            Some(v) => format!("the email to {v}"),
            None => "the email".into(),
        };
        let text = match action {
            OutboundAction::Resend => format!("Could not resend {what}: {error}"),
            OutboundAction::MarkSent => format!("Could not mark {what} as sent: {error}"),
        };
        self.say(text, true);
    }
}
