//! Go's builtin template functions (`and`, `or`, `not`, `len`, `index`, `slice`, the
//! comparisons, `html`, `js`, `urlquery`, `print*`, `call`) with Go's exact errors.

use std::rc::Rc;

use super::exec::{ArgType, RV, State, truth, underlying};
use super::node::Expr;
use crate::funcs::ParamType;
use crate::value::{ListKind, MapKind, Object, Value};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Builtin {
    And,
    Or,
    Not,
    Len,
    Index,
    Slice,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Html,
    Js,
    Urlquery,
    Print,
    Printf,
    Println,
    Call,
}

impl Builtin {
    pub fn from_name(name: &str) -> Option<Builtin> {
        Some(match name {
            "and" => Builtin::And,
            "or" => Builtin::Or,
            "not" => Builtin::Not,
            "len" => Builtin::Len,
            "index" => Builtin::Index,
            "slice" => Builtin::Slice,
            "eq" => Builtin::Eq,
            "ne" => Builtin::Ne,
            "lt" => Builtin::Lt,
            "le" => Builtin::Le,
            "gt" => Builtin::Gt,
            "ge" => Builtin::Ge,
            "html" => Builtin::Html,
            "js" => Builtin::Js,
            "urlquery" => Builtin::Urlquery,
            "print" => Builtin::Print,
            "printf" => Builtin::Printf,
            "println" => Builtin::Println,
            "call" => Builtin::Call,
            _ => return None,
        })
    }

    /// Go's signatures: fixed parameters and the variadic element type.
    pub fn sig(self) -> (&'static [ArgType], Option<ArgType>) {
        use ArgType::{Param, Reflect};
        match self {
            Builtin::And
            | Builtin::Or
            | Builtin::Index
            | Builtin::Slice
            | Builtin::Eq
            | Builtin::Call => (&[Reflect], Some(Reflect)),
            Builtin::Not | Builtin::Len => (&[Reflect], None),
            Builtin::Ne | Builtin::Lt | Builtin::Le | Builtin::Gt | Builtin::Ge => {
                (&[Reflect, Reflect], None)
            }
            Builtin::Html | Builtin::Js | Builtin::Urlquery | Builtin::Print | Builtin::Println => {
                (&[], Some(Param(ParamType::Any)))
            }
            Builtin::Printf => (&[Param(ParamType::String)], Some(Param(ParamType::Any))),
        }
    }

    /// Runs the builtin on evaluated arguments (`nodes` are the argument nodes, for `call`).
    pub fn call(
        self,
        _st: &mut State<'_, '_, '_>,
        nodes: &[Expr],
        argv: Vec<RV>,
    ) -> Result<RV, String> {
        let plain = |argv: &[RV]| -> Vec<Value> { argv.iter().map(|a| a.v.clone()).collect() };
        match self {
            Builtin::And | Builtin::Or => Ok(argv.into_iter().last().unwrap_or_default()),
            Builtin::Not => Ok(RV::new(Value::Bool(!truth(&argv[0].v)))),
            Builtin::Len => length(&argv[0]).map(|n| RV::new(Value::Int(n as i64))),
            Builtin::Index => index(&argv[0], &argv[1..]),
            Builtin::Slice => slice(&argv[0], &argv[1..]),
            Builtin::Eq => eq(&argv[0], &argv[1..]).map(bool_rv),
            Builtin::Ne => eq(&argv[0], &argv[1..2]).map(|b| bool_rv(!b)),
            Builtin::Lt => lt(&argv[0], &argv[1]).map(bool_rv),
            Builtin::Le => le(&argv[0], &argv[1]).map(bool_rv),
            Builtin::Gt => le(&argv[0], &argv[1]).map(|b| bool_rv(!b)),
            Builtin::Ge => lt(&argv[0], &argv[1]).map(|b| bool_rv(!b)),
            Builtin::Html => Ok(str_rv(html_escape(&eval_args(&argv)))),
            Builtin::Js => Ok(str_rv(js_escape(&eval_args(&argv)))),
            Builtin::Urlquery => Ok(str_rv(query_escape(&eval_args(&argv)))),
            Builtin::Print => Ok(str_rv(crate::gofmt::sprint(&plain(&argv)))),
            Builtin::Println => Ok(str_rv(crate::gofmt::sprintln(&plain(&argv)))),
            Builtin::Printf => {
                let format = argv[0].v.as_str().unwrap_or("").to_string();
                Ok(str_rv(crate::gofmt::sprintf(&format, &plain(&argv[1..]))))
            }
            Builtin::Call => {
                let f = &argv[0];
                if f.v.is_nil() {
                    return Err("call of nil".into());
                }
                let name = nodes.first().map(|n| n.to_string()).unwrap_or_default();
                Err(format!("non-function {name} of type {}", f.v.go_type()))
            }
        }
    }
}

