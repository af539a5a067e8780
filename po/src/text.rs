//! Cleaning, measuring and wrapping text with one font.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};

use krilla::text::{GlyphId, KrillaGlyph};
use unicode_bidi::ParagraphBidiInfo;

use crate::error::PoError;

/// Measures text exactly as krilla will set it: krilla's `draw_text` shapes
/// with rustybuzz too, with the same automatic direction and script guess.
pub(crate) struct Shaper<'a> {
    face: rustybuzz::Face<'a>,
    units_per_em: f32,
    /// Stands in for characters the font has no glyph for, so the reader sees
    /// that something was there (instead of an invisible `.notdef`).
    replacement: char,
    ellipsis: &'static str,
    plans: RefCell<
        Vec<(
            rustybuzz::Direction,
            rustybuzz::Script,
            rustybuzz::ShapePlan,
        )>,
    >,
    /// Width in font units of each word measured so far.
    widths: RefCell<HashMap<String, f32>>,
}

impl<'a> Shaper<'a> {
    pub(crate) fn new(data: &'a [u8], what: &str) -> Result<Self, PoError> {
        let invalid = || PoError::FontInvalid {
            what: what.to_string(),
        };
        let face = rustybuzz::Face::from_slice(data, 0).ok_or_else(invalid)?;
        let units_per_em = face.units_per_em();
        if units_per_em <= 0 {
            return Err(invalid());
        }
        let mut shaper = Shaper {
            face,
            units_per_em: units_per_em as f32,
            replacement: '?',
            ellipsis: "...",
            plans: RefCell::new(Vec::new()),
            widths: RefCell::new(HashMap::new()),
        };
        if shaper.has_glyph('\u{FFFD}') {
            shaper.replacement = '\u{FFFD}';
        }
        if shaper.has_glyph('…') {
            shaper.ellipsis = "…";
        }
        Ok(shaper)
    }

    fn has_glyph(&self, ch: char) -> bool {
        // Glyph 0 is `.notdef`, which some cmaps map explicitly.
        self.face.glyph_index(ch).is_some_and(|g| g.0 != 0)
    }

    /// Makes untrusted text safe to set on one line: control characters and
    /// bidi overrides go (an RTL override could make "100" read "001"), line
    /// breaks and tabs become single spaces, characters the font lacks become
    /// a replacement mark, and the text is cut at `max_chars` with an
    /// ellipsis so a hostile page cannot produce a hundred-page order.
    pub(crate) fn clean(&self, text: &str, max_chars: usize) -> String {
        let mut out = String::with_capacity(text.len().min(max_chars.saturating_mul(4)));
        let mut kept = 0usize;
        let mut truncated = false;
        let mut after_replacement = false;
        for ch in text.chars() {
            let ch = if is_break_or_tab(ch) {
                ' '
            } else if ch.is_control() || is_bidi_control(ch) {
                continue;
            } else if is_joiner(ch) && !after_replacement && self.has_glyph(ch) {
                // Joiners shape Arabic and Indic text; keep them there.
                ch
            } else if is_default_ignorable(ch) {
                // Invisible anyway; after an emoji the font lacks, variation
                // selectors and joiners would only add clutter or marks.
                continue;
            } else if self.has_glyph(ch) {
                ch
            } else {
                self.replacement
            };
            after_replacement = ch == self.replacement;
            if ch == ' ' && (out.is_empty() || out.ends_with(' ')) {
                continue;
            }
            if kept == max_chars {
                truncated = true;
                break;
            }
            out.push(ch);
            kept += 1;
        }
        out.truncate(out.trim_end().len());
        if truncated {
            out.push_str(self.ellipsis);
        }
        out
    }

