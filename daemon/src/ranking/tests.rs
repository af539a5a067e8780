use std::collections::BTreeMap;

use chrono::{NaiveDate, Utc};
use procura_common::money::RateTable;
use procura_common::product::Product;
use procura_common::spec::{Budget, BudgetScope, Comparator, SearchSpec, SpecRequirement};
use rust_decimal::Decimal;
use serde_json::json;
use uuid::Uuid;

use super::*;

fn product(vendor: &str, title: &str, price: &str, currency: &str) -> Product {
    Product {
        id: Uuid::new_v4(),
        job_id: Uuid::nil(),
        vendor: vendor.into(),
        url: format!("http://127.0.0.1/{vendor}/{title}"),
        title: Some(title.into()),
        brand: None,
        sku: None,
        gtin: None,
        mpn: None,
        price: Some(price.parse().unwrap()),
        list_price: None,
        currency: Some(currency.into()),
        availability: Some("InStock".into()),
        image: None,
        description: None,
        specs: json!({}),
        methods: BTreeMap::new(),
        confidence: None,
        screenshot_blob: None,
        html_blob: None,
        created_at: Utc::now(),
    }
}

fn spec(budget: &str, currency: &str) -> SearchSpec {
    SearchSpec {
        budget: Some(Budget {
            amount: budget.parse().unwrap(),
            currency: currency.into(),
            scope: BudgetScope::PerUnit,
        }),
        ..SearchSpec::default()
    }
}

fn rates() -> RateTable {
    let day = NaiveDate::from_ymd_opt(2026, 11, 2).unwrap();
    RateTable {
        base: "EUR".into(),
        rates: BTreeMap::from([(
            day,
            BTreeMap::from([
                ("USD".to_string(), Decimal::new(125, 2)),
                ("GBP".to_string(), Decimal::new(80, 2)),
            ]),
        )]),
    }
}

fn run(spec: &SearchSpec, products: &[Product], groups: &[Option<u32>]) -> Vec<Ranked> {
    let rates = rates();
    let request = Request {
        spec,
        text: "office chair",
        rates: &rates,
        today: NaiveDate::from_ymd_opt(2026, 11, 26).unwrap(),
    };
    let candidates: Vec<Candidate<'_>> = products
        .iter()
        .zip(groups)
        .map(|(p, g)| Candidate {
            product: p,
            similarity: None,
            group: *g,
        })
        .collect();
    rank(&request, &candidates)
}

#[test]
fn a_eur_budget_ranks_usd_and_gbp_offers_by_their_euro_price() {
    // 250 USD = 200 EUR, 150 GBP = 187.50 EUR, 190 EUR: GBP is cheapest.
    let products = [
        product("Northwind", "Office chair A", "250", "USD"),
        product("Thames", "Office chair B", "150", "GBP"),
        product("Bürokontor", "Office chair C", "190", "EUR"),
        product("Northwind", "Office chair D", "300", "USD"),
    ];
    let ranked = run(&spec("200", "EUR"), &products, &[None; 4]);
    let kept: Vec<&Ranked> = ranked.iter().filter(|r| !r.excluded).collect();
    assert_eq!(kept.len(), 3, "{ranked:#?}");
    assert_eq!(kept[0].product_id, products[1].id, "{ranked:#?}");
    assert!(
        kept[0]
            .reason
            .starts_with("#1: 150 GBP ≈ 187.50 EUR at Thames"),
        "{}",
        kept[0].reason
    );
    assert!(kept[0].reason.contains("lowest price on the list"));
    assert_eq!(
        kept[0].compare_price.as_ref().unwrap().to_string(),
        "187.50 EUR"
    );
    assert_eq!(kept[0].rate_day, NaiveDate::from_ymd_opt(2026, 11, 2));
    let over = ranked
        .iter()
        .find(|r| r.product_id == products[3].id)
        .unwrap();
    assert!(over.excluded);
    assert_eq!(
        over.reason,
        "excluded: 300 USD ≈ 240.00 EUR per unit is over the budget of 200.00 EUR per unit"
    );
}

#[test]
fn exclusions_say_why_and_groups_name_the_cheapest_vendor() {
    let mut out_of_stock = product("Thames", "Office chair", "100", "EUR");
    out_of_stock.availability = Some("OutOfStock".into());
    let mut no_price = product("Canal", "Office chair", "1", "EUR");
    no_price.price = None;
    let mut small = product("Northwind", "Office chair", "100", "EUR");
    small.specs = json!({ "Seat height": "42 cm" });
    let same_a = product("Northwind", "Kontura chair", "150", "EUR");
    let same_b = product("Bürokontor", "Kontura Stuhl", "160", "EUR");
    let mut spec = spec("500", "EUR");
    spec.required_specs = vec![SpecRequirement {
        name: "seat_height".into(),
        value: "45".into(),
        unit: Some("cm".into()),
        comparator: Comparator::AtLeast,
        text: "seat height at least 45 cm".into(),
    }];
    let products = [out_of_stock, no_price, small, same_a, same_b];
    let ranked = run(&spec, &products, &[None, None, None, Some(7), Some(7)]);
    let reason = |i: usize| {
        ranked
            .iter()
            .find(|r| r.product_id == products[i].id)
            .unwrap()
            .reason
            .clone()
    };
    assert_eq!(reason(0), "excluded: out of stock at Thames");
    assert_eq!(reason(1), "excluded: Canal shows no price");
    assert_eq!(
        reason(2),
        "excluded: Seat height 42 cm, the request needs ≥ 45 cm"
    );
    assert!(
        reason(3).starts_with("#1: 150 EUR at Northwind"),
        "{}",
        reason(3)
    );
    assert!(
        reason(3).contains("page silent on seat height at least 45 cm"),
        "{}",
        reason(3)
    );
    assert!(
        reason(3).contains("cheapest of 2 vendors for this item"),
        "{}",
        reason(3)
    );
    assert!(
        reason(4).contains("10.00 EUR more than the cheapest of 2 vendors"),
        "{}",
        reason(4)
    );
}
