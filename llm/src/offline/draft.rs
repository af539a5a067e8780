//! The request-for-quote email, from a template.
//!
//! Product titles, URLs and the vendor's name come from vendors' web pages:
//! each is squeezed onto one line ([`one_line`]) and clipped before it is
//! placed, so none can start a line of its own, pose as a header or push the
//! request out of view.

use chrono::NaiveDate;

use super::{clip_chars, clip_words, format_money, one_line};
use crate::{DraftBrief, DraftEmail, DraftProduct};

/// A product title longer than this is cut: shop titles run long with
/// keyword lists, and the URL identifies the product anyway.
const MAX_TITLE_CHARS: usize = 120;
/// The subject's share for a title, so the whole subject stays within what
/// mail clients show in a list.
const MAX_SUBJECT_TITLE_CHARS: usize = 60;
/// Vendor and buyer names: long enough for any real company name.
const MAX_NAME_CHARS: usize = 120;
/// A longer URL is left out rather than cut, because a cut URL leads
/// somewhere else.
const MAX_URL_CHARS: usize = 1000;

/// A request-for-quote email for `brief`: quantity, delivery date, every
/// product with its title, URL and listed unit price, the target unit price
/// when there is one, and a request for the vendor's best unit price, any
/// volume discount and a confirmed delivery date, signed by the buyer.
pub fn draft(brief: &DraftBrief) -> DraftEmail {
    let products: Vec<ShownProduct> = brief.products.iter().map(ShownProduct::new).collect();
    DraftEmail {
        subject: subject(brief, &products),
        body: body(brief, &products),
    }
}

/// A product as the email shows it: every field already one safe line.
struct ShownProduct {
    title: String,
    url: Option<String>,
    listed_price: String,
}

impl ShownProduct {
    fn new(product: &DraftProduct) -> Self {
        let title = clip_words(&one_line(&product.title), MAX_TITLE_CHARS);
        let title = if title.is_empty() {
            "(untitled product)".to_owned()
        } else {
            title
        };
        ShownProduct {
            title,
            url: safe_url(&product.url),
            listed_price: format_money(product.unit_price, &product.currency),
        }
    }
}

/// The URL on one line with no whitespace inside (a space becomes `%20`, as
/// a browser would send it), or `None` when nothing usable is left.
fn safe_url(url: &str) -> Option<String> {
    let url = one_line(url).replace(' ', "%20");
    if url.is_empty() {
        return None;
    }
    if url.chars().count() > MAX_URL_CHARS {
        tracing::debug!(
            chars = url.chars().count(),
            "product URL left out of the draft: too long to quote whole"
        );
        return None;
    }
    Some(url)
}

fn units(quantity: u32) -> String {
    if quantity == 1 {
        "1 unit".to_owned()
    } else {
        format!("{quantity} units")
    }
}

/// `15 Dec 2026`, short for the subject.
fn short_date(date: NaiveDate) -> String {
    date.format("%-d %b %Y").to_string()
}

/// `15 December 2026`: day, month name, year, which no reader can take for
/// month/day.
fn long_date(date: NaiveDate) -> String {
    date.format("%-d %B %Y").to_string()
}

fn subject(brief: &DraftBrief, products: &[ShownProduct]) -> String {
    let what = match products {
        [only] => format!(
            "{} × {}",
            brief.quantity,
            clip_words(&only.title, MAX_SUBJECT_TITLE_CHARS)
        ),
        [] => units(brief.quantity),
        several => format!("{} of {} products", units(brief.quantity), several.len()),
    };
    match brief.deadline {
        Some(deadline) => format!(
            "Request for quote: {what} — delivery by {}",
            short_date(deadline)
        ),
        None => format!("Request for quote: {what}"),
    }
}

