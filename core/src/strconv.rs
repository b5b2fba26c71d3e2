//! Go's `strconv` number parsing, shared by the template lexer (literals), Sprig's casts
//! (`int`, `float64`, `toDecimal`, math) and the manifest sorter (hook weights): one
//! implementation of Go's rules for prefixes, underscores, signs, `Inf`/`NaN` and range.

/// Go's `underscoreOK`: underscores only between digits or after a base prefix.
fn underscore_ok(s: &str) -> bool {
    let s = s.strip_prefix(['+', '-']).unwrap_or(s);
    let b = s.as_bytes();
    let mut saw = b'^';
    let mut i = 0;
    let mut hex = false;
    if b.len() >= 2 && b[0] == b'0' && matches!(b[1].to_ascii_lowercase(), b'b' | b'o' | b'x') {
        i = 2;
        saw = b'0';
        hex = b[1].eq_ignore_ascii_case(&b'x');
    }
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_digit() || hex && c.is_ascii_hexdigit() {
            saw = b'0';
        } else if c == b'_' {
            if saw != b'0' {
                return false;
            }
            saw = b'_';
        } else {
            if saw == b'_' {
                return false;
            }
            saw = b'!';
        }
        i += 1;
    }
    saw != b'_'
}

/// The magnitude of an unsigned base-0 integer literal (no sign), or None.
fn parse_magnitude(s: &str) -> Option<u64> {
    if s.is_empty() {
        return None;
    }
    let b = s.as_bytes();
    let (base, digits, prefixed) = if b.len() >= 2 && b[0] == b'0' {
        match b[1].to_ascii_lowercase() {
            b'x' => (16, &s[2..], true),
            b'o' => (8, &s[2..], true),
            b'b' => (2, &s[2..], true),
            _ => (8, &s[1..], false),
        }
    } else {
        (10, s, false)
    };
    if s.contains('_') && !underscore_ok(s) {
        return None;
    }
    let mut n: u64 = 0;
    let mut any = false;
    for c in digits.chars() {
        if c == '_' {
            continue;
        }
        let d = c.to_digit(base)? as u64;
        n = n.checked_mul(base as u64)?.checked_add(d)?;
        any = true;
    }
    if !any && (prefixed || base != 8) {
        return None;
    }
    Some(n)
}

/// `strconv.ParseUint(s, 0, 64)`.
pub fn parse_uint(s: &str) -> Option<u64> {
    if s.starts_with(['+', '-']) {
        return None;
    }
    parse_magnitude(s)
}

/// `strconv.ParseInt(s, 0, 64)`: Go literal syntax (prefixes, leading-zero octal, underscores).
fn parse_int_base0(s: &str) -> Option<i64> {
    let (neg, mag) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let m = parse_magnitude(mag)?;
    if neg {
        if m <= i64::MAX as u64 + 1 {
            Some((m as i128).wrapping_neg() as i64)
        } else {
            None
        }
    } else {
        i64::try_from(m).ok()
    }
}

/// `strconv.ParseInt(s, base, 64)` for base 0 (prefixes `0x`, `0o`, `0b`, leading-zero
/// octal, underscores) or an explicit base; `None` on syntax or range errors.
pub fn parse_int(s: &str, base: u32) -> Option<i64> {
    if base == 0 {
        return parse_int_base0(s);
    }
    let (neg, body) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if body.is_empty() {
        return None;
    }
    let (base, digits) = if base == 0 {
        let lower = body.to_ascii_lowercase();
        let (b, rest) = if lower.starts_with("0x") {
            (16, &body[2..])
        } else if lower.starts_with("0o") {
            (8, &body[2..])
        } else if lower.starts_with("0b") {
            (2, &body[2..])
        } else if let Some(rest) = body.strip_prefix('0') {
            (8, rest)
        } else {
            (10, body)
        };
        if body.contains('_') && !underscore_ok(s) {
            return None;
        }
        // "0" alone (octal with no digits after the prefix zero) is zero.
        if b == 8 && rest.is_empty() && !lower.starts_with("0o") {
            return Some(0);
        }
        (b, rest.replace('_', ""))
    } else {
        (base, body.to_string())
    };
    if digits.is_empty() || digits.starts_with(['+', '-']) {
        return None;
    }
    let mag = u128::from_str_radix(&digits, base).ok()?;
    if neg {
        let v = i128::try_from(mag).ok().map(|m| -m)?;
        i64::try_from(v).ok()
    } else {
        i64::try_from(mag).ok()
    }
}

/// `strconv.ParseFloat(s, 64)`: decimal and hexadecimal (`0x1p-2`) forms, `Inf`,
/// `Infinity`, `NaN`, underscores between digits; `None` on syntax or range errors.
pub fn parse_float(s: &str) -> Option<f64> {
    let (neg, body) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    // One sign only (Rust's parser would take a second one), and `NaN` is never signed.
    if body.starts_with(['+', '-']) {
        return None;
    }
    let signed = body.len() < s.len();
    let lower = body.to_ascii_lowercase();
    let special = match lower.as_str() {
        "inf" | "infinity" => Some(f64::INFINITY),
        "nan" if !signed => Some(f64::NAN),
        _ => None,
    };
    if let Some(v) = special {
        return Some(if neg { -v } else { v });
    }
    if body.contains('_') && !underscore_ok(s) {
        return None;
    }
    let clean = lower.replace('_', "");
    let v = if let Some(hex) = clean.strip_prefix("0x") {
        parse_hex_float(hex)?
    } else {
        let ok = !clean.is_empty()
            && clean
                .bytes()
                .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'+' | b'-'));
        if !ok {
            return None;
        }
        clean.parse::<f64>().ok()?
    };
    if v.is_infinite() {
        return None;
    }
    Some(if neg { -v } else { v })
}

/// The part of a hexadecimal float after `0x`: hex mantissa with optional point, and a
/// mandatory binary exponent `p±d`.
fn parse_hex_float(s: &str) -> Option<f64> {
    let (mant, exp) = s.split_once('p')?;
    let exp: i32 = exp.parse().ok()?;
    let (int_part, frac_part) = mant.split_once('.').unwrap_or((mant, ""));
    if int_part.is_empty() && frac_part.is_empty() {
        return None;
    }
    let mut value = 0f64;
    for c in int_part.chars().chain(frac_part.chars()) {
        value = value * 16.0 + f64::from(c.to_digit(16)?);
    }
    let shift = exp - 4 * frac_part.len() as i32;
    Some(value * 2f64.powi(shift))
}
