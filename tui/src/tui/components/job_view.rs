//! One job: its details and parsed spec on top, the live log below.

use std::collections::HashMap;

use crossterm::event::{KeyCode, KeyEvent};
use procura_common::job::{Job, JobId, JobStatus};
use procura_common::log::LogEntry;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use super::log_buffer::LogBuffer;
use super::log_pane::{self, LogPane};
use super::{Component, Ctx, KeyHelp, Msg, Outcome, key};
use crate::tui::format::{age, bar, percent, short_id, spec_fields, truncate_end};

const KEYS: &[KeyHelp] = &[
    log_pane::KEYS[0],
    log_pane::KEYS[1],
    log_pane::KEYS[2],
    log_pane::KEYS[3],
    key("c", "cancel this job", Some(("c", "cancel"))),
    key("r", "retry this job", Some(("r", "retry"))),
    key("Esc", "back to the jobs list", Some(("Esc", "back"))),
    log_pane::KEYS[4],
    log_pane::KEYS[5],
];

/// Width of the labels in the details block.
const LABEL: usize = 9;

#[derive(Debug, Default)]
pub struct JobView {
    job_id: Option<JobId>,
    job: Option<Job>,
    /// The log of every job opened so far, so going back to one resumes
    /// from where it was.
    logs: HashMap<JobId, LogBuffer>,
    pane: LogPane,
}

impl JobView {
    pub fn job_id(&self) -> Option<JobId> {
        self.job_id
    }

    pub fn job(&self) -> Option<&Job> {
        self.job.as_ref()
    }

    pub fn pane(&self) -> &LogPane {
        &self.pane
    }

    pub fn log(&self, id: JobId) -> Option<&LogBuffer> {
        self.logs.get(&id)
    }

    /// Shows job `id` (its record if known), following its log.
    pub fn open(&mut self, id: JobId, job: Option<Job>) {
        if self.job_id != Some(id) {
            self.pane.reset();
        }
        self.job_id = Some(id);
        self.job = job;
    }

    /// A fresh record; kept if it is the job shown.
    pub fn update_job(&mut self, job: &Job) {
        if self.job_id == Some(job.id) {
            self.job = Some(job.clone());
        }
    }

    /// The status a watch batch reported, ahead of the next refresh.
    pub fn update_status(&mut self, id: JobId, status: JobStatus) {
        if let Some(job) = self.job.as_mut().filter(|j| j.id == id) {
            job.status = status;
        }
    }

    pub fn ingest(&mut self, id: JobId, entries: Vec<LogEntry>) -> usize {
        self.logs.entry(id).or_default().extend(entries)
    }

    /// Where a watch of job `id` resumes.
    pub fn last_seq(&self, id: JobId) -> i64 {
        self.logs.get(&id).map_or(0, LogBuffer::last_seq)
    }

    fn field(label: &str, ctx: &Ctx<'_>) -> Span<'static> {
        Span::styled(format!("{label:<LABEL$}"), ctx.theme.dim())
    }

    fn details(&self, job: &Job, width: usize, ctx: &Ctx<'_>) -> Vec<Line<'static>> {
        let t = ctx.theme;
        let rest = width.saturating_sub(LABEL);
        let mut lines = vec![
            Line::from(vec![
                Self::field("Request", ctx),
                Span::raw(truncate_end(&job.request, rest)),
            ]),
            {
                let head = format!(" {} ", percent(job.progress));
                let used = job.status.as_str().len() + head.chars().count() + 10;
                Line::from(vec![
                    Self::field("Status", ctx),
                    Span::styled(job.status.as_str(), t.status(job.status)),
                    Span::raw(head),
                    Span::styled(bar(job.progress, 10), t.status(job.status)),
                    Span::raw(truncate_end(
                        &format!(
                            "  found {} · log {} · try {} · node {}",
                            job.products_found,
                            job.log_entries,
                            job.attempts,
                            job.current_node.as_deref().unwrap_or("—"),
                        ),
                        rest.saturating_sub(used),
                    )),
                ])
            },
            Line::from(vec![
                Self::field("Created", ctx),
                Span::raw(truncate_end(
                    &format!(
                        "{} ago by {} · max {} results · negotiation {}",
                        age(ctx.now, job.created_at),
                        job.created_by,
                        job.max_results,
                        if job.enable_negotiation { "on" } else { "off" },
                    ),
                    rest,
                )),
            ]),
        ];
        match &job.spec {
            None => lines.push(Line::from(vec![
                Self::field("Spec", ctx),
                Span::styled("not parsed yet (the plan node has not run)", t.dim()),
            ])),
            Some(spec) => {
                let [qty, budget, deadline, keywords, requires] = spec_fields(spec);
                lines.push(Line::from(vec![
                    Self::field("Spec", ctx),
                    Span::raw(truncate_end(
                        &format!(
                            "quantity {} · budget {} · deadline {}",
                            qty.1, budget.1, deadline.1
                        ),
                        rest,
                    )),
                ]));
                for (label, value) in [keywords, requires] {
                    lines.push(Line::from(vec![
                        Self::field(label, ctx),
                        Span::raw(truncate_end(&value, rest)),
                    ]));
                }
            }
        }
        if let Some(err) = &job.error {
            lines.push(Line::from(vec![
                Self::field("Error", ctx),
                Span::styled(truncate_end(err, rest), t.error()),
            ]));
        }
        lines
    }
}

impl Component for JobView {
    fn title(&self) -> &'static str {
        "Job view"
    }

    fn draw(&self, frame: &mut Frame, area: Rect, ctx: &Ctx<'_>) {
        let Some(id) = self.job_id else {
            return;
        };
        let width = usize::from(area.width.saturating_sub(2));
        let lines = match &self.job {
            Some(job) => self.details(job, width, ctx),
            None => vec![Line::styled(
                format!("Loading job {}…", short_id(id)),
                ctx.theme.dim(),
            )],
        };
        let mut title = vec![
            Span::styled(" Job ", ctx.theme.title()),
            Span::styled(short_id(id), ctx.theme.title()),
            Span::raw(" "),
        ];
        if let Some(job) = &self.job
            && job.cancel_requested
            && !job.status.is_terminal()
        {
            title.push(Span::styled("cancel requested ", ctx.theme.warn()));
        }
        // Leave the log at least five rows.
        let height = (lines.len() as u16 + 2).min(area.height.saturating_sub(5).max(3));
        let [top, bottom] =
            Layout::vertical([Constraint::Length(height), Constraint::Min(0)]).areas(area);
        let details = Paragraph::new(lines).block(Block::bordered().title(Line::from(title)));
        frame.render_widget(details, top);
        self.pane.draw(frame, bottom, ctx, self.logs.get(&id));
    }

    fn handle_key(&mut self, key: KeyEvent) -> Outcome {
        let Some(id) = self.job_id else {
            return Outcome::Ignored;
        };
        match key.code {
            KeyCode::Char('c') => Outcome::Msg(Msg::Cancel(id)),
            KeyCode::Char('r') => Outcome::Msg(Msg::Retry(id)),
            KeyCode::Esc | KeyCode::Backspace => Outcome::Msg(Msg::Back),
            _ => {
                let empty = LogBuffer::default();
                let buf = self.logs.get(&id).unwrap_or(&empty);
                if self.pane.handle_key(key, buf) {
                    Outcome::Consumed
                } else {
                    Outcome::Ignored
                }
            }
        }
    }

    fn keys(&self) -> &'static [KeyHelp] {
        KEYS
    }
}
