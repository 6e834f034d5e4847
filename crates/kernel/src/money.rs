//! Money in integer minor units (paise for INR). Never floats.

use std::fmt;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// ISO 4217 currency. The suite bills in INR; the type keeps room for more.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
pub enum Currency {
    /// Indian rupee (100 paise).
    #[serde(rename = "INR")]
    Inr,
}

impl Currency {
    /// The ISO code.
    pub fn code(self) -> &'static str {
        match self {
            Currency::Inr => "INR",
        }
    }
}

/// An amount of money: integer minor units and a currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
pub struct Money {
    /// Amount in minor units (paise).
    pub amount_paise: i64,
    /// Currency of the amount.
    pub currency: Currency,
}

/// Arithmetic that would overflow or mix currencies.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    /// The result does not fit in an i64.
    #[error("amount overflow")]
    Overflow,
    /// The operands have different currencies.
    #[error("currency mismatch: {0} vs {1}")]
    CurrencyMismatch(&'static str, &'static str),
}

impl Money {
    /// An INR amount in paise.
    pub const fn inr(amount_paise: i64) -> Self {
        Self {
            amount_paise,
            currency: Currency::Inr,
        }
    }

    /// Checked addition.
    pub fn checked_add(self, other: Money) -> Result<Money, MoneyError> {
        self.same_currency(other)?;
        let amount_paise = self
            .amount_paise
            .checked_add(other.amount_paise)
            .ok_or(MoneyError::Overflow)?;
        Ok(Money {
            amount_paise,
            ..self
        })
    }

    /// Checked subtraction.
    pub fn checked_sub(self, other: Money) -> Result<Money, MoneyError> {
        self.same_currency(other)?;
        let amount_paise = self
            .amount_paise
            .checked_sub(other.amount_paise)
            .ok_or(MoneyError::Overflow)?;
        Ok(Money {
            amount_paise,
            ..self
        })
    }

    /// The share `numerator/denominator` of this amount, rounded half away from zero
    /// (used for GST splits and commissions in basis points).
    pub fn ratio(self, numerator: i64, denominator: i64) -> Result<Money, MoneyError> {
        if denominator == 0 {
            return Err(MoneyError::Overflow);
        }
        let n = i128::from(self.amount_paise) * i128::from(numerator);
        let d = i128::from(denominator);
        let q = n / d;
        let r = n % d;
        let rounded = if 2 * r.abs() >= d.abs() {
            q + n.signum() * d.signum()
        } else {
            q
        };
        let amount_paise = i64::try_from(rounded).map_err(|_| MoneyError::Overflow)?;
        Ok(Money {
            amount_paise,
            ..self
        })
    }

    fn same_currency(self, other: Money) -> Result<(), MoneyError> {
        if self.currency == other.currency {
            Ok(())
        } else {
            Err(MoneyError::CurrencyMismatch(
                self.currency.code(),
                other.currency.code(),
            ))
        }
    }
}

/// GST rate of SAC 999293 (commercial training and coaching), in basis points (18%): what
/// every product of the suite is invoiced at (finance's `tax::RATE_COACHING_BP`).
pub const GST_RATE_COACHING_BP: i64 = 1800;

/// What a buyer pays for a price: an INR price stated exclusive of GST gets the GST added
/// (18%, rounded half-up once on the whole price); an inclusive price is paid as stated, and
/// so is a price in another currency (not invoiced with GST). Products charge this amount and
/// finance invoices exactly what was paid, so the invoice's total is the payment (ADR 0095).
/// `None` when the sum does not fit in paise.
pub fn charged_paise(price_paise: i64, currency: &str, gst_inclusive: bool) -> Option<i64> {
    if gst_inclusive || currency != Currency::Inr.code() {
        return Some(price_paise);
    }
    let tax = Money::inr(price_paise)
        .ratio(GST_RATE_COACHING_BP, 10_000)
        .ok()?;
    price_paise.checked_add(tax.amount_paise)
}

/// `paise` as units with two decimals: `12345` is `123.45`, `-5` is `-0.05` (what invoices,
/// agreements and their mails print, without a currency).
pub fn rupees(paise: i64) -> String {
    let sign = if paise < 0 { "-" } else { "" };
    let abs = paise.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", rupees(self.amount_paise), self.currency.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_rupees_and_paise() {
        assert_eq!(Money::inr(12_345).to_string(), "123.45 INR");
        assert_eq!(Money::inr(-5).to_string(), "-0.05 INR");
        assert_eq!(rupees(118_000), "1180.00");
        assert_eq!(rupees(-150), "-1.50");
        assert_eq!(rupees(i64::MIN), "-92233720368547758.08");
    }

    #[test]
    fn ratio_rounds_half_away_from_zero() {
        // 18% GST of 999 paise = 179.82 -> 180
        assert_eq!(Money::inr(999).ratio(18, 100).unwrap().amount_paise, 180);
        // 1/3 of 100 paise = 33.33 -> 33
        assert_eq!(Money::inr(100).ratio(1, 3).unwrap().amount_paise, 33);
        assert_eq!(Money::inr(-250).ratio(1, 100).unwrap().amount_paise, -3);
        assert!(Money::inr(1).ratio(1, 0).is_err());
    }

    #[test]
    fn an_exclusive_inr_price_is_charged_with_its_gst() {
        // 1,000.00 + 18% = 1,180.00; 999.99 + 179.9982 -> 1,179.99
        assert_eq!(charged_paise(100_000, "INR", false), Some(118_000));
        assert_eq!(charged_paise(99_999, "INR", false), Some(117_999));
        assert_eq!(charged_paise(100_000, "INR", true), Some(100_000));
        // not invoiced with GST: paid as stated
        assert_eq!(charged_paise(100_000, "USD", false), Some(100_000));
        assert_eq!(charged_paise(i64::MAX, "INR", false), None);
    }

    #[test]
    fn overflow_is_an_error_not_a_wrap() {
        assert_eq!(
            Money::inr(i64::MAX).checked_add(Money::inr(1)),
            Err(MoneyError::Overflow)
        );
        assert_eq!(
            Money::inr(5)
                .checked_sub(Money::inr(7))
                .unwrap()
                .amount_paise,
            -2
        );
    }
}