    /// "…", or "..." for a font without it.
    pub(crate) fn ellipsis(&self) -> &'static str {
        self.ellipsis
    }

    /// Width of cleaned text in points (layout sums the shaped glyphs instead).
    #[cfg(test)]
    pub(crate) fn width(&self, text: &str, size: f32) -> f32 {
        self.advance_units(text) * size / self.units_per_em
    }

    /// Splits cleaned single-line text into lines no wider than `max_width`
    /// points, at spaces where possible and inside over-long words (URLs, a
    /// 5,000-character "word") where not. Empty text gives no lines.
    pub(crate) fn wrap(&self, text: &str, size: f32, max_width: f32) -> Vec<String> {
        let max_units = max_width * self.units_per_em / size;
        let space = self.advance_units(" ");
        let mut lines = Vec::new();
        let mut current = String::new();
        let mut current_width = 0.0;
        for word in text.split(' ').filter(|w| !w.is_empty()) {
            let width = self.advance_units(word);
            if !current.is_empty() && current_width + space + width <= max_units {
                current.push(' ');
                current.push_str(word);
                current_width += space + width;
                continue;
            }
            if !current.is_empty() {
                lines.push(std::mem::take(&mut current));
            }
            if width <= max_units {
                current.push_str(word);
                current_width = width;
                continue;
            }
            let mut pieces = self.break_word(word, max_units);
            if let Some((last, last_width)) = pieces.pop() {
                lines.extend(pieces.into_iter().map(|(piece, _)| piece));
                current = last;
                current_width = last_width;
            }
        }
        if !current.is_empty() {
            lines.push(current);
        }
        lines
    }

    /// Cuts a word between shaping clusters (never inside a character or a
    /// ligature); each piece holds at least one cluster, so this always ends.
    fn break_word(&self, word: &str, max_units: f32) -> Vec<(String, f32)> {
        let mut pieces = Vec::new();
        let mut start = 0;
        let mut width = 0.0;
        for (pos, advance) in self.cluster_advances(word) {
            if width + advance > max_units && pos > start {
                if let Some(piece) = word.get(start..pos) {
                    pieces.push((piece.to_string(), width));
                }
                start = pos;
                width = 0.0;
            }
            width += advance;
        }
        if let Some(piece) = word.get(start..).filter(|p| !p.is_empty()) {
            pieces.push((piece.to_string(), width));
        }
        pieces
    }

    /// Shapes cleaned text for drawing: the glyphs in visual order with their
    /// advances in em and, for each, the byte range of the text it shows
    /// (which becomes the PDF's text layer, so copy-paste and `pdftotext` get
    /// the words back).
    ///
    /// Mixed-direction text (a Hebrew product name with a Latin model number)
    /// is split into runs by the Unicode bidi algorithm, each run shaped in
    /// its own direction; without that, one direction would come out reversed.
    pub(crate) fn glyphs(&self, text: &str) -> Vec<KrillaGlyph> {
        if text.is_empty() {
            return Vec::new();
        }
        let bidi = ParagraphBidiInfo::new(text, None);
        if !bidi.has_rtl() {
            return self.run_glyphs(text, 0, rustybuzz::Direction::LeftToRight);
        }
        let (levels, runs) = bidi.visual_runs(0..text.len());
        let mut glyphs = Vec::new();
        for run in runs {
            let direction = match levels.get(run.start) {
                Some(level) if level.is_rtl() => rustybuzz::Direction::RightToLeft,
                _ => rustybuzz::Direction::LeftToRight,
            };
            if let Some(part) = text.get(run.clone()) {
                glyphs.extend(self.run_glyphs(part, run.start, direction));
            }
        }
        glyphs
    }

    /// Glyphs of one single-direction run starting at byte `offset` of the
    /// line. Cluster ranges are derived as krilla's own `draw_text` does.
    fn run_glyphs(
        &self,
        text: &str,
        offset: usize,
        direction: rustybuzz::Direction,
    ) -> Vec<KrillaGlyph> {
        let shaped = self.shape(text, Some(direction));
        let infos = shaped.glyph_infos();
        let positions = shaped.glyph_positions();
        let forward = direction == rustybuzz::Direction::LeftToRight;
        let em = |units: i32| units as f32 / self.units_per_em;
        infos
            .iter()
            .zip(positions)
            .enumerate()
            .map(|(i, (info, pos))| {
                let start = info.cluster as usize;
                // The cluster ends where the next cluster in logical order
                // starts: after this glyph's run for left-to-right text,
                // before it for right-to-left text.
                let next = if forward {
                    infos[i..].iter().find(|o| o.cluster != info.cluster)
                } else {
                    infos[..i].iter().rev().find(|o| o.cluster != info.cluster)
                };
                let end = next.map_or(text.len(), |o| o.cluster as usize).max(start);
                KrillaGlyph::new(
                    GlyphId::new(info.glyph_id),
                    em(pos.x_advance),
                    em(pos.x_offset),
                    em(pos.y_offset),
                    em(pos.y_advance),
                    offset + start..offset + end,
                    None,
                )
            })
            .collect()
    }

    /// Shapes in `direction`, or in the one guessed from the script.
    fn shape(&self, text: &str, direction: Option<rustybuzz::Direction>) -> rustybuzz::GlyphBuffer {
        let mut buffer = rustybuzz::UnicodeBuffer::new();
        buffer.push_str(text);
        if let Some(direction) = direction {
            buffer.set_direction(direction);
        }
        buffer.guess_segment_properties();
        let direction = buffer.direction();
        let script = buffer.script();
        // `rustybuzz::shape` compiles a shape plan on every call, which is
        // most of the cost of shaping a short string; an order has a handful
        // of (direction, script) pairs, so the plans are kept.
        let mut plans = self.plans.borrow_mut();
        let index = match plans
            .iter()
            .position(|(d, s, _)| *d == direction && *s == script)
        {
            Some(index) => index,
            None => {
                let plan_script = (script != rustybuzz::script::UNKNOWN).then_some(script);
                let plan = rustybuzz::ShapePlan::new(&self.face, direction, plan_script, None, &[]);
                plans.push((direction, script, plan));
                plans.len() - 1
            }
        };
        rustybuzz::shape_with_plan(&self.face, &plans[index].2, buffer)
    }

    fn advance_units(&self, text: &str) -> f32 {
        if text.is_empty() {
            return 0.0;
        }
        // Orders repeat words ("EUR", "Item", SKUs' prefixes); wrapping
        // measures every word, so widths are remembered for this render.
        if let Some(width) = self.widths.borrow().get(text) {
            return *width;
        }
        let shaped = self.shape(text, None);
        let width = shaped
            .glyph_positions()
            .iter()
            .map(|p| p.x_advance as f32)
            .sum();
        self.widths.borrow_mut().insert(text.to_string(), width);
        width
    }

    /// Advance per cluster, keyed and ordered by the cluster's byte offset
    /// (right-to-left runs come out of the shaper in visual order).
    fn cluster_advances(&self, text: &str) -> BTreeMap<usize, f32> {
        let shaped = self.shape(text, None);
        let mut clusters = BTreeMap::new();
        for (info, pos) in shaped.glyph_infos().iter().zip(shaped.glyph_positions()) {
            *clusters.entry(info.cluster as usize).or_insert(0.0) += pos.x_advance as f32;
        }
        clusters
    }
}

