//! One phrasing at a time: the date, discount and quantity forms the
//! offline reader knows, and look-alikes it must not take.

use std::str::FromStr;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::*;

/// Thursday.
fn received_on() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
}

fn date(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn read(body: &str) -> ReplyOffer {
    read_reply(&ReplyEvidence {
        subject: String::new(),
        body: body.into(),
        received_on: received_on(),
    })
}

#[test]
fn business_days_skip_weekends() {
    // Thursday + 1 is Friday, + 2 is Monday.
    let thursday = received_on();
    assert_eq!(dates_add(thursday, 1), date(2026, 11, 27));
    assert_eq!(dates_add(thursday, 2), date(2026, 11, 30));
    assert_eq!(dates_add(thursday, 10), date(2026, 12, 10));
}

fn dates_add(from: NaiveDate, days: u32) -> Option<NaiveDate> {
    let body = format!("Delivery within {days} business days.");
    read_reply(&ReplyEvidence {
        subject: String::new(),
        body,
        received_on: from,
    })
    .delivery_date
}

#[test]
fn date_forms() {
    for (text, expected) in [
        ("Delivery: 12.12.2026", date(2026, 12, 12)),
        ("Delivery: 12.12.26", date(2026, 12, 12)),
        ("delivery by 12th of December 2026", date(2026, 12, 12)),
        ("Delivered by Dec. 12, 2026", date(2026, 12, 12)),
        ("Lieferung am 12. Dezember 2026", date(2026, 12, 12)),
        ("livraison le 1er décembre 2026", date(2026, 12, 1)),
        ("Delivery on 12/24/2026", date(2026, 12, 24)),
        ("Delivery on 24/12/2026", date(2026, 12, 24)),
        ("Delivery on 12/12/2026", date(2026, 12, 12)),
        ("delivery in 2-3 weeks", date(2026, 12, 17)),
        ("Lieferzeit innerhalb von 5 Werktagen", date(2026, 12, 3)),
        ("livraison sous 5 jours ouvrés", date(2026, 12, 3)),
        ("delivery within a month", date(2026, 12, 26)),
        ("we dispatch tomorrow", date(2026, 11, 27)),
        ("delivery by 31 February 2027", None),
        ("the office is closed on 24 December 2026", None),
        ("payment within 30 days", None),
        ("this quote is valid for 14 days", None),
    ] {
        assert_eq!(dates_of(text), expected, "{text}");
    }
}

fn dates_of(body: &str) -> Option<NaiveDate> {
    read(body).delivery_date
}

#[test]
fn discount_forms() {
    for (text, expected) in [
        ("a 7.5% discount", Some("7.5")),
        ("10 % Rabatt", Some("10")),
        ("Rabatt von 7,5 Prozent", Some("7.5")),
        ("10% korting", Some("10")),
        ("une remise de 10 %", Some("10")),
        ("10% off", Some("10")),
        ("12% below list price", Some("12")),
        ("discount: 4 percent", Some("4")),
        ("a 0% discount", Some("0")),
        ("Prices exclude 19% VAT", None),
        ("2% Skonto bei Zahlung innerhalb 10 Tagen", None),
        ("a 30% deposit is required", None),
        ("up to 15% discount", None),
        ("5% discount for 20 units, 8% discount for 50 units", None),
        ("our margin is only 12%", None),
    ] {
        assert_eq!(read(text).discount_percent, expected.map(dec), "{text}");
    }
}

#[test]
fn quantity_forms() {
    for (text, expected) in [
        ("for 20 units", Some(20)),
        ("qty 20", Some(20)),
        ("Qty.: 20", Some(20)),
        ("Menge: 20", Some(20)),
        ("20 Stück", Some(20)),
        ("aantal 20", Some(20)),
        ("1,000 pcs", Some(1000)),
        ("20x ErgoPro 500", Some(20)),
        ("MOQ 50 units", None),
        ("minimum order of 50 pcs", None),
        ("12 units available", None),
        ("Thank you for your request for 20 units.", None),
        ("0 units", None),
        ("a 2 x 3 m rug", None),
    ] {
        assert_eq!(read(text).quantity, expected, "{text}");
    }
}

#[test]
fn price_forms() {
    for (text, expected) in [
        (
            "Price per unit: €245.00 (excl. VAT)",
            Some(("245.00", "EUR")),
        ),
        (
            "We'd be glad to supply 20 units at 245,00 EUR/Stk.",
            Some(("245.00", "EUR")),
        ),
        (
            "Our quote: 20 x chair @ $245.00 ea.",
            Some(("245.00", "USD")),
        ),
        (
            "Total: €4,900.00 (€245.00 per unit)",
            Some(("245.00", "EUR")),
        ),
        (
            "Der Preis beträgt 245,00 € netto pro Stück zzgl. MwSt.",
            Some(("245.00", "EUR")),
        ),
        (
            "Prix : 245 € l'unité, livraison sous 3 semaines.",
            Some(("245", "EUR")),
        ),
        (
            "We can offer €245 per unit (normally €299).",
            Some(("245", "EUR")),
        ),
        (
            "Price: €245.00/unit, minimum order €500.",
            Some(("245.00", "EUR")),
        ),
        (
            "Our offer is 245 EUR per piece for 20 pieces, i.e. 4,900 EUR in total.",
            Some(("245", "EUR")),
        ),
        ("CHF 1'299.– pro Stück", Some(("1299", "CHF"))),
        ("£849 each", Some(("849", "GBP"))),
        ("we offer the chair at A$ 310", Some(("310", "AUD"))),
        ("Shipping is €45.00 per order.", None),
        ("Starting from €199 per unit depending on options.", None),
        ("€20 off per unit.", None),
        ("Please find attached our quote.", None),
        ("Registered capital: EUR 25,000", None),
        ("Call +49 30 1234 5678 or quote ref 4411.", None),
    ] {
        let offer = read(text);
        let got = offer
            .unit_price
            .map(|p| (p, offer.currency.unwrap_or_default()));
        let expected = expected.map(|(p, c)| (dec(p), c.to_owned()));
        assert_eq!(got, expected, "{text}");
    }
}
