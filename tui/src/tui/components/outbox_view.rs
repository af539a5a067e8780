//! The outbox: approved email and how its delivery went (approved,
//! sending, sent, failed, unknown), its attempts and the last error in
//! the mail server's words; a failed or unknown message is resent, and an
//! unknown one that did arrive marked sent, each after a y/n prompt.

use std::cell::Cell;

use crossterm::event::{KeyCode, KeyEvent};
use procura_common::negotiation::{DeliveryState, Outbound, OutboundAction};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Margin, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Padding, Paragraph, Row, Table, Wrap};
use uuid::Uuid;

use super::thread_view::{prompt_box, yes_no_line};
use super::{Component, Ctx, KeyHelp, Msg, Outcome, key};
use crate::tui::format::{age, truncate_end, wrap};
use crate::tui::theme::Theme;

pub const KEYS: &[KeyHelp] = &[
    key("↑↓ k j", "select a message", Some(("↑↓", "select"))),
    key("R", "resend failed/unknown", Some(("R", "resend"))),
    key("M", "mark an unknown one sent", Some(("M", "mark sent"))),
    key("Esc", "back to the jobs", Some(("Esc", "back"))),
    key("PgUp PgDn", "page up / down", None),
    key("Home End", "first / last message", None),
];

const CONFIRM_KEYS: &[KeyHelp] = &[
    key("y", "yes, do it", Some(("y", "yes"))),
    key("n Esc", "no, leave it", Some(("n", "cancel"))),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    List,
    /// "Resend it?" or "Mark it sent?" about the current message.
    Confirm(OutboundAction),
}

#[derive(Debug)]
pub struct OutboxView {
    /// Sanitised, newest first, as the daemon lists them.
    messages: Vec<Outbound>,
    selected: usize,
    selected_id: Option<Uuid>,
    loaded: bool,
    /// Why the last listing failed, until one succeeds.
    error: Option<String>,
    mode: Mode,
    /// The message a prompt is about: a copy, so it stays while the list
    /// refreshes.
    current: Option<Outbound>,
    /// The list's first row and the rows that fit, kept between draws.
    offset: Cell<usize>,
    page: Cell<usize>,
}

impl Default for OutboxView {
    fn default() -> Self {
        OutboxView {
            messages: Vec::new(),
            selected: 0,
            selected_id: None,
            loaded: false,
            error: None,
            mode: Mode::List,
            current: None,
            offset: Cell::new(0),
            page: Cell::new(1),
        }
    }
}

fn delivery_style(t: Theme, s: DeliveryState) -> Style {
    match s {
        DeliveryState::Failed | DeliveryState::Unknown => t.error(),
        DeliveryState::Approved | DeliveryState::Sending => t.warn(),
        DeliveryState::Sent => t.ok(),
    }
}

/// The local reason `action` cannot apply to `m`, as the daemon would
/// refuse it: only a failed or unknown message is resent, only an unknown
/// one marked sent.
pub fn refusal(m: &Outbound, action: OutboundAction) -> Option<String> {
    let state = m.state.as_str();
    match (action, m.state) {
        (OutboundAction::Resend, DeliveryState::Failed | DeliveryState::Unknown) => None,
        (OutboundAction::MarkSent, DeliveryState::Unknown) => None,
        (OutboundAction::Resend, _) => Some(format!(
            "Only a failed or unknown message can be resent; the email to {} is {state}.",
            m.vendor
        )),
        (OutboundAction::MarkSent, DeliveryState::Failed) => Some(format!(
            "The email to {} failed: it did not go out. Resend it with R.",
            m.vendor
        )),
        (OutboundAction::MarkSent, _) => Some(format!(
            "Only a message whose delivery is unknown can be marked sent; the email to {} is {state}.",
            m.vendor
        )),
    }
}

impl OutboxView {
    pub fn messages(&self) -> &[Outbound] {
        &self.messages
    }

    pub fn selected(&self) -> Option<&Outbound> {
        self.messages.get(self.selected)
    }

    pub fn mode(&self) -> Mode {
        self.mode
    }

