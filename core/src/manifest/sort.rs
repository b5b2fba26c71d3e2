//! Helm's manifest sorter: split each rendered file into documents, read each
//! document's head (apiVersion, kind, name, annotations), set hooks aside and order the
//! rest by kind.

use std::collections::BTreeMap;

use super::head::{Head, fast_head};
use super::{Document, Hook, ManifestError};
use crate::value::Value;

/// Helm's install order of kinds; other kinds come after, alphabetically.
pub const INSTALL_ORDER: &[&str] = &[
    "PriorityClass",
    "Namespace",
    "NetworkPolicy",
    "ResourceQuota",
    "LimitRange",
    "PodSecurityPolicy",
    "PodDisruptionBudget",
    "ServiceAccount",
    "Secret",
    "SecretList",
    "ConfigMap",
    "StorageClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "CustomResourceDefinition",
    "ClusterRole",
    "ClusterRoleList",
    "ClusterRoleBinding",
    "ClusterRoleBindingList",
    "Role",
    "RoleList",
    "RoleBinding",
    "RoleBindingList",
    "Service",
    "DaemonSet",
    "Pod",
    "ReplicationController",
    "ReplicaSet",
    "Deployment",
    "HorizontalPodAutoscaler",
    "StatefulSet",
    "Job",
    "CronJob",
    "IngressClass",
    "Ingress",
    "APIService",
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
];

const HOOK_EVENTS: &[&str] = &[
    "pre-install",
    "post-install",
    "pre-delete",
    "post-delete",
    "pre-upgrade",
    "post-upgrade",
    "pre-rollback",
    "post-rollback",
    "test",
];

/// RE2's `\s`: ASCII whitespace only.
fn re_space(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | b'\x0c' | b'\r' | b' ')
}

/// Helm's `SplitManifests` (v4.2): documents separated by the regex
/// `(?:^|\s*\n)---\s*` — a `---` at the start or right after a newline, taking the
/// whitespace around it (so a document loses its trailing whitespace, and text after
/// `---` on the same line starts the next one); blank documents dropped, each
/// document's leading whitespace trimmed; in order.
pub fn split_manifests(text: &str) -> Vec<&str> {
    let text = text.trim_start_matches(super::go_space);
    let b = text.as_bytes();
    let mut docs = Vec::new();
    let mut doc_start = 0;
    let mut search = 0;
    if text.starts_with("---") {
        let mut end = 3;
        while end < b.len() && re_space(b[end]) {
            end += 1;
        }
        docs.push(&text[..0]);
        doc_start = end;
        search = end;
    }
    while let Some(i) = text[search..].find("\n---") {
        let nl = search + i;
        // The leftmost match starts at the first of the whitespace run before the
        // newline that this document still owns.
        let mut start = nl;
        while start > doc_start && re_space(b[start - 1]) {
            start -= 1;
        }
        let mut end = nl + 4;
        while end < b.len() && re_space(b[end]) {
            end += 1;
        }
        docs.push(&text[doc_start..start]);
        doc_start = end;
        search = end;
    }
    docs.push(&text[doc_start..]);
    docs.into_iter()
        .filter(|d| !d.trim_matches(super::go_space).is_empty())
        .map(|d| d.trim_start_matches(super::go_space))
        .collect()
}

fn scalar(v: &Value) -> Option<String> {
    Some(match v {
        Value::String(s) => s.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) | Value::Int64(i) => i.to_string(),
        Value::Uint(u) => u.to_string(),
        Value::Float(f) if f.fract() == 0.0 && f.abs() < 1e18 => format!("{}", *f as i64),
        Value::Float(f) => format!("{}", *f as f32),
        _ => return None,
    })
}

fn yaml_error(path: &str, e: &crate::yaml::YamlError) -> ManifestError {
    let msg = if e.message.starts_with("yaml:") {
        format!("error converting YAML to JSON: {}", e.message)
    } else {
        e.message.clone()
    };
    ManifestError {
        message: format!("YAML parse error on {path}: {msg}"),
    }
}

fn type_error(path: &str, what: &str, field: &str, ty: &str) -> ManifestError {
    ManifestError {
        message: format!(
            "YAML parse error on {path}: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {what} into Go {field} of type {ty}"
        ),
    }
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Nil => "null",
        Value::Bool(_) => "bool",
        Value::Int(_) | Value::Int64(_) | Value::Uint(_) | Value::Float(_) => "number",
        Value::List(_) => "array",
        Value::Map(_) => "object",
        _ => "string",
    }
}

