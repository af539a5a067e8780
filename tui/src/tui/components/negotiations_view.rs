//! The negotiations: one row per vendor a job negotiates with (its state,
//! the latest message, the offer read from the vendor's reply, the
//! purchase order), and one open as its whole thread. The offer is
//! accepted after a y/n prompt, countered with a price ([`CounterForm`])
//! or declined with a reason; a purchase order's PDF is written to a
//! file. The drawing is in [`super::thread_view`].

use std::cell::Cell;
use std::collections::HashMap;
use std::path::PathBuf;

use crossterm::event::{KeyCode, KeyEvent};
use procura_common::job::JobId;
use procura_common::negotiation::{NegotiationState, OfferDecision, Thread};
use ratatui::Frame;
use ratatui::layout::Rect;
use uuid::Uuid;

use super::counter_form::{self, CounterForm, FormOutcome};
use super::line_input::LineInput;
use super::thread_view::{self, latest_offer};
use super::{Component, Ctx, KeyHelp, Msg, Outcome, key};
use crate::tui::format::order_file;
use crate::tui::msg::Export;

pub const LIST_KEYS: &[KeyHelp] = &[
    key("↑↓ k j", "select a negotiation", Some(("↑↓", "select"))),
    key("Enter", "open its thread", Some(("Enter", "open"))),
    key("a", "accept the offer (y/n)", Some(("a", "accept"))),
    key("c", "counter with a price", Some(("c", "counter"))),
    key("d", "decline with a reason", Some(("d", "decline"))),
    key("x", "export the PO as PDF", Some(("x", "export PO"))),
    key("Esc", "back", Some(("Esc", "back"))),
    key("PgUp PgDn", "page up / down", None),
    key("Home End", "first / last", None),
];

pub const THREAD_KEYS: &[KeyHelp] = &[
    key("a", "accept the offer (y/n)", Some(("a", "accept"))),
    key("c", "counter with a price", Some(("c", "counter"))),
    key("d", "decline with a reason", Some(("d", "decline"))),
    key("x", "export the PO as PDF", Some(("x", "export PO"))),
    key("↑↓ PgUp PgDn", "scroll the thread", Some(("↑↓", "scroll"))),
    key("Esc", "back to the list", Some(("Esc", "back"))),
    key("Home End", "top / end of thread", None),
];

const ACCEPT_KEYS: &[KeyHelp] = &[
    key("y", "accept: a PO is drawn up", Some(("y", "accept"))),
    key("n Esc", "do not accept", Some(("n", "cancel"))),
];

const DECLINE_KEYS: &[KeyHelp] = &[
    key(
        "Enter",
        "decline with this reason",
        Some(("Enter", "decline")),
    ),
    key("Esc", "cancel", Some(("Esc", "cancel"))),
];

const EXPORT_KEYS: &[KeyHelp] = &[
    key("Enter", "write the PDF here", Some(("Enter", "export"))),
    key("Esc", "cancel", Some(("Esc", "cancel"))),
];

const OVERWRITE_KEYS: &[KeyHelp] = &[
    key("y", "overwrite the file", Some(("y", "overwrite"))),
    key("n Esc", "leave it as it is", Some(("n", "cancel"))),
];

/// What the view shows.
#[derive(Debug, Clone)]
pub enum Mode {
    List,
    /// The current thread, whole.
    Thread,
    /// "Accept the offer?"
    Accept,
    Counter(Box<CounterForm>),
    /// The reason for declining, being typed.
    Decline(LineInput),
    /// Where to write the purchase order's PDF, being typed.
    Export(LineInput),
    /// "The file exists: overwrite it?"
    Overwrite(Box<Export>),
}

/// The most characters a reason and a path take.
const MAX_REASON_CHARS: usize = 500;
const MAX_PATH_CHARS: usize = 4096;

#[derive(Debug)]
pub struct NegotiationsView {
    /// Whose negotiations: one job's, or all.
    job: Option<JobId>,
    /// Sanitised, newest first, as the daemon lists them.
    threads: Vec<Thread>,
    selected: usize,
    /// The negotiation under the cursor, so a refresh keeps it.
    selected_id: Option<Uuid>,
    loaded: bool,
    /// Why the last listing failed, until one succeeds.
    error: Option<String>,
    mode: Mode,
    /// The thread open or acted on: a copy, refreshed with the list.
    current: Option<Thread>,
    /// Whether the thread was open when a prompt started, so leaving the
    /// prompt goes back there rather than to the list.
    from_open: bool,
    /// Why the reason or the path typed was refused.
    prompt_error: Option<String>,
    /// The requests of the jobs, where known.
    job_names: HashMap<JobId, String>,
    /// The first row of the open thread shown; the rows and the page at
    /// the last draw bound it.
    scroll: Cell<usize>,
    rows: Cell<usize>,
    page: Cell<usize>,
    /// The list's first row shown, kept between draws.
    pub(super) offset: Cell<usize>,
}

