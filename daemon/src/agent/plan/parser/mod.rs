//! The offline request parser: an operator's free-text request becomes a
//! [`SearchSpec`], deterministically and without the network.
//!
//! # How it reads
//!
//! The text is normalised first ([`normalise`]: control characters and odd
//! spaces become plain spaces, typographic quotes and dashes become ASCII,
//! input past [`MAX_INPUT_BYTES`] is dropped with a step). Then a fixed
//! pipeline of extractors reads it, each one *claiming* the byte ranges it
//! used so that later extractors never read them again:
//!
//! 1. vendor clauses ([`vendors`]) — "not from Amazon", "prefer IKEA";
//! 2. money ([`money`]) — so "$300" is never a quantity;
//! 3. the deadline ([`dates`]) — so "12/15" or "in 10 days" is never a quantity;
//! 4. required specs ([`specs`]) — so "27 inch" or "16GB" is never a quantity;
//! 5. the quantity ([`quantity`]);
//! 6. "with …" feature clauses ([`specs::extract_with_clauses`]);
//! 7. the item phrase, keywords and category ([`item`]) from what is left.
//!
//! A claim is *hard* (the words leave the item phrase and the keywords:
//! prices, dates, vendor clauses, numeric specs) or *soft* (the words stay in
//! the item phrase — "wireless headsets", "4K monitors", "mesh back chairs" —
//! but no other extractor may read them).
//!
//! Every decision, and every piece that looked meaningful but could not be
//! read, becomes a [`ParseStep`] for the job's agent log. Nothing is
//! invented: what the text does not state stays `None` or empty.
//!
//! The parser is total: it never panics on any input (no `unwrap`/`expect`
//! on input-reachable paths; every slice goes through `str::get`) and all
//! regexes are compiled once ([`LazyLock`]).

mod dates;
mod item;
mod money;
mod quantity;
mod specs;
mod vendors;

#[cfg(test)]
mod tests;

use std::collections::HashSet;
use std::ops::Range;
use std::sync::LazyLock;

use chrono::NaiveDate;
use procura_common::spec::{Comparator, SearchSpec, SpecRequirement};
use regex::Regex;
use serde_json::{Value, json};

/// One step of the parse, for the job's agent log.
#[derive(Debug, Clone, PartialEq)]
pub struct ParseStep {
    pub message: String,
    pub data: serde_json::Value,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ParsedRequest {
    pub spec: SearchSpec,
    pub steps: Vec<ParseStep>,
}

/// Requests longer than this (in bytes, after normalisation) are cut, with a
/// step saying so. Real requests are a few hundred bytes; the cap keeps the
/// parser's run time bounded on pasted garbage.
pub const MAX_INPUT_BYTES: usize = 4096;

/// Deterministic, network-free. `today` is the UTC date the job was submitted;
/// relative deadlines are resolved against it.
pub fn parse_request(text: &str, today: NaiveDate) -> ParsedRequest {
    let (normalised, truncated) = normalise(text);
    let mut cx = Ctx {
        claims: vec![0; normalised.len()],
        text: normalised,
        spec_spans: Vec::new(),
        spec: SearchSpec::default(),
        steps: Vec::new(),
        item_hint: None,
    };
    if truncated {
        cx.step(
            format!("request cut to its first {MAX_INPUT_BYTES} bytes"),
            json!({ "field": "request", "truncated": true, "max_bytes": MAX_INPUT_BYTES }),
        );
    }
    if cx.text.trim().is_empty() {
        cx.step(
            "request is empty: nothing to read",
            json!({ "field": "request", "empty": true }),
        );
        return cx.finish();
    }
    vendors::extract(&mut cx);
    money::extract(&mut cx);
    dates::extract(&mut cx, today);
    specs::extract(&mut cx);
    quantity::extract(&mut cx);
    specs::extract_with_clauses(&mut cx);
    item::extract(&mut cx);
    cx.finish()
}

/// The parse in progress: the normalised text, what has been claimed, and
/// the spec and steps built so far.
struct Ctx {
    text: String,
    /// One mark per byte of `text`: 0 free, 1 soft claim, 2 hard claim.
    claims: Vec<u8>,
    /// Hard claims of specs, which an item phrase may span when goods words
    /// follow them ("MacBook Pro 14\" laptops").
    spec_spans: Vec<Range<usize>>,
    spec: SearchSpec,
    steps: Vec<ParseStep>,
    /// The quantity phrase, and whether it may follow the goods ("monitors
    /// x 2", "helmets, 40 pcs") rather than lead them ("20 chairs").
    item_hint: Option<(Range<usize>, bool)>,
}

impl Ctx {
    /// No claim overlaps `r`.
    fn is_free(&self, r: &Range<usize>) -> bool {
        self.claims
            .get(r.clone())
            .is_some_and(|marks| marks.iter().all(|&m| m == 0))
    }

