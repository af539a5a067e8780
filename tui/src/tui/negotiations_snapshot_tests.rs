//! The negotiations and the outbox: frames on `TestBackend` compared with
//! the `.snap` files in `snapshots/` (the list, a thread with an offer,
//! the counter form, the export prompt, the outbox with a failed message
//! and its error), and hostile text kept off the screen.

use crossterm::event::KeyCode;
use insta::assert_snapshot;
use procura_common::negotiation::{Outbound, Thread};

use super::App;
use super::components::negotiations_view::Mode;
use super::msg::{Action, Update};
use super::negotiations_fixtures::{SMTP_550, offer, outbox, reply, threads};
use super::snapshot_tests::{HOSTILE, assert_clean, frame};
use super::test_support::*;

/// The negotiations of every job opened from the jobs list, `list`
/// listed.
pub(super) fn negotiations_app(list: Vec<Thread>) -> App {
    let mut a = connected_app(true);
    assert_eq!(
        press(&mut a, KeyCode::Char('N')),
        vec![Action::WatchNegotiations(None)]
    );
    a.apply(Update::Negotiations {
        job: None,
        result: Ok(list),
    });
    a
}

/// The outbox opened from the jobs list, `list` listed.
pub(super) fn outbox_app(list: Vec<Outbound>) -> App {
    let mut a = connected_app(true);
    assert_eq!(press(&mut a, KeyCode::Char('O')), vec![Action::WatchOutbox]);
    a.apply(Update::Outbox(Ok(list)));
    a
}

fn assert_shows(screen: &str, texts: &[&str]) {
    for text in texts {
        assert!(screen.contains(text), "{text} in\n{screen}");
    }
}

#[test]
fn negotiations_list() {
    let a = negotiations_app(threads());
    let screen = frame(&a, 80, 24);
    assert_shows(
        &screen,
        &[
            "Procura › Negotiations · 4",
            "Negotiations (4)",
            "VENDOR",
            "LAST MESSAGE",
            "› officeworld",
            "replied",
            "249.00 USD −5%",
            "1135.25 EUR",
            "PO-000001",
            "awaiting approval",
            "← 25m Re: Quote re",
            "→ 10h Quote reques",
            "a accept",
        ],
    );
    assert_snapshot!(screen);
}

#[test]
fn a_thread_with_an_offer() {
    let mut a = negotiations_app(threads());
    press(&mut a, KeyCode::Enter);
    assert!(matches!(a.negotiations().mode(), Mode::Thread));
    let top = frame(&a, 80, 24);
    assert_shows(
        &top,
        &[
            "Procura › Negotiations › officeworld",
            "Negotiation with officeworld",
            "Vendor   officeworld <sales@officeworld.example>",
            "Job      3f2a9c1f · 12 ergonomic office chairs",
            "State    replied · 2 messages · a accept, c counter, d decline",
            "Offer    249.00 USD per unit · 5% off · 12 units · delivery by 2025-02-20",
            "→ sent · 3h ago · to sales@officeworld.example",
            "Hello officeworld team,",
        ],
    );
    // The reply is further down: End shows it, with its offer.
    press(&mut a, KeyCode::End);
    let screen = frame(&a, 80, 24);
    assert_shows(
        &screen,
        &[
            "← received · 25m ago · from anna@officeworld.example",
            "Re: Quote request: 12 ergonomic office chairs",
            "Offer read by rules: 249.00 USD per unit · 5% off · 12 units ·",
            "delivery by 2025-02-20",
            "Kind regards,",
            "lines 10–23 of 23",
        ],
    );
    assert_snapshot!(screen);
}

#[test]
fn the_counter_form() {
    let mut a = negotiations_app(threads());
    press(&mut a, KeyCode::Enter);
    press(&mut a, KeyCode::Char('c'));
    assert!(a.negotiations().is_typing());
    type_str(&mut a, "229.5q");
    press(&mut a, KeyCode::Backspace);
    type_str(&mut a, "0");
    press(&mut a, KeyCode::Tab);
    type_str(&mut a, "for all 12, by 20 Feb?");
    let screen = frame(&a, 80, 24);
    assert_shows(
        &screen,
        &[
            "Counter the offer of officeworld",
            "Their offer 249.00 USD per unit · 5% off · 12 units · delivery by",
            "Unit price  229.50",
            "USD",
            "Note        for all 12, by 20 Feb?",
            "The email is drafted for you and waits for approval.",
            "Enter send",
            "F1 help",
        ],
    );
    assert_snapshot!(screen);
}

