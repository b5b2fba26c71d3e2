//! Sprig's dictionary functions over `map[string]interface {}`. `set`, `unset`, `merge`
//! and `mergeOverwrite` change their first argument in place, as Go maps do; the
//! others build new maps or lists.

mod merge;

use super::misc::str_arg;
use super::{CallContext, FuncError, FuncResult, ParamType, Registry};
use crate::value::{ListKind, Map, MapKind, Value};

use ParamType::{Any, Map as MapParam, String};

pub fn register(r: &mut Registry) {
    r.add("dict", &[], Some(Any), dict);
    r.add("get", &[MapParam, String], None, get);
    r.add("set", &[MapParam, String, Any], None, set);
    r.add("unset", &[MapParam, String], None, unset);
    r.add("hasKey", &[MapParam, String], None, |_, a| {
        Ok(Value::Bool(map_arg(&a[0]).contains_key(str_arg(&a[1]))))
    });
    r.add("pluck", &[String], Some(MapParam), pluck);
    r.add("keys", &[], Some(MapParam), keys);
    r.add("values", &[MapParam], None, values);
    r.add("pick", &[MapParam], Some(String), pick);
    r.add("omit", &[MapParam], Some(String), omit);
    r.add("merge", &[MapParam], Some(MapParam), |_, a| {
        merge::merge_all(a, false)
    });
    r.add("mustMerge", &[MapParam], Some(MapParam), |_, a| {
        merge::merge_all(a, false)
    });
    r.add("mergeOverwrite", &[MapParam], Some(MapParam), |_, a| {
        merge::merge_all(a, true)
    });
    r.add("mustMergeOverwrite", &[MapParam], Some(MapParam), |_, a| {
        merge::merge_all(a, true)
    });
    r.add("deepCopy", &[Any], None, deep_copy);
    r.add("mustDeepCopy", &[Any], None, deep_copy);
    r.add("dig", &[], Some(Any), dig);
}

/// A `map[string]interface {}` argument. A `common.Values` passed here is the same map
/// seen as the parameter's type, which is what `set`/`merge` hand back.
fn map_arg(v: &Value) -> Map {
    match v {
        Value::Map(m) if m.kind() == MapKind::Values => m.retyped(MapKind::Any),
        Value::Map(m) => m.clone(),
        _ => Map::new(),
    }
}

/// `dict k1 v1 k2 v2 ...`: a trailing key without a value maps to "".
fn dict(_: &CallContext<'_>, args: &[Value]) -> FuncResult {
    let out = Map::new();
    for pair in args.chunks(2) {
        let value = pair.get(1).cloned().unwrap_or_else(|| Value::str(""));
        // Keys go through Sprig's `strval` (`1`, `2.5`, `true`, `<nil>`).
        out.insert(crate::funcs::strings::strval(&pair[0]), value);
    }
    Ok(Value::Map(out))
}

/// A missing key gives "" (a string), not nil.
fn get(_: &CallContext<'_>, args: &[Value]) -> FuncResult {
    Ok(map_arg(&args[0])
        .get(str_arg(&args[1]))
        .unwrap_or_else(|| Value::str("")))
}

fn set(_: &CallContext<'_>, args: &[Value]) -> FuncResult {
    // A literal `nil` converts to a nil Go map, which cannot be written.
    if args[0].is_nil() {
        return Err(FuncError::new("assignment to entry in nil map"));
    }
    let m = map_arg(&args[0]);
    m.insert(str_arg(&args[1]), args[2].clone());
    Ok(Value::Map(m))
}

fn unset(_: &CallContext<'_>, args: &[Value]) -> FuncResult {
    let m = map_arg(&args[0]);
    m.remove(str_arg(&args[1]));
    Ok(Value::Map(m))
}

fn pluck(_: &CallContext<'_>, args: &[Value]) -> FuncResult {
    let key = str_arg(&args[0]);
    let found = args[1..]
        .iter()
        .filter_map(|d| map_arg(d).get(key))
        .collect();
    Ok(Value::list(found))
}

/// Go's map order is random, so Sprig's `keys` is unordered; sorted order is one of
/// the orders Helm can produce, and the stable one.
fn keys(_: &CallContext<'_>, args: &[Value]) -> FuncResult {
    let mut out = Vec::new();
    for d in args {
        out.extend(map_arg(d).keys().into_iter().map(Value::string));
    }
    Ok(Value::typed_list(ListKind::String, out))
}

fn values(_: &CallContext<'_>, args: &[Value]) -> FuncResult {
    let m = map_arg(&args[0]);
    let out = m.borrow().values().cloned().collect();
    Ok(Value::list(out))
}

fn pick(_: &CallContext<'_>, args: &[Value]) -> FuncResult {
    let src = map_arg(&args[0]);
    let out = Map::new();
    for key in args[1..].iter().map(str_arg) {
        if let Some(v) = src.get(key) {
            out.insert(key, v);
        }
    }
    Ok(Value::Map(out))
}

fn omit(_: &CallContext<'_>, args: &[Value]) -> FuncResult {
    let omitted: Vec<&str> = args[1..].iter().map(str_arg).collect();
    let out = Map::new();
    for (k, v) in map_arg(&args[0]).entries() {
        if !omitted.contains(&k.as_str()) {
            out.insert(k, v);
        }
    }
    Ok(Value::Map(out))
}

