//! Places the order on A4 pages as a list of drawing operations.
//!
//! Layout is done before anything is drawn so that the page count is known
//! when the "Page 1 of N" footers are added, and so that the page flow can be
//! reasoned about without a PDF in the way.

use krilla::text::KrillaGlyph;

use crate::model::{Line, PurchaseOrder};
use crate::money::{format_amount, format_quantity, format_unit_price};
use crate::text::Shaper;

/// A4 in points.
pub(crate) const PAGE_WIDTH: f32 = 595.28;
pub(crate) const PAGE_HEIGHT: f32 = 841.89;
const LEFT: f32 = 50.0;
const RIGHT: f32 = PAGE_WIDTH - 50.0;
const CONTENT_WIDTH: f32 = RIGHT - LEFT;
const TOP: f32 = 48.0;
/// Content stops here; the footer lives below.
const BOTTOM: f32 = PAGE_HEIGHT - 62.0;

/// Longest text kept from one untrusted field (vendor page text).
const MAX_FIELD: usize = 200;
const MAX_DESCRIPTION: usize = 2_000;
const MAX_URL: usize = 500;
const MAX_ADDRESS_LINES: usize = 8;
/// Wrapped lines per party block: name, then address and email.
const MAX_NAME_LINES: usize = 3;
const MAX_PARTY_LINES: usize = 16;
/// Buyer-written terms are trusted more, but a paragraph still has a limit.
const MAX_TERMS_LINE: usize = 20_000;

/// Table geometry: (header, width, right-aligned). The description column
/// takes what the others leave.
const COL_NUMBER: f32 = 22.0;
const COL_SKU: f32 = 78.0;
const COL_QTY: f32 = 40.0;
const COL_PRICE: f32 = 80.0;
const COL_TOTAL: f32 = 86.0;
const COL_DESCRIPTION: f32 = CONTENT_WIDTH - COL_NUMBER - COL_SKU - COL_QTY - COL_PRICE - COL_TOTAL;
const COLUMNS: [(&str, f32, bool); 6] = [
    ("#", COL_NUMBER, false),
    ("Description", COL_DESCRIPTION, false),
    ("SKU", COL_SKU, false),
    ("Qty", COL_QTY, true),
    ("Unit price", COL_PRICE, true),
    ("Total", COL_TOTAL, true),
];
const CELL_PAD: f32 = 4.0;
const ROW_PAD: f32 = 4.0;
const ROW_LEADING: f32 = 11.5;
const HEADER_HEIGHT: f32 = 18.0;

/// Grey levels used on the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ink {
    Black,
    /// Labels, URLs and the footer.
    Muted,
    /// Row separators.
    Rule,
    /// Table header background.
    Shade,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Style {
    pub(crate) size: f32,
    pub(crate) bold: bool,
    pub(crate) ink: Ink,
}

const fn style(size: f32, bold: bool, ink: Ink) -> Style {
    Style { size, bold, ink }
}

const TITLE: Style = style(18.0, true, Ink::Black);
const LABEL: Style = style(7.5, true, Ink::Muted);
const BODY: Style = style(9.5, false, Ink::Black);
const NAME: Style = style(10.5, true, Ink::Black);
const CELL: Style = style(9.0, false, Ink::Black);
const CELL_HEAD: Style = style(8.5, true, Ink::Black);
const CELL_URL: Style = style(7.5, false, Ink::Muted);
const TOTAL: Style = style(10.5, true, Ink::Black);
const HEADING: Style = style(10.5, true, Ink::Black);
const SMALL: Style = style(8.0, false, Ink::Muted);

#[derive(Debug, Clone)]
pub(crate) enum Op {
    /// `y` is the baseline; the text is already cleaned and shaped.
    Text {
        x: f32,
        y: f32,
        text: String,
        glyphs: Vec<KrillaGlyph>,
        style: Style,
    },
    Rect {
        x: f32,
        y: f32,
        width: f32,
        height: f32,
        ink: Ink,
    },
}

/// The regular and bold faces, for measuring.
pub(crate) struct Faces<'a> {
    pub(crate) regular: Shaper<'a>,
    pub(crate) bold: Shaper<'a>,
}

impl Faces<'_> {
    fn get(&self, style: Style) -> &Shaper<'_> {
        if style.bold {
            &self.bold
        } else {
            &self.regular
        }
    }
}

