//! Reading prices as shops write them: `1.299,00 €`, `$1,299.99`,
//! `12 999 ₽`, `¥1,280`, `CHF 1'299.–`, `25,-`, ranges (`€10 – €20`) and
//! "from" prices (`ab 9,99 €`, `from $5`).
//!
//! Separators: when a number holds two kinds of separator, the last one is
//! the decimal mark. With one kind, a repeated separator, a space or an
//! apostrophe groups thousands; a single `.` or `,` followed by other than
//! three digits is the decimal mark; followed by exactly three digits it
//! groups thousands, unless the currency has three decimals (KWD, BHD, ...)
//! or the integer part is 0.

use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::currency;

/// An amount with its currency (ISO 4217) when the text or hint gave one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Money {
    pub amount: Decimal,
    pub currency: Option<String>,
}

/// One price found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundPrice {
    pub money: Money,
    /// The text named the currency (symbol or code), not only the hint.
    pub explicit_currency: bool,
    /// Byte range in the text, currency marker included.
    pub start: usize,
    pub end: usize,
}

/// A price that may be a range or a "from" price.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PriceRange {
    pub low: Money,
    pub high: Option<Money>,
    /// Written as "from X" (`ab`, `à partir de`, `desde`, `от`, ...).
    pub from: bool,
}

const FROM_WORDS: &[&str] = &[
    "from",
    "starting at",
    "as low as",
    "ab",
    "à partir de",
    "a partir de",
    "dès",
    "desde",
    "da",
    "vanaf",
    "от",
    "od",
    "fra",
    "från",
    "alkaen",
    "starting from",
    "von",
];

const RANGE_SEPS: &[&str] = &["-", "–", "—", "~", "to", "bis", "à", "a", "до", "al", "tot"];

fn ascii_digit(c: char) -> Option<u8> {
    match c {
        '0'..='9' => Some(c as u8 - b'0'),
        '\u{660}'..='\u{669}' => Some((c as u32 - 0x660) as u8),
        '\u{6f0}'..='\u{6f9}' => Some((c as u32 - 0x6f0) as u8),
        '\u{ff10}'..='\u{ff19}' => Some((c as u32 - 0xff10) as u8),
        _ => None,
    }
}

fn is_sep(c: char) -> bool {
    matches!(
        c,
        '.' | ',' | '\'' | '’' | ' ' | '\u{a0}' | '\u{202f}' | '\u{2009}' | '\u{66b}' | '\u{66c}'
    )
}

/// A number token: its digit groups and the separators between them.
struct Token {
    groups: Vec<String>,
    seps: Vec<char>,
    end: usize,
}

/// Reads a number starting at byte `start` (a digit).
fn read_token(s: &str, start: usize) -> Token {
    let mut groups = vec![String::new()];
    let mut seps = Vec::new();
    let mut end = start;
    for (i, c) in s[start..].char_indices() {
        if let Some(d) = ascii_digit(c) {
            if let Some(g) = groups.last_mut() {
                g.push((b'0' + d) as char);
            }
            end = start + i + c.len_utf8();
            continue;
        }
        if is_sep(c) && groups.len() < 12 {
            let rest = &s[start + i + c.len_utf8()..];
            let digits: usize = rest
                .chars()
                .take_while(|&c| ascii_digit(c).is_some())
                .count();
            let space = matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '\u{2009}');
            let after_digits_ok = if space || matches!(c, '\'' | '’' | '\u{66c}') {
                digits == 3 && groups.last().is_some_and(|g| g.len() <= 3)
            } else {
                digits > 0
            };
            if after_digits_ok {
                seps.push(c);
                groups.push(String::new());
                continue;
            }
        }
        break;
    }
    Token { groups, seps, end }
}

fn is_decimal_mark(c: char) -> bool {
    matches!(c, '.' | ',' | '\u{66b}')
}

