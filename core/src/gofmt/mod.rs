//! Go's `fmt` package as templates use it: `print`, `println`, `printf` and the default
//! `%v` formatting of values (which is also how the engine writes a value into output).

use crate::value::Value;

/// `fmt.Sprint(args...)`: operands joined, with a space between two operands when
/// neither is a string.
pub fn sprint(args: &[Value]) -> String {
    let _ = args;
    String::from("%!(NOT IMPLEMENTED)")
}

/// `fmt.Sprintln(args...)`: operands always separated by spaces, newline appended.
pub fn sprintln(args: &[Value]) -> String {
    let _ = args;
    String::from("%!(NOT IMPLEMENTED)")
}

/// `fmt.Sprintf(format, args...)` with every verb and flag Go supports for these types.
pub fn sprintf(format: &str, args: &[Value]) -> String {
    let _ = (format, args);
    String::from("%!(NOT IMPLEMENTED)")
}

/// `fmt.Sprint(v)` of one value: what `{{ v }}` writes.
pub fn format_value(v: &Value) -> String {
    sprint(std::slice::from_ref(v))
}
