//! The arbitrary-precision decimals behind Sprig's float math (shopspring/decimal):
//! every float64 argument becomes the shortest decimal that round-trips, sums and
//! products are exact, quotients keep 16 fractional digits, and the result is converted
//! back to the nearest float64. That is why `addf 0.1 0.2` is exactly `0.3`.

use std::cmp::Ordering;

use num_bigint::{BigInt, Sign};

/// Digits after the decimal point kept by division (`decimal.DivisionPrecision`).
const DIVISION_PRECISION: i64 = 16;

/// `value × 10^exp`.
#[derive(Clone, Debug)]
pub(crate) struct Decimal {
    value: BigInt,
    exp: i64,
}

impl Decimal {
    /// `decimal.NewFromFloat`: the shortest decimal that parses back to `f`.
    /// NaN and infinities are rejected with the library's panic message.
    pub(crate) fn from_f64(f: f64) -> Result<Decimal, String> {
        if !f.is_finite() {
            let shown = if f.is_nan() {
                "NaN"
            } else if f > 0.0 {
                "+Inf"
            } else {
                "-Inf"
            };
            return Err(format!("Cannot create a Decimal from {shown}"));
        }
        if f == 0.0 {
            return Ok(Decimal {
                value: BigInt::from(0),
                exp: 0,
            });
        }
        // `{:e}` prints the shortest round-trip digits: "-1.2345e-5".
        let text = format!("{f:e}");
        let (mantissa, exp) = text.split_once('e').unwrap_or((&text, "0"));
        let exp: i64 = exp.parse().unwrap_or(0);
        let fraction_digits = mantissa.split_once('.').map_or(0, |(_, frac)| frac.len());
        let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
        let value = digits.parse::<BigInt>().unwrap_or_default();
        Ok(Decimal {
            value,
            exp: exp - fraction_digits as i64,
        })
    }

    /// The nearest float64 (ties to even), like `big.Rat.Float64`.
    pub(crate) fn to_f64(&self) -> f64 {
        if self.value.sign() == Sign::NoSign {
            return 0.0;
        }
        format!("{}e{}", self.value, self.exp)
            .parse::<f64>()
            .unwrap_or(0.0)
    }

    /// Both operands' values scaled to the smaller exponent.
    fn aligned(&self, other: &Decimal) -> (BigInt, BigInt, i64) {
        let exp = self.exp.min(other.exp);
        (self.scaled_to(exp), other.scaled_to(exp), exp)
    }

    fn scaled_to(&self, exp: i64) -> BigInt {
        let shift = u32::try_from(self.exp - exp).unwrap_or(0);
        &self.value * BigInt::from(10).pow(shift)
    }

    pub(crate) fn add(&self, other: &Decimal) -> Decimal {
        let (a, b, exp) = self.aligned(other);
        Decimal { value: a + b, exp }
    }

    pub(crate) fn sub(&self, other: &Decimal) -> Decimal {
        let (a, b, exp) = self.aligned(other);
        Decimal { value: a - b, exp }
    }

    pub(crate) fn mul(&self, other: &Decimal) -> Decimal {
        Decimal {
            value: &self.value * &other.value,
            exp: self.exp + other.exp,
        }
    }

    fn abs(&self) -> Decimal {
        Decimal {
            value: self.value.magnitude().clone().into(),
            exp: self.exp,
        }
    }

    fn cmp(&self, other: &Decimal) -> Ordering {
        let (a, b, _) = self.aligned(other);
        a.cmp(&b)
    }

    /// `Decimal.Div`: the quotient truncated to 16 fractional digits, then rounded half
    /// away from zero on the remainder.
    pub(crate) fn div(&self, other: &Decimal) -> Result<Decimal, String> {
        if other.value.sign() == Sign::NoSign {
            return Err("decimal division by 0".to_string());
        }
        let scale = -DIVISION_PRECISION;
        let e = self.exp - other.exp - scale;
        let (numerator, denominator, rest_exp) = if e < 0 {
            let shift = u32::try_from(-e).map_err(|_| "overflow in decimal QuoRem")?;
            (
                self.value.clone(),
                &other.value * BigInt::from(10).pow(shift),
                self.exp,
            )
        } else {
            let shift = u32::try_from(e).map_err(|_| "overflow in decimal QuoRem")?;
            (
                &self.value * BigInt::from(10).pow(shift),
                other.value.clone(),
                scale + other.exp,
            )
        };
        // BigInt division truncates toward zero, like big.Int.QuoRem.
        let quotient = &numerator / &denominator;
        let remainder = &numerator % &denominator;
        let q = Decimal {
            value: quotient,
            exp: scale,
        };
        let twice_remainder = Decimal {
            value: BigInt::from(remainder.magnitude().clone()) * 2,
            exp: rest_exp + DIVISION_PRECISION,
        };
        if twice_remainder.cmp(&other.abs()) == Ordering::Less {
            return Ok(q);
        }
        let unit = Decimal {
            value: BigInt::from(1),
            exp: scale,
        };
        if self.value.sign() != other.value.sign() {
            Ok(q.sub(&unit))
        } else {
            Ok(q.add(&unit))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(f: f64) -> Decimal {
        Decimal::from_f64(f).unwrap()
    }

    #[test]
    fn sums_are_exact_in_decimal() {
        assert_eq!(d(0.1).add(&d(0.2)).to_f64(), 0.3);
        assert_eq!(d(1.0).sub(&d(0.9)).to_f64(), 0.1);
        assert_eq!(d(0.1).mul(&d(0.1)).to_f64(), 0.01);
        assert_eq!(d(1e20).add(&d(1.0)).to_f64(), 1e20);
        assert_eq!(d(-1.0).add(&d(1.0)).to_f64(), 0.0);
    }

    #[test]
    fn division_keeps_sixteen_digits() {
        assert_eq!(d(1.0).div(&d(3.0)).unwrap().to_f64(), 0.3333333333333333);
        assert_eq!(d(2.0).div(&d(3.0)).unwrap().to_f64(), 0.6666666666666667);
        assert_eq!(d(-2.0).div(&d(3.0)).unwrap().to_f64(), -0.6666666666666667);
        assert_eq!(d(1e7).div(&d(3.0)).unwrap().to_f64(), 3333333.3333333335);
        assert_eq!(d(10.0).div(&d(4.0)).unwrap().to_f64(), 2.5);
        assert!(d(1.0).div(&d(0.0)).is_err());
    }

    #[test]
    fn non_finite_floats_are_rejected() {
        assert_eq!(
            Decimal::from_f64(f64::INFINITY).unwrap_err(),
            "Cannot create a Decimal from +Inf"
        );
        assert!(Decimal::from_f64(f64::NAN).is_err());
    }
}
