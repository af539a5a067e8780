//! What goes into a model call and what comes back, for the tasks other
//! than `plan` (whose answer is procura-common's `SearchSpec`).
//!
//! Answer types are also the wire format of the model's JSON answer: their
//! serde shape is exactly what [`crate::schema`] describes.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// A product page as the browser saw it, for vision extraction.
#[derive(Clone, PartialEq, Eq)]
pub struct PageEvidence {
    pub url: String,
    /// The page's visible text, already cut to a sensible length by the
    /// caller. It is sent as untrusted data and is the only text a returned
    /// price may come from.
    pub visible_text: String,
    /// A PNG screenshot, sent as a base64 `data:` URL image part.
    pub screenshot_png: Option<Vec<u8>>,
}

/// Hand-written so that a log line shows the screenshot's size, not its
/// bytes, and not the whole page text.
impl std::fmt::Debug for PageEvidence {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PageEvidence")
            .field("url", &self.url)
            .field("visible_text_chars", &self.visible_text.chars().count())
            .field(
                "screenshot_png_bytes",
                &self.screenshot_png.as_ref().map(Vec::len),
            )
            .finish()
    }
}

/// Whether the product can be bought now (the same two states as
/// procura-extract's `Availability`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Availability {
    InStock,
    OutOfStock,
}

/// What the model read on a product page. Every field is optional: a field
/// the page does not show stays `None`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageFields {
    pub name: Option<String>,
    /// The price of one unit, a decimal written as a string on the wire
    /// ("1299.99"). [`crate::Llm::read_page`] only returns a price that
    /// appears in the page's visible text.
    #[serde(with = "rust_decimal::serde::str_option")]
    pub price: Option<Decimal>,
    /// ISO 4217 code, upper case.
    pub currency: Option<String>,
    pub availability: Option<Availability>,
    pub brand: Option<String>,
    pub sku: Option<String>,
}

/// One product of a negotiation, as stored from a vendor's page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftProduct {
    pub title: String,
    pub url: String,
    #[serde(with = "rust_decimal::serde::str")]
    pub unit_price: Decimal,
    pub currency: String,
}

/// What a negotiation email should ask for. Product titles and URLs come
/// from vendors' pages, so the whole brief is sent as untrusted data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftBrief {
    pub vendor: String,
    pub products: Vec<DraftProduct>,
    pub quantity: u32,
    #[serde(with = "rust_decimal::serde::str_option")]
    pub target_unit_price: Option<Decimal>,
    pub currency: String,
    pub deadline: Option<NaiveDate>,
    pub buyer_org: String,
}

/// A drafted email, for a human to approve before anything is sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftEmail {
    pub subject: String,
    pub body: String,
}

/// A vendor's reply, as received.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplyEvidence {
    pub subject: String,
    pub body: String,
    /// The date the reply was received. Relative delivery terms ("within
    /// 10 business days", "by Friday") are resolved against it, never
    /// against the clock, so reading a stored reply again gives the same
    /// date.
    pub received_on: NaiveDate,
}

/// The offer read from a vendor's reply. A term the reply does not state
/// stays `None`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplyOffer {
    #[serde(with = "rust_decimal::serde::str_option")]
    pub unit_price: Option<Decimal>,
    /// ISO 4217 code, upper case.
    pub currency: Option<String>,
    #[serde(with = "rust_decimal::serde::str_option")]
    pub discount_percent: Option<Decimal>,
    pub quantity: Option<u32>,
    pub delivery_date: Option<NaiveDate>,
}
