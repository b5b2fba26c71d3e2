//! `rollback` (Helm's `action.Rollback`): a new revision carrying an earlier revision's
//! chart, values and manifest, applied over the current one.

use capstan_core::release::{Info, Release, Status};

use super::hooks::{self, HookOptions};
use super::install::{DryRun, WaitSettings, apply_method};
use super::upgrade::server_side_value;
use super::{Configuration, Error, ownership};
use crate::kube::{ApplyOptions, Propagation};

/// `helm rollback` options.
#[derive(Debug, Clone, Default)]
pub struct RollbackOptions {
    /// The revision to roll back to; 0 = the one before the last.
    pub version: i64,
    pub dry_run: DryRun,
    /// `--server-side`: `auto`, `true` or `false`.
    pub server_side: String,
    pub force_conflicts: bool,
    pub force_replace: bool,
    pub no_hooks: bool,
    pub wait: WaitSettings,
    pub cleanup_on_fail: bool,
    /// `--history-max` (0 = no limit).
    pub history_max: usize,
}

/// Rolls release `name` back; returns the new revision.
pub async fn run(
    cfg: &Configuration,
    name: &str,
    opts: &RollbackOptions,
) -> Result<Release, Error> {
    let (current, mut target, server_side) = prepare(cfg, name, opts).await?;
    if !opts.dry_run.is_dry_run() {
        cfg.storage.create(&target).await?;
    } else {
        return Ok(target);
    }
    perform(cfg, current, &mut target, server_side, opts).await?;
    cfg.storage.update(&target).await?;
    Ok(target)
}

async fn prepare(
    cfg: &Configuration,
    name: &str,
    opts: &RollbackOptions,
) -> Result<(Release, Release, bool), Error> {
    if capstan_core::release::validate_release_name(name).is_err() {
        return Err(Error::Other(format!(
            "prepareRollback: Release name is invalid: {name}"
        )));
    }
    if opts.version < 0 {
        return Err(Error::Other("invalid release revision".into()));
    }
    let current = cfg.storage.last(name).await?;
    let previous_version = if opts.version == 0 {
        current.version - 1
    } else {
        opts.version
    };
    let history = cfg.storage.history(name).await?;
    if !history.iter().any(|r| r.version == previous_version) {
        return Err(Error::Other(format!(
            "release has no {previous_version} version"
        )));
    }
    let previous = cfg.storage.get(name, previous_version).await?;
    let server_side = server_side_value(&opts.server_side, &previous.apply_method)?;
    let info = previous.info.clone().unwrap_or_default();
    let target = Release {
        name: name.to_string(),
        namespace: current.namespace.clone(),
        chart: previous.chart.clone(),
        config: previous.config.clone(),
        info: Some(Info {
            first_deployed: current.info.as_ref().and_then(|i| i.first_deployed.clone()),
            last_deployed: Some(hooks::now()),
            status: Status::PendingRollback,
            notes: info.notes,
            description: format!("Rollback to {previous_version}"),
            ..Info::default()
        }),
        version: current.version + 1,
        labels: previous.labels.clone(),
        manifest: previous.manifest.clone(),
        hooks: previous.hooks.clone(),
        apply_method: apply_method(server_side),
    };
    Ok((current, target, server_side))
}

async fn perform(
    cfg: &Configuration,
    mut current: Release,
    target: &mut Release,
    server_side: bool,
    opts: &RollbackOptions,
) -> Result<(), Error> {
    let current_list = cfg.kube.build(&current.manifest).await.map_err(|e| {
        Error::Other(format!(
            "unable to build kubernetes objects from current release manifest: {e}"
        ))
    })?;
    let mut target_list = cfg.kube.build(&target.manifest).await.map_err(|e| {
        Error::Other(format!(
            "unable to build kubernetes objects from new release manifest: {e}"
        ))
    })?;
    let legacy = opts.wait.strategy == super::install::WaitStrategy::Legacy;
    let hook_opts = HookOptions {
        timeout: opts.wait.timeout,
        server_side,
        record: true,
    };
    if !opts.no_hooks {
        hooks::execute_with(cfg, target, "pre-rollback", &hook_opts, legacy).await?;
    }
    ownership::set_metadata(&mut target_list, &target.name, &target.namespace);
    let apply = ApplyOptions {
        server_side,
        force_conflicts: opts.force_conflicts,
        force_replace: opts.force_replace,
        upgrade_client_side_field_manager: true,
        ..ApplyOptions::default()
    };
    let (changes, result) = cfg
        .kube
        .update_partial(&current_list, &target_list, &apply)
        .await;
    if let Err(e) = result {
        let msg = format!("Rollback {:?} failed: {e}", target.name);
        hooks::log("WARN", &msg, &[]);
        if let Some(i) = current.info.as_mut() {
            i.status = Status::Superseded;
        }
        target.set_status(Status::Failed, &msg);
        let _ = cfg.storage.update(&current).await;
        let _ = cfg.storage.update(target).await;
        if opts.cleanup_on_fail {
            let created = super::upgrade::created_resources(&target_list, &changes);
            let (_, errs) = cfg.kube.delete(&created, Propagation::Background).await;
            if !errs.is_empty() {
                let msgs: Vec<String> = errs.iter().map(|e| e.to_string()).collect();
                return Err(Error::Other(format!(
                    "an error occurred while cleaning up resources. original rollback error: unable to cleanup resources: {}",
                    msgs.join(", ")
                )));
            }
        }
        return Err(e.into());
    }
    if let Err(e) = opts.wait.wait(&cfg.kube, &target_list).await {
        target.set_status(
            Status::Failed,
            &format!("Release {:?} failed: {e}", target.name),
        );
        let _ = cfg.storage.update(&current).await;
        let _ = cfg.storage.update(target).await;
        return Err(Error::Other(format!("release {} failed: {e}", target.name)));
    }
    if !opts.no_hooks {
        hooks::execute_with(cfg, target, "post-rollback", &hook_opts, legacy).await?;
    }
    let history = cfg.storage.history(&current.name).await?;
    for mut r in history {
        if r.status() == Status::Deployed && r.version != target.version {
            if let Some(i) = r.info.as_mut() {
                i.status = Status::Superseded;
            }
            let _ = cfg.storage.update(&r).await;
        }
    }
    if let Some(i) = target.info.as_mut() {
        i.status = Status::Deployed;
    }
    Ok(())
}
