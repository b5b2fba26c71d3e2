//! `capstan install`: install a chart as a new release. Also the flag helpers shared by
//! upgrade, rollback and test (`--wait`, `--timeout`, `--dry-run`, output).

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use capstan_core::release::Release;
use capstan_host::action::Configuration;
use capstan_host::action::install::{self, DryRun, InstallOptions, WaitSettings};
use capstan_host::sysenv::SystemEnvironment;
use clap::Args;

use super::common::{KubeFlags, OutputFormat, driver_from_env};
use crate::cmd::ValueOptions;

/// `--wait`, `--wait-for-jobs`, `--timeout`.
#[derive(Args, Clone, Debug, Default)]
pub struct WaitFlags {
    /// Wait until resources are ready (up to --timeout): 'watcher' (alone), 'hookOnly' (default), 'legacy'
    #[arg(long, num_args = 0..=1, default_missing_value = "watcher", value_name = "STRATEGY")]
    pub wait: Option<String>,
    /// If set and --wait enabled, will wait until all Jobs have been completed
    #[arg(long = "wait-for-jobs")]
    pub wait_for_jobs: bool,
    /// Time to wait for any individual Kubernetes operation (like Jobs for hooks)
    #[arg(long, default_value = "5m0s")]
    pub timeout: String,
}

impl WaitFlags {
    /// The settings these flags describe.
    pub fn settings(&self) -> Result<WaitSettings, String> {
        use capstan_host::action::install::WaitStrategy;
        let strategy = match self.wait.as_deref() {
            None | Some("hookOnly") => WaitStrategy::HookOnly,
            Some("watcher") => WaitStrategy::Watcher,
            Some("legacy") => WaitStrategy::Legacy,
            Some("true") => {
                capstan_host::action::hooks::log(
                    "WARN",
                    "--wait=true is deprecated (boolean value) and can be replaced with --wait=watcher",
                    &[],
                );
                WaitStrategy::Watcher
            }
            Some("false") => {
                capstan_host::action::hooks::log(
                    "WARN",
                    "--wait=false is deprecated (boolean value) and can be replaced with --wait=hookOnly",
                    &[],
                );
                WaitStrategy::HookOnly
            }
            Some(other) => {
                return Err(format!(
                    "invalid argument {other:?} for \"--wait\" flag: invalid wait input {other:?}. Valid inputs are watcher, hookOnly, and legacy"
                ));
            }
        };
        Ok(WaitSettings {
            strategy,
            wait_for_jobs: self.wait_for_jobs,
            timeout: parse_duration(&self.timeout).map_err(|e| {
                format!(
                    "invalid argument {:?} for \"--timeout\" flag: {e}",
                    self.timeout
                )
            })?,
        })
    }
}

/// Go's `time.ParseDuration` for the units flags use (h, m, s, ms, us, ns).
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let bad = || format!("time: invalid duration {:?}", s);
    if s == "0" {
        return Ok(Duration::ZERO);
    }
    let mut rest = s.strip_prefix('+').unwrap_or(s);
    if rest.is_empty() || rest.starts_with('-') {
        return Err(bad());
    }
    let mut total = 0f64;
    while !rest.is_empty() {
        let num_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .ok_or_else(|| format!("time: missing unit in duration {:?}", s))?;
        if num_len == 0 {
            return Err(bad());
        }
        let n: f64 = rest[..num_len].parse().map_err(|_| bad())?;
        rest = &rest[num_len..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let mult = match &rest[..unit_len] {
            "h" => 3600.0,
            "m" => 60.0,
            "s" => 1.0,
            "ms" => 1e-3,
            "us" | "µs" => 1e-6,
            "ns" => 1e-9,
            u => return Err(format!("time: unknown unit {u:?} in duration {s:?}")),
        };
        total += n * mult;
        rest = &rest[unit_len..];
    }
    Ok(Duration::from_secs_f64(total))
}

