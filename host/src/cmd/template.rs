//! `capstan template [NAME] CHART`: renders a chart locally, printing what
//! `helm template` prints.

use std::io::Write;
use std::path::{Path, PathBuf};

use capstan_core::Environment;
use capstan_core::chart::Chart;
use capstan_core::manifest::{self, TemplateOutput};
use capstan_core::render::{self, KubeVersion, ReleaseOptions, RenderOptions};
use clap::Args;

use super::ValueOptions;

#[derive(Args, Clone, Debug, Default)]
pub struct TemplateArgs {
    /// [NAME] CHART
    #[arg(required = true, num_args = 1..)]
    pub args: Vec<String>,
    #[command(flatten)]
    pub values: ValueOptions,
    /// Namespace scope for this request
    #[arg(short = 'n', long = "namespace")]
    pub namespace: Option<String>,
    /// Generate the name (and omit the NAME parameter)
    #[arg(short = 'g', long = "generate-name")]
    pub generate_name: bool,
    /// Only show manifests rendered from the given templates
    #[arg(short = 's', long = "show-only")]
    pub show_only: Vec<String>,
    /// Writes the executed templates to files in output-dir instead of stdout
    #[arg(long = "output-dir")]
    pub output_dir: Option<PathBuf>,
    /// Use release name in the output-dir path
    #[arg(long = "release-name")]
    pub use_release_name: bool,
    /// Include CRDs in the templated output
    #[arg(long = "include-crds")]
    pub include_crds: bool,
    /// If set, no CRDs will be installed
    #[arg(long = "skip-crds")]
    pub skip_crds: bool,
    /// Skip tests from templated output
    #[arg(long = "skip-tests")]
    pub skip_tests: bool,
    /// Prevent hooks from running during install
    #[arg(long = "no-hooks")]
    pub no_hooks: bool,
    /// Set .Release.IsUpgrade instead of .Release.IsInstall
    #[arg(long = "is-upgrade")]
    pub is_upgrade: bool,
    /// Kubernetes version used for Capabilities.KubeVersion
    #[arg(long = "kube-version")]
    pub kube_version: Option<String>,
    /// Kubernetes api versions used for Capabilities.APIVersions
    #[arg(short = 'a', long = "api-versions", value_delimiter = ',')]
    pub api_versions: Vec<String>,
    /// If set, disables JSON schema validation
    #[arg(long = "skip-schema-validation")]
    pub skip_schema_validation: bool,
    /// Render subchart notes along with the parent (accepted; notes are not printed)
    #[arg(long = "render-subchart-notes")]
    pub render_subchart_notes: bool,
    /// Accepted for compatibility: rendering never contacts a cluster
    #[arg(long = "dry-run", num_args = 0..=1, default_missing_value = "client")]
    pub dry_run: Option<String>,
}

/// A `helm template` failure: the message, and whether Helm would add its
/// `Use --debug flag` hint (errors after the release object exists).
pub struct TemplateError {
    pub message: String,
    pub debug_hint: bool,
    /// The template source around the error position, when known.
    pub context: Option<String>,
}

impl From<String> for TemplateError {
    fn from(message: String) -> Self {
        TemplateError {
            message,
            debug_hint: false,
            context: None,
        }
    }
}

impl TemplateError {
    /// The text Helm prints after `Error: `.
    pub fn display(&self) -> String {
        let mut out = self.message.clone();
        if self.debug_hint {
            out.push_str("\n\nUse --debug flag to render out invalid YAML");
        }
        if let Some(ctx) = &self.context {
            out.push_str("\n\n");
            out.push_str(ctx.trim_end());
        }
        out
    }
}

