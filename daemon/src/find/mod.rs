//! `find`: products the organization has seen, by meaning and by
//! constraint. Candidates come from the lexical index (Postgres full text)
//! and, when an embedder and a vector store are configured, from vector
//! similarity; the two rankings are fused, constraints the text states in
//! words ("under 300", "27 inch") move what meets them up, then every
//! constraint given as a flag is checked exactly against Postgres (prices
//! converted with the dated rates).

use std::collections::HashMap;

use chrono::Utc;
use procura_common::error::ApiError;
use procura_common::money::RateTable;
use procura_common::product::Product;
use procura_common::rank::{FindRequest, Found, Money, SearchMode};
use procura_vector::Filter;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use uuid::Uuid;

use crate::db::{Database, DbError};

mod stated;
use crate::ranking::specs::{Verdict, check};

/// Candidates taken from each ranking before fusion and filtering.
const CANDIDATES: usize = 200;
/// Reciprocal-rank-fusion constant (Cormack et al.; 60 is the usual choice).
const RRF_K: f32 = 60.0;

/// How two rankings become one (`search.fusion` in the config). The
/// default is the one that won `retrieval-bench` (docs/benchmarks.md).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Fusion {
    /// Sum of 1 / (k + rank) over the rankings a product is in.
    #[serde(rename = "rrf")]
    ReciprocalRank,
    #[default]
    #[serde(rename = "weighted")]
    /// Scores scaled to 0..1 within each ranking, then a convex combination
    /// (`search.lexical_weight` for the lexical ranking).
    Weighted,
}

impl std::str::FromStr for Fusion {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "rrf" => Ok(Fusion::ReciprocalRank),
            "weighted" => Ok(Fusion::Weighted),
            other => Err(format!("{other:?}: the fusions are rrf and weighted")),
        }
    }
}

/// Ids by fused score, best first. Either ranking may be empty (a search by
/// words only or by meaning only). `lexical_weight` (0..=1) is the share of
/// the lexical ranking in [`Fusion::Weighted`]; the vector ranking gets the
/// rest. Reciprocal-rank fusion weighs both alike.
pub fn fuse(
    lexical: &[(Uuid, f32)],
    vector: &[(Uuid, f32)],
    fusion: Fusion,
    lexical_weight: f32,
) -> Vec<(Uuid, f32)> {
    let mut scores: HashMap<Uuid, f32> = HashMap::new();
    let lexical_weight = lexical_weight.clamp(0.0, 1.0);
    for (ranking, weight) in [(lexical, lexical_weight), (vector, 1.0 - lexical_weight)] {
        let top = ranking.first().map_or(0.0, |r| r.1);
        let bottom = ranking.last().map_or(0.0, |r| r.1);
        for (rank, (id, score)) in ranking.iter().enumerate() {
            let add = match fusion {
                Fusion::ReciprocalRank => 1.0 / (RRF_K + rank as f32 + 1.0),
                Fusion::Weighted if top > bottom => weight * (score - bottom) / (top - bottom),
                Fusion::Weighted => weight,
            };
            *scores.entry(*id).or_default() += add;
        }
    }
    let mut fused: Vec<(Uuid, f32)> = scores.into_iter().collect();
    fused.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    fused
}

fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::InvalidRequest(message.into())
}

fn db_error(e: DbError) -> ApiError {
    tracing::error!(error = %e, "find failed on the database");
    ApiError::Internal(e.to_string())
}

/// Checks a request and fills its defaults; names what is wrong.
pub fn validate(mut request: FindRequest, rates: &RateTable) -> Result<FindRequest, ApiError> {
    request.text = procura_common::text::sanitize(request.text.trim());
    if request.text.chars().count() > 1000 {
        return Err(invalid("the search text is over 1000 characters"));
    }
    if request.text.is_empty() {
        return Err(invalid(
            "say what to find, e.g. `procura find \"ergonomic chair\"`",
        ));
    }
    request.limit = match request.limit {
        0 => 20,
        n => n.min(200),
    };
    for (what, value) in [("min", request.min_price), ("max", request.max_price)] {
        if value.is_some_and(|v| v < Decimal::ZERO) {
            return Err(invalid(format!("the {what} price cannot be negative")));
        }
    }
    if let (Some(min), Some(max)) = (request.min_price, request.max_price)
        && min > max
    {
        return Err(invalid(format!(
            "the min price {min} is above the max price {max}"
        )));
    }
    let currency = request
        .currency
        .take()
        .unwrap_or_else(|| rates.base.clone());
    rates
        .rate(&currency, Utc::now().date_naive())
        .map_err(|e| invalid(e.to_string()))?;
    request.currency = Some(currency.to_ascii_uppercase());
    if let Some(a) = &request.availability
        && a != "InStock"
        && a != "OutOfStock"
    {
        return Err(invalid(format!(
            "availability {a:?}: use InStock or OutOfStock"
        )));
    }
    Ok(request)
}

