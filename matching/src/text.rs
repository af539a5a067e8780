//! Text to tokens: case and diacritic folding, a small lexer that keeps
//! numbers with their units (`16GB`, `14-inch`, `35,6 cm`, `120 x 60 cm`,
//! `40–49 cm`), and quantities in base units.

/// Lower-case with common Latin diacritics removed (`ü` → `u`, `ß` → `ss`),
/// so German words compare with and without umlauts.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars().flat_map(char::to_lowercase) {
        match c {
            'ä' | 'à' | 'á' | 'â' | 'ã' | 'å' => out.push('a'),
            'ö' | 'ò' | 'ó' | 'ô' | 'õ' | 'ø' => out.push('o'),
            'ü' | 'ù' | 'ú' | 'û' => out.push('u'),
            'é' | 'è' | 'ê' | 'ë' => out.push('e'),
            'í' | 'ì' | 'î' | 'ï' => out.push('i'),
            'ç' => out.push('c'),
            'ñ' => out.push('n'),
            'ß' => out.push_str("ss"),
            'æ' => out.push_str("ae"),
            'œ' => out.push_str("oe"),
            c => out.push(c),
        }
    }
    out
}

/// What a quantity measures; values are kept in one base unit per kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Dim {
    /// Gigabytes.
    Data,
    /// Centimetres (inches are converted).
    Length,
    /// Kilograms.
    Mass,
    /// Watts.
    Power,
    /// Hertz.
    Freq,
    /// Watt-hours.
    Energy,
    /// Milliampere-hours.
    Charge,
    /// Volts.
    Voltage,
    /// Years.
    Time,
    /// Litres.
    Volume,
    /// A number without a unit (resolutions, counts).
    Plain,
}

/// A number with what it measures, in the kind's base unit.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Quantity {
    pub dim: Dim,
    pub value: f64,
}

impl Quantity {
    /// Equal within 3 % (1 TB vs 1024 GB, 14 inch vs 35.6 cm).
    pub fn agrees(&self, other: &Quantity) -> bool {
        if self.dim != other.dim {
            return false;
        }
        let (a, b) = (self.value, other.value);
        let scale = a.abs().max(b.abs());
        scale == 0.0 || (a - b).abs() <= 0.03 * scale
    }
}

/// A unit as written (folded) to its kind and factor to the base unit.
pub fn unit(word: &str) -> Option<(Dim, f64)> {
    Some(match word {
        "gb" | "gbyte" | "gigabyte" | "gigabytes" | "go" => (Dim::Data, 1.0),
        "tb" | "tbyte" | "terabyte" | "terabytes" | "to" => (Dim::Data, 1000.0),
        "mb" | "megabyte" | "megabytes" => (Dim::Data, 0.001),
        "inch" | "inches" | "in" | "zoll" | "pouces" | "pouce" | "\"" => (Dim::Length, 2.54),
        "cm" => (Dim::Length, 1.0),
        "mm" => (Dim::Length, 0.1),
        "m" | "meter" | "metre" | "meters" | "metres" => (Dim::Length, 100.0),
        "kg" | "kilogram" | "kilograms" | "kilogramm" => (Dim::Mass, 1.0),
        "g" | "gram" | "grams" | "gramm" => (Dim::Mass, 0.001),
        "lb" | "lbs" | "pound" | "pounds" => (Dim::Mass, 0.4536),
        "w" | "watt" | "watts" => (Dim::Power, 1.0),
        "kw" | "kilowatt" => (Dim::Power, 1000.0),
        "hz" => (Dim::Freq, 1.0),
        "khz" => (Dim::Freq, 1e3),
        "mhz" => (Dim::Freq, 1e6),
        "ghz" => (Dim::Freq, 1e9),
        "wh" => (Dim::Energy, 1.0),
        "mah" => (Dim::Charge, 1.0),
        "v" | "volt" | "volts" => (Dim::Voltage, 1.0),
        "year" | "years" | "yr" | "yrs" | "jahr" | "jahre" | "jahren" => (Dim::Time, 1.0),
        "month" | "months" | "monat" | "monate" | "monaten" => (Dim::Time, 1.0 / 12.0),
        "l" | "liter" | "litre" | "liters" | "litres" => (Dim::Volume, 1.0),
        "ml" => (Dim::Volume, 0.001),
        _ => return None,
    })
}

