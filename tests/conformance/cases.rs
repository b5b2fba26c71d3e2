//! The corpus's cases and how each is run.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use capstan_core::env::FixedEnvironment;
use capstan_core::render::{ReleaseOptions, RenderOptions};
use capstan_core::values::SetKind;
use capstan_core::{Map, Value, manifest, render, values};
use capstan_host::{chartfs, debug};
use serde_json::Value as Json;

use crate::compare;

/// A case's result.
pub enum Outcome {
    Pass,
    Fail(String),
}

impl Outcome {
    pub fn is_pass(&self) -> bool {
        matches!(self, Outcome::Pass)
    }
}

pub struct Case {
    pub id: String,
    pub area: String,
    kind: Kind,
}

enum Kind {
    Snippet(Json),
    Strvals(Json),
    ValuesMerge {
        dir: PathBuf,
        chart: PathBuf,
        run: Json,
    },
    ValuesSchema {
        dir: PathBuf,
        chart: PathBuf,
        run: Json,
    },
    ValuesRender {
        dir: PathBuf,
        chart: PathBuf,
        run: Json,
    },
    ChartTemplates(ChartCase),
    ChartManifest(ChartCase),
    ChartNotes(ChartCase),
}

#[derive(Clone)]
struct ChartCase {
    dir: PathBuf,
    chart: PathBuf,
    release: ReleaseOptions,
    values: Vec<String>,
    nondeterministic: BTreeSet<String>,
}

/// Every case of the corpus, in a stable order.
pub fn collect(root: &Path) -> Result<Vec<Case>, String> {
    let mut out = Vec::new();
    let snippets = root.join("snippets");
    let mut files: Vec<PathBuf> = read_dir(&snippets)?
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "jsonl"))
        .collect();
    files.sort();
    for f in files {
        let area = f
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        for line in read_text(&f)?.lines().filter(|l| !l.trim().is_empty()) {
            let case: Json = serde_json::from_str(line).map_err(|e| format!("{f:?}: {e}"))?;
            let id = case["id"].as_str().unwrap_or_default().to_string();
            out.push(Case {
                id,
                area: area.clone(),
                kind: Kind::Snippet(case),
            });
        }
    }

    let strvals = root.join("strvals.jsonl");
    for line in read_text(&strvals)?
        .lines()
        .filter(|l| !l.trim().is_empty())
    {
        let case: Json = serde_json::from_str(line).map_err(|e| format!("strvals: {e}"))?;
        let id = format!("strvals/{}", case["id"].as_str().unwrap_or_default());
        out.push(Case {
            id,
            area: "strvals".into(),
            kind: Kind::Strvals(case),
        });
    }

    let mut value_dirs = read_dir(&root.join("values"))?;
    value_dirs.sort();
    for dir in value_dirs {
        let spec: Json = serde_json::from_str(&read_text(&dir.join("cases.json"))?)
            .map_err(|e| format!("{dir:?}: {e}"))?;
        let chart = dir.join(spec["chart"].as_str().unwrap_or("chart"));
        for run in spec["runs"].as_array().cloned().unwrap_or_default() {
            let rid = run["id"].as_str().unwrap_or_default().to_string();
            let d = dir.clone();
            let c = chart.clone();
            if run.get("merge").is_some() {
                out.push(Case {
                    id: format!("values/{rid}/merge"),
                    area: "values-merge".into(),
                    kind: Kind::ValuesMerge {
                        dir: d.clone(),
                        chart: c.clone(),
                        run: run.clone(),
                    },
                });
            }
            if run.get("schema").is_some() {
                out.push(Case {
                    id: format!("values/{rid}/schema"),
                    area: "values-schema".into(),
                    kind: Kind::ValuesSchema {
                        dir: d.clone(),
                        chart: c.clone(),
                        run: run.clone(),
                    },
                });
            }
            if run.get("render").is_some() {
                out.push(Case {
                    id: format!("values/{rid}/render"),
                    area: "values-render".into(),
                    kind: Kind::ValuesRender {
                        dir: d,
                        chart: c,
                        run,
                    },
                });
            }
        }
    }

    let mut case_dirs = read_dir(&root.join("cases"))?;
    case_dirs.sort();
    for dir in case_dirs {
        let name = dir
            .file_name()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let cc = parse_case_yaml(root, &dir)?;
        out.push(Case {
            id: format!("chart/{name}/templates"),
            area: "chart-templates".into(),
            kind: Kind::ChartTemplates(cc.clone()),
        });
        if dir.join("manifest.yaml").exists() {
            out.push(Case {
                id: format!("chart/{name}/manifest"),
                area: "chart-manifest".into(),
                kind: Kind::ChartManifest(cc.clone()),
            });
        }
        if dir.join("notes.txt").exists() {
            out.push(Case {
                id: format!("chart/{name}/notes"),
                area: "chart-notes".into(),
                kind: Kind::ChartNotes(cc),
            });
        }
    }
    Ok(out)
}