/// copystructure's deep copy; it cannot copy an untyped nil.
fn deep_copy(_: &CallContext<'_>, args: &[Value]) -> FuncResult {
    if args[0].is_nil() {
        return Err(FuncError::new(
            "reflect: call of reflect.Value.Type on zero Value",
        ));
    }
    Ok(args[0].deep_copy())
}

/// Go's message for a failed type assertion `v.(T)`.
fn conversion_error(v: &Value, want: &str) -> FuncError {
    let have = if v.is_nil() { "nil" } else { v.go_type() };
    FuncError::new(format!(
        "interface conversion: interface {{}} is {have}, not {want}"
    ))
}

/// The value as exactly `map[string]interface {}` (not `common.Values`), as Sprig's
/// type assertions require.
fn plain_map(v: &Value) -> Result<&Map, FuncError> {
    match v {
        Value::Map(m) if m.kind() == MapKind::Any => Ok(m),
        other => Err(conversion_error(other, "map[string]interface {}")),
    }
}

/// `dig k1 k2 ... default dict`: walks nested maps; the default when a key is missing.
fn dig(_: &CallContext<'_>, args: &[Value]) -> FuncResult {
    if args.len() < 3 {
        return Err(FuncError::new("dig needs at least three arguments"));
    }
    let (keys, tail) = args.split_at(args.len() - 2);
    let mut current = plain_map(&tail[1])?.clone();
    let default = &tail[0];
    let keys: Vec<&str> = keys
        .iter()
        .map(|k| k.as_str().ok_or_else(|| conversion_error(k, "string")))
        .collect::<Result<_, _>>()?;
    for (i, key) in keys.iter().enumerate() {
        let Some(step) = current.get(key) else {
            return Ok(default.clone());
        };
        if i == keys.len() - 1 {
            return Ok(step);
        }
        current = plain_map(&step)?.clone();
    }
    Ok(default.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::env::FixedEnvironment;

    pub(super) fn call(
        f: fn(&CallContext<'_>, &[Value]) -> FuncResult,
        args: &[Value],
    ) -> FuncResult {
        let env = FixedEnvironment::new(0, 7);
        let ctx = CallContext { env: &env };
        f(&ctx, args)
    }

    fn s(x: &str) -> Value {
        Value::str(x)
    }

    #[test]
    fn dict_set_and_get() {
        let d = call(dict, &[s("a"), Value::Int(1), s("b")]).unwrap();
        let m = d.as_map().unwrap().clone();
        assert_eq!(m.keys(), ["a", "b"]);
        assert_eq!(m.get("b").unwrap().as_str(), Some(""));
        call(set, &[d.clone(), s("c"), Value::Int(3)]).unwrap();
        assert!(m.contains_key("c"));
        call(unset, &[d.clone(), s("a")]).unwrap();
        assert!(!m.contains_key("a"));
        assert_eq!(call(get, &[d, s("zz")]).unwrap().as_str(), Some(""));
        assert!(call(set, &[Value::Nil, s("k"), Value::Int(1)]).is_err());
        let values = Map::with_kind(MapKind::Values);
        let r = call(set, &[Value::Map(values.clone()), s("k"), Value::Int(1)]).unwrap();
        assert_eq!(r.go_type(), "map[string]interface {}");
        assert!(values.contains_key("k"));
    }

    #[test]
    fn dig_follows_plain_maps_only() {
        let inner = call(dict, &[s("inner"), s("found")]).unwrap();
        let outer = call(dict, &[s("outer"), inner]).unwrap();
        let r = call(dig, &[s("outer"), s("inner"), s("def"), outer.clone()]).unwrap();
        assert_eq!(r.as_str(), Some("found"));
        let r = call(dig, &[s("nope"), s("x"), s("def"), outer.clone()]).unwrap();
        assert_eq!(r.as_str(), Some("def"));
        let flat = call(dict, &[s("outer"), s("flat")]).unwrap();
        assert_eq!(
            call(dig, &[s("outer"), s("inner"), s("def"), flat])
                .unwrap_err()
                .0,
            "interface conversion: interface {} is string, not map[string]interface {}"
        );
        assert_eq!(
            call(dig, &[s("a"), s("def"), Value::Nil]).unwrap_err().0,
            "interface conversion: interface {} is nil, not map[string]interface {}"
        );
        let values = Value::Map(Map::with_kind(MapKind::Values));
        assert!(call(dig, &[s("a"), s("def"), values]).is_err());
        assert!(call(dig, &[s("def"), outer]).is_err());
    }

    #[test]
    fn keys_pick_omit() {
        let d = call(dict, &[s("b"), Value::Int(1), s("a"), Value::Int(2)]).unwrap();
        let k = call(keys, &[d.clone(), d.clone()]).unwrap();
        assert_eq!(k.go_type(), "[]string");
        assert_eq!(k.as_list().unwrap().len(), 4);
        let p = call(pick, &[d.clone(), s("a"), s("zz")]).unwrap();
        assert_eq!(p.as_map().unwrap().keys(), ["a"]);
        let o = call(omit, &[d, s("a")]).unwrap();
        assert_eq!(o.as_map().unwrap().keys(), ["b"]);
        assert!(call(deep_copy, &[Value::Nil]).is_err());
    }
}
