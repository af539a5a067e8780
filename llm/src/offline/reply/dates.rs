//! The delivery date a vendor offers.
//!
//! Dates are read as written ("12 December 2026", "December 12, 2026",
//! "2026-12-12", "12.12.2026", "12/12/2026", "12. Dezember", "12 décembre")
//! and relative terms ("within 10 business days", "in 2 weeks", "by
//! Friday") are counted from the day the reply was received. A date counts
//! only when the nearest context word ties it to delivery, not to the
//! offer's validity, payment or our own request. A stated date beats a
//! relative term.

use std::sync::LazyLock;

use chrono::{Datelike, Days, Months, NaiveDate, Weekday};
use regex::{Captures, Regex};

use super::{context_after, first_cue, in_echo_clause, last_cue, phrases};

const BEFORE_CHARS: usize = 60;
const AFTER_CHARS: usize = 30;

/// Month names and abbreviations in English, German, Dutch and French.
const MONTHS: &[(&str, u32)] = &[
    ("january", 1),
    ("januar", 1),
    ("januari", 1),
    ("janvier", 1),
    ("jänner", 1),
    ("janv", 1),
    ("jan", 1),
    ("february", 2),
    ("februar", 2),
    ("februari", 2),
    ("février", 2),
    ("fevrier", 2),
    ("févr", 2),
    ("feb", 2),
    ("march", 3),
    ("märz", 3),
    ("maerz", 3),
    ("maart", 3),
    ("mars", 3),
    ("mrz", 3),
    ("mrt", 3),
    ("mar", 3),
    ("april", 4),
    ("avril", 4),
    ("avr", 4),
    ("apr", 4),
    ("may", 5),
    ("mai", 5),
    ("mei", 5),
    ("june", 6),
    ("juni", 6),
    ("juin", 6),
    ("jun", 6),
    ("july", 7),
    ("juli", 7),
    ("juillet", 7),
    ("juil", 7),
    ("jul", 7),
    ("august", 8),
    ("augustus", 8),
    ("août", 8),
    ("aout", 8),
    ("aug", 8),
    ("september", 9),
    ("septembre", 9),
    ("sept", 9),
    ("sep", 9),
    ("october", 10),
    ("oktober", 10),
    ("octobre", 10),
    ("oct", 10),
    ("okt", 10),
    ("november", 11),
    ("novembre", 11),
    ("nov", 11),
    ("december", 12),
    ("dezember", 12),
    ("décembre", 12),
    ("decembre", 12),
    ("déc", 12),
    ("dec", 12),
    ("dez", 12),
];

pub(super) fn month_number(name: &str) -> Option<u32> {
    let name = name.to_lowercase();
    MONTHS.iter().find(|(n, _)| *n == name).map(|(_, m)| *m)
}

/// One regex for every absolute form, so that overlapping readings of the
/// same text ("December 12, 2026" also holds "12, 2026") are resolved by
/// leftmost-first matching. Group names tell the forms apart.
static ABSOLUTE: LazyLock<Regex> = LazyLock::new(|| {
    let mut names: Vec<&str> = MONTHS.iter().map(|(n, _)| *n).collect();
    // Longest first, so "march" is not read as "mar" + "ch".
    names.sort_by_key(|n| std::cmp::Reverse(n.chars().count()));
    let month = names.join("|");
    Regex::new(&format!(
        r"(?ix)
        \b(?P<iso_y>\d{{4}})-(?P<iso_m>\d{{1,2}})-(?P<iso_d>\d{{1,2}})\b
        | \b(?P<dot_d>\d{{1,2}})\.\s?(?P<dot_m>\d{{1,2}})\.\s?(?P<dot_y>\d{{4}}|\d{{2}})\b
        | \b(?P<num_a>\d{{1,2}})[/-](?P<num_b>\d{{1,2}})[/-](?P<num_y>\d{{4}}|\d{{2}})\b
        | \b(?P<dm_d>\d{{1,2}})(?:st|nd|rd|th|er|\.)?\s*(?:of\s+)?-?(?P<dm_m>{month})\b\.?(?:[\s,-]+(?P<dm_y>\d{{4}})\b)?
        | \b(?P<md_m>{month})\b\.?\s+(?P<md_d>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<md_y>\d{{4}})\b)?
        "
    ))
    .expect("date forms compile")
});

