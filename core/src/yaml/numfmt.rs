//! Go's shortest float formatting (`strconv.FormatFloat(f, 'g'|'f'|'e', -1, bits)`) as the
//! YAML and JSON encoders use it.

/// Shortest decimal digits of a finite float and the decimal point position:
/// value = 0.DIGITS × 10^dp.
fn shortest_digits(sci: &str) -> (bool, String, i32) {
    let (neg, body) = match sci.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, sci),
    };
    let (mantissa, exp) = body.split_once('e').unwrap_or((body, "0"));
    let digits: String = mantissa.chars().filter(|&c| c != '.').collect();
    let exp: i32 = exp.parse().unwrap_or(0);
    (neg, digits, exp + 1)
}

fn fixed(neg: bool, digits: &str, dp: i32) -> String {
    let mut s = String::new();
    if neg {
        s.push('-');
    }
    let nd = digits.len() as i32;
    if dp <= 0 {
        s.push_str("0.");
        for _ in 0..-dp {
            s.push('0');
        }
        s.push_str(digits);
    } else if dp >= nd {
        s.push_str(digits);
        for _ in 0..dp - nd {
            s.push('0');
        }
    } else {
        s.push_str(&digits[..dp as usize]);
        s.push('.');
        s.push_str(&digits[dp as usize..]);
    }
    s
}

fn exponent(neg: bool, digits: &str, dp: i32) -> String {
    let mut s = String::new();
    if neg {
        s.push('-');
    }
    s.push_str(&digits[..1]);
    if digits.len() > 1 {
        s.push('.');
        s.push_str(&digits[1..]);
    }
    let e = dp - 1;
    s.push('e');
    s.push(if e < 0 { '-' } else { '+' });
    let a = e.unsigned_abs();
    if a < 10 {
        s.push('0');
    }
    s.push_str(&a.to_string());
    s
}

fn format_g(sci: &str) -> String {
    let (neg, digits, dp) = shortest_digits(sci);
    let exp = dp - 1;
    if !(-4..6).contains(&exp) {
        exponent(neg, &digits, dp)
    } else {
        fixed(neg, &digits, dp)
    }
}

fn non_finite(f: f64) -> Option<String> {
    if f.is_nan() {
        Some("NaN".into())
    } else if f.is_infinite() {
        Some(if f > 0.0 { "+Inf" } else { "-Inf" }.into())
    } else {
        None
    }
}

/// `strconv.FormatFloat(f, 'g', -1, 64)`.
pub(crate) fn format_g_shortest(f: f64) -> String {
    non_finite(f).unwrap_or_else(|| format_g(&format!("{f:e}")))
}

/// `strconv.FormatFloat(f, 'g', -1, 32)`.
pub(crate) fn format_g_shortest_f32(f: f32) -> String {
    non_finite(f as f64).unwrap_or_else(|| format_g(&format!("{f:e}")))
}

/// A float64 the way `encoding/json` writes it: `'f'` unless the magnitude is below 1e-6
/// or at least 1e21, then `'e'` with a one-digit negative exponent (`1e-7`).
/// Callers reject non-finite values first.
pub(crate) fn format_json_float(f: f64) -> String {
    let (neg, digits, dp) = shortest_digits(&format!("{f:e}"));
    let abs = f.abs();
    if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
        clean_exponent(exponent(neg, &digits, dp))
    } else {
        fixed(neg, &digits, dp)
    }
}

/// `e-07` → `e-7`, as encoding/json cleans it up.
fn clean_exponent(s: String) -> String {
    let b = s.as_bytes();
    let n = b.len();
    if n >= 4 && b[n - 4] == b'e' && b[n - 3] == b'-' && b[n - 2] == b'0' {
        let last = b[n - 1] as char;
        let mut out = s[..n - 2].to_string();
        out.push(last);
        return out;
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_g_format() {
        assert_eq!(format_g_shortest(1e6), "1e+06");
        assert_eq!(format_g_shortest(999999.0), "999999");
        assert_eq!(format_g_shortest(1e-6), "1e-06");
        assert_eq!(format_g_shortest(0.0001), "0.0001");
        assert_eq!(format_g_shortest(1.5), "1.5");
        assert_eq!(format_g_shortest(-0.0), "-0");
        assert_eq!(format_g_shortest(1e21), "1e+21");
        assert_eq!(format_g_shortest(123456789.0), "1.23456789e+08");
        assert_eq!(format_g_shortest_f32(0.1), "0.1");
        assert_eq!(format_g_shortest_f32(1000.0), "1000");
    }

    #[test]
    fn json_format() {
        assert_eq!(format_json_float(1e7), "10000000");
        assert_eq!(format_json_float(1e-6), "0.000001");
        assert_eq!(format_json_float(1e-7), "1e-7");
        assert_eq!(format_json_float(1e21), "1e+21");
        assert_eq!(format_json_float(-0.0), "-0");
        assert_eq!(format_json_float(2.5), "2.5");
        assert_eq!(format_json_float(1.2345e-10), "1.2345e-10");
    }
}
