//! Required specs: properties the goods must have, each with the words it
//! came from.
//!
//! Decisions:
//! - Names: ram, storage, capacity, screen_size (size when nothing on screen),
//!   resolution, refresh_rate, cpu, connectivity, weight, weight_capacity,
//!   dimensions, paper_weight, paper_size, warranty, size, safety_class,
//!   color, feature.
//! - Units are normalised: "GB"/"TB"/"MB" (GiB is read as GB), "in" for
//!   inches, "Hz", "kg"/"lb"/"t", "gsm", "year"/"month"; decimal commas in
//!   values become dots ("15,6 Zoll" → "15.6").
//! - A bare memory size is storage when it is in TB or at least 128 GB; below
//!   that it is ram when a computer is mentioned, else capacity.
//! - Weights next to a load word ("up to 150 kg", "150 kg capacity",
//!   "supports 300 lbs") are `weight_capacity` with `AtLeast`: the item must
//!   hold at least that much. Other weights are `weight`, compared by the
//!   words around them ("under 2 kg" → AtMost).
//! - Comparators: "at least", "min", "minimum", "or more", "+", ">=" →
//!   AtLeast; "up to", "max", "at most", "or less", "under", "<=" → AtMost;
//!   otherwise Eq. Warranties are always AtLeast.
//! - Word-like specs (wireless, USB-C, 4K, mesh back, A4, S3, …) are soft
//!   claims: they stay in the item phrase and keywords ("wireless
//!   headsets"). Numeric specs and colours ("in black") are hard claims.
//! - "with …" clauses give one `feature` per "and"-separated piece that is
//!   not already a spec ("with cup holder and a footrest"); a piece made
//!   only of words already read as specs ("with mesh back") adds nothing.
//! - Storage ("2TB NVMe SSD") is a soft claim unless a computer is being
//!   bought: the drive may be the goods.
//! - "without …" is logged and ignored: a negative requirement has no field.

use super::item::{BOUNDARY, FILLER};
use super::*;

const CMP: &str =
    r"(?:(?P<cmp>at\s+least|min(?:imum)?\.?|max(?:imum)?\.?|up\s+to|at\s+most|>=|≥|<=|≤)\s*)?";
const COLOR: &str = r"(?:(?:matte?|dark|light|navy|space|jet|pure)\s+)?(?:black|white|grey|gray|silver|red|blue|green|yellow|orange|pink|purple|brown|beige|navy|gold|graphite|charcoal|anthracite|oak|walnut|natural|cream)";

