//! Sprig's list functions. Every result is a new slice (`[]interface {}` unless noted);
//! inputs may be any slice type (`[]string` from `splitList`, `[]int` from `until`).
//!
//! Sprig's plain forms panic where the `must` forms return errors; Go's template engine
//! turns both into the same call error, so each pair shares one implementation.

use std::borrow::Cow;

use super::math::cast::to_int64;
use super::misc::{deep_equal, is_empty};
use super::{CallContext, FuncError, FuncResult, ParamType, Registry};
use crate::value::{ListKind, Value};

use ParamType::{Any, Int};

pub fn register(r: &mut Registry) {
    r.add("list", &[], Some(Any), |_, a| Ok(Value::list(a.to_vec())));
    r.add("tuple", &[], Some(Any), |_, a| Ok(Value::list(a.to_vec())));
    for name in ["append", "push", "mustAppend", "mustPush"] {
        r.add(name, &[Any, Any], None, push);
    }
    for name in ["prepend", "mustPrepend"] {
        r.add(name, &[Any, Any], None, prepend);
    }
    for name in ["first", "mustFirst"] {
        r.add(name, &[Any], None, first);
    }
    for name in ["last", "mustLast"] {
        r.add(name, &[Any], None, last);
    }
    for name in ["rest", "mustRest"] {
        r.add(name, &[Any], None, rest);
    }
    for name in ["initial", "mustInitial"] {
        r.add(name, &[Any], None, initial);
    }
    for name in ["reverse", "mustReverse"] {
        r.add(name, &[Any], None, reverse);
    }
    for name in ["compact", "mustCompact"] {
        r.add(name, &[Any], None, compact);
    }
    for name in ["uniq", "mustUniq"] {
        r.add(name, &[Any], None, uniq);
    }
    for name in ["without", "mustWithout"] {
        r.add(name, &[Any], Some(Any), without);
    }
    for name in ["has", "mustHas"] {
        r.add(name, &[Any, Any], None, has);
    }
    for name in ["slice", "mustSlice"] {
        r.add(name, &[Any], Some(Any), slice);
    }
    for name in ["chunk", "mustChunk"] {
        r.add(name, &[Int, Any], None, chunk);
    }
    r.add("concat", &[], Some(Any), concat);
    r.add("until", &[Int], None, until);
    r.add("untilStep", &[Int, Int, Int], None, until_step);
    r.add("seq", &[], Some(Int), seq);
}

/// What Go's runtime says when Sprig calls `reflect.TypeOf(nil).Kind()`.
pub(crate) const NIL_DEREFERENCE: &str =
    "runtime error: invalid memory address or nil pointer dereference";

/// The elements of a slice argument, or the error Sprig reports for anything else
/// (`Cannot find first on type string`, built by `msg` from the Go kind).
fn elements<'a>(v: &'a Value, msg: impl Fn(&str) -> String) -> Result<Cow<'a, [Value]>, FuncError> {
    match v {
        Value::List(l) => Ok(Cow::Borrowed(&l.items)),
        Value::Bytes(b) => Ok(Cow::Owned(
            b.iter().map(|x| Value::Uint(u64::from(*x))).collect(),
        )),
        Value::Nil => Err(FuncError::new(NIL_DEREFERENCE)),
        // Named slice types (`common.VersionSet`) are slices to reflection.
        Value::Object(o) => match o.as_value() {
            Some(Value::List(l)) => Ok(Cow::Owned(l.items.clone())),
            _ => Err(FuncError::new(msg(o.kind()))),
        },
        other => Err(FuncError::new(msg(other.go_kind()))),
    }
}

fn push(_: &CallContext<'_>, args: &[Value]) -> FuncResult {
    let items = elements(&args[0], |k| format!("Cannot push on type {k}"))?;
    let mut out = Vec::with_capacity(items.len() + 1);
    out.extend_from_slice(&items);
    out.push(args[1].clone());
    Ok(Value::list(out))
}

