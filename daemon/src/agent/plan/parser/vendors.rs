//! Preferred and excluded vendors.
//!
//! Decisions:
//! - Exclusions are read first ("not from Amazon", "exclude Wish", "avoid
//!   eBay", "except Walmart", "no Temu"), so "not from X" is never also a
//!   preference.
//! - Strong triggers ("from", "prefer", "preferably from", "exclude",
//!   "avoid", "except", …) take a known vendor or any Capitalised name of up
//!   to three words ("from Acme Supplies"). Weak triggers ("no", "not",
//!   "at", "on", "X only") take known vendors only, so "no more than" or
//!   "on Friday" are never vendors.
//! - Names are lists: "from Amazon or Staples", "exclude Wish, Temu and
//!   AliExpress". Days, months, currencies, tech acronyms and places
//!   ("not from China") are never vendor names.
//! - Names are kept as written; a vendor both preferred and excluded is
//!   excluded only.

use super::*;

const KNOWN: &str = r"amazon\s+business|amazon|staples|office\s+depot|officemax|ikea|dell|hp|lenovo|apple|best\s+buy|bestbuy|walmart|target|costco|ebay|wish|temu|aliexpress|alibaba|newegg|cdw|b&h(?:\s+photo)?|micro\s+center|grainger|uline|home\s+depot|lowe's|lowes|fastenal|zoro|mcmaster-carr|mcmaster|wayfair|herman\s+miller|steelcase|logitech|samsung|lg|asus|acer|microsoft|cisco|jabra|viking|lyreco|otto\s+office|otto|mediamarkt|media\s+markt|saturn|conrad|cyberport|bol\.com|cdiscount|fnac|argos|currys|screwfix|toolstation|rs\s+components|farnell|mouser|digikey|digi-key|würth|wurth|manutan|kaiser\+kraft|bechtle|insight|sam's\s+club|sysco|shein|banggood|rakuten|etsy|quill|coolblue|jysk|jd\.com|taobao|zalando|alza|allegro";
const CAP_NAME: &str = r"\p{Lu}[\p{L}\p{N}'&+-]*(?:\s+\p{Lu}[\p{L}\p{N}'&+-]*){0,2}";
const SEP: &str = r"\s*(?:,|/|&|(?i:\bor\b|\band\b|\bnor\b))\s*";

static NAME: LazyLock<Regex> = LazyLock::new(|| re(&format!(r"(?i:\b(?:{KNOWN})\b)|{CAP_NAME}")));
static KNOWN_NAME: LazyLock<Regex> = LazyLock::new(|| re(&format!(r"(?i)\b(?:{KNOWN})\b")));

static EXCLUDE: LazyLock<Regex> = LazyLock::new(|| {
    let name = format!(r"(?:(?i:\b(?:{KNOWN})\b)|{CAP_NAME})");
    re(&format!(
        r"(?i:\b(?:not\s+(?:from|via|through|on|at)|never\s+from|exclude|excluding|excluded|avoid|avoiding|except(?:\s+from)?|apart\s+from|other\s+than|(?:don'?t|do\s+not)\s+(?:use|buy\s+from|order\s+from)|no\s+purchases?\s+from|anything\s+but|but\s+not|blacklist(?:ed)?:?)\s+(?:the\s+)?)(?P<list>{name}(?:{SEP}{name})*)"
    ))
});
static EXCLUDE_WEAK: LazyLock<Regex> = LazyLock::new(|| {
    let name = format!(r"(?i:\b(?:{KNOWN})\b)");
    re(&format!(
        r"(?i:\b(?:no|not|without)\s+)(?P<list>{name}(?:{SEP}{name})*)"
    ))
});
static PREFER: LazyLock<Regex> = LazyLock::new(|| {
    let name = format!(r"(?:(?i:\b(?:{KNOWN})\b)|{CAP_NAME})");
    re(&format!(
        r"(?i:\b(?:(?:prefer(?:ably|red|ring)?|ideally|pref\.?)(?:\s+(?:vendors?|suppliers?|sellers?|shops?))?(?:\s*:|\s+is|\s+are)?(?:\s+(?:from|via|through|at|on|to\s+(?:buy|order)\s+from))?|(?:vendors?|suppliers?|sellers?)\s*[:=]|only\s+from|(?:buy|order|purchase|source)\s+(?:it\s+|them\s+)?from|from|via|through)\s+(?:the\s+)?)(?P<list>{name}(?:{SEP}{name})*)"
    ))
});
static PREFER_WEAK: LazyLock<Regex> = LazyLock::new(|| {
    let name = format!(r"(?i:\b(?:{KNOWN})\b)");
    re(&format!(
        r"(?i:\b(?:at|on)\s+)(?P<list>{name}(?:{SEP}{name})*)|(?P<list2>{name}(?:{SEP}{name})*)(?i:\s+(?:only|preferred|if\s+possible)\b)"
    ))
});

