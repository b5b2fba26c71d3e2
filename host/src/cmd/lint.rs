//! `capstan lint CHART...`: Helm's chart checks (Chart.yaml, values, templates,
//! dependencies), with its message format and summary.

use std::fmt;
use std::path::Path;

use capstan_core::chart::{Chart, is_valid_semver};
use capstan_core::render::{self, ReleaseOptions, RenderOptions};
use capstan_core::{Environment, Map, Value, manifest, values, yaml};

use capstan_host::chartfs;

/// A lint message's severity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Info,
    Warning,
    Error,
}

/// One lint finding, printed as `[SEVERITY] path: message`.
#[derive(Clone, Debug)]
pub struct Message {
    pub severity: Severity,
    pub path: String,
    pub text: String,
}

impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sev = match self.severity {
            Severity::Info => "INFO",
            Severity::Warning => "WARNING",
            Severity::Error => "ERROR",
        };
        write!(f, "[{sev}] {}: {}", self.path, self.text)
    }
}

#[derive(Default)]
struct Linter {
    messages: Vec<Message>,
}

impl Linter {
    /// Records `err` if any; returns whether the rule passed.
    fn rule(&mut self, severity: Severity, path: &str, err: Option<String>) -> bool {
        match err {
            Some(text) => {
                self.messages.push(Message {
                    severity,
                    path: path.to_string(),
                    text,
                });
                false
            }
            None => true,
        }
    }
}

fn is_url(s: &str) -> bool {
    let Some((scheme, rest)) = s.split_once("://") else {
        return false;
    };
    !scheme.is_empty()
        && scheme
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
        && !rest.is_empty()
        && !rest.contains(char::is_whitespace)
}

fn is_email(s: &str) -> bool {
    match s.split_once('@') {
        Some((user, host)) => {
            !user.is_empty() && host.contains('.') && !host.contains('@') && !s.contains(' ')
        }
        None => false,
    }
}

/// Masterminds `StrictNewVersion`: exactly `X.Y.Z[-pre][+build]`, no `v`.
fn is_strict_semver(v: &str) -> bool {
    if v.starts_with('v') || !is_valid_semver(v) {
        return false;
    }
    let core = v.split(['-', '+']).next().unwrap_or("");
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() == 3 && parts.iter().all(|p| p.len() == 1 || !p.starts_with('0'))
}

const METADATA_FIELDS: &[&str] = &[
    "name",
    "home",
    "sources",
    "version",
    "description",
    "keywords",
    "maintainers",
    "icon",
    "apiVersion",
    "condition",
    "tags",
    "appVersion",
    "deprecated",
    "annotations",
    "kubeVersion",
    "dependencies",
    "type",
];
const MAINTAINER_FIELDS: &[&str] = &["name", "email", "url"];
const DEPENDENCY_FIELDS: &[&str] = &[
    "name",
    "version",
    "repository",
    "condition",
    "tags",
    "enabled",
    "import-values",
    "alias",
];

/// The first field Go's strict JSON decoding of Chart.yaml rejects (keys in sorted
/// order, nested maintainers and dependencies included; names match case-insensitively).
fn unknown_field(doc: &Value) -> Option<String> {
    fn check(m: &Map, known: &[&str]) -> Option<String> {
        for (k, v) in m.entries() {
            if !known.iter().any(|f| f.eq_ignore_ascii_case(&k)) {
                return Some(k);
            }
            let nested = match k.to_ascii_lowercase().as_str() {
                "maintainers" => MAINTAINER_FIELDS,
                "dependencies" => DEPENDENCY_FIELDS,
                _ => continue,
            };
            if let Some(items) = v.as_list() {
                for item in items {
                    if let Some(f) = item.as_map().and_then(|im| check(im, nested)) {
                        return Some(f);
                    }
                }
            }
        }
        None
    }
    check(doc.as_map()?, METADATA_FIELDS)
}

