//! `merge` and `mergeOverwrite`: mergo's map merge as Sprig calls it.
//!
//! For every key of each source map, in order:
//! - a nil source value is skipped (`merge`) or copied (`mergeOverwrite`);
//! - two maps are merged recursively, mutating the destination's nested map;
//! - a source list always replaces the destination value when overwriting;
//! - otherwise the source value is taken when overwriting, or when the destination
//!   lacks the key or holds an empty value (0, "", false, nil, empty list or map) —
//!   except that a non-empty destination keeps its value against a source list, and
//!   against a source map when it is itself a map.

use super::map_arg;
use crate::funcs::misc::is_empty;
use crate::funcs::{FuncError, FuncResult};
use crate::value::{Map, Value};

/// Far deeper than real values; only a map that contains itself gets here.
const MAX_DEPTH: usize = 1000;

/// Merges `args[1..]` into `args[0]` in order and returns `args[0]`.
pub(super) fn merge_all(args: &[Value], overwrite: bool) -> FuncResult {
    let dst = map_arg(&args[0]);
    for src in &args[1..] {
        merge_into(&dst, &map_arg(src), overwrite, 0)?;
    }
    Ok(Value::Map(dst))
}

fn merge_into(dst: &Map, src: &Map, overwrite: bool, depth: usize) -> Result<(), FuncError> {
    if depth > MAX_DEPTH {
        return Err(FuncError::new(
            "runtime: goroutine stack exceeds 1000000000-byte limit",
        ));
    }
    if dst.ptr_eq(src) {
        return Ok(());
    }
    for (key, src_value) in src.entries() {
        let dst_value = dst.get(&key);
        if src_value.is_nil() {
            if overwrite {
                dst.insert(key, Value::Nil);
            }
            continue;
        }
        if let (Value::Map(src_map), Some(Value::Map(dst_map))) = (&src_value, &dst_value) {
            merge_into(dst_map, src_map, overwrite, depth + 1)?;
        }
        if overwrite && matches!(src_value, Value::List(_)) {
            dst.insert(key, src_value);
            continue;
        }
        let dst_filled = dst_value.as_ref().filter(|v| !is_empty(v));
        if let Some(existing) = dst_filled {
            let keeps = match &src_value {
                Value::List(_) => true,
                Value::Map(_) => matches!(existing, Value::Map(_)),
                _ => false,
            };
            if keeps {
                continue;
            }
        }
        if overwrite || dst_filled.is_none() {
            dst.insert(key, src_value);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::MapEntries;

    fn map(pairs: &[(&str, Value)]) -> Value {
        let entries: MapEntries = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect();
        Value::map(entries)
    }

    fn merged(dst: Value, src: Value, overwrite: bool) -> Map {
        merge_all(&[dst, src], overwrite)
            .unwrap()
            .as_map()
            .unwrap()
            .clone()
    }

    fn int(m: &Map, k: &str) -> Option<i64> {
        match m.get(k) {
            Some(Value::Int(i)) => Some(i),
            _ => None,
        }
    }

    #[test]
    fn merge_fills_only_empty_destination_values() {
        let one = Value::Int(1);
        let m = merged(
            map(&[("a", one.clone())]),
            map(&[("a", Value::Int(2)), ("b", Value::Int(2))]),
            false,
        );
        assert_eq!((int(&m, "a"), int(&m, "b")), (Some(1), Some(2)));
        let m = merged(
            map(&[("a", Value::Int(0))]),
            map(&[("a", Value::Int(5))]),
            false,
        );
        assert_eq!(int(&m, "a"), Some(5));
        let m = merged(map(&[]), map(&[("a", Value::Nil)]), false);
        assert!(!m.contains_key("a"));
        let list = Value::list(vec![one.clone()]);
        let m = merged(
            map(&[("a", list)]),
            map(&[("a", Value::list(vec![Value::Int(2)]))]),
            false,
        );
        assert_eq!(m.get("a").unwrap().as_list().unwrap().len(), 1);
        let m = merged(
            map(&[("a", Value::str("scalar"))]),
            map(&[("a", map(&[("x", one)]))]),
            false,
        );
        assert_eq!(m.get("a").unwrap().as_str(), Some("scalar"));
    }

    #[test]
    fn merge_recurses_into_nested_maps() {
        let inner = map(&[("x", Value::Int(1))]);
        let dst = map(&[("a", inner.clone())]);
        let src = map(&[("a", map(&[("x", Value::Int(2)), ("y", Value::Int(2))]))]);
        merged(dst, src, false);
        let inner = inner.as_map().unwrap().clone();
        assert_eq!((int(&inner, "x"), int(&inner, "y")), (Some(1), Some(2)));
    }

    #[test]
    fn overwrite_takes_every_source_value() {
        let m = merged(
            map(&[("a", Value::Int(1))]),
            map(&[("a", Value::Nil)]),
            true,
        );
        assert!(m.get("a").unwrap().is_nil());
        let m = merged(
            map(&[("a", Value::Bool(true))]),
            map(&[("a", Value::Bool(false))]),
            true,
        );
        assert!(!m.get("a").unwrap().truthy());
        let m = merged(
            map(&[("a", map(&[("x", Value::Int(1)), ("k", Value::Int(0))]))]),
            map(&[("a", map(&[("x", Value::Int(2))]))]),
            true,
        );
        let a = m.get("a").unwrap().as_map().unwrap().clone();
        assert_eq!((int(&a, "x"), int(&a, "k")), (Some(2), Some(0)));
    }

    #[test]
    fn overwrite_replaces_anything_with_a_source_list() {
        let list = Value::list(vec![Value::Int(1)]);
        let m = merged(
            map(&[("a", map(&[("x", Value::Int(1))]))]),
            map(&[("a", list)]),
            true,
        );
        assert!(m.get("a").unwrap().as_list().is_some());
    }

    #[test]
    fn self_referencing_maps_do_not_recurse_forever() {
        let a = Map::new();
        a.insert("self", Value::Map(a.clone()));
        let b = Map::new();
        b.insert("self", Value::Map(b.clone()));
        assert!(merge_all(&[Value::Map(a), Value::Map(b)], false).is_err());
    }
}
