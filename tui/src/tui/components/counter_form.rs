//! The counter-offer form over an open thread: a unit price (required, a
//! decimal above zero) and an optional note for the email. Enter sends
//! it; the form waits for the daemon's answer and keeps the text if it is
//! refused.

use std::str::FromStr;

use crossterm::event::{KeyCode, KeyEvent};
use procura_common::negotiation::{Offer, OfferDecision};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Margin, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear};
use rust_decimal::Decimal;
use uuid::Uuid;

use super::draft_view::popup;
use super::line_input::LineInput;
use super::thread_view::offer_terms;
use super::{Ctx, KeyHelp, key};
use crate::tui::format::truncate_end;

pub const KEYS: &[KeyHelp] = &[
    key("Enter", "send the counter-offer", Some(("Enter", "send"))),
    key("Tab ↑↓", "unit price / note", Some(("Tab", "price/note"))),
    key("Esc", "cancel, nothing sent", Some(("Esc", "cancel"))),
    key("F1", "these keys", None),
    key("← → Home End", "move the cursor", None),
    key("Bksp Del", "delete; Ctrl-U clears", None),
];

/// The most characters the price and the note take.
const MAX_PRICE_CHARS: usize = 24;
const MAX_NOTE_CHARS: usize = 500;

/// Width of the labels.
const LABEL: u16 = 12;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Price,
    Note,
}

/// What a key in the form comes to.
#[derive(Debug, Clone, PartialEq)]
pub enum FormOutcome {
    Consumed,
    /// Send this decision; the form waits for the answer.
    Send(OfferDecision),
    Cancel,
}

#[derive(Debug, Clone)]
pub struct CounterForm {
    negotiation: Uuid,
    /// Sanitised, as the thread has them.
    vendor: String,
    /// The vendor's latest offer, shown for reference.
    offer: Option<Offer>,
    price: LineInput,
    note: LineInput,
    focus: Field,
    /// Sent: keys wait for the daemon's answer.
    sending: bool,
    /// Why the price was refused, here or by the daemon.
    error: Option<String>,
}

/// A unit price as typed: digits with at most one decimal point, above
/// zero. A comma is refused rather than guessed at (a thousands separator
/// or a decimal comma?).
pub fn parse_price(text: &str) -> Result<Decimal, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err("A counter-offer needs a unit price.".into());
    }
    let digits = t.strip_prefix('+').unwrap_or(t);
    let well_formed = !digits.is_empty()
        && digits.chars().all(|c| c.is_ascii_digit() || c == '.')
        && digits.chars().filter(|c| *c == '.').count() <= 1
        && digits.chars().any(|c| c.is_ascii_digit());
    if t.starts_with('-') {
        return Err("The unit price must be above zero.".into());
    }
    if !well_formed {
        return Err(format!(
            "{t:?} is not a price: write it with a dot and no separators, like 230 or 1229.50."
        ));
    }
    let price = Decimal::from_str(digits).map_err(|_| format!("{t:?} is too long a number."))?;
    if price <= Decimal::ZERO {
        return Err("The unit price must be above zero.".into());
    }
    Ok(price)
}

impl CounterForm {
    /// `vendor` and `offer` are sanitised.
    pub fn new(negotiation: Uuid, vendor: String, offer: Option<Offer>) -> Self {
        CounterForm {
            negotiation,
            vendor,
            offer,
            price: LineInput::new(MAX_PRICE_CHARS),
            note: LineInput::new(MAX_NOTE_CHARS),
            focus: Field::Price,
            sending: false,
            error: None,
        }
    }

    pub fn negotiation(&self) -> Uuid {
        self.negotiation
    }

    pub fn focus(&self) -> Field {
        self.focus
    }

    pub fn price(&self) -> &str {
        self.price.text()
    }

    pub fn note(&self) -> &str {
        self.note.text()
    }

    pub fn is_sending(&self) -> bool {
        self.sending
    }

    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// The daemon refused it, or the call failed: the text stays.
    pub fn failed(&mut self, error: String) {
        self.sending = false;
        self.error = Some(error);
    }

    /// The decision to send, or why there is none.
    pub fn decision(&self) -> Result<OfferDecision, String> {
        let unit_price = parse_price(self.price.text())?;
        let note = self.note.text().trim();
        Ok(OfferDecision::Counter {
            unit_price,
            note: (!note.is_empty()).then(|| note.to_string()),
        })
    }

    fn send(&mut self) -> FormOutcome {
        match self.decision() {
            Ok(decision) => {
                self.sending = true;
                self.error = None;
                FormOutcome::Send(decision)
            }
            Err(e) => {
                self.error = Some(e);
                self.focus = Field::Price;
                FormOutcome::Consumed
            }
        }
    }

