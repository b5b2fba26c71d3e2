//! Client-side schema validation against the server's OpenAPI v2 document, as kubectl's
//! validator does it for Helm when the server cannot validate fields itself (servers before
//! field validation, like the 1.20 test server): unknown fields, wrong types, missing
//! required fields, nulls where values must be — with kubectl's error texts.

use std::collections::HashMap;

use serde_json::{Map, Value};

/// The OpenAPI definitions plus an index from group/version/kind to definition name.
pub(crate) struct Schemas {
    definitions: Map<String, Value>,
    by_gvk: HashMap<(String, String, String), String>,
}

impl Schemas {
    /// Reads `/openapi/v2`.
    pub fn from_document(doc: Value) -> Schemas {
        let definitions = match doc {
            Value::Object(mut m) => match m.remove("definitions") {
                Some(Value::Object(d)) => d,
                _ => Map::new(),
            },
            _ => Map::new(),
        };
        let mut by_gvk = HashMap::new();
        for (name, def) in &definitions {
            if let Some(gvks) = def
                .get("x-kubernetes-group-version-kind")
                .and_then(Value::as_array)
            {
                for g in gvks {
                    let s = |k: &str| g.get(k).and_then(Value::as_str).unwrap_or("").to_string();
                    by_gvk.insert((s("group"), s("version"), s("kind")), name.clone());
                }
            }
        }
        Schemas {
            definitions,
            by_gvk,
        }
    }

    /// kubectl's `ValidateBytes` for one object: `Ok` or the error text after
    /// `error validating data: `.
    pub fn validate(&self, obj: &Value) -> Result<(), String> {
        let Some(fields) = obj.as_object() else {
            return Err("invalid object to validate".into());
        };
        let api_version = match fields.get("apiVersion") {
            None | Some(Value::Null) => return Err("apiVersion not set".into()),
            Some(Value::String(s)) => s.as_str(),
            Some(_) => return Err("apiVersion isn't string type".into()),
        };
        let (group, version) = match api_version.matches('/').count() {
            0 => ("", api_version),
            1 => api_version.split_once('/').unwrap_or(("", api_version)),
            _ => return Err(format!("unexpected GroupVersion string: {api_version}")),
        };
        let kind = match fields.get("kind") {
            None | Some(Value::Null) => return Err("kind not set".into()),
            Some(Value::String(s)) => s.as_str(),
            Some(_) => return Err("kind isn't string type".into()),
        };
        if group.is_empty() && version == "v1" && kind == "List" {
            let mut errors = Vec::new();
            if let Some(items) = fields.get("items").and_then(Value::as_array) {
                for item in items {
                    if let Err(e) = self.validate(item) {
                        errors.push(e);
                    }
                }
            }
            return aggregate(errors);
        }
        let key = (group.to_string(), version.to_string(), kind.to_string());
        let Some(def_name) = self.by_gvk.get(&key) else {
            // Types the document does not describe are not validated.
            return Ok(());
        };
        let Some(def) = self.definitions.get(def_name) else {
            return Ok(());
        };
        let mut errors = Vec::new();
        self.accept(def, def_name, obj, kind, &mut errors, 0);
        aggregate(errors)
    }

