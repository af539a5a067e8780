//! The unit price a vendor offers.
//!
//! Every amount with a currency is a candidate (and a bare number right
//! after a "unit price" label). The words nearest to it decide what it is:
//! tied to a unit ("€245 each", "unit price: USD 1,299.00", "20 × €245"),
//! tied to an offer ("we can offer €245"), plain, or something other than
//! the unit price (a total, the list price, shipping, a fee, "€20 off", a
//! "from" price, our own target repeated back). The most strongly tied
//! candidates win; if they disagree, there is no answer.

use std::sync::LazyLock;

use procura_extract::price::{FoundPrice, find_prices};
use regex::Regex;
use rust_decimal::Decimal;

use super::{context_after, context_before, first_cue, in_echo_clause, last_cue, phrases};

/// A unit price read from the reply. `currency` is `None` only when the
/// amount came after a "unit price" label with no currency anywhere near.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct OfferedPrice {
    pub amount: Decimal,
    pub currency: Option<String>,
}

/// How far context words are looked for, in characters.
const BEFORE_CHARS: usize = 60;
const AFTER_CHARS: usize = 40;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cue {
    NotUnitPrice,
    Unit,
    Offer,
}

static NOT_UNIT_PRICE: LazyLock<Regex> = LazyLock::new(|| {
    phrases(&[
        r"total(?: price| cost| amount| order value)?",
        r"sub-?total",
        r"grand total",
        r"sum",
        r"order (?:value|total)",
        r"shipping",
        r"freight",
        r"carriage",
        r"postage",
        r"delivery (?:fee|charge|cost)s?",
        r"handling",
        r"set-?up",
        r"installation",
        r"assembly",
        r"fees?",
        r"surcharge",
        r"deposit",
        r"list price",
        r"listed(?: price| at)?",
        r"rrp",
        r"msrp",
        r"retail(?: price)?",
        r"regular(?: price)?",
        r"normal(?:ly)?(?: price)?",
        r"usually",
        r"was",
        r"were",
        r"instead of",
        r"down from",
        r"reduced from",
        r"target(?: price)?",
        r"budget",
        r"(?:share |registered )?capital",
        r"minimum(?: order)?(?: value)?",
        r"moq",
        r"savings? of",
        r"you save",
        r"save",
        r"discount (?:of|worth)",
        r"rebate of",
        r"gesamt\w*",
        r"insgesamt",
        r"summe",
        r"versand\w*",
        r"fracht\w*",
        r"porto",
        r"listenpreis",
        r"statt",
        r"anstatt",
        r"uvp",
        r"mindest\w*",
        r"stammkapital",
        r"rabatt von",
        r"nachlass von",
        r"totaal",
        r"verzend\w*",
        r"adviesprijs",
        r"in plaats van",
        r"korting van",
        r"frais",
        r"prix public",
        r"au lieu de",
        r"remise de",
    ])
});

/// A "from" or "up to" price is a bound, not an offer.
static BOUND_JUST_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(?:from|starting at|as low as|ab|vanaf|à partir de|dès|up to|bis zu|jusqu'à|max\.?|maximum)\s*$",
    )
    .expect("bounds compile")
});

static UNIT_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    phrases(&[
        r"unit price",
        r"price per (?:unit|piece|item)",
        r"per-unit price",
        r"price each",
        r"unit cost",
        r"cost per unit",
        r"stückpreis",
        r"einzelpreis",
        r"preis (?:pro|je) (?:stück|einheit)",
        r"stuks?prijs",
        r"prijs per stuk",
        r"eenheidsprijs",
        r"prix unitaire",
        r"prix (?:à l'|par )unité",
    ])
});

/// "20 × €245": an amount multiplied by a count is the price of one.
static TIMES_JUST_BEFORE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\b\d+\s*[x×]\s*$").expect("multiplication compiles"));

/// "… = €4,900": the result of a calculation is a total.
static EQUALS_JUST_BEFORE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"=\s*$").expect("equals compiles"));

/// A bare number right after a unit-price label is a price even without a
/// currency next to it ("Unit price: 245.00").
static UNIT_LABEL_JUST_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(?:unit price|price per unit|stückpreis|einzelpreis|stuks?prijs|eenheidsprijs|prix unitaire)\s*(?::|=|is|of|von|van|de|est de)?\s*$",
    )
    .expect("labels compile")
});