fn bool_rv(b: bool) -> RV {
    RV::new(Value::Bool(b))
}

fn str_rv(s: String) -> RV {
    RV::new(Value::string(s))
}

/// Go's `evalArgs` for `html`/`js`/`urlquery`: one string as is, else `fmt.Sprint` with
/// missing values shown as `<no value>`.
fn eval_args(argv: &[RV]) -> String {
    if let [
        RV {
            v: Value::String(s),
            ..
        },
    ] = argv
    {
        return s.to_string();
    }
    let vals: Vec<Value> = argv
        .iter()
        .map(|a| {
            if a.v.is_nil() {
                Value::str("<no value>")
            } else {
                a.v.clone()
            }
        })
        .collect();
    crate::gofmt::sprint(&vals)
}

fn length(item: &RV) -> Result<usize, String> {
    if let Value::Object(_) = &item.v {
        let under = underlying(&item.v);
        if !matches!(under.as_ref(), Value::Object(_)) {
            return length(&RV::new(under.into_owned()));
        }
    }
    match &item.v {
        Value::Nil if item.iface => Err("len of nil pointer".into()),
        Value::Nil => Err("reflect: call of reflect.Value.Type on zero Value".into()),
        Value::String(s) => Ok(s.len()),
        Value::Bytes(b) => Ok(b.len()),
        Value::List(l) => Ok(l.items.len()),
        Value::Map(m) => Ok(m.len()),
        other => Err(format!("len of type {}", other.go_type())),
    }
}

fn index_arg(index: &Value, cap: usize) -> Result<usize, String> {
    let x: i128 = match index {
        Value::Int(i) | Value::Int64(i) => *i as i128,
        Value::Uint(u) => *u as i128,
        Value::Nil => return Err("cannot index slice/array with nil".into()),
        other => {
            return Err(format!(
                "cannot index slice/array with type {}",
                other.go_type()
            ));
        }
    };
    if x < 0 || x > cap as i128 {
        return Err(format!("index out of range: {x}"));
    }
    Ok(x as usize)
}

fn index(item: &RV, indexes: &[RV]) -> Result<RV, String> {
    let mut item = RV {
        v: underlying(&item.v).into_owned(),
        iface: item.iface,
    };
    if item.v.is_nil() {
        return Err("index of untyped nil".into());
    }
    for idx in indexes {
        let idx = &idx.v;
        let under = underlying(&item.v).into_owned();
        item = match &under {
            Value::Nil => return Err("index of nil pointer".into()),
            Value::List(l) => {
                let x = index_arg(idx, l.items.len())?;
                let v = l
                    .items
                    .get(x)
                    .cloned()
                    .ok_or("reflect: slice index out of range")?;
                RV {
                    v,
                    iface: l.kind == ListKind::Any,
                }
            }
            Value::Bytes(b) => {
                let x = index_arg(idx, b.len())?;
                let v = b.get(x).ok_or("reflect: slice index out of range")?;
                RV::new(Value::Uint(*v as u64))
            }
            Value::String(s) => {
                let x = index_arg(idx, s.len())?;
                let v = s
                    .as_bytes()
                    .get(x)
                    .ok_or("reflect: string index out of range")?;
                RV::new(Value::Uint(*v as u64))
            }
            Value::Map(m) => {
                let key = match idx {
                    Value::String(k) => k.clone(),
                    Value::Nil => return Err("value is nil; should be of type string".into()),
                    other => {
                        return Err(format!(
                            "value has type {}; should be string",
                            other.go_type()
                        ));
                    }
                };
                let string_map = m.kind() == MapKind::String;
                match m.get(&key) {
                    Some(v) => RV {
                        v,
                        iface: !string_map,
                    },
                    None if string_map => RV::new(Value::str("")),
                    None => RV {
                        v: Value::Nil,
                        iface: true,
                    },
                }
            }
            other => return Err(format!("can't index item of type {}", other.go_type())),
        };
    }
    Ok(item)
}

