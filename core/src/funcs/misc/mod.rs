//! Sprig's defaults, reflection and miscellany: `default`, `empty`, `coalesce`,
//! `ternary`, `all`/`any`, `typeOf`/`kindOf` and their `Is` forms, `deepEqual`, URLs,
//! slash paths, and Helm's offline `getHostByName`.

mod path;
mod url;

use super::{CallContext, FuncResult, ParamType, Registry};
use crate::value::Value;

use ParamType::{Any, Bool, String};

pub fn register(r: &mut Registry) {
    r.add("default", &[Any], Some(Any), default);
    r.add("empty", &[Any], None, |_, a| {
        Ok(Value::Bool(is_empty(&a[0])))
    });
    r.add("coalesce", &[], Some(Any), coalesce);
    r.add("all", &[], Some(Any), |_, a| {
        Ok(Value::Bool(a.iter().all(|v| !is_empty(v))))
    });
    r.add("any", &[], Some(Any), |_, a| {
        Ok(Value::Bool(a.iter().any(|v| !is_empty(v))))
    });
    r.add("ternary", &[Any, Any, Bool], None, ternary);
    r.add("typeOf", &[Any], None, |_, a| {
        Ok(Value::str(a[0].go_type()))
    });
    r.add("kindOf", &[Any], None, |_, a| {
        Ok(Value::str(a[0].go_kind()))
    });
    r.add("typeIs", &[String, Any], None, |_, a| {
        Ok(Value::Bool(str_arg(&a[0]) == a[1].go_type()))
    });
    r.add("kindIs", &[String, Any], None, |_, a| {
        Ok(Value::Bool(str_arg(&a[0]) == a[1].go_kind()))
    });
    r.add("typeIsLike", &[String, Any], None, type_is_like);
    r.add("deepEqual", &[Any, Any], None, |_, a| {
        Ok(Value::Bool(deep_equal(&a[0], &a[1])))
    });
    // Helm replaces Sprig's DNS lookup with an empty answer unless DNS is enabled,
    // which a pure core never does.
    r.add("getHostByName", &[String], None, |_, _| Ok(Value::str("")));
    url::register(r);
    path::register(r);
}

/// A `string` argument (the engine has converted it already).
pub(crate) fn str_arg(v: &Value) -> &str {
    v.as_str().unwrap_or_default()
}

/// Sprig's `empty`: the zero value of its type — nil, false, 0, 0.0, and empty strings,
/// lists and maps, including named map and slice types (`.Files` without files).
/// Structs and pointers (times, versions) are never empty.
pub(crate) fn is_empty(v: &Value) -> bool {
    match v {
        Value::Object(o) => o.as_value().is_some_and(|inner| is_empty(&inner)),
        other => !other.truthy(),
    }
}

/// `reflect.DeepEqual` on template values: Go types must match exactly (int ≠ int64 ≠
/// float64, `[]string` ≠ `[]interface {}`), lists and maps compare element by element.
pub(crate) fn deep_equal(a: &Value, b: &Value) -> bool {
    deep_equal_at(a, b, 0)
}

/// Deeper than any real chart data; guards against self-referencing maps.
const MAX_DEPTH: usize = 1000;

fn deep_equal_at(a: &Value, b: &Value, depth: usize) -> bool {
    if depth > MAX_DEPTH {
        return false;
    }
    match (a, b) {
        (Value::Nil, Value::Nil) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Int(x), Value::Int(y)) | (Value::Int64(x), Value::Int64(y)) => x == y,
        (Value::Uint(x), Value::Uint(y)) => x == y,
        (Value::Float(x), Value::Float(y)) => x == y,
        (Value::String(x), Value::String(y)) => x == y,
        (Value::Bytes(x), Value::Bytes(y)) => x == y,
        (Value::List(x), Value::List(y)) => {
            x.kind == y.kind
                && x.nil == y.nil
                && x.items.len() == y.items.len()
                && x.items
                    .iter()
                    .zip(&y.items)
                    .all(|(p, q)| deep_equal_at(p, q, depth + 1))
        }
        (Value::Map(x), Value::Map(y)) => {
            if x.kind() != y.kind() {
                return false;
            }
            if x.ptr_eq(y) {
                return true;
            }
            let (xs, ys) = (x.entries(), y.entries());
            xs.len() == ys.len()
                && xs
                    .iter()
                    .zip(&ys)
                    .all(|((kx, vx), (ky, vy))| kx == ky && deep_equal_at(vx, vy, depth + 1))
        }
        (Value::Object(x), Value::Object(y)) => {
            if x.type_name() != y.type_name() {
                return false;
            }
            match (x.as_value(), y.as_value()) {
                (Some(p), Some(q)) => deep_equal_at(&p, &q, depth + 1),
                _ => x.format_v() == y.format_v(),
            }
        }
        _ => false,
    }
}

