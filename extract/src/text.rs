//! Text helpers: HTML entity decoding, whitespace collapsing and the
//! sanitising every page string goes through before it leaves the crate.

use std::borrow::Cow;

use crate::entities::ENTITIES;

/// Windows-1252 code points that `&#128;`..`&#159;` stand for in HTML.
const CP1252: [u32; 32] = [
    0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039,
    0x0152, 0x8D, 0x017D, 0x8F, 0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D, 0x017E, 0x0178,
];

fn numeric_char(n: u32) -> char {
    let n = if (0x80..0xA0).contains(&n) {
        CP1252[(n - 0x80) as usize]
    } else {
        n
    };
    match char::from_u32(n) {
        Some('\0') | None => '\u{FFFD}',
        Some(c) => c,
    }
}

/// Decodes character references (`&amp;`, `&#8364;`, `&#x20AC;`, the HTML 4
/// named set and common HTML 5 names). Unknown or malformed references are
/// kept as written. Borrows when there is nothing to decode.
pub fn decode_entities(s: &str) -> Cow<'_, str> {
    let Some(first) = memchr::memchr(b'&', s.as_bytes()) else {
        return Cow::Borrowed(s);
    };
    let mut out = String::with_capacity(s.len());
    out.push_str(&s[..first]);
    let mut rest = &s[first..];
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let (decoded, used) = decode_one(after);
        match decoded {
            Some(d) => {
                out.push_str(&d);
                rest = &after[used..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// Decodes the reference at the start of `s` (just after `&`): the text and
/// how many bytes it used.
fn decode_one(s: &str) -> (Option<String>, usize) {
    let b = s.as_bytes();
    if b.first() == Some(&b'#') {
        let (hex, start) = match b.get(1) {
            Some(b'x' | b'X') => (true, 2),
            _ => (false, 1),
        };
        let mut end = start;
        while end < b.len()
            && end - start < 8
            && (if hex {
                b[end].is_ascii_hexdigit()
            } else {
                b[end].is_ascii_digit()
            })
        {
            end += 1;
        }
        if end == start {
            return (None, 0);
        }
        let n = u32::from_str_radix(&s[start..end], if hex { 16 } else { 10 }).unwrap_or(0xFFFD);
        let used = if b.get(end) == Some(&b';') {
            end + 1
        } else {
            end
        };
        return (Some(numeric_char(n).to_string()), used);
    }
    let mut end = 0;
    while end < b.len() && end < 32 && b[end].is_ascii_alphanumeric() {
        end += 1;
    }
    if end == 0 {
        return (None, 0);
    }
    let name = &s[..end];
    if let Ok(i) = ENTITIES.binary_search_by(|(n, _)| n.cmp(&name)) {
        let used = if b.get(end) == Some(&b';') {
            end + 1
        } else {
            end
        };
        return (Some(ENTITIES[i].1.to_string()), used);
    }
    (None, 0)
}

/// Collapses runs of whitespace (including no-break and other Unicode
/// spaces) to one space and trims the ends.
pub fn collapse_ws(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        if c.is_whitespace() || c == '\u{a0}' {
            space = true;
        } else {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.push(c);
        }
    }
    out
}

/// What every page string goes through before it leaves the crate: entities
/// decoded, tags that leaked into JSON strings dropped, escape sequences and
/// control characters removed, whitespace collapsed.
pub fn clean(s: &str) -> String {
    let decoded = decode_entities(s);
    let no_tags = strip_tags(&decoded);
    let safe = procura_common::text::sanitize(&no_tags);
    // Private-use characters are icon-font glyphs, not text.
    let visible: String = safe
        .chars()
        .filter(|c| !('\u{e000}'..='\u{f8ff}').contains(c))
        .collect();
    collapse_ws(&visible)
}

/// Removes `<...>` tags from text that was supposed to be plain (JSON-LD
/// descriptions often carry HTML).
fn strip_tags(s: &str) -> Cow<'_, str> {
    if !s.contains('<') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(lt) = rest.find('<') {
        out.push_str(&rest[..lt]);
        let after = &rest[lt + 1..];
        let is_tag = after
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '/' || c == '!');
        match (is_tag, after.find('>')) {
            (true, Some(gt)) => {
                out.push(' ');
                rest = &after[gt + 1..];
            }
            _ => {
                out.push('<');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// Truncates to at most `max` bytes on a char boundary.
pub fn truncate(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_named_and_numeric() {
        assert_eq!(decode_entities("a &amp; b"), "a & b");
        assert_eq!(
            decode_entities("&euro;12&nbsp;&#8364;&#x20ac;&#128;"),
            "€12\u{a0}€€€"
        );
        assert_eq!(
            decode_entities("&copy &unknown; &#; &"),
            "© &unknown; &#; &"
        );
        assert_eq!(decode_entities("&#0;&#xFFFFFFFFF;"), "\u{FFFD}\u{FFFD}F;");
        assert!(matches!(decode_entities("plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn cleans_for_the_terminal() {
        assert_eq!(
            clean("  Red\u{1b}[31m  <b>Chair</b>\n\t&amp; table\u{7} "),
            "Red Chair & table"
        );
        assert_eq!(clean("a < b"), "a < b");
        assert_eq!(clean("x\u{202e}y\u{a0}z"), "xy z");
    }

    #[test]
    fn truncates_on_char_boundary() {
        assert_eq!(truncate("éé", 3), "é");
        assert_eq!(truncate("ab", 5), "ab");
    }
}
