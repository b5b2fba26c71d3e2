//! The document tree the YAML emitter writes, built from template values the way each
//! encoder sees them.

use base64::Engine as _;

use super::YamlError;
use super::emit::natural_key_cmp;
use super::numfmt::{format_g_shortest, format_json_float};
use super::resolve::{Resolved, resolve_plain};
use crate::value::{Map, Value};

/// A node to emit.
#[derive(Clone, Debug)]
pub(crate) enum YNode {
    /// A scalar written plain as is (numbers, booleans, null).
    Scalar(String),
    /// A string; the emitter picks its style.
    Str(String),
    Seq(Vec<YNode>),
    /// Entries already in emitting order.
    Map(Vec<(String, YNode)>),
}

/// How values become nodes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum NodeMode {
    /// sigs.k8s.io/yaml: through JSON first (so numbers are what go-yaml reads back from
    /// encoding/json's text, objects are their JSON form).
    JsonRoundTrip,
    /// go-yaml v3 directly on the Go values (ints stay ints, floats print with `%g`).
    Direct,
}

fn error(message: String) -> YamlError {
    YamlError {
        message,
        line: None,
        column: None,
    }
}

/// Builds the node tree for `v`.
pub(crate) fn to_node(v: &Value, mode: NodeMode, depth: usize) -> Result<YNode, YamlError> {
    if depth > super::load::MAX_DEPTH + 1 {
        return Err(error(
            "error marshaling into JSON: json: exceeded max depth".into(),
        ));
    }
    Ok(match v {
        Value::Nil => YNode::Scalar("null".into()),
        Value::Bool(b) => YNode::Scalar(b.to_string()),
        Value::Int(i) | Value::Int64(i) => YNode::Scalar(i.to_string()),
        Value::Uint(u) => YNode::Scalar(u.to_string()),
        Value::Float(f) => YNode::Scalar(float_text(*f, mode)?),
        Value::String(s) => YNode::Str(match mode {
            NodeMode::JsonRoundTrip => round_trip_string(s)?,
            NodeMode::Direct => s.to_string(),
        }),
        Value::Bytes(b) => YNode::Str(base64::engine::general_purpose::STANDARD.encode(b)),
        Value::List(l) if l.nil => YNode::Scalar("null".into()),
        Value::List(l) => seq_node(&l.items, mode, depth)?,
        Value::Map(m) if m.is_go_nil() => YNode::Scalar("null".into()),
        Value::Map(m) => map_node(m, mode, depth)?,
        // go-yaml v3 writes a time.Time as a plain timestamp.
        Value::Object(o) if mode == NodeMode::Direct && o.type_name() == "time.Time" => {
            match o.marshal_json() {
                Some(Value::String(s)) => YNode::Scalar(s.to_string()),
                _ => YNode::Scalar(o.format_v()),
            }
        }
        Value::Object(o) => match o.marshal_json().or_else(|| o.as_value()) {
            Some(inner) => to_node(&inner, mode, depth + 1)?,
            None => {
                return Err(error(format!(
                    "error marshaling into JSON: json: unsupported type: {}",
                    o.type_name()
                )));
            }
        },
    })
}

fn seq_node(items: &[Value], mode: NodeMode, depth: usize) -> Result<YNode, YamlError> {
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        out.push(to_node(item, mode, depth + 1)?);
    }
    Ok(YNode::Seq(out))
}

fn map_node(m: &Map, mode: NodeMode, depth: usize) -> Result<YNode, YamlError> {
    let mut entries = Vec::with_capacity(m.len());
    for (k, item) in m.borrow().iter() {
        let key = match mode {
            // A line break in a key cannot be read back as a simple key.
            NodeMode::JsonRoundTrip if k.contains('\u{85}') => {
                return Err(error(
                    "error converting JSON to YAML: yaml: could not find expected ':'".into(),
                ));
            }
            NodeMode::JsonRoundTrip => round_trip_string(k)?,
            NodeMode::Direct => k.clone(),
        };
        entries.push((
            key.chars().collect::<Vec<char>>(),
            key,
            to_node(item, mode, depth + 1)?,
        ));
    }
    entries.sort_by(|a, b| natural_key_cmp(&a.0, &b.0));
    Ok(YNode::Map(
        entries.into_iter().map(|(_, k, v)| (k, v)).collect(),
    ))
}

/// A string after encoding/json wrote it and go-yaml read it back: characters YAML
/// streams may not contain fail, and NEL (which JSON leaves raw but YAML 1.1 reads as a
/// line break) folds like a line break inside a double-quoted scalar.
#[inline(never)]
fn round_trip_string(s: &str) -> Result<String, YamlError> {
    // encoding/json escapes everything below U+0020, so only the rest can reach the reader.
    if !s
        .chars()
        .all(|c| (c as u32) < 0x20 || super::load::is_yaml_char(c))
    {
        return Err(error(
            "error converting JSON to YAML: yaml: control characters are not allowed".into(),
        ));
    }
    if !s.contains('\u{85}') {
        return Ok(s.to_string());
    }
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c != ' ' && c != '\u{85}' {
            out.push(c);
            i += 1;
            continue;
        }
        let mut spaces = 0;
        let mut breaks = 0;
        while i < chars.len() && (chars[i] == ' ' || chars[i] == '\u{85}') {
            if chars[i] == ' ' {
                if breaks == 0 {
                    spaces += 1;
                }
            } else {
                breaks += 1;
            }
            i += 1;
        }
        match breaks {
            0 => out.extend(std::iter::repeat_n(' ', spaces)),
            1 => out.push(' '),
            n => out.extend(std::iter::repeat_n('\n', n - 1)),
        }
    }
    Ok(out)
}

#[inline(never)]
fn float_text(f: f64, mode: NodeMode) -> Result<String, YamlError> {
    match mode {
        NodeMode::Direct => Ok(match f {
            f if f.is_nan() => ".nan".into(),
            f if f.is_infinite() => if f > 0.0 { ".inf" } else { "-.inf" }.into(),
            f => format_g_shortest(f),
        }),
        NodeMode::JsonRoundTrip => {
            if !f.is_finite() {
                return Err(error(format!(
                    "error marshaling into JSON: json: unsupported value: {}",
                    format_g_shortest(f)
                )));
            }
            // What go-yaml makes of encoding/json's number text.
            let text = format_json_float(f);
            Ok(match resolve_plain(&text) {
                Resolved::Int(i) => i.to_string(),
                Resolved::Uint(u) => u.to_string(),
                Resolved::Float(x) => format_g_shortest(x),
                _ => text,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn string_node(s: &str) -> String {
        match to_node(&Value::str(s), NodeMode::JsonRoundTrip, 0) {
            Ok(YNode::Str(s)) => s,
            Ok(other) => format!("{other:?}"),
            Err(e) => e.message,
        }
    }

    #[test]
    fn json_round_trip_of_strings() {
        assert_eq!(string_node("a \u{85} b"), "a b");
        assert_eq!(string_node("a\u{85}\u{85}b"), "a\nb");
        assert_eq!(
            string_node("a\u{7f}"),
            "error converting JSON to YAML: yaml: control characters are not allowed"
        );
        assert_eq!(string_node("plain"), "plain");
        assert_eq!(string_node("bell\u{7}"), "bell\u{7}");
    }
}