/// Turns digit groups into a decimal using the separator rules above.
fn token_value(t: &Token, hint: Option<&str>) -> Option<Decimal> {
    let n = t.seps.len();
    let (int_groups, frac): (&[String], &str) = if n == 0 {
        (&t.groups[..], "")
    } else {
        let last = t.seps[n - 1];
        let last_group = &t.groups[n];
        let kinds_before: Vec<char> = t.seps[..n - 1].to_vec();
        let decimal = if !is_decimal_mark(last) {
            false
        } else if kinds_before.iter().any(|&k| k != last) {
            true
        } else if !kinds_before.is_empty() {
            false
        } else if last == '\u{66b}' || last_group.len() != 3 {
            true
        } else {
            t.groups[0] == "0" || hint.is_some_and(currency::has_three_decimals)
        };
        if decimal {
            (&t.groups[..n], last_group.as_str())
        } else {
            (&t.groups[..], "")
        }
    };
    let int: String = int_groups.concat();
    if int.is_empty() || int.len() > 15 || frac.len() > 8 {
        return None;
    }
    let text = if frac.is_empty() {
        int
    } else {
        format!("{int}.{frac}")
    };
    Decimal::from_str(&text).ok()
}

/// Skips spaces backwards from `at`; returns the new position.
fn skip_ws_back(s: &str, at: usize) -> usize {
    let t = s[..at].trim_end_matches([' ', '\u{a0}', '\u{202f}', '\u{2009}']);
    t.len()
}

fn skip_ws_fwd(s: &str, at: usize) -> usize {
    let t = s[at..].trim_start_matches([' ', '\u{a0}', '\u{202f}', '\u{2009}']);
    s.len() - t.len()
}

/// Every price-like number in `text`, with currencies from symbols or codes
/// next to it, else from `currency_hint`.
pub fn find_prices(text: &str, currency_hint: Option<&str>) -> Vec<FoundPrice> {
    let hint = currency_hint.and_then(currency::normalize_code);
    let mut out = Vec::new();
    let mut i = 0;
    while i < text.len() && out.len() < 64 {
        let Some(c) = text[i..].chars().next() else {
            break;
        };
        if ascii_digit(c).is_none() {
            i += c.len_utf8();
            continue;
        }
        // A digit glued to a letter is part of a word ("A4", "K3", "x2").
        let glued = text[..i]
            .chars()
            .next_back()
            .is_some_and(|p| p.is_alphabetic() || p == '_');
        let tok = read_token(text, i);
        let mut end = tok.end;
        // "1'299.–", "25,-", "10.--"
        let rest = &text[end..];
        for dash in [".–", ",–", ".-", ",-", ".—", ",—"] {
            if let Some(r) = rest.strip_prefix(dash) {
                end += dash.len();
                if r.starts_with('-') {
                    end += 1;
                }
                break;
            }
        }
        let before = skip_ws_back(text, i);
        let after = skip_ws_fwd(text, end);
        let prev_end = out.last().map_or(0, |p: &FoundPrice| p.end);
        let pre = currency::symbol_at_end(&text[..before], hint)
            .filter(|(_, len)| before - len >= prev_end);
        let post = currency::symbol_at_start(&text[after..], hint);
        let (code, start, stop) = match (pre, post) {
            (Some((c, len)), _) => (Some(c), before - len, end),
            (None, Some((c, len))) => (Some(c), i, after + len),
            (None, None) => (None, i, end),
        };
        if glued && code.is_none() {
            i = tok.end;
            continue;
        }
        let Some(amount) = token_value(&tok, code.or(hint)) else {
            i = tok.end.max(i + 1);
            continue;
        };
        out.push(FoundPrice {
            money: Money {
                amount,
                currency: code.or(hint).map(str::to_string),
            },
            explicit_currency: code.is_some(),
            start,
            end: stop,
        });
        i = stop.max(tok.end);
    }
    out
}

/// True when `text` around its numbers holds no words, so a bare number can
/// be taken as the price ("12,99", "1 299").
fn is_bare_number(text: &str) -> bool {
    text.chars().filter(|c| c.is_alphabetic()).count() <= 3
}

/// The first price in `text`: the first with a currency symbol or code, else
/// the only number of a text that is little more than a number. The currency
/// comes from the text, else from `currency_hint` (an ISO code, which also
/// settles whether `1.299` is one thousand or one).
pub fn parse_price(text: &str, currency_hint: Option<&str>) -> Option<Money> {
    parse_price_range(text, currency_hint).map(|r| r.low)
}

