//! The products side of the job view through the app: panes, the popup,
//! screenshot requests, the filter's keys.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::app::Screen;
use super::components::job_view::Pane;
use super::components::screenshot::Shot;
use super::msg::{Action, Update};
use super::test_support::*;

#[test]
fn tab_and_p_switch_between_log_and_products() {
    let mut a = job_view_app(true, 3);
    assert_eq!(a.job_view().focus(), Pane::Log);
    assert!(press(&mut a, KeyCode::Tab).is_empty());
    assert_eq!(a.job_view().focus(), Pane::Products);
    press(&mut a, KeyCode::Char('p'));
    assert_eq!(a.job_view().focus(), Pane::Log);
    press(&mut a, KeyCode::BackTab);
    assert_eq!(a.job_view().focus(), Pane::Products);
    let screen = render(&a, 80, 24).backend().to_string();
    assert!(screen.contains("Loading the products"), "{screen}");
    // Cancel still works from the products; Esc goes back.
    assert_eq!(
        press(&mut a, KeyCode::Char('c')),
        vec![Action::Cancel(id(1))]
    );
    assert_eq!(press(&mut a, KeyCode::Esc), vec![Action::Unwatch]);
    assert_eq!(a.screen(), Screen::Jobs);
}

#[test]
fn products_are_sanitised_and_only_the_open_job_s_are_kept() {
    let mut a = products_app(true);
    assert_eq!(a.job_view().products().len(), 7);
    let mut other = chair_products();
    other.truncate(1);
    a.apply(Update::Products {
        job: id(3),
        result: Ok(other),
    });
    assert_eq!(a.job_view().products().len(), 7);
    let mut p = ergopro();
    p.title = Some("bad\u{1b}[31mtitle\u{7}".into());
    a.apply(Update::Products {
        job: id(1),
        result: Ok(vec![p]),
    });
    let shown = a.job_view().products().visible().next().unwrap();
    assert_eq!(shown.title.as_deref(), Some("badtitle"));
    // A failed refresh keeps what is shown and says why.
    a.apply(Update::Products {
        job: id(1),
        result: Err("Listing products: boom\u{1b}[2J".into()),
    });
    assert_eq!(a.job_view().products().len(), 1);
    assert_eq!(
        a.job_view().products().error(),
        Some("Listing products: boom")
    );
    // Back and in again: still there; another job starts empty.
    press(&mut a, KeyCode::Esc);
    press(&mut a, KeyCode::Enter);
    assert_eq!(a.job_view().products().len(), 1);
    press(&mut a, KeyCode::Esc);
    press(&mut a, KeyCode::Up);
    press(&mut a, KeyCode::Enter);
    assert!(a.job_view().products().is_empty());
}

#[test]
fn a_screenshot_is_fetched_once_and_again_only_after_a_failure() {
    let mut a = products_app(true);
    press(&mut a, KeyCode::Down);
    assert_eq!(
        press(&mut a, KeyCode::Enter),
        vec![Action::Screenshot(product_id(1))]
    );
    assert!(a.job_view().popup().is_some());
    // Scrolling, drawing, closing and reopening ask for nothing more.
    press(&mut a, KeyCode::Down);
    render(&a, 80, 24);
    assert!(press(&mut a, KeyCode::Esc).is_empty());
    assert!(a.job_view().popup().is_none());
    assert_eq!(a.screen(), Screen::Job, "Esc closed the popup only");
    assert!(press(&mut a, KeyCode::Enter).is_empty(), "in flight");
    a.apply(Update::Screenshot {
        product: product_id(1),
        result: Err("deadline \u{1b}[31mexceeded".into()),
    });
    assert_eq!(
        a.job_view().screenshots().get(product_id(1)),
        Some(&Shot::Failed("deadline exceeded".into()))
    );
    let screen = render(&a, 80, 24).backend().to_string();
    assert!(
        screen.contains("Screenshot unavailable:") && screen.contains("deadline exceeded"),
        "{screen}"
    );
    press(&mut a, KeyCode::Esc);
    assert_eq!(
        press(&mut a, KeyCode::Enter),
        vec![Action::Screenshot(product_id(1))],
        "a failure is retried when the product is opened again"
    );
    a.apply(screenshot_update(product_id(1)));
    press(&mut a, KeyCode::Esc);
    assert!(press(&mut a, KeyCode::Enter).is_empty(), "cached");
    assert!(press(&mut a, KeyCode::Char('v')).is_empty());
    assert!(a.job_view().shot_view().is_some());
}

