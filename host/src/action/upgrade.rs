//! `upgrade` (Helm's `action.Upgrade`): a new revision from a chart and values, applied over
//! the deployed one; the previous revision is superseded when everything succeeded.

use capstan_core::Environment;
use capstan_core::chart::Chart;
use capstan_core::release::{
    APPLY_METHOD_CLIENT_SIDE, APPLY_METHOD_SERVER_SIDE, Info, Release, Status,
};
use capstan_core::render::ReleaseOptions;
use serde_json::{Map as JsonMap, Value as JsonValue};
use std::collections::BTreeMap;

use super::hooks::{self, HookOptions};
use super::install::{
    self, DryRun, Failed, RenderInput, WaitSettings, apply_method, values_from_json, values_to_json,
};
use super::{Configuration, Error, ownership};
use crate::kube::{ApplyOptions, ResourceList};
use crate::storage::StorageError;

/// Everything `helm upgrade` takes besides the release name, chart and values.
#[derive(Debug, Clone, Default)]
pub struct UpgradeOptions {
    pub dry_run: DryRun,
    /// `--server-side`: `auto` (follow the release), `true` or `false`.
    pub server_side: String,
    pub force_conflicts: bool,
    pub force_replace: bool,
    pub no_hooks: bool,
    pub wait: WaitSettings,
    pub rollback_on_failure: bool,
    pub cleanup_on_fail: bool,
    pub description: String,
    pub reuse_values: bool,
    pub reset_values: bool,
    pub reset_then_reuse_values: bool,
    pub skip_schema_validation: bool,
    pub take_ownership: bool,
    /// `--disable-openapi-validation`
    pub disable_openapi_validation: bool,
    /// `--hide-secret` (dry runs only)
    pub hide_secret: bool,
    /// `--render-subchart-notes`
    pub sub_notes: bool,
    /// `--history-max` (0 = no limit).
    pub history_max: usize,
    pub labels: BTreeMap<String, String>,
    /// The chart directory, for the file times Helm records.
    pub chart_path: Option<std::path::PathBuf>,
    /// How to reach the cluster for the template `lookup` function.
    pub kube_options: Option<crate::kube::KubeOptions>,
}

/// `another operation (install/upgrade/rollback) is in progress`
pub const ERR_PENDING: &str = "another operation (install/upgrade/rollback) is in progress";

/// Helm's choice of apply method for upgrades and rollbacks.
pub fn server_side_value(option: &str, last_method: &str) -> Result<bool, Error> {
    match option {
        "auto" | "" => Ok(last_method == APPLY_METHOD_SERVER_SIDE),
        "false" => Ok(false),
        "true" => Ok(true),
        other => Err(Error::Other(format!(
            "invalid/unknown release server-side apply method: {other}"
        ))),
    }
}

/// Helm's `CoalesceTables(dst, src)` on user values: keys of `src` missing in `dst` are
/// added, nested maps merge, a null in `dst` removes the key.
pub fn coalesce_tables(dst: &mut JsonMap<String, JsonValue>, src: &JsonMap<String, JsonValue>) {
    for (k, sv) in src {
        match dst.get_mut(k) {
            Some(JsonValue::Null) => {
                dst.remove(k);
            }
            None => {
                dst.insert(k.clone(), sv.clone());
            }
            Some(JsonValue::Object(dm)) => {
                if let JsonValue::Object(sm) = sv {
                    coalesce_tables(dm, sm);
                }
            }
            Some(_) => {}
        }
    }
}

/// Helm's `reuseValues`: which user values the new revision gets, and (with
/// `--reuse-values`) the chart defaults replaced by the old release's values.
fn reuse_values(
    opts: &UpgradeOptions,
    chart: &mut Chart,
    current: &Release,
    new_vals: JsonMap<String, JsonValue>,
) -> JsonMap<String, JsonValue> {
    if opts.reset_values {
        return new_vals;
    }
    if opts.reuse_values {
        let mut old = current.config.clone();
        if let Some(defaults) = current.chart.as_ref().and_then(|c| c.values.as_ref()) {
            coalesce_tables(&mut old, defaults);
        }
        let mut vals = new_vals;
        coalesce_tables(&mut vals, &current.config);
        chart.values = values_from_json(&old);
        return vals;
    }
    if opts.reset_then_reuse_values {
        let mut vals = new_vals;
        coalesce_tables(&mut vals, &current.config);
        return vals;
    }
    if new_vals.is_empty() && !current.config.is_empty() {
        return current.config.clone();
    }
    new_vals
}

