//! Budgets: an amount, its ISO 4217 currency, and whether it is per unit or
//! for the whole order.
//!
//! Decisions (also see [`parse_amount`]):
//! - An amount is money only with a currency sign or word next to it
//!   ("$300", "300 EUR", "CHF 800", "10000 dollars"). "under 300" without a
//!   currency is claimed (it is not a quantity) but gives no budget: the
//!   currency is never guessed.
//! - "$" alone is USD, "C$"/"CA$" CAD, "A$"/"AU$" AUD, "¥" JPY ("CN¥",
//!   "RMB", "yuan" are CNY), "dollars"/"bucks" USD, "pounds"/"quid" GBP.
//! - "kr" (and "kroner"/"krone") is ambiguous between SEK, NOK and DKK: the
//!   budget is left out with a step. "kronor"/"krona" are Swedish: SEK.
//! - "pounds" after a weight word ("supports 300 pounds") is a weight, and
//!   "EUR pallets" are euro-pallets: neither is money.
//! - Scope: a signal next to the amount decides ("each", "per unit",
//!   "apiece", "a piece", "per item", "per seat", "/unit", "per <noun>" →
//!   per unit; "total", "overall", "in total", "altogether", "combined",
//!   "for all", "budget of" → total). With no signal: total when the word
//!   "budget" appears anywhere in the request, else per unit.
//! - A range ("$200-300", "between €200 and €300") gives its upper bound.
//! - Several amounts: the first readable one is the budget; the others are
//!   logged and ignored.

use std::str::FromStr;

use procura_common::spec::{Budget, BudgetScope};
use rust_decimal::Decimal;

use super::*;

const CURRENCY_WORDS: &str = r"usd|eur|gbp|jpy|chf|cad|aud|nzd|sek|nok|dkk|pln|inr|cny|rmb";

static MONEY: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?ix)
        (?P<pre> \b(?:us|ca|c|au|a|nz)\$ | \bcn¥ | [$€£¥₹] | \b(?:{CURRENCY_WORDS})\b | \bs?fr\. )?
        \s?
        (?P<num> \d[\d.,']*\d | \d )
        (?: \s? (?P<mult> k|mn|m|bn|million|thousand|grand ) \b )?
        (?P<post> \s?
          (?: [€£$¥₹] | zł | \bkr\b\.? | \b(?:
                {CURRENCY_WORDS} | euros? | (?:us\s+|american\s+)?dollars? | (?:canadian|cdn)\s+dollars?
              | (?:australian|aussie)\s+dollars? | bucks | (?:british\s+)?pounds?(?:\s+sterling)?
              | sterling | quid | yen | (?:swiss\s+)?francs? | złotys? | zlotys? | zloty | złoty
              | rupees? | yuan | renminbi | kronor | krona | kroner | krone
          )\b )
        )?"
    ))
});

/// An amount after a money word but with no currency: "under 300", "budget 5k".
static BARE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:under|below|max(?:imum)?\.?|up\s+to|less\s+than|no\s+more\s+than|not\s+more\s+than|not\s+to\s+exceed|at\s+most|budget(?:\s+(?:of|is))?|spend)\s*[:=]?\s*(?P<num>\d[\d.,']*\d|\d)(?:\s?(?P<mult>k)\b)?",
    )
});

/// Words that may follow a bare amount for it to still be money.
#[rustfmt::skip]
static BARE_NEXT_OK: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    word_set(&[
        "each", "per", "apiece", "total", "overall", "a", "in", "for", "and", "or", "by", "before",
        "with", "please", "max", "maximum", "budget", "incl", "including", "excl", "excluding",
        "vat", "tax", "net", "gross", "all", "altogether", "deliver", "delivered", "delivery",
    ])
});

/// A money word just before the amount, claimed with it.
static LEAD: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)(?:\b(?:under|below|max(?:imum)?\.?|up\s+to|less\s+than|no\s+more\s+than|not\s+more\s+than|not\s+to\s+exceed|at\s+most|budget(?:\s+(?:of|is))?|around|about|approx\.?|total(?:\s+of)?|price|cost|spend|for|at)\s*[:=]?\s*|[<≤~]\s*)$",
    )
});

