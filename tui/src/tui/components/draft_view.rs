//! Drawing the approvals inbox: the list of drafts, one draft open with
//! its body, and the approve and reject prompts over either.

use procura_common::negotiation::{Approval, DraftedBy};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Margin, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Padding, Paragraph, Row, Table, Wrap};

use super::Ctx;
use super::approvals_view::{ApprovalsView, Mode};
use super::text_editor::rows;
use crate::tui::format::{age, short_id, truncate_end};

/// Who wrote a draft, in a few words.
pub fn drafted_by(d: &Approval) -> String {
    match &d.drafted_by {
        DraftedBy::Template => "template".into(),
        DraftedBy::Model { model } => model.clone(),
    }
}

fn to(d: &Approval) -> String {
    d.to.clone().unwrap_or_else(|| "(no address)".into())
}

pub fn draw(view: &ApprovalsView, frame: &mut Frame, area: Rect, ctx: &Ctx<'_>) {
    let over_open = |v: &ApprovalsView| {
        // A prompt from the open draft is drawn over it, else over the list.
        matches!(v.mode(), Mode::Confirm | Mode::Reason(_))
            && v.current().is_some()
            && v.from_open()
    };
    match view.mode() {
        Mode::Edit(form) => form.draw(frame, area, ctx),
        Mode::Open => draw_open(view, frame, area, ctx),
        _ if over_open(view) => draw_open(view, frame, area, ctx),
        _ => draw_list(view, frame, area, ctx),
    }
    if let Some(draft) = view.current() {
        match view.mode() {
            Mode::Confirm => draw_confirm(draft, frame, area, ctx),
            Mode::Reason(input) => draw_reason(view, draft, input, frame, area, ctx),
            _ => {}
        }
    }
}

fn draw_list(view: &ApprovalsView, frame: &mut Frame, area: Rect, ctx: &Ctx<'_>) {
    let t = ctx.theme;
    let drafts = view.drafts();
    let mut block = Block::bordered().title(Line::from(vec![
        Span::styled(" Drafts waiting for approval ", t.title()),
        Span::raw(format!("({}) ", drafts.len())),
    ]));
    if let (Some(e), true) = (view.error(), view.is_loaded()) {
        let e = truncate_end(e, usize::from(area.width).saturating_sub(4));
        block = block.title_bottom(Line::styled(format!(" {e} "), t.error()));
    }
    if drafts.is_empty() {
        let line = match (view.error(), view.is_loaded()) {
            (Some(e), false) => Line::styled(format!("Could not list the drafts: {e}"), t.error()),
            (None, false) => Line::styled("Loading the drafts…", t.dim()),
            (_, true) => Line::styled(
                "No drafts waiting for approval. Jobs with negotiation on draft an email \
                 to each of their best vendors; the drafts wait here for an approver.",
                t.dim(),
            ),
        };
        let p = Paragraph::new(line).wrap(Wrap { trim: true });
        frame.render_widget(block.clone(), area);
        frame.render_widget(p, block.inner(area).inner(Margin::new(1, 0)));
        return;
    }
    let widths = [
        Constraint::Length(4),
        Constraint::Length(16),
        Constraint::Length(22),
        Constraint::Length(11),
        Constraint::Fill(1),
    ];
    let header = Row::new(["AGE", "VENDOR", "TO", "BY", "SUBJECT"]).style(t.title());
    let rows: Vec<Row> = drafts
        .iter()
        .map(|d| {
            Row::new(vec![
                Line::raw(age(ctx.now, d.created_at)).right_aligned(),
                Line::raw(truncate_end(&d.vendor, 16)),
                Line::raw(truncate_end(&to(d), 22)),
                Line::styled(truncate_end(&drafted_by(d), 11), t.dim()),
                Line::raw(d.subject.clone()),
            ])
        })
        .collect();
    let table = Table::new(rows, widths).header(header).block(block);
    // Borders and the header take three rows.
    view.measured(0, usize::from(area.height.saturating_sub(3)));
    let selected = drafts
        .iter()
        .position(|d| Some(d.id) == view.selected().map(|s| s.id));
    super::render_list_table(frame, area, table, t, selected, &view.offset);
}