impl Default for NegotiationsView {
    fn default() -> Self {
        NegotiationsView {
            job: None,
            threads: Vec::new(),
            selected: 0,
            selected_id: None,
            loaded: false,
            error: None,
            mode: Mode::List,
            current: None,
            from_open: false,
            prompt_error: None,
            job_names: HashMap::new(),
            scroll: Cell::new(0),
            rows: Cell::new(0),
            page: Cell::new(1),
            offset: Cell::new(0),
        }
    }
}

impl NegotiationsView {
    pub fn job(&self) -> Option<JobId> {
        self.job
    }

    pub fn threads(&self) -> &[Thread] {
        &self.threads
    }

    pub fn selected(&self) -> Option<&Thread> {
        self.threads.get(self.selected)
    }

    pub fn mode(&self) -> &Mode {
        &self.mode
    }

    pub fn current(&self) -> Option<&Thread> {
        self.current.as_ref()
    }

    pub fn from_open(&self) -> bool {
        self.from_open
    }

    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    pub fn is_loaded(&self) -> bool {
        self.loaded
    }

    pub fn prompt_error(&self) -> Option<&str> {
        self.prompt_error.as_deref()
    }

    pub fn job_name(&self, id: JobId) -> Option<&str> {
        self.job_names.get(&id).map(String::as_str)
    }

    pub fn set_job_names(&mut self, names: HashMap<JobId, String>) {
        self.job_names = names;
    }

    pub(super) fn scroll(&self) -> &Cell<usize> {
        &self.scroll
    }

    /// Records the open thread's rows and the rows that fit, at draw.
    pub(super) fn measured(&self, rows: usize, page: usize) {
        self.rows.set(rows);
        self.page.set(page.max(1));
        self.scroll
            .set(self.scroll.get().min(rows.saturating_sub(page)));
    }

    /// Text is being typed: `q` and `?` are text, F1 is help.
    pub fn is_typing(&self) -> bool {
        matches!(
            self.mode,
            Mode::Counter(_) | Mode::Decline(_) | Mode::Export(_)
        )
    }

    /// Shown afresh for `job` (or all): the list; another job's list is
    /// dropped.
    pub fn opened(&mut self, job: Option<JobId>) {
        if self.job != job {
            *self = NegotiationsView {
                job,
                job_names: std::mem::take(&mut self.job_names),
                ..NegotiationsView::default()
            };
        }
        self.mode = Mode::List;
        self.current = None;
    }

    /// The negotiations of `job` (sanitised), or why they could not be
    /// listed; a listing for another job than the one shown is dropped.
    pub fn set(&mut self, job: Option<JobId>, result: Result<Vec<Thread>, String>) {
        if job != self.job {
            return;
        }
        let threads = match result {
            Ok(t) => t,
            Err(e) => {
                self.error = Some(e);
                return;
            }
        };
        self.error = None;
        self.loaded = true;
        self.threads = threads;
        if let Some(i) = self
            .selected_id
            .and_then(|id| self.threads.iter().position(|t| t.negotiation_id == id))
        {
            self.selected = i;
        }
        self.clamp();
        if let Some(cur) = self.current.as_mut()
            && let Some(fresh) = self
                .threads
                .iter()
                .find(|t| t.negotiation_id == cur.negotiation_id)
        {
            *cur = fresh.clone();
        }
    }

    /// The daemon carried out a decision: the thread (sanitised) replaces
    /// its old copy, and a counter form on it closes.
    pub fn decided(&mut self, thread: Thread) {
        let id = thread.negotiation_id;
        if let Some(slot) = self.threads.iter_mut().find(|t| t.negotiation_id == id) {
            *slot = thread.clone();
        }
        if self
            .current
            .as_ref()
            .is_some_and(|c| c.negotiation_id == id)
        {
            self.current = Some(thread);
            if matches!(&self.mode, Mode::Counter(f) if f.negotiation() == id) {
                self.back();
            }
        }
    }

    /// A decision was refused: a counter form on the negotiation keeps its
    /// text and shows why.
    pub fn decide_failed(&mut self, negotiation: Uuid, error: &str) {
        if let Mode::Counter(form) = &mut self.mode
            && form.negotiation() == negotiation
        {
            form.failed(error.to_string());
        }
    }