fn chartfile_rules(l: &mut Linter, dir: &Path) {
    let file = "Chart.yaml";
    let path = dir.join(file);
    if path.is_dir() {
        l.rule(
            Severity::Error,
            file,
            Some("should be a file, not a directory".into()),
        );
    }
    let raw = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => {
            l.rule(
                Severity::Error,
                file,
                Some(format!("unable to parse YAML\n\t{}", super::io_msg(&e))),
            );
            return;
        }
    };
    let text = String::from_utf8_lossy(&raw);
    let doc = match yaml::parse(&text) {
        Ok(d) => d,
        Err(e) => {
            l.rule(
                Severity::Error,
                file,
                Some(format!("unable to parse YAML\n\t{e}")),
            );
            return;
        }
    };
    l.rule(Severity::Warning, file, unknown_field(&doc).map(|f| {
        format!(
            "failed to strictly parse chart metadata file\n\terror unmarshaling JSON: while decoding JSON: json: unknown field {f:?}"
        )
    }));
    let get = |k: &str| doc.as_map().and_then(|m| m.get(k));
    let get_str = |k: &str| match get(k) {
        Some(Value::String(s)) => s.to_string(),
        _ => String::new(),
    };
    let name = get_str("name");
    let api = get_str("apiVersion");
    let version = match get("version") {
        Some(Value::String(s)) => s.to_string(),
        Some(Value::Float(f)) => format!("{f}"),
        _ => String::new(),
    };
    l.rule(
        Severity::Error,
        file,
        if name.is_empty() {
            Some("name is required".into())
        } else if name.contains('/') {
            Some(format!("chart name {name:?} is invalid"))
        } else {
            None
        },
    );
    l.rule(
        Severity::Error,
        file,
        if api.is_empty() {
            Some("apiVersion is required. The value must be either \"v1\" or \"v2\"".into())
        } else if api != "v1" && api != "v2" {
            Some(format!(
                "apiVersion '{api}' is not valid. The value must be either \"v1\" or \"v2\""
            ))
        } else {
            None
        },
    );
    for key in ["version", "appVersion"] {
        let err = match get(key) {
            None | Some(Value::String(_)) => None,
            Some(v) => Some(format!(
                "{key} should be of type string but it's of type {}",
                v.go_type()
            )),
        };
        if key == "version" {
            l.rule(Severity::Error, file, err);
            l.rule(
                Severity::Error,
                file,
                if version.is_empty() {
                    Some("version is required".into())
                } else if !is_valid_semver(&version) {
                    Some(format!("version '{version}' is not a valid SemVer"))
                } else {
                    None
                },
            );
        } else {
            l.rule(Severity::Error, file, err);
        }
    }
    let mut maint_err = None;
    if let Some(Value::List(list)) = get("maintainers") {
        for m in &list.items {
            let Some(m) = m.as_map() else {
                maint_err = Some("a maintainer entry is empty".to_string());
                break;
            };
            let f = |k: &str| m.get(k).and_then(|v| v.as_str().map(String::from));
            let mname = f("name").unwrap_or_default();
            if mname.is_empty() {
                maint_err = Some("each maintainer requires a name".into());
                break;
            }
            if let Some(e) = f("email").filter(|e| !e.is_empty() && !is_email(e)) {
                maint_err = Some(format!("invalid email '{e}' for maintainer '{mname}'"));
                break;
            }
            if let Some(u) = f("url").filter(|u| !u.is_empty() && !is_url(u)) {
                maint_err = Some(format!("invalid url '{u}' for maintainer '{mname}'"));
                break;
            }
        }
    }
    l.rule(Severity::Error, file, maint_err);
    let mut src_err = None;
    if let Some(Value::List(list)) = get("sources") {
        for s in &list.items {
            let s = s.as_str().unwrap_or("");
            if s.is_empty() || !is_url(s) {
                src_err = Some(format!("invalid source URL '{s}'"));
                break;
            }
        }
    }
    l.rule(Severity::Error, file, src_err);
    let icon = get_str("icon");
    l.rule(
        Severity::Info,
        file,
        icon.is_empty().then(|| "icon is recommended".to_string()),
    );
    l.rule(
        Severity::Error,
        file,
        (!icon.is_empty() && !is_url(&icon)).then(|| format!("invalid icon URL '{icon}'")),
    );
    let ty = get_str("type");
    l.rule(
        Severity::Error,
        file,
        (!ty.is_empty() && api != "v2").then(|| {
            format!("chart type is not valid in apiVersion '{api}'. It is valid in apiVersion 'v2'")
        }),
    );
    let has_deps = matches!(get("dependencies"), Some(Value::List(l)) if !l.items.is_empty());
    l.rule(
        Severity::Error,
        file,
        (has_deps && api != "v2").then(|| {
            format!("dependencies are not valid in the Chart file with apiVersion '{api}'. They are valid in apiVersion 'v2'")
        }),
    );
    l.rule(
        Severity::Warning,
        file,
        (!is_strict_semver(&version))
            .then(|| format!("version '{version}' is not a valid SemVerV2")),
    );
}