/// The release name pattern Helm accepts (at most 53 characters).
pub fn validate_release_name(name: &str) -> Result<(), String> {
    const PATTERN: &str = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";
    if name.is_empty() {
        return Err(format!("release name {name:?}: no name provided"));
    }
    let label_ok = |l: &str| {
        !l.is_empty()
            && l.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    if name.len() > 53 || !name.split('.').all(label_ok) {
        return Err(format!(
            "release name {name:?}: invalid release name, must match regex {PATTERN} and the length must not be longer than 53"
        ));
    }
    Ok(())
}

/// Helm's `NameAndChart` for `helm template` (the name defaults to `release-name`).
fn name_and_chart(a: &TemplateArgs) -> Result<(String, String), String> {
    match a.args.as_slice() {
        [chart] => Ok(("release-name".into(), chart.clone())),
        [name, chart] => {
            if a.generate_name {
                return Err("cannot set --generate-name and also specify a name".into());
            }
            Ok((name.clone(), chart.clone()))
        }
        args => Err(format!(
            "expected at most two arguments, unexpected arguments: {}",
            args.get(2..).unwrap_or_default().join(", ")
        )),
    }
}

/// Checks Helm does before installing: the chart type and declared dependencies.
pub fn check_installable(chart: &Chart) -> Result<(), String> {
    match chart.metadata.chart_type.as_deref() {
        None | Some("") | Some("application") => {}
        Some(t) => return Err(format!("{t} charts are not installable")),
    }
    let missing: Vec<&str> = chart
        .metadata
        .dependencies
        .iter()
        .filter(|d| !chart.dependencies.iter().any(|c| c.name() == d.name))
        .map(|d| d.name.as_str())
        .collect();
    if !missing.is_empty() {
        return Err(format!(
            "an error occurred while checking for chart dependencies. You may need to run 'helm dependency build' to fetch missing dependencies: found in Chart.yaml, but missing in charts/ directory: {}",
            missing.join(", ")
        ));
    }
    Ok(())
}

/// Runs `template`, writing the output to `out`.
pub fn run(
    a: &TemplateArgs,
    env: &dyn Environment,
    out: &mut dyn Write,
) -> Result<(), TemplateError> {
    if let Some(kv) = &a.kube_version {
        KubeVersion::parse(kv).map_err(|e| format!("invalid kube version '{kv}': {e}"))?;
    }
    let (name, chart_ref) = name_and_chart(a)?;
    let user = a.values.merge()?;
    let chart = super::diag::load_chart(Path::new(&chart_ref))?;
    check_installable(&chart)?;
    validate_release_name(&name).map_err(|e| format!("release name check failed: {e}"))?;
    let (processed, values) =
        render::prepare(&chart, &user, a.skip_schema_validation).map_err(|e| e.message)?;
    let opts = RenderOptions {
        release: ReleaseOptions {
            name: name.clone(),
            namespace: a.namespace.clone().unwrap_or_else(|| "default".into()),
            revision: 1,
            is_upgrade: a.is_upgrade,
        },
        kube_version: a.kube_version.clone(),
        api_versions: a.api_versions.clone(),
        skip_schema_validation: a.skip_schema_validation,
        check_kube_version: true,
        strict: false,
        lint_mode: false,
    };
    // The processed tree is a full copy; the loaded chart is not needed any more.
    drop(chart);
    // The template sources are only needed to show an error's context.
    let hint = |message: String| TemplateError {
        context: super::diag::template_error_context(
            &message,
            &super::diag::template_sources(&processed),
        ),
        message,
        debug_hint: true,
    };
    let rendered =
        render::render_processed(&processed, values, &opts, env).map_err(|e| hint(e.message))?;
    let m = manifest::plan(&processed, &rendered).map_err(|e| hint(e.message))?;
    let write_err = |e: std::io::Error| TemplateError::from(e.to_string());

    if let Some(dir) = &a.output_dir {
        let dir = if a.use_release_name {
            dir.join(&name)
        } else {
            dir.clone()
        };
        let mut written = std::collections::BTreeSet::new();
        // Manifests append to a file already written in this run; hooks append to any
        // existing file, as Helm does.
        let mut write = |path: &str,
                         content: &str,
                         hook: bool,
                         out: &mut dyn Write|
         -> Result<(), TemplateError> {
            let file = PathBuf::from(format!("{}/{path}", dir.display()));
            if let Some(parent) = file.parent() {
                std::fs::create_dir_all(parent).map_err(write_err)?;
            }
            let append = if hook {
                file.exists()
            } else {
                !written.insert(path.to_string())
            };
            let mut f = std::fs::OpenOptions::new()
                .create(true)
                .write(true)
                .append(append)
                .truncate(!append)
                .open(&file)
                .map_err(write_err)?;
            write!(f, "---\n# Source: {path}\n{content}\n").map_err(write_err)?;
            writeln!(out, "wrote {}", file.display()).map_err(write_err)?;
            Ok(())
        };
        if a.include_crds {
            for (path, content) in &rendered.crds {
                write(path, content, false, out)?;
            }
        }
        for d in &m.documents {
            write(d.path, d.content, false, out)?;
        }
        if !a.no_hooks {
            for h in &m.hooks {
                if a.skip_tests && h.is_test() {
                    continue;
                }
                write(h.path, h.manifest, true, out)?;
            }
        }
        writeln!(out).map_err(write_err)?;
        return Ok(());
    }

    let output = TemplateOutput {
        include_crds: a.include_crds,
        no_hooks: a.no_hooks,
        skip_tests: a.skip_tests,
    };
    let pieces = manifest::template_pieces(&m, &rendered, &output);
    if a.show_only.is_empty() {
        let mut w = std::io::BufWriter::with_capacity(64 * 1024, out);
        for p in pieces {
            w.write_all(p.as_bytes()).map_err(write_err)?;
        }
        w.flush().map_err(write_err)?;
    } else {
        let text = manifest::show_only(&pieces.concat(), &a.show_only)?;
        out.write_all(text.as_bytes()).map_err(write_err)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn release_names() {
        assert!(validate_release_name("my-rel").is_ok());
        assert!(validate_release_name("a.b-c").is_ok());
        assert!(validate_release_name("Bad").is_err());
        assert!(validate_release_name("-a").is_err());
        assert!(validate_release_name(&"a".repeat(54)).is_err());
    }
}
