//! Purchase orders as PDF.
//!
//! Build a [`PurchaseOrder`], check it with [`PurchaseOrder::validate`] (or let
//! [`render`] do it) and get an A4 PDF with [`render`]: a header with the order
//! number and issue date, buyer and vendor blocks, delivery date and
//! reference, a table of lines that flows over as many pages as needed (its
//! header repeated, "Page 1 of N" in the footer), the total and the terms.
//!
//! Text that came from vendor web pages is treated as untrusted: control
//! characters and bidi overrides are removed, characters the font lacks are
//! shown as a replacement mark, and over-long fields are cut.
//!
//! Amounts are [`rust_decimal::Decimal`]; a line total is quantity × unit price
//! rounded to cents half away from zero, and the order total is the sum of the
//! rounded line totals, so the printed numbers add up.

mod error;
mod font;
mod layout;
mod model;
mod money;
mod render;
mod text;

pub use error::PoError;
pub use font::{DEJAVU_SANS, DEJAVU_SANS_BOLD, FontSource, Fonts, default_font_paths};
pub use model::{Line, Party, PurchaseOrder};
pub use money::{format_amount, format_quantity, format_unit_price, round_money};
pub use render::render;
