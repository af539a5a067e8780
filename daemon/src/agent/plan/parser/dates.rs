//! The deadline: the latest acceptable delivery date, resolved against the
//! day the job was submitted.
//!
//! Decisions:
//! - "by X", "before X", "until X", "no later than X" all give X: operators
//!   use them interchangeably, and "before" is not read as "the day before".
//! - A day and month without a year is the next occurrence on or after
//!   `today` ("Dec 15" on 2026-12-20 is 2027-12-15). A date that exists in no
//!   year (Feb 30, 31.04.) gives no deadline and a step.
//! - Slashes are US month/day ("12/15", "01/10/2027") unless the first number
//!   cannot be a month ("15/12/2026" is then day/month). Dots are European
//!   day.month ("15.12.", "15.12.2026"). ISO "2027-01-10" is year-month-day.
//!   A day/month without year needs a deadline word before it ("by 12/15")
//!   or, for dots, the closing dot ("15.12."), so "1/2 inch" is no date.
//! - Weekdays: "by Friday"/"this Friday" is the first such day strictly
//!   after `today`; "next Friday" is the Friday of next calendar week
//!   (weeks start on Monday), so on a Thursday it is eight days away, not
//!   tomorrow.
//! - "end of month" is the last day of the current month, "end of year"
//!   Dec 31, "end of week" the Friday on or after today, "end of Q1" the
//!   quarter's last day (next occurrence), "end of March" its last day.
//! - "within/in N days|weeks|months", "within a month", "in 10 business
//!   days", "within 48 hours" (rounded up to whole days), "tomorrow".
//! - "by the 15th" is the next 15th on or after today (this month or the
//!   next one that has that day).
//! - "ASAP", "urgent", "as soon as possible" give no date, only a step.
//!   "next week", "next month", "soon" are too vague: a step, no date.
//! - Several dates: those after a deadline word win over bare ones; among
//!   them the earliest. The others are logged.
//! - A stated date already in the past is kept, with a warning step.

use chrono::{Datelike, Days, Months, Weekday};

use super::*;

const MONTHS: &str = r"january|february|march|april|june|july|august|september|october|november|december|januar|februar|märz|maerz|juni|juli|oktober|dezember|janvier|février|fevrier|avril|juin|juillet|août|aout|septembre|octobre|novembre|décembre|decembre|jan|feb|mar|apr|may|jun|jul|aug|sept|sep|oct|okt|nov|dec|dez|mai|mars";

const NUM_WORDS: &str = r"\d{1,3}|a\s+few|a\s+couple\s+of|couple\s+of|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fourteen|fifteen|twenty|thirty|few";

static ISO: LazyLock<Regex> =
    LazyLock::new(|| re(r"\b(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})\b"));
static DMY_DOT: LazyLock<Regex> =
    LazyLock::new(|| re(r"\b(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4}|\d{2})\b"));
static SLASH_Y: LazyLock<Regex> =
    LazyLock::new(|| re(r"\b(?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<y>\d{4}|\d{2})\b"));
static DM_DOT: LazyLock<Regex> =
    LazyLock::new(|| re(r"\b(?P<d>\d{1,2})\.(?P<m>\d{1,2})\b(?P<dot>\.)?"));
