//! JSON as Go's `encoding/json` writes it (`Marshal`, `MarshalIndent`, an `Encoder` without
//! HTML escaping): sorted keys, `\u003c` for `<` `>` `&`, U+2028/U+2029 escaped, Go float
//! formatting, `[]byte` as base64.

use base64::Engine as _;

use super::YamlError;
use super::numfmt::format_json_float;
use crate::value::Value;

/// How to write JSON.
#[derive(Clone, Copy, Debug)]
pub struct JsonStyle {
    /// Escape `<`, `>`, `&` (Go's default; off for `toRawJson`).
    pub escape_html: bool,
    /// Indent nested values with two spaces per level (`MarshalIndent(v, "", "  ")`).
    pub indent: bool,
}

impl JsonStyle {
    /// `json.Marshal`.
    pub const COMPACT: JsonStyle = JsonStyle {
        escape_html: true,
        indent: false,
    };
}

/// Encodes `v` like encoding/json.
pub fn encode(v: &Value, style: JsonStyle) -> Result<String, YamlError> {
    let mut out = String::new();
    write_value(&mut out, v, style, 0)?;
    Ok(out)
}

fn unsupported(message: String) -> YamlError {
    YamlError {
        message,
        line: None,
        column: None,
    }
}

fn newline(out: &mut String, style: JsonStyle, level: usize) {
    if style.indent {
        out.push('\n');
        for _ in 0..level {
            out.push_str("  ");
        }
    }
}

fn write_value(
    out: &mut String,
    v: &Value,
    style: JsonStyle,
    level: usize,
) -> Result<(), YamlError> {
    if level > super::load::MAX_DEPTH + 1 {
        return Err(unsupported(
            "json: unsupported value: encountered a cycle or excessive nesting".into(),
        ));
    }
    match v {
        Value::Nil => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) | Value::Int64(i) => out.push_str(&i.to_string()),
        Value::Uint(u) => out.push_str(&u.to_string()),
        Value::Float(f) => {
            if !f.is_finite() {
                return Err(unsupported(format!(
                    "json: unsupported value: {}",
                    super::numfmt::format_g_shortest(*f)
                )));
            }
            out.push_str(&format_json_float(*f));
        }
        Value::String(s) => write_string(out, s, style.escape_html),
        Value::Bytes(b) => {
            out.push('"');
            out.push_str(&base64::engine::general_purpose::STANDARD.encode(b));
            out.push('"');
        }
        Value::List(l) if l.nil => out.push_str("null"),
        Value::List(l) => {
            if l.items.is_empty() {
                out.push_str("[]");
                return Ok(());
            }
            out.push('[');
            for (i, item) in l.items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, style, level + 1);
                write_value(out, item, style, level + 1)?;
            }
            newline(out, style, level);
            out.push(']');
        }
        Value::Map(m) if m.is_go_nil() => out.push_str("null"),
        Value::Map(m) => {
            let entries = m.borrow();
            if entries.is_empty() {
                out.push_str("{}");
                return Ok(());
            }
            out.push('{');
            for (i, (k, item)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, style, level + 1);
                write_string(out, k, style.escape_html);
                out.push(':');
                if style.indent {
                    out.push(' ');
                }
                write_value(out, item, style, level + 1)?;
            }
            newline(out, style, level);
            out.push('}');
        }
        Value::Object(o) => match o.marshal_json().or_else(|| o.as_value()) {
            Some(inner) => write_value(out, &inner, style, level)?,
            None => {
                return Err(unsupported(format!(
                    "json: unsupported type: {}",
                    o.type_name()
                )));
            }
        },
    }
    Ok(())
}

/// A JSON string literal as encoding/json writes it.
pub(crate) fn write_string(out: &mut String, s: &str, escape_html: bool) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '<' | '>' | '&' if escape_html => {
                out.push_str("\\u00");
                out.push(HEX[(c as usize) >> 4] as char);
                out.push(HEX[(c as usize) & 0xf] as char);
            }
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c if (c as u32) < 0x20 => {
                out.push_str("\\u00");
                out.push(HEX[(c as usize) >> 4] as char);
                out.push(HEX[(c as usize) & 0xf] as char);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::Map;

    fn compact(v: &Value) -> String {
        encode(v, JsonStyle::COMPACT).unwrap_or_else(|e| e.message)
    }

    #[test]
    fn strings_and_numbers() {
        assert_eq!(compact(&Value::str("<a>&")), r#""\u003ca\u003e\u0026""#);
        assert_eq!(
            encode(
                &Value::str("<a>&\u{2028}"),
                JsonStyle {
                    escape_html: false,
                    indent: false
                }
            )
            .unwrap(),
            "\"<a>&\\u2028\""
        );
        assert_eq!(compact(&Value::Float(1e7)), "10000000");
        assert_eq!(
            compact(&Value::Float(f64::INFINITY)),
            "json: unsupported value: +Inf"
        );
        assert_eq!(compact(&Value::str("\u{1}\u{8}")), r#""\u0001\b""#);
    }

    #[test]
    fn pretty() {
        let m = Map::new();
        m.insert("b", Value::list(vec![Value::Int(1), Value::Int(2)]));
        m.insert("a", Value::empty_map());
        let style = JsonStyle {
            escape_html: true,
            indent: true,
        };
        assert_eq!(
            encode(&Value::Map(m), style).unwrap(),
            "{\n  \"a\": {},\n  \"b\": [\n    1,\n    2\n  ]\n}"
        );
    }
}
