//! YAML with the semantics Helm gets from Go (sigs.k8s.io/yaml over go-yaml: YAML 1.1
//! scalars, anchors, merge keys, every number a float64), and the emitters behind
//! `toYaml`, `toJson` and `toToml`.

mod decode;
mod emit;
pub mod json;
mod jsondecode;
mod load;
pub(crate) use load::known_escape;
mod node;
mod numfmt;
mod resolve;
pub mod toml;
mod tomldecode;

use crate::value::{Map, MapEntries, Value};

/// A YAML or JSON error with its position when there is one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YamlError {
    pub message: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
}

impl YamlError {
    fn wrap(mut self, prefix: &str) -> Self {
        self.message = format!("{prefix}{}", self.message);
        self
    }
    fn msg(message: String) -> Self {
        YamlError {
            message,
            line: None,
            column: None,
        }
    }
}

impl std::fmt::Display for YamlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for YamlError {}

/// Parses YAML the way `sigs.k8s.io/yaml.Unmarshal` into `interface{}` does (YAML → JSON →
/// Go values): maps with string keys, float64 numbers. Several documents are *not*
/// merged here; this reads the first.
pub fn parse(text: &str) -> Result<Value, YamlError> {
    let doc = load::parse_first_document(text)
        .and_then(|doc| decode::decode_document(&doc, text))
        .map_err(|e| e.wrap("error converting YAML to JSON: "))?;
    Ok(doc)
}

/// The JSON type name encoding/json reports when a value cannot be decoded into a target
/// (`json: cannot unmarshal array into Go value of type …`).
pub fn json_kind_name(v: &Value) -> &'static str {
    jsondecode::kind_name(v)
}

/// `json.Unmarshal` into `interface{}`: Go's JSON decoding with float64 numbers and Go's
/// error messages.
pub fn from_json(text: &str) -> Result<Value, YamlError> {
    jsondecode::decode(text)
}

/// [`from_json`] that keeps what decoded when only a number was out of range, with that
/// error (encoding/json fills in the rest of the value).
pub fn from_json_partial(text: &str) -> Result<(Value, Option<YamlError>), YamlError> {
    jsondecode::decode_partial(text)
}

/// `sigs.k8s.io/yaml.Unmarshal` into a `map[string]interface{}` (what `fromYaml` and
/// values files use): null gives an empty map, anything else but a map is an error.
pub fn parse_map(text: &str) -> Result<Map, YamlError> {
    match parse(text)? {
        Value::Nil => Ok(Map::new()),
        Value::Map(m) => Ok(m),
        other => Err(YamlError::msg(format!(
            "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {} into Go value of type map[string]interface {{}}",
            json_kind_name(&other)
        ))),
    }
}

/// `sigs.k8s.io/yaml.Unmarshal` into a `[]interface{}` (what `fromYamlArray` uses).
pub fn parse_list(text: &str) -> Result<Vec<Value>, YamlError> {
    match parse(text)? {
        Value::Nil => Ok(Vec::new()),
        Value::List(l) => Ok(l.items.clone()),
        other => Err(YamlError::msg(format!(
            "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {} into Go value of type []interface {{}}",
            json_kind_name(&other)
        ))),
    }
}

/// Reads a values file as Helm's `LoadValues` does (documents split like Kubernetes'
/// YAMLReader and merged, each must be a map, empty is `{}`), with Helm's error messages
/// (the caller adds `cannot load values.yaml: `).
pub fn parse_values(text: &str) -> Result<Map, YamlError> {
    let owned;
    let text = if text.is_empty() || text.ends_with('\n') {
        text
    } else {
        owned = format!("{text}\n");
        &owned
    };
    let mut values = MapEntries::new();
    for doc in load::split_documents(text)? {
        let current = parse_map(doc).map_err(|e| e.wrap("cannot unmarshal yaml document: "))?;
        let current = std::mem::take(&mut *current.borrow_mut());
        merge_maps(&mut values, current);
    }
    Ok(Map::from_entries(values))
}

