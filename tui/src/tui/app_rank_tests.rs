//! Find and the shortlist through the app: the keys that open them, the
//! actions they send, job scopes, stale answers, going back.

use crossterm::event::KeyCode;
use procura_common::rank::SearchMode;
use rust_decimal::Decimal;

use super::app::Screen;
use super::components::shortlist_view::Tab;
use super::msg::{Action, Update};
use super::rank_fixtures::{found_chairs, shortlist};
use super::test_support::*;

/// The find view open with `query` typed, and what Enter sends.
fn find(query: &str) -> (super::App, Vec<Action>) {
    let mut a = connected_app(true);
    assert!(press(&mut a, KeyCode::Char('/')).is_empty());
    assert_eq!(a.screen(), Screen::Find);
    type_str(&mut a, query);
    let out = press(&mut a, KeyCode::Enter);
    (a, out)
}

#[test]
fn slash_or_f_opens_find_and_enter_sends_the_parsed_query() {
    let mut a = connected_app(true);
    press(&mut a, KeyCode::Char('f'));
    assert_eq!(a.screen(), Screen::Find);

    let (a, out) = find("mesh chair max:300 cur:eur vendor:Thames ram>=16GB mode:lexical");
    let [Action::Find { seq, request }] = out.as_slice() else {
        panic!("{out:?}");
    };
    assert_eq!(*seq, 1);
    assert_eq!(request.text, "mesh chair");
    assert_eq!(request.max_price, Some(Decimal::new(300, 0)));
    assert_eq!(request.currency.as_deref(), Some("EUR"));
    assert_eq!(request.vendors, vec!["Thames"]);
    assert_eq!(request.specs[0].name, "ram");
    assert_eq!(request.mode, SearchMode::Lexical);
    assert_eq!(request.job, None);
    assert!(a.find().is_searching());
}

#[test]
fn typing_q_or_question_mark_in_the_query_does_not_quit_or_open_help() {
    let (a, _) = find("q? chair");
    assert_eq!(a.find().query(), "q? chair");
    assert!(!a.help_visible());
    let mut a = a;
    press(&mut a, KeyCode::F(1));
    assert!(a.help_visible());
}

#[test]
fn job_scopes_resolve_against_the_jobs_listed() {
    // The chairs job is selected (second row).
    let mut a = connected_app(true);
    press(&mut a, KeyCode::Down);
    press(&mut a, KeyCode::Char('/'));
    type_str(&mut a, "chair job:current");
    let out = press(&mut a, KeyCode::Enter);
    assert!(
        matches!(out.as_slice(), [Action::Find { request, .. }] if request.job == Some(id(1))),
        "{out:?}"
    );

    let (_, out) = find("paper job:3F2A9C21");
    assert!(
        matches!(out.as_slice(), [Action::Find { request, .. }] if request.job == Some(id(3))),
        "{out:?}"
    );
    let full = id(4).to_string();
    let (_, out) = find(&format!("desk job:{full}"));
    assert!(matches!(out.as_slice(), [Action::Find { request, .. }] if request.job == Some(id(4))));

    for (query, says) in [
        ("chair job:3f2a", "5 jobs start with 3f2a"),
        (
            "chair job:ffff0000",
            "no job in the list starts with ffff0000",
        ),
        ("chair job:abc", "not a job id"),
    ] {
        let (a, out) = find(query);
        assert!(out.is_empty(), "{query}: {out:?}");
        assert!(
            a.find().problem().unwrap_or("").contains(says),
            "{query}: {:?}",
            a.find().problem()
        );
        assert!(!a.find().is_searching());
    }
}

#[test]
fn a_query_that_does_not_parse_says_why_and_sends_nothing() {
    let (mut a, out) = find("chair vendr:thames");
    assert!(out.is_empty());
    assert!(
        a.find()
            .problem()
            .unwrap_or("")
            .contains("vendr: is not a filter")
    );
    // The next edit clears it.
    press(&mut a, KeyCode::Backspace);
    assert_eq!(a.find().problem(), None);
}

#[test]
fn answers_are_sanitised_and_stale_ones_dropped() {
    let (mut a, _) = find("mesh chair");
    // A second search supersedes the first.
    let out = press(&mut a, KeyCode::Enter);
    assert!(
        matches!(out.as_slice(), [Action::Find { seq: 2, .. }]),
        "{out:?}"
    );
    a.apply(Update::Found {
        seq: 1,
        result: Ok(vec![]),
    });
    assert!(
        a.find().is_searching(),
        "the answer to the first is dropped"
    );
    let mut results = found_chairs();
    results[0].product.title = Some("Chair\u{1b}[31m red\u{7}".into());
    a.apply(Update::Found {
        seq: 2,
        result: Ok(results),
    });
    assert!(!a.find().is_searching());
    assert_eq!(a.find().results().len(), 5);
    assert_eq!(
        a.find().results()[0].product.title.as_deref(),
        Some("Chair red")
    );
    // Moving the selection, not past the end.
    for _ in 0..9 {
        press(&mut a, KeyCode::Down);
    }
    let last = a.find().selected().map(|f| f.product.id);
    assert_eq!(last, Some(product_id(5)));

    // An error replaces the results and is sanitised too.
    press(&mut a, KeyCode::Enter);
    a.apply(Update::Found {
        seq: 3,
        result: Err("invalid request: bad\u{1b}[2J".into()),
    });
    assert!(a.find().results().is_empty());
    let answer = a.find().answer().map(|x| x.result.clone());
    assert_eq!(answer, Some(Err("invalid request: bad".to_string())));
}

