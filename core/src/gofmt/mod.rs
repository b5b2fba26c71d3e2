//! Go's `fmt` package as templates use it: `print`, `println`, `printf` and the default
//! `%v` formatting of values (which is also how the engine writes a value into output).

mod float;
mod printer;
mod printf;
mod quote;

pub use float::format_float;
pub use quote::{can_backquote, is_print, quote, quote_bytes, quote_rune};

use crate::value::Value;
use printer::Printer;

/// `fmt.Sprint(args...)`: operands joined, with a space between two operands when
/// neither is a string.
pub fn sprint(args: &[Value]) -> String {
    let mut p = Printer::default();
    let mut prev_string = false;
    for (i, arg) in args.iter().enumerate() {
        let is_string = matches!(arg, Value::String(_));
        if i > 0 && !is_string && !prev_string {
            p.write_str(" ");
        }
        p.print_arg(arg, 'v');
        prev_string = is_string;
    }
    p.into_string()
}

/// `fmt.Sprintln(args...)`: operands always separated by spaces, newline appended.
pub fn sprintln(args: &[Value]) -> String {
    let mut p = Printer::default();
    for (i, arg) in args.iter().enumerate() {
        if i > 0 {
            p.write_str(" ");
        }
        p.print_arg(arg, 'v');
    }
    p.write_str("\n");
    p.into_string()
}

/// `fmt.Sprintf(format, args...)` with every verb and flag Go supports for these types.
pub fn sprintf(format: &str, args: &[Value]) -> String {
    let mut p = Printer::default();
    printf::do_printf(&mut p, format, args);
    p.into_string()
}

/// `fmt.Sprint(v)` of one value: what `{{ v }}` writes.
pub fn format_value(v: &Value) -> String {
    match v {
        Value::String(s) => s.to_string(),
        _ => sprint(std::slice::from_ref(v)),
    }
}

#[cfg(test)]
mod tests;
