//! The `?` overlay: the keys of the screen it is opened on, and those
//! that work everywhere.

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use super::{Component, Ctx, KeyHelp, Outcome, key};

pub const GLOBAL_KEYS: &[KeyHelp] = &[
    key("? F1", "this help (F1 in forms)", Some(("?", "help"))),
    key("q", "quit (not while typing)", Some(("q", "quit"))),
    key("Ctrl-C", "quit from anywhere", None),
    key("Esc", "back / close", None),
];

const KEYS: &[KeyHelp] = &[key("Esc ? q", "close the help", Some(("Esc", "close")))];

/// A heading and its keys.
pub type Section = (&'static str, &'static [KeyHelp]);

/// Width of the key column.
const KEY_COL: usize = 13;

#[derive(Debug, Default)]
pub struct Help {
    visible: bool,
    left: Vec<Section>,
    right: Vec<Section>,
}

impl Help {
    pub fn is_visible(&self) -> bool {
        self.visible
    }

    /// Shows `left` and `right` side by side (one under the other when
    /// the screen is narrow).
    pub fn open(&mut self, left: Vec<Section>, right: Vec<Section>) {
        self.left = left;
        self.right = right;
        self.visible = true;
    }

    pub fn close(&mut self) {
        self.visible = false;
    }

    fn column(sections: &[Section], ctx: &Ctx<'_>) -> Vec<Line<'static>> {
        let mut lines = Vec::new();
        for (i, (title, keys)) in sections.iter().enumerate() {
            if i > 0 {
                lines.push(Line::raw(""));
            }
            lines.push(Line::styled(*title, ctx.theme.title()));
            for k in *keys {
                lines.push(Line::from(vec![
                    Span::styled(format!(" {:<KEY_COL$}", k.keys), ctx.theme.key()),
                    Span::raw(k.desc),
                ]));
            }
        }
        lines
    }
}

impl Component for Help {
    fn title(&self) -> &'static str {
        "Help"
    }

    /// Draws over `area` (the whole screen), centred.
    fn draw(&self, frame: &mut Frame, area: Rect, ctx: &Ctx<'_>) {
        if !self.visible {
            return;
        }
        let left = Self::column(&self.left, ctx);
        let right = Self::column(&self.right, ctx);
        let side_by_side = area.width >= 74;
        let rows = if side_by_side {
            left.len().max(right.len())
        } else {
            left.len() + right.len() + 1
        };
        let width = if side_by_side { 80 } else { 40 }.min(area.width);
        let height = (rows as u16 + 3).min(area.height);
        let popup = Rect {
            x: area.x + (area.width - width) / 2,
            y: area.y + (area.height - height) / 2,
            width,
            height,
        };
        let block = Block::bordered()
            .title(Span::styled(" Keys ", ctx.theme.title()))
            .title_bottom(Line::styled(" Esc, ? or q closes ", ctx.theme.dim()).right_aligned());
        let inner = block.inner(popup);
        frame.render_widget(Clear, popup);
        frame.render_widget(block, popup);
        let inner = Rect {
            x: inner.x + 1,
            width: inner.width.saturating_sub(1),
            ..inner
        };
        if side_by_side {
            let [l, r] =
                Layout::horizontal([Constraint::Fill(1), Constraint::Fill(1)]).areas(inner);
            frame.render_widget(Paragraph::new(left), l);
            frame.render_widget(Paragraph::new(right), r);
        } else {
            let mut all = left;
            all.push(Line::raw(""));
            all.extend(right);
            frame.render_widget(Paragraph::new(all), inner);
        }
    }

    fn handle_key(&mut self, key: KeyEvent) -> Outcome {
        if matches!(
            key.code,
            KeyCode::Esc | KeyCode::Char('?' | 'q') | KeyCode::F(1) | KeyCode::Enter
        ) {
            self.visible = false;
        }
        // While it is open, the overlay takes every key.
        Outcome::Consumed
    }

    fn keys(&self) -> &'static [KeyHelp] {
        KEYS
    }
}
