//! Text helpers: HTML escaping, URL encoding, slugs and locale-specific
//! number and money formatting.

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use crate::defs::Locale;

/// Escapes text for HTML element content and attribute values.
pub(crate) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Percent-encodes a query-string value (`application/x-www-form-urlencoded`).
pub(crate) fn url_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            b => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// A lowercase ASCII slug: `"Bürostuhl 27\""` becomes `"buerostuhl-27"`.
pub(crate) fn slugify(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut dash = false;
    for c in s.chars().flat_map(char::to_lowercase) {
        let piece: &str = match c {
            'ä' => "ae",
            'ö' => "oe",
            'ü' => "ue",
            'ß' => "ss",
            _ => "",
        };
        if !piece.is_empty() {
            out.push_str(piece);
            dash = false;
        } else if c.is_ascii_alphanumeric() {
            out.push(c);
            dash = false;
        } else if !dash && !out.is_empty() {
            out.push('-');
            dash = true;
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

/// Whole units of a price with a thousands separator.
fn grouped(units: i64, sep: char) -> String {
    let digits = units.abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    if units < 0 { format!("-{out}") } else { out }
}

/// Cents of a price (prices in the catalogue have two decimals).
pub(crate) fn cents(price: Decimal) -> i64 {
    (price * Decimal::ONE_HUNDRED).round().to_i64().unwrap_or(0)
}

/// A price as the shop's page shows it: `$1,299.99`, `1.299,00 €`, `£849.00`,
/// `€ 1.299,95`.
pub(crate) fn money(price: Decimal, locale: Locale) -> String {
    let c = cents(price);
    let (units, frac) = (c / 100, (c % 100).abs());
    match locale {
        Locale::EnUs => format!("${}.{frac:02}", grouped(units, ',')),
        Locale::EnGb => format!("£{}.{frac:02}", grouped(units, ',')),
        Locale::De => format!("{},{frac:02} €", grouped(units, '.')),
        Locale::EnNl => format!("€\u{a0}{},{frac:02}", grouped(units, '.')),
    }
}

/// A number with one decimal in tenths (`52` is 5.2), in the locale's
/// decimal style, dropping a trailing `.0`.
pub(crate) fn tenths(value: u32, locale: Locale) -> String {
    if value.is_multiple_of(10) {
        return (value / 10).to_string();
    }
    let sep = if locale == Locale::De { ',' } else { '.' };
    format!("{}{sep}{}", value / 10, value % 10)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_formats() {
        let p = Decimal::new(129_999, 2);
        assert_eq!(money(p, Locale::EnUs), "$1,299.99");
        assert_eq!(money(Decimal::new(129_900, 2), Locale::De), "1.299,00 €");
        assert_eq!(money(Decimal::new(84_900, 2), Locale::EnGb), "£849.00");
        assert_eq!(
            money(Decimal::new(129_995, 2), Locale::EnNl),
            "€\u{a0}1.299,95"
        );
        assert_eq!(money(Decimal::new(8_995, 2), Locale::EnUs), "$89.95");
        assert_eq!(
            money(Decimal::new(123_456_700, 2), Locale::EnUs),
            "$1,234,567.00"
        );
    }

    #[test]
    fn slugs_and_escapes() {
        assert_eq!(
            slugify("Bürostuhl Größe 27\" (Netz)"),
            "buerostuhl-groesse-27-netz"
        );
        assert_eq!(
            esc("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
        assert_eq!(url_encode("27 inch/€"), "27+inch%2F%E2%82%AC");
        assert_eq!(tenths(52, Locale::De), "5,2");
        assert_eq!(tenths(52, Locale::EnUs), "5.2");
        assert_eq!(tenths(140, Locale::EnUs), "14");
    }
}
