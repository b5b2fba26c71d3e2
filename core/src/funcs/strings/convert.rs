//! Sprig's conversions between values and strings (`strval`, `strslice` and the
//! functions built on them) and its numeric casts (spf13/cast v1.7 semantics), with Go's
//! `strconv.ParseInt` / `ParseFloat` rules.

use super::Registry;
use crate::funcs::ParamType;
use crate::gofmt;
use crate::value::{ListKind, Value};

pub use crate::strconv::{parse_float, parse_int};

use ParamType::{Any, String as Str};

pub(super) fn register(r: &mut Registry) {
    r.add("toString", &[Any], None, |_, a| {
        Ok(Value::string(strval(&a[0])))
    });
    r.add("toStrings", &[Any], None, |_, a| {
        Ok(string_list(strslice(&a[0])))
    });
    r.add("join", &[Str, Any], None, |_, a| {
        Ok(Value::string(
            strslice(&a[1]).join(a[0].as_str().unwrap_or("")),
        ))
    });
    r.add("sortAlpha", &[Any], None, |_, a| {
        // A `[]string` is sorted in place, so a nil one stays nil.
        if let Value::List(l) = &a[0]
            && l.nil
            && l.kind == ListKind::String
        {
            return Ok(a[0].clone());
        }
        let mut items = match &a[0] {
            Value::List(_) | Value::Bytes(_) => strslice(&a[0]),
            other => vec![strval(other)],
        };
        items.sort_unstable();
        Ok(string_list(items))
    });
    r.add("quote", &[], Some(Any), |_, a| {
        let quoted: Vec<String> = a
            .iter()
            .filter(|v| !v.is_nil())
            .map(|v| match v {
                Value::Bytes(b) => gofmt::quote_bytes(b, false),
                other => gofmt::quote(&strval(other)),
            })
            .collect();
        Ok(Value::string(quoted.join(" ")))
    });
    r.add("squote", &[], Some(Any), |_, a| {
        let quoted: Vec<String> = a
            .iter()
            .filter(|v| !v.is_nil())
            .map(|v| format!("'{}'", gofmt::format_value(v)))
            .collect();
        Ok(Value::string(quoted.join(" ")))
    });
    r.add("cat", &[], Some(Any), |_, a| {
        let parts: Vec<String> = a
            .iter()
            .filter(|v| !v.is_nil())
            .map(gofmt::format_value)
            .collect();
        Ok(Value::string(parts.join(" ")))
    });
    r.add("atoi", &[Str], None, |_, a| {
        Ok(Value::Int(atoi(a[0].as_str().unwrap_or(""))))
    });
    r.add("int", &[Any], None, |_, a| Ok(Value::Int(to_int64(&a[0]))));
    r.add("int64", &[Any], None, |_, a| {
        Ok(Value::Int64(to_int64(&a[0])))
    });
    r.add("float64", &[Any], None, |_, a| {
        Ok(Value::Float(to_float64(&a[0])))
    });
    r.add("toDecimal", &[Any], None, |_, a| {
        let text = gofmt::format_value(&a[0]);
        Ok(Value::Int64(parse_int(&text, 8).unwrap_or(0)))
    });
}

fn string_list(items: Vec<String>) -> Value {
    Value::typed_list(
        ListKind::String,
        items.into_iter().map(Value::string).collect(),
    )
}

/// Sprig's `strval`: strings as they are, `[]byte` as text, `Stringer`s through their
/// `String()`, everything else through `%v`.
pub fn strval(v: &Value) -> String {
    match v {
        Value::String(s) => s.to_string(),
        Value::Bytes(b) => String::from_utf8_lossy(b).into_owned(),
        Value::Object(o) => o.to_go_string().unwrap_or_else(|| o.format_v()),
        other => gofmt::format_value(other),
    }
}

/// Sprig's `strslice`: a slice becomes its non-nil elements through `strval`; nil is the
/// empty slice; anything else is a one-element slice.
pub fn strslice(v: &Value) -> Vec<String> {
    match v {
        Value::List(l) => l.items.iter().filter(|x| !x.is_nil()).map(strval).collect(),
        Value::Bytes(b) => b.iter().map(u8::to_string).collect(),
        Value::Nil => Vec::new(),
        other => vec![strval(other)],
    }
}

