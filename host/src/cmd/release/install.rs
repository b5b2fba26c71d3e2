//! `capstan install`: install a chart as a new release.

use super::common::KubeFlags;
use clap::Args;

/// `install` flags.
#[derive(Args, Clone, Debug)]
pub struct InstallArgs {
    #[command(flatten)]
    pub kube: KubeFlags,
}

/// Runs the command.
pub async fn run(_args: InstallArgs) -> Result<(), String> {
    Err("not implemented yet".into())
}