/// Durations counted from the day the reply was received: "within 10
/// business days", "in 2-3 weeks", "innerhalb von 10 Werktagen", "binnen
/// 10 werkdagen", "sous 10 jours ouvrés". A range counts to its upper end.
static RELATIVE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)
        \b(?:(?P<low>\d{1,3})\s*(?:-|–|to|bis|tot|à)\s*)?
        (?P<count>\d{1,3}|a|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fourteen|fifteen|twenty|thirty)
        \s+(?P<unit>
            business\ days?|working\ days?|workdays?|werktagen?|arbeitstagen?|werkdagen|jours?\ ouvr[ée]s|jours?\ ouvrables
          | calendar\ days?|kalendertagen?|days?|tagen?|dagen|jours?
          | weeks?|wochen?|weken|semaines?
          | months?|monaten?|monate|maanden|maand|mois
        )\b",
    )
    .expect("durations compile")
});

static WEEKDAY: LazyLock<Regex> = LazyLock::new(|| {
    phrases(&[
        r"monday|tuesday|wednesday|thursday|friday|saturday|sunday",
        r"montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag",
        r"maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag",
        r"lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche",
        r"tomorrow|demain",
    ])
});

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cue {
    Other,
    Delivery,
}

static DELIVERY: LazyLock<Regex> = LazyLock::new(|| {
    phrases(&[
        r"deliver\w*",
        r"ship(?:s|ped|ping|ment)?",
        r"dispatch\w*",
        r"arriv\w*",
        r"lead ?time",
        r"eta",
        r"in your hands",
        r"on site",
        r"lieferung\w*",
        r"liefer\w*",
        r"geliefert",
        r"versand",
        r"versende\w*",
        r"verschick\w*",
        r"zustellung",
        r"levering\w*",
        r"lever\w*",
        r"geleverd",
        r"verzend\w*",
        r"verzonden",
        r"livraison",
        r"livr\w*",
        r"expédi\w*",
    ])
});

/// Dates that are about something other than delivery.
static NOT_DELIVERY: LazyLock<Regex> = LazyLock::new(|| {
    phrases(&[
        r"valid\w*",
        r"gültig\w*",
        r"geldig\w*",
        r"valable",
        r"expir\w*",
        r"payments?",
        r"pay(?:able)?",
        r"paid",
        r"zahl\w*",
        r"betaling\w*",
        r"betalen",
        r"paiement",
        r"payer",
        r"invoic\w*",
        r"rechnung",
        r"factuur",
        r"facture",
        r"dated",
        r"datiert",
        r"gedateerd",
        r"daté",
        r"closed",
        r"geschlossen",
        r"gesloten",
        r"fermé",
        r"holidays?",
        r"urlaub",
        r"vakantie",
        r"vacances",
        r"out of office",
        r"order (?:by|before)",
        r"bestell\w*",
        r"bestel\w*",
        r"commande\w*",
        r"confirm\w* (?:by|before)",
        r"reply (?:by|before)",
        r"respond (?:by|before)",
        r"warranty",
        r"garantie",
        r"your (?:email|message|mail|request|inquiry|enquiry)",
        r"received",
    ])
});

/// Words of the German, Dutch and French delivery cues: a slash date in
/// such a sentence is day/month/year.
static DAY_FIRST_LANGUAGE: LazyLock<Regex> = LazyLock::new(|| {
    phrases(&[
        r"liefer\w*",
        r"versand",
        r"lever\w*",
        r"verzend\w*",
        r"livr\w*",
        r"livraison",
        r"expédi\w*",
    ])
});

