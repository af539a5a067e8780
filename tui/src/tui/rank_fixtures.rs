//! Fixed find results and a shortlist of the chairs job for the tests:
//! prices in GBP, EUR and USD compared in USD (the job's budget), two
//! cross-vendor groups and three exclusions.

use chrono::NaiveDate;
use procura_common::product::Product;
use procura_common::rank::{Found, Money, ProductGroup, Shortlist, ShortlistEntry};
use rust_decimal::Decimal;

use super::test_support::{id, product, product_id};

fn money(cents: i64, currency: &str) -> Money {
    Money {
        amount: Decimal::new(cents, 2),
        currency: currency.into(),
    }
}

fn offer(n: u128, vendor: &str, title: &str, cents: i64, currency: &str) -> Product {
    product(n, vendor, title, Some(cents), currency)
}

/// An entry: ranked at `position`, or excluded when it is `None`.
fn entry(
    position: Option<u32>,
    p: Product,
    compare: Option<Money>,
    group: Option<u32>,
    score: f32,
    reason: &str,
) -> ShortlistEntry {
    let converted = p.currency.as_deref() != compare.as_ref().map(|m| m.currency.as_str());
    ShortlistEntry {
        position,
        excluded: position.is_none(),
        score,
        reason: reason.into(),
        group,
        rate_day: (converted && compare.is_some())
            .then(|| NaiveDate::from_ymd_opt(2025, 1, 2).unwrap_or_default()),
        compare_price: compare,
        product: p,
    }
}

/// The chairs job's shortlist as the daemon sends it: ranked entries in
/// order, then the exclusions.
pub fn shortlist() -> Shortlist {
    let entries = vec![
        entry(
            Some(1),
            offer(21, "Thames", "ErgoPro Mesh Task Chair", 15000, "GBP"),
            Some(money(19050, "USD")),
            Some(1),
            0.874,
            "#1: 150.00 GBP ≈ 190.50 USD at Thames; meets 2 of 2 required specs; \
             cheapest of 3 vendors for this item; match to the request 0.91",
        ),
        entry(
            Some(2),
            offer(22, "Northwind", "Kontura Mesh Chair", 20000, "USD"),
            Some(money(20000, "USD")),
            Some(2),
            0.811,
            "#2: 200.00 USD at Northwind; meets 2 of 2 required specs; \
             cheapest of 2 vendors for this item; match to the request 0.88",
        ),
        entry(
            Some(3),
            offer(23, "Bürokontor", "ErgoPro Bürostuhl Mesh", 19000, "EUR"),
            Some(money(20520, "USD")),
            Some(1),
            0.793,
            "#3: 190.00 EUR ≈ 205.20 USD at Bürokontor; meets 2 of 2 required specs; \
             14.70 USD more than the cheapest of 3 vendors for this item; match to the request 0.90",
        ),
        entry(
            Some(4),
            offer(24, "Bürokontor", "Kontura Stuhl", 19900, "EUR"),
            Some(money(21492, "USD")),
            Some(2),
            0.702,
            "#4: 199.00 EUR ≈ 214.92 USD at Bürokontor; meets 1 of 2 required specs \
             (page silent on seat_height); 14.92 USD more than the cheapest of 2 vendors \
             for this item; match to the request 0.84",
        ),
        entry(
            Some(5),
            offer(25, "Northwind", "ErgoPro Mesh Task Chair", 22900, "USD"),
            Some(money(22900, "USD")),
            Some(1),
            0.655,
            "#5: 229.00 USD at Northwind; meets 2 of 2 required specs; \
             38.50 USD more than the cheapest of 3 vendors for this item; match to the request 0.91",
        ),
        entry(
            None,
            Product {
                availability: Some("OutOfStock".into()),
                ..offer(26, "chairmart", "Budget Mesh Office Chair", 8999, "USD")
            },
            Some(money(8999, "USD")),
            None,
            0.0,
            "excluded: out of stock at chairmart",
        ),
        entry(
            None,
            offer(27, "Thames", "Executive Leather Chair", 27900, "GBP"),
            Some(money(35433, "USD")),
            None,
            0.0,
            "excluded: 279.00 GBP ≈ 354.33 USD per unit is over the budget of 300.00 USD per unit",
        ),
        entry(
            None,
            offer(28, "Northwind", "Compact Task Chair", 12000, "USD"),
            Some(money(12000, "USD")),
            None,
            0.0,
            "excluded: Seat height 42 cm, the request needs ≥ 45 cm",
        ),
    ];
    Shortlist {
        job: id(1),
        entries,
        groups: vec![
            ProductGroup {
                group: 1,
                products: vec![product_id(21), product_id(23), product_id(25)],
                why: "same GTIN".into(),
            },
            ProductGroup {
                group: 2,
                products: vec![product_id(22), product_id(24)],
                why: "similar title and specs (0.91)".into(),
            },
        ],
    }
}

fn found(p: Product, score: f32, converted: Option<Money>) -> Found {
    Found {
        product: p,
        score,
        converted,
    }
}

/// What `mesh chair max:300 cur:EUR` finds across the organization's jobs.
pub fn found_chairs() -> Vec<Found> {
    vec![
        found(
            Product {
                brand: Some("ErgoPro".into()),
                sku: Some("EP-2024-BLK".into()),
                ..offer(21, "Thames", "ErgoPro Mesh Task Chair", 15000, "GBP")
            },
            0.912,
            Some(money(18000, "EUR")),
        ),
        found(
            offer(23, "Bürokontor", "ErgoPro Bürostuhl Mesh", 19000, "EUR"),
            0.874,
            Some(money(19000, "EUR")),
        ),
        found(
            Product {
                job_id: id(3),
                ..offer(22, "Northwind", "Kontura Mesh Chair", 20000, "USD")
            },
            0.803,
            Some(money(18519, "EUR")),
        ),
        found(
            Product {
                availability: Some("OutOfStock".into()),
                ..offer(26, "chairmart", "Budget Mesh Office Chair", 8999, "USD")
            },
            0.655,
            Some(money(8332, "EUR")),
        ),
        found(
            Product {
                availability: None,
                ..product(5, "chairmart", "Mesh chair, price on request", None, "USD")
            },
            0.41,
            None,
        ),
    ]
}
