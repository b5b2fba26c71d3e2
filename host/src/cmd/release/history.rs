//! `capstan history`: a release's revisions.

use super::common::{KubeFlags, OutputFormat, driver_from_env};
use super::print;
use capstan_host::action::{self, Configuration};
use clap::Args;

/// `history` flags.
#[derive(Args, Clone, Debug)]
pub struct HistoryArgs {
    /// The release name
    #[arg(value_name = "RELEASE_NAME")]
    pub name: String,
    /// maximum number of revision to include in history
    #[arg(long, default_value_t = 256, allow_negative_numbers = true)]
    pub max: i64,
    /// prints the output in the specified format. Allowed values: table, json, yaml
    #[arg(short = 'o', long = "output", value_enum, default_value = "table")]
    pub output: OutputFormat,
    #[command(flatten)]
    pub kube: KubeFlags,
}

/// Runs the command.
pub async fn run(args: HistoryArgs) -> Result<(), String> {
    let cfg = Configuration::new(&args.kube.options(), &driver_from_env())
        .await
        .map_err(|e| e.to_string())?;
    let mut revs = action::history::run(&cfg, &args.name)
        .await
        .map_err(|e| e.to_string())?;
    // The newest `--max` revisions, printed oldest first.
    let max = usize::try_from(args.max).unwrap_or(0);
    if revs.len() > max {
        revs.drain(..revs.len() - max);
    }
    if revs.is_empty() && args.output == OutputFormat::Table {
        print!("{}", print::history(&[], args.output));
        return Ok(());
    }
    print!("{}", print::history(&revs, args.output));
    Ok(())
}