/// Upgrades release `name`.
pub async fn run(
    cfg: &Configuration,
    name: &str,
    chart: &Chart,
    vals: &capstan_core::Map,
    opts: &UpgradeOptions,
    env: &dyn Environment,
) -> Result<Release, Failed> {
    if capstan_core::release::validate_release_name(name).is_err() {
        return Err(Error::Other(format!("release name is invalid: {name}")).into());
    }
    if !opts.dry_run.is_dry_run() && opts.hide_secret {
        return Err(
            Error::Other("hiding Kubernetes secrets requires a dry-run mode".into()).into(),
        );
    }
    let last = match cfg.storage.last(name).await {
        Ok(r) => r,
        Err(StorageError::NotFound) => {
            return Err(Error::Other(format!("{name:?} has no deployed releases")).into());
        }
        Err(e) => return Err(e.into()),
    };
    if last.status().is_pending() {
        return Err(Error::Other(ERR_PENDING.into()).into());
    }
    let current = if last.status() == Status::Deployed {
        last.clone()
    } else {
        match cfg.storage.deployed(name).await {
            Ok(r) => r,
            Err(StorageError::NotFound)
                if matches!(last.status(), Status::Failed | Status::Superseded) =>
            {
                last.clone()
            }
            Err(StorageError::NotFound) => {
                return Err(Error::Other(format!("{name:?} has no deployed releases")).into());
            }
            Err(e) => return Err(e.into()),
        }
    };
    let mut chart = chart.clone();
    let vals_json = reuse_values(opts, &mut chart, &current, values_to_json(vals));
    let vals = values_from_json(&vals_json);
    let revision = last.version + 1;
    let (kube_version, api_versions) = install::cluster_capabilities(cfg).await?;
    let lookup = opts
        .kube_options
        .clone()
        .map(super::lookup::LiveLookup::new);
    let rendered = install::render_release(
        RenderInput {
            chart: &chart,
            values: &vals,
            release: ReleaseOptions {
                name: name.to_string(),
                namespace: current.namespace.clone(),
                revision,
                is_upgrade: true,
            },
            kube_version,
            api_versions,
            cluster_api_versions: true,
            hide_secret: opts.hide_secret,
            sub_notes: opts.sub_notes,
            lookup: lookup
                .as_ref()
                .map(|l| l as &dyn capstan_core::template::Lookup),
            skip_schema_validation: opts.skip_schema_validation,
        },
        env,
    )?;
    install::check_labels(&opts.labels)?;
    let server_side = server_side_value(&opts.server_side, &last.apply_method)?;
    let mut labels = last.labels.clone();
    labels.extend(opts.labels.clone());
    labels.retain(|_, v| v != "null");
    let mut upgraded = Release {
        name: name.to_string(),
        namespace: current.namespace.clone(),
        chart: Some(install::chart_record(&chart, opts.chart_path.as_deref())),
        config: vals_json,
        info: Some(Info {
            first_deployed: current.info.as_ref().and_then(|i| i.first_deployed.clone()),
            last_deployed: Some(hooks::now()),
            status: Status::PendingUpgrade,
            description: "Preparing upgrade".into(),
            notes: rendered.notes,
            ..Info::default()
        }),
        version: revision,
        manifest: rendered.manifest,
        hooks: rendered.hooks,
        labels,
        apply_method: apply_method(server_side),
    };

    let mut current_list = cfg.kube.build(&current.manifest).await.map_err(|e| {
        let s = e.to_string();
        if s.contains("no matches for kind") {
            Error::Other(format!("current release manifest contains removed kubernetes api(s) for this kubernetes version and it is therefore unable to build the kubernetes objects for performing the diff. error from kubernetes: {s}"))
        } else {
            Error::Other(format!(
                "unable to build kubernetes objects from current release manifest: {s}"
            ))
        }
    })?;
    let built = if opts.disable_openapi_validation {
        cfg.kube.build(&upgraded.manifest).await
    } else {
        cfg.kube.build_validated(&upgraded.manifest).await
    };
    let mut target = built.map_err(|e| {
        Error::Other(format!(
            "unable to build kubernetes objects from new release manifest: {e}"
        ))
    })?;
    ownership::set_metadata(&mut target, name, &upgraded.namespace);
    let existing: std::collections::HashSet<_> = current_list.0.iter().map(object_key).collect();
    let to_create = ResourceList(
        target
            .0
            .iter()
            .filter(|r| !existing.contains(&object_key(r)))
            .cloned()
            .collect(),
    );
    let adopt = ownership::existing(
        &cfg.kube,
        &to_create,
        name,
        &upgraded.namespace,
        opts.take_ownership,
    )
    .await
    .map_err(|e| Error::Other(format!("unable to continue with update: {e}")))?;
    current_list.0.extend(adopt.0);

    if opts.dry_run.is_dry_run() {
        let desc = if opts.description.is_empty() {
            "Dry run complete"
        } else {
            &opts.description
        };
        if let Some(i) = upgraded.info.as_mut() {
            i.description = desc.to_string();
        }
        return Ok(upgraded);
    }

    cfg.storage.create(&upgraded).await?;
    match perform(
        cfg,
        &mut upgraded,
        current,
        &current_list,
        &target,
        server_side,
        opts,
    )
    .await
    {
        Ok(()) => {
            cfg.storage.update(&upgraded).await.map_err(|e| Failed {
                release: Some(Box::new(upgraded.clone())),
                error: e.into(),
            })?;
            Ok(upgraded)
        }
        Err((e, created)) => Err(fail(cfg, upgraded, created, e, opts).await),
    }
}

