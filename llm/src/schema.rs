//! The JSON schemas of the four answers, written by hand, and a validator
//! for the subset of JSON Schema they use.
//!
//! Each schema is what OpenAI's structured outputs call strict: every
//! object lists all its properties in `required` and has
//! `additionalProperties: false`; an absent value is `null`. The schema of
//! a task yields exactly the serde shape of its answer type, which the tests
//! below check both ways (every serialised value is valid; every valid
//! instance deserialises).
//!
//! Answers are validated here again after they arrive: servers that ignore
//! `response_format` (or support only part of it) must not slip an answer
//! of another shape past the typed parse.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use regex::Regex;
use serde_json::{Value, json};

use crate::Task;

/// A decimal amount as a string ("1299.99"): no sign, no grouping.
pub const DECIMAL_PATTERN: &str = "^[0-9]+(\\.[0-9]+)?$";
/// An ISO 4217 currency code.
pub const CURRENCY_PATTERN: &str = "^[A-Z]{3}$";

/// The `json_schema.name` sent for a task.
pub fn schema_name(task: Task) -> &'static str {
    match task {
        Task::Plan => "search_spec",
        Task::VisionExtract => "page_fields",
        Task::Draft => "draft_email",
        Task::ReplyParse => "reply_offer",
    }
}

/// The schema of a task's answer, built once.
pub fn schema_for(task: Task) -> &'static Value {
    static SCHEMAS: OnceLock<[Value; 4]> = OnceLock::new();
    let all = SCHEMAS.get_or_init(|| [plan(), page(), draft(), reply()]);
    match task {
        Task::Plan => &all[0],
        Task::VisionExtract => &all[1],
        Task::Draft => &all[2],
        Task::ReplyParse => &all[3],
    }
}

fn nullable_string(description: &str) -> Value {
    json!({"type": ["string", "null"], "description": description})
}

fn strings(description: &str) -> Value {
    json!({"type": "array", "items": {"type": "string"}, "description": description})
}

/// `procura_common::spec::SearchSpec`.
fn plan() -> Value {
    let budget = json!({
        "type": "object",
        "properties": {
            "amount": {"type": "string", "pattern": DECIMAL_PATTERN,
                       "description": "the amount as a plain decimal, e.g. \"300\" or \"2000.50\""},
            "currency": {"type": "string", "pattern": CURRENCY_PATTERN,
                         "description": "ISO 4217 code, e.g. USD, EUR, GBP"},
            "scope": {"type": "string", "enum": ["per_unit", "total"],
                      "description": "per_unit for a price per item, total for the whole order"}
        },
        "required": ["amount", "currency", "scope"],
        "additionalProperties": false
    });
    let requirement = json!({
        "type": "object",
        "properties": {
            "name": {"type": "string", "description": "what is constrained, normalised: ram, screen_size, feature"},
            "value": {"type": "string", "description": "the required value, normalised: 16, 27, mesh back"},
            "unit": nullable_string("normalised unit when the value has one: GB, in"),
            "comparator": {"type": "string", "enum": ["eq", "at_least", "at_most"]},
            "text": {"type": "string", "description": "the words of the request this came from"}
        },
        "required": ["name", "value", "unit", "comparator", "text"],
        "additionalProperties": false
    });
    json!({
        "type": "object",
        "properties": {
            "item": nullable_string("the goods asked for, as written"),
            "keywords": strings("search keywords, lower case, singular where obvious"),
            "category": nullable_string("a broad category when the item names one"),
            "quantity": {"type": ["integer", "null"], "minimum": 1,
                         "description": "how many units, only if the request says"},
            "budget": {"anyOf": [budget, {"type": "null"}]},
            "deadline": {"type": ["string", "null"], "format": "date",
                         "description": "latest delivery date, YYYY-MM-DD, only if the request says"},
            "required_specs": {"type": "array", "items": requirement},
            "preferred_vendors": strings("vendors the request prefers"),
            "excluded_vendors": strings("vendors the request excludes")
        },
        "required": ["item", "keywords", "category", "quantity", "budget", "deadline",
                     "required_specs", "preferred_vendors", "excluded_vendors"],
        "additionalProperties": false
    })
}

/// [`crate::PageFields`].
fn page() -> Value {
    json!({
        "type": "object",
        "properties": {
            "name": nullable_string("the product's name as shown"),
            "price": {"type": ["string", "null"], "pattern": DECIMAL_PATTERN,
                      "description": "price of one unit exactly as shown in the page text, as a plain decimal"},
            "currency": {"type": ["string", "null"], "pattern": CURRENCY_PATTERN},
            "availability": {"type": ["string", "null"], "enum": ["in_stock", "out_of_stock", null]},
            "brand": nullable_string("the brand or manufacturer"),
            "sku": nullable_string("the shop's SKU or the model number")
        },
        "required": ["name", "price", "currency", "availability", "brand", "sku"],
        "additionalProperties": false
    })
}

/// [`crate::DraftEmail`].
fn draft() -> Value {
    json!({
        "type": "object",
        "properties": {
            "subject": {"type": "string"},
            "body": {"type": "string", "description": "plain text email body"}
        },
        "required": ["subject", "body"],
        "additionalProperties": false
    })
}

