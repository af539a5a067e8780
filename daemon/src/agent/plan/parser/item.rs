//! The item phrase, its keywords and a broad category, from the words no
//! other extractor claimed.
//!
//! Decisions:
//! - The text is cut into runs of unclaimed words, split at punctuation,
//!   numbers, hard claims and structural words ([`BOUNDARY`]: "with", "for",
//!   "by", "under", …). Leading request words ([`FILLER`]: "I need", "please
//!   order", "a", "new", …) and a container ("boxes of", "pairs of") are
//!   trimmed off a run.
//! - With a count that may trail the goods ("helmets x 40", "qty 5",
//!   "glasses, 200,"), the item is the run right before it, else the first
//!   run that names goods. With a leading count ("20 ergonomic office
//!   chairs") it is the first run after the count, else the first run that
//!   names goods. Greetings ("Hi Bob,") are skipped. It is kept as written.
//! - Keywords are the item's words, lower-cased and singularised, plus those
//!   of further goods joined by "and"/"&"/"plus" ("chairs and 5 desks").
//! - The category comes from a small table, trying two-word keys ("printer
//!   paper", "safety boot") first, then the item's head noun (its last word),
//!   then its other words when they all agree. Otherwise none: unsure.

use super::*;

/// Words that end a run.
#[rustfmt::skip]
pub(super) static BOUNDARY: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    word_set(&[
        "with", "without", "w", "for", "by", "before", "until", "till", "under", "below", "above",
        "over", "from", "within", "in", "into", "at", "on", "to", "that", "which", "who", "whose",
        "where", "when", "if", "than", "but", "must", "should", "shall", "will", "would", "could",
        "can", "might", "is", "are", "be", "been", "being", "was", "were", "has", "have", "had",
        "deliver", "delivered", "delivery", "ship", "shipped", "shipping", "arrive", "arriving",
        "ideally", "preferably", "prefer", "preferred", "max", "maximum", "min", "minimum",
        "budget", "each", "per", "total", "please", "pls", "plz", "asap", "up", "no", "not", "via",
        "through", "except", "avoid", "exclude", "excluding", "having", "featuring", "including",
        "incl", "so", "because", "as", "also", "thanks", "thank", "cheers", "regards", "vat",
        "tax", "price", "cost", "costs", "needed", "required", "urgent", "urgently", "thx", "ty",
        "best", "kind", "ideal", "only", "like", "similar", "same", "e", "g", "eg", "ie", "etc",
    ])
});

/// Words trimmed off the front of a run: greetings, request verbs, articles.
#[rustfmt::skip]
pub(super) static FILLER: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    word_set(&[
        "i", "we", "you", "me", "us", "our", "my", "your", "they", "the", "a", "an", "some", "any",
        "new", "brand", "brand-new", "hi", "hello", "hey", "dear", "team", "all", "kindly", "need",
        "needs", "want", "wants", "wanted", "looking", "look", "get", "got", "buy", "buying",
        "order", "ordering", "purchase", "purchasing", "procure", "source", "sourcing", "find",
        "require", "requires", "request", "requesting", "requested", "quote", "quotes",
        "quotation", "of", "more", "another", "additional", "extra", "x", "qty", "quantity",
        "approx", "approximately", "about", "around", "roughly", "just", "several", "few",
        "couple", "lots", "lot", "bunch", "re", "fw", "fwd", "subject", "there", "folks", "guys",
        "do", "does", "let's", "lets", "going", "and", "or", "these", "those", "this", "it",
        "them", "good", "morning", "afternoon", "evening", "'d", "i'd", "we'd", "i'm", "we're",
        "sir", "madam", "reorder", "re-order", "de", "du", "des", "la", "le", "les", "et", "für",
        "und", "der", "die", "das", "mit", "von", "pour", "avec", "please", "urgently", "supply",
        "supplier", "vendor", "also",
    ])
});

#[rustfmt::skip]
const GREETINGS: &[&str] = &[
    "hi", "hello", "hey", "dear", "morning", "good", "greetings", "yo",
];

const CONTAINERS: &[&str] = &[
    "box", "boxes", "pack", "packs", "case", "cases", "ream", "reams", "pallet", "pallets",
    "carton", "cartons", "roll", "rolls", "bag", "bags", "pair", "pairs", "set", "sets", "bottle",
    "bottles", "can", "cans", "crate", "crates", "unit", "units", "piece", "pieces", "pcs", "tin",
    "tins", "tub", "tubs", "jar", "jars", "packet", "packets", "sachet", "sachets", "bundle",
    "bundles", "dozen", "kg", "kilos", "lbs", "litres", "liters", "sheets", "pods",
];