/// Helm's `MergeMaps`: later documents win, nested maps merge.
fn merge_maps(into: &mut MapEntries, from: MapEntries) {
    for (k, v) in from {
        if let (Value::Map(new), Some(Value::Map(old))) = (&v, into.get(&k)) {
            let mut merged = old.borrow().clone();
            let new_entries = new.borrow().clone();
            merge_maps(&mut merged, new_entries);
            into.insert(k, Value::Map(Map::from_entries(merged)));
            continue;
        }
        into.insert(k, v);
    }
}

/// `toYaml`: go-yaml's emitter output (trailing newline included, as `yaml.Marshal` gives).
/// Errors read like sigs.k8s.io/yaml's (`error marshaling into JSON: …`,
/// `error converting JSON to YAML: …`).
pub fn to_yaml(v: &Value) -> Result<String, YamlError> {
    let node = node::to_node(v, node::NodeMode::JsonRoundTrip, 0)?;
    emit::emit_document(
        &node,
        emit::EmitStyle {
            indent_sequences: false,
            best_width: 80,
        },
    )
}

/// `toYamlPretty`: go-yaml v3's encoder with a two-space indent, straight from the values
/// (no JSON round trip: floats print as `%g`), trailing newline included.
pub fn to_yaml_pretty(v: &Value) -> Result<String, YamlError> {
    let node = node::to_node(v, node::NodeMode::Direct, 0)?;
    emit::emit_document(
        &node,
        emit::EmitStyle {
            indent_sequences: true,
            // go-yaml v3 does not fold long lines.
            best_width: usize::MAX,
        },
    )
}

/// `toJson` / `encoding/json.Marshal`: sorted keys, HTML escaping, Go float formatting.
pub fn to_json(v: &Value) -> Result<String, YamlError> {
    json::encode(v, json::JsonStyle::COMPACT)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values_json(text: &str) -> String {
        match parse_values(text) {
            Ok(m) => Value::Map(m).to_json().to_string(),
            Err(e) => format!("ERR {}", e.message),
        }
    }

    #[test]
    fn nesting_is_limited_without_overflowing_the_stack() {
        let nested = |n: usize| {
            let mut text = String::new();
            for i in 0..n {
                text.push_str(&"  ".repeat(i));
                text.push_str("a:\n");
            }
            text.push_str(&"  ".repeat(n));
            text.push_str("x\n");
            text
        };
        let deep = parse(&nested(load::MAX_DEPTH)).unwrap_or_default();
        assert!(to_yaml(&deep).is_ok());
        assert!(to_yaml_pretty(&deep).is_ok());
        assert!(to_json(&deep).is_ok());
        assert!(toml::encode(&deep).is_ok());
        assert!(parse(&nested(load::MAX_DEPTH + 1)).is_err());
        let flow = format!("{}1{}", "[".repeat(400), "]".repeat(400));
        assert!(parse(&flow).is_err());
        assert!(from_json(&flow).is_err());
    }

    #[test]
    fn values_files() {
        assert_eq!(values_json(""), "{}");
        assert_eq!(values_json("# only a comment\n"), "{}");
        assert_eq!(values_json("a: 1\n---\nb: 2\n"), r#"{"a":1.0,"b":2.0}"#);
        assert_eq!(
            values_json("a: {x: 1}\n---\na: {z: 2}\n"),
            r#"{"a":{"x":1.0,"z":2.0}}"#
        );
        assert_eq!(values_json("a: 1\na: 2"), r#"{"a":2.0}"#);
        assert!(values_json("- 1\n- 2\n").starts_with(
            "ERR cannot unmarshal yaml document: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array"
        ));
        assert_eq!(
            values_json("%YAML 1.2\n---\na: yes\n"),
            "ERR cannot unmarshal yaml document: error converting YAML to JSON: yaml: found incompatible YAML document"
        );
        assert!(values_json("a:\n\tb: 1\n").starts_with(
            "ERR cannot unmarshal yaml document: error converting YAML to JSON: yaml: line 2:"
        ));
    }
}