    /// A hard claim overlaps `r`.
    fn is_hard(&self, r: &Range<usize>) -> bool {
        self.claims
            .get(r.clone())
            .is_some_and(|marks| marks.contains(&2))
    }

    fn claim(&mut self, r: Range<usize>, hard: bool) {
        let mark = if hard { 2 } else { 1 };
        if let Some(marks) = self.claims.get_mut(r) {
            for m in marks {
                *m = (*m).max(mark);
            }
        }
    }

    /// The text of `r`, or "" when `r` is not a valid range.
    fn slice(&self, r: &Range<usize>) -> &str {
        self.text.get(r.clone()).unwrap_or("")
    }

    fn step(&mut self, message: impl Into<String>, data: Value) {
        self.steps.push(ParseStep {
            message: message.into(),
            data,
        });
    }

    /// Adds a required spec unless an equal one (name, value, unit) is
    /// already there, and logs the decision.
    fn add_spec(
        &mut self,
        name: &str,
        value: &str,
        unit: Option<&str>,
        comparator: Comparator,
        text: &str,
    ) {
        let dup = self
            .spec
            .required_specs
            .iter()
            .any(|s| s.name == name && s.value == value && s.unit.as_deref() == unit);
        if dup || value.is_empty() {
            return;
        }
        let cmp = comparator_name(comparator);
        let unit_txt = unit.map(|u| format!(" {u}")).unwrap_or_default();
        self.step(
            format!("spec {name} {cmp} {value}{unit_txt} from \"{text}\""),
            json!({ "field": "required_specs", "name": name, "value": value,
                    "unit": unit, "comparator": cmp, "text": text }),
        );
        self.spec.required_specs.push(SpecRequirement {
            name: name.to_string(),
            value: value.to_string(),
            unit: unit.map(str::to_string),
            comparator,
            text: text.to_string(),
        });
    }

    fn finish(self) -> ParsedRequest {
        ParsedRequest {
            spec: self.spec,
            steps: self.steps,
        }
    }
}

fn comparator_name(c: Comparator) -> &'static str {
    match c {
        Comparator::Eq => "eq",
        Comparator::AtLeast => "at_least",
        Comparator::AtMost => "at_most",
    }
}

