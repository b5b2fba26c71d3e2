//! `helm uninstall`: pre-delete hooks, the release's resources deleted in Helm's uninstall
//! order (kept ones reported), post-delete hooks, then the history purged or, with
//! `--keep-history`, the release marked uninstalled.

use super::{Configuration, Error};
use crate::kube::{Progress, Propagation, WaitOptions};
use crate::storage::StorageError;
use capstan_core::release::{Release, Status, go_time_string, validate_release_name};
use capstan_core::value::Value;
use std::time::Duration;

/// `helm uninstall` options.
#[derive(Debug, Clone)]
pub struct UninstallOptions {
    pub keep_history: bool,
    pub cascade: Propagation,
    pub dry_run: bool,
    pub no_hooks: bool,
    pub ignore_not_found: bool,
    /// `--wait` (watcher or legacy); Helm's default `hookOnly` does not wait for deletions.
    pub wait: bool,
    /// `--wait=legacy`: Helm 3's polling waiter.
    pub legacy_wait: bool,
    pub timeout: Duration,
    pub description: Option<String>,
}

impl Default for UninstallOptions {
    fn default() -> Self {
        UninstallOptions {
            keep_history: false,
            cascade: Propagation::Background,
            dry_run: false,
            no_hooks: false,
            ignore_not_found: false,
            wait: false,
            legacy_wait: false,
            timeout: Duration::from_secs(300),
            description: None,
        }
    }
}

/// What an uninstall did: the release (as last stored) and the kept-resources note.
#[derive(Debug, Default)]
pub struct UninstallResponse {
    pub release: Option<Release>,
    /// "These resources were kept due to the resource policy:\n[Kind] name\n..." or empty.
    pub info: String,
}

