//! Writing resources: create (POST or server-side apply), update (Helm's `Update`: create
//! what is new, patch or apply what exists, delete what the new release dropped) and delete.

use kube::api::{Patch, PatchParams, ValidationDirective};
use serde_json::Value;

use super::error::wrap;
use super::{
    ApplyOptions, ChangeSet, KubeError, Propagation, Resource, ResourceList, managed, rest,
};

/// Helm's annotation that keeps a resource when its release drops it.
pub const RESOURCE_POLICY_ANNOTATION: &str = "helm.sh/resource-policy";
/// The annotation value that keeps the resource.
pub const KEEP_POLICY: &str = "keep";

/// `apps/v1, Kind=Deployment` (`/v1, Kind=Service` for the core group), as client-go prints a
/// GroupVersionKind.
pub(crate) fn gvk_string(r: &Resource) -> String {
    format!("{}/{}, Kind={}", r.api.group, r.api.version, r.api.kind)
}

fn ssa_params(opts: &ApplyOptions) -> PatchParams {
    PatchParams {
        dry_run: opts.dry_run,
        force: opts.force_conflicts,
        field_manager: Some(opts.field_manager.clone()),
        field_validation: Some(ValidationDirective::Strict),
    }
}

/// Server-side apply of the whole object, with Helm's error wording.
pub(crate) async fn apply_server_side(
    client: &kube::Client,
    r: &Resource,
    opts: &ApplyOptions,
) -> Result<Value, KubeError> {
    let patch = Patch::Apply(r.object.clone());
    match rest::patch(client, r, &patch, &ssa_params(opts)).await {
        Ok(v) => Ok(v),
        Err(e) => {
            let ns = r.namespace.as_deref().unwrap_or("");
            let what = format!("object {ns}/{} {}: ", r.name, gvk_string(r));
            Err(match &e {
                KubeError::Api { code: 415, .. } => KubeError::Other(format!(
                    "server-side apply not available on the server: {e}"
                )),
                KubeError::Api { code: 409, .. } => {
                    wrap(e, &format!("conflict occurred while applying {what}"))
                }
                _ => wrap(e, &format!("server-side apply failed for {what}")),
            })
        }
    }
}

/// Creates one resource the way the options say (Helm's create-apply function).
async fn create_one(
    client: &kube::Client,
    r: &Resource,
    opts: &ApplyOptions,
) -> Result<(), KubeError> {
    if opts.server_side {
        apply_server_side(client, r, opts).await.map(|_| ())
    } else {
        rest::create(client, r, opts.dry_run, &opts.field_manager)
            .await
            .map(|_| ())
    }
}

/// Runs of consecutive resources of one kind: Helm works on each run concurrently and on
/// the runs in order (so install order between kinds holds).
fn kind_batches(list: &[Resource]) -> Vec<&[Resource]> {
    let mut out = Vec::new();
    let mut start = 0;
    for i in 1..=list.len() {
        if i == list.len() || list[i].api.kind != list[start].api.kind {
            if start < i {
                out.push(&list[start..i]);
            }
            start = i;
        }
    }
    out
}

/// Errors joined with newlines (Go's `errors.Join`).
fn join(errors: Vec<KubeError>, sep: &str) -> Option<KubeError> {
    if errors.len() <= 1 {
        return errors.into_iter().next();
    }
    let text = errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(sep);
    Some(KubeError::Other(text))
}

/// Creates every resource; all are attempted, failures are joined.
pub(crate) async fn create(
    client: &kube::Client,
    list: &ResourceList,
    opts: &ApplyOptions,
) -> Result<ChangeSet, KubeError> {
    if !opts.server_side && opts.force_conflicts {
        return Err(KubeError::Other(
            "invalid client create option(s): forceConflicts enabled when serverSideApply disabled"
                .into(),
        ));
    }
    if list.0.is_empty() {
        return Err(KubeError::Other("no objects visited".into()));
    }
    let mut errors = Vec::new();
    if opts.server_side {
        for batch in kind_batches(&list.0) {
            let results =
                futures::future::join_all(batch.iter().map(|r| create_one(client, r, opts))).await;
            errors.extend(results.into_iter().filter_map(Result::err));
        }
    } else {
        // Helm serialises client-side creates.
        for r in &list.0 {
            if let Err(e) = create_one(client, r, opts).await {
                errors.push(e);
            }
        }
    }
    match join(errors, "\n") {
        Some(e) => Err(e),
        None => Ok(ChangeSet {
            created: list.0.iter().map(Resource::key).collect(),
            ..Default::default()
        }),
    }
}