fn body(brief: &DraftBrief, products: &[ShownProduct]) -> String {
    let vendor = clip_chars(&one_line(&brief.vendor), MAX_NAME_CHARS);
    let buyer = clip_chars(&one_line(&brief.buyer_org), MAX_NAME_CHARS);
    let quantity = units(brief.quantity);
    let delivered_by = brief
        .deadline
        .map(|d| format!(", delivered by {}", long_date(d)))
        .unwrap_or_default();

    let mut lines: Vec<String> = Vec::new();
    lines.push(if vendor.is_empty() {
        "Hello,".to_owned()
    } else {
        format!("Dear {vendor} team,")
    });
    lines.push(String::new());

    let requester = if buyer.is_empty() {
        "We are".to_owned()
    } else {
        format!("{buyer} is")
    };
    lines.push(match products.len() {
        0 => format!("{requester} requesting a quote for {quantity}{delivered_by}."),
        1 => format!(
            "{requester} requesting a quote for {quantity} of the product below{delivered_by}."
        ),
        n => format!(
            "{requester} requesting a quote for {quantity}{delivered_by}, for each of the {n} products below."
        ),
    });
    lines.push(String::new());

    for product in products {
        lines.push(format!("- {}", product.title));
        if let Some(url) = &product.url {
            lines.push(format!("  {url}"));
        }
        lines.push(format!("  Listed price: {} per unit", product.listed_price));
    }
    if !products.is_empty() {
        lines.push(String::new());
    }

    if let Some(target) = brief.target_unit_price {
        lines.push(format!(
            "Our target price is {} per unit.",
            format_money(target, &brief.currency)
        ));
        lines.push(String::new());
    }

    let per_product = if products.len() > 1 {
        " for each product"
    } else {
        ""
    };
    lines.push("Could you please reply with:".to_owned());
    lines.push(format!(
        "- your best unit price{per_product} for {quantity},"
    ));
    lines.push("- any volume discount you can offer for this quantity,".to_owned());
    lines.push(match brief.deadline {
        Some(deadline) => format!(
            "- a confirmed delivery date, on or before {}.",
            long_date(deadline)
        ),
        None => "- a confirmed delivery date.".to_owned(),
    });
    lines.push(String::new());
    lines.push("This is a request for a quote, not yet an order.".to_owned());
    lines.push(String::new());
    lines.push("Thank you in advance.".to_owned());
    lines.push(String::new());
    lines.push("Kind regards,".to_owned());
    if !buyer.is_empty() {
        lines.push(buyer);
    }
    let mut body = lines.join("\n");
    body.push('\n');
    body
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use rust_decimal::Decimal;

    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn product(title: &str, url: &str, price: &str) -> DraftProduct {
        DraftProduct {
            title: title.into(),
            url: url.into(),
            unit_price: d(price),
            currency: "EUR".into(),
        }
    }

    fn chair_brief() -> DraftBrief {
        DraftBrief {
            vendor: "Acme Office Supplies".into(),
            products: vec![product(
                "Ergonomic chair X",
                "https://acme.example/p/chair-x",
                "299",
            )],
            quantity: 20,
            target_unit_price: Some(d("275")),
            currency: "EUR".into(),
            deadline: NaiveDate::from_ymd_opt(2026, 12, 15),
            buyer_org: "Northwind Ltd".into(),
        }
    }

    #[test]
    fn the_whole_email_for_one_product() {
        let email = draft(&chair_brief());
        assert_eq!(
            email.subject,
            "Request for quote: 20 × Ergonomic chair X — delivery by 15 Dec 2026"
        );
        let expected = "\
Dear Acme Office Supplies team,

Northwind Ltd is requesting a quote for 20 units of the product below, delivered by 15 December 2026.

- Ergonomic chair X
  https://acme.example/p/chair-x
  Listed price: 299.00 EUR per unit

Our target price is 275.00 EUR per unit.

Could you please reply with:
- your best unit price for 20 units,
- any volume discount you can offer for this quantity,
- a confirmed delivery date, on or before 15 December 2026.

This is a request for a quote, not yet an order.

Thank you in advance.

Kind regards,
Northwind Ltd
";
        assert_eq!(email.body, expected);
    }

    #[test]
    fn every_required_fact_is_stated() {
        let email = draft(&chair_brief());
        let body = &email.body;
        for fact in [
            "20 units",
            "target price is 275.00 EUR per unit",
            "delivered by 15 December 2026",
            "Ergonomic chair X",
            "https://acme.example/p/chair-x",
            "299.00 EUR",
            "Northwind Ltd",
            "best unit price",
            "volume discount",
            "confirmed delivery date",
        ] {
            assert!(body.contains(fact), "missing {fact:?} in\n{body}");
        }
    }

    #[test]
    fn several_products_are_each_listed_and_the_subject_stays_short() {
        let brief = DraftBrief {
            products: vec![
                product("Chair A", "https://acme.example/a", "249.5"),
                product("Chair B", "https://acme.example/b", "0.125"),
                product("Chair C", "https://acme.example/c", "1299.99"),
            ],
            ..chair_brief()
        };
        let email = draft(&brief);
        assert_eq!(
            email.subject,
            "Request for quote: 20 units of 3 products — delivery by 15 Dec 2026"
        );
        for fact in [
            "- Chair A\n  https://acme.example/a\n  Listed price: 249.50 EUR per unit",
            "- Chair B\n  https://acme.example/b\n  Listed price: 0.125 EUR per unit",
            "- Chair C\n  https://acme.example/c\n  Listed price: 1299.99 EUR per unit",
            "for each of the 3 products below",
            "your best unit price for each product for 20 units",
        ] {
            assert!(
                email.body.contains(fact),
                "missing {fact:?} in\n{}",
                email.body
            );
        }
    }

    #[test]
    fn without_deadline_or_target_neither_is_mentioned() {
        let brief = DraftBrief {
            deadline: None,
            target_unit_price: None,
            quantity: 1,
            ..chair_brief()
        };
        let email = draft(&brief);
        assert_eq!(email.subject, "Request for quote: 1 × Ergonomic chair X");
        assert!(!email.body.contains("target"), "{}", email.body);
        assert!(!email.body.contains("delivered by"), "{}", email.body);
        assert!(
            email
                .body
                .contains("quote for 1 unit of the product below.")
        );
        assert!(email.body.contains("- a confirmed delivery date.\n"));
    }

    #[test]
    fn a_hostile_title_stays_on_its_own_line() {
        let hostile =
            "Chair X\nBcc: attacker@evil.example\r\nSubject: urgent\u{2028}To: x@y\u{202E}gnp.exe";
        let brief = DraftBrief {
            vendor: "Acme\nCc: someone@evil.example".into(),
            products: vec![product(
                hostile,
                "https://acme.example/p x\nBcc: a@b",
                "299",
            )],
            ..chair_brief()
        };
        let email = draft(&brief);
        assert!(!email.subject.contains(['\n', '\r', '\u{2028}', '\u{202E}']));
        assert_eq!(
            email.subject,
            "Request for quote: 20 × Chair X Bcc: attacker@evil.example Subject: urgent To: x@y… — delivery by 15 Dec 2026"
        );
        for line in email.body.lines() {
            let line = line.trim_start();
            for header in ["Bcc:", "Cc:", "Subject:", "To:"] {
                assert!(!line.starts_with(header), "header-like line {line:?}");
            }
        }
        assert!(
            email
                .body
                .contains("- Chair X Bcc: attacker@evil.example Subject: urgent To: x@y gnp.exe\n")
        );
        assert!(
            email
                .body
                .contains("  https://acme.example/p%20x%20Bcc:%20a@b\n")
        );
        assert!(
            email
                .body
                .starts_with("Dear Acme Cc: someone@evil.example team,\n")
        );
        assert!(!email.body.contains(['\r', '\u{2028}', '\u{202E}']));
    }

    #[test]
    fn long_titles_are_clipped() {
        let long = "Ergonomic ".repeat(40);
        let brief = DraftBrief {
            products: vec![product(&long, "https://acme.example/p", "10")],
            ..chair_brief()
        };
        let email = draft(&brief);
        let title_line = email
            .body
            .lines()
            .find(|l| l.starts_with("- Ergonomic"))
            .unwrap();
        assert!(title_line.ends_with('…'), "{title_line}");
        assert!(title_line.chars().count() <= 2 + MAX_TITLE_CHARS + 1);
        assert!(email.subject.chars().count() < 120, "{}", email.subject);
    }

    #[test]
    fn drafting_is_deterministic() {
        let brief = chair_brief();
        assert_eq!(draft(&brief), draft(&brief));
        assert_eq!(draft(&brief), draft(&brief.clone()));
    }

    #[test]
    fn empty_names_and_urls_still_give_a_sound_email() {
        let brief = DraftBrief {
            vendor: " \n".into(),
            buyer_org: String::new(),
            products: vec![product("\u{7}", "  ", "5")],
            ..chair_brief()
        };
        let email = draft(&brief);
        assert!(
            email
                .body
                .starts_with("Hello,\n\nWe are requesting a quote")
        );
        assert!(
            email
                .body
                .contains("- (untitled product)\n  Listed price: 5.00 EUR")
        );
        assert!(email.body.ends_with("Kind regards,\n"));
    }
}
