//! RFC 7386 JSON merge patches and the three-way form of them that Helm uses for custom
//! resources (apimachinery's `CreateThreeWayJSONMergePatch`).

use super::{MAX_DEPTH, PatchError};
use serde_json::{Map, Value};

/// The merge patch that turns `a` into `b`: changed and added keys with `b`'s values, removed
/// keys as `null`, objects diffed recursively, lists replaced whole.
pub fn create_merge_patch(a: &Value, b: &Value) -> Result<Value, PatchError> {
    match (a, b) {
        (Value::Object(a), Value::Object(b)) => Ok(Value::Object(diff(a, b, 0)?)),
        _ => Ok(b.clone()),
    }
}

fn diff(
    a: &Map<String, Value>,
    b: &Map<String, Value>,
    depth: usize,
) -> Result<Map<String, Value>, PatchError> {
    if depth > MAX_DEPTH {
        return Err(PatchError::TooDeep(MAX_DEPTH));
    }
    let mut out = Map::new();
    for (k, bv) in b {
        match (a.get(k), bv) {
            (None, _) => {
                out.insert(k.clone(), bv.clone());
            }
            (Some(Value::Object(am)), Value::Object(bm)) => {
                let d = diff(am, bm, depth + 1)?;
                if !d.is_empty() {
                    out.insert(k.clone(), Value::Object(d));
                }
            }
            (Some(av), _) if av == bv => {}
            _ => {
                out.insert(k.clone(), bv.clone());
            }
        }
    }
    for k in a.keys() {
        if !b.contains_key(k) {
            out.insert(k.clone(), Value::Null);
        }
    }
    Ok(out)
}

/// Applies a merge patch to a document (RFC 7386): `null` removes, objects merge, anything
/// else replaces.
pub fn apply_merge_patch(doc: &Value, patch: &Value) -> Value {
    let mut out = doc.clone();
    merge_into(&mut out, patch, 0);
    out
}

fn merge_into(doc: &mut Value, patch: &Value, depth: usize) {
    let Value::Object(pm) = patch else {
        *doc = patch.clone();
        return;
    };
    if !doc.is_object() || depth > MAX_DEPTH {
        *doc = Value::Object(Map::new());
    }
    let Value::Object(dm) = doc else { return };
    for (k, pv) in pm {
        if pv.is_null() {
            dm.remove(k);
        } else {
            let slot = dm.entry(k.clone()).or_insert(Value::Null);
            merge_into(slot, pv, depth + 1);
        }
    }
}

/// The three-way JSON merge patch: additions and changes from `current` to `modified`, plus
/// deletions from `original` to `modified` (fields the chart dropped). Fails, as Helm does,
/// when the patch would change `apiVersion`, `kind` or `metadata.name`.
pub fn three_way_merge_patch(
    original: &Value,
    modified: &Value,
    current: &Value,
) -> Result<Value, PatchError> {
    let empty = Value::Object(Map::new());
    let or_empty = |v: &'_ Value| {
        if v.is_object() {
            v.clone()
        } else {
            empty.clone()
        }
    };
    let (original, modified, current) = (or_empty(original), or_empty(modified), or_empty(current));
    let additions = keep_or_drop_nulls(create_merge_patch(&current, &modified)?, false);
    let deletions = keep_or_drop_nulls(create_merge_patch(&original, &modified)?, true);
    let patch = apply_merge_patch(&deletions, &additions);
    let changed: Vec<&str> = ["apiVersion", "kind"]
        .into_iter()
        .filter(|k| patch.get(k).is_some())
        .chain(patch.pointer("/metadata/name").map(|_| "metadata.name"))
        .collect();
    if !changed.is_empty() {
        return Err(PatchError::PreconditionFailed(patch.to_string()));
    }
    Ok(patch)
}

/// Keeps only the deletions (`nulls`) of a patch, or only what is not a deletion. An empty
/// object set explicitly is a value, not an empty patch.
pub(super) fn keep_or_drop_nulls(patch: Value, keep_nulls: bool) -> Value {
    let Value::Object(m) = patch else {
        return patch;
    };
    let mut out = Map::new();
    for (k, v) in m {
        match v {
            Value::Null if keep_nulls => {
                out.insert(k, Value::Null);
            }
            Value::Null => {}
            Value::Object(sub) if sub.is_empty() => {
                if !keep_nulls {
                    out.insert(k, Value::Object(sub));
                }
            }
            Value::Object(sub) => {
                let filtered = keep_or_drop_nulls(Value::Object(sub), keep_nulls);
                if filtered.as_object().is_some_and(|m| !m.is_empty()) {
                    out.insert(k, filtered);
                }
            }
            other => {
                if !keep_nulls {
                    out.insert(k, other);
                }
            }
        }
    }
    Value::Object(out)
}