/// The draft's fields, one a line: label, then value.
fn fields(view: &ApprovalsView, d: &Approval, ctx: &Ctx<'_>, width: usize) -> Vec<Line<'static>> {
    let t = ctx.theme;
    let room = width.saturating_sub(10);
    let job = match view.job_name(d.job_id) {
        Some(name) => format!("{} · {name}", short_id(d.job_id)),
        None => short_id(d.job_id),
    };
    let drafted = format!(
        "by {} · {} ago · {}",
        drafted_by(d),
        age(ctx.now, d.created_at),
        d.state
    );
    [
        ("Vendor", d.vendor.clone()),
        ("To", to(d)),
        ("Subject", d.subject.clone()),
        ("Job", job),
        ("Drafted", drafted),
    ]
    .into_iter()
    .map(|(label, value)| {
        Line::from(vec![
            Span::styled(format!("{label:<9}"), t.dim()),
            Span::raw(truncate_end(&value, room)),
        ])
    })
    .collect()
}

fn draw_open(view: &ApprovalsView, frame: &mut Frame, area: Rect, ctx: &Ctx<'_>) {
    let t = ctx.theme;
    let Some(d) = view.current() else {
        return draw_list(view, frame, area, ctx);
    };
    let mut block = Block::bordered().title(Line::from(vec![
        Span::styled(" Draft ", t.title()),
        Span::raw(format!("to {} ", truncate_end(&d.vendor, 40))),
    ]));
    if view.is_gone() {
        block = block.title_bottom(Line::styled(
            " no longer waiting for approval (decided elsewhere?) ",
            t.warn(),
        ));
    }
    let inner = block.inner(area).inner(Margin::new(1, 0));
    frame.render_widget(block, area);
    let fields = fields(view, d, ctx, usize::from(inner.width));
    let [head, rule, body] = Layout::vertical([
        Constraint::Length(fields.len() as u16),
        Constraint::Length(1),
        Constraint::Min(0),
    ])
    .areas(inner);
    frame.render_widget(Paragraph::new(fields), head);
    // The body wraps as the editor wraps it, so a draft reads the same in
    // both.
    let width = usize::from(body.width).max(1);
    let body_rows: Vec<String> = d
        .body
        .split('\n')
        .flat_map(|line| {
            let chars: Vec<char> = line.chars().collect();
            rows(line, width)
                .into_iter()
                .map(move |(a, b)| chars[a..b].iter().collect::<String>())
                .collect::<Vec<_>>()
        })
        .collect();
    let page = usize::from(body.height);
    view.measured(body_rows.len(), page);
    let top = view.scroll().get();
    let shown = if body_rows.len() > page {
        format!(
            " lines {}–{} of {} ",
            top + 1,
            (top + page).min(body_rows.len()),
            body_rows.len()
        )
    } else {
        String::new()
    };
    let dashes = usize::from(rule.width).saturating_sub(5 + shown.chars().count());
    frame.render_widget(
        Line::from(vec![
            Span::styled("Body ", t.title()),
            Span::styled("─".repeat(dashes), t.dim()),
            Span::styled(shown, t.dim()),
        ]),
        rule,
    );
    let lines: Vec<Line> = body_rows
        .into_iter()
        .skip(top)
        .take(page)
        .map(Line::raw)
        .collect();
    frame.render_widget(Paragraph::new(lines), body);
}

/// A box of `height` rows, at most `width` wide, in the middle of `area`.
pub(super) fn popup(area: Rect, width: u16, height: u16) -> Rect {
    let width = width.min(area.width);
    let height = height.min(area.height);
    Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    }
}

fn draw_confirm(d: &Approval, frame: &mut Frame, area: Rect, ctx: &Ctx<'_>) {
    let t = ctx.theme;
    let rect = popup(area, 64, 6);
    let block = Block::bordered()
        .title(Span::styled(" Approve this draft? ", t.title()))
        .padding(Padding::horizontal(1));
    let room = usize::from(rect.width).saturating_sub(4);
    let lines = vec![
        Line::raw(truncate_end(&format!("To {} <{}>", d.vendor, to(d)), room)),
        Line::raw(truncate_end(&format!("Subject: {}", d.subject), room)),
        Line::styled("Once approved it is sent, once.", t.dim()),
        Line::from(vec![
            Span::styled("y", t.key()),
            Span::raw(" approve   "),
            Span::styled("n", t.key()),
            Span::raw(" cancel"),
        ]),
    ];
    frame.render_widget(Clear, rect);
    frame.render_widget(Paragraph::new(lines).block(block), rect);
}

fn draw_reason(
    view: &ApprovalsView,
    d: &Approval,
    input: &super::line_input::LineInput,
    frame: &mut Frame,
    area: Rect,
    ctx: &Ctx<'_>,
) {
    let t = ctx.theme;
    let rect = popup(area, 64, 5);
    let room = usize::from(rect.width).saturating_sub(4);
    let title = truncate_end(&format!(" Reject the draft to {} ", d.vendor), room);
    let block = Block::bordered().title(Span::styled(title, t.title()));
    let inner = block.inner(rect).inner(Margin::new(1, 0));
    frame.render_widget(Clear, rect);
    frame.render_widget(block, rect);
    let [field, note, keys] = Layout::vertical([Constraint::Length(1); 3]).areas(inner);
    let [label, text] =
        Layout::horizontal([Constraint::Length(8), Constraint::Min(0)]).areas(field);
    frame.render_widget(Span::styled("Reason", t.focus()), label);
    frame.render_widget(
        input.line(usize::from(text.width), true, "why, for the job's log", t),
        text,
    );
    let note_line = match view.reason_error() {
        Some(e) => Line::styled(truncate_end(e, room), t.error()),
        None => Line::styled("It is never sent; the reason is logged.", t.dim()),
    };
    frame.render_widget(note_line, note);
    frame.render_widget(
        Line::from(vec![
            Span::styled("Enter", t.key()),
            Span::raw(" reject   "),
            Span::styled("Esc", t.key()),
            Span::raw(" cancel"),
        ]),
        keys,
    );
}