/// One lexical token of folded text.
#[derive(Clone, Debug, PartialEq)]
pub enum Tok {
    Num(f64, String),
    Word(String),
    /// `-`, `–`, `—`: a range or a joiner.
    Dash,
    /// `"`, `”`, `″`: inches.
    InchMark,
}

/// Parses a number as written: `1,299.99`, `1.299,00`, `35,6`, `15.6`.
fn parse_number(raw: &str) -> Option<f64> {
    let commas = raw.matches(',').count();
    let dots = raw.matches('.').count();
    let normal: String = if commas > 0 && dots > 0 {
        // The later separator is the decimal one.
        let dec = if raw.rfind(',') > raw.rfind('.') {
            ','
        } else {
            '.'
        };
        raw.chars()
            .filter(|&c| c == dec || c.is_ascii_digit())
            .map(|c| if c == dec { '.' } else { c })
            .collect()
    } else if commas == 1 {
        let after = raw.rsplit(',').next().map_or(0, str::len);
        if after == 3 {
            raw.replace(',', "")
        } else {
            raw.replace(',', ".")
        }
    } else if commas > 1 || dots > 1 {
        raw.replace([',', '.'], "")
    } else {
        raw.to_string()
    };
    normal.parse().ok()
}

/// Splits folded text into numbers, words, dashes and inch marks; other
/// punctuation separates tokens. A number glued to a known unit
/// (`16gb`) gives two tokens; glued to anything else (`4k`, `1335u`) it
/// stays one word.
pub fn lex(folded: &str) -> Vec<Tok> {
    let chars: Vec<char> = folded.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_ascii_digit() {
            let start = i;
            while i < chars.len()
                && (chars[i].is_ascii_digit()
                    || (matches!(chars[i], '.' | ',')
                        && chars.get(i + 1).is_some_and(char::is_ascii_digit)))
            {
                i += 1;
            }
            let raw: String = chars[start..i].iter().collect();
            let tail_start = i;
            while i < chars.len() && chars[i].is_alphanumeric() {
                i += 1;
            }
            let tail: String = chars[tail_start..i].iter().collect();
            let value = parse_number(&raw);
            match value {
                Some(v) if tail.is_empty() => out.push(Tok::Num(v, raw)),
                Some(v) if tail.chars().all(char::is_alphabetic) && unit(&tail).is_some() => {
                    out.push(Tok::Num(v, raw));
                    out.push(Tok::Word(tail));
                }
                _ => out.push(Tok::Word(format!("{raw}{tail}"))),
            }
        } else if c.is_alphanumeric() {
            let start = i;
            while i < chars.len() && chars[i].is_alphanumeric() {
                i += 1;
            }
            out.push(Tok::Word(chars[start..i].iter().collect()));
        } else {
            match c {
                '-' | '–' | '—' => out.push(Tok::Dash),
                '"' | '”' | '″' | '“' => out.push(Tok::InchMark),
                '\'' if chars.get(i + 1) == Some(&'\'') => {
                    out.push(Tok::InchMark);
                    i += 1;
                }
                '×' | '*' => out.push(Tok::Word("x".to_string())),
                _ => {}
            }
            i += 1;
        }
    }
    out
}

/// A token after quantities are read: either part of a quantity, a bare
/// number, or a word.
#[derive(Clone, Debug, PartialEq)]
pub enum Piece {
    Quantity(Quantity),
    /// A number with no unit, as written (`300`, `9`).
    Number(String, f64),
    Word(String),
}