/// [`crate::ReplyOffer`].
fn reply() -> Value {
    json!({
        "type": "object",
        "properties": {
            "unit_price": {"type": ["string", "null"], "pattern": DECIMAL_PATTERN,
                           "description": "offered price of one unit as written in the email"},
            "currency": {"type": ["string", "null"], "pattern": CURRENCY_PATTERN},
            "discount_percent": {"type": ["string", "null"], "pattern": DECIMAL_PATTERN},
            "quantity": {"type": ["integer", "null"], "minimum": 1},
            "delivery_date": {"type": ["string", "null"], "format": "date"}
        },
        "required": ["unit_price", "currency", "discount_percent", "quantity", "delivery_date"],
        "additionalProperties": false
    })
}

/// Checks `value` against `schema`, for the keywords these schemas use:
/// `type` (one or a list), `properties`, `required`,
/// `additionalProperties: false`, `items`, `enum`, `anyOf`, `minimum`,
/// `pattern` and `format: date`. The error names the first offending
/// place as a JSON pointer.
pub fn validate(schema: &Value, value: &Value) -> Result<(), String> {
    check(schema, value, &mut String::new())
}

fn check(schema: &Value, value: &Value, path: &mut String) -> Result<(), String> {
    let at = |path: &str| {
        if path.is_empty() {
            "/".to_owned()
        } else {
            path.to_owned()
        }
    };
    if let Some(branches) = schema.get("anyOf").and_then(Value::as_array) {
        if branches.iter().any(|b| check(b, value, path).is_ok()) {
            return Ok(());
        }
        return Err(format!("{}: matches none of the allowed shapes", at(path)));
    }
    if let Some(types) = schema.get("type") {
        let allowed: Vec<&str> = match types {
            Value::String(t) => vec![t.as_str()],
            Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        if !allowed.iter().any(|t| has_type(value, t)) {
            return Err(format!(
                "{}: expected {}, got {}",
                at(path),
                allowed.join(" or "),
                type_name(value)
            ));
        }
    }
    if let Some(options) = schema.get("enum").and_then(Value::as_array)
        && !options.contains(value)
    {
        return Err(format!("{}: {value} is not one of {options:?}", at(path)));
    }
    match value {
        Value::Object(map) => {
            let properties = schema.get("properties").and_then(Value::as_object);
            for name in schema
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
            {
                if !map.contains_key(name) {
                    return Err(format!("{}: missing field {name:?}", at(path)));
                }
            }
            for (name, item) in map {
                let len = path.len();
                path.push('/');
                path.push_str(name);
                let result = match properties.and_then(|p| p.get(name)) {
                    Some(sub) => check(sub, item, path),
                    None if schema.get("additionalProperties") == Some(&Value::Bool(false)) => {
                        Err(format!("{path}: field not allowed"))
                    }
                    None => Ok(()),
                };
                path.truncate(len);
                result?;
            }
        }
        Value::Array(items) => {
            if let Some(sub) = schema.get("items") {
                for (i, item) in items.iter().enumerate() {
                    let len = path.len();
                    path.push_str(&format!("/{i}"));
                    let result = check(sub, item, path);
                    path.truncate(len);
                    result?;
                }
            }
        }
        Value::Number(n) => {
            if let (Some(min), Some(x)) =
                (schema.get("minimum").and_then(Value::as_f64), n.as_f64())
                && x < min
            {
                return Err(format!("{}: {n} is below the minimum {min}", at(path)));
            }
        }
        Value::String(s) => {
            if let Some(pattern) = schema.get("pattern").and_then(Value::as_str)
                && !matches_pattern(pattern, s)?
            {
                return Err(format!("{}: {s:?} does not match {pattern}", at(path)));
            }
            if schema.get("format").and_then(Value::as_str) == Some("date")
                && chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_err()
            {
                return Err(format!("{}: {s:?} is not a YYYY-MM-DD date", at(path)));
            }
        }
        Value::Null | Value::Bool(_) => {}
    }
    Ok(())
}

fn has_type(value: &Value, t: &str) -> bool {
    match t {
        "object" => value.is_object(),
        "array" => value.is_array(),
        "string" => value.is_string(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        "null" => value.is_null(),
        _ => false,
    }
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_f64() => "number",
        Value::Number(_) => "integer",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Patterns are the schemas' own constants, compiled once each.
fn matches_pattern(pattern: &str, s: &str) -> Result<bool, String> {
    static CACHE: OnceLock<Mutex<HashMap<String, Regex>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let mut cache = cache
        .lock()
        .map_err(|_| "schema pattern cache poisoned".to_owned())?;
    if let Some(re) = cache.get(pattern) {
        return Ok(re.is_match(s));
    }
    let re = Regex::new(pattern).map_err(|e| format!("schema pattern {pattern}: {e}"))?;
    let hit = re.is_match(s);
    cache.insert(pattern.to_owned(), re);
    Ok(hit)
}

#[cfg(test)]
#[path = "schema_tests.rs"]
mod tests;