    fn accept(
        &self,
        schema: &Value,
        schema_path: &str,
        item: &Value,
        item_path: &str,
        errors: &mut Vec<String>,
        depth: usize,
    ) {
        if depth > 100 {
            return;
        }
        if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
            let name = r.trim_start_matches("#/definitions/");
            if let Some(def) = self.definitions.get(name) {
                self.accept(def, name, item, item_path, errors, depth + 1);
            }
            return;
        }
        let ty = schema.get("type").and_then(Value::as_str);
        let properties = schema.get("properties").and_then(Value::as_object);
        let invalid = |expected: &str, errors: &mut Vec<String>| {
            errors.push(format!(
                "ValidationError({item_path}): invalid type for {schema_path}: got \"{}\", expected \"{expected}\"",
                item_kind(item)
            ));
        };
        match (ty, properties) {
            (None | Some("object"), Some(props)) => {
                let Some(map) = item.as_object() else {
                    return invalid("map", errors);
                };
                let mut keys: Vec<&String> = map.keys().collect();
                keys.sort();
                for key in keys {
                    let v = &map[key];
                    if v.is_null() {
                        continue;
                    }
                    let sub_path = format!("{item_path}.{key}");
                    match props.get(key) {
                        None => errors.push(format!(
                            "ValidationError({item_path}): unknown field \"{key}\" in {schema_path}"
                        )),
                        Some(field) => self.accept(
                            field,
                            &format!("{schema_path}.{key}"),
                            v,
                            &sub_path,
                            errors,
                            depth + 1,
                        ),
                    }
                }
                if let Some(required) = schema.get("required").and_then(Value::as_array) {
                    for key in required.iter().filter_map(Value::as_str) {
                        if map.get(key).is_none_or(Value::is_null) {
                            errors.push(format!(
                                "ValidationError({item_path}): missing required field \"{key}\" in {schema_path}"
                            ));
                        }
                    }
                }
            }
            (None, None) => {}
            (Some("object"), None) => {
                let Some(map) = item.as_object() else {
                    return invalid("map", errors);
                };
                let sub = schema.get("additionalProperties").filter(|s| s.is_object());
                let mut keys: Vec<&String> = map.keys().collect();
                keys.sort();
                for key in keys {
                    let v = &map[key];
                    let sub_path = format!("{item_path}.{key}");
                    if v.is_null() {
                        errors.push(format!("unknown object type \"nil\" in {sub_path}"));
                        continue;
                    }
                    if let Some(sub) = sub {
                        self.accept(sub, schema_path, v, &sub_path, errors, depth + 1);
                    }
                }
            }
            (Some("array"), _) => {
                let Some(list) = item.as_array() else {
                    return invalid("array", errors);
                };
                let sub = schema.get("items").filter(|s| s.is_object());
                for (i, v) in list.iter().enumerate() {
                    let sub_path = format!("{item_path}[{i}]");
                    if v.is_null() {
                        errors.push(format!(
                            "ValidationError({item_path}): unknown object type \"nil\" in {sub_path}"
                        ));
                        continue;
                    }
                    if let Some(sub) = sub {
                        self.accept(sub, schema_path, v, &sub_path, errors, depth + 1);
                    }
                }
            }
            (Some(primitive), _) => {
                let actual = item_kind(item);
                let fits = match primitive {
                    "boolean" => actual == "boolean",
                    "integer" | "number" => actual == "integer" || actual == "number",
                    "string" => actual != "map" && actual != "array",
                    _ => true,
                };
                if !fits {
                    invalid(primitive, errors);
                }
            }
        }
    }
}

/// kubectl's name for a decoded value's type.
fn item_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "nil",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "map",
    }
}

/// Kubernetes' aggregate error: one message alone, several (duplicates dropped) as
/// `[a, b]`.
pub(crate) fn aggregate(errors: Vec<String>) -> Result<(), String> {
    let mut unique: Vec<String> = Vec::with_capacity(errors.len());
    for e in errors {
        if !unique.contains(&e) {
            unique.push(e);
        }
    }
    match unique.len() {
        0 => Ok(()),
        1 => Err(unique.remove(0)),
        _ => Err(format!("[{}]", unique.join(", "))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn schemas() -> Schemas {
        Schemas::from_document(json!({"definitions": {
            "io.k8s.api.core.v1.ConfigMap": {
                "type": "object",
                "x-kubernetes-group-version-kind": [{"group": "", "version": "v1", "kind": "ConfigMap"}],
                "properties": {
                    "apiVersion": {"type": "string"},
                    "kind": {"type": "string"},
                    "metadata": {"$ref": "#/definitions/meta"},
                    "data": {"type": "object", "additionalProperties": {"type": "string"}},
                    "immutable": {"type": "boolean"},
                    "list": {"type": "array", "items": {"$ref": "#/definitions/port"}}
                }
            },
            "meta": {"type": "object", "properties": {"name": {"type": "string"}}},
            "port": {"type": "object", "required": ["port"], "properties": {"port": {"type": "integer"}}}
        }}))
    }

    #[test]
    fn errors_read_like_kubectl() {
        let s = schemas();
        assert_eq!(
            s.validate(&json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x", "bogus": 1}, "data": {"a": 1}})),
            Err("ValidationError(ConfigMap.metadata): unknown field \"bogus\" in meta".into())
        );
        assert_eq!(
            s.validate(&json!({"apiVersion": "v1", "kind": "ConfigMap", "immutable": 1, "list": [null, {"prt": 1}], "data": {"a": null}, "other": null})),
            Err("[unknown object type \"nil\" in ConfigMap.data.a, ValidationError(ConfigMap.immutable): invalid type for io.k8s.api.core.v1.ConfigMap.immutable: got \"integer\", expected \"boolean\", ValidationError(ConfigMap.list): unknown object type \"nil\" in ConfigMap.list[0], ValidationError(ConfigMap.list[1]): unknown field \"prt\" in port, ValidationError(ConfigMap.list[1]): missing required field \"port\" in port]".into())
        );
        assert_eq!(
            s.validate(&json!({"kind": "ConfigMap"})),
            Err("apiVersion not set".into())
        );
        assert_eq!(
            s.validate(&json!({"apiVersion": "x/v1", "kind": "Unknown", "z": 1})),
            Ok(())
        );
    }
}
