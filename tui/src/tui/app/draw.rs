//! Drawing the frame around the screen shown: the header with where the
//! operator is and the daemon's load, the key hints (or a notice in their
//! place) and the status line.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use super::{App, Screen};
use crate::tui::components::{Component, hints_line};
use crate::tui::format::{short_id, wrap};

impl App {
    fn draw_header(&self, frame: &mut Frame, area: Rect) {
        let t = self.theme;
        frame.render_widget(Block::new().style(t.bar()), area);
        let place = match (self.screen, self.job_view.job_id()) {
            (Screen::Job, Some(id)) => format!("Job {}", short_id(id)),
            (Screen::NewSearch, _) => "New search".into(),
            (Screen::Find, _) => "Find".into(),
            (Screen::Usage, _) => "Usage".into(),
            (Screen::Approvals, _) => match self.approvals.drafts().len() {
                1 => "Approvals · 1 draft waiting".into(),
                n => format!("Approvals · {n} drafts waiting"),
            },
            (Screen::Negotiations, _) => self.negotiations_place(),
            (Screen::Outbox, _) => self.outbox_place(),
            (Screen::Shortlist, _) => match self.shortlist.job() {
                Some(id) => format!("Job {} › Shortlist", short_id(id)),
                None => "Shortlist".into(),
            },
            _ => "Jobs".into(),
        };
        let place = Line::styled(format!(" Procura › {place}"), t.bar());
        let stats = match (&self.daemon, self.status.is_connected()) {
            (Some(d), true) => format!(
                "workers {}/{} busy · queue {} · running {} ",
                d.busy_workers, d.workers, d.queue_depth, d.running_jobs
            ),
            (_, true) => String::new(),
            (_, false) => "offline ".into(),
        };
        let stats = Line::styled(stats, t.bar()).right_aligned();
        // Where the operator is matters more than the daemon's load: the
        // load gives way when both do not fit.
        let fits = place.width() + stats.width() < usize::from(area.width);
        frame.render_widget(place, area);
        if fits {
            frame.render_widget(stats, area);
        }
    }

    fn draw_hints(&self, frame: &mut Frame, area: Rect) {
        let t = self.theme;
        if let Some(n) = &self.notice {
            let style = if n.error { t.error() } else { t.ok() };
            let lines: Vec<Line> = notice_rows(&n.text, area.width)
                .into_iter()
                .map(|row| Line::styled(format!(" {row}"), style))
                .collect();
            frame.render_widget(Paragraph::new(lines), area);
            return;
        }
        let typing = match self.screen {
            Screen::Approvals => self.approvals.is_typing(),
            Screen::Negotiations => self.negotiations.is_typing(),
            _ => false,
        };
        let help_key = if typing || matches!(self.screen, Screen::NewSearch | Screen::Find) {
            "F1"
        } else {
            "?"
        };
        let mut right = vec![Span::styled(help_key, t.key()), Span::raw(" help")];
        if self.screen == Screen::Jobs {
            right.extend([
                Span::raw("  "),
                Span::styled("q", t.key()),
                Span::raw(" quit"),
            ]);
        }
        let right = Line::from(right).right_aligned();
        let [_, inner, _] = Layout::horizontal([
            Constraint::Length(1),
            Constraint::Fill(1),
            Constraint::Length(1),
        ])
        .areas(area);
        let room = usize::from(inner.width).saturating_sub(right.width() + 2);
        let left = hints_line(self.active().keys(), t, room);
        frame.render_widget(left, inner);
        frame.render_widget(right, inner);
    }

    /// Draws the whole screen.
    pub fn draw(&self, frame: &mut Frame) {
        let area = frame.area();
        let ctx = self.ctx();
        let hint_rows = self.notice.as_ref().map_or(1, |n| {
            notice_rows(&n.text, area.width).len().clamp(1, 3) as u16
        });
        let [header, body, hints, status] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Min(0),
            Constraint::Length(hint_rows),
            Constraint::Length(1),
        ])
        .areas(area);
        self.draw_header(frame, header);
        self.active().draw(frame, body, &ctx);
        self.draw_hints(frame, hints);
        self.status.draw(frame, status, &ctx);
        self.help.draw(frame, area, &ctx);
    }
}

/// A notice cut into rows of the screen's width: up to three, so the
/// daemon's refusal (a missing role, say) can be read whole.
fn notice_rows(text: &str, width: u16) -> Vec<String> {
    // One that fits is shown as it is (wrapping would fold its spaces).
    if Span::raw(text).width() < usize::from(width) {
        return vec![text.to_string()];
    }
    let mut rows = wrap(text, usize::from(width).saturating_sub(2));
    rows.truncate(3);
    rows
}