fn read_dir(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let rd = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    Ok(rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
}

/// Reads a file as bytes and decodes it as UTF-8 without touching line endings.
fn read_text(path: &Path) -> Result<String, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    String::from_utf8(bytes).map_err(|e| format!("{}: {e}", path.display()))
}

/// case.yaml has a fixed, simple shape (see README-charts.md); read it line by line so
/// the harness does not depend on the YAML layer it tests.
fn parse_case_yaml(root: &Path, dir: &Path) -> Result<ChartCase, String> {
    let text = read_text(&dir.join("case.yaml"))?;
    let mut chart = None;
    let mut release = ReleaseOptions::default();
    let mut values = Vec::new();
    let mut nondeterministic = BTreeSet::new();
    let mut section = "";
    for line in text.lines() {
        if let Some(item) = line.strip_prefix("- ") {
            match section {
                "values" => values.push(item.trim().to_string()),
                "nondeterministic" => {
                    nondeterministic.insert(item.trim().to_string());
                }
                _ => {}
            }
            continue;
        }
        if let Some(kv) = line.strip_prefix("  ") {
            if section == "release" {
                let (k, v) = kv.split_once(':').unwrap_or((kv, ""));
                let v = v.trim().trim_matches('"');
                match k.trim() {
                    "name" => release.name = v.into(),
                    "namespace" => release.namespace = v.into(),
                    "revision" => release.revision = v.parse().unwrap_or(1),
                    "upgrade" => release.is_upgrade = v == "true",
                    _ => {}
                }
            }
            continue;
        }
        let (k, v) = line.split_once(':').unwrap_or((line, ""));
        section = match k.trim() {
            "chart" => {
                chart = Some(root.join(v.trim()));
                ""
            }
            "release" => "release",
            "values" => "values",
            "nondeterministic" => "nondeterministic",
            _ => "",
        };
    }
    Ok(ChartCase {
        dir: dir.to_path_buf(),
        chart: chart.ok_or_else(|| format!("{}: case.yaml has no chart", dir.display()))?,
        release,
        values,
        nondeterministic,
    })
}

fn env() -> FixedEnvironment {
    // 2026-01-15T10:20:30Z; the corpus avoids depending on the clock except in shape cases.
    FixedEnvironment::new(1_768_472_430, 0x5eed)
}

fn path_strings(dir: &Path, files: &[String]) -> Vec<String> {
    files
        .iter()
        .map(|f| dir.join(f).to_string_lossy().into_owned())
        .collect()
}

