//! The approvals inbox: the drafts of every job waiting for a human, one
//! open with its whole body, edited in place ([`DraftForm`]) or in
//! `$EDITOR`, approved after a y/n prompt or rejected with a reason. The
//! drawing is in [`super::draft_view`].

use std::cell::Cell;
use std::collections::HashMap;

use crossterm::event::{KeyCode, KeyEvent};
use procura_common::job::JobId;
use procura_common::negotiation::Approval;
use ratatui::Frame;
use ratatui::layout::Rect;
use uuid::Uuid;

use super::draft_form::{self, DraftForm, FormOutcome};
use super::draft_view;
use super::line_input::LineInput;
use super::{Component, Ctx, KeyHelp, Msg, Outcome, key};

pub const LIST_KEYS: &[KeyHelp] = &[
    key("↑↓ k j", "select a draft", Some(("↑↓", "select"))),
    key("Enter", "open the draft", Some(("Enter", "open"))),
    key("a", "approve (asks y/n)", Some(("a", "approve"))),
    key("r", "reject with a reason", Some(("r", "reject"))),
    key("e", "edit here", Some(("e", "edit"))),
    key("E", "edit in $EDITOR", Some(("E", "$EDITOR"))),
    key("Esc", "back to the jobs", Some(("Esc", "back"))),
    key("PgUp PgDn", "page up / down", None),
    key("Home End", "first / last draft", None),
];

pub const OPEN_KEYS: &[KeyHelp] = &[
    key("a", "approve (asks y/n)", Some(("a", "approve"))),
    key("r", "reject with a reason", Some(("r", "reject"))),
    key("e", "edit here", Some(("e", "edit"))),
    key("E", "edit in $EDITOR", Some(("E", "$EDITOR"))),
    key("↑↓ PgUp PgDn", "scroll the body", Some(("↑↓", "scroll"))),
    key("Esc", "back to the list", Some(("Esc", "back"))),
    key("Home End", "top / end of the body", None),
];

const CONFIRM_KEYS: &[KeyHelp] = &[
    key("y", "approve: the email is sent", Some(("y", "approve"))),
    key("n Esc", "do not approve", Some(("n", "cancel"))),
];

const REASON_KEYS: &[KeyHelp] = &[
    key(
        "Enter",
        "reject with this reason",
        Some(("Enter", "reject")),
    ),
    key("Esc", "cancel", Some(("Esc", "cancel"))),
];

/// What the inbox shows.
#[derive(Debug, Clone)]
pub enum Mode {
    List,
    /// The current draft, whole.
    Open,
    Edit(Box<DraftForm>),
    /// "Approve the current draft?"
    Confirm,
    /// The reason for rejecting the current draft, being typed.
    Reason(LineInput),
}

/// The most characters a rejection reason takes.
const MAX_REASON_CHARS: usize = 500;

#[derive(Debug)]
pub struct ApprovalsView {
    /// Sanitised, oldest first, as the daemon lists them.
    drafts: Vec<Approval>,
    selected: usize,
    /// The draft under the cursor, so a refresh that reorders keeps it.
    selected_id: Option<Uuid>,
    loaded: bool,
    /// Why the last listing failed, until one succeeds.
    error: Option<String>,
    mode: Mode,
    /// The draft open, edited or prompted about: a copy, so what is shown
    /// stays while the list refreshes around it.
    current: Option<Approval>,
    /// The current draft left the list (decided elsewhere).
    gone: bool,
    /// Whether the draft was open when the editor or a prompt started, so
    /// leaving it goes back there rather than to the list.
    from_open: bool,
    /// Why the last reason was refused.
    reason_error: Option<String>,
    /// The requests of the jobs the drafts are for, where known.
    job_names: HashMap<JobId, String>,
    /// The first body row shown in the open draft; the rows and page at
    /// the last draw bound it.
    scroll: Cell<usize>,
    body_rows: Cell<usize>,
    page: Cell<usize>,
    /// The list's first row shown, kept between draws.
    pub(super) offset: Cell<usize>,
}