fn read_head(path: &str, doc: &str) -> Result<Head, ManifestError> {
    if let Some(head) = fast_head(doc) {
        return Ok(head);
    }
    full_head(path, doc)
}

/// The head as the full decoder reads it (and its errors, in Helm's words).
pub(super) fn full_head(path: &str, doc: &str) -> Result<Head, ManifestError> {
    let v = crate::yaml::parse(doc).map_err(|e| yaml_error(path, &e))?;
    let mut head = Head::default();
    let m = match &v {
        Value::Nil => return Ok(head),
        Value::Map(m) => m,
        other => {
            return Err(type_error(
                path,
                json_kind(other),
                "value",
                "util.SimpleHead",
            ));
        }
    };
    let str_field = |key: &str, field: &str| -> Result<String, ManifestError> {
        match m.get(key) {
            None | Some(Value::Nil) => Ok(String::new()),
            Some(v) => scalar(&v).ok_or_else(|| {
                type_error(
                    path,
                    json_kind(&v),
                    &format!("struct field SimpleHead.{field}"),
                    "string",
                )
            }),
        }
    };
    head.api_version = str_field("apiVersion", "apiVersion")?;
    head.kind = str_field("kind", "kind")?;
    match m.get("metadata") {
        None | Some(Value::Nil) => {}
        Some(Value::Map(md)) => {
            if let Some(n) = md.get("name")
                && !n.is_nil()
            {
                head.name = scalar(&n).ok_or_else(|| {
                    type_error(path, json_kind(&n), "struct field .metadata.name", "string")
                })?;
            }
            match md.get("annotations") {
                None | Some(Value::Nil) => {}
                Some(Value::Map(a)) => {
                    let mut out = BTreeMap::new();
                    for (k, v) in a.entries() {
                        if v.is_nil() {
                            out.insert(k, String::new());
                            continue;
                        }
                        let s = scalar(&v).ok_or_else(|| {
                            type_error(
                                path,
                                json_kind(&v),
                                "struct field .metadata.annotations",
                                "string",
                            )
                        })?;
                        out.insert(k, s);
                    }
                    head.annotations = Some(out);
                }
                Some(other) => {
                    return Err(type_error(
                        path,
                        json_kind(&other),
                        "struct field .metadata.annotations",
                        "map[string]string",
                    ));
                }
            }
        }
        Some(other) => {
            return Err(type_error(
                path,
                json_kind(&other),
                "struct field SimpleHead.metadata",
                "struct { Name string \"json:\\\"name\\\"\"; Annotations map[string]string \"json:\\\"annotations\\\"\" }",
            ));
        }
    }
    Ok(head)
}

fn kind_rank(kind: &str) -> Option<usize> {
    INSTALL_ORDER.iter().position(|k| *k == kind)
}

/// Helm's `lessByKind`: known kinds in install order, before unknown kinds, which sort
/// alphabetically.
fn less_by_kind(a: &str, b: &str) -> bool {
    match (kind_rank(a), kind_rank(b)) {
        (None, None) => a < b,
        (None, Some(_)) => false,
        (Some(_), None) => true,
        (Some(x), Some(y)) => x < y,
    }
}

fn stable_sort_by_kind<T>(items: &mut [T], kind: impl Fn(&T) -> &str) {
    items.sort_by(|a, b| {
        let (ka, kb) = (kind(a), kind(b));
        if less_by_kind(ka, kb) {
            std::cmp::Ordering::Less
        } else if less_by_kind(kb, ka) {
            std::cmp::Ordering::Greater
        } else {
            std::cmp::Ordering::Equal
        }
    });
}

/// A non-hook document borrowing the rendered text.
pub struct DocRef<'a> {
    pub path: &'a str,
    pub content: &'a str,
    pub kind: String,
    pub api_version: String,
}

impl DocRef<'_> {
    pub fn to_owned(&self) -> Document {
        Document {
            path: self.path.to_string(),
            content: self.content.to_string(),
            kind: self.kind.clone(),
            api_version: self.api_version.clone(),
        }
    }
}

