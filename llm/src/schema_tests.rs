//! The schemas against the serde shapes of their answer types.

use std::str::FromStr;

use chrono::NaiveDate;
use procura_common::spec::{Budget, BudgetScope, Comparator, SearchSpec, SpecRequirement};
use rust_decimal::Decimal;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use super::*;
use crate::{Availability, DraftEmail, PageFields, ReplyOffer};

/// Strict mode's rules, everywhere in the schema: objects list every
/// property as required and allow no others.
fn assert_strict(schema: &Value, path: &str) {
    if let Some(branches) = schema.get("anyOf").and_then(Value::as_array) {
        for (i, b) in branches.iter().enumerate() {
            assert_strict(b, &format!("{path}/anyOf/{i}"));
        }
        return;
    }
    if let Some(props) = schema.get("properties").and_then(Value::as_object) {
        assert_eq!(
            schema.get("additionalProperties"),
            Some(&Value::Bool(false)),
            "{path}"
        );
        let mut required: Vec<&str> = schema["required"]
            .as_array()
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let mut names: Vec<&str> = props.keys().map(String::as_str).collect();
        required.sort_unstable();
        names.sort_unstable();
        assert_eq!(required, names, "{path}: required must list every property");
        for (name, sub) in props {
            assert_strict(sub, &format!("{path}/{name}"));
        }
    }
    if let Some(items) = schema.get("items") {
        assert_strict(items, &format!("{path}/items"));
    }
}

