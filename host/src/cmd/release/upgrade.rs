//! `capstan upgrade`: upgrade a release to a new chart or values.

use super::common::KubeFlags;
use clap::Args;

/// `upgrade` flags.
#[derive(Args, Clone, Debug)]
pub struct UpgradeArgs {
    #[command(flatten)]
    pub kube: KubeFlags,
}

/// Runs the command.
pub async fn run(_args: UpgradeArgs) -> Result<(), String> {
    Err("not implemented yet".into())
}
