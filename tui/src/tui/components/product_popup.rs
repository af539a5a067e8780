//! One product over the job view: every field with the extraction layer
//! that found it, the description, the spec table, and the page's
//! screenshot beside them; and the screenshot alone, full screen.

use std::cell::Cell;
use std::collections::BTreeSet;

use crossterm::event::{KeyCode, KeyEvent};
use procura_common::product::Product;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};
use serde_json::Value;
use uuid::Uuid;

use super::screenshot::Screenshots;
use super::{Ctx, KeyHelp, key};
use crate::tui::format::{amount, availability, discount, money, percent, truncate_end, wrap};

pub const KEYS: &[KeyHelp] = &[
    key("↑↓ PgUp PgDn", "scroll the details", Some(("↑↓", "scroll"))),
    key("v", "screenshot full screen", Some(("v", "screenshot"))),
    key("Esc Enter", "close", Some(("Esc", "close"))),
];

/// The keys of the full-screen screenshot.
pub const SHOT_KEYS: &[KeyHelp] = &[
    key(
        "↑↓ PgUp PgDn",
        "scroll down the page",
        Some(("↑↓", "scroll")),
    ),
    key(
        "Home End",
        "top / bottom of the page",
        Some(("Home End", "top/bottom")),
    ),
    key("Esc v", "back", Some(("Esc", "back"))),
];

/// Width of the field labels.
const LABEL: usize = 11;
/// The widest the spec keys column gets.
const SPEC_KEY_MAX: usize = 24;
/// Spec rows shown at most.
const SPEC_ROWS_MAX: usize = 500;
/// The popup is wide enough to show the screenshot beside the details.
const SIDE_BY_SIDE: u16 = 70;

/// What a key in the popup or the full-screen view asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PopupMsg {
    Ignored,
    Consumed,
    Close,
    /// Toggle the full-screen screenshot.
    View,
}

/// How far a scrolled view can go and how far a page is, from its last
/// draw.
#[derive(Debug, Default)]
struct Scroll {
    top: usize,
    max: Cell<usize>,
    page: Cell<usize>,
}

impl Scroll {
    /// Handles a scrolling key; false when `key` is not one.
    fn key(&mut self, key: &KeyEvent) -> bool {
        let page = self.page.get().saturating_sub(1).max(1);
        let max = self.max.get();
        self.top = match key.code {
            KeyCode::Up | KeyCode::Char('k') => self.top.saturating_sub(1),
            KeyCode::Down | KeyCode::Char('j') => self.top + 1,
            KeyCode::PageUp => self.top.saturating_sub(page),
            KeyCode::PageDown | KeyCode::Char(' ') => self.top + page,
            KeyCode::Home | KeyCode::Char('g') => 0,
            KeyCode::End | KeyCode::Char('G') => max,
            _ => return false,
        }
        .min(max);
        true
    }

    /// Records what fits, and returns the first line to show.
    fn fit(&self, total: usize, height: usize) -> usize {
        self.max.set(total.saturating_sub(height));
        self.page.set(height.max(1));
        self.top.min(self.max.get())
    }
}

#[derive(Debug)]
pub struct ProductPopup {
    product: Product,
    scroll: Scroll,
}

impl ProductPopup {
    pub fn new(product: Product) -> Self {
        ProductPopup {
            product,
            scroll: Scroll::default(),
        }
    }

    pub fn product(&self) -> &Product {
        &self.product
    }

    /// A fresher copy of the same product.
    pub fn refresh(&mut self, product: &Product) {
        if product.id == self.product.id {
            self.product = product.clone();
        }
    }

    pub fn handle_key(&mut self, key: KeyEvent) -> PopupMsg {
        match key.code {
            KeyCode::Esc | KeyCode::Enter | KeyCode::Backspace => PopupMsg::Close,
            KeyCode::Char('v') => PopupMsg::View,
            _ if self.scroll.key(&key) => PopupMsg::Consumed,
            _ => PopupMsg::Ignored,
        }
    }

