//! Helm's engine layer (`pkg/engine/engine.go`): parse every template in Helm's order,
//! execute the non-partials, strip `<no value>`, and the functions that need the engine
//! itself: `include`, `tpl`, `required`, `fail`, `lookup`.

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;

use super::error::{Cause, go_quote, helm_exec_message, helm_parse_message, warn_wrap};
use super::exec::{Ctx, Namespace, RV, State};
use super::parse::{self, TreeSet};
use super::stack::{EXEC_BUDGET, StackBudget};
use super::{Engine, RenderTemplate, TemplateError};
use crate::funcs::{CallContext, ParamType};
use crate::value::Value;

/// Helm's include recursion limit per template name.
const INCLUDE_MAX: usize = 1000;

/// The functions Helm defines on top of Sprig that need the engine.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HelmFn {
    Include,
    Tpl,
    Required,
    Fail,
    Lookup,
}

impl HelmFn {
    pub fn from_name(name: &str) -> Option<HelmFn> {
        Some(match name {
            "include" => HelmFn::Include,
            "tpl" => HelmFn::Tpl,
            "required" => HelmFn::Required,
            "fail" => HelmFn::Fail,
            "lookup" => HelmFn::Lookup,
            _ => return None,
        })
    }

    pub fn params(self) -> &'static [ParamType] {
        use ParamType::{Any, String};
        match self {
            HelmFn::Include | HelmFn::Tpl | HelmFn::Required => &[String, Any],
            HelmFn::Fail => &[String],
            HelmFn::Lookup => &[String, String, String, String],
        }
    }

    pub fn call(self, st: &mut State<'_, '_, '_>, args: &[Value]) -> Result<RV, Cause> {
        let s = |i: usize| args.get(i).and_then(Value::as_str).unwrap_or("");
        match self {
            HelmFn::Include => include(st, s(0), args.get(1).cloned().unwrap_or_default()),
            HelmFn::Tpl => tpl(st, s(0), args.get(1).cloned().unwrap_or_default()),
            HelmFn::Required => {
                let val = args.get(1).cloned().unwrap_or_default();
                let missing = match &val {
                    Value::Nil => true,
                    Value::String(v) => v.is_empty(),
                    _ => false,
                };
                if missing {
                    return Err(Cause::Plain(warn_wrap(s(0))));
                }
                Ok(RV::new(val))
            }
            HelmFn::Fail => Err(Cause::Plain(warn_wrap(s(0)))),
            HelmFn::Lookup => match st.ctx.lookup {
                Some(l) => l
                    .lookup(s(0), s(1), s(2), s(3))
                    .map(RV::new)
                    .map_err(Cause::Plain),
                None => Ok(RV::new(Value::empty_map())),
            },
        }
    }
}

fn nested_reference(name: &str) -> Cause {
    Cause::Plain(format!(
        "rendering template has a nested reference name: {name}: unable to execute template"
    ))
}

fn include(st: &mut State<'_, '_, '_>, name: &str, data: Value) -> Result<RV, Cause> {
    let ctx = st.ctx;
    {
        let mut counts = ctx.include_counts.borrow_mut();
        let count = counts.entry(name.to_string()).or_insert(0);
        if *count > INCLUDE_MAX || ctx.stack.exhausted() {
            return Err(nested_reference(name));
        }
        *count += 1;
    }
    let result = match st.ns.lookup(name) {
        None => Err(Cause::NoTemplate(format!(
            "template: no template {} associated with template \"gotpl\"",
            go_quote(name)
        ))),
        Some(tree) => {
            let dot = RV::new(data);
            let mut out = String::new();
            let r = State::new(ctx, st.ns.clone(), &tree, dot.clone()).run(&dot, &mut out);
            r.map(|_| RV::new(Value::string(out))).map_err(Cause::Exec)
        }
    };
    if let Some(c) = ctx.include_counts.borrow_mut().get_mut(name) {
        *c = c.saturating_sub(1);
    }
    result
}

