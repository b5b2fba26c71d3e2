//! `capstan upgrade`: upgrade a release to a new chart or values.

use capstan_core::release::Status;
use capstan_host::action::upgrade::{self, UpgradeOptions};
use capstan_host::sysenv::SystemEnvironment;
use clap::Args;

use super::common::{KubeFlags, OutputFormat};
use super::install::{
    InstallArgs, ReleaseFlags, WaitFlags, connect, install_flow, load_local_chart, parse_dry_run,
    parse_labels, print_release, warn_deprecated_flags,
};
use crate::cmd::ValueOptions;

/// `upgrade` flags.
#[derive(Args, Clone, Debug)]
pub struct UpgradeArgs {
    /// RELEASE
    pub release: String,
    /// CHART
    pub chart: String,
    #[command(flatten)]
    pub kube: KubeFlags,
    #[command(flatten)]
    pub values: ValueOptions,
    #[command(flatten)]
    pub waiting: WaitFlags,
    #[command(flatten)]
    pub common: ReleaseFlags,
    /// If a release by this name doesn't already exist, run an install
    #[arg(short = 'i', long)]
    pub install: bool,
    /// If --install is set, create the release namespace if not present
    #[arg(long = "create-namespace")]
    pub create_namespace: bool,
    /// Must be "true", "false" or "auto"; "auto" follows the release's apply method
    #[arg(long = "server-side", num_args = 0..=1, default_missing_value = "true", default_value = "auto")]
    pub server_side: String,
    /// Disable pre/post upgrade hooks
    #[arg(long = "no-hooks")]
    pub no_hooks: bool,
    /// When upgrading, reset the values to the ones built into the chart
    #[arg(long = "reset-values")]
    pub reset_values: bool,
    /// When upgrading, reuse the last release's values and merge in any overrides
    #[arg(long = "reuse-values")]
    pub reuse_values: bool,
    /// When upgrading, reset the values to the chart's, then apply the last release's values and overrides
    #[arg(long = "reset-then-reuse-values")]
    pub reset_then_reuse_values: bool,
    /// Limit the maximum number of revisions saved per release. Use 0 for no limit
    /// (default: HELM_MAX_HISTORY, else 10)
    #[arg(long = "history-max")]
    pub history_max: Option<usize>,
    /// Allow deletion of new resources created in this upgrade when upgrade fails
    #[arg(long = "cleanup-on-fail")]
    pub cleanup_on_fail: bool,
    /// If set, Helm will rollback the upgrade to previous success release upon failure
    #[arg(long = "rollback-on-failure", alias = "atomic")]
    pub rollback_on_failure: bool,
    /// If set, no CRDs will be installed when an upgrade is performed with install flag enabled
    #[arg(long = "skip-crds")]
    pub skip_crds: bool,
    /// If set, do not show notes in upgrade output
    #[arg(long = "hide-notes")]
    pub hide_notes: bool,
    /// If set, upgrade will ignore the check for helm annotations and take ownership of the existing resources
    #[arg(long = "take-ownership")]
    pub take_ownership: bool,
}

/// Runs the command.
pub async fn run(a: UpgradeArgs) -> Result<(), String> {
    warn_deprecated_flags();
    let dry_run = parse_dry_run(a.common.dry_run.as_deref())?;
    let wait = a.waiting.settings()?;
    let cfg = connect(&a.kube).await?;
    if a.install {
        let hist = cfg.storage.history(&a.release).await.unwrap_or_default();
        let last = hist.iter().max_by_key(|r| r.version);
        let uninstalled = last.is_some_and(|r| r.status() == Status::Uninstalled);
        if last.is_none() || uninstalled {
            if a.common.output == OutputFormat::Table {
                println!("Release {:?} does not exist. Installing it now.", a.release);
            }
            drop(cfg);
            let ia = InstallArgs {
                args: vec![a.release.clone(), a.chart.clone()],
                kube: a.kube.clone(),
                values: a.values.clone(),
                waiting: a.waiting.clone(),
                common: a.common.clone(),
                create_namespace: a.create_namespace,
                server_side: a.server_side.clone(),
                no_hooks: a.no_hooks,
                replace: uninstalled,
                generate_name: false,
                name_template: None,
                rollback_on_failure: a.rollback_on_failure,
                skip_crds: a.skip_crds,
                hide_notes: a.hide_notes,
                take_ownership: a.take_ownership,
            };
            let rel = install_flow(&ia, dry_run, wait, &a.server_side).await?;
            return print_release(&rel, a.common.output, a.hide_notes);
        }
    }
    let chart = load_local_chart(&a.chart)?;
    let vals = a.values.merge()?;
    let mut cfg = cfg;
    let history_max = super::install::history_max(a.history_max);
    cfg.storage.max_history = history_max;
    let opts = UpgradeOptions {
        dry_run,
        server_side: a.server_side.clone(),
        force_conflicts: a.common.force_conflicts,
        force_replace: a.common.force_replace,
        no_hooks: a.no_hooks,
        wait,
        description: a.common.description.clone(),
        skip_schema_validation: a.common.skip_schema_validation,
        disable_openapi_validation: a.common.disable_openapi_validation,
        hide_secret: a.common.hide_secret,
        rollback_on_failure: a.rollback_on_failure,
        cleanup_on_fail: a.cleanup_on_fail,
        reuse_values: a.reuse_values,
        reset_values: a.reset_values,
        reset_then_reuse_values: a.reset_then_reuse_values,
        take_ownership: a.take_ownership,
        sub_notes: a.common.render_subchart_notes,
        history_max,
        labels: parse_labels(&a.common.labels)?,
        chart_path: Some(std::path::PathBuf::from(a.chart.trim())),
        kube_options: Some(a.kube.options()),
    };
    let rel = upgrade::run(&cfg, &a.release, &chart, &vals, &opts, &SystemEnvironment)
        .await
        .map_err(|f| format!("UPGRADE FAILED: {}", f.error))?;
    if a.common.output == OutputFormat::Table {
        println!("Release {:?} has been upgraded. Happy Helming!", a.release);
    }
    print_release(&rel, a.common.output, a.hide_notes)
}
