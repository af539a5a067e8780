//! Delivery times: schema.org shipping details and the wording shops use.
//!
//! - Structured data: an offer's `shippingDetails` (`OfferShippingDetails`)
//!   → `deliveryTime` (`ShippingDeliveryTime`) → `handlingTime` plus
//!   `transitTime`, each a `QuantitativeValue` (`minValue`, `maxValue` or
//!   `value`, `unitCode` `DAY`/`d`, `HUR`/`h`, `WEE`/`wk`); the delivery
//!   time is their sum. By schema.org convention those days are business
//!   days unless `businessDays` lists Saturday and Sunday. The older
//!   `deliveryLeadTime` (a `QuantitativeValue` on the offer) counts too.
//! - Text, in English, German, Dutch and French: a duration ("3-5 working
//!   days", "2–3 Werktage", "1-2 werkdagen", "24h", "2 weeks") whose
//!   nearest keyword in its clause is a delivery word ("delivery",
//!   "ships", "dispatched", "Lieferzeit", "levertijd", "livraison", ...),
//!   or a relative phrase ("next-day delivery", "delivered tomorrow",
//!   "morgen in huis"). A duration whose nearest keyword is a return,
//!   warranty, payment or battery word ("30-day returns", "2 year
//!   warranty") is not a delivery time. Weeks are 7 calendar days; hours
//!   round up to whole days. "Next day" is the next business day.
//! - Dispatch ("ships within 24 hours") is taken as the delivery time: the
//!   page says no more, and a page that shows only a dispatch time is
//!   rarely much slower in transit.

use std::sync::LazyLock;

use procura_common::delivery::{DeliveryTime, MAX_DAYS};
use regex::Regex;

mod schema;

pub(crate) use schema::from_offer;

/// Days as a `u16`; `None` beyond [`MAX_DAYS`].
fn clamp(days: u32) -> Option<u16> {
    u16::try_from(days).ok().filter(|d| *d <= MAX_DAYS)
}

/// A duration: a number or a range of numbers and a unit.
static DURATION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)
        \b(?P<a>\d{1,3})
        (?:\s*(?:-|–|—|to|bis|tot|à|a|and|und|en|et|or|oder|of|ou)\s*(?P<b>\d{1,3}))?
        \s*-?\s*
        (?P<unit>
            business[\s-]?days?|working[\s-]?days?|work[\s-]?days?|weekdays?
          | werktag(?:e|en)?|arbeitstag(?:e|en)?|werkdag(?:en)?
          | jours?\s+ouvr(?:é|e|a)(?:s|bles?)?
          | days?|tag(?:e|en)?|dag(?:en)?|jours?
          | weeks?|wks?|woche(?:n)?|weken|week|semaines?
          | hours?|hrs?|stunden?|std\.?|uur|heures?|h
        )\b",
    )
    .expect("the duration pattern compiles")
});

/// Words that make a nearby duration a delivery time.
const DELIVERY_WORDS: &[&str] = &[
    "deliver",
    "shipping",
    "ships",
    "ship in",
    "ship within",
    "shipped",
    "dispatch",
    "arrive",
    "arrival",
    "lead time",
    "get it",
    "lieferzeit",
    "lieferung",
    "liefertermin",
    "lieferbar",
    "geliefert",
    "versand",
    "verschickt",
    "zustellung",
    "zugestellt",
    "bei ihnen",
    "bei dir",
    "levertijd",
    "levering",
    "geleverd",
    "bezorg",
    "verzonden",
    "verzending",
    "in huis",
    "livraison",
    "livré",
    "livre sous",
    "expédi",
    "expedi",
];

/// Words that make a nearby duration something else.
const OTHER_WORDS: &[&str] = &[
    "return",
    "refund",
    "exchange",
    "warrant",
    "guarantee",
    "money back",
    "money-back",
    "trial",
    "cancel",
    "payment",
    "pay ",
    "pay within",
    "invoice",
    "valid",
    "ago",
    "since",
    "battery",
    "runtime",
    "run time",
    "standby",
    "playback",
    "support",
    "order within",
    "order in the next",
    "rückgabe",
    "rücksend",
    "rückversand",
    "widerruf",
    "umtausch",
    "garantie",
    "gewährleistung",
    "zahlung",
    "zahlbar",
    "rechnung",
    "gültig",
    "akku",
    "laufzeit",
    "retour",
    "herroep",
    "bedenktijd",
    "betaling",
    "geldig",
    "rembours",
    "rétractation",
    "paiement",
    "valable",
    "commandez",
];

/// Relative wording: (phrase, days, business days).
const RELATIVE: &[(&str, u16, bool)] = &[
    ("same-day", 0, false),
    ("same day", 0, false),
    ("next-day", 1, true),
    ("next day", 1, true),
    ("next working day", 1, true),
    ("next business day", 1, true),
    ("overnight", 1, true),
    ("tomorrow", 1, false),
    ("nächsten werktag", 1, true),
    ("nächster werktag", 1, true),
    ("morgen", 1, false),
    ("volgende werkdag", 1, true),
    ("volgende dag", 1, false),
    ("lendemain", 1, false),
    ("jour ouvré suivant", 1, true),
    ("demain", 1, false),
];

