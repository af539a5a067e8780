//! The structured form of an operator's request, produced by the `plan` node.
//!
//! A field the request does not state stays empty: the planner never
//! invents a quantity, a budget or a date.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchSpec {
    /// The goods asked for, as written ("ergonomic office chairs").
    pub item: Option<String>,
    /// Normalised search keywords (lower case, singular where obvious).
    pub keywords: Vec<String>,
    /// A broad category when the item names one ("office furniture").
    pub category: Option<String>,
    pub quantity: Option<u32>,
    pub budget: Option<Budget>,
    /// The latest acceptable delivery date (UTC calendar day).
    pub deadline: Option<NaiveDate>,
    pub required_specs: Vec<SpecRequirement>,
    pub preferred_vendors: Vec<String>,
    pub excluded_vendors: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BudgetScope {
    /// The price of one unit ("under $300 each").
    PerUnit,
    /// The whole order ("€2k total").
    Total,
}

/// A spending limit: a decimal amount in an ISO 4217 currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Budget {
    #[serde(with = "rust_decimal::serde::str")]
    pub amount: Decimal,
    /// ISO 4217 code, upper case ("USD").
    pub currency: String,
    pub scope: BudgetScope,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Comparator {
    #[default]
    Eq,
    AtLeast,
    AtMost,
}

/// A property the goods must have ("16GB RAM", "27 inch", "mesh back").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpecRequirement {
    /// What is constrained, normalised ("ram", "screen_size", "feature").
    pub name: String,
    /// The required value, normalised ("16", "27", "mesh back").
    pub value: String,
    /// Normalised unit when the value has one ("GB", "in").
    pub unit: Option<String>,
    #[serde(default)]
    pub comparator: Comparator,
    /// The words of the request this came from.
    pub text: String,
}