#[test]
fn esc_leaves_find_keeping_the_query_and_paste_goes_into_it() {
    let (mut a, _) = find("chair");
    a.handle_paste(" max:300\nvendor:x");
    assert_eq!(a.find().query(), "chair max:300 vendor:x");
    assert!(press(&mut a, KeyCode::Esc).is_empty());
    assert_eq!(a.screen(), Screen::Jobs);
    press(&mut a, KeyCode::Char('/'));
    assert_eq!(a.find().query(), "chair max:300 vendor:x");
}

#[test]
fn shortlist_from_the_job_view_and_back_keeps_the_watch() {
    let mut a = job_view_app(true, 3);
    assert_eq!(
        press(&mut a, KeyCode::Char('S')),
        vec![Action::Shortlist(id(1))]
    );
    assert_eq!(a.screen(), Screen::Shortlist);
    assert!(a.shortlist().is_loading());
    // Esc goes back to the job, which is still watched: no Unwatch.
    assert!(press(&mut a, KeyCode::Esc).is_empty());
    assert_eq!(a.screen(), Screen::Job);
    // From the jobs list (the chairs job still selected), back to the
    // jobs list.
    press(&mut a, KeyCode::Esc);
    press(&mut a, KeyCode::Down);
    assert_eq!(
        press(&mut a, KeyCode::Char('S')),
        vec![Action::Shortlist(id(3))]
    );
    assert!(press(&mut a, KeyCode::Backspace).is_empty());
    assert_eq!(a.screen(), Screen::Jobs);
}

#[test]
fn the_shortlist_orders_entries_reloads_and_keeps_what_it_had_on_failure() {
    let mut a = job_view_app(true, 3);
    press(&mut a, KeyCode::Char('S'));
    // Exclusions first on the wire: shown after the ranked ones anyway.
    let mut list = shortlist();
    list.entries.rotate_left(5);
    list.entries[0].reason = "excluded: out\u{1b}[31m of stock".into();
    a.apply(Update::Shortlist {
        job: id(1),
        result: Ok(list),
    });
    let s = a.shortlist();
    let shown = s.list().map(|l| l.entries.clone()).unwrap_or_default();
    let places: Vec<Option<u32>> = shown.iter().map(|e| e.position).collect();
    assert_eq!(
        places,
        vec![
            Some(1),
            Some(2),
            Some(3),
            Some(4),
            Some(5),
            None,
            None,
            None
        ]
    );
    assert_eq!(shown[5].reason, "excluded: out of stock");
    // Another job's shortlist is not this one's.
    let mut other = shortlist();
    other.entries.truncate(1);
    a.apply(Update::Shortlist {
        job: id(3),
        result: Ok(other),
    });
    assert_eq!(a.shortlist().list().map(|l| l.entries.len()), Some(8));

    // Keys: select, tabs, reload.
    for _ in 0..6 {
        press(&mut a, KeyCode::Char('j'));
    }
    assert_eq!(
        a.shortlist().selected_entry().map(|e| e.excluded),
        Some(true)
    );
    press(&mut a, KeyCode::Tab);
    assert_eq!(a.shortlist().tab(), Tab::Groups);
    press(&mut a, KeyCode::Down);
    assert_eq!(a.shortlist().selected_group().map(|g| g.group), Some(2));
    press(&mut a, KeyCode::Down);
    assert_eq!(a.shortlist().selected_group().map(|g| g.group), Some(2));
    press(&mut a, KeyCode::Char('3'));
    assert_eq!(a.shortlist().tab(), Tab::Prices);
    press(&mut a, KeyCode::BackTab);
    assert_eq!(a.shortlist().tab(), Tab::Groups);
    assert_eq!(
        press(&mut a, KeyCode::Char('r')),
        vec![Action::Shortlist(id(1))]
    );
    a.apply(Update::Shortlist {
        job: id(1),
        result: Err("procurad is unavailable: database\u{7} down".into()),
    });
    let s = a.shortlist();
    assert_eq!(s.error(), Some("procurad is unavailable: database down"));
    assert!(s.list().is_some(), "what was shown stays");
    assert!(!s.is_loading());
    // q quits from here: nothing is typed in this view.
    assert_eq!(press(&mut a, KeyCode::Char('q')), vec![Action::Quit]);
}
