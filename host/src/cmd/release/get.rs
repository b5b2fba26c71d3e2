//! `capstan get`: a release's values, manifest, notes, hooks or metadata.

use super::common::KubeFlags;
use clap::Args;

/// `get` flags.
#[derive(Args, Clone, Debug)]
pub struct GetArgs {
    #[command(flatten)]
    pub kube: KubeFlags,
}

/// Runs the command.
pub async fn run(_args: GetArgs) -> Result<(), String> {
    Err("not implemented yet".into())
}