/// Instances valid against `schema`, covering every branch: each nullable
/// value both present and null, each enum value, arrays empty and full.
fn instances(schema: &Value) -> Vec<Value> {
    if let Some(branches) = schema.get("anyOf").and_then(Value::as_array) {
        return branches.iter().flat_map(instances).collect();
    }
    if let Some(options) = schema.get("enum").and_then(Value::as_array) {
        return options.clone();
    }
    let types: Vec<&str> = match &schema["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    let mut out = Vec::new();
    for t in types {
        match t {
            "null" => out.push(Value::Null),
            "integer" => out.push(json!(3)),
            "string" => out.push(
                match (schema["pattern"].as_str(), schema["format"].as_str()) {
                    (Some(DECIMAL_PATTERN), _) => json!("1299.99"),
                    (Some(CURRENCY_PATTERN), _) => json!("EUR"),
                    (_, Some("date")) => json!("2026-12-15"),
                    _ => json!("mesh back"),
                },
            ),
            "array" => {
                out.push(json!([]));
                out.push(Value::Array(instances(&schema["items"])));
            }
            "object" => {
                let props = schema["properties"]
                    .as_object()
                    .cloned()
                    .unwrap_or_default();
                let choices: Vec<(String, Vec<Value>)> = props
                    .iter()
                    .map(|(k, s)| (k.clone(), instances(s)))
                    .collect();
                let base: serde_json::Map<String, Value> = choices
                    .iter()
                    .map(|(k, vs)| (k.clone(), vs[0].clone()))
                    .collect();
                out.push(Value::Object(base.clone()));
                for (k, vs) in &choices {
                    for v in &vs[1..] {
                        let mut variant = base.clone();
                        variant.insert(k.clone(), v.clone());
                        out.push(Value::Object(variant));
                    }
                }
            }
            other => panic!("no instances for type {other}"),
        }
    }
    out
}

/// Every instance is valid, deserialises into `T`, and serialises back to
/// itself: the schema and the serde shape are the same.
fn assert_round_trips<T: Serialize + DeserializeOwned + std::fmt::Debug>(task: Task) -> usize {
    let schema = schema_for(task);
    assert_strict(schema, "");
    let all = instances(schema);
    for instance in &all {
        validate(schema, instance).unwrap_or_else(|e| panic!("{instance}: {e}"));
        let typed: T = serde_json::from_value(instance.clone())
            .unwrap_or_else(|e| panic!("{task}: {instance} does not deserialise: {e}"));
        let back = serde_json::to_value(&typed).unwrap();
        assert_eq!(&back, instance, "{task}: round trip changed the value");
    }
    all.len()
}

#[test]
fn schema_valid_answers_deserialise_into_every_answer_type() {
    assert_eq!(assert_round_trips::<SearchSpec>(Task::Plan), 11);
    assert_eq!(assert_round_trips::<PageFields>(Task::VisionExtract), 8);
    assert_eq!(assert_round_trips::<DraftEmail>(Task::Draft), 1);
    assert_eq!(assert_round_trips::<ReplyOffer>(Task::ReplyParse), 6);
}

fn full_spec() -> SearchSpec {
    SearchSpec {
        item: Some("ergonomic office chairs".into()),
        keywords: vec!["ergonomic".into(), "office chair".into()],
        category: Some("office furniture".into()),
        quantity: Some(20),
        budget: Some(Budget {
            amount: Decimal::from_str("300").unwrap(),
            currency: "USD".into(),
            scope: BudgetScope::PerUnit,
        }),
        deadline: NaiveDate::from_ymd_opt(2026, 12, 15),
        required_specs: vec![SpecRequirement {
            name: "feature".into(),
            value: "mesh back".into(),
            unit: None,
            comparator: Comparator::AtLeast,
            text: "mesh back".into(),
        }],
        preferred_vendors: vec!["Acme".into()],
        excluded_vendors: vec!["Shoddy".into()],
    }
}

#[test]
fn every_serialised_answer_is_valid_against_its_schema() {
    for spec in [SearchSpec::default(), full_spec()] {
        let value = serde_json::to_value(&spec).unwrap();
        validate(schema_for(Task::Plan), &value).unwrap();
        // And the schema names exactly SearchSpec's fields.
        let mut fields: Vec<_> = value.as_object().unwrap().keys().cloned().collect();
        let mut props: Vec<_> = schema_for(Task::Plan)["properties"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        fields.sort();
        props.sort();
        assert_eq!(fields, props);
    }
    let page = PageFields {
        name: Some("Chair".into()),
        price: Some(Decimal::from_str("849.00").unwrap()),
        currency: Some("GBP".into()),
        availability: Some(Availability::OutOfStock),
        brand: None,
        sku: Some("CH-1".into()),
    };
    for v in [page, PageFields::default()] {
        validate(
            schema_for(Task::VisionExtract),
            &serde_json::to_value(&v).unwrap(),
        )
        .unwrap();
    }
    let offer = ReplyOffer {
        unit_price: Some(Decimal::from_str("270.5").unwrap()),
        currency: Some("EUR".into()),
        discount_percent: Some(Decimal::from(10)),
        quantity: Some(20),
        delivery_date: NaiveDate::from_ymd_opt(2026, 12, 1),
    };
    for v in [offer, ReplyOffer::default()] {
        validate(
            schema_for(Task::ReplyParse),
            &serde_json::to_value(&v).unwrap(),
        )
        .unwrap();
    }
}

#[test]
fn invalid_answers_are_named() {
    let schema = schema_for(Task::Plan);
    let good = serde_json::to_value(full_spec()).unwrap();
    type Mutation = Box<dyn Fn(&mut Value)>;
    let cases: Vec<(&str, Mutation, &str)> = vec![
        (
            "missing",
            Box::new(|v| drop(v.as_object_mut().unwrap().remove("keywords"))),
            "missing field \"keywords\"",
        ),
        (
            "extra",
            Box::new(|v| v["action"] = json!("send_email")),
            "/action: field not allowed",
        ),
        (
            "enum",
            Box::new(|v| v["budget"]["scope"] = json!("monthly")),
            "/budget",
        ),
        (
            "currency",
            Box::new(|v| v["budget"]["currency"] = json!("usd")),
            "/budget",
        ),
        (
            "date",
            Box::new(|v| v["deadline"] = json!("15 Dec")),
            "/deadline",
        ),
        (
            "integer",
            Box::new(|v| v["quantity"] = json!("20")),
            "/quantity: expected integer or null, got string",
        ),
        (
            "minimum",
            Box::new(|v| v["quantity"] = json!(0)),
            "/quantity: 0 is below",
        ),
        (
            "float",
            Box::new(|v| v["quantity"] = json!(2.5)),
            "/quantity",
        ),
        (
            "item type",
            Box::new(|v| v["required_specs"][0]["comparator"] = json!("gt")),
            "/required_specs/0/comparator",
        ),
        ("root", Box::new(|v| *v = json!([1])), "/: expected object"),
    ];
    for (name, mutate, want) in cases {
        let mut v = good.clone();
        mutate(&mut v);
        let err = validate(schema, &v).expect_err(name);
        assert!(err.contains(want), "{name}: {err}");
    }
    let bad_price = json!({"name": null, "price": "1,299.99", "currency": null,
                           "availability": null, "brand": null, "sku": null});
    let err = validate(schema_for(Task::VisionExtract), &bad_price).unwrap_err();
    assert!(err.contains("/price"), "{err}");
}