static SLASH: LazyLock<Regex> = LazyLock::new(|| re(r"\b(?P<a>\d{1,2})/(?P<b>\d{1,2})\b"));
static DAY_MONTH: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?i)\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\.?\s*(?:of\s+)?(?P<m>{MONTHS})\b\.?(?:,?\s+(?P<y>\d{{4}})\b)?"
    ))
});
static MONTH_DAY: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?i)\b(?P<m>{MONTHS})\b\.?\s+(?:the\s+)?(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<y>\d{{4}})\b)?"
    ))
});
static RELATIVE: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?i)\b(?:(?:within|in|inside(?:\s+of)?|over)\s+(?:the\s+)?(?:next\s+)?|next\s+)(?P<n>{NUM_WORDS})\s+(?P<u>(?:business|working|work)\s+days?|days?|weeks?|months?|hours?|hrs?|fortnights?)\b|\b(?P<n2>{NUM_WORDS})\s+(?P<u2>(?:business|working|work)\s+days?|days?|weeks?|months?)\s+(?:from\s+(?:now|today)|time)\b"
    ))
});
/// "by the 15th": a day of the month without the month.
static DAY_ONLY: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?i)\b(?:by|before|until|till|on|due)\s+the\s+(?P<d>\d{1,2})(?:st|nd|rd|th)\b")
});
static WEEKDAY: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:by|before|until|till|til|on|this|(?P<next>next)|coming|due)\s+(?:\d{1,2}(?::\d{2})?\s*(?:am|pm)\s+(?:on\s+)?|noon\s+(?:on\s+)?|eod\s+(?:on\s+)?)?(?:this\s+|(?P<next2>next)\s+|the\s+coming\s+|coming\s+)?(?P<wd>monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tues|tue|wed|thurs|thur|thu|fri)\b",
    )
});
static END_OF: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?i)\b(?:(?:the\s+)?end\s+of\s+(?:the\s+)?(?P<which>this\s+|next\s+|the\s+)?(?P<u>month|year|week|quarter|q[1-4]|{MONTHS}|\d{{4}})\b|(?P<u2>month|year|quarter)[\s-]end\b|eo(?P<abbr>[mwy])\b)"
    ))
});
static DAY_WORD: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?P<w>day\s+after\s+tomorrow|tomorrow|tmrw|(?:by|for|until|before|due)\s+(?:end\s+of\s+)?(?:today|tonight))\b|\b(?P<xmas>christmas|xmas)(?:\s+(?P<eve>eve))?\b",
    )
});
static URGENT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:asap|a\.s\.a\.p\b\.?|as\s+soon\s+as\s+possible|urgent(?:ly)?|rush|immediately|right\s+away)\b",
    )
});
static VAGUE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:by\s+|within\s+|before\s+)?(?:next\s+(?:week|month|year)|soon|shortly|early\s+next\s+\w+|(?:early|mid|late)[\s-](?:january|february|march|april|may|june|july|august|september|october|november|december))\b",
    )
});
/// A deadline word right before a date.
static TRIGGER: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:by|before|until|till|til|due|deadline|no\s+later\s+than|not\s+later\s+than|latest|deliver(?:ed|y)?|needed|need\s+(?:it|them)|arrive|arrival|on|bis|sp(?:ä|ae)testens|avant|d'ici|le)\s*(?:the\s+)?(?:date\s+)?[:=]?\s*$",
    )
});

struct Candidate {
    date: Option<NaiveDate>,
    span: Range<usize>,
    triggered: bool,
    note: Option<String>,
}

