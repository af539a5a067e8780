//! A small multilingual (English/German) vocabulary of procurement product
//! words: each word maps to language-neutral concepts, so "Bürostuhl,
//! Netzstoff" and "Mesh Office Chair" share `office`, `chair` and `mesh`.
//! German compounds are split into known parts (`Eckschreibtisch` →
//! `corner` + `desk`). General office vocabulary only.

use std::collections::HashMap;
use std::sync::LazyLock;

/// What a concept says about a product; two products whose concepts of an
/// exclusive class are disjoint (a mesh chair and a leather chair) differ.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Class {
    /// What the product is: chair, desk, monitor, ...
    Type,
    Material,
    Colour,
    /// Any other property word.
    Attr,
}

/// `(words, concepts)`: every folded word of the first list means all the
/// concepts of the second.
const ENTRIES: &[(&str, &str)] = &[
    // Product types.
    ("chair stuhl sessel seating", "chair"),
    ("drehstuhl burodrehstuhl", "task chair"),
    ("armchair", "chair"),
    ("stool hocker", "stool"),
    ("desk schreibtisch pult workstation", "desk"),
    ("table tisch", "table"),
    ("monitor display bildschirm", "monitor"),
    ("laptop notebook ultrabook", "laptop"),
    ("computer pc rechner", "computer"),
    ("tablet", "tablet"),
    ("keyboard tastatur", "keyboard"),
    ("mouse maus", "mouse"),
    ("printer drucker", "printer"),
    ("scanner", "scanner"),
    ("headset headphones kopfhorer", "headset"),
    ("webcam camera kamera", "camera"),
    ("dock docking dockingstation", "dock"),
    ("cable kabel", "cable"),
    ("lamp lampe leuchte", "lamp"),
    ("cabinet schrank", "cabinet"),
    ("shelf regal", "shelf"),
    ("drawer schublade rollcontainer", "drawer"),
    ("whiteboard", "whiteboard"),
    ("projector beamer", "projector"),
    ("phone telefon smartphone", "phone"),
    ("paper papier", "paper"),
    ("footrest fussstutze", "footrest"),
    ("mat matte", "mat"),
    ("router", "router"),
    // Materials.
    ("mesh netz netzstoff netzgewebe", "mesh"),
    ("fabric stoff textil cloth", "fabric"),
    ("leather leder echtleder", "leather"),
    ("kunstleder leatherette", "faux_leather"),
    ("wood holz wooden", "wood"),
    ("oak eiche", "oak"),
    ("walnut nussbaum", "walnut"),
    ("birch birke", "birch"),
    ("beech buche", "beech"),
    ("bamboo bambus", "bamboo"),
    ("steel stahl", "steel"),
    ("metal metall", "metal"),
    ("aluminium aluminum alu", "aluminium"),
    ("glass glas", "glass"),
    ("plastic kunststoff", "plastic"),
    // Colours.
    ("black schwarz", "black"),
    ("white weiss", "white"),
    ("grey gray grau", "grey"),
    ("silver silber", "silver"),
    ("blue blau", "blue"),
    ("red rot", "red"),
    ("green grun", "green"),
    ("brown braun", "brown"),
    ("beige", "beige"),
    ("anthracite anthrazit", "anthracite"),
    // Properties.
    ("office buro", "office"),
    ("ergonomic ergonomisch", "ergonomic"),
    ("executive chef", "executive"),
    ("task", "task"),
    ("swivel dreh drehbar", "swivel"),
    ("conference konferenz", "conference"),
    (
        "electric electrical elektrisch elektro motorized motorised",
        "electric",
    ),
    ("standing stand steh stehend", "standing"),
    ("sit sitz", "sit"),
    ("height hohe", "height"),
    ("hohenverstellbar", "height adjustable"),
    ("adjustable verstellbar einstellbar", "adjustable"),
    ("corner eck ecke", "corner"),
    ("writing schreib", "writing"),
    ("gaming", "gaming"),
    ("wireless kabellos funk", "wireless"),
    ("portable tragbar mobile mobil", "portable"),
    ("lightweight leicht", "lightweight"),
    ("curved gebogen", "curved"),
    ("ultrawide", "ultrawide"),
    ("foldable klappbar", "foldable"),
    ("armrest armrests armlehne armlehnen", "armrest"),
    ("headrest kopfstutze", "headrest"),
    ("lumbar lordosenstutze", "lumbar"),
    ("yes ja", "yes"),
    ("no nein", "no"),
    ("ram arbeitsspeicher", "ram"),
    ("ssd", "ssd"),
    ("hdd festplatte", "hdd"),
    ("storage speicher", "storage"),
    ("battery akku", "battery"),
    ("processor prozessor cpu", "processor"),
    ("fhd fullhd 1080p", "fhd"),
    ("uhd 4k 2160p", "4k"),
    ("qhd wqhd 1440p", "qhd"),
    ("wuxga", "wuxga"),
    ("uwqhd", "uwqhd"),
    ("wqxga", "wqxga"),
    ("usb", "usb"),
    ("hdmi", "hdmi"),
    ("displayport", "displayport"),
];

