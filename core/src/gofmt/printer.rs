//! The state of one `fmt` call (Go's `pp` and `fmt` types): the output buffer, the flags
//! of the verb being printed, and how each kind of value is printed for a verb.

use super::float::format_float;
use super::quote::{can_backquote, quote_bytes, quote_rune};
use crate::value::Value;

const LOWER_DIGITS: &[u8; 17] = b"0123456789abcdefx";
const UPPER_DIGITS: &[u8; 17] = b"0123456789ABCDEFX";

/// Nesting depth beyond which lists and maps are not printed further.
const MAX_DEPTH: usize = 256;

/// Flags, width and precision of the verb being printed (Go's `fmtFlags` plus `wid`/`prec`).
#[derive(Clone, Copy, Default)]
pub(super) struct Flags {
    pub wid: usize,
    pub prec: usize,
    pub wid_present: bool,
    pub prec_present: bool,
    pub minus: bool,
    pub plus: bool,
    pub sharp: bool,
    pub space: bool,
    pub zero: bool,
    /// `%+v` (struct field names; no effect on the values templates have).
    pub plus_v: bool,
    /// `%#v`: Go syntax.
    pub sharp_v: bool,
}

/// One formatting call's output and current flags.
#[derive(Default)]
pub(super) struct Printer {
    pub buf: Vec<u8>,
    pub f: Flags,
    /// Set while printing a bad-verb report, so methods are not consulted (Go's `erroring`).
    erroring: bool,
}

impl Printer {
    pub fn into_string(self) -> String {
        match String::from_utf8(self.buf) {
            Ok(s) => s,
            Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
        }
    }

    pub fn write_str(&mut self, s: &str) {
        self.buf.extend_from_slice(s.as_bytes());
    }

    fn write_padding(&mut self, n: usize) {
        let pad = if self.f.zero && !self.f.minus {
            b'0'
        } else {
            b' '
        };
        self.buf.extend(std::iter::repeat_n(pad, n));
    }

    /// Writes `b` padded to the width (counted in runes).
    fn pad(&mut self, b: &[u8]) {
        if !self.f.wid_present || self.f.wid == 0 {
            self.buf.extend_from_slice(b);
            return;
        }
        let runes = b
            .utf8_chunks()
            .map(|c| c.valid().chars().count() + c.invalid().len());
        let width = self.f.wid.saturating_sub(runes.sum());
        if self.f.minus {
            self.buf.extend_from_slice(b);
            self.write_padding(width);
        } else {
            self.write_padding(width);
            self.buf.extend_from_slice(b);
        }
    }

    fn pad_str(&mut self, s: &str) {
        self.pad(s.as_bytes());
    }

    /// Pads with spaces even when the `0` flag is set.
    fn pad_no_zero(&mut self, b: &[u8]) {
        let old = self.f.zero;
        self.f.zero = false;
        self.pad(b);
        self.f.zero = old;
    }

    /// A top-level operand (Go's `printArg`).
    pub fn print_arg(&mut self, v: &Value, verb: char) {
        if let Value::Nil = v {
            match verb {
                'T' | 'v' => self.pad_str("<nil>"),
                _ => self.bad_verb(Some(v), verb, 0),
            }
            return;
        }
        match verb {
            'T' => return self.fmt_s(v.go_type()),
            'p' => return self.bad_verb(Some(v), verb, 0),
            _ => {}
        }
        match v {
            Value::Bytes(b) => self.fmt_bytes(b, verb, "[]byte"),
            _ => self.print_value(v, verb, 0),
        }
    }