/// Whether `product` meets every constraint of `request`; its price in the
/// request's currency when it has one.
fn admit(product: &Product, request: &FindRequest, rates: &RateTable) -> Option<Option<Money>> {
    if let Some(a) = &request.availability
        && product.availability.as_deref().unwrap_or("InStock") != a
    {
        return None;
    }
    let currency = request.currency.as_deref().unwrap_or(&rates.base);
    let converted = match (product.price, product.currency.as_deref()) {
        (Some(price), Some(from)) => rates
            .convert(price, from, currency, Utc::now().date_naive())
            .ok()
            .map(|c| c.amount),
        _ => None,
    };
    let ranged = request.min_price.is_some() || request.max_price.is_some();
    if ranged {
        let price = converted?;
        if request.min_price.is_some_and(|min| price < min)
            || request.max_price.is_some_and(|max| price > max)
        {
            return None;
        }
    }
    let title = product.title.as_deref().unwrap_or_default();
    let description = product.description.as_deref().unwrap_or_default();
    for req in &request.specs {
        if !matches!(
            check(req, title, &product.specs, description),
            Verdict::Met(_)
        ) {
            return None;
        }
    }
    let shown = product
        .currency
        .as_deref()
        .is_some_and(|c| !c.eq_ignore_ascii_case(currency));
    Some(converted.filter(|_| shown).map(|amount| Money {
        amount: amount.round_dp(2),
        currency: currency.to_string(),
    }))
}

/// Where `find` looks.
pub struct Finder<'a> {
    pub db: &'a Database,
    pub rates: &'a RateTable,
    pub semantic: Option<&'a crate::semantic::Semantic>,
    /// Why `semantic` is `None`, for the error a vector-only search gets.
    pub semantic_unavailable: Option<&'a str>,
}