static DIMS: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r#"(?i)\b(?P<a>\d{2,4}(?:[.,]\d)?)(?:\s[x×*]\s|[x×*])(?P<b>\d{2,4}(?:[.,]\d)?)(?:(?:\s[x×*]\s|[x×*])(?P<c>\d{2,4}(?:[.,]\d)?))?(?:\s?(?P<u>mm|cm|m|inch(?:es)?|in|ft)\b|(?P<q>"))?"#,
    )
});
static RAM_A: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?P<v>\d{1,4})\s?(?P<u>[gmt]i?b)(?P<plus>\+)?\s*(?:of\s+)?(?:(?:lp)?ddr\d\w*\s+)?(?:ram|memory)\b",
    )
});
static RAM_B: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?i)\b(?:ram|memory)\s*[:=]?\s*(?:of\s+)?{CMP}(?P<v>\d{{1,4}})\s?(?P<u>[gmt]i?b)\b(?P<plus>\+)?"
    ))
});
static STORAGE_A: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?P<v>\d{1,4}(?:[.,]\d)?)\s?(?P<u>[gt]i?b)(?P<plus>\+)?\s*(?:of\s+)?(?:(?:nvme|m\.2|sata|pcie|ssd)\s+)*(?:ssd|hdd|nvme|storage|disk|drive|flash|emmc|hard\s+drive)s?\b",
    )
});
static STORAGE_B: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?i)\b(?:ssd|hdd|storage|disk|drive)\s*[:=]?\s*(?:of\s+)?{CMP}(?P<v>\d{{1,4}}(?:[.,]\d)?)\s?(?P<u>[gt]i?b)\b(?P<plus>\+)?"
    ))
});
static CAPACITY: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)\b(?P<v>\d{1,4}(?:[.,]\d)?)\s?(?P<u>[kmgt]i?b)\b(?P<plus>\+)?"));
static SCREEN: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r#"(?i)(?:\b(?:screen|display)(?:\s+size)?\s*[:=]?\s*)?\b(?P<v>\d{1,3}(?:/\d{1,2}|[.,]\d{1,2})?)(?:\s?-?\s?(?:inch(?:es)?|zoll)\b|in\b|\s?(?:"|''))"#,
    )
});
static RES_WORD: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:(?P<k>[458])k|(?P<uhd>uhd|ultra\s+hd|2160p)|(?P<qhd>w?qhd|1440p)|(?P<fhd>fhd|full\s*hd|1080p))\b",
    )
});
static REFRESH: LazyLock<Regex> = LazyLock::new(|| re(r"(?i)\b(?P<v>\d{2,3})\s?hz\b(?P<plus>\+)?"));
static CPU: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:intel\s+)?(?:core\s+)?(?P<v>i[3579])(?:-(?P<m>\d{4,5}[a-z]{0,2}))?\b|\b(?:amd\s+)?(?P<r>ryzen\s+[3579])(?:\s+(?P<rm>\d{4}[a-z]{0,2}))?\b",
    )
});
static WEIGHT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?P<v>\d{1,5}(?:[.,]\d{1,2})?)(?:\s?(?P<u>kg|kgs|kilos?|kilograms?|lbs?|pounds?|tons?|tonnes?|grams?)\b|(?P<t>t)\b)",
    )
});
static LOAD_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:capacity|load|holds?|support(?:s|ing)?|rated(?:\s+for)?|bearing|carry(?:ing)?|lift(?:ing|s)?|up\s+to|payload)\b[^.,;\d]{0,15}$",
    )
});
static LOAD_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^\s*(?:max(?:imum)?\s+)?(?:load\s+)?(?:capacity|load|payload|weight\s+capacity|rated|lift(?:ing)?\s+capacity)\b",
    )
});
static PAPER_W: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?i)\b(?P<v>\d{2,3})\s?(?:(?P<gsm>gsm\b|g/m²|g/m2\b|g/sqm\b|gr/m2\b)|g\b)")
});
static PAPER_SIZE: LazyLock<Regex> = LazyLock::new(|| re(r"(?i)\b(?P<v>a[3-5])\b"));
static WARRANTY: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?i)\b(?P<v>\d{{1,2}}|one|two|three|four|five)[\s-]?(?P<u>years?|yrs?|months?)(?:'s?)?\s+(?:of\s+)?(?:manufacturer'?s?\s+)?warranty\b|\bwarranty\s*(?:of\s*)?[:=]?\s*{CMP}(?P<v2>\d{{1,2}})[\s-]?(?P<u2>years?|yrs?|months?)\b"
    ))
});
static SIZE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\bsizes?\s*[:=]?\s*(?:(?:eu|uk|us)\s*)?(?P<v>\d{1,2}(?:[.,]5)?(?:\s?(?:-|to)\s?\d{1,2}(?:[.,]5)?)?|(?:xxs|xs|s|m|l|xl|xxl|xxxl|[2-5]xl)(?:/(?:xxs|xs|s|m|l|xl|xxl|xxxl|[2-5]xl))*)\b",
    )
});
static CONNECT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?P<v>usb[\s-]?type[\s-]?c|usb[\s-]?c|type[\s-]c|usb[\s-]?a|usb\s?[234](?:\.\d)?|thunderbolt(?:\s?[345])?|hdmi(?:\s?2\.[01])?|displayport|bluetooth(?:\s?\d(?:\.\d)?)?|wi-?fi(?:\s?[67]e?)?|ethernet|wireless|wired)\b",
    )
});
static COLOUR: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?i)\bin\s+(?P<c1>{COLOR})\b|\b(?P<c2>{COLOR})[\s-]colou?r(?:ed)?\b|\bcolou?rs?\s*[:=]?\s*(?P<c3>{COLOR})\b"
    ))
});
static SAFETY_CLASS: LazyLock<Regex> = LazyLock::new(|| re(r"(?i)\b(?P<v>s[1-5]p?|sb)\b"));

