//! Values: coalescing (chart defaults, subcharts, globals, nulls), `--set` parsing
//! (strvals), dependency processing that depends on values (conditions, tags, aliases,
//! import-values), and values.schema.json validation.
//!
//! - `strvals` / `json`: `--set`, `--set-string`, `--set-json`, `--set-literal`, `--set-file`.
//! - `coalesce`: `CoalesceValues` / `MergeValues` / `MergeMaps`.
//! - `dependencies` / `version`: `ProcessDependencies` and what the render pipeline calls
//!   ([`process_dependencies`], [`to_render_values`]).
//! - `schema` / `formats`: `ValidateAgainstSchema` on boon, with Helm's messages.

mod coalesce;
mod dependencies;
mod formats;
mod json;
mod schema;
mod strvals;
mod version;

pub use dependencies::{process_dependencies, to_render_values};

use crate::chart::Chart;
use crate::value::Map;

/// Which `--set` flag an expression came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SetKind {
    Set,
    SetString,
    SetJson,
    SetLiteral,
}

/// A values error (strvals, coalescing, schema) in Helm's words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValuesError {
    pub message: String,
}

impl std::fmt::Display for ValuesError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ValuesError {}

/// Parses one `--set`-style expression into `into`, as Helm's strvals does.
pub fn parse_set(kind: SetKind, expr: &str, into: &Map) -> Result<(), ValuesError> {
    strvals::parse(kind, expr, into)
}

/// The values flags of `helm install/upgrade/template`, applied in Helm's order: `-f`
/// files, then `--set-json`, `--set`, `--set-string`, `--set-file`, `--set-literal`.
#[derive(Clone, Default)]
pub struct ValueFlags {
    /// `-f` files, already parsed (`yaml::parse_values`).
    pub files: Vec<Map>,
    pub set_json: Vec<String>,
    pub set: Vec<String>,
    pub set_string: Vec<String>,
    pub set_file: Vec<String>,
    pub set_literal: Vec<String>,
}

pub use strvals::FileReader;

/// Helm's `values.Options.MergeValues`: the user values from every flag. `read_file`
/// reads a `--set-file` path (the host decides what paths mean).
pub fn merge_cli_values(flags: &ValueFlags, read_file: FileReader) -> Result<Map, ValuesError> {
    let fail = |message: String| ValuesError { message };
    let mut base = merge_user_values(&flags.files);
    for value in &flags.set_json {
        let trimmed = value.trim();
        if trimmed.starts_with('{') {
            let m = json::decode_document(trimmed)
                .ok()
                .and_then(|v| v.as_map().cloned())
                .ok_or_else(|| fail(format!("failed parsing --set-json data JSON: {value}")))?;
            base = coalesce::merge_maps(&base, &m);
        } else {
            parse_set(SetKind::SetJson, value, &base)
                .map_err(|_| fail(format!("failed parsing --set-json data {value}")))?;
        }
    }
    let flagged = [
        (SetKind::Set, &flags.set, "--set"),
        (SetKind::SetString, &flags.set_string, "--set-string"),
    ];
    for (kind, values, flag) in flagged {
        for value in values {
            parse_set(kind, value, &base)
                .map_err(|e| fail(format!("failed parsing {flag} data: {e}")))?;
        }
    }
    for value in &flags.set_file {
        strvals::parse_file(value, &base, read_file)
            .map_err(|e| fail(format!("failed parsing --set-file data: {e}")))?;
    }
    for value in &flags.set_literal {
        parse_set(SetKind::SetLiteral, value, &base)
            .map_err(|e| fail(format!("failed parsing --set-literal data: {e}")))?;
    }
    Ok(base)
}

/// Merges user values files in order, like `helm -f a -f b` (later wins, maps merge deeply).
pub fn merge_user_values(files: &[Map]) -> Map {
    files
        .iter()
        .fold(Map::new(), |acc, f| coalesce::merge_maps(&acc, f))
}

/// Helm's `CoalesceValues(chart, user)`: what templates see, before dependency processing.
/// The result is a new map (kind `common.Values`); `user` is not changed.
pub fn coalesce(chart: &Chart, user: &Map) -> Result<Map, ValuesError> {
    coalesce::coalesce_values(chart, user, coalesce::Mode::Coalesce)
}

/// Validates coalesced values against values.schema.json of the chart and its subcharts
/// (each subchart with its own slice of the values). The error lists every failing
/// chart, parent first, in Helm's shape (`CHART:\n- at '/path': message\n`).
pub fn validate_schema(chart: &Chart, values: &Map) -> Result<(), ValuesError> {
    schema::validate(chart, values)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::Value;
    use serde_json::json;

    #[test]
    fn cli_flags_apply_in_helm_order() {
        let flags = ValueFlags {
            set_json: vec![r#"{"a": {"j": 1}}"#.into(), "b=[1]".into()],
            set: vec!["a.s=2,c=x".into()],
            set_string: vec!["c=3".into()],
            set_file: vec!["f=conf.txt,g={one,two}".into()],
            set_literal: vec!["c=lit,eral".into()],
            ..ValueFlags::default()
        };
        let mut read = |p: &str| Ok(format!("<{p}>"));
        let m = merge_cli_values(&flags, &mut read).unwrap();
        assert_eq!(
            Value::Map(m).to_json(),
            json!({"a": {"j": 1.0, "s": 2}, "b": [1.0], "c": "lit,eral",
                   "f": "<conf.txt>", "g": ["<one>", "<two>"]})
        );
    }

    #[test]
    fn cli_flag_errors_name_the_flag() {
        let flags = ValueFlags {
            set_json: vec!["{bad".into()],
            ..ValueFlags::default()
        };
        let mut read = |_: &str| Err("unused".to_string());
        let err = merge_cli_values(&flags, &mut read).err().unwrap();
        assert_eq!(err.message, "failed parsing --set-json data JSON: {bad");
        let flags = ValueFlags {
            set_file: vec!["f=missing".into()],
            ..ValueFlags::default()
        };
        let mut read = |p: &str| Err(format!("open {p}: no such file or directory"));
        let err = merge_cli_values(&flags, &mut read).err().unwrap();
        assert_eq!(
            err.message,
            "failed parsing --set-file data: open missing: no such file or directory"
        );
    }
}
