//! The live agent log of the job being viewed.
//!
//! It follows the tail until the operator scrolls back; then it stays on
//! the same entries (anchored by seq, so new entries and filter changes do
//! not move it) until End or `f` resumes following. The level filter keeps
//! entries at or above a minimum level; the node filter keeps one node's.

use std::cell::Cell;

use crossterm::event::{KeyCode, KeyEvent};
use procura_common::log::{LogEntry, LogLevel};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use super::log_buffer::LogBuffer;
use super::{Ctx, KeyHelp, key};

pub const KEYS: &[KeyHelp] = &[
    key(
        "↑↓ PgUp PgDn",
        "scroll (pauses follow)",
        Some(("↑↓", "scroll")),
    ),
    key("End f", "follow the newest", Some(("f", "follow"))),
    key("l", "cycle minimum level", Some(("l", "level"))),
    key("n", "cycle node filter", Some(("n", "node"))),
    key("Home g", "oldest entry (pauses)", None),
    key("k j G", "line up / down, newest", None),
];

/// The widest the node column gets.
const NODE_WIDTH_MAX: usize = 12;

#[derive(Debug)]
pub struct LogPane {
    follow: bool,
    /// While paused: the seq of the top line (the first shown entry is the
    /// first one passing the filters with a seq at least this).
    anchor: i64,
    min_level: LogLevel,
    node: Option<String>,
    /// Entry lines that fit, from the last draw.
    viewport: Cell<usize>,
}

impl Default for LogPane {
    fn default() -> Self {
        LogPane {
            follow: true,
            anchor: 0,
            min_level: LogLevel::Debug,
            node: None,
            viewport: Cell::new(10),
        }
    }
}

impl LogPane {
    pub fn is_following(&self) -> bool {
        self.follow
    }

    pub fn min_level(&self) -> LogLevel {
        self.min_level
    }

    pub fn node_filter(&self) -> Option<&str> {
        self.node.as_deref()
    }

    /// Back to following, with no node filter (another job's nodes may
    /// differ); the level filter stays.
    pub fn reset(&mut self) {
        self.follow = true;
        self.anchor = 0;
        self.node = None;
    }

    fn matches(&self, e: &LogEntry) -> bool {
        e.level >= self.min_level && self.node.as_ref().is_none_or(|n| *n == e.node)
    }

