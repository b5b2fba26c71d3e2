//! Strategic merge patches (apimachinery's `strategicpatch`): like JSON merge patches, but
//! lists with a merge key are patched item by item, with `$patch: delete` items,
//! `$setElementOrder/FIELD` and `$deleteFromPrimitiveList/FIELD` lists and `$retainKeys`.

use super::schema::{ListStrategy, list_strategy, map_retains_keys};
use super::{MAX_DEPTH, PatchError};
use serde_json::{Map, Value};

const PATCH: &str = "$patch";
const RETAIN_KEYS: &str = "$retainKeys";
const SET_ORDER: &str = "$setElementOrder/";
const DELETE_PRIMITIVE: &str = "$deleteFromPrimitiveList/";

/// Where in which object a diff or merge is working: the schema lookups need both.
#[derive(Clone, Copy)]
struct Ctx<'a> {
    kind: &'a str,
    path: &'a [&'a str],
}

impl<'a> Ctx<'a> {
    fn list(&self, field: &str) -> ListStrategy {
        list_strategy(self.kind, self.path, field)
    }

    fn check_depth(&self) -> Result<(), PatchError> {
        if self.path.len() > MAX_DEPTH {
            return Err(PatchError::TooDeep(MAX_DEPTH));
        }
        Ok(())
    }
}

fn child<'a>(path: &[&'a str], field: &'a str) -> Vec<&'a str> {
    let mut p = Vec::with_capacity(path.len() + 1);
    p.extend_from_slice(path);
    p.push(field);
    p
}

/// Which half of the three-way diff is being computed.
#[derive(Clone, Copy, PartialEq)]
enum Half {
    /// `current` → `modified`: additions and changes only.
    Changes,
    /// `original` → `modified`: deletions only.
    Deletions,
}

/// The three-way strategic merge patch of an object of `kind` (Helm passes "overwrite", so
/// drift in `current` is always overruled by `modified`).
pub fn three_way_strategic_patch(
    original: &Value,
    modified: &Value,
    current: &Value,
    kind: &str,
) -> Result<Value, PatchError> {
    let empty = Map::new();
    let obj = |v: &'_ Value| v.as_object().cloned().unwrap_or_else(|| empty.clone());
    let (original, modified, current) = (obj(original), obj(modified), obj(current));
    let ctx = Ctx { kind, path: &[] };
    let changes = diff_maps(&current, &modified, ctx, Half::Changes, false)?;
    let deletions = diff_maps(&original, &modified, ctx, Half::Deletions, false)?;
    Ok(Value::Object(merge_patches(deletions, changes, ctx)?))
}

fn diff_maps(
    original: &Map<String, Value>,
    modified: &Map<String, Value>,
    ctx: Ctx<'_>,
    half: Half,
    retain_keys: bool,
) -> Result<Map<String, Value>, PatchError> {
    ctx.check_depth()?;
    let mut patch = Map::new();
    for (key, mv) in modified {
        let Some(ov) = original.get(key) else {
            if half == Half::Changes {
                patch.insert(key.clone(), mv.clone());
            }
            continue;
        };
        match (ov, mv) {
            (Value::Object(om), Value::Object(mm)) => {
                let path = child(ctx.path, key);
                let sub = Ctx {
                    kind: ctx.kind,
                    path: &path,
                };
                let retain = map_retains_keys(ctx.kind, ctx.path, key);
                let d = diff_maps(om, mm, sub, half, retain)?;
                if !d.is_empty() {
                    patch.insert(key.clone(), Value::Object(d));
                }
            }
            (Value::Array(ol), Value::Array(ml)) => match ctx.list(key) {
                ListStrategy::Replace => {
                    if half == Half::Changes && ol != ml {
                        patch.insert(key.clone(), mv.clone());
                    }
                }
                ListStrategy::MergeScalars => diff_scalar_list(key, ol, ml, half, &mut patch),
                ListStrategy::MergeByKey {
                    key: mk,
                    retain_keys,
                } => {
                    let path = child(ctx.path, key);
                    let sub = Ctx {
                        kind: ctx.kind,
                        path: &path,
                    };
                    diff_keyed_list(key, ol, ml, mk, retain_keys, sub, half, &mut patch)?;
                }
            },
            _ => {
                if half == Half::Changes && ov != mv {
                    patch.insert(key.clone(), mv.clone());
                }
            }
        }
    }
    if half == Half::Deletions {
        for key in original.keys() {
            if !modified.contains_key(key) {
                patch.insert(key.clone(), Value::Null);
            }
        }
    }
    if retain_keys {
        let dropped = original
            .iter()
            .any(|(k, v)| !v.is_null() && !modified.contains_key(k));
        if !patch.is_empty() || dropped {
            let mut keys: Vec<&String> = modified
                .iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, _)| k)
                .collect();
            keys.sort();
            patch.insert(
                RETAIN_KEYS.into(),
                keys.into_iter().cloned().map(Value::String).collect(),
            );
        }
    }
    Ok(patch)
}

