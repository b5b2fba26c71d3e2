//! spf13/cast's `ToInt64` and `ToFloat64` as Sprig uses them: lenient conversions that
//! turn anything unconvertible into 0 instead of failing. One implementation serves every
//! family: it lives with the string conversions (`int`, `int64`, `float64`).

pub(crate) use crate::funcs::strings::{go_f64_to_i64, to_float64, to_int64};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::Value;

    fn s(x: &str) -> Value {
        Value::str(x)
    }

    #[test]
    fn int64_from_strings_uses_go_literal_rules() {
        assert_eq!(to_int64(&s("0x10")), 16);
        assert_eq!(to_int64(&s("010")), 8);
        assert_eq!(to_int64(&s("08")), 0);
        assert_eq!(to_int64(&s("3.0")), 3);
        assert_eq!(to_int64(&s("3.5")), 0);
        assert_eq!(to_int64(&s("3.")), 0);
        assert_eq!(to_int64(&s("1_000")), 1000);
        assert_eq!(to_int64(&s("_1")), 0);
        assert_eq!(to_int64(&s("0x_1F")), 31);
        assert_eq!(to_int64(&s("-0b101")), -5);
        assert_eq!(to_int64(&s("9223372036854775807")), i64::MAX);
        assert_eq!(to_int64(&s("9223372036854775808")), 0);
        assert_eq!(to_int64(&s("-9223372036854775808")), i64::MIN);
        assert_eq!(to_int64(&s("abc")), 0);
        assert_eq!(to_int64(&s("0")), 0);
        assert_eq!(to_int64(&s("")), 0);
    }

    #[test]
    fn int64_from_other_values() {
        assert_eq!(to_int64(&Value::Float(1.9)), 1);
        assert_eq!(to_int64(&Value::Float(-1.9)), -1);
        assert_eq!(to_int64(&Value::Float(1e300)), i64::MIN);
        assert_eq!(to_int64(&Value::Bool(true)), 1);
        assert_eq!(to_int64(&Value::Nil), 0);
        assert_eq!(to_int64(&Value::list(vec![])), 0);
    }

    #[test]
    fn float64_from_strings() {
        assert_eq!(to_float64(&s("1.5")), 1.5);
        assert_eq!(to_float64(&s("1e3")), 1000.0);
        assert_eq!(to_float64(&s("0x10")), 0.0);
        assert_eq!(to_float64(&s("0x1p4")), 16.0);
        assert_eq!(to_float64(&s("1e400")), 0.0);
        assert_eq!(to_float64(&s("-Inf")), f64::NEG_INFINITY);
        assert!(to_float64(&s("NaN")).is_nan());
        assert_eq!(to_float64(&s("+nan")), 0.0);
        assert_eq!(to_float64(&s("1_0")), 10.0);
        assert_eq!(to_float64(&s("1__0")), 0.0);
        assert_eq!(to_float64(&s(".5")), 0.5);
        assert_eq!(to_float64(&s("abc")), 0.0);
    }
}