#[test]
fn a_price_that_is_not_one_is_refused_in_the_form() {
    let mut a = negotiations_app(threads());
    press(&mut a, KeyCode::Char('c'));
    assert!(press(&mut a, KeyCode::Enter).is_empty());
    assert!(frame(&a, 80, 24).contains("A counter-offer needs a unit price."));
    type_str(&mut a, "1,229.50");
    assert!(press(&mut a, KeyCode::Enter).is_empty());
    let screen = frame(&a, 80, 24);
    assert!(screen.contains("\"1,229.50\" is not a price"), "{screen}");
}

#[test]
fn an_accepted_offer_with_its_purchase_order_and_the_export_prompt() {
    let mut a = negotiations_app(threads());
    press(&mut a, KeyCode::Down);
    press(&mut a, KeyCode::Enter);
    let open = frame(&a, 80, 24);
    assert_shows(
        &open,
        &[
            "State    accepted · 3 messages",
            "Offer    1135.25 EUR per unit · 12 units · delivery by 2025-02-20",
            "Order    PO-000001 · 13623.00 EUR · drawn up 4m ago · x exports the PDF",
        ],
    );
    press(&mut a, KeyCode::Char('x'));
    let screen = frame(&a, 80, 24);
    assert_shows(
        &screen,
        &[
            "Export PO-000001 as PDF",
            "File    ./PO-000001.pdf",
            "A relative path starts in the directory procura was started in.",
            "Enter export",
        ],
    );
    assert_snapshot!(screen);
}

#[test]
fn the_outbox_with_a_failed_message_and_its_error() {
    let a = outbox_app(outbox());
    let screen = frame(&a, 80, 24);
    assert_shows(
        &screen,
        &[
            "Procura › Outbox · 4 messages · 1 failed · 1 unknown",
            "Approved email (4)",
            "STATE",
            "› failed",
            "unknown",
            "retrying: 421 4.7.0",
            "officeworld",
            "Email to chairmart",
            "Delivery failed after 5 attempts; not retried by itself",
            "Error    550 5.1.1 <sales@chairmart.example>: Recipient address rejected:",
            "User unknown in virtual mailbox table",
            "R sends it again.",
            "R resend",
        ],
    );
    assert_snapshot!(screen);
}

#[test]
fn the_outbox_details_of_each_state() {
    let mut a = outbox_app(outbox());
    press(&mut a, KeyCode::Down);
    assert_shows(
        &frame(&a, 80, 24),
        &[
            "Delivery unknown: the daemon stopped while the server was taking it",
            "Check the Sent folder: M if it is there",
        ],
    );
    press(&mut a, KeyCode::Down);
    assert_shows(
        &frame(&a, 80, 24),
        &["Delivery waiting to try again in 3m (2 attempts so far)"],
    );
    press(&mut a, KeyCode::Down);
    assert_shows(
        &frame(&a, 80, 24),
        &["Delivery sent 2h ago by smtp · <4@procura.example>"],
    );
    // The resend prompt over the list.
    press(&mut a, KeyCode::Home);
    press(&mut a, KeyCode::Char('R'));
    assert_shows(
        &frame(&a, 80, 24),
        &[
            "Resend the email to chairmart?",
            "It is queued and sent again, once.",
            "y resend",
        ],
    );
}

#[test]
fn empty_loading_and_failed_listings() {
    let mut a = connected_app(true);
    press(&mut a, KeyCode::Char('N'));
    assert!(frame(&a, 80, 24).contains("Loading the negotiations…"));
    a.apply(Update::Negotiations {
        job: None,
        result: Err("procurad is unavailable: database: connection refused".into()),
    });
    assert!(frame(&a, 80, 24).contains("Could not list the negotiations: procurad is unavailable"));
    a.apply(Update::Negotiations {
        job: None,
        result: Ok(vec![]),
    });
    assert!(frame(&a, 80, 24).contains("No negotiations yet."));
    let mut a = connected_app(true);
    press(&mut a, KeyCode::Char('O'));
    assert!(frame(&a, 80, 24).contains("Loading the outbox…"));
    a.apply(Update::Outbox(Ok(vec![])));
    assert!(frame(&a, 80, 24).contains("No approved email yet."));
    a.apply(Update::Outbox(Ok(outbox())));
    a.apply(Update::Outbox(Err("deadline exceeded".into())));
    let screen = frame(&a, 80, 24);
    assert!(screen.contains("deadline exceeded") && screen.contains("paperhaus"));
}