/// Soft features: (pattern, normalised value).
static FEATURES: LazyLock<Vec<(Regex, &'static str)>> = LazyLock::new(|| {
    [
        (r"mesh[\s-]?back", "mesh back"),
        (r"lumbar[\s-]support", "lumbar support"),
        (
            r"(?:adjustable|adj\.)\s+arm[\s-]?rests?|adjustable\s+arms",
            "adjustable armrests",
        ),
        (r"head[\s-]?rests?", "headrest"),
        (
            r"height[\s-]adjustable|adjustable[\s-]height|sit[\s-](?:to[\s-])?stand",
            "height adjustable",
        ),
        (
            r"(?:active\s+)?noise[\s-]cancel(?:l)?(?:ing|ation)|anc",
            "noise cancelling",
        ),
        (r"steel[\s-]?toe(?:d|[\s-]?caps?)?", "steel toe"),
        (r"composite[\s-]toe(?:d|[\s-]?caps?)?", "composite toe"),
        (r"water[\s-]?proof", "waterproof"),
        (r"water[\s-]resistant", "water resistant"),
        (
            r"slip[\s-]resistant|anti[\s-]slip|non[\s-]slip",
            "slip resistant",
        ),
        (r"back[\s-]?lit|backlight", "backlit"),
        (r"touch[\s-]?screen", "touchscreen"),
        (r"ips(?:\s+panel)?", "ips panel"),
        (r"anti[\s-]glare", "anti-glare"),
        (r"vesa(?:\s+mount(?:able)?|\s+compatible)?", "vesa mount"),
        (r"fsc[\s-]certified", "fsc certified"),
        (r"fair[\s-]?trade", "fairtrade"),
        (r"organic", "organic"),
        (r"decaf(?:feinated)?", "decaf"),
        (r"recycled", "recycled"),
    ]
    .into_iter()
    .map(|(p, v)| (re(&format!(r"(?i)\b(?:{p})\b")), v))
    .collect()
});

static WITH: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?P<neg>without|w/o)\s+|\b(?:with|w/|featuring|equipped\s+with|having|must\s+have|incl\.?|including)\s+",
    )
});

static CMP_LEAST_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)(?:\bat\s+least|\bmin(?:imum)?\.?(?:\s+of)?|\bno\s+less\s+than|\bnot\s+less\s+than|>=|≥|\bmore\s+than|\bover|\babove)\s*[:=]?\s*$",
    )
});
static CMP_MOST_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)(?:\bup\s+to|\bat\s+most|\bmax(?:imum)?\.?(?:\s+of)?|\bno\s+more\s+than|\bnot\s+more\s+than|<=|≤|\bunder|\bbelow|\bless\s+than|\bsmaller\s+than|\blighter\s+than)\s*[:=]?\s*$",
    )
});
static CMP_LEAST_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^\s*(?:\+|or\s+(?:more|higher|above|better|larger|bigger|greater|faster)\b|minimum\b|min\b\.?|at\s+least\b)",
    )
});
static CMP_MOST_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?i)^\s*(?:or\s+(?:less|lower|smaller|below|lighter)\b|max(?:imum)?\b\.?|at\s+most\b)")
});

