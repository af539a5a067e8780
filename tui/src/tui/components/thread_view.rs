//! Drawing the negotiations: the list, one thread open with its messages
//! and the offers read from the replies, and the prompts over either
//! (accept, decline, export, overwrite; the counter form draws itself).

use procura_common::negotiation::{NegotiationState, Offer, Thread, ThreadMessage};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Margin, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Padding, Paragraph, Row, Table, Wrap};

use super::Ctx;
use super::draft_view::popup;
use super::line_input::LineInput;
use super::negotiations_view::{Mode, NegotiationsView};
use super::text_editor::rows;
use crate::tui::format::{age, amount, money, short_id, truncate_end, wrap};
use crate::tui::theme::Theme;

/// The offer of the latest reply that had one.
pub fn latest_offer(t: &Thread) -> Option<&Offer> {
    t.messages.iter().rev().find_map(|m| m.offer.as_ref())
}

/// An offer's terms in a line: `249.00 USD per unit · 5% off · 12 units ·
/// delivery by 2025-02-20`; a term the reply did not state is left out.
pub fn offer_terms(o: &Offer) -> String {
    let mut terms = vec![match o.unit_price {
        Some(p) => format!("{} per unit", money(Some(p), o.currency.as_deref())),
        None => "no unit price stated".into(),
    }];
    if let Some(d) = o.discount_percent {
        terms.push(format!("{}% off", d.normalize()));
    }
    if let Some(q) = o.quantity {
        terms.push(format!("{q} unit{}", if q == 1 { "" } else { "s" }));
    }
    if let Some(d) = o.delivery_date {
        terms.push(format!("delivery by {d}"));
    }
    terms.join(" · ")
}

/// An offer for the list: price and discount.
fn offer_short(o: &Offer) -> String {
    let price = match o.unit_price {
        Some(p) => money(Some(p), o.currency.as_deref()),
        None => "no price".into(),
    };
    match o.discount_percent {
        Some(d) => format!("{price} −{}%", d.normalize()),
        None => price,
    }
}

fn state_style(t: Theme, s: NegotiationState) -> Style {
    use NegotiationState::*;
    match s {
        Replied => t.focus(),
        Accepted | Ordered => t.ok(),
        Rejected | Declined => t.dim(),
        Drafted | AwaitingApproval | Countered => t.warn(),
        Approved | Sending | Sent => Style::new(),
    }
}

fn status_style(t: Theme, status: &str) -> Style {
    match status {
        "failed" | "unknown" => t.error(),
        "draft" | "approved" | "sending" => t.warn(),
        "rejected" => t.dim(),
        _ => t.ok(),
    }
}

fn arrow(m: &ThreadMessage) -> &'static str {
    if m.direction == "inbound" {
        "←"
    } else {
        "→"
    }
}

pub fn draw(view: &NegotiationsView, frame: &mut Frame, area: Rect, ctx: &Ctx<'_>) {
    let over_thread = !matches!(view.mode(), Mode::List)
        && view.current().is_some()
        && (matches!(view.mode(), Mode::Thread) || view.from_open());
    if over_thread {
        draw_thread(view, frame, area, ctx);
    } else {
        draw_list(view, frame, area, ctx);
    }
    if let Mode::Overwrite(export) = view.mode() {
        let path = crate::tui::sanitize::sanitize(&export.path.display().to_string());
        let room = usize::from(area.width.min(70)).saturating_sub(4);
        let lines = vec![
            Line::raw(crate::tui::format::truncate_start(&path, room)),
            Line::raw(format!(
                "is there already. Write {} over it?",
                export.number
            )),
            Line::styled("What the file holds now is lost.", ctx.theme.dim()),
            yes_no_line(ctx.theme, "overwrite"),
        ];
        return prompt_box(frame, area, ctx, " Overwrite the file? ", lines);
    }
    let Some(thread) = view.current() else {
        return;
    };
    match view.mode() {
        Mode::Accept => draw_accept(thread, frame, area, ctx),
        Mode::Counter(form) => form.draw(frame, area, ctx),
        Mode::Decline(input) => {
            let title = format!(" Decline the offer of {} ", thread.vendor);
            let prompt = LinePrompt {
                title: &title,
                label: "Reason",
                input,
                placeholder: "why, for the job's log",
                note: "No email is sent; the reason goes in the job's log.",
                verb: "decline",
            };
            prompt.draw(view.prompt_error(), frame, area, ctx);
        }
        Mode::Export(input) => {
            let number = thread.purchase_order.as_ref().map_or("", |p| &p.number);
            let title = format!(" Export {number} as PDF ");
            let prompt = LinePrompt {
                title: &title,
                label: "File",
                input,
                placeholder: "where to write it",
                note: "A relative path starts in the directory procura was started in.",
                verb: "export",
            };
            prompt.draw(view.prompt_error(), frame, area, ctx);
        }
        Mode::List | Mode::Thread | Mode::Overwrite(_) => {}
    }
}

