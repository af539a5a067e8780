//! Find: one line of query (free text and filter tokens, see
//! [`crate::query`]), Enter runs it through the daemon's `find`, and the
//! answer shows as a table, or the daemon's error does.

use std::cell::Cell;

use crossterm::event::{KeyCode, KeyEvent};
use procura_common::rank::Found;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

use super::line_input::LineInput;
use super::{Component, Ctx, KeyHelp, Msg, Outcome, find_table, key};
use crate::query::parse_find_query;
use crate::tui::format::{short_id, truncate_end};

pub const KEYS: &[KeyHelp] = &[
    key("Enter", "run the search", Some(("Enter", "find"))),
    key("↑↓ PgUp PgDn", "select a result", Some(("↑↓", "select"))),
    key("Esc", "back, keep query/results", Some(("Esc", "back"))),
    key("← → Home End", "move the cursor", None),
    key("Bksp Del", "delete a character", None),
    key("Ctrl-U", "clear the query", Some(("Ctrl-U", "clear"))),
];

/// The query syntax, for the help overlay.
pub const SYNTAX: &[KeyHelp] = &[
    key("words", "what to find (required)", None),
    key("max:300", "price at most; min: too", None),
    key("cur:EUR", "currency for prices", None),
    key("vendor:NAME", "one vendor; brand: too", None),
    key("ram>=16GB", "a spec; also <= and =", None),
    key("avail:in/out", "in or out of stock", None),
    key("mode:lexical", "or hybrid, vector", None),
    key("job:current", "selected job, or an id", None),
    key("limit:50", "results, 1 to 200", None),
    key("\"a b\"", "quotes keep spaces", None),
];

/// The longest query taken.
const MAX_QUERY: usize = 1000;

/// A find sent and not answered yet.
#[derive(Debug, Clone)]
struct Pending {
    seq: u64,
    query: String,
    currency: Option<String>,
}

/// The last find answered.
#[derive(Debug)]
pub struct Answer {
    pub query: String,
    /// The currency asked for, if the query named one.
    pub currency: Option<String>,
    pub result: Result<Vec<Found>, String>,
}

#[derive(Debug)]
pub struct FindView {
    input: LineInput,
    /// Why the query typed cannot run, until the next edit.
    problem: Option<String>,
    pending: Option<Pending>,
    next_seq: u64,
    answer: Option<Answer>,
    selected: usize,
    offset: Cell<usize>,
    /// Rows that fit, from the last draw; paging uses it.
    page: Cell<usize>,
}

impl Default for FindView {
    fn default() -> Self {
        FindView {
            input: LineInput::new(MAX_QUERY),
            problem: None,
            pending: None,
            next_seq: 1,
            answer: None,
            selected: 0,
            offset: Cell::new(0),
            page: Cell::new(10),
        }
    }
}

impl FindView {
    pub fn query(&self) -> &str {
        self.input.text()
    }

    pub fn problem(&self) -> Option<&str> {
        self.problem.as_deref()
    }

    pub fn is_searching(&self) -> bool {
        self.pending.is_some()
    }

    pub fn answer(&self) -> Option<&Answer> {
        self.answer.as_ref()
    }

    pub fn results(&self) -> &[Found] {
        match &self.answer {
            Some(Answer { result: Ok(r), .. }) => r,
            _ => &[],
        }
    }

    pub fn selected(&self) -> Option<&Found> {
        self.results().get(self.selected)
    }

    /// Text pasted into the query.
    pub fn paste(&mut self, text: &str) {
        self.problem = None;
        if !self.input.insert(text) {
            self.problem = Some(format!("the query is limited to {MAX_QUERY} characters"));
        }
    }

    /// The query could not be sent (`why`, e.g. an unknown job).
    pub fn refuse(&mut self, why: String) {
        self.problem = Some(why);
    }

    /// The query typed is being sent, asking prices in `currency`; the
    /// number to send it with.
    pub fn start(&mut self, currency: Option<String>) -> u64 {
        let seq = self.next_seq;
        self.next_seq += 1;
        self.problem = None;
        self.pending = Some(Pending {
            seq,
            query: self.input.text().trim().to_string(),
            currency,
        });
        seq
    }

    /// The answer to find `seq` (sanitised); an older one than the last
    /// sent is dropped.
    pub fn answered(&mut self, seq: u64, result: Result<Vec<Found>, String>) {
        let Some(p) = self.pending.take_if(|p| p.seq == seq) else {
            return;
        };
        self.answer = Some(Answer {
            query: p.query,
            currency: p.currency,
            result,
        });
        self.selected = 0;
        self.offset.set(0);
    }

    fn move_by(&mut self, delta: isize) {
        let last = self.results().len().saturating_sub(1);
        self.selected = self.selected.saturating_add_signed(delta).min(last);
    }

