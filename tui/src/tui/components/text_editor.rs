//! A multi-line text field, for a draft's body: typing, Enter for a new
//! line, Backspace and Delete (joining lines at their ends), the arrows,
//! Home/End, PgUp/PgDn, Ctrl-Home/Ctrl-End, and paste.
//!
//! Long lines wrap; there is no sideways scrolling. A draft is prose read
//! top to bottom whose paragraphs are single lines hundreds of characters
//! long: scrolled sideways, only a slice of one paragraph would show at a
//! time. Rows break after a space when they can and inside a word longer
//! than a row when they must, counted in terminal cells (CJK and most
//! emoji take two), so the text's own line breaks are the only ones saved.
//! Up/Down move by screen row, as the eye does; Home/End go to the start
//! and end of the line as saved.
//!
//! The cursor is a position between characters (never inside one, so
//! every edit keeps the text valid UTF-8); cell widths come from
//! ratatui's `Span::width`, which is unicode-width, so no crate is added.

use std::cell::Cell;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::tui::sanitize::sanitize_lines;
use crate::tui::theme::Theme;

/// The cells `c` takes on a terminal.
fn cells(c: char) -> usize {
    let mut buf = [0; 4];
    Span::raw(&*c.encode_utf8(&mut buf)).width()
}

/// Where `line` is cut into rows of `width` cells: (start, end) character
/// ranges covering it in order, one `(0, 0)` for an empty line. A last row
/// filled to the edge is followed by an empty one, where the cursor goes
/// at the end of the line.
pub fn rows(line: &str, width: usize) -> Vec<(usize, usize)> {
    let width = width.max(1);
    let chars: Vec<(char, usize)> = line.chars().map(|c| (c, cells(c))).collect();
    let mut out = Vec::new();
    let (mut start, mut used) = (0, 0);
    // The position after the last space of this row: where it breaks.
    let mut after_space = None;
    for (i, &(c, w)) in chars.iter().enumerate() {
        // A character wider than the row stays on a row of its own.
        while used + w > width && i > start {
            let at = after_space.filter(|&a| a > start).unwrap_or(i);
            out.push((start, at));
            used = chars[at..i].iter().map(|&(_, w)| w).sum();
            start = at;
            after_space = None;
        }
        used += w;
        if c == ' ' {
            after_space = Some(i + 1);
        }
    }
    out.push((start, chars.len()));
    if used >= width {
        out.push((chars.len(), chars.len()));
    }
    out
}

/// One row on screen: which line and which characters of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Row {
    line: usize,
    start: usize,
    end: usize,
    /// The line's last row: the cursor may sit at its end.
    last: bool,
}

#[derive(Debug, Clone)]
pub struct TextEditor {
    /// Never empty; no line holds a line break or a control character.
    lines: Vec<String>,
    /// The cursor: a line and a position in characters, 0..=its length.
    line: usize,
    col: usize,
    /// The cell Up/Down aim for, so passing a short row does not lose it.
    goal: Option<usize>,
    /// The most characters it takes, line breaks included.
    max: usize,
    /// The text area's size at the last draw; Up/Down and paging use it
    /// (0: not drawn yet, no wrapping).
    width: Cell<usize>,
    height: Cell<usize>,
    /// The first row shown, kept between draws.
    top: Cell<usize>,
}

impl TextEditor {
    pub fn new(text: &str, max: usize) -> Self {
        let mut e = TextEditor {
            lines: vec![String::new()],
            line: 0,
            col: 0,
            goal: None,
            max,
            width: Cell::new(0),
            height: Cell::new(0),
            top: Cell::new(0),
        };
        e.insert(text);
        e.line = 0;
        e.col = 0;
        e
    }

    pub fn text(&self) -> String {
        self.lines.join("\n")
    }

    /// The cursor: (line, character in it).
    pub fn cursor(&self) -> (usize, usize) {
        (self.line, self.col)
    }

    /// Characters, line breaks included.
    pub fn char_count(&self) -> usize {
        self.lines.iter().map(|l| l.chars().count()).sum::<usize>() + self.lines.len() - 1
    }

    fn byte_at(line: &str, col: usize) -> usize {
        line.char_indices().nth(col).map_or(line.len(), |(i, _)| i)
    }

    fn line_len(&self, line: usize) -> usize {
        self.lines.get(line).map_or(0, |l| l.chars().count())
    }

    /// Inserts `text` at the cursor, its line breaks kept and every line
    /// sanitised; false when some of it did not fit.
    pub fn insert(&mut self, text: &str) -> bool {
        self.goal = None;
        let mut room = self.max.saturating_sub(self.char_count());
        for (i, part) in sanitize_lines(text).split('\n').enumerate() {
            if i > 0 {
                if room == 0 {
                    return false;
                }
                self.newline();
                room -= 1;
            }
            for c in part.chars() {
                if room == 0 {
                    return false;
                }
                let line = &mut self.lines[self.line];
                line.insert(Self::byte_at(line, self.col), c);
                self.col += 1;
                room -= 1;
            }
        }
        true
    }

    fn newline(&mut self) {
        let line = &mut self.lines[self.line];
        let rest = line.split_off(Self::byte_at(line, self.col));
        self.lines.insert(self.line + 1, rest);
        self.line += 1;
        self.col = 0;
    }

    fn backspace(&mut self) {
        if self.col > 0 {
            self.col -= 1;
            let line = &mut self.lines[self.line];
            line.remove(Self::byte_at(line, self.col));
        } else if self.line > 0 {
            let rest = self.lines.remove(self.line);
            self.line -= 1;
            self.col = self.line_len(self.line);
            self.lines[self.line].push_str(&rest);
        }
    }

