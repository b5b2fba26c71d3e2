//! `capstan rollback`: roll a release back to an earlier revision.

use capstan_host::action::rollback::{self, RollbackOptions};
use clap::Args;

use super::common::KubeFlags;
use super::install::{WaitFlags, connect, parse_dry_run};

/// `rollback` flags.
#[derive(Args, Clone, Debug)]
pub struct RollbackArgs {
    /// RELEASE
    pub release: String,
    /// REVISION (omitted or 0: the previous one)
    pub revision: Option<String>,
    #[command(flatten)]
    pub kube: KubeFlags,
    #[command(flatten)]
    pub waiting: WaitFlags,
    /// Force resource updates by replacement
    #[arg(long = "force-replace", alias = "force")]
    pub force_replace: bool,
    /// If set server-side apply will force changes against conflicts
    #[arg(long = "force-conflicts", conflicts_with = "force_replace")]
    pub force_conflicts: bool,
    /// Must be "true", "false" or "auto"
    #[arg(long = "server-side", num_args = 0..=1, default_missing_value = "true", default_value = "auto")]
    pub server_side: String,
    /// Prevent hooks from running during rollback
    #[arg(long = "no-hooks")]
    pub no_hooks: bool,
    /// Allow deletion of new resources created in this rollback when rollback fails
    #[arg(long = "cleanup-on-fail")]
    pub cleanup_on_fail: bool,
    /// Limit the maximum number of revisions saved per release. Use 0 for no limit
    /// (default: HELM_MAX_HISTORY, else 10)
    #[arg(long = "history-max")]
    pub history_max: Option<usize>,
    /// Simulate the operation: "none" (default), "client", or "server"
    #[arg(long = "dry-run", num_args = 0..=1, default_missing_value = "unset")]
    pub dry_run: Option<String>,
}

/// Runs the command.
pub async fn run(a: RollbackArgs) -> Result<(), String> {
    super::install::warn_deprecated_flags();
    let version = match &a.revision {
        Some(v) => v.parse::<i64>().map_err(|_| {
            format!("could not convert revision to a number: strconv.Atoi: parsing {v:?}: invalid syntax")
        })?,
        None => 0,
    };
    let dry_run = parse_dry_run(a.dry_run.as_deref())?;
    let wait = a.waiting.settings()?;
    let mut cfg = connect(&a.kube).await?;
    let history_max = super::install::history_max(a.history_max);
    cfg.storage.max_history = history_max;
    let opts = RollbackOptions {
        version,
        dry_run,
        server_side: a.server_side.clone(),
        force_conflicts: a.force_conflicts,
        force_replace: a.force_replace,
        no_hooks: a.no_hooks,
        wait,
        cleanup_on_fail: a.cleanup_on_fail,
        history_max,
    };
    rollback::run(&cfg, &a.release, &opts)
        .await
        .map_err(|e| e.to_string())?;
    println!("Rollback was a success! Happy Helming!");
    Ok(())
}