static RANGE_TAIL: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?i)^\s*(?:-|to|and)\s*(?:[$€£¥₹]\s?)?(?P<num>\d[\d.,']*\d|\d)(?:\s?(?P<mult>k|m)\b)?(?:\s?(?:[$€£¥₹]|\b(?:{CURRENCY_WORDS})\b))?"
    ))
});

static PER_UNIT_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^[\s,)]*(?:(?P<kw>each|ea\b|apiece|a\s+piece|a\s+unit|an\s+item|per\s+unit|per-unit|unit\s+price|(?:pro|je)\s+st(?:ü|ue)ck|par\s+unit[ée]|l'unit[ée]|pi[èe]ce)|(?:per\s*|/\s*|a\s+)(?P<noun>\p{L}+))",
    )
});

static TOTAL_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^[\s,)]*(?:in\s+total|total|overall|altogether|all[\s-]in|combined|in\s+all|for\s+(?:all|everything|the\s+(?:lot|whole|entire|order))|(?:ins)?gesamt|au\s+total)\b",
    )
});

static PER_UNIT_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:each|apiece|per[\s-]unit|unit\s+(?:price|cost)|per\s+(?:item|piece|seat|chair|laptop|device))\b",
    )
});

static TOTAL_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?i)\b(?:total|overall|altogether|in\s+all|budget|whole\s+order|for\s+all|combined)\b")
});

static TAX: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^[\s,]*(?:(?:\+|plus|incl\.?|excl\.?|including|excluding|inc\.?|ex\.?|w/o|without|with)\s*(?:vat|tax|taxes|gst|mwst|shipping)\b\.?|(?:net|gross|netto|brutto)\b)",
    )
});

static BUDGET_WORD: LazyLock<Regex> = LazyLock::new(|| re(r"(?i)\bbudget"));

static WEIGHT_CONTEXT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:supports?|supporting|holds?|holding|capacity|weighs?|weight|load|rated|bearing|carry|carries|lift|lifts|heavy|users?\s+up)\b[^.,;$€£]{0,20}$",
    )
});

static WEIGHT_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?i)^\s*(?:of\s+)?(?:max(?:imum)?\s+)?(?:weight\s+)?(?:capacity|load|payload|weight)\b")
});

/// Nouns after "per"/"/" that mean the whole order, or a period (no signal).
const PER_TOTAL_NOUNS: &[&str] = &["order", "purchase", "po", "batch", "lot", "shipment"];
const PER_PERIOD_NOUNS: &[&str] = &["month", "year", "week", "day", "hour", "annum", "mo", "yr"];

