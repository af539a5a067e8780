//! A bar chart of prices by vendor: the cheapest compare price (the price
//! converted to the budget's currency) each vendor offers, cheapest first,
//! each bar labelled with the vendor and the amount.
//!
//! Bar lengths are whole cents (`u64`, as ratatui wants); the amounts
//! shown are the decimals themselves, never a float.

use procura_common::rank::{Money, ShortlistEntry};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Margin, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Bar, BarChart, Block, Paragraph, Wrap};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use super::Ctx;
use crate::tui::format::{amount, money, truncate_end};

/// The widest a vendor label gets.
const LABEL: usize = 16;

/// One bar: a vendor, its cheapest price, and which offer that is
/// (`#1 ErgoPro Mesh Task Chair, 150.00 GBP`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VendorPrice {
    pub vendor: String,
    pub price: Money,
    pub offer: String,
}

fn offer(e: &ShortlistEntry) -> String {
    let p = &e.product;
    let place = match e.position {
        Some(n) if !e.excluded => format!("#{n} "),
        _ => String::new(),
    };
    format!(
        "{place}{}, {}",
        p.title.as_deref().unwrap_or("(untitled)"),
        money(p.price, p.currency.as_deref())
    )
}

/// What the chart shows: one bar per vendor, cheapest first, and how many
/// offers were left out because their price is in another currency.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Bars {
    pub bars: Vec<VendorPrice>,
    pub other_currency: usize,
}

/// The cheapest compare price per vendor among `entries`, in the currency
/// of the first one that has a price. Entries without one are skipped.
pub fn cheapest_per_vendor<'a>(entries: impl IntoIterator<Item = &'a ShortlistEntry>) -> Bars {
    let mut out = Bars::default();
    let mut currency: Option<&str> = None;
    for e in entries {
        let Some(price) = &e.compare_price else {
            continue;
        };
        let cur = *currency.get_or_insert(price.currency.as_str());
        if price.currency != cur {
            out.other_currency += 1;
            continue;
        }
        match out.bars.iter_mut().find(|b| b.vendor == e.product.vendor) {
            Some(b) if price.amount < b.price.amount => {
                b.price = price.clone();
                b.offer = offer(e);
            }
            Some(_) => {}
            None => out.bars.push(VendorPrice {
                vendor: e.product.vendor.clone(),
                price: price.clone(),
                offer: offer(e),
            }),
        }
    }
    // Stable: vendors at the same price keep their order.
    out.bars.sort_by_key(|b| b.price.amount);
    out
}

/// Whole cents, for the bar's length.
fn cents(d: Decimal) -> u64 {
    (d * Decimal::ONE_HUNDRED).round().to_u64().unwrap_or(0)
}

/// Draws `bars` into `area` in a block titled `title`; says so when there
/// is nothing to chart.
pub fn draw(frame: &mut Frame, area: Rect, ctx: &Ctx<'_>, bars: &Bars, title: &str) {
    let t = ctx.theme;
    let currency = bars.bars.first().map(|b| b.price.currency.as_str());
    let heading = match currency {
        Some(c) => format!(" {title} · cheapest per vendor, in {c} "),
        None => format!(" {title} "),
    };
    let mut block = Block::bordered().title(Span::styled(heading, t.title()));
    if bars.other_currency > 0 {
        block = block.title_bottom(
            Line::styled(
                format!(" {} in other currencies not charted ", bars.other_currency),
                t.dim(),
            )
            .right_aligned(),
        );
    }
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if bars.bars.is_empty() {
        let p =
            Paragraph::new(Line::styled("No prices to chart.", t.dim())).wrap(Wrap { trim: true });
        frame.render_widget(p, inner);
        return;
    }
    // A blank row between bars when they all fit with one.
    let rows = bars.bars.len().saturating_mul(2).saturating_sub(1);
    let gap = u16::from(rows <= usize::from(inner.height));
    let items: Vec<Bar> = bars
        .bars
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let mut text = format!("{} {}", amount(b.price.amount), b.price.currency);
            let mut bar = Bar::with_label(
                Line::raw(truncate_end(&b.vendor, LABEL)),
                cents(b.price.amount),
            );
            if i == 0 {
                text.push_str(" ★ cheapest");
                bar = bar.style(t.ok());
            }
            bar.text_value(format!(" {text} "))
        })
        .collect();
    let chart = BarChart::horizontal(items)
        .bar_gap(gap)
        .bar_style(t.dim())
        .value_style(t.selected())
        .label_style(t.title());
    frame.render_widget(chart, inner);
}