/// Go's `strconv.ParseBool`.
pub fn parse_go_bool(s: &str) -> Option<bool> {
    match s {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

/// Helm's `--dry-run` values.
pub fn parse_dry_run(v: Option<&str>) -> Result<DryRun, String> {
    let warn = |m: &str| capstan_host::action::hooks::log("WARN", m, &[]);
    match v {
        Some("unset") => {
            warn("--dry-run is deprecated and should be replaced with '--dry-run=client'");
            Ok(DryRun::Client)
        }
        Some("true") => {
            warn(
                "boolean '--dry-run=true' flag is deprecated and must be replaced with '--dry-run=client'",
            );
            Ok(DryRun::Client)
        }
        Some("false") => {
            warn(
                "boolean '--dry-run=false' flag is deprecated and must be replaced with '--dry-run=none'",
            );
            Ok(DryRun::None)
        }
        None | Some("none") => Ok(DryRun::None),
        Some("client") => Ok(DryRun::Client),
        Some("server") => Ok(DryRun::Server),
        Some(other) => Err(format!(
            "invalid dry-run value ({other:?}). Must be \"none\", \"server\", or \"client\""
        )),
    }
}

/// `--labels k=v,k2=v2`
pub fn parse_labels(items: &[String]) -> Result<BTreeMap<String, String>, String> {
    let mut out = BTreeMap::new();
    for item in items {
        for kv in item.split(',').filter(|s| !s.is_empty()) {
            let Some((k, v)) = kv.split_once('=') else {
                return Err(format!("{kv} must be formatted as key=value"));
            };
            out.insert(k.to_string(), v.to_string());
        }
    }
    Ok(out)
}

/// Cobra's notices for the deprecated flag names `--atomic` and `--force` (aliases here).
pub fn warn_deprecated_flags() {
    for (flag, instead) in [
        ("--atomic", "--rollback-on-failure"),
        ("--force", "--force-replace"),
    ] {
        let used = std::env::args().any(|a| a == flag || a.starts_with(&format!("{flag}=")));
        if used {
            eprintln!("Flag {flag} has been deprecated, use {instead} instead");
        }
    }
}

/// `--history-max`, else `HELM_MAX_HISTORY`, else 10 (Helm's `envIntOr`).
pub fn history_max(flag: Option<usize>) -> usize {
    flag.or_else(|| {
        std::env::var("HELM_MAX_HISTORY")
            .ok()
            .and_then(|v| v.parse().ok())
    })
    .unwrap_or(10)
}

/// Connects to the cluster and opens the release store.
pub async fn connect(kube: &KubeFlags) -> Result<Configuration, String> {
    Configuration::new(&kube.options(), &driver_from_env())
        .await
        .map_err(|e| e.to_string())
}

/// Flags `install` and `upgrade` share word for word.
#[derive(Args, Clone, Debug)]
pub struct ReleaseFlags {
    /// Force resource updates by replacement
    #[arg(long = "force-replace", alias = "force")]
    pub force_replace: bool,
    /// If set server-side apply will force changes against conflicts
    #[arg(long = "force-conflicts", conflicts_with = "force_replace")]
    pub force_conflicts: bool,
    /// Add a custom description
    #[arg(long, default_value = "")]
    pub description: String,
    /// If set, disables JSON schema validation
    #[arg(long = "skip-schema-validation")]
    pub skip_schema_validation: bool,
    /// Labels that would be added to release metadata
    #[arg(short = 'l', long = "labels")]
    pub labels: Vec<String>,
    /// If set, the process will not validate rendered templates against the Kubernetes OpenAPI Schema
    #[arg(long = "disable-openapi-validation")]
    pub disable_openapi_validation: bool,
    /// Hide Kubernetes Secrets when also using the --dry-run flag
    #[arg(long = "hide-secret")]
    pub hide_secret: bool,
    /// If set, render subchart notes along with the parent
    #[arg(long = "render-subchart-notes")]
    pub render_subchart_notes: bool,
    /// Chart version constraint (local chart paths ignore it, as Helm)
    #[arg(long)]
    pub version: Option<String>,
    /// Use development versions, too (local chart paths ignore it)
    #[arg(long)]
    pub devel: bool,
    /// Simulate the operation: "none" (default), "client", or "server"
    #[arg(long = "dry-run", num_args = 0..=1, default_missing_value = "unset")]
    pub dry_run: Option<String>,
    /// Prints the output in the specified format
    #[arg(short = 'o', long = "output", value_enum, default_value_t)]
    pub output: OutputFormat,
}

/// `install` flags.
#[derive(Args, Clone, Debug)]
pub struct InstallArgs {
    /// [NAME] CHART
    #[arg(required = true, num_args = 1..)]
    pub args: Vec<String>,
    #[command(flatten)]
    pub kube: KubeFlags,
    #[command(flatten)]
    pub values: ValueOptions,
    #[command(flatten)]
    pub waiting: WaitFlags,
    #[command(flatten)]
    pub common: ReleaseFlags,
    /// Create the release namespace if not present
    #[arg(long = "create-namespace")]
    pub create_namespace: bool,
    /// Object updates run in the server instead of the client
    #[arg(long = "server-side", num_args = 0..=1, default_missing_value = "true", default_value = "true")]
    pub server_side: String,
    /// Prevent hooks from running during install
    #[arg(long = "no-hooks")]
    pub no_hooks: bool,
    /// Reuse the given name, only if that name is a deleted release which remains in the history
    #[arg(long)]
    pub replace: bool,
    /// Generate the name (and omit the NAME parameter)
    #[arg(short = 'g', long = "generate-name")]
    pub generate_name: bool,
    /// Specify template used to name the release
    #[arg(long = "name-template")]
    pub name_template: Option<String>,
    /// If set, Helm will rollback (uninstall) the installation upon failure
    #[arg(long = "rollback-on-failure", alias = "atomic")]
    pub rollback_on_failure: bool,
    /// If set, no CRDs will be installed
    #[arg(long = "skip-crds")]
    pub skip_crds: bool,
    /// If set, do not show notes in install output
    #[arg(long = "hide-notes")]
    pub hide_notes: bool,
    /// If set, install will ignore the check for helm annotations and take ownership of the existing resources
    #[arg(long = "take-ownership")]
    pub take_ownership: bool,
}

/// Helm's `NameAndChart` for install.
fn name_and_chart(a: &InstallArgs) -> Result<(String, String), String> {
    match a.args.as_slice() {
        [name, chart] => {
            if a.generate_name {
                return Err("cannot set --generate-name and also specify a name".into());
            }
            if a.name_template.as_deref().is_some_and(|t| !t.is_empty()) {
                return Err("cannot set --name-template and also specify a name".into());
            }
            Ok((name.clone(), chart.clone()))
        }
        [chart] => {
            if let Some(t) = a.name_template.as_deref().filter(|t| !t.is_empty()) {
                return Ok((template_name(t)?, chart.clone()));
            }
            if !a.generate_name {
                return Err("must either provide a name or specify --generate-name".into());
            }
            let base = Path::new(chart.trim_end_matches('/'))
                .file_name()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            let base = if base.is_empty() || base == "." {
                "chart".to_string()
            } else {
                base
            };
            let base = base.split('.').next().unwrap_or_default().to_string();
            let secs = jiff::Timestamp::now().as_second();
            Ok((format!("{base}-{secs}"), chart.clone()))
        }
        args => Err(format!(
            "expected at most two arguments, unexpected arguments: {}",
            args.get(2..).unwrap_or_default().join(", ")
        )),
    }
}

/// `--name-template`: the text rendered with the template functions and no data.
fn template_name(text: &str) -> Result<String, String> {
    use capstan_core::template::{Engine, RenderTemplate};
    let registry = capstan_core::funcs::Registry::standard();
    let engine = Engine {
        funcs: &registry,
        env: &SystemEnvironment,
        lookup: None,
        strict: false,
        lint_mode: false,
    };
    let out = engine
        .render(&[RenderTemplate {
            name: "name-template".into(),
            source: text.into(),
            data: capstan_core::Value::Nil,
        }])
        .map_err(|e| e.message)?;
    Ok(out.into_values().next().unwrap_or_default())
}

/// Loads a local chart (directory or archive) as install and upgrade do.
pub fn load_local_chart(chart_ref: &str) -> Result<capstan_core::chart::Chart, String> {
    let name = chart_ref.trim();
    let p = Path::new(name);
    if !p.exists() {
        // Helm's LocateChart: paths fail here; anything else would be a repository chart,
        // and Capstan has no repositories configured.
        if p.is_absolute() || name.starts_with('.') {
            return Err(format!("path {name:?} not found"));
        }
        return Err(match name.split_once('/') {
            Some((repo, _)) if !name.contains("://") => format!("repo {repo} not found"),
            Some(_) => format!("could not find protocol handler for: {name}"),
            None => format!(
                "non-absolute URLs should be in form of repo_name/path_to_chart, got: {name}"
            ),
        });
    }
    crate::cmd::diag::load_chart(p)
}

/// Runs the command.
pub async fn run(a: InstallArgs) -> Result<(), String> {
    warn_deprecated_flags();
    let server_side = parse_go_bool(&a.server_side).ok_or_else(|| {
        format!(
            "invalid argument {:?} for \"--server-side\" flag: strconv.ParseBool: parsing {:?}: invalid syntax",
            a.server_side, a.server_side
        )
    })?;
    let server_side = if server_side { "true" } else { "false" };
    let dry_run = parse_dry_run(a.common.dry_run.as_deref())?;
    let wait = a.waiting.settings()?;
    let out = install_flow(&a, dry_run, wait, server_side)
        .await
        .map_err(|e| format!("INSTALLATION FAILED: {e}"))?;
    print_release(&out, a.common.output, a.hide_notes)
}

/// Everything of `install` after flag parsing; shared with `upgrade --install`.
pub async fn install_flow(
    a: &InstallArgs,
    dry_run: DryRun,
    wait: WaitSettings,
    server_side: &str,
) -> Result<Release, String> {
    let (name, chart_ref) = name_and_chart(a)?;
    let chart = load_local_chart(&chart_ref)?;
    let vals = a.values.merge()?;
    crate::cmd::template::check_installable(&chart)?;
    let cfg = if dry_run.interacts() {
        Some(connect(&a.kube).await?)
    } else {
        None
    };
    let namespace = match &cfg {
        Some(c) => c.namespace.clone(),
        None => a.kube.namespace.clone().unwrap_or_else(|| "default".into()),
    };
    let opts = InstallOptions {
        name,
        namespace,
        create_namespace: a.create_namespace,
        dry_run,
        server_side: server_side != "false",
        force_conflicts: a.common.force_conflicts,
        force_replace: a.common.force_replace,
        no_hooks: a.no_hooks,
        replace: a.replace,
        wait,
        rollback_on_failure: a.rollback_on_failure,
        description: a.common.description.clone(),
        skip_crds: a.skip_crds,
        skip_schema_validation: a.common.skip_schema_validation,
        take_ownership: a.take_ownership,
        disable_openapi_validation: a.common.disable_openapi_validation,
        hide_secret: a.common.hide_secret,
        sub_notes: a.common.render_subchart_notes,
        labels: parse_labels(&a.common.labels)?,
        kube_version: None,
        api_versions: Vec::new(),
        is_upgrade: false,
        chart_path: Some(std::path::PathBuf::from(chart_ref.trim())),
        kube_options: Some(a.kube.options()),
    };
    install::run(cfg.as_ref(), &chart, &vals, &opts, &SystemEnvironment)
        .await
        .map_err(|f| f.error.to_string())
}

/// Prints a release as Helm's status printer does after install / upgrade / test.
pub fn print_release(rel: &Release, format: OutputFormat, hide_notes: bool) -> Result<(), String> {
    let opts = super::print::StatusOptions {
        hide_notes,
        ..Default::default()
    };
    super::print::print_status(rel, format, &opts);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("5m0s").unwrap(), Duration::from_secs(300));
        assert_eq!(parse_duration("1m30s").unwrap(), Duration::from_secs(90));
        assert_eq!(parse_duration("500ms").unwrap(), Duration::from_millis(500));
        assert!(parse_duration("5").is_err());
        assert!(parse_duration("x").is_err());
    }

    fn args(list: &[&str]) -> InstallArgs {
        use clap::Parser;
        #[derive(Parser)]
        struct Cli {
            #[command(flatten)]
            a: InstallArgs,
        }
        let mut argv = vec!["install"];
        argv.extend_from_slice(list);
        Cli::parse_from(argv).a
    }

    #[test]
    fn names_and_charts() {
        assert_eq!(
            name_and_chart(&args(&["rel", "./c"])).unwrap(),
            ("rel".to_string(), "./c".to_string())
        );
        assert_eq!(
            name_and_chart(&args(&["./c"])).unwrap_err(),
            "must either provide a name or specify --generate-name"
        );
        assert_eq!(
            name_and_chart(&args(&["rel", "./c", "-g"])).unwrap_err(),
            "cannot set --generate-name and also specify a name"
        );
        let (name, _) = name_and_chart(&args(&["charts/my.chart-1.tgz", "-g"])).unwrap();
        assert!(name.starts_with("my-"), "{name}");
        assert_eq!(
            name_and_chart(&args(&["a", "b", "c"])).unwrap_err(),
            "expected at most two arguments, unexpected arguments: c"
        );
        let (name, _) =
            name_and_chart(&args(&["./c", "--name-template", "x-{{ \"y\" | upper }}"])).unwrap();
        assert_eq!(name, "x-Y");
    }

    #[test]
    fn labels() {
        let l = parse_labels(&["a=1,b=2".to_string(), "c=3".to_string()]).unwrap();
        assert_eq!(l.len(), 3);
        assert!(parse_labels(&["bad".to_string()]).is_err());
    }

    #[test]
    fn dry_run_values() {
        assert_eq!(parse_dry_run(None).unwrap(), DryRun::None);
        assert_eq!(parse_dry_run(Some("unset")).unwrap(), DryRun::Client);
        assert_eq!(parse_dry_run(Some("server")).unwrap(), DryRun::Server);
        assert!(parse_dry_run(Some("bogus")).is_err());
    }
}