pub(super) fn extract(cx: &mut Ctx) {
    let text = cx.text.clone();
    let has_budget_word = BUDGET_WORD.is_match(&text);
    for caps in MONEY.captures_iter(&text) {
        let (Some(all), Some(num)) = (caps.get(0), caps.name("num")) else {
            continue;
        };
        let pre = caps.name("pre").map(|m| m.as_str().trim().to_lowercase());
        let post = caps.name("post").map(|m| m.as_str().trim().to_lowercase());
        if pre.is_none() && post.is_none() {
            continue;
        }
        // Without a sign before it, the match may start with a space.
        let start = if pre.is_some() {
            all.start()
        } else {
            num.start()
        };
        let mut span = start..all.end();
        if !cx.is_free(&span) {
            continue;
        }
        // "40 EUR pallets" are euro-pallets; "supports 300 pounds" is a weight.
        let next_word = after(&text, span.end, 12).trim_start().to_lowercase();
        if next_word.starts_with("pallet") || next_word.starts_with("-pallet") {
            continue;
        }
        if post.as_deref().is_some_and(|p| p.contains("pound"))
            && pre.is_none()
            && (WEIGHT_CONTEXT.is_match(before(&text, span.start, 40))
                || WEIGHT_AFTER.is_match(after(&text, span.end, 30)))
        {
            continue;
        }
        if let Some(m) = LEAD.find(before(&text, span.start, 30)) {
            span.start -= m.as_str().len();
        }
        let currency = match resolve_currency(pre.as_deref(), post.as_deref()) {
            Ok(c) => c,
            Err(why) => {
                let t = cx.slice(&span).to_string();
                cx.step(
                    format!("budget not read from \"{t}\": {why}"),
                    json!({ "field": "budget", "skipped": true, "reason": why, "text": t }),
                );
                cx.claim(span, true);
                continue;
            }
        };
        let mult = caps.name("mult").map(|m| m.as_str().to_lowercase());
        let mut amount = parse_amount(num.as_str(), mult.as_deref(), Some(currency));
        // A range gives its upper bound.
        let tail = after(&text, span.end, 40);
        if let Some(rc) = RANGE_TAIL.captures(tail) {
            let is_and = rc.get(0).is_some_and(|m| m.as_str().contains("and"));
            let between = before(&text, span.start, 12)
                .to_lowercase()
                .contains("between");
            if let (Some(m0), Some(n2)) = (rc.get(0), rc.name("num"))
                && (!is_and || between)
            {
                let m2 = rc.name("mult").map(|m| m.as_str().to_lowercase());
                amount = parse_amount(
                    n2.as_str(),
                    m2.as_deref().or(mult.as_deref()),
                    Some(currency),
                );
                span.end += m0.end();
            }
        }
        let (scope, reason, scope_len) = decide_scope(&text, &span, has_budget_word);
        let t = cx.slice(&span).to_string();
        span.end += scope_len;
        cx.claim(span, true);
        let amount = match amount {
            Ok(a) if a > Decimal::ZERO => a,
            Ok(_) => {
                cx.step(
                    format!("budget not read from \"{t}\": amount is zero"),
                    json!({ "field": "budget", "skipped": true, "reason": "zero amount", "text": t }),
                );
                continue;
            }
            Err(why) => {
                cx.step(
                    format!("budget not read from \"{t}\": {why}"),
                    json!({ "field": "budget", "skipped": true, "reason": why, "text": t }),
                );
                continue;
            }
        };
        let scope_name = match scope {
            BudgetScope::PerUnit => "per_unit",
            BudgetScope::Total => "total",
        };
        if cx.spec.budget.is_some() {
            cx.step(
                format!("another amount \"{t}\" ignored: the budget is already set"),
                json!({ "field": "budget", "ignored": true, "amount": amount.to_string(),
                        "currency": currency, "scope": scope_name, "text": t }),
            );
            continue;
        }
        cx.step(
            format!(
                "budget {amount} {currency} {} from \"{t}\" ({reason})",
                scope_name.replace('_', " ")
            ),
            json!({ "field": "budget", "amount": amount.to_string(), "currency": currency,
                    "scope": scope_name, "scope_reason": reason, "text": t }),
        );
        cx.spec.budget = Some(Budget {
            amount,
            currency: currency.to_string(),
            scope,
        });
    }

    // Amounts after a money word but without a currency.
    for caps in BARE.captures_iter(&text) {
        let (Some(all), Some(num)) = (caps.get(0), caps.name("num")) else {
            continue;
        };
        let span = all.start()..all.end();
        if !cx.is_free(&span) {
            continue;
        }
        let next = after(&text, span.end, 20);
        let next_word: String = next
            .trim_start()
            .chars()
            .take_while(|c| c.is_alphanumeric())
            .collect::<String>()
            .to_lowercase();
        let glued = next.starts_with(|c: char| c.is_alphanumeric() || c == '%');
        if glued || !(next_word.is_empty() || BARE_NEXT_OK.contains(next_word.as_str())) {
            continue;
        }
        let t = all.as_str().to_string();
        cx.claim(span, true);
        let n = num.as_str();
        cx.step(
            format!("amount \"{t}\" has no currency: budget left empty"),
            json!({ "field": "budget", "skipped": true, "reason": "no currency", "text": t, "amount": n }),
        );
    }
}

/// ISO code from the currency sign/word before and after the amount.
fn resolve_currency(pre: Option<&str>, post: Option<&str>) -> Result<&'static str, String> {
    let a = pre.map(currency_code).transpose()?;
    let b = post.map(currency_code).transpose()?;
    match (a, b) {
        (Some(x), Some(y)) if x != y => Err(format!("conflicting currencies {x} and {y}")),
        (Some(x), _) | (None, Some(x)) => Ok(x),
        (None, None) => Err("no currency".to_string()),
    }
}

