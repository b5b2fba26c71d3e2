//! The engine driver: builds `.Release`, `.Chart`, `.Capabilities`, `.Files`, `.Template`,
//! processes dependencies, and renders every template of a chart and its enabled subcharts.

use std::collections::BTreeMap;

use crate::chart::Chart;
use crate::env::Environment;
use crate::value::Map;

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
    /// Lint mode (`missingkey=error`).
    pub strict: bool,
}

/// A render's output: engine output per template name (before hooks are split off).
#[derive(Clone, Debug, Default)]
pub struct Rendered {
    pub templates: BTreeMap<String, String>,
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

/// Renders a chart with user values (already merged from `-f` files and `--set` flags).
pub fn render_chart(
    chart: &Chart,
    user_values: &Map,
    opts: &RenderOptions,
    env: &dyn Environment,
) -> Result<Rendered, RenderError> {
    let _ = (chart, user_values, opts, env);
    Err(RenderError {
        message: "rendering not implemented yet".into(),
    })
}
