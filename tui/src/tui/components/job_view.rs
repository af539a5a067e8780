//! One job: its details, parsed spec and progress on top; below, the live
//! log or the products found (`Tab` switches); over them, a product's
//! details or its screenshot.

use std::collections::HashMap;
use std::sync::Arc;

use crossterm::event::{KeyCode, KeyEvent};
use image::DynamicImage;
use procura_common::job::{Job, JobId, JobStatus};
use procura_common::log::LogEntry;
use procura_common::product::Product;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};
use uuid::Uuid;

use super::help::Section;
use super::log_buffer::LogBuffer;
use super::log_pane::{self, LogPane};
use super::product_popup::{self, PopupMsg, ProductPopup, ShotView};
use super::products_table::{self, FILTER_KEYS, ProductsTable, TableMsg};
use super::screenshot::Screenshots;
use super::{Component, Ctx, KeyHelp, Msg, Outcome, key};
use crate::tui::format::{age, bar, percent, short_id, spec_fields, truncate_end};

const CANCEL: KeyHelp = key("c", "cancel this job", Some(("c", "cancel")));
const RETRY: KeyHelp = key("r", "retry this job", Some(("r", "retry")));
const BACK: KeyHelp = key("Esc", "back to the jobs list", Some(("Esc", "back")));
const SHORTLIST: KeyHelp = key("S", "ranked shortlist, groups", Some(("S", "shortlist")));
const NEGOTIATIONS: KeyHelp = key("N", "negotiations and POs", None);

/// The keys of the job view whichever pane shows, for the help.
const JOB_KEYS: &[KeyHelp] = &[
    key("Tab p", "switch log / products", None),
    SHORTLIST,
    NEGOTIATIONS,
    CANCEL,
    RETRY,
    BACK,
];

/// The hints while the log shows.
const LOG_KEYS: &[KeyHelp] = &[
    log_pane::KEYS[0],
    key("Tab p", "show the products", Some(("Tab", "products"))),
    log_pane::KEYS[1],
    log_pane::KEYS[2],
    log_pane::KEYS[3],
    CANCEL,
    RETRY,
    SHORTLIST,
    BACK,
];

/// The hints while the products show.
const PRODUCT_KEYS: &[KeyHelp] = &[
    products_table::KEYS[0],
    products_table::KEYS[1],
    key("Tab p", "show the log", Some(("Tab", "log"))),
    products_table::KEYS[2],
    products_table::KEYS[3],
    products_table::KEYS[4],
    CANCEL,
    RETRY,
    SHORTLIST,
    BACK,
];

