//! Product extraction from HTML, in pure Rust and with no network.
//!
//! [`extract`] reads a saved or fetched product page and returns each field
//! with the layer that found it and a confidence. Layers, most trusted first:
//!
//! 1. JSON-LD (`@graph`, arrays, `Product`, `ProductGroup`/`hasVariant`,
//!    `Offer`, `AggregateOffer`, types with or without the schema.org URL);
//! 2. microdata (`itemscope`/`itemprop`, schema.org and data-vocabulary.org);
//! 3. RDFa (`typeof`/`property`, schema.org vocabulary);
//! 4. OpenGraph and meta tags (`product:price:amount`, `og:price:amount`,
//!    `itemprop` outside any item);
//! 5. embedded application state (`__NEXT_DATA__`, `__NUXT__`,
//!    `window.__INITIAL_STATE__` and the like);
//! 6. DOM heuristics: the price near the title and the buy button, sale
//!    price over a struck-through list price, per-unit prices set aside,
//!    labelled identifiers and out-of-stock wording in the languages shops
//!    use.
//!
//! The delivery time comes from schema.org `shippingDetails` in the
//! structured layers, else from delivery wording near the offer
//! ("Lieferzeit 2–3 Werktage", "next-day delivery"; see `delivery.rs`).
//!
//! Every string leaving the crate is sanitised for a terminal
//! ([`text::clean`]).

use procura_common::delivery::DeliveryTime;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

pub mod cli;
pub mod currency;
pub mod html;
pub mod price;
pub mod text;

mod appstate;
mod delivery;
mod dom;
mod entities;
mod jsonld;
mod merge;
mod meta;
mod microdata;
mod schema;
mod specs;

pub use merge::explain;
pub use price::{Money, PriceRange, parse_price};

/// Where a field was found, most trusted first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Layer {
    #[serde(rename = "json-ld")]
    JsonLd,
    Microdata,
    Rdfa,
    #[serde(rename = "opengraph")]
    OpenGraph,
    Meta,
    AppState,
    Dom,
}

impl Layer {
    /// The name used in `method` maps: `json-ld`, `microdata`, `rdfa`,
    /// `opengraph`, `meta`, `app-state`, `dom`.
    pub fn as_str(self) -> &'static str {
        match self {
            Layer::JsonLd => "json-ld",
            Layer::Microdata => "microdata",
            Layer::Rdfa => "rdfa",
            Layer::OpenGraph => "opengraph",
            Layer::Meta => "meta",
            Layer::AppState => "app-state",
            Layer::Dom => "dom",
        }
    }

    /// How far a value from this layer is trusted before any agreement
    /// between layers is counted.
    pub fn base_confidence(self) -> f32 {
        match self {
            Layer::JsonLd => 0.95,
            Layer::Microdata => 0.9,
            Layer::Rdfa => 0.85,
            Layer::OpenGraph => 0.8,
            Layer::Meta => 0.75,
            Layer::AppState => 0.65,
            Layer::Dom => 0.55,
        }
    }
}

/// Whether the product can be bought now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Availability {
    InStock,
    OutOfStock,
}

impl Availability {
    pub fn as_str(self) -> &'static str {
        match self {
            Availability::InStock => "InStock",
            Availability::OutOfStock => "OutOfStock",
        }
    }
}

/// A value with the layer that found it and a confidence in 0..=1.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Field<T> {
    pub value: T,
    pub layer: Layer,
    pub confidence: f32,
}

/// One row of the specification table, for the `specs` JSONB column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpecRow {
    pub key: String,
    pub value: String,
    /// The unit, normalised (`GB`, `inch`, `kg`, `W`, ...), when the value
    /// is a quantity; `value` then holds the number alone.
    pub unit: Option<String>,
    pub layer: Layer,
}

/// Everything read from one page. A field not found is `None`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Extraction {
    pub name: Option<Field<String>>,
    pub brand: Option<Field<String>>,
    pub sku: Option<Field<String>>,
    pub gtin: Option<Field<String>>,
    pub mpn: Option<Field<String>>,
    pub price: Option<Field<Decimal>>,
    /// ISO 4217.
    pub currency: Option<Field<String>>,
    pub availability: Option<Field<Availability>>,
    pub list_price: Option<Field<Decimal>>,
    pub image: Option<Field<String>>,
    pub description: Option<Field<String>>,
    pub specs: Vec<SpecRow>,
    /// How long the offer takes to arrive, when the page says.
    #[serde(default)]
    pub delivery: Option<Field<DeliveryTime>>,
}

/// Errors of the library's fallible helpers.
#[derive(Debug, thiserror::Error)]
pub enum ExtractError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path} is not UTF-8 HTML")]
    Encoding { path: String },
}

/// Extracts a product from a page. `page_url` (when known) helps pick the
/// main product among several and the currency of a country's shop.
pub fn extract(html: &str, page_url: Option<&str>) -> Extraction {
    let doc = html::Document::parse(html);
    merge::extract_document(&doc, page_url)
}

impl Extraction {
    /// One line of `procurad extract` output: `page`, then each field found
    /// (`name`, `price` as a decimal string, `currency`, `sku`,
    /// `availability` as `InStock`/`OutOfStock`, `brand`, `gtin`, `mpn`) and
    /// `method`, mapping each of those fields to its layer.
    pub fn to_json_line(&self, page: &str) -> serde_json::Value {
        let mut obj = serde_json::Map::new();
        let mut method = serde_json::Map::new();
        obj.insert("page".into(), page.into());
        let mut put = |key: &str, value: Option<(String, Layer)>| {
            if let Some((v, layer)) = value {
                obj.insert(key.into(), v.into());
                method.insert(key.into(), layer.as_str().into());
            }
        };
        let s = |f: &Option<Field<String>>| f.as_ref().map(|f| (f.value.clone(), f.layer));
        put("name", s(&self.name));
        put(
            "price",
            self.price
                .as_ref()
                .map(|f| (f.value.normalize().to_string(), f.layer)),
        );
        put("currency", s(&self.currency));
        put("sku", s(&self.sku));
        put(
            "availability",
            self.availability
                .as_ref()
                .map(|f| (f.value.as_str().to_string(), f.layer)),
        );
        put("brand", s(&self.brand));
        put("gtin", s(&self.gtin));
        put("mpn", s(&self.mpn));
        obj.insert("method".into(), serde_json::Value::Object(method));
        serde_json::Value::Object(obj)
    }
}