fn run_values(run: &Json) -> Vec<String> {
    run["values"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

impl Case {
    pub fn run(&self) -> Outcome {
        match &self.kind {
            Kind::Snippet(case) => run_snippet(case),
            Kind::Strvals(case) => run_strvals(case),
            Kind::ValuesMerge { dir, chart, run } => {
                let files = path_strings(dir, &run_values(run));
                let got = debug::merge(&chart.to_string_lossy(), &files);
                compare::json_result(&run["merge"], got)
            }
            Kind::ValuesSchema { dir, chart, run } => {
                let files = path_strings(dir, &run_values(run));
                let want_ok = run["schema"]["ok"].as_bool().unwrap_or(false);
                match debug::schema(&chart.to_string_lossy(), &files) {
                    Ok(v) => {
                        let got_ok = v["ok"].as_bool().unwrap_or(false);
                        if got_ok == want_ok {
                            Outcome::Pass
                        } else {
                            Outcome::Fail(format!(
                                "schema ok: want {want_ok}, got {v}\nexpected: {}",
                                run["schema"]
                            ))
                        }
                    }
                    Err(e) => Outcome::Fail(format!("error: {e}")),
                }
            }
            Kind::ValuesRender { dir, chart, run } => {
                let files = path_strings(dir, &run_values(run));
                let want = &run["render"];
                let got = debug::render(
                    &chart.to_string_lossy(),
                    &files,
                    ReleaseOptions::default(),
                    false,
                    &env(),
                );
                compare::templates_result(want, got, &BTreeSet::new())
            }
            Kind::ChartTemplates(cc) => {
                let want: Json = match read_text(&cc.dir.join("templates.json"))
                    .and_then(|t| serde_json::from_str(&t).map_err(|e| e.to_string()))
                {
                    Ok(w) => w,
                    Err(e) => return Outcome::Fail(e),
                };
                let got = debug::render(
                    &cc.chart.to_string_lossy(),
                    &path_strings(&cc.dir, &cc.values),
                    cc.release.clone(),
                    false,
                    &env(),
                );
                compare::templates_result(&want, got, &cc.nondeterministic)
            }
            Kind::ChartManifest(cc) | Kind::ChartNotes(cc) => {
                let is_manifest = matches!(self.kind, Kind::ChartManifest(_));
                let file = if is_manifest {
                    "manifest.yaml"
                } else {
                    "notes.txt"
                };
                let want = match read_text(&cc.dir.join(file)) {
                    Ok(w) => w,
                    Err(e) => return Outcome::Fail(e),
                };
                match render_manifest(cc) {
                    Ok(m) => {
                        if is_manifest {
                            compare::manifest(&want, &m.manifest, &cc.nondeterministic)
                        } else {
                            compare::text(&want, &m.notes)
                        }
                    }
                    Err(e) => Outcome::Fail(format!("error: {e}")),
                }
            }
        }
    }
}

fn render_manifest(cc: &ChartCase) -> Result<manifest::Manifest, String> {
    let chart = chartfs::load_chart(&cc.chart)?;
    let user = debug::read_user_values(&path_strings(&cc.dir, &cc.values))?;
    let opts = RenderOptions {
        release: cc.release.clone(),
        check_kube_version: true,
        ..RenderOptions::default()
    };
    let rendered = render::render_chart(&chart, &user, &opts, &env()).map_err(|e| e.to_string())?;
    manifest::build(&chart, &rendered).map_err(|e| e.to_string())
}

fn run_snippet(case: &Json) -> Outcome {
    let got = debug::run_snippet(case, &env());
    match (case.get("expect").and_then(Json::as_str), got) {
        (Some(want), Ok(got)) => compare::text(want, &got),
        (Some(_), Err(e)) => Outcome::Fail(format!("unexpected error: {e}")),
        (None, Err(_)) => Outcome::Pass,
        (None, Ok(got)) => Outcome::Fail(format!(
            "expected an error ({}), got output {:?}",
            case["error"].as_str().unwrap_or_default(),
            compare::clip(&got)
        )),
    }
}

fn run_strvals(case: &Json) -> Outcome {
    let kind = match case["kind"].as_str().unwrap_or_default() {
        "set" => SetKind::Set,
        "set-string" => SetKind::SetString,
        "set-json" => SetKind::SetJson,
        "set-literal" => SetKind::SetLiteral,
        other => return Outcome::Fail(format!("unknown kind {other}")),
    };
    let expr = case["expr"].as_str().unwrap_or_default();
    let map = Map::new();
    let got = values::parse_set(kind, expr, &map)
        .map(|()| Value::Map(map).to_json())
        .map_err(|e| e.to_string());
    match case.get("expect") {
        Some(want) => compare::json_result(want, got),
        None => match got {
            Err(_) => Outcome::Pass,
            Ok(v) => Outcome::Fail(format!(
                "expected an error ({}), got {v}",
                case["error"].as_str().unwrap_or_default()
            )),
        },
    }
}

/// The templates map of a chart render as `BTreeMap`, for comparisons.
pub fn templates_of(v: &Json) -> Option<BTreeMap<String, String>> {
    v.get("templates")?.as_object().map(|o| {
        o.iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
            .collect()
    })
}