    /// Draws over `area` (the job view), centred.
    pub fn draw(&self, frame: &mut Frame, area: Rect, ctx: &Ctx<'_>, shots: &Screenshots) {
        let t = ctx.theme;
        let p = &self.product;
        let width = area.width.min(120);
        let popup = Rect {
            x: area.x + (area.width - width) / 2,
            width,
            ..area
        };
        let title = truncate_end(
            p.title.as_deref().unwrap_or("(untitled)"),
            usize::from(width.saturating_sub(20)),
        );
        let mut block = Block::bordered()
            .title(Line::from(vec![
                Span::styled(" Product ", t.title()),
                Span::raw(format!("{title} ")),
            ]))
            .title_bottom(Line::styled(" Esc closes ", t.dim()).right_aligned());
        let inner = block.inner(popup);
        let has_shot = p.screenshot_blob.is_some();
        let side = has_shot && inner.width >= SIDE_BY_SIDE;
        let [text_area, _, shot_area] = Layout::horizontal([
            Constraint::Fill(1),
            Constraint::Length(u16::from(side)),
            Constraint::Length(if side { inner.width * 2 / 5 } else { 0 }),
        ])
        .areas(inner);
        let text_width = usize::from(text_area.width);
        let mut lines = field_lines(p, text_width, ctx);
        if !side {
            let note = if has_shot {
                "v shows it full screen"
            } else {
                "none was taken of this page"
            };
            lines.push(field("Screenshot", vec![Span::styled(note, t.dim())], ctx));
        }
        lines.extend(body_lines(p, text_width, ctx));
        let height = usize::from(text_area.height);
        let top = self.scroll.fit(lines.len(), height);
        let below = lines.len().saturating_sub(top + height);
        if below > 0 {
            block = block.title_bottom(Line::styled(format!(" ↓{below} more "), t.dim()));
        }
        frame.render_widget(Clear, popup);
        frame.render_widget(block, popup);
        let shown: Vec<Line> = lines.into_iter().skip(top).take(height).collect();
        frame.render_widget(Paragraph::new(shown), text_area);
        if side {
            let [caption, image] =
                Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(shot_area);
            frame.render_widget(
                Line::from(vec![
                    Span::styled("Screenshot", t.title()),
                    Span::styled("  v full screen", t.dim()),
                ]),
                caption,
            );
            shots.draw(frame, image, ctx, p.id, 0);
        }
    }
}

fn field(label: &str, value: Vec<Span<'static>>, ctx: &Ctx<'_>) -> Line<'static> {
    let mut spans = vec![Span::styled(format!("{label:<LABEL$}"), ctx.theme.dim())];
    spans.extend(value);
    Line::from(spans)
}

/// A labelled value wrapped to `width`, with the layer that found it after
/// it (`price · json-ld`).
fn wrapped_field(
    out: &mut Vec<Line<'static>>,
    label: &str,
    value: &str,
    style: Style,
    layer: Option<String>,
    width: usize,
    ctx: &Ctx<'_>,
) {
    let room = width.saturating_sub(LABEL).max(8);
    let mut parts = wrap(value, room);
    let last = parts.pop().unwrap_or_default();
    let last_label = if parts.is_empty() { label } else { "" };
    for (i, part) in parts.into_iter().enumerate() {
        let label = if i == 0 { label } else { "" };
        out.push(field(label, vec![Span::styled(part, style)], ctx));
    }
    let used = last.chars().count();
    let mut spans = vec![Span::styled(last, style)];
    let mut after = None;
    if let Some(layer) = layer {
        let tag = format!(" · {layer}");
        if used + tag.chars().count() <= room {
            spans.push(Span::styled(tag, ctx.theme.dim()));
        } else {
            after = Some(Span::styled(truncate_end(&tag, room), ctx.theme.dim()));
        }
    }
    out.push(field(last_label, spans, ctx));
    if let Some(tag) = after {
        out.push(field("", vec![tag], ctx));
    }
}