pub(super) fn extract(cx: &mut Ctx, today: NaiveDate) {
    let text = cx.text.clone();
    let mut found: Vec<Candidate> = Vec::new();
    let mut claim =
        |cx: &mut Ctx, span: Range<usize>, date: Option<NaiveDate>, note: Option<String>| {
            let triggered = TRIGGER.is_match(before(&text, span.start, 30));
            cx.claim(span.clone(), true);
            found.push(Candidate {
                date,
                span,
                triggered,
                note,
            });
        };

    for c in ISO.captures_iter(&text) {
        if let Some(span) = free_span(cx, &c) {
            let date = ymd(num(&c, "y"), num(&c, "m"), num(&c, "d"));
            claim(cx, span, date, None);
        }
    }
    for c in DMY_DOT.captures_iter(&text) {
        if let Some(span) = free_span(cx, &c) {
            let date = ymd(year(num(&c, "y")), num(&c, "m"), num(&c, "d"));
            claim(cx, span, date, None);
        }
    }
    for c in SLASH_Y.captures_iter(&text) {
        if let Some(span) = free_span(cx, &c) {
            let (m, d) = us_order(num(&c, "a"), num(&c, "b"));
            claim(cx, span, ymd(year(num(&c, "y")), m, d), None);
        }
    }
    for c in DAY_MONTH
        .captures_iter(&text)
        .chain(MONTH_DAY.captures_iter(&text))
    {
        if let Some(span) = free_span(cx, &c) {
            let m = c
                .name("m")
                .and_then(|m| month_number(m.as_str()))
                .unwrap_or(0);
            let d = num(&c, "d");
            let date = match c.name("y") {
                Some(_) => ymd(num(&c, "y"), m, d),
                None => next_occurrence(today, m, d),
            };
            claim(cx, span, date, None);
        }
    }
    for c in DM_DOT.captures_iter(&text) {
        if let Some(span) = free_span(cx, &c) {
            // Untriggered, "15.12." needs its closing dot and, after a word,
            // two-digit day and month ("Bluetooth 5.3." is a version, not
            // March 5; "Lieferung 05.01." is a date).
            let (d, m) = (num(&c, "d"), num(&c, "m"));
            if !(1..=31).contains(&d) || !(1..=12).contains(&m) {
                continue;
            }
            let prev = before(&text, span.start, 2).trim_end().chars().last();
            let padded = c.name("d").is_some_and(|x| x.len() == 2)
                && c.name("m").is_some_and(|x| x.len() == 2);
            let after_word = prev.is_some_and(char::is_alphanumeric) && !padded;
            if !TRIGGER.is_match(before(&text, span.start, 30))
                && (c.name("dot").is_none() || after_word)
            {
                continue;
            }
            claim(cx, span, next_occurrence(today, m, d), None);
        }
    }
    for c in SLASH.captures_iter(&text) {
        if let Some(span) = free_span(cx, &c)
            && TRIGGER.is_match(before(&text, span.start, 30))
        {
            let (m, d) = us_order(num(&c, "a"), num(&c, "b"));
            if (1..=31).contains(&d) && (1..=12).contains(&m) {
                claim(cx, span, next_occurrence(today, m, d), None);
            }
        }
    }
    for c in RELATIVE.captures_iter(&text) {
        if let Some(span) = free_span(cx, &c) {
            let n = c.name("n").or(c.name("n2")).map_or("", |m| m.as_str());
            let u = c.name("u").or(c.name("u2")).map_or("", |m| m.as_str());
            match relative(today, n, u) {
                Some(d) => claim(cx, span, Some(d), Some(format!("{n} {u} after {today}"))),
                None => vague(cx, span),
            }
        }
    }
    for c in DAY_ONLY.captures_iter(&text) {
        if let Some(span) = free_span(cx, &c) {
            let d = num(&c, "d");
            let date = (0..=2)
                .filter_map(|k| today.checked_add_months(Months::new(k)))
                .filter_map(|m| NaiveDate::from_ymd_opt(m.year(), m.month(), d))
                .find(|date| *date >= today);
            claim(cx, span, date, Some("next such day of a month".to_string()));
        }
    }
    for c in WEEKDAY.captures_iter(&text) {
        if let Some(span) = free_span(cx, &c) {
            let wd = c.name("wd").and_then(|m| weekday(m.as_str()));
            let next = c.name("next").or(c.name("next2")).is_some();
            let (date, how) = if next {
                (
                    wd.and_then(|w| in_next_week(today, w)),
                    "that weekday of next week",
                )
            } else {
                (
                    wd.and_then(|w| first_after(today, w)),
                    "first such weekday after today",
                )
            };
            claim(cx, span, date, Some(how.to_string()));
        }
    }
    for c in END_OF.captures_iter(&text) {
        if let Some(span) = free_span(cx, &c) {
            let unit = c
                .name("u")
                .or(c.name("u2"))
                .or(c.name("abbr"))
                .map_or(String::new(), |m| m.as_str().to_lowercase());
            let next = c
                .name("which")
                .is_some_and(|w| w.as_str().trim().eq_ignore_ascii_case("next"));
            claim(
                cx,
                span,
                end_of(today, &unit, next),
                Some(format!("end of {unit}")),
            );
        }
    }
    for c in DAY_WORD.captures_iter(&text) {
        if let Some(span) = free_span(cx, &c) {
            let date = if c.name("xmas").is_some() {
                next_occurrence(today, 12, if c.name("eve").is_some() { 24 } else { 25 })
            } else {
                let w = c
                    .name("w")
                    .map_or(String::new(), |m| m.as_str().to_lowercase());
                let days = if w.starts_with("day after") {
                    2
                } else if w.starts_with("tom") || w == "tmrw" {
                    1
                } else {
                    0
                };
                today.checked_add_days(Days::new(days))
            };
            claim(cx, span, date, None);
        }
    }
    for m in URGENT.find_iter(&text) {
        let span = m.range();
        if cx.is_free(&span) {
            cx.claim(span, true);
            cx.step(
                format!("\"{}\": urgent, but no date stated", m.as_str()),
                json!({ "field": "deadline", "urgent": true, "text": m.as_str() }),
            );
        }
    }
    for m in VAGUE.find_iter(&text) {
        let span = m.range();
        if cx.is_free(&span) {
            vague(cx, span);
        }
    }
    choose(cx, found, today);
}

