//! Constraints a `find` text states in words ("cheap monitor under 300",
//! "laptop 32 GB RAM", "Monitor 27 Zoll 4K"), read by the same parser as a
//! job's request. They do not filter (flags do that): a buyer who types
//! "under 300" still wants to see a near miss, below what fits. They move
//! candidates that meet them up.

use chrono::NaiveDate;
use procura_common::money::RateTable;
use procura_common::product::Product;
use procura_common::spec::{BudgetScope, SearchSpec};

use crate::ranking::specs::{Verdict, check};

/// How much the stated constraints can take off a candidate's score: one
/// that misses all of them keeps `1 - STATED_WEIGHT` of its fused score.
/// Multiplying (rather than adding) keeps a product that merely fits, but
/// is not what was asked for, where retrieval put it. Tuned with
/// `retrieval-bench`.
pub const STATED_WEIGHT: f32 = 0.5;

/// What the text asks for, beyond words to match.
pub struct Stated {
    spec: SearchSpec,
    today: NaiveDate,
}

impl Stated {
    pub fn read(text: &str, today: NaiveDate) -> Stated {
        let spec = crate::agent::plan::parser::parse_request(text, today).spec;
        Stated { spec, today }
    }

    /// Whether the text states anything a product can meet or miss.
    pub fn is_empty(&self) -> bool {
        self.unit_budget().is_none() && self.spec.required_specs.is_empty()
    }

    fn unit_budget(&self) -> Option<(rust_decimal::Decimal, &str)> {
        let budget = self.spec.budget.as_ref()?;
        match budget.scope {
            BudgetScope::PerUnit => Some((budget.amount, budget.currency.as_str())),
            BudgetScope::Total => match self.spec.quantity {
                Some(n) if n > 0 => Some((
                    budget.amount / rust_decimal::Decimal::from(n),
                    budget.currency.as_str(),
                )),
                _ => Some((budget.amount, budget.currency.as_str())),
            },
        }
    }

    /// How well a product meets the stated constraints, 0..=1: each met one
    /// counts 1, each the page does not settle ½, each missed 0. `None` when
    /// nothing is stated.
    pub fn fit(&self, product: &Product, rates: &RateTable) -> Option<f32> {
        if self.is_empty() {
            return None;
        }
        let mut points = 0.0f32;
        let mut checks = 0.0f32;
        if let Some((limit, currency)) = self.unit_budget() {
            checks += 1.0;
            let price = match (product.price, product.currency.as_deref()) {
                (Some(price), Some(from)) => rates
                    .convert(price, from, currency, self.today)
                    .ok()
                    .map(|c| c.amount),
                _ => None,
            };
            points += match price {
                Some(price) if price <= limit => 1.0,
                Some(_) => 0.0,
                None => 0.5,
            };
        }
        let title = product.title.as_deref().unwrap_or_default();
        let description = product.description.as_deref().unwrap_or_default();
        for req in &self.spec.required_specs {
            checks += 1.0;
            points += match check(req, title, &product.specs, description) {
                Verdict::Met(_) => 1.0,
                Verdict::Unknown => 0.5,
                Verdict::Unmet(_) => 0.0,
            };
        }
        Some(points / checks)
    }
}

/// Scales fused retrieval scores by the stated fit, best first. Scores are
/// divided by the best fused score first, so both fusions come out alike.
pub fn rerank(fused: &mut [(uuid::Uuid, f32)], fit: impl Fn(uuid::Uuid) -> Option<f32>) {
    let top = fused.iter().map(|f| f.1).fold(0.0f32, f32::max);
    if top <= 0.0 {
        return;
    }
    let mut any = false;
    for (id, score) in fused.iter_mut() {
        if let Some(fit) = fit(*id) {
            any = true;
            *score = (*score / top) * (1.0 - STATED_WEIGHT + STATED_WEIGHT * fit);
        } else {
            *score /= top;
        }
    }
    if any {
        fused.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;
    use uuid::Uuid;

    fn product(title: &str, price: i64, currency: &str) -> Product {
        Product {
            id: Uuid::new_v4(),
            job_id: Uuid::nil(),
            vendor: "Northwind".into(),
            url: "http://127.0.0.1/p".into(),
            title: Some(title.into()),
            brand: None,
            sku: None,
            gtin: None,
            mpn: None,
            price: Some(Decimal::from(price)),
            list_price: None,
            currency: Some(currency.into()),
            availability: Some("InStock".into()),
            image: None,
            description: None,
            specs: serde_json::json!({}),
            methods: Default::default(),
            confidence: None,
            screenshot_blob: None,
            html_blob: None,
            created_at: chrono::Utc::now(),
            delivery: None,
        }
    }

    #[test]
    fn a_stated_budget_is_met_in_any_currency() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
        let rates = RateTable::default();
        let stated = Stated::read("cheap monitor under 300 EUR", today);
        assert!(!stated.is_empty());
        assert_eq!(
            stated.fit(&product("Monitor", 250, "EUR"), &rates),
            Some(1.0)
        );
        assert_eq!(
            stated.fit(&product("Monitor", 400, "USD"), &rates),
            Some(0.0)
        );
        // 300 USD ≈ 259 EUR at the default rates.
        assert_eq!(
            stated.fit(&product("Monitor", 300, "USD"), &rates),
            Some(1.0)
        );
        assert!(Stated::read("ergonomic office chair", today).is_empty());
    }

    #[test]
    fn stated_specs_count_met_unknown_and_missed() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
        let rates = RateTable::default();
        let stated = Stated::read("27 inch monitor", today);
        let mut met = product("Lumora 27 inch QHD monitor", 200, "EUR");
        met.specs = serde_json::json!({"Screen size": "27 inch"});
        let mut missed = product("Lumora 24 inch monitor", 200, "EUR");
        missed.specs = serde_json::json!({"Screen size": "24 inch"});
        let unknown = product("Lumora monitor", 200, "EUR");
        assert_eq!(stated.fit(&met, &rates), Some(1.0));
        assert_eq!(stated.fit(&missed, &rates), Some(0.0));
        assert_eq!(stated.fit(&unknown, &rates), Some(0.5));
    }

    #[test]
    fn rerank_moves_what_fits_up() {
        let (a, b) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let mut fused = vec![(a, 0.9), (b, 0.8)];
        rerank(&mut fused, |id| Some(if id == b { 1.0 } else { 0.0 }));
        assert_eq!(fused[0].0, b, "{fused:?}");
        let mut plain = vec![(a, 0.9), (b, 0.8)];
        rerank(&mut plain, |_| None);
        assert_eq!(plain[0].0, a);
        assert!((plain[0].1 - 1.0).abs() < 1e-6);
    }
}