impl Default for ApprovalsView {
    fn default() -> Self {
        ApprovalsView {
            drafts: Vec::new(),
            selected: 0,
            selected_id: None,
            loaded: false,
            error: None,
            mode: Mode::List,
            current: None,
            gone: false,
            from_open: false,
            reason_error: None,
            job_names: HashMap::new(),
            scroll: Cell::new(0),
            body_rows: Cell::new(0),
            page: Cell::new(1),
            offset: Cell::new(0),
        }
    }
}

impl ApprovalsView {
    pub fn drafts(&self) -> &[Approval] {
        &self.drafts
    }

    pub fn selected(&self) -> Option<&Approval> {
        self.drafts.get(self.selected)
    }

    pub fn mode(&self) -> &Mode {
        &self.mode
    }

    pub fn current(&self) -> Option<&Approval> {
        self.current.as_ref()
    }

    /// A prompt or the form was started from the open draft.
    pub fn from_open(&self) -> bool {
        self.from_open
    }

    pub fn is_gone(&self) -> bool {
        self.gone
    }

    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    pub fn is_loaded(&self) -> bool {
        self.loaded
    }

    pub fn reason_error(&self) -> Option<&str> {
        self.reason_error.as_deref()
    }

    pub fn job_name(&self, id: JobId) -> Option<&str> {
        self.job_names.get(&id).map(String::as_str)
    }

    pub(super) fn scroll(&self) -> &Cell<usize> {
        &self.scroll
    }

    /// Records the open draft's body rows and the rows that fit, at draw.
    pub(super) fn measured(&self, rows: usize, page: usize) {
        self.body_rows.set(rows);
        self.page.set(page.max(1));
        let max = rows.saturating_sub(page);
        self.scroll.set(self.scroll.get().min(max));
    }

    /// Text is being typed: `q` and `?` are text, F1 is help.
    pub fn is_typing(&self) -> bool {
        matches!(self.mode, Mode::Edit(_) | Mode::Reason(_))
    }

    /// Shown afresh: the list, the selection kept.
    pub fn opened(&mut self) {
        self.mode = Mode::List;
        self.current = None;
    }

    /// The drafts (sanitised), or why they could not be listed.
    pub fn set(&mut self, result: Result<Vec<Approval>, String>) {
        let drafts = match result {
            Ok(d) => d,
            Err(e) => {
                self.error = Some(e);
                return;
            }
        };
        self.error = None;
        self.loaded = true;
        self.drafts = drafts;
        if let Some(i) = self
            .selected_id
            .and_then(|id| self.drafts.iter().position(|d| d.id == id))
        {
            self.selected = i;
        }
        self.clamp();
        if let Some(cur) = self.current.as_mut() {
            match self.drafts.iter().find(|d| d.id == cur.id) {
                // Not under the operator's hands: a form keeps its text.
                Some(fresh) => {
                    if !matches!(self.mode, Mode::Edit(_)) {
                        *cur = fresh.clone();
                    }
                    self.gone = false;
                }
                None => self.gone = true,
            }
        }
    }

    pub fn set_job_names(&mut self, names: HashMap<JobId, String>) {
        self.job_names = names;
    }

    /// The daemon saved an edit: the draft (sanitised) replaces its old
    /// copy, and an open form on it closes onto the draft.
    pub fn saved(&mut self, draft: Approval) {
        if let Some(slot) = self.drafts.iter_mut().find(|d| d.id == draft.id) {
            *slot = draft.clone();
        }
        if self.current.as_ref().is_some_and(|c| c.id == draft.id) {
            if matches!(&self.mode, Mode::Edit(f) if f.id() == draft.id) {
                self.mode = Mode::Open;
            }
            self.current = Some(draft);
        }
    }

    /// A save was refused: the form (if still open on the draft) keeps the
    /// text and shows why.
    pub fn save_failed(&mut self, id: Uuid, error: &str) {
        if let Mode::Edit(form) = &mut self.mode
            && form.id() == id
        {
            form.failed(error.to_string());
        }
    }