fn prepend(_: &CallContext<'_>, args: &[Value]) -> FuncResult {
    let items = elements(&args[0], |k| format!("Cannot prepend on type {k}"))?;
    let mut out = Vec::with_capacity(items.len() + 1);
    out.push(args[1].clone());
    out.extend_from_slice(&items);
    Ok(Value::list(out))
}

fn first(_: &CallContext<'_>, args: &[Value]) -> FuncResult {
    let items = elements(&args[0], |k| format!("Cannot find first on type {k}"))?;
    Ok(items.first().cloned().unwrap_or(Value::Nil))
}

fn last(_: &CallContext<'_>, args: &[Value]) -> FuncResult {
    let items = elements(&args[0], |k| format!("Cannot find last on type {k}"))?;
    Ok(items.last().cloned().unwrap_or(Value::Nil))
}

fn rest(_: &CallContext<'_>, args: &[Value]) -> FuncResult {
    let items = elements(&args[0], |k| format!("Cannot find rest on type {k}"))?;
    if items.is_empty() {
        return Ok(Value::nil_list(ListKind::Any));
    }
    Ok(Value::list(items.get(1..).unwrap_or_default().to_vec()))
}

fn initial(_: &CallContext<'_>, args: &[Value]) -> FuncResult {
    let items = elements(&args[0], |k| format!("Cannot find initial on type {k}"))?;
    if items.is_empty() {
        return Ok(Value::nil_list(ListKind::Any));
    }
    let end = items.len().saturating_sub(1);
    Ok(Value::list(items[..end].to_vec()))
}

fn reverse(_: &CallContext<'_>, args: &[Value]) -> FuncResult {
    let items = elements(&args[0], |k| format!("Cannot find reverse on type {k}"))?;
    Ok(Value::list(items.iter().rev().cloned().collect()))
}

fn compact(_: &CallContext<'_>, args: &[Value]) -> FuncResult {
    let items = elements(&args[0], |k| format!("Cannot compact on type {k}"))?;
    Ok(Value::list(
        items.iter().filter(|v| !is_empty(v)).cloned().collect(),
    ))
}

fn uniq(_: &CallContext<'_>, args: &[Value]) -> FuncResult {
    let items = elements(&args[0], |k| format!("Cannot find uniq on type {k}"))?;
    let mut out: Vec<Value> = Vec::new();
    for item in items.iter() {
        if !out.iter().any(|seen| deep_equal(item, seen)) {
            out.push(item.clone());
        }
    }
    Ok(Value::list(out))
}

fn without(_: &CallContext<'_>, args: &[Value]) -> FuncResult {
    let items = elements(&args[0], |k| format!("Cannot find without on type {k}"))?;
    let omit = &args[1..];
    Ok(Value::list(
        items
            .iter()
            .filter(|item| !omit.iter().any(|o| deep_equal(item, o)))
            .cloned()
            .collect(),
    ))
}

fn has(_: &CallContext<'_>, args: &[Value]) -> FuncResult {
    if args[1].is_nil() {
        return Ok(Value::Bool(false));
    }
    let items = elements(&args[1], |k| format!("Cannot find has on type {k}"))?;
    Ok(Value::Bool(
        items.iter().any(|item| deep_equal(&args[0], item)),
    ))
}

/// `slice list [start [end]]`: a sub-slice of the same Go type; an empty input gives nil.
fn slice(_: &CallContext<'_>, args: &[Value]) -> FuncResult {
    let kind = match &args[0] {
        Value::List(l) => l.kind,
        _ => ListKind::Any,
    };
    let items = elements(&args[0], |k| {
        format!("list should be type of slice or array but {k}")
    })?;
    if items.is_empty() {
        return Ok(Value::Nil);
    }
    let len = items.len() as i64;
    let start = args.get(1).map_or(0, to_int64);
    let end = args.get(2).map_or(len, to_int64);
    if start < 0 || end < start || end > len {
        return Err(FuncError::new(
            "reflect.Value.Slice: slice index out of bounds",
        ));
    }
    let (start, end) = (start as usize, end as usize);
    Ok(Value::typed_list(kind, items[start..end].to_vec()))
}

