//! Ranking a job's products: hard constraints first (price known, in stock,
//! arriving by the deadline where the delivery time is known, within
//! budget, required specs), then a score of spec fit, similarity to
//! the request, price against the same item elsewhere and against the rest,
//! and vendor preference. Every place and every exclusion gets one line a
//! buyer can read. Pure: the `rank` node feeds it and stores what it says.

pub mod deadline;
pub mod specs;

use chrono::NaiveDate;
use procura_common::money::RateTable;
use procura_common::product::Product;
use procura_common::rank::Money;
use procura_common::spec::{BudgetScope, Comparator, SearchSpec};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use uuid::Uuid;

use deadline::Arrival;
use specs::Verdict;

/// Weights of the score's parts; they sum to 1.
const FIT: f64 = 0.35;
const SIMILARITY: f64 = 0.30;
const PRICE: f64 = 0.25;
const VENDOR: f64 = 0.10;

/// One product to rank, with what the caller knows beyond the product.
pub struct Candidate<'a> {
    pub product: &'a Product,
    /// Cosine similarity of the request and the product (0..1), when the
    /// embedder ran; else a word overlap stands in.
    pub similarity: Option<f32>,
    /// The cross-vendor group (same item at several vendors).
    pub group: Option<u32>,
}

/// What the ranking said of one product.
#[derive(Debug, Clone, PartialEq)]
pub struct Ranked {
    pub product_id: Uuid,
    pub position: Option<u32>,
    pub excluded: bool,
    pub score: f32,
    pub reason: String,
    pub group: Option<u32>,
    pub compare_price: Option<Money>,
    pub rate_day: Option<NaiveDate>,
}

/// The request side of the ranking.
pub struct Request<'a> {
    pub spec: &'a SearchSpec,
    pub text: &'a str,
    pub rates: &'a RateTable,
    pub today: NaiveDate,
}

impl Request<'_> {
    /// The currency prices are compared in: the budget's, else the base.
    pub fn currency(&self) -> String {
        self.spec
            .budget
            .as_ref()
            .map(|b| b.currency.clone())
            .unwrap_or_else(|| self.rates.base.clone())
    }

    /// The most one unit may cost, in [`Request::currency`].
    fn unit_budget(&self) -> Option<Decimal> {
        let budget = self.spec.budget.as_ref()?;
        Some(match budget.scope {
            BudgetScope::PerUnit => budget.amount,
            BudgetScope::Total => {
                let quantity = Decimal::from(self.spec.quantity.unwrap_or(1).max(1));
                budget.amount / quantity
            }
        })
    }
}

fn money(amount: Decimal, currency: &str) -> Money {
    Money {
        amount: amount.round_dp(2),
        currency: currency.to_string(),
    }
}

fn comparator_word(c: Comparator) -> &'static str {
    match c {
        Comparator::Eq => "",
        Comparator::AtLeast => "≥ ",
        Comparator::AtMost => "≤ ",
    }
}

/// Words of the request found in the title, as a stand-in similarity.
fn word_overlap(request: &str, title: &str) -> f32 {
    let title = title.to_lowercase();
    let words: Vec<String> = request
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.len() > 2)
        .map(str::to_owned)
        .collect();
    if words.is_empty() {
        return 0.0;
    }
    let found = words
        .iter()
        .filter(|w| title.contains(w.trim_end_matches('s')))
        .count();
    found as f32 / words.len() as f32
}

struct Kept<'a> {
    candidate: &'a Candidate<'a>,
    price: Decimal,
    rate_day: Option<NaiveDate>,
    met: usize,
    unknown: Vec<String>,
    similarity: f32,
    arrival: Arrival,
}

