//! `capstan history`: a release's revisions.

use super::common::KubeFlags;
use clap::Args;

/// `history` flags.
#[derive(Args, Clone, Debug)]
pub struct HistoryArgs {
    #[command(flatten)]
    pub kube: KubeFlags,
}

/// Runs the command.
pub async fn run(_args: HistoryArgs) -> Result<(), String> {
    Err("not implemented yet".into())
}