fn vague(cx: &mut Ctx, span: Range<usize>) {
    let t = cx.slice(&span).to_string();
    cx.claim(span, true);
    cx.step(
        format!("\"{t}\" is too vague for a deadline"),
        json!({ "field": "deadline", "skipped": true, "reason": "vague", "text": t }),
    );
}

fn choose(cx: &mut Ctx, found: Vec<Candidate>, today: NaiveDate) {
    let any_triggered = found.iter().any(|c| c.triggered && c.date.is_some());
    let best = found
        .iter()
        .enumerate()
        .filter(|(_, c)| c.date.is_some() && (c.triggered || !any_triggered))
        .min_by_key(|(_, c)| c.date)
        .map(|(i, _)| i);
    for (i, c) in found.iter().enumerate() {
        let t = cx.slice(&c.span).to_string();
        let Some(date) = c.date else {
            cx.step(
                format!("\"{t}\" is not a valid date: no deadline from it"),
                json!({ "field": "deadline", "skipped": true, "reason": "invalid date", "text": t }),
            );
            continue;
        };
        if Some(i) != best {
            cx.step(
                format!("date {date} from \"{t}\" not used as the deadline"),
                json!({ "field": "deadline", "ignored": true, "value": date.to_string(), "text": t }),
            );
            continue;
        }
        let how = c.note.clone().unwrap_or_else(|| "stated date".to_string());
        cx.step(
            format!("deadline {date} from \"{t}\" ({how})"),
            json!({ "field": "deadline", "value": date.to_string(), "text": t, "resolved": how }),
        );
        if date < today {
            cx.step(
                format!("deadline {date} is already past (today is {today})"),
                json!({ "field": "deadline", "warning": "in the past", "value": date.to_string() }),
            );
        }
        cx.spec.deadline = Some(date);
    }
}

fn free_span(cx: &Ctx, c: &regex::Captures<'_>) -> Option<Range<usize>> {
    let r = c.get(0)?.range();
    cx.is_free(&r).then_some(r)
}

fn num(c: &regex::Captures<'_>, name: &str) -> u32 {
    c.name(name)
        .and_then(|m| m.as_str().parse().ok())
        .unwrap_or(0)
}

/// Two-digit years are 20xx.
fn year(y: u32) -> u32 {
    if y < 100 { 2000 + y } else { y }
}

/// Slash dates are month/day unless the first number cannot be a month.
fn us_order(a: u32, b: u32) -> (u32, u32) {
    if a > 12 && b <= 12 { (b, a) } else { (a, b) }
}

fn ymd(y: u32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(i32::try_from(y).ok()?, m, d)
}

/// The next date on or after `today` with this month and day (Feb 29 may
/// take up to eight years; Feb 30 never exists).
fn next_occurrence(today: NaiveDate, m: u32, d: u32) -> Option<NaiveDate> {
    (0..=8)
        .filter_map(|k| NaiveDate::from_ymd_opt(today.year() + k, m, d))
        .find(|date| *date >= today)
}

fn month_number(s: &str) -> Option<u32> {
    let s = s.to_lowercase();
    let s = s.trim_end_matches('.');
    let table: [(&[&str], u32); 12] = [
        (&["jan"], 1),
        (&["feb", "fév", "fev"], 2),
        (&["mar", "mär", "mae"], 3),
        (&["apr", "avr"], 4),
        (&["may", "mai"], 5),
        (&["jun", "juin"], 6),
        (&["jul", "juil"], 7),
        (&["aug", "aoû", "aou"], 8),
        (&["sep"], 9),
        (&["oct", "okt"], 10),
        (&["nov"], 11),
        (&["dec", "dez", "déc"], 12),
    ];
    // "juin"/"juil" must be checked before their shared prefix "ju".
    if s.starts_with("juil") {
        return Some(7);
    }
    table
        .iter()
        .find(|(prefixes, _)| prefixes.iter().any(|p| s.starts_with(p)))
        .map(|(_, n)| *n)
}