impl Finder<'_> {
    /// Runs a validated request for an organization.
    pub async fn find(
        &self,
        organization_id: Uuid,
        request: &FindRequest,
        fusion: Fusion,
        lexical_weight: f32,
    ) -> Result<Vec<Found>, ApiError> {
        let mut lexical = Vec::new();
        let mut vector = Vec::new();
        if request.mode != SearchMode::Vector {
            lexical = self
                .db
                .lexical_search(
                    organization_id,
                    request.job,
                    &request.vendors,
                    &request.brands,
                    &request.text,
                    CANDIDATES,
                )
                .await
                .map_err(db_error)?;
        }
        if request.mode != SearchMode::Lexical {
            match self.semantic {
                Some(semantic) => {
                    let currency = request.currency.as_deref().unwrap_or(&self.rates.base);
                    let today = Utc::now().date_naive();
                    // The index filters on the base-currency price; a margin
                    // covers rounding, and the exact check follows below.
                    let to_base = |v: Decimal| {
                        self.rates
                            .convert(v, currency, &self.rates.base, today)
                            .ok()
                            .and_then(|c| c.amount.to_f64())
                    };
                    let filter = Filter {
                        organization: organization_id.to_string(),
                        job: request.job,
                        vendors: Vec::new(),
                        brands: Vec::new(),
                        categories: Vec::new(),
                        availability: request.availability.clone(),
                        price_base_min: request.min_price.and_then(to_base).map(|v| v * 0.99),
                        price_base_max: request.max_price.and_then(to_base).map(|v| v * 1.01),
                    };
                    vector = semantic
                        .search(&filter, &request.text, CANDIDATES)
                        .await
                        .map_err(|e| ApiError::Unavailable(e.to_string()))?;
                }
                None if request.mode == SearchMode::Vector => {
                    return Err(ApiError::Unavailable(format!(
                        "search by meaning is unavailable: {}",
                        self.semantic_unavailable.unwrap_or("not configured")
                    )));
                }
                None => {}
            }
        }
        let mut fused = fuse(&lexical, &vector, fusion, lexical_weight);
        let ids: Vec<Uuid> = fused.iter().map(|(id, _)| *id).collect();
        let mut products: HashMap<Uuid, Product> = self
            .db
            .products_by_ids(organization_id, &ids)
            .await
            .map_err(db_error)?
            .into_iter()
            .map(|p| (p.id, p))
            .collect();
        let stated = stated::Stated::read(&request.text, Utc::now().date_naive());
        if !stated.is_empty() {
            stated::rerank(&mut fused, |id| {
                products.get(&id).and_then(|p| stated.fit(p, self.rates))
            });
        }
        let mut found = Vec::new();
        for (id, score) in fused {
            let Some(product) = products.remove(&id) else {
                continue;
            };
            let vendor_ok = request.vendors.is_empty()
                || request
                    .vendors
                    .iter()
                    .any(|v| v.eq_ignore_ascii_case(&product.vendor));
            let brand_ok = request.brands.is_empty()
                || product
                    .brand
                    .as_deref()
                    .is_some_and(|b| request.brands.iter().any(|w| w.eq_ignore_ascii_case(b)));
            if !vendor_ok || !brand_ok {
                continue;
            }
            let Some(converted) = admit(&product, request, self.rates) else {
                continue;
            };
            found.push(Found {
                product,
                score,
                converted,
            });
            if found.len() >= request.limit as usize {
                break;
            }
        }
        Ok(found)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fusion_rewards_agreement() {
        let (a, b, c) = (Uuid::from_u128(1), Uuid::from_u128(2), Uuid::from_u128(3));
        let lexical = vec![(a, 0.9), (b, 0.5), (c, 0.1)];
        let vector = vec![(b, 0.8), (c, 0.7), (a, 0.1)];
        let rrf = fuse(&lexical, &vector, Fusion::ReciprocalRank, 0.5);
        assert_eq!(rrf[0].0, b, "{rrf:?}");
        let weighted = fuse(&lexical, &vector, Fusion::Weighted, 0.5);
        assert_eq!(weighted[0].0, b, "{weighted:?}");
        assert!(fuse(&[], &[], Fusion::Weighted, 0.5).is_empty());
        // Words first: the lexical winner leads once its share is large enough.
        let words_first = fuse(&lexical, &vector, Fusion::Weighted, 0.8);
        assert_eq!(words_first[0].0, a, "{words_first:?}");
        // One ranking alone keeps its order under either fusion.
        for fusion in [Fusion::ReciprocalRank, Fusion::Weighted] {
            let alone: Vec<Uuid> = fuse(&[], &vector, fusion, 0.6)
                .iter()
                .map(|r| r.0)
                .collect();
            assert_eq!(alone, vec![b, c, a]);
        }
    }

    #[test]
    fn bad_requests_are_named() {
        let rates = RateTable::default();
        let req = |f: fn(&mut FindRequest)| {
            let mut r = FindRequest {
                text: "chair".into(),
                ..FindRequest::default()
            };
            f(&mut r);
            validate(r, &rates).map(|_| ()).unwrap_err().to_string()
        };
        assert!(req(|r| r.text = "  ".into()).contains("say what to find"));
        assert!(req(|r| r.currency = Some("XAU".into())).contains("no exchange rate for XAU"));
        assert!(
            req(|r| {
                r.min_price = Some(Decimal::new(5, 0));
                r.max_price = Some(Decimal::new(1, 0));
            })
            .contains("above the max price")
        );
        assert!(req(|r| r.availability = Some("maybe".into())).contains("InStock or OutOfStock"));
        let ok = validate(
            FindRequest {
                text: "chair".into(),
                ..FindRequest::default()
            },
            &rates,
        )
        .unwrap();
        assert_eq!((ok.limit, ok.currency.as_deref()), (20, Some("EUR")));
    }
}
