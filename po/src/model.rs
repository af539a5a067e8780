//! The purchase order data, its validation and its totals.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::{PoError, excerpt};
use crate::money::round_money;

/// A buyer or vendor as printed in the address blocks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Party {
    pub name: String,
    /// Address lines, printed in order.
    pub address: Vec<String>,
    pub email: Option<String>,
}

/// One ordered item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Line {
    pub description: String,
    pub sku: Option<String>,
    /// The product page the item was found on, printed under the description.
    pub url: Option<String>,
    pub quantity: u32,
    /// Price of one unit in the order's currency. The order has no tax or
    /// shipping lines of its own: what the vendor charges belongs in here.
    pub unit_price: Decimal,
}

/// A purchase order, ready to be validated and rendered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PurchaseOrder {
    /// Printed as given, e.g. `PO-000042`: numbering is the caller's.
    pub number: String,
    pub issued_on: NaiveDate,
    /// Who orders (the "from" block).
    pub buyer: Party,
    /// Who is asked to deliver (the "to" block).
    pub vendor: Party,
    /// ISO 4217 code; one currency for the whole order.
    pub currency: String,
    pub lines: Vec<Line>,
    pub delivery_date: Option<NaiveDate>,
    /// Payment and delivery terms; paragraphs are separated by blank lines.
    pub terms: String,
    /// The vendor's quote number, an email Message-ID or the like.
    pub reference: Option<String>,
}

impl PurchaseOrder {
    /// Checks what would make the order wrong or unprintable. [`crate::render`]
    /// calls this first, so an invalid order never becomes a PDF.
    pub fn validate(&self) -> Result<(), PoError> {
        if self.number.trim().is_empty() {
            return Err(PoError::MissingNumber);
        }
        if !is_currency_code(&self.currency) {
            return Err(PoError::BadCurrency {
                code: excerpt(&self.currency),
            });
        }
        if self.buyer.name.trim().is_empty() {
            return Err(PoError::MissingPartyName { role: "buyer" });
        }
        if self.vendor.name.trim().is_empty() {
            return Err(PoError::MissingPartyName { role: "vendor" });
        }
        if let Some(delivery) = self.delivery_date
            && delivery < self.issued_on
        {
            return Err(PoError::DeliveryBeforeIssue {
                delivery,
                issued: self.issued_on,
            });
        }
        if self.lines.is_empty() {
            return Err(PoError::NoLines {
                number: excerpt(&self.number),
            });
        }
        let mut total = Decimal::ZERO;
        for (index, line) in self.lines.iter().enumerate() {
            let number = index + 1;
            if line.description.trim().is_empty() {
                return Err(PoError::EmptyDescription { line: number });
            }
            if line.quantity == 0 {
                return Err(PoError::ZeroQuantity {
                    line: number,
                    description: excerpt(&line.description),
                });
            }
            if line.unit_price.is_sign_negative() && !line.unit_price.is_zero() {
                return Err(PoError::NegativePrice {
                    line: number,
                    description: excerpt(&line.description),
                    unit_price: line.unit_price,
                });
            }
            total = checked_line_total(line)
                .and_then(|line_total| total.checked_add(line_total))
                .ok_or_else(|| PoError::AmountOverflow {
                    line: number,
                    description: excerpt(&line.description),
                })?;
        }
        Ok(())
    }

    /// `quantity × unit price`, rounded to cents half away from zero.
    ///
    /// Saturates at `Decimal::MAX` instead of panicking on absurd amounts;
    /// [`PurchaseOrder::validate`] rejects those.
    pub fn line_total(line: &Line) -> Decimal {
        checked_line_total(line).unwrap_or(Decimal::MAX)
    }

    /// The sum of the rounded line totals, so the printed lines add up to the
    /// printed total to the cent. Saturates like [`PurchaseOrder::line_total`].
    pub fn total(&self) -> Decimal {
        self.lines
            .iter()
            .try_fold(Decimal::ZERO, |sum, line| {
                checked_line_total(line).and_then(|t| sum.checked_add(t))
            })
            .unwrap_or(Decimal::MAX)
    }
}

fn checked_line_total(line: &Line) -> Option<Decimal> {
    Decimal::from(line.quantity)
        .checked_mul(line.unit_price)
        .map(round_money)
}

