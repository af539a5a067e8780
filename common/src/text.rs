//! Makes untrusted text safe to put on a terminal.
//!
//! Product names, log messages, request text and error strings come from
//! vendors' web pages, the LLM and other operators. Before any of it reaches
//! the TUI or the CLI's output it goes through [`sanitize`], which removes terminal
//! escape sequences (CSI, OSC, DCS and friends, in their 7-bit and 8-bit
//! forms), every other control character, and the invisible Unicode
//! characters that reorder or hide text (bidi overrides, zero-width spaces).
//! Line breaks and tabs become spaces, so the result is always one line.

/// One line of text with no escape sequences and no control characters.
pub fn sanitize(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    let mut chars = input.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' => match chars.next() {
                Some('[') => skip_csi(&mut chars),
                Some(']') => skip_string(&mut chars, true),
                Some('P' | 'X' | '^' | '_') => skip_string(&mut chars, false),
                // nF sequences: intermediates (0x20..=0x2F) then one final byte.
                Some(i) if ('\u{20}'..='\u{2f}').contains(&i) => {
                    while chars
                        .next_if(|c| ('\u{20}'..='\u{2f}').contains(c))
                        .is_some()
                    {}
                    chars.next();
                }
                // Two-character sequences (ESC 7, ESC c, ...) or a lone ESC.
                _ => {}
            },
            '\u{9b}' => skip_csi(&mut chars),
            '\u{9d}' => skip_string(&mut chars, true),
            '\u{90}' | '\u{98}' | '\u{9e}' | '\u{9f}' => skip_string(&mut chars, false),
            '\n' | '\r' | '\t' | '\u{0b}' | '\u{0c}' => out.push(' '),
            c if c.is_control() || is_invisible_format(c) => {}
            c => out.push(c),
        }
    }
    out
}

/// Skips the rest of a control sequence introducer: parameter and
/// intermediate bytes, then the final byte (0x40..=0x7E). Stops early at
/// anything that cannot belong to the sequence, leaving it to be judged on
/// its own.
fn skip_csi(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    while let Some(&c) = chars.peek() {
        if ('\u{40}'..='\u{7e}').contains(&c) {
            chars.next();
            return;
        }
        if ('\u{20}'..='\u{3f}').contains(&c) {
            chars.next();
            continue;
        }
        return;
    }
}

/// Skips an OSC, DCS, SOS, PM or APC string up to its terminator (ST, that
/// is ESC \ or 0x9C; BEL also ends an OSC).
fn skip_string(chars: &mut std::iter::Peekable<std::str::Chars<'_>>, bel_ends: bool) {
    while let Some(c) = chars.next() {
        match c {
            '\u{07}' if bel_ends => return,
            '\u{9c}' => return,
            '\u{1b}' => {
                chars.next_if_eq(&'\\');
                return;
            }
            _ => {}
        }
    }
}

/// Characters that change how the text around them is ordered or hide
/// text: bidi embeddings, overrides and isolates, marks, zero-width space
/// and the byte-order mark.
fn is_invisible_format(c: char) -> bool {
    matches!(
        c,
        '\u{061c}'
            | '\u{200b}'
            | '\u{200e}'
            | '\u{200f}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}'
            | '\u{feff}'
    )
}

/// True when `s` holds nothing [`sanitize`] would remove or change.
pub fn is_clean(s: &str) -> bool {
    !s.chars().any(|c| c.is_control() || is_invisible_format(c))
}

/// English number words up to twelve (and a few round ones) → value:
/// "a"/"an"/"one" → 1 … "thirty" → 30. Lower-case input.
pub fn number_word(w: &str) -> Option<u32> {
    Some(match w {
        "a" | "an" | "one" => 1,
        "two" => 2,
        "three" => 3,
        "four" => 4,
        "five" => 5,
        "six" => 6,
        "seven" => 7,
        "eight" => 8,
        "nine" => 9,
        "ten" => 10,
        "eleven" => 11,
        "twelve" => 12,
        "fourteen" => 14,
        "fifteen" => 15,
        "twenty" => 20,
        "thirty" => 30,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_kept() {
        assert_eq!(
            sanitize("12 chairs, €300 each — ok?"),
            "12 chairs, €300 each — ok?"
        );
    }

    #[test]
    fn csi_sequences_are_removed() {
        assert_eq!(sanitize("\u{1b}[31mred\u{1b}[0m text"), "red text");
        assert_eq!(sanitize("a\u{1b}[2J\u{1b}[Hb"), "ab");
        assert_eq!(sanitize("x\u{1b}[?1049hy"), "xy");
        assert_eq!(sanitize("8bit\u{9b}1;31mcsi"), "8bitcsi");
    }

    #[test]
    fn osc_and_string_sequences_are_removed() {
        assert_eq!(
            sanitize("\u{1b}]0;owned title\u{07}after"),
            "after",
            "OSC ended by BEL"
        );
        assert_eq!(
            sanitize("\u{1b}]8;;http://evil\u{1b}\\link\u{1b}]8;;\u{1b}\\"),
            "link",
            "hyperlink with ST"
        );
        assert_eq!(sanitize("a\u{1b}Pq#0;2;0;0;0\u{1b}\\b"), "ab", "DCS");
        assert_eq!(sanitize("a\u{9d}title\u{9c}b"), "ab", "8-bit OSC");
        assert_eq!(sanitize("a\u{1b}_apc never ends"), "a");
    }

    #[test]
    fn other_escapes_and_controls_are_removed() {
        assert_eq!(sanitize("a\u{1b}(Bb"), "ab", "charset designation");
        assert_eq!(sanitize("a\u{1b}cb"), "ab", "reset");
        assert_eq!(sanitize("a\u{1b}"), "a", "lone ESC");
        assert_eq!(
            sanitize("bell\u{07}back\u{08}del\u{7f}nul\u{0}"),
            "bellbackdelnul"
        );
        assert_eq!(sanitize("c1\u{85}\u{8d}x"), "c1x");
    }

    #[test]
    fn line_breaks_and_tabs_become_spaces() {
        assert_eq!(sanitize("one\ntwo\r\nthree\tfour"), "one two  three four");
    }

    #[test]
    fn bidi_and_zero_width_characters_are_removed() {
        assert_eq!(sanitize("abc\u{202e}fed\u{202c}"), "abcfed");
        assert_eq!(sanitize("in\u{200b}visible\u{feff}"), "invisible");
        assert_eq!(sanitize("\u{2066}iso\u{2069}"), "iso");
    }

    #[test]
    fn result_is_always_clean() {
        let nasty = "\u{1b}[1;31m\u{1b}]52;c;Zm9v\u{07}\u{9b}5n\u{0}\u{1f}\u{202e}x\u{1b}";
        let clean = sanitize(nasty);
        assert!(is_clean(&clean), "{clean:?}");
        assert_eq!(clean, "x");
    }
}
