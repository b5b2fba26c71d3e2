//! The methods of Helm's `common.Values` (the type of `.Values`, `.Template` and `.`):
//! Go resolves `.Values.YAML` to the method before looking for a key of that name.

use crate::funcs::ParamType;
use crate::value::{Map, MapKind, Value};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValuesMethod {
    Yaml,
    AsMap,
    Table,
    PathValue,
}

impl ValuesMethod {
    pub fn from_name(name: &str) -> Option<ValuesMethod> {
        Some(match name {
            "YAML" => ValuesMethod::Yaml,
            "AsMap" => ValuesMethod::AsMap,
            "Table" => ValuesMethod::Table,
            "PathValue" => ValuesMethod::PathValue,
            _ => return None,
        })
    }

    pub fn params(self) -> &'static [ParamType] {
        match self {
            ValuesMethod::Yaml | ValuesMethod::AsMap => &[],
            ValuesMethod::Table | ValuesMethod::PathValue => &[ParamType::String],
        }
    }

    pub fn call(self, values: &Map, args: &[Value]) -> Result<Value, String> {
        let arg = args.first().and_then(Value::as_str).unwrap_or("");
        match self {
            ValuesMethod::Yaml => crate::yaml::to_yaml(&Value::Map(values.clone()))
                .map(Value::string)
                .map_err(|e| e.to_string()),
            ValuesMethod::AsMap => Ok(Value::Map(copy_as(values, MapKind::Any))),
            ValuesMethod::Table => table(values, arg).map(Value::Map),
            ValuesMethod::PathValue => path_value(values, arg),
        }
    }
}

fn copy_as(m: &Map, kind: MapKind) -> Map {
    if m.kind() == kind {
        return m.clone();
    }
    let out = Map::with_kind(kind);
    for (k, v) in m.entries() {
        out.insert(k, v);
    }
    out
}

/// `Values.Table("a.b")`: the nested map at a dotted path.
fn table(values: &Map, path: &str) -> Result<Map, String> {
    let mut t = copy_as(values, MapKind::Values);
    for key in path.split('.') {
        match t.get(key) {
            Some(Value::Map(m)) => t = copy_as(&m, MapKind::Values),
            _ => return Err(format!("{} is not a table", super::error::go_quote(key))),
        }
    }
    Ok(t)
}

/// `Values.PathValue("a.b")`: a non-table value at a dotted path.
fn path_value(values: &Map, path: &str) -> Result<Value, String> {
    if path.is_empty() {
        return Err("YAML path cannot be empty".into());
    }
    let (parent, key) = match path.rsplit_once('.') {
        Some((p, k)) => (table(values, p).ok(), k),
        None => (Some(values.clone()), path),
    };
    match parent.and_then(|t| t.get(key)) {
        Some(v) if !matches!(v, Value::Map(_)) => Ok(v),
        _ => Err(format!("{} is not a value", super::error::go_quote(key))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_and_path_value() {
        let inner = Map::new();
        inner.insert("b", Value::Int(1));
        let top = Map::with_kind(MapKind::Values);
        top.insert("a", Value::Map(inner));
        assert_eq!(table(&top, "a").map(|m| m.len()), Ok(1));
        assert_eq!(
            table(&top, "a.b").err().as_deref(),
            Some("\"b\" is not a table")
        );
        assert!(matches!(path_value(&top, "a.b"), Ok(Value::Int(1))));
        assert_eq!(path_value(&top, "a").unwrap_err(), "\"a\" is not a value");
        assert_eq!(
            path_value(&top, "").unwrap_err(),
            "YAML path cannot be empty"
        );
    }
}
