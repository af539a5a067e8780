//! Editing a draft in place: a one-line subject over a multi-line body
//! ([`TextEditor`]). Tab switches between them, Ctrl-S saves, Esc cancels
//! and leaves the draft as it was.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use procura_common::negotiation::{Approval, DraftEdit};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Margin, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};
use uuid::Uuid;

use super::line_input::LineInput;
use super::text_editor::TextEditor;
use super::{Ctx, KeyHelp, key};
use crate::tui::format::truncate_end;

pub const KEYS: &[KeyHelp] = &[
    key("Ctrl-S", "save the draft", Some(("Ctrl-S", "save"))),
    key("Tab", "subject / body", Some(("Tab", "subject/body"))),
    key("Esc", "cancel, draft unchanged", Some(("Esc", "cancel"))),
    key("F1", "these keys", None),
    key("Enter", "new line in the body", None),
    key("← → ↑ ↓", "move the cursor", None),
    key("Home End", "start / end of the line", None),
    key("PgUp PgDn", "a page up / down", None),
    key("C-Home C-End", "start / end of body", None),
    key("Bksp Del", "delete; joins lines", None),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    Subject,
    Body,
}

/// What a key in the form comes to.
#[derive(Debug, Clone, PartialEq)]
pub enum FormOutcome {
    Consumed,
    /// Send this edit; the form waits for the answer.
    Save(DraftEdit),
    /// Saved with nothing changed: close, nothing to send.
    Unchanged,
    Cancel,
}

#[derive(Debug, Clone)]
pub struct DraftForm {
    id: Uuid,
    /// Who it goes to, for the title: vendor and address (sanitised).
    vendor: String,
    to: Option<String>,
    subject: LineInput,
    body: TextEditor,
    focus: Focus,
    /// The text it was opened with, to tell an unchanged save.
    original: (String, String),
    /// A save is under way: keys wait for its answer.
    saving: bool,
    /// Why the last save was refused, here or by the daemon.
    error: Option<String>,
}

impl DraftForm {
    /// `draft` is sanitised.
    pub fn new(draft: &Approval) -> Self {
        let mut subject = LineInput::new(DraftEdit::MAX_SUBJECT_CHARS);
        subject.insert(&draft.subject);
        let body = TextEditor::new(&draft.body, DraftEdit::MAX_BODY_CHARS);
        DraftForm {
            id: draft.id,
            vendor: draft.vendor.clone(),
            to: draft.to.clone(),
            original: (subject.text().trim().to_string(), body.text()),
            subject,
            body,
            focus: Focus::Subject,
            saving: false,
            error: None,
        }
    }

    pub fn id(&self) -> Uuid {
        self.id
    }

    pub fn focus(&self) -> Focus {
        self.focus
    }

    pub fn body(&self) -> &TextEditor {
        &self.body
    }

    pub fn subject(&self) -> &str {
        self.subject.text()
    }

    pub fn is_saving(&self) -> bool {
        self.saving
    }

    /// The edit to send, or why it cannot be: the daemon wants a subject
    /// and a body (the limits hold while typing).
    pub fn edit(&self) -> Result<DraftEdit, String> {
        let subject = self.subject.text().trim();
        let body = self.body.text();
        if subject.is_empty() {
            return Err("The subject is empty; a draft needs one.".into());
        }
        if body.trim().is_empty() {
            return Err("The body is empty; a draft needs one.".into());
        }
        Ok(DraftEdit {
            id: self.id,
            subject: subject.to_string(),
            body,
        })
    }

    /// The daemon refused the save, or the call failed: the text stays.
    pub fn failed(&mut self, error: String) {
        self.saving = false;
        self.error = Some(error);
    }

    fn save(&mut self) -> FormOutcome {
        match self.edit() {
            Ok(edit) if edit.subject == self.original.0 && edit.body == self.original.1 => {
                FormOutcome::Unchanged
            }
            Ok(edit) => {
                self.saving = true;
                self.error = None;
                FormOutcome::Save(edit)
            }
            Err(e) => {
                self.error = Some(e);
                FormOutcome::Consumed
            }
        }
    }

    pub fn handle_key(&mut self, key: KeyEvent) -> FormOutcome {
        if self.saving {
            return FormOutcome::Consumed;
        }
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Char('s') if ctrl => return self.save(),
            KeyCode::Esc => return FormOutcome::Cancel,
            KeyCode::Tab | KeyCode::BackTab => {
                self.focus = match self.focus {
                    Focus::Subject => Focus::Body,
                    Focus::Body => Focus::Subject,
                };
            }
            // Enter in the subject moves on to the body, as a mail client does.
            KeyCode::Enter if self.focus == Focus::Subject => self.focus = Focus::Body,
            _ => {
                match self.focus {
                    Focus::Subject => self.subject.handle_key(key),
                    Focus::Body => self.body.handle_key(key),
                };
            }
        }
        self.error = None;
        FormOutcome::Consumed
    }

    /// Pasted text goes to the field with the focus; the subject keeps it
    /// on one line.
    pub fn paste(&mut self, text: &str) {
        if self.saving {
            return;
        }
        match self.focus {
            Focus::Subject => self.subject.insert(text),
            Focus::Body => self.body.insert(text),
        };
    }

    pub fn draw(&self, frame: &mut Frame, area: Rect, ctx: &Ctx<'_>) {
        let t = ctx.theme;
        let to = match &self.to {
            Some(to) => format!("{} <{to}>", self.vendor),
            None => format!("{} (no address on file)", self.vendor),
        };
        let room = usize::from(area.width).saturating_sub(20);
        let mut block = Block::bordered().title(Line::from(vec![
            Span::styled(" Editing the draft ", t.title()),
            Span::raw(format!("to {} ", truncate_end(&to, room))),
        ]));
        let count = format!(" {}/{} ", self.body.char_count(), DraftEdit::MAX_BODY_CHARS);
        block = block.title_bottom(Line::styled(count, t.dim()).right_aligned());
        if self.saving {
            block = block.title_bottom(Line::styled(" saving… ", t.warn()));
        } else if let Some(e) = &self.error {
            let e = truncate_end(e, usize::from(area.width).saturating_sub(16));
            block = block.title_bottom(Line::styled(format!(" {e} "), t.error()));
        }
        let inner = block.inner(area).inner(Margin::new(1, 0));
        frame.render_widget(block, area);
        let [subject, rule, body] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Min(0),
        ])
        .areas(inner);
        let label = |name: &'static str, field: Focus| {
            let style = if self.focus == field {
                t.focus()
            } else {
                t.dim()
            };
            Span::styled(name, style)
        };
        let [name, field] =
            Layout::horizontal([Constraint::Length(9), Constraint::Min(0)]).areas(subject);
        frame.render_widget(Line::from(label("Subject", Focus::Subject)), name);
        let line = self.subject.line(
            usize::from(field.width),
            self.focus == Focus::Subject,
            "a subject",
            t,
        );
        frame.render_widget(Paragraph::new(line), field);
        let rule_text = "─".repeat(usize::from(rule.width).saturating_sub(5));
        frame.render_widget(
            Line::from(vec![
                label("Body ", Focus::Body),
                Span::styled(rule_text, t.dim()),
            ]),
            rule,
        );
        self.body.draw(frame, body, self.focus == Focus::Body, t);
    }
}