/// `chunk size list`: consecutive groups of `size`, the last one shorter. The group
/// count follows Sprig's float arithmetic, so sizes ≤ 0 mostly end in Go's
/// `makeslice` panic rather than an explicit error.
fn chunk(_: &CallContext<'_>, args: &[Value]) -> FuncResult {
    let size = to_int64(&args[0]);
    let items = elements(&args[1], |k| format!("Cannot chunk type {k}"))?;
    let len = items.len() as i64;
    let makeslice = || FuncError::new("runtime error: makeslice: len out of range");
    let groups =
        super::math::cast::go_f64_to_i64(((len - 1) as f64 / size as f64).floor()).wrapping_add(1);
    if groups < 0 {
        return Err(makeslice());
    }
    let mut out = Vec::new();
    for i in 0..groups {
        let mut group_len = size;
        if i == groups - 1 {
            let tail = super::math::cast::go_f64_to_i64((len as f64 % size as f64).floor());
            if tail != 0 {
                group_len = tail;
            }
        }
        if group_len < 0 {
            return Err(makeslice());
        }
        let mut group = Vec::new();
        for j in 0..group_len {
            let index = i.wrapping_mul(size).wrapping_add(j);
            let item = usize::try_from(index).ok().and_then(|ix| items.get(ix));
            match item {
                Some(v) => group.push(v.clone()),
                None => {
                    return Err(FuncError::new(format!(
                        "runtime error: index out of range [{index}] with length {len}"
                    )));
                }
            }
        }
        out.push(Value::list(group));
    }
    Ok(Value::typed_list(ListKind::AnyList, out))
}

fn concat(_: &CallContext<'_>, args: &[Value]) -> FuncResult {
    let mut out = Vec::new();
    for arg in args {
        let items = elements(arg, |k| format!("Cannot concat type {k} as list"))?;
        out.extend_from_slice(&items);
    }
    if out.is_empty() {
        // Go appends to a nil slice: nothing appended, still nil.
        return Ok(Value::nil_list(ListKind::Any));
    }
    Ok(Value::list(out))
}

fn int_arg(v: &Value) -> i64 {
    match v {
        Value::Int(i) | Value::Int64(i) => *i,
        other => to_int64(other),
    }
}

fn until(_: &CallContext<'_>, args: &[Value]) -> FuncResult {
    let count = int_arg(&args[0]);
    let step = if count < 0 { -1 } else { 1 };
    Ok(int_list(&steps(0, count, step)?))
}

fn until_step(_: &CallContext<'_>, args: &[Value]) -> FuncResult {
    let (start, stop, step) = (int_arg(&args[0]), int_arg(&args[1]), int_arg(&args[2]));
    Ok(int_list(&steps(start, stop, step)?))
}

fn int_list(values: &[i64]) -> Value {
    Value::typed_list(
        ListKind::Int,
        values.iter().map(|i| Value::Int(*i)).collect(),
    )
}

/// The longest range `until`, `untilStep` and `seq` build. Go would try any length and
/// run out of memory; a pure core must not, and no chart needs millions of numbers.
const MAX_RANGE: i128 = 1 << 22;

/// Sprig's `untilStep`: from `start` towards `stop` (exclusive) by `step`; empty when
/// the step is zero or points the wrong way.
fn steps(start: i64, stop: i64, step: i64) -> Result<Vec<i64>, FuncError> {
    let ascending = stop >= start;
    if (ascending && step <= 0) || (!ascending && step >= 0) {
        return Ok(Vec::new());
    }
    let span = (i128::from(stop) - i128::from(start)).abs();
    let stride = i128::from(step).abs();
    let count = (span + stride - 1) / stride;
    if count > MAX_RANGE {
        return Err(FuncError::new(format!(
            "range of {count} numbers is longer than the supported {MAX_RANGE}"
        )));
    }
    let out = (0..count)
        .map(|k| (i128::from(start) + k * i128::from(step)) as i64)
        .collect();
    Ok(out)
}

