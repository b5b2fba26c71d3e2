//! Helm's engine layer (`pkg/engine/engine.go`): parse every template in Helm's order,
//! execute the non-partials, strip `<no value>`, and the functions that need the engine
//! itself: `include`, `tpl`, `required`, `fail`, `lookup`.

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;

use super::builtins::Builtin;
use super::error::{Cause, go_quote, helm_exec_message, helm_parse_message, warn_wrap};
use super::exec::{RV, State};
use super::node::Tree;
use super::parse::{self, TreeSet};
use super::stack::{EXEC_BUDGET, StackBudget};
use super::{Engine, RenderTemplate, TemplateError};
use crate::funcs::{CallContext, ParamType, Registry};
use crate::value::{Map, MapKind, Value};

/// The templates visible to an execution: the chart's, plus (inside `tpl`) the ones its
/// text defines, shadowing the caller's.
#[derive(Default)]
pub struct Namespace {
    pub map: HashMap<String, Rc<Tree>>,
    pub parent: Option<Rc<Namespace>>,
}

impl Namespace {
    pub fn lookup(&self, name: &str) -> Option<Rc<Tree>> {
        match self.map.get(name) {
            Some(t) => Some(t.clone()),
            None => self.parent.as_ref().and_then(|p| p.lookup(name)),
        }
    }
    /// Go's `associate`: a later definition replaces an earlier one unless it is empty.
    pub fn add(&mut self, tree: Rc<Tree>) {
        if tree.is_empty()
            && (self.map.contains_key(&tree.name) || self.lookup(&tree.name).is_some())
        {
            return;
        }
        self.map.insert(tree.name.clone(), tree);
    }
}

/// Source bytes [`PARSE_CACHE`] may hold before it starts over.
const PARSE_CACHE_BYTES: usize = 4 << 20;

/// One source text parsed under a template name, and its trees.
type ParsedText = (Rc<str>, Rc<TreeSet>);

/// Template files parsed by earlier renders on this thread.
#[derive(Default)]
struct ParseCache {
    /// The function names the trees were parsed against (parsing rejects unknown ones).
    funcs: (usize, u64),
    /// By template name (cheap to hash): the source texts parsed under it, with their trees.
    by_name: HashMap<String, Vec<ParsedText>>,
    bytes: usize,
}

thread_local! {
    /// Parsing is a pure function of a file's name and text (and the function names), and
    /// its trees are immutable, so renders of the same chart in one process share them.
    static PARSE_CACHE: RefCell<ParseCache> = RefCell::new(ParseCache::default());
}

/// Parses one template file, or takes its trees from [`PARSE_CACHE`].
fn parse_file(ctx: &Ctx<'_>, name: &str, source: &Rc<str>) -> Result<Rc<TreeSet>, TemplateError> {
    let funcs = ctx.funcs.names_fingerprint();
    let hit = PARSE_CACHE.with(|c| {
        let c = c.borrow();
        if c.funcs != funcs {
            return None;
        }
        c.by_name
            .get(name)?
            .iter()
            .find(|(text, _)| Rc::ptr_eq(text, source) || **text == **source)
            .map(|(_, set)| set.clone())
    });
    if let Some(set) = hit {
        return Ok(set);
    }
    let parse_name: Rc<str> = Rc::from(name);
    let set = parse::parse(name, &parse_name, source, &|f| ctx.has_func(f)).map_err(|e| {
        TemplateError {
            message: helm_parse_message(name, &e.0),
        }
    })?;
    let set = Rc::new(set);
    PARSE_CACHE.with(|c| {
        let mut c = c.borrow_mut();
        if c.funcs != funcs || c.bytes + source.len() > PARSE_CACHE_BYTES {
            *c = ParseCache {
                funcs,
                ..ParseCache::default()
            };
        }
        if source.len() <= PARSE_CACHE_BYTES {
            c.bytes += source.len();
            c.by_name
                .entry(name.to_string())
                .or_default()
                .push((source.clone(), set.clone()));
        }
    });
    Ok(set)
}

