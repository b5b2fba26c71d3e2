//! `capstan test`: run a release's test hooks.

use super::common::KubeFlags;
use clap::Args;

/// `test` flags.
#[derive(Args, Clone, Debug)]
pub struct TestArgs {
    #[command(flatten)]
    pub kube: KubeFlags,
}

/// Runs the command.
pub async fn run(_args: TestArgs) -> Result<(), String> {
    Err("not implemented yet".into())
}
