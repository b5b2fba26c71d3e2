//! JavaScript bindings of capstan-core (wasm-bindgen). Thin: inputs and outputs are
//! marshalled as JSON-shaped objects; every rule lives in the core.

mod env;
pub mod errors;
mod types;

use std::collections::BTreeMap;

use capstan_core::values::SetKind;
use capstan_core::{Map, Value, chart, manifest, render, values, yaml};
use wasm_bindgen::prelude::*;

pub use capstan_core as core;
pub use env::BrowserEnvironment;
use types::{
    CapstanError, ChartMetadata, HookOutput, RenderRequest, RenderResult, SchemaResult, Stage,
    ValuesResult,
};

/// JSON text to a JavaScript value.
fn to_js<T: serde::Serialize>(v: &T) -> Result<JsValue, JsError> {
    let text = serde_json::to_string(v).map_err(|e| JsError::new(&e.to_string()))?;
    js_sys::JSON::parse(&text).map_err(|_| JsError::new("cannot pass the result to JavaScript"))
}

/// A JavaScript value (plain object) to a request; `undefined` and `null` are defaults.
fn from_js<T: serde::de::DeserializeOwned + Default>(v: &JsValue) -> Result<T, JsError> {
    if v.is_undefined() || v.is_null() {
        return Ok(T::default());
    }
    let text: String = js_sys::JSON::stringify(v)
        .map_err(|_| JsError::new("the request is not JSON-serialisable"))?
        .into();
    serde_json::from_str(&text).map_err(|e| JsError::new(&format!("invalid request: {e}")))
}

fn set_kind(kind: &str) -> Option<SetKind> {
    Some(match kind {
        "set" => SetKind::Set,
        "set-string" => SetKind::SetString,
        "set-json" => SetKind::SetJson,
        "set-literal" => SetKind::SetLiteral,
        _ => return None,
    })
}

/// The user values of a request, as Helm's `MergeValues` builds them: values files merged
/// in order, then `--set-json`, `--set`, `--set-string`, `--set-literal` (each flag's
/// expressions in order, the flags in that fixed order whatever the command line said).
fn user_values(req: &RenderRequest) -> Result<Map, Box<CapstanError>> {
    let mut maps = Vec::with_capacity(req.values.len());
    for (i, text) in req.values.iter().enumerate() {
        let m = yaml::parse_values(text).map_err(|e| {
            Box::new(CapstanError {
                index: Some(i),
                line: e.line,
                column: e.column,
                ..CapstanError::new(Stage::Values, e.message)
            })
        })?;
        maps.push(m);
    }
    let base = values::merge_user_values(&maps);
    for (i, s) in req.set.iter().enumerate() {
        if set_kind(&s.kind).is_none() {
            return Err(Box::new(CapstanError {
                index: Some(i),
                ..CapstanError::new(Stage::Set, format!("unknown --set kind {:?}", s.kind))
            }));
        }
    }
    for kind in [
        SetKind::SetJson,
        SetKind::Set,
        SetKind::SetString,
        SetKind::SetLiteral,
    ] {
        for (i, s) in req.set.iter().enumerate() {
            if set_kind(&s.kind) != Some(kind) {
                continue;
            }
            values::parse_set(kind, &s.expr, &base).map_err(|e| {
                Box::new(CapstanError {
                    index: Some(i),
                    ..CapstanError::new(Stage::Set, e.message)
                })
            })?;
        }
    }
    Ok(base)
}

fn render_options(req: &RenderRequest) -> render::RenderOptions {
    let mut release = render::ReleaseOptions::default();
    let r = &req.release;
    if let Some(n) = &r.name {
        release.name = n.clone();
    }
    if let Some(n) = &r.namespace {
        release.namespace = n.clone();
    }
    if let Some(n) = r.revision {
        release.revision = n;
    }
    if let Some(u) = r.upgrade {
        release.is_upgrade = u;
    }
    render::RenderOptions {
        release,
        kube_version: req.kube_version.clone().filter(|v| !v.is_empty()),
        api_versions: req.api_versions.clone(),
        skip_schema_validation: req.skip_schema_validation,
        check_kube_version: req.check_kube_version.unwrap_or(true),
        strict: req.strict,
        lint_mode: false,
    }
}

fn dependency_names(c: &chart::Chart, prefix: &str, out: &mut Vec<String>) {
    for d in &c.dependencies {
        let name = format!("{prefix}{}", d.name());
        dependency_names(d, &format!("{name}/"), out);
        out.push(name);
    }
}

/// A loaded chart (and its subcharts), ready to render many times.
#[wasm_bindgen]
pub struct Chart {
    inner: chart::Chart,
}

