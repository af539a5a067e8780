//! The quantity: how many units to buy.
//!
//! Decisions:
//! - Forms, by priority (the first form found wins; within a form the
//!   leftmost): "qty 5"/"quantity: 5", "x10"/"10x"/"10 pcs"/"10 units";
//!   then "a dozen" (12), "two dozen" (24), "half a dozen" (6), "a pair of"
//!   (2); then a number before the goods ("20 ergonomic office chairs",
//!   "five laptops", "twenty-five chairs", "a hundred pens", "one desk").
//! - "a"/"an" alone is not a quantity ("a laptop" leaves it empty), nor is
//!   "a couple of" or "dozens of": vague counts are never turned into numbers.
//! - Numbers already read as something else (prices, dates, "27 inch",
//!   "16GB", "in 10 days") are claimed before this runs and never count.
//! - A bare number counts only when it stands alone (not glued to letters,
//!   "#", "-" or "/"), is not right after a model-ish word ("HP 305",
//!   "model 3000", "room 204"), and is followed by goods rather than a unit,
//!   a time or people ("20 people" is not 20 items).
//! - Zero, or more than u32::MAX, gives no quantity and a step.

use super::*;

static EXPLICIT: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?i)\b(?:qty|quantity|qnty|quant)\.?\s*(?:of\s+)?[:=#]?\s*(?P<n>\d{1,12})\b")
});
static X_PREFIX: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)(?:^|[\s(,;:])(?P<q>[x×]\s?(?P<n>\d{1,12}))\b"));
static X_SUFFIX: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)\b(?P<q>(?P<n>\d{1,12})\s?[x×])(?:\s|$)"));
static UNITS: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?i)\b(?P<n>\d{1,12})\s?(?:pcs|pc|pieces?|units?|items?|ea|nos|stk|stück)\b\.?")
});
static DOZEN: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:(?P<half>half\s+a)\s+|(?P<n>\d{1,4}|a|one|two|three|four|five|six|seven|eight|nine|ten)\s+)?dozen\b",
    )
});
static PAIR: LazyLock<Regex> = LazyLock::new(|| re(r"(?i)\b(?:(?:a|one)\s+)?pair\s+of\b"));

/// Words before a number that introduce a count.
#[rustfmt::skip]
static LEADIN: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    word_set(&[
        "need", "needs", "want", "wants", "buy", "order", "purchase", "procure", "source", "get",
        "require", "requires", "requesting", "request", "quote", "for", "of", "about", "approx",
        "approximately", "around", "roughly", "please", "pls", "and", "us", "me", "i", "we",
        "another", "additional", "extra", "total", "send", "ship", "deliver", "supply", "provide",
        "find", "looking", "just", "only", "exactly", "least", "minimum", "min", "hi", "hello",
        "team", "also", "plus", "urgently", "asap", "ordering", "buying", "sourcing",
    ])
});

/// Words before a number that make it a model, room or version number.
#[rustfmt::skip]
static REJECT_PREV: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    word_set(&[
        "model", "size", "sizes", "type", "version", "gen", "generation", "no", "nr", "number",
        "series", "ref", "part", "sku", "item", "room", "floor", "building", "page", "step",
        "than", "over", "under", "from", "to", "between", "in", "fy", "year", "since", "until",
        "by", "end", "rev", "mk", "iphone", "galaxy", "pixel", "windows", "usb", "hdmi", "pcie",
        "ddr", "class", "grade", "level", "cat", "category", "ticket", "po", "order-no", "code",
        "article", "art", "max", "maximum", "up", "within", "after", "before", "on", "at", "aisle",
        "bay", "dock", "ryzen", "core", "series", "office",
    ])
});

/// Words after a number that make it a measure, time or head count.
#[rustfmt::skip]
static NOT_GOODS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    word_set(&[
        "day", "days", "week", "weeks", "month", "months", "year", "years", "hour", "hours",
        "minute", "minutes", "mins", "percent", "people", "persons", "person", "employees",
        "staff", "users", "guests", "attendees", "members", "times", "mm", "cm", "m", "km", "ft",
        "feet", "meter", "meters", "metre", "metres", "inch", "inches", "in", "kg", "g", "lb",
        "lbs", "w", "watt", "watts", "v", "volt", "volts", "mah", "gb", "tb", "mb", "hz", "k",
        "am", "pm", "of", "or", "and", "to", "more", "less", "other", "others", "percent",
        "degrees", "ppm", "dpi", "mbps", "gbps", "euro", "euros", "dollars", "pounds", "bucks",
        "with", "that", "is", "are", "was", "each", "per", "at", "by", "a", "an", "the", "floors",
        "rooms", "offices", "sites", "locations", "teams", "departments", "am", "x",
    ])
});

