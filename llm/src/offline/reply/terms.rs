//! The discount and the quantity a vendor offers.

use std::str::FromStr;
use std::sync::LazyLock;

use regex::Regex;
use rust_decimal::Decimal;

use super::{context_after, context_before, first_cue, in_echo_clause, last_cue, phrases};

const BEFORE_CHARS: usize = 40;
const AFTER_CHARS: usize = 40;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cue {
    /// The number is something else: VAT, a payment term, a deposit, a
    /// minimum order, a stock level.
    Other,
    /// The number is the term being read.
    Term,
}

/// "7.5%", "10 %", "7,5 Prozent", "10 percent".
static PERCENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(\d{1,3}(?:[.,]\d{1,2})?)\s*(?:%|percent\b|per\s?cent\b|prozent\b|procent\b|pour\s?cent\b|pct\b)",
    )
    .expect("percentages compile")
});

static DISCOUNT: LazyLock<Regex> = LazyLock::new(|| {
    phrases(&[
        r"discount\w*",
        r"rebate",
        r"(?:price )?reduction",
        r"off",
        r"less",
        r"below (?:the |our )?(?:list|listed|catalog(?:ue)?|regular|retail)(?: price)?",
        r"\w*rabatt",
        r"(?:preis)?nachlass",
        r"ermäßigung",
        r"abschlag",
        r"\w*korting",
        r"reductie",
        r"remise",
        r"rabais",
        r"réduction",
    ])
});

/// Percentages that are not a discount on the price.
static NOT_DISCOUNT: LazyLock<Regex> = LazyLock::new(|| {
    phrases(&[
        r"vat",
        r"tax(?:es)?",
        r"mwst",
        r"ust",
        r"btw",
        r"tva",
        r"skonto",
        r"(?:early|prompt) payment",
        r"payment",
        r"paid",
        r"pay",
        r"zahlung\w*",
        r"betaling\w*",
        r"paiement",
        r"deposit",
        r"down payment",
        r"anzahlung",
        r"aanbetaling",
        r"acompte",
        r"advance",
        r"surcharge",
        r"aufschlag",
        r"toeslag",
        r"majoration",
        r"increase",
        r"interest",
        r"zinsen",
        r"fee",
        r"commission",
        r"restocking",
        r"cancellation",
        r"stornierung",
        r"inflation",
    ])
});

/// A percentage for paying early or in advance is a payment term, even
/// when the vendor calls it a discount ("2% discount for early payment").
static PAYMENT_TERM: LazyLock<Regex> = LazyLock::new(|| {
    phrases(&[
        r"skonto",
        r"payments?",
        r"paid",
        r"pay(?:ing)?",
        r"zahlung\w*",
        r"betaling\w*",
        r"paiement",
        r"in advance",
        r"deposit",
        r"within \d+ days",
    ])
});

/// "up to 15%" promises nothing.
static BOUND_JUST_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:up to|bis zu|tot|jusqu'à|max\.?|maximum|at most)\s*$")
        .expect("bounds compile")
});

/// The discount in percent, if one stands out. It must be at least 0 and
/// below 100: anything else is not a discount on a price.
pub(super) fn discount_percent(sentences: &[String]) -> Option<Decimal> {
    let mut found = Vec::new();
    for sentence in sentences {
        for m in PERCENT.captures_iter(sentence) {
            let (Some(whole), Some(number)) = (m.get(0), m.get(1)) else {
                continue;
            };
            let before = context_before(sentence, 0, whole.start(), BEFORE_CHARS);
            let after = context_after(sentence, whole.end(), sentence.len(), AFTER_CHARS);
            if !is_discount(before, after) || in_echo_clause(sentence, whole.start(), whole.end()) {
                continue;
            }
            let Ok(value) = Decimal::from_str(&number.as_str().replace(',', ".")) else {
                continue;
            };
            if value >= Decimal::ZERO && value < Decimal::ONE_HUNDRED {
                found.push(value);
            }
        }
    }
    super::the_only(found)
}

/// Whether a percentage between `before` and `after` is a discount: a
/// discount word is the nearest word on one side, and nothing on either
/// side makes it a tax, a payment term or a bound.
fn is_discount(before: &str, after: &str) -> bool {
    if BOUND_JUST_BEFORE.is_match(before) || PAYMENT_TERM.is_match(after) {
        return false;
    }
    let cues = [(&*NOT_DISCOUNT, Cue::Other), (&*DISCOUNT, Cue::Term)];
    let before_cue = last_cue(before, &cues);
    let after_cue = first_cue(after, &cues);
    before_cue != Some(Cue::Other)
        && (before_cue == Some(Cue::Term) || after_cue == Some(Cue::Term))
}