static OFFER: LazyLock<Regex> = LazyLock::new(|| {
    phrases(&[
        r"offer\w*",
        r"can do",
        r"could do",
        r"quot(?:e|ed|ing|ation)",
        r"(?:our|your|net|special|best|final|discounted|new|reduced) price",
        r"price after discount",
        r"after discount",
        r"price",
        r"priced at",
        r"at",
        r"angebot\w*",
        r"anbieten",
        r"bieten",
        r"preis",
        r"aanbied\w*",
        r"bieden",
        r"aanbod",
        r"prijs",
        r"offre\w*",
        r"proposer",
        r"proposons",
        r"prix",
        r"tarif",
    ])
});

static UNIT_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    phrases(&[
        r"each",
        r"ea",
        r"apiece",
        r"a (?:piece|unit)",
        r"per \p{L}+",
        r"pro (?:stück|stk|einheit)",
        r"je (?:stück|stk|einheit)",
        r"par (?:unité|pièce|article)",
        r"l'unité",
        r"la pièce",
        r"the piece",
        r"stück",
    ])
});

/// "€245/unit", "$12.50/pc": a slash and a word straight after the amount.
static SLASH_UNIT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*/\s*\p{L}+").expect("slash units compile"));

static NOT_UNIT_PRICE_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    phrases(&[
        r"total",
        r"in total",
        r"altogether",
        r"overall",
        r"for (?:the )?(?:lot|all|whole|entire|complete)",
        r"for \d+",
        r"shipping",
        r"delivery (?:fee|charge|cost)s?",
        r"insgesamt",
        r"gesamt",
        r"in totaal",
        r"au total",
        r"(?:per|pro|je|par) (?:order|delivery|shipment|consignment|pallet|month|year|week|day|hour|lot|box|carton|invoice|bestellung|lieferung|monat|jahr|bestelling|levering|maand|jaar|commande|livraison|mois|an)",
        r"minimum",
        r"mindest\w*",
    ])
});

/// "€20 off", "€500 deposit": a word right after the amount that makes it
/// a reduction or a charge. Only right after, since in "€239.50 with 5%
/// korting" the word belongs to the percentage.
static REDUCTION_JUST_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^\s*(?:off|discount|rebate|reduction|less|rabatt|nachlass|korting|remise|savings?|extra|additional|deposit|fees?|surcharge|in total|total)\b",
    )
    .expect("reductions compile")
});

static SLASH_NOT_UNIT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*/\s*(?:order|month|year|week|day|hour|mo|yr|h|lot|pallet|box)\b")
        .expect("slash periods compile")
});

/// A range written between two amounts: "€240 – €260", "240-260 EUR".
static RANGE_BETWEEN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*(?:-|–|—|~|to|bis|tot|à|and|und|en|et)\s*$").expect("ranges compile")
});

/// What the words around one candidate say about it.
#[derive(Debug, Clone, Copy, Default)]
struct Ties {
    unit: bool,
    offer: bool,
}

struct Candidate {
    price: OfferedPrice,
    ties: Ties,
}

/// The unit price offered in `sentences`, if one stands out.
pub(super) fn unit_price(sentences: &[String]) -> Option<OfferedPrice> {
    let mut candidates = Vec::new();
    for sentence in sentences {
        candidates.extend(candidates_in(sentence));
    }
    let fallback_currency = the_only_currency(sentences);
    for candidate in &mut candidates {
        if candidate.price.currency.is_none() {
            candidate.price.currency.clone_from(&fallback_currency);
        }
    }

    let unit: Vec<&Candidate> = candidates.iter().filter(|c| c.ties.unit).collect();
    // Equal amounts compare equal whatever their scale ("€245" and
    // "€245.00" agree); the first spelling is kept.
    let prices = |tier: &[&Candidate]| -> Vec<OfferedPrice> {
        tier.iter().map(|c| c.price.clone()).collect()
    };
    if !unit.is_empty() {
        if let Some(price) = super::the_only(prices(&unit)) {
            return Some(price);
        }
        // Several unit prices: the one the vendor calls its offer stands
        // out ("€299 per unit for one, but we can offer €275 per unit").
        let offered: Vec<&Candidate> = unit.into_iter().filter(|c| c.ties.offer).collect();
        return super::the_only(prices(&offered));
    }
    let offered: Vec<&Candidate> = candidates.iter().filter(|c| c.ties.offer).collect();
    if !offered.is_empty() {
        return super::the_only(prices(&offered));
    }
    let plain: Vec<&Candidate> = candidates.iter().collect();
    super::the_only(prices(&plain))
}