/// Folds the input into a form the regexes can rely on and caps its length.
/// Returns the text and whether it was cut.
///
/// - `\r` → `\n`; tabs, other control characters and Unicode spaces → ' ';
/// - a no-break or thin space *between two digits* is a thousands separator
///   ("1 500 €") and is dropped;
/// - zero-width characters are dropped;
/// - typographic quotes → `"`/`'`, dashes and minus → `-`.
fn normalise(raw: &str) -> (String, bool) {
    let chars: Vec<char> = raw.chars().take(MAX_INPUT_BYTES + 1).collect();
    let mut out = String::with_capacity(raw.len().min(MAX_INPUT_BYTES));
    let mut truncated = false;
    for (i, &c) in chars.iter().enumerate() {
        let prev_digit = i > 0 && chars.get(i - 1).is_some_and(char::is_ascii_digit);
        let next_digit = chars.get(i + 1).is_some_and(char::is_ascii_digit);
        let mapped = match c {
            '\r' | '\n' => Some('\n'),
            '\u{a0}' | '\u{202f}' | '\u{2009}' | '\u{2007}' if prev_digit && next_digit => None,
            '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}' | '\u{feff}' => None,
            '\u{201c}' | '\u{201d}' | '\u{201e}' | '\u{2033}' | '\u{ab}' | '\u{bb}' => Some('"'),
            '\u{2018}' | '\u{2019}' | '\u{201a}' | '\u{2032}' | '`' | '\u{b4}' => Some('\''),
            '\u{2010}'..='\u{2015}' | '\u{2212}' => Some('-'),
            c if c.is_control() || c.is_whitespace() => Some(' '),
            c => Some(c),
        };
        if let Some(m) = mapped {
            if out.len() + m.len_utf8() > MAX_INPUT_BYTES {
                truncated = true;
                break;
            }
            out.push(m);
        }
    }
    (out, truncated)
}

/// At most the last `n` characters of `s` before byte `end`.
fn before(s: &str, end: usize, n: usize) -> &str {
    let head = s.get(..end).unwrap_or("");
    let start = head
        .char_indices()
        .rev()
        .nth(n.saturating_sub(1))
        .map_or(0, |(i, _)| i);
    head.get(start..).unwrap_or("")
}

/// At most the first `n` characters of `s` from byte `start`.
fn after(s: &str, start: usize, n: usize) -> &str {
    let tail = s.get(start..).unwrap_or("");
    let end = tail.char_indices().nth(n).map_or(tail.len(), |(i, _)| i);
    tail.get(..end).unwrap_or("")
}

/// Compiles a pattern written in this module. The patterns are constants
/// exercised by every test, so a failure here is a programming error.
///
/// Every `\b` becomes the ASCII word boundary `(?-u:\b)`: a Unicode word
/// boundary makes the regex engine leave its DFA for a slow NFA on any
/// non-ASCII text, which made a 4 KB non-ASCII request take milliseconds.
/// All the words the patterns anchor are ASCII; next to a non-ASCII letter
/// the ASCII boundary matches where the Unicode one would not, which the
/// patterns tolerate (they never start or end with a non-ASCII letter).
fn re(pattern: &str) -> Regex {
    match Regex::new(&pattern.replace(r"\b", r"(?-u:\b)")) {
        Ok(r) => r,
        Err(e) => panic!("parser regex does not compile: {e}"),
    }
}

fn word_set(words: &[&'static str]) -> HashSet<&'static str> {
    words.iter().copied().collect()
}

pub(super) use procura_common::text::number_word as small_number_word;

/// Words, numbers and single punctuation characters of `s`, with byte ranges.
/// A number glued to letters ("4K", "16GB", "2.5t") is one word token.
#[derive(Debug, Clone)]
struct Tok {
    r: Range<usize>,
    kind: TokKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TokKind {
    Number,
    Word,
    Punct,
}

static TOKEN: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\d+(?:[.,']\d+)*[\p{L}\p{N}]*(?:['&+-][\p{L}\p{N}]+)*|[\p{L}\p{N}]+(?:['&+-][\p{L}\p{N}]+)*|[^\s\p{L}\p{N}]",
    )
});

fn tokens(s: &str) -> Vec<Tok> {
    TOKEN
        .find_iter(s)
        .map(|m| {
            let t = m.as_str();
            let kind = if t.starts_with(|c: char| c.is_ascii_digit())
                && t.chars().all(|c| c.is_ascii_digit() || ".,'".contains(c))
            {
                TokKind::Number
            } else if t.chars().next().is_some_and(char::is_alphanumeric) {
                TokKind::Word
            } else {
                TokKind::Punct
            };
            Tok { r: m.range(), kind }
        })
        .collect()
}
