//! `capstan debug`: the same commands, arguments and JSON as `../shared/oracle/helm_oracle.py`,
//! so any input can be given to both and diffed.

use std::collections::BTreeMap;
use std::path::Path;

use capstan_core::render::{ReleaseOptions, RenderOptions};
use capstan_core::values::SetKind;
use capstan_core::{Environment, Map, Value, chart, manifest, render, values, yaml};
use serde_json::json;

use crate::chartfs;

/// Reads `-f` files and merges them like `helm -f a -f b`.
pub fn read_user_values(files: &[String]) -> Result<Map, String> {
    let mut maps = Vec::new();
    for f in files {
        let bytes = std::fs::read(f).map_err(|e| format!("{f}: {e}"))?;
        let text = String::from_utf8_lossy(&bytes);
        maps.push(yaml::parse_values(&text).map_err(|e| format!("{f}: {e}"))?);
    }
    Ok(values::merge_user_values(&maps))
}

/// `debug render`: `{"templates": {...}}`, or with `manifest` `{"manifest", "notes"}`.
pub fn render(
    chart_path: &str,
    values_files: &[String],
    release: ReleaseOptions,
    with_manifest: bool,
    env: &dyn Environment,
) -> Result<serde_json::Value, String> {
    let chart = chartfs::load_chart(Path::new(chart_path))?;
    let user = read_user_values(values_files)?;
    let opts = RenderOptions {
        release,
        check_kube_version: with_manifest,
        ..RenderOptions::default()
    };
    let rendered = render::render_chart(&chart, &user, &opts, env).map_err(|e| e.to_string())?;
    if with_manifest {
        let m = manifest::build(&chart, &rendered).map_err(|e| e.to_string())?;
        Ok(json!({"manifest": m.manifest, "notes": m.notes}))
    } else {
        Ok(json!({"templates": rendered.templates}))
    }
}

/// `debug strvals KIND EXPR`: the parsed values as JSON.
pub fn strvals(kind: &str, expr: &str) -> Result<serde_json::Value, String> {
    let kind = parse_set_kind(kind)?;
    let map = Map::new();
    values::parse_set(kind, expr, &map).map_err(|e| e.to_string())?;
    Ok(Value::Map(map).to_json())
}

/// Maps a flag name (`set`, `set-string`, `set-json`, `set-literal`) to its kind.
pub fn parse_set_kind(kind: &str) -> Result<SetKind, String> {
    Ok(match kind {
        "set" => SetKind::Set,
        "set-string" => SetKind::SetString,
        "set-json" => SetKind::SetJson,
        "set-literal" => SetKind::SetLiteral,
        other => return Err(format!("unknown strvals kind {other:?}")),
    })
}

/// `debug merge CHART -f ...`: Helm's CoalesceValues of chart defaults and user values.
pub fn merge(chart_path: &str, values_files: &[String]) -> Result<serde_json::Value, String> {
    let chart = chartfs::load_chart(Path::new(chart_path))?;
    let user = read_user_values(values_files)?;
    let merged = values::coalesce(&chart, &user).map_err(|e| e.to_string())?;
    Ok(Value::Map(merged).to_json())
}

/// `debug schema CHART -f ...`: `{"ok": true}` or `{"ok": false, "error": ...}`.
pub fn schema(chart_path: &str, values_files: &[String]) -> Result<serde_json::Value, String> {
    let chart = chartfs::load_chart(Path::new(chart_path))?;
    let user = read_user_values(values_files)?;
    let merged = values::coalesce(&chart, &user).map_err(|e| e.to_string())?;
    Ok(match values::validate_schema(&chart, &merged) {
        Ok(()) => json!({"ok": true}),
        Err(e) => json!({"ok": false, "error": e.to_string()}),
    })
}

const DEFAULT_SNIPPET_CHART: &str = "apiVersion: v2\nname: snippet\nversion: 0.1.0\n";

/// Runs one snippet case (see `../shared/conformance/README.md`): builds the chart the
/// case describes, renders it, and returns the output of `templates/snippet.yaml`.
pub fn run_snippet(case: &serde_json::Value, env: &dyn Environment) -> Result<String, String> {
    let text = |k: &str| case.get(k).and_then(|v| v.as_str());
    let mut files: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    files.insert(
        "Chart.yaml".into(),
        text("chart")
            .unwrap_or(DEFAULT_SNIPPET_CHART)
            .as_bytes()
            .to_vec(),
    );
    files.insert(
        "values.yaml".into(),
        text("values").unwrap_or("").as_bytes().to_vec(),
    );
    files.insert(
        "templates/snippet.yaml".into(),
        text("template").unwrap_or("").as_bytes().to_vec(),
    );
    if let Some(h) = text("helpers") {
        files.insert("templates/_helpers.tpl".into(), h.as_bytes().to_vec());
    }
    if let Some(extra) = case.get("files").and_then(|f| f.as_object()) {
        for (path, content) in extra {
            files.insert(
                path.clone(),
                content.as_str().unwrap_or("").as_bytes().to_vec(),
            );
        }
    }
    let release = snippet_release(case.get("release"));
    let chart = chart::load_files(files).map_err(|e| e.to_string())?;
    let opts = RenderOptions {
        release,
        ..RenderOptions::default()
    };
    let rendered =
        render::render_chart(&chart, &Map::new(), &opts, env).map_err(|e| e.to_string())?;
    let key = format!("{}/templates/snippet.yaml", chart.name());
    rendered
        .templates
        .get(&key)
        .cloned()
        .ok_or_else(|| format!("render produced no {key}"))
}

fn snippet_release(r: Option<&serde_json::Value>) -> ReleaseOptions {
    let mut out = ReleaseOptions::default();
    if let Some(r) = r {
        if let Some(n) = r.get("name").and_then(|v| v.as_str()) {
            out.name = n.into();
        }
        if let Some(n) = r.get("namespace").and_then(|v| v.as_str()) {
            out.namespace = n.into();
        }
        if let Some(n) = r.get("revision").and_then(|v| v.as_i64()) {
            out.revision = n;
        }
        if let Some(u) = r.get("upgrade").and_then(|v| v.as_bool()) {
            out.is_upgrade = u;
        }
    }
    out
}

/// `debug snippets FILE`: each case with `expect` or `error` added, one JSON line each.
pub fn snippets(
    path: &str,
    env: &dyn Environment,
    out: &mut dyn std::io::Write,
) -> Result<(), String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let mut case: serde_json::Value =
            serde_json::from_str(line).map_err(|e| format!("{path}:{}: {e}", n + 1))?;
        let result = run_snippet(&case, env);
        if let Some(obj) = case.as_object_mut() {
            obj.remove("expect");
            obj.remove("error");
            match result {
                Ok(s) => obj.insert("expect".into(), json!(s)),
                Err(e) => obj.insert("error".into(), json!(e)),
            };
        }
        writeln!(out, "{case}").map_err(|e| e.to_string())?;
    }
    Ok(())
}