#[rustfmt::skip]
const TENS: &[(&str, u32)] = &[
    ("twenty", 20), ("thirty", 30), ("forty", 40), ("fifty", 50), ("sixty", 60), ("seventy", 70),
    ("eighty", 80), ("ninety", 90),
];
#[rustfmt::skip]
const UNITS_WORDS: &[(&str, u32)] = &[
    ("one", 1), ("two", 2), ("three", 3), ("four", 4), ("five", 5), ("six", 6), ("seven", 7),
    ("eight", 8), ("nine", 9), ("ten", 10), ("eleven", 11), ("twelve", 12), ("thirteen", 13),
    ("fourteen", 14), ("fifteen", 15), ("sixteen", 16), ("seventeen", 17), ("eighteen", 18),
    ("nineteen", 19),
];

fn lookup(table: &[(&str, u32)], w: &str) -> Option<u32> {
    table.iter().find(|(k, _)| *k == w).map(|(_, v)| *v)
}

pub(super) fn extract(cx: &mut Ctx) {
    let text = cx.text.clone();
    // 1. Explicit counts.
    let mut best: Option<(Range<usize>, String, bool)> = None;
    for (rx, postfix) in [
        (&*EXPLICIT, true),
        (&*X_PREFIX, true),
        (&*X_SUFFIX, false),
        (&*UNITS, true),
    ] {
        for c in rx.captures_iter(&text) {
            let Some(q) = c.name("q").or(c.get(0)) else {
                continue;
            };
            let Some(n) = c.name("n") else { continue };
            if cx.is_free(&q.range()) && best.as_ref().is_none_or(|(r, _, _)| q.start() < r.start) {
                best = Some((q.range(), n.as_str().to_string(), postfix));
                break;
            }
        }
    }
    if let Some((r, n, postfix)) = best {
        return set(cx, r, n.parse::<u64>().ok(), postfix);
    }
    // 2. Dozens and pairs.
    let mut best: Option<(Range<usize>, Option<u64>)> = None;
    for c in DOZEN.captures_iter(&text).chain(PAIR.captures_iter(&text)) {
        let Some(m) = c.get(0) else { continue };
        if !cx.is_free(&m.range()) || best.as_ref().is_some_and(|(r, _)| r.start < m.start()) {
            continue;
        }
        let lower = m.as_str().to_lowercase();
        let v = if lower.contains("pair") {
            Some(2)
        } else if c.name("half").is_some() {
            Some(6)
        } else {
            match c.name("n").map(|n| n.as_str().to_lowercase()) {
                None => Some(12),
                Some(n) => n
                    .parse::<u64>()
                    .ok()
                    .or_else(|| small_number_word(&n).map(u64::from))
                    .and_then(|k| k.checked_mul(12)),
            }
        };
        best = Some((m.range(), v));
    }
    if let Some((r, v)) = best {
        return set(cx, r, v, false);
    }
    // 3. A bare number or number words before the goods.
    let toks = tokens(&text);
    for i in 0..toks.len() {
        let Some(t) = toks.get(i) else { break };
        if !cx.is_free(&t.r) {
            continue;
        }
        let found = match t.kind {
            TokKind::Number => bare_digits(cx, &toks, i),
            TokKind::Word => number_words(cx, &toks, i),
            TokKind::Punct => None,
        };
        if let Some((r, v)) = found {
            // "safety glasses, 200, anti-fog": a count closing its clause
            // follows the goods.
            let closing = toks
                .iter()
                .find(|n| n.r.start >= r.end)
                .is_none_or(|n| n.kind == TokKind::Punct);
            return set(cx, r, v, closing);
        }
    }
}

fn set(cx: &mut Ctx, r: Range<usize>, v: Option<u64>, postfix: bool) {
    let t = cx.slice(&r).trim().to_string();
    cx.claim(r.clone(), true);
    match v.and_then(|v| u32::try_from(v).ok()) {
        Some(q) if q > 0 => {
            cx.item_hint = Some((r, postfix));
            cx.step(
                format!("quantity {q} from \"{t}\""),
                json!({ "field": "quantity", "value": q, "text": t }),
            );
            cx.spec.quantity = Some(q);
        }
        _ => cx.step(
            format!("\"{t}\" is not a usable quantity (zero or too large)"),
            json!({ "field": "quantity", "skipped": true, "reason": "zero or out of range", "text": t }),
        ),
    }
}

fn word_at<'a>(text: &str, toks: &'a [Tok], i: usize) -> Option<(&'a Tok, String)> {
    let t = toks.get(i)?;
    Some((t, text.get(t.r.clone())?.to_lowercase()))
}

/// Whether the token before a count allows it.
fn prev_ok(cx: &Ctx, toks: &[Tok], i: usize) -> Option<bool> {
    let Some(prev) = i.checked_sub(1).and_then(|j| toks.get(j)) else {
        return Some(true);
    };
    let raw = cx.text.get(prev.r.clone())?;
    Some(match prev.kind {
        TokKind::Punct => ",;:()!?.-\n".contains(raw),
        TokKind::Number => false,
        TokKind::Word => {
            let lw = raw.to_lowercase();
            if LEADIN.contains(lw.as_str()) {
                true
            } else {
                !REJECT_PREV.contains(lw.as_str())
                    && !raw.starts_with(char::is_uppercase)
                    && !raw.contains(|c: char| c.is_ascii_digit())
            }
        }
    })
}