fn unit_at(toks: &[Tok], i: usize) -> Option<(Dim, f64, usize)> {
    match toks.get(i) {
        Some(Tok::InchMark) => Some((Dim::Length, 2.54, 1)),
        Some(Tok::Word(w)) => unit(w).map(|(d, f)| (d, f, 1)),
        // `14-inch`
        Some(Tok::Dash) => match toks.get(i + 1) {
            Some(Tok::Word(w)) if unit(w).is_some_and(|(d, _)| d == Dim::Length) => {
                unit(w).map(|(d, f)| (d, f, 2))
            }
            _ => None,
        },
        _ => None,
    }
}

fn is_times(t: Option<&Tok>) -> bool {
    matches!(t, Some(Tok::Word(w)) if w == "x")
}

/// Reads quantities: `N unit`, `N x M [x K] unit` (every number gets the
/// unit), `N–M unit` (a range: both ends). Numbers with no unit stay
/// bare numbers.
pub fn pieces(toks: &[Tok]) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        match &toks[i] {
            Tok::Num(v, raw) => {
                // A run of numbers joined by `x` or a dash.
                let mut nums = vec![(*v, raw.clone())];
                let mut j = i + 1;
                loop {
                    let joined = is_times(toks.get(j)) || matches!(toks.get(j), Some(Tok::Dash));
                    match (joined, toks.get(j + 1)) {
                        (true, Some(Tok::Num(w, r))) => {
                            nums.push((*w, r.clone()));
                            j += 2;
                        }
                        _ => break,
                    }
                }
                if let Some((dim, factor, len)) = unit_at(toks, j) {
                    for (n, _) in &nums {
                        out.push(Piece::Quantity(Quantity {
                            dim,
                            value: n * factor,
                        }));
                    }
                    j += len;
                } else {
                    for (n, r) in nums {
                        out.push(Piece::Number(r, n));
                    }
                }
                i = j;
            }
            Tok::Word(w) => {
                out.push(Piece::Word(w.clone()));
                i += 1;
            }
            Tok::Dash | Tok::InchMark => i += 1,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn qs(s: &str) -> Vec<(Dim, f64)> {
        pieces(&lex(&fold(s)))
            .into_iter()
            .filter_map(|p| match p {
                Piece::Quantity(q) => Some((q.dim, (q.value * 100.0).round() / 100.0)),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn numbers_and_units() {
        assert_eq!(
            qs("16GB RAM, 1TB SSD"),
            [(Dim::Data, 16.0), (Dim::Data, 1000.0)]
        );
        assert_eq!(qs("15.6\" Laptop"), [(Dim::Length, 39.62)]);
        assert_eq!(qs("14-inch"), [(Dim::Length, 35.56)]);
        assert_eq!(
            qs("35,6 cm (14 Zoll)"),
            [(Dim::Length, 35.6), (Dim::Length, 35.56)]
        );
        assert_eq!(
            qs("120 x 60 cm"),
            [(Dim::Length, 120.0), (Dim::Length, 60.0)]
        );
        assert_eq!(qs("40–49 cm"), [(Dim::Length, 40.0), (Dim::Length, 49.0)]);
        assert_eq!(qs("1,4 kg"), [(Dim::Mass, 1.4)]);
        assert_eq!(qs("3 Jahre"), [(Dim::Time, 3.0)]);
        assert_eq!(parse_number("1.299,00"), Some(1299.0));
        assert_eq!(parse_number("1,299.99"), Some(1299.99));
    }

    #[test]
    fn words_and_bare_numbers() {
        let p = pieces(&lex(&fold("Aria 300 4K Q273 i5-1335U Bürostuhl")));
        let words: Vec<String> = p
            .iter()
            .map(|p| match p {
                Piece::Word(w) => w.clone(),
                Piece::Number(r, _) => format!("#{r}"),
                Piece::Quantity(_) => "q".to_string(),
            })
            .collect();
        assert_eq!(
            words,
            ["aria", "#300", "4k", "q273", "i5", "1335u", "burostuhl"]
        );
    }
}