    /// A value at any depth (Go's `printValue`); `depth > 0` inside lists and maps.
    pub fn print_value(&mut self, v: &Value, verb: char, depth: usize) {
        // A map that contains itself (`set $d "self" $d`) would make Go recurse until the
        // process dies; stop at a depth no real value reaches.
        if depth > MAX_DEPTH {
            self.write_str("...");
            return;
        }
        match v {
            Value::Nil => {
                if self.f.sharp_v {
                    self.write_str("interface {}(nil)");
                } else {
                    self.write_str("<nil>");
                }
            }
            Value::Bool(b) => match verb {
                't' | 'v' => self.pad_str(if *b { "true" } else { "false" }),
                _ => self.bad_verb(Some(v), verb, depth),
            },
            Value::Int(i) | Value::Int64(i) => {
                self.fmt_integer_verb(*i as u64, true, verb, v, depth)
            }
            Value::Uint(u) => self.fmt_integer_verb(*u, false, verb, v, depth),
            Value::Float(x) => self.fmt_float_verb(*x, verb, v, depth),
            Value::String(s) => self.fmt_string_verb(s, verb, v, depth),
            Value::Bytes(b) => match verb {
                's' | 'q' | 'x' | 'X' => self.fmt_bytes(b, verb, "[]uint8"),
                _ if self.f.sharp_v => {
                    self.write_str("[]uint8{");
                    for (i, &c) in b.iter().enumerate() {
                        if i > 0 {
                            self.write_str(", ");
                        }
                        self.fmt_0x64(u64::from(c), true);
                    }
                    self.write_str("}");
                }
                _ => {
                    self.write_str("[");
                    for (i, &c) in b.iter().enumerate() {
                        if i > 0 {
                            self.write_str(" ");
                        }
                        self.fmt_integer_verb(u64::from(c), false, verb, &Value::Uint(c.into()), 1);
                    }
                    self.write_str("]");
                }
            },
            Value::List(l) => {
                if self.f.sharp_v {
                    self.write_str(l.kind.go_type());
                    self.write_str("{");
                } else {
                    self.write_str("[");
                }
                for (i, item) in l.items.iter().enumerate() {
                    if i > 0 {
                        self.write_str(if self.f.sharp_v { ", " } else { " " });
                    }
                    self.print_value(item, verb, depth + 1);
                }
                self.write_str(if self.f.sharp_v { "}" } else { "]" });
            }
            Value::Map(m) => {
                if self.f.sharp_v {
                    self.write_str(m.kind().go_type());
                    self.write_str("{");
                } else {
                    self.write_str("map[");
                }
                // Snapshot the entries: printing cannot mutate, but avoid holding the
                // borrow in case an object's formatting reads the same map.
                for (i, (k, item)) in m.entries().iter().enumerate() {
                    if i > 0 {
                        self.write_str(if self.f.sharp_v { ", " } else { " " });
                    }
                    self.fmt_string_verb(k, verb, &Value::str(k), depth + 1);
                    self.write_str(":");
                    self.print_value(item, verb, depth + 1);
                }
                self.write_str(if self.f.sharp_v { "}" } else { "]" });
            }
            Value::Object(o) => match verb {
                'v' | 's' | 'x' | 'X' | 'q' if !self.erroring => {
                    let plus = if verb == 'v' && self.f.plus_v {
                        o.format_plus_v()
                    } else {
                        None
                    };
                    let s = plus.unwrap_or_else(|| o.format_v());
                    self.fmt_string_verb(&s, verb, v, depth);
                }
                // Inside `%!verb(type=value)` the value is shown with `%v`; printing it
                // through `bad_verb` again would never end.
                _ if self.erroring => self.write_str(&o.format_v()),
                _ => match o.underlying() {
                    // A named basic type (`time.Month`) prints its underlying value.
                    Some(u) => self.print_value(&u, verb, depth + 1),
                    None => self.bad_verb(Some(v), verb, depth),
                },
            },
        }
    }

    /// `%!verb(type=value)`, or `%!verb(<nil>)` for nil.
    pub fn bad_verb(&mut self, v: Option<&Value>, verb: char, depth: usize) {
        self.erroring = true;
        self.write_str("%!");
        self.write_char(verb);
        self.write_str("(");
        match v {
            Some(v) if !v.is_nil() => {
                self.write_str(v.go_type());
                self.write_str("=");
                if depth == 0 {
                    self.print_arg(v, 'v');
                } else {
                    self.print_value(v, 'v', depth);
                }
            }
            _ => self.write_str("<nil>"),
        }
        self.write_str(")");
        self.erroring = false;
    }