fn next_ok(cx: &Ctx, toks: &[Tok], j: usize, prev_is_word_leadin: bool) -> bool {
    match word_at(&cx.text, toks, j) {
        None => prev_is_word_leadin,
        Some((t, lw)) => match t.kind {
            TokKind::Word => cx.is_hard(&t.r) || !NOT_GOODS.contains(lw.as_str()),
            TokKind::Number => cx.is_hard(&t.r),
            TokKind::Punct => ",.;)!?\n".contains(lw.as_str()) && prev_is_word_leadin,
        },
    }
}

fn bare_digits(cx: &Ctx, toks: &[Tok], i: usize) -> Option<(Range<usize>, Option<u64>)> {
    let t = toks.get(i)?;
    let raw = cx.text.get(t.r.clone())?;
    // Only plain integers or thousands groups ("1,000").
    let groups: Vec<&str> = raw.split([',', '.']).collect();
    let grouped = groups.len() > 1
        && groups.first().is_some_and(|g| (1..=3).contains(&g.len()))
        && groups.iter().skip(1).all(|g| g.len() == 3);
    if raw.contains('\'') || (groups.len() > 1 && !grouped) {
        return None;
    }
    // Standing alone: not glued to what is before or after it.
    let glued_before = before(&cx.text, t.r.start, 1)
        .chars()
        .next()
        .is_some_and(|c| !(c.is_whitespace() || "(,;:".contains(c)));
    let glued_after = after(&cx.text, t.r.end, 1)
        .chars()
        .next()
        .is_some_and(|c| !(c.is_whitespace() || ",.;:)!?".contains(c)));
    if glued_before || glued_after || !prev_ok(cx, toks, i)? {
        return None;
    }
    let value: u64 = groups.concat().parse().ok().unwrap_or(u64::MAX);
    if (1990..=2100).contains(&value) && i > 0 {
        let prev = word_at(&cx.text, toks, i - 1)
            .map(|(_, w)| w)
            .unwrap_or_default();
        // A year-like number counts only right after a request word.
        if !LEADIN.contains(prev.as_str()) || prev == "for" {
            return None;
        }
    }
    // "10 (ten) headsets": skip a spelled-out repeat in brackets.
    let mut i_next = i + 1;
    if word_at(&cx.text, toks, i + 1).is_some_and(|(_, w)| w == "(")
        && word_at(&cx.text, toks, i + 3).is_some_and(|(_, w)| w == ")")
        && word_at(&cx.text, toks, i + 2)
            .is_some_and(|(_, w)| lookup(UNITS_WORDS, &w).is_some() || lookup(TENS, &w).is_some())
    {
        i_next = i + 4;
    }
    let prev_punct_or_leadin = i == 0
        || word_at(&cx.text, toks, i - 1)
            .is_some_and(|(p, w)| p.kind == TokKind::Punct || LEADIN.contains(w.as_str()));
    let end = if i_next > i + 1 {
        toks.get(i + 3).map_or(t.r.end, |t| t.r.end)
    } else {
        t.r.end
    };
    next_ok(cx, toks, i_next, prev_punct_or_leadin).then_some((t.r.start..end, Some(value)))
}

fn number_words(cx: &Ctx, toks: &[Tok], i: usize) -> Option<(Range<usize>, Option<u64>)> {
    let (t0, w0) = word_at(&cx.text, toks, i)?;
    let word = |k: usize| {
        word_at(&cx.text, toks, k)
            .filter(|(t, _)| cx.is_free(&t.r))
            .map(|(_, w)| w)
    };
    let mut j = i;
    let mut v: u64;
    if let Some((a, b)) = w0.split_once('-') {
        v = u64::from(lookup(TENS, a)? + lookup(UNITS_WORDS, b).filter(|u| *u < 10)?);
    } else if let Some(tens) = lookup(TENS, &w0) {
        v = u64::from(tens);
        if let Some(u) = word(i + 1)
            .and_then(|w| lookup(UNITS_WORDS, &w))
            .filter(|u| *u < 10)
        {
            v += u64::from(u);
            j += 1;
        }
    } else if let Some(u) = lookup(UNITS_WORDS, &w0) {
        v = u64::from(u);
    } else if (w0 == "a" || w0 == "an") && word(i + 1).as_deref() == Some("hundred") {
        v = 1;
    } else {
        return None;
    }
    if word(j + 1).as_deref() == Some("hundred") {
        v *= 100;
        j += 1;
        let k = if word(j + 1).as_deref() == Some("and") {
            j + 2
        } else {
            j + 1
        };
        if let Some(rest) =
            word(k).and_then(|w| lookup(UNITS_WORDS, &w).or_else(|| lookup(TENS, &w)))
        {
            v += u64::from(rest);
            j = k;
        }
    }
    if !prev_ok(cx, toks, i)? {
        return None;
    }
    // Number words need goods after them ("five laptops"), never punctuation.
    if toks.get(j + 1)?.kind == TokKind::Punct || !next_ok(cx, toks, j + 1, false) {
        return None;
    }
    let end = toks.get(j).map_or(t0.r.end, |t| t.r.end);
    Some((t0.r.start..end, Some(v)))
}
