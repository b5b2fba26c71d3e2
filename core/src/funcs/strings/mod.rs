//! Sprig's string functions (Sprig v3.3 as Helm ships it), its string conversions
//! (`toString`, `toStrings`, `join`, `sortAlpha`, `quote`…) and its numeric casts
//! (`atoi`, `int`, `int64`, `float64`, `toDecimal`, following spf13/cast).
//!
//! Go strings are byte strings: functions that Sprig implements on bytes (`trunc`,
//! `substr`, `abbrev`, `wrap`, `nospace`, `initials`) cut bytes here too; a cut inside a
//! UTF-8 sequence leaves U+FFFD where Go would leave the stray bytes.

mod bytewise;
mod case;
mod convert;
mod random;

use super::{CallContext, FuncError, FuncResult, ParamType, Registry};
use crate::value::{ListKind, Map, MapKind, Value};

pub use case::{simple_lower, simple_upper};
pub use convert::{go_f64_to_i64, parse_float, parse_int, strslice, strval, to_float64, to_int64};

use ParamType::{Int, String as Str};

pub fn register(r: &mut Registry) {
    r.add("hello", &[], None, |_, _| Ok(Value::str("Hello!")));
    r.add("trim", &[Str], None, |_, a| Ok(Value::str(s(&a[0]).trim())));
    r.add("upper", &[Str], None, |_, a| {
        Ok(Value::string(s(&a[0]).chars().map(simple_upper).collect()))
    });
    r.add("lower", &[Str], None, |_, a| {
        Ok(Value::string(s(&a[0]).chars().map(simple_lower).collect()))
    });
    r.add("title", &[Str], None, |_, a| {
        Ok(Value::string(case::title(s(&a[0]))))
    });
    r.add("untitle", &[Str], None, |_, a| {
        Ok(Value::string(case::untitle(s(&a[0]))))
    });
    r.add("swapcase", &[Str], None, |_, a| {
        Ok(Value::string(case::swap_case(s(&a[0]))))
    });
    r.add("snakecase", &[Str], None, |_, a| {
        Ok(Value::string(case::to_lower_words(s(&a[0]), '_')))
    });
    r.add("kebabcase", &[Str], None, |_, a| {
        Ok(Value::string(case::to_lower_words(s(&a[0]), '-')))
    });
    r.add("camelcase", &[Str], None, |_, a| {
        Ok(Value::string(case::pascal_case(s(&a[0]))))
    });
    r.add("trimAll", &[Str, Str], None, trim_all);
    r.add("trimall", &[Str, Str], None, trim_all);
    r.add("trimPrefix", &[Str, Str], None, |_, a| {
        let (p, x) = (s(&a[0]), s(&a[1]));
        Ok(Value::str(x.strip_prefix(p).unwrap_or(x)))
    });
    r.add("trimSuffix", &[Str, Str], None, |_, a| {
        let (p, x) = (s(&a[0]), s(&a[1]));
        Ok(Value::str(x.strip_suffix(p).unwrap_or(x)))
    });
    r.add("contains", &[Str, Str], None, |_, a| {
        Ok(Value::Bool(s(&a[1]).contains(s(&a[0]))))
    });
    r.add("hasPrefix", &[Str, Str], None, |_, a| {
        Ok(Value::Bool(s(&a[1]).starts_with(s(&a[0]))))
    });
    r.add("hasSuffix", &[Str, Str], None, |_, a| {
        Ok(Value::Bool(s(&a[1]).ends_with(s(&a[0]))))
    });
    r.add("replace", &[Str, Str, Str], None, |_, a| {
        Ok(Value::string(s(&a[2]).replace(s(&a[0]), s(&a[1]))))
    });
    r.add("repeat", &[Int, Str], None, |_, a| {
        repeat(s(&a[1]), int(&a[0])).map(Value::string)
    });
    r.add("indent", &[Int, Str], None, |_, a| {
        indent(int(&a[0]), s(&a[1])).map(Value::string)
    });
    r.add("nindent", &[Int, Str], None, |_, a| {
        indent(int(&a[0]), s(&a[1])).map(|x| Value::string(format!("\n{x}")))
    });
    r.add("plural", &[Str, Str, Int], None, |_, a| {
        Ok(if int(&a[2]) == 1 {
            a[0].clone()
        } else {
            a[1].clone()
        })
    });
    r.add("split", &[Str, Str], None, |_, a| {
        Ok(parts_map(split(s(&a[1]), s(&a[0]), -1)))
    });
    r.add("splitn", &[Str, Int, Str], None, |_, a| {
        Ok(parts_map(split(s(&a[2]), s(&a[0]), int(&a[1]))))
    });
    r.add("splitList", &[Str, Str], None, |_, a| {
        let parts = split(s(&a[1]), s(&a[0]), -1);
        Ok(Value::typed_list(
            ListKind::String,
            parts.into_iter().map(Value::str).collect(),
        ))
    });
    bytewise::register(r);
    convert::register(r);
    random::register(r);
}

