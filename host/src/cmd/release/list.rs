//! `capstan list`: releases in a namespace or all of them.

use super::common::KubeFlags;
use clap::Args;

/// `list` flags.
#[derive(Args, Clone, Debug)]
pub struct ListArgs {
    #[command(flatten)]
    pub kube: KubeFlags,
}

/// Runs the command.
pub async fn run(_args: ListArgs) -> Result<(), String> {
    Err("not implemented yet".into())
}