fn diff_scalar_list(
    key: &str,
    ol: &[Value],
    ml: &[Value],
    half: Half,
    patch: &mut Map<String, Value>,
) {
    match half {
        Half::Changes => {
            let added: Vec<Value> = ml.iter().filter(|v| !ol.contains(v)).cloned().collect();
            if !added.is_empty() {
                patch.insert(key.into(), Value::Array(added));
            }
            if ol != ml {
                patch.insert(format!("{SET_ORDER}{key}"), Value::Array(ml.to_vec()));
            }
        }
        Half::Deletions => {
            let removed: Vec<Value> = ol.iter().filter(|v| !ml.contains(v)).cloned().collect();
            if !removed.is_empty() {
                patch.insert(format!("{DELETE_PRIMITIVE}{key}"), Value::Array(removed));
                patch.insert(format!("{SET_ORDER}{key}"), Value::Array(ml.to_vec()));
            }
        }
    }
}

fn merge_key_of<'v>(item: &'v Value, mk: &str) -> Result<&'v Value, PatchError> {
    item.get(mk)
        .ok_or_else(|| PatchError::MissingMergeKey(item.to_string(), mk.to_string()))
}

#[allow(clippy::too_many_arguments)]
fn diff_keyed_list(
    key: &str,
    ol: &[Value],
    ml: &[Value],
    mk: &str,
    retain_keys: bool,
    ctx: Ctx<'_>,
    half: Half,
    patch: &mut Map<String, Value>,
) -> Result<(), PatchError> {
    if !ol.iter().chain(ml).all(Value::is_object) {
        // Not a list of objects after all: treat it as atomic.
        if half == Half::Changes && ol != ml {
            patch.insert(key.into(), Value::Array(ml.to_vec()));
        }
        return Ok(());
    }
    let mut items = Vec::new();
    for m in ml {
        let mv = merge_key_of(m, mk)?;
        let found = ol.iter().find(|o| o.get(mk) == Some(mv));
        match (found, m) {
            (Some(Value::Object(om)), Value::Object(mm)) => {
                let mut d = diff_maps(om, mm, ctx, half, retain_keys)?;
                if !d.is_empty() {
                    d.insert(mk.into(), mv.clone());
                    items.push(Value::Object(d));
                }
            }
            _ if half == Half::Changes => items.push(m.clone()),
            _ => {}
        }
    }
    if half == Half::Deletions {
        for o in ol {
            let ov = merge_key_of(o, mk)?;
            if !ml.iter().any(|m| m.get(mk) == Some(ov)) {
                let mut del = Map::new();
                del.insert(PATCH.into(), "delete".into());
                del.insert(mk.into(), ov.clone());
                items.push(Value::Object(del));
            }
        }
    }
    let order_same = ol.len() == ml.len() && ol.iter().zip(ml).all(|(o, m)| o.get(mk) == m.get(mk));
    let set_order = !items.is_empty() || (half == Half::Changes && !order_same);
    if !items.is_empty() {
        patch.insert(key.into(), Value::Array(items));
    }
    if set_order {
        let order = ml
            .iter()
            .filter_map(|m| {
                let mut o = Map::new();
                o.insert(mk.into(), m.get(mk)?.clone());
                Some(Value::Object(o))
            })
            .collect();
        patch.insert(format!("{SET_ORDER}{key}"), Value::Array(order));
    }
    Ok(())
}

