//! Release ownership of cluster objects (Helm's `validate.go`): every object a release
//! applies carries `app.kubernetes.io/managed-by: Helm` and the release name / namespace
//! annotations; an object already in the cluster may only be adopted when it carries the
//! same marks (or with `--take-ownership`).

use serde_json::{Map, Value};

use super::Error;
use crate::kube::{Kube, Resource, ResourceList};

pub const MANAGED_BY_LABEL: &str = "app.kubernetes.io/managed-by";
pub const MANAGED_BY_HELM: &str = "Helm";
pub const RELEASE_NAME_ANNOTATION: &str = "meta.helm.sh/release-name";
pub const RELEASE_NAMESPACE_ANNOTATION: &str = "meta.helm.sh/release-namespace";

/// Adds the ownership label and annotations to every resource (Helm's
/// `setMetadataVisitor` with forced ownership).
pub fn set_metadata(list: &mut ResourceList, name: &str, namespace: &str) {
    for r in &mut list.0 {
        set_object_metadata(&mut r.object, name, namespace);
    }
}

fn set_object_metadata(obj: &mut Value, name: &str, namespace: &str) {
    let Some(o) = obj.as_object_mut() else {
        return;
    };
    let meta = o
        .entry("metadata")
        .or_insert_with(|| Value::Object(Map::new()));
    if !meta.is_object() {
        *meta = Value::Object(Map::new());
    }
    let Some(meta) = meta.as_object_mut() else {
        return;
    };
    let mut put = |field: &str, pairs: &[(&str, &str)]| {
        let m = meta
            .entry(field)
            .or_insert_with(|| Value::Object(Map::new()));
        if !m.is_object() {
            *m = Value::Object(Map::new());
        }
        if let Some(m) = m.as_object_mut() {
            for (k, v) in pairs {
                m.insert((*k).to_string(), Value::String((*v).to_string()));
            }
        }
    };
    put("labels", &[(MANAGED_BY_LABEL, MANAGED_BY_HELM)]);
    put(
        "annotations",
        &[
            (RELEASE_NAME_ANNOTATION, name),
            (RELEASE_NAMESPACE_ANNOTATION, namespace),
        ],
    );
}

/// `Kind "name" in namespace "ns"`, as Helm's messages name an object.
pub fn resource_string(r: &Resource) -> String {
    format!(
        "{} {:?} in namespace {:?}",
        r.api.kind,
        r.name,
        r.namespace.as_deref().unwrap_or("")
    )
}

fn string_map<'a>(obj: &'a Value, field: &str) -> Option<&'a Map<String, Value>> {
    obj.get("metadata")?.get(field)?.as_object()
}

fn require_value(m: Option<&Map<String, Value>>, k: &str, v: &str) -> Result<(), String> {
    match m.and_then(|m| m.get(k)) {
        None => Err(format!("missing key {k:?}: must be set to {v:?}")),
        Some(actual) => {
            let actual = actual.as_str().unwrap_or_default();
            if actual != v {
                Err(format!(
                    "key {k:?} must equal {v:?}: current value is {actual:?}"
                ))
            } else {
                Ok(())
            }
        }
    }
}

/// Helm's `checkOwnership`: whether a live object belongs to the release.
pub fn check_ownership(live: &Value, name: &str, namespace: &str) -> Result<(), String> {
    let labels = string_map(live, "labels");
    let annotations = string_map(live, "annotations");
    let mut errs = Vec::new();
    if let Err(e) = require_value(labels, MANAGED_BY_LABEL, MANAGED_BY_HELM) {
        errs.push(format!("label validation error: {e}"));
    }
    if let Err(e) = require_value(annotations, RELEASE_NAME_ANNOTATION, name) {
        errs.push(format!("annotation validation error: {e}"));
    }
    if let Err(e) = require_value(annotations, RELEASE_NAMESPACE_ANNOTATION, namespace) {
        errs.push(format!("annotation validation error: {e}"));
    }
    if errs.is_empty() {
        Ok(())
    } else {
        Err(format!("invalid ownership metadata; {}", errs.join("; ")))
    }
}

/// Objects with `generateName` and no name are always new; both set is an error.
fn generated_name(r: &Resource) -> Result<bool, Error> {
    let gen_name = r
        .object
        .pointer("/metadata/generateName")
        .and_then(|v| v.as_str())
        .unwrap_or_default();
    if gen_name.is_empty() {
        return Ok(false);
    }
    if r.name.is_empty() {
        return Ok(true);
    }
    Err(Error::Other(
        "metadata.name and metadata.generateName cannot both be set".into(),
    ))
}

/// The resources that already exist in the cluster. With `take_ownership` any existing
/// object is adopted (Helm's `requireAdoption`); otherwise each must already belong to
/// this release (Helm's `existingResourceConflict`).
pub async fn existing(
    kube: &Kube,
    list: &ResourceList,
    name: &str,
    namespace: &str,
    take_ownership: bool,
) -> Result<ResourceList, Error> {
    let mut out = ResourceList::default();
    for r in &list.0 {
        if generated_name(r)? {
            continue;
        }
        let live = kube.get(r).await.map_err(|e| {
            Error::Other(format!(
                "could not get information about the resource {}: {e}",
                resource_string(r)
            ))
        })?;
        let Some(live) = live else {
            continue;
        };
        if !take_ownership && let Err(e) = check_ownership(&live, name, namespace) {
            return Err(Error::Other(format!(
                "{} exists and cannot be imported into the current release: {e}",
                resource_string(r)
            )));
        }
        out.0.push(r.clone());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn sets_marks() {
        let mut o = json!({"kind": "ConfigMap", "metadata": {"name": "a", "labels": {"x": "y"}}});
        set_object_metadata(&mut o, "rel", "ns");
        assert_eq!(o["metadata"]["labels"]["x"], "y");
        assert_eq!(o["metadata"]["labels"][MANAGED_BY_LABEL], "Helm");
        assert_eq!(o["metadata"]["annotations"][RELEASE_NAME_ANNOTATION], "rel");
        assert_eq!(
            o["metadata"]["annotations"][RELEASE_NAMESPACE_ANNOTATION],
            "ns"
        );
    }

    #[test]
    fn ownership_messages() {
        let o = json!({"metadata": {"annotations": {RELEASE_NAME_ANNOTATION: "other"}}});
        assert_eq!(
            check_ownership(&o, "rel", "ns").unwrap_err(),
            "invalid ownership metadata; label validation error: missing key \"app.kubernetes.io/managed-by\": must be set to \"Helm\"; annotation validation error: key \"meta.helm.sh/release-name\" must equal \"rel\": current value is \"other\"; annotation validation error: missing key \"meta.helm.sh/release-namespace\": must be set to \"ns\""
        );
        let mut ok = json!({});
        set_object_metadata(&mut ok, "rel", "ns");
        assert!(check_ownership(&ok, "rel", "ns").is_ok());
    }
}
