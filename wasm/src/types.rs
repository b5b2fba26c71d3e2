//! The shapes that cross the JavaScript boundary (as JSON), and their TypeScript
//! declarations for the generated `.d.ts`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

use crate::errors::{Location, SchemaViolation};

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
/** A `--set`-style expression and the flag it comes from. */
export interface SetExpression {
  kind: "set" | "set-string" | "set-json" | "set-literal";
  expr: string;
}

/** `.Release` inputs (defaults: `release-name`, `default`, 1, install). */
export interface ReleaseInput {
  name?: string;
  namespace?: string;
  revision?: number;
  upgrade?: boolean;
}

/** What to render with, as the `helm template` flags say it. */
export interface RenderRequest {
  /** Values files' YAML text, in order (`-f a -f b`: later wins). */
  values?: string[];
  /** `--set-json`, `--set`, `--set-string`, `--set-literal` (applied in that order, as Helm does). */
  set?: SetExpression[];
  release?: ReleaseInput;
  /** `--kube-version` (default `v1.36.0`). */
  kubeVersion?: string;
  /** `--api-versions`, added to the default set. */
  apiVersions?: string[];
  skipSchemaValidation?: boolean;
  /** Enforce Chart.yaml `kubeVersion` (default true, as `helm template` does). */
  checkKubeVersion?: boolean;
  includeCrds?: boolean;
  noHooks?: boolean;
  skipTests?: boolean;
  /** `--show-only` patterns (paths without the chart name, e.g. `templates/service.yaml`). */
  showOnly?: string[];
  /** Lint mode: missing keys are errors. */
  strict?: boolean;
}

/** A position in a template. */
export interface ErrorLocation {
  /** Full template name, e.g. `mychart/templates/deployment.yaml`. */
  template: string;
  /** The same path relative to the top chart's root, e.g. `templates/deployment.yaml`. */
  file: string;
  line: number | null;
  column: number | null;
}

/** One violation of a values.schema.json. */
export interface SchemaViolation {
  chart: string;
  /** JSON pointer into that chart's values (`/image/tag`; `""` for the root). */
  path: string;
  message: string;
}

/** A failure, in Helm's words, with where it points. */
export interface CapstanError {
  /** `values` (a values file), `set` (a --set expression), `render`, `manifest`, `showOnly`. */
  stage: "values" | "set" | "render" | "manifest" | "showOnly";
  message: string;
  /** Template positions named by the message, outermost first (the last is the fault). */
  locations: ErrorLocation[];
  /** Schema violations, when the values failed the chart's schema. */
  schema: SchemaViolation[];
  /** Index of the values file (stage `values`) or --set expression (stage `set`). */
  index: number | null;
  /** Line and column inside that values file, when known. */
  line: number | null;
  column: number | null;
}

export interface HookOutput {
  name: string;
  kind: string;
  path: string;
  manifest: string;
  events: string[];
  weight: number;
  deletePolicies: string[];
}

export interface RenderResult {
  ok: boolean;
  /** Engine output per template name (partials excluded), as `helm`'s engine returns it. */
  templates: Record<string, string>;
  /** The release manifest: non-hook documents in install order with `# Source:` headers. */
  manifest: string;
  /** What `helm template` prints (CRDs if asked, the manifest, then hooks; `--show-only` applied). */
  output: string;
  /** The top-level chart's rendered NOTES.txt. */
  notes: string;
  hooks: HookOutput[];
  error: CapstanError | null;
}

export interface ValuesResult {
  ok: boolean;
  /** The coalesced values (what `.Values` of the top chart holds). */
  values: Record<string, unknown> | null;
  error: CapstanError | null;
}

export interface SchemaResult {
  ok: boolean;
  error: CapstanError | null;
}

export interface ChartMetadata {
  apiVersion: string;
  name: string;
  version: string;
  appVersion: string | null;
  description: string | null;
  type: string | null;
  kubeVersion: string | null;
  /** Loaded subcharts' names, recursively as `parent/child`. */
  dependencies: string[];
}
"#;

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct SetExpression {
    pub kind: String,
    pub expr: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ReleaseInput {
    pub name: Option<String>,
    pub namespace: Option<String>,
    pub revision: Option<i64>,
    pub upgrade: Option<bool>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct RenderRequest {
    pub values: Vec<String>,
    pub set: Vec<SetExpression>,
    pub release: ReleaseInput,
    pub kube_version: Option<String>,
    pub api_versions: Vec<String>,
    pub skip_schema_validation: bool,
    pub check_kube_version: Option<bool>,
    pub include_crds: bool,
    pub no_hooks: bool,
    pub skip_tests: bool,
    pub show_only: Vec<String>,
    pub strict: bool,
}

#[derive(Serialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub enum Stage {
    Values,
    Set,
    Render,
    Manifest,
    ShowOnly,
}

#[derive(Serialize, Debug)]
pub struct CapstanError {
    pub stage: Stage,
    pub message: String,
    pub locations: Vec<Location>,
    pub schema: Vec<SchemaViolation>,
    pub index: Option<usize>,
    pub line: Option<usize>,
    pub column: Option<usize>,
}

impl CapstanError {
    pub fn new(stage: Stage, message: String) -> Self {
        CapstanError {
            stage,
            locations: crate::errors::locations(&message),
            schema: crate::errors::schema_violations(&message),
            message,
            index: None,
            line: None,
            column: None,
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HookOutput {
    pub name: String,
    pub kind: String,
    pub path: String,
    pub manifest: String,
    pub events: Vec<String>,
    pub weight: i64,
    pub delete_policies: Vec<String>,
}

#[derive(Serialize, Default)]
pub struct RenderResult {
    pub ok: bool,
    pub templates: BTreeMap<String, String>,
    pub manifest: String,
    pub output: String,
    pub notes: String,
    pub hooks: Vec<HookOutput>,
    pub error: Option<Box<CapstanError>>,
}

#[derive(Serialize)]
pub struct ValuesResult {
    pub ok: bool,
    pub values: Option<serde_json::Value>,
    pub error: Option<Box<CapstanError>>,
}

#[derive(Serialize)]
pub struct SchemaResult {
    pub ok: bool,
    pub error: Option<Box<CapstanError>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChartMetadata {
    pub api_version: String,
    pub name: String,
    pub version: String,
    pub app_version: Option<String>,
    pub description: Option<String>,
    #[serde(rename = "type")]
    pub chart_type: Option<String>,
    pub kube_version: Option<String>,
    pub dependencies: Vec<String>,
}
