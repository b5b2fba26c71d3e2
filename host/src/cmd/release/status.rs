//! `capstan status`: the status block of a release revision.

use super::common::{KubeFlags, OutputFormat, driver_from_env};
use super::print::{self, StatusOptions};
use capstan_host::action::{self, Configuration};
use clap::Args;

/// `status` flags.
#[derive(Args, Clone, Debug)]
pub struct StatusArgs {
    /// The release name
    #[arg(value_name = "RELEASE_NAME")]
    pub name: String,
    /// if set, display the status of the named release with revision
    #[arg(long, default_value_t = 0, allow_negative_numbers = true)]
    pub revision: i64,
    /// prints the output in the specified format. Allowed values: table, json, yaml
    #[arg(short = 'o', long = "output", value_enum, default_value = "table")]
    pub output: OutputFormat,
    #[command(flatten)]
    pub kube: KubeFlags,
}

/// Runs the command.
pub async fn run(args: StatusArgs) -> Result<(), String> {
    let cfg = Configuration::new(&args.kube.options(), &driver_from_env())
        .await
        .map_err(|e| e.to_string())?;
    let mut rel = action::status::run(&cfg, &args.name, args.revision)
        .await
        .map_err(|e| e.to_string())?;
    // Helm 4 shows the live objects: as server-side tables for the table output, whole
    // for JSON / YAML.
    let resources = action::status::resources(&cfg, &rel, args.output == OutputFormat::Table)
        .await
        .map_err(|e| e.to_string())?;
    let opts = StatusOptions {
        resource_order: resources.iter().map(|(k, _)| k.clone()).collect(),
        ..StatusOptions::default()
    };
    if let Some(info) = rel.info.as_mut() {
        info.resources = resources.into_iter().collect();
    }
    // `helm status` strips the chart before printing.
    rel.chart = None;
    print::print_status(&rel, args.output, &opts);
    Ok(())
}
