//! Coalescing: Helm's `CoalesceValues` / `MergeValues` (chart defaults under user
//! values, subchart defaults scoped under the subchart's name, globals copied down) and
//! `MergeMaps` for several `-f` files.
//!
//! Maps are shared and mutable, as in Go, and this module copies exactly where Helm
//! copies (deeply for user values and chart defaults, shallowly for globals). Helm's
//! results depend on that aliasing in corner cases, so the structure follows Helm's.

use super::ValuesError;
use crate::chart::Chart;
use crate::value::{Map, MapKind, Value};

/// How nulls are treated: `Coalesce` (CoalesceValues) deletes keys a null overrides,
/// `Merge` (MergeValues, used by import-values) keeps the nulls.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    Coalesce,
    Merge,
}

/// `helm -f a -f b`: later files win, maps merge deeply (Helm's `loader.MergeMaps`).
pub(crate) fn merge_maps(a: &Map, b: &Map) -> Map {
    let out = Map::from_entries(a.borrow().clone());
    for (k, v) in b.entries() {
        if let Value::Map(bm) = &v
            && let Some(Value::Map(am)) = out.get(&k)
        {
            out.insert(k, Value::Map(merge_maps(&am, bm)));
            continue;
        }
        out.insert(k, v);
    }
    out
}

/// Helm's `CoalesceValues` (or `MergeValues` with [`Mode::Merge`]): a new map with the
/// chart's defaults (and its subcharts', recursively) under `user`.
pub(crate) fn coalesce_values(chart: &Chart, user: &Map, mode: Mode) -> Result<Map, ValuesError> {
    let dest = Map::with_kind(MapKind::Values);
    for (k, v) in user.borrow().iter() {
        dest.insert(k.clone(), v.deep_copy());
    }
    coalesce_chart(chart, &dest, mode)?;
    Ok(dest)
}

fn coalesce_chart(chart: &Chart, dest: &Map, mode: Mode) -> Result<(), ValuesError> {
    coalesce_own_values(chart, dest, mode);
    coalesce_deps(chart, dest, mode)
}

fn coalesce_deps(chart: &Chart, dest: &Map, mode: Mode) -> Result<(), ValuesError> {
    for sub in &chart.dependencies {
        let name = sub.name();
        let sub_dest = match dest.get(name) {
            None => {
                let m = Map::new();
                dest.insert(name, Value::Map(m.clone()));
                m
            }
            Some(Value::Map(m)) => m,
            Some(other) => {
                return Err(ValuesError {
                    message: format!("type mismatch on {name}: {}", format_t(&other)),
                });
            }
        };
        coalesce_globals(&sub_dest, dest);
        coalesce_chart(sub, &sub_dest, mode)?;
    }
    Ok(())
}

/// Go's `%t` of a non-map value (only used in an error message).
fn format_t(v: &Value) -> String {
    match v {
        Value::Bool(b) => b.to_string(),
        Value::Nil => "%!t(<nil>)".to_string(),
        Value::List(l) => {
            let items: Vec<String> = l.items.iter().map(format_t).collect();
            format!("[{}]", items.join(" "))
        }
        v => format!("%!t({}={})", v.go_type(), crate::gofmt::format_value(v)),
    }
}

/// Copies the parent's `global` table into the subchart's values: parent globals win,
/// nested global tables merge (shallow copies, as Helm makes them).
fn coalesce_globals(dest: &Map, src: &Map) {
    let dg = match dest.get("global") {
        None => Map::new(),
        Some(Value::Map(m)) => m,
        Some(_) => return,
    };
    let sg = match src.get("global") {
        None => Map::new(),
        Some(Value::Map(m)) => m,
        Some(_) => return,
    };
    for (key, val) in sg.entries() {
        match &val {
            Value::Map(vm) => {
                let vv = Map::from_entries(vm.borrow().clone());
                match dg.get(&key) {
                    None => {
                        dg.insert(key, Value::Map(vv));
                    }
                    Some(Value::Map(destv)) => {
                        coalesce_tables(&vv, &destv, Mode::Merge);
                        dg.insert(key, Value::Map(vv));
                    }
                    Some(_) => {}
                }
            }
            _ => {
                if !matches!(dg.get(&key), Some(Value::Map(_))) {
                    dg.insert(key, val);
                }
            }
        }
    }
    dest.insert("global", Value::Map(dg));
}

