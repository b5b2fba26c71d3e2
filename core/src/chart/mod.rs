//! Charts: Chart.yaml (apiVersion v1 and v2), requirements.yaml, the in-memory file tree,
//! `.helmignore`, archive loading (gzip + tar from bytes, with Helm's limits) and the
//! dependency tree under `charts/`.

mod archive;
pub mod ignore;
mod metadata;

use std::collections::BTreeMap;

use crate::value::{Map, Value};

pub use archive::{
    MAX_DECOMPRESSED_CHART_SIZE, MAX_DECOMPRESSED_FILE_SIZE, archive_files, load_archive,
};
pub use metadata::{is_valid_semver, metadata_value};

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
    /// Chart.yaml as written (for `show chart`).
    pub raw_chart_yaml: Vec<u8>,
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
    /// `condition` at chart level (unused by Helm's processing, exposed in `.Chart`).
    pub condition: Option<String>,
    /// `tags` at chart level, a plain string in Helm's struct.
    pub tags: Option<String>,
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
    /// Where in the chart the problem is, when known (a YAML syntax error).
    pub position: Option<SourcePosition>,
}

/// A position in a chart file, for error reports with the source line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourcePosition {
    /// Path relative to the top chart's root (`charts/sub/values.yaml`).
    pub file: String,
    /// 1-based.
    pub line: usize,
    /// 1-based.
    pub column: usize,
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for LoadError {}

/// Loads a chart from its files as read from a chart directory: paths relative to the
/// chart root, `/`-separated. Applies the chart's `.helmignore` (and Helm's default rule
/// for dot files in `templates/`) first, as Helm's directory loader does.
pub fn load_files(mut files: BTreeMap<String, Vec<u8>>) -> Result<Chart, LoadError> {
    let mut rules = match files.get(".helmignore") {
        Some(data) => ignore::Rules::parse(&String::from_utf8_lossy(data)).map_err(err)?,
        None => ignore::Rules::default(),
    };
    rules.add_defaults();
    files.retain(|name, _| !rules.ignore_file(name));
    for data in files.values_mut() {
        if data.starts_with(UTF8_BOM) {
            data.drain(..UTF8_BOM.len());
        }
    }
    let mut ordered: Vec<(String, Vec<u8>)> = files.into_iter().collect();
    // Helm walks the directory with each level's names sorted, which orders paths by
    // component, not by whole string (`a/x` before `a-b`).
    ordered.sort_by(|a, b| a.0.split('/').cmp(b.0.split('/')));
    load_chart_files(ordered)
}

const UTF8_BOM: &[u8] = &[0xEF, 0xBB, 0xBF];

fn err(message: impl Into<String>) -> LoadError {
    LoadError {
        message: message.into(),
        position: None,
    }
}

/// A YAML error in one of the chart's files, with its position when the parser gave one.
fn yaml_err(what: &str, file: &str, e: &crate::yaml::YamlError) -> LoadError {
    LoadError {
        message: format!("cannot load {what}: {}", e.message),
        position: e.line.map(|line| SourcePosition {
            file: file.to_string(),
            line,
            column: e.column.unwrap_or(1),
        }),
    }
}

fn utf8(name: &str, data: &[u8]) -> String {
    let _ = name;
    // `from_utf8` checks ASCII a word at a time; the lossy decoder is much slower.
    match std::str::from_utf8(data) {
        Ok(text) => text.to_owned(),
        Err(_) => String::from_utf8_lossy(data).into_owned(),
    }
}

/// Helm's `LoadFiles`: sorts a chart's files into Chart.yaml, values, templates, other
/// files and subcharts (directories and archives under `charts/`), then validates.
pub(crate) fn load_chart_files(files: Vec<(String, Vec<u8>)>) -> Result<Chart, LoadError> {
    load_chart_files_at(files, 0)
}

/// How deep subcharts may nest (directories and archives alike); far beyond any real
/// chart, it keeps a hostile archive of archives from exhausting the stack.
const MAX_SUBCHART_DEPTH: usize = 64;