    pub fn current(&self) -> Option<&Outbound> {
        self.current.as_ref()
    }

    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// How many messages are in `state`.
    pub fn count(&self, state: DeliveryState) -> usize {
        self.messages.iter().filter(|m| m.state == state).count()
    }

    /// Shown afresh: the list, the selection kept.
    pub fn opened(&mut self) {
        self.mode = Mode::List;
        self.current = None;
    }

    /// The messages (sanitised), or why they could not be listed.
    pub fn set(&mut self, result: Result<Vec<Outbound>, String>) {
        match result {
            Ok(list) => {
                self.error = None;
                self.loaded = true;
                self.messages = list;
            }
            Err(e) => {
                self.error = Some(e);
                return;
            }
        }
        if let Some(i) = self
            .selected_id
            .and_then(|id| self.messages.iter().position(|m| m.id == id))
        {
            self.selected = i;
        }
        self.clamp();
    }

    /// The daemon resolved a message: it (sanitised) replaces its copy.
    pub fn resolved(&mut self, message: Outbound) {
        if let Some(slot) = self.messages.iter_mut().find(|m| m.id == message.id) {
            *slot = message;
        }
    }

    fn clamp(&mut self) {
        self.selected = self.selected.min(self.messages.len().saturating_sub(1));
        self.selected_id = self.messages.get(self.selected).map(|m| m.id);
    }

    fn move_by(&mut self, delta: isize) {
        self.selected = self.selected.saturating_add_signed(delta);
        self.clamp();
    }

    fn ask(&mut self, action: OutboundAction) -> Outcome {
        let Some(m) = self.selected().cloned() else {
            return Outcome::Consumed;
        };
        if let Some(text) = refusal(&m, action) {
            return Outcome::Msg(Msg::Notice { text, error: true });
        }
        self.current = Some(m);
        self.mode = Mode::Confirm(action);
        Outcome::Consumed
    }

    fn confirm_key(&mut self, action: OutboundAction, key: KeyEvent) -> Outcome {
        match key.code {
            KeyCode::Char('y' | 'Y') => {
                self.mode = Mode::List;
                match self.current.take() {
                    Some(m) => Outcome::Msg(Msg::ResolveOutbound { id: m.id, action }),
                    None => Outcome::Consumed,
                }
            }
            KeyCode::Char('n' | 'N' | 'q') | KeyCode::Esc => {
                self.mode = Mode::List;
                self.current = None;
                Outcome::Consumed
            }
            KeyCode::Char('?') => Outcome::Ignored,
            _ => Outcome::Consumed,
        }
    }

    fn draw_table(&self, frame: &mut Frame, area: Rect, ctx: &Ctx<'_>) {
        let t = ctx.theme;
        let mut block = Block::bordered().title(Line::from(vec![
            Span::styled(" Approved email ", t.title()),
            Span::raw(format!("({}) ", self.messages.len())),
        ]));
        if let (Some(e), true) = (self.error(), self.loaded) {
            let e = truncate_end(e, usize::from(area.width).saturating_sub(4));
            block = block.title_bottom(Line::styled(format!(" {e} "), t.error()));
        }
        if self.messages.is_empty() {
            let line = match (self.error(), self.loaded) {
                (Some(e), false) => {
                    Line::styled(format!("Could not list the outbox: {e}"), t.error())
                }
                (None, false) => Line::styled("Loading the outbox…", t.dim()),
                (_, true) => Line::styled(
                    "No approved email yet. Drafts approved in the approvals inbox (A) \
                     show here while they are sent, and stay with how it went.",
                    t.dim(),
                ),
            };
            let p = Paragraph::new(line).wrap(Wrap { trim: true });
            frame.render_widget(block.clone(), area);
            frame.render_widget(p, block.inner(area).inner(Margin::new(1, 0)));
            return;
        }
        let widths = [
            Constraint::Length(8),
            Constraint::Length(3),
            Constraint::Length(4),
            Constraint::Length(16),
            Constraint::Fill(1),
        ];
        let header = Row::new(vec![
            Line::raw("STATE"),
            Line::raw("TRY").right_aligned(),
            Line::raw("WHEN").right_aligned(),
            Line::raw("VENDOR"),
            Line::raw("ERROR / SUBJECT"),
        ])
        .style(t.title());
        let rows: Vec<Row> = self
            .messages
            .iter()
            .map(|m| {
                let when = m
                    .sent_at
                    .or(m.approved_at)
                    .map_or("—".into(), |at| age(ctx.now, at));
                let note = match (&m.error, m.state) {
                    (Some(e), DeliveryState::Failed | DeliveryState::Unknown) => {
                        Line::styled(e.clone(), t.error())
                    }
                    (Some(e), DeliveryState::Approved) => {
                        Line::styled(format!("retrying: {e}"), t.warn())
                    }
                    _ => Line::raw(m.subject.clone()),
                };
                Row::new(vec![
                    Line::styled(m.state.as_str(), delivery_style(t, m.state)),
                    Line::raw(m.attempts.to_string()).right_aligned(),
                    Line::raw(when).right_aligned(),
                    Line::raw(truncate_end(&m.vendor, 16)),
                    note,
                ])
            })
            .collect();
        let table = Table::new(rows, widths).header(header).block(block);
        self.page
            .set(usize::from(area.height.saturating_sub(3)).max(1));
        super::render_list_table(frame, area, table, t, Some(self.selected), &self.offset);
    }