/// Like [`parse_price`], but keeps the upper end of a range and tells a
/// "from" price.
pub fn parse_price_range(text: &str, currency_hint: Option<&str>) -> Option<PriceRange> {
    let text = crate::text::truncate(text, 4096);
    let found = find_prices(text, currency_hint);
    let first_idx = match found.iter().position(|p| p.explicit_currency) {
        Some(i) => i,
        None if !found.is_empty() && is_bare_number(text) => 0,
        None => return None,
    };
    // "10 - 20 €": the currency follows the upper end only.
    if first_idx > 0 {
        let prev = &found[first_idx - 1];
        let cur = &found[first_idx];
        let between = text
            .get(prev.end..cur.start)
            .unwrap_or("")
            .trim()
            .to_lowercase();
        if !prev.explicit_currency
            && RANGE_SEPS.contains(&between.as_str())
            && prev.money.amount <= cur.money.amount
        {
            let lead = text[..prev.start].trim_end().to_lowercase();
            let low = Money {
                amount: prev.money.amount,
                currency: cur.money.currency.clone(),
            };
            return Some(PriceRange {
                low,
                high: Some(cur.money.clone()),
                from: is_from(&lead),
            });
        }
    }
    let first = &found[first_idx];
    let lead = text[..first.start].trim_end().to_lowercase();
    let from = is_from(&lead);
    let mut high = None;
    if let Some(next) = found.get(first_idx + 1).filter(|n| n.start >= first.end) {
        let between = text[first.end..next.start].trim().to_lowercase();
        if RANGE_SEPS.contains(&between.as_str()) && next.money.amount >= first.money.amount {
            let mut m = next.money.clone();
            if m.currency.is_none() {
                m.currency.clone_from(&first.money.currency);
            }
            high = Some(m);
        }
    }
    let mut low = first.money.clone();
    if low.currency.is_none()
        && let Some(h) = &high
    {
        low.currency.clone_from(&h.currency);
    }
    Some(PriceRange { low, high, from })
}

/// True when the text before a price ends with a "from" word.
fn is_from(lead: &str) -> bool {
    FROM_WORDS.iter().any(|w| {
        lead.ends_with(w)
            && !lead[..lead.len() - w.len()]
                .chars()
                .next_back()
                .is_some_and(char::is_alphanumeric)
    })
}