/// `dfault`: the given value unless it is missing or empty.
fn default(_: &CallContext<'_>, args: &[Value]) -> FuncResult {
    match args.get(1) {
        Some(given) if !is_empty(given) => Ok(given.clone()),
        _ => Ok(args[0].clone()),
    }
}

fn coalesce(_: &CallContext<'_>, args: &[Value]) -> FuncResult {
    Ok(args
        .iter()
        .find(|v| !is_empty(v))
        .cloned()
        .unwrap_or(Value::Nil))
}

fn ternary(_: &CallContext<'_>, args: &[Value]) -> FuncResult {
    let cond = matches!(args[2], Value::Bool(true));
    Ok(if cond {
        args[0].clone()
    } else {
        args[1].clone()
    })
}

/// The type name matches with or without a leading `*`.
fn type_is_like(_: &CallContext<'_>, args: &[Value]) -> FuncResult {
    let target = str_arg(&args[0]);
    let actual = args[1].go_type();
    let like = actual == target || actual.strip_prefix('*') == Some(target);
    Ok(Value::Bool(like))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::env::FixedEnvironment;
    use crate::value::{ListKind, Map};

    pub(crate) fn call(
        f: fn(&CallContext<'_>, &[Value]) -> FuncResult,
        args: &[Value],
    ) -> FuncResult {
        let env = FixedEnvironment::new(0, 7);
        let ctx = CallContext { env: &env };
        f(&ctx, args)
    }

    #[test]
    fn emptiness_is_the_zero_value() {
        for v in [
            Value::Nil,
            Value::Bool(false),
            Value::Int(0),
            Value::Int64(0),
            Value::Float(0.0),
            Value::str(""),
            Value::list(vec![]),
            Value::empty_map(),
        ] {
            assert!(is_empty(&v), "{v:?}");
        }
        for v in [
            Value::str("0"),
            Value::str(" "),
            Value::list(vec![Value::Int(0)]),
        ] {
            assert!(!is_empty(&v), "{v:?}");
        }
    }

    #[test]
    fn default_and_coalesce() {
        let d = Value::str("D");
        let r = call(default, std::slice::from_ref(&d)).unwrap();
        assert_eq!(r.as_str(), Some("D"));
        let r = call(default, &[d.clone(), Value::Int(0)]).unwrap();
        assert_eq!(r.as_str(), Some("D"));
        let r = call(default, &[d, Value::str("b"), Value::str("c")]).unwrap();
        assert_eq!(r.as_str(), Some("b"));
        let r = call(coalesce, &[Value::Int(0), Value::Nil]).unwrap();
        assert!(r.is_nil());
    }

    #[test]
    fn deep_equal_needs_identical_types() {
        assert!(!deep_equal(&Value::Int(1), &Value::Float(1.0)));
        assert!(!deep_equal(&Value::Int(1), &Value::Int64(1)));
        assert!(deep_equal(
            &Value::list(vec![Value::Int(1)]),
            &Value::list(vec![Value::Int(1)])
        ));
        assert!(!deep_equal(
            &Value::typed_list(ListKind::String, vec![Value::str("a")]),
            &Value::list(vec![Value::str("a")])
        ));
        let m = Map::new();
        m.insert("a", Value::Int(1));
        let n = Map::new();
        n.insert("a", Value::Int(1));
        assert!(deep_equal(&Value::Map(m), &Value::Map(n)));
        assert!(!deep_equal(
            &Value::Float(f64::NAN),
            &Value::Float(f64::NAN)
        ));
    }
}