/// The target resources an update created (what `--cleanup-on-fail` deletes).
pub fn created_resources(target: &ResourceList, changes: &crate::kube::ChangeSet) -> ResourceList {
    ResourceList(
        target
            .0
            .iter()
            .filter(|r| changes.created.contains(&r.key()))
            .cloned()
            .collect(),
    )
}

/// The identity Helm matches old and new objects by: group/version, kind, namespace, name.
fn object_key(r: &crate::kube::Resource) -> String {
    format!(
        "{}/{}/{}/{}/{}",
        r.api.group,
        r.api.version,
        r.api.kind,
        r.namespace.as_deref().unwrap_or(""),
        r.name
    )
}

#[allow(clippy::too_many_arguments)]
async fn perform(
    cfg: &Configuration,
    upgraded: &mut Release,
    mut original: Release,
    current: &ResourceList,
    target: &ResourceList,
    server_side: bool,
    opts: &UpgradeOptions,
) -> Result<(), (Error, ResourceList)> {
    let none = ResourceList::default;
    let legacy = opts.wait.strategy == install::WaitStrategy::Legacy;
    let hook_opts = HookOptions {
        timeout: opts.wait.timeout,
        server_side,
        record: true,
    };
    if !opts.no_hooks {
        hooks::execute_with(cfg, upgraded, "pre-upgrade", &hook_opts, legacy)
            .await
            .map_err(|e| {
                (
                    Error::Other(format!("pre-upgrade hooks failed: {e}")),
                    none(),
                )
            })?;
    }
    let csa_before =
        original.apply_method.is_empty() || original.apply_method == APPLY_METHOD_CLIENT_SIDE;
    let apply = ApplyOptions {
        server_side,
        force_conflicts: opts.force_conflicts,
        force_replace: opts.force_replace,
        upgrade_client_side_field_manager: csa_before && server_side,
        ..ApplyOptions::default()
    };
    let (changes, result) = cfg.kube.update_partial(current, target, &apply).await;
    let created = created_resources(target, &changes);
    if let Err(e) = result {
        let _ = cfg.storage.update(&original).await;
        return Err((e.into(), created));
    }
    if let Err(e) = opts
        .wait
        .for_rollback_on_failure(opts.rollback_on_failure)
        .wait(&cfg.kube, target)
        .await
    {
        let _ = cfg.storage.update(&original).await;
        return Err((e.into(), created));
    }
    if !opts.no_hooks {
        hooks::execute_with(cfg, upgraded, "post-upgrade", &hook_opts, legacy)
            .await
            .map_err(|e| {
                (
                    Error::Other(format!("post-upgrade hooks failed: {e}")),
                    created.clone(),
                )
            })?;
    }
    // Helm supersedes the revision it upgraded from (the deployed one).
    if let Some(i) = original.info.as_mut() {
        i.status = Status::Superseded;
    }
    let _ = cfg.storage.update(&original).await;
    let desc = if opts.description.is_empty() {
        "Upgrade complete"
    } else {
        opts.description.as_str()
    };
    if let Some(i) = upgraded.info.as_mut() {
        i.status = Status::Deployed;
        i.description = desc.to_string();
    }
    Ok(())
}