/// Uninstalls `name`. `Ok(None)` when it did not exist and `--ignore-not-found` was given.
pub async fn run(
    cfg: &Configuration,
    name: &str,
    opts: &UninstallOptions,
) -> Result<Option<UninstallResponse>, Error> {
    if opts.dry_run {
        return match super::get::release_content(cfg, name, 0).await {
            Ok(rel) => Ok(Some(UninstallResponse {
                release: Some(rel),
                info: String::new(),
            })),
            Err(Error::Storage(StorageError::NotFound)) if opts.ignore_not_found => Ok(None),
            Err(e) => Err(e),
        };
    }
    if validate_release_name(name).is_err() {
        return Err(Error::Other(format!(
            "uninstall: Release name is invalid: {name}"
        )));
    }
    let mut rels = match cfg.storage.history(name).await {
        Ok(r) if r.is_empty() => {
            if opts.ignore_not_found {
                return Ok(None);
            }
            return Err(Error::Other(format!(
                "uninstall: Release not loaded: {name}: release: not found"
            )));
        }
        Ok(r) => r,
        Err(e) => {
            if opts.ignore_not_found {
                return Ok(None);
            }
            return Err(Error::Other(format!(
                "uninstall: Release not loaded: {name}: {e}"
            )));
        }
    };
    let Some(mut rel) = rels.pop() else {
        return Err(Error::Other("no release provided".into()));
    };
    rels.push(rel.clone());

    if rel.status() == Status::Uninstalled {
        if !opts.keep_history {
            purge(cfg, &rels).await.map_err(|e| {
                Error::Other(format!("uninstall: Failed to purge the release: {e}"))
            })?;
            return Ok(Some(UninstallResponse {
                release: Some(rel),
                info: String::new(),
            }));
        }
        return Err(Error::Other(format!(
            "the release named {name:?} is already deleted"
        )));
    }

    let now = go_time_string(jiff::Timestamp::now());
    rel.set_status(
        Status::Uninstalling,
        "Deletion in progress (or silently failed)",
    );
    if let Some(info) = rel.info.as_mut() {
        info.deleted = Some(now);
    }

    if !opts.no_hooks {
        run_hooks(cfg, &mut rel, "pre-delete", opts).await?;
    }
    // Helm ignores a failure to record the in-progress state.
    let _ = cfg.storage.update(&rel).await;

    let (kept, deleted) = delete_resources(cfg, &rel, opts.cascade)
        .await
        .map_err(|_| Error::Other(format!("failed to delete release: {name}")))?;
    let info = if kept.is_empty() {
        String::new()
    } else {
        format!("These resources were kept due to the resource policy:\n{kept}")
    };

    let mut errs: Vec<String> = Vec::new();
    if opts.wait && !deleted.0.is_empty() {
        let wait = WaitOptions {
            timeout: opts.timeout,
            with_jobs: false,
            progress: Progress::Quiet,
        };
        let waited = if opts.legacy_wait {
            cfg.kube.wait_for_delete_legacy(&deleted, &wait).await
        } else {
            cfg.kube.wait_for_delete(&deleted, &wait).await
        };
        if let Err(e) = waited {
            errs.push(e.to_string());
        }
    }
    if !opts.no_hooks
        && let Err(e) = run_hooks(cfg, &mut rel, "post-delete", opts).await
    {
        errs.push(e.to_string());
    }

    let description = opts
        .description
        .clone()
        .filter(|d| !d.is_empty())
        .unwrap_or_else(|| "Uninstallation complete".to_string());
    rel.set_status(Status::Uninstalled, &description);

    let joined = |errs: &[String]| {
        Error::Other(format!(
            "uninstallation completed with {} error(s): {}",
            errs.len(),
            errs.join("; ")
        ))
    };
    if !opts.keep_history {
        if let Err(e) = purge(cfg, &rels).await {
            errs.push(format!("uninstall: Failed to purge the release: {e}"));
        }
        if !errs.is_empty() {
            return Err(joined(&errs));
        }
        return Ok(Some(UninstallResponse {
            release: Some(rel),
            info,
        }));
    }

    let _ = cfg.storage.update(&rel).await;
    // Supersede every revision still marked deployed (Helm issue #12556).
    let deployed = cfg.storage.deployed_all(name).await?;
    for mut d in deployed {
        if d.version == rel.version {
            continue;
        }
        if let Some(info) = d.info.as_mut() {
            info.status = Status::Superseded;
        }
        let _ = cfg.storage.update(&d).await;
    }
    if !errs.is_empty() {
        return Err(joined(&errs));
    }
    Ok(Some(UninstallResponse {
        release: Some(rel),
        info,
    }))
}

async fn purge(cfg: &Configuration, rels: &[Release]) -> Result<(), StorageError> {
    for r in rels {
        cfg.storage.delete(&r.name, r.version).await?;
    }
    Ok(())
}

/// Runs the release's hooks for `event` (server-side apply, recorded, as Helm's
/// uninstall runs them); the error is the hook's, unprefixed, as Helm returns it.
async fn run_hooks(
    cfg: &Configuration,
    rel: &mut Release,
    event: &str,
    opts: &UninstallOptions,
) -> Result<(), Error> {
    let hook_opts = super::hooks::HookOptions {
        timeout: opts.timeout,
        server_side: true,
        record: true,
    };
    super::hooks::execute(cfg, rel, event, &hook_opts).await
}

/// Helm's uninstall order of kinds (validation webhooks first, namespaces last).
const UNINSTALL_ORDER: &[&str] = &[
    "ValidatingWebhookConfiguration",
    "MutatingWebhookConfiguration",
    "APIService",
    "Ingress",
    "IngressClass",
    "Service",
    "CronJob",
    "Job",
    "StatefulSet",
    "HorizontalPodAutoscaler",
    "Deployment",
    "ReplicaSet",
    "ReplicationController",
    "Pod",
    "DaemonSet",
    "RoleBindingList",
    "RoleBinding",
    "RoleList",
    "Role",
    "ClusterRoleBindingList",
    "ClusterRoleBinding",
    "ClusterRoleList",
    "ClusterRole",
    "CustomResourceDefinition",
    "PersistentVolumeClaim",
    "PersistentVolume",
    "StorageClass",
    "ConfigMap",
    "SecretList",
    "Secret",
    "ServiceAccount",
    "PodDisruptionBudget",
    "PodSecurityPolicy",
    "LimitRange",
    "ResourceQuota",
    "NetworkPolicy",
    "Namespace",
    "PriorityClass",
];