fn slice(item: &RV, indexes: &[RV]) -> Result<RV, String> {
    let item = &RV::new(underlying(&item.v).into_owned());
    if item.v.is_nil() {
        return Err("slice of untyped nil".into());
    }
    if indexes.len() > 3 {
        return Err(format!("too many slice indexes: {}", indexes.len()));
    }
    let len = match &item.v {
        Value::String(s) => {
            if indexes.len() == 3 {
                return Err("cannot 3-index slice a string".into());
            }
            s.len()
        }
        Value::List(l) => l.items.len(),
        other => return Err(format!("can't slice item of type {}", other.go_type())),
    };
    let mut idx = [0, len, len];
    for (i, x) in indexes.iter().enumerate() {
        idx[i] = index_arg(&x.v, len)?;
    }
    if idx[0] > idx[1] {
        return Err(format!("invalid slice index: {} > {}", idx[0], idx[1]));
    }
    if indexes.len() == 3 && idx[1] > idx[2] {
        return Err(format!("invalid slice index: {} > {}", idx[1], idx[2]));
    }
    Ok(match &item.v {
        Value::String(s) => RV::new(Value::str(s.get(idx[0]..idx[1]).unwrap_or(""))),
        Value::List(l) => RV::new(Value::typed_list(l.kind, l.items[idx[0]..idx[1]].to_vec())),
        _ => RV::invalid(),
    })
}

#[derive(PartialEq, Eq, Clone, Copy)]
enum Kind {
    Invalid,
    Bool,
    Complex,
    Int,
    Float,
    String,
    Uint,
}

fn basic_kind(v: &Value) -> Kind {
    match v {
        Value::Bool(_) => Kind::Bool,
        Value::Int(_) | Value::Int64(_) => Kind::Int,
        Value::Uint(_) => Kind::Uint,
        Value::Float(_) => Kind::Float,
        Value::String(_) => Kind::String,
        Value::Object(o) if o.type_name() == "complex128" => Kind::Complex,
        _ => Kind::Invalid,
    }
}

fn int_of(v: &Value) -> i64 {
    match v {
        Value::Int(i) | Value::Int64(i) => *i,
        _ => 0,
    }
}

fn uint_of(v: &Value) -> u64 {
    match v {
        Value::Uint(u) => *u,
        _ => 0,
    }
}

fn float_of(v: &Value) -> f64 {
    match v {
        Value::Float(f) => *f,
        _ => 0.0,
    }
}

fn incompatible(a: &Value, b: &Value) -> String {
    format!(
        "incompatible types for comparison: {} and {}",
        a.go_type(),
        b.go_type()
    )
}

fn eq(arg1: &RV, rest: &[RV]) -> Result<bool, String> {
    let a_named = &arg1.v;
    let a_under = underlying(a_named);
    let a = a_under.as_ref();
    if rest.is_empty() {
        return Err("missing argument for comparison".into());
    }
    let k1 = basic_kind(a);
    for arg in rest {
        let b_under = underlying(&arg.v);
        let b = b_under.as_ref();
        let k2 = basic_kind(b);
        let truth = if k1 != k2 {
            match (k1, k2) {
                (Kind::Int, Kind::Uint) => int_of(a) >= 0 && int_of(a) as u64 == uint_of(b),
                (Kind::Uint, Kind::Int) => int_of(b) >= 0 && uint_of(a) == int_of(b) as u64,
                _ => {
                    if !a.is_nil() && !b.is_nil() {
                        return Err(incompatible(a_named, &arg.v));
                    }
                    false
                }
            }
        } else {
            match k1 {
                Kind::Bool => a.truthy() == b.truthy(),
                Kind::Int => int_of(a) == int_of(b),
                Kind::Uint => uint_of(a) == uint_of(b),
                Kind::Float => float_of(a) == float_of(b),
                Kind::String => a.as_str() == b.as_str(),
                Kind::Complex | Kind::Invalid => compare_other(a, b)?,
            }
        };
        if truth {
            return Ok(true);
        }
    }
    Ok(false)
}

fn compare_other(a: &Value, b: &Value) -> Result<bool, String> {
    if a.is_nil() || b.is_nil() {
        return Ok(a.is_nil() == b.is_nil());
    }
    if a.go_type() != b.go_type() {
        return Err(format!(
            "non-comparable types {}: {}, {}: {}",
            crate::gofmt::sprintf("%s", std::slice::from_ref(a)),
            a.go_type(),
            b.go_type(),
            crate::gofmt::sprintf("%s", std::slice::from_ref(b)),
        ));
    }
    match (a, b) {
        (Value::List(_) | Value::Map(_) | Value::Bytes(_), _) => Err(format!(
            "non-comparable type {}: {}",
            crate::gofmt::sprintf("%s", std::slice::from_ref(b)),
            b.go_type()
        )),
        // Go compares pointers by address and structs field by field.
        (Value::Object(x), Value::Object(y)) => {
            Ok(Rc::ptr_eq(x, y)
                || (!x.type_name().starts_with('*') && x.format_v() == y.format_v()))
        }
        _ => Ok(false),
    }
}

