//! Argument conversion as Go's reflection-based call does it (`evalArg`, `validateType`):
//! literals checked against the parameter type (`expected string; found 5`), values
//! checked for assignability (`wrong type for value; expected ...; got ...`), nil only
//! where the type can be nil.

use std::rc::Rc;

use super::exec::{ArgType, Cur, R, RV, State};
use super::node::Expr;
use crate::funcs::ParamType;
use crate::value::{ListKind, MapKind, Value};

impl<'a> State<'a, '_, '_> {
    /// Go's `validateType`: can `value` be passed where `typ` is expected?
    pub(super) fn validate_type(&mut self, value: RV, typ: Option<ArgType>) -> R<RV> {
        let t = match typ {
            None => return Ok(value),
            Some(ArgType::Reflect) => return Ok(value),
            Some(ArgType::Param(ParamType::Any)) => return Ok(value.concrete()),
            Some(ArgType::Param(t)) => t,
        };
        if value.is_invalid() {
            if let Some(z) = zero_of(t) {
                return Ok(RV::new(z));
            }
            return Err(self.error(format!("invalid value; expected {}", param_type_name(t))));
        }
        if !value.v.is_nil() && assignable(&value.v, t) {
            return Ok(value.concrete());
        }
        let got = if value.v.is_nil() {
            "interface {}"
        } else {
            value.v.go_type()
        };
        Err(self.error(format!(
            "wrong type for value; expected {}; got {got}",
            param_type_name(t)
        )))
    }

    /// Go's `evalArg`.
    pub fn eval_arg(&mut self, dot: &RV, typ: Option<ArgType>, n: &'a Expr) -> R<RV> {
        self.at(Cur::Expr(n));
        match n {
            Expr::Dot(_) => return self.validate_type(dot.clone(), typ),
            Expr::Nil(_) => {
                return match typ {
                    None | Some(ArgType::Reflect) | Some(ArgType::Param(ParamType::Any)) => {
                        Ok(RV::invalid())
                    }
                    Some(ArgType::Param(t)) => match zero_of(t) {
                        Some(z) => Ok(RV::new(z)),
                        None => {
                            Err(self.error(format!("cannot assign nil to {}", param_type_name(t))))
                        }
                    },
                };
            }
            Expr::Field { .. } => {
                let v = self.eval_field_node(dot, n, std::slice::from_ref(n), None)?;
                return self.validate_type(v, typ);
            }
            Expr::Variable(var) => {
                let v = self.eval_variable_node(dot, var, &[], None)?;
                return self.validate_type(v, typ);
            }
            Expr::Pipe(p) => {
                let v = self.eval_pipeline(dot, p)?;
                return self.validate_type(v, typ);
            }
            Expr::Identifier { name, .. } => {
                let v = self.eval_function(dot, n, name, Cur::Expr(n), &[], None)?;
                return self.validate_type(v, typ);
            }
            Expr::Chain { .. } => {
                let v = self.eval_chain_node(dot, n, &[], None)?;
                return self.validate_type(v, typ);
            }
            _ => {}
        }
        let t = match typ {
            None | Some(ArgType::Reflect) | Some(ArgType::Param(ParamType::Any)) => {
                return self.eval_empty_interface(n);
            }
            Some(ArgType::Param(t)) => t,
        };
        let lit = match (t, n) {
            (ParamType::Bool, Expr::Bool(_, b)) => Some(Value::Bool(*b)),
            (ParamType::Bool, _) => return Err(self.error(format!("expected bool; found {n}"))),
            (ParamType::Float64, Expr::Number(_, num)) if num.float.is_some() => {
                num.float.map(Value::Float)
            }
            (ParamType::Float64, _) => return Err(self.error(format!("expected float; found {n}"))),
            (ParamType::Int, Expr::Number(_, num)) if num.int.is_some() => num.int.map(Value::Int),
            (ParamType::Int64, Expr::Number(_, num)) if num.int.is_some() => {
                num.int.map(Value::Int64)
            }
            (ParamType::Int | ParamType::Int64, _) => {
                return Err(self.error(format!("expected integer; found {n}")));
            }
            (ParamType::Uint32, Expr::Number(_, num)) if num.uint.is_some() => {
                num.uint.map(|u| Value::Uint(u as u32 as u64))
            }
            (ParamType::Uint32, _) => {
                return Err(self.error(format!("expected unsigned integer; found {n}")));
            }
            (ParamType::String, Expr::String { text, .. }) => Some(Value::String(text.clone())),
            (ParamType::String, _) => return Err(self.error(format!("expected string; found {n}"))),
            _ => None,
        };
        match lit {
            Some(v) => Ok(RV::new(v)),
            None => Err(self.error(format!(
                "can't handle {n} for arg of type {}",
                param_type_name(t)
            ))),
        }
    }

    fn eval_empty_interface(&mut self, n: &'a Expr) -> R<RV> {
        match n {
            Expr::Bool(_, b) => Ok(RV::new(Value::Bool(*b))),
            Expr::Number(_, num) => self.ideal_constant(n, num),
            Expr::String { text, .. } => Ok(RV::new(Value::String(text.clone()))),
            _ => Err(self.error(format!(
                "can't handle assignment of {n} to empty interface argument"
            ))),
        }
    }
}

/// The Go type name of a parameter type, as error messages print it.
pub fn param_type_name(t: ParamType) -> &'static str {
    match t {
        ParamType::Any => "interface {}",
        ParamType::String => "string",
        ParamType::Int => "int",
        ParamType::Int64 => "int64",
        ParamType::Uint32 => "uint32",
        ParamType::Float64 => "float64",
        ParamType::Bool => "bool",
        ParamType::List => "[]interface {}",
        ParamType::StringList => "[]string",
        ParamType::Map => "map[string]interface {}",
        ParamType::Bytes => "[]uint8",
        ParamType::Object(n) => n,
    }
}

/// The zero value Go substitutes for nil where the type can be nil (`reflect.Zero`).
fn zero_of(t: ParamType) -> Option<Value> {
    match t {
        ParamType::Any => Some(Value::Nil),
        ParamType::List => Some(Value::list(Vec::new())),
        ParamType::StringList => Some(Value::typed_list(ListKind::String, Vec::new())),
        ParamType::Map => Some(Value::empty_map()),
        ParamType::Bytes => Some(Value::Bytes(Rc::from(Vec::new()))),
        ParamType::Object(n) if n.starts_with('*') => Some(Value::Nil),
        _ => None,
    }
}

/// Go's assignability of a concrete value to a parameter type.
fn assignable(v: &Value, t: ParamType) -> bool {
    match (t, v) {
        (ParamType::Any, _) => true,
        (ParamType::String, Value::String(_)) => true,
        (ParamType::Int, Value::Int(_)) => true,
        (ParamType::Int64, Value::Int64(_)) => true,
        (ParamType::Float64, Value::Float(_)) => true,
        (ParamType::Bool, Value::Bool(_)) => true,
        (ParamType::List, Value::List(l)) => l.kind == ListKind::Any,
        (ParamType::StringList, Value::List(l)) => l.kind == ListKind::String,
        (ParamType::Map, Value::Map(m)) => m.kind() != MapKind::String,
        (ParamType::Bytes, Value::Bytes(_)) => true,
        (ParamType::Object(n), Value::Object(o)) => o.type_name() == n,
        _ => false,
    }
}
