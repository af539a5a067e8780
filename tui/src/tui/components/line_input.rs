//! A one-line text field: typing, the cursor keys, Backspace, Delete,
//! Ctrl-U and paste; drawn scrolled sideways so the cursor stays in view.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::text::{Line, Span};

use crate::tui::sanitize::sanitize;
use crate::tui::theme::Theme;

#[derive(Debug, Clone)]
pub struct LineInput {
    text: String,
    /// In characters, 0..=the text's length.
    cursor: usize,
    /// The most characters it takes.
    max: usize,
}

impl LineInput {
    pub fn new(max: usize) -> Self {
        LineInput {
            text: String::new(),
            cursor: 0,
            max,
        }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn cursor(&self) -> usize {
        self.cursor
    }

    fn char_len(&self) -> usize {
        self.text.chars().count()
    }

    fn byte_at(&self, char_idx: usize) -> usize {
        self.text
            .char_indices()
            .nth(char_idx)
            .map_or(self.text.len(), |(i, _)| i)
    }

    /// Inserts `text` (sanitised, on one line) at the cursor; false when
    /// some of it did not fit.
    pub fn insert(&mut self, text: &str) -> bool {
        for c in sanitize(text).chars() {
            if self.char_len() >= self.max {
                return false;
            }
            let at = self.byte_at(self.cursor);
            self.text.insert(at, c);
            self.cursor += 1;
        }
        true
    }

    /// An editing key: true when it was one (and was applied).
    pub fn handle_key(&mut self, key: KeyEvent) -> bool {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let alt = key.modifiers.contains(KeyModifiers::ALT);
        match key.code {
            KeyCode::Char('u') if ctrl => {
                self.text.clear();
                self.cursor = 0;
            }
            KeyCode::Char(c) if !ctrl && !alt => {
                self.insert(c.encode_utf8(&mut [0; 4]));
            }
            KeyCode::Backspace if self.cursor > 0 => {
                self.cursor -= 1;
                let at = self.byte_at(self.cursor);
                self.text.remove(at);
            }
            KeyCode::Delete if self.cursor < self.char_len() => {
                let at = self.byte_at(self.cursor);
                self.text.remove(at);
            }
            KeyCode::Backspace | KeyCode::Delete => {}
            KeyCode::Left => self.cursor = self.cursor.saturating_sub(1),
            KeyCode::Right => self.cursor = (self.cursor + 1).min(self.char_len()),
            KeyCode::Home => self.cursor = 0,
            KeyCode::End => self.cursor = self.char_len(),
            _ => return false,
        }
        true
    }

    /// The text in `width` cells, scrolled so the cursor (drawn when
    /// `focused`) is in view; `placeholder` in dim when there is no text.
    pub fn line(
        &self,
        width: usize,
        focused: bool,
        placeholder: &str,
        theme: Theme,
    ) -> Line<'static> {
        let width = width.max(1);
        if self.text.is_empty() && !focused {
            return Line::styled(placeholder.to_string(), theme.dim());
        }
        let chars: Vec<char> = self.text.chars().collect();
        // One cell for the cursor past the end.
        let start = (self.cursor + 1).saturating_sub(width);
        let end = (start + width).min(chars.len());
        let shown = |a: usize, b: usize| -> String {
            chars.get(a..b.max(a)).unwrap_or_default().iter().collect()
        };
        if !focused {
            return Line::raw(shown(start, end));
        }
        let at = chars.get(self.cursor).map_or(" ".into(), char::to_string);
        let mut spans = vec![
            Span::raw(shown(start, self.cursor)),
            Span::styled(at, theme.cursor()),
            Span::raw(shown(self.cursor + 1, end)),
        ];
        if self.text.is_empty() {
            spans.push(Span::styled(format!(" {placeholder}"), theme.dim()));
        }
        Line::from(spans)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(input: &mut LineInput, code: KeyCode) -> bool {
        input.handle_key(KeyEvent::from(code))
    }

    fn shown(line: &Line) -> String {
        line.spans.iter().map(|s| s.content.as_ref()).collect()
    }

    #[test]
    fn editing_and_limits() {
        let mut i = LineInput::new(10);
        for c in "chair".chars() {
            press(&mut i, KeyCode::Char(c));
        }
        press(&mut i, KeyCode::Home);
        press(&mut i, KeyCode::Delete);
        press(&mut i, KeyCode::End);
        press(&mut i, KeyCode::Left);
        press(&mut i, KeyCode::Backspace);
        assert_eq!((i.text(), i.cursor()), ("har", 2));
        assert!(!press(&mut i, KeyCode::Enter), "not an editing key");
        assert!(!i.insert("\u{1b}[31m1234567890"));
        assert_eq!(i.text(), "ha1234567r");
        i.handle_key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
        assert_eq!((i.text(), i.cursor()), ("", 0));
    }

    #[test]
    fn long_text_scrolls_to_the_cursor() {
        let mut i = LineInput::new(100);
        i.insert("abcdefghij");
        let t = Theme::new(false);
        assert_eq!(shown(&i.line(5, true, "", t)), "ghij ");
        press(&mut i, KeyCode::Home);
        assert_eq!(shown(&i.line(5, true, "", t)), "abcde");
        assert_eq!(shown(&i.line(5, false, "", t)), "abcde");
        let empty = LineInput::new(5);
        assert_eq!(shown(&empty.line(20, false, "type", t)), "type");
        assert_eq!(shown(&empty.line(20, true, "type", t)), "  type");
    }
}
