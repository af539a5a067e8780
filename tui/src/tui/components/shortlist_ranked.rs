//! The shortlist's first tab: one row per ranked entry, in order, with its
//! reason; then, under their own heading and dimmed with a ✗, the
//! exclusions with theirs. The selected row's reason is shown in full
//! (wrapped) under the table, with its prices, rate day, group and score.

use std::cell::Cell;

use procura_common::rank::ShortlistEntry;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{
    Block, Borders, HighlightSpacing, Padding, Paragraph, Row, Table, TableState,
};

use super::Ctx;
use crate::tui::format::{amount, money, truncate_end, wrap};

/// What the tab shows and where its cursor is.
pub struct Ranked<'a> {
    /// Ranked entries in order, then the exclusions.
    pub entries: &'a [ShortlistEntry],
    pub selected: usize,
    pub offset: &'a Cell<usize>,
    /// Rows that fit, for paging.
    pub page: &'a Cell<usize>,
}

/// The reason without what the columns already say: the `excluded: ` of
/// an exclusion; the `#1: ` of a ranked entry and its first clause when
/// that is only its price at its vendor (`150.00 GBP ≈ 190.50 USD at
/// Thames; …`). The detail under the table shows it whole.
pub fn short_reason(e: &ShortlistEntry) -> &str {
    let r = e.reason.as_str();
    if e.excluded {
        return r.strip_prefix("excluded: ").unwrap_or(r);
    }
    let r = match (e.position, r.split_once(": ")) {
        (Some(p), Some((head, rest))) if head == format!("#{p}") => rest,
        _ => r,
    };
    match r.split_once("; ") {
        Some((first, rest)) if first.ends_with(&format!(" at {}", e.product.vendor)) => rest,
        _ => r,
    }
}

/// `150.00 GBP`, and its compare price when it is in another currency.
fn prices(e: &ShortlistEntry) -> (String, String) {
    let p = &e.product;
    let price = money(p.price, p.currency.as_deref());
    let compare = e.compare_price.as_ref().map_or("—".to_string(), |m| {
        format!("{} {}", amount(m.amount), m.currency)
    });
    (price, compare)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Columns {
    pos: u16,
    title: u16,
    vendor: u16,
    price: u16,
    compare: u16,
    reason: u16,
}

/// The narrowest the reason gets before the original price goes.
const MIN_REASON: u16 = 24;

impl Columns {
    fn fit(width: u16, entries: &[ShortlistEntry]) -> Columns {
        let widest = |f: &dyn Fn(&ShortlistEntry) -> usize, min: u16, max: u16| -> u16 {
            let w = entries.iter().map(f).max().unwrap_or(0);
            u16::try_from(w).unwrap_or(u16::MAX).clamp(min, max)
        };
        let mut c = Columns {
            pos: 3,
            title: 0,
            vendor: widest(&|e| e.product.vendor.chars().count(), 6, 14),
            price: widest(&|e| prices(e).0.chars().count(), 5, 14),
            compare: widest(&|e| prices(e).1.chars().count(), 5, 14),
            reason: 0,
        };
        let titles = widest(
            &|e| {
                e.product
                    .title
                    .as_deref()
                    .unwrap_or("(untitled)")
                    .chars()
                    .count()
            },
            8,
            28,
        );
        let split = |c: &mut Columns| {
            let fixed = [c.pos, c.vendor, c.price, c.compare];
            let gaps = fixed.iter().filter(|w| **w > 0).count() as u16 + 1;
            let avail = width.saturating_sub(fixed.iter().sum::<u16>() + gaps);
            c.title = titles.min(u16::try_from(u32::from(avail) * 2 / 5).unwrap_or(avail));
            c.reason = avail - c.title;
        };
        split(&mut c);
        if c.reason < MIN_REASON {
            c.price = 0;
            split(&mut c);
        }
        c
    }
}

fn row<'a>(e: &ShortlistEntry, c: &Columns, ctx: &Ctx<'_>) -> Row<'a> {
    let t = ctx.theme;
    let (price, compare) = prices(e);
    let title = e.product.title.as_deref().unwrap_or("(untitled)");
    let cell = |s: &str, w: u16| truncate_end(s, usize::from(w));
    let (pos, text, reason) = if e.excluded {
        (Span::styled("✗", t.error()), t.dim(), t.warn())
    } else {
        let pos = e.position.map(|p| p.to_string()).unwrap_or_default();
        (Span::raw(pos), Style::new(), Style::new())
    };
    let mut cells = vec![
        Line::from(pos).right_aligned(),
        Line::styled(cell(title, c.title), text),
        Line::styled(cell(&e.product.vendor, c.vendor), text),
    ];
    if c.price > 0 {
        cells.push(Line::styled(price, text).right_aligned());
    }
    cells.push(Line::styled(compare, text).right_aligned());
    cells.push(Line::styled(cell(short_reason(e), c.reason), reason));
    Row::new(cells)
}