#[wasm_bindgen]
impl Chart {
    /// Loads a chart from a `.tgz` archive's bytes.
    #[wasm_bindgen(js_name = fromArchive)]
    pub fn from_archive(bytes: &[u8]) -> Result<Chart, JsError> {
        chart::load_archive(bytes)
            .map(|inner| Chart { inner })
            .map_err(|e| JsError::new(&e.message))
    }

    /// Loads a chart from its files: a `Map` or plain object of path (relative to the
    /// chart root, `/`-separated) to `Uint8Array` or string. `.helmignore` applies, as for
    /// a chart directory.
    #[wasm_bindgen(js_name = fromFiles)]
    pub fn from_files(
        #[wasm_bindgen(
            unchecked_param_type = "Map<string, Uint8Array | string> | Record<string, Uint8Array | string>"
        )]
        files: JsValue,
    ) -> Result<Chart, JsError> {
        let entries: js_sys::Array = if let Some(m) = files.dyn_ref::<js_sys::Map>() {
            js_sys::Array::from(&m.entries().into())
        } else if files.is_object() {
            js_sys::Object::entries(files.unchecked_ref())
        } else {
            return Err(JsError::new("files must be a Map or an object"));
        };
        let mut map = BTreeMap::new();
        for entry in entries.iter() {
            let pair: js_sys::Array = entry.unchecked_into();
            let Some(path) = pair.get(0).as_string() else {
                return Err(JsError::new("file paths must be strings"));
            };
            let data = pair.get(1);
            let bytes = if let Some(s) = data.as_string() {
                s.into_bytes()
            } else if data.is_instance_of::<js_sys::Uint8Array>() {
                js_sys::Uint8Array::new(&data).to_vec()
            } else {
                return Err(JsError::new(&format!(
                    "{path}: content must be a Uint8Array or a string"
                )));
            };
            map.insert(path, bytes);
        }
        chart::load_files(map)
            .map(|inner| Chart { inner })
            .map_err(|e| JsError::new(&e.message))
    }

    /// The chart's name (Chart.yaml `name`).
    #[wasm_bindgen(getter)]
    pub fn name(&self) -> String {
        self.inner.name().to_string()
    }

    /// Chart.yaml's main fields and the loaded subcharts.
    #[wasm_bindgen(unchecked_return_type = "ChartMetadata")]
    pub fn metadata(&self) -> Result<JsValue, JsError> {
        let md = &self.inner.metadata;
        let mut dependencies = Vec::new();
        dependency_names(&self.inner, "", &mut dependencies);
        to_js(&ChartMetadata {
            api_version: md.api_version.clone(),
            name: md.name.clone(),
            version: md.version.clone(),
            app_version: md.app_version.clone(),
            description: md.description.clone(),
            chart_type: md.chart_type.clone(),
            kube_version: md.kube_version.clone(),
            dependencies,
        })
    }

    /// values.yaml as written (empty when the chart has none).
    #[wasm_bindgen(js_name = defaultValues)]
    pub fn default_values(&self) -> String {
        self.inner
            .raw_values
            .as_deref()
            .map(|v| String::from_utf8_lossy(v).into_owned())
            .unwrap_or_default()
    }

    /// values.schema.json as written, if any.
    pub fn schema(&self) -> Option<String> {
        self.inner
            .schema
            .as_deref()
            .map(|v| String::from_utf8_lossy(v).into_owned())
    }

    /// Renders the chart like `helm template`: per-template output, the manifest, NOTES,
    /// hooks, or the error with where it points. Never throws for a chart or values
    /// problem; throws only for a malformed request.
    #[wasm_bindgen(unchecked_return_type = "RenderResult")]
    pub fn render(
        &self,
        #[wasm_bindgen(unchecked_param_type = "RenderRequest")] request: JsValue,
    ) -> Result<JsValue, JsError> {
        let req: RenderRequest = from_js(&request)?;
        to_js(&self.render_request(&req))
    }

    /// The coalesced values (chart defaults, subcharts, globals and the user's values).
    #[wasm_bindgen(js_name = computeValues, unchecked_return_type = "ValuesResult")]
    pub fn compute_values(
        &self,
        #[wasm_bindgen(unchecked_param_type = "RenderRequest")] request: JsValue,
    ) -> Result<JsValue, JsError> {
        let req: RenderRequest = from_js(&request)?;
        let result = user_values(&req).and_then(|user| {
            values::coalesce(&self.inner, &user)
                .map_err(|e| Box::new(CapstanError::new(Stage::Values, e.message)))
        });
        to_js(&match result {
            Ok(v) => ValuesResult {
                ok: true,
                values: Some(Value::Map(v).to_json()),
                error: None,
            },
            Err(e) => ValuesResult {
                ok: false,
                values: None,
                error: Some(e),
            },
        })
    }

    /// Validates the coalesced values against values.schema.json of the chart and its
    /// subcharts.
    #[wasm_bindgen(js_name = validateValues, unchecked_return_type = "SchemaResult")]
    pub fn validate_values(
        &self,
        #[wasm_bindgen(unchecked_param_type = "RenderRequest")] request: JsValue,
    ) -> Result<JsValue, JsError> {
        let req: RenderRequest = from_js(&request)?;
        let result = user_values(&req).and_then(|user| {
            let merged = values::coalesce(&self.inner, &user)
                .map_err(|e| Box::new(CapstanError::new(Stage::Values, e.message)))?;
            values::validate_schema(&self.inner, &merged)
                .map_err(|e| Box::new(CapstanError::new(Stage::Values, e.message)))
        });
        to_js(&match result {
            Ok(()) => SchemaResult {
                ok: true,
                error: None,
            },
            Err(e) => SchemaResult {
                ok: false,
                error: Some(e),
            },
        })
    }
}