/// Combines the deletions patch with the changes patch into one (changes win; the two
/// cannot disagree, since one only removes what the other never sets).
fn merge_patches(
    mut base: Map<String, Value>,
    over: Map<String, Value>,
    ctx: Ctx<'_>,
) -> Result<Map<String, Value>, PatchError> {
    ctx.check_depth()?;
    for (k, v) in over {
        match (base.get_mut(&k), v) {
            (Some(Value::Object(bm)), Value::Object(om)) => {
                let path = child(ctx.path, &k);
                let sub = Ctx {
                    kind: ctx.kind,
                    path: &path,
                };
                let merged = merge_patches(std::mem::take(bm), om, sub)?;
                *bm = merged;
            }
            (Some(Value::Array(bl)), Value::Array(ol)) if !k.starts_with('$') => {
                if let ListStrategy::MergeByKey { key: mk, .. } = ctx.list(&k) {
                    let path = child(ctx.path, &k);
                    let sub = Ctx {
                        kind: ctx.kind,
                        path: &path,
                    };
                    for item in ol {
                        let pos = bl
                            .iter()
                            .position(|b| b.get(mk).is_some() && b.get(mk) == item.get(mk));
                        match (pos, item) {
                            (Some(i), Value::Object(im)) => {
                                if let Value::Object(bm) = &mut bl[i] {
                                    let merged = merge_patches(std::mem::take(bm), im, sub)?;
                                    *bm = merged;
                                }
                            }
                            (_, item) => bl.push(item),
                        }
                    }
                } else {
                    base.insert(k, Value::Array(ol));
                }
            }
            (_, v) => {
                base.insert(k, v);
            }
        }
    }
    Ok(base)
}

/// Applies a strategic merge patch to a live object of `kind`, as the API server does.
pub fn apply_strategic_patch(doc: &Value, patch: &Value, kind: &str) -> Result<Value, PatchError> {
    let (Value::Object(dm), Value::Object(pm)) = (doc, patch) else {
        return Err(PatchError::BadPatch(
            "a strategic merge patch must be an object".into(),
        ));
    };
    let ctx = Ctx { kind, path: &[] };
    Ok(apply_map(dm.clone(), pm, ctx)?.map_or(Value::Null, Value::Object))
}

/// `None` when the patch deletes the map (`$patch: delete`).
fn apply_map(
    mut doc: Map<String, Value>,
    patch: &Map<String, Value>,
    ctx: Ctx<'_>,
) -> Result<Option<Map<String, Value>>, PatchError> {
    ctx.check_depth()?;
    match patch.get(PATCH).and_then(Value::as_str) {
        Some("delete") => return Ok(None),
        Some("replace") => return Ok(Some(strip_directives(patch))),
        Some("merge") | None => {}
        Some(other) => return Err(PatchError::BadPatch(format!("unknown patch type: {other}"))),
    }
    if let Some(retain) = patch.get(RETAIN_KEYS) {
        let Value::Array(keys) = retain else {
            return Err(PatchError::BadPatch("$retainKeys must be a list".into()));
        };
        doc.retain(|k, _| keys.iter().any(|r| r.as_str() == Some(k)));
    }
    for (k, pv) in patch {
        if k.starts_with('$') {
            continue;
        }
        if pv.is_null() {
            doc.remove(k);
            continue;
        }
        let path = child(ctx.path, k);
        let sub = Ctx {
            kind: ctx.kind,
            path: &path,
        };
        let merged = match (doc.remove(k), pv) {
            (Some(Value::Object(dm)), Value::Object(pm)) => {
                apply_map(dm, pm, sub)?.map(Value::Object)
            }
            (Some(Value::Array(dl)), Value::Array(pl)) => {
                Some(Value::Array(apply_list(dl, pl, ctx.list(k), sub)?))
            }
            (_, Value::Object(pm)) => apply_map(Map::new(), pm, sub)?.map(Value::Object),
            (_, Value::Array(pl)) => {
                Some(Value::Array(apply_list(Vec::new(), pl, ctx.list(k), sub)?))
            }
            (_, v) => Some(v.clone()),
        };
        if let Some(v) = merged {
            doc.insert(k.clone(), v);
        }
    }
    for (k, pv) in patch {
        if let (Some(field), Value::Array(gone)) = (k.strip_prefix(DELETE_PRIMITIVE), pv)
            && let Some(Value::Array(list)) = doc.get_mut(field)
        {
            list.retain(|v| !gone.contains(v));
        }
    }
    for (k, pv) in patch {
        if let (Some(field), Value::Array(order)) = (k.strip_prefix(SET_ORDER), pv)
            && let Some(Value::Array(list)) = doc.get_mut(field)
        {
            let mk = match ctx.list(field) {
                ListStrategy::MergeByKey { key, .. } => Some(key),
                _ => None,
            };
            let original = patch_free_order(list, mk);
            *list = reorder(std::mem::take(list), order, &original, mk);
        }
    }
    Ok(Some(doc))
}

