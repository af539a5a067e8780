//! The organization's model usage: this month's budget as a gauge, the
//! rate limit, and the spend by day, by service, by model and by job.

use crossterm::event::{KeyCode, KeyEvent};
use procura_common::usage::{UsageAggregate, UsageReport};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Margin, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Gauge, Paragraph, Row, Table, Wrap};

use super::{Component, Ctx, KeyHelp, Msg, Outcome, key};
use crate::tui::format::{amount, truncate_end};
use crate::tui::usage_text::{cost, count, month, rate_line, then};

pub const KEYS: &[KeyHelp] = &[
    key("r", "reload the usage", Some(("r", "reload"))),
    key("Esc", "back to the jobs", Some(("Esc", "back"))),
];

#[derive(Debug, Default)]
pub struct UsageView {
    /// Sanitised.
    report: Option<UsageReport>,
    loading: bool,
    /// Why the last fetch failed, until one succeeds.
    error: Option<String>,
}

impl UsageView {
    pub fn report(&self) -> Option<&UsageReport> {
        self.report.as_ref()
    }

    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    pub fn is_loading(&self) -> bool {
        self.loading
    }

    /// A fetch starts.
    pub fn reload(&mut self) {
        self.loading = true;
    }

    /// The report (sanitised), or why it could not be fetched.
    pub fn set(&mut self, result: Result<UsageReport, String>) {
        self.loading = false;
        match result {
            Ok(r) => {
                self.report = Some(r);
                self.error = None;
            }
            Err(e) => self.error = Some(e),
        }
    }

    /// The month's budget as a gauge, in a block that also says whether a
    /// reload is under way or failed.
    fn draw_budget(&self, frame: &mut Frame, area: Rect, ctx: &Ctx<'_>, report: &UsageReport) {
        let t = ctx.theme;
        let b = &report.budget;
        let mut block = Block::bordered().title(Line::from(vec![
            Span::styled(" Model usage ", t.title()),
            Span::raw(format!("· budget for {} ", month(b))),
        ]));
        if self.loading {
            block = block.title(Line::styled(" reloading… ", t.warn()).right_aligned());
        }
        if let Some(e) = &self.error {
            let e = truncate_end(e, usize::from(area.width / 2));
            block = block.title_bottom(Line::styled(format!(" {e} "), t.error()).right_aligned());
        }
        let cur = &b.currency;
        let Some(ratio) = b.ratio().map(|r| if r.is_nan() { 1.0 } else { r }) else {
            let text = format!("{} {cur} spent this month; no monthly cap", cost(b.spent));
            frame.render_widget(Paragraph::new(Line::raw(text)).block(block), area);
            return;
        };
        let cap = b.cap.map(amount).unwrap_or_default();
        let label = format!("{} of {cap} {cur} ({:.0}%)", cost(b.spent), ratio * 100.0);
        let style = if b.exhausted {
            t.error()
        } else if ratio >= 0.8 {
            t.warn()
        } else {
            t.ok()
        };
        let gauge = Gauge::default()
            .block(block)
            .gauge_style(style)
            .ratio(ratio)
            .label(Span::styled(label, t.title()));
        frame.render_widget(gauge, area);
    }