    pub fn handle_key(&mut self, key: KeyEvent) -> FormOutcome {
        if self.sending {
            return FormOutcome::Consumed;
        }
        match key.code {
            KeyCode::Esc => return FormOutcome::Cancel,
            KeyCode::Enter => return self.send(),
            KeyCode::Tab | KeyCode::BackTab | KeyCode::Up | KeyCode::Down => {
                self.focus = match self.focus {
                    Field::Price => Field::Note,
                    Field::Note => Field::Price,
                };
            }
            _ => {
                let edited = match self.focus {
                    Field::Price => self.price.handle_key(key),
                    Field::Note => self.note.handle_key(key),
                };
                if edited {
                    self.error = None;
                }
            }
        }
        FormOutcome::Consumed
    }

    /// Pasted text goes to the field with the focus, on one line.
    pub fn paste(&mut self, text: &str) {
        if self.sending {
            return;
        }
        match self.focus {
            Field::Price => self.price.insert(text.trim()),
            Field::Note => self.note.insert(text),
        };
    }

    /// Draws the form in a box in the middle of `area`.
    pub fn draw(&self, frame: &mut Frame, area: Rect, ctx: &Ctx<'_>) {
        let t = ctx.theme;
        let rect = popup(area, 70, 7);
        let room = usize::from(rect.width).saturating_sub(4);
        let title = truncate_end(&format!(" Counter the offer of {} ", self.vendor), room);
        let block = Block::bordered().title(Span::styled(title, t.title()));
        let inner = block.inner(rect).inner(Margin::new(1, 0));
        frame.render_widget(Clear, rect);
        frame.render_widget(block, rect);
        let [offer, price, note, message, keys] =
            Layout::vertical([Constraint::Length(1); 5]).areas(inner);
        let value_room = usize::from(inner.width.saturating_sub(LABEL));
        let theirs = match &self.offer {
            Some(o) => offer_terms(o),
            None => "none read from the reply".into(),
        };
        frame.render_widget(
            Line::from(vec![
                Span::styled(
                    format!("{:<w$}", "Their offer", w = usize::from(LABEL)),
                    t.dim(),
                ),
                Span::raw(truncate_end(&theirs, value_room)),
            ]),
            offer,
        );
        let label = |name: &'static str, field: Field| {
            let style = if self.focus == field {
                t.focus()
            } else {
                t.dim()
            };
            Span::styled(name, style)
        };
        let currency = self
            .offer
            .as_ref()
            .and_then(|o| o.currency.clone())
            .map(|c| format!(" {}", truncate_end(&c, 8)))
            .unwrap_or_default();
        let [name, field, unit] = Layout::horizontal([
            Constraint::Length(LABEL),
            Constraint::Min(0),
            Constraint::Length(currency.chars().count() as u16),
        ])
        .areas(price);
        frame.render_widget(label("Unit price", Field::Price), name);
        frame.render_widget(
            self.price.line(
                usize::from(field.width),
                self.focus == Field::Price,
                "required, like 229.50",
                t,
            ),
            field,
        );
        frame.render_widget(Span::styled(currency, t.dim()), unit);
        let [name, field] =
            Layout::horizontal([Constraint::Length(LABEL), Constraint::Min(0)]).areas(note);
        frame.render_widget(label("Note", Field::Note), name);
        frame.render_widget(
            self.note.line(
                usize::from(field.width),
                self.focus == Field::Note,
                "optional: a line for the email",
                t,
            ),
            field,
        );
        let room = usize::from(inner.width);
        let said = match (&self.error, self.sending) {
            (_, true) => Line::styled("Sending the counter-offer…", t.warn()),
            (Some(e), false) => Line::styled(truncate_end(e, room), t.error()),
            (None, false) => Line::styled(
                "The email is drafted for you and waits for approval.",
                t.dim(),
            ),
        };
        frame.render_widget(said, message);
        frame.render_widget(
            Line::from(vec![
                Span::styled("Enter", t.key()),
                Span::raw(" send   "),
                Span::styled("Tab", t.key()),
                Span::raw(" price/note   "),
                Span::styled("Esc", t.key()),
                Span::raw(" cancel"),
            ]),
            keys,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_are_positive_decimals_with_a_dot() {
        assert_eq!(parse_price(" 230 "), Ok(Decimal::new(230, 0)));
        assert_eq!(parse_price("229.50"), Ok(Decimal::new(2295, 1)));
        assert_eq!(parse_price("+0.5"), Ok(Decimal::new(5, 1)));
        assert_eq!(parse_price(".5"), Ok(Decimal::new(5, 1)));
        for bad in [
            "", "  ", "abc", "1,229.50", "12,5", "1.2.3", "12 EUR", "$12", ".", "1e3",
        ] {
            assert!(parse_price(bad).is_err(), "{bad:?} accepted");
        }
        for zero in ["0", "0.00", "-5", "-0.1"] {
            assert_eq!(
                parse_price(zero),
                Err("The unit price must be above zero.".into()),
                "{zero:?}"
            );
        }
        assert!(parse_price("99999999999999999999999999999999").is_err());
    }
}
