//! The shortlist's groups tab: each cross-vendor group (the same item at
//! several vendors) with why it is one item, its cheapest offer marked
//! ★ and highlighted, then its other offers with how much more each costs;
//! under the list, a price chart of the selected group by vendor.

use std::cell::Cell;

use procura_common::rank::{ProductGroup, Shortlist, ShortlistEntry};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{Ctx, price_chart};
use crate::tui::format::{amount, money, truncate_end};

/// The group's offers as the daemon listed them (cheapest first), those
/// not in the shortlist skipped.
pub fn members<'a>(list: &'a Shortlist, g: &ProductGroup) -> Vec<&'a ShortlistEntry> {
    g.products
        .iter()
        .filter_map(|id| list.entries.iter().find(|e| e.product.id == *id))
        .collect()
}

/// Which of `members` is the cheapest offer to highlight: the lowest
/// compare price among those not excluded (among all when every one is),
/// the first listed on a tie or when none has a price.
pub fn cheapest(members: &[&ShortlistEntry]) -> Option<usize> {
    let priced = |keep: &dyn Fn(&ShortlistEntry) -> bool| {
        members
            .iter()
            .enumerate()
            .filter(|(_, e)| keep(e))
            .filter_map(|(i, e)| e.compare_price.as_ref().map(|m| (m.amount, i)))
            .min()
            .map(|(_, i)| i)
    };
    priced(&|e| !e.excluded)
        .or_else(|| priced(&|_| true))
        .or((!members.is_empty()).then_some(0))
}

/// Widths of the vendor, price and compare columns over every group.
struct Widths {
    vendor: usize,
    price: usize,
    compare: usize,
}

fn compare_text(e: &ShortlistEntry) -> String {
    e.compare_price.as_ref().map_or("—".to_string(), |m| {
        format!("{} {}", amount(m.amount), m.currency)
    })
}

fn price_text(e: &ShortlistEntry) -> String {
    money(e.product.price, e.product.currency.as_deref())
}

fn offer_line(
    e: &ShortlistEntry,
    best: Option<&ShortlistEntry>,
    is_best: bool,
    w: &Widths,
    width: usize,
    ctx: &Ctx<'_>,
) -> Line<'static> {
    let t = ctx.theme;
    let (marker, style) = if is_best {
        ("  ★ cheapest ", t.ok())
    } else if e.excluded {
        ("  ✗ excluded ", t.dim())
    } else {
        ("             ", Style::new())
    };
    let place = match e.position {
        Some(p) if !e.excluded => format!("#{p}"),
        _ => "—".to_string(),
    };
    let text = format!(
        "{marker}{:<vw$}  {:>pw$} ≈ {:>cw$}  {place:<3} {}",
        truncate_end(&e.product.vendor, w.vendor),
        price_text(e),
        compare_text(e),
        e.product.title.as_deref().unwrap_or("(untitled)"),
        vw = w.vendor,
        pw = w.price,
        cw = w.compare,
    );
    let more = match (
        is_best,
        e.compare_price.as_ref(),
        best.and_then(|b| b.compare_price.as_ref()),
    ) {
        (false, Some(m), Some(b)) if m.currency == b.currency && m.amount > b.amount => {
            format!("  +{} {}", amount(m.amount - b.amount), m.currency)
        }
        _ => String::new(),
    };
    let room = width.saturating_sub(more.chars().count());
    let text = truncate_end(&text, room);
    let more = truncate_end(&more, width.saturating_sub(text.chars().count()));
    let style = if is_best {
        style.patch(t.title())
    } else {
        style
    };
    Line::from(vec![
        Span::styled(text, style),
        Span::styled(more, t.warn()),
    ])
}