    /// The draft was approved or rejected: it leaves the list, and the
    /// inbox goes back to the list if it was showing it.
    pub fn decided(&mut self, id: Uuid) {
        self.drafts.retain(|d| d.id != id);
        self.clamp();
        if self.current.as_ref().is_some_and(|c| c.id == id) {
            self.current = None;
            self.mode = Mode::List;
        }
    }

    fn clamp(&mut self) {
        self.selected = self.selected.min(self.drafts.len().saturating_sub(1));
        self.selected_id = self.drafts.get(self.selected).map(|d| d.id);
    }

    fn move_by(&mut self, delta: isize) {
        self.selected = self.selected.saturating_add_signed(delta);
        self.clamp();
    }

    fn scroll_by(&self, delta: isize) {
        let max = self.body_rows.get().saturating_sub(self.page.get());
        let to = self.scroll.get().saturating_add_signed(delta).min(max);
        self.scroll.set(to);
    }

    /// Back to the open draft or the list, whichever the prompt or form
    /// was started from.
    fn back(&mut self) {
        if self.from_open && self.current.is_some() {
            self.mode = Mode::Open;
        } else {
            self.mode = Mode::List;
            self.current = None;
        }
    }

    /// Starts acting on `draft` from the list or the open draft.
    fn target(&mut self, draft: Approval) {
        self.from_open = matches!(self.mode, Mode::Open);
        if self.current.as_ref().is_none_or(|c| c.id != draft.id) {
            self.gone = false;
        }
        self.current = Some(draft);
    }

    /// The draft a key in the list or the open draft acts on.
    fn subject_of_key(&self) -> Option<Approval> {
        match self.mode {
            Mode::Open => self.current.clone(),
            _ => self.selected().cloned(),
        }
    }

    /// `a`, `r`, `e`, `E` and Enter: the keys that act on a draft.
    fn draft_key(&mut self, code: KeyCode) -> Outcome {
        if !matches!(code, KeyCode::Enter | KeyCode::Char('a' | 'r' | 'e' | 'E')) {
            return Outcome::Ignored;
        }
        let Some(draft) = self.subject_of_key() else {
            return Outcome::Consumed;
        };
        if self.gone && matches!(self.mode, Mode::Open) && code != KeyCode::Enter {
            return Outcome::Msg(Msg::Notice {
                text: "This draft is no longer waiting for approval.".into(),
                error: true,
            });
        }
        match code {
            KeyCode::Enter => {
                self.target(draft);
                self.scroll.set(0);
                self.mode = Mode::Open;
            }
            KeyCode::Char('a') => {
                self.target(draft);
                self.mode = Mode::Confirm;
            }
            KeyCode::Char('r') => {
                self.target(draft);
                self.reason_error = None;
                self.mode = Mode::Reason(LineInput::new(MAX_REASON_CHARS));
            }
            KeyCode::Char('e') => {
                let form = DraftForm::new(&draft);
                self.target(draft);
                self.mode = Mode::Edit(Box::new(form));
            }
            _ => return Outcome::Msg(Msg::EditInEditor(Box::new(draft))),
        }
        Outcome::Consumed
    }

    fn list_key(&mut self, key: KeyEvent) -> Outcome {
        let page = self.page.get().max(1) as isize;
        match key.code {
            KeyCode::Up | KeyCode::Char('k') => self.move_by(-1),
            KeyCode::Down | KeyCode::Char('j') => self.move_by(1),
            KeyCode::PageUp => self.move_by(-page),
            KeyCode::PageDown => self.move_by(page),
            KeyCode::Home | KeyCode::Char('g') => self.move_by(isize::MIN),
            KeyCode::End | KeyCode::Char('G') => self.move_by(isize::MAX),
            KeyCode::Esc | KeyCode::Backspace => return Outcome::Msg(Msg::Back),
            code => return self.draft_key(code),
        }
        Outcome::Consumed
    }

