//! `capstan uninstall`: removes releases.

use super::common::{KubeFlags, driver_from_env};
use capstan_host::action::uninstall::UninstallOptions;
use capstan_host::action::{self, Configuration};
use capstan_host::kube::Propagation;
use clap::Args;

/// `uninstall` flags.
#[derive(Args, Clone, Debug)]
pub struct UninstallArgs {
    /// The release names
    #[arg(value_name = "RELEASE_NAME", required = true)]
    pub names: Vec<String>,
    /// Must be "background", "orphan", or "foreground". Selects the deletion cascading strategy for the dependents. Defaults to background.
    #[arg(long, default_value = "background")]
    pub cascade: String,
    /// add a custom description
    #[arg(long, default_value = "")]
    pub description: String,
    /// simulate a uninstall
    #[arg(long = "dry-run")]
    pub dry_run: bool,
    /// Treat "release not found" as a successful uninstall
    #[arg(long = "ignore-not-found")]
    pub ignore_not_found: bool,
    /// remove all associated resources and mark the release as deleted, but retain the release history
    #[arg(long = "keep-history")]
    pub keep_history: bool,
    /// prevent hooks from running during uninstallation
    #[arg(long = "no-hooks")]
    pub no_hooks: bool,
    /// time to wait for any individual Kubernetes operation (like Jobs for hooks)
    #[arg(long, default_value = "5m0s")]
    pub timeout: String,
    /// wait until resources are ready (up to --timeout): watcher, hookOnly, legacy
    #[arg(long, num_args = 0..=1, default_missing_value = "watcher", default_value = "hookOnly")]
    pub wait: String,
    #[command(flatten)]
    pub kube: KubeFlags,
}

/// Runs the command.
pub async fn run(args: UninstallArgs) -> Result<(), String> {
    let cascade = match args.cascade.as_str() {
        "background" => Propagation::Background,
        "orphan" => Propagation::Orphan,
        "foreground" => Propagation::Foreground,
        _ => {
            return Err(
                "invalid cascade value (any). Must be \"background\", \"foreground\", or \"orphan\""
                    .replace("any", &args.cascade),
            );
        }
    };
    let timeout_ns = capstan_core::funcs::dates::parse_duration(&args.timeout).map_err(|e| {
        format!(
            "invalid argument {:?} for \"--timeout\" flag: {e}",
            args.timeout
        )
    })?;
    let wait = match args.wait.as_str() {
        "watcher" | "legacy" | "true" => true,
        "hookOnly" | "false" => false,
        other => {
            return Err(format!(
                "invalid argument {other:?} for \"--wait\" flag: invalid wait input {other:?}. Valid inputs are watcher, hookOnly, and legacy"
            ));
        }
    };
    let opts = UninstallOptions {
        keep_history: args.keep_history,
        cascade,
        dry_run: args.dry_run,
        no_hooks: args.no_hooks,
        ignore_not_found: args.ignore_not_found,
        wait,
        legacy_wait: args.wait == "legacy",
        timeout: std::time::Duration::from_nanos(u64::try_from(timeout_ns).unwrap_or(0)),
        description: Some(args.description.clone()).filter(|d| !d.is_empty()),
    };
    let cfg = Configuration::new(&args.kube.options(), &driver_from_env())
        .await
        .map_err(|e| e.to_string())?;
    for name in &args.names {
        let res = action::uninstall::run(&cfg, name, &opts)
            .await
            .map_err(|e| e.to_string())?;
        if let Some(res) = res
            && !res.info.is_empty()
        {
            println!("{}", res.info);
        }
        println!("release \"{name}\" uninstalled");
    }
    Ok(())
}