    /// The selected message whole: address, subject, delivery and the
    /// error wrapped, with what can be done about it.
    fn details(
        &self,
        m: &Outbound,
        ctx: &Ctx<'_>,
        width: usize,
        rows: usize,
    ) -> Vec<Line<'static>> {
        let t = ctx.theme;
        let room = width.saturating_sub(9);
        let label = |l: &str| Span::styled(format!("{l:<9}"), t.dim());
        let tries = match m.attempts {
            1 => "1 attempt".to_string(),
            n => format!("{n} attempts"),
        };
        let ago = |at: Option<chrono::DateTime<chrono::Utc>>| {
            at.map(|at| format!(" {} ago", age(ctx.now, at)))
                .unwrap_or_default()
        };
        let delivery = match m.state {
            DeliveryState::Sent => format!(
                "sent{} by {}{}",
                ago(m.sent_at),
                m.delivered_by.as_deref().unwrap_or("?"),
                m.message_id
                    .as_deref()
                    .map(|id| format!(" · {id}"))
                    .unwrap_or_default()
            ),
            DeliveryState::Approved => match m.next_attempt_at {
                Some(at) if m.attempts > 0 => {
                    format!(
                        "waiting to try again in {} ({tries} so far)",
                        age(at, ctx.now)
                    )
                }
                _ => format!("approved{}, waiting for the sender", ago(m.approved_at)),
            },
            DeliveryState::Sending => format!("being sent now ({tries})"),
            DeliveryState::Failed => format!("failed after {tries}; not retried by itself"),
            DeliveryState::Unknown => {
                "unknown: the daemon stopped while the server was taking it".to_string()
            }
        };
        let mut lines = vec![
            Line::from(vec![
                label("To"),
                Span::raw(truncate_end(
                    m.to.as_deref().unwrap_or("(no address)"),
                    room,
                )),
            ]),
            Line::from(vec![
                label("Subject"),
                Span::raw(truncate_end(&m.subject, room)),
            ]),
            Line::from(vec![
                label("Delivery"),
                Span::styled(truncate_end(&delivery, room), delivery_style(t, m.state)),
            ]),
        ];
        let hint = match m.state {
            DeliveryState::Failed => Some("R sends it again."),
            DeliveryState::Unknown => Some(
                "Check the Sent folder: M if it is there (marks it sent), R if not (resends it).",
            ),
            _ => None,
        };
        let error_rows = rows.saturating_sub(lines.len() + usize::from(hint.is_some()));
        if let Some(e) = &m.error {
            let mut wrapped = wrap(e, room.max(1));
            if wrapped.len() > error_rows {
                wrapped.truncate(error_rows);
                if let Some(last) = wrapped.last_mut() {
                    *last = truncate_end(&format!("{last} …"), room);
                }
            }
            for (i, row) in wrapped.into_iter().enumerate() {
                let l = if i == 0 {
                    label("Error")
                } else {
                    Span::raw(" ".repeat(9))
                };
                lines.push(Line::from(vec![l, Span::styled(row, t.error())]));
            }
        }
        if let Some(h) = hint {
            lines.push(Line::styled(truncate_end(h, width), t.dim()));
        }
        lines
    }

    fn draw_confirm(
        &self,
        action: OutboundAction,
        m: &Outbound,
        frame: &mut Frame,
        area: Rect,
        ctx: &Ctx<'_>,
    ) {
        let t = ctx.theme;
        let to = format!(
            "To {} <{}>",
            m.vendor,
            m.to.as_deref().unwrap_or("no address")
        );
        let (title, lines) = match action {
            OutboundAction::Resend => (
                format!(" Resend the email to {}? ", m.vendor),
                vec![
                    Line::raw(to),
                    Line::raw(format!("Subject: {}", m.subject)),
                    Line::styled(
                        if m.state == DeliveryState::Unknown {
                            "It may have gone out already: check the Sent folder first."
                        } else {
                            "It is queued and sent again, once."
                        },
                        t.dim(),
                    ),
                    yes_no_line(t, "resend"),
                ],
            ),
            OutboundAction::MarkSent => (
                format!(" Mark the email to {} as sent? ", m.vendor),
                vec![
                    Line::raw(to),
                    Line::raw(format!("Subject: {}", m.subject)),
                    Line::styled(
                        "Only if it is in the Sent folder: it is not sent again.",
                        t.dim(),
                    ),
                    yes_no_line(t, "mark sent"),
                ],
            ),
        };
        prompt_box(frame, area, ctx, &title, lines);
    }
}