fn values_rules(l: &mut Linter, dir: &Path, overrides: &Map, skip_schema: bool) {
    let file = "values.yaml";
    let Ok(raw) = std::fs::read(dir.join(file)) else {
        l.rule(Severity::Info, file, Some("file does not exist".into()));
        return;
    };
    let vals = match yaml::parse_values(&String::from_utf8_lossy(&raw)) {
        Ok(v) => v,
        Err(e) => {
            l.rule(
                Severity::Error,
                file,
                Some(format!("unable to parse YAML: {e}")),
            );
            return;
        }
    };
    if skip_schema {
        return;
    }
    let Ok(schema) = std::fs::read(dir.join("values.schema.json")) else {
        return;
    };
    if schema.is_empty() {
        return;
    }
    // Overrides win over the chart's values, as in Helm's CoalesceTables.
    let merged = values::merge_user_values(&[vals, overrides.clone()]);
    let mut chart = Chart::default();
    chart.metadata.name = "values".into();
    chart.schema = Some(schema);
    if let Err(e) = values::validate_schema(&chart, &merged) {
        // A single schema's error, without the per-chart heading.
        let msg = e.message.strip_prefix("values:\n").unwrap_or(&e.message);
        l.rule(Severity::Error, file, Some(msg.to_string()));
    }
}

/// Kubernetes' DNS subdomain name rule (what most kinds require of metadata.name).
fn dns_subdomain_errors(name: &str) -> Option<String> {
    let ok = name.len() <= 253
        && !name.is_empty()
        && name.split('.').all(|l| {
            !l.is_empty()
                && l.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                && !l.starts_with('-')
                && !l.ends_with('-')
        });
    (!ok).then(|| {
        format!(
            "object name does not conform to Kubernetes naming requirements: {name:?}: metadata.name: Invalid value: {name:?}: a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
        )
    })
}