fn currency_code(s: &str) -> Result<&'static str, String> {
    let s = s.trim().trim_end_matches('.');
    let words: Vec<&str> = s.split_whitespace().collect();
    let last = words.last().copied().unwrap_or("");
    let first = words.first().copied().unwrap_or("");
    Ok(match last {
        "$" | "us$" | "usd" | "bucks" => "USD",
        "c$" | "ca$" | "cad" => "CAD",
        "a$" | "au$" | "aud" => "AUD",
        "nz$" | "nzd" => "NZD",
        "€" | "eur" | "euro" | "euros" => "EUR",
        "£" | "gbp" | "pound" | "pounds" | "sterling" | "quid" => "GBP",
        "¥" | "jpy" | "yen" => "JPY",
        "cn¥" | "cny" | "rmb" | "yuan" | "renminbi" => "CNY",
        "₹" | "inr" | "rupee" | "rupees" => "INR",
        "chf" | "fr" | "sfr" | "franc" | "francs" => "CHF",
        "sek" | "kronor" | "krona" => "SEK",
        "nok" => "NOK",
        "dkk" => "DKK",
        "pln" | "zł" | "złoty" | "złotys" | "zloty" | "zlotys" => "PLN",
        "dollar" | "dollars" => match first {
            "canadian" | "cdn" => "CAD",
            "australian" | "aussie" => "AUD",
            _ => "USD",
        },
        "kr" | "kroner" | "krone" => {
            return Err(format!("\"{s}\" could be SEK, NOK or DKK"));
        }
        other => return Err(format!("unknown currency \"{other}\"")),
    })
}

/// Currencies whose writers use "." as the thousands separator.
fn dot_thousands(currency: Option<&str>) -> bool {
    matches!(currency, Some("EUR" | "DKK" | "NOK" | "SEK" | "PLN"))
}

/// Reads a written amount as an exact decimal.
///
/// - No separator: "10000".
/// - Both "." and ",": the last one is the decimal separator ("1,500.50" US,
///   "1.500,50" European).
/// - "'" is always a thousands separator (Swiss "1'500").
/// - One kind of separator used twice or more: thousands ("1,000,000",
///   "1.000.000"); groups must then have three digits (two for INR's lakh
///   grouping).
/// - One separator once, not followed by exactly three digits: decimal
///   ("99.99", "1,5", "2.5k").
/// - One separator once, followed by exactly three digits: "," is thousands
///   ("1,500"); "." is thousands for EUR/SEK/NOK/DKK/PLN ("1.500 EUR"),
///   decimal before a k/M multiplier ("1.250k"), and otherwise ambiguous
///   ("$1.500"): an error, so the budget stays empty.
///
/// `mult` is "k"/"thousand"/"grand" (×1000), "m"/"mn"/"million" (×10⁶) or
/// "bn" (×10⁹); multiplied amounts are normalised ("2.5k" → "2500").
pub(super) fn parse_amount(
    raw: &str,
    mult: Option<&str>,
    currency: Option<&str>,
) -> Result<Decimal, String> {
    let ambiguous = || format!("\"{raw}\" is ambiguous (thousands or decimal separator?)");
    let dots = raw.matches('.').count();
    let commas = raw.matches(',').count();
    let (dec, thousands): (Option<char>, Vec<char>) = match (dots, commas) {
        (0, 0) => (None, vec!['\'']),
        (_, _) if dots > 0 && commas > 0 => {
            let last_dot = raw.rfind('.').unwrap_or(0);
            let last_comma = raw.rfind(',').unwrap_or(0);
            if last_dot > last_comma {
                (Some('.'), vec![',', '\''])
            } else {
                (Some(','), vec!['.', '\''])
            }
        }
        (1, 0) | (0, 1) => {
            let sep = if dots == 1 { '.' } else { ',' };
            let digits_after = raw.rsplit(sep).next().map_or(0, str::len);
            if digits_after != 3 || (sep == '.' && mult.is_some()) {
                (Some(sep), vec!['\''])
            } else if sep == ',' || dot_thousands(currency) {
                (None, vec![sep, '\''])
            } else {
                return Err(ambiguous());
            }
        }
        (_, 0) => (None, vec!['.', '\'']),
        (0, _) => (None, vec![',', '\'']),
        _ => return Err(ambiguous()),
    };
    let (int_part, frac_part) = match dec {
        Some(d) => {
            let mut it = raw.rsplitn(2, d);
            let frac = it.next().unwrap_or("");
            (it.next().unwrap_or(""), frac)
        }
        None => (raw, ""),
    };
    if frac_part.contains(|c: char| !c.is_ascii_digit()) {
        return Err(ambiguous());
    }
    let groups: Vec<&str> = int_part.split(|c| thousands.contains(&c)).collect();
    if groups.len() > 1 && !valid_groups(&groups, currency == Some("INR")) {
        return Err(format!("\"{raw}\" has digit groups that are not thousands"));
    }
    let digits: String = groups.concat();
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(format!("\"{raw}\" is not a number"));
    }
    let text = if frac_part.is_empty() {
        digits
    } else {
        format!("{digits}.{frac_part}")
    };
    let value = Decimal::from_str(&text).map_err(|_| format!("\"{raw}\" is out of range"))?;
    let factor = match mult {
        None => return Ok(value),
        Some("k" | "thousand" | "grand") => Decimal::from(1_000u32),
        Some("m" | "mn" | "million") => Decimal::from(1_000_000u32),
        Some("bn") => Decimal::from(1_000_000_000u32),
        Some(other) => return Err(format!("unknown multiplier \"{other}\"")),
    };
    value
        .checked_mul(factor)
        .map(|v| v.normalize())
        .ok_or_else(|| format!("\"{raw}\" is out of range"))
}