    fn delete(&mut self) {
        if self.col < self.line_len(self.line) {
            let line = &mut self.lines[self.line];
            line.remove(Self::byte_at(line, self.col));
        } else if self.line + 1 < self.lines.len() {
            let next = self.lines.remove(self.line + 1);
            self.lines[self.line].push_str(&next);
        }
    }

    fn left(&mut self) {
        if self.col > 0 {
            self.col -= 1;
        } else if self.line > 0 {
            self.line -= 1;
            self.col = self.line_len(self.line);
        }
    }

    fn right(&mut self) {
        if self.col < self.line_len(self.line) {
            self.col += 1;
        } else if self.line + 1 < self.lines.len() {
            self.line += 1;
            self.col = 0;
        }
    }

    fn wrap_width(&self) -> usize {
        match self.width.get() {
            0 => usize::MAX,
            w => w,
        }
    }

    /// Every row of the text at `width` cells.
    fn layout(&self, width: usize) -> Vec<Row> {
        let mut out = Vec::new();
        for (i, line) in self.lines.iter().enumerate() {
            let rows = rows(line, width);
            let n = rows.len();
            out.extend(rows.into_iter().enumerate().map(|(k, (start, end))| Row {
                line: i,
                start,
                end,
                last: k + 1 == n,
            }));
        }
        out
    }

    /// The row the cursor is on, and its cell in that row. At a break the
    /// cursor shows at the start of the next row.
    fn cursor_row(&self, layout: &[Row]) -> (usize, usize) {
        let at = layout
            .iter()
            .rposition(|r| r.line == self.line && r.start <= self.col)
            .unwrap_or(0);
        let x = layout.get(at).map_or(0, |r| {
            self.lines[self.line]
                .chars()
                .skip(r.start)
                .take(self.col.saturating_sub(r.start))
                .map(cells)
                .sum()
        });
        (at, x)
    }

    /// Moves the cursor `delta` rows up (negative) or down, to the cell
    /// it aimed for or the nearest before it.
    fn move_rows(&mut self, delta: isize) {
        let layout = self.layout(self.wrap_width());
        let (at, x) = self.cursor_row(&layout);
        let goal = *self.goal.get_or_insert(x);
        let target = at
            .saturating_add_signed(delta)
            .min(layout.len().saturating_sub(1));
        let Some(row) = layout.get(target) else {
            return;
        };
        // Before a break, not after it: that position belongs to the next row.
        let last_col = if row.last {
            row.end
        } else {
            row.end.saturating_sub(1).max(row.start)
        };
        let mut col = row.start;
        let mut used = 0;
        for c in self.lines[row.line].chars().skip(row.start) {
            let w = cells(c);
            if col >= last_col || used + w > goal {
                break;
            }
            used += w;
            col += 1;
        }
        self.line = row.line;
        self.col = col;
    }

    /// An editing or moving key: true when it was one (and was applied).
    pub fn handle_key(&mut self, key: KeyEvent) -> bool {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let alt = key.modifiers.contains(KeyModifiers::ALT);
        let page = self.height.get().max(1) as isize;
        let vertical = matches!(
            key.code,
            KeyCode::Up | KeyCode::Down | KeyCode::PageUp | KeyCode::PageDown
        );
        if !vertical {
            self.goal = None;
        }
        match key.code {
            KeyCode::Char(c) if !ctrl && !alt => {
                self.insert(c.encode_utf8(&mut [0; 4]));
            }
            KeyCode::Enter => {
                if self.char_count() < self.max {
                    self.newline();
                }
            }
            KeyCode::Backspace => self.backspace(),
            KeyCode::Delete => self.delete(),
            KeyCode::Left => self.left(),
            KeyCode::Right => self.right(),
            KeyCode::Up => self.move_rows(-1),
            KeyCode::Down => self.move_rows(1),
            KeyCode::PageUp => self.move_rows(-page),
            KeyCode::PageDown => self.move_rows(page),
            KeyCode::Home if ctrl => (self.line, self.col) = (0, 0),
            KeyCode::End if ctrl => {
                self.line = self.lines.len() - 1;
                self.col = self.line_len(self.line);
            }
            KeyCode::Home => self.col = 0,
            KeyCode::End => self.col = self.line_len(self.line),
            _ => return false,
        }
        true
    }

    /// Draws the rows in view, scrolled so the cursor (drawn when
    /// `focused`) is among them.
    pub fn draw(&self, frame: &mut Frame, area: Rect, focused: bool, theme: Theme) {
        let (width, height) = (usize::from(area.width), usize::from(area.height));
        if width == 0 || height == 0 {
            return;
        }
        self.width.set(width);
        self.height.set(height);
        let layout = self.layout(width);
        let (at, _) = self.cursor_row(&layout);
        let mut top = self.top.get().min(at);
        if at >= top + height {
            top = at + 1 - height;
        }
        self.top.set(top);
        let lines: Vec<Line> = layout
            .iter()
            .enumerate()
            .skip(top)
            .take(height)
            .map(|(i, row)| {
                let chars = self.lines[row.line].chars().skip(row.start);
                let text: String = chars.take(row.end - row.start).collect();
                if !focused || i != at {
                    return Line::raw(text);
                }
                let split = self.col.saturating_sub(row.start);
                let before: String = text.chars().take(split).collect();
                let mut rest = text.chars().skip(split);
                let under = rest.next().map_or(" ".into(), String::from);
                Line::from(vec![
                    Span::raw(before),
                    Span::styled(under, theme.cursor()),
                    Span::raw(rest.collect::<String>()),
                ])
            })
            .collect();
        frame.render_widget(Paragraph::new(lines), area);
    }
}

#[cfg(test)]
#[path = "text_editor_tests.rs"]
mod tests;