/// The fields of `p` for a `width`-cell column, each with the extraction
/// layer that found it, then any other layers.
pub fn field_lines(p: &Product, width: usize, ctx: &Ctx<'_>) -> Vec<Line<'static>> {
    let t = ctx.theme;
    let mut used = BTreeSet::new();
    let mut layer = |keys: &[&str]| -> Option<String> {
        keys.iter().find_map(|k| {
            p.methods.get(*k).map(|l| {
                used.insert((*k).to_string());
                l.clone()
            })
        })
    };
    let mut out = Vec::new();
    let plain = Style::new();
    let title = p.title.as_deref().unwrap_or("(untitled)");
    wrapped_field(
        &mut out,
        "Title",
        title,
        t.title(),
        layer(&["name", "title"]),
        width,
        ctx,
    );
    wrapped_field(&mut out, "Vendor", &p.vendor, plain, None, width, ctx);
    wrapped_field(&mut out, "URL", &p.url, t.key(), None, width, ctx);
    let price_layer = layer(&["price"]);
    let currency_layer = layer(&["currency"]);
    let price_tag = match (price_layer, currency_layer) {
        (Some(p), Some(c)) if p != c => Some(format!("{p}, currency {c}")),
        (p, c) => p.or(c.map(|c| format!("currency {c}"))),
    };
    wrapped_field(
        &mut out,
        "Price",
        &money(p.price, p.currency.as_deref()),
        t.title(),
        price_tag,
        width,
        ctx,
    );
    if let Some(list) = p.list_price {
        let text = match discount(p.price, p.list_price) {
            Some(d) => format!("{} (price {d}% lower)", amount(list)),
            None => amount(list),
        };
        wrapped_field(
            &mut out,
            "List price",
            &text,
            plain,
            layer(&["list_price"]),
            width,
            ctx,
        );
    }
    let (stock, in_stock) = p
        .availability
        .as_deref()
        .map_or(("—".to_string(), None), availability);
    let stock_style = match in_stock {
        Some(true) => t.ok(),
        Some(false) => t.warn(),
        None => plain,
    };
    wrapped_field(
        &mut out,
        "Stock",
        &stock,
        stock_style,
        layer(&["availability"]),
        width,
        ctx,
    );
    for (label, value, key) in [
        ("Brand", &p.brand, "brand"),
        ("SKU", &p.sku, "sku"),
        ("GTIN", &p.gtin, "gtin"),
        ("MPN", &p.mpn, "mpn"),
    ] {
        if let Some(v) = value {
            wrapped_field(&mut out, label, v, plain, layer(&[key]), width, ctx);
        }
    }
    if let Some(c) = p.confidence {
        wrapped_field(&mut out, "Confidence", &percent(c), plain, None, width, ctx);
    }
    let others: Vec<String> = p
        .methods
        .iter()
        .filter(|(k, _)| !used.contains(*k))
        .map(|(k, v)| format!("{k} {v}"))
        .collect();
    if !others.is_empty() {
        wrapped_field(
            &mut out,
            "Layers",
            &others.join(" · "),
            t.dim(),
            None,
            width,
            ctx,
        );
    }
    out
}

/// The description and the spec table of `p` for a `width`-cell column.
pub fn body_lines(p: &Product, width: usize, ctx: &Ctx<'_>) -> Vec<Line<'static>> {
    let t = ctx.theme;
    let mut out = Vec::new();
    if let Some(d) = p.description.as_deref().filter(|d| !d.trim().is_empty()) {
        out.push(Line::raw(""));
        out.push(Line::styled("Description", t.title()));
        out.extend(
            wrap(d, width.saturating_sub(2))
                .into_iter()
                .map(|l| Line::raw(format!("  {l}"))),
        );
    }
    let rows = spec_rows(&p.specs);
    out.push(Line::raw(""));
    if rows.is_empty() {
        out.push(Line::from(vec![
            Span::styled("Specs", t.title()),
            Span::styled("  none found on the page", t.dim()),
        ]));
    } else {
        out.push(Line::from(vec![
            Span::styled("Specs", t.title()),
            Span::styled(format!(" ({})", rows.len()), t.dim()),
        ]));
        let key_w = rows
            .iter()
            .map(|(k, _)| k.chars().count())
            .max()
            .unwrap_or(0)
            .min(SPEC_KEY_MAX)
            .min(width / 3);
        let room = width.saturating_sub(key_w + 4).max(8);
        for (k, v) in rows.iter().take(SPEC_ROWS_MAX) {
            if k.is_empty() {
                // A row with no key: the value across both columns.
                for part in wrap(v, width.saturating_sub(2).max(8)) {
                    out.push(Line::raw(format!("  {part}")));
                }
                continue;
            }
            let key = truncate_end(k, key_w);
            for (i, part) in wrap(v, room).into_iter().enumerate() {
                let key = if i == 0 { key.as_str() } else { "" };
                out.push(Line::from(vec![
                    Span::styled(format!("  {key:<key_w$}  "), t.dim()),
                    Span::raw(part),
                ]));
            }
        }
        if rows.len() > SPEC_ROWS_MAX {
            out.push(Line::styled(
                format!("  … {} more rows", rows.len() - SPEC_ROWS_MAX),
                t.dim(),
            ));
        }
    }
    out
}

/// A spec value as text: strings as they are, lists joined, anything else
/// as compact JSON.
fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "—".into(),
        Value::Array(items) => items.iter().map(text).collect::<Vec<_>>().join(", "),
        other => other.to_string(),
    }
}

