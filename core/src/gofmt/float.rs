//! Go's `strconv.FormatFloat(v, fmt, prec, 64)`: the `b`, `e`, `E`, `f`, `g`, `G`, `x`, `X`
//! formats, shortest (`prec < 0`) or with a precision.
//!
//! Decimal digits come from Rust's own float formatting, which (like Go's) is exact:
//! shortest round-trip digits for `{:e}` and correctly rounded, ties-to-even digits for a
//! fixed precision. The layout around those digits follows Go's rules.

/// Decimal digits of |v| (no leading or trailing zeros) and the decimal point position:
/// the value is `0.d1d2d3… × 10^dp`. Zero has no digits.
struct Digits {
    d: Vec<u8>,
    dp: i32,
}

impl Digits {
    fn nd(&self) -> i32 {
        self.d.len() as i32
    }

    /// Parses Rust's `{:e}` output of a positive finite number ("1.2345e3").
    fn from_exp_form(s: &str) -> Digits {
        let (mant, exp) = s.split_once('e').unwrap_or((s, "0"));
        let exp: i32 = exp.parse().unwrap_or(0);
        let d: Vec<u8> = mant.bytes().filter(u8::is_ascii_digit).collect();
        Digits { d, dp: exp + 1 }.trimmed()
    }

    /// Parses Rust's `{:.N}` output of a non-negative number ("123.4500").
    fn from_fixed_form(s: &str) -> Digits {
        let int_len = s.find('.').unwrap_or(s.len()) as i32;
        let d: Vec<u8> = s.bytes().filter(u8::is_ascii_digit).collect();
        Digits { d, dp: int_len }.trimmed()
    }

    fn trimmed(mut self) -> Digits {
        let lead = self.d.iter().take_while(|&&c| c == b'0').count();
        if lead == self.d.len() {
            return Digits {
                d: Vec::new(),
                dp: 0,
            };
        }
        self.d.drain(..lead);
        self.dp -= lead as i32;
        while self.d.last() == Some(&b'0') {
            self.d.pop();
        }
        self
    }

    fn shortest(abs: f64) -> Digits {
        if abs == 0.0 {
            return Digits {
                d: Vec::new(),
                dp: 0,
            };
        }
        Digits::from_exp_form(&format!("{abs:e}"))
    }

    fn significant(abs: f64, n: usize) -> Digits {
        if abs == 0.0 {
            return Digits {
                d: Vec::new(),
                dp: 0,
            };
        }
        Digits::from_exp_form(&format!("{:.*e}", n.saturating_sub(1), abs))
    }

    fn fixed(abs: f64, decimals: usize) -> Digits {
        Digits::from_fixed_form(&format!("{abs:.decimals$}"))
    }
}

/// `strconv.FormatFloat(v, fmt, prec, 64)`. Unknown formats give `%` + fmt, as Go does.
pub fn format_float(v: f64, fmt: u8, prec: i32) -> String {
    let mut out = String::new();
    let bits = v.to_bits();
    let neg = bits >> 63 != 0;
    let biased = ((bits >> 52) & 0x7ff) as i32;
    let mut mant = bits & ((1u64 << 52) - 1);
    if biased == 0x7ff {
        out.push_str(if mant != 0 {
            "NaN"
        } else if neg {
            "-Inf"
        } else {
            "+Inf"
        });
        return out;
    }
    let mut exp = biased;
    if exp == 0 {
        exp += 1;
    } else {
        mant |= 1u64 << 52;
    }
    exp -= 1023;
    match fmt {
        b'b' => return fmt_b(neg, mant, exp),
        b'x' | b'X' => return fmt_x(prec, fmt, neg, mant, exp),
        b'e' | b'E' | b'f' | b'g' | b'G' => {}
        _ => return format!("%{}", fmt as char),
    }
    let abs = v.abs();
    let shortest = prec < 0;
    let mut prec = prec;
    let digs = if shortest {
        let digs = Digits::shortest(abs);
        prec = match fmt {
            b'e' | b'E' => (digs.nd() - 1).max(0),
            b'f' => (digs.nd() - digs.dp).max(0),
            _ => digs.nd(),
        };
        digs
    } else {
        match fmt {
            b'e' | b'E' => Digits::significant(abs, prec as usize + 1),
            b'f' => Digits::fixed(abs, prec as usize),
            _ => {
                if prec == 0 {
                    prec = 1;
                }
                Digits::significant(abs, prec as usize)
            }
        }
    };
    format_digits(&mut out, neg, &digs, shortest, prec, fmt);
    out
}

fn format_digits(out: &mut String, neg: bool, digs: &Digits, shortest: bool, prec: i32, fmt: u8) {
    match fmt {
        b'e' | b'E' => fmt_e(out, neg, digs, prec, fmt),
        b'f' => fmt_f(out, neg, digs, prec),
        _ => {
            let mut eprec = prec;
            if eprec > digs.nd() && digs.nd() >= digs.dp {
                eprec = digs.nd();
            }
            // Go decides with precision 6 when printing the shortest representation.
            if shortest {
                eprec = 6;
            }
            let exp = digs.dp - 1;
            if exp < -4 || exp >= eprec {
                let p = prec.min(digs.nd());
                fmt_e(out, neg, digs, p - 1, fmt + b'e' - b'g');
            } else {
                let p = if prec > digs.dp { digs.nd() } else { prec };
                fmt_f(out, neg, digs, (p - digs.dp).max(0));
            }
        }
    }
}

