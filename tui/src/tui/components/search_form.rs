//! The new-search form: request text, max results and the negotiation
//! toggle. Enter validates and submits; the draft survives Esc.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use procura_common::job::SubmitSearch;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

use super::{Component, Ctx, KeyHelp, Msg, Outcome, key};
use crate::tui::sanitize::sanitize;

const KEYS: &[KeyHelp] = &[
    key("Enter", "submit the search", Some(("Enter", "submit"))),
    key(
        "Tab S-Tab",
        "next / previous field",
        Some(("Tab", "next field")),
    ),
    key("Space", "toggle negotiation", Some(("Space", "toggle"))),
    key("Esc", "back, keep the draft", Some(("Esc", "back"))),
    key("← → Home End", "move the cursor", None),
    key("Bksp Del", "delete a character", None),
    key("Ctrl-U", "clear the field", None),
];

/// The most digits the max-results field takes.
const MAX_DIGITS: usize = 4;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Field {
    #[default]
    Request,
    MaxResults,
    Negotiation,
}

impl Field {
    fn next(self) -> Field {
        match self {
            Field::Request => Field::MaxResults,
            Field::MaxResults => Field::Negotiation,
            Field::Negotiation => Field::Request,
        }
    }

    fn prev(self) -> Field {
        match self {
            Field::Request => Field::Negotiation,
            Field::MaxResults => Field::Request,
            Field::Negotiation => Field::MaxResults,
        }
    }
}

#[derive(Debug, Default)]
pub struct SearchForm {
    request: String,
    /// In characters, 0..=request's length.
    cursor: usize,
    max_results: String,
    negotiation: bool,
    focus: Field,
    error: Option<String>,
    submitting: bool,
}

impl SearchForm {
    pub fn request(&self) -> &str {
        &self.request
    }

    pub fn focus(&self) -> Field {
        self.focus
    }

    pub fn is_submitting(&self) -> bool {
        self.submitting
    }

    /// After the daemon accepted the search: an empty form.
    pub fn clear(&mut self) {
        *self = SearchForm::default();
    }

    /// After the daemon refused it, or the call failed: keep the draft.
    pub fn failed(&mut self, error: String) {
        self.submitting = false;
        self.error = Some(error);
    }

    fn char_len(&self) -> usize {
        self.request.chars().count()
    }

    fn byte_at(&self, char_idx: usize) -> usize {
        self.request
            .char_indices()
            .nth(char_idx)
            .map_or(self.request.len(), |(i, _)| i)
    }

    fn insert_text(&mut self, text: &str) {
        match self.focus {
            Field::Request => {
                for c in sanitize(text).chars() {
                    if self.char_len() >= SubmitSearch::MAX_REQUEST_CHARS {
                        self.error = Some(format!(
                            "the request is limited to {} characters",
                            SubmitSearch::MAX_REQUEST_CHARS
                        ));
                        break;
                    }
                    let at = self.byte_at(self.cursor);
                    self.request.insert(at, c);
                    self.cursor += 1;
                }
            }
            Field::MaxResults => {
                for c in text.chars().filter(char::is_ascii_digit) {
                    if self.max_results.len() < MAX_DIGITS {
                        self.max_results.push(c);
                    }
                }
            }
            Field::Negotiation => {
                if text == " " {
                    self.negotiation = !self.negotiation;
                }
            }
        }
    }

    /// Text pasted into the focused field (bracketed paste).
    pub fn paste(&mut self, text: &str) {
        if !self.submitting {
            self.insert_text(text);
        }
    }

    fn backspace(&mut self) {
        match self.focus {
            Field::Request if self.cursor > 0 => {
                self.cursor -= 1;
                let at = self.byte_at(self.cursor);
                self.request.remove(at);
            }
            Field::MaxResults => {
                self.max_results.pop();
            }
            _ => {}
        }
    }

    fn delete(&mut self) {
        if self.focus == Field::Request && self.cursor < self.char_len() {
            let at = self.byte_at(self.cursor);
            self.request.remove(at);
        }
    }

