//! YAML 1.1 plain-scalar resolution as go-yaml v2 does it: what `yes`, `0x1F`, `08`,
//! `1_000`, `.inf` or `2024-01-02` mean. The loader uses it to type plain scalars and the
//! emitter uses it to decide which strings need quotes.

/// What a plain scalar resolves to.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Resolved {
    Null,
    Bool(bool),
    /// Fits Go's `int` (64-bit).
    Int(i64),
    /// Only fits `uint64`.
    Uint(u64),
    Float(f64),
    /// Looks like a timestamp; go-yaml hands such values to `interface{}` as strings.
    Timestamp,
    Str,
}

/// Resolves a plain scalar with no explicit tag.
pub(crate) fn resolve_plain(s: &str) -> Resolved {
    let Some(&first) = s.as_bytes().first() else {
        return Resolved::Null;
    };
    if let Some(r) = resolve_word(s) {
        return r;
    }
    match first {
        b'.' => resolve_dot_float(s),
        b'0'..=b'9' | b'+' | b'-' => {
            if is_timestamp(s) {
                return Resolved::Timestamp;
            }
            resolve_number(s)
        }
        _ => Resolved::Str,
    }
}

/// The fixed words of go-yaml's resolve table (only their listed capitalisations).
fn resolve_word(s: &str) -> Option<Resolved> {
    Some(match s {
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            Resolved::Bool(true)
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            Resolved::Bool(false)
        }
        "~" | "null" | "Null" | "NULL" => Resolved::Null,
        ".nan" | ".NaN" | ".NAN" => Resolved::Float(f64::NAN),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => Resolved::Float(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => Resolved::Float(f64::NEG_INFINITY),
        _ => return None,
    })
}

fn resolve_dot_float(s: &str) -> Resolved {
    // Go's ParseFloat on the raw text; starting with '.', only `.digits[exp]` parses.
    let rest = &s[1..];
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || !valid_exponent(&rest[digits..]) {
        return Resolved::Str;
    }
    finite_float(s)
}

fn valid_exponent(s: &str) -> bool {
    if s.is_empty() {
        return true;
    }
    let b = s.as_bytes();
    if b[0] != b'e' && b[0] != b'E' {
        return false;
    }
    let mut i = 1;
    if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
        i += 1;
    }
    i < b.len() && b[i..].iter().all(u8::is_ascii_digit)
}

fn finite_float(s: &str) -> Resolved {
    match s.parse::<f64>() {
        Ok(f) if f.is_finite() => Resolved::Float(f),
        _ => Resolved::Str,
    }
}

fn resolve_number(s: &str) -> Resolved {
    let plain: String = s.chars().filter(|&c| c != '_').collect();
    if let Some(r) = parse_go_int(&plain) {
        return r;
    }
    if is_yaml_float(&plain) {
        return finite_float(&plain);
    }
    Resolved::Str
}

/// Go's `strconv.ParseInt(s, 0, 64)`, falling back to `ParseUint(s, 0, 64)`.
fn parse_go_int(s: &str) -> Option<Resolved> {
    let (neg, body) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let (radix, digits) =
        if let Some(d) = body.strip_prefix("0x").or_else(|| body.strip_prefix("0X")) {
            (16, d)
        } else if let Some(d) = body.strip_prefix("0o").or_else(|| body.strip_prefix("0O")) {
            (8, d)
        } else if let Some(d) = body.strip_prefix("0b").or_else(|| body.strip_prefix("0B")) {
            (2, d)
        } else if body.len() > 1 && body.starts_with('0') {
            (8, &body[1..])
        } else {
            (10, body)
        };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let magnitude = u64::from_str_radix(digits, radix).ok()?;
    if neg {
        if magnitude <= i64::MAX as u64 + 1 {
            return Some(Resolved::Int((magnitude as i128).wrapping_neg() as i64));
        }
        return None;
    }
    if magnitude <= i64::MAX as u64 {
        Some(Resolved::Int(magnitude as i64))
    } else if s.starts_with('+') {
        // ParseUint takes no sign.
        None
    } else {
        Some(Resolved::Uint(magnitude))
    }
}

/// go-yaml's `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`.
fn is_yaml_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
        i += 1;
    }
    let int_digits = b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
    i += int_digits;
    if int_digits == 0 {
        if i >= b.len() || b[i] != b'.' {
            return false;
        }
        i += 1;
        let frac = b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
        if frac == 0 {
            return false;
        }
        i += frac;
    } else if i < b.len() && b[i] == b'.' {
        i += 1;
        i += b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
    }
    valid_exponent(&s[i..])
}

/// go-yaml's base-60 float pattern (`1:30`, `-1:20:30.5`): strings it quotes on output.
pub(crate) fn is_base60_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
        i += 1;
    }
    if i >= b.len() || !b[i].is_ascii_digit() {
        return false;
    }
    i += 1;
    while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
        i += 1;
    }
    let mut groups = 0;
    while i < b.len() && b[i] == b':' {
        i += 1;
        let start = i;
        while i < b.len() && i - start < 2 && b[i].is_ascii_digit() {
            i += 1;
        }
        let n = i - start;
        // `[0-5]?[0-9]`
        if n == 0 || (n == 2 && b[start] > b'5') {
            return false;
        }
        groups += 1;
    }
    if groups == 0 {
        return false;
    }
    if i < b.len() && b[i] == b'.' {
        i += 1;
        while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
            i += 1;
        }
    }
    i == b.len()
}