/// A count of days/weeks/months; "few" and "a couple of" are vague (None).
fn word_count(n: &str) -> Option<u32> {
    let n = n.trim().to_lowercase();
    n.parse().ok().or_else(|| small_number_word(&n))
}

fn relative(today: NaiveDate, n: &str, unit: &str) -> Option<NaiveDate> {
    let n = word_count(n)?; // "few" → None: vague
    let unit = unit.to_lowercase();
    if unit.starts_with("business") || unit.starts_with("work") {
        let mut d = today;
        let mut left = n;
        while left > 0 {
            d = d.succ_opt()?;
            if !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
                left -= 1;
            }
        }
        return Some(d);
    }
    let days = match unit.chars().next()? {
        'd' => n,
        'w' => n.checked_mul(7)?,
        'f' => n.checked_mul(14)?,
        'h' => n.div_ceil(24),
        'm' => return today.checked_add_months(Months::new(n)),
        _ => return None,
    };
    today.checked_add_days(Days::new(u64::from(days)))
}

fn weekday(s: &str) -> Option<Weekday> {
    let s = s.to_lowercase();
    Some(match s.get(..3)? {
        "mon" => Weekday::Mon,
        "tue" => Weekday::Tue,
        "wed" => Weekday::Wed,
        "thu" => Weekday::Thu,
        "fri" => Weekday::Fri,
        "sat" => Weekday::Sat,
        "sun" => Weekday::Sun,
        _ => return None,
    })
}

fn first_after(today: NaiveDate, wd: Weekday) -> Option<NaiveDate> {
    let ahead = (7 + wd.num_days_from_monday() - today.weekday().num_days_from_monday()) % 7;
    let ahead = if ahead == 0 { 7 } else { ahead };
    today.checked_add_days(Days::new(u64::from(ahead)))
}

/// That weekday in the calendar week after today's (weeks start Monday).
fn in_next_week(today: NaiveDate, wd: Weekday) -> Option<NaiveDate> {
    let monday = today.checked_add_days(Days::new(u64::from(
        7 - today.weekday().num_days_from_monday(),
    )))?;
    monday.checked_add_days(Days::new(u64::from(wd.num_days_from_monday())))
}

fn last_of_month(y: i32, m: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, 1)?
        .checked_add_months(Months::new(1))?
        .pred_opt()
}

fn end_of(today: NaiveDate, unit: &str, next: bool) -> Option<NaiveDate> {
    let y = today.year();
    match unit {
        "month" | "m" => {
            let base = if next {
                today.checked_add_months(Months::new(1))?
            } else {
                today
            };
            last_of_month(base.year(), base.month())
        }
        "year" | "y" => NaiveDate::from_ymd_opt(if next { y + 1 } else { y }, 12, 31),
        "week" | "w" => {
            let fri = if today.weekday() == Weekday::Fri {
                today
            } else {
                first_after(today, Weekday::Fri)?
            };
            if next {
                fri.checked_add_days(Days::new(7))
            } else {
                Some(fri)
            }
        }
        "quarter" => {
            let base = last_of_month(y, (today.month() - 1) / 3 * 3 + 3)?;
            if next {
                let nb = base.checked_add_months(Months::new(3))?;
                last_of_month(nb.year(), nb.month())
            } else {
                Some(base)
            }
        }
        u if u.len() == 2 && u.starts_with('q') => {
            let q: u32 = u.get(1..)?.parse().ok()?;
            let m = q * 3;
            let this = last_of_month(y, m)?;
            if this >= today {
                Some(this)
            } else {
                last_of_month(y + 1, m)
            }
        }
        u if u.len() == 4 && u.chars().all(|c| c.is_ascii_digit()) => {
            NaiveDate::from_ymd_opt(u.parse().ok()?, 12, 31)
        }
        u => {
            let m = month_number(u)?;
            let this = last_of_month(y, m)?;
            if this >= today {
                Some(this)
            } else {
                last_of_month(y + 1, m)
            }
        }
    }
}