/// The delivery date offered in `sentences`, if one stands out.
pub(super) fn delivery_date(sentences: &[String], received_on: NaiveDate) -> Option<NaiveDate> {
    let mut stated = Vec::new();
    let mut relative = Vec::new();
    for sentence in sentences {
        for caps in ABSOLUTE.captures_iter(sentence) {
            let Some(whole) = caps.get(0) else { continue };
            if is_delivery(sentence, whole.start(), whole.end())
                && let Some(date) = absolute_date(&caps, sentence, received_on)
            {
                stated.push(date);
            }
        }
        for caps in RELATIVE.captures_iter(sentence) {
            let Some(whole) = caps.get(0) else { continue };
            if is_delivery(sentence, whole.start(), whole.end())
                && let Some(date) = relative_date(&caps, received_on)
            {
                relative.push(date);
            }
        }
        for m in WEEKDAY.find_iter(sentence) {
            if is_delivery(sentence, m.start(), m.end())
                && let Some(date) = weekday_date(m.as_str(), received_on)
            {
                relative.push(date);
            }
        }
    }
    if stated.is_empty() {
        super::the_only(relative)
    } else {
        super::the_only(stated)
    }
}

/// Whether the nearest context word ties the date at `start..end` to
/// delivery: the word before it, or else the word after it ("12 December
/// 2026 delivery is possible").
fn is_delivery(sentence: &str, start: usize, end: usize) -> bool {
    if in_echo_clause(sentence, start, end) {
        return false;
    }
    let cues = [(&*NOT_DELIVERY, Cue::Other), (&*DELIVERY, Cue::Delivery)];
    // The sentence before the date, across commas ("Delivery, as agreed,
    // by 12 December"): the nearest cue word decides, whatever its clause.
    let before = tail_chars(&sentence[..start], BEFORE_CHARS);
    match last_cue(before, &cues) {
        Some(cue) => cue == Cue::Delivery,
        None => {
            let after = context_after(sentence, end, sentence.len(), AFTER_CHARS);
            first_cue(after, &cues) == Some(Cue::Delivery)
        }
    }
}

fn tail_chars(text: &str, max_chars: usize) -> &str {
    match text.char_indices().rev().nth(max_chars.saturating_sub(1)) {
        Some((i, _)) => &text[i..],
        None => text,
    }
}

fn number(caps: &Captures<'_>, name: &str) -> Option<u32> {
    caps.name(name)?.as_str().parse().ok()
}

/// A two-digit year is this century's.
fn full_year(year: u32) -> i32 {
    let year = i32::try_from(year).unwrap_or(i32::MAX);
    if year < 100 { 2000 + year } else { year }
}

/// The date a match of [`ABSOLUTE`] names. A date without a year is the
/// next such day on or after `received_on`. A slash or dash date whose day
/// and month could be swapped is read day-first in a German, Dutch or
/// French sentence and not read at all otherwise.
fn absolute_date(caps: &Captures<'_>, sentence: &str, received_on: NaiveDate) -> Option<NaiveDate> {
    if caps.name("iso_y").is_some() {
        let year = full_year(number(caps, "iso_y")?);
        return NaiveDate::from_ymd_opt(year, number(caps, "iso_m")?, number(caps, "iso_d")?);
    }
    if caps.name("dot_y").is_some() {
        let year = full_year(number(caps, "dot_y")?);
        return NaiveDate::from_ymd_opt(year, number(caps, "dot_m")?, number(caps, "dot_d")?);
    }
    if caps.name("num_y").is_some() {
        let year = full_year(number(caps, "num_y")?);
        let (a, b) = (number(caps, "num_a")?, number(caps, "num_b")?);
        let (day, month) = if a > 12 || a == b || DAY_FIRST_LANGUAGE.is_match(sentence) {
            (a, b)
        } else if b > 12 {
            (b, a)
        } else {
            return None;
        };
        return NaiveDate::from_ymd_opt(year, month, day);
    }
    let (day, month, year) = if let Some(m) = caps.name("dm_m") {
        (
            number(caps, "dm_d")?,
            month_number(m.as_str())?,
            caps.name("dm_y"),
        )
    } else {
        let m = caps.name("md_m")?;
        (
            number(caps, "md_d")?,
            month_number(m.as_str())?,
            caps.name("md_y"),
        )
    };
    match year {
        Some(year) => NaiveDate::from_ymd_opt(full_year(year.as_str().parse().ok()?), month, day),
        None => {
            let this_year = NaiveDate::from_ymd_opt(received_on.year(), month, day)?;
            if this_year >= received_on {
                Some(this_year)
            } else {
                NaiveDate::from_ymd_opt(received_on.year() + 1, month, day)
            }
        }
    }
}