/// Keyword (singular) or two-word key → category.
#[rustfmt::skip]
const CATEGORIES: &[(&str, &str)] = &[
    ("printer paper", "office supplies"), ("copy paper", "office supplies"),
    ("toilet paper", "cleaning supplies"), ("paper towel", "cleaning supplies"),
    ("safety boot", "safety equipment"), ("safety glasses", "safety equipment"),
    ("safety shoe", "safety equipment"), ("work boot", "safety equipment"),
    ("toe boot", "safety equipment"), ("hard hat", "safety equipment"),
    ("first aid", "safety equipment"), ("pallet jack", "warehouse equipment"),
    ("pallet truck", "warehouse equipment"), ("hand truck", "warehouse equipment"),
    ("coffee machine", "appliances"), ("coffee maker", "appliances"), ("hard drive", "computers"),
    ("docking station", "computers"), ("chair", "office furniture"), ("desk", "office furniture"),
    ("table", "office furniture"), ("cabinet", "office furniture"),
    ("bookcase", "office furniture"), ("bookshelf", "office furniture"),
    ("drawer", "office furniture"), ("pedestal", "office furniture"), ("sofa", "office furniture"),
    ("couch", "office furniture"), ("stool", "office furniture"), ("locker", "office furniture"),
    ("whiteboard", "office furniture"), ("footrest", "office furniture"),
    ("partition", "office furniture"), ("laptop", "computers"), ("desktop", "computers"),
    ("pc", "computers"), ("computer", "computers"), ("monitor", "computers"),
    ("keyboard", "computers"), ("mouse", "computers"), ("ssd", "computers"), ("hdd", "computers"),
    ("server", "computers"), ("workstation", "computers"), ("tablet", "computers"),
    ("ipad", "computers"), ("macbook", "computers"), ("chromebook", "computers"),
    ("thinkpad", "computers"), ("webcam", "computers"), ("dock", "computers"),
    ("ram", "computers"), ("headset", "audio equipment"), ("headphone", "audio equipment"),
    ("earbud", "audio equipment"), ("earphone", "audio equipment"), ("speaker", "audio equipment"),
    ("microphone", "audio equipment"), ("paper", "office supplies"), ("pen", "office supplies"),
    ("pencil", "office supplies"), ("marker", "office supplies"), ("stapler", "office supplies"),
    ("envelope", "office supplies"), ("folder", "office supplies"), ("binder", "office supplies"),
    ("notepad", "office supplies"), ("toner", "office supplies"), ("ink", "office supplies"),
    ("cartridge", "office supplies"), ("label", "office supplies"),
    ("printer", "office equipment"), ("scanner", "office equipment"),
    ("copier", "office equipment"), ("shredder", "office equipment"),
    ("projector", "office equipment"), ("laminator", "office equipment"),
    ("helmet", "safety equipment"), ("glove", "safety equipment"), ("goggles", "safety equipment"),
    ("respirator", "safety equipment"), ("mask", "safety equipment"),
    ("earplug", "safety equipment"), ("earmuff", "safety equipment"),
    ("hi-vis", "safety equipment"), ("harness", "safety equipment"),
    ("forklift", "warehouse equipment"), ("pallet", "warehouse equipment"),
    ("dolly", "warehouse equipment"), ("trolley", "warehouse equipment"),
    ("racking", "warehouse equipment"), ("conveyor", "warehouse equipment"),
    ("coffee", "breakroom supplies"), ("espresso", "breakroom supplies"),
    ("tea", "breakroom supplies"), ("sugar", "breakroom supplies"),
    ("creamer", "breakroom supplies"), ("snack", "breakroom supplies"),
    ("mug", "breakroom supplies"), ("detergent", "cleaning supplies"),
    ("soap", "cleaning supplies"), ("sanitizer", "cleaning supplies"),
    ("sanitiser", "cleaning supplies"), ("mop", "cleaning supplies"),
    ("bleach", "cleaning supplies"), ("disinfectant", "cleaning supplies"),
    ("router", "networking"), ("tv", "electronics"), ("television", "electronics"),
    ("smartphone", "mobile phones"), ("iphone", "mobile phones"), ("drill", "tools"),
    ("screwdriver", "tools"), ("ladder", "tools"),
];

