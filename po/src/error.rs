//! The one error type of this crate.

use std::path::PathBuf;

use rust_decimal::Decimal;

/// Why a purchase order could not be validated or rendered.
///
/// Texts quoted from the order (descriptions, codes) are shortened and printed
/// with `{:?}` so that hostile vendor text cannot smuggle control characters
/// into logs or terminals through an error message.
#[derive(Debug, thiserror::Error)]
pub enum PoError {
    #[error("the purchase order has no number")]
    MissingNumber,

    #[error("purchase order {number:?} has no lines: add at least one line to order")]
    NoLines { number: String },

    #[error("line {line} has an empty description")]
    EmptyDescription { line: usize },

    #[error(
        "line {line} ({description:?}) has quantity 0: every line needs a quantity of at least 1"
    )]
    ZeroQuantity { line: usize, description: String },

    #[error(
        "line {line} ({description:?}) has a negative unit price ({unit_price}): prices must be 0 or more"
    )]
    NegativePrice {
        line: usize,
        description: String,
        unit_price: Decimal,
    },

    #[error(
        "line {line} ({description:?}): quantity × unit price or the order total is too large to compute"
    )]
    AmountOverflow { line: usize, description: String },

    #[error(
        "currency code {code:?} is not an ISO 4217 code: use three capital letters such as EUR or USD"
    )]
    BadCurrency { code: String },

    #[error("the {role} has no name")]
    MissingPartyName { role: &'static str },

    #[error("the delivery date {delivery} is before the issue date {issued}")]
    DeliveryBeforeIssue {
        delivery: chrono::NaiveDate,
        issued: chrono::NaiveDate,
    },

    #[error(
        "font file {} not found: install Debian's fonts-dejavu-core or set po.font to a TrueType font",
        path.display()
    )]
    FontMissing { path: PathBuf },

    #[error("cannot read font file {}: {source}", path.display())]
    FontRead {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("{what} is not a usable TrueType/OpenType font (set po.font to a .ttf or .otf file)")]
    FontInvalid { what: String },

    #[error("PDF generation failed: {0}")]
    Pdf(String),
}

/// Shortens untrusted text quoted in an error message: a 5,000-character
/// product title would make the message useless.
pub(crate) fn excerpt(text: &str) -> String {
    const MAX: usize = 60;
    let mut out: String = text.chars().take(MAX).collect();
    if text.chars().nth(MAX).is_some() {
        out.push('…');
    }
    out
}
