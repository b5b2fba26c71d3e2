//! `capstan rollback`: roll a release back to an earlier revision.

use super::common::KubeFlags;
use clap::Args;

/// `rollback` flags.
#[derive(Args, Clone, Debug)]
pub struct RollbackArgs {
    #[command(flatten)]
    pub kube: KubeFlags,
}

/// Runs the command.
pub async fn run(_args: RollbackArgs) -> Result<(), String> {
    Err("not implemented yet".into())
}
