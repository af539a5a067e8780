//! Identifier normalisation: GTINs (EAN/UPC), MPNs and brand names.

use crate::text::fold;

/// Why a string is not a valid GTIN.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GtinError {
    #[error("empty GTIN")]
    Empty,
    #[error("GTIN contains {0:?}, not a digit")]
    NotDigit(char),
    #[error("GTIN has {0} digits, not 8, 12, 13 or 14")]
    Length(usize),
    #[error("GTIN is all zeros")]
    Zero,
    #[error("GTIN check digit is {found}, expected {expected}")]
    CheckDigit { expected: u8, found: u8 },
}

/// Normalises a GTIN-8, UPC-A (GTIN-12), EAN-13 or GTIN-14 to 14 digits
/// (left-padded with zeros) after checking its check digit. Spaces and
/// dashes are ignored, so `"4006381 333931"` and `"04006381333931"` give
/// the same value.
pub fn gtin14(raw: &str) -> Result<String, GtinError> {
    let mut digits = Vec::with_capacity(14);
    for c in raw.trim().chars() {
        match c {
            '0'..='9' => digits.push(c as u8 - b'0'),
            ' ' | '-' | '\u{a0}' => {}
            c => return Err(GtinError::NotDigit(c)),
        }
    }
    if digits.is_empty() {
        return Err(GtinError::Empty);
    }
    if !matches!(digits.len(), 8 | 12 | 13 | 14) {
        return Err(GtinError::Length(digits.len()));
    }
    if digits.iter().all(|&d| d == 0) {
        return Err(GtinError::Zero);
    }
    let (body, check) = digits.split_at(digits.len() - 1);
    // Weights 3, 1, 3, ... from the digit next to the check digit leftwards.
    let sum: u32 = body
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| u32::from(d) * if i % 2 == 0 { 3 } else { 1 })
        .sum();
    let expected = ((10 - sum % 10) % 10) as u8;
    let found = check.first().copied().unwrap_or(0);
    if expected != found {
        return Err(GtinError::CheckDigit { expected, found });
    }
    let mut out = "0".repeat(14 - digits.len());
    out.extend(digits.iter().map(|d| char::from(b'0' + d)));
    Ok(out)
}

/// An MPN for comparison: case, spaces, dashes, dots and slashes dropped.
/// `"SIT-Aria 300/bk"` and `"sitaria300bk"` compare equal. `None` when
/// nothing is left.
pub fn normalise_mpn(raw: &str) -> Option<String> {
    let s: String = fold(raw).chars().filter(|c| c.is_alphanumeric()).collect();
    (!s.is_empty()).then_some(s)
}

/// Legal-form words dropped from brand names.
const LEGAL_FORMS: [&str; 14] = [
    "inc",
    "gmbh",
    "ltd",
    "llc",
    "co",
    "ag",
    "corp",
    "corporation",
    "kg",
    "sa",
    "bv",
    "plc",
    "limited",
    "se",
];

/// A brand for comparison: folded to lower-case ASCII-ish letters and
/// digits, legal forms (`GmbH`, `Inc.`) dropped. `"Posture Lab GmbH"` and
/// `"posture-lab"` compare equal. `None` when nothing is left.
pub fn normalise_brand(raw: &str) -> Option<String> {
    let folded = fold(raw);
    let words: Vec<&str> = folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let keep = words
        .iter()
        .enumerate()
        .filter(|(i, w)| *i == 0 || !LEGAL_FORMS.contains(w))
        .map(|(_, w)| *w);
    let s: String = keep.collect();
    (!s.is_empty()).then_some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gtin_lengths_normalise_to_14() {
        // EAN-13, with and without separators and a leading zero.
        assert_eq!(gtin14("4006381333931").as_deref(), Ok("04006381333931"));
        assert_eq!(gtin14("04006381333931").as_deref(), Ok("04006381333931"));
        assert_eq!(gtin14(" 4006381-333931 ").as_deref(), Ok("04006381333931"));
        // UPC-A and the same code as EAN-13.
        assert_eq!(gtin14("036000291452").as_deref(), Ok("00036000291452"));
        assert_eq!(gtin14("0036000291452").as_deref(), Ok("00036000291452"));
        // GTIN-8.
        assert_eq!(gtin14("96385074").as_deref(), Ok("00000096385074"));
        // GTIN-14 with a packaging indicator.
        assert_eq!(gtin14("10614141000415").as_deref(), Ok("10614141000415"));
    }

    #[test]
    fn gtin_errors() {
        assert_eq!(
            gtin14("4006381333932"),
            Err(GtinError::CheckDigit {
                expected: 1,
                found: 2
            })
        );
        assert_eq!(gtin14(""), Err(GtinError::Empty));
        assert_eq!(gtin14("12345"), Err(GtinError::Length(5)));
        assert_eq!(gtin14("40063813339X1"), Err(GtinError::NotDigit('X')));
        assert_eq!(gtin14("00000000"), Err(GtinError::Zero));
    }

    #[test]
    fn mpn_and_brand() {
        assert_eq!(
            normalise_mpn("SIT-Aria 300/bk").as_deref(),
            Some("sitaria300bk")
        );
        assert_eq!(normalise_mpn(" - "), None);
        assert_eq!(
            normalise_brand("Posture Lab GmbH").as_deref(),
            Some("posturelab")
        );
        assert_eq!(
            normalise_brand("posture-lab").as_deref(),
            Some("posturelab")
        );
        assert_eq!(normalise_brand("Bürokontor").as_deref(), Some("burokontor"));
        assert_eq!(normalise_brand("Co"), Some("co".to_string()));
    }
}