/// A hook document borrowing the rendered text.
pub struct HookRef<'a> {
    pub name: String,
    pub kind: String,
    pub path: &'a str,
    pub manifest: &'a str,
    pub events: Vec<String>,
    pub weight: i64,
    pub delete_policies: Vec<String>,
}

impl HookRef<'_> {
    pub fn is_test(&self) -> bool {
        self.events.iter().any(|e| e == "test")
    }

    pub fn into_owned(self) -> Hook {
        Hook {
            name: self.name,
            kind: self.kind,
            path: self.path.to_string(),
            manifest: self.manifest.to_string(),
            events: self.events,
            weight: self.weight,
            delete_policies: self.delete_policies,
        }
    }
}

/// Helm's `SortManifests` with the install order: files in byte order (partials and
/// blank files skipped), documents in file order; hooks and the rest each stable-sorted
/// by kind. The documents borrow the rendered text rather than copying it.
pub(crate) fn sort_manifests<'a>(
    files: &[(&'a str, &'a str)],
) -> Result<(Vec<HookRef<'a>>, Vec<DocRef<'a>>), ManifestError> {
    let mut sorted: Vec<(&'a str, &'a str)> = files.to_vec();
    sorted.sort_by(|a, b| a.0.cmp(b.0));
    let mut hooks = Vec::new();
    let mut docs = Vec::new();
    for (path, content) in sorted {
        let base = path.rsplit('/').next().unwrap_or(path);
        if base.starts_with('_') || content.trim_matches(super::go_space).is_empty() {
            continue;
        }
        for doc in split_manifests(content) {
            let head = read_head(path, doc)?;
            let hook_types = head
                .annotations
                .as_ref()
                .filter(|a| !a.is_empty())
                .and_then(|a| a.get("helm.sh/hook"));
            let Some(hook_types) = hook_types else {
                docs.push(DocRef {
                    path,
                    content: doc,
                    kind: head.kind,
                    api_version: head.api_version,
                });
                continue;
            };
            let annotations = head.annotations.as_ref();
            let weight = annotations
                .and_then(|a| a.get("helm.sh/hook-weight"))
                .and_then(|w| crate::strconv::parse_int(w, 10))
                .unwrap_or(0);
            let mut events = Vec::new();
            let mut unknown = false;
            for t in hook_types.split(',') {
                let t = t.trim_matches(super::go_space).to_lowercase();
                let t = if t == "test-success" {
                    "test".to_string()
                } else {
                    t
                };
                if !HOOK_EVENTS.contains(&t.as_str()) {
                    unknown = true;
                    break;
                }
                events.push(t);
            }
            if unknown {
                continue;
            }
            let delete_policies = annotations
                .and_then(|a| a.get("helm.sh/hook-delete-policy"))
                .map(|d| {
                    d.split(',')
                        .map(|p| p.trim_matches(super::go_space).to_lowercase())
                        .collect()
                })
                .unwrap_or_default();
            hooks.push(HookRef {
                name: head.name,
                kind: head.kind,
                path,
                manifest: doc,
                events,
                weight,
                delete_policies,
            });
        }
    }
    stable_sort_by_kind(&mut hooks, |h| &h.kind);
    stable_sort_by_kind(&mut docs, |d| &d.kind);
    Ok((hooks, docs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_like_helm() {
        assert_eq!(
            split_manifests("\n---\na: 1\n---\n\n---  \nb: 2\n"),
            vec!["a: 1", "---  \nb: 2\n"]
        );
        assert_eq!(
            split_manifests("a: 1  \n--- # c\nb: 2"),
            vec!["a: 1", "# c\nb: 2"]
        );
        assert_eq!(split_manifests("x: |\n  ---x\n"), vec!["x: |\n  ---x\n"]);
        assert_eq!(
            split_manifests("a: 1\n---apiVersion: v1\n"),
            vec!["a: 1", "apiVersion: v1\n"]
        );
    }

    #[test]
    fn kind_order() {
        let mut kinds = vec!["Zed", "Deployment", "Alpha", "Namespace", "Service"];
        stable_sort_by_kind(&mut kinds, |k| k);
        assert_eq!(
            kinds,
            vec!["Namespace", "Service", "Deployment", "Alpha", "Zed"]
        );
    }
}
