//! `capstan`: a Helm-compatible package manager for Kubernetes.

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
    /// Machine-readable answers with the same JSON as ../shared/oracle/helm_oracle.py.
    #[command(subcommand)]
    Debug(DebugCommand),
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
        Command::Debug(cmd) => run_debug(cmd),
    }
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