/// Thousands groups: the first 1–3 digits, the rest exactly 3 — or, for INR,
/// lakh grouping (1–2 digits, then 2-digit groups, then a 3-digit group).
fn valid_groups(groups: &[&str], indian: bool) -> bool {
    let Some((first, rest)) = groups.split_first() else {
        return false;
    };
    let western = (1..=3).contains(&first.len()) && rest.iter().all(|g| g.len() == 3);
    let lakh = indian
        && (1..=2).contains(&first.len())
        && rest
            .split_last()
            .is_some_and(|(last, mid)| last.len() == 3 && mid.iter().all(|g| g.len() == 2));
    western || lakh
}

/// Per unit or total, why, and how many bytes of signal follow the amount
/// (to claim them).
fn decide_scope(
    text: &str,
    span: &Range<usize>,
    has_budget_word: bool,
) -> (BudgetScope, String, usize) {
    let mut tail = after(text, span.end, 40);
    let mut skipped = 0;
    // "€2,000 excl. VAT total": the tax words do not hide the scope word.
    if let Some(m) = TAX.find(tail) {
        skipped = m.end();
        tail = tail.get(skipped..).unwrap_or("");
    }
    if let Some(c) = PER_UNIT_AFTER.captures(tail) {
        let len = skipped + c.get(0).map_or(0, |m| m.end());
        if let Some(kw) = c.name("kw") {
            return (BudgetScope::PerUnit, format!("\"{}\"", kw.as_str()), len);
        }
        if let Some(noun) = c.name("noun") {
            let n = noun.as_str().to_lowercase();
            let lead = c.get(0).map_or("", |m| m.as_str()).trim().to_lowercase();
            if PER_TOTAL_NOUNS.contains(&n.as_str()) {
                return (BudgetScope::Total, format!("\"per {n}\""), len);
            }
            // "a chair" / "per chair" / "/unit" — but not "per month" and not "a total".
            let period = PER_PERIOD_NOUNS.contains(&n.as_str());
            let a_total = lead.starts_with('a') && n == "total";
            if !period && !a_total {
                return (BudgetScope::PerUnit, format!("\"{lead}\""), len);
            }
        }
    }
    if let Some(m) = TOTAL_AFTER.find(tail) {
        return (
            BudgetScope::Total,
            format!("\"{}\"", m.as_str().trim_start_matches([' ', ',', ')'])),
            skipped + m.end(),
        );
    }
    // The words before the amount, back to the start of the sentence.
    let head = before(text, span.start, 40);
    let clause = head
        .rsplit(['.', ';', '!', '?', '\n'])
        .next()
        .unwrap_or(head);
    if let Some(m) = PER_UNIT_BEFORE.find(clause) {
        return (BudgetScope::PerUnit, format!("\"{}\"", m.as_str()), 0);
    }
    if let Some(m) = TOTAL_BEFORE.find(clause) {
        return (BudgetScope::Total, format!("\"{}\"", m.as_str()), 0);
    }
    if has_budget_word {
        (
            BudgetScope::Total,
            "no scope word; the request says \"budget\"".to_string(),
            0,
        )
    } else {
        (
            BudgetScope::PerUnit,
            "no scope word: read as a unit price".to_string(),
            0,
        )
    }
}