#[test]
fn help_lists_the_keys() {
    let mut a = negotiations_app(threads());
    press(&mut a, KeyCode::Char('?'));
    assert_shows(
        &frame(&a, 80, 24),
        &[
            "accept the offer (y/n)",
            "counter with a price",
            "decline with a reason",
            "export the PO as PDF",
            "scroll the thread",
            "Counter-offer",
            "send the counter-offer",
            // The last of each column: nothing is cut off at 80 × 24.
            "first / last",
            "delete; Ctrl-U clears",
        ],
    );
    let mut a = outbox_app(outbox());
    press(&mut a, KeyCode::Char('?'));
    assert_shows(
        &frame(&a, 80, 24),
        &[
            "resend failed/unknown",
            "mark an unknown one sent",
            "first / last message",
        ],
    );
    // The jobs list and the job view name the keys that open them.
    let mut a = connected_app(true);
    press(&mut a, KeyCode::Char('?'));
    assert_shows(
        &frame(&a, 80, 30),
        &["negotiations and POs", "outbox: email delivery"],
    );
    let mut a = job_view_app(true, 3);
    press(&mut a, KeyCode::Char('?'));
    assert_shows(&frame(&a, 80, 30), &["N            negotiations and POs"]);
}

#[test]
fn hostile_threads_and_errors_never_reach_the_screen() {
    let mut evil = threads();
    evil[0].vendor = format!("vendor{HOSTILE}");
    let mut bad_offer = offer(100, HOSTILE, None, HOSTILE);
    bad_offer.quantity = None;
    let mut r = reply(1, "x", bad_offer, 1);
    r.subject = HOSTILE.into();
    r.body = format!("{HOSTILE}\n\u{1b}[1Asecond\r\nthird\u{7}");
    r.counterpart = Some(format!("a@b{HOSTILE}"));
    r.attachment = Some(HOSTILE.into());
    r.status = HOSTILE.into();
    evil[0].messages.push(r);
    if let Some(po) = evil[1].purchase_order.as_mut() {
        po.number = format!("PO-1{HOSTILE}/../../etc/passwd");
        po.currency = HOSTILE.into();
    }
    let mut a = negotiations_app(evil.clone());
    assert_clean(&frame(&a, 80, 24));
    assert_clean(&frame(&a, 120, 40));
    press(&mut a, KeyCode::Enter);
    press(&mut a, KeyCode::End);
    let open = frame(&a, 80, 24);
    assert_clean(&open);
    assert!(open.contains("second") && open.contains("third"), "{open}");
    for k in ['a', 'c', 'd'] {
        let mut b = negotiations_app(evil.clone());
        press(&mut b, KeyCode::Char(k));
        assert_clean(&frame(&b, 80, 24));
    }
    // The export's default file name keeps to a safe set of characters.
    let mut b = negotiations_app(evil.clone());
    press(&mut b, KeyCode::Down);
    press(&mut b, KeyCode::Char('x'));
    let Mode::Export(input) = b.negotiations().mode() else {
        panic!("exporting");
    };
    let name = input.text().strip_prefix("./").unwrap_or_default();
    assert!(name.starts_with("PO-1") && name.ends_with(".pdf"), "{name}");
    assert!(!name.contains('/') && !name.contains(".."), "{name}");
    assert_clean(&frame(&b, 80, 24));
    a.apply(Update::OfferFailed {
        call: super::msg::OfferCall::Accept,
        negotiation: evil[0].negotiation_id,
        error: HOSTILE.into(),
    });
    assert_clean(&frame(&a, 80, 24));
    let mut o = outbox();
    o[0].error = Some(format!("{SMTP_550}{HOSTILE}"));
    o[0].vendor = HOSTILE.into();
    o[0].to = Some(HOSTILE.into());
    let mut a = outbox_app(o);
    assert_clean(&frame(&a, 80, 24));
    press(&mut a, KeyCode::Char('R'));
    assert_clean(&frame(&a, 80, 24));
}

#[test]
fn tiny_terminals_do_not_panic() {
    for keys in [
        &[][..],
        &[KeyCode::Enter],
        &[KeyCode::Char('a')],
        &[KeyCode::Char('c')],
        &[KeyCode::Char('d')],
        &[KeyCode::Down, KeyCode::Char('x')],
    ] {
        let mut a = negotiations_app(threads());
        for k in keys {
            press(&mut a, *k);
        }
        for (w, h) in [(20, 8), (5, 3), (1, 1), (40, 12)] {
            frame(&a, w, h);
        }
    }
    for keys in [&[][..], &[KeyCode::Char('R')]] {
        let mut a = outbox_app(outbox());
        for k in keys {
            press(&mut a, *k);
        }
        for (w, h) in [(20, 8), (5, 3), (1, 1), (40, 12)] {
            frame(&a, w, h);
        }
    }
}
