//! Finding products the organization has seen, and a job's ranked
//! shortlist with a reason for every place and every exclusion.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::job::JobId;
use crate::product::Product;
use crate::spec::SpecRequirement;

/// How `find` ranks: both signals fused (the default), or one alone (for
/// measuring what each contributes).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SearchMode {
    #[default]
    Hybrid,
    Lexical,
    Vector,
}

impl std::str::FromStr for SearchMode {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "hybrid" => Ok(SearchMode::Hybrid),
            "lexical" => Ok(SearchMode::Lexical),
            "vector" => Ok(SearchMode::Vector),
            other => Err(format!(
                "{other:?}: the modes are hybrid, lexical and vector"
            )),
        }
    }
}

/// A search over products by meaning and by constraint.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct FindRequest {
    pub text: String,
    /// Only this job's products (else everything the organization has seen).
    pub job: Option<JobId>,
    /// Price per unit at least / at most this, in `currency`.
    #[serde(with = "rust_decimal::serde::str_option")]
    pub min_price: Option<Decimal>,
    #[serde(with = "rust_decimal::serde::str_option")]
    pub max_price: Option<Decimal>,
    /// ISO 4217 code of the price range, and the currency results are also
    /// shown in (default: the daemon's base currency).
    pub currency: Option<String>,
    /// "InStock" or "OutOfStock".
    pub availability: Option<String>,
    pub vendors: Vec<String>,
    pub brands: Vec<String>,
    /// Spec constraints, e.g. `screen size >= 27 inch`.
    pub specs: Vec<SpecRequirement>,
    /// At most this many results (default 20, at most 200).
    pub limit: u32,
    pub mode: SearchMode,
}

/// An amount in a currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Money {
    #[serde(with = "rust_decimal::serde::str")]
    pub amount: Decimal,
    pub currency: String,
}

impl std::fmt::Display for Money {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:.2} {}", self.amount, self.currency)
    }
}

/// One search result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Found {
    // Not `#[serde(flatten)]`: flattening breaks the decimal fields' own
    // (de)serializers. `procura find --json` flattens for scripts.
    pub product: Product,
    /// Higher is better; comparable within one answer only.
    pub score: f32,
    /// The price in the request's currency, when it is another.
    pub converted: Option<Money>,
}

/// A product's place in its job's shortlist, or why it is out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShortlistEntry {
    /// 1-based place; `None` for an excluded product.
    pub position: Option<u32>,
    pub excluded: bool,
    pub score: f32,
    /// One line a buyer can read.
    pub reason: String,
    /// Products in the same group are the same item at different vendors.
    pub group: Option<u32>,
    /// Price per unit in the budget's currency (else the base currency).
    pub compare_price: Option<Money>,
    /// The day of the exchange rate used for `compare_price`.
    pub rate_day: Option<NaiveDate>,
    pub product: Product,
}

/// The same item sold by several vendors.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProductGroup {
    pub group: u32,
    /// The product ids, cheapest first (by compare price).
    pub products: Vec<Uuid>,
    /// Why they are one item: "same GTIN", "same MPN and brand", "similar
    /// title and specs (0.91)".
    pub why: String,
}

/// A job's shortlist: ranked entries first, then the exclusions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Shortlist {
    pub job: JobId,
    pub entries: Vec<ShortlistEntry>,
    pub groups: Vec<ProductGroup>,
}
