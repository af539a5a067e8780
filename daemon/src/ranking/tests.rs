use std::collections::BTreeMap;

use chrono::{NaiveDate, Utc};
use procura_common::delivery::DeliveryTime;
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
        delivery: None,
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

fn delivering(mut p: Product, min: u16, max: u16, business: bool) -> Product {
    p.delivery = DeliveryTime::new(min, max, business);
    p
}

fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, d).unwrap()
}

#[test]
fn a_deadline_excludes_offers_that_arrive_too_late_where_the_delivery_time_is_known() {
    // Today is Thursday 26 Nov; the deadline Friday 4 Dec.
    let products = [
        delivering(
            product("Bürokontor Berlin", "Office chair A", "100", "EUR"),
            8,
            10,
            true,
        ),
        delivering(
            product("Bürokontor Berlin", "Office chair B", "110", "EUR"),
            2,
            3,
            true,
        ),
        delivering(
            product("Thames", "Office chair C", "120", "EUR"),
            1,
            1,
            true,
        ),
        product("Canal Street", "Office chair D", "130", "EUR"),
        // 6 business days from Thursday is Friday 4 Dec: just in time.
        delivering(
            product("Northwind", "Office chair E", "140", "EUR"),
            6,
            6,
            true,
        ),
        // 9 calendar days is Saturday 5 Dec: a day late.
        delivering(
            product("Northwind", "Office chair F", "150", "EUR"),
            9,
            9,
            false,
        ),
        // Late and out of stock: out of stock is said first.
        {
            let mut p = delivering(
                product("Northwind", "Office chair G", "90", "EUR"),
                20,
                30,
                false,
            );
            p.availability = Some("OutOfStock".into());
            p
        },
    ];
    let mut spec = spec("500", "EUR");
    spec.deadline = Some(day(12, 4));
    let ranked = run(&spec, &products, &[None; 7]);
    let of = |i: usize| {
        ranked
            .iter()
            .find(|r| r.product_id == products[i].id)
            .unwrap()
    };
    assert!(of(0).excluded);
    assert_eq!(
        of(0).reason,
        "excluded: delivers in 8–10 business days (by 10 Dec), after the 4 Dec deadline, \
         at Bürokontor Berlin"
    );
    assert!(of(0).compare_price.is_some());
    assert!(!of(1).excluded);
    assert!(
        of(1)
            .reason
            .contains("; arrives by 1 Dec (2–3 business days)"),
        "{}",
        of(1).reason
    );
    assert!(
        of(2)
            .reason
            .contains("; arrives by 27 Nov (next business day)"),
        "{}",
        of(2).reason
    );
    assert!(!of(3).excluded);
    assert!(
        of(3).reason.contains("; delivery time not shown"),
        "{}",
        of(3).reason
    );
    assert!(!of(4).excluded, "{}", of(4).reason);
    assert!(of(4).reason.contains("arrives by 4 Dec (6 business days)"));
    assert_eq!(
        of(5).reason,
        "excluded: delivers in 9 days (by 5 Dec), after the 4 Dec deadline, at Northwind"
    );
    assert_eq!(of(6).reason, "excluded: out of stock at Northwind");
    let kept: Vec<u32> = ranked.iter().filter_map(|r| r.position).collect();
    assert_eq!(kept, vec![1, 2, 3, 4]);
}

#[test]
fn without_a_deadline_nothing_is_excluded_for_delivery_and_unknown_is_not_mentioned() {
    let products = [
        delivering(
            product("Northwind", "Office chair", "100", "EUR"),
            60,
            90,
            false,
        ),
        product("Canal Street", "Office chair", "110", "EUR"),
    ];
    let ranked = run(&spec("500", "EUR"), &products, &[None; 2]);
    assert!(ranked.iter().all(|r| !r.excluded), "{ranked:#?}");
    let of = |i: usize| {
        ranked
            .iter()
            .find(|r| r.product_id == products[i].id)
            .unwrap()
            .reason
            .clone()
    };
    // 90 days from 26 Nov 2026 is in the next year: the year is shown.
    assert!(
        of(0).contains("arrives by 24 Feb 2027 (60–90 days)"),
        "{}",
        of(0)
    );
    assert!(!of(1).contains("delivery"), "{}", of(1));
}

#[test]
fn a_weekend_order_counts_business_days_from_monday() {
    let saturday = day(11, 28);
    let next_day = DeliveryTime::new(1, 1, true);
    assert_eq!(
        deadline::check(next_day, Some(day(11, 30)), saturday),
        deadline::Arrival::InTime {
            by: day(11, 30),
            time: next_day.unwrap()
        }
    );
    let late = deadline::check(next_day, Some(day(11, 29)), saturday);
    assert_eq!(
        late.exclusion("Thames", saturday).as_deref(),
        Some(
            "excluded: delivers next business day (by 30 Nov), after the 29 Nov deadline, at Thames"
        )
    );
    assert_eq!(
        deadline::check(None, None, saturday).kept_part(saturday),
        None
    );
}
