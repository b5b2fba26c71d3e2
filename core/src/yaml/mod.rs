//! YAML with the semantics Helm gets from Go (sigs.k8s.io/yaml over go-yaml: YAML 1.1
//! scalars, anchors, merge keys, every number a float64), and the emitters behind
//! `toYaml`, `toJson` and `toToml`.

use crate::value::Value;

/// A YAML or JSON error with its position when there is one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YamlError {
    pub message: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
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
    let _ = text;
    Err(YamlError {
        message: "YAML loading not implemented yet".into(),
        line: None,
        column: None,
    })
}

/// Reads a values file as Helm's `ReadValues` does (documents merged, must be a map,
/// empty is `{}`), with Helm's error messages.
pub fn parse_values(text: &str) -> Result<crate::value::Map, YamlError> {
    let _ = text;
    Err(YamlError {
        message: "YAML loading not implemented yet".into(),
        line: None,
        column: None,
    })
}

/// `toYaml`: go-yaml's emitter output (trailing newline included, as `yaml.Marshal` gives).
pub fn to_yaml(v: &Value) -> Result<String, YamlError> {
    let _ = v;
    Err(YamlError {
        message: "toYaml not implemented yet".into(),
        line: None,
        column: None,
    })
}

/// `toJson` / `encoding/json.Marshal`: sorted keys, HTML escaping, Go float formatting.
pub fn to_json(v: &Value) -> Result<String, YamlError> {
    let _ = v;
    Err(YamlError {
        message: "toJson not implemented yet".into(),
        line: None,
        column: None,
    })
}
