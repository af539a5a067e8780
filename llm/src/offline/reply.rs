//! Reading a vendor's reply without a model.
//!
//! The reply is first reduced to what the vendor wrote in this message
//! ([`text`]): quoted history (which holds our own target price and
//! deadline), signatures and forwarded headers are cut, and sentences that
//! address a machine are dropped. Each term is then read from the remaining
//! sentences by the words around its number, in English first and in
//! German, Dutch and French as far as vendors commonly write them:
//!
//! - a price counts only with a currency (or right after a "unit price"
//!   label), and a price tied to "each" / "per unit" / "unit price" beats
//!   one tied to "offer", which beats one with no such word; totals, list
//!   prices, shipping, fees, "€20 off" and our own echoed numbers are not
//!   unit prices;
//! - a discount is a percentage next to a discount word, between 0 and 100,
//!   and not a payment-term, VAT or deposit percentage;
//! - a quantity is a number with a unit word or a quantity label, not a
//!   minimum order or a stock level;
//! - a delivery date is a date the nearest context word ties to delivery,
//!   not to validity, payment or our own request; relative terms ("within
//!   10 business days") count from [`ReplyEvidence::received_on`].
//!
//! When two different values remain for a term, the reply is ambiguous and
//! the term stays `None`: a wrong number here would become a wrong price in
//! a negotiation, and `None` only means a human reads the reply.

mod dates;
mod price;
mod terms;
mod text;

#[cfg(test)]
mod form_tests;
#[cfg(test)]
mod tests;

use std::sync::LazyLock;

use regex::Regex;

use crate::{ReplyEvidence, ReplyOffer};

/// The offer stated in a vendor's reply: unit price and its currency,
/// discount in percent, quantity and delivery date, each `None` unless the
/// vendor's own text in this message states it unambiguously.
pub fn read_reply(reply: &ReplyEvidence) -> ReplyOffer {
    let sentences = text::vendor_sentences(reply);
    let price = price::unit_price(&sentences);
    let offer = ReplyOffer {
        unit_price: price.as_ref().map(|p| p.amount),
        currency: price.and_then(|p| p.currency),
        discount_percent: terms::discount_percent(&sentences),
        quantity: terms::quantity(&sentences),
        delivery_date: dates::delivery_date(&sentences, reply.received_on),
    };
    tracing::debug!(
        sentences = sentences.len(),
        unit_price = ?offer.unit_price,
        currency = ?offer.currency,
        discount_percent = ?offer.discount_percent,
        quantity = ?offer.quantity,
        delivery_date = ?offer.delivery_date,
        "read a vendor reply offline"
    );
    offer
}

/// A regex of alternatives, each a whole word or phrase, case-insensitive.
/// The fragments are regex syntax (some use `\d` or `\w`), written here,
/// never built from input.
fn phrases(fragments: &[&str]) -> Regex {
    Regex::new(&format!(r"(?i)\b(?:{})\b", fragments.join("|"))).expect("built-in phrases compile")
}

/// Where a clause ends: a comma or semicolon, a bracket, or a contrasting
/// conjunction ("…, but we can offer …"). Context words beyond it describe
/// something else.
static CLAUSE_BREAK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i),\s|;|\(|\)|\b(?:but|however|whereas|aber|jedoch|maar|echter|mais)\b")
        .expect("clause breaks compile")
});

/// Phrases that introduce our own numbers repeated back to us ("you asked
/// for 20 units", "your target of €260"). A term in such a clause is not
/// the vendor's offer.
static ECHO: LazyLock<Regex> = LazyLock::new(|| {
    phrases(&[
        r"you (?:asked|requested|wanted|mentioned|proposed|suggested|specified)",
        r"your (?:request|requested|inquiry|enquiry|target|budget|deadline|proposal|email|message)",
        r"requested by you",
        r"as per your",
        r"ihre[rn]? (?:anfrage|wunsch\w*|ziel\w*|nachricht)",
        r"sie (?:wünschen|angefragt|angefordert|gefragt)",
        r"uw (?:aanvraag|verzoek|doel\w*|bericht)",
        r"u (?:vroeg|vraagt|wenst|noemde)",
        r"votre (?:demande|objectif|message|budget)",
        r"vous (?:avez demandé|demandez|souhaitez)",
    ])
});