/// The selected entry: its whole reason, wrapped, and what it is.
fn detail(e: &ShortlistEntry, width: usize, ctx: &Ctx<'_>) -> Vec<Line<'static>> {
    let t = ctx.theme;
    let style = if e.excluded { t.warn() } else { t.ok() };
    let mut lines: Vec<Line> = wrap(&e.reason, width)
        .into_iter()
        .map(|l| Line::styled(l, style))
        .collect();
    let (price, compare) = prices(e);
    let mut facts = vec![e.product.vendor.clone(), format!("{price} ≈ {compare}")];
    if let Some(day) = e.rate_day {
        facts.push(format!("rate {}", day.format("%Y-%m-%d")));
    }
    if let Some(g) = e.group {
        facts.push(format!("group {g}"));
    }
    if !e.excluded {
        facts.push(format!("score {:.3}", e.score));
    }
    lines.push(Line::styled(
        truncate_end(&facts.join(" · "), width),
        t.dim(),
    ));
    lines
}

pub fn draw(frame: &mut Frame, area: Rect, ctx: &Ctx<'_>, view: &Ranked<'_>) {
    let t = ctx.theme;
    let entries = view.entries;
    // The detail's padding takes two columns.
    let width = usize::from(area.width.saturating_sub(2));
    let shown = entries.get(view.selected).map(|e| detail(e, width, ctx));
    let detail_height = shown
        .as_ref()
        .map_or(0, |l| u16::try_from(l.len() + 1).unwrap_or(u16::MAX))
        .min(area.height / 2);
    let [table_area, detail_area] =
        Layout::vertical([Constraint::Min(0), Constraint::Length(detail_height)]).areas(area);

    let cols = Columns::fit(table_area.width.saturating_sub(3), entries);
    let currency = entries
        .iter()
        .find_map(|e| e.compare_price.as_ref())
        .map_or("COMPARE".to_string(), |m| format!("≈ {}", m.currency));
    let mut header = vec![
        Line::raw("#").right_aligned(),
        Line::raw("TITLE"),
        Line::raw("VENDOR"),
    ];
    let mut widths = vec![
        Constraint::Length(cols.pos),
        Constraint::Length(cols.title),
        Constraint::Length(cols.vendor),
    ];
    if cols.price > 0 {
        header.push(Line::raw("PRICE").right_aligned());
        widths.push(Constraint::Length(cols.price));
    }
    header.push(Line::raw(currency).right_aligned());
    widths.push(Constraint::Length(cols.compare));
    header.push(Line::raw("REASON"));
    widths.push(Constraint::Length(cols.reason));

    let ranked = entries.iter().filter(|e| !e.excluded).count();
    let excluded = entries.len() - ranked;
    let mut rows: Vec<Row> = Vec::with_capacity(entries.len() + 1);
    for (i, e) in entries.iter().enumerate() {
        if i == ranked && excluded > 0 {
            rows.push(Row::new(vec![
                Line::raw(""),
                Line::styled(
                    format!("Excluded ({excluded})"),
                    t.warn().add_modifier(Modifier::BOLD),
                ),
            ]));
        }
        rows.push(row(e, &cols, ctx));
    }
    // The heading row sits before the first exclusion.
    let selected = view.selected + usize::from(view.selected >= ranked && excluded > 0);
    let table = Table::new(rows, widths)
        .header(Row::new(header).style(t.title()))
        .column_spacing(1)
        .row_highlight_style(t.selected())
        .highlight_symbol("› ")
        .highlight_spacing(HighlightSpacing::Always);
    view.page
        .set(usize::from(table_area.height.saturating_sub(1)).max(1));
    let mut state = TableState::default()
        .with_offset(view.offset.get())
        .with_selected(Some(selected));
    frame.render_stateful_widget(table, table_area, &mut state);
    view.offset.set(state.offset());

    if let (Some(lines), Some(e)) = (shown, entries.get(view.selected)) {
        let what = match e.position {
            Some(p) if !e.excluded => format!(" Why #{p} "),
            _ => " Why excluded ".to_string(),
        };
        let block = Block::new()
            .borders(Borders::TOP)
            .border_style(t.dim())
            .padding(Padding::horizontal(1))
            .title(Span::styled(what, t.title()));
        frame.render_widget(Paragraph::new(lines).block(block), detail_area);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::rank_fixtures::shortlist;

    #[test]
    fn reasons_lose_what_the_columns_say() {
        let list = shortlist();
        assert!(short_reason(&list.entries[0]).starts_with("meets 2 of 2 required specs;"));
        // A single clause naming the vendor is the reason itself.
        assert_eq!(short_reason(&list.entries[5]), "out of stock at chairmart");
        let mut other_vendor = list.entries[0].clone();
        other_vendor.product.vendor = "Canal".into();
        assert!(short_reason(&other_vendor).starts_with("150.00 GBP ≈ 190.50 USD at Thames;"));
        let mut odd = list.entries[1].clone();
        odd.reason = "#9: mismatched place".into();
        assert_eq!(short_reason(&odd), "#9: mismatched place");
    }

    #[test]
    fn the_price_column_goes_before_the_reason_gets_too_narrow() {
        let list = shortlist();
        let wide = Columns::fit(117, &list.entries);
        assert!(wide.price > 0 && wide.reason >= MIN_REASON, "{wide:?}");
        let narrow = Columns::fit(75, &list.entries);
        assert_eq!(narrow.price, 0, "{narrow:?}");
        // Tiny: no panic, nothing negative.
        let tiny = Columns::fit(5, &list.entries);
        assert_eq!((tiny.title, tiny.reason), (0, 0));
    }
}
