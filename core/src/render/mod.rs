//! The engine driver: builds `.Release`, `.Chart`, `.Capabilities`, `.Files`, `.Template`,
//! processes dependencies, and renders every template of a chart and its enabled subcharts.

mod glob;
pub mod objects;

use std::collections::BTreeMap;
use std::rc::Rc;

use crate::chart::{Chart, metadata_value};
use crate::env::Environment;
use crate::funcs::{CallContext, Registry};
use crate::template::{Engine, RenderTemplate};
use crate::value::{Map, MapKind, Value};

pub use objects::{Capabilities, DEFAULT_API_VERSIONS, DEFAULT_KUBE_VERSION, Files, KubeVersion};

/// `.Release` inputs.
#[derive(Clone, Debug)]
pub struct ReleaseOptions {
    pub name: String,
    pub namespace: String,
    pub revision: i64,
    pub is_upgrade: bool,
}

impl Default for ReleaseOptions {
    fn default() -> Self {
        ReleaseOptions {
            name: "release-name".into(),
            namespace: "default".into(),
            revision: 1,
            is_upgrade: false,
        }
    }
}

/// Everything a render needs besides the chart and values.
#[derive(Clone, Debug, Default)]
pub struct RenderOptions {
    pub release: ReleaseOptions,
    /// `--kube-version` (default `v1.36.0`, as Helm 4.2's SDK).
    pub kube_version: Option<String>,
    /// `--api-versions`, added to the default set.
    pub api_versions: Vec<String>,
    pub skip_schema_validation: bool,
    /// Enforce Chart.yaml `kubeVersion` (install and upgrade do; the bare engine render does not).
    pub check_kube_version: bool,
    /// Strict mode (`missingkey=error`).
    pub strict: bool,
    /// Lint mode: `required` and `fail` do not fail the render (as `helm lint`).
    pub lint_mode: bool,
}

/// A render's output: engine output per template name (before hooks are split off).
#[derive(Clone, Debug, Default)]
pub struct Rendered {
    pub templates: BTreeMap<String, String>,
    /// CRD files (`crds/`) of the chart and its enabled subcharts: full path and content,
    /// in Helm's order (for `--include-crds` and `show crds`).
    pub crds: Vec<(String, String)>,
    /// The top-level chart's name (whose NOTES.txt is the release notes).
    pub chart_name: String,
}

/// A render failure, in Helm's words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RenderError {
    pub message: String,
}

impl std::fmt::Display for RenderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for RenderError {}

fn rerr(message: impl Into<String>) -> RenderError {
    RenderError {
        message: message.into(),
    }
}

/// Helm's preparation before rendering: dependency processing (conditions, tags,
/// aliases, import-values), coalesced values, and schema validation unless skipped.
/// Returns the chart tree the engine renders and `.Values` of its top chart.
pub fn prepare(
    chart: &Chart,
    user_values: &Map,
    skip_schema_validation: bool,
) -> Result<(Chart, Map), RenderError> {
    let (processed, values) =
        crate::values::to_render_values(chart, user_values, skip_schema_validation)
            .map_err(|e| rerr(e.message))?;
    Ok((processed, as_values_kind(values)))
}

/// `.Values` is a `common.Values`; give the top map that type.
fn as_values_kind(m: Map) -> Map {
    if m.kind() == MapKind::Values {
        return m;
    }
    let out = Map::with_kind(MapKind::Values);
    {
        let mut entries = out.borrow_mut();
        for (k, v) in m.borrow().iter() {
            entries.insert(k.clone(), v.clone());
        }
    }
    out
}

/// Whether a kubeVersion constraint admits a version (Helm's `IsCompatibleRange`);
/// uses the Sprig `semverCompare` implementation, which is the same check.
fn kube_version_compatible(constraint: &str, version: &str, env: &dyn Environment) -> bool {
    let registry = Registry::standard();
    let Some(def) = registry.get("semverCompare") else {
        return true;
    };
    let ctx = CallContext { env };
    matches!(
        (def.call)(&ctx, &[Value::str(constraint), Value::str(version)]),
        Ok(Value::Bool(true))
    )
}

/// Renders a chart with user values (already merged from `-f` files and `--set` flags).
pub fn render_chart(
    chart: &Chart,
    user_values: &Map,
    opts: &RenderOptions,
    env: &dyn Environment,
) -> Result<Rendered, RenderError> {
    let (processed, values) = prepare(chart, user_values, opts.skip_schema_validation)?;
    render_processed(&processed, values, opts, env)
}