/// Words that carry nothing for matching.
const STOP: &str = "the a an and or with for of in on to by from at as new x \
    und oder mit fur der die das den dem des ein eine einer eines einem im zu von aus auf bei neu inkl";

static WORDS: LazyLock<HashMap<&'static str, Vec<&'static str>>> = LazyLock::new(|| {
    let mut map: HashMap<&'static str, Vec<&'static str>> = HashMap::new();
    for (words, concepts) in ENTRIES {
        for w in words.split_whitespace() {
            map.entry(w)
                .or_default()
                .extend(concepts.split_whitespace());
        }
    }
    map
});

/// The class of a concept.
pub fn class_of(concept: &str) -> Class {
    match concept {
        "chair" | "stool" | "desk" | "table" | "monitor" | "laptop" | "computer" | "tablet"
        | "keyboard" | "mouse" | "printer" | "scanner" | "headset" | "camera" | "dock"
        | "cable" | "lamp" | "cabinet" | "shelf" | "drawer" | "whiteboard" | "projector"
        | "phone" | "paper" | "footrest" | "mat" | "router" => Class::Type,
        "mesh" | "fabric" | "leather" | "faux_leather" | "wood" | "oak" | "walnut" | "birch"
        | "beech" | "bamboo" | "steel" | "metal" | "aluminium" | "glass" | "plastic" => {
            Class::Material
        }
        "black" | "white" | "grey" | "silver" | "blue" | "red" | "green" | "brown" | "beige"
        | "anthracite" => Class::Colour,
        _ => Class::Attr,
    }
}

pub fn is_stop(word: &str) -> bool {
    STOP.split_whitespace().any(|s| s == word)
}

/// Inflection endings tried when a word is not known as written
/// (`stühle` → `stuhl` after folding and `-e`, `elektrischer` → `elektrisch`).
const ENDINGS: [&str; 7] = ["es", "en", "er", "em", "e", "s", "n"];

fn exact_or_inflected(word: &str) -> Option<&'static [&'static str]> {
    if let Some(c) = WORDS.get(word) {
        return Some(c.as_slice());
    }
    for end in ENDINGS {
        if let Some(stem) = word.strip_suffix(end)
            && stem.chars().count() >= 3
            && let Some(c) = WORDS.get(stem)
        {
            return Some(c.as_slice());
        }
    }
    // German plural umlaut folded away: `stuhle` → `stuhl` is handled
    // above; `sessel` plural is the same word.
    None
}

/// The concepts of a folded word: as written, without an inflection
/// ending, or as a compound of known parts (`burostuhl`, `eckschreibtisch`,
/// `hohenverstellbarer`). A compound whose head (last part) is known but
/// whose first part is not still gets the head's concepts
/// (`konferenzstuhl` → `chair`). Empty when unknown.
pub fn concepts(word: &str) -> Vec<&'static str> {
    compound(word, 2)
}

fn compound(word: &str, depth: u8) -> Vec<&'static str> {
    if let Some(c) = exact_or_inflected(word) {
        return c.to_vec();
    }
    if depth == 0 || !word.chars().all(char::is_alphabetic) {
        return Vec::new();
    }
    let cuts: Vec<usize> = word.char_indices().map(|(i, _)| i).collect();
    let n = cuts.len();
    let mut head_only: Vec<&'static str> = Vec::new();
    // Parts of at least 3 letters; the shortest known first part wins and
    // the head may be a compound itself.
    for &cut in cuts.iter().take(n.saturating_sub(2)).skip(3) {
        let (first, rest) = word.split_at(cut);
        let head = compound(rest, depth - 1);
        if head.is_empty() {
            continue;
        }
        // A linking `s` (`arbeits-`) may close the first part.
        let front = exact_or_inflected(first)
            .or_else(|| first.strip_suffix('s').and_then(exact_or_inflected));
        if let Some(front) = front {
            let mut out = front.to_vec();
            out.extend(head);
            return out;
        }
        if head_only.is_empty() && rest.chars().count() >= 4 {
            head_only = head;
        }
    }
    head_only
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_and_compounds() {
        assert_eq!(concepts("netzstoff"), ["mesh"]);
        assert_eq!(concepts("burostuhl"), ["office", "chair"]);
        assert_eq!(concepts("burostuhle"), ["office", "chair"]);
        assert_eq!(concepts("eckschreibtisch"), ["corner", "desk"]);
        assert_eq!(concepts("chefsessel"), ["executive", "chair"]);
        assert_eq!(concepts("elektrischer"), ["electric"]);
        assert_eq!(concepts("hohenverstellbarer"), ["height", "adjustable"]);
        assert_eq!(concepts("konferenzstuhl"), ["conference", "chair"]);
        assert_eq!(concepts("besucherstuhl"), ["chair"]);
        assert_eq!(concepts("chairs"), ["chair"]);
        assert_eq!(concepts("monitore"), ["monitor"]);
        assert!(concepts("aria").is_empty());
        assert!(concepts("horizon").is_empty());
        assert_eq!(class_of("leather"), Class::Material);
        assert_eq!(class_of("desk"), Class::Type);
    }
}