    pub fn write_char(&mut self, c: char) {
        let mut tmp = [0u8; 4];
        self.buf
            .extend_from_slice(c.encode_utf8(&mut tmp).as_bytes());
    }

    fn fmt_integer_verb(&mut self, u: u64, signed: bool, verb: char, v: &Value, depth: usize) {
        match verb {
            'v' if self.f.sharp_v && !signed => self.fmt_0x64(u, true),
            'v' | 'd' => self.fmt_integer(u, 10, signed, verb, LOWER_DIGITS),
            'b' => self.fmt_integer(u, 2, signed, verb, LOWER_DIGITS),
            'o' | 'O' => self.fmt_integer(u, 8, signed, verb, LOWER_DIGITS),
            'x' => self.fmt_integer(u, 16, signed, verb, LOWER_DIGITS),
            'X' => self.fmt_integer(u, 16, signed, verb, UPPER_DIGITS),
            'c' => {
                let c = rune_of(u, signed);
                let mut tmp = [0u8; 4];
                let b = c.encode_utf8(&mut tmp).as_bytes().to_vec();
                self.pad(&b);
            }
            'q' => {
                let r = if signed {
                    u as i64
                } else {
                    i64::try_from(u).unwrap_or(-1)
                };
                let r = if signed && (u as i64) < 0 || u > 0x10FFFF {
                    0xFFFD
                } else {
                    r
                };
                let s = quote_rune(r, self.f.plus);
                self.pad_str(&s);
            }
            'U' => self.fmt_unicode(u),
            _ => self.bad_verb(Some(v), verb, depth),
        }
    }

    /// `%#x`-style hex with a `0x` prefix (how `%#v` prints unsigned integers).
    fn fmt_0x64(&mut self, u: u64, leading_0x: bool) {
        let sharp = self.f.sharp;
        self.f.sharp = leading_0x;
        self.fmt_integer(u, 16, false, 'v', LOWER_DIGITS);
        self.f.sharp = sharp;
    }

    /// Go's `fmt.fmtInteger`: sign, zero padding or precision, base prefixes, width.
    fn fmt_integer(&mut self, u: u64, base: u64, signed: bool, verb: char, digits: &[u8; 17]) {
        let negative = signed && (u as i64) < 0;
        let mut u = if negative {
            (u as i64).unsigned_abs()
        } else {
            u
        };
        let mut prec = 0usize;
        if self.f.prec_present {
            prec = self.f.prec;
            if prec == 0 && u == 0 {
                let old = self.f.zero;
                self.f.zero = false;
                self.write_padding(self.f.wid);
                self.f.zero = old;
                return;
            }
        } else if self.f.zero && !self.f.minus && self.f.wid_present {
            prec = self.f.wid;
            if negative || self.f.plus || self.f.space {
                prec = prec.saturating_sub(1);
            }
        }
        let mut rev: Vec<u8> = Vec::with_capacity(24 + prec);
        loop {
            rev.push(digits[(u % base) as usize]);
            u /= base;
            if u == 0 {
                break;
            }
        }
        while rev.len() < prec {
            rev.push(b'0');
        }
        if self.f.sharp {
            match base {
                2 => rev.extend_from_slice(b"b0"),
                8 if rev.last() != Some(&b'0') => rev.push(b'0'),
                16 => {
                    rev.push(digits[16]);
                    rev.push(b'0');
                }
                _ => {}
            }
        }
        if verb == 'O' {
            rev.extend_from_slice(b"o0");
        }
        if negative {
            rev.push(b'-');
        } else if self.f.plus {
            rev.push(b'+');
        } else if self.f.space {
            rev.push(b' ');
        }
        rev.reverse();
        self.pad_no_zero(&rev);
    }

    /// `%U`: `U+0041`, with `%#U` adding the quoted character when printable.
    fn fmt_unicode(&mut self, u: u64) {
        let mut prec = 4;
        if self.f.prec_present && self.f.prec > 4 {
            prec = self.f.prec;
        }
        let mut s = format!("{u:X}");
        while s.len() < prec {
            s.insert(0, '0');
        }
        s.insert_str(0, "U+");
        if self.f.sharp
            && let Some(c) = u32::try_from(u).ok().and_then(char::from_u32)
            && super::quote::is_print(c)
        {
            s.push_str(" '");
            s.push(c);
            s.push('\'');
        }
        self.pad_no_zero(s.as_bytes());
    }