/// The second half of [`render_chart`]: the kubeVersion check (when asked) and the
/// engine run, on a chart whose dependencies are processed and whose values are ready.
pub fn render_processed(
    processed: &Chart,
    values: Map,
    opts: &RenderOptions,
    env: &dyn Environment,
) -> Result<Rendered, RenderError> {
    let caps = Capabilities::new(opts.kube_version.as_deref(), &opts.api_versions)
        .map_err(|e| rerr(format!("invalid kube version: {e}")))?;
    if opts.check_kube_version
        && let Some(constraint) = processed.metadata.kube_version.as_deref()
        && !constraint.is_empty()
        && !kube_version_compatible(constraint, &caps.kube_version.normalized, env)
    {
        return Err(rerr(format!(
            "chart requires kubeVersion: {constraint} which is incompatible with Kubernetes {}",
            caps.kube_version.version
        )));
    }
    let templates = build_templates(processed, values, &opts.release, caps);
    let registry = Registry::standard();
    let engine = Engine {
        funcs: &registry,
        env,
        lookup: None,
        strict: opts.strict,
        lint_mode: opts.lint_mode,
    };
    let out = engine
        .render(&templates)
        .map_err(|e| rerr(e.message.clone()))?;
    let crds = processed
        .crd_objects()
        .into_iter()
        .map(|(path, f)| (path, String::from_utf8_lossy(&f.data).into_owned()))
        .collect();
    Ok(Rendered {
        templates: out,
        crds,
        chart_name: processed.name().to_string(),
    })
}

/// `.Release`.
fn release_value(r: &ReleaseOptions) -> Value {
    let m = Map::new();
    m.insert("Name", Value::str(&r.name));
    m.insert("Namespace", Value::str(&r.namespace));
    m.insert("IsUpgrade", Value::Bool(r.is_upgrade));
    m.insert("IsInstall", Value::Bool(!r.is_upgrade));
    m.insert("Revision", Value::Int(r.revision));
    m.insert("Service", Value::str("Helm"));
    Value::Map(m)
}

/// Every template of the chart and its subcharts with the data it executes against,
/// as Helm's engine assembles them (`recAllTpls`).
pub fn build_templates(
    chart: &Chart,
    values: Map,
    release: &ReleaseOptions,
    caps: Capabilities,
) -> Vec<RenderTemplate> {
    let shared = Shared {
        release: release_value(release),
        caps: Value::Object(Rc::new(caps)),
    };
    let mut out = Vec::new();
    collect(
        chart,
        chart.name(),
        true,
        Value::Map(values),
        &shared,
        &mut out,
    );
    out
}

struct Shared {
    release: Value,
    caps: Value,
}

fn files_value(chart: &Chart) -> Value {
    let files = chart
        .files
        .iter()
        .map(|f| (f.name.clone(), Rc::from(&f.data[..])))
        .collect();
    Value::Object(Rc::new(Files(files)))
}

fn collect(
    chart: &Chart,
    full_path: &str,
    is_root: bool,
    values: Value,
    shared: &Shared,
    out: &mut Vec<RenderTemplate>,
) -> Map {
    let subcharts = Map::new();
    let next = Map::with_kind(MapKind::Values);
    next.insert("Chart", metadata_value(&chart.metadata, is_root));
    next.insert("Files", files_value(chart));
    next.insert("Release", shared.release.clone());
    next.insert("Capabilities", shared.caps.clone());
    next.insert("Values", values.clone());
    next.insert("Subcharts", Value::Map(subcharts.clone()));

    for dep in &chart.dependencies {
        let sub_values = values
            .as_map()
            .and_then(|m| m.get(dep.name()))
            .filter(|v| matches!(v, Value::Map(_)))
            .unwrap_or_else(|| Value::Map(Map::with_kind(MapKind::Values)));
        let sub_path = format!("{full_path}/charts/{}", dep.name());
        let sub_next = collect(dep, &sub_path, false, sub_values, shared, out);
        let as_any = Map::new();
        for (k, v) in sub_next.entries() {
            as_any.insert(k, v);
        }
        subcharts.insert(dep.name().to_string(), Value::Map(as_any));
    }

    let base_path = format!("{full_path}/templates");
    let library = chart
        .metadata
        .chart_type
        .as_deref()
        .is_some_and(|t| t.eq_ignore_ascii_case("library"));
    for t in &chart.templates {
        let base = t.name.rsplit('/').next().unwrap_or(&t.name);
        if library && !base.starts_with('_') {
            continue;
        }
        let name = format!("{full_path}/{}", t.name);
        // Helm hands every template of a chart the same top-level map (the engine sets
        // `.Template` on it before each file), so `set $ "Values" ...` in one template is
        // seen by the later ones — Istio's charts rely on it.
        let data = next.clone();
        let tmpl = Map::with_kind(MapKind::Values);
        tmpl.insert("Name", Value::str(&name));
        tmpl.insert("BasePath", Value::str(&base_path));
        data.insert("Template", Value::Map(tmpl));
        out.push(RenderTemplate {
            name,
            // `from_utf8` validates ASCII a word at a time; the lossy decoder is only
            // needed (and much slower) when the file is not valid UTF-8.
            source: match std::str::from_utf8(&t.data) {
                Ok(text) => Rc::from(text),
                Err(_) => Rc::from(String::from_utf8_lossy(&t.data).as_ref()),
            },
            data: Value::Map(data),
        });
    }
    next
}
