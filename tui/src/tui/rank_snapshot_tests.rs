//! Frames of the find view and the shortlist (ranked with reasons and
//! exclusions, groups with their cheapest offer, the price chart),
//! rendered on `TestBackend` and compared with the `.snap` files in
//! `snapshots/`.

use crossterm::event::KeyCode;
use insta::assert_snapshot;
use procura_common::rank::Shortlist;

use super::msg::{Action, Update};
use super::rank_fixtures::{found_chairs, shortlist};
use super::snapshot_tests::{HOSTILE, assert_clean, frame};
use super::test_support::*;

/// The find view with `query` sent and answered with `result`.
fn find_app(query: &str, result: Result<Vec<procura_common::rank::Found>, String>) -> super::App {
    let mut a = connected_app(true);
    press(&mut a, KeyCode::Char('/'));
    type_str(&mut a, query);
    let out = press(&mut a, KeyCode::Enter);
    let [Action::Find { seq, .. }] = out.as_slice() else {
        panic!("{out:?}");
    };
    a.apply(Update::Found { seq: *seq, result });
    a
}

#[test]
fn find_view_before_searching() {
    let mut a = connected_app(true);
    press(&mut a, KeyCode::Char('/'));
    type_str(&mut a, "mesh chair max:300");
    assert_snapshot!(frame(&a, 80, 24));
}

#[test]
fn find_results_at_80x24() {
    let mut a = find_app("mesh chair max:300 cur:EUR", Ok(found_chairs()));
    press(&mut a, KeyCode::Down);
    let screen = frame(&a, 80, 24);
    assert!(screen.contains("IN EUR"), "{screen}");
    assert!(screen.contains("180.00 EUR"), "{screen}");
    assert!(screen.contains("150.00 GBP"), "{screen}");
    assert_snapshot!(screen);
}

#[test]
fn find_results_at_120x40() {
    let a = find_app("mesh chair max:300 cur:EUR", Ok(found_chairs()));
    let screen = frame(&a, 120, 40);
    for col in ["TITLE", "VENDOR", "PRICE", "IN EUR", "STOCK", "SCORE"] {
        assert!(screen.contains(col), "{col} in\n{screen}");
    }
    assert!(
        screen.contains("brand ErgoPro · SKU EP-2024-BLK"),
        "{screen}"
    );
    assert_snapshot!(screen);
}

#[test]
fn find_error_from_the_daemon() {
    let a = find_app(
        "mesh chair cur:XYZ",
        Err("invalid request: no exchange rate for XYZ: the rates know EUR, GBP, USD".into()),
    );
    let screen = frame(&a, 80, 24);
    assert!(screen.contains("Find failed: invalid request"), "{screen}");
    assert_snapshot!(screen);
}

#[test]
fn find_query_that_does_not_parse() {
    let mut a = connected_app(true);
    press(&mut a, KeyCode::Char('/'));
    type_str(&mut a, "chair ram>16GB");
    assert!(press(&mut a, KeyCode::Enter).is_empty());
    assert_snapshot!(frame(&a, 80, 24));
}

#[test]
fn help_on_the_find_view() {
    let mut a = connected_app(true);
    press(&mut a, KeyCode::Char('/'));
    press(&mut a, KeyCode::F(1));
    assert_snapshot!(frame(&a, 80, 24));
}

/// The chairs job's shortlist open from its job view, `list` arrived.
fn shortlist_app(list: Shortlist) -> super::App {
    let mut a = job_view_app(true, 3);
    assert_eq!(
        press(&mut a, KeyCode::Char('S')),
        vec![Action::Shortlist(id(1))]
    );
    a.apply(Update::Shortlist {
        job: id(1),
        result: Ok(list),
    });
    a
}

#[test]
fn shortlist_loading() {
    let mut a = job_view_app(true, 3);
    press(&mut a, KeyCode::Char('S'));
    assert_snapshot!(frame(&a, 80, 24));
}

#[test]
fn shortlist_ranked_with_reasons_and_exclusions_at_80x24() {
    let a = shortlist_app(shortlist());
    let screen = frame(&a, 80, 24);
    assert!(screen.contains("Excluded (3)"), "{screen}");
    assert!(screen.contains("Why #1"), "{screen}");
    // The selected entry's whole reason, wrapped.
    assert!(screen.contains("match to the request 0.91"), "{screen}");
    assert_snapshot!(screen);
}

#[test]
fn shortlist_ranked_at_120x40_with_an_exclusion_selected() {
    let mut a = shortlist_app(shortlist());
    for _ in 0..6 {
        press(&mut a, KeyCode::Down);
    }
    let screen = frame(&a, 120, 40);
    assert!(screen.contains("Why excluded"), "{screen}");
    assert!(
        screen.contains("excluded: 279.00 GBP ≈ 354.33 USD per unit is over the budget"),
        "{screen}"
    );
    assert!(screen.contains("PRICE"), "room for the original price");
    assert_snapshot!(screen);
}

#[test]
fn shortlist_groups_with_the_cheapest_offer() {
    let mut a = shortlist_app(shortlist());
    press(&mut a, KeyCode::Tab);
    let screen = frame(&a, 100, 30);
    assert!(screen.contains("★ cheapest"), "{screen}");
    assert!(screen.contains("same GTIN"), "{screen}");
    assert!(screen.contains("+14.70 USD"), "{screen}");
    assert_snapshot!(screen);
}

