//! `capstan`: a Helm-compatible package manager for Kubernetes.

mod cmd;

use std::io::Write;
use std::process::ExitCode;

use capstan_core::render::ReleaseOptions;
use capstan_host::debug;
use capstan_host::sysenv::SystemEnvironment;
use clap::{Args, Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "capstan",
    version,
    about = "A Helm-compatible package manager for Kubernetes"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Locally render templates (like `helm template`)
    Template(Box<cmd::template::TemplateArgs>),
    /// Show information of a chart
    #[command(subcommand)]
    Show(ShowCommand),
    /// Examine a chart for possible issues
    Lint(LintArgs),
    /// Create a new chart with the given name
    Create {
        /// The chart name (or path)
        name: String,
    },
    #[command(flatten)]
    Release(cmd::release::ReleaseCommand),
    /// Machine-readable answers with the same JSON as ../shared/oracle/helm_oracle.py.
    #[command(subcommand)]
    Debug(DebugCommand),
}

#[derive(Subcommand)]
enum ShowCommand {
    /// Show all information of the chart
    All { chart: String },
    /// Show the chart's definition
    Chart { chart: String },
    /// Show the chart's values
    Values { chart: String },
    /// Show the chart's README
    Readme { chart: String },
    /// Show the chart's CRDs
    Crds { chart: String },
}

#[derive(Args)]
struct LintArgs {
    /// Chart directories
    #[arg(default_value = ".")]
    paths: Vec<String>,
    #[command(flatten)]
    values: cmd::ValueOptions,
    /// Fail on lint warnings
    #[arg(long)]
    strict: bool,
    /// Print only warnings and errors
    #[arg(long)]
    quiet: bool,
    /// If set, disables JSON schema validation
    #[arg(long = "skip-schema-validation")]
    skip_schema_validation: bool,
    /// Kubernetes version used for capabilities and deprecation checks
    #[arg(long = "kube-version")]
    kube_version: Option<String>,
    /// Namespace scope for this request
    #[arg(short = 'n', long = "namespace")]
    namespace: Option<String>,
}

#[derive(Subcommand)]
enum DebugCommand {
    /// Render a chart: {"templates": {...}} or, with --manifest, {"manifest", "notes"}.
    Render(RenderArgs),
    /// Parse a --set style expression: the values as JSON.
    Strvals {
        /// set, set-string, set-json or set-literal
        kind: String,
        /// The flag's argument, e.g. a.b=c
        expr: String,
    },
    /// The chart's values coalesced with user values (Helm's CoalesceValues).
    Merge(ValuesArgs),
    /// Validate coalesced values against values.schema.json: {"ok": true|false, "error"?}.
    Schema(ValuesArgs),
    /// Run snippet cases: one JSON line per case with "expect" or "error" added.
    Snippets {
        /// A .jsonl file of cases (see ../shared/conformance/README.md)
        cases: String,
    },
}

#[derive(Args)]
struct ValuesArgs {
    /// Chart directory or .tgz
    chart: String,
    /// Values files, merged in order like helm -f a -f b
    #[arg(short = 'f', long = "values")]
    values: Vec<String>,
}

#[derive(Args)]
struct RenderArgs {
    /// Chart directory or .tgz
    chart: String,
    /// Values files, merged in order like helm -f a -f b
    #[arg(short = 'f', long = "values")]
    values: Vec<String>,
    /// Release name
    #[arg(long)]
    name: Option<String>,
    /// Release namespace
    #[arg(long)]
    namespace: Option<String>,
    /// Release revision
    #[arg(long)]
    revision: Option<i64>,
    /// Render as an upgrade (.Release.IsUpgrade)
    #[arg(long)]
    upgrade: bool,
    /// Print the install manifest and notes instead of per-template output
    #[arg(long)]
    manifest: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Template(a) => run_template(&a),
        Command::Show(c) => run_show(c),
        Command::Lint(a) => run_lint(&a),
        Command::Create { name } => {
            println!("Creating {name}");
            report(cmd::create::run(&name))
        }
        Command::Debug(cmd) => run_debug(cmd),
        Command::Release(cmd) => report(cmd.run()),
    }
}

/// Helm's error exit: `Error: MSG` on stderr, status 1.
fn fail(msg: &str) -> ExitCode {
    eprintln!("Error: {msg}");
    ExitCode::FAILURE
}

fn report(r: Result<(), String>) -> ExitCode {
    match r {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(&e),
    }
}

fn run_template(a: &cmd::template::TemplateArgs) -> ExitCode {
    let env = SystemEnvironment;
    let stdout = std::io::stdout();
    let mut lock = stdout.lock();
    match cmd::template::run(a, &env, &mut lock) {
        Ok(()) => {
            let _ = lock.flush();
            ExitCode::SUCCESS
        }
        Err(e) => {
            let _ = lock.flush();
            fail(&e.display())
        }
    }
}

fn run_show(c: ShowCommand) -> ExitCode {
    use cmd::show::ShowWhat;
    let (what, chart) = match c {
        ShowCommand::All { chart } => (ShowWhat::All, chart),
        ShowCommand::Chart { chart } => (ShowWhat::Chart, chart),
        ShowCommand::Values { chart } => (ShowWhat::Values, chart),
        ShowCommand::Readme { chart } => (ShowWhat::Readme, chart),
        ShowCommand::Crds { chart } => (ShowWhat::Crds, chart),
    };
    match cmd::show::run(what, &chart) {
        Ok(text) => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Err(e) => fail(&e),
    }
}

fn run_lint(a: &LintArgs) -> ExitCode {
    let env = SystemEnvironment;
    let overrides = match a.values.merge() {
        Ok(v) => v,
        Err(e) => return fail(&e),
    };
    let opts = cmd::lint::LintOptions {
        strict: a.strict,
        namespace: a.namespace.as_deref().unwrap_or("default"),
        kube_version: a.kube_version.as_deref(),
        skip_schema_validation: a.skip_schema_validation,
        quiet: a.quiet,
    };
    let (out, result) = cmd::lint::run(&a.paths, &overrides, &opts, &env);
    print!("{out}");
    report(result)
}

fn print_json_result(result: Result<serde_json::Value, String>) -> ExitCode {
    match result {
        Ok(v) => {
            println!("{v}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            println!("{}", serde_json::json!({ "error": e }));
            ExitCode::FAILURE
        }
    }
}

fn run_debug(cmd: DebugCommand) -> ExitCode {
    let env = SystemEnvironment;
    match cmd {
        DebugCommand::Render(a) => {
            let mut release = ReleaseOptions::default();
            if let Some(n) = a.name {
                release.name = n;
            }
            if let Some(n) = a.namespace {
                release.namespace = n;
            }
            if let Some(r) = a.revision {
                release.revision = r;
            }
            release.is_upgrade = a.upgrade;
            print_json_result(debug::render(
                &a.chart, &a.values, release, a.manifest, &env,
            ))
        }
        DebugCommand::Strvals { kind, expr } => print_json_result(debug::strvals(&kind, &expr)),
        DebugCommand::Merge(a) => print_json_result(debug::merge(&a.chart, &a.values)),
        DebugCommand::Schema(a) => print_json_result(debug::schema(&a.chart, &a.values)),
        DebugCommand::Snippets { cases } => {
            let stdout = std::io::stdout();
            let mut lock = stdout.lock();
            match debug::snippets(&cases, &env, &mut lock) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    println!("{}", serde_json::json!({ "error": e }));
                    ExitCode::FAILURE
                }
            }
        }
    }
}