/// The text of `sentence` before byte `at`, starting no earlier than
/// `floor`, at most `max_chars` long, and from the start of its clause.
fn context_before(sentence: &str, floor: usize, at: usize, max_chars: usize) -> &str {
    let mut start = floor.min(at);
    if let Some((i, _)) = sentence[start..at]
        .char_indices()
        .rev()
        .nth(max_chars.saturating_sub(1))
    {
        start += i;
    }
    let window = &sentence[start..at];
    match CLAUSE_BREAK.find_iter(window).last() {
        Some(m) => &window[m.end()..],
        None => window,
    }
}

/// The text of `sentence` from byte `at`, ending no later than `ceiling`,
/// at most `max_chars` long, and at the end of its clause.
fn context_after(sentence: &str, at: usize, ceiling: usize, max_chars: usize) -> &str {
    let ceiling = ceiling.min(sentence.len()).max(at);
    let mut window = &sentence[at..ceiling];
    if let Some((i, _)) = window.char_indices().nth(max_chars) {
        window = &window[..i];
    }
    match CLAUSE_BREAK.find(window) {
        Some(m) => &window[..m.start()],
        None => window,
    }
}

/// How far a clause is followed from a number, in characters: enough for
/// any real clause, and it keeps a run-on hostile "sentence" from making
/// every number scan all of it.
const CLAUSE_CHARS: usize = 200;

/// "… your target of €230 and we can deliver by 15 December": the vendor's
/// own statement starts again at "and" with a delivering or offering verb.
static OWN_STATEMENT_RESUMES: LazyLock<Regex> = LazyLock::new(|| {
    phrases(&[
        r"and (?:we |i )?(?:can |will |could |would |shall )?(?:deliver|ship|supply|offer|provide|dispatch)\w*",
        r"und (?:wir )?(?:können |werden )?(?:liefern|versenden|anbieten)",
        r"en (?:wij |we )?(?:kunnen |zullen )?(?:leveren|verzenden|aanbieden)",
        r"et (?:nous )?(?:pouvons |allons )?(?:livrer|expédier|proposer)",
    ])
});

/// Whether the clause holding bytes `start..end` of `sentence` repeats our
/// own request back to us.
fn in_echo_clause(sentence: &str, start: usize, end: usize) -> bool {
    let mut before = context_before(sentence, 0, start, CLAUSE_CHARS);
    if let Some(m) = OWN_STATEMENT_RESUMES.find_iter(before).last() {
        before = &before[m.start()..];
    }
    let mut after = context_after(sentence, end, sentence.len(), CLAUSE_CHARS);
    if let Some(m) = OWN_STATEMENT_RESUMES.find(after) {
        after = &after[..m.start()];
    }
    let clause = format!("{before}{}{after}", &sentence[start..end]);
    ECHO.is_match(&clause)
}

/// The cue whose match ends last in `window` (the word nearest before a
/// number). On a tie the longer match wins ("total price" over "price"),
/// then the earlier entry of `cues`, so list the cues that reject first.
fn last_cue<K: Copy>(window: &str, cues: &[(&Regex, K)]) -> Option<K> {
    let mut best: Option<((usize, usize, usize), K)> = None;
    for (rank, (regex, kind)) in cues.iter().enumerate() {
        for m in regex.find_iter(window) {
            let key = (m.end(), m.len(), usize::MAX - rank);
            if best.is_none_or(|(b, _)| key > b) {
                best = Some((key, *kind));
            }
        }
    }
    best.map(|(_, kind)| kind)
}

/// The cue whose match starts first in `window` (the word nearest after a
/// number), with the same tie rules as [`last_cue`].
fn first_cue<K: Copy>(window: &str, cues: &[(&Regex, K)]) -> Option<K> {
    let mut best: Option<((usize, usize, usize), K)> = None;
    for (rank, (regex, kind)) in cues.iter().enumerate() {
        if let Some(m) = regex.find(window) {
            let key = (usize::MAX - m.start(), m.len(), usize::MAX - rank);
            if best.is_none_or(|(b, _)| key > b) {
                best = Some((key, *kind));
            }
        }
    }
    best.map(|(_, kind)| kind)
}

/// The one value in `values`, or `None` when there is none or they differ.
fn the_only<T: PartialEq>(values: impl IntoIterator<Item = T>) -> Option<T> {
    let mut values = values.into_iter();
    let first = values.next()?;
    for other in values {
        if other != first {
            return None;
        }
    }
    Some(first)
}
