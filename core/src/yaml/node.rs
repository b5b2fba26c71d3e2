//! The document tree the YAML emitter writes, built from template values the way each
//! encoder sees them.

use std::cmp::Ordering;

use base64::Engine as _;

use super::YamlError;
use super::emit::natural_key_cmp;
use super::numfmt::{format_g_shortest, format_json_float};
use super::resolve::{Resolved, resolve_plain};
use crate::value::Value;

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
    if depth > super::load::MAX_DEPTH * 2 {
        return Err(error("yaml: exceeded max depth".into()));
    }
    Ok(match v {
        Value::Nil => YNode::Scalar("null".into()),
        Value::Bool(b) => YNode::Scalar(b.to_string()),
        Value::Int(i) | Value::Int64(i) => YNode::Scalar(i.to_string()),
        Value::Uint(u) => YNode::Scalar(u.to_string()),
        Value::Float(f) => YNode::Scalar(float_text(*f, mode)?),
        Value::String(s) => YNode::Str(s.to_string()),
        Value::Bytes(b) => YNode::Str(base64::engine::general_purpose::STANDARD.encode(b)),
        Value::List(l) => YNode::Seq(
            l.items
                .iter()
                .map(|item| to_node(item, mode, depth + 1))
                .collect::<Result<_, _>>()?,
        ),
        Value::Map(m) => {
            let mut entries = m
                .borrow()
                .iter()
                .map(|(k, item)| Ok((k.clone(), to_node(item, mode, depth + 1)?)))
                .collect::<Result<Vec<_>, YamlError>>()?;
            entries.sort_by(|a, b| natural_key_cmp(&a.0, &b.0).then(Ordering::Equal));
            YNode::Map(entries)
        }
        Value::Object(o) => match o.marshal_json().or_else(|| o.as_value()) {
            Some(inner) => to_node(&inner, mode, depth + 1)?,
            None => {
                return Err(error(format!("json: unsupported type: {}", o.type_name())));
            }
        },
    })
}

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
                    "json: unsupported value: {}",
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