/// Plurals that do not follow the rules below.
#[rustfmt::skip]
const IRREGULAR: &[(&str, &str)] = &[
    ("mice", "mouse"), ("shelves", "shelf"), ("knives", "knife"), ("leaves", "leaf"),
    ("halves", "half"), ("people", "person"), ("children", "child"), ("feet", "foot"),
    ("teeth", "tooth"), ("cookies", "cookie"), ("movies", "movie"), ("hoodies", "hoodie"),
    ("series", "series"), ("species", "species"), ("news", "news"), ("glasses", "glasses"),
    ("scissors", "scissors"), ("trousers", "trousers"), ("pants", "pants"), ("jeans", "jeans"),
    ("shorts", "shorts"), ("goggles", "goggles"), ("pliers", "pliers"), ("tongs", "tongs"),
    ("overalls", "overalls"), ("electronics", "electronics"), ("headquarters", "headquarters"),
    ("lens", "lens"), ("chassis", "chassis"), ("gas", "gas"), ("sunglasses", "sunglasses"),
    ("earmuffs", "earmuff"), ("clothes", "clothes"), ("logistics", "logistics"), ("tvs", "tv"),
    ("pcs", "pc"), ("ssds", "ssd"), ("hdds", "hdd"),
];

/// Lower-case singular of an English plural, where obvious.
pub(super) fn singular(w: &str) -> String {
    let w = w.to_lowercase();
    if let Some((_, s)) = IRREGULAR.iter().find(|(p, _)| *p == w) {
        return (*s).to_string();
    }
    let n = w.chars().count();
    if n <= 3 || !w.ends_with('s') || w.ends_with("ss") || w.ends_with("us") || w.ends_with("is") {
        return w;
    }
    if let Some(stem) = w.strip_suffix("ies").filter(|_| n > 4) {
        return format!("{stem}y");
    }
    for suffix in ["sses", "xes", "ches", "shes", "zzes"] {
        if w.ends_with(suffix) {
            return w.get(..w.len() - 2).unwrap_or(&w).to_string();
        }
    }
    w.get(..w.len() - 1).unwrap_or(&w).to_string()
}

struct Run {
    toks: Vec<usize>,
    after_and: bool,
}