    /// The file an export was to write is there: asks whether to
    /// overwrite it, unless the operator is busy with something else
    /// (then false).
    pub fn export_exists(&mut self, export: Export) -> bool {
        if !matches!(self.mode, Mode::List | Mode::Thread) {
            return false;
        }
        self.from_open = matches!(self.mode, Mode::Thread) && self.current.is_some();
        self.mode = Mode::Overwrite(Box::new(export));
        true
    }

    fn clamp(&mut self) {
        self.selected = self.selected.min(self.threads.len().saturating_sub(1));
        self.selected_id = self.threads.get(self.selected).map(|t| t.negotiation_id);
    }

    fn move_by(&mut self, delta: isize) {
        self.selected = self.selected.saturating_add_signed(delta);
        self.clamp();
    }

    fn scroll_by(&self, delta: isize) {
        let max = self.rows.get().saturating_sub(self.page.get());
        let to = self.scroll.get().saturating_add_signed(delta).min(max);
        self.scroll.set(to);
    }

    /// Back to the open thread or the list, whichever the prompt or form
    /// was started from.
    fn back(&mut self) {
        if self.from_open && self.current.is_some() {
            self.mode = Mode::Thread;
        } else {
            self.mode = Mode::List;
            self.current = None;
        }
    }

    /// Starts acting on `thread` from the list or the open thread.
    fn target(&mut self, thread: Thread) {
        self.from_open = matches!(self.mode, Mode::Thread);
        self.prompt_error = None;
        self.current = Some(thread);
    }

    /// Whether the negotiation's offer can be decided this way, by the
    /// shared state machine; a notice saying why not if not.
    fn refusal(thread: &Thread, to: NegotiationState, verb: &str) -> Option<Outcome> {
        let e = thread.state.check(to).err()?;
        Some(Outcome::Msg(Msg::Notice {
            text: format!("Cannot {verb} the offer of {}: {e}.", thread.vendor),
            error: true,
        }))
    }

    /// Enter, `a`, `c`, `d` and `x`: the keys that act on a negotiation.
    fn thread_key(&mut self, code: KeyCode) -> Outcome {
        if !matches!(code, KeyCode::Enter | KeyCode::Char('a' | 'c' | 'd' | 'x')) {
            return Outcome::Ignored;
        }
        let thread = match self.mode {
            Mode::Thread => self.current.clone(),
            _ => self.selected().cloned(),
        };
        let Some(thread) = thread else {
            return Outcome::Consumed;
        };
        match code {
            KeyCode::Enter => {
                self.target(thread);
                self.scroll.set(0);
                self.mode = Mode::Thread;
            }
            KeyCode::Char('a') => {
                if let Some(no) = Self::refusal(&thread, NegotiationState::Accepted, "accept") {
                    return no;
                }
                self.target(thread);
                self.mode = Mode::Accept;
            }
            KeyCode::Char('c') => {
                if let Some(no) = Self::refusal(&thread, NegotiationState::Countered, "counter") {
                    return no;
                }
                let offer = latest_offer(&thread).cloned();
                let form = CounterForm::new(thread.negotiation_id, thread.vendor.clone(), offer);
                self.target(thread);
                self.mode = Mode::Counter(Box::new(form));
            }
            KeyCode::Char('d') => {
                if let Some(no) = Self::refusal(&thread, NegotiationState::Declined, "decline") {
                    return no;
                }
                self.target(thread);
                self.mode = Mode::Decline(LineInput::new(MAX_REASON_CHARS));
            }
            _ => {
                let Some(po) = &thread.purchase_order else {
                    return Outcome::Msg(Msg::Notice {
                        text: format!(
                            "No purchase order with {} yet: accepting its offer (a) draws one up.",
                            thread.vendor
                        ),
                        error: true,
                    });
                };
                let mut input = LineInput::new(MAX_PATH_CHARS);
                input.insert(&format!("./{}", order_file(&po.number)));
                self.target(thread);
                self.mode = Mode::Export(input);
            }
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
            code => return self.thread_key(code),
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
            // Drawing stops it at the last page.
            KeyCode::End | KeyCode::Char('G') => self.scroll.set(usize::MAX),
            KeyCode::Esc | KeyCode::Backspace => {
                self.mode = Mode::List;
                self.current = None;
            }
            KeyCode::Enter => {}
            code => return self.thread_key(code),
        }
        Outcome::Consumed
    }

    /// A y/n question: `yes` makes the message on y; n, q and Esc answer
    /// no; `?` shows the help over it; other keys leave it open.
    fn yes_no(&mut self, key: KeyEvent, yes: impl FnOnce(&Self) -> Option<Msg>) -> Outcome {
        match key.code {
            KeyCode::Char('y' | 'Y') => {
                let msg = yes(self);
                self.back();
                msg.map_or(Outcome::Consumed, Outcome::Msg)
            }
            KeyCode::Char('n' | 'N' | 'q') | KeyCode::Esc => {
                self.back();
                Outcome::Consumed
            }
            KeyCode::Char('?') => Outcome::Ignored,
            _ => Outcome::Consumed,
        }
    }

