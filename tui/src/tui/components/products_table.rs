//! The products a job found: one row each, sorted by price, vendor or
//! title, filtered by a substring typed inline. Columns give way, least
//! useful first, when the terminal is narrow.

use std::cell::Cell;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use procura_common::job::JobId;
use procura_common::product::Product;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, HighlightSpacing, Paragraph, Row, Table, TableState};
use uuid::Uuid;

pub use super::product_order::{SortKey, compare, matches};
use super::{Ctx, KeyHelp, key};
use crate::tui::format::{amount, availability, discount, money, truncate_end};
use crate::tui::sanitize::sanitize;

pub const KEYS: &[KeyHelp] = &[
    key("↑↓ k j", "select a product", Some(("↑↓", "select"))),
    key(
        "Enter",
        "details and screenshot",
        Some(("Enter", "details")),
    ),
    key("s", "sort price/vendor/title", Some(("s", "sort"))),
    key("/", "filter; Esc clears it", Some(("/", "filter"))),
    key("v", "screenshot full screen", Some(("v", "screenshot"))),
    key("PgUp PgDn", "page up / down", None),
    key("Home End g G", "first / last product", None),
];

/// The keys while a filter is being typed.
pub const FILTER_KEYS: &[KeyHelp] = &[
    key("text", "filter title, vendor, brand, SKU", None),
    key("Enter", "keep the filter", Some(("Enter", "keep"))),
    key("Esc", "clear the filter", Some(("Esc", "clear"))),
    key("↑↓", "select a product", Some(("↑↓", "select"))),
    key(
        "Bksp Ctrl-U",
        "delete a character, all",
        Some(("Ctrl-U", "erase")),
    ),
];

/// What a key in the table asks of the job view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableMsg {
    Ignored,
    Consumed,
    /// Show this product's details.
    Open(Uuid),
    /// Show this product's screenshot full screen.
    View(Uuid),
}

/// The narrowest the title column gets before others are dropped.
const MIN_TITLE: u16 = 22;

#[derive(Debug, Default)]
pub struct ProductsTable {
    job: Option<JobId>,
    /// As last received, sanitised.
    products: Vec<Product>,
    /// Indices into `products` of the rows shown, in order.
    view: Vec<usize>,
    loaded: bool,
    /// Why the last refresh failed (sanitised), until one succeeds.
    error: Option<String>,
    sort: SortKey,
    filter: String,
    typing: bool,
    /// Index into `view`.
    selected: usize,
    /// The product under the cursor, kept across refreshes and re-sorts.
    selected_id: Option<Uuid>,
    offset: Cell<usize>,
    page: Cell<usize>,
}

impl ProductsTable {
    /// Shows job `id`'s products from now on; another job's are dropped.
    pub fn show_job(&mut self, id: JobId) {
        if self.job != Some(id) {
            *self = ProductsTable {
                job: Some(id),
                sort: self.sort,
                ..ProductsTable::default()
            };
        }
    }

    pub fn job(&self) -> Option<JobId> {
        self.job
    }

    /// A fresh list for `job` (sanitised); ignored when another job is
    /// shown.
    pub fn set_products(&mut self, job: JobId, products: Vec<Product>) {
        if self.job != Some(job) {
            return;
        }
        self.products = products;
        self.loaded = true;
        self.error = None;
        self.rebuild();
    }

    /// A refresh of `job` failed; what is shown stays.
    pub fn set_error(&mut self, job: JobId, error: String) {
        if self.job == Some(job) {
            self.error = Some(error);
        }
    }

    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// Every product received, filtered or not.
    pub fn len(&self) -> usize {
        self.products.len()
    }

    /// A list arrived for the job shown.
    pub fn is_loaded(&self) -> bool {
        self.loaded
    }

    pub fn is_empty(&self) -> bool {
        self.products.is_empty()
    }

    pub fn get(&self, id: Uuid) -> Option<&Product> {
        self.products.iter().find(|p| p.id == id)
    }

    /// The rows shown, in order.
    pub fn visible(&self) -> impl Iterator<Item = &Product> {
        self.view.iter().map(|&i| &self.products[i])
    }