pub(super) fn extract(cx: &mut Ctx) {
    let text = cx.text.clone();
    let toks = tokens(&text);
    let lower: Vec<String> = toks
        .iter()
        .map(|t| text.get(t.r.clone()).unwrap_or("").to_lowercase())
        .collect();

    // Cut into runs.
    let mut runs: Vec<Run> = Vec::new();
    let mut cur: Vec<usize> = Vec::new();
    let (mut pending_and, mut cur_after_and) = (false, false);
    for (i, t) in toks.iter().enumerate() {
        let lw = lower.get(i).map_or("", String::as_str);
        let join = matches!(lw, "and" | "&" | "plus" | "+");
        // A free number between two words ("HP 305 ink"), or ending a
        // phrase after a name ("Dell XPS 15"), is a model number.
        let next_is_goods = toks.get(i + 1).is_some_and(|n| {
            n.kind == TokKind::Word
                && !cx.is_hard(&n.r)
                && !BOUNDARY.contains(lower.get(i + 1).map_or("", String::as_str))
        });
        let after_name = cur
            .last()
            .and_then(|&p| toks.get(p))
            .and_then(|p| text.get(p.r.clone()))
            .is_some_and(|w| w.chars().any(char::is_uppercase))
            && toks.get(i + 1).is_none_or(|n| n.kind == TokKind::Punct);
        let model_number = t.kind == TokKind::Number
            && cx.is_free(&t.r)
            && !cur.is_empty()
            && (next_is_goods || after_name);
        let soft = t.kind != TokKind::Punct && !cx.is_free(&t.r) && !cx.is_hard(&t.r);
        // A spec inside the phrase, with goods words after it, is spanned:
        // "MacBook Pro 14\" laptops" is one item (the spec is no keyword).
        let bridged = !cur.is_empty()
            && cx.spec_spans.iter().any(|s| {
                s.start <= t.r.start
                    && t.r.end <= s.end
                    && toks
                        .iter()
                        .position(|n| n.r.start >= s.end)
                        .is_some_and(|j| {
                            toks.get(j)
                                .is_some_and(|n| n.kind == TokKind::Word && cx.is_free(&n.r))
                                && !BOUNDARY.contains(lower.get(j).map_or("", String::as_str))
                        })
            });
        if bridged {
            cur.push(i);
            continue;
        }
        let stop = join
            || (t.kind != TokKind::Word && !model_number && !soft)
            || cx.is_hard(&t.r)
            || BOUNDARY.contains(lw);
        if !stop {
            if cur.is_empty() {
                cur_after_and = pending_and;
                pending_and = false;
            }
            cur.push(i);
            continue;
        }
        if !cur.is_empty() {
            runs.push(Run {
                toks: std::mem::take(&mut cur),
                after_and: cur_after_and,
            });
        }
        // "and" carries over a free number ("chairs and 5 desks"), nothing else.
        let free_number = t.kind == TokKind::Number && cx.is_free(&t.r);
        pending_and = join || (pending_and && free_number);
    }
    if !cur.is_empty() {
        runs.push(Run {
            toks: cur,
            after_and: cur_after_and,
        });
    }

    // Each run's content: fillers and a leading container phrase trimmed.
    let content: Vec<Option<&[usize]>> = runs.iter().map(|r| trim(&r.toks, &lower)).collect();
    // A run names goods when one of its words is unclaimed and more than a
    // container or a request word: "reams A4" or "wireless" alone do not.
    let names_goods = |ids: &[usize]| {
        ids.iter().any(|&i| {
            let w = lower.get(i).map_or("", String::as_str);
            toks.get(i)
                .is_some_and(|t| t.kind == TokKind::Word && cx.is_free(&t.r))
                && !FILLER.contains(w)
                && !CONTAINERS.contains(&w)
        })
    };
    let first = |from: usize| {
        runs.iter().enumerate().position(|(k, r)| {
            let start = r
                .toks
                .first()
                .and_then(|&i| toks.get(i))
                .map_or(0, |t| t.r.start);
            let greeting = r
                .toks
                .first()
                .and_then(|&i| lower.get(i))
                .is_some_and(|w| GREETINGS.contains(&w.as_str()));
            start >= from && !greeting && content.get(k).copied().flatten().is_some_and(names_goods)
        })
    };
    let run_range = |r: &Run| {
        let a = r
            .toks
            .first()
            .and_then(|&i| toks.get(i))
            .map_or(0, |t| t.r.start);
        let b = r
            .toks
            .last()
            .and_then(|&i| toks.get(i))
            .map_or(0, |t| t.r.end);
        a..b
    };
    let right_before = |q: &Range<usize>| {
        runs.iter().enumerate().rposition(|(k, r)| {
            let rr = run_range(r);
            rr.end <= q.start
                && text
                    .get(rr.end..q.start)
                    .is_some_and(|gap| gap.trim().is_empty())
                && content.get(k).copied().flatten().is_some_and(names_goods)
        })
    };
    let chosen = match &cx.item_hint {
        Some((q, true)) => right_before(q).or_else(|| first(0)),
        Some((q, false)) => first(q.end),
        None => None,
    }
    .or_else(|| first(0));
    let Some(k) = chosen else {
        cx.step(
            "no goods phrase found: item and keywords left empty",
            json!({ "field": "item", "skipped": true }),
        );
        leftovers(cx, &toks, None);
        return;
    };
    let Some(Some(item_toks)) = content.get(k).copied() else {
        return;
    };
    let (Some(a), Some(b)) = (
        item_toks.first().and_then(|&i| toks.get(i)),
        item_toks.last().and_then(|&i| toks.get(i)),
    ) else {
        return;
    };
    let item = text.get(a.r.start..b.r.end).unwrap_or("").to_string();
    leftovers(cx, &toks, Some(a.r.start..b.r.end));

    let mut keywords: Vec<String> = Vec::new();
    let mut add = |ids: &[usize]| {
        for &i in ids {
            let w = lower.get(i).map_or("", String::as_str);
            if toks.get(i).is_some_and(|t| cx.is_hard(&t.r)) {
                continue;
            }
            // Numbers and counts ("2x") are not keywords.
            let digits = w.trim_end_matches(['x', '×']);
            let number = !digits.is_empty()
                && digits
                    .chars()
                    .all(|c| c.is_ascii_digit() || ".,'".contains(c));
            if number || w.chars().count() < 2 || FILLER.contains(w) || BOUNDARY.contains(w) {
                continue;
            }
            let s = singular(w);
            if !keywords.contains(&s) {
                keywords.push(s);
            }
        }
    };
    add(item_toks);
    for (run, c) in runs.iter().zip(&content).skip(k + 1) {
        if !run.after_and {
            break;
        }
        if let Some(ids) = c {
            add(ids);
        }
    }
    cx.step(
        format!("item \"{item}\""),
        json!({ "field": "item", "value": item, "text": item }),
    );
    cx.step(
        format!("keywords {}", keywords.join(", ")),
        json!({ "field": "keywords", "value": keywords }),
    );
    let item_words: Vec<String> = item_toks
        .iter()
        .filter_map(|&i| lower.get(i))
        .map(|w| singular(w))
        .collect();
    match category(&item_words, &keywords) {
        Some((cat, from)) => {
            cx.step(
                format!("category \"{cat}\" from \"{from}\""),
                json!({ "field": "category", "value": cat, "text": from }),
            );
            cx.spec.category = Some(cat.to_string());
        }
        None => cx.step(
            "no category: none of the item's words is in the table, or they disagree",
            json!({ "field": "category", "skipped": true, "reason": "unsure" }),
        ),
    }
    cx.spec.item = Some(item);
    cx.spec.keywords = keywords;
}