fn apply_list(
    mut doc: Vec<Value>,
    patch: &[Value],
    strategy: ListStrategy,
    ctx: Ctx<'_>,
) -> Result<Vec<Value>, PatchError> {
    match strategy {
        ListStrategy::Replace => Ok(patch.iter().map(strip_value).collect()),
        ListStrategy::MergeScalars => {
            for v in patch {
                if !doc.contains(v) {
                    doc.push(v.clone());
                }
            }
            Ok(doc)
        }
        ListStrategy::MergeByKey { key: mk, .. } => {
            if patch
                .iter()
                .any(|p| p.get(PATCH).and_then(Value::as_str) == Some("replace"))
            {
                return Ok(patch
                    .iter()
                    .filter(|p| p.get(PATCH).is_none())
                    .map(strip_value)
                    .collect());
            }
            for p in patch {
                let Value::Object(pm) = p else {
                    doc.push(p.clone());
                    continue;
                };
                let pv = merge_key_of(p, mk)?;
                let pos = doc.iter().position(|d| d.get(mk) == Some(pv));
                if pm.get(PATCH).and_then(Value::as_str) == Some("delete") {
                    doc.retain(|d| d.get(mk) != Some(pv));
                    continue;
                }
                match pos {
                    Some(i) => {
                        let Value::Object(dm) = std::mem::take(&mut doc[i]) else {
                            doc[i] = strip_value(p);
                            continue;
                        };
                        match apply_map(dm, pm, ctx)? {
                            Some(m) => doc[i] = Value::Object(m),
                            None => {
                                doc.remove(i);
                            }
                        }
                    }
                    None => {
                        if let Some(m) = apply_map(Map::new(), pm, ctx)? {
                            doc.push(Value::Object(m));
                        }
                    }
                }
            }
            Ok(doc)
        }
    }
}

/// The identities (merge key values, or the scalars themselves) of a list, in order.
fn patch_free_order(list: &[Value], mk: Option<&str>) -> Vec<Value> {
    list.iter()
        .map(|v| match mk {
            Some(mk) => v.get(mk).cloned().unwrap_or(Value::Null),
            None => v.clone(),
        })
        .collect()
}

/// Orders a merged list as `$setElementOrder` asks; items the patch never mentioned (added
/// by someone else) keep their place relative to the items around them on the server.
fn reorder(list: Vec<Value>, order: &[Value], server: &[Value], mk: Option<&str>) -> Vec<Value> {
    let id = |v: &Value| match mk {
        Some(mk) => v.get(mk).cloned().unwrap_or(Value::Null),
        None => v.clone(),
    };
    let order_ids: Vec<Value> = order.iter().map(id).collect();
    let (mut listed, server_only): (Vec<Value>, Vec<Value>) =
        list.into_iter().partition(|v| order_ids.contains(&id(v)));
    listed.sort_by_key(|v| order_ids.iter().position(|o| *o == id(v)));
    let server_index = |v: &Value| server.iter().position(|s| *s == id(v));
    let mut out = Vec::with_capacity(listed.len() + server_only.len());
    let (mut left, mut right) = (
        server_only.into_iter().peekable(),
        listed.into_iter().peekable(),
    );
    loop {
        let take_left = match (left.peek(), right.peek()) {
            (Some(l), Some(r)) => {
                matches!((server_index(l), server_index(r)), (Some(a), Some(b)) if a < b)
            }
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => break,
        };
        let next = if take_left { left.next() } else { right.next() };
        out.extend(next);
    }
    out
}

fn strip_value(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(strip_directives(m)),
        Value::Array(l) => Value::Array(l.iter().map(strip_value).collect()),
        other => other.clone(),
    }
}

/// A patch value inserted where nothing was: directives and nulls have no meaning there.
fn strip_directives(m: &Map<String, Value>) -> Map<String, Value> {
    m.iter()
        .filter(|(k, v)| !k.starts_with('$') && !v.is_null())
        .map(|(k, v)| (k.clone(), strip_value(v)))
        .collect()
}
