//! Sorting, filtering and selecting in the products table.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use procura_common::product::Product;
use uuid::Uuid;

use super::products_table::{ProductsTable, SortKey, TableMsg, compare, matches};
use crate::tui::test_support::{chair_products, id, product, product_id};

fn titles(t: &ProductsTable) -> Vec<String> {
    t.visible()
        .map(|p| p.title.clone().unwrap_or_default())
        .collect()
}

fn ids(t: &ProductsTable) -> Vec<u128> {
    t.visible()
        .map(|p| p.id.as_u128() - product_id(0).as_u128())
        .collect()
}

fn table() -> ProductsTable {
    let mut t = ProductsTable::default();
    t.show_job(id(1));
    t.set_products(id(1), chair_products());
    t
}

fn press(t: &mut ProductsTable, code: KeyCode) -> TableMsg {
    t.handle_key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn type_str(t: &mut ProductsTable, s: &str) {
    for c in s.chars() {
        press(t, KeyCode::Char(c));
    }
}

#[test]
fn sort_keys_cycle_price_vendor_title() {
    assert_eq!(SortKey::default(), SortKey::Price);
    assert_eq!(SortKey::Price.next(), SortKey::Vendor);
    assert_eq!(SortKey::Vendor.next(), SortKey::Title);
    assert_eq!(SortKey::Title.next(), SortKey::Price);
    for k in SortKey::ALL {
        assert!(!k.label().is_empty());
    }
}

#[test]
fn price_order_is_cheapest_first_and_no_price_last() {
    let mut t = ProductsTable::default();
    t.show_job(id(1));
    // Whatever order they come in.
    let mut list = chair_products();
    list.reverse();
    t.set_products(id(1), list);
    assert_eq!(ids(&t), vec![3, 1, 6, 7, 4, 2, 5]);
}

#[test]
fn vendor_order_ignores_case_then_goes_by_price() {
    let mut t = table();
    assert_eq!(press(&mut t, KeyCode::Char('s')), TableMsg::Consumed);
    assert_eq!(t.sort(), SortKey::Vendor);
    let vendors: Vec<&str> = t.visible().map(|p| p.vendor.as_str()).collect();
    assert_eq!(
        vendors,
        [
            "bürostuhl-direkt",
            "chairmart",
            "chairmart",
            "chairmart",
            "designstore",
            "officeworld",
            "officeworld"
        ]
    );
    // Within a vendor, cheapest first, no price last.
    assert_eq!(ids(&t), vec![2, 3, 7, 5, 6, 1, 4]);
    let upper = Product {
        vendor: "ChairMart".into(),
        ..product(9, "x", "Z", Some(1), "USD")
    };
    let lower = product(10, "chairmart", "A", Some(2), "USD");
    assert!(compare(&upper, &lower, SortKey::Vendor).is_lt());
}

#[test]
fn title_order_puts_untitled_last() {
    let mut t = table();
    press(&mut t, KeyCode::Char('s'));
    press(&mut t, KeyCode::Char('s'));
    assert_eq!(t.sort(), SortKey::Title);
    let untitled = Product {
        title: None,
        ..product(9, "a", "", Some(1), "USD")
    };
    let mut list = chair_products();
    list.push(untitled);
    t.set_products(id(1), list);
    let got = titles(&t);
    assert_eq!(got.first().map(String::as_str), Some("Aeron Chair Size B"));
    assert_eq!(got.last().map(String::as_str), Some(""));
    let mut sorted = got[..got.len() - 1].to_vec();
    sorted.sort_by_key(|s| s.to_lowercase());
    assert_eq!(sorted, got[..got.len() - 1]);
}

#[test]
fn ties_never_flicker() {
    let a = product(1, "v", "Same", Some(100), "USD");
    let b = product(2, "v", "Same", Some(100), "USD");
    for k in SortKey::ALL {
        assert!(compare(&a, &b, k).is_lt());
        assert!(compare(&b, &a, k).is_gt());
    }
}

#[test]
fn filter_matches_title_vendor_brand_and_sku_ignoring_case() {
    let p = Product {
        brand: Some("ErgoPro".into()),
        sku: Some("EP-2024".into()),
        ..product(1, "officeworld", "Mesh Task Chair", Some(1), "USD")
    };
    for needle in ["mesh", "MESH", "office", "ergopro", "ep-20", "  task  ", ""] {
        assert!(matches(&p, needle), "{needle:?}");
    }
    for needle in ["leather", "USD", "json-ld", "p/1"] {
        assert!(!matches(&p, needle), "{needle:?}");
    }
}

#[test]
fn filter_is_typed_inline_and_esc_clears_it() {
    let mut t = table();
    assert_eq!(press(&mut t, KeyCode::Char('/')), TableMsg::Consumed);
    assert!(t.is_typing());
    // Every key is text now, even the table's own.
    type_str(&mut t, "mesh s/v");
    assert_eq!(t.filter(), "mesh s/v");
    assert_eq!(t.sort(), SortKey::Price);
    for _ in 0..4 {
        press(&mut t, KeyCode::Backspace);
    }
    assert_eq!(t.filter(), "mesh");
    assert_eq!(ids(&t), vec![3, 1, 5]);
    // Enter keeps it; the keys are the table's again.
    press(&mut t, KeyCode::Enter);
    assert!(!t.is_typing());
    assert_eq!(t.filter(), "mesh");
    press(&mut t, KeyCode::Char('s'));
    assert_eq!(ids(&t), vec![3, 5, 1]);
    // Esc clears it, and is the table's only while there is a filter.
    assert_eq!(press(&mut t, KeyCode::Esc), TableMsg::Consumed);
    assert_eq!(t.filter(), "");
    assert_eq!(t.visible().count(), 7);
    assert_eq!(press(&mut t, KeyCode::Esc), TableMsg::Ignored);
    // Esc while typing clears and stops typing; Ctrl-U empties.
    press(&mut t, KeyCode::Char('/'));
    type_str(&mut t, "zzz");
    assert_eq!(t.visible().count(), 0);
    t.handle_key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
    assert_eq!(t.filter(), "");
    type_str(&mut t, "x");
    press(&mut t, KeyCode::Esc);
    assert!(!t.is_typing());
    assert_eq!(t.filter(), "");
}

#[test]
fn selection_follows_the_product_across_sorts_filters_and_refreshes() {
    let mut t = table();
    press(&mut t, KeyCode::Down);
    press(&mut t, KeyCode::Down);
    assert_eq!(t.selected().map(|p| p.id), Some(product_id(6)));
    press(&mut t, KeyCode::Char('s'));
    assert_eq!(t.selected().map(|p| p.id), Some(product_id(6)));
    // A refresh with a new cheapest product keeps it.
    let mut list = chair_products();
    list.insert(0, product(11, "aaa", "New", Some(1), "USD"));
    t.set_products(id(1), list);
    assert_eq!(t.selected().map(|p| p.id), Some(product_id(6)));
    // A filter hiding it moves the cursor; relaxing it brings it back.
    press(&mut t, KeyCode::Char('/'));
    type_str(&mut t, "zzz");
    assert_eq!(t.selected(), None);
    assert_eq!(press(&mut t, KeyCode::Enter), TableMsg::Consumed);
    assert_eq!(
        press(&mut t, KeyCode::Enter),
        TableMsg::Consumed,
        "nothing to open"
    );
    press(&mut t, KeyCode::Esc);
    assert_eq!(t.selected().map(|p| p.id), Some(product_id(6)));
    assert_eq!(press(&mut t, KeyCode::Enter), TableMsg::Open(product_id(6)));
    assert_eq!(
        press(&mut t, KeyCode::Char('v')),
        TableMsg::View(product_id(6))
    );
    press(&mut t, KeyCode::End);
    assert_eq!(t.selected().map(|p| p.id), Some(product_id(4)));
    press(&mut t, KeyCode::Home);
    assert_eq!(t.selected().map(|p| p.id), Some(product_id(11)));
}

#[test]
fn another_job_s_products_are_dropped_and_ignored() {
    let mut t = table();
    press(&mut t, KeyCode::Char('s'));
    press(&mut t, KeyCode::Char('/'));
    type_str(&mut t, "mesh");
    t.set_products(id(2), vec![product(20, "x", "Other job", Some(1), "USD")]);
    assert_eq!(t.len(), 7, "not the job shown");
    t.show_job(id(2));
    assert!(t.is_empty());
    assert_eq!(t.filter(), "", "the filter was the other job's");
    assert!(!t.is_typing());
    assert_eq!(
        t.sort(),
        SortKey::Vendor,
        "the sort is the operator's taste"
    );
    t.set_error(id(2), "boom".into());
    assert_eq!(t.error(), Some("boom"));
    t.set_products(id(2), vec![]);
    assert_eq!(t.error(), None);
    assert_eq!(t.get(Uuid::nil()), None);
}
