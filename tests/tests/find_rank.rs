//! Find and rank against the demo shops: the shortlist's reasons for known
//! demo products, and a search in EUR over offers priced in USD and GBP.

use std::collections::HashMap;

use chrono::Utc;
use procura_common::money::RateTable;
use procura_demo_shops::DemoShops;
use procura_e2e::{Daemon, DaemonOptions};
use rust_decimal::Decimal;

/// The demo catalogue by (shop, sku): price, currency, in stock.
async fn catalogue() -> HashMap<(String, String), (Decimal, String, bool)> {
    let shops = DemoShops::start("127.0.0.1".parse().unwrap())
        .await
        .unwrap();
    shops
        .catalogue()
        .iter()
        .map(|p| {
            (
                (p.shop.clone(), p.sku.clone()),
                (p.price, p.currency.clone(), p.in_stock),
            )
        })
        .collect()
}

fn eur(rates: &RateTable, amount: Decimal, currency: &str) -> Decimal {
    rates
        .convert(amount, currency, "EUR", Utc::now().date_naive())
        .unwrap()
        .amount
}

#[tokio::test(flavor = "multi_thread")]
async fn shortlist_reasons_follow_the_budget_stock_and_price_of_known_demo_products() {
    let catalogue = catalogue().await;
    let rates = RateTable::default();
    let daemon = Daemon::start(DaemonOptions {
        demo: true,
        ..DaemonOptions::default()
    });
    let job = daemon.procura_json(&[
        "search",
        "office chairs under 300 EUR each",
        "--max-results",
        "40",
        "--wait",
        "--json",
    ]);
    assert_eq!(job["status"], "succeeded", "{job}");
    let id = job["id"].as_str().unwrap();
    let entries = daemon.procura_json(&["shortlist", id, "--json"]);
    let entries = entries.as_array().unwrap();
    assert!(entries.len() >= 30, "{} entries", entries.len());

    let mut positions = Vec::new();
    let mut currencies_kept = std::collections::BTreeSet::new();
    for e in entries {
        let p = &e["product"];
        let vendor = p["vendor"].as_str().unwrap().to_string();
        let sku = p["sku"].as_str().unwrap().to_string();
        let (price, currency, in_stock) = catalogue
            .get(&(vendor.clone(), sku.clone()))
            .unwrap_or_else(|| panic!("{vendor} {sku} is not in the demo catalogue"))
            .clone();
        let price = price.normalize();
        let reason = e["reason"].as_str().unwrap();
        let in_eur = eur(&rates, price, &currency);
        if !in_stock {
            assert_eq!(e["excluded"], true, "{e}");
            assert_eq!(reason, format!("excluded: out of stock at {vendor}"));
        } else if in_eur > Decimal::from(300) {
            assert_eq!(e["excluded"], true, "{e}");
            let shown = if currency == "EUR" {
                format!("{price} EUR")
            } else {
                format!("{price} {currency} ≈ {:.2} EUR", in_eur.round_dp(2))
            };
            assert_eq!(
                reason,
                format!("excluded: {shown} per unit is over the budget of 300.00 EUR per unit")
            );
        } else {
            assert_eq!(e["excluded"], false, "{e}");
            let position = e["position"].as_u64().unwrap();
            assert!(
                reason.starts_with(&format!("#{position}: {price} {currency}")),
                "{reason}"
            );
            assert!(reason.contains(&format!(" at {vendor}")), "{reason}");
            assert_eq!(
                e["compare_price"]["amount"]
                    .as_str()
                    .unwrap()
                    .parse::<Decimal>()
                    .unwrap(),
                in_eur.round_dp(2),
                "{e}"
            );
            positions.push(position);
            currencies_kept.insert(currency);
        }
    }
    positions.sort();
    assert_eq!(positions, (1..=positions.len() as u64).collect::<Vec<_>>());
    assert!(
        currencies_kept.contains("USD") && currencies_kept.contains("GBP"),
        "an EUR budget ranks USD and GBP offers too: {currencies_kept:?}"
    );

    // Find, in EUR, over everything seen: USD and GBP offers are compared
    // by their euro price and shown in both currencies.
    let found = daemon.procura_json(&[
        "find",
        "office chair",
        "--max-price",
        "200",
        "--currency",
        "EUR",
        "--limit",
        "100",
        "--json",
    ]);
    let found = found.as_array().unwrap();
    assert!(!found.is_empty());
    let mut foreign = 0;
    for f in found {
        assert!(f["score"].as_f64().unwrap() > 0.0, "{f}");
        let price: Decimal = f["price"].as_str().unwrap().parse().unwrap();
        let currency = f["currency"].as_str().unwrap();
        let in_eur = eur(&rates, price, currency);
        assert!(in_eur <= Decimal::from(200), "{f}");
        if currency != "EUR" {
            foreign += 1;
            let converted: Decimal = f["converted"]["amount"].as_str().unwrap().parse().unwrap();
            assert_eq!(converted, in_eur.round_dp(2), "{f}");
            assert_eq!(f["converted"]["currency"], "EUR");
        }
    }
    assert!(
        foreign > 0,
        "USD or GBP offers under 200 EUR are found: {found:?}"
    );
    let cheapest_usd_over = catalogue
        .iter()
        .filter(|(_, (p, c, _))| c == "USD" && eur(&rates, *p, c) > Decimal::from(200))
        .count();
    assert!(
        cheapest_usd_over > 0,
        "the catalogue has USD offers above the range"
    );

    let bad = daemon.procura(&["find", "chair", "--currency", "XAU"]);
    assert!(!bad.status.success());
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert!(stderr.contains("no exchange rate for XAU"), "{stderr}");
}