#[test]
fn shortlist_groups_second_group_selected_at_80x24() {
    let mut a = shortlist_app(shortlist());
    press(&mut a, KeyCode::Char('2'));
    press(&mut a, KeyCode::Down);
    let screen = frame(&a, 80, 24);
    assert!(screen.contains("Group 2 · cheapest per vendor"), "{screen}");
    assert_snapshot!(screen);
}

#[test]
fn shortlist_price_chart_by_vendor() {
    let mut a = shortlist_app(shortlist());
    press(&mut a, KeyCode::Char('3'));
    let screen = frame(&a, 80, 24);
    for label in [
        "Thames",
        "190.50 USD ★ cheapest",
        "Northwind",
        "200.00 USD",
        "205.20 USD",
    ] {
        assert!(screen.contains(label), "{label} in\n{screen}");
    }
    assert!(!screen.contains("89.99"), "exclusions are not charted");
    assert_snapshot!(screen);
}

#[test]
fn shortlist_empty_and_failed() {
    let mut a = shortlist_app(Shortlist {
        job: id(1),
        entries: vec![],
        groups: vec![],
    });
    let empty = frame(&a, 80, 24);
    assert!(empty.contains("No shortlist yet"), "{empty}");
    press(&mut a, KeyCode::Esc);
    let mut a = job_view_app(true, 3);
    press(&mut a, KeyCode::Char('S'));
    a.apply(Update::Shortlist {
        job: id(1),
        result: Err("job 3f2a9c1f-0000-4000-8000-000000000000 not found".into()),
    });
    let failed = frame(&a, 80, 24);
    assert!(failed.contains("Could not load the shortlist"), "{failed}");
    assert_snapshot!(failed);
}

#[test]
fn help_on_the_shortlist() {
    let mut a = shortlist_app(shortlist());
    press(&mut a, KeyCode::Char('?'));
    assert_snapshot!(frame(&a, 80, 24));
}

#[test]
fn tiny_terminals_do_not_panic() {
    let mut a = shortlist_app(shortlist());
    for tab in ['1', '2', '3'] {
        press(&mut a, KeyCode::Char(tab));
        for (w, h) in [(20, 8), (5, 3), (40, 12)] {
            frame(&a, w, h);
        }
    }
    let a = find_app("chair", Ok(found_chairs()));
    for (w, h) in [(20, 8), (5, 3), (40, 12)] {
        frame(&a, w, h);
    }
}

#[test]
fn escapes_in_results_and_reasons_never_reach_the_screen() {
    let mut found = found_chairs();
    found[0].product.title = Some(format!("Chair {HOSTILE}"));
    found[0].product.vendor = format!("shop{HOSTILE}");
    if let Some(m) = found[0].converted.as_mut() {
        m.currency = format!("E\u{1b}[8mUR{HOSTILE}");
    }
    let a = find_app("chair", Ok(found));
    assert_clean(&frame(&a, 120, 40));
    let a = find_app("chair", Err(HOSTILE.into()));
    assert_clean(&frame(&a, 80, 24));

    let mut list = shortlist();
    list.entries[0].reason = format!("#1: {HOSTILE}");
    list.entries[5].reason = format!("excluded: {HOSTILE}");
    list.entries[0].product.vendor = format!("Thames{HOSTILE}");
    list.groups[0].why = HOSTILE.into();
    let mut a = shortlist_app(list);
    assert_clean(&frame(&a, 120, 40));
    press(&mut a, KeyCode::Tab);
    assert_clean(&frame(&a, 120, 40));
    press(&mut a, KeyCode::Tab);
    assert_clean(&frame(&a, 120, 40));
}

#[test]
fn no_colour_in_find_or_the_shortlist_when_no_color_is_on() {
    use ratatui::style::Color;
    let coloured = |a: &super::App| {
        let t = render(a, 100, 30);
        let buf = t.backend().buffer();
        buf.content()
            .iter()
            .filter(|c| c.fg != Color::Reset || c.bg != Color::Reset)
            .count()
    };
    let mut a = connected_app(false);
    press(&mut a, KeyCode::Char('/'));
    type_str(&mut a, "chair");
    let out = press(&mut a, KeyCode::Enter);
    let [Action::Find { seq, .. }] = out.as_slice() else {
        panic!("{out:?}");
    };
    a.apply(Update::Found {
        seq: *seq,
        result: Ok(found_chairs()),
    });
    assert_eq!(coloured(&a), 0);
    press(&mut a, KeyCode::Esc);
    press(&mut a, KeyCode::Down);
    press(&mut a, KeyCode::Char('S'));
    a.apply(Update::Shortlist {
        job: id(1),
        result: Ok(shortlist()),
    });
    for tab in ['1', '2', '3'] {
        press(&mut a, KeyCode::Char(tab));
        assert_eq!(coloured(&a), 0, "tab {tab}");
    }
    // With colour, the chart has some.
    let mut b = shortlist_app(shortlist());
    press(&mut b, KeyCode::Char('3'));
    assert!(coloured(&b) > 0);
}