/// `seq` like the Unix tool, returned as a space-separated *string*:
/// `seq last`, `seq first last`, `seq first step last`.
fn seq(_: &CallContext<'_>, args: &[Value]) -> FuncResult {
    let p: Vec<i64> = args.iter().map(int_arg).collect();
    let numbers = match p.as_slice() {
        [end] => {
            let inc = if *end < 1 { -1 } else { 1 };
            steps(1, end.wrapping_add(inc), inc)?
        }
        [start, end] => {
            let inc = if end < start { -1 } else { 1 };
            steps(*start, end.wrapping_add(inc), inc)?
        }
        [start, step, end] => {
            let mut inc = 1;
            if end < start {
                inc = -1;
                if *step > 0 {
                    return Ok(Value::str(""));
                }
            }
            steps(*start, end.wrapping_add(inc), *step)?
        }
        _ => Vec::new(),
    };
    let text: Vec<String> = numbers.iter().map(i64::to_string).collect();
    Ok(Value::string(text.join(" ")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::env::FixedEnvironment;

    fn call(f: fn(&CallContext<'_>, &[Value]) -> FuncResult, args: &[Value]) -> FuncResult {
        let env = FixedEnvironment::new(0, 7);
        let ctx = CallContext { env: &env };
        f(&ctx, args)
    }

    #[test]
    fn empty_results_are_go_nil_slices() {
        // `rest`/`initial` of an empty list and `concat` of nothing are nil in Go: they
        // marshal to `null`; one element left over is an empty, non-nil slice.
        let json = |v: &Value| crate::yaml::to_json(v).unwrap();
        assert_eq!(json(&call(rest, &[ints(&[])]).unwrap()), "null");
        assert_eq!(json(&call(initial, &[ints(&[])]).unwrap()), "null");
        assert_eq!(json(&call(concat, &[ints(&[])]).unwrap()), "null");
        assert_eq!(json(&call(rest, &[ints(&[1])]).unwrap()), "[]");
    }

    fn ints(v: &[i64]) -> Value {
        Value::list(v.iter().map(|i| Value::Int(*i)).collect())
    }

    fn as_ints(v: &Value) -> Vec<i64> {
        v.as_list()
            .unwrap()
            .iter()
            .map(|x| match x {
                Value::Int(i) => *i,
                other => panic!("{other:?}"),
            })
            .collect()
    }

    fn err(f: fn(&CallContext<'_>, &[Value]) -> FuncResult, args: &[Value]) -> String {
        call(f, args).unwrap_err().0
    }

    #[test]
    fn non_lists_are_errors() {
        assert_eq!(
            err(first, &[Value::str("abc")]),
            "Cannot find first on type string"
        );
        assert_eq!(err(last, &[Value::Int(5)]), "Cannot find last on type int");
        assert_eq!(
            err(push, &[Value::str("abc"), Value::str("d")]),
            "Cannot push on type string"
        );
        assert_eq!(err(first, &[Value::Nil]), NIL_DEREFERENCE);
        assert_eq!(
            err(concat, &[ints(&[1]), Value::str("x")]),
            "Cannot concat type string as list"
        );
        assert!(!call(has, &[Value::Int(1), Value::Nil]).unwrap().truthy());
    }

    /// A named slice type, like `common.VersionSet`.
    struct Names(Vec<&'static str>);

    impl crate::value::Object for Names {
        fn type_name(&self) -> &str {
            "common.VersionSet"
        }
        fn kind(&self) -> &str {
            "slice"
        }
        fn format_v(&self) -> String {
            format!("{:?}", self.0)
        }
        fn as_value(&self) -> Option<Value> {
            let items = self.0.iter().map(|s| Value::str(s)).collect();
            Some(Value::typed_list(ListKind::String, items))
        }
        fn as_any(&self) -> &dyn std::any::Any {
            self
        }
    }

    #[test]
    fn named_slice_types_are_lists() {
        let names = Value::Object(std::rc::Rc::new(Names(vec!["apps/v1", "v1"])));
        let found = call(has, &[Value::str("v1"), names.clone()]).unwrap();
        assert!(found.truthy());
        assert!(!crate::funcs::misc::is_empty(&names));
        let empty = Value::Object(std::rc::Rc::new(Names(vec![])));
        assert!(crate::funcs::misc::is_empty(&empty));
    }

    #[test]
    fn list_reshaping() {
        let l = ints(&[1, 2, 3, 2, 1]);
        assert_eq!(
            as_ints(&call(without, &[l.clone(), Value::Int(2)]).unwrap()),
            [1, 3, 1]
        );
        assert_eq!(
            as_ints(&call(uniq, std::slice::from_ref(&l)).unwrap()),
            [1, 2, 3]
        );
        assert_eq!(as_ints(&call(rest, &[ints(&[])]).unwrap()), [] as [i64; 0]);
        assert_eq!(
            as_ints(&call(slice, &[l.clone(), Value::Int(1), Value::Int(3)]).unwrap()),
            [2, 3]
        );
        assert_eq!(
            err(slice, &[l, Value::Int(1), Value::Int(10)]),
            "reflect.Value.Slice: slice index out of bounds"
        );
        assert!(call(slice, &[ints(&[])]).unwrap().is_nil());
    }

    #[test]
    fn chunking() {
        let r = call(chunk, &[Value::Int(2), ints(&[1, 2, 3, 4, 5])]).unwrap();
        assert_eq!(r.go_type(), "[][]interface {}");
        let groups: Vec<Vec<i64>> = r.as_list().unwrap().iter().map(as_ints).collect();
        assert_eq!(groups, vec![vec![1, 2], vec![3, 4], vec![5]]);
        let r = call(chunk, &[Value::Int(2), ints(&[])]).unwrap();
        assert!(r.as_list().unwrap().is_empty());
        assert_eq!(
            err(chunk, &[Value::Int(0), ints(&[1, 2])]),
            "runtime error: makeslice: len out of range"
        );
        let r = call(chunk, &[Value::Int(-2), ints(&[1])]).unwrap();
        assert_eq!(r.as_list().unwrap().len(), 1);
    }

    #[test]
    fn ranges_and_seq() {
        let st = |a, b, c| steps(a, b, c).unwrap();
        assert_eq!(st(0, 10, 3), [0, 3, 6, 9]);
        assert_eq!(st(10, 0, -3), [10, 7, 4, 1]);
        assert!(st(0, 10, 0).is_empty());
        assert!(st(0, 10, -1).is_empty());
        assert!(st(3, 3, 1).is_empty());
        assert_eq!(st(i64::MAX - 1, i64::MAX, 5), [i64::MAX - 1]);
        assert_eq!(st(i64::MIN + 1, i64::MIN, -5), [i64::MIN + 1]);
        assert!(steps(0, i64::MAX, 1).is_err());
        let s = |args: &[i64]| {
            let vals: Vec<Value> = args.iter().map(|i| Value::Int(*i)).collect();
            call(seq, &vals).unwrap().as_str().unwrap().to_string()
        };
        assert_eq!(s(&[5]), "1 2 3 4 5");
        assert_eq!(s(&[0]), "1 0");
        assert_eq!(s(&[-3]), "1 0 -1 -2 -3");
        assert_eq!(s(&[5, 2]), "5 4 3 2");
        assert_eq!(s(&[0, 2, 10]), "0 2 4 6 8 10");
        assert_eq!(s(&[10, -3, 0]), "10 7 4 1");
        assert_eq!(s(&[1, 0, 5]), "");
        assert_eq!(s(&[1, -1, 5]), "");
        assert_eq!(s(&[]), "");
        assert_eq!(s(&[1, 2, 3, 4]), "");
    }
}