/// A count: plain digits, or digits grouped by thousands ("1,000").
const COUNT: &str = r"(\d{1,3}(?:[,.'’]\d{3})+|\d{1,7})";

/// "qty 20", "Quantity: 20", "Menge: 20", "aantal 20", "quantité : 20".
static QUANTITY_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)\b(?:qty|quantity|quantities|menge|anzahl|stückzahl|aantal|hoeveelheid|quantité)\b\.?\s*(?::|=|of|von|van|de)?\s*{COUNT}\b"
    ))
    .expect("quantity labels compile")
});

/// "20 units", "20 pcs", "20 Stück", "20 stuks", "20 pièces", "20 ×
/// ErgoPro", "20x €245".
static QUANTITY_UNIT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)\b{COUNT}\s*(?:(?:units?|pcs?|pieces?|items?|ea|sets?|seats?|stück|stk|stck|einheiten|stuks?|exemplaren|pièces?|unités?|exemplaires?|articles?)\b|[x×]\s*[\p{{L}}€$£])"
    ))
    .expect("quantity units compile")
});

/// Counts that are not the quantity offered.
static NOT_OFFERED_QUANTITY: LazyLock<Regex> = LazyLock::new(|| {
    phrases(&[
        r"minimum(?: order)?(?: quantity)?",
        r"min",
        r"moq",
        r"at least",
        r"mindest\w*",
        r"mindestens",
        r"minimaal",
        r"au moins",
        r"in stock",
        r"stock",
        r"available",
        r"from",
        r"ab",
        r"vanaf",
        r"à partir de",
        r"up to",
        r"bis zu",
        r"jusqu'à",
        r"over",
        r"more than",
        r"above",
        r"exceeding",
        r"orders? (?:of|over|above)",
        r"multiples? of",
        r"increments? of",
        r"packs? of",
        r"cartons? of",
        r"boxe?s? of",
    ])
});

static NOT_OFFERED_QUANTITY_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    phrases(&[
        r"or more",
        r"and more",
        r"and above",
        r"or above",
        r"in stock",
        r"on stock",
        r"available",
        r"auf lager",
        r"vorrätig",
        r"lieferbar",
        r"op voorraad",
        r"en stock",
        r"disponibles?",
        r"left",
        r"remaining",
        r"per (?:pallet|box|carton|case|pack|order)",
        r"minimum",
        r"min",
    ])
});

/// Words that tie a count to the offer ("we can deliver 20 units", "for 20
/// units"), so that a stock level mentioned earlier in the sentence does
/// not count against it.
static OFFERED_QUANTITY: LazyLock<Regex> = LazyLock::new(|| {
    phrases(&[
        r"for",
        r"deliver\w*",
        r"supply",
        r"supplied",
        r"offer\w*",
        r"quot(?:e|ed|ing|ation)",
        r"orders?",
        r"ordered",
        r"ship\w*",
        r"send",
        r"provide",
        r"reserve\w*",
        r"liefern",
        r"für",
        r"voor",
        r"leveren",
        r"pour",
        r"livrer",
    ])
});

/// "50+ units": a tier, not a quantity.
static PLUS_JUST_AFTER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*\+").expect("plus compiles"));

/// The quantity the offer is for, if one stands out.
pub(super) fn quantity(sentences: &[String]) -> Option<u32> {
    let mut found = Vec::new();
    for sentence in sentences {
        for pattern in [&*QUANTITY_LABEL, &*QUANTITY_UNIT] {
            for m in pattern.captures_iter(sentence) {
                let (Some(whole), Some(count)) = (m.get(0), m.get(1)) else {
                    continue;
                };
                let before = context_before(sentence, 0, whole.start(), BEFORE_CHARS);
                let after = context_after(sentence, count.end(), sentence.len(), AFTER_CHARS);
                if !is_offered_quantity(before, after)
                    || in_echo_clause(sentence, whole.start(), whole.end())
                {
                    continue;
                }
                let digits: String = count
                    .as_str()
                    .chars()
                    .filter(char::is_ascii_digit)
                    .collect();
                if let Ok(value) = digits.parse::<u32>()
                    && value > 0
                {
                    found.push(value);
                }
            }
        }
    }
    super::the_only(found)
}

fn is_offered_quantity(before: &str, after: &str) -> bool {
    if PLUS_JUST_AFTER.is_match(after) {
        return false;
    }
    let before_cue = last_cue(
        before,
        &[
            (&*NOT_OFFERED_QUANTITY, Cue::Other),
            (&*OFFERED_QUANTITY, Cue::Term),
        ],
    );
    let after_cue = first_cue(after, &[(&*NOT_OFFERED_QUANTITY_AFTER, Cue::Other)]);
    before_cue != Some(Cue::Other) && after_cue.is_none()
}
