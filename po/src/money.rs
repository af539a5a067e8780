//! Rounding and printing of amounts.

use rust_decimal::{Decimal, RoundingStrategy};

/// Rounds an amount to cents the way buyers and vendors expect (0.005 → 0.01),
/// not with the banker's rounding that `Decimal::round_dp` uses by default.
pub fn round_money(amount: Decimal) -> Decimal {
    amount.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

/// Prints a total such as `1,234.50 EUR`: rounded to cents, thousands grouped.
pub fn format_amount(amount: Decimal, currency: &str) -> String {
    let mut rounded = round_money(amount);
    rounded.rescale(2);
    format!("{} {currency}", group_thousands(&rounded))
}

/// Prints a unit price such as `0.125 EUR`: at least two decimals, but a price
/// quoted with more precision keeps it, because rounding it for display would
/// make `quantity × unit price` disagree with the printed line total.
pub fn format_unit_price(price: Decimal, currency: &str) -> String {
    let mut price = price.normalize();
    if price.scale() < 2 {
        price.rescale(2);
    }
    format!("{} {currency}", group_thousands(&price))
}

/// Prints a quantity with grouped thousands (`1,000`), like the amounts.
pub fn format_quantity(quantity: u32) -> String {
    group_digits(&quantity.to_string())
}

fn group_thousands(value: &Decimal) -> String {
    let text = value.abs().to_string();
    let (int, frac) = match text.split_once('.') {
        Some((int, frac)) => (int, Some(frac)),
        None => (text.as_str(), None),
    };
    let mut out = String::new();
    if value.is_sign_negative() && !value.is_zero() {
        out.push('-');
    }
    out.push_str(&group_digits(int));
    if let Some(frac) = frac {
        out.push('.');
        out.push_str(frac);
    }
    out
}

fn group_digits(digits: &str) -> String {
    let len = digits.len();
    let mut out = String::with_capacity(len + len / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (len - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn rounds_half_away_from_zero_not_to_even() {
        // Banker's rounding would give 0.36 and 0.02 here.
        assert_eq!(round_money(d("0.365")), d("0.37"));
        assert_eq!(round_money(d("0.025")), d("0.03"));
        assert_eq!(round_money(d("2.344")), d("2.34"));
        assert_eq!(round_money(d("-0.005")), d("-0.01"));
    }

    #[test]
    fn formats_amounts_with_grouping_and_currency() {
        assert_eq!(format_amount(d("1234.5"), "EUR"), "1,234.50 EUR");
        assert_eq!(format_amount(d("0"), "EUR"), "0.00 EUR");
        assert_eq!(format_amount(d("999.995"), "USD"), "1,000.00 USD");
        assert_eq!(format_amount(d("1234567.891"), "CHF"), "1,234,567.89 CHF");
        assert_eq!(format_amount(d("100"), "EUR"), "100.00 EUR");
        assert_eq!(format_amount(d("-1234.5"), "EUR"), "-1,234.50 EUR");
        assert_eq!(format_amount(d("-0.001"), "EUR"), "0.00 EUR");
    }

    #[test]
    fn unit_prices_keep_extra_precision() {
        assert_eq!(format_unit_price(d("0.125"), "EUR"), "0.125 EUR");
        assert_eq!(format_unit_price(d("12.5"), "EUR"), "12.50 EUR");
        assert_eq!(format_unit_price(d("12.5000"), "EUR"), "12.50 EUR");
        assert_eq!(format_unit_price(d("4500"), "EUR"), "4,500.00 EUR");
    }

    #[test]
    fn formats_quantities() {
        assert_eq!(format_quantity(1), "1");
        assert_eq!(format_quantity(999), "999");
        assert_eq!(format_quantity(1000), "1,000");
        assert_eq!(format_quantity(u32::MAX), "4,294,967,295");
    }
}