    fn accept_key(&mut self, key: KeyEvent) -> Outcome {
        self.yes_no(key, |v| {
            v.current.as_ref().map(|t| Msg::DecideOffer {
                negotiation: t.negotiation_id,
                decision: OfferDecision::Accept,
            })
        })
    }

    fn overwrite_key(&mut self, key: KeyEvent) -> Outcome {
        let Mode::Overwrite(export) = &self.mode else {
            return Outcome::Ignored;
        };
        let export = (**export).clone();
        if matches!(key.code, KeyCode::Char('n' | 'N' | 'q') | KeyCode::Esc) {
            self.back();
            return Outcome::Msg(Msg::Notice {
                text: format!(
                    "Not exported: {} is as it was.",
                    crate::tui::sanitize::sanitize(&export.path.display().to_string())
                ),
                error: false,
            });
        }
        self.yes_no(key, move |_| {
            Some(Msg::ExportOrder(Box::new(Export {
                overwrite: true,
                ..export
            })))
        })
    }

    /// The reason or the path being typed.
    fn line_key(&mut self, key: KeyEvent) -> Outcome {
        let (Mode::Decline(input) | Mode::Export(input)) = &mut self.mode else {
            return Outcome::Ignored;
        };
        match key.code {
            KeyCode::Esc => self.back(),
            KeyCode::Enter => {
                let text = input.text().trim().to_string();
                let declining = matches!(self.mode, Mode::Decline(_));
                if text.is_empty() {
                    self.prompt_error = Some(if declining {
                        "Declining needs a reason: it goes in the job's log.".into()
                    } else {
                        "Say where to write the PDF.".into()
                    });
                    return Outcome::Consumed;
                }
                let Some(thread) = self.current.clone() else {
                    self.back();
                    return Outcome::Consumed;
                };
                self.back();
                if declining {
                    return Outcome::Msg(Msg::DecideOffer {
                        negotiation: thread.negotiation_id,
                        decision: OfferDecision::Decline { reason: text },
                    });
                }
                if let Some(po) = thread.purchase_order {
                    return Outcome::Msg(Msg::ExportOrder(Box::new(Export {
                        order: po.id,
                        number: po.number,
                        path: PathBuf::from(text),
                        overwrite: false,
                    })));
                }
            }
            _ => {
                input.handle_key(key);
                self.prompt_error = None;
            }
        }
        Outcome::Consumed
    }

    fn counter_key(&mut self, key: KeyEvent) -> Outcome {
        let Mode::Counter(form) = &mut self.mode else {
            return Outcome::Ignored;
        };
        match form.handle_key(key) {
            FormOutcome::Consumed => Outcome::Consumed,
            FormOutcome::Send(decision) => Outcome::Msg(Msg::DecideOffer {
                negotiation: form.negotiation(),
                decision,
            }),
            FormOutcome::Cancel => {
                self.back();
                Outcome::Consumed
            }
        }
    }

    /// Bracketed paste, into the form, the reason or the path.
    pub fn paste(&mut self, text: &str) {
        match &mut self.mode {
            Mode::Counter(form) => form.paste(text),
            Mode::Decline(input) | Mode::Export(input) => {
                input.insert(text);
            }
            _ => {}
        }
    }
}

impl Component for NegotiationsView {
    fn title(&self) -> &'static str {
        "Negotiations"
    }

    fn draw(&self, frame: &mut Frame, area: Rect, ctx: &Ctx<'_>) {
        thread_view::draw(self, frame, area, ctx);
    }

    fn handle_key(&mut self, key: KeyEvent) -> Outcome {
        match self.mode {
            Mode::List => self.list_key(key),
            Mode::Thread => self.open_key(key),
            Mode::Accept => self.accept_key(key),
            Mode::Counter(_) => self.counter_key(key),
            Mode::Decline(_) | Mode::Export(_) => self.line_key(key),
            Mode::Overwrite(_) => self.overwrite_key(key),
        }
    }

    fn keys(&self) -> &'static [KeyHelp] {
        match self.mode {
            Mode::List => LIST_KEYS,
            Mode::Thread => THREAD_KEYS,
            Mode::Accept => ACCEPT_KEYS,
            Mode::Counter(_) => counter_form::KEYS,
            Mode::Decline(_) => DECLINE_KEYS,
            Mode::Export(_) => EXPORT_KEYS,
            Mode::Overwrite(_) => OVERWRITE_KEYS,
        }
    }
}