fn validate_update(opts: &ApplyOptions) -> Result<(), KubeError> {
    if !opts.server_side && opts.force_conflicts {
        return Err(KubeError::Other(
            "invalid client update option(s): forceConflicts enabled when serverSideApply disabled"
                .into(),
        ));
    }
    if opts.three_way_merge_for_unstructured && opts.server_side {
        return Err(KubeError::Other("invalid operation: cannot use three-way merge for unstructured and server-side apply together".into()));
    }
    if opts.force_conflicts && opts.force_replace {
        return Err(KubeError::Other(
            "invalid operation: cannot use force conflicts and force replace together".into(),
        ));
    }
    if opts.server_side && opts.force_replace {
        return Err(KubeError::Other(
            "invalid operation: cannot use server-side apply and force replace together".into(),
        ));
    }
    Ok(())
}

/// Client-side update of one object: the patch from the previous release's object (or the
/// live one when the release did not have it) to the target, against the live object.
async fn patch_client_side(
    client: &kube::Client,
    original: &Value,
    target: &Resource,
    opts: &ApplyOptions,
) -> Result<(), KubeError> {
    let live = rest::get(client, target).await.map_err(|e| {
        wrap(
            e,
            &format!(
                "failed to create patch: unable to get data for current object {}/{}: ",
                target.namespace.as_deref().unwrap_or(""),
                target.name
            ),
        )
    })?;
    let live = live.unwrap_or(Value::Null);
    let api_version = target.api.api_version.as_str();
    let (patch, kind) = if capstan_core::patch::schema::is_builtin(api_version, &target.api.kind)
        || opts.three_way_merge_for_unstructured
    {
        capstan_core::patch::three_way_patch(original, &target.object, &live)
    } else {
        // Helm sends a two-way JSON merge patch for custom resources unless asked for the
        // three-way one: drift in a custom resource is not repaired.
        capstan_core::patch::create_merge_patch(original, &target.object)
            .map(|p| (p, capstan_core::patch::PatchType::Merge))
    }
    .map_err(|e| KubeError::Other(format!("failed to create patch: {e}")))?;
    if capstan_core::patch::is_empty_patch(&patch) {
        return Ok(());
    }
    let patch = match kind {
        capstan_core::patch::PatchType::Strategic => Patch::Strategic(patch),
        capstan_core::patch::PatchType::Merge => Patch::Merge(patch),
    };
    let params = PatchParams {
        dry_run: opts.dry_run,
        field_manager: Some(opts.field_manager.clone()),
        ..Default::default()
    };
    rest::patch(client, target, &patch, &params)
        .await
        .map(|_| ())
        .map_err(|e| {
            wrap(
                e,
                &format!(
                    "cannot patch \"{}\" with kind {}: ",
                    target.name, target.api.kind
                ),
            )
        })
}

/// Updates one existing object per the options.
async fn update_one(
    client: &kube::Client,
    original: &Value,
    live: &Value,
    target: &Resource,
    opts: &ApplyOptions,
) -> Result<(), KubeError> {
    if opts.force_replace {
        return rest::replace(client, target, live, opts.dry_run, &opts.field_manager)
            .await
            .map(|_| ())
            .map_err(|e| wrap(e, "failed to replace object: "));
    }
    if opts.server_side {
        if opts.upgrade_client_side_field_manager {
            managed::upgrade_client_side_manager(client, target, opts).await?;
        }
        return apply_server_side(client, target, opts).await.map(|_| ());
    }
    patch_client_side(client, original, target, opts).await
}

