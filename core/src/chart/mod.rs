//! Charts: Chart.yaml (apiVersion v1 and v2), requirements.yaml, the in-memory file tree,
//! `.helmignore`, archive loading (gzip + tar from bytes, with Helm's limits) and the
//! dependency tree under `charts/`.

use std::collections::BTreeMap;

use crate::value::{Map, Value};

/// A loaded chart and, recursively, its dependencies from `charts/`.
#[derive(Clone, Default)]
pub struct Chart {
    pub metadata: Metadata,
    /// Chart.yaml as parsed, for `.Chart` fields Helm exposes beyond [`Metadata`].
    pub raw_metadata: Value,
    /// `templates/**`, paths relative to the chart root (`templates/deployment.yaml`).
    pub templates: Vec<File>,
    /// Every other file (for `.Files`), paths relative to the chart root, minus
    /// Chart.yaml, values.yaml, templates/ and charts/ entries as Helm does.
    pub files: Vec<File>,
    /// values.yaml parsed.
    pub values: Map,
    /// values.yaml as written (for `show values`).
    pub raw_values: Option<Vec<u8>>,
    /// values.schema.json as written.
    pub schema: Option<Vec<u8>>,
    /// `crds/**` files.
    pub crds: Vec<File>,
    /// Charts loaded from `charts/` (directories and archives), in Helm's order.
    pub dependencies: Vec<Chart>,
    /// requirements.lock / Chart.lock as written, if any.
    pub lock: Option<Vec<u8>>,
}

/// One file of a chart.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct File {
    pub name: String,
    pub data: Vec<u8>,
}

/// Chart.yaml.
#[derive(Clone, Debug, Default)]
pub struct Metadata {
    pub api_version: String,
    pub name: String,
    pub version: String,
    pub kube_version: Option<String>,
    pub description: Option<String>,
    /// `application` or `library` (empty means application).
    pub chart_type: Option<String>,
    pub app_version: Option<String>,
    pub deprecated: bool,
    pub keywords: Vec<String>,
    pub home: Option<String>,
    pub sources: Vec<String>,
    pub icon: Option<String>,
    pub maintainers: Vec<Maintainer>,
    pub annotations: BTreeMap<String, String>,
    pub dependencies: Vec<Dependency>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Maintainer {
    pub name: String,
    pub email: Option<String>,
    pub url: Option<String>,
}

/// A dependency declared in Chart.yaml (v2) or requirements.yaml (v1).
#[derive(Clone, Debug, Default)]
pub struct Dependency {
    pub name: String,
    pub version: Option<String>,
    pub repository: Option<String>,
    pub condition: Option<String>,
    pub tags: Vec<String>,
    /// Set by dependency processing (conditions, tags).
    pub enabled: bool,
    /// `import-values` entries: strings or `{child, parent}` maps.
    pub import_values: Vec<Value>,
    pub alias: Option<String>,
}

impl Chart {
    pub fn name(&self) -> &str {
        &self.metadata.name
    }
    pub fn is_library(&self) -> bool {
        self.metadata.chart_type.as_deref() == Some("library")
    }
}

/// A chart that could not be loaded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadError {
    pub message: String,
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for LoadError {}

/// Loads a chart from its files: paths relative to the chart root, `/`-separated
/// (as the host reads a directory, after `.helmignore`).
pub fn load_files(files: BTreeMap<String, Vec<u8>>) -> Result<Chart, LoadError> {
    let _ = files;
    Err(LoadError {
        message: "chart loading not implemented yet".into(),
    })
}

/// Loads a chart from a `.tgz` archive's bytes.
pub fn load_archive(bytes: &[u8]) -> Result<Chart, LoadError> {
    let _ = bytes;
    Err(LoadError {
        message: "chart archives not implemented yet".into(),
    })
}
