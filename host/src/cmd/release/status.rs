//! `capstan status`: a release's status.

use super::common::KubeFlags;
use clap::Args;

/// `status` flags.
#[derive(Args, Clone, Debug)]
pub struct StatusArgs {
    #[command(flatten)]
    pub kube: KubeFlags,
}

/// Runs the command.
pub async fn run(_args: StatusArgs) -> Result<(), String> {
    Err("not implemented yet".into())
}