/// The text of a `string` parameter (the engine guarantees the type).
fn s(v: &Value) -> &str {
    v.as_str().unwrap_or("")
}

/// The value of an `int` parameter (the engine guarantees the type).
fn int(v: &Value) -> i64 {
    match v {
        Value::Int(i) | Value::Int64(i) => *i,
        Value::Uint(u) => *u as i64,
        _ => 0,
    }
}

fn trim_all(_: &CallContext<'_>, a: &[Value]) -> FuncResult {
    let cutset = s(&a[0]);
    Ok(Value::str(s(&a[1]).trim_matches(|c| cutset.contains(c))))
}

/// Output larger than this is refused instead of exhausting memory (Go would try and die).
const MAX_REPEAT_BYTES: usize = 1 << 30;

/// `strings.Repeat`, with Go's panic messages.
fn repeat(x: &str, count: i64) -> Result<String, FuncError> {
    let count =
        usize::try_from(count).map_err(|_| FuncError::new("strings: negative Repeat count"))?;
    match x.len().checked_mul(count) {
        Some(n) if n <= MAX_REPEAT_BYTES => Ok(x.repeat(count)),
        _ => Err(FuncError::new("strings: Repeat output length overflow")),
    }
}

/// Sprig's `indent`: every line, including empty ones, gets the padding.
fn indent(spaces: i64, x: &str) -> Result<String, FuncError> {
    let pad = repeat(" ", spaces)?;
    let lines = x.bytes().filter(|&b| b == b'\n').count() + 1;
    if lines.saturating_mul(pad.len()) > MAX_REPEAT_BYTES {
        return Err(FuncError::new("strings: Repeat output length overflow"));
    }
    let mut out = String::with_capacity(x.len() + pad.len() * 2);
    out.push_str(&pad);
    for (i, line) in x.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
            out.push_str(&pad);
        }
        out.push_str(line);
    }
    Ok(out)
}

/// Go's `strings.SplitN(x, sep, n)` (`n < 0`: all parts; `n == 0`: none). An empty
/// separator splits into UTF-8 characters.
fn split<'a>(x: &'a str, sep: &str, n: i64) -> Vec<&'a str> {
    if n == 0 {
        return Vec::new();
    }
    let limit = if n < 0 { usize::MAX } else { n as usize };
    if sep.is_empty() {
        let mut parts = Vec::new();
        let mut rest = x;
        while let Some(c) = rest.chars().next() {
            if parts.len() + 1 == limit {
                break;
            }
            parts.push(&rest[..c.len_utf8()]);
            rest = &rest[c.len_utf8()..];
        }
        if !rest.is_empty() {
            parts.push(rest);
        }
        return parts;
    }
    x.splitn(limit, sep).collect()
}

/// Sprig's `split`/`splitn` result: a `map[string]string` keyed `_0`, `_1`, …
fn parts_map(parts: Vec<&str>) -> Value {
    let m = Map::with_kind(MapKind::String);
    {
        let mut entries = m.borrow_mut();
        for (i, p) in parts.into_iter().enumerate() {
            entries.insert(format!("_{i}"), Value::str(p));
        }
    }
    Value::Map(m)
}

#[cfg(test)]
mod tests;
