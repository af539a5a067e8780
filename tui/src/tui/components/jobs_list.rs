//! The jobs list: one row per job with its status, progress, age and counts.

use std::cell::Cell;

use crossterm::event::{KeyCode, KeyEvent};
use procura_common::job::{Job, JobId};
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, HighlightSpacing, Paragraph, Row, Table, TableState, Wrap};

use super::{Component, Ctx, KeyHelp, Msg, Outcome, key};
use crate::tui::format::{age, percent, short_id};

const KEYS: &[KeyHelp] = &[
    key("↑↓ k j", "select a job", Some(("↑↓", "select"))),
    key("Enter", "open job and live log", Some(("Enter", "open"))),
    key("n", "new search", Some(("n", "new"))),
    key("/ f", "find products seen before", Some(("/", "find"))),
    key("c", "cancel selected job", Some(("c", "cancel"))),
    key("r", "retry failed/cancelled", Some(("r", "retry"))),
    key("PgUp PgDn", "page up / down", None),
    key("Home End", "first / last job", None),
];

/// The keys of the jobs list that open the other screens, for the help.
pub const SCREEN_KEYS: &[KeyHelp] = &[
    key("S", "selected job's shortlist", None),
    key("u", "model usage and budget", None),
    key("A", "approvals inbox: drafts", None),
    key("N", "negotiations and POs", None),
    key("O", "outbox: email delivery", None),
];

/// Jobs as the daemon last listed them (already sanitised by the app),
/// and which one is selected.
#[derive(Debug, Default)]
pub struct JobsList {
    jobs: Vec<Job>,
    selected: usize,
    /// The job under the cursor, so a refresh that reorders keeps it.
    selected_id: Option<JobId>,
    /// The first row shown, kept between draws.
    offset: Cell<usize>,
    /// Rows that fit, from the last draw; paging uses it.
    page: Cell<usize>,
    loaded: bool,
}

impl JobsList {
    pub fn jobs(&self) -> &[Job] {
        &self.jobs
    }

    pub fn get(&self, id: JobId) -> Option<&Job> {
        self.jobs.iter().find(|j| j.id == id)
    }

    pub fn selected(&self) -> Option<&Job> {
        self.jobs.get(self.selected)
    }

    /// Replaces the list, keeping the selected job selected if it is still
    /// there.
    pub fn set_jobs(&mut self, jobs: Vec<Job>) {
        self.jobs = jobs;
        self.loaded = true;
        if let Some(i) = self
            .selected_id
            .and_then(|id| self.jobs.iter().position(|j| j.id == id))
        {
            self.selected = i;
        }
        self.clamp();
    }

    /// Replaces one job, or adds it at the top when it is new.
    pub fn upsert(&mut self, job: Job) {
        match self.jobs.iter_mut().find(|j| j.id == job.id) {
            Some(slot) => *slot = job,
            None => {
                self.jobs.insert(0, job);
                if self.selected_id.is_some() {
                    self.selected += 1;
                }
            }
        }
        self.clamp();
    }

    pub fn select(&mut self, id: JobId) {
        if let Some(i) = self.jobs.iter().position(|j| j.id == id) {
            self.selected = i;
            self.clamp();
        }
    }

    fn clamp(&mut self) {
        self.selected = self.selected.min(self.jobs.len().saturating_sub(1));
        self.selected_id = self.jobs.get(self.selected).map(|j| j.id);
    }

    fn move_by(&mut self, delta: isize) {
        self.selected = self.selected.saturating_add_signed(delta);
        self.clamp();
    }

    fn selected_msg(&self, make: fn(JobId) -> Msg) -> Outcome {
        match self.selected() {
            Some(job) => Outcome::Msg(make(job.id)),
            None => Outcome::Consumed,
        }
    }

    fn row(&self, job: &Job, ctx: &Ctx<'_>) -> Row<'static> {
        Row::new(vec![
            Line::raw(short_id(job.id)),
            Line::styled(job.status.as_str(), ctx.theme.status(job.status)),
            Line::raw(percent(job.progress)).right_aligned(),
            Line::raw(age(ctx.now, job.created_at)).right_aligned(),
            Line::raw(job.products_found.to_string()).right_aligned(),
            Line::raw(job.log_entries.to_string()).right_aligned(),
            Line::raw(job.attempts.to_string()).right_aligned(),
            Line::raw(job.request.clone()),
        ])
    }
}

impl Component for JobsList {
    fn title(&self) -> &'static str {
        "Jobs list"
    }