fn lt(arg1: &RV, arg2: &RV) -> Result<bool, String> {
    let (a_under, b_under) = (underlying(&arg1.v), underlying(&arg2.v));
    let (a, b) = (a_under.as_ref(), b_under.as_ref());
    let k1 = basic_kind(a);
    if k1 == Kind::Invalid {
        return Err("invalid type for comparison".into());
    }
    let k2 = basic_kind(b);
    if k2 == Kind::Invalid {
        return Err("invalid type for comparison".into());
    }
    if k1 != k2 {
        return match (k1, k2) {
            (Kind::Int, Kind::Uint) => Ok(int_of(a) < 0 || (int_of(a) as u64) < uint_of(b)),
            (Kind::Uint, Kind::Int) => Ok(int_of(b) >= 0 && uint_of(a) < int_of(b) as u64),
            _ => Err(incompatible(&arg1.v, &arg2.v)),
        };
    }
    match k1 {
        Kind::Bool | Kind::Complex | Kind::Invalid => Err("invalid type for comparison".into()),
        Kind::Float => Ok(float_of(a) < float_of(b)),
        Kind::Int => Ok(int_of(a) < int_of(b)),
        Kind::String => Ok(a.as_str() < b.as_str()),
        Kind::Uint => Ok(uint_of(a) < uint_of(b)),
    }
}

fn le(a: &RV, b: &RV) -> Result<bool, String> {
    if lt(a, b)? {
        return Ok(true);
    }
    eq(a, std::slice::from_ref(b))
}

/// Go's `template.HTMLEscapeString`.
fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("&#34;"),
            '\'' => out.push_str("&#39;"),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\0' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// Go's `template.JSEscapeString`.
fn js_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '"' => out.push_str("\\\""),
            '<' => out.push_str("\\u003C"),
            '>' => out.push_str("\\u003E"),
            '&' => out.push_str("\\u0026"),
            '=' => out.push_str("\\u003D"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04X}", c as u32)),
            c if (c as u32) < 0x80 => out.push(c),
            c if crate::gofmt::is_print(c) => out.push(c),
            c => out.push_str(&format!("\\u{:04X}", c as u32)),
        }
    }
    out
}

/// Go's `url.QueryEscape`.
fn query_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            b => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// A Go `complex128` constant (template literals like `1i`).
struct Complex128(f64, f64);

impl Object for Complex128 {
    fn type_name(&self) -> &str {
        "complex128"
    }
    fn kind(&self) -> &str {
        "complex128"
    }
    fn format_v(&self) -> String {
        let re = crate::gofmt::sprint(&[Value::Float(self.0)]);
        let im = crate::gofmt::sprint(&[Value::Float(self.1)]);
        let sign = if im.starts_with(['-', '+']) { "" } else { "+" };
        format!("({re}{sign}{im}i)")
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

pub fn complex_value(re: f64, im: f64) -> Value {
    Value::Object(Rc::new(Complex128(re, im)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        assert_eq!(
            html_escape("<a href=\"x\">&'"),
            "&lt;a href=&#34;x&#34;&gt;&amp;&#39;"
        );
        assert_eq!(
            js_escape("it's <b>\n="),
            "it\\'s \\u003Cb\\u003E\\u000A\\u003D"
        );
        assert_eq!(query_escape("a b&c=d/é"), "a+b%26c%3Dd%2F%C3%A9");
    }

    #[test]
    fn comparisons() {
        let i = |n| RV::new(Value::Int(n));
        let f = |n| RV::new(Value::Float(n));
        assert_eq!(eq(&i(1), &[i(2), i(1)]), Ok(true));
        assert_eq!(
            eq(&i(1), &[f(1.0)]),
            Err("incompatible types for comparison: int and float64".into())
        );
        assert_eq!(eq(&RV::invalid(), &[RV::invalid()]), Ok(true));
        assert_eq!(lt(&i(1), &RV::new(Value::Int64(2))), Ok(true));
        assert_eq!(
            lt(&RV::new(Value::Bool(true)), &RV::new(Value::Bool(false))),
            Err("invalid type for comparison".into())
        );
    }
}