impl Chart {
    fn render_request(&self, req: &RenderRequest) -> RenderResult {
        let user = match user_values(req) {
            Ok(u) => u,
            Err(e) => return failed(e),
        };
        let opts = render_options(req);
        let rendered = match render::render_chart(&self.inner, &user, &opts, &BrowserEnvironment) {
            Ok(r) => r,
            Err(e) => return failed(Box::new(CapstanError::new(Stage::Render, e.message))),
        };
        let mut result = RenderResult {
            templates: rendered.templates.clone(),
            ..RenderResult::default()
        };
        let m = match manifest::build(&self.inner, &rendered) {
            Ok(m) => m,
            Err(e) => {
                result.error = Some(Box::new(CapstanError::new(Stage::Manifest, e.message)));
                return result;
            }
        };
        let out_opts = manifest::TemplateOutput {
            include_crds: req.include_crds,
            no_hooks: req.no_hooks,
            skip_tests: req.skip_tests,
        };
        let mut output = manifest::template_text(&m, &rendered, &out_opts);
        if !req.show_only.is_empty() {
            match manifest::show_only(&output, &req.show_only) {
                Ok(o) => output = o,
                Err(e) => result.error = Some(Box::new(CapstanError::new(Stage::ShowOnly, e))),
            }
        }
        result.ok = result.error.is_none();
        result.output = output;
        result.hooks = m
            .hooks
            .into_iter()
            .map(|h| HookOutput {
                name: h.name,
                kind: h.kind,
                path: h.path,
                manifest: h.manifest,
                events: h.events,
                weight: h.weight,
                delete_policies: h.delete_policies,
            })
            .collect();
        result.manifest = m.manifest;
        result.notes = m.notes;
        result
    }
}

fn failed(e: Box<CapstanError>) -> RenderResult {
    RenderResult {
        error: Some(e),
        ..RenderResult::default()
    }
}

/// Parses one `--set`-style expression (`kind`: `set`, `set-string`, `set-json`,
/// `set-literal`) as Helm's strvals does; throws Helm's message on error.
#[wasm_bindgen(js_name = parseSet, unchecked_return_type = "Record<string, unknown>")]
pub fn parse_set(kind: &str, expr: &str) -> Result<JsValue, JsError> {
    let kind =
        set_kind(kind).ok_or_else(|| JsError::new(&format!("unknown --set kind {kind:?}")))?;
    let map = Map::new();
    values::parse_set(kind, expr, &map).map_err(|e| JsError::new(&e.message))?;
    to_js(&Value::Map(map).to_json())
}

/// Reads a values file as Helm does (documents merged, YAML 1.1 scalars); throws on error.
#[wasm_bindgen(js_name = parseValues, unchecked_return_type = "Record<string, unknown>")]
pub fn parse_values(text: &str) -> Result<JsValue, JsError> {
    let map = yaml::parse_values(text).map_err(|e| JsError::new(&e.message))?;
    to_js(&Value::Map(map).to_json())
}

/// The Kubernetes version templates see by default (`.Capabilities.KubeVersion`).
#[wasm_bindgen(js_name = defaultKubeVersion)]
pub fn default_kube_version() -> String {
    render::DEFAULT_KUBE_VERSION.to_string()
}

/// The API versions templates see by default (`.Capabilities.APIVersions`).
#[wasm_bindgen(js_name = defaultApiVersions)]
pub fn default_api_versions() -> Vec<String> {
    render::DEFAULT_API_VERSIONS
        .iter()
        .map(|s| s.to_string())
        .collect()
}

/// The version of this package.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}
