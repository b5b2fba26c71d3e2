//! The executor: walks a parsed tree against data the way Go's `text/template/exec.go`
//! does — variables and scoping, field chains on maps and objects, function calls with
//! Go's argument checks, `range`/`if`/`with`/`template`, and errors that name the node
//! Go would blame.

use std::fmt;
use std::rc::Rc;

use super::builtins::Builtin;
use super::chartvalues::ValuesMethod;
use super::error::{Cause, ExecError, go_quote};
use super::helm::{Ctx, HelmFn, Namespace};
use super::node::*;
use crate::funcs::{FuncDef, ParamType};
use crate::value::{ListKind, Map, MapKind, MethodSig, Object, Value};

/// Go's limit on nested template calls. Our stack budget usually stops runaway recursion
/// first; the error says what Go's would.
pub const GO_MAX_EXEC_DEPTH: usize = 100000;

pub type R<T> = Result<T, Box<ExecError>>;

/// A value with Go's static-type knowledge the executor needs: `iface` marks a value read
/// out of an `interface{}` slot (a map entry, a `[]interface {}` element), which changes
/// error wording (`in type interface {}`) and makes a nil there a *nil interface* rather
/// than the *missing value* (`reflect.Value{}`) that `Nil` with `iface == false` means.
#[derive(Clone, Debug, Default)]
pub struct RV {
    pub v: Value,
    pub iface: bool,
}

impl RV {
    pub fn new(v: Value) -> RV {
        RV { v, iface: false }
    }
    pub fn invalid() -> RV {
        RV::default()
    }
    pub(super) fn is_invalid(&self) -> bool {
        self.v.is_nil() && !self.iface
    }
    /// Go's `indirectInterface`: forget the interface wrapper.
    pub fn concrete(self) -> RV {
        RV {
            v: self.v,
            iface: false,
        }
    }
    fn type_name(&self) -> &str {
        if self.iface {
            "interface {}"
        } else {
            self.v.go_type()
        }
    }
}

/// The argument type a call site expects: a Go type, or `reflect.Value` (builtins see
/// values untouched, nil included).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArgType {
    Param(ParamType),
    Reflect,
}

/// A callable found by name or as a method.
pub enum Callee<'f> {
    Helm(HelmFn),
    Registry(&'f FuncDef),
    Builtin(Builtin),
    Method(Rc<dyn Object>, MethodSig),
    Values(Map, ValuesMethod),
}