/// The rows [`draw`] needs: a bar and a gap per vendor, and the borders.
pub fn chart_height(bars: &Bars) -> u16 {
    let rows = bars.bars.len().max(1).saturating_mul(2).saturating_add(1);
    u16::try_from(rows).unwrap_or(u16::MAX)
}

/// [`draw`] as tall as the bars need, and under it which offer each
/// vendor's bar is.
pub fn draw_with_offers(frame: &mut Frame, area: Rect, ctx: &Ctx<'_>, bars: &Bars, title: &str) {
    let t = ctx.theme;
    let height = chart_height(bars);
    let [chart, _, rest] = Layout::vertical([
        Constraint::Length(height.min(area.height)),
        Constraint::Length(1),
        Constraint::Min(0),
    ])
    .areas(area);
    draw(frame, chart, ctx, bars, title);
    if bars.bars.is_empty() {
        return;
    }
    let label = bars
        .bars
        .iter()
        .map(|b| b.vendor.chars().count().min(LABEL))
        .max()
        .unwrap_or(0);
    let mut lines = vec![Line::styled("The offer behind each bar", t.title())];
    for b in &bars.bars {
        lines.push(Line::from(vec![
            Span::raw(format!("{:<label$}  ", truncate_end(&b.vendor, LABEL))),
            Span::styled(b.offer.clone(), t.dim()),
        ]));
    }
    frame.render_widget(Paragraph::new(lines), rest.inner(Margin::new(1, 0)));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::rank_fixtures::shortlist;

    #[test]
    fn the_cheapest_offer_of_each_vendor_cheapest_first() {
        let list = shortlist();
        let bars = cheapest_per_vendor(list.entries.iter().filter(|e| !e.excluded));
        let shown: Vec<(&str, String)> = bars
            .bars
            .iter()
            .map(|b| (b.vendor.as_str(), b.price.to_string()))
            .collect();
        assert_eq!(
            shown,
            vec![
                ("Thames", "190.50 USD".to_string()),
                ("Northwind", "200.00 USD".to_string()),
                ("Bürokontor", "205.20 USD".to_string()),
            ]
        );
        assert_eq!(bars.other_currency, 0);
        assert_eq!(bars.bars[0].offer, "#1 ErgoPro Mesh Task Chair, 150.00 GBP");
        // Northwind's cheaper offer is #2, not #5.
        assert_eq!(bars.bars[1].offer, "#2 Kontura Mesh Chair, 200.00 USD");
    }

    #[test]
    fn other_currencies_and_missing_prices_are_left_out() {
        let mut list = shortlist();
        list.entries[1].compare_price = Some(Money {
            amount: Decimal::new(1, 0),
            currency: "EUR".into(),
        });
        list.entries[2].compare_price = None;
        let bars = cheapest_per_vendor(&list.entries);
        assert_eq!(bars.other_currency, 1);
        assert!(bars.bars.iter().all(|b| b.price.currency == "USD"));
        // Excluded entries count when they are given: chairmart's 89.99.
        assert_eq!(bars.bars[0].vendor, "chairmart");
        assert_eq!(cents(Decimal::new(17250, 2)), 17250);
        assert_eq!(cents(Decimal::new(-5, 0)), 0);
        assert_eq!(cents(Decimal::new(1, 3)), 0);
    }
}
