//! Currencies: ISO 4217 codes, the symbols and words shops write, and the
//! currency a page's locale or country implies.

/// ISO 4217 codes this crate recognises in text.
const ISO: &[&str] = &[
    "AED", "ARS", "AUD", "AZN", "BAM", "BGN", "BHD", "BRL", "BYN", "BYR", "CAD", "CHF", "CLP",
    "CNY", "COP", "CRC", "CZK", "DKK", "DZD", "EGP", "EUR", "GBP", "GEL", "HKD", "HRK", "HUF",
    "IDR", "ILS", "INR", "IQD", "ISK", "JOD", "JPY", "KES", "KRW", "KWD", "KZT", "LKR", "MAD",
    "MDL", "MKD", "MXN", "MYR", "NGN", "NOK", "NZD", "OMR", "PEN", "PHP", "PKR", "PLN", "QAR",
    "RON", "RSD", "RUB", "RUR", "SAR", "SEK", "SGD", "THB", "TND", "TRY", "TWD", "UAH", "USD",
    "UYU", "UZS", "VND", "ZAR",
];

/// Currencies with three decimal places, where `1.299` is one and some.
pub fn has_three_decimals(code: &str) -> bool {
    matches!(code, "BHD" | "IQD" | "JOD" | "KWD" | "LYD" | "OMR" | "TND")
}

/// Currencies that use `$` as their symbol.
fn is_dollar(code: &str) -> bool {
    matches!(
        code,
        "USD"
            | "CAD"
            | "AUD"
            | "NZD"
            | "HKD"
            | "SGD"
            | "MXN"
            | "ARS"
            | "CLP"
            | "COP"
            | "UYU"
            | "TWD"
    )
}

/// The ISO code for a code written in any case, `RUR` read as `RUB`.
pub fn normalize_code(code: &str) -> Option<&'static str> {
    let up = code.trim().to_ascii_uppercase();
    let found = ISO.iter().find(|c| **c == up)?;
    Some(if *found == "RUR" { "RUB" } else { found })
}

/// Symbols and words, longest first within a shared prefix, with their code.
/// `None` for `$`-like and `kr`-like symbols, resolved from the hint.
const SYMBOLS: &[(&str, Option<&str>)] = &[
    ("US$", Some("USD")),
    ("USD", Some("USD")),
    ("CA$", Some("CAD")),
    ("C$", Some("CAD")),
    ("AU$", Some("AUD")),
    ("A$", Some("AUD")),
    ("NZ$", Some("NZD")),
    ("HK$", Some("HKD")),
    ("S$", Some("SGD")),
    ("R$", Some("BRL")),
    ("MX$", Some("MXN")),
    ("NT$", Some("TWD")),
    ("$", None),
    ("€", Some("EUR")),
    ("£", Some("GBP")),
    ("¥", None),
    ("￥", None),
    ("円", Some("JPY")),
    ("元", Some("CNY")),
    ("RMB", Some("CNY")),
    ("₽", Some("RUB")),
    ("руб", Some("RUB")),
    ("р.", Some("RUB")),
    ("₴", Some("UAH")),
    ("грн", Some("UAH")),
    ("₸", Some("KZT")),
    ("тг", Some("KZT")),
    ("тенге", Some("KZT")),
    ("zł", Some("PLN")),
    ("Kč", Some("CZK")),
    ("Ft", Some("HUF")),
    ("lei", Some("RON")),
    ("Lei", Some("RON")),
    ("LEI", Some("RON")),
    ("лв", Some("BGN")),
    ("₺", Some("TRY")),
    ("TL", Some("TRY")),
    ("₹", Some("INR")),
    ("Rs.", None),
    ("Rs", None),
    ("₨", None),
    ("₩", Some("KRW")),
    ("원", Some("KRW")),
    ("฿", Some("THB")),
    ("₫", Some("VND")),
    ("₪", Some("ILS")),
    ("₦", Some("NGN")),
    ("₱", Some("PHP")),
    ("RM", Some("MYR")),
    ("Rp", Some("IDR")),
    ("S/", Some("PEN")),
    ("Fr.", Some("CHF")),
    ("kr.", None),
    ("kr", None),
    ("ر.س", Some("SAR")),
    ("﷼", Some("SAR")),
    ("د.إ", Some("AED")),
    ("ج.م", Some("EGP")),
    ("د.ك", Some("KWD")),
];