fn is_break_or_tab(ch: char) -> bool {
    matches!(
        ch,
        '\t' | '\n' | '\r' | '\u{0B}' | '\u{0C}' | '\u{85}' | '\u{2028}' | '\u{2029}'
    )
}

/// Zero-width non-joiner and joiner.
fn is_joiner(ch: char) -> bool {
    matches!(ch, '\u{200C}' | '\u{200D}')
}

/// Marks, embeddings, overrides and isolates that reorder text.
fn is_bidi_control(ch: char) -> bool {
    matches!(
        ch,
        '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
    )
}

/// Unicode's Default_Ignorable_Code_Point: invisible when a font lacks them.
fn is_default_ignorable(ch: char) -> bool {
    matches!(
        ch,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{115F}'..='\u{1160}'
            | '\u{17B4}'..='\u{17B5}'
            | '\u{180B}'..='\u{180F}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}'
            | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{FFA0}'
            | '\u{FFF0}'..='\u{FFF8}'
            | '\u{1BCA0}'..='\u{1BCA3}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0000}'..='\u{E0FFF}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::font::DEJAVU_SANS;

    fn font_data() -> Vec<u8> {
        std::fs::read(DEJAVU_SANS)
            .unwrap_or_else(|e| panic!("{DEJAVU_SANS}: {e}: apt-get install -y fonts-dejavu-core"))
    }

    #[test]
    fn clean_strips_controls_and_bidi_overrides() {
        let data = font_data();
        let s = Shaper::new(&data, "DejaVu").unwrap();
        assert_eq!(s.clean("a\u{7}b\u{1b}[0m c", 100), "ab[0m c");
        assert_eq!(
            s.clean("\u{202E}evil\u{202C} \u{2066}x\u{2069}", 100),
            "evil x"
        );
        assert_eq!(
            s.clean("  two\n\nlines\tand\r\ntabs  ", 100),
            "two lines and tabs"
        );
    }

    #[test]
    fn clean_replaces_missing_glyphs_and_drops_invisible_ones() {
        let data = font_data();
        let s = Shaper::new(&data, "DejaVu").unwrap();
        // DejaVu Sans has no emoji; the variation selector and ZWJ vanish.
        assert_eq!(
            s.clean("box 📦\u{FE0F} 👩\u{200D}💻", 100),
            "box \u{FFFD} \u{FFFD}\u{FFFD}"
        );
        assert_eq!(s.clean("Größe 10 µm – 5 €", 100), "Größe 10 µm – 5 €");
        assert_eq!(s.clean("soft\u{AD}hyphen\u{200B}", 100), "softhyphen");
        assert_eq!(s.clean("می\u{200C}خواهم", 100), "می\u{200C}خواهم");
    }

    #[test]
    fn clean_truncates_with_ellipsis() {
        let data = font_data();
        let s = Shaper::new(&data, "DejaVu").unwrap();
        assert_eq!(s.clean("abcdef", 3), "abc…");
        assert_eq!(s.clean("abc", 3), "abc");
        assert_eq!(s.clean("ab   cd", 3), "ab…");
    }

    #[test]
    fn width_scales_with_size_and_length() {
        let data = font_data();
        let s = Shaper::new(&data, "DejaVu").unwrap();
        let w10 = s.width("Purchase order", 10.0);
        assert!(w10 > 50.0 && w10 < 100.0, "{w10}");
        assert!((s.width("Purchase order", 20.0) - 2.0 * w10).abs() < 0.01);
        assert_eq!(s.width("", 10.0), 0.0);
    }

    /// The glyphs' text ranges, deduplicated (a ligature's glyphs share one)
    /// and sorted, must tile the text exactly: that is the PDF's text layer.
    fn assert_ranges_tile(glyphs: &[KrillaGlyph], text: &str) {
        let mut ranges: Vec<_> = glyphs.iter().map(|g| g.text_range.clone()).collect();
        ranges.sort_by_key(|r| (r.start, r.end));
        ranges.dedup();
        let mut at = 0;
        for range in &ranges {
            assert_eq!(range.start, at, "gap or overlap in {ranges:?}");
            at = range.end;
        }
        assert_eq!(at, text.len(), "{ranges:?}");
    }

    #[test]
    fn glyphs_map_back_to_text() {
        let data = font_data();
        let s = Shaper::new(&data, "DejaVu").unwrap();
        let text = "office fit 1,234.50 EUR Größe";
        let glyphs = s.glyphs(text);
        assert_ranges_tile(&glyphs, text);
        let starts: Vec<_> = glyphs.iter().map(|g| g.text_range.start).collect();
        assert!(starts.windows(2).all(|w| w[0] <= w[1]), "{starts:?}");
        let width: f32 = glyphs.iter().map(|g| g.x_advance).sum::<f32>() * 9.0;
        assert!((width - s.width(text, 9.0)).abs() < 0.01);
    }

    #[test]
    fn glyphs_follow_bidi_visual_order() {
        let data = font_data();
        let s = Shaper::new(&data, "DejaVu").unwrap();
        let text = "Size 10 שלום עולם";
        let glyphs = s.glyphs(text);
        assert_ranges_tile(&glyphs, text);
        let hebrew = text.find('ש').unwrap();
        let starts: Vec<_> = glyphs.iter().map(|g| g.text_range.start).collect();
        let (latin, rtl) = starts.split_at(starts.iter().position(|&p| p >= hebrew).unwrap());
        // Latin left to right, then the Hebrew words drawn right to left.
        assert!(latin.windows(2).all(|w| w[0] < w[1]), "{starts:?}");
        assert!(rtl.windows(2).all(|w| w[0] > w[1]), "{starts:?}");
        assert!(rtl.iter().all(|&p| p >= hebrew), "{starts:?}");
    }

    #[test]
    fn wrap_keeps_lines_within_width_and_words_intact() {
        let data = font_data();
        let s = Shaper::new(&data, "DejaVu").unwrap();
        let text = "The quick brown fox jumps over the lazy dog ".repeat(5);
        let text = s.clean(&text, 1000);
        let lines = s.wrap(&text, 9.0, 120.0);
        assert!(lines.len() > 3, "{lines:?}");
        for line in &lines {
            assert!(s.width(line, 9.0) <= 120.5, "{line:?} too wide");
        }
        assert_eq!(lines.join(" "), text);
    }

    #[test]
    fn wrap_breaks_overlong_words() {
        let data = font_data();
        let s = Shaper::new(&data, "DejaVu").unwrap();
        let word = "W".repeat(5000);
        let lines = s.wrap(&format!("short {word} tail"), 9.0, 150.0);
        assert!(lines.len() > 100, "{}", lines.len());
        assert_eq!(lines[0], "short");
        for line in &lines {
            assert!(s.width(line, 9.0) <= 150.5, "{line:?} too wide");
        }
        assert_eq!(lines.concat().matches('W').count(), 5000);
        assert!(lines.last().unwrap().ends_with(" tail"));
        // A single glyph wider than the column still makes progress.
        assert_eq!(s.wrap("WW", 30.0, 1.0), vec!["W", "W"]);
        assert!(s.wrap("", 9.0, 100.0).is_empty());
    }
}
