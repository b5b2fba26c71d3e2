//! spf13/cast's `ToInt64` and `ToFloat64` as Sprig uses them: lenient conversions that
//! turn anything unconvertible into 0 instead of failing.
//!
//! Private to the Sprig families that need them until the strings family's conversions
//! (`int`, `int64`, `float64`) are shared.

use crate::value::Value;

/// `cast.ToInt64` (and `cast.ToInt`, identical on 64-bit Go): integers as they are,
/// floats truncated, strings parsed as Go literals with base prefixes (`0x1F`, `010`),
/// bools as 0/1; everything else (nil, unparsable strings, lists, maps) is 0.
pub(crate) fn to_int64(v: &Value) -> i64 {
    match v {
        Value::Int(i) | Value::Int64(i) => *i,
        Value::Uint(u) => *u as i64,
        Value::Float(f) => go_f64_to_i64(*f),
        Value::String(s) => parse_go_int(trim_zero_decimal(s)).unwrap_or(0),
        Value::Bool(b) => i64::from(*b),
        Value::Object(o) => month_or_weekday(o.as_ref()).unwrap_or(0),
        _ => 0,
    }
}

/// cast converts `time.Month` and `time.Weekday` like ints; other named types (such as
/// `time.Duration`) are unconvertible.
fn month_or_weekday(o: &dyn crate::value::Object) -> Option<i64> {
    if !matches!(o.type_name(), "time.Month" | "time.Weekday") {
        return None;
    }
    match o.underlying()? {
        Value::Int(i) | Value::Int64(i) => Some(i),
        _ => None,
    }
}

/// `cast.ToFloat64`: numbers converted, strings parsed by `strconv.ParseFloat`, bools as
/// 0/1; everything else is 0.
pub(crate) fn to_float64(v: &Value) -> f64 {
    match v {
        Value::Int(i) | Value::Int64(i) => *i as f64,
        Value::Uint(u) => *u as f64,
        Value::Float(f) => *f,
        Value::String(s) => parse_go_float(s).unwrap_or(0.0),
        Value::Bool(b) => f64::from(u8::from(*b)),
        Value::Object(o) => month_or_weekday(o.as_ref()).map_or(0.0, |i| i as f64),
        _ => 0.0,
    }
}

/// Go's `int64(f)` on amd64: truncation, with NaN and out-of-range values becoming the
/// "integer indefinite" value `math.MinInt64` (Rust's `as` would saturate instead).
pub(crate) fn go_f64_to_i64(f: f64) -> i64 {
    // 2^63 is exactly representable; anything at or beyond it does not fit.
    const LIMIT: f64 = 9_223_372_036_854_775_808.0;
    if f.is_nan() || !(-LIMIT..LIMIT).contains(&f) {
        i64::MIN
    } else {
        f as i64
    }
}

/// cast strips a trailing `.000` so `"3.0"` parses as an integer, but leaves `"3."` alone.
fn trim_zero_decimal(s: &str) -> &str {
    let bytes = s.as_bytes();
    let mut found_zero = false;
    for i in (0..bytes.len()).rev() {
        match bytes[i] {
            b'.' if found_zero => return &s[..i],
            b'.' => {}
            b'0' => found_zero = true,
            _ => return s,
        }
    }
    s
}

/// `strconv.ParseInt(s, 0, 64)`: optional sign, base from the prefix (`0x`, `0o`, `0b`,
/// or a leading `0` for octal), `_` allowed between digits. `None` on syntax or range errors.
pub(crate) fn parse_go_int(s: &str) -> Option<i64> {
    let (neg, body) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let lower = body.to_ascii_lowercase();
    let (radix, digits, prefixed) = if let Some(rest) = lower.strip_prefix("0x") {
        (16, rest, true)
    } else if let Some(rest) = lower.strip_prefix("0o") {
        (8, rest, true)
    } else if let Some(rest) = lower.strip_prefix("0b") {
        (2, rest, true)
    } else if lower.len() > 1 && lower.starts_with('0') {
        (8, &lower[1..], true)
    } else {
        (10, lower.as_str(), false)
    };
    if !underscores_ok(digits, prefixed) {
        return None;
    }
    let mut magnitude: u64 = 0;
    let mut any = false;
    for c in digits.chars() {
        if c == '_' {
            continue;
        }
        let d = c.to_digit(radix)?;
        magnitude = magnitude
            .checked_mul(u64::from(radix))?
            .checked_add(u64::from(d))?;
        any = true;
    }
    if !any {
        // "0x" alone is an error, while "0" (octal branch not taken) is fine.
        return None;
    }
    if neg {
        if magnitude <= 1 << 63 {
            Some((magnitude as i64).wrapping_neg())
        } else {
            None
        }
    } else {
        i64::try_from(magnitude).ok()
    }
}

/// Go accepts `_` only between digits, where a base prefix counts as a digit.
fn underscores_ok(digits: &str, prefixed: bool) -> bool {
    let mut prev_digit = prefixed;
    let mut prev_underscore = false;
    for c in digits.chars() {
        if c == '_' {
            if !prev_digit {
                return false;
            }
            prev_digit = false;
            prev_underscore = true;
        } else {
            prev_digit = true;
            prev_underscore = false;
        }
    }
    !prev_underscore
}

/// `strconv.ParseFloat(s, 64)`: decimal and hexadecimal (`0x1p4`) forms, `inf`,
/// `infinity`, `nan` in any case. `None` on syntax errors and on overflow (Go reports
/// a range error, which cast turns into 0).
pub(crate) fn parse_go_float(s: &str) -> Option<f64> {
    let (neg, body) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let lower = body.to_ascii_lowercase();
    let signed = body.len() != s.len();
    let magnitude = match lower.as_str() {
        "inf" | "infinity" => f64::INFINITY,
        "nan" if !signed => f64::NAN,
        _ => {
            // Go accepts `_` between digits (and after a base prefix) in floats too.
            let v = if let Some(hex) = lower.strip_prefix("0x") {
                parse_hex_float(hex)?
            } else {
                let ok = !lower.is_empty()
                    && !lower.starts_with(['+', '-'])
                    && underscores_ok(&lower, false)
                    && lower.bytes().all(|b| {
                        b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'+' | b'-' | b'_')
                    });
                if !ok {
                    return None;
                }
                lower.replace('_', "").parse::<f64>().ok()?
            };
            if v.is_infinite() {
                return None;
            }
            v
        }
    };
    Some(if neg { -magnitude } else { magnitude })
}

/// The part of a Go hexadecimal float after `0x`: mantissa digits, optional fraction,
/// mandatory binary exponent `p±N`; `_` allowed between digits.
fn parse_hex_float(s: &str) -> Option<f64> {
    let (mant, exp) = s.split_once('p')?;
    if !underscores_ok(mant, true) {
        return None;
    }
    let exp: i32 = exp.replace('_', "").parse().ok()?;
    let (int_part, frac_part) = mant.split_once('.').unwrap_or((mant, ""));
    let mut value = 0f64;
    let mut any = false;
    for c in int_part.chars().filter(|c| *c != '_') {
        value = value * 16.0 + f64::from(c.to_digit(16)?);
        any = true;
    }
    let mut scale = 1.0 / 16.0;
    for c in frac_part.chars().filter(|c| *c != '_') {
        value += f64::from(c.to_digit(16)?) * scale;
        scale /= 16.0;
        any = true;
    }
    if !any {
        return None;
    }
    Some(value * 2f64.powi(exp))
}

#[cfg(test)]
mod tests {
    use super::*;

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