/// A manifest document with the head fields uninstall looks at.
struct Doc<'a> {
    kind: String,
    name: String,
    policy: Option<String>,
    content: &'a str,
}

/// The documents of a manifest in uninstall order, or Helm's "corrupted release" error.
fn uninstall_docs(manifest: &str) -> Result<Vec<Doc<'_>>, String> {
    let mut docs = Vec::new();
    for content in capstan_core::manifest::split_manifests(manifest) {
        let head = capstan_core::yaml::parse(content).map_err(|e| {
            format!("corrupted release record. You must manually delete the resources: {e}")
        })?;
        let get = |v: &Value, k: &str| -> Option<Value> {
            match v {
                Value::Map(m) => m.get(k),
                _ => None,
            }
        };
        let text = |v: Option<Value>| match v {
            Some(Value::String(s)) => s.to_string(),
            _ => String::new(),
        };
        let meta = get(&head, "metadata");
        let policy = meta
            .as_ref()
            .and_then(|m| get(m, "annotations"))
            .and_then(|a| get(&a, "helm.sh/resource-policy"))
            .map(|p| text(Some(p)));
        docs.push(Doc {
            kind: text(get(&head, "kind")),
            name: text(meta.as_ref().and_then(|m| get(m, "name"))),
            policy,
            content,
        });
    }
    let rank = |k: &str| UNINSTALL_ORDER.iter().position(|o| *o == k);
    docs.sort_by(|a, b| match (rank(&a.kind), rank(&b.kind)) {
        (Some(x), Some(y)) => x.cmp(&y),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.kind.cmp(&b.kind),
    });
    Ok(docs)
}

/// Deletes the release's resources; returns the kept list (`[Kind] name` lines) and what
/// was sent for deletion.
async fn delete_resources(
    cfg: &Configuration,
    rel: &Release,
    cascade: Propagation,
) -> Result<(String, crate::kube::ResourceList), String> {
    let docs = uninstall_docs(&rel.manifest)?;
    let mut kept = String::new();
    let mut to_delete = String::new();
    for d in &docs {
        match &d.policy {
            // A policy other than `keep` neither keeps nor deletes the object (Helm's
            // filterManifestsToKeep drops it from both lists).
            Some(p) => {
                if p.trim().eq_ignore_ascii_case("keep") {
                    kept.push_str(&format!("[{}] {}\n", d.kind, d.name));
                }
            }
            None => {
                to_delete.push_str("\n---\n");
                to_delete.push_str(d.content);
            }
        }
    }
    let resources = cfg
        .kube
        .build(&to_delete)
        .await
        .map_err(|e| format!("unable to build kubernetes objects for delete: {e}"))?;
    if !resources.0.is_empty() {
        let (_, errs) = cfg.kube.delete(&resources, cascade).await;
        if !errs.is_empty() {
            return Err(errs
                .iter()
                .map(|e| e.to_string())
                .collect::<Vec<_>>()
                .join("; "));
        }
    }
    Ok((kept, resources))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uninstall_order_and_policy() {
        let m = "---\n# Source: c/templates/cm.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  annotations:\n    helm.sh/resource-policy: keep\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: s\n---\napiVersion: x/v1\nkind: Zed\nmetadata:\n  name: z\n";
        let docs = uninstall_docs(m).unwrap();
        let kinds: Vec<&str> = docs.iter().map(|d| d.kind.as_str()).collect();
        assert_eq!(kinds, ["Service", "ConfigMap", "Zed"]);
        assert_eq!(docs[1].policy.as_deref(), Some("keep"));
    }
}