    fn message(&self, ctx: &Ctx<'_>) -> Line<'static> {
        let t = ctx.theme;
        if let Some(p) = &self.problem {
            Line::styled(p.clone(), t.error())
        } else if self.pending.is_some() {
            Line::styled("Searching…", t.warn())
        } else if !ctx.connected {
            Line::styled(
                "Not connected: the search runs once procurad answers.",
                t.warn(),
            )
        } else {
            Line::styled(
                "Enter searches · max:300 cur:EUR vendor:X ram>=16GB job:current · F1: all",
                t.dim(),
            )
        }
    }

    /// What the body says when there is no table.
    fn body_text(&self, ctx: &Ctx<'_>) -> Option<Vec<Line<'static>>> {
        let t = ctx.theme;
        let Some(a) = &self.answer else {
            let examples = [
                "ergonomic mesh chair max:250 cur:EUR avail:in_stock",
                "laptop ram>=16GB brand:lumio mode:lexical",
                "office chair job:current vendor:thames",
            ];
            let mut lines = vec![Line::styled(
                "Search every product your organization has seen, by meaning and by constraint. For example:",
                t.dim(),
            )];
            lines.extend(examples.map(|e| Line::raw(format!("  {e}"))));
            return Some(lines);
        };
        match &a.result {
            Err(e) => Some(vec![
                Line::styled(format!("Find failed: {e}"), t.error()),
                Line::raw(""),
                Line::styled(format!("Query: {}", a.query), t.dim()),
            ]),
            Ok(found) if found.is_empty() => Some(vec![Line::styled(
                format!("Nothing found for “{}”.", a.query),
                t.dim(),
            )]),
            Ok(_) => None,
        }
    }

    /// The selected result's link, brand and job.
    fn detail(&self, width: usize, ctx: &Ctx<'_>) -> Line<'static> {
        let Some(f) = self.selected() else {
            return Line::raw("");
        };
        let p = &f.product;
        let mut parts = vec![p.url.clone()];
        if let Some(b) = &p.brand {
            parts.push(format!("brand {b}"));
        }
        if let Some(s) = &p.sku {
            parts.push(format!("SKU {s}"));
        }
        parts.push(format!("job {}", short_id(p.job_id)));
        Line::styled(truncate_end(&parts.join(" · "), width), ctx.theme.dim())
    }
}

impl Component for FindView {
    fn title(&self) -> &'static str {
        "Find"
    }

    fn draw(&self, frame: &mut Frame, area: Rect, ctx: &Ctx<'_>) {
        let t = ctx.theme;
        let mut title = vec![Span::styled(" Find products ", t.title())];
        if let Some(Answer {
            result: Ok(found),
            query,
            ..
        }) = &self.answer
        {
            let n = found.len();
            let q = truncate_end(query, usize::from(area.width / 3));
            title.push(Span::raw(format!(
                "· {n} result{} for “{q}” ",
                if n == 1 { "" } else { "s" }
            )));
        }
        let block = Block::bordered().title(Line::from(title));
        let inner = block.inner(area);
        frame.render_widget(block, area);
        // Text lines start where the table's columns do, after the
        // prompt or the highlight symbol.
        let indent = |r: Rect| Rect {
            x: r.x + 2,
            width: r.width.saturating_sub(3),
            ..r
        };
        let [input, message, _, body, detail] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Min(0),
            Constraint::Length(1),
        ])
        .areas(inner);
        let prompt = Span::styled("› ", t.focus());
        let mut line = self.input.line(
            usize::from(input.width.saturating_sub(2)),
            true,
            "what to find, and filters",
            t,
        );
        line.spans.insert(0, prompt);
        frame.render_widget(line, input);
        frame.render_widget(self.message(ctx), indent(message));

        if let Some(lines) = self.body_text(ctx) {
            let text = Paragraph::new(lines).wrap(Wrap { trim: false });
            frame.render_widget(text, indent(body.union(detail)));
            return;
        }
        let heading = self
            .answer
            .as_ref()
            .and_then(|a| a.currency.clone())
            .or_else(|| {
                self.results()
                    .iter()
                    .find_map(|f| f.converted.as_ref().map(|m| m.currency.clone()))
            })
            .map_or("CONVERTED".to_string(), |c| format!("IN {c}"));
        // The header takes a row.
        self.page
            .set(usize::from(body.height.saturating_sub(1)).max(1));
        let offset = find_table::draw(
            frame,
            body,
            ctx,
            self.results(),
            self.selected,
            self.offset.get(),
            &heading,
        );
        self.offset.set(offset);
        let detail = indent(detail);
        frame.render_widget(self.detail(usize::from(detail.width), ctx), detail);
    }

    fn handle_key(&mut self, key: KeyEvent) -> Outcome {
        let page = self.page.get().max(1) as isize;
        match key.code {
            KeyCode::Esc => return Outcome::Msg(Msg::Back),
            KeyCode::Enter => match parse_find_query(self.input.text()) {
                Ok(q) => return Outcome::Msg(Msg::Find(Box::new(q))),
                Err(e) => self.problem = Some(e),
            },
            KeyCode::Up => self.move_by(-1),
            KeyCode::Down => self.move_by(1),
            KeyCode::PageUp => self.move_by(-page),
            KeyCode::PageDown => self.move_by(page),
            _ => {
                if self.input.handle_key(key) {
                    self.problem = None;
                }
            }
        }
        // Everything else is swallowed: typing must never trigger a
        // command by accident.
        Outcome::Consumed
    }

    fn keys(&self) -> &'static [KeyHelp] {
        KEYS
    }
}