/// Every group's lines, and where each group starts and how many lines
/// it takes.
fn lines(
    list: &Shortlist,
    selected: usize,
    width: usize,
    ctx: &Ctx<'_>,
) -> (Vec<Line<'static>>, Vec<(usize, usize)>) {
    let t = ctx.theme;
    let all: Vec<&ShortlistEntry> = list.groups.iter().flat_map(|g| members(list, g)).collect();
    let widest = |f: &dyn Fn(&ShortlistEntry) -> usize, max: usize| {
        all.iter().map(|e| f(e)).max().unwrap_or(0).min(max)
    };
    let w = Widths {
        vendor: widest(&|e| e.product.vendor.chars().count(), 16),
        price: widest(&|e| price_text(e).chars().count(), 16),
        compare: widest(&|e| compare_text(e).chars().count(), 16),
    };
    let mut out = Vec::new();
    let mut spans = Vec::new();
    for (i, g) in list.groups.iter().enumerate() {
        if i > 0 {
            out.push(Line::raw(""));
        }
        let start = out.len();
        let members = members(list, g);
        let best = cheapest(&members);
        let mut head = format!("Group {} · {} offers", g.group, members.len());
        if !g.why.is_empty() {
            head.push_str(&format!(" · {}", g.why));
        }
        if let Some(b) = best.and_then(|b| members.get(b)) {
            head.push_str(&format!(" · cheapest at {}", b.product.vendor));
        }
        let head = truncate_end(&head, width.saturating_sub(2));
        out.push(if i == selected {
            Line::styled(format!("› {head}"), t.selected().patch(t.title()))
        } else {
            Line::styled(format!("  {head}"), t.title())
        });
        let best_entry = best.and_then(|b| members.get(b).copied());
        // The cheapest first, then the rest in the daemon's order.
        let order = best
            .into_iter()
            .chain((0..members.len()).filter(|i| Some(*i) != best));
        for m in order {
            out.push(offer_line(
                members[m],
                best_entry,
                Some(m) == best,
                &w,
                width,
                ctx,
            ));
        }
        spans.push((start, out.len() - start));
    }
    (out, spans)
}

/// Draws the groups into `area`, `selected` highlighted and in view (`top`
/// is the first line shown, kept between draws), and the selected group's
/// price chart under them.
pub fn draw(
    frame: &mut Frame,
    area: Rect,
    ctx: &Ctx<'_>,
    list: &Shortlist,
    selected: usize,
    top: &Cell<usize>,
    page: &Cell<usize>,
) {
    let group = list.groups.get(selected);
    let group_members = group.map(|g| members(list, g)).unwrap_or_default();
    let bars =
        price_chart::cheapest_per_vendor(group_members.iter().copied().filter(|e| !e.excluded));
    let chart_height = price_chart::chart_height(&bars).min(area.height / 2);
    let [list_area, _, chart_area] = Layout::vertical([
        Constraint::Min(0),
        Constraint::Length(u16::from(chart_height > 0)),
        Constraint::Length(chart_height),
    ])
    .areas(area);
    let (lines, spans) = lines(list, selected, usize::from(list_area.width), ctx);
    let height = usize::from(list_area.height).max(1);
    // A page of groups: as many as fit, on average.
    page.set((height * spans.len() / lines.len().max(1)).max(1));
    let mut first = top.get();
    if let Some(&(start, len)) = spans.get(selected) {
        if start < first {
            first = start;
        } else if start + len > first + height {
            first = (start + len).saturating_sub(height).min(start);
        }
    }
    first = first.min(lines.len().saturating_sub(1));
    top.set(first);
    let scroll = u16::try_from(first).unwrap_or(u16::MAX);
    frame.render_widget(Paragraph::new(lines).scroll((scroll, 0)), list_area);
    if let Some(g) = group
        && chart_height > 0
    {
        price_chart::draw(frame, chart_area, ctx, &bars, &format!("Group {}", g.group));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::rank_fixtures::shortlist;

    #[test]
    fn members_in_the_daemon_s_order_and_the_cheapest_buyable_one() {
        let list = shortlist();
        let m = members(&list, &list.groups[0]);
        let vendors: Vec<&str> = m.iter().map(|e| e.product.vendor.as_str()).collect();
        assert_eq!(vendors, vec!["Thames", "Bürokontor", "Northwind"]);
        assert_eq!(cheapest(&m), Some(0));

        // An excluded offer is never the one highlighted, however cheap,
        // unless every offer is excluded.
        let mut cheap_but_out = list.entries[5].clone();
        cheap_but_out.group = Some(1);
        let mut with_out = m.clone();
        with_out.push(&cheap_but_out);
        assert_eq!(cheapest(&with_out), Some(0));
        assert_eq!(cheapest(&[&cheap_but_out]), Some(0));
        assert_eq!(cheapest(&[]), None);
        // No compare prices at all: the first listed.
        let mut unpriced = list.entries[2].clone();
        unpriced.compare_price = None;
        assert_eq!(cheapest(&[&unpriced, &unpriced]), Some(0));
    }
}