/// Parses `tpl` text once per distinct source for the whole render.
fn tpl_trees(ctx: &Ctx<'_>, text: &str) -> Result<Rc<TreeSet>, String> {
    if let Some(hit) = ctx.tpl_cache.borrow().get(text) {
        return hit.clone();
    }
    let name: Rc<str> = Rc::from("gotpl");
    let source: Rc<str> = Rc::from(text);
    let parsed = parse::parse("gotpl", &name, &source, &|f| ctx.has_func(f))
        .map(Rc::new)
        .map_err(|e| e.0);
    ctx.tpl_cache.borrow_mut().insert(source, parsed.clone());
    parsed
}

fn tpl(st: &mut State<'_, '_, '_>, text: &str, data: Value) -> Result<RV, Cause> {
    let ctx = st.ctx;
    let set = tpl_trees(ctx, text)
        .map_err(|e| Cause::Plain(format!("cannot parse template {}: {e}", go_quote(text))))?;
    if ctx.stack.exhausted() {
        return Err(Cause::Plain(format!(
            "error during tpl function execution for {}: exceeded maximum template depth",
            go_quote(text)
        )));
    }
    let mut ns = Namespace {
        map: HashMap::new(),
        parent: Some(st.ns.clone()),
    };
    for tree in set.iter() {
        ns.add(tree.clone());
    }
    let Some(main) = set.first() else {
        return Ok(RV::new(Value::str("")));
    };
    let dot = RV::new(data);
    let mut out = String::new();
    let r = State::new(ctx, Rc::new(ns), main, dot.clone()).run(&dot, &mut out);
    match r {
        Ok(()) => Ok(RV::new(Value::string(strip_no_value(out)))),
        Err(e) => Err(Cause::Plain(format!(
            "error during tpl function execution for {}: {}",
            go_quote(text),
            e.full()
        ))),
    }
}

/// Helm deletes every `<no value>` from a file's (or a `tpl`'s) output.
fn strip_no_value(s: String) -> String {
    if s.contains("<no value>") {
        s.replace("<no value>", "")
    } else {
        s
    }
}

/// Helm's order: more path segments first, then reverse byte order.
fn helm_order(templates: &[RenderTemplate]) -> Vec<&RenderTemplate> {
    let mut order: Vec<&RenderTemplate> = templates.iter().collect();
    order.sort_by(|a, b| {
        let (ca, cb) = (a.name.matches('/').count(), b.name.matches('/').count());
        cb.cmp(&ca).then_with(|| b.name.cmp(&a.name))
    });
    order
}

fn is_partial(name: &str) -> bool {
    name.rsplit('/')
        .next()
        .is_some_and(|base| base.starts_with('_'))
}

pub fn render(
    engine: &Engine<'_>,
    templates: &[RenderTemplate],
) -> Result<BTreeMap<String, String>, TemplateError> {
    let ctx = Ctx {
        funcs: engine.funcs,
        call: CallContext { env: engine.env },
        lookup: engine.lookup,
        strict: engine.strict,
        depth: Cell::new(0),
        stack: StackBudget::new(EXEC_BUDGET),
        include_counts: RefCell::new(HashMap::new()),
        tpl_cache: RefCell::new(HashMap::new()),
    };
    let order = helm_order(templates);
    let mut ns = Namespace::default();
    for t in &order {
        let parse_name: Rc<str> = Rc::from(t.name.as_str());
        let set =
            parse::parse(&t.name, &parse_name, &t.source, &|f| ctx.has_func(f)).map_err(|e| {
                TemplateError {
                    message: helm_parse_message(&t.name, &e.0),
                }
            })?;
        for tree in set {
            ns.add(tree);
        }
    }
    let ns = Rc::new(ns);
    let mut rendered = BTreeMap::new();
    for t in &order {
        if is_partial(&t.name) {
            continue;
        }
        let Some(tree) = ns.lookup(&t.name) else {
            continue;
        };
        let dot = RV::new(t.data.clone());
        let mut out = String::new();
        State::new(&ctx, ns.clone(), &tree, dot.clone())
            .run(&dot, &mut out)
            .map_err(|e| TemplateError {
                message: helm_exec_message(&e),
            })?;
        rendered.insert(t.name.clone(), strip_no_value(out));
    }
    Ok(rendered)
}