    pub fn selected(&self) -> Option<&Product> {
        self.view.get(self.selected).map(|&i| &self.products[i])
    }

    pub fn sort(&self) -> SortKey {
        self.sort
    }

    pub fn filter(&self) -> &str {
        &self.filter
    }

    pub fn is_typing(&self) -> bool {
        self.typing
    }

    fn rebuild(&mut self) {
        let mut view: Vec<usize> = (0..self.products.len())
            .filter(|&i| matches(&self.products[i], &self.filter))
            .collect();
        view.sort_by(|&a, &b| compare(&self.products[a], &self.products[b], self.sort));
        self.view = view;
        match self
            .selected_id
            .and_then(|id| self.view.iter().position(|&i| self.products[i].id == id))
        {
            Some(i) => self.selected = i,
            None => self.clamp(),
        }
        if self.selected_id.is_none() {
            self.selected_id = self.selected().map(|p| p.id);
        }
    }

    fn clamp(&mut self) {
        self.selected = self.selected.min(self.view.len().saturating_sub(1));
    }

    /// Moves the cursor: the product under it is the one remembered. A
    /// filter or a refresh that hides it moves the cursor without
    /// forgetting it, so it comes back when the filter is relaxed.
    fn move_by(&mut self, delta: isize) {
        self.selected = self.selected.saturating_add_signed(delta);
        self.clamp();
        if let Some(p) = self.selected() {
            self.selected_id = Some(p.id);
        }
    }

    fn set_filter(&mut self, filter: String) {
        self.filter = filter;
        self.rebuild();
    }

    /// Pasted text joins the filter being typed (on one line).
    pub fn paste(&mut self, text: &str) {
        if self.typing {
            let mut f = std::mem::take(&mut self.filter);
            f.push_str(&sanitize(text));
            self.set_filter(f);
        }
    }

    fn with_selected(&self, make: fn(Uuid) -> TableMsg) -> TableMsg {
        self.selected().map_or(TableMsg::Consumed, |p| make(p.id))
    }