fn load_chart_files_at(files: Vec<(String, Vec<u8>)>, depth: usize) -> Result<Chart, LoadError> {
    if depth > MAX_SUBCHART_DEPTH {
        return Err(err(format!(
            "subcharts nest more than {MAX_SUBCHART_DEPTH} levels deep"
        )));
    }
    let mut chart = Chart::default();
    let mut raw = metadata::RawMetadata::default();
    let mut have_metadata = false;
    for (name, data) in &files {
        if name == "Chart.yaml" {
            have_metadata = true;
            let doc = crate::yaml::parse(&utf8(name, data))
                .map_err(|e| yaml_err("Chart.yaml", name, &e))?;
            metadata::apply_document(&mut raw, &doc)
                .map_err(|e| err(format!("cannot load Chart.yaml: {e}")))?;
            if raw.md.api_version.is_empty() {
                raw.md.api_version = "v1".into();
            }
            chart.raw_chart_yaml = data.clone();
            chart.raw_metadata = doc;
        }
    }
    let mut subcharts: BTreeMap<String, Vec<(String, Vec<u8>)>> = BTreeMap::new();
    for (name, data) in files {
        match name.as_str() {
            "Chart.yaml" => continue,
            "Chart.lock" => chart.lock = Some(data),
            "values.yaml" => {
                let values = crate::yaml::parse_values(&utf8(&name, &data))
                    .map_err(|e| yaml_err("values.yaml", &name, &e))?;
                chart.values = values;
                chart.raw_values = Some(data);
            }
            "values.schema.json" => chart.schema = Some(data),
            "requirements.yaml" => {
                have_metadata = true;
                let doc = crate::yaml::parse(&utf8(&name, &data))
                    .map_err(|e| yaml_err("requirements.yaml", &name, &e))?;
                metadata::apply_document(&mut raw, &doc)
                    .map_err(|e| err(format!("cannot load requirements.yaml: {e}")))?;
                if raw.md.api_version == "v1" {
                    chart.files.push(File { name, data });
                }
            }
            "requirements.lock" => {
                have_metadata = true;
                if raw.md.api_version == "v1" {
                    chart.files.push(File {
                        name,
                        data: data.clone(),
                    });
                }
                chart.lock = Some(data);
            }
            _ if name.starts_with("templates/") => chart.templates.push(File { name, data }),
            _ if name.starts_with("charts/") => {
                if name.ends_with(".prov") {
                    chart.files.push(File { name, data });
                    continue;
                }
                let rest = &name["charts/".len()..];
                let cname = rest.split('/').next().unwrap_or_default().to_string();
                subcharts
                    .entry(cname)
                    .or_default()
                    .push((rest.to_string(), data));
            }
            _ => {
                if name.starts_with("crds/") && has_manifest_extension(&name) {
                    chart.crds.push(File {
                        name: name.clone(),
                        data: data.clone(),
                    });
                }
                chart.files.push(File { name, data });
            }
        }
    }
    if !have_metadata {
        return Err(err("Chart.yaml file is missing"));
    }
    metadata::validate(&mut raw)?;
    chart.metadata = raw.md;

    for (n, files) in subcharts {
        if n.starts_with('_') || n.starts_with('.') {
            continue;
        }
        let parent = chart.name().to_string();
        let is_archive = extension(&n) == ".tgz";
        let wrap = |e: LoadError| LoadError {
            message: format!("error unpacking subchart {n} in {parent}: {}", e.message),
            // Positions inside an archive cannot be shown from the directory.
            position: e.position.filter(|_| !is_archive).map(|p| SourcePosition {
                file: format!("charts/{n}/{}", p.file),
                ..p
            }),
        };
        let sub = if extension(&n) == ".tgz" {
            let (fname, data) = &files[0];
            if fname != &n {
                return Err(err(format!(
                    "error unpacking subchart tar in {parent}: expected {n}, got {fname}"
                )));
            }
            let files = archive::archive_files(data).map_err(wrap)?;
            load_chart_files_at(files, depth + 1).map_err(wrap)?
        } else {
            let inner: Vec<(String, Vec<u8>)> = files
                .into_iter()
                .filter_map(|(f, d)| f.split_once('/').map(|(_, rest)| (rest.to_string(), d)))
                .collect();
            load_chart_files_at(inner, depth + 1).map_err(wrap)?
        };
        chart.dependencies.push(sub);
    }
    Ok(chart)
}

/// Go's `filepath.Ext`.
fn extension(name: &str) -> &str {
    let base = name.rsplit('/').next().unwrap_or(name);
    match base.rfind('.') {
        Some(i) => &base[i..],
        None => "",
    }
}

fn has_manifest_extension(name: &str) -> bool {
    let ext = extension(name).to_ascii_lowercase();
    ext == ".yaml" || ext == ".yml" || ext == ".json"
}

impl Chart {
    /// The CRD files of this chart and its subcharts, with their full paths
    /// (`parent/charts/sub/crds/x.yaml`), in Helm's order.
    pub fn crd_objects(&self) -> Vec<(String, &File)> {
        let mut out = Vec::new();
        self.collect_crds(self.name(), &mut out);
        out
    }