/// Every amount in `sentence` that may be a unit price, with its ties.
fn candidates_in(sentence: &str) -> Vec<Candidate> {
    let found = find_prices(sentence, None);
    let mut out = Vec::new();
    for (i, price) in found.iter().enumerate() {
        // Context stops at the neighbouring amounts with a currency, whose
        // own words ("list price €299 now €245") are not this one's. Bare
        // numbers (a quantity, a percentage) do not stop it.
        let floor = found[..i]
            .iter()
            .rev()
            .find(|p| p.explicit_currency)
            .map_or(0, |p| p.end);
        let ceiling = found[i + 1..]
            .iter()
            .find(|p| p.explicit_currency)
            .map_or(sentence.len(), |p| p.start);
        let before = context_before(sentence, floor, price.start, BEFORE_CHARS);
        let after = context_after(sentence, price.end, ceiling, AFTER_CHARS);
        if !price.explicit_currency && !UNIT_LABEL_JUST_BEFORE.is_match(before) {
            continue;
        }
        if in_range(sentence, &found, i) || in_echo_clause(sentence, price.start, price.end) {
            continue;
        }
        let Some(ties) = ties(before, after) else {
            continue;
        };
        out.push(Candidate {
            price: OfferedPrice {
                amount: price.money.amount,
                currency: price
                    .explicit_currency
                    .then(|| price.money.currency.clone())
                    .flatten(),
            },
            ties,
        });
    }
    out
}

/// The ties of an amount with `before` and `after` around it, or `None`
/// when the nearest words say it is not a unit price.
fn ties(before: &str, after: &str) -> Option<Ties> {
    if BOUND_JUST_BEFORE.is_match(before)
        || EQUALS_JUST_BEFORE.is_match(before)
        || REDUCTION_JUST_AFTER.is_match(after)
        || SLASH_NOT_UNIT.is_match(after)
    {
        return None;
    }
    let before_cue = last_cue(
        before,
        &[
            (&NOT_UNIT_PRICE, Cue::NotUnitPrice),
            (&UNIT_LABEL, Cue::Unit),
            (&OFFER, Cue::Offer),
        ],
    );
    let after_cue = first_cue(
        after,
        &[
            (&NOT_UNIT_PRICE_AFTER, Cue::NotUnitPrice),
            (&UNIT_AFTER, Cue::Unit),
            (&OFFER, Cue::Offer),
        ],
    );
    if before_cue == Some(Cue::NotUnitPrice) || after_cue == Some(Cue::NotUnitPrice) {
        return None;
    }
    let unit = before_cue == Some(Cue::Unit)
        || after_cue == Some(Cue::Unit)
        || TIMES_JUST_BEFORE.is_match(before)
        || SLASH_UNIT.is_match(after);
    let offer = before_cue == Some(Cue::Offer) || after_cue == Some(Cue::Offer);
    Some(Ties { unit, offer })
}

/// Whether amount `i` is one end of a range ("€240 – €260", "between €240
/// and €260"): a range is not an offer of either end.
fn in_range(sentence: &str, found: &[FoundPrice], i: usize) -> bool {
    let joined = |low: &FoundPrice, high: &FoundPrice| {
        low.end <= high.start
            && low.money.amount < high.money.amount
            && sentence
                .get(low.end..high.start)
                .is_some_and(|between| RANGE_BETWEEN.is_match(between))
    };
    let with_previous = i
        .checked_sub(1)
        .is_some_and(|p| joined(&found[p], &found[i]));
    let with_next = found.get(i + 1).is_some_and(|n| joined(&found[i], n));
    with_previous || with_next
}

/// The one currency the vendor's text names, for an amount written after a
/// "unit price" label without one. `None` when it names none or several.
fn the_only_currency(sentences: &[String]) -> Option<String> {
    let mut codes: Vec<String> = sentences
        .iter()
        .flat_map(|s| find_prices(s, None))
        .filter(|p| p.explicit_currency)
        .filter_map(|p| p.money.currency)
        .collect();
    codes.extend(
        sentences
            .iter()
            .flat_map(|s| ISO_CODE.find_iter(s).map(|m| m.as_str().to_owned()))
            .filter_map(|code| procura_extract::currency::normalize_code(&code).map(str::to_owned)),
    );
    super::the_only(codes)
}

/// A currency code standing alone ("All prices in EUR").
static ISO_CODE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b[A-Z]{3}\b").expect("codes compile"));
