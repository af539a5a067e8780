//! Text from vendors, requests and logs is untrusted: before it reaches a
//! terminal, escape sequences and control characters are removed so it
//! cannot move the cursor, change colours or retitle the window.

use std::borrow::Cow;

/// Removes ANSI/VT escape sequences and control characters. Tabs become a
/// space; newlines are kept only when `keep_newlines` is set.
pub fn sanitize(text: &str, keep_newlines: bool) -> Cow<'_, str> {
    let clean = |c: char| !c.is_control() || (keep_newlines && c == '\n');
    if text.chars().all(clean) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' => skip_escape(&mut chars),
            // C1 control sequence introducer and friends.
            '\u{9b}' => skip_csi(&mut chars),
            '\u{9d}' | '\u{90}' | '\u{9e}' | '\u{9f}' => skip_string(&mut chars),
            '\t' => out.push(' '),
            c if clean(c) => out.push(c),
            _ => {}
        }
    }
    Cow::Owned(out)
}

fn skip_escape(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    match chars.next() {
        Some('[') => skip_csi(chars),
        // OSC, DCS, SOS, PM, APC: a string up to BEL or ST.
        Some(']') | Some('P') | Some('X') | Some('^') | Some('_') => skip_string(chars),
        // Two-character sequences (ESC c, ESC 7, ...): already consumed.
        _ => {}
    }
}

fn skip_csi(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    // Parameters and intermediates, then one final byte in @..~.
    for c in chars.by_ref() {
        if ('@'..='~').contains(&c) {
            break;
        }
    }
}

fn skip_string(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    while let Some(c) = chars.next() {
        if c == '\u{7}' || c == '\u{9c}' {
            break;
        }
        if c == '\u{1b}' && chars.peek() == Some(&'\\') {
            chars.next();
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::sanitize;

    #[test]
    fn strips_escapes_and_controls() {
        assert_eq!(sanitize("plain", false), "plain");
        assert_eq!(sanitize("\u{1b}[31mred\u{1b}[0m chair", false), "red chair");
        assert_eq!(sanitize("a\u{1b}]0;pwned\u{7}b", false), "ab");
        assert_eq!(sanitize("a\u{1b}]8;;http://x\u{1b}\\b", false), "ab");
        assert_eq!(sanitize("bell\u{7}\rcr\u{8}", false), "bellcr");
        assert_eq!(sanitize("two\nlines\tx", false), "twolines x");
        assert_eq!(sanitize("two\nlines", true), "two\nlines");
        assert_eq!(sanitize("\u{9b}2Jc1", false), "c1");
        assert_eq!(sanitize("trailing\u{1b}", false), "trailing");
        assert_eq!(sanitize("unterminated\u{1b}[", false), "unterminated");
    }
}