    fn collect_crds<'a>(&'a self, full_path: &str, out: &mut Vec<(String, &'a File)>) {
        for f in &self.crds {
            out.push((format!("{full_path}/{}", f.name), f));
        }
        for d in &self.dependencies {
            d.collect_crds(&format!("{full_path}/charts/{}", d.name()), out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extensions() {
        assert_eq!(extension("charts/a.tgz"), ".tgz");
        assert_eq!(extension("a"), "");
        assert!(has_manifest_extension("crds/x.YAML"));
    }

    fn files(entries: &[(&str, &str)]) -> BTreeMap<String, Vec<u8>> {
        entries
            .iter()
            .map(|(k, v)| (k.to_string(), v.as_bytes().to_vec()))
            .collect()
    }

    #[test]
    fn loads_subcharts_and_sorts_files() {
        let c = load_files(files(&[
            ("Chart.yaml", "apiVersion: v2\nname: top\nversion: 1.0.0\n"),
            ("values.yaml", "a: 1\n"),
            ("templates/x.yaml", "x"),
            ("templates/.hidden", "h"),
            ("crds/c.yaml", "kind: CRD"),
            ("README.md", "r"),
            (
                "charts/sub/Chart.yaml",
                "apiVersion: v2\nname: sub\nversion: 0.1.0\n",
            ),
            ("charts/sub/templates/y.yaml", "y"),
            ("charts/_skip/Chart.yaml", "bad"),
            ("secret.bak", "s"),
            (".helmignore", "*.bak\n"),
        ]))
        .unwrap();
        assert_eq!(c.name(), "top");
        assert_eq!(c.templates.len(), 1);
        assert_eq!(c.crds.len(), 1);
        let names: Vec<&str> = c.files.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, vec![".helmignore", "README.md", "crds/c.yaml"]);
        assert_eq!(c.dependencies.len(), 1);
        assert_eq!(c.dependencies[0].templates[0].name, "templates/y.yaml");
        assert_eq!(c.crd_objects()[0].0, "top/crds/c.yaml");
        let c = load_files(files(&[
            ("Chart.yaml", "apiVersion: v2\nname: top\nversion: 1.0.0\n"),
            ("crds/a-b.yaml", "1"),
            ("crds/a/x.yaml", "2"),
        ]))
        .unwrap();
        assert_eq!(c.crds[0].name, "crds/a/x.yaml");
    }

    #[test]
    fn v1_requirements_and_validation() {
        let c = load_files(files(&[
            ("Chart.yaml", "name: old\nversion: 1.0.0\n"),
            (
                "requirements.yaml",
                "dependencies:\n- name: dep\n  condition: dep.enabled\n",
            ),
        ]))
        .unwrap();
        assert_eq!(c.metadata.api_version, "v1");
        assert_eq!(
            c.metadata.dependencies[0].condition.as_deref(),
            Some("dep.enabled")
        );
        assert_eq!(c.files[0].name, "requirements.yaml");
        let e = load_files(files(&[(
            "Chart.yaml",
            "apiVersion: v2\nname: x\nversion: nope\n",
        )]))
        .err()
        .unwrap();
        assert_eq!(
            e.message,
            "validation: chart.metadata.version \"nope\" is invalid"
        );
        let e = load_files(files(&[(
            "Chart.yaml",
            "apiVersion: v2\nname: x\nversion: 1.0.0\ntype: other\n",
        )]))
        .err()
        .unwrap();
        assert_eq!(
            e.message,
            "validation: chart.metadata.type must be application or library"
        );
        let c = load_files(files(&[(
            "Chart.yaml",
            "apiVersion: v2\nname: x\nversion: 1\nappVersion: 1.10\n",
        )]))
        .unwrap();
        assert_eq!(c.metadata.version, "1");
        assert_eq!(c.metadata.app_version.as_deref(), Some("1.1"));
    }

    #[test]
    fn subchart_errors_are_wrapped() {
        let e = load_files(files(&[
            ("Chart.yaml", "apiVersion: v2\nname: top\nversion: 1.0.0\n"),
            ("charts/sub/values.yaml", "a: 1\n"),
        ]))
        .err()
        .unwrap();
        assert_eq!(
            e.message,
            "error unpacking subchart sub in top: Chart.yaml file is missing"
        );
    }

    #[test]
    fn missing_chart_yaml() {
        let e = load_chart_files(vec![("values.yaml".into(), b"".to_vec())]);
        assert!(e.is_err());
    }
}