async fn fail(
    cfg: &Configuration,
    mut rel: Release,
    created: ResourceList,
    err: Error,
    opts: &UpgradeOptions,
) -> Failed {
    let msg = format!("Upgrade {:?} failed: {err}", rel.name);
    hooks::log(
        "WARN",
        "upgrade failed",
        &[("name", &rel.name), ("error", &err.to_string())],
    );
    if let Some(i) = rel.info.as_mut() {
        i.status = Status::Failed;
        i.description = msg;
    }
    let _ = cfg.storage.update(&rel).await;
    let failed = |rel: Release, error: Error| Failed {
        release: Some(Box::new(rel)),
        error,
    };
    if opts.cleanup_on_fail && !created.0.is_empty() {
        let (_, errs) = cfg
            .kube
            .delete(&created, crate::kube::Propagation::Background)
            .await;
        if !errs.is_empty() {
            let msgs: Vec<String> = errs.iter().map(|e| e.to_string()).collect();
            return failed(
                rel,
                Error::Other(format!(
                    "an error occurred while cleaning up resources. original upgrade error: {err}: unable to cleanup resources: {}",
                    msgs.join(", ")
                )),
            );
        }
    }
    if opts.rollback_on_failure {
        let hist = match cfg.storage.history(&rel.name).await {
            Ok(h) => h,
            Err(he) => {
                return failed(
                    rel,
                    Error::Other(format!(
                        "an error occurred while finding last successful release. original upgrade error: {err}: {he}"
                    )),
                );
            }
        };
        let Some(target) = hist
            .iter()
            .filter(|r| matches!(r.status(), Status::Superseded | Status::Deployed))
            .map(|r| r.version)
            .max()
        else {
            return failed(
                rel,
                Error::Other(format!(
                    "unable to find a previously successful release when attempting to rollback. original upgrade error: {err}"
                )),
            );
        };
        let ropts = super::rollback::RollbackOptions {
            version: target,
            wait: opts.wait.for_rollback_on_failure(true),
            no_hooks: opts.no_hooks,
            force_replace: opts.force_replace,
            force_conflicts: opts.force_conflicts,
            server_side: opts.server_side.clone(),
            ..Default::default()
        };
        let name = rel.name.clone();
        if let Err(re) = super::rollback::run(cfg, &name, &ropts).await {
            return failed(
                rel,
                Error::Other(format!(
                    "an error occurred while rolling back the release. original upgrade error: {err}: {re}"
                )),
            );
        }
        return failed(
            rel,
            Error::Other(format!(
                "release {name} failed, and has been rolled back due to rollback-on-failure being set: {err}"
            )),
        );
    }
    failed(rel, err)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(v: JsonValue) -> JsonMap<String, JsonValue> {
        match v {
            JsonValue::Object(m) => m,
            _ => JsonMap::new(),
        }
    }

    #[test]
    fn coalesces_tables() {
        let mut dst = obj(json!({"a": 1, "n": {"x": 1}, "gone": null}));
        let src = obj(json!({"a": 2, "b": 3, "n": {"x": 2, "y": 2}, "gone": 5}));
        coalesce_tables(&mut dst, &src);
        assert_eq!(
            JsonValue::Object(dst),
            json!({"a": 1, "b": 3, "n": {"x": 1, "y": 2}})
        );
    }

    #[test]
    fn server_side_choice() {
        assert!(server_side_value("auto", "ssa").unwrap());
        assert!(!server_side_value("auto", "csa").unwrap());
        assert!(!server_side_value("auto", "").unwrap());
        assert!(server_side_value("true", "csa").unwrap());
        assert!(server_side_value("x", "csa").is_err());
    }
}