/// Go's `int64(f)` on amd64: truncation, with NaN and out-of-range values becoming the
/// "integer indefinite" value `math.MinInt64` (Rust's `as` would saturate instead).
pub fn go_f64_to_i64(f: f64) -> i64 {
    const LIMIT: f64 = 9_223_372_036_854_775_808.0;
    if f.is_nan() || !(-LIMIT..LIMIT).contains(&f) {
        i64::MIN
    } else {
        f as i64
    }
}

/// spf13/cast `ToInt64`: numbers converted as Go does (floats truncate), strings parsed
/// with base prefixes after dropping a zero fraction (`"3.0"`), booleans 0/1, anything
/// else (or unparsable) 0.
pub fn to_int64(v: &Value) -> i64 {
    match v {
        Value::Int(i) | Value::Int64(i) => *i,
        Value::Uint(u) => *u as i64,
        Value::Float(f) => go_f64_to_i64(*f),
        Value::String(s) => parse_int(trim_zero_decimal(s), 0).unwrap_or(0),
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

/// spf13/cast `ToFloat64`: strings through `strconv.ParseFloat`, booleans 0/1, anything
/// else (or unparsable) 0.
pub fn to_float64(v: &Value) -> f64 {
    match v {
        Value::Int(i) | Value::Int64(i) => *i as f64,
        Value::Uint(u) => *u as f64,
        Value::Float(f) => *f,
        Value::String(s) => parse_float(s).unwrap_or(0.0),
        Value::Bool(b) => f64::from(u8::from(*b)),
        Value::Object(o) => month_or_weekday(o.as_ref()).map_or(0.0, |i| i as f64),
        _ => 0.0,
    }
}

/// cast's `trimZeroDecimal`: `"3.0"` → `"3"`, `"3.10"` unchanged.
fn trim_zero_decimal(s: &str) -> &str {
    let mut found_zero = false;
    for (i, b) in s.bytes().enumerate().rev() {
        match b {
            b'.' if found_zero => return &s[..i],
            b'.' => {}
            b'0' => found_zero = true,
            _ => return s,
        }
    }
    s
}

/// `strconv.Atoi` as Sprig wraps it: syntax errors give 0, out-of-range values clamp.
fn atoi(s: &str) -> i64 {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return 0;
    }
    match s.parse::<i64>() {
        Ok(i) => i,
        Err(_) if s.starts_with('-') => i64::MIN,
        Err(_) => i64::MAX,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn casts() {
        let i = |s: &str| to_int64(&Value::str(s));
        assert_eq!(
            (i("0x1F"), i("010"), i("08"), i("1e3"), i("3.0")),
            (31, 8, 0, 0, 3)
        );
        assert_eq!(
            (i("1_000"), i("-0b101"), i("0o17"), i("0"), i("abc")),
            (1000, -5, 15, 0, 0)
        );
        assert_eq!(to_int64(&Value::Float(1.9)), 1);
        assert_eq!(to_int64(&Value::Float(1e30)), i64::MIN);
        assert_eq!(to_float64(&Value::str("0x10")), 0.0);
        assert_eq!(to_float64(&Value::str("0x1p-2")), 0.25);
        assert_eq!(to_float64(&Value::str("1e400")), 0.0);
        assert_eq!(to_float64(&Value::str("1.5")), 1.5);
        assert_eq!(
            (
                atoi("0x10"),
                atoi("010"),
                atoi("-7"),
                atoi("99999999999999999999")
            ),
            (0, 10, -7, i64::MAX)
        );
        assert_eq!(parse_int("0777", 8), Some(511));
        assert_eq!(parse_int("8", 8), None);
    }

    #[test]
    fn strvals() {
        let l = Value::list(vec![
            Value::Int(1),
            Value::str("a"),
            Value::Float(2.5),
            Value::Bool(true),
            Value::Nil,
        ]);
        assert_eq!(strslice(&l), ["1", "a", "2.5", "true"]);
        assert_eq!(strval(&Value::Float(1e6)), "1e+06");
        assert_eq!(strval(&Value::Nil), "<nil>");
        assert!(strslice(&Value::Nil).is_empty());
    }
}