/// Keyword hits in a clause, each at the start of a word: (start, end, is
/// a delivery word).
fn keywords(clause: &str) -> Vec<(usize, usize, bool)> {
    let mut out = Vec::new();
    for (words, delivery) in [(DELIVERY_WORDS, true), (OTHER_WORDS, false)] {
        for w in words {
            for (i, _) in clause.match_indices(w) {
                let word_start = clause[..i]
                    .chars()
                    .next_back()
                    .is_none_or(|c| !c.is_alphabetic());
                if word_start {
                    out.push((i, i + w.len(), delivery));
                }
            }
        }
    }
    out
}

/// Whether the duration or phrase at `start..end` is about delivery: not
/// when another kind of word follows it at once ("30-day returns", "30
/// Tage Rückgaberecht"); else the nearest keyword before it decides
/// ("Lieferzeit 2–3 Werktage", "Zahlbar innerhalb von 14 Tagen nach
/// Lieferung"), else the nearest after it ("2–3 days delivery").
fn about_delivery(kws: &[(usize, usize, bool)], start: usize, end: usize) -> bool {
    const REACH: usize = 60;
    const AT_ONCE: usize = 4;
    if kws
        .iter()
        .any(|&(s, _, delivery)| !delivery && s >= end && s - end <= AT_ONCE)
    {
        return false;
    }
    let before = kws
        .iter()
        .filter(|&&(_, e, _)| e <= start && start - e <= REACH)
        .min_by_key(|&&(_, e, delivery)| (start - e, delivery));
    if let Some(&(_, _, delivery)) = before {
        return delivery;
    }
    kws.iter()
        .filter(|&&(s, _, _)| s >= end && s - end <= REACH)
        .min_by_key(|&&(s, _, delivery)| (s - end, delivery))
        .is_some_and(|k| k.2)
}

fn unit_days(unit: &str) -> (u32, bool) {
    let u = unit.trim();
    let business = [
        "business", "working", "work", "weekday", "werk", "arbeit", "ouvr",
    ]
    .iter()
    .any(|w| u.starts_with(w) || u.contains(&format!(" {w}")));
    if business {
        (1, true)
    } else if ["week", "wk", "woche", "weken", "semaine"]
        .iter()
        .any(|w| u.starts_with(w))
    {
        (7, false)
    } else if ["hour", "hr", "stunde", "std", "uur", "heure"]
        .iter()
        .any(|w| u.starts_with(w))
        || u == "h"
    {
        (0, false)
    } else {
        (1, false)
    }
}

/// Days of `n` of a unit that is `per` days (0: hours).
fn to_days(n: u32, per: u32) -> u32 {
    if per == 0 {
        n.div_ceil(24).max(1)
    } else {
        n * per
    }
}

/// Words ending in a dot that do not end a sentence ("ca. 2–3 Tage").
const ABBREVIATIONS: &[&str] = &[
    "ca",
    "approx",
    "appr",
    "env",
    "ong",
    "max",
    "min",
    "vsl",
    "voraussichtl",
    "zzgl",
    "inkl",
    "bzw",
    "ab",
    "mind",
    "etwa",
];

/// The clauses of a text: split at sentence ends, semicolons, bars,
/// bullets and commas followed by a space (not at decimal commas or the
/// dot of "ca.").
fn clauses(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in text.char_indices() {
        let rest = &text[i + c.len_utf8()..];
        let split = match c {
            ';' | '|' | '•' | '·' | '!' | '?' | '\n' => true,
            ',' => rest.starts_with(' '),
            '.' => {
                let word = text[start..i]
                    .rsplit(|c: char| !c.is_alphanumeric())
                    .next()
                    .unwrap_or("")
                    .to_lowercase();
                rest.starts_with(' ')
                    && rest
                        .trim_start()
                        .chars()
                        .next()
                        .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
                    && !ABBREVIATIONS.contains(&word.as_str())
            }
            _ => false,
        };
        if split {
            out.push(&text[start..i]);
            start = i + c.len_utf8();
        }
    }
    out.push(&text[start..]);
    out
}

/// The first delivery time a text states; `None` when it states none.
pub fn from_text(text: &str) -> Option<DeliveryTime> {
    if text.len() > 2000 {
        return None;
    }
    for clause in clauses(text) {
        let clause = clause.to_lowercase();
        let kws = keywords(&clause);
        if !kws.iter().any(|k| k.2) {
            continue;
        }
        let mut found: Vec<(usize, DeliveryTime)> = Vec::new();
        for m in DURATION.captures_iter(&clause) {
            let (Some(all), Some(unit)) = (m.get(0), m.name("unit")) else {
                continue;
            };
            if !about_delivery(&kws, all.start(), all.end()) {
                continue;
            }
            let num = |k: &str| m.name(k).and_then(|x| x.as_str().parse::<u32>().ok());
            let Some(a) = num("a") else { continue };
            let b = num("b").unwrap_or(a);
            let (per, business) = unit_days(unit.as_str());
            let (a, b) = (to_days(a, per), to_days(b, per));
            if let (Some(a), Some(b)) = (clamp(a), clamp(b))
                && let Some(t) = DeliveryTime::new(a, b, business)
            {
                found.push((all.start(), t));
            }
        }
        for &(phrase, days, business) in RELATIVE {
            if let Some(i) = clause.find(phrase)
                && about_delivery(&kws, i, i + phrase.len())
                && let Some(t) = DeliveryTime::new(days, days, business)
            {
                found.push((i, t));
            }
        }
        if let Some((_, t)) = found.into_iter().min_by_key(|(i, _)| *i) {
            return Some(t);
        }
    }
    None
}

#[cfg(test)]
mod tests;
