//! Manifest text → mapped [`Resource`]s, as Helm's resource builder does it: the stream is
//! split into documents, `List` kinds are flattened, each object is mapped through
//! discovery, and namespaced objects without a namespace get the client's. Errors are
//! collected for every document and reported together.

use serde_json::Value;

use super::discovery::Discovery;
use super::validate::{Schemas, aggregate};
use super::{KubeError, Resource, ResourceList};

/// One decoded document: a JSON object, or the reason it is not one.
pub(crate) fn decode_documents(manifest: &str) -> Vec<Result<Value, String>> {
    let mut out = Vec::new();
    for doc in capstan_core::manifest::split_manifests(manifest) {
        let parsed = match capstan_core::yaml::parse(doc) {
            Ok(v) => v,
            Err(e) => {
                out.push(Err(e.to_string()));
                continue;
            }
        };
        if matches!(parsed, capstan_core::value::Value::Nil) {
            continue;
        }
        let json = capstan_core::yaml::to_json(&parsed)
            .map_err(|e| e.to_string())
            .and_then(|t| serde_json::from_str::<Value>(&t).map_err(|e| e.to_string()));
        match json {
            Ok(Value::Object(_)) => {}
            Ok(other) => {
                out.push(Err(format!(
                    "unable to decode \"\": json: cannot unmarshal {} into Go value of type map[string]interface {{}}",
                    json_type(&other)
                )));
                continue;
            }
            Err(e) => {
                out.push(Err(e));
                continue;
            }
        }
        let obj = json.unwrap_or(Value::Null);
        flatten(obj, &mut out, 0);
    }
    out
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Array(_) => "array",
        Value::String(_) => "string",
        Value::Number(_) => "number",
        Value::Bool(_) => "bool",
        _ => "object",
    }
}

/// `kind: List` (and `…List` with `items`) expands to its items.
fn flatten(obj: Value, out: &mut Vec<Result<Value, String>>, depth: usize) {
    let is_list = obj
        .get("kind")
        .and_then(Value::as_str)
        .is_some_and(|k| k.ends_with("List"))
        && obj.get("items").is_some_and(Value::is_array);
    if !is_list || depth > 8 {
        out.push(Ok(obj));
        return;
    }
    if let Some(Value::Array(items)) = obj.get("items") {
        for item in items {
            if item.is_object() {
                flatten(item.clone(), out, depth + 1);
            }
        }
    }
}

/// encoding/json's name for a JSON value's type in `cannot unmarshal X` errors.
fn go_json_kind(v: &Value) -> String {
    match v {
        Value::Bool(_) => "bool".into(),
        Value::Number(_) => "number".into(),
        Value::String(_) => "string".into(),
        Value::Array(_) => "array".into(),
        _ => "object".into(),
    }
}

/// Kubernetes decodes `metadata` into its typed ObjectMeta; the first field of the wrong
/// type (in document order) fails the document with encoding/json's message.
fn check_object_meta(obj: &Value) -> Result<(), String> {
    let Some(meta) = obj.get("metadata").and_then(Value::as_object) else {
        return Ok(());
    };
    let fail = |field: &str, v: &Value, go_type: &str| {
        let kind = match v {
            Value::Number(n) if go_type == "int64" => format!("number {n}"),
            _ => go_json_kind(v),
        };
        Err(format!(
            "unable to decode \"\": json: cannot unmarshal {kind} into Go struct field ObjectMeta.metadata.{field} of type {go_type}"
        ))
    };
    for (key, v) in meta {
        if v.is_null() {
            continue;
        }
        match key.as_str() {
            "name" | "generateName" | "namespace" | "selfLink" | "resourceVersion"
                if !v.is_string() =>
            {
                return fail(key, v, "string");
            }
            "uid" if !v.is_string() => return fail(key, v, "types.UID"),
            "generation" | "deletionGracePeriodSeconds" if !v.is_i64() => {
                return fail(key, v, "int64");
            }
            "labels" | "annotations" => match v {
                Value::Object(m) => {
                    if let Some(bad) = m.values().find(|x| !x.is_string() && !x.is_null()) {
                        return fail(key, bad, "string");
                    }
                }
                other => return fail(key, other, "map[string]string"),
            },
            "finalizers" => match v {
                Value::Array(items) => {
                    if let Some(bad) = items.iter().find(|x| !x.is_string() && !x.is_null()) {
                        return fail(key, bad, "string");
                    }
                }
                other => return fail(key, other, "[]string"),
            },
            _ => {}
        }
    }
    Ok(())
}

fn str_at<'a>(v: &'a Value, ptr: &str) -> &'a str {
    v.pointer(ptr).and_then(Value::as_str).unwrap_or("")
}