fn count_word(word: &str) -> Option<u32> {
    let word = word.to_lowercase();
    word.parse()
        .ok()
        .or_else(|| procura_common::text::number_word(&word))
}

/// The date a match of [`RELATIVE`] names, counted from `received_on`.
fn relative_date(caps: &Captures<'_>, received_on: NaiveDate) -> Option<NaiveDate> {
    let count = count_word(caps.name("count")?.as_str())?;
    if let Some(low) = caps
        .name("low")
        .and_then(|m| m.as_str().parse::<u32>().ok())
        && low > count
    {
        return None;
    }
    let unit = caps.name("unit")?.as_str().to_lowercase();
    let business = [
        "business",
        "working",
        "workday",
        "werktag",
        "arbeitstag",
        "werkdag",
        "ouvr",
    ]
    .iter()
    .any(|w| unit.contains(w));
    if business {
        return add_business_days(received_on, count);
    }
    if unit.starts_with("week")
        || unit.starts_with("woche")
        || unit.starts_with("weken")
        || unit.starts_with("semaine")
    {
        return received_on.checked_add_days(Days::new(u64::from(count) * 7));
    }
    if unit.starts_with("month")
        || unit.starts_with("monat")
        || unit.starts_with("monate")
        || unit.starts_with("maand")
        || unit == "mois"
    {
        return received_on.checked_add_months(Months::new(count));
    }
    received_on.checked_add_days(Days::new(u64::from(count)))
}

/// `count` working days (Monday to Friday) after `from`. Public holidays
/// are not known here and are counted as working days.
fn add_business_days(from: NaiveDate, count: u32) -> Option<NaiveDate> {
    let mut date = from;
    let mut left = count;
    while left > 0 {
        date = date.succ_opt()?;
        if !matches!(date.weekday(), Weekday::Sat | Weekday::Sun) {
            left -= 1;
        }
    }
    Some(date)
}

/// The next such weekday after `received_on` ("by Friday" said on a Friday
/// means a week later), or the day after for "tomorrow".
fn weekday_date(word: &str, received_on: NaiveDate) -> Option<NaiveDate> {
    let weekday = match word.to_lowercase().as_str() {
        "tomorrow" | "demain" => return received_on.succ_opt(),
        "monday" | "montag" | "maandag" | "lundi" => Weekday::Mon,
        "tuesday" | "dienstag" | "dinsdag" | "mardi" => Weekday::Tue,
        "wednesday" | "mittwoch" | "woensdag" | "mercredi" => Weekday::Wed,
        "thursday" | "donnerstag" | "donderdag" | "jeudi" => Weekday::Thu,
        "friday" | "freitag" | "vrijdag" | "vendredi" => Weekday::Fri,
        "saturday" | "samstag" | "zaterdag" | "samedi" => Weekday::Sat,
        "sunday" | "sonntag" | "zondag" | "dimanche" => Weekday::Sun,
        _ => return None,
    };
    let ahead =
        (7 + weekday.num_days_from_monday() - received_on.weekday().num_days_from_monday()) % 7;
    let ahead = if ahead == 0 { 7 } else { ahead };
    received_on.checked_add_days(Days::new(u64::from(ahead)))
}