/// A callee's fixed parameters, without allocating per call.
#[derive(Clone, Copy)]
enum Params {
    Go(&'static [ParamType]),
    Builtin(&'static [ArgType]),
}

impl Params {
    fn len(self) -> usize {
        match self {
            Params::Go(p) => p.len(),
            Params::Builtin(p) => p.len(),
        }
    }
    fn get(self, i: usize) -> Option<ArgType> {
        match self {
            Params::Go(p) => p.get(i).map(|&t| ArgType::Param(t)),
            Params::Builtin(p) => p.get(i).copied(),
        }
    }
}

impl Callee<'_> {
    fn sig(&self) -> (Params, Option<ArgType>) {
        match self {
            Callee::Helm(h) => (Params::Go(h.params()), None),
            Callee::Registry(f) => (Params::Go(f.params), f.variadic.map(ArgType::Param)),
            Callee::Builtin(b) => {
                let (p, v) = b.sig();
                (Params::Builtin(p), v)
            }
            Callee::Method(_, s) => (Params::Go(s.params), s.variadic.map(ArgType::Param)),
            Callee::Values(_, m) => (Params::Go(m.params()), None),
        }
    }
}

/// The node errors blame (Go's `state.node`).
#[derive(Clone, Copy)]
pub enum Cur<'a> {
    None,
    Expr(&'a Expr),
    Cmd(&'a Command),
    Pipe(&'a Pipe),
    Action(&'a Pipe),
    Var(&'a Variable),
    Template(&'a TemplateCall),
}

impl Cur<'_> {
    fn pos(&self) -> Pos {
        match self {
            Cur::None => 0,
            Cur::Expr(e) => e.pos(),
            Cur::Cmd(c) => c.pos,
            Cur::Pipe(p) | Cur::Action(p) => p.pos,
            Cur::Var(v) => v.pos,
            Cur::Template(t) => t.pos,
        }
    }
}

impl fmt::Display for Cur<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cur::None => Ok(()),
            Cur::Expr(e) => write!(f, "{e}"),
            Cur::Cmd(c) => write!(f, "{c}"),
            Cur::Pipe(p) => write!(f, "{p}"),
            Cur::Action(p) => write!(f, "{{{{{p}}}}}"),
            Cur::Var(v) => write!(f, "{v}"),
            Cur::Template(t) => write!(f, "{t}"),
        }
    }
}

/// Control flow out of a list: normal completion, `{{break}}` or `{{continue}}`.
#[derive(PartialEq, Eq)]
pub enum Flow {
    Normal,
    Break,
    Continue,
}

/// One template execution (Go's `state`).
pub struct State<'a, 'c, 'e> {
    pub ctx: &'c Ctx<'e>,
    pub ns: Rc<Namespace>,
    pub tree: &'a Tree,
    vars: Vec<(&'a str, RV)>,
    cur: Cur<'a>,
}

impl<'a, 'c, 'e> State<'a, 'c, 'e> {
    pub fn new(ctx: &'c Ctx<'e>, ns: Rc<Namespace>, tree: &'a Tree, dot: RV) -> Self {
        State {
            ctx,
            ns,
            tree,
            vars: vec![("$", dot)],
            cur: Cur::None,
        }
    }

    /// Executes the tree with `dot` into `out`.
    pub fn run(&mut self, dot: &RV, out: &mut String) -> R<()> {
        self.walk_list(dot, &self.tree.root, out).map(|_| ())
    }

    pub fn at(&mut self, c: Cur<'a>) {
        self.cur = c;
    }

    /// Go's `errorf` at the current node.
    pub fn error(&self, msg: impl Into<String>) -> Box<ExecError> {
        self.error_with(msg.into(), None)
    }

    pub fn error_with(&self, msg: String, cause: Option<Cause>) -> Box<ExecError> {
        Box::new(ExecError {
            loc: self.tree.location(self.cur.pos()),
            name: self.tree.name.clone(),
            ctx: self.cur.to_string(),
            msg,
            cause,
        })
    }

    fn walk_list(&mut self, dot: &RV, list: &'a List, out: &mut String) -> R<Flow> {
        for node in &list.nodes {
            let flow = self.walk(dot, node, out)?;
            if flow != Flow::Normal {
                return Ok(flow);
            }
        }
        Ok(Flow::Normal)
    }

    fn walk(&mut self, dot: &RV, node: &'a Node, out: &mut String) -> R<Flow> {
        match node {
            Node::Text(t) => out.push_str(&t.text),
            Node::Action(pipe) => {
                self.at(Cur::Action(pipe));
                let val = self.eval_pipeline(dot, pipe)?;
                if pipe.decl.is_empty() {
                    self.at(Cur::Action(pipe));
                    print_value(&val, out);
                }
            }
            Node::If(b) | Node::With(b) => {
                self.check_stack()?;
                let mark = self.vars.len();
                let val = self.eval_pipeline(dot, &b.pipe)?;
                let flow = if truth(&val.v) {
                    if matches!(node, Node::With(_)) {
                        self.walk_list(&val, &b.list, out)?
                    } else {
                        self.walk_list(dot, &b.list, out)?
                    }
                } else if let Some(e) = &b.else_list {
                    self.walk_list(dot, e, out)?
                } else {
                    Flow::Normal
                };
                self.vars.truncate(mark);
                return Ok(flow);
            }
            Node::Range(b) => {
                self.check_stack()?;
                let mark = self.vars.len();
                self.walk_range(dot, b, out)?;
                self.vars.truncate(mark);
            }
            Node::Break => return Ok(Flow::Break),
            Node::Continue => return Ok(Flow::Continue),
            Node::Template(t) => self.walk_template(dot, t, out)?,
        }
        Ok(Flow::Normal)
    }

    fn walk_range(&mut self, dot: &RV, b: &'a Branch, out: &mut String) -> R<()> {
        let val = self.eval_pipeline(dot, &b.pipe)?;
        let mark = self.vars.len();
        let decl = &b.pipe.decl;
        let one = |st: &mut Self, index: RV, elem: RV, out: &mut String| -> R<Flow> {
            if !decl.is_empty() {
                if b.pipe.is_assign {
                    let target = if decl.len() > 1 {
                        index.clone()
                    } else {
                        elem.clone()
                    };
                    st.set_var(&decl[0].ident[0], target)?;
                } else {
                    let n = st.vars.len();
                    st.vars[n - 1].1 = elem.clone();
                }
            }
            if decl.len() > 1 {
                if b.pipe.is_assign {
                    st.set_var(&decl[1].ident[0], elem.clone())?;
                } else {
                    let n = st.vars.len();
                    st.vars[n - 2].1 = index;
                }
            }
            let flow = st.walk_list(&elem, &b.list, out);
            st.vars.truncate(mark);
            flow
        };
        let mut ran = false;
        let under = underlying(&val.v);
        match under.as_ref() {
            Value::List(l) => {
                let iface = l.kind == ListKind::Any;
                let l = l.clone();
                for (i, item) in l.items.iter().enumerate() {
                    ran = true;
                    let elem = RV {
                        v: item.clone(),
                        iface,
                    };
                    if one(self, RV::new(Value::Int(i as i64)), elem, out)? == Flow::Break {
                        break;
                    }
                }
            }
            Value::Map(m) => {
                let iface = m.kind() != MapKind::String;
                for (k, v) in m.entries() {
                    ran = true;
                    let elem = RV { v, iface };
                    if one(self, RV::new(Value::string(k)), elem, out)? == Flow::Break {
                        break;
                    }
                }
            }
            Value::Bytes(bytes) => {
                let bytes = bytes.clone();
                for (i, byte) in bytes.iter().enumerate() {
                    ran = true;
                    let elem = RV::new(Value::Uint(*byte as u64));
                    if one(self, RV::new(Value::Int(i as i64)), elem, out)? == Flow::Break {
                        break;
                    }
                }
            }
            Value::Int(_) | Value::Int64(_) | Value::Uint(_) => {
                if decl.len() > 1 {
                    return Err(self.error(format!(
                        "can't use {} to iterate over more than one variable",
                        crate::gofmt::format_value(&val.v)
                    )));
                }
                let n: i128 = match val.v {
                    Value::Int(i) | Value::Int64(i) => i as i128,
                    Value::Uint(u) => u as i128,
                    _ => 0,
                };
                let mut i: i128 = 0;
                while i < n {
                    ran = true;
                    let v = match val.v {
                        Value::Int(_) => Value::Int(i as i64),
                        Value::Int64(_) => Value::Int64(i as i64),
                        _ => Value::Uint(i as u64),
                    };
                    let rv = RV::new(v);
                    if one(self, rv.clone(), rv, out)? == Flow::Break {
                        break;
                    }
                    i += 1;
                }
            }
            Value::Nil => {}
            other => {
                return Err(self.error(format!(
                    "range can't iterate over {}",
                    crate::gofmt::format_value(other)
                )));
            }
        }
        if let (false, Some(e)) = (ran, &b.else_list) {
            self.walk_list(dot, e, out)?;
        }
        Ok(())
    }

    fn walk_template(&mut self, dot: &RV, t: &'a TemplateCall, out: &mut String) -> R<()> {
        self.at(Cur::Template(t));
        let Some(tree) = self.ns.lookup(&t.name) else {
            return Err(self.error(format!("template {} not defined", go_quote(&t.name))));
        };
        if self.ctx.depth.get() >= GO_MAX_EXEC_DEPTH || self.ctx.stack.exhausted() {
            return Err(self.error(format!(
                "exceeded maximum template depth ({GO_MAX_EXEC_DEPTH})"
            )));
        }
        let new_dot = match &t.pipe {
            Some(p) => self.eval_pipeline(dot, p)?,
            None => RV::invalid(),
        };
        self.ctx.depth.set(self.ctx.depth.get() + 1);
        let mut st = State::new(self.ctx, self.ns.clone(), &tree, new_dot.clone());
        let r = st.run(&new_dot, out);
        self.ctx.depth.set(self.ctx.depth.get() - 1);
        r
    }

    /// Stops deep nesting before the native stack overflows.
    fn check_stack(&self) -> R<()> {
        if self.ctx.stack.exhausted() {
            return Err(self.error(format!(
                "exceeded maximum template depth ({GO_MAX_EXEC_DEPTH})"
            )));
        }
        Ok(())
    }

    fn set_var(&mut self, name: &str, v: RV) -> R<()> {
        for slot in self.vars.iter_mut().rev() {
            if slot.0 == name {
                slot.1 = v;
                return Ok(());
            }
        }
        Err(self.error(format!("undefined variable: {name}")))
    }

    fn var_value(&self, name: &str) -> R<RV> {
        for slot in self.vars.iter().rev() {
            if slot.0 == name {
                return Ok(slot.1.clone());
            }
        }
        Err(self.error(format!("undefined variable: {name}")))
    }

    pub fn eval_pipeline(&mut self, dot: &RV, pipe: &'a Pipe) -> R<RV> {
        self.at(Cur::Pipe(pipe));
        self.check_stack()?;
        let mut value: Option<RV> = None;
        for cmd in &pipe.cmds {
            value = Some(self.eval_command(dot, cmd, value)?.concrete());
        }
        let value = value.unwrap_or_default();
        for var in &pipe.decl {
            if pipe.is_assign {
                self.set_var(&var.ident[0], value.clone())?;
            } else {
                self.vars.push((&var.ident[0], value.clone()));
            }
        }
        Ok(value)
    }

    fn not_a_function(&self, args: &[Expr], fin: &Option<RV>) -> R<()> {
        if args.len() > 1 || fin.is_some() {
            return Err(self.error(format!("can't give argument to non-function {}", args[0])));
        }
        Ok(())
    }

    fn eval_command(&mut self, dot: &RV, cmd: &'a Command, fin: Option<RV>) -> R<RV> {
        let first = &cmd.args[0];
        match first {
            Expr::Field { .. } => return self.eval_field_node(dot, first, &cmd.args, fin),
            Expr::Chain { .. } => return self.eval_chain_node(dot, first, &cmd.args, fin),
            Expr::Identifier { name, .. } => {
                return self.eval_function(dot, first, name, Cur::Cmd(cmd), &cmd.args, fin);
            }
            Expr::Pipe(p) => {
                self.not_a_function(&cmd.args, &fin)?;
                return self.eval_pipeline(dot, p);
            }
            Expr::Variable(v) => return self.eval_variable_node(dot, v, &cmd.args, fin),
            _ => {}
        }
        self.at(Cur::Expr(first));
        self.not_a_function(&cmd.args, &fin)?;
        match first {
            Expr::Bool(_, b) => Ok(RV::new(Value::Bool(*b))),
            Expr::Dot(_) => Ok(dot.clone()),
            Expr::Nil(_) => Err(self.error("nil is not a command")),
            Expr::Number(_, n) => self.ideal_constant(first, n),
            Expr::String { text, .. } => Ok(RV::new(Value::String(text.clone()))),
            _ => Err(self.error(format!(
                "can't evaluate command {}",
                go_quote(&first.to_string())
            ))),
        }
    }

    pub(super) fn ideal_constant(&mut self, node: &'a Expr, n: &Number) -> R<RV> {
        self.at(Cur::Expr(node));
        if let Some((re, im)) = n.complex {
            return Ok(RV::new(super::builtins::complex_value(re, im)));
        }
        let t = &n.text;
        let hex_int = t.len() > 2
            && t.starts_with('0')
            && matches!(t.as_bytes()[1], b'x' | b'X')
            && !t.contains(['p', 'P']);
        let rune = t.starts_with('\'');
        if let Some(f) = n.float
            && !hex_int
            && !rune
            && t.contains(['.', 'e', 'E', 'p', 'P'])
        {
            return Ok(RV::new(Value::Float(f)));
        }
        if let Some(i) = n.int {
            return Ok(RV::new(Value::Int(i)));
        }
        if n.uint.is_some() {
            return Err(self.error(format!("{t} overflows int")));
        }
        Ok(RV::invalid())
    }

    pub(super) fn eval_field_node(
        &mut self,
        dot: &RV,
        node: &'a Expr,
        args: &'a [Expr],
        fin: Option<RV>,
    ) -> R<RV> {
        self.at(Cur::Expr(node));
        let Expr::Field { ident, .. } = node else {
            return Ok(RV::invalid());
        };
        self.eval_field_chain(dot, dot.clone(), node, ident, args, fin)
    }

    pub(super) fn eval_chain_node(
        &mut self,
        dot: &RV,
        node: &'a Expr,
        args: &'a [Expr],
        fin: Option<RV>,
    ) -> R<RV> {
        self.at(Cur::Expr(node));
        let Expr::Chain {
            node: inner, field, ..
        } = node
        else {
            return Ok(RV::invalid());
        };
        if matches!(inner.as_ref(), Expr::Nil(_)) {
            return Err(self.error(format!("indirection through explicit nil in {node}")));
        }
        let pipe = self.eval_arg(dot, None, inner)?;
        self.eval_field_chain(dot, pipe, node, field, args, fin)
    }

    pub(super) fn eval_variable_node(
        &mut self,
        dot: &RV,
        v: &'a Variable,
        args: &'a [Expr],
        fin: Option<RV>,
    ) -> R<RV> {
        self.at(Cur::Var(v));
        let value = self.var_value(&v.ident[0])?;
        if v.ident.len() == 1 {
            self.not_a_function(args, &fin)?;
            return Ok(value);
        }
        self.eval_field_chain_at(dot, value, Cur::Var(v), &v.ident[1..], args, fin)
    }

    fn eval_field_chain(
        &mut self,
        dot: &RV,
        receiver: RV,
        node: &'a Expr,
        ident: &'a [String],
        args: &'a [Expr],
        fin: Option<RV>,
    ) -> R<RV> {
        self.eval_field_chain_at(dot, receiver, Cur::Expr(node), ident, args, fin)
    }

    fn eval_field_chain_at(
        &mut self,
        dot: &RV,
        mut receiver: RV,
        node: Cur<'a>,
        ident: &'a [String],
        args: &'a [Expr],
        fin: Option<RV>,
    ) -> R<RV> {
        let n = ident.len();
        for name in &ident[..n - 1] {
            receiver = self.eval_field(dot, name, node, &[], None, receiver)?;
        }
        self.eval_field(dot, &ident[n - 1], node, args, fin, receiver)
    }

    fn eval_field(
        &mut self,
        dot: &RV,
        name: &str,
        node: Cur<'a>,
        args: &'a [Expr],
        fin: Option<RV>,
        receiver: RV,
    ) -> R<RV> {
        if receiver.is_invalid() {
            if self.ctx.strict {
                return Err(self.error(format!("nil data; no entry for key {}", go_quote(name))));
            }
            return Ok(RV::invalid());
        }
        let typ = receiver.type_name();
        let has_args = args.len() > 1 || fin.is_some();
        match &receiver.v {
            Value::Nil => Err(self.error(format!("nil pointer evaluating {typ}.{name}"))),
            Value::Object(o) => {
                if let Some(sig) = o.method(name) {
                    let callee = Callee::Method(o.clone(), sig);
                    let rest = if args.is_empty() { args } else { &args[1..] };
                    return self.eval_call(dot, &callee, node, name, rest, fin);
                }
                if let Some(v) = o.field(name) {
                    if has_args {
                        return Err(self.error(format!(
                            "{name} has arguments but cannot be invoked as function"
                        )));
                    }
                    let iface = v.is_nil();
                    return Ok(RV { v, iface });
                }
                if let Value::Map(m) = underlying(&receiver.v).as_ref() {
                    if has_args {
                        return Err(self.error(format!("{name} is not a method but has arguments")));
                    }
                    return Ok(match m.get(name) {
                        Some(v) => RV::new(v),
                        None if self.ctx.strict => {
                            return Err(
                                self.error(format!("map has no entry for key {}", go_quote(name)))
                            );
                        }
                        // Go yields the element type's zero value: `engine.files` is a
                        // `map[string][]byte`.
                        None if o.type_name() == "engine.files" => {
                            RV::new(Value::Bytes(Rc::from(Vec::new())))
                        }
                        None => RV::invalid(),
                    });
                }
                Err(self.error(format!("can't evaluate field {name} in type {typ}")))
            }
            Value::Map(m) => {
                if m.kind() == MapKind::Values
                    && let Some(method) = ValuesMethod::from_name(name)
                {
                    let callee = Callee::Values(m.clone(), method);
                    let rest = if args.is_empty() { args } else { &args[1..] };
                    return self.eval_call(dot, &callee, node, name, rest, fin);
                }
                if has_args {
                    return Err(self.error(format!("{name} is not a method but has arguments")));
                }
                let kind = m.kind();
                match m.get(name) {
                    Some(v) => Ok(RV {
                        v,
                        iface: kind != MapKind::String,
                    }),
                    None if self.ctx.strict => {
                        Err(self.error(format!("map has no entry for key {}", go_quote(name))))
                    }
                    None if kind == MapKind::String => Ok(RV::new(Value::str(""))),
                    None => Ok(RV {
                        v: Value::Nil,
                        iface: true,
                    }),
                }
            }
            _ => Err(self.error(format!("can't evaluate field {name} in type {typ}"))),
        }
    }

    pub(super) fn eval_function(
        &mut self,
        dot: &RV,
        node: &'a Expr,
        name: &str,
        call_at: Cur<'a>,
        args: &'a [Expr],
        fin: Option<RV>,
    ) -> R<RV> {
        self.at(Cur::Expr(node));
        let ctx = self.ctx;
        let callee = if let Some(h) = HelmFn::from_name(name) {
            Callee::Helm(h)
        } else if let Some(f) = ctx.funcs.get(name) {
            Callee::Registry(f)
        } else if let Some(b) = Builtin::from_name(name) {
            Callee::Builtin(b)
        } else {
            return Err(self.error(format!("{} is not a defined function", go_quote(name))));
        };
        let rest = if args.is_empty() { args } else { &args[1..] };
        self.eval_call(dot, &callee, call_at, name, rest, fin)
    }

    /// Go's `evalCall`: arity, argument conversion, the call, and error wrapping.
    fn eval_call(
        &mut self,
        dot: &RV,
        callee: &Callee<'_>,
        call_at: Cur<'a>,
        name: &str,
        args: &'a [Expr],
        fin: Option<RV>,
    ) -> R<RV> {
        let (params, variadic) = callee.sig();
        let num_in = args.len() + usize::from(fin.is_some());
        if variadic.is_some() {
            if num_in < params.len() {
                return Err(self.error(format!(
                    "wrong number of args for {name}: want at least {} got {}",
                    params.len(),
                    args.len()
                )));
            }
        } else if num_in != params.len() {
            return Err(self.error(format!(
                "wrong number of args for {name}: want {} got {num_in}",
                params.len()
            )));
        }
        if let Callee::Builtin(b @ (Builtin::And | Builtin::Or)) = callee {
            let is_or = *b == Builtin::Or;
            let mut v = RV::invalid();
            for arg in args {
                v = self.eval_arg(dot, Some(ArgType::Reflect), arg)?;
                if truth(&v.v) == is_or {
                    return Ok(v);
                }
            }
            if let Some(f) = fin {
                v = f;
            }
            return Ok(v);
        }
        let num_fixed = if variadic.is_some() {
            params.len()
        } else {
            args.len()
        };
        let mut argv: Vec<RV> = Vec::with_capacity(num_in);
        for (i, arg) in args.iter().enumerate() {
            let t = if i < num_fixed {
                params.get(i)
            } else {
                variadic
            };
            argv.push(self.eval_arg(dot, t, arg)?);
        }
        if let Some(f) = fin {
            let t = match variadic {
                Some(vt) if num_in > num_fixed => vt,
                _ => params
                    .get(num_in - 1)
                    .unwrap_or(ArgType::Param(ParamType::Any)),
            };
            argv.push(self.validate_type(f, Some(t))?);
        }
        let result = match callee {
            Callee::Helm(h) => {
                let vals: Vec<Value> = argv.into_iter().map(|a| a.v).collect();
                h.call(self, &vals)
            }
            Callee::Registry(f) => {
                let vals: Vec<Value> = argv.into_iter().map(|a| a.v).collect();
                (f.call)(&self.ctx.call, &vals)
                    .map(RV::new)
                    .map_err(|e| Cause::Plain(e.0))
            }
            Callee::Builtin(b) => b.call(self, args, argv).map_err(Cause::Plain),
            Callee::Values(m, method) => {
                let vals: Vec<Value> = argv.into_iter().map(|a| a.v).collect();
                method.call(m, &vals).map(RV::new).map_err(Cause::Plain)
            }
            Callee::Method(o, _) => {
                let vals: Vec<Value> = argv.into_iter().map(|a| a.v).collect();
                o.call_method(name, &vals)
                    .map(RV::new)
                    .map_err(Cause::Plain)
            }
        };
        result.map_err(|cause| {
            self.at(call_at);
            self.error_with(format!("error calling {name}: "), Some(cause))
        })
    }
}

/// The map, slice or basic value under a Go named type exposed as an object
/// (`engine.files`, `common.VersionSet`, `time.Month`): what `range`, `len`, `index`,
/// comparisons and truth tests see.
pub fn underlying(v: &Value) -> std::borrow::Cow<'_, Value> {
    match v {
        Value::Object(o) if matches!(o.kind(), "map" | "slice") => match o.as_value() {
            Some(u) => std::borrow::Cow::Owned(u),
            None => std::borrow::Cow::Borrowed(v),
        },
        Value::Object(o) => match o.underlying() {
            Some(u) => std::borrow::Cow::Owned(u),
            None => std::borrow::Cow::Borrowed(v),
        },
        _ => std::borrow::Cow::Borrowed(v),
    }
}

/// Go's `isTrue`: the zero value of its type (an empty map or slice too) is false.
pub fn truth(v: &Value) -> bool {
    underlying(v).truthy()
}

/// Writes a value as `{{ v }}` does (`<no value>` for a missing one).
fn print_value(v: &RV, out: &mut String) {
    match &v.v {
        Value::Nil if !v.iface => out.push_str("<no value>"),
        Value::String(s) => out.push_str(s),
        Value::Object(o) => match o.template_string() {
            Some(s) => out.push_str(&s),
            None => out.push_str(&crate::gofmt::format_value(&v.v)),
        },
        other => out.push_str(&crate::gofmt::format_value(other)),
    }
}