/// A cached `tpl` parse: its trees, or Go's parse error text.
pub type TplParse = Result<Rc<TreeSet>, String>;

/// What a whole render shares: functions, options, and Helm's per-render bookkeeping.
pub struct Ctx<'e> {
    pub funcs: &'e Registry,
    pub call: CallContext<'e>,
    pub lookup: Option<&'e dyn super::Lookup>,
    pub strict: bool,
    pub lint_mode: bool,
    pub depth: Cell<usize>,
    pub stack: StackBudget,
    pub include_counts: RefCell<HashMap<String, usize>>,
    pub tpl_cache: RefCell<HashMap<Rc<str>, TplParse>>,
}

impl Ctx<'_> {
    /// Whether `name` is a function at parse time (Go checks names when parsing).
    pub fn has_func(&self, name: &str) -> bool {
        HelmFn::from_name(name).is_some()
            || self.funcs.get(name).is_some()
            || Builtin::from_name(name).is_some()
    }
}

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
                    if st.ctx.lint_mode {
                        return Ok(RV::new(Value::str("")));
                    }
                    return Err(Cause::Plain(warn_wrap(s(0))));
                }
                Ok(RV::new(val))
            }
            HelmFn::Fail if st.ctx.lint_mode => Ok(RV::new(Value::str(""))),
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
        let count = match counts.get_mut(name) {
            Some(c) => c,
            None => counts.entry(name.to_string()).or_insert(0),
        };
        if *count > INCLUDE_MAX || ctx.stack.nearly_exhausted() {
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
    if ctx.stack.nearly_exhausted() {
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

/// `.Template.BasePath` for a template name: its chart's path (`root/charts/sub...`)
/// joined with `templates`.
fn base_path(name: &str) -> String {
    let segs: Vec<&str> = name.split('/').collect();
    let mut i = 1;
    while i + 2 < segs.len() && segs[i] == "charts" {
        i += 2;
    }
    format!("{}/templates", segs[..i.min(segs.len())].join("/"))
}

/// Sets `.Template` as Helm does right before executing a file. Helm hands every file of
/// a chart the *same* top-level map, so a template that changes `$` (e.g. `set $ "Values"
/// ...`) changes it for the files executed after it; setting `.Template` here keeps that
/// sharing possible.
fn set_template_object(data: &Value, name: &str) {
    if let Value::Map(m) = data {
        let t = Map::with_kind(MapKind::Values);
        t.insert("Name", Value::str(name));
        t.insert("BasePath", Value::string(base_path(name)));
        m.insert("Template", Value::Map(t));
    }
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
        lint_mode: engine.lint_mode,
        depth: Cell::new(0),
        stack: StackBudget::new(EXEC_BUDGET),
        include_counts: RefCell::new(HashMap::new()),
        tpl_cache: RefCell::new(HashMap::new()),
    };
    let order = helm_order(templates);
    let mut ns = Namespace::default();
    for t in &order {
        let set = parse_file(&ctx, &t.name, &t.source)?;
        for tree in set.iter() {
            ns.add(tree.clone());
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
        set_template_object(&t.data, &t.name);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_and_paths() {
        assert_eq!(base_path("c/templates/x.yaml"), "c/templates");
        assert_eq!(
            base_path("c/charts/s/templates/a/b.yaml"),
            "c/charts/s/templates"
        );
        assert_eq!(base_path("c/templates/charts/x.yaml"), "c/templates");
        let t = |n: &str| RenderTemplate {
            name: n.into(),
            source: Rc::from(""),
            data: Value::Nil,
        };
        let all = [
            t("c/templates/a.yaml"),
            t("c/charts/s/templates/z.yaml"),
            t("c/templates/b.yaml"),
        ];
        let names: Vec<&str> = helm_order(&all).iter().map(|t| t.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "c/charts/s/templates/z.yaml",
                "c/templates/b.yaml",
                "c/templates/a.yaml"
            ]
        );
        assert!(is_partial("c/templates/_helpers.tpl"));
    }
}
