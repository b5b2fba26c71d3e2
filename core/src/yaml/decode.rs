//! Decoding a node tree into Go values as `sigs.k8s.io/yaml` sees them: go-yaml v2 decodes
//! into `interface{}` (typed keys, merge keys, aliases), the result is made JSON-able (keys
//! become strings) and goes through `encoding/json`, so every number ends up a float64.

use std::collections::BTreeMap;

use base64::Engine as _;

use super::YamlError;
use super::load::{Document, MAX_DEPTH, Node, NodeId};
use super::resolve::{Resolved, resolve_plain};
use crate::value::{Map, MapEntries, Value};

const TAG_PREFIX: &str = "tag:yaml.org,2002:";

/// A decoded scalar with go-yaml's Go type.
enum Scalar {
    Null,
    Bool(bool),
    Int(i64),
    Uint(u64),
    Float(f64),
    Str(String),
}

/// Decodes the root of `doc` (an empty document is nil).
pub(crate) fn decode_document(doc: &Document, text: &str) -> Result<Value, YamlError> {
    let Some(root) = doc.root else {
        return Ok(Value::Nil);
    };
    let mut d = Decoder {
        doc,
        text,
        decode_count: 0,
        alias_count: 0,
        alias_depth: 0,
        active_aliases: Vec::new(),
    };
    d.value(root, 0)
}

struct Decoder<'a> {
    doc: &'a Document,
    text: &'a str,
    decode_count: u64,
    alias_count: u64,
    alias_depth: u32,
    active_aliases: Vec<NodeId>,
}

fn err(message: String) -> YamlError {
    YamlError {
        message,
        line: None,
        column: None,
    }
}

/// go-yaml's tolerance for alias expansion (billion-laughs guard): the share of decode
/// operations that may come from aliases shrinks as documents grow.
fn allowed_alias_ratio(decode_count: u64) -> f64 {
    const LOW: u64 = 400_000;
    const HIGH: u64 = 4_000_000;
    if decode_count <= LOW {
        0.99
    } else if decode_count >= HIGH {
        0.10
    } else {
        0.99 - 0.89 * ((decode_count - LOW) as f64 / (HIGH - LOW) as f64)
    }
}