/// Helm's `Update`; returns what was attempted even when something failed.
pub(crate) async fn update(
    client: &kube::Client,
    originals: &ResourceList,
    targets: &ResourceList,
    opts: &ApplyOptions,
) -> (ChangeSet, Result<(), KubeError>) {
    let mut res = ChangeSet::default();
    if let Err(e) = validate_update(opts) {
        return (res, Err(e));
    }
    let mut errors = Vec::new();
    for target in &targets.0 {
        let live = match rest::get(client, target).await {
            Ok(l) => l,
            Err(e) => {
                return (
                    res,
                    Err(wrap(e, "could not get information about the resource: ")),
                );
            }
        };
        let Some(live) = live else {
            res.created.push(target.key());
            if let Err(e) = create_one(client, target, opts).await {
                return (res, Err(wrap(e, "failed to create resource: ")));
            }
            continue;
        };
        let original = originals
            .0
            .iter()
            .find(|o| o.same_object(target))
            .map(|o| &o.object)
            .unwrap_or(&live);
        if let Err(e) = update_one(client, original, &live, target, opts).await {
            errors.push(e);
        }
        res.updated.push(target.key());
    }
    if let Some(e) = join(errors, " && ") {
        return (res, Err(e));
    }

    let mut errors = Vec::new();
    for old in originals.0.iter().filter(|o| !targets.contains(o)) {
        let live = match rest::get(client, old).await {
            Ok(Some(l)) => l,
            _ => continue,
        };
        let keep = live
            .pointer("/metadata/annotations")
            .and_then(|a| a.get(RESOURCE_POLICY_ANNOTATION))
            .and_then(Value::as_str)
            == Some(KEEP_POLICY);
        if keep {
            continue;
        }
        match rest::delete(client, old, Propagation::Background, opts.dry_run).await {
            Ok(()) => res.deleted.push(old.key()),
            Err(e) if e.is_not_found() => {}
            Err(e) => errors.push(wrap(
                e,
                &format!(
                    "failed to delete resource namespace={}, name={}, kind={}: ",
                    old.namespace.as_deref().unwrap_or(""),
                    old.name,
                    old.api.kind
                ),
            )),
        }
    }
    match join(errors, " && ") {
        Some(e) => (res, Err(e)),
        None => (res, Ok(())),
    }
}

/// Deletes every resource; missing ones count as deleted, as in Helm.
pub(crate) async fn delete(
    client: &kube::Client,
    list: &ResourceList,
    propagation: Propagation,
) -> (ChangeSet, Vec<KubeError>) {
    let mut res = ChangeSet::default();
    let mut errors = Vec::new();
    if list.0.is_empty() {
        errors.push(KubeError::Other(
            "object not found, skipping delete: no objects visited".into(),
        ));
        return (res, errors);
    }
    for batch in kind_batches(&list.0) {
        let results = futures::future::join_all(
            batch
                .iter()
                .map(|r| rest::delete(client, r, propagation, false)),
        )
        .await;
        for (r, result) in batch.iter().zip(results) {
            match result {
                Ok(()) => res.deleted.push(r.key()),
                Err(e) if e.is_not_found() => res.deleted.push(r.key()),
                Err(e) => errors.push(e),
            }
        }
    }
    (res, errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn option_conflicts_are_refused_like_helm() {
        let opts = ApplyOptions {
            server_side: true,
            force_replace: true,
            ..Default::default()
        };
        assert_eq!(
            validate_update(&opts).unwrap_err().to_string(),
            "invalid operation: cannot use server-side apply and force replace together"
        );
        let opts = ApplyOptions {
            server_side: false,
            force_conflicts: true,
            ..Default::default()
        };
        assert!(validate_update(&opts).is_err());
        let opts = ApplyOptions {
            server_side: false,
            force_replace: true,
            ..Default::default()
        };
        assert!(validate_update(&opts).is_ok());
    }
}