/// Three capital ASCII letters. The shape is checked, not membership in the
/// ISO list, which changes over time; a typo like "EURO" or "€" is what this
/// catches.
fn is_currency_code(code: &str) -> bool {
    code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn line(quantity: u32, price: &str) -> Line {
        Line {
            description: "Widget".into(),
            sku: None,
            url: None,
            quantity,
            unit_price: d(price),
        }
    }

    fn party(name: &str) -> Party {
        Party {
            name: name.into(),
            address: vec![],
            email: None,
        }
    }

    fn order(lines: Vec<Line>) -> PurchaseOrder {
        PurchaseOrder {
            number: "PO-000001".into(),
            issued_on: NaiveDate::from_ymd_opt(2025, 3, 1).unwrap(),
            buyer: party("Buyer GmbH"),
            vendor: party("Vendor Ltd"),
            currency: "EUR".into(),
            lines,
            delivery_date: None,
            terms: String::new(),
            reference: None,
        }
    }

    #[test]
    fn line_total_rounds_half_away_from_zero() {
        assert_eq!(PurchaseOrder::line_total(&line(3, "12.50")), d("37.50"));
        assert_eq!(PurchaseOrder::line_total(&line(1, "0.365")), d("0.37"));
        // 2 × 0.0125 = 0.025: banker's rounding would print 0.02.
        assert_eq!(PurchaseOrder::line_total(&line(2, "0.0125")), d("0.03"));
        assert_eq!(PurchaseOrder::line_total(&line(7, "0")), d("0"));
    }

    #[test]
    fn total_is_sum_of_rounded_line_totals() {
        // Unrounded the sum would be 0.010; each line prints 0.01.
        let po = order(vec![line(1, "0.005"), line(1, "0.005")]);
        assert_eq!(po.total(), d("0.02"));
        let po = order(vec![line(3, "12.50"), line(2, "0.0125"), line(10, "1.999")]);
        assert_eq!(po.total(), d("37.50") + d("0.03") + d("19.99"));
    }

    #[test]
    fn valid_order_passes() {
        let mut po = order(vec![line(1, "1.00"), line(2, "0")]);
        po.delivery_date = Some(po.issued_on);
        po.validate().unwrap();
    }

    #[test]
    fn rejects_order_without_lines() {
        let err = order(vec![]).validate().unwrap_err();
        assert!(matches!(err, PoError::NoLines { .. }), "{err}");
        assert!(err.to_string().contains("no lines"), "{err}");
    }

    #[test]
    fn rejects_zero_quantity_naming_the_line() {
        let err = order(vec![line(1, "1"), line(0, "1")])
            .validate()
            .unwrap_err();
        assert!(
            matches!(err, PoError::ZeroQuantity { line: 2, .. }),
            "{err}"
        );
        assert!(err.to_string().contains("line 2"), "{err}");
        assert!(err.to_string().contains("quantity 0"), "{err}");
    }

    #[test]
    fn rejects_negative_price() {
        let err = order(vec![line(1, "-0.01")]).validate().unwrap_err();
        assert!(
            matches!(err, PoError::NegativePrice { line: 1, .. }),
            "{err}"
        );
        assert!(err.to_string().contains("negative unit price"), "{err}");
        // Negative zero is zero, not a negative price.
        let mut zero = line(1, "0");
        zero.unit_price.set_sign_negative(true);
        order(vec![zero]).validate().unwrap();
    }

    #[test]
    fn rejects_bad_currency_codes() {
        for code in ["", "EU", "EURO", "eur", "€", "E1R", "ÄUR"] {
            let mut po = order(vec![line(1, "1")]);
            po.currency = code.into();
            let err = po.validate().unwrap_err();
            assert!(matches!(err, PoError::BadCurrency { .. }), "{code}: {err}");
            assert!(err.to_string().contains("ISO 4217"), "{err}");
        }
    }

    #[test]
    fn rejects_missing_names_number_and_description() {
        let mut po = order(vec![line(1, "1")]);
        po.number = "  ".into();
        assert!(matches!(po.validate(), Err(PoError::MissingNumber)));

        let mut po = order(vec![line(1, "1")]);
        po.vendor.name = String::new();
        let err = po.validate().unwrap_err();
        assert_eq!(err.to_string(), "the vendor has no name");

        let mut empty = line(1, "1");
        empty.description = " ".into();
        let err = order(vec![empty]).validate().unwrap_err();
        assert!(
            matches!(err, PoError::EmptyDescription { line: 1 }),
            "{err}"
        );
    }

    #[test]
    fn rejects_delivery_before_issue() {
        let mut po = order(vec![line(1, "1")]);
        po.delivery_date = NaiveDate::from_ymd_opt(2025, 2, 28);
        let err = po.validate().unwrap_err();
        assert!(err.to_string().contains("before the issue date"), "{err}");
    }

    #[test]
    fn overflow_is_an_error_not_a_panic() {
        let po = order(vec![line(u32::MAX, "79228162514264337593543950335")]);
        let err = po.validate().unwrap_err();
        assert!(
            matches!(err, PoError::AmountOverflow { line: 1, .. }),
            "{err}"
        );
        assert_eq!(po.total(), Decimal::MAX);

        // Each line fits, their sum does not.
        let po = order(vec![
            line(1, "79228162514264337593543950000"),
            line(1, "79228162514264337593543950000"),
        ]);
        let err = po.validate().unwrap_err();
        assert!(
            matches!(err, PoError::AmountOverflow { line: 2, .. }),
            "{err}"
        );
    }

    #[test]
    fn error_messages_quote_untrusted_text_safely() {
        let mut hostile = line(0, "1");
        hostile.description = format!("\u{1b}[31mred{}", "x".repeat(500));
        let err = order(vec![hostile]).validate().unwrap_err().to_string();
        assert!(!err.contains('\u{1b}'), "{err}");
        assert!(err.len() < 200, "{err}");
    }
}