    fn fmt_float_verb(&mut self, x: f64, verb: char, v: &Value, depth: usize) {
        match verb {
            'v' => self.fmt_float(x, b'g', -1),
            'b' | 'g' | 'G' | 'x' | 'X' => self.fmt_float(x, verb as u8, -1),
            'f' | 'e' | 'E' => self.fmt_float(x, verb as u8, 6),
            'F' => self.fmt_float(x, b'f', 6),
            _ => self.bad_verb(Some(v), verb, depth),
        }
    }

    /// Go's `fmt.fmtFloat`: sign handling, `#` (keep the point and trailing zeros),
    /// zero padding after the sign, and no zero padding for infinities and NaN.
    fn fmt_float(&mut self, x: f64, verb: u8, default_prec: i32) {
        let prec = if self.f.prec_present {
            self.f.prec.min(1 << 20) as i32
        } else {
            default_prec
        };
        let formatted = format_float(x, verb, prec);
        let mut num: Vec<u8> = Vec::with_capacity(formatted.len() + 1);
        if formatted.starts_with(['-', '+']) {
            num.extend_from_slice(formatted.as_bytes());
        } else {
            num.push(b'+');
            num.extend_from_slice(formatted.as_bytes());
        }
        if self.f.space && num[0] == b'+' && !self.f.plus {
            num[0] = b' ';
        }
        if num.get(1) == Some(&b'I') || num.get(1) == Some(&b'N') {
            if num[1] == b'N' && !self.f.space && !self.f.plus {
                num.remove(0);
            }
            self.pad_no_zero(&num);
            return;
        }
        if self.f.sharp && verb != b'b' {
            num = sharp_float(num, verb, prec);
        }
        if self.f.plus || num[0] != b'+' {
            if self.f.zero && !self.f.minus && self.f.wid_present && self.f.wid > num.len() {
                self.buf.push(num[0]);
                self.write_padding(self.f.wid - num.len());
                self.buf.extend_from_slice(&num[1..]);
                return;
            }
            self.pad(&num);
            return;
        }
        self.pad(&num[1..]);
    }

    fn fmt_string_verb(&mut self, s: &str, verb: char, v: &Value, depth: usize) {
        match verb {
            'v' if self.f.sharp_v => self.fmt_q(s.as_bytes()),
            'v' | 's' => self.fmt_s(s),
            'x' => self.fmt_sbx(s.as_bytes(), LOWER_DIGITS),
            'X' => self.fmt_sbx(s.as_bytes(), UPPER_DIGITS),
            'q' => self.fmt_q(s.as_bytes()),
            _ => self.bad_verb(Some(v), verb, depth),
        }
    }

    /// `[]byte` operands (Go's `fmtBytes`).
    fn fmt_bytes(&mut self, b: &[u8], verb: char, type_name: &str) {
        match verb {
            'v' | 'd' => {
                if self.f.sharp_v {
                    self.write_str(type_name);
                    self.write_str("{");
                    for (i, &c) in b.iter().enumerate() {
                        if i > 0 {
                            self.write_str(", ");
                        }
                        self.fmt_0x64(u64::from(c), true);
                    }
                    self.write_str("}");
                } else {
                    self.write_str("[");
                    for (i, &c) in b.iter().enumerate() {
                        if i > 0 {
                            self.write_str(" ");
                        }
                        self.fmt_integer(u64::from(c), 10, false, verb, LOWER_DIGITS);
                    }
                    self.write_str("]");
                }
            }
            's' => {
                let b = self.truncate(b);
                self.pad(&b);
            }
            'x' => self.fmt_sbx(b, LOWER_DIGITS),
            'X' => self.fmt_sbx(b, UPPER_DIGITS),
            'q' => self.fmt_q(b),
            _ => {
                let bytes = Value::Bytes(b.into());
                self.print_value(&bytes, verb, 0);
            }
        }
    }