fn draw_list(view: &NegotiationsView, frame: &mut Frame, area: Rect, ctx: &Ctx<'_>) {
    let t = ctx.theme;
    let threads = view.threads();
    let whose = match view.job() {
        Some(id) => format!(" Negotiations of job {} ", short_id(id)),
        None => " Negotiations ".into(),
    };
    let mut block = Block::bordered().title(Line::from(vec![
        Span::styled(whose, t.title()),
        Span::raw(format!("({}) ", threads.len())),
    ]));
    if let (Some(e), true) = (view.error(), view.is_loaded()) {
        let e = truncate_end(e, usize::from(area.width).saturating_sub(4));
        block = block.title_bottom(Line::styled(format!(" {e} "), t.error()));
    }
    if threads.is_empty() {
        let line = match (view.error(), view.is_loaded()) {
            (Some(e), false) => {
                Line::styled(format!("Could not list the negotiations: {e}"), t.error())
            }
            (None, false) => Line::styled("Loading the negotiations…", t.dim()),
            (_, true) => Line::styled(
                "No negotiations yet. A job with negotiation on drafts an email to each of \
                 its best vendors; once approved, its thread shows here with the replies \
                 and the offers read from them.",
                t.dim(),
            ),
        };
        let p = Paragraph::new(line).wrap(Wrap { trim: true });
        frame.render_widget(block.clone(), area);
        frame.render_widget(p, block.inner(area).inner(Margin::new(1, 0)));
        return;
    }
    let state_width = threads
        .iter()
        .map(|th| th.state.to_string().chars().count())
        .max()
        .unwrap_or(0)
        .max(5);
    let po_width = threads
        .iter()
        .filter_map(|th| th.purchase_order.as_ref())
        .map(|p| p.number.chars().count().min(12))
        .max()
        .unwrap_or(0)
        .max(2);
    let offers: Vec<String> = threads
        .iter()
        .map(|th| latest_offer(th).map_or("—".into(), offer_short))
        .collect();
    let offer_width = offers
        .iter()
        .map(|o| o.chars().count().min(16))
        .max()
        .unwrap_or(0)
        .max(5);
    let widths = [
        Constraint::Length(14),
        Constraint::Length(state_width as u16),
        Constraint::Length(offer_width as u16),
        Constraint::Length(po_width as u16),
        Constraint::Fill(1),
    ];
    let header = Row::new(["VENDOR", "STATE", "OFFER", "PO", "LAST MESSAGE"]).style(t.title());
    let rows: Vec<Row> = threads
        .iter()
        .zip(offers)
        .map(|(th, offer)| {
            let po = th
                .purchase_order
                .as_ref()
                .map_or("—".into(), |p| truncate_end(&p.number, 12));
            let last = match th.messages.last() {
                Some(m) => Line::from(vec![
                    Span::raw(format!("{} ", arrow(m))),
                    Span::styled(format!("{} ", age(ctx.now, m.created_at)), t.dim()),
                    Span::raw(m.subject.clone()),
                ]),
                None => Line::styled("no messages", t.dim()),
            };
            Row::new(vec![
                Line::raw(truncate_end(&th.vendor, 14)),
                Line::styled(th.state.to_string(), state_style(t, th.state)),
                Line::raw(truncate_end(&offer, 16)),
                Line::raw(po),
                last,
            ])
        })
        .collect();
    let table = Table::new(rows, widths).header(header).block(block);
    // Borders and the header take three rows.
    view.measured(0, usize::from(area.height.saturating_sub(3)));
    let selected = threads
        .iter()
        .position(|th| Some(th.negotiation_id) == view.selected().map(|s| s.negotiation_id));
    super::render_list_table(frame, area, table, t, selected, &view.offset);
}