fn template_rules(
    l: &mut Linter,
    dir: &Path,
    chart: Option<&Chart>,
    overrides: &Map,
    opts: &LintOptions<'_>,
    env: &dyn Environment,
) {
    let (namespace, kube_version, skip_schema) = (
        opts.namespace,
        opts.kube_version,
        opts.skip_schema_validation,
    );
    let tdir = "templates/";
    let tpath = dir.join("templates");
    if !tpath.exists() {
        l.rule(
            Severity::Warning,
            tdir,
            Some("directory does not exist".into()),
        );
        return;
    }
    if !tpath.is_dir() {
        l.rule(Severity::Error, tdir, Some("not a directory".into()));
        return;
    }
    let Some(chart) = chart else {
        return;
    };
    let (processed, vals) = match render::prepare(chart, overrides, skip_schema) {
        Ok(v) => v,
        Err(e) => {
            l.rule(Severity::Error, tdir, Some(e.message));
            return;
        }
    };
    let opts = RenderOptions {
        release: ReleaseOptions {
            name: "test-release".into(),
            namespace: namespace.into(),
            revision: 0,
            is_upgrade: false,
        },
        kube_version: kube_version.map(String::from),
        lint_mode: true,
        ..RenderOptions::default()
    };
    let rendered = match render::render_processed(&processed, vals, &opts, env) {
        Ok(r) => r,
        Err(e) => {
            l.rule(Severity::Error, tdir, Some(e.message));
            return;
        }
    };
    for t in &chart.templates {
        let name = &t.name;
        let base = name.rsplit('/').next().unwrap_or(name);
        let ext = base.rfind('.').map(|i| &base[i..]).unwrap_or("");
        l.rule(
            Severity::Error,
            name,
            (![".yaml", ".yml", ".tpl", ".txt"].contains(&ext)).then(|| {
                format!("file extension '{ext}' not valid. Valid extensions are .yaml, .yml, .tpl, or .txt")
            }),
        );
        let lower = ext.to_ascii_lowercase();
        if lower != ".yaml" && lower != ".yml" {
            continue;
        }
        let key = format!("{}/{name}", chart.name());
        let Some(content) = rendered.templates.get(&key) else {
            continue;
        };
        if content.trim().is_empty() {
            continue;
        }
        let first = content.lines().find(|line| !line.trim().is_empty());
        l.rule(
            Severity::Warning,
            name,
            first
                .filter(|line| line.starts_with(' ') || line.starts_with('\t'))
                .map(|line| {
                    format!(
                        "document starts with an illegal indent: {line:?}, which may cause parsing problems"
                    )
                }),
        );
        for doc in manifest::split_manifests(content) {
            let parsed = match yaml::parse(doc) {
                Ok(v) => v,
                Err(e) => {
                    l.rule(
                        Severity::Error,
                        name,
                        Some(format!("unable to parse YAML: {e}")),
                    );
                    return;
                }
            };
            let Some(m) = parsed.as_map() else {
                continue;
            };
            let kind = m
                .get("kind")
                .and_then(|v| v.as_str().map(String::from))
                .unwrap_or_default();
            let obj_name = m
                .get("metadata")
                .and_then(|md| md.as_map().and_then(|md| md.get("name")))
                .and_then(|v| v.as_str().map(String::from))
                .unwrap_or_default();
            let lk = kind.to_ascii_lowercase();
            if !matches!(
                lk.as_str(),
                "certificatesigningrequest"
                    | "role"
                    | "clusterrole"
                    | "rolebinding"
                    | "clusterrolebinding"
            ) {
                l.rule(Severity::Warning, name, dns_subdomain_errors(&obj_name));
            }
            if matches!(
                kind.as_str(),
                "Deployment" | "ReplicaSet" | "DaemonSet" | "StatefulSet"
            ) && !content.contains("matchLabels")
                && !content.contains("matchExpressions")
            {
                l.rule(
                    Severity::Error,
                    name,
                    Some(format!(
                        "a {kind} must contain matchLabels or matchExpressions, and {obj_name:?} does not"
                    )),
                );
            }
        }
    }
}

fn dependency_rules(l: &mut Linter, dir: &Path, chart: &Chart) {
    let dir = dir.display().to_string();
    let names: Vec<&str> = chart
        .metadata
        .dependencies
        .iter()
        .map(|d| d.name.as_str())
        .collect();
    let extra: Vec<&str> = chart
        .dependencies
        .iter()
        .map(|c| c.name())
        .filter(|n| !names.contains(n))
        .collect();
    l.rule(
        Severity::Error,
        &dir,
        (!extra.is_empty()).then(|| {
            format!(
                "chart metadata is missing these dependencies: {}",
                extra.join(",")
            )
        }),
    );
    let missing: Vec<&str> = names
        .iter()
        .copied()
        .filter(|n| !chart.dependencies.iter().any(|c| c.name() == *n))
        .collect();
    l.rule(
        Severity::Warning,
        &dir,
        (!missing.is_empty()).then(|| {
            format!(
                "chart directory is missing these dependencies: {}",
                missing.join(",")
            )
        }),
    );
}

/// Lint options.
pub struct LintOptions<'a> {
    pub strict: bool,
    pub namespace: &'a str,
    pub kube_version: Option<&'a str>,
    pub skip_schema_validation: bool,
    pub quiet: bool,
}