/// Capitalised words that are never (part of) a vendor name.
#[rustfmt::skip]
static NOT_NAMES: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    word_set(&[
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "mon", "tue",
        "wed", "thu", "fri", "january", "february", "march", "april", "may", "june", "july",
        "august", "september", "october", "november", "december", "jan", "feb", "mar", "apr",
        "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "asap", "i", "we", "the", "our",
        "my", "a", "an", "eu", "us", "usa", "uk", "china", "germany", "europe", "asia", "india",
        "japan", "taiwan", "mexico", "canada", "france", "italy", "poland", "spain", "korea",
        "vietnam", "turkey", "usb", "ram", "ssd", "hdd", "hdmi", "eur", "usd", "gbp", "chf", "jpy",
        "cad", "aud", "deliver", "delivery", "delivered", "need", "needed", "please", "budget",
        "max", "thanks", "must", "should", "ship", "shipping", "also", "and", "or", "but", "by",
        "before", "under", "with", "for", "in", "within", "urgent", "preferably", "not", "no",
        "only", "ideally", "quantity", "qty", "price", "today", "tomorrow", "next", "end", "q1",
        "q2", "q3", "q4", "stock", "local", "any", "each", "total", "it", "them", "there", "here",
        "now", "scratch", "work", "warehouse", "site",
    ])
});

pub(super) fn extract(cx: &mut Ctx) {
    let text = cx.text.clone();
    let mut excluded: Vec<String> = Vec::new();
    let mut preferred: Vec<String> = Vec::new();
    for (rx, exclude, known_only) in [
        (&*EXCLUDE, true, false),
        (&*EXCLUDE_WEAK, true, true),
        (&*PREFER, false, false),
        (&*PREFER_WEAK, false, true),
    ] {
        for c in rx.captures_iter(&text) {
            let (Some(all), Some(list)) = (c.get(0), c.name("list").or(c.name("list2"))) else {
                continue;
            };
            if !cx.is_free(&all.range()) {
                continue;
            }
            let names = names_in(list.as_str(), known_only);
            let Some(last_end) = names.last().map(|(_, end)| list.start() + end) else {
                continue;
            };
            // "Dell only": the trailing word belongs to the clause when the
            // whole list was read.
            let end = if c.name("list2").is_some() && last_end == list.end() {
                all.end()
            } else {
                last_end
            };
            let span = all.start()..end;
            let clause = cx.slice(&span).trim().to_string();
            cx.claim(span, true);
            for (name, _) in names {
                let target = if exclude {
                    &mut excluded
                } else {
                    &mut preferred
                };
                if target.iter().any(|v| v.eq_ignore_ascii_case(&name)) {
                    continue;
                }
                let field = if exclude {
                    "excluded_vendors"
                } else {
                    "preferred_vendors"
                };
                cx.step(
                    format!(
                        "{} vendor \"{name}\" from \"{clause}\"",
                        if exclude { "excluded" } else { "preferred" }
                    ),
                    json!({ "field": field, "value": name, "text": clause }),
                );
                target.push(name);
            }
        }
    }
    preferred.retain(|p| {
        let clash = excluded.iter().any(|e| e.eq_ignore_ascii_case(p));
        if clash {
            cx.steps.push(ParseStep {
                message: format!("vendor \"{p}\" is both preferred and excluded: kept as excluded"),
                data: json!({ "field": "preferred_vendors", "removed": p }),
            });
        }
        !clash
    });
    cx.spec.preferred_vendors = preferred;
    cx.spec.excluded_vendors = excluded;
}

/// The vendor names in a list, each with the byte offset where it ends in
/// the list. A name stops at its first word that cannot be part of one.
fn names_in(list: &str, known_only: bool) -> Vec<(String, usize)> {
    let rx: &Regex = if known_only { &KNOWN_NAME } else { &NAME };
    let mut out = Vec::new();
    for m in rx.find_iter(list) {
        if KNOWN_NAME
            .find(m.as_str())
            .is_some_and(|k| k.range() == (0..m.len()))
        {
            let name = m.as_str().split_whitespace().collect::<Vec<_>>().join(" ");
            out.push((name, m.end()));
            continue;
        }
        let mut end = m.start();
        for w in m.as_str().split_whitespace() {
            let clean = w
                .trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase();
            if NOT_NAMES.contains(clean.as_str()) {
                break;
            }
            let Some(pos) = list.get(end..).and_then(|rest| rest.find(w)) else {
                break;
            };
            end += pos + w.len();
        }
        if end <= m.start() {
            // A dropped name ends the list: what follows is no vendor either.
            break;
        }
        let name = list
            .get(m.start()..end)
            .unwrap_or("")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        if !name.is_empty() {
            out.push((name, end));
        }
    }
    out
}