    fn validate(&self) -> Result<SubmitSearch, String> {
        let request = self.request.trim();
        if request.is_empty() {
            return Err("type what you want to buy first".into());
        }
        let max_results = if self.max_results.is_empty() {
            None
        } else {
            match self.max_results.parse::<u32>() {
                Ok(n) if (1..=SubmitSearch::MAX_RESULTS_LIMIT).contains(&n) => Some(n),
                _ => {
                    return Err(format!(
                        "max results must be a number from 1 to {}",
                        SubmitSearch::MAX_RESULTS_LIMIT
                    ));
                }
            }
        };
        Ok(SubmitSearch {
            request: request.to_string(),
            max_results,
            enable_negotiation: self.negotiation,
            max_vendors: None,
            sources: Vec::new(),
        })
    }

    fn label(&self, field: Field, text: &str, ctx: &Ctx<'_>) -> Span<'static> {
        if self.focus == field {
            Span::styled(format!("▸ {text}"), ctx.theme.focus())
        } else {
            Span::styled(format!("  {text}"), ctx.theme.title())
        }
    }

    /// The request hard-wrapped to `width` columns, scrolled so the cursor
    /// row is among the `height` rows shown.
    fn request_lines(&self, width: usize, height: usize, ctx: &Ctx<'_>) -> Vec<Line<'static>> {
        let width = width.max(1);
        let chars: Vec<char> = self.request.chars().collect();
        if chars.is_empty() && self.focus != Field::Request {
            let hint = "e.g. 12 ergonomic office chairs under $300 each by March 1";
            return vec![Line::styled(hint, ctx.theme.dim())];
        }
        let show_cursor = self.focus == Field::Request && !self.submitting;
        let cursor_row = self.cursor / width;
        let rows = (chars.len() / width + 1).max(cursor_row + 1);
        let top = (cursor_row + 1).saturating_sub(height.max(1));
        (top..rows.min(top + height))
            .map(|row| {
                let start = row * width;
                let end = (start + width).min(chars.len());
                let text: String = chars.get(start..end).unwrap_or_default().iter().collect();
                if !show_cursor || row != cursor_row {
                    return Line::raw(text);
                }
                let col = self.cursor - start;
                let before: String = text.chars().take(col).collect();
                let at: String = text.chars().nth(col).map_or(" ".into(), String::from);
                let after: String = text.chars().skip(col + 1).collect();
                Line::from(vec![
                    Span::raw(before),
                    Span::styled(at, ctx.theme.cursor()),
                    Span::raw(after),
                ])
            })
            .collect()
    }
}

impl Component for SearchForm {
    fn title(&self) -> &'static str {
        "New search"
    }

    fn draw(&self, frame: &mut Frame, area: Rect, ctx: &Ctx<'_>) {
        let block = Block::bordered().title(Span::styled(" New search ", ctx.theme.title()));
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let [label, input, _, max, nego, _, message] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Min(3),
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Length(2),
        ])
        .areas(inner);

        let counter = format!("{}/{} ", self.char_len(), SubmitSearch::MAX_REQUEST_CHARS);
        frame.render_widget(
            Line::from(self.label(Field::Request, "What do you want to buy?", ctx)),
            label,
        );
        frame.render_widget(
            Line::styled(counter, ctx.theme.dim()).right_aligned(),
            label,
        );
        let input_block = if self.focus == Field::Request {
            Block::bordered().border_style(ctx.theme.focus())
        } else {
            Block::bordered()
        };
        let text_area = input_block.inner(input);
        frame.render_widget(input_block, input);
        let lines = self.request_lines(
            usize::from(text_area.width),
            usize::from(text_area.height),
            ctx,
        );
        frame.render_widget(Paragraph::new(lines), text_area);

        let mut max_spans = vec![self.label(Field::MaxResults, "Max results  ", ctx)];
        max_spans.push(Span::raw("["));
        let shown = format!("{:<width$}", self.max_results, width = MAX_DIGITS);
        if self.focus == Field::MaxResults && !self.submitting {
            let n = self.max_results.len().min(MAX_DIGITS - 1);
            max_spans.push(Span::raw(shown[..n].to_string()));
            max_spans.push(Span::styled(shown[n..=n].to_string(), ctx.theme.cursor()));
            max_spans.push(Span::raw(shown[n + 1..].to_string()));
        } else {
            max_spans.push(Span::raw(shown));
        }
        max_spans.push(Span::raw("]  "));
        max_spans.push(Span::styled(
            format!(
                "1 to {}; empty means {}",
                SubmitSearch::MAX_RESULTS_LIMIT,
                SubmitSearch::DEFAULT_MAX_RESULTS
            ),
            ctx.theme.dim(),
        ));
        frame.render_widget(Line::from(max_spans), max);