    pub fn filtered<'a>(&self, buf: &'a LogBuffer) -> Vec<&'a LogEntry> {
        buf.iter().filter(|e| self.matches(e)).collect()
    }

    fn height(&self) -> usize {
        self.viewport.get().max(1)
    }

    /// The index in `filtered` of the first line shown.
    fn top(&self, filtered: &[&LogEntry]) -> usize {
        let max_top = filtered.len().saturating_sub(self.height());
        if self.follow {
            max_top
        } else {
            filtered
                .partition_point(|e| e.seq < self.anchor)
                .min(max_top)
        }
    }

    fn set_top(&mut self, filtered: &[&LogEntry], top: usize) {
        self.follow = false;
        self.anchor = filtered.get(top).map_or(i64::MIN, |e| e.seq);
    }

    fn scroll_up(&mut self, buf: &LogBuffer, n: usize) {
        let f = self.filtered(buf);
        let top = self.top(&f).saturating_sub(n);
        self.set_top(&f, top);
    }

    fn scroll_down(&mut self, buf: &LogBuffer, n: usize) {
        if self.follow {
            return;
        }
        let f = self.filtered(buf);
        let max_top = f.len().saturating_sub(self.height());
        let top = (self.top(&f) + n).min(max_top);
        self.set_top(&f, top);
    }

    fn keep_position(&mut self, buf: &LogBuffer, change: impl FnOnce(&mut Self)) {
        // Pin the view to the entry at the top before the filter changes,
        // so the operator stays where they were.
        if !self.follow {
            let f = self.filtered(buf);
            let top = self.top(&f);
            self.set_top(&f, top);
        }
        change(self);
    }

    fn cycle_level(&mut self, buf: &LogBuffer) {
        self.keep_position(buf, |p| {
            p.min_level = match p.min_level {
                LogLevel::Debug => LogLevel::Info,
                LogLevel::Info => LogLevel::Warn,
                LogLevel::Warn => LogLevel::Error,
                LogLevel::Error => LogLevel::Debug,
            }
        });
    }

    fn cycle_node(&mut self, buf: &LogBuffer) {
        let nodes = buf.nodes();
        let next = match &self.node {
            None => nodes.first().cloned(),
            Some(cur) => match nodes.iter().position(|n| n == cur) {
                Some(i) => nodes.get(i + 1).cloned(),
                None => nodes.first().cloned(),
            },
        };
        self.keep_position(buf, |p| p.node = next);
    }

    /// Handles a log key; false when `key` is not one.
    pub fn handle_key(&mut self, key: KeyEvent, buf: &LogBuffer) -> bool {
        let page = self.height().saturating_sub(1).max(1);
        match key.code {
            KeyCode::Up | KeyCode::Char('k') => self.scroll_up(buf, 1),
            KeyCode::Down | KeyCode::Char('j') => self.scroll_down(buf, 1),
            KeyCode::PageUp => self.scroll_up(buf, page),
            KeyCode::PageDown => self.scroll_down(buf, page),
            KeyCode::Home | KeyCode::Char('g') => {
                self.follow = false;
                self.anchor = i64::MIN;
            }
            KeyCode::End | KeyCode::Char('G' | 'f') => self.follow = true,
            KeyCode::Char('l') => self.cycle_level(buf),
            KeyCode::Char('n') => self.cycle_node(buf),
            _ => return false,
        }
        true
    }

    fn line(e: &LogEntry, node_width: usize, ctx: &Ctx<'_>) -> Line<'static> {
        let ts = e.ts.with_timezone(&ctx.offset).format("%H:%M:%S");
        let level = e.level.as_str().to_uppercase();
        let node: String = e.node.chars().take(node_width).collect();
        Line::from(vec![
            Span::styled(format!("{ts} "), ctx.theme.dim()),
            Span::styled(format!("{level:<5} "), ctx.theme.level(e.level)),
            Span::styled(format!("{node:<node_width$} "), ctx.theme.title()),
            Span::raw(e.message.clone()),
        ])
    }

    /// Draws into `area`, with `tab` (how to reach the other pane) in the
    /// bottom border.
    pub fn draw(
        &self,
        frame: &mut Frame,
        area: Rect,
        ctx: &Ctx<'_>,
        buf: Option<&LogBuffer>,
        tab: Line<'static>,
    ) {
        let empty = LogBuffer::default();
        let buf = buf.unwrap_or(&empty);
        self.viewport
            .set(usize::from(area.height.saturating_sub(2)).max(1));
        let filtered = self.filtered(buf);
        let top = self.top(&filtered);
        let shown = &filtered[top..filtered.len().min(top + self.height())];
        let below = filtered.len() - (top + shown.len());

        let mut title = vec![Span::styled(" Log ", ctx.theme.title())];
        if self.follow {
            title.push(Span::styled("following ", ctx.theme.ok()));
        } else {
            title.push(Span::styled("paused", ctx.theme.warn()));
            if below > 0 {
                title.push(Span::raw(format!(" ↓{below}")));
            }
            title.push(Span::styled(" (End/f follows) ", ctx.theme.dim()));
        }
        let filters = format!(
            " level ≥ {} · node {} · {} ",
            self.min_level,
            self.node.as_deref().unwrap_or("all"),
            match (filtered.len(), buf.len()) {
                (0, 0) => "no entries".to_string(),
                (1, 1) => "1 entry".to_string(),
                (f, n) if f == n => format!("{n} entries"),
                (f, n) => format!("{f} of {n}"),
            }
        );
        let block = Block::bordered()
            .title(Line::from(title))
            .title(Line::styled(filters, ctx.theme.dim()).right_aligned())
            .title_bottom(tab);

        let node_width = buf
            .nodes()
            .iter()
            .map(|n| n.chars().count())
            .max()
            .unwrap_or(0)
            .min(NODE_WIDTH_MAX);
        let lines: Vec<Line> = if shown.is_empty() {
            let text = if buf.is_empty() {
                "Waiting for the first log entry…".to_string()
            } else {
                format!(
                    "No entries at level ≥ {}{}. Press l or n to change the filter.",
                    self.min_level,
                    self.node
                        .as_deref()
                        .map(|n| format!(" from node {n}"))
                        .unwrap_or_default()
                )
            };
            vec![Line::styled(text, ctx.theme.dim())]
        } else {
            shown
                .iter()
                .map(|e| Self::line(e, node_width, ctx))
                .collect()
        };
        frame.render_widget(Paragraph::new(lines).block(block), area);
    }
}