/// Ranks `candidates` for `request`: kept products by score (1-based
/// positions), then the excluded ones.
pub fn rank(request: &Request<'_>, candidates: &[Candidate<'_>]) -> Vec<Ranked> {
    let currency = request.currency();
    let unit_budget = request.unit_budget();
    let mut kept: Vec<Kept<'_>> = Vec::new();
    let mut out: Vec<Ranked> = Vec::new();
    for candidate in candidates {
        let p = candidate.product;
        let exclude = |reason: String, compare: Option<(Decimal, Option<NaiveDate>)>| Ranked {
            product_id: p.id,
            position: None,
            excluded: true,
            score: 0.0,
            reason,
            group: candidate.group,
            compare_price: compare.map(|(a, _)| money(a, &currency)),
            rate_day: compare.and_then(|(_, d)| d),
        };
        let (Some(price), Some(from)) = (p.price, p.currency.as_deref()) else {
            out.push(exclude(
                format!("excluded: {} shows no price", p.vendor),
                None,
            ));
            continue;
        };
        let converted = match request.rates.convert(price, from, &currency, request.today) {
            Ok(c) => c,
            Err(e) => {
                out.push(exclude(
                    format!("excluded: cannot compare its price: {e}"),
                    None,
                ));
                continue;
            }
        };
        let compare = Some((converted.amount, converted.rate_day));
        let shown = if from.eq_ignore_ascii_case(&currency) {
            format!("{} {from}", price.round_dp(2))
        } else {
            format!(
                "{} {from} ≈ {}",
                price.round_dp(2),
                money(converted.amount, &currency)
            )
        };
        if p.availability.as_deref() == Some("OutOfStock") {
            out.push(exclude(
                format!("excluded: out of stock at {}", p.vendor),
                compare,
            ));
            continue;
        }
        let arrival = deadline::check(p.delivery, request.spec.deadline, request.today);
        if let Some(reason) = arrival.exclusion(&p.vendor, request.today) {
            out.push(exclude(reason, compare));
            continue;
        }
        if let Some(limit) = unit_budget
            && converted.amount > limit
        {
            let reason = format!(
                "excluded: {shown} per unit is over the budget of {} per unit",
                money(limit, &currency)
            );
            out.push(exclude(reason, compare));
            continue;
        }
        let title = p.title.as_deref().unwrap_or_default();
        let description = p.description.as_deref().unwrap_or_default();
        let mut met = 0;
        let mut unknown = Vec::new();
        let mut unmet = None;
        for req in &request.spec.required_specs {
            match specs::check(req, title, &p.specs, description) {
                Verdict::Met(_) => met += 1,
                Verdict::Unknown => unknown.push(req.text.trim().to_string()),
                Verdict::Unmet(evidence) => {
                    unmet = Some(format!(
                        "excluded: {evidence}, the request needs {}{}{}",
                        comparator_word(req.comparator),
                        req.value,
                        req.unit
                            .as_deref()
                            .map(|u| format!(" {u}"))
                            .unwrap_or_default()
                    ));
                    break;
                }
            }
        }
        if let Some(reason) = unmet {
            out.push(exclude(reason, compare));
            continue;
        }
        let similarity = candidate
            .similarity
            .unwrap_or_else(|| word_overlap(request.text, title))
            .clamp(0.0, 1.0);
        kept.push(Kept {
            candidate,
            price: converted.amount,
            rate_day: converted.rate_day,
            met,
            unknown,
            similarity,
            arrival,
        });
    }

    let cheapest = kept.iter().map(|k| k.price).min();
    let mut scored: Vec<(f64, Ranked)> =
        kept.iter()
            .map(|k| {
                let p = k.candidate.product;
                let same_item: Vec<&Kept<'_>> = match k.candidate.group {
                    Some(g) => kept
                        .iter()
                        .filter(|o| o.candidate.group == Some(g))
                        .collect(),
                    None => vec![k],
                };
                let group_min = same_item.iter().map(|o| o.price).min().unwrap_or(k.price);
                let ratio = |min: Decimal| {
                    if k.price > Decimal::ZERO {
                        (min / k.price).to_f64().unwrap_or(0.0)
                    } else {
                        1.0
                    }
                };
                let price_score = 0.5 * ratio(group_min) + 0.5 * ratio(cheapest.unwrap_or(k.price));
                let total = request.spec.required_specs.len();
                let fit = if total == 0 {
                    1.0
                } else {
                    (k.met as f64 + 0.5 * k.unknown.len() as f64) / total as f64
                };
                let preferred =
                    request.spec.preferred_vendors.iter().any(|v| {
                        !v.is_empty() && p.vendor.to_lowercase().contains(&v.to_lowercase())
                    });
                let vendor = if preferred { 1.0 } else { 0.5 };
                let score = FIT * fit
                    + SIMILARITY * f64::from(k.similarity)
                    + PRICE * price_score
                    + VENDOR * vendor;

                let from = p.currency.as_deref().unwrap_or_default();
                let price = p.price.unwrap_or_default().round_dp(2);
                let mut parts = vec![if from.eq_ignore_ascii_case(&currency) {
                    format!("{price} {from} at {}", p.vendor)
                } else {
                    format!(
                        "{price} {from} ≈ {} at {}",
                        money(k.price, &currency),
                        p.vendor
                    )
                }];
                parts.extend(k.arrival.kept_part(request.today));
                if total > 0 {
                    let mut fit_text = format!("meets {} of {total} required specs", k.met);
                    if !k.unknown.is_empty() {
                        fit_text.push_str(&format!(" (page silent on {})", k.unknown.join(", ")));
                    }
                    parts.push(fit_text);
                }
                if same_item.len() > 1 {
                    if k.price == group_min {
                        parts.push(format!(
                            "cheapest of {} vendors for this item",
                            same_item.len()
                        ));
                    } else {
                        parts.push(format!(
                            "{} more than the cheapest of {} vendors for this item",
                            money(k.price - group_min, &currency),
                            same_item.len()
                        ));
                    }
                } else if Some(k.price) == cheapest {
                    parts.push("lowest price on the list".into());
                }
                parts.push(format!("match to the request {:.2}", k.similarity));
                if preferred {
                    parts.push("preferred vendor".into());
                }
                let ranked = Ranked {
                    product_id: p.id,
                    position: None,
                    excluded: false,
                    score: score as f32,
                    reason: parts.join("; "),
                    group: k.candidate.group,
                    compare_price: Some(money(k.price, &currency)),
                    rate_day: k.rate_day,
                };
                (score, ranked)
            })
            .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut ranked: Vec<Ranked> = scored
        .into_iter()
        .enumerate()
        .map(|(i, (_, mut r))| {
            let position = i as u32 + 1;
            r.position = Some(position);
            r.reason = format!("#{position}: {}", r.reason);
            r
        })
        .collect();
    ranked.extend(out);
    ranked
}

#[cfg(test)]
mod tests;