/// Lays the order out; returns one list of operations per page, footers
/// included.
pub(crate) fn layout(po: &PurchaseOrder, faces: &Faces<'_>) -> Vec<Vec<Op>> {
    let mut flow = Flow {
        faces,
        number: faces.regular.clean(&po.number, MAX_FIELD),
        pages: vec![Vec::new()],
        y: TOP,
        page_top: TOP,
    };
    flow.header(po);
    flow.parties(po);
    flow.details(po);
    flow.table(po);
    flow.total(po);
    flow.terms(po);
    let mut pages = flow.pages;
    add_footers(&mut pages, faces, &flow.number);
    pages
}

fn text_op(faces: &Faces<'_>, x: f32, y: f32, text: String, style: Style) -> Option<Op> {
    if text.is_empty() {
        return None;
    }
    let glyphs = faces.get(style).glyphs(&text);
    Some(Op::Text {
        x,
        y,
        text,
        glyphs,
        style,
    })
}

impl Op {
    /// Turns text placed at `x` into text ending at `x`.
    fn shifted_left_by_width(mut self) -> Op {
        if let Op::Text {
            x, glyphs, style, ..
        } = &mut self
        {
            let width: f32 = glyphs.iter().map(|g| g.x_advance).sum();
            *x -= width * style.size;
        }
        self
    }
}

struct Flow<'f, 'a> {
    faces: &'f Faces<'a>,
    number: String,
    pages: Vec<Vec<Op>>,
    /// Top of the free space on the current page.
    y: f32,
    /// Where content starts on the current page (below a continuation header).
    page_top: f32,
}