impl Decoder<'_> {
    #[inline(never)]
    fn count(&mut self, depth: usize) -> Result<(), YamlError> {
        self.decode_count += 1;
        if self.alias_depth > 0 {
            self.alias_count += 1;
        }
        if self.alias_count > 100
            && self.decode_count > 1000
            && self.alias_count as f64 / self.decode_count as f64
                > allowed_alias_ratio(self.decode_count)
        {
            return Err(err("yaml: document contains excessive aliasing".into()));
        }
        if depth > MAX_DEPTH {
            return Err(err(format!("yaml: exceeded max depth of {MAX_DEPTH}")));
        }
        Ok(())
    }

    /// Enters an alias, refusing one that refers to a node it is part of.
    #[inline(never)]
    fn enter_alias(&mut self, target: NodeId) -> Result<(), YamlError> {
        if self.active_aliases.contains(&target) {
            let name = self
                .doc
                .alias_positions
                .get(&target)
                .map(|&i| super::load::anchor_name_at(self.text, i))
                .unwrap_or_default();
            return Err(err(format!("yaml: anchor '{name}' value contains itself")));
        }
        self.active_aliases.push(target);
        self.alias_depth += 1;
        Ok(())
    }

    fn leave_alias(&mut self) {
        self.active_aliases.pop();
        self.alias_depth -= 1;
    }

    // The recursive path (value → seq/map → value) keeps its frames small, with the
    // scalar and error work in separate functions, so deep documents fit the stack.
    fn value(&mut self, id: NodeId, depth: usize) -> Result<Value, YamlError> {
        self.count(depth)?;
        match &self.doc.nodes[id] {
            Node::Scalar { .. } => self.scalar_node(id),
            Node::Seq(_) => self.seq(id, depth),
            Node::Map(_) => self.map(id, depth),
            &Node::Alias(target) => {
                self.enter_alias(target)?;
                let v = self.value(target, depth);
                self.leave_alias();
                v
            }
        }
    }

    #[inline(never)]
    fn scalar_node(&mut self, id: NodeId) -> Result<Value, YamlError> {
        match &self.doc.nodes[id] {
            Node::Scalar { value, plain, tag } => {
                scalar_value(self.scalar(value, *plain, tag.as_deref())?)
            }
            _ => Ok(Value::Nil),
        }
    }

    fn seq(&mut self, id: NodeId, depth: usize) -> Result<Value, YamlError> {
        let Node::Seq(items) = &self.doc.nodes[id] else {
            return Ok(Value::Nil);
        };
        let mut out = Vec::with_capacity(items.len());
        for &item in items {
            out.push(self.value(item, depth + 1)?);
        }
        Ok(Value::list(out))
    }

    fn map(&mut self, id: NodeId, depth: usize) -> Result<Value, YamlError> {
        let mut entries = BTreeMap::new();
        self.fill_map(id, &mut entries, depth)?;
        Ok(Value::Map(Map::from_entries(entries)))
    }

    /// Decodes mapping `id` into `out` (merge keys decode their maps into the same `out`,
    /// in document order, so later keys win — go-yaml v2's behaviour).
    fn fill_map(
        &mut self,
        id: NodeId,
        out: &mut MapEntries,
        depth: usize,
    ) -> Result<(), YamlError> {
        let Node::Map(pairs) = &self.doc.nodes[id] else {
            return Err(err(
                "yaml: map merge requires map or sequence of maps as the value".into(),
            ));
        };
        // A key JSON cannot represent fails only once the whole map is decoded (and a
        // repeated one reports its last value), as in sigs.k8s.io/yaml.
        let mut bad_key: Option<(&'static str, String, Value)> = None;
        for &(k, v) in pairs {
            if self.is_merge_key(k) {
                self.merge(v, out, depth)?;
                continue;
            }
            let key = self.key(k, depth + 1)?;
            let value = self.value(v, depth + 1)?;
            match key {
                Ok(key) => {
                    out.insert(key, value);
                }
                Err((type_name, repr)) => bad_key = Some((type_name, repr, value)),
            }
        }
        match bad_key {
            Some((type_name, repr, value)) => Err(bad_key_error(type_name, &repr, &value)),
            None => Ok(()),
        }
    }

    fn is_merge_key(&self, id: NodeId) -> bool {
        match &self.doc.nodes[id] {
            Node::Scalar { value, plain, tag } => {
                value == "<<"
                    && (*plain && tag.is_none()
                        || tag.as_deref() == Some("tag:yaml.org,2002:merge"))
            }
            _ => false,
        }
    }

    fn merge(&mut self, id: NodeId, out: &mut MapEntries, depth: usize) -> Result<(), YamlError> {
        self.count(depth)?;
        let want_map =
            || err("yaml: map merge requires map or sequence of maps as the value".into());
        match &self.doc.nodes[id] {
            Node::Map(_) => self.fill_map(id, out, depth),
            &Node::Alias(target) => {
                if !matches!(self.doc.nodes[target], Node::Map(_)) {
                    return Err(want_map());
                }
                self.enter_alias(target)?;
                let r = self.fill_map(target, out, depth);
                self.leave_alias();
                r
            }
            Node::Seq(items) => {
                // Earlier maps take precedence: apply them last.
                for &item in items.iter().rev() {
                    match self.doc.nodes[item] {
                        Node::Map(_) => self.fill_map(item, out, depth + 1)?,
                        Node::Alias(target) if matches!(self.doc.nodes[target], Node::Map(_)) => {
                            self.enter_alias(target)?;
                            let r = self.fill_map(target, out, depth + 1);
                            self.leave_alias();
                            r?;
                        }
                        _ => return Err(want_map()),
                    }
                }
                Ok(())
            }
            Node::Scalar { .. } => Err(want_map()),
        }
    }

    /// A mapping key, stringified the way sigs.k8s.io/yaml makes keys JSON-able.
    /// A mapping key, stringified the way sigs.k8s.io/yaml makes keys JSON-able, or the Go
    /// type and `%#v` of a key it cannot use.
    #[inline(never)]
    fn key(
        &mut self,
        id: NodeId,
        depth: usize,
    ) -> Result<Result<String, (&'static str, String)>, YamlError> {
        self.count(depth)?;
        let node = match &self.doc.nodes[id] {
            &Node::Alias(target) => {
                self.enter_alias(target)?;
                self.leave_alias();
                target
            }
            _ => id,
        };
        match &self.doc.nodes[node] {
            Node::Scalar { value, plain, tag } => {
                Ok(match self.scalar(value, *plain, tag.as_deref())? {
                    Scalar::Str(s) => Ok(s),
                    Scalar::Bool(b) => Ok(b.to_string()),
                    Scalar::Int(i) => Ok(i.to_string()),
                    Scalar::Uint(u) => Err(("uint64", format!("0x{u:x}"))),
                    Scalar::Float(f) => Ok(float_key(f)),
                    Scalar::Null => Err(("%!s(<nil>)", "<nil>".to_string())),
                })
            }
            _ => Err(err(format!(
                "yaml: invalid map key: {}",
                self.sharp_v_node(node, 0)
            ))),
        }
    }

    /// Go's `%#v` of what go-yaml decodes node `id` to (for the invalid-key message).
    #[cold]
    fn sharp_v_node(&self, id: NodeId, depth: usize) -> String {
        if depth > MAX_DEPTH {
            return "...".into();
        }
        match &self.doc.nodes[id] {
            Node::Scalar { value, plain, tag } => {
                match self.scalar(value, *plain, tag.as_deref()) {
                    Ok(Scalar::Null) | Err(_) => "interface {}(nil)".into(),
                    Ok(Scalar::Bool(b)) => b.to_string(),
                    Ok(Scalar::Int(i)) => i.to_string(),
                    Ok(Scalar::Uint(u)) => format!("0x{u:x}"),
                    Ok(Scalar::Float(f)) => super::numfmt::format_g_shortest(f),
                    Ok(Scalar::Str(s)) => format!("{s:?}"),
                }
            }
            Node::Seq(items) => format!(
                "[]interface {{}}{{{}}}",
                items
                    .iter()
                    .map(|&i| self.sharp_v_node(i, depth + 1))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Node::Map(pairs) => format!(
                "map[interface {{}}]interface {{}}{{{}}}",
                pairs
                    .iter()
                    .map(|&(k, v)| format!(
                        "{}:{}",
                        self.sharp_v_node(k, depth + 1),
                        self.sharp_v_node(v, depth + 1)
                    ))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            &Node::Alias(target) => self.sharp_v_node(target, depth + 1),
        }
    }

    fn scalar(&self, value: &str, plain: bool, tag: Option<&str>) -> Result<Scalar, YamlError> {
        let Some(tag) = tag else {
            if !plain {
                return Ok(Scalar::Str(value.to_string()));
            }
            return Ok(match resolve_plain(value) {
                Resolved::Null => Scalar::Null,
                Resolved::Bool(b) => Scalar::Bool(b),
                Resolved::Int(i) => Scalar::Int(i),
                Resolved::Uint(u) => Scalar::Uint(u),
                Resolved::Float(f) => Scalar::Float(f),
                Resolved::Timestamp | Resolved::Str => Scalar::Str(value.to_string()),
            });
        };
        let short = tag.strip_prefix(TAG_PREFIX);
        match short {
            Some("binary") => decode_binary(value),
            Some("str") => Ok(Scalar::Str(value.to_string())),
            Some(kind @ ("bool" | "null" | "int" | "float" | "timestamp")) => {
                let r = resolve_plain(value);
                let (rkind, s) = match r {
                    Resolved::Null => ("null", Scalar::Null),
                    Resolved::Bool(b) => ("bool", Scalar::Bool(b)),
                    Resolved::Int(i) => ("int", Scalar::Int(i)),
                    Resolved::Uint(u) => ("int", Scalar::Uint(u)),
                    Resolved::Float(f) => ("float", Scalar::Float(f)),
                    Resolved::Timestamp => ("timestamp", Scalar::Str(value.to_string())),
                    Resolved::Str => ("str", Scalar::Str(value.to_string())),
                };
                if rkind == kind {
                    return Ok(s);
                }
                if kind == "float" {
                    match s {
                        Scalar::Int(i) => return Ok(Scalar::Float(i as f64)),
                        Scalar::Uint(u) => return Ok(Scalar::Float(u as f64)),
                        _ => {}
                    }
                }
                Err(err(format!(
                    "yaml: cannot decode !!{rkind} `{value}` as a !!{kind}"
                )))
            }
            // Tags go-yaml does not resolve leave the text as a string.
            _ => Ok(Scalar::Str(value.to_string())),
        }
    }
}

fn decode_binary(value: &str) -> Result<Scalar, YamlError> {
    let cleaned: String = value.chars().filter(|&c| c != '\n' && c != '\r').collect();
    let engine = base64::engine::GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        base64::engine::GeneralPurposeConfig::new().with_decode_allow_trailing_bits(true),
    );
    match engine.decode(cleaned.as_bytes()) {
        // Invalid UTF-8 becomes U+FFFD on the way through encoding/json.
        Ok(bytes) => Ok(Scalar::Str(String::from_utf8_lossy(&bytes).into_owned())),
        Err(_) => Err(err(
            "yaml: !!binary value contains invalid base64 data".into()
        )),
    }
}

fn scalar_value(s: Scalar) -> Result<Value, YamlError> {
    Ok(match s {
        Scalar::Null => Value::Nil,
        Scalar::Bool(b) => Value::Bool(b),
        Scalar::Int(i) => Value::Float(i as f64),
        Scalar::Uint(u) => Value::Float(u as f64),
        Scalar::Float(f) => {
            if f.is_nan() {
                return Err(err("json: unsupported value: NaN".into()));
            }
            if f.is_infinite() {
                let sign = if f > 0.0 { "+" } else { "-" };
                return Err(err(format!("json: unsupported value: {sign}Inf")));
            }
            Value::Float(f)
        }
        Scalar::Str(s) => Value::string(s),
    })
}

#[cold]
#[inline(never)]
fn bad_key_error(type_name: &str, repr: &str, value: &Value) -> YamlError {
    err(format!(
        "unsupported map key of type: {type_name}, key: {repr}, value: {}",
        go_sharp_v(value)
    ))
}

/// Go's `%#v` of a decoded value, for error messages.
fn go_sharp_v(v: &Value) -> String {
    match v {
        Value::Nil => "<nil>".into(),
        Value::Bool(b) => b.to_string(),
        Value::Float(f) => super::numfmt::format_g_shortest(*f),
        Value::String(s) => format!("{:?}", s.as_ref()),
        Value::List(_) => "[]interface {}{...}".into(),
        Value::Map(_) => "map[interface {}]interface {}{...}".into(),
        other => format!("{other:?}"),
    }
}

/// A float key as sigs.k8s.io/yaml writes it: `strconv.FormatFloat(f, 'g', -1, 32)`.
/// (Formatting at 32 bits means `1e308` becomes `.inf`.)
fn float_key(f: f64) -> String {
    let f = f as f32;
    if f.is_nan() {
        return ".nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { ".inf" } else { "-.inf" }.into();
    }
    super::numfmt::format_g_shortest_f32(f)
}

#[cfg(test)]
mod tests {
    use super::super::load::parse_first_document;
    use super::*;

    fn decode(text: &str) -> Result<Value, YamlError> {
        decode_document(&parse_first_document(text)?, text)
    }

    fn json(text: &str) -> String {
        decode(text)
            .map(|v| v.to_json().to_string())
            .unwrap_or_else(|e| e.message)
    }

    #[test]
    fn scalars_become_go_values() {
        assert_eq!(
            json("a: 1\nb: yes\nc: '1'\nd: ~\n"),
            r#"{"a":1.0,"b":true,"c":"1","d":null}"#
        );
        assert_eq!(json("v: !!binary aGVsbG8=\n"), r#"{"v":"hello"}"#);
        assert_eq!(json("v: !!str 12\n"), r#"{"v":"12"}"#);
        assert_eq!(json("v: !!int '12'\n"), r#"{"v":12.0}"#);
        assert_eq!(json("v: .inf\n"), "json: unsupported value: +Inf");
    }

    #[test]
    fn keys_are_stringified() {
        assert_eq!(json("y: 1\nn: 2\non: 5\n"), r#"{"false":2.0,"true":5.0}"#);
        assert_eq!(
            json("1: a\n1.5: b\n0x10: c\n1e308: d\n"),
            r#"{".inf":"d","1":"a","1.5":"b","16":"c"}"#
        );
        assert_eq!(
            json("null: 8\n~: 9\n"),
            "unsupported map key of type: %!s(<nil>), key: <nil>, value: 9"
        );
        assert_eq!(
            json("18446744073709551615: a\n"),
            "unsupported map key of type: uint64, key: 0xffffffffffffffff, value: \"a\""
        );
    }

    #[test]
    fn merge_keys() {
        assert_eq!(
            json("base: &b {x: 1, z: 2}\nd:\n  <<: *b\n  z: 3\n"),
            r#"{"base":{"x":1.0,"z":2.0},"d":{"x":1.0,"z":3.0}}"#
        );
        assert_eq!(
            json("a: &a {x: 1}\nb: &b {x: 2, k: b}\nd:\n  <<: [*a, *b]\n"),
            r#"{"a":{"x":1.0},"b":{"k":"b","x":2.0},"d":{"k":"b","x":1.0}}"#
        );
        assert!(decode("a: &a 1\nb:\n  <<: *a\n").is_err());
    }

    #[test]
    fn alias_bombs_and_cycles_fail() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            let p = i - 1;
            text.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        assert!(decode(&text).is_err());
        assert!(decode("a: &a {b: *a}\n").is_err());
    }
}
