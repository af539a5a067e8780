//! The rows of a find's answer: title, vendor, price, the price in the
//! currency asked for, availability and score. Columns give way, least
//! useful first, when the terminal is narrow.

use procura_common::rank::Found;
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Line;
use ratatui::widgets::{HighlightSpacing, Row, Table, TableState};

use super::Ctx;
use crate::tui::format::{amount, availability, money, truncate_end};

/// The narrowest the title gets before other columns are dropped.
const MIN_TITLE: u16 = 20;

/// One row's text.
pub struct Cells {
    title: String,
    vendor: String,
    price: String,
    converted: String,
    stock: String,
    in_stock: Option<bool>,
    score: String,
}

impl Cells {
    pub fn of(f: &Found) -> Cells {
        let p = &f.product;
        let (stock, in_stock) = p
            .availability
            .as_deref()
            .map_or(("—".to_string(), None), availability);
        Cells {
            title: p.title.clone().unwrap_or_else(|| "(untitled)".into()),
            vendor: p.vendor.clone(),
            price: money(p.price, p.currency.as_deref()),
            converted: f.converted.as_ref().map_or("—".into(), |m| {
                format!("{} {}", amount(m.amount), m.currency)
            }),
            stock,
            in_stock,
            score: format!("{:.3}", f.score),
        }
    }
}

/// Column widths; 0 for a column dropped for lack of room.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Columns {
    pub title: u16,
    pub vendor: u16,
    pub price: u16,
    pub converted: u16,
    pub stock: u16,
    pub score: u16,
}

impl Columns {
    /// Fits the columns into `width` cells, the title taking what is left;
    /// while it would be narrower than [`MIN_TITLE`], availability goes,
    /// then the score, then the vendor narrows.
    pub fn fit(width: u16, rows: &[Cells]) -> Columns {
        let widest = |f: &dyn Fn(&Cells) -> usize, min: u16, max: u16| -> u16 {
            let w = rows.iter().map(f).max().unwrap_or(0);
            u16::try_from(w).unwrap_or(u16::MAX).clamp(min, max)
        };
        let mut c = Columns {
            title: 0,
            vendor: widest(&|c| c.vendor.chars().count(), 6, 16),
            price: widest(&|c| c.price.chars().count(), 5, 16),
            converted: widest(&|c| c.converted.chars().count(), 9, 16),
            stock: widest(&|c| c.stock.chars().count(), 5, 10),
            score: 5,
        };
        let title = |c: &Columns| {
            let others = [c.vendor, c.price, c.converted, c.stock, c.score];
            let shown = others.iter().filter(|w| **w > 0).count() as u16;
            width.saturating_sub(others.iter().sum::<u16>() + shown)
        };
        for drop in [
            |c: &mut Columns| c.stock = 0,
            |c: &mut Columns| c.score = 0,
            |c: &mut Columns| c.vendor = c.vendor.min(10),
        ] {
            if title(&c) >= MIN_TITLE {
                break;
            }
            drop(&mut c);
        }
        c.title = title(&c);
        c
    }
}

/// Draws `found` into `area` with `selected` highlighted; `converted` is
/// the heading of the converted prices. Returns the first row shown (to
/// keep the scroll position between draws).
pub fn draw(
    frame: &mut Frame,
    area: Rect,
    ctx: &Ctx<'_>,
    found: &[Found],
    selected: usize,
    offset: usize,
    converted: &str,
) -> usize {
    let t = ctx.theme;
    let rows: Vec<Cells> = found.iter().map(Cells::of).collect();
    // The highlight symbol and a space at the right edge.
    let cols = Columns::fit(area.width.saturating_sub(3), &rows);
    let mut header = vec![
        Line::raw("TITLE"),
        Line::raw("VENDOR"),
        Line::raw("PRICE").right_aligned(),
        Line::raw(converted.to_string()).right_aligned(),
    ];
    let mut widths = vec![
        Constraint::Length(cols.title),
        Constraint::Length(cols.vendor),
        Constraint::Length(cols.price),
        Constraint::Length(cols.converted),
    ];
    if cols.stock > 0 {
        header.push(Line::raw("STOCK"));
        widths.push(Constraint::Length(cols.stock));
    }
    if cols.score > 0 {
        header.push(Line::raw("SCORE").right_aligned());
        widths.push(Constraint::Length(cols.score));
    }
    let table_rows: Vec<Row> = rows
        .iter()
        .map(|c| {
            let mut cells = vec![
                Line::raw(truncate_end(&c.title, usize::from(cols.title))),
                Line::raw(truncate_end(&c.vendor, usize::from(cols.vendor))),
                Line::raw(c.price.clone()).right_aligned(),
                Line::raw(c.converted.clone()).right_aligned(),
            ];
            if cols.stock > 0 {
                let style = match c.in_stock {
                    Some(true) => t.ok(),
                    Some(false) => t.warn(),
                    None => t.dim(),
                };
                cells.push(Line::styled(c.stock.clone(), style));
            }
            if cols.score > 0 {
                cells.push(Line::styled(c.score.clone(), t.dim()).right_aligned());
            }
            Row::new(cells)
        })
        .collect();
    let table = Table::new(table_rows, widths)
        .header(Row::new(header).style(t.title()))
        .column_spacing(1)
        .row_highlight_style(t.selected())
        .highlight_symbol("› ")
        .highlight_spacing(HighlightSpacing::Always);
    let mut state = TableState::default()
        .with_offset(offset)
        .with_selected(Some(selected));
    frame.render_stateful_widget(table, area, &mut state);
    state.offset()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::test_support::chair_products;

    fn found() -> Vec<Found> {
        chair_products()
            .into_iter()
            .map(|product| Found {
                product,
                score: 0.5,
                converted: None,
            })
            .collect()
    }

    #[test]
    fn columns_give_way_to_the_title() {
        let rows: Vec<Cells> = found().iter().map(Cells::of).collect();
        let wide = Columns::fit(117, &rows);
        assert!(wide.stock > 0 && wide.score > 0 && wide.title >= MIN_TITLE);
        let narrow = Columns::fit(57, &rows);
        assert_eq!((narrow.stock, narrow.score), (0, 0));
        assert!(narrow.vendor <= 10);
        // Never wider than given: the title takes exactly what is left.
        for w in [60, 77, 117] {
            let c = Columns::fit(w, &rows);
            let others = [c.vendor, c.price, c.converted, c.stock, c.score];
            let gaps = others.iter().filter(|w| **w > 0).count() as u16;
            assert_eq!(c.title + others.iter().sum::<u16>() + gaps, w, "{c:?}");
        }
    }

    #[test]
    fn missing_prices_read_as_a_dash() {
        let f = found();
        let last = Cells::of(&f[6]);
        assert_eq!((last.price.as_str(), last.converted.as_str()), ("—", "—"));
    }
}