impl Flow<'_, '_> {
    fn ops(&mut self) -> &mut Vec<Op> {
        if self.pages.is_empty() {
            self.pages.push(Vec::new());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    fn text(&mut self, x: f32, y: f32, text: String, style: Style) {
        if let Some(op) = text_op(self.faces, x, y, text, style) {
            self.ops().push(op);
        }
    }

    fn text_right(&mut self, right: f32, y: f32, text: String, style: Style) {
        if let Some(op) = text_op(self.faces, right, y, text, style) {
            self.ops().push(op.shifted_left_by_width());
        }
    }

    fn rect(&mut self, x: f32, y: f32, width: f32, height: f32, ink: Ink) {
        self.ops().push(Op::Rect {
            x,
            y,
            width,
            height,
            ink,
        });
    }

    fn clean(&self, text: &str, max: usize, style: Style) -> String {
        self.faces.get(style).clean(text, max)
    }

    fn wrap(&self, text: &str, max: usize, style: Style, width: f32) -> Vec<String> {
        let shaper = self.faces.get(style);
        shaper.wrap(&shaper.clean(text, max), style.size, width)
    }

    fn room(&self) -> f32 {
        BOTTOM - self.y
    }

    fn at_page_top(&self) -> bool {
        self.y <= self.page_top + 0.01
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        let y = TOP + 10.0;
        self.text(
            LEFT,
            y,
            format!("Purchase order {} (continued)", self.number),
            SMALL,
        );
        self.rect(LEFT, y + 6.0, CONTENT_WIDTH, 0.5, Ink::Rule);
        self.y = y + 20.0;
        self.page_top = self.y;
    }

    /// Starts a new page unless `height` fits (or the page is still empty,
    /// where breaking again would loop).
    fn ensure(&mut self, height: f32) {
        if height > self.room() && !self.at_page_top() {
            self.new_page();
        }
    }

    fn header(&mut self, po: &PurchaseOrder) {
        let title = format!("Purchase order {}", po.number);
        let lines = self.wrap(&title, MAX_FIELD, TITLE, CONTENT_WIDTH * 0.68);
        let mut y = self.y + TITLE.size;
        for line in lines {
            self.text(LEFT, y, line, TITLE);
            y += TITLE.size * 1.2;
        }
        let right_top = self.y;
        self.text_right(RIGHT, right_top + 8.0, "ISSUE DATE".into(), LABEL);
        self.text_right(RIGHT, right_top + 21.0, format_date(po.issued_on), NAME);
        self.y = (y - TITLE.size * 0.2).max(right_top + 26.0) + 8.0;
        self.rect(LEFT, self.y, CONTENT_WIDTH, 1.0, Ink::Black);
        self.y += 18.0;
    }

    /// Buyer and vendor side by side. The blocks are not split across pages,
    /// so their wrapped lines are capped to always fit on the first page.
    fn parties(&mut self, po: &PurchaseOrder) {
        let gap = 24.0;
        let width = (CONTENT_WIDTH - gap) / 2.0;
        let columns = [
            (LEFT, "BUYER", &po.buyer),
            (LEFT + width + gap, "VENDOR", &po.vendor),
        ];
        let mut bottom = self.y;
        for (x, label, party) in columns {
            let mut y = self.y + LABEL.size;
            self.text(x, y, label.into(), LABEL);
            y += 6.0;
            let name = self.wrap(&party.name, MAX_FIELD, NAME, width);
            for line in self.capped(name, MAX_NAME_LINES, NAME) {
                y += 14.0;
                self.text(x, y, line, NAME);
            }
            let address = party.address.iter().take(MAX_ADDRESS_LINES);
            let body: Vec<String> = address
                .chain(party.email.as_ref())
                .flat_map(|text| self.wrap(text, MAX_FIELD, BODY, width))
                .collect();
            for line in self.capped(body, MAX_PARTY_LINES, BODY) {
                y += 12.5;
                self.text(x, y, line, BODY);
            }
            bottom = bottom.max(y);
        }
        self.y = bottom + 18.0;
    }

    /// Keeps at most `max` lines, marking the cut with an ellipsis.
    fn capped(&self, mut lines: Vec<String>, max: usize, style: Style) -> Vec<String> {
        if lines.len() > max {
            lines.truncate(max);
            if let Some(last) = lines.last_mut() {
                last.push_str(self.faces.get(style).ellipsis());
            }
        }
        lines
    }

    /// Delivery date and reference, as label/value rows.
    fn details(&mut self, po: &PurchaseOrder) {
        let mut rows = Vec::new();
        if let Some(date) = po.delivery_date {
            rows.push(("DELIVERY DATE", format_date(date)));
        }
        if let Some(reference) = &po.reference {
            rows.push(("REFERENCE", reference.clone()));
        }
        rows.push(("CURRENCY", po.currency.clone()));
        let label_width = 90.0;
        for (label, value) in rows {
            let lines = self.wrap(&value, MAX_FIELD * 2, BODY, CONTENT_WIDTH - label_width);
            for (i, line) in lines.into_iter().enumerate() {
                self.ensure(13.0);
                let y = self.y + BODY.size;
                if i == 0 {
                    self.text(LEFT, y, label.into(), LABEL);
                }
                self.text(LEFT + label_width, y, line, BODY);
                self.y += 13.0;
            }
        }
        self.y += 14.0;
    }

    fn table_header(&mut self) {
        let y = self.y;
        self.rect(LEFT, y, CONTENT_WIDTH, HEADER_HEIGHT, Ink::Shade);
        let mut x = LEFT;
        for (name, width, right) in COLUMNS {
            if right {
                self.text_right(x + width - CELL_PAD, y + 12.0, name.into(), CELL_HEAD);
            } else {
                self.text(x + CELL_PAD, y + 12.0, name.into(), CELL_HEAD);
            }
            x += width;
        }
        self.y += HEADER_HEIGHT;
    }

    fn table_page_break(&mut self) {
        self.new_page();
        self.table_header();
    }

    fn table(&mut self, po: &PurchaseOrder) {
        // A header with no room for a row under it would be orphaned.
        self.ensure(HEADER_HEIGHT + ROW_LEADING + 2.0 * ROW_PAD);
        self.table_header();
        for (index, line) in po.lines.iter().enumerate() {
            let cells = self.row_cells(index + 1, line, &po.currency);
            self.row(&cells);
        }
    }

    /// The wrapped lines of each column of one table row.
    fn row_cells(&self, number: usize, line: &Line, currency: &str) -> Vec<Vec<(String, Style)>> {
        let inner = |width: f32| width - 2.0 * CELL_PAD;
        let styled = |lines: Vec<String>, style: Style| -> Vec<(String, Style)> {
            lines.into_iter().map(|l| (l, style)).collect()
        };
        let mut description = styled(
            self.wrap(
                &line.description,
                MAX_DESCRIPTION,
                CELL,
                inner(COL_DESCRIPTION),
            ),
            CELL,
        );
        if let Some(url) = &line.url {
            description.extend(styled(
                self.wrap(url, MAX_URL, CELL_URL, inner(COL_DESCRIPTION)),
                CELL_URL,
            ));
        }
        let sku = line.sku.as_deref().unwrap_or("");
        let total = PurchaseOrder::line_total(line);
        vec![
            styled(vec![number.to_string()], CELL),
            description,
            styled(self.wrap(sku, MAX_FIELD, CELL, inner(COL_SKU)), CELL),
            styled(
                self.wrap(
                    &format_quantity(line.quantity),
                    MAX_FIELD,
                    CELL,
                    inner(COL_QTY),
                ),
                CELL,
            ),
            styled(
                self.wrap(
                    &format_unit_price(line.unit_price, currency),
                    MAX_FIELD,
                    CELL,
                    inner(COL_PRICE),
                ),
                CELL,
            ),
            styled(
                self.wrap(
                    &format_amount(total, currency),
                    MAX_FIELD,
                    CELL,
                    inner(COL_TOTAL),
                ),
                CELL,
            ),
        ]
    }

    /// Places one row, splitting it across pages only when it is taller than
    /// a whole page; otherwise a row that does not fit moves to the next page
    /// whole, under a repeated table header.
    fn row(&mut self, cells: &[Vec<(String, Style)>]) {
        let count = cells.iter().map(Vec::len).max().unwrap_or(0).max(1);
        let fresh_capacity = lines_fitting(BOTTOM - (TOP + 30.0 + HEADER_HEIGHT));
        let mut start = 0;
        let mut first_on_page = false;
        loop {
            let fits = lines_fitting(self.room());
            let remaining = count - start;
            let end = if remaining <= fits {
                count
            } else if !first_on_page && (fits == 0 || (start == 0 && count <= fresh_capacity)) {
                self.table_page_break();
                first_on_page = true;
                continue;
            } else {
                // At least one line per page, so even a degenerate page
                // geometry cannot loop forever.
                start + fits.max(1)
            };
            self.row_lines(cells, start, end);
            if end == count {
                return;
            }
            start = end;
            self.table_page_break();
            first_on_page = true;
        }
    }

    fn row_lines(&mut self, cells: &[Vec<(String, Style)>], start: usize, end: usize) {
        let top = self.y;
        let mut x = LEFT;
        for ((_, width, right), cell) in COLUMNS.iter().zip(cells) {
            let lines = cell.iter().skip(start).take(end - start);
            for (i, (text, style)) in lines.enumerate() {
                let y = top + ROW_PAD + 8.5 + i as f32 * ROW_LEADING;
                if *right {
                    self.text_right(x + width - CELL_PAD, y, text.clone(), *style);
                } else {
                    self.text(x + CELL_PAD, y, text.clone(), *style);
                }
            }
            x += width;
        }
        self.y = top + 2.0 * ROW_PAD + (end - start) as f32 * ROW_LEADING;
        self.rect(LEFT, self.y - 0.25, CONTENT_WIDTH, 0.5, Ink::Rule);
    }

    fn total(&mut self, po: &PurchaseOrder) {
        self.ensure(34.0);
        let x = RIGHT - COL_TOTAL - COL_PRICE;
        self.y += 4.0;
        self.rect(x, self.y, RIGHT - x, 1.0, Ink::Black);
        let y = self.y + 16.0;
        self.text(x + CELL_PAD, y, "Total".into(), TOTAL);
        let amount = self.clean(&format_amount(po.total(), &po.currency), MAX_FIELD, TOTAL);
        self.text_right(RIGHT - CELL_PAD, y, amount, TOTAL);
        self.y += 34.0;
    }

    fn terms(&mut self, po: &PurchaseOrder) {
        if po.terms.trim().is_empty() {
            return;
        }
        let leading = 13.0;
        // Keep the heading with the first lines of text.
        self.ensure(24.0 + 2.0 * leading);
        self.y += 6.0;
        self.text(LEFT, self.y + HEADING.size, "Terms".into(), HEADING);
        self.y += 20.0;
        let normalized = po.terms.replace("\r\n", "\n");
        for paragraph in normalized.trim().split('\n') {
            let lines = self.wrap(paragraph, MAX_TERMS_LINE, BODY, CONTENT_WIDTH);
            if lines.is_empty() {
                self.y += leading / 2.0;
                continue;
            }
            for line in lines {
                self.ensure(leading);
                self.text(LEFT, self.y + BODY.size, line, BODY);
                self.y += leading;
            }
        }
    }
}

fn lines_fitting(height: f32) -> usize {
    let usable = height - 2.0 * ROW_PAD;
    if usable < ROW_LEADING {
        0
    } else {
        (usable / ROW_LEADING).floor() as usize
    }
}

fn add_footers(pages: &mut [Vec<Op>], faces: &Faces<'_>, number: &str) {
    let count = pages.len();
    let y = PAGE_HEIGHT - 36.0;
    for (index, ops) in pages.iter_mut().enumerate() {
        ops.push(Op::Rect {
            x: LEFT,
            y: y - 14.0,
            width: CONTENT_WIDTH,
            height: 0.5,
            ink: Ink::Rule,
        });
        let name = format!("Purchase order {number}");
        ops.extend(text_op(faces, LEFT, y, name, SMALL));
        let page = format!("Page {} of {count}", index + 1);
        ops.extend(text_op(faces, RIGHT, y, page, SMALL).map(Op::shifted_left_by_width));
    }
}

/// ISO 8601: unambiguous for buyers and vendors in any country.
fn format_date(date: chrono::NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}
