//! Currency conversion from a dated table of exchange rates, with no network:
//! the rates come from the configuration (or the dated defaults below), so a
//! ranking can always say which day's rate it used.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// Units of each currency for one unit of `base`, by the day they were set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateTable {
    /// ISO 4217 code every rate is quoted against.
    pub base: String,
    /// Day → currency → units per one `base`.
    pub rates: BTreeMap<NaiveDate, BTreeMap<String, Decimal>>,
}

/// An amount converted, with the rate's day (for the reason a buyer reads).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Converted {
    pub amount: Decimal,
    pub rate_day: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("no exchange rate for {0}: add it under [currency.rates] in the config")]
    NoRate(String),
    #[error("{0:?} is not an ISO 4217 currency code")]
    BadCode(String),
}

/// The day the built-in rates were set.
pub const DEFAULT_RATES_DAY: &str = "2026-11-02";

impl Default for RateTable {
    /// Reference rates against the euro, dated [`DEFAULT_RATES_DAY`]. They
    /// make a first search rank offers in several currencies sensibly; an
    /// organization that buys for real sets its own under `[currency]`.
    fn default() -> Self {
        let day = NaiveDate::parse_from_str(DEFAULT_RATES_DAY, "%Y-%m-%d").unwrap_or_default();
        let table: &[(&str, i64, u32)] = &[
            ("USD", 11580, 4),
            ("GBP", 8790, 4),
            ("CHF", 9310, 4),
            ("JPY", 17820, 2),
            ("SEK", 110400, 4),
            ("NOK", 117100, 4),
            ("DKK", 74620, 4),
            ("PLN", 42440, 4),
            ("CZK", 243200, 4),
            ("HUF", 38950, 2),
            ("CAD", 16250, 4),
            ("AUD", 17710, 4),
            ("CNY", 82600, 4),
            ("INR", 10250, 2),
            ("RUB", 9350, 2),
            ("BRL", 62300, 4),
            ("MXN", 213400, 4),
        ];
        let day_rates = table
            .iter()
            .map(|(code, mantissa, scale)| (code.to_string(), Decimal::new(*mantissa, *scale)))
            .collect();
        RateTable {
            base: "EUR".into(),
            rates: BTreeMap::from([(day, day_rates)]),
        }
    }
}

fn check_code(code: &str) -> Result<String, MoneyError> {
    let upper = code.trim().to_ascii_uppercase();
    if upper.len() == 3 && upper.bytes().all(|b| b.is_ascii_uppercase()) {
        Ok(upper)
    } else {
        Err(MoneyError::BadCode(code.to_string()))
    }
}

impl RateTable {
    /// Checks codes and that every rate is positive; names what is wrong.
    pub fn validate(&self) -> Result<(), String> {
        check_code(&self.base).map_err(|e| e.to_string())?;
        for (day, rates) in &self.rates {
            for (code, rate) in rates {
                check_code(code).map_err(|e| format!("rates of {day}: {e}"))?;
                if *rate <= Decimal::ZERO {
                    return Err(format!("rates of {day}: {code} must be above zero"));
                }
            }
        }
        Ok(())
    }

    /// Units of `currency` per one base unit on `day`: the latest rate set
    /// on or before `day`, else the earliest one set after it.
    pub fn rate(
        &self,
        currency: &str,
        day: NaiveDate,
    ) -> Result<(Decimal, Option<NaiveDate>), MoneyError> {
        let code = check_code(currency)?;
        if code == self.base {
            return Ok((Decimal::ONE, None));
        }
        let on_or_before = self
            .rates
            .range(..=day)
            .rev()
            .find_map(|(d, r)| r.get(&code).map(|v| (*v, Some(*d))));
        on_or_before
            .or_else(|| {
                self.rates
                    .range(day..)
                    .find_map(|(d, r)| r.get(&code).map(|v| (*v, Some(*d))))
            })
            .ok_or(MoneyError::NoRate(code))
    }

    /// `amount` of `from` in `to`, at the rates of `day`.
    pub fn convert(
        &self,
        amount: Decimal,
        from: &str,
        to: &str,
        day: NaiveDate,
    ) -> Result<Converted, MoneyError> {
        let (from_rate, from_day) = self.rate(from, day)?;
        let (to_rate, to_day) = self.rate(to, day)?;
        if check_code(from)? == check_code(to)? {
            return Ok(Converted {
                amount,
                rate_day: None,
            });
        }
        Ok(Converted {
            amount: amount / from_rate * to_rate,
            rate_day: from_day.max(to_day),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn converts_through_the_base_with_the_day_used() {
        let mut table = RateTable::default();
        table.rates.insert(
            day("2026-11-20"),
            BTreeMap::from([("USD".into(), Decimal::new(12, 1))]),
        );
        let usd = table
            .convert(Decimal::new(120, 0), "USD", "EUR", day("2026-11-25"))
            .unwrap();
        assert_eq!(usd.amount, Decimal::new(100, 0));
        assert_eq!(usd.rate_day, Some(day("2026-11-20")));
        // Before the newer day, the older rate holds.
        let old = table
            .convert(Decimal::new(11580, 2), "usd", "EUR", day("2026-11-10"))
            .unwrap();
        assert_eq!(old.amount.round_dp(2), Decimal::new(10000, 2));
        // GBP → USD crosses through the base.
        let cross = table
            .convert(Decimal::new(879, 0), "GBP", "USD", day("2026-11-05"))
            .unwrap();
        assert_eq!(cross.amount.round_dp(2), Decimal::new(115800, 2));
        let same = table
            .convert(Decimal::new(5, 0), "GBP", "gbp", day("2026-11-05"))
            .unwrap();
        assert_eq!(same.amount, Decimal::new(5, 0));
    }

    #[test]
    fn missing_and_bad_codes_are_named() {
        let table = RateTable::default();
        let err = table
            .convert(Decimal::ONE, "XAU", "EUR", day("2026-11-05"))
            .unwrap_err();
        assert_eq!(err, MoneyError::NoRate("XAU".into()));
        assert!(err.to_string().contains("[currency.rates]"));
        assert!(matches!(
            table.convert(Decimal::ONE, "€", "EUR", day("2026-11-05")),
            Err(MoneyError::BadCode(_))
        ));
        let mut bad = RateTable::default();
        bad.rates.insert(
            day("2026-01-01"),
            BTreeMap::from([("USD".into(), Decimal::ZERO)]),
        );
        assert!(
            bad.validate()
                .unwrap_err()
                .contains("USD must be above zero")
        );
        assert!(RateTable::default().validate().is_ok());
    }
}
