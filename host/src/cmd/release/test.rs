//! `capstan test`: run a release's test hooks.

use capstan_host::action::release_test::{self, TestOptions};
use clap::Args;

use super::common::{KubeFlags, OutputFormat};
use super::install::{connect, parse_duration, print_release};

/// `test` flags.
#[derive(Args, Clone, Debug)]
pub struct TestArgs {
    /// RELEASE
    pub release: String,
    #[command(flatten)]
    pub kube: KubeFlags,
    /// Time to wait for any individual Kubernetes operation (like Jobs for hooks)
    #[arg(long, default_value = "5m0s")]
    pub timeout: String,
    /// Dump the logs from test pods (this runs after all tests are complete, but before any cleanup)
    #[arg(long)]
    pub logs: bool,
    /// Specify tests by attribute (currently "name") using attribute=value syntax or '!attribute=value' to exclude a test
    #[arg(long, value_delimiter = ',')]
    pub filter: Vec<String>,
}

/// Runs the command.
pub async fn run(a: TestArgs) -> Result<(), String> {
    let timeout = parse_duration(&a.timeout).map_err(|e| {
        format!(
            "invalid argument {:?} for \"--timeout\" flag: {e}",
            a.timeout
        )
    })?;
    let mut opts = TestOptions {
        timeout,
        ..TestOptions::default()
    };
    for f in &a.filter {
        if let Some(n) = f.strip_prefix("name=") {
            opts.include.push(n.to_string());
        } else if let Some(rest) = f.strip_prefix('!') {
            let rest = rest.strip_prefix(char::is_whitespace).unwrap_or(rest);
            if let Some(n) = rest.strip_prefix("name=") {
                opts.exclude.push(n.to_string());
            }
        }
    }
    let cfg = connect(&a.kube).await?;
    let (rel, err) = release_test::run(&cfg, &a.release, &opts)
        .await
        .map_err(|e| e.to_string())?;
    print_release(&rel, OutputFormat::Table, true)?;
    if a.logs {
        println!();
        match release_test::pod_logs(&cfg, &rel, &opts).await {
            Ok(text) => print!("{text}"),
            Err(le) => {
                return Err(match err {
                    Some(e) => format!("{e}\n{le}"),
                    None => le.to_string(),
                });
            }
        }
    }
    match err {
        Some(e) => Err(e.to_string()),
        None => Ok(()),
    }
}
