//! `capstan show chart|values|readme|crds|all CHART`.

use std::path::Path;

use capstan_core::chart::{Chart, Metadata};
use capstan_core::{Map, Value, yaml};

use capstan_host::chartfs;

/// What to show.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ShowWhat {
    All,
    Chart,
    Values,
    Readme,
    Crds,
}

/// Chart.yaml as Helm re-marshals it (JSON field names, empty fields omitted, keys
/// sorted).
pub fn metadata_yaml(md: &Metadata) -> Result<String, String> {
    let m = Map::new();
    let put_str = |k: &str, v: &str| {
        if !v.is_empty() {
            m.insert(k, Value::str(v));
        }
    };
    let put_opt = |k: &str, v: &Option<String>| {
        if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
            m.insert(k, Value::str(v));
        }
    };
    let strs = |v: &[String]| Value::list(v.iter().map(|s| Value::str(s)).collect());
    put_str("name", &md.name);
    put_opt("home", &md.home);
    if !md.sources.is_empty() {
        m.insert("sources", strs(&md.sources));
    }
    put_str("version", &md.version);
    put_opt("description", &md.description);
    if !md.keywords.is_empty() {
        m.insert("keywords", strs(&md.keywords));
    }
    if !md.maintainers.is_empty() {
        let list = md
            .maintainers
            .iter()
            .map(|mt| {
                let e = Map::new();
                if !mt.name.is_empty() {
                    e.insert("name", Value::str(&mt.name));
                }
                if let Some(v) = mt.email.as_deref().filter(|v| !v.is_empty()) {
                    e.insert("email", Value::str(v));
                }
                if let Some(v) = mt.url.as_deref().filter(|v| !v.is_empty()) {
                    e.insert("url", Value::str(v));
                }
                Value::Map(e)
            })
            .collect();
        m.insert("maintainers", Value::list(list));
    }
    put_opt("icon", &md.icon);
    put_str("apiVersion", &md.api_version);
    put_opt("condition", &md.condition);
    put_opt("tags", &md.tags);
    put_opt("appVersion", &md.app_version);
    if md.deprecated {
        m.insert("deprecated", Value::Bool(true));
    }
    if !md.annotations.is_empty() {
        let a = Map::new();
        for (k, v) in &md.annotations {
            a.insert(k.clone(), Value::str(v));
        }
        m.insert("annotations", Value::Map(a));
    }
    put_opt("kubeVersion", &md.kube_version);
    if !md.dependencies.is_empty() {
        let list = md
            .dependencies
            .iter()
            .map(|d| {
                let e = Map::new();
                e.insert("name", Value::str(&d.name));
                if let Some(v) = d.version.as_deref().filter(|v| !v.is_empty()) {
                    e.insert("version", Value::str(v));
                }
                e.insert(
                    "repository",
                    Value::str(d.repository.as_deref().unwrap_or("")),
                );
                if let Some(v) = d.condition.as_deref().filter(|v| !v.is_empty()) {
                    e.insert("condition", Value::str(v));
                }
                if !d.tags.is_empty() {
                    e.insert("tags", strs(&d.tags));
                }
                if d.enabled {
                    e.insert("enabled", Value::Bool(true));
                }
                if !d.import_values.is_empty() {
                    e.insert("import-values", Value::list(d.import_values.clone()));
                }
                if let Some(v) = d.alias.as_deref().filter(|v| !v.is_empty()) {
                    e.insert("alias", Value::str(v));
                }
                Value::Map(e)
            })
            .collect();
        m.insert("dependencies", Value::list(list));
    }
    put_opt("type", &md.chart_type);
    yaml::to_yaml(&Value::Map(m)).map_err(|e| e.to_string())
}

/// The text of `helm show WHAT` for a loaded chart.
pub fn show_text(chart: &Chart, what: ShowWhat) -> Result<String, String> {
    let all = what == ShowWhat::All;
    let mut out = String::new();
    if what == ShowWhat::Chart || all {
        out.push_str(&metadata_yaml(&chart.metadata)?);
        out.push('\n');
    }
    if (what == ShowWhat::Values || all)
        && let Some(raw) = &chart.raw_values
    {
        if all {
            out.push_str("---\n");
        }
        out.push_str(&String::from_utf8_lossy(raw));
        out.push('\n');
    }
    if what == ShowWhat::Readme || all {
        let readme = chart.files.iter().find(|f| {
            ["readme.md", "readme.txt", "readme"]
                .iter()
                .any(|n| f.name.eq_ignore_ascii_case(n))
        });
        if let Some(f) = readme {
            if all {
                out.push_str("---\n");
            }
            out.push_str(&String::from_utf8_lossy(&f.data));
            out.push('\n');
        }
    }
    if what == ShowWhat::Crds || all {
        for (_, f) in chart.crd_objects() {
            if !f.data.starts_with(b"---") {
                out.push_str("---\n");
            }
            out.push_str(&String::from_utf8_lossy(&f.data));
            out.push('\n');
        }
    }
    Ok(out)
}

/// Runs `show`.
pub fn run(what: ShowWhat, chart_path: &str) -> Result<String, String> {
    let chart = chartfs::load_chart(Path::new(chart_path))?;
    show_text(&chart, what)
}