    fn draw(&self, frame: &mut Frame, area: Rect, ctx: &Ctx<'_>) {
        let title = Line::from(vec![
            Span::styled(" Jobs ", ctx.theme.title()),
            Span::raw(format!("({}) ", self.jobs.len())),
        ]);
        let block = Block::bordered().title(title);
        if self.jobs.is_empty() {
            let mut lines = vec![Line::styled(
                match (ctx.connected, self.loaded) {
                    (true, _) => "No jobs yet. Press n to start a search.",
                    (false, true) => "No jobs. Not connected to procurad right now.",
                    (false, false) => {
                        "Not connected to procurad yet: jobs appear here once it answers."
                    }
                },
                ctx.theme.dim(),
            )];
            if let (false, Some(reason)) = (ctx.connected, ctx.offline_reason) {
                lines.push(Line::raw(""));
                lines.push(Line::styled(reason.to_string(), ctx.theme.error()));
            }
            let p = Paragraph::new(lines).block(block).wrap(Wrap { trim: true });
            frame.render_widget(p, area);
            return;
        }
        let widths = [
            Constraint::Length(8),
            Constraint::Length(9),
            Constraint::Length(4),
            Constraint::Length(4),
            Constraint::Length(5),
            Constraint::Length(5),
            Constraint::Length(3),
            Constraint::Fill(1),
        ];
        let header = Row::new([
            "ID", "STATUS", "PROG", "AGE", "FOUND", "LOGS", "TRY", "REQUEST",
        ])
        .style(ctx.theme.title());
        let rows: Vec<Row> = self.jobs.iter().map(|j| self.row(j, ctx)).collect();
        let table = Table::new(rows, widths)
            .header(header)
            .block(block)
            .column_spacing(1)
            .row_highlight_style(ctx.theme.selected())
            .highlight_symbol("› ")
            .highlight_spacing(HighlightSpacing::Always);
        // Borders and the header take three rows.
        self.page
            .set(usize::from(area.height.saturating_sub(3)).max(1));
        let mut state = TableState::default()
            .with_offset(self.offset.get())
            .with_selected(Some(self.selected));
        frame.render_stateful_widget(table, area, &mut state);
        self.offset.set(state.offset());
    }

    fn handle_key(&mut self, key: KeyEvent) -> Outcome {
        let page = self.page.get().max(1) as isize;
        match key.code {
            KeyCode::Up | KeyCode::Char('k') => self.move_by(-1),
            KeyCode::Down | KeyCode::Char('j') => self.move_by(1),
            KeyCode::PageUp => self.move_by(-page),
            KeyCode::PageDown => self.move_by(page),
            KeyCode::Home | KeyCode::Char('g') => self.move_by(isize::MIN),
            KeyCode::End | KeyCode::Char('G') => self.move_by(isize::MAX),
            KeyCode::Enter => return self.selected_msg(Msg::OpenJob),
            KeyCode::Char('n') => return Outcome::Msg(Msg::OpenForm),
            KeyCode::Char('/' | 'f') => return Outcome::Msg(Msg::OpenFind),
            KeyCode::Char('S') => return self.selected_msg(Msg::OpenShortlist),
            KeyCode::Char('u') => return Outcome::Msg(Msg::OpenUsage),
            KeyCode::Char('A') => return Outcome::Msg(Msg::OpenApprovals),
            KeyCode::Char('N') => return Outcome::Msg(Msg::OpenNegotiations(None)),
            KeyCode::Char('O') => return Outcome::Msg(Msg::OpenOutbox),
            KeyCode::Char('c') => return self.selected_msg(Msg::Cancel),
            KeyCode::Char('r') => return self.selected_msg(Msg::Retry),
            _ => return Outcome::Ignored,
        }
        Outcome::Consumed
    }

    fn keys(&self) -> &'static [KeyHelp] {
        KEYS
    }
}