    /// The first `prec` runes when a precision is present.
    fn truncate(&self, b: &[u8]) -> Vec<u8> {
        if !self.f.prec_present {
            return b.to_vec();
        }
        let mut n = self.f.prec;
        let mut out = Vec::new();
        for chunk in b.utf8_chunks() {
            for c in chunk.valid().chars() {
                if n == 0 {
                    return out;
                }
                n -= 1;
                let mut tmp = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut tmp).as_bytes());
            }
            for &x in chunk.invalid() {
                if n == 0 {
                    return out;
                }
                n -= 1;
                out.push(x);
            }
        }
        out
    }

    fn fmt_s(&mut self, s: &str) {
        let b = self.truncate(s.as_bytes());
        self.pad(&b);
    }

    fn fmt_q(&mut self, b: &[u8]) {
        let b = self.truncate(b);
        if self.f.sharp
            && let Ok(s) = std::str::from_utf8(&b)
            && can_backquote(s)
        {
            let q = format!("`{s}`");
            return self.pad_str(&q);
        }
        let q = quote_bytes(&b, self.f.plus);
        self.pad_str(&q);
    }

    /// Hex encoding of string bytes (`%x`, `% x`, `%#x`, `% #x`).
    fn fmt_sbx(&mut self, b: &[u8], digits: &[u8; 17]) {
        let length = if self.f.prec_present {
            b.len().min(self.f.prec)
        } else {
            b.len()
        };
        let mut width = 2 * length;
        if width > 0 {
            if self.f.space {
                if self.f.sharp {
                    width *= 2;
                }
                width += length - 1;
            } else if self.f.sharp {
                width += 2;
            }
        } else {
            if self.f.wid_present {
                self.write_padding(self.f.wid);
            }
            return;
        }
        if self.f.wid_present && self.f.wid > width && !self.f.minus {
            self.write_padding(self.f.wid - width);
        }
        if self.f.sharp {
            self.buf.extend_from_slice(&[b'0', digits[16]]);
        }
        for (i, &c) in b[..length].iter().enumerate() {
            if self.f.space && i > 0 {
                self.buf.push(b' ');
                if self.f.sharp {
                    self.buf.extend_from_slice(&[b'0', digits[16]]);
                }
            }
            self.buf.push(digits[(c >> 4) as usize]);
            self.buf.push(digits[(c & 0xf) as usize]);
        }
        if self.f.wid_present && self.f.wid > width && self.f.minus {
            self.write_padding(self.f.wid - width);
        }
    }
}

/// The rune an integer stands for in `%c` (invalid code points become U+FFFD).
fn rune_of(u: u64, signed: bool) -> char {
    if signed && (u as i64) < 0 {
        return '\u{FFFD}';
    }
    u32::try_from(u)
        .ok()
        .and_then(char::from_u32)
        .unwrap_or('\u{FFFD}')
}

/// The `#` flag on floats: always a decimal point, and `%g`'s trailing zeros kept.
fn sharp_float(mut num: Vec<u8>, verb: u8, prec: i32) -> Vec<u8> {
    let mut digits: i32 = match verb {
        b'v' | b'g' | b'G' | b'x' => {
            if prec == -1 {
                6
            } else {
                prec
            }
        }
        _ => 0,
    };
    let mut tail: Vec<u8> = Vec::new();
    let mut has_point = false;
    let mut saw_nonzero = false;
    let mut i = 1;
    while i < num.len() {
        match num[i] {
            b'.' => has_point = true,
            b'p' | b'P' => {
                tail = num.split_off(i);
                break;
            }
            b'e' | b'E' if verb != b'x' && verb != b'X' => {
                tail = num.split_off(i);
                break;
            }
            c => {
                if c != b'0' {
                    saw_nonzero = true;
                }
                if saw_nonzero {
                    digits -= 1;
                }
            }
        }
        i += 1;
    }
    if !has_point {
        if num.len() == 2 && num[1] == b'0' {
            digits -= 1;
        }
        num.push(b'.');
    }
    while digits > 0 {
        num.push(b'0');
        digits -= 1;
    }
    num.extend_from_slice(&tail);
    num
}