/// Maps one object; `Err` carries Helm's wording.
async fn map_object(
    discovery: &Discovery,
    mut obj: Value,
    default_namespace: &str,
) -> Result<Resource, KubeError> {
    let api_version = str_at(&obj, "/apiVersion").to_string();
    let kind = str_at(&obj, "/kind").to_string();
    if kind.is_empty() {
        return Err(KubeError::Other(format!(
            "Object 'Kind' is missing in '{}'",
            serde_json::to_string(&obj).unwrap_or_default()
        )));
    }
    if api_version.is_empty() {
        return Err(KubeError::Other(format!(
            "Object 'apiVersion' is missing in '{}'",
            serde_json::to_string(&obj).unwrap_or_default()
        )));
    }
    check_object_meta(&obj).map_err(KubeError::Other)?;
    let name = str_at(&obj, "/metadata/name").to_string();
    let written_ns = str_at(&obj, "/metadata/namespace").to_string();
    let Some(mapping) = discovery.map(&api_version, &kind).await? else {
        return Err(KubeError::Other(format!(
            "resource mapping not found for name: \"{name}\" namespace: \"{written_ns}\" from \"\": no matches for kind \"{kind}\" in version \"{api_version}\"\nensure CRDs are installed first"
        )));
    };
    let namespace = if mapping.namespaced {
        let ns = if written_ns.is_empty() {
            default_namespace.to_string()
        } else {
            written_ns
        };
        if let Some(meta) = obj.get_mut("metadata").and_then(Value::as_object_mut) {
            meta.insert("namespace".into(), Value::String(ns.clone()));
        } else if let Some(o) = obj.as_object_mut() {
            let mut meta = serde_json::Map::new();
            meta.insert("namespace".into(), Value::String(ns.clone()));
            o.insert("metadata".into(), Value::Object(meta));
        }
        Some(ns)
    } else {
        None
    };
    Ok(Resource {
        object: obj,
        api: mapping.api,
        namespaced: mapping.namespaced,
        name,
        namespace,
    })
}

/// Builds the whole list; several failures read `[first, second]` like Kubernetes'
/// aggregated errors.
///
/// With `schemas`, each document is first validated like kubectl's client-side validator;
/// the first invalid document ends the stream (as it ends kubectl's stream visitor).
pub(crate) async fn build(
    discovery: &Discovery,
    manifest: &str,
    default_namespace: &str,
    schemas: Option<&Schemas>,
) -> Result<ResourceList, KubeError> {
    let mut list = Vec::new();
    let mut errors: Vec<String> = Vec::new();
    for doc in decode_documents(manifest) {
        match doc {
            Ok(obj) => {
                if let Some(Err(e)) = schemas.map(|s| s.validate(&obj)) {
                    errors.push(format!("error validating \"\": error validating data: {e}"));
                    break;
                }
                match map_object(discovery, obj, default_namespace).await {
                    Ok(r) => list.push(r),
                    Err(e) => errors.push(e.to_string()),
                }
            }
            Err(e) => errors.push(e),
        }
    }
    match aggregate(errors) {
        Ok(()) => Ok(ResourceList(list)),
        Err(e) => Err(KubeError::Other(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_and_lists() {
        let docs = decode_documents(
            "# comment only\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  n: \"1\"\n---\napiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Secret\n  metadata:\n    name: b\n- apiVersion: v1\n  kind: Service\n  metadata:\n    name: c\n  spec:\n    ports:\n    - port: 80\n",
        );
        let kinds: Vec<String> = docs
            .iter()
            .map(|d| str_at(d.as_ref().unwrap(), "/kind").to_string())
            .collect();
        assert_eq!(kinds, ["ConfigMap", "Secret", "Service"]);
        let port = docs[2]
            .as_ref()
            .unwrap()
            .pointer("/spec/ports/0/port")
            .unwrap();
        assert_eq!(port, &serde_json::json!(80));
    }

    #[test]
    fn object_meta_types_are_checked() {
        let check = |yaml: &str| {
            let doc = decode_documents(yaml).remove(0).unwrap();
            check_object_meta(&doc)
        };
        assert_eq!(
            check("metadata:\n  name: c\n  labels: {a: 1}\n").unwrap_err(),
            "unable to decode \"\": json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string"
        );
        assert_eq!(
            check("metadata:\n  name: y\n").unwrap_err(),
            "unable to decode \"\": json: cannot unmarshal bool into Go struct field ObjectMeta.metadata.name of type string"
        );
        assert_eq!(
            check("metadata:\n  generation: \"x\"\n").unwrap_err(),
            "unable to decode \"\": json: cannot unmarshal string into Go struct field ObjectMeta.metadata.generation of type int64"
        );
        assert_eq!(
            check("metadata:\n  finalizers: x\n").unwrap_err(),
            "unable to decode \"\": json: cannot unmarshal string into Go struct field ObjectMeta.metadata.finalizers of type []string"
        );
        assert!(check("metadata:\n  name: c\n  labels: null\n  uid: \"5\"\n").is_ok());
    }

    #[test]
    fn scalars_are_not_objects() {
        let docs = decode_documents("just text\n");
        assert!(
            docs[0]
                .as_ref()
                .unwrap_err()
                .contains("cannot unmarshal string")
        );
    }
}