#[cfg(test)]
mod tests {
    use super::super::log_buffer::tests::entry;
    use super::*;

    fn buffer(n: i64) -> LogBuffer {
        let mut b = LogBuffer::new();
        for s in 1..=n {
            let level = if s % 5 == 0 {
                LogLevel::Warn
            } else {
                LogLevel::Info
            };
            let node = if s % 2 == 0 { "search" } else { "plan" };
            b.insert(entry(s, level, node, &format!("m{s}")));
        }
        b
    }

    fn shown(p: &LogPane, b: &LogBuffer) -> Vec<i64> {
        let f = p.filtered(b);
        let top = p.top(&f);
        f[top..f.len().min(top + p.height())]
            .iter()
            .map(|e| e.seq)
            .collect()
    }

    fn press(p: &mut LogPane, b: &LogBuffer, code: KeyCode) {
        assert!(p.handle_key(KeyEvent::from(code), b));
    }

    #[test]
    fn follows_the_tail_until_scrolled() {
        let mut p = LogPane::default();
        p.viewport.set(3);
        let mut b = buffer(10);
        assert_eq!(shown(&p, &b), [8, 9, 10]);
        press(&mut p, &b, KeyCode::Up);
        assert!(!p.is_following());
        assert_eq!(shown(&p, &b), [7, 8, 9]);
        // New entries do not move a paused view.
        b.insert(entry(11, LogLevel::Info, "plan", "new"));
        assert_eq!(shown(&p, &b), [7, 8, 9]);
        press(&mut p, &b, KeyCode::PageDown);
        press(&mut p, &b, KeyCode::PageDown);
        assert_eq!(shown(&p, &b), [9, 10, 11]);
        assert!(!p.is_following(), "scrolling to the end does not follow");
        press(&mut p, &b, KeyCode::Home);
        assert_eq!(shown(&p, &b), [1, 2, 3]);
        press(&mut p, &b, KeyCode::Char('f'));
        assert!(p.is_following());
        b.insert(entry(12, LogLevel::Info, "plan", "newer"));
        assert_eq!(shown(&p, &b), [10, 11, 12]);
        press(&mut p, &b, KeyCode::PageUp);
        press(&mut p, &b, KeyCode::End);
        assert!(p.is_following());
    }

    #[test]
    fn level_filter_cycles_and_keeps_position() {
        let mut p = LogPane::default();
        p.viewport.set(2);
        let b = buffer(20);
        press(&mut p, &b, KeyCode::Home);
        for _ in 0..5 {
            press(&mut p, &b, KeyCode::Down);
        }
        assert_eq!(shown(&p, &b), [6, 7]);
        press(&mut p, &b, KeyCode::Char('l'));
        assert_eq!(p.min_level(), LogLevel::Info);
        press(&mut p, &b, KeyCode::Char('l'));
        assert_eq!(p.min_level(), LogLevel::Warn);
        assert_eq!(shown(&p, &b), [10, 15]);
        press(&mut p, &b, KeyCode::Char('l'));
        press(&mut p, &b, KeyCode::Char('l'));
        assert_eq!(p.min_level(), LogLevel::Debug);
    }

    #[test]
    fn node_filter_cycles_through_nodes_seen() {
        let mut p = LogPane::default();
        p.viewport.set(3);
        let b = buffer(6);
        press(&mut p, &b, KeyCode::Char('n'));
        assert_eq!(p.node_filter(), Some("plan"));
        assert_eq!(shown(&p, &b), [1, 3, 5]);
        press(&mut p, &b, KeyCode::Char('n'));
        assert_eq!(p.node_filter(), Some("search"));
        assert_eq!(shown(&p, &b), [2, 4, 6]);
        press(&mut p, &b, KeyCode::Char('n'));
        assert_eq!(p.node_filter(), None);
    }

    #[test]
    fn scrolling_an_empty_log_is_harmless() {
        let mut p = LogPane::default();
        let b = LogBuffer::new();
        press(&mut p, &b, KeyCode::Up);
        press(&mut p, &b, KeyCode::PageDown);
        press(&mut p, &b, KeyCode::Char('n'));
        press(&mut p, &b, KeyCode::Char('l'));
        assert!(shown(&p, &b).is_empty());
    }
}