/// go-yaml's timestamp check: `YYYY-M-D`, optionally followed by a time
/// (`T`/`t`/space, `H:M:S`, optional fraction, and for `T`/`t` a zone `Z` or `±hh:mm`).
pub(crate) fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    let year = b.iter().take_while(|c| c.is_ascii_digit()).count();
    if year != 4 || b.len() == 4 || b[4] != b'-' {
        return false;
    }
    let mut p = Cursor { b, i: 5 };
    let Some(month) = p.num(1, 2) else {
        return false;
    };
    if !p.eat(b'-') {
        return false;
    }
    let Some(day) = p.num(1, 2) else {
        return false;
    };
    let y: u32 = s[..4].parse().unwrap_or(0);
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(y, month) {
        return false;
    }
    if p.i == b.len() {
        return true;
    }
    let sep = b[p.i];
    let zoned = sep == b'T' || sep == b't';
    if !zoned && sep != b' ' {
        return false;
    }
    p.i += 1;
    let Some(h) = p.num(1, 2) else { return false };
    if !p.eat(b':') {
        return false;
    }
    let Some(m) = p.num(1, 2) else { return false };
    if !p.eat(b':') {
        return false;
    }
    let Some(sec) = p.num(1, 2) else {
        return false;
    };
    if h >= 24 || m >= 60 || sec >= 60 {
        return false;
    }
    if p.i + 1 < b.len() && (b[p.i] == b'.' || b[p.i] == b',') && b[p.i + 1].is_ascii_digit() {
        p.i += 1;
        while p.i < b.len() && b[p.i].is_ascii_digit() {
            p.i += 1;
        }
    }
    if !zoned {
        return p.i == b.len();
    }
    if p.eat(b'Z') {
        return p.i == b.len();
    }
    if p.i < b.len() && (b[p.i] == b'+' || b[p.i] == b'-') {
        p.i += 1;
        let ok = p.fixed(2).is_some() && p.eat(b':') && p.fixed(2).is_some();
        return ok && p.i == b.len();
    }
    false
}

struct Cursor<'a> {
    b: &'a [u8],
    i: usize,
}

impl Cursor<'_> {
    fn eat(&mut self, c: u8) -> bool {
        if self.i < self.b.len() && self.b[self.i] == c {
            self.i += 1;
            true
        } else {
            false
        }
    }
    fn num(&mut self, min: usize, max: usize) -> Option<u32> {
        let start = self.i;
        while self.i < self.b.len() && self.i - start < max && self.b[self.i].is_ascii_digit() {
            self.i += 1;
        }
        if self.i - start < min {
            return None;
        }
        std::str::from_utf8(&self.b[start..self.i])
            .ok()?
            .parse()
            .ok()
    }
    fn fixed(&mut self, n: usize) -> Option<u32> {
        self.num(n, n)
    }
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn booleans_and_nulls() {
        for s in ["y", "Y", "yes", "On", "OFF", "True", "TRUE", "n", "NO"] {
            assert!(matches!(resolve_plain(s), Resolved::Bool(_)), "{s}");
        }
        for s in ["tRUE", "oN", "yEs"] {
            assert_eq!(resolve_plain(s), Resolved::Str, "{s}");
        }
        assert_eq!(resolve_plain("nULL"), Resolved::Str);
        assert_eq!(resolve_plain("~"), Resolved::Null);
        assert_eq!(resolve_plain(""), Resolved::Null);
    }

    #[test]
    fn numbers() {
        assert_eq!(resolve_plain("1_000"), Resolved::Int(1000));
        assert_eq!(resolve_plain("0b101"), Resolved::Int(5));
        assert_eq!(resolve_plain("0x_1F"), Resolved::Int(31));
        assert_eq!(resolve_plain("0o17"), Resolved::Int(15));
        assert_eq!(resolve_plain("017"), Resolved::Int(15));
        assert_eq!(resolve_plain("08"), Resolved::Float(8.0));
        assert_eq!(resolve_plain("+5"), Resolved::Int(5));
        assert_eq!(resolve_plain("1."), Resolved::Float(1.0));
        assert_eq!(resolve_plain(".5"), Resolved::Float(0.5));
        assert_eq!(resolve_plain("1e3"), Resolved::Float(1000.0));
        assert_eq!(resolve_plain("1e400"), Resolved::Str);
        assert_eq!(
            resolve_plain("9223372036854775808"),
            Resolved::Uint(9223372036854775808)
        );
        assert_eq!(
            resolve_plain("-9223372036854775808"),
            Resolved::Int(i64::MIN)
        );
        assert_eq!(resolve_plain("1:30"), Resolved::Str);
        assert_eq!(resolve_plain("0x"), Resolved::Str);
        assert_eq!(resolve_plain("-"), Resolved::Str);
        assert_eq!(resolve_plain("10.0.0.1"), Resolved::Str);
    }

    #[test]
    fn timestamps_and_base60() {
        assert!(is_timestamp("2024-01-02"));
        assert!(is_timestamp("2024-1-2"));
        assert!(is_timestamp("2024-01-02T10:20:30Z"));
        assert!(is_timestamp("2024-01-02 10:20:30.5"));
        assert!(!is_timestamp("2024-02-30"));
        assert!(!is_timestamp("2024-01-02T10:20:30"));
        assert!(is_base60_float("1:30"));
        assert!(is_base60_float("190:20:30.15"));
        assert!(!is_base60_float("1:60"));
        assert!(!is_base60_float("a:b"));
    }
}