/// Helm's `coalesceValues`: merges one chart's own defaults (a deep copy) into `v`.
fn coalesce_own_values(chart: &Chart, v: &Map, mode: Mode) {
    let defaults = chart.values.deep_copy();
    for (key, val) in defaults.entries() {
        match v.get(&key) {
            Some(Value::Nil) if mode == Mode::Coalesce => {
                v.remove(&key);
            }
            Some(Value::Map(dest)) => {
                if let Value::Map(src) = &val {
                    let mode = if chart.dependencies.iter().any(|d| d.name() == key) {
                        Mode::Merge
                    } else {
                        mode
                    };
                    if mode == Mode::Coalesce {
                        clean_nil_values(src);
                    }
                    coalesce_tables(&dest, src, mode);
                }
            }
            Some(_) => {}
            None => {
                if mode == Mode::Coalesce {
                    match &val {
                        Value::Nil => continue,
                        Value::Map(m) => clean_nil_values(m),
                        _ => {}
                    }
                }
                v.insert(key, val);
            }
        }
    }
}

/// Helm's `coalesceTablesFullKey`: merges `src` into `dst`, `dst` winning. A null in
/// `dst` over a non-null default deletes the key when coalescing.
pub(crate) fn coalesce_tables(dst: &Map, src: &Map, mode: Mode) {
    let src_non_nil: std::collections::BTreeSet<String> = src
        .borrow()
        .iter()
        .filter(|(_, v)| !v.is_nil())
        .map(|(k, _)| k.clone())
        .collect();
    let dst_nils: Vec<String> = dst
        .borrow()
        .iter()
        .filter(|(_, v)| v.is_nil())
        .map(|(k, _)| k.clone())
        .collect();
    for k in dst_nils {
        src.insert(k, Value::Nil);
    }
    for (key, val) in src.entries() {
        match dst.get(&key) {
            Some(Value::Nil) if mode == Mode::Coalesce && src_non_nil.contains(&key) => {
                dst.remove(&key);
            }
            None => {
                dst.insert(key, val);
            }
            Some(Value::Map(dv)) => {
                if let Value::Map(sv) = &val
                    && !dv.ptr_eq(sv)
                {
                    coalesce_tables(&dv, sv, mode);
                }
            }
            Some(_) => {}
        }
    }
}

/// Removes nulls recursively (chart-default nulls never reach the result when coalescing).
fn clean_nil_values(m: &Map) {
    let mut nested = Vec::new();
    m.borrow_mut().retain(|_, v| match v {
        Value::Nil => false,
        Value::Map(sub) => {
            nested.push(sub.clone());
            true
        }
        _ => true,
    });
    for sub in nested {
        clean_nil_values(&sub);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn map(v: serde_json::Value) -> Map {
        match Value::from_json(&v) {
            Value::Map(m) => m,
            _ => Map::new(),
        }
    }

    fn chart(name: &str, values: serde_json::Value, deps: Vec<Chart>) -> Chart {
        let mut c = Chart::default();
        c.metadata.name = name.into();
        c.values = map(values);
        c.dependencies = deps;
        c
    }

    fn run(c: &Chart, user: serde_json::Value) -> serde_json::Value {
        Value::Map(coalesce_values(c, &map(user), Mode::Coalesce).unwrap()).to_json()
    }

    #[test]
    fn user_null_deletes_defaults_and_unknown_null_survives() {
        let c = chart("c", json!({"a": 1, "b": {"c": 2, "d": 3}}), vec![]);
        assert_eq!(
            run(&c, json!({"a": null, "b": {"c": null}, "z": null})),
            json!({"b": {"d": 3.0}, "z": null})
        );
    }

    #[test]
    fn default_nulls_vanish() {
        let c = chart("c", json!({"a": null, "b": {"c": null, "d": 1}}), vec![]);
        assert_eq!(run(&c, json!({})), json!({"b": {"d": 1.0}}));
    }

    #[test]
    fn subchart_defaults_and_globals() {
        let sub = chart(
            "sub",
            json!({"port": 80, "global": {"region": "eu"}}),
            vec![],
        );
        let c = chart(
            "p",
            json!({"global": {"env": "prod"}, "sub": {"port": 81}}),
            vec![sub],
        );
        assert_eq!(
            run(&c, json!({})),
            json!({
                "global": {"env": "prod"},
                "sub": {"port": 81.0, "global": {"env": "prod", "region": "eu"}}
            })
        );
    }

    #[test]
    fn scalar_over_subchart_is_an_error() {
        let sub = chart("sub", json!({}), vec![]);
        let c = chart("p", json!({}), vec![sub]);
        let err = coalesce_values(&c, &map(json!({"sub": true})), Mode::Coalesce);
        assert_eq!(err.err().unwrap().message, "type mismatch on sub: true");
    }

    #[test]
    fn merge_maps_later_wins() {
        let a = map(json!({"a": {"b": 1, "c": 2}, "l": [1]}));
        let b = map(json!({"a": {"b": 3}, "l": [2]}));
        assert_eq!(
            Value::Map(merge_maps(&a, &b)).to_json(),
            json!({"a": {"b": 3.0, "c": 2.0}, "l": [2.0]})
        );
    }
}
