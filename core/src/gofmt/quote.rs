//! Go's `strconv` quoting: `Quote`, `QuoteToASCII`, `QuoteRune`, `QuoteRuneToASCII`,
//! `CanBackquote` and the `IsPrint` rule they rely on.

const LOWER_HEX: &[u8; 16] = b"0123456789abcdef";

/// `strconv.Quote`: a double-quoted Go string literal.
pub fn quote(s: &str) -> String {
    quote_bytes(s.as_bytes(), false)
}

/// `strconv.Quote` / `QuoteToASCII` of arbitrary bytes (invalid UTF-8 becomes `\xNN`).
pub fn quote_bytes(s: &[u8], ascii_only: bool) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for chunk in s.utf8_chunks() {
        for c in chunk.valid().chars() {
            escape_rune(&mut out, c, '"', ascii_only);
        }
        for &b in chunk.invalid() {
            push_hex_escape(&mut out, 'x', u32::from(b), 2);
        }
    }
    out.push('"');
    out
}

/// `strconv.QuoteRune` / `QuoteRuneToASCII` of a Go rune value (invalid code points
/// become U+FFFD).
pub fn quote_rune(r: i64, ascii_only: bool) -> String {
    let c = u32::try_from(r)
        .ok()
        .and_then(char::from_u32)
        .unwrap_or('\u{FFFD}');
    let mut out = String::from('\'');
    escape_rune(&mut out, c, '\'', ascii_only);
    out.push('\'');
    out
}

/// `strconv.CanBackquote`: whether `s` can be a raw string literal unchanged.
pub fn can_backquote(s: &str) -> bool {
    s.chars()
        .all(|c| c != '`' && c != '\u{FEFF}' && (c == '\t' || !(c < ' ' || c == '\x7f')))
}

fn push_hex_escape(out: &mut String, kind: char, v: u32, width: u32) {
    out.push('\\');
    out.push(kind);
    for i in (0..width).rev() {
        out.push(LOWER_HEX[((v >> (4 * i)) & 0xf) as usize] as char);
    }
}

fn escape_rune(out: &mut String, c: char, quote: char, ascii_only: bool) {
    if c == quote || c == '\\' {
        out.push('\\');
        out.push(c);
        return;
    }
    if ascii_only {
        if c.is_ascii() && is_print(c) {
            out.push(c);
            return;
        }
    } else if is_print(c) {
        out.push(c);
        return;
    }
    match c {
        '\x07' => out.push_str("\\a"),
        '\x08' => out.push_str("\\b"),
        '\x0c' => out.push_str("\\f"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        '\x0b' => out.push_str("\\v"),
        c if c < ' ' || c == '\x7f' => push_hex_escape(out, 'x', c as u32, 2),
        c if (c as u32) < 0x10000 => push_hex_escape(out, 'u', c as u32, 4),
        c => push_hex_escape(out, 'U', c as u32, 8),
    }
}

/// Go's `strconv.IsPrint`: letters, marks, numbers, punctuation, symbols and the ASCII
/// space. Without Unicode category tables this treats every assigned-looking code point
/// as printable and excludes controls, spaces, format characters, private use and
/// noncharacters.
pub fn is_print(c: char) -> bool {
    let u = c as u32;
    if u < 0x80 {
        return (0x20..0x7f).contains(&u);
    }
    if c.is_control() || c.is_whitespace() {
        return false;
    }
    !matches!(u,
        0xAD | 0x600..=0x605 | 0x61C | 0x6DD | 0x70F | 0x890..=0x891 | 0x8E2 | 0x180E
        | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x206F | 0xFEFF | 0xFFF0..=0xFFFB
        | 0x110BD | 0x110CD | 0x13430..=0x1343F | 0x1BCA0..=0x1BCA3 | 0x1D173..=0x1D17A
        | 0xE0000..=0xE0FFF | 0xE000..=0xF8FF | 0xF0000..=0x10FFFF | 0xD800..=0xDFFF)
        && (u & 0xFFFE) != 0xFFFE
        && !(0xFDD0..=0xFDEF).contains(&u)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_like_strconv() {
        assert_eq!(quote("a\"b\\c"), r#""a\"b\\c""#);
        assert_eq!(quote("tab\there\n"), r#""tab\there\n""#);
        assert_eq!(quote("é"), "\"é\"");
        assert_eq!(quote_bytes("é".as_bytes(), true), r#""\u00e9""#);
        assert_eq!(quote_bytes("😀".as_bytes(), true), r#""\U0001f600""#);
        assert_eq!(quote_bytes(b"\xff", false), r#""\xff""#);
        assert_eq!(quote("\u{1}\u{7f}\u{a0}"), r#""\x01\x7f\u00a0""#);
        assert_eq!(quote_rune(65, false), "'A'");
        assert_eq!(quote_rune(39, false), r"'\''");
        assert_eq!(quote_rune(-1, false), "'\u{FFFD}'");
        assert!(can_backquote("raw\t"));
        assert!(!can_backquote("back`tick"));
    }
}