/// Logs the numbers nothing read (outside the item phrase, where they are
/// model numbers): "20" in "Dec 15 chairs 20" is not guessed at.
fn leftovers(cx: &mut Ctx, toks: &[Tok], item: Option<Range<usize>>) {
    let unread: Vec<String> = toks
        .iter()
        .filter(|t| t.kind == TokKind::Number && cx.is_free(&t.r))
        .filter(|t| {
            item.as_ref()
                .is_none_or(|i| t.r.end <= i.start || i.end <= t.r.start)
        })
        .filter_map(|t| cx.text.get(t.r.clone()).map(str::to_string))
        .take(10)
        .collect();
    if !unread.is_empty() {
        cx.step(
            format!("numbers not understood, ignored: {}", unread.join(", ")),
            json!({ "field": "unread", "values": unread }),
        );
    }
}

/// The content of a run: leading fillers and container phrases ("boxes of")
/// and trailing articles removed.
fn trim<'a>(ids: &'a [usize], lower: &[String]) -> Option<&'a [usize]> {
    let word = |i: usize| {
        ids.get(i)
            .and_then(|&t| lower.get(t))
            .map_or("", String::as_str)
    };
    // "forklift pallets of coffee beans": the goods follow the container.
    let mut start = (0..ids.len().saturating_sub(1))
        .rev()
        .find(|&k| CONTAINERS.contains(&word(k)) && word(k + 1) == "of")
        .map_or(0, |k| k + 2);
    while start < ids.len() {
        let w = word(start);
        if FILLER.contains(w) {
            start += 1;
        } else if CONTAINERS.contains(&w) && word(start + 1) == "of" {
            start += 2;
        } else {
            break;
        }
    }
    let mut end = ids.len();
    while end > start
        && matches!(
            word(end - 1),
            "a" | "an" | "the" | "some" | "of" | "x" | "please"
        )
    {
        end -= 1;
    }
    ids.get(start..end).filter(|s| !s.is_empty())
}

fn lookup(key: &str) -> Option<&'static str> {
    CATEGORIES.iter().find(|(k, _)| *k == key).map(|(_, c)| *c)
}

/// Category and the words it came from.
fn category(item: &[String], keywords: &[String]) -> Option<(&'static str, String)> {
    for pair in item.windows(2) {
        if let [a, b] = pair {
            let key = format!("{a} {b}");
            if let Some(c) = lookup(&key) {
                return Some((c, key));
            }
        }
    }
    if let Some(head) = item.last()
        && let Some(c) = lookup(head)
    {
        return Some((c, head.clone()));
    }
    let found: Vec<(&'static str, &String)> = keywords
        .iter()
        .filter_map(|k| lookup(k).map(|c| (c, k)))
        .collect();
    let (c, k) = found.first()?;
    found
        .iter()
        .all(|(c2, _)| c2 == c)
        .then(|| (*c, (*k).clone()))
}
