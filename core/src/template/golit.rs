//! Go's literal syntax as `strconv` reads it: `Unquote`, `UnquoteChar`, complex constants;
//! numbers go through [`crate::strconv`].

use crate::strconv::{parse_float, parse_int};

/// A complex constant `re±imi` (what `fmt.Sscan` reads into a complex128).
pub fn parse_complex(s: &str) -> Option<(f64, f64)> {
    let body = s.strip_suffix('i')?;
    let b = body.as_bytes();
    let split = (1..b.len())
        .rev()
        .find(|&i| matches!(b[i], b'+' | b'-') && !matches!(b[i - 1], b'e' | b'E' | b'p' | b'P'))?;
    let num = |t: &str| parse_float(t).or_else(|| parse_int(t, 0).map(|i| i as f64));
    Some((num(&body[..split])?, num(&body[split..])?))
}

/// `strconv.UnquoteChar`: one (possibly escaped) character from the front of `s`,
/// returning it and the rest.
pub fn unquote_char(s: &str, quote: char) -> Option<(char, &str)> {
    let mut it = s.chars();
    let c = it.next()?;
    if c == quote && (quote == '\'' || quote == '"') {
        return None;
    }
    if c != '\\' {
        return Some((c, it.as_str()));
    }
    let e = it.next()?;
    let rest = it.as_str();
    let simple = match e {
        'a' => Some('\u{7}'),
        'b' => Some('\u{8}'),
        'f' => Some('\u{c}'),
        'n' => Some('\n'),
        'r' => Some('\r'),
        't' => Some('\t'),
        'v' => Some('\u{b}'),
        '\\' => Some('\\'),
        '\'' | '"' if e == quote => Some(e),
        _ => None,
    };
    if let Some(c) = simple {
        return Some((c, rest));
    }
    let hex = |n: usize| -> Option<(u32, &str)> {
        if rest.len() < n || !rest.is_char_boundary(n) {
            return None;
        }
        let v = u32::from_str_radix(&rest[..n], 16).ok()?;
        if !rest[..n].bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        Some((v, &rest[n..]))
    };
    match e {
        'x' => {
            let (v, r) = hex(2)?;
            Some((char::from_u32(v).unwrap_or('\u{FFFD}'), r))
        }
        'u' => {
            let (v, r) = hex(4)?;
            Some((char::from_u32(v)?, r))
        }
        'U' => {
            let (v, r) = hex(8)?;
            Some((char::from_u32(v)?, r))
        }
        '0'..='7' => {
            if rest.len() < 2 || !rest.is_char_boundary(2) {
                return None;
            }
            let digits = format!("{e}{}", &rest[..2]);
            let v = u32::from_str_radix(&digits, 8).ok()?;
            if v > 255 {
                return None;
            }
            Some((char::from_u32(v).unwrap_or('\u{FFFD}'), &rest[2..]))
        }
        _ => None,
    }
}

/// `strconv.Unquote` for `"..."` and `` `...` `` literals.
pub fn unquote(s: &str) -> Option<String> {
    if s.len() < 2 {
        return None;
    }
    if let Some(inner) = s.strip_prefix('`').and_then(|r| r.strip_suffix('`')) {
        if inner.contains('`') {
            return None;
        }
        return Some(inner.replace('\r', ""));
    }
    let inner = s.strip_prefix('"')?.strip_suffix('"')?;
    if inner.contains('\n') {
        return None;
    }
    let mut out = String::with_capacity(inner.len());
    let mut rest = inner;
    while !rest.is_empty() {
        let (c, r) = unquote_char(rest, '"')?;
        out.push(c);
        rest = r;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::strconv::parse_uint;

    fn parse_int_0(s: &str) -> Option<i64> {
        parse_int(s, 0)
    }

    #[test]
    fn ints() {
        assert_eq!(parse_int_0("017"), Some(15));
        assert_eq!(parse_int_0("0x1F"), Some(31));
        assert_eq!(parse_int_0("1_000"), Some(1000));
        assert_eq!(parse_int_0("08"), None);
        assert_eq!(parse_int_0("-9223372036854775808"), Some(i64::MIN));
        assert_eq!(parse_int_0("9223372036854775808"), None);
        assert_eq!(parse_uint("9223372036854775808"), Some(1 << 63));
        assert_eq!(parse_uint("+5"), None);
        assert_eq!(parse_int_0("0x"), None);
        assert_eq!(parse_int_0("0"), Some(0));
        assert_eq!(parse_int_0("0o"), None);
        assert_eq!(parse_int_0("00"), Some(0));
        assert_eq!(parse_complex("1+2i"), Some((1.0, 2.0)));
        assert_eq!(parse_complex("1e-3-2.5i"), Some((0.001, -2.5)));
    }

    #[test]
    fn floats() {
        assert_eq!(parse_float("1e3"), Some(1000.0));
        assert_eq!(parse_float(".5"), Some(0.5));
        assert_eq!(parse_float("0x1p4"), Some(16.0));
        assert_eq!(parse_float("1e400"), None);
    }

    #[test]
    fn strings() {
        assert_eq!(unquote("\"a\\tb\"").as_deref(), Some("a\tb"));
        assert_eq!(unquote("\"\\101\\x41\\u00e9\"").as_deref(), Some("AAé"));
        assert_eq!(unquote("\"\\q\""), None);
        assert_eq!(unquote("`a\\n`").as_deref(), Some("a\\n"));
        assert_eq!(unquote_char("'", '\''), None);
    }
}