    fn typing_key(&mut self, key: KeyEvent) -> TableMsg {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Char('u') if ctrl => self.set_filter(String::new()),
            KeyCode::Char(c) if !ctrl && !c.is_control() => {
                let mut f = std::mem::take(&mut self.filter);
                f.push(c);
                self.set_filter(f);
            }
            KeyCode::Backspace => {
                let mut f = std::mem::take(&mut self.filter);
                f.pop();
                self.set_filter(f);
            }
            KeyCode::Enter => self.typing = false,
            KeyCode::Esc => {
                self.typing = false;
                self.set_filter(String::new());
            }
            KeyCode::Up => self.move_by(-1),
            KeyCode::Down => self.move_by(1),
            _ => {}
        }
        // While typing, every key is the filter's.
        TableMsg::Consumed
    }

    pub fn handle_key(&mut self, key: KeyEvent) -> TableMsg {
        if self.typing {
            return self.typing_key(key);
        }
        let page = self.page.get().max(1) as isize;
        match key.code {
            KeyCode::Up | KeyCode::Char('k') => self.move_by(-1),
            KeyCode::Down | KeyCode::Char('j') => self.move_by(1),
            KeyCode::PageUp => self.move_by(-page),
            KeyCode::PageDown => self.move_by(page),
            KeyCode::Home | KeyCode::Char('g') => self.move_by(isize::MIN),
            KeyCode::End | KeyCode::Char('G') => self.move_by(isize::MAX),
            KeyCode::Char('s') => {
                self.sort = self.sort.next();
                self.rebuild();
            }
            KeyCode::Char('/') => self.typing = true,
            KeyCode::Esc if !self.filter.is_empty() => self.set_filter(String::new()),
            KeyCode::Enter => return self.with_selected(TableMsg::Open),
            KeyCode::Char('v') => return self.with_selected(TableMsg::View),
            _ => return TableMsg::Ignored,
        }
        TableMsg::Consumed
    }

    fn filter_line(&self, ctx: &Ctx<'_>) -> Line<'static> {
        let t = ctx.theme;
        let mut spans = vec![
            Span::styled("Filter ", t.dim()),
            Span::styled(self.filter.clone(), t.focus()),
        ];
        if self.typing {
            spans.push(Span::styled(" ", t.cursor()));
            spans.push(Span::styled("  Enter keeps · Esc clears", t.dim()));
        } else {
            spans.push(Span::styled("  / edits · Esc clears", t.dim()));
        }
        Line::from(spans)
    }

    /// Draws into `area`, with `tab` (how to reach the other pane) in the
    /// bottom border.
    pub fn draw(&self, frame: &mut Frame, area: Rect, ctx: &Ctx<'_>, tab: Line<'static>) {
        let t = ctx.theme;
        let count = if self.view.len() == self.products.len() {
            format!("{} ", self.products.len())
        } else {
            format!("{} of {} ", self.view.len(), self.products.len())
        };
        let mut block = Block::bordered()
            .title(Line::from(vec![
                Span::styled(" Products ", t.title()),
                Span::raw(count),
            ]))
            .title(
                Line::styled(format!(" sorted by {} ", self.sort.label()), t.dim()).right_aligned(),
            )
            .title_bottom(tab);
        if let (Some(e), false) = (&self.error, self.products.is_empty()) {
            let e = truncate_end(e, usize::from(area.width / 2));
            block = block.title_bottom(Line::styled(format!(" {e} "), t.error()).right_aligned());
        }
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let show_filter = self.typing || !self.filter.is_empty();
        let [filter_row, body] = Layout::vertical([
            Constraint::Length(u16::from(show_filter)),
            Constraint::Min(0),
        ])
        .areas(inner);
        if show_filter {
            frame.render_widget(self.filter_line(ctx), filter_row);
        }
        if self.view.is_empty() {
            let (text, style) = match (&self.error, self.loaded) {
                _ if !self.products.is_empty() => (
                    format!(
                        "No product matches “{}”. Esc clears the filter.",
                        self.filter.trim()
                    ),
                    t.dim(),
                ),
                (Some(e), _) => (format!("Could not list the products: {e}"), t.error()),
                (None, false) => ("Loading the products…".to_string(), t.dim()),
                (None, true) => ("No products found yet.".to_string(), t.dim()),
            };
            frame.render_widget(
                Paragraph::new(Line::styled(text, style))
                    .wrap(ratatui::widgets::Wrap { trim: true }),
                body,
            );
            return;
        }
        self.draw_rows(frame, body, ctx);
    }

    fn draw_rows(&self, frame: &mut Frame, area: Rect, ctx: &Ctx<'_>) {
        let t = ctx.theme;
        let rows: Vec<Cells> = self.visible().map(Cells::of).collect();
        // The highlight symbol and a space at the right edge.
        let cols = Columns::fit(area.width.saturating_sub(3), &rows);
        let mut header = vec!["VENDOR", "TITLE", "PRICE"];
        let mut widths = vec![
            Constraint::Length(cols.vendor),
            Constraint::Length(cols.title),
            Constraint::Length(cols.price),
        ];
        for (w, name) in [
            (cols.list, "LIST"),
            (cols.stock, "STOCK"),
            (cols.sku, "SKU"),
        ] {
            if w > 0 {
                header.push(name);
                widths.push(Constraint::Length(w));
            }
        }
        let header = Row::new(
            header
                .into_iter()
                .enumerate()
                .map(|(i, h)| {
                    let l = Line::raw(h);
                    if i == 2 || h == "LIST" {
                        l.right_aligned()
                    } else {
                        l
                    }
                })
                .collect::<Vec<_>>(),
        )
        .style(t.title());
        let table_rows: Vec<Row> = rows
            .iter()
            .map(|c| {
                let mut cells = vec![
                    Line::raw(truncate_end(&c.vendor, usize::from(cols.vendor))),
                    Line::raw(truncate_end(&c.title, usize::from(cols.title))),
                    Line::raw(c.price.clone()).right_aligned(),
                ];
                if cols.list > 0 {
                    cells.push(c.list_line(ctx));
                }
                if cols.stock > 0 {
                    let style = match c.in_stock {
                        Some(true) => t.ok(),
                        Some(false) => t.warn(),
                        None => t.dim(),
                    };
                    cells.push(Line::styled(c.stock.clone(), style));
                }
                if cols.sku > 0 {
                    cells.push(Line::raw(truncate_end(&c.sku, usize::from(cols.sku))));
                }
                Row::new(cells)
            })
            .collect();
        let table = Table::new(table_rows, widths)
            .header(header)
            .column_spacing(1)
            .row_highlight_style(t.selected())
            .highlight_symbol("› ")
            .highlight_spacing(HighlightSpacing::Always);
        // The header takes a row.
        self.page
            .set(usize::from(area.height.saturating_sub(1)).max(1));
        let mut state = TableState::default()
            .with_offset(self.offset.get())
            .with_selected(Some(self.selected));
        frame.render_stateful_widget(table, area, &mut state);
        self.offset.set(state.offset());
    }
}

