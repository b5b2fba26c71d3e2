//! Parsing of `Sprintf` format strings (Go's `doPrintf`): flags, `[n]` argument indexes,
//! `*` widths and precisions, and the inline error reports (`%!d(MISSING)`,
//! `%!(EXTRA …)`, `%!(BADWIDTH)`, `%!(NOVERB)`, `%!s(BADINDEX)`).

use super::printer::{Flags, Printer};
use crate::value::Value;

/// Numbers beyond this are treated as malformed (Go's `tooLarge`).
const TOO_LARGE: usize = 1_000_000;

/// Parses a decimal number at `s[start..end]`: (value, found, index after it).
fn parse_num(s: &[u8], start: usize, end: usize) -> (usize, bool, usize) {
    if start >= end {
        return (0, false, end);
    }
    let mut num = 0usize;
    let mut isnum = false;
    let mut i = start;
    while i < end && s[i].is_ascii_digit() {
        if num > TOO_LARGE {
            return (0, false, end);
        }
        num = num * 10 + usize::from(s[i] - b'0');
        isnum = true;
        i += 1;
    }
    (num, isnum, i)
}

/// Parses `[n]` at the start of `s`: (zero-based index, bytes consumed, ok).
fn parse_arg_number(s: &[u8]) -> (usize, usize, bool) {
    if s.len() < 3 {
        return (0, 1, false);
    }
    for i in 1..s.len() {
        if s[i] == b']' {
            let (width, ok, newi) = parse_num(s, 1, i);
            if !ok || newi != i || width == 0 {
                // `[0]` parses but indexes nothing: Go reports it as a bad index.
                return (usize::MAX, i + 1, ok && newi == i);
            }
            return (width - 1, i + 1, true);
        }
    }
    (0, 1, false)
}

/// An `int`-typed argument for `*` (Go's `intFromArg`).
fn int_from_arg(args: &[Value], arg_num: usize) -> (i64, bool, usize) {
    let Some(v) = args.get(arg_num) else {
        return (0, false, arg_num);
    };
    let (num, ok) = match v {
        Value::Int(i) | Value::Int64(i) => (*i, true),
        Value::Uint(u) => match i64::try_from(*u) {
            Ok(i) => (i, true),
            Err(_) => (0, false),
        },
        _ => (0, false),
    };
    if num.unsigned_abs() > TOO_LARGE as u64 {
        return (0, false, arg_num + 1);
    }
    (num, ok, arg_num + 1)
}

struct State<'a> {
    format: &'a [u8],
    args: &'a [Value],
    arg_num: usize,
    reordered: bool,
    good_arg_num: bool,
}

impl State<'_> {
    /// Handles an optional `[n]` at `i`: (new index, found).
    fn arg_number(&mut self, i: usize) -> (usize, bool) {
        if i >= self.format.len() || self.format[i] != b'[' {
            return (i, false);
        }
        self.reordered = true;
        let (index, wid, ok) = parse_arg_number(&self.format[i..]);
        if ok && index < self.args.len() {
            self.arg_num = index;
            return (i + wid, true);
        }
        self.good_arg_num = false;
        (i + wid, ok)
    }
}

pub(super) fn do_printf(p: &mut Printer, format: &str, args: &[Value]) {
    let fmt = format.as_bytes();
    let end = fmt.len();
    let mut st = State {
        format: fmt,
        args,
        arg_num: 0,
        reordered: false,
        good_arg_num: true,
    };
    let mut after_index;
    let mut i = 0;
    while i < end {
        st.good_arg_num = true;
        let lasti = i;
        while i < end && fmt[i] != b'%' {
            i += 1;
        }
        if i > lasti {
            p.buf.extend_from_slice(&fmt[lasti..i]);
        }
        if i >= end {
            break;
        }
        i += 1;
        p.f = Flags::default();
        while i < end {
            match fmt[i] {
                b'#' => p.f.sharp = true,
                b'0' => p.f.zero = true,
                b'+' => p.f.plus = true,
                b'-' => p.f.minus = true,
                b' ' => p.f.space = true,
                _ => break,
            }
            i += 1;
        }

        (i, after_index) = st.arg_number(i);

        if i < end && fmt[i] == b'*' {
            i += 1;
            let (w, ok, next) = int_from_arg(args, st.arg_num);
            st.arg_num = next;
            p.f.wid_present = ok;
            if !ok {
                p.write_str("%!(BADWIDTH)");
            }
            if w < 0 {
                p.f.minus = true;
                p.f.zero = false;
            }
            p.f.wid = w.unsigned_abs() as usize;
            after_index = false;
        } else {
            let (w, ok, next) = parse_num(fmt, i, end);
            p.f.wid = w;
            p.f.wid_present = ok;
            i = next;
            if after_index && ok {
                st.good_arg_num = false;
            }
        }

        if i + 1 < end && fmt[i] == b'.' {
            i += 1;
            if after_index {
                st.good_arg_num = false;
            }
            (i, after_index) = st.arg_number(i);
            if i < end && fmt[i] == b'*' {
                i += 1;
                let (prec, ok, next) = int_from_arg(args, st.arg_num);
                st.arg_num = next;
                p.f.prec_present = ok && prec >= 0;
                p.f.prec = if prec < 0 { 0 } else { prec as usize };
                if !p.f.prec_present {
                    p.write_str("%!(BADPREC)");
                }
                after_index = false;
            } else {
                let (prec, ok, next) = parse_num(fmt, i, end);
                p.f.prec = if ok { prec } else { 0 };
                p.f.prec_present = true;
                i = next;
            }
        }

        if !after_index {
            (i, _) = st.arg_number(i);
        }

        if i >= end {
            p.write_str("%!(NOVERB)");
            break;
        }

        let verb = format[i..].chars().next().unwrap_or('\u{FFFD}');
        i += verb.len_utf8();

        if verb == '%' {
            p.write_str("%");
        } else if !st.good_arg_num {
            p.write_str("%!");
            p.write_char(verb);
            p.write_str("(BADINDEX)");
        } else if st.arg_num >= args.len() {
            p.write_str("%!");
            p.write_char(verb);
            p.write_str("(MISSING)");
        } else {
            if verb == 'v' {
                p.f.sharp_v = p.f.sharp;
                p.f.sharp = false;
                p.f.plus_v = p.f.plus;
                p.f.plus = false;
            }
            p.print_arg(&args[st.arg_num], verb);
            st.arg_num += 1;
        }
    }

    if !st.reordered && st.arg_num < args.len() {
        p.f = Flags::default();
        p.write_str("%!(EXTRA ");
        for (k, arg) in args[st.arg_num..].iter().enumerate() {
            if k > 0 {
                p.write_str(", ");
            }
            if arg.is_nil() {
                p.write_str("<nil>");
            } else {
                p.write_str(arg.go_type());
                p.write_str("=");
                p.print_arg(arg, 'v');
            }
        }
        p.write_str(")");
    }
}
