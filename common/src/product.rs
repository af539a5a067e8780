//! Products found by a job, as clients see them.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::delivery::DeliveryTime;
use crate::job::JobId;

/// A product page's offer as extracted and normalised. `procura products
/// --json` prints this shape; fields are only ever added to it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Product {
    pub id: Uuid,
    pub job_id: JobId,
    /// The source (vendor) it was found at.
    pub vendor: String,
    pub url: String,
    pub title: Option<String>,
    pub brand: Option<String>,
    pub sku: Option<String>,
    pub gtin: Option<String>,
    pub mpn: Option<String>,
    #[serde(with = "rust_decimal::serde::str_option")]
    pub price: Option<Decimal>,
    #[serde(with = "rust_decimal::serde::str_option")]
    pub list_price: Option<Decimal>,
    /// ISO 4217.
    pub currency: Option<String>,
    /// "InStock" or "OutOfStock".
    pub availability: Option<String>,
    pub image: Option<String>,
    pub description: Option<String>,
    /// Spec table rows, key → value (with unit).
    pub specs: serde_json::Value,
    /// Which extraction layer found each field ("price" → "json-ld").
    pub methods: BTreeMap<String, String>,
    pub confidence: Option<f32>,
    /// Content-addressed keys of the page's screenshot and rendered HTML.
    pub screenshot_blob: Option<String>,
    pub html_blob: Option<String>,
    pub created_at: DateTime<Utc>,
    /// How long it takes to arrive, when the page says; which layer found
    /// it is in `methods` ("delivery" → "json-ld").
    #[serde(default)]
    pub delivery: Option<DeliveryTime>,
}