fn resolve(sym: &str, hint: Option<&str>) -> Option<&'static str> {
    let hint = hint.and_then(normalize_code);
    match sym {
        "$" => Some(match hint {
            Some(h) if is_dollar(h) => h,
            _ => "USD",
        }),
        "¥" | "￥" => Some(match hint {
            Some("CNY") => "CNY",
            _ => "JPY",
        }),
        "Rs" | "Rs." | "₨" => Some(match hint {
            Some(h @ ("PKR" | "LKR" | "INR")) => h,
            _ => "INR",
        }),
        "kr" | "kr." => Some(match hint {
            Some(h @ ("SEK" | "NOK" | "DKK" | "ISK")) => h,
            _ => "SEK",
        }),
        _ => None,
    }
}

/// A currency marker at the start of `s`: its ISO code and length in bytes.
pub fn symbol_at_start(s: &str, hint: Option<&str>) -> Option<(&'static str, usize)> {
    for (sym, code) in SYMBOLS {
        if s.starts_with(sym) && word_boundary_after(s, sym.len(), sym) {
            let code = code.or_else(|| resolve(sym, hint))?;
            return Some((code, sym.len()));
        }
    }
    let b = s.as_bytes();
    if b.len() >= 3 && b[..3].iter().all(u8::is_ascii_uppercase) && word_boundary_after(s, 3, "XXX")
    {
        return normalize_code(&s[..3]).map(|c| (c, 3));
    }
    None
}

/// A currency marker that ends exactly at the end of `s`.
pub fn symbol_at_end(s: &str, hint: Option<&str>) -> Option<(&'static str, usize)> {
    for (sym, code) in SYMBOLS {
        if s.ends_with(sym) && word_boundary_before(s, s.len() - sym.len(), sym) {
            let code = code.or_else(|| resolve(sym, hint))?;
            return Some((code, sym.len()));
        }
    }
    let b = s.as_bytes();
    if b.len() >= 3
        && b[b.len() - 3..].iter().all(u8::is_ascii_uppercase)
        && word_boundary_before(s, b.len() - 3, "XXX")
    {
        return normalize_code(&s[b.len() - 3..]).map(|c| (c, 3));
    }
    None
}

fn is_wordish(sym: &str) -> bool {
    sym.chars().last().is_some_and(char::is_alphabetic)
}

fn word_boundary_after(s: &str, at: usize, sym: &str) -> bool {
    !is_wordish(sym) || !s[at..].chars().next().is_some_and(char::is_alphabetic)
}

fn word_boundary_before(s: &str, at: usize, sym: &str) -> bool {
    !sym.chars().next().is_some_and(char::is_alphabetic)
        || !s[..at].chars().next_back().is_some_and(char::is_alphabetic)
}

/// The currency of a locale tag (`de-AT`, `en_GB`, `ja`): its country's, else
/// its language's when that language is used in one currency area only.
pub fn from_locale(locale: &str) -> Option<&'static str> {
    let l = locale.trim().replace('_', "-").to_ascii_lowercase();
    let mut parts = l.split('-');
    let lang = parts.next().unwrap_or("");
    let region = parts.find(|p| p.len() == 2).unwrap_or("");
    if !region.is_empty()
        && let Some(c) = from_country(region)
    {
        return Some(c);
    }
    Some(match lang {
        // Languages used in one currency area only; `es`, `pt`, `fr`, `en`,
        // `ru`, `ar` and `zh` are not.
        "de" | "it" | "nl" | "fi" | "sk" | "sl" | "el" | "et" | "lv" | "lt" | "ga" | "mt" => "EUR",
        "uk" => "UAH",
        "kk" => "KZT",
        "be" => "BYN",
        "ja" => "JPY",
        "ko" => "KRW",
        "pl" => "PLN",
        "cs" => "CZK",
        "hu" => "HUF",
        "ro" => "RON",
        "bg" => "BGN",
        "sv" => "SEK",
        "da" => "DKK",
        "nb" | "nn" | "no" => "NOK",
        "tr" => "TRY",
        "he" => "ILS",
        "th" => "THB",
        "vi" => "VND",
        "hi" => "INR",
        "ur" => "PKR",
        "id" => "IDR",
        "ms" => "MYR",
        _ => return None,
    })
}