/// A price from structured data (JSON-LD, microdata, meta): plain numbers use
/// `.` as the decimal mark as schema.org asks; anything else is read like
/// page text.
pub fn parse_structured(value: &str, currency_hint: Option<&str>) -> Option<Money> {
    let v = value.trim();
    let plain = !v.is_empty()
        && v.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && v.bytes().filter(|&b| b == b'.').count() <= 1
        && !v.starts_with('.');
    if plain {
        let amount = Decimal::from_str(v).ok()?;
        return Some(Money {
            amount,
            currency: currency_hint
                .and_then(currency::normalize_code)
                .map(str::to_string),
        });
    }
    let found = find_prices(v, currency_hint);
    found.into_iter().next().map(|p| p.money)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(text: &str, hint: Option<&str>) -> Option<(String, Option<String>)> {
        parse_price(text, hint).map(|m| (m.amount.normalize().to_string(), m.currency))
    }

    fn amount(text: &str) -> String {
        parse_price(text, None)
            .map(|m| m.amount.normalize().to_string())
            .unwrap_or_default()
    }

    #[test]
    fn the_examples_from_the_issue() {
        assert_eq!(
            p("1.299,00 €", None),
            Some(("1299".into(), Some("EUR".into())))
        );
        assert_eq!(
            p("$1,299.99", None),
            Some(("1299.99".into(), Some("USD".into())))
        );
        assert_eq!(
            p("12 999 ₽", None),
            Some(("12999".into(), Some("RUB".into())))
        );
        assert_eq!(p("¥1,280", None), Some(("1280".into(), Some("JPY".into()))));
        assert_eq!(
            p("CHF 1'299.–", None),
            Some(("1299".into(), Some("CHF".into())))
        );
    }

    #[test]
    fn separators() {
        assert_eq!(amount("12,99 €"), "12.99");
        assert_eq!(amount("€12.5"), "12.5");
        assert_eq!(amount("1,299 €"), "1299");
        assert_eq!(amount("€ 1.299"), "1299");
        assert_eq!(amount("€0.299"), "0.299");
        assert_eq!(amount("1.234.567,89 €"), "1234567.89");
        assert_eq!(amount("$1,234,567"), "1234567");
        assert_eq!(amount("1 234,50 zł"), "1234.5");
        assert_eq!(amount("1\u{a0}299,00\u{a0}€"), "1299");
        assert_eq!(amount("1\u{202f}299 €"), "1299");
        assert_eq!(amount("25,- €"), "25");
        assert_eq!(amount("€ 25,--"), "25");
        assert_eq!(amount("Fr. 12.90"), "12.9");
        assert_eq!(amount("١٢٣٫٥٠ ر.س"), "123.5");
        assert_eq!(p("1.299 KWD", None).map(|x| x.0), Some("1.299".into()));
        assert_eq!(p("1.299", Some("BHD")).map(|x| x.0), Some("1.299".into()));
    }

    #[test]
    fn currencies_from_text_and_hint() {
        assert_eq!(
            p("99.00 ر.س", None),
            Some(("99".into(), Some("SAR".into())))
        );
        assert_eq!(
            p("Rs 23,450", Some("PKR")),
            Some(("23450".into(), Some("PKR".into())))
        );
        assert_eq!(
            p("44 890 тг.", None),
            Some(("44890".into(), Some("KZT".into())))
        );
        assert_eq!(
            p("173,34 Lei", None),
            Some(("173.34".into(), Some("RON".into())))
        );
        assert_eq!(
            p("$24.990", Some("CLP")),
            Some(("24990".into(), Some("CLP".into())))
        );
        assert_eq!(
            p("12.99", Some("GBP")),
            Some(("12.99".into(), Some("GBP".into())))
        );
        assert_eq!(p("EUR 5", None), Some(("5".into(), Some("EUR".into()))));
        assert_eq!(p("5 USD", None), Some(("5".into(), Some("USD".into()))));
        assert_eq!(
            p("C$ 19.99", None),
            Some(("19.99".into(), Some("CAD".into())))
        );
        assert_eq!(p("12,99", None), Some(("12.99".into(), None)));
    }

    #[test]
    fn words_are_not_prices() {
        assert_eq!(p("Rating 4.5 out of 5 stars", None), None);
        assert_eq!(p("Add to basket", None), None);
        assert_eq!(p("", None), None);
        assert_eq!(
            p("Model K3 for €99", None),
            Some(("99".into(), Some("EUR".into())))
        );
    }

    #[test]
    fn first_price_with_currency_wins() {
        assert_eq!(amount("Was £59.99 Now £49.99"), "59.99");
        assert_eq!(amount("2 for £10"), "10");
        assert_eq!(amount("419 ₽ 514 ₽"), "419");
    }

    #[test]
    fn ranges_and_from_prices() {
        let r = parse_price_range("€10 – €20", None).unwrap();
        assert_eq!(r.low.amount, Decimal::from(10));
        assert_eq!(r.high.unwrap().amount, Decimal::from(20));
        assert!(!r.from);
        let r = parse_price_range("10 - 20 €", None).unwrap();
        assert_eq!(r.low.currency.as_deref(), Some("EUR"));
        assert_eq!(r.high.unwrap().amount, Decimal::from(20));
        let r = parse_price_range("ab 9,99 €", None).unwrap();
        assert!(r.from);
        assert_eq!(r.low.amount.to_string(), "9.99");
        assert!(parse_price_range("from $5", None).unwrap().from);
        assert!(parse_price_range("à partir de 12 €", None).unwrap().from);
        assert!(parse_price_range("от 1 990 ₽", None).unwrap().from);
        assert!(!parse_price_range("Tab 5 €", None).unwrap().from);
    }

    #[test]
    fn structured_values_use_a_dot() {
        let m = parse_structured("1.299", Some("EUR")).unwrap();
        assert_eq!(m.amount.to_string(), "1.299");
        assert_eq!(m.currency.as_deref(), Some("EUR"));
        assert_eq!(
            parse_structured("26,00 €", None)
                .unwrap()
                .amount
                .to_string(),
            "26.00"
        );
        assert_eq!(
            parse_structured("$15", Some("CAD"))
                .unwrap()
                .currency
                .as_deref(),
            Some("CAD")
        );
        assert_eq!(
            parse_structured("24990", Some("CLP")).unwrap().amount,
            Decimal::from(24990)
        );
        assert!(parse_structured("", None).is_none());
        assert!(parse_structured("free", None).is_none());
    }

    #[test]
    fn hostile_inputs() {
        assert!(parse_price(&"9".repeat(100_000), None).is_none());
        let _ = parse_price(&"1,".repeat(10_000), None);
        let _ = parse_price("\u{0}\u{1b}[31m€", None);
        let _ = parse_price(&"€1 ".repeat(10_000), None);
    }
}