static SCREEN_CTX: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:monitors?|screens?|displays?|tvs?|televisions?|laptops?|notebooks?|tablets?|ipads?|macbooks?|imacs?|all-in-ones?|projectors?|chromebooks?)\b",
    )
});
static COMPUTER_CTX: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:laptops?|notebooks?|desktops?|pcs?|computers?|workstations?|macbooks?|servers?|thinkpads?|ultrabooks?|chromebooks?|ram|memory)\b",
    )
});
static PAPER_CTX: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?i)\b(?:paper|sheets?|reams?|envelopes?|copier|printer|printing|cardstock)\b")
});
static FOOTWEAR_CTX: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)\b(?:boots?|shoes?|footwear|safety|trainers|sneakers|clogs)\b"));

/// Reads every spec form, in an order where the longer forms go first
/// ("16GB RAM" before a bare "16GB").
pub(super) fn extract(cx: &mut Ctx) {
    let text = cx.text.clone();
    let screen = SCREEN_CTX.is_match(&text);
    let computer = COMPUTER_CTX.is_match(&text);
    let paper = PAPER_CTX.is_match(&text);
    let footwear = FOOTWEAR_CTX.is_match(&text);

    for c in DIMS.captures_iter(&text) {
        let Some(mut span) = free(cx, &c) else {
            continue;
        };
        let (a, b) = (value(&c, "a"), value(&c, "b"));
        let unit = c
            .name("u")
            .map(|u| unit_norm(u.as_str()))
            .or(c.name("q").map(|_| "in"));
        let mut v = format!("{a}x{b}");
        if let Some(third) = c.name("c") {
            v.push('x');
            v.push_str(&third.as_str().replace(',', "."));
        }
        let res_word = after(&text, span.end, 14).to_lowercase();
        let is_res = unit.is_none()
            && c.name("c").is_none()
            && (known_resolution(&a, &b)
                || res_word.trim_start().starts_with("px")
                || res_word.contains("pixel"));
        let cmp = comparator(&text, &mut span, None);
        let name = if is_res { "resolution" } else { "dimensions" };
        finish(cx, span, name, &v, unit, cmp, true);
    }
    for rx in [&*RAM_A, &*RAM_B] {
        for c in rx.captures_iter(&text) {
            let Some(mut span) = free(cx, &c) else {
                continue;
            };
            let cmp = comparator(&text, &mut span, Some(&c));
            finish(
                cx,
                span,
                "ram",
                &value(&c, "v"),
                Some(&mem_unit(&c)),
                cmp,
                true,
            );
        }
    }
    // "2TB NVMe SSDs" may be the goods themselves: soft unless a computer
    // is what is being bought.
    for rx in [&*STORAGE_A, &*STORAGE_B] {
        for c in rx.captures_iter(&text) {
            let Some(mut span) = free(cx, &c) else {
                continue;
            };
            let cmp = comparator(&text, &mut span, Some(&c));
            finish(
                cx,
                span,
                "storage",
                &value(&c, "v"),
                Some(&mem_unit(&c)),
                cmp,
                computer,
            );
        }
    }
    for c in CAPACITY.captures_iter(&text) {
        let Some(mut span) = free(cx, &c) else {
            continue;
        };
        let (v, unit) = (value(&c, "v"), mem_unit(&c));
        let gb: f64 = v.parse().unwrap_or(0.0);
        let name = match unit.as_str() {
            "TB" => "storage",
            "GB" if gb >= 128.0 => "storage",
            "GB" if computer => "ram",
            _ => "capacity",
        };
        let cmp = comparator(&text, &mut span, Some(&c));
        finish(cx, span, name, &v, Some(&unit), cmp, true);
    }
    for c in SCREEN.captures_iter(&text) {
        let Some(mut span) = free(cx, &c) else {
            continue;
        };
        let cmp = comparator(&text, &mut span, None);
        let name = if screen { "screen_size" } else { "size" };
        finish(cx, span, name, &value(&c, "v"), Some("in"), cmp, true);
    }
    for c in RES_WORD.captures_iter(&text) {
        let Some(mut span) = free(cx, &c) else {
            continue;
        };
        let next = after(&text, span.end, 12).trim_start().to_lowercase();
        if ["budget", "total", "spend", "eur", "usd", "gbp"]
            .iter()
            .any(|w| next.starts_with(w))
        {
            continue;
        }
        let v = if let Some(k) = c.name("k") {
            match k.as_str() {
                "4" => "3840x2160",
                "5" => "5120x2880",
                _ => "7680x4320",
            }
        } else if c.name("uhd").is_some() {
            "3840x2160"
        } else if c.name("qhd").is_some() {
            "2560x1440"
        } else {
            "1920x1080"
        };
        let cmp = comparator(&text, &mut span, None);
        finish(cx, span, "resolution", v, None, cmp, false);
    }
    for c in REFRESH.captures_iter(&text) {
        let Some(mut span) = free(cx, &c) else {
            continue;
        };
        let cmp = comparator(&text, &mut span, Some(&c));
        finish(
            cx,
            span,
            "refresh_rate",
            &value(&c, "v"),
            Some("Hz"),
            cmp,
            true,
        );
    }
    for c in CPU.captures_iter(&text) {
        let Some(mut span) = free(cx, &c) else {
            continue;
        };
        let (base, model) = match (c.name("v"), c.name("r")) {
            (Some(v), _) => (v.as_str().to_lowercase(), c.name("m")),
            (None, Some(r)) => (
                r.as_str()
                    .to_lowercase()
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" "),
                c.name("rm"),
            ),
            (None, None) => continue,
        };
        let sep = if base.starts_with('i') { "-" } else { " " };
        let v = match model {
            Some(m) => format!("{base}{sep}{}", m.as_str().to_lowercase()),
            None => base,
        };
        let cmp = comparator(&text, &mut span, None);
        finish(cx, span, "cpu", &v, None, cmp, true);
    }
    for c in WEIGHT.captures_iter(&text) {
        let Some(mut span) = free(cx, &c) else {
            continue;
        };
        let unit = c.name("u").map_or("t", |u| unit_norm(u.as_str()));
        let load_before = LOAD_BEFORE.find(before(&text, span.start, 30));
        let load_after = LOAD_AFTER.find(after(&text, span.end, 30));
        let v = value(&c, "v");
        if load_before.is_some() || load_after.is_some() {
            if let Some(m) = load_before {
                span.start -= m.as_str().len();
            }
            if let Some(m) = load_after {
                span.end += m.end();
            }
            finish(
                cx,
                span,
                "weight_capacity",
                &v,
                Some(unit),
                Comparator::AtLeast,
                true,
            );
        } else {
            let cmp = comparator(&text, &mut span, None);
            finish(cx, span, "weight", &v, Some(unit), cmp, true);
        }
    }
    for c in PAPER_W.captures_iter(&text) {
        let Some(mut span) = free(cx, &c) else {
            continue;
        };
        if c.name("gsm").is_none() && !paper {
            continue;
        }
        let cmp = comparator(&text, &mut span, None);
        finish(
            cx,
            span,
            "paper_weight",
            &value(&c, "v"),
            Some("gsm"),
            cmp,
            true,
        );
    }
    if paper {
        for c in PAPER_SIZE.captures_iter(&text) {
            let Some(span) = free(cx, &c) else { continue };
            finish(
                cx,
                span,
                "paper_size",
                &value(&c, "v").to_uppercase(),
                None,
                Comparator::Eq,
                false,
            );
        }
    }
    for c in WARRANTY.captures_iter(&text) {
        let Some(span) = free(cx, &c) else { continue };
        let n = c
            .name("v")
            .or(c.name("v2"))
            .map_or(String::new(), |m| m.as_str().to_lowercase());
        let n = small_number_word(&n).map_or(n, |k| k.to_string());
        let u = c
            .name("u")
            .or(c.name("u2"))
            .map_or("", |m| m.as_str())
            .to_lowercase();
        let unit = if u.starts_with('m') { "month" } else { "year" };
        finish(
            cx,
            span,
            "warranty",
            &n,
            Some(unit),
            Comparator::AtLeast,
            true,
        );
    }
    for c in SIZE.captures_iter(&text) {
        let Some(span) = free(cx, &c) else { continue };
        let v = value(&c, "v")
            .to_uppercase()
            .replace(' ', "")
            .replace("TO", "-");
        finish(cx, span, "size", &v, None, Comparator::Eq, true);
    }
    for c in CONNECT.captures_iter(&text) {
        let Some(span) = free(cx, &c) else { continue };
        let raw = value(&c, "v").to_lowercase();
        let v = if (raw.starts_with("usb") && raw.ends_with('c')) || raw.starts_with("type") {
            "usb-c".to_string()
        } else if raw.starts_with("usb") && raw.ends_with('a') {
            "usb-a".to_string()
        } else if raw.starts_with("wi") && raw != "wireless" && raw != "wired" {
            raw.replace("wifi", "wi-fi")
        } else {
            raw.split_whitespace().collect::<Vec<_>>().join(" ")
        };
        finish(cx, span, "connectivity", &v, None, Comparator::Eq, false);
    }
    for c in COLOUR.captures_iter(&text) {
        let Some(span) = free(cx, &c) else { continue };
        let v = c
            .name("c1")
            .or(c.name("c2"))
            .or(c.name("c3"))
            .map_or("", |m| m.as_str());
        let v = v
            .to_lowercase()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        finish(cx, span, "color", &v, None, Comparator::Eq, true);
    }
    if footwear {
        for c in SAFETY_CLASS.captures_iter(&text) {
            let Some(span) = free(cx, &c) else { continue };
            finish(
                cx,
                span,
                "safety_class",
                &value(&c, "v").to_uppercase(),
                None,
                Comparator::Eq,
                false,
            );
        }
    }
    for (rx, v) in FEATURES.iter() {
        for m in rx.find_iter(&text) {
            let span = m.range();
            if cx.is_free(&span) {
                finish(cx, span, "feature", v, None, Comparator::Eq, false);
            }
        }
    }
}