/// Which pane fills the bottom of the view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Pane {
    #[default]
    Log,
    Products,
}

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
    focus: Pane,
    products: ProductsTable,
    popup: Option<ProductPopup>,
    shot_view: Option<ShotView>,
    shots: Screenshots,
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

    pub fn focus(&self) -> Pane {
        self.focus
    }

    pub fn products(&self) -> &ProductsTable {
        &self.products
    }

    pub fn popup(&self) -> Option<&ProductPopup> {
        self.popup.as_ref()
    }

    pub fn shot_view(&self) -> Option<&ShotView> {
        self.shot_view.as_ref()
    }

    pub fn screenshots(&self) -> &Screenshots {
        &self.shots
    }

    /// The sections of the help overlay for this view.
    pub fn help_sections() -> [Section; 4] {
        [
            ("Job view", JOB_KEYS),
            ("Log", log_pane::KEYS),
            ("Products", products_table::KEYS),
            ("Product details", product_popup::KEYS),
        ]
    }

    /// Shows job `id` (its record if known), following its log.
    pub fn open(&mut self, id: JobId, job: Option<Job>) {
        if self.job_id != Some(id) {
            self.pane.reset();
            self.popup = None;
            self.shot_view = None;
        }
        self.products.show_job(id);
        self.job_id = Some(id);
        self.job = job;
    }

    /// The products of `job` (sanitised), or why they could not be listed.
    pub fn set_products(&mut self, job: JobId, result: Result<Vec<Product>, String>) {
        match result {
            Ok(products) => {
                if let Some(popup) = self.popup.as_mut().filter(|_| self.job_id == Some(job))
                    && let Some(p) = products.iter().find(|p| p.id == popup.product().id)
                {
                    popup.refresh(p);
                }
                self.products.set_products(job, products);
            }
            Err(e) => self.products.set_error(job, e),
        }
    }

    /// A screenshot fetch ended; `error` sanitised.
    pub fn screenshot_arrived(&mut self, product: Uuid, result: Result<Arc<DynamicImage>, String>) {
        self.shots.arrived(product, result);
    }

    /// Text pasted while the filter is typed goes into it.
    pub fn paste(&mut self, text: &str) {
        if self.focus == Pane::Products && self.popup.is_none() && self.shot_view.is_none() {
            self.products.paste(text);
        }
    }

    fn wants_screenshot(&mut self, p: &Product) -> Outcome {
        if p.screenshot_blob.is_some() && self.shots.request(p.id) {
            Outcome::Msg(Msg::FetchScreenshot(p.id))
        } else {
            Outcome::Consumed
        }
    }

    fn open_popup(&mut self, id: Uuid) -> Outcome {
        let Some(p) = self.products.get(id).cloned() else {
            return Outcome::Consumed;
        };
        let out = self.wants_screenshot(&p);
        self.popup = Some(ProductPopup::new(p));
        out
    }

    fn open_shot_view(&mut self, p: Product, from_popup: bool) -> Outcome {
        let out = self.wants_screenshot(&p);
        self.shot_view = Some(ShotView::new(&p, from_popup));
        if !from_popup {
            self.popup = None;
        }
        out
    }

    /// Keys for the popup or the full-screen screenshot, when one is open.
    fn overlay_key(&mut self, key: KeyEvent) -> Option<Outcome> {
        if let Some(view) = self.shot_view.as_mut() {
            return Some(match view.handle_key(key) {
                PopupMsg::Close | PopupMsg::View => {
                    if !view.from_popup() {
                        self.popup = None;
                    }
                    self.shot_view = None;
                    Outcome::Consumed
                }
                PopupMsg::Consumed => Outcome::Consumed,
                PopupMsg::Ignored => Outcome::Ignored,
            });
        }
        let popup = self.popup.as_mut()?;
        Some(match popup.handle_key(key) {
            PopupMsg::Close => {
                self.popup = None;
                Outcome::Consumed
            }
            PopupMsg::View => {
                let p = popup.product().clone();
                self.open_shot_view(p, true)
            }
            PopupMsg::Consumed => Outcome::Consumed,
            PopupMsg::Ignored => Outcome::Ignored,
        })
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

    /// Status, the progress gauge, pages visited, products found (of the
    /// most asked for) and where the graph is.
    fn progress(job: &Job, width: usize, ctx: &Ctx<'_>) -> Line<'static> {
        let t = ctx.theme;
        let head = format!(" {} ", percent(job.progress));
        let gauge = if width >= 100 { 20 } else { 10 };
        let used = job.status.as_str().len() + head.chars().count() + gauge;
        let plural =
            |n: i32, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        // Whole segments, as many as fit.
        let mut tail = String::new();
        for seg in [
            plural(job.pages_visited, "page", "pages"),
            format!("{}/{} products", job.products_found, job.max_results),
            format!("node {}", job.current_node.as_deref().unwrap_or("—")),
            format!("try {}", job.attempts),
        ] {
            let sep = if tail.is_empty() { "  " } else { " · " };
            if used + tail.chars().count() + sep.chars().count() + seg.chars().count() > width {
                break;
            }
            tail.push_str(sep);
            tail.push_str(&seg);
        }
        Line::from(vec![
            Self::field("Status", ctx),
            Span::styled(job.status.as_str(), t.status(job.status)),
            Span::raw(head),
            Span::styled(bar(job.progress, gauge), t.status(job.status)),
            Span::raw(tail),
        ])
    }

    fn tab_hint(&self, ctx: &Ctx<'_>) -> Line<'static> {
        let count = match &self.job {
            Some(job) if !self.products.is_loaded() => job.products_found.max(0) as usize,
            _ => self.products.len(),
        };
        let other = match self.focus {
            Pane::Log => format!(" products ({count}) "),
            Pane::Products => " log ".to_string(),
        };
        Line::from(vec![
            Span::styled(" Tab", ctx.theme.key()),
            Span::styled(other, ctx.theme.dim()),
            Span::styled("· ", ctx.theme.dim()),
            Span::styled("S", ctx.theme.key()),
            Span::styled(" shortlist ", ctx.theme.dim()),
        ])
    }

    fn details(&self, job: &Job, width: usize, ctx: &Ctx<'_>) -> Vec<Line<'static>> {
        let t = ctx.theme;
        let rest = width.saturating_sub(LABEL);
        let mut lines = vec![
            Line::from(vec![
                Self::field("Request", ctx),
                Span::raw(truncate_end(&job.request, rest)),
            ]),
            Self::progress(job, rest, ctx),
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
        let tab = self.tab_hint(ctx);
        match self.focus {
            Pane::Log => self.pane.draw(frame, bottom, ctx, self.logs.get(&id), tab),
            Pane::Products => self.products.draw(frame, bottom, ctx, tab),
        }
        if let Some(view) = &self.shot_view {
            view.draw(frame, area, ctx, &self.shots);
        } else if let Some(popup) = &self.popup {
            popup.draw(frame, area, ctx, &self.shots);
        }
    }

    fn handle_key(&mut self, key: KeyEvent) -> Outcome {
        let Some(id) = self.job_id else {
            return Outcome::Ignored;
        };
        if let Some(out) = self.overlay_key(key) {
            return out;
        }
        if self.focus == Pane::Products {
            match self.products.handle_key(key) {
                TableMsg::Consumed => return Outcome::Consumed,
                TableMsg::Open(p) => return self.open_popup(p),
                TableMsg::View(p) => {
                    return match self.products.get(p).cloned() {
                        Some(p) => self.open_shot_view(p, false),
                        None => Outcome::Consumed,
                    };
                }
                TableMsg::Ignored => {}
            }
        }
        match key.code {
            KeyCode::Tab | KeyCode::BackTab | KeyCode::Char('p') => {
                self.focus = match self.focus {
                    Pane::Log => Pane::Products,
                    Pane::Products => Pane::Log,
                };
                Outcome::Consumed
            }
            KeyCode::Char('c') => Outcome::Msg(Msg::Cancel(id)),
            KeyCode::Char('r') => Outcome::Msg(Msg::Retry(id)),
            KeyCode::Char('S') => Outcome::Msg(Msg::OpenShortlist(id)),
            KeyCode::Char('N') => Outcome::Msg(Msg::OpenNegotiations(Some(id))),
            KeyCode::Esc | KeyCode::Backspace => Outcome::Msg(Msg::Back),
            _ if self.focus == Pane::Products => Outcome::Ignored,
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
        if self.shot_view.is_some() {
            product_popup::SHOT_KEYS
        } else if self.popup.is_some() {
            product_popup::KEYS
        } else if self.focus == Pane::Log {
            LOG_KEYS
        } else if self.products.is_typing() {
            FILTER_KEYS
        } else {
            PRODUCT_KEYS
        }
    }
}