    /// The line under the gauge: what is left or that it is spent, and
    /// the rate limit.
    fn status_line(report: &UsageReport, ctx: &Ctx<'_>) -> Line<'static> {
        let t = ctx.theme;
        let b = &report.budget;
        let then = then(b.on_exhausted);
        let budget = match (b.exhausted, b.remaining) {
            (true, _) => Span::styled(
                format!("Budget spent: model calls are refused, {then}."),
                t.error(),
            ),
            (false, Some(left)) => {
                Span::raw(format!("{} {} left, then {then}.", cost(left), b.currency))
            }
            (false, None) => Span::raw(""),
        };
        let rate = match (
            report.rate_limit.requests_per_minute,
            report.rate_limit.available,
        ) {
            (Some(rpm), Some(free)) => {
                format!("{rpm} calls/min, {} free now", free.max(0.0).floor())
            }
            _ => rate_line(&report.rate_limit),
        };
        let mut spans = vec![budget];
        if !spans[0].content.is_empty() {
            spans.push(Span::raw("  "));
        }
        spans.push(Span::styled(format!("Rate: {rate}"), t.dim()));
        Line::from(spans)
    }

    fn draw_report(&self, frame: &mut Frame, area: Rect, ctx: &Ctx<'_>, report: &UsageReport) {
        let [gauge, status, tables] = Layout::vertical([
            Constraint::Length(3),
            Constraint::Length(1),
            Constraint::Min(0),
        ])
        .areas(area);
        self.draw_budget(frame, gauge, ctx, report);
        frame.render_widget(
            Paragraph::new(Self::status_line(report, ctx)),
            status.inner(Margin::new(1, 0)),
        );
        if report.totals.is_empty() {
            let text = "No model calls recorded yet. With the offline provider the agent \
                        makes none; calls to a model endpoint show here by day, service, \
                        model and job.";
            frame.render_widget(
                Paragraph::new(Line::styled(text, ctx.theme.dim())).wrap(Wrap { trim: true }),
                tables.inner(Margin::new(1, 0)),
            );
            return;
        }
        let [top, bottom] =
            Layout::vertical([Constraint::Fill(1), Constraint::Fill(1)]).areas(tables);
        let halves = |r: Rect| Layout::horizontal([Constraint::Fill(1); 2]).areas::<2>(r);
        let [day, service] = halves(top);
        let [model, job] = halves(bottom);
        sums_table(frame, day, ctx, "By day", "DAY", &report.by_day, |a| {
            a.key.clone()
        });
        sums_table(
            frame,
            service,
            ctx,
            "By service",
            "SERVICE",
            &report.by_service,
            |a| a.key.clone(),
        );
        sums_table(
            frame,
            model,
            ctx,
            "By model",
            "MODEL",
            &report.by_model,
            |a| a.key.clone(),
        );
        sums_table(frame, job, ctx, "By job", "JOB", &report.by_job, job_name);
    }
}

/// A job's short id and request; "(no job)" for calls outside one.
fn job_name(a: &UsageAggregate) -> String {
    if a.key.is_empty() {
        return "(no job)".into();
    }
    let short: String = a.key.chars().filter(|c| *c != '-').take(8).collect();
    match &a.label {
        Some(l) => format!("{short} {l}"),
        None => short,
    }
}

/// One block of sums: name, calls, tokens (in + out) and cost.
fn sums_table(
    frame: &mut Frame,
    area: Rect,
    ctx: &Ctx<'_>,
    title: &str,
    heading: &'static str,
    sums: &[UsageAggregate],
    name: impl Fn(&UsageAggregate) -> String,
) {
    let t = ctx.theme;
    let block = Block::bordered().title(Span::styled(format!(" {title} "), t.title()));
    // One currency (the usual case) goes in the heading, else in each cell.
    let one_currency = match sums.first() {
        Some(first) if sums.iter().all(|a| a.currency == first.currency) => {
            Some(first.currency.as_str())
        }
        _ => None,
    };
    let price = |a: &UsageAggregate| match one_currency {
        Some(_) => cost(a.cost),
        None => format!("{} {}", cost(a.cost), a.currency),
    };
    let cost_heading = truncate_end(one_currency.unwrap_or("COST"), 4);
    let cost_width = sums
        .iter()
        .map(|a| price(a).chars().count())
        .max()
        .unwrap_or(4)
        .clamp(4, 16);
    let widths = [
        Constraint::Fill(1),
        Constraint::Length(5),
        Constraint::Length(6),
        Constraint::Length(cost_width as u16),
    ];
    let header = Row::new([
        Line::raw(heading),
        Line::raw("CALLS").right_aligned(),
        Line::raw("TOKENS").right_aligned(),
        Line::raw(cost_heading).right_aligned(),
    ])
    .style(t.title());
    let rows: Vec<Row> = sums
        .iter()
        .map(|a| {
            let mut calls = Line::raw(a.calls.to_string()).right_aligned();
            if a.refused > 0 || a.errors > 0 {
                calls = calls.style(t.warn());
            }
            Row::new([
                Line::raw(truncate_end(&name(a), 60)),
                calls,
                Line::raw(count(a.tokens_in.saturating_add(a.tokens_out))).right_aligned(),
                Line::styled(
                    price(a),
                    if a.unpriced > 0 {
                        t.dim()
                    } else {
                        Style::new()
                    },
                )
                .right_aligned(),
            ])
        })
        .collect();
    let table = Table::new(rows, widths)
        .header(header)
        .block(block)
        .column_spacing(1);
    frame.render_widget(table, area);
}

impl Component for UsageView {
    fn title(&self) -> &'static str {
        "Usage"
    }

    fn draw(&self, frame: &mut Frame, area: Rect, ctx: &Ctx<'_>) {
        let t = ctx.theme;
        if let Some(report) = &self.report {
            self.draw_report(frame, area, ctx, report);
            return;
        }
        let block = Block::bordered().title(Span::styled(" Model usage ", t.title()));
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let line = match &self.error {
            Some(e) => Line::styled(
                format!("Could not load the usage: {e}. r tries again."),
                t.error(),
            ),
            None => Line::styled("Loading the usage…", t.dim()),
        };
        frame.render_widget(
            Paragraph::new(line).wrap(Wrap { trim: true }),
            inner.inner(Margin::new(1, 0)),
        );
    }

    fn handle_key(&mut self, key: KeyEvent) -> Outcome {
        match key.code {
            KeyCode::Char('r') => {
                self.reload();
                Outcome::Msg(Msg::ReloadUsage)
            }
            KeyCode::Esc | KeyCode::Backspace => Outcome::Msg(Msg::Back),
            _ => Outcome::Ignored,
        }
    }

    fn keys(&self) -> &'static [KeyHelp] {
        KEYS
    }
}