impl Component for OutboxView {
    fn title(&self) -> &'static str {
        "Outbox"
    }

    fn draw(&self, frame: &mut Frame, area: Rect, ctx: &Ctx<'_>) {
        let t = ctx.theme;
        // The selected message's details under the list, as tall as they
        // need up to half the screen, the list keeping five rows.
        let details = self.selected().map(|m| {
            let width = usize::from(area.width.saturating_sub(4));
            let room = usize::from((area.height / 2).min(area.height.saturating_sub(5)));
            (m, self.details(m, ctx, width, room.saturating_sub(2)))
        });
        let rows = details
            .as_ref()
            .map_or(0, |(_, lines)| lines.len() as u16 + 2);
        let [list, detail] =
            Layout::vertical([Constraint::Min(0), Constraint::Length(rows)]).areas(area);
        self.draw_table(frame, list, ctx);
        if let Some((m, lines)) = details.filter(|_| rows > 2) {
            let block = Block::bordered()
                .title(Line::from(vec![
                    Span::styled(" Email ", t.title()),
                    Span::raw(format!("to {} ", truncate_end(&m.vendor, 40))),
                ]))
                .padding(Padding::horizontal(1));
            frame.render_widget(Paragraph::new(lines).block(block), detail);
        }
        if let (Mode::Confirm(action), Some(m)) = (self.mode, &self.current) {
            self.draw_confirm(action, m, frame, area, ctx);
        }
    }

    fn handle_key(&mut self, key: KeyEvent) -> Outcome {
        if let Mode::Confirm(action) = self.mode {
            return self.confirm_key(action, key);
        }
        let page = self.page.get().max(1) as isize;
        match key.code {
            KeyCode::Up | KeyCode::Char('k') => self.move_by(-1),
            KeyCode::Down | KeyCode::Char('j') => self.move_by(1),
            KeyCode::PageUp => self.move_by(-page),
            KeyCode::PageDown => self.move_by(page),
            KeyCode::Home | KeyCode::Char('g') => self.move_by(isize::MIN),
            KeyCode::End | KeyCode::Char('G') => self.move_by(isize::MAX),
            KeyCode::Char('R') => return self.ask(OutboundAction::Resend),
            KeyCode::Char('M') => return self.ask(OutboundAction::MarkSent),
            KeyCode::Esc | KeyCode::Backspace => return Outcome::Msg(Msg::Back),
            _ => return Outcome::Ignored,
        }
        Outcome::Consumed
    }

    fn keys(&self) -> &'static [KeyHelp] {
        match self.mode {
            Mode::List => KEYS,
            Mode::Confirm(_) => CONFIRM_KEYS,
        }
    }
}