/// The currency of a two-letter country code (ISO 3166, or a ccTLD).
pub fn from_country(cc: &str) -> Option<&'static str> {
    Some(match cc.to_ascii_lowercase().as_str() {
        "us" => "USD",
        "gb" | "uk" => "GBP",
        "ca" => "CAD",
        "au" => "AUD",
        "nz" => "NZD",
        "ie" | "de" | "fr" | "it" | "es" | "pt" | "nl" | "be" | "at" | "fi" | "sk" | "si"
        | "gr" | "ee" | "lv" | "lt" | "lu" | "mt" | "cy" | "hr" => "EUR",
        "ch" | "li" => "CHF",
        "ru" => "RUB",
        "ua" => "UAH",
        "kz" => "KZT",
        "by" => "BYN",
        "pl" => "PLN",
        "cz" => "CZK",
        "hu" => "HUF",
        "ro" => "RON",
        "bg" => "BGN",
        "se" => "SEK",
        "dk" => "DKK",
        "no" => "NOK",
        "is" => "ISK",
        "tr" => "TRY",
        "jp" => "JPY",
        "cn" => "CNY",
        "kr" => "KRW",
        "in" => "INR",
        "pk" => "PKR",
        "lk" => "LKR",
        "br" => "BRL",
        "mx" => "MXN",
        "ar" => "ARS",
        "cl" => "CLP",
        "co" => "COP",
        "pe" => "PEN",
        "uy" => "UYU",
        "sa" => "SAR",
        "ae" => "AED",
        "eg" => "EGP",
        "il" => "ILS",
        "za" => "ZAR",
        "ng" => "NGN",
        "ke" => "KES",
        "th" => "THB",
        "vn" => "VND",
        "id" => "IDR",
        "my" => "MYR",
        "sg" => "SGD",
        "ph" => "PHP",
        "hk" => "HKD",
        "tw" => "TWD",
        "rs" => "RSD",
        "ma" => "MAD",
        _ => return None,
    })
}

/// The currency a page URL's country domain implies (`.co.uk`, `.de`,
/// `.com.ar`); none for generic domains.
pub fn from_url(url: &str) -> Option<&'static str> {
    let rest = url.split("://").nth(1).unwrap_or(url);
    let host = rest.split(['/', '?', '#', ':']).next().unwrap_or("");
    let tld = host.rsplit('.').next().unwrap_or("");
    if tld.len() == 2 {
        from_country(tld)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symbols_and_codes() {
        assert_eq!(symbol_at_start("€ 12", None), Some(("EUR", 3)));
        assert_eq!(symbol_at_start("$12", Some("CAD")), Some(("CAD", 1)));
        assert_eq!(symbol_at_start("$12", Some("EUR")), Some(("USD", 1)));
        assert_eq!(symbol_at_start("CHF 12", None), Some(("CHF", 3)));
        assert_eq!(symbol_at_start("Rs 1", Some("PKR")), Some(("PKR", 2)));
        assert_eq!(symbol_at_start("ABC", None), None);
        assert_eq!(symbol_at_start("Ftx", None), None);
        assert_eq!(symbol_at_end("12 руб", None), Some(("RUB", "руб".len())));
        assert_eq!(symbol_at_end("12 Lei", None), Some(("RON", 3)));
        assert_eq!(symbol_at_end("12 kr", Some("NOK")), Some(("NOK", 2)));
        assert_eq!(normalize_code("rur"), Some("RUB"));
    }

    #[test]
    fn locales_and_domains() {
        assert_eq!(from_locale("de_AT"), Some("EUR"));
        assert_eq!(from_locale("en-GB"), Some("GBP"));
        assert_eq!(from_locale("en"), None);
        assert_eq!(from_locale("ru_RU"), Some("RUB"));
        assert_eq!(from_locale("es"), None);
        assert_eq!(from_url("https://www.example.co.uk/x"), Some("GBP"));
        assert_eq!(from_url("https://shop.example.com.ar/p"), Some("ARS"));
        assert_eq!(from_url("https://example.com/p"), None);
    }
}