#[test]
fn a_product_without_a_screenshot_asks_for_none() {
    let mut a = products_app(true);
    press(&mut a, KeyCode::End);
    assert!(press(&mut a, KeyCode::Enter).is_empty());
    let screen = render(&a, 80, 24).backend().to_string();
    assert!(screen.contains("Mesh chair, price on request"), "{screen}");
    assert!(screen.contains("none was taken"), "{screen}");
    assert!(press(&mut a, KeyCode::Char('v')).is_empty());
    let screen = render(&a, 80, 24).backend().to_string();
    assert!(screen.contains("No screenshot was taken"), "{screen}");
}

#[test]
fn v_in_the_table_opens_the_screenshot_and_esc_comes_back_to_the_table() {
    let mut a = products_app(true);
    assert_eq!(
        press(&mut a, KeyCode::Char('v')),
        vec![Action::Screenshot(product_id(3))]
    );
    assert!(a.job_view().shot_view().is_some());
    assert!(a.job_view().popup().is_none());
    // Keys the view does not use reach the app: q quits from here too.
    assert_eq!(press(&mut a, KeyCode::Char('q')), vec![Action::Quit]);
    press(&mut a, KeyCode::Esc);
    assert!(a.job_view().shot_view().is_none());
    assert_eq!(a.job_view().focus(), Pane::Products);
}

#[test]
fn while_the_filter_is_typed_q_and_question_mark_are_text() {
    let mut a = products_app(true);
    press(&mut a, KeyCode::Char('/'));
    type_str(&mut a, "q?c");
    assert_eq!(a.job_view().products().filter(), "q?c");
    assert!(!a.help_visible());
    assert_eq!(a.screen(), Screen::Job);
    // F1 still helps, Ctrl-C still quits.
    press(&mut a, KeyCode::F(1));
    assert!(a.help_visible());
    press(&mut a, KeyCode::Esc);
    let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
    assert_eq!(a.handle_key(ctrl_c), vec![Action::Quit]);
    // Pasted text joins the filter, on one line.
    press(&mut a, KeyCode::Char('u'));
    a.handle_key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
    a.handle_paste("Ergo\nPro");
    assert_eq!(a.job_view().products().filter(), "Ergo Pro");
    a.handle_paste("");
    press(&mut a, KeyCode::Esc);
    assert_eq!(a.job_view().products().filter(), "");
    assert_eq!(a.screen(), Screen::Job, "Esc cleared the filter only");
}

#[test]
fn hints_follow_what_is_on_screen() {
    let mut a = job_view_app(true, 1);
    let hints = |a: &super::App| render(a, 120, 30).backend().to_string();
    assert!(hints(&a).contains("Tab products"));
    press(&mut a, KeyCode::Tab);
    assert!(hints(&a).contains("Tab log"));
    press(&mut a, KeyCode::Char('/'));
    assert!(hints(&a).contains("Enter keep  Esc clear"));
    press(&mut a, KeyCode::Enter);
    a.apply(Update::Products {
        job: id(1),
        result: Ok(chair_products()),
    });
    press(&mut a, KeyCode::Enter);
    assert!(hints(&a).contains("Esc close"));
    press(&mut a, KeyCode::Char('v'));
    assert!(hints(&a).contains("Home End top/bottom"));
}

#[test]
fn the_screenshot_scrolls_down_the_page() {
    let mut a = products_app(true);
    press(&mut a, KeyCode::Down);
    press(&mut a, KeyCode::Char('v'));
    a.apply(screenshot_update(product_id(1)));
    let top = render(&a, 80, 24).backend().to_string();
    assert!(top.contains("rows 1–19 of 30"), "{top}");
    press(&mut a, KeyCode::PageDown);
    let down = render(&a, 80, 24).backend().to_string();
    assert!(down.contains("rows 12–30 of 30"), "{down}");
    press(&mut a, KeyCode::Home);
    let back = render(&a, 80, 24).backend().to_string();
    assert_eq!(back, top);
}