fn fmt_e(out: &mut String, neg: bool, digs: &Digits, prec: i32, fmt: u8) {
    if neg {
        out.push('-');
    }
    out.push(digs.d.first().map_or('0', |&c| c as char));
    if prec > 0 {
        out.push('.');
        for i in 1..=prec {
            out.push(digs.d.get(i as usize).map_or('0', |&c| c as char));
        }
    }
    out.push(fmt as char);
    let mut exp = if digs.d.is_empty() { 0 } else { digs.dp - 1 };
    if exp < 0 {
        out.push('-');
        exp = -exp;
    } else {
        out.push('+');
    }
    if exp < 10 {
        out.push('0');
    }
    out.push_str(&exp.to_string());
}

fn fmt_f(out: &mut String, neg: bool, digs: &Digits, prec: i32) {
    if neg {
        out.push('-');
    }
    if digs.dp > 0 {
        for i in 0..digs.dp {
            out.push(digs.d.get(i as usize).map_or('0', |&c| c as char));
        }
    } else {
        out.push('0');
    }
    if prec > 0 {
        out.push('.');
        for i in 1..=prec {
            let j = digs.dp + i - 1;
            let c = if j >= 0 { digs.d.get(j as usize) } else { None };
            out.push(c.map_or('0', |&c| c as char));
        }
    }
}

/// `%b`: decimal mantissa, `p`, binary exponent (`4503599627370496p-52`).
fn fmt_b(neg: bool, mant: u64, exp: i32) -> String {
    let exp = exp - 52;
    format!(
        "{}{mant}p{}{exp}",
        if neg { "-" } else { "" },
        if exp >= 0 { "+" } else { "" }
    )
}

/// `%x`: `-0x1.yyyyp±dd`, rounding the hex fraction to `prec` digits when asked.
fn fmt_x(prec: i32, fmt: u8, neg: bool, mut mant: u64, mut exp: i32) -> String {
    if mant == 0 {
        exp = 0;
    }
    // Put the leading 1 (if any) at bit 60.
    mant <<= 60 - 52;
    while mant != 0 && mant & (1 << 60) == 0 {
        mant <<= 1;
        exp -= 1;
    }
    if (0..15).contains(&prec) {
        let shift = (prec * 4) as u32;
        let extra = (mant << shift) & ((1u64 << 60) - 1);
        mant >>= 60 - shift;
        if extra | (mant & 1) > 1 << 59 {
            mant += 1;
        }
        mant <<= 60 - shift;
        if mant & (1 << 61) != 0 {
            mant >>= 1;
            exp += 1;
        }
    }
    let hex: &[u8; 16] = if fmt == b'X' {
        b"0123456789ABCDEF"
    } else {
        b"0123456789abcdef"
    };
    let mut out = String::new();
    if neg {
        out.push('-');
    }
    out.push('0');
    out.push(fmt as char);
    out.push((b'0' + ((mant >> 60) & 1) as u8) as char);
    mant <<= 4;
    if prec < 0 && mant != 0 {
        out.push('.');
        while mant != 0 {
            out.push(hex[((mant >> 60) & 15) as usize] as char);
            mant <<= 4;
        }
    } else if prec > 0 {
        out.push('.');
        for _ in 0..prec {
            out.push(hex[((mant >> 60) & 15) as usize] as char);
            mant <<= 4;
        }
    }
    out.push(if fmt == b'X' { 'P' } else { 'p' });
    if exp < 0 {
        out.push('-');
        exp = -exp;
    } else {
        out.push('+');
    }
    if exp < 10 {
        out.push('0');
    }
    out.push_str(&exp.to_string());
    out
}

#[cfg(test)]
mod tests {
    use super::format_float;

    #[test]
    fn shortest_g_thresholds() {
        let g = |v| format_float(v, b'g', -1);
        assert_eq!(g(1e6), "1e+06");
        assert_eq!(g(999999.0), "999999");
        assert_eq!(g(0.0001), "0.0001");
        assert_eq!(g(0.00001), "1e-05");
        assert_eq!(g(1e21), "1e+21");
        assert_eq!(g(12345678.0), "1.2345678e+07");
        assert_eq!(g(12345678901.0), "1.2345678901e+10");
        assert_eq!(g(0.30000000000000004), "0.30000000000000004");
        assert_eq!(g(0.0), "0");
        assert_eq!(g(-0.0), "-0");
        assert_eq!(g(1.0 / 3.0), "0.3333333333333333");
        assert_eq!(g(f64::INFINITY), "+Inf");
        assert_eq!(g(f64::NAN), "NaN");
    }

    #[test]
    fn precisions() {
        assert_eq!(format_float(2.5, b'f', 0), "2");
        assert_eq!(format_float(3.5, b'f', 0), "4");
        assert_eq!(format_float(0.15, b'f', 1), "0.1");
        assert_eq!(format_float(3.14158, b'f', 6), "3.141580");
        assert_eq!(format_float(1234.5678, b'e', 6), "1.234568e+03");
        assert_eq!(format_float(0.000123, b'e', 2), "1.23e-04");
        assert_eq!(format_float(1234.5678, b'g', 3), "1.23e+03");
        assert_eq!(format_float(1.0, b'g', 3), "1");
        assert_eq!(format_float(100.0, b'g', 3), "100");
        assert_eq!(format_float(0.0, b'e', 2), "0.00e+00");
        assert_eq!(format_float(1e-10, b'G', -1), "1E-10");
        assert_eq!(format_float(1e300, b'e', -1), "1e+300");
    }

    #[test]
    fn binary_and_hex() {
        assert_eq!(format_float(1.0, b'b', -1), "4503599627370496p-52");
        assert_eq!(format_float(1.5, b'x', -1), "0x1.8p+00");
        assert_eq!(format_float(0.5, b'X', -1), "0X1P-01");
        assert_eq!(format_float(0.0, b'x', -1), "0x0p+00");
        assert_eq!(format_float(1.0, b'x', 2), "0x1.00p+00");
    }
}