        let mark = if self.negotiation { "[x]" } else { "[ ]" };
        frame.render_widget(
            Line::from(vec![
                self.label(Field::Negotiation, "Negotiation  ", ctx),
                Span::raw(format!("{mark} ")),
                Span::styled("email vendors to negotiate price", ctx.theme.dim()),
            ]),
            nego,
        );

        let msg = if let Some(err) = &self.error {
            Line::styled(err.clone(), ctx.theme.error())
        } else if self.submitting {
            Line::styled("Submitting…", ctx.theme.warn())
        } else if !ctx.connected {
            Line::styled(
                "Not connected: the search can be submitted once procurad answers.",
                ctx.theme.warn(),
            )
        } else {
            Line::styled(
                "Enter submits from any field. Esc goes back and keeps this draft.",
                ctx.theme.dim(),
            )
        };
        frame.render_widget(Paragraph::new(msg).wrap(Wrap { trim: true }), message);
    }

    fn handle_key(&mut self, key: KeyEvent) -> Outcome {
        if self.submitting {
            // Waiting for the daemon's answer: only leaving is allowed.
            return match key.code {
                KeyCode::Esc => Outcome::Msg(Msg::Back),
                _ => Outcome::Consumed,
            };
        }
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let alt = key.modifiers.contains(KeyModifiers::ALT);
        match key.code {
            KeyCode::Esc => return Outcome::Msg(Msg::Back),
            KeyCode::Enter => match self.validate() {
                Ok(search) => {
                    self.error = None;
                    self.submitting = true;
                    return Outcome::Msg(Msg::Submit(search));
                }
                Err(e) => self.error = Some(e),
            },
            KeyCode::Tab | KeyCode::Down => self.focus = self.focus.next(),
            KeyCode::BackTab | KeyCode::Up => self.focus = self.focus.prev(),
            KeyCode::Char('u') if ctrl => match self.focus {
                Field::Request => {
                    self.request.clear();
                    self.cursor = 0;
                }
                Field::MaxResults => self.max_results.clear(),
                Field::Negotiation => {}
            },
            KeyCode::Char(c) if !ctrl && !alt => {
                self.error = None;
                self.insert_text(c.encode_utf8(&mut [0; 4]));
            }
            KeyCode::Backspace => self.backspace(),
            KeyCode::Delete => self.delete(),
            KeyCode::Left => self.cursor = self.cursor.saturating_sub(1),
            KeyCode::Right => self.cursor = (self.cursor + 1).min(self.char_len()),
            KeyCode::Home => self.cursor = 0,
            KeyCode::End => self.cursor = self.char_len(),
            // Everything else is swallowed: typing must never trigger a
            // command by accident.
            _ => {}
        }
        Outcome::Consumed
    }

    fn keys(&self) -> &'static [KeyHelp] {
        KEYS
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(form: &mut SearchForm, code: KeyCode) -> Outcome {
        form.handle_key(KeyEvent::from(code))
    }

    fn type_str(form: &mut SearchForm, s: &str) {
        for c in s.chars() {
            press(form, KeyCode::Char(c));
        }
    }

    #[test]
    fn editing_in_the_middle() {
        let mut f = SearchForm::default();
        type_str(&mut f, "chairs");
        press(&mut f, KeyCode::Home);
        type_str(&mut f, "12 ");
        press(&mut f, KeyCode::End);
        press(&mut f, KeyCode::Backspace);
        press(&mut f, KeyCode::Left);
        press(&mut f, KeyCode::Delete);
        assert_eq!(f.request(), "12 chai");
    }

    #[test]
    fn max_results_takes_digits_only() {
        let mut f = SearchForm::default();
        type_str(&mut f, "x");
        press(&mut f, KeyCode::Tab);
        type_str(&mut f, "4a2b12345");
        assert_eq!(f.max_results, "4212");
        match press(&mut f, KeyCode::Enter) {
            Outcome::Consumed => {}
            other => panic!("{other:?}"),
        }
        assert!(f.error.as_deref().unwrap_or("").contains("from 1 to 1000"));
    }

    #[test]
    fn pasted_text_is_sanitised_and_limited() {
        let mut f = SearchForm::default();
        f.paste("a\u{1b}[31mb\nc");
        assert_eq!(f.request(), "ab c");
        f.paste(&"x".repeat(5000));
        assert_eq!(f.char_len(), SubmitSearch::MAX_REQUEST_CHARS);
        assert!(f.error.is_some());
    }
}