/// One row's text.
struct Cells {
    vendor: String,
    title: String,
    price: String,
    list: String,
    discount: Option<u32>,
    stock: String,
    in_stock: Option<bool>,
    sku: String,
}

impl Cells {
    fn of(p: &Product) -> Cells {
        let (stock, in_stock) = p
            .availability
            .as_deref()
            .map_or(("—".to_string(), None), availability);
        Cells {
            vendor: p.vendor.clone(),
            title: p.title.clone().unwrap_or_else(|| "(untitled)".into()),
            price: money(p.price, p.currency.as_deref()),
            // A list price equal to the price says nothing.
            list: p
                .list_price
                .filter(|l| Some(*l) != p.price)
                .map(amount)
                .unwrap_or_default(),
            discount: discount(p.price, p.list_price),
            stock,
            in_stock,
            sku: p.sku.clone().unwrap_or_default(),
        }
    }

    fn list_width(&self) -> usize {
        self.list.chars().count() + self.discount.map_or(0, |d| format!(" -{d}%").len())
    }

    /// The list price, struck through when the price is lower, with the
    /// saving.
    fn list_line(&self, ctx: &Ctx<'_>) -> Line<'static> {
        let t = ctx.theme;
        match self.discount {
            Some(d) => Line::from(vec![
                Span::styled(
                    self.list.clone(),
                    t.dim().add_modifier(Modifier::CROSSED_OUT),
                ),
                Span::styled(format!(" -{d}%"), t.ok()),
            ]),
            None => Line::styled(self.list.clone(), t.dim()),
        }
        .right_aligned()
    }
}

/// Column widths; 0 for a column dropped for lack of room.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Columns {
    vendor: u16,
    title: u16,
    price: u16,
    list: u16,
    stock: u16,
    sku: u16,
}

impl Columns {
    /// Fits the columns into `width` cells: each as wide as its widest
    /// value (within bounds), the title taking the rest; while the title
    /// would be narrower than [`MIN_TITLE`], the SKU goes, then the list
    /// price, then availability, then the vendor narrows.
    fn fit(width: u16, rows: &[Cells]) -> Columns {
        let widest = |f: &dyn Fn(&Cells) -> usize, min: u16, max: u16| -> u16 {
            let w = rows.iter().map(f).max().unwrap_or(0);
            u16::try_from(w).unwrap_or(u16::MAX).clamp(min, max)
        };
        let list_any = rows.iter().any(|c| !c.list.is_empty());
        let sku_any = rows.iter().any(|c| !c.sku.is_empty());
        let mut c = Columns {
            vendor: widest(&|c| c.vendor.chars().count(), 6, 16),
            title: 0,
            price: widest(&|c| c.price.chars().count(), 5, 16),
            list: if list_any {
                widest(&Cells::list_width, 4, 16)
            } else {
                0
            },
            stock: widest(&|c| c.stock.chars().count(), 5, 12),
            sku: if sku_any {
                widest(&|c| c.sku.chars().count(), 3, 16)
            } else {
                0
            },
        };
        let title = |c: &Columns| {
            let others = [c.vendor, c.price, c.list, c.stock, c.sku];
            let shown = others.iter().filter(|w| **w > 0).count() as u16;
            width.saturating_sub(others.iter().sum::<u16>() + shown)
        };
        for drop in [
            |c: &mut Columns| c.sku = 0,
            |c: &mut Columns| c.list = 0,
            |c: &mut Columns| c.stock = 0,
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
