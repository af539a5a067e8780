//! What model calls cost: a price table from the configuration, per model,
//! in a currency per million tokens.

use std::collections::HashMap;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use crate::Usage;

/// Prices of one model per million tokens (the currency is the
/// organization's; the table does not name it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelPrice {
    pub input: Decimal,
    pub output: Decimal,
}

/// Model name → price, as written in the configuration:
///
/// ```toml
/// [llm.prices]
/// "gpt-4o-mini" = { input = "0.15", output = "0.60" }
/// ```
///
/// Prices may be strings (exact) or numbers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PriceTable {
    models: HashMap<String, ModelPrice>,
}

const PER: u64 = 1_000_000;
const DP: u32 = 6;

impl PriceTable {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn insert(&mut self, model: impl Into<String>, price: ModelPrice) {
        self.models.insert(model.into(), price);
    }

    pub fn is_empty(&self) -> bool {
        self.models.is_empty()
    }

    /// The price of `model`: its own entry, else the entry of the longest
    /// configured name it extends with a `-suffix`, so that a dated
    /// snapshot (`gpt-4o-mini-2024-07-18`) is priced as its family.
    pub fn price(&self, model: &str) -> Option<&ModelPrice> {
        if let Some(p) = self.models.get(model) {
            return Some(p);
        }
        self.models
            .iter()
            .filter(|(name, _)| {
                model
                    .strip_prefix(name.as_str())
                    .is_some_and(|rest| rest.starts_with('-'))
            })
            .max_by_key(|(name, _)| name.len())
            .map(|(_, p)| p)
    }

    /// The cost of a call, rounded to 6 decimal places (half away from
    /// zero); `None` for a model the table does not price.
    pub fn cost(&self, usage: &Usage) -> Option<Decimal> {
        let price = self.price(&usage.model)?;
        let tokens_in = Decimal::from(usage.tokens_in);
        let tokens_out = Decimal::from(usage.tokens_out);
        let total = tokens_in
            .checked_mul(price.input)?
            .checked_add(tokens_out.checked_mul(price.output)?)?;
        let cost = total.checked_div(Decimal::from(PER))?;
        Some(cost.round_dp_with_strategy(DP, RoundingStrategy::MidpointAwayFromZero))
    }
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;
    use crate::Task;

    fn usage(model: &str, tokens_in: u64, tokens_out: u64) -> Usage {
        Usage {
            task: Task::Plan,
            model: model.into(),
            tokens_in,
            tokens_out,
        }
    }

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn reads_the_configuration_map() {
        let table: PriceTable = toml::from_str(
            r#"
            "gpt-4o-mini" = { input = "0.15", output = "0.60" }
            "gpt-4o" = { input = 2.5, output = 10 }
            "#,
        )
        .unwrap();
        assert_eq!(
            table.price("gpt-4o-mini"),
            Some(&ModelPrice {
                input: d("0.15"),
                output: d("0.60")
            })
        );
        assert_eq!(table.price("gpt-4o").map(|p| p.output), Some(d("10")));
        let json: PriceTable =
            serde_json::from_str(r#"{"m": {"input": "1", "output": "2"}}"#).unwrap();
        assert!(json.price("m").is_some());
        assert!(
            toml::from_str::<PriceTable>(r#"m = { input = "1", ouput = "2" }"#).is_err(),
            "a misspelt key is an error, not a free model"
        );
    }

    #[test]
    fn cost_is_per_million_tokens_rounded_to_six_places() {
        let mut table = PriceTable::new();
        table.insert(
            "gpt-4o-mini",
            ModelPrice {
                input: d("0.15"),
                output: d("0.60"),
            },
        );
        // 1234 × 0.15 / 1e6 + 567 × 0.60 / 1e6 = 0.0001851 + 0.0003402
        assert_eq!(
            table.cost(&usage("gpt-4o-mini", 1234, 567)),
            Some(d("0.000525"))
        );
        assert_eq!(
            table.cost(&usage("gpt-4o-mini", 1_000_000, 1_000_000)),
            Some(d("0.75"))
        );
        assert_eq!(table.cost(&usage("gpt-4o-mini", 0, 0)), Some(d("0")));
        // Half a millionth rounds away from zero.
        table.insert(
            "half",
            ModelPrice {
                input: d("0.5"),
                output: d("0"),
            },
        );
        assert_eq!(table.cost(&usage("half", 1, 0)), Some(d("0.000001")));
        assert_eq!(table.cost(&usage("unknown-model", 10, 10)), None);
        assert!(
            table
                .cost(&usage("gpt-4o-mini", u64::MAX, u64::MAX))
                .is_some(),
            "huge counts do not overflow"
        );
    }

    #[test]
    fn dated_snapshots_take_their_family_price() {
        let mut table = PriceTable::new();
        let p = |i: &str| ModelPrice {
            input: d(i),
            output: d(i),
        };
        table.insert("gpt-4o", p("2.5"));
        table.insert("gpt-4o-mini", p("0.15"));
        assert_eq!(
            table.price("gpt-4o-mini-2024-07-18").map(|p| p.input),
            Some(d("0.15"))
        );
        assert_eq!(
            table.price("gpt-4o-2024-08-06").map(|p| p.input),
            Some(d("2.5"))
        );
        assert_eq!(table.price("gpt-4omni"), None);
    }
}