    fn open_key(&mut self, key: KeyEvent) -> Outcome {
        let page = self.page.get().max(1) as isize;
        match key.code {
            KeyCode::Up | KeyCode::Char('k') => self.scroll_by(-1),
            KeyCode::Down | KeyCode::Char('j') => self.scroll_by(1),
            KeyCode::PageUp => self.scroll_by(-page),
            KeyCode::PageDown | KeyCode::Char(' ') => self.scroll_by(page),
            KeyCode::Home | KeyCode::Char('g') => self.scroll.set(0),
            KeyCode::End | KeyCode::Char('G') => self.scroll_by(isize::MAX),
            KeyCode::Esc | KeyCode::Backspace => {
                self.mode = Mode::List;
                self.current = None;
            }
            KeyCode::Enter => {}
            code => return self.draft_key(code),
        }
        Outcome::Consumed
    }

    fn confirm_key(&mut self, key: KeyEvent) -> Outcome {
        match key.code {
            KeyCode::Char('y' | 'Y') => {
                let id = self.current.as_ref().map(|c| c.id);
                self.back();
                match id {
                    Some(id) => Outcome::Msg(Msg::Approve(id)),
                    None => Outcome::Consumed,
                }
            }
            KeyCode::Char('n' | 'N' | 'q') | KeyCode::Esc => {
                self.back();
                Outcome::Consumed
            }
            // Help shows over the question; anything else leaves it open.
            KeyCode::Char('?') => Outcome::Ignored,
            _ => Outcome::Consumed,
        }
    }

    fn reason_key(&mut self, key: KeyEvent) -> Outcome {
        let Mode::Reason(input) = &mut self.mode else {
            return Outcome::Ignored;
        };
        match key.code {
            KeyCode::Esc => self.back(),
            KeyCode::Enter => {
                let reason = input.text().trim().to_string();
                if reason.is_empty() {
                    self.reason_error = Some(
                        "A rejection needs a reason: it goes in the job's log and the audit trail."
                            .into(),
                    );
                    return Outcome::Consumed;
                }
                let id = self.current.as_ref().map(|c| c.id);
                self.back();
                if let Some(id) = id {
                    return Outcome::Msg(Msg::Reject { id, reason });
                }
            }
            _ => {
                input.handle_key(key);
                self.reason_error = None;
            }
        }
        Outcome::Consumed
    }

    fn edit_key(&mut self, key: KeyEvent) -> Outcome {
        let Mode::Edit(form) = &mut self.mode else {
            return Outcome::Ignored;
        };
        match form.handle_key(key) {
            FormOutcome::Consumed => Outcome::Consumed,
            FormOutcome::Save(edit) => Outcome::Msg(Msg::SaveDraft(edit)),
            FormOutcome::Unchanged => {
                self.mode = Mode::Open;
                Outcome::Msg(Msg::Notice {
                    text: "Nothing changed; the draft is as it was.".into(),
                    error: false,
                })
            }
            FormOutcome::Cancel => {
                self.back();
                Outcome::Consumed
            }
        }
    }

    /// Bracketed paste, into the form or the reason being typed.
    pub fn paste(&mut self, text: &str) {
        match &mut self.mode {
            Mode::Edit(form) => form.paste(text),
            Mode::Reason(input) => {
                input.insert(text);
            }
            _ => {}
        }
    }
}

impl Component for ApprovalsView {
    fn title(&self) -> &'static str {
        "Approvals inbox"
    }

    fn draw(&self, frame: &mut Frame, area: Rect, ctx: &Ctx<'_>) {
        draft_view::draw(self, frame, area, ctx);
    }

    fn handle_key(&mut self, key: KeyEvent) -> Outcome {
        match self.mode {
            Mode::List => self.list_key(key),
            Mode::Open => self.open_key(key),
            Mode::Confirm => self.confirm_key(key),
            Mode::Reason(_) => self.reason_key(key),
            Mode::Edit(_) => self.edit_key(key),
        }
    }

    fn keys(&self) -> &'static [KeyHelp] {
        match self.mode {
            Mode::List => LIST_KEYS,
            Mode::Open => OPEN_KEYS,
            Mode::Confirm => CONFIRM_KEYS,
            Mode::Reason(_) => REASON_KEYS,
            Mode::Edit(_) => draft_form::KEYS,
        }
    }
}