/// Unpacks a chart archive into a fresh temporary directory (as Helm's lint does) and
/// returns the directory holding the chart.
fn expand_archive(path: &str) -> Result<std::path::PathBuf, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("unable to open tarball: {e}"))?;
    let files = capstan_core::chart::archive_files(&bytes)
        .map_err(|e| format!("unable to extract tarball: {e}"))?;
    let mut n = 0u32;
    let base = loop {
        let candidate =
            std::env::temp_dir().join(format!("capstan-lint-{}-{n}", std::process::id()));
        if std::fs::create_dir(&candidate).is_ok() {
            break candidate;
        }
        n += 1;
        if n > 1000 {
            return Err("unable to create temp dir to extract tarball".into());
        }
    };
    let dir = base.join("chart");
    for (name, data) in files {
        let file = dir.join(&name);
        if let Some(parent) = file.parent() {
            std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
        }
        std::fs::write(&file, data).map_err(|e| e.to_string())?;
    }
    Ok(dir)
}

/// Lints one chart directory or archive; `Err` when the chart cannot be checked at all.
pub fn lint_chart(
    path: &str,
    overrides: &Map,
    opts: &LintOptions<'_>,
    env: &dyn Environment,
) -> Result<Vec<Message>, String> {
    if path.ends_with(".tgz") || path.ends_with(".tar.gz") {
        let dir = expand_archive(path)?;
        let result = lint_dir(&dir, overrides, opts, env);
        if let Some(base) = dir.parent() {
            let _ = std::fs::remove_dir_all(base);
        }
        return result;
    }
    lint_dir(Path::new(path), overrides, opts, env)
}

fn lint_dir(
    dir: &Path,
    overrides: &Map,
    opts: &LintOptions<'_>,
    env: &dyn Environment,
) -> Result<Vec<Message>, String> {
    if !dir.join("Chart.yaml").exists() {
        return Err(format!(
            "unable to check Chart.yaml file in chart: stat {}: no such file or directory",
            dir.join("Chart.yaml").display()
        ));
    }
    let mut l = Linter::default();
    chartfile_rules(&mut l, dir);
    values_rules(&mut l, dir, overrides, opts.skip_schema_validation);
    let loaded = chartfs::load_chart(dir);
    if let Err(e) = &loaded
        && dir.join("templates").is_dir()
    {
        l.rule(Severity::Error, "templates/", Some(e.clone()));
    }
    template_rules(&mut l, dir, loaded.as_ref().ok(), overrides, opts, env);
    match &loaded {
        Ok(c) => dependency_rules(&mut l, dir, c),
        Err(e) => {
            l.rule(
                Severity::Error,
                "",
                Some(format!("unable to load chart\n\t{e}")),
            );
        }
    }
    Ok(l.messages)
}

/// Runs `lint` over the paths; returns stdout text and whether it failed (the error is
/// the summary line).
pub fn run(
    paths: &[String],
    overrides: &Map,
    opts: &LintOptions<'_>,
    env: &dyn Environment,
) -> (String, Result<(), String>) {
    let tolerance = if opts.strict {
        Severity::Warning
    } else {
        Severity::Error
    };
    let mut out = String::new();
    let mut failed = 0;
    let mut warned = 0;
    for p in paths {
        let result = lint_chart(p, overrides, opts, env);
        let (messages, errors): (Vec<Message>, Vec<String>) = match result {
            Ok(m) => {
                let errs = m
                    .iter()
                    .filter(|m| m.severity >= tolerance)
                    .map(|m| m.text.clone())
                    .collect();
                (m, errs)
            }
            Err(e) => (Vec::new(), vec![e]),
        };
        let has_issues = messages.iter().any(|m| m.severity > Severity::Info) || !errors.is_empty();
        if has_issues {
            warned += 1;
        }
        if opts.quiet && !has_issues {
            continue;
        }
        out.push_str(&format!("==> Linting {p}\n"));
        if messages.is_empty() {
            for e in &errors {
                out.push_str(&format!("Error {e}\n"));
            }
        }
        for m in &messages {
            if !opts.quiet || m.severity > Severity::Info {
                out.push_str(&format!("{m}\n"));
            }
        }
        if !errors.is_empty() {
            failed += 1;
        }
        out.push('\n');
    }
    let summary = format!("{} chart(s) linted, {failed} chart(s) failed", paths.len());
    if failed > 0 {
        return (out, Err(summary));
    }
    if !opts.quiet || warned > 0 {
        out.push_str(&summary);
        out.push('\n');
    }
    (out, Ok(()))
}