/// The thread's fields, one a line: label, then value.
fn fields(view: &NegotiationsView, th: &Thread, ctx: &Ctx<'_>, width: usize) -> Vec<Line<'static>> {
    let t = ctx.theme;
    let room = width.saturating_sub(9);
    let label = |l: &str| Span::styled(format!("{l:<9}"), t.dim());
    let address = th
        .messages
        .iter()
        .find(|m| m.direction != "inbound")
        .and_then(|m| m.counterpart.clone());
    let vendor = match address {
        Some(a) => format!("{} <{a}>", th.vendor),
        None => th.vendor.clone(),
    };
    let job = match view.job_name(th.job_id) {
        Some(name) => format!("{} · {name}", short_id(th.job_id)),
        None => short_id(th.job_id),
    };
    let count = match th.messages.len() {
        1 => "1 message".to_string(),
        n => format!("{n} messages"),
    };
    let mut state = vec![
        label("State"),
        Span::styled(th.state.to_string(), state_style(t, th.state)),
        Span::raw(format!(" · {count}")),
    ];
    if th.state == NegotiationState::Replied {
        state.push(Span::styled(
            " · a accept, c counter, d decline".to_string(),
            t.dim(),
        ));
    }
    let offer = match latest_offer(th) {
        Some(o) => Line::from(vec![
            label("Offer"),
            Span::styled(truncate_end(&offer_terms(o), room), t.title()),
        ]),
        None => Line::from(vec![label("Offer"), Span::styled("none read yet", t.dim())]),
    };
    let mut lines = vec![
        Line::from(vec![
            label("Vendor"),
            Span::raw(truncate_end(&vendor, room)),
        ]),
        Line::from(vec![label("Job"), Span::raw(truncate_end(&job, room))]),
        Line::from(state),
        offer,
    ];
    if let Some(po) = &th.purchase_order {
        let text = format!(
            "{} · {} {} · drawn up {} ago",
            po.number,
            amount(po.total),
            po.currency,
            age(ctx.now, po.created_at)
        );
        lines.push(Line::from(vec![
            label("Order"),
            Span::styled(truncate_end(&text, room), t.ok()),
            Span::styled(" · x exports the PDF", t.dim()),
        ]));
    }
    lines
}

/// The messages in order, each a header, its subject, the offer read
/// from it, its attachment and its body wrapped at `width`.
fn transcript(th: &Thread, ctx: &Ctx<'_>, width: usize) -> Vec<Line<'static>> {
    let t = ctx.theme;
    let width = width.max(3);
    let inner = width - 2;
    let mut out = Vec::new();
    for (i, m) in th.messages.iter().enumerate() {
        if i > 0 {
            out.push(Line::raw(""));
        }
        let whom = match (&m.counterpart, m.direction == "inbound") {
            (Some(c), true) => format!(" · from {c}"),
            (Some(c), false) => format!(" · to {c}"),
            (None, _) => String::new(),
        };
        let rest = format!(" · {} ago{whom}", age(ctx.now, m.created_at));
        let room = width.saturating_sub(3 + m.status.chars().count());
        out.push(Line::from(vec![
            Span::styled(format!("{} ", arrow(m)), t.title()),
            Span::styled(m.status.clone(), status_style(t, &m.status)),
            Span::styled(truncate_end(&rest, room), t.dim()),
        ]));
        out.push(Line::from(vec![
            Span::raw("  "),
            Span::styled(truncate_end(&m.subject, inner), t.title()),
        ]));
        if let Some(o) = &m.offer {
            let text = format!("Offer read by {}: {}", o.read_by, offer_terms(o));
            // Continued rows are indented under the offer's first word.
            for (n, row) in wrap(&text, inner.saturating_sub(2)).into_iter().enumerate() {
                let pad = if n == 0 { "  " } else { "    " };
                out.push(Line::styled(format!("{pad}{row}"), t.ok()));
            }
        }
        if let Some(a) = &m.attachment {
            out.push(Line::styled(
                truncate_end(&format!("  Attachment: {a}"), width),
                t.dim(),
            ));
        }
        for line in m.body.trim_end().split('\n') {
            let chars: Vec<char> = line.chars().collect();
            for (a, b) in rows(line, inner) {
                let row: String = chars.get(a..b).unwrap_or_default().iter().collect();
                out.push(Line::raw(format!("  {row}")));
            }
        }
    }
    out
}

fn draw_thread(view: &NegotiationsView, frame: &mut Frame, area: Rect, ctx: &Ctx<'_>) {
    let t = ctx.theme;
    let Some(th) = view.current() else {
        return draw_list(view, frame, area, ctx);
    };
    let block = Block::bordered().title(Line::from(vec![
        Span::styled(" Negotiation ", t.title()),
        Span::raw(format!("with {} ", truncate_end(&th.vendor, 40))),
    ]));
    let inner = block.inner(area).inner(Margin::new(1, 0));
    frame.render_widget(block, area);
    let fields = fields(view, th, ctx, usize::from(inner.width));
    let [head, rule, body] = Layout::vertical([
        Constraint::Length(fields.len() as u16),
        Constraint::Length(1),
        Constraint::Min(0),
    ])
    .areas(inner);
    frame.render_widget(Paragraph::new(fields), head);
    let lines = transcript(th, ctx, usize::from(body.width));
    let page = usize::from(body.height);
    view.measured(lines.len(), page);
    let top = view.scroll().get();
    let shown = if lines.len() > page {
        format!(
            " lines {}–{} of {} ",
            top + 1,
            (top + page).min(lines.len()),
            lines.len()
        )
    } else {
        String::new()
    };
    let dashes = usize::from(rule.width).saturating_sub(7 + shown.chars().count());
    frame.render_widget(
        Line::from(vec![
            Span::styled("Thread ", t.title()),
            Span::styled("─".repeat(dashes), t.dim()),
            Span::styled(shown, t.dim()),
        ]),
        rule,
    );
    let lines: Vec<Line> = lines.into_iter().skip(top).take(page).collect();
    frame.render_widget(Paragraph::new(lines), body);
}

/// `y verb   n cancel`.
pub(super) fn yes_no_line(t: Theme, verb: &'static str) -> Line<'static> {
    Line::from(vec![
        Span::styled("y", t.key()),
        Span::raw(format!(" {verb}   ")),
        Span::styled("n", t.key()),
        Span::raw(" cancel"),
    ])
}

/// A question in a box in the middle of `area`, its lines cut to fit.
pub(super) fn prompt_box(
    frame: &mut Frame,
    area: Rect,
    ctx: &Ctx<'_>,
    title: &str,
    lines: Vec<Line<'static>>,
) {
    let rect = popup(area, 70, lines.len() as u16 + 2);
    let room = usize::from(rect.width).saturating_sub(4);
    let block = Block::bordered()
        .title(Span::styled(truncate_end(title, room), ctx.theme.title()))
        .padding(Padding::horizontal(1));
    frame.render_widget(Clear, rect);
    frame.render_widget(Paragraph::new(lines).block(block), rect);
}

fn draw_accept(th: &Thread, frame: &mut Frame, area: Rect, ctx: &Ctx<'_>) {
    let t = ctx.theme;
    let terms = match latest_offer(th) {
        Some(o) => Line::styled(offer_terms(o), t.title()),
        None => Line::styled("No terms were read from the reply.", t.warn()),
    };
    let lines = vec![
        terms,
        Line::raw("A purchase order is drawn up; its email to the vendor"),
        Line::raw("waits for approval in the approvals inbox."),
        yes_no_line(t, "accept"),
    ];
    let title = format!(" Accept the offer of {}? ", th.vendor);
    prompt_box(frame, area, ctx, &title, lines);
}

/// A line typed in a box: the reason to decline, the file to export to.
struct LinePrompt<'a> {
    title: &'a str,
    label: &'static str,
    input: &'a LineInput,
    placeholder: &'static str,
    /// What it does, shown until something is refused.
    note: &'static str,
    verb: &'static str,
}

impl LinePrompt<'_> {
    fn draw(&self, error: Option<&str>, frame: &mut Frame, area: Rect, ctx: &Ctx<'_>) {
        let t = ctx.theme;
        let rect = popup(area, 70, 5);
        let room = usize::from(rect.width).saturating_sub(4);
        let block =
            Block::bordered().title(Span::styled(truncate_end(self.title, room), t.title()));
        let inner = block.inner(rect).inner(Margin::new(1, 0));
        frame.render_widget(Clear, rect);
        frame.render_widget(block, rect);
        let [field, note, keys] = Layout::vertical([Constraint::Length(1); 3]).areas(inner);
        let [label, text] =
            Layout::horizontal([Constraint::Length(8), Constraint::Min(0)]).areas(field);
        frame.render_widget(Span::styled(self.label, t.focus()), label);
        frame.render_widget(
            self.input
                .line(usize::from(text.width), true, self.placeholder, t),
            text,
        );
        let note_line = match error {
            Some(e) => Line::styled(truncate_end(e, room), t.error()),
            None => Line::styled(truncate_end(self.note, room), t.dim()),
        };
        frame.render_widget(note_line, note);
        frame.render_widget(
            Line::from(vec![
                Span::styled("Enter", t.key()),
                Span::raw(format!(" {}   ", self.verb)),
                Span::styled("Esc", t.key()),
                Span::raw(" cancel"),
            ]),
            keys,
        );
    }
}