/// "with …" and "without …" clauses, after the quantity is read (so "with
/// 2 monitors" cannot eat a quantity before it is seen).
pub(super) fn extract_with_clauses(cx: &mut Ctx) {
    let text = cx.text.clone();
    let toks = tokens(&text);
    for c in WITH.captures_iter(&text) {
        let Some(m) = c.get(0) else { continue };
        if !cx.is_free(&m.range()) {
            continue;
        }
        let negative = c.name("neg").is_some();
        let mut end = m.end();
        // Each piece: its token ranges and whether any of them is unclaimed.
        let mut pieces: Vec<(Vec<Range<usize>>, bool)> = vec![(Vec::new(), false)];
        for t in toks.iter().filter(|t| t.r.start >= m.end()).take(14) {
            let w = text.get(t.r.clone()).unwrap_or("");
            let lw = w.to_lowercase();
            if t.kind == TokKind::Punct && !"&/+-".contains(w) || BOUNDARY.contains(lw.as_str()) {
                break;
            }
            end = t.r.end;
            if cx.is_hard(&t.r)
                || t.kind == TokKind::Punct
                || ["and", "or", "plus"].contains(&lw.as_str())
            {
                pieces.push((Vec::new(), false));
            } else if let Some((p, any_free)) = pieces.last_mut() {
                p.push(t.r.clone());
                *any_free |= cx.is_free(&t.r);
            }
        }
        let span = m.start()..end;
        let clause = cx.slice(&span).trim().to_string();
        cx.claim(span, true);
        let values: Vec<String> = pieces
            .iter()
            .filter(|(_, any_free)| *any_free)
            .map(|(p, _)| {
                p.iter()
                    .filter_map(|r| text.get(r.clone()))
                    .map(str::to_lowercase)
                    .skip_while(|w| FILLER.contains(w.as_str()))
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .filter(|v| !v.is_empty())
            .collect();
        if negative {
            cx.step(
                format!("\"{clause}\": a negative requirement cannot be expressed; ignored"),
                json!({ "field": "required_specs", "skipped": true, "reason": "negative requirement", "text": clause }),
            );
            continue;
        }
        for v in values {
            cx.add_spec("feature", &v, None, Comparator::Eq, &clause);
        }
    }
}

fn free(cx: &Ctx, c: &regex::Captures<'_>) -> Option<Range<usize>> {
    let r = c.get(0)?.range();
    cx.is_free(&r).then_some(r)
}

/// A captured number with its decimal comma made a dot.
fn value(c: &regex::Captures<'_>, name: &str) -> String {
    c.name(name)
        .map_or(String::new(), |m| m.as_str().trim().replace(',', "."))
}

fn mem_unit(c: &regex::Captures<'_>) -> String {
    let u = c
        .name("u")
        .map_or(String::new(), |m| m.as_str().to_uppercase());
    format!("{}B", u.chars().next().unwrap_or('G'))
}

fn unit_norm(u: &str) -> &'static str {
    let u = u.to_lowercase();
    match u.as_str() {
        "mm" => "mm",
        "cm" => "cm",
        "m" => "m",
        "ft" => "ft",
        "in" | "inch" | "inches" => "in",
        _ if u.starts_with('k') => "kg",
        _ if u.starts_with('l') || u.starts_with('p') => "lb",
        _ if u.starts_with('t') => "t",
        _ => "g",
    }
}

fn known_resolution(a: &str, b: &str) -> bool {
    #[rustfmt::skip]
    const KNOWN: &[(&str, &str)] = &[
        ("1280", "720"), ("1366", "768"), ("1440", "900"), ("1600", "900"), ("1680", "1050"),
        ("1920", "1080"), ("1920", "1200"), ("2560", "1080"), ("2560", "1440"), ("2560", "1600"),
        ("2880", "1800"), ("3440", "1440"), ("3840", "1600"), ("3840", "2160"), ("5120", "1440"),
        ("5120", "2880"), ("7680", "4320"),
    ];
    KNOWN.contains(&(a, b))
}

/// The comparator of a spec, from a "cmp" capture inside it, a "+" right
/// after it, or the words around it; the span grows to cover those words.
fn comparator(text: &str, span: &mut Range<usize>, c: Option<&regex::Captures<'_>>) -> Comparator {
    if let Some(c) = c {
        if let Some(m) = c.name("cmp") {
            let w = m.as_str().to_lowercase();
            let most = w.starts_with("max")
                || w.starts_with("up")
                || w.contains("most")
                || w.starts_with('<')
                || w.starts_with('≤');
            return if most {
                Comparator::AtMost
            } else {
                Comparator::AtLeast
            };
        }
        if c.name("plus").is_some() {
            return Comparator::AtLeast;
        }
    }
    let head = before(text, span.start, 25);
    let tail = after(text, span.end, 20);
    if let Some(m) = CMP_LEAST_AFTER.find(tail) {
        span.end += m.end();
        Comparator::AtLeast
    } else if let Some(m) = CMP_MOST_AFTER.find(tail) {
        span.end += m.end();
        Comparator::AtMost
    } else if let Some(m) = CMP_LEAST_BEFORE.find(head) {
        span.start -= m.as_str().len();
        Comparator::AtLeast
    } else if let Some(m) = CMP_MOST_BEFORE.find(head) {
        span.start -= m.as_str().len();
        Comparator::AtMost
    } else {
        Comparator::Eq
    }
}

fn finish(
    cx: &mut Ctx,
    span: Range<usize>,
    name: &str,
    v: &str,
    unit: Option<&str>,
    cmp: Comparator,
    hard: bool,
) {
    let t = cx.slice(&span).trim().to_string();
    if hard {
        cx.spec_spans.push(span.clone());
    }
    cx.claim(span, hard);
    cx.add_spec(name, v, unit, cmp, &t);
}
