//! `capstan uninstall`: uninstall a release.

use super::common::KubeFlags;
use clap::Args;

/// `uninstall` flags.
#[derive(Args, Clone, Debug)]
pub struct UninstallArgs {
    #[command(flatten)]
    pub kube: KubeFlags,
}

/// Runs the command.
pub async fn run(_args: UninstallArgs) -> Result<(), String> {
    Err("not implemented yet".into())
}