/// The spec table as key/value rows, whatever shape the page gave it: an
/// object of key → value; an array of `[key, value…]` pairs, of
/// `{name|key|label, value, unit}` rows, of one-entry objects, or of bare
/// strings; or a lone value.
pub fn spec_rows(specs: &Value) -> Vec<(String, String)> {
    let row = |item: &Value| -> Option<(String, String)> {
        match item {
            Value::Array(cells) => match cells.as_slice() {
                [] => None,
                [only] => Some((String::new(), text(only))),
                [k, rest @ ..] => {
                    Some((text(k), rest.iter().map(text).collect::<Vec<_>>().join(" ")))
                }
            },
            Value::Object(o) => {
                let name = ["name", "key", "label", "property"]
                    .iter()
                    .find_map(|k| o.get(*k));
                let value = ["value", "val"].iter().find_map(|k| o.get(*k));
                match (name, value) {
                    (Some(n), Some(v)) => {
                        let mut v = text(v);
                        if let Some(u) = o.get("unit").filter(|u| !u.is_null()) {
                            v = format!("{v} {}", text(u));
                        }
                        Some((text(n), v))
                    }
                    _ if o.len() == 1 => o.iter().next().map(|(k, v)| (k.clone(), text(v))),
                    _ if o.is_empty() => None,
                    _ => Some((String::new(), item.to_string())),
                }
            }
            Value::Null => None,
            other => Some((String::new(), text(other))),
        }
    };
    match specs {
        // Postgres's JSONB keeps no key order, so a stable one is chosen
        // here: by name, whatever map serde_json was built with.
        Value::Object(o) => {
            let mut rows: Vec<(String, String)> =
                o.iter().map(|(k, v)| (k.clone(), text(v))).collect();
            rows.sort_by_key(|row| row.0.to_lowercase());
            rows
        }
        Value::Array(items) => items.iter().filter_map(row).collect(),
        Value::Null => Vec::new(),
        other => row(other).into_iter().collect(),
    }
}

/// A product's screenshot over the whole job view, scrolled down the page.
#[derive(Debug)]
pub struct ShotView {
    product: Uuid,
    /// Shown in the border; sanitised.
    title: String,
    url: String,
    has_shot: bool,
    /// Opened from the details popup (closing goes back there).
    from_popup: bool,
    scroll: Scroll,
}

impl ShotView {
    pub fn new(p: &Product, from_popup: bool) -> Self {
        ShotView {
            product: p.id,
            title: p.title.clone().unwrap_or_else(|| "(untitled)".into()),
            url: p.url.clone(),
            has_shot: p.screenshot_blob.is_some(),
            from_popup,
            scroll: Scroll::default(),
        }
    }

    pub fn product(&self) -> Uuid {
        self.product
    }

    pub fn from_popup(&self) -> bool {
        self.from_popup
    }

    pub fn handle_key(&mut self, key: KeyEvent) -> PopupMsg {
        match key.code {
            KeyCode::Esc | KeyCode::Char('v') | KeyCode::Enter | KeyCode::Backspace => {
                PopupMsg::Close
            }
            _ if self.scroll.key(&key) => PopupMsg::Consumed,
            _ => PopupMsg::Ignored,
        }
    }

    pub fn draw(&self, frame: &mut Frame, area: Rect, ctx: &Ctx<'_>, shots: &Screenshots) {
        let t = ctx.theme;
        let room = usize::from(area.width.saturating_sub(16));
        let block = Block::bordered()
            .title(Line::from(vec![
                Span::styled(" Screenshot ", t.title()),
                Span::raw(format!("{} ", truncate_end(&self.title, room))),
            ]))
            .title_bottom(Line::styled(
                format!(" {} ", truncate_end(&self.url, room)),
                t.dim(),
            ));
        let inner = block.inner(area);
        frame.render_widget(Clear, area);
        if !self.has_shot {
            frame.render_widget(block, area);
            frame.render_widget(
                Line::styled("No screenshot was taken of this page.", t.dim()),
                inner,
            );
            return;
        }
        let top = self.scroll.top.min(self.scroll.max.get());
        let total = shots.draw(frame, inner, ctx, self.product, top);
        let top = self.scroll.fit(total, usize::from(inner.height));
        let block = if total > 0 {
            let shown_end = (top + usize::from(inner.height)).min(total);
            block.title(
                Line::styled(
                    format!(" rows {}–{shown_end} of {total} ", top + 1),
                    t.dim(),
                )
                .right_aligned(),
            )
        } else {
            block
        };
        frame.render_widget(block, area);
    }
}
