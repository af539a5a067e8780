//! Frames of the products table, the product popup and the screenshot,
//! rendered on `TestBackend` (images in half-blocks at a fixed font size)
//! and compared with the `.snap` files in `snapshots/`.

use crossterm::event::KeyCode;
use insta::assert_snapshot;
use procura_common::product::Product;
use serde_json::json;

use super::msg::{Action, Update};
use super::snapshot_tests::{HOSTILE, assert_clean, frame};
use super::test_support::*;

/// The header row of the products table in a frame.
fn header(screen: &str) -> &str {
    screen
        .lines()
        .find(|l| l.contains("VENDOR"))
        .unwrap_or_else(|| panic!("no table header in\n{screen}"))
}

#[test]
fn products_table_at_80x24() {
    let a = products_app(true);
    let screen = frame(&a, 80, 24);
    let head = header(&screen);
    assert!(head.contains("LIST") && head.contains("STOCK"), "{head}");
    assert!(!head.contains("SKU"), "no room for the SKU at 80 columns");
    assert_snapshot!(screen);
}

#[test]
fn products_table_at_120x40() {
    let a = products_app(true);
    let screen = frame(&a, 120, 40);
    assert!(header(&screen).contains("SKU"));
    assert_snapshot!(screen);
}

#[test]
fn narrow_terminals_drop_columns_not_the_title() {
    let a = products_app(true);
    let screen = frame(&a, 60, 20);
    let head = header(&screen);
    assert!(head.contains("TITLE") && head.contains("PRICE"), "{head}");
    assert!(!head.contains("LIST") && !head.contains("SKU"), "{head}");
    assert!(screen.contains("Budget Mesh"), "{screen}");
    // Absurdly small: no panic.
    frame(&a, 20, 8);
    frame(&a, 5, 3);
}

#[test]
fn products_sorted_by_vendor_with_a_filter_typed() {
    let mut a = products_app(true);
    press(&mut a, KeyCode::Char('s'));
    press(&mut a, KeyCode::Char('/'));
    type_str(&mut a, "chair");
    assert_eq!(a.job_view().products().filter(), "chair");
    assert_snapshot!(frame(&a, 80, 24));
}

/// The products shown, ErgoPro (second cheapest) selected and opened.
fn popup_app() -> super::App {
    let mut a = products_app(true);
    press(&mut a, KeyCode::Down);
    let actions = press(&mut a, KeyCode::Enter);
    assert_eq!(actions, vec![Action::Screenshot(product_id(1))]);
    a
}

#[test]
fn product_popup_with_specs_and_layers() {
    let a = popup_app();
    let screen = frame(&a, 80, 24);
    assert!(screen.contains("Loading the screenshot"), "{screen}");
    assert!(screen.contains("249.00 USD · json-ld"), "{screen}");
    assert_snapshot!(screen);
}

#[test]
fn product_popup_with_the_screenshot_in_half_blocks() {
    let mut a = popup_app();
    a.apply(screenshot_update(product_id(1)));
    let screen = frame(&a, 80, 24);
    assert!(screen.contains('▀'), "{screen}");
    assert_snapshot!(screen);
}

#[test]
fn product_popup_scrolled_to_the_specs() {
    let mut a = popup_app();
    a.apply(screenshot_update(product_id(1)));
    render(&a, 80, 24);
    press(&mut a, KeyCode::End);
    let screen = frame(&a, 80, 24);
    assert!(screen.contains("Warranty"), "{screen}");
    assert_snapshot!(screen);
}

#[test]
fn product_popup_with_spec_rows_and_a_failed_screenshot_at_120x40() {
    let mut a = products_app(true);
    for _ in 0..5 {
        press(&mut a, KeyCode::Down);
    }
    assert_eq!(
        press(&mut a, KeyCode::Enter),
        vec![Action::Screenshot(product_id(2))]
    );
    a.apply(Update::Screenshot {
        product: product_id(2),
        result: Err(format!(
            "not found: screenshot of product {}",
            product_id(2)
        )),
    });
    let screen = frame(&a, 120, 40);
    for row in [
        "Seat height",
        "41–52 cm",
        "Pellicle mesh",
        "harmonic",
        "Made in Michigan",
    ] {
        assert!(screen.contains(row), "{row} in\n{screen}");
    }
    assert_snapshot!(screen);
}

#[test]
fn screenshot_full_screen() {
    let mut a = popup_app();
    a.apply(screenshot_update(product_id(1)));
    assert!(press(&mut a, KeyCode::Char('v')).is_empty(), "cached");
    let screen = frame(&a, 80, 24);
    assert!(screen.contains('▀'), "{screen}");
    assert_snapshot!(screen);
    // v goes back to the popup, Esc to the table.
    press(&mut a, KeyCode::Char('v'));
    assert!(a.job_view().popup().is_some());
    press(&mut a, KeyCode::Esc);
    assert!(a.job_view().popup().is_none());
}

#[test]
fn help_on_the_job_view() {
    let mut a = products_app(true);
    press(&mut a, KeyCode::Char('?'));
    assert_snapshot!(frame(&a, 80, 24));
}

fn hostile_product() -> Product {
    let mut p = ergopro();
    p.title = Some(format!("Chair {HOSTILE}"));
    p.vendor = format!("shop{HOSTILE}");
    p.url = format!("https://shop.example/\u{1b}]8;;https://evil.example\u{7}x{HOSTILE}");
    p.brand = Some(HOSTILE.into());
    p.sku = Some(format!("SKU\u{1b}[5m{HOSTILE}"));
    p.currency = Some("US\u{1b}[8mD".into());
    p.availability = Some(format!("In\u{0}Stock{HOSTILE}"));
    p.description = Some(HOSTILE.repeat(3));
    p.specs = json!({
        format!("Key{HOSTILE}"): HOSTILE,
        "Nested": { "deep": [HOSTILE, { "deeper": HOSTILE }] },
    });
    p.methods.insert(format!("field{HOSTILE}"), HOSTILE.into());
    p.methods
        .insert("price".into(), format!("json-ld{HOSTILE}"));
    p
}

#[test]
fn escapes_in_products_never_reach_the_screen() {
    let mut a = job_view_app(true, 1);
    a.apply(Update::Products {
        job: id(1),
        result: Ok(vec![hostile_product()]),
    });
    press(&mut a, KeyCode::Tab);
    let table = frame(&a, 80, 24);
    assert_clean(&table);
    assert!(table.contains("Chair chairsRED"), "{table}");
    assert_snapshot!("hostile_products_table", table);

    press(&mut a, KeyCode::Enter);
    a.apply(Update::Screenshot {
        product: product_id(1),
        result: Err(HOSTILE.into()),
    });
    let popup = frame(&a, 120, 40);
    assert_clean(&popup);
    assert_snapshot!("hostile_product_popup", popup);

    // A failed listing's error too.
    press(&mut a, KeyCode::Esc);
    a.apply(Update::Products {
        job: id(1),
        result: Err(HOSTILE.into()),
    });
    let failed = frame(&a, 80, 24);
    assert_clean(&failed);
}
