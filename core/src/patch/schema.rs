//! Patch metadata of built-in kinds: which lists merge by which key (the `patchMergeKey` and
//! `patchStrategy` tags of the Kubernetes API types), for the fields charts commonly set.
//! Lists not named here are replaced whole, maps are merged — the strategic default.

/// How a list field is patched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListStrategy {
    /// Replaced whole (no patch strategy).
    Replace,
    /// Items are objects merged by the value of a key; `retain_keys` items carry a
    /// `$retainKeys` list so that a dropped union member (a volume's source) is cleared.
    MergeByKey {
        key: &'static str,
        retain_keys: bool,
    },
    /// A set of scalars (`metadata.finalizers`).
    MergeScalars,
}

/// API groups whose kinds the API server patches strategically (everything compiled into
/// Helm's scheme). Custom resources and CRDs take JSON merge patches.
const BUILTIN_GROUPS: [&str; 16] = [
    "",
    "apps",
    "batch",
    "autoscaling",
    "policy",
    "networking.k8s.io",
    "rbac.authorization.k8s.io",
    "storage.k8s.io",
    "scheduling.k8s.io",
    "coordination.k8s.io",
    "node.k8s.io",
    "discovery.k8s.io",
    "admissionregistration.k8s.io",
    "certificates.k8s.io",
    "events.k8s.io",
    "flowcontrol.apiserver.k8s.io",
];

/// Whether objects of this apiVersion/kind are patched strategically.
pub fn is_builtin(api_version: &str, kind: &str) -> bool {
    if kind == "CustomResourceDefinition" {
        return false;
    }
    let group = api_version.rsplit_once('/').map_or("", |(g, _)| g);
    BUILTIN_GROUPS.contains(&group)
}

/// The strategy of list `field` found in the object of `kind` at `path` (field names from the
/// root, list positions left out).
pub fn list_strategy(kind: &str, path: &[&str], field: &str) -> ListStrategy {
    use ListStrategy::*;
    let key = |key| MergeByKey {
        key,
        retain_keys: false,
    };
    if path.last() == Some(&"metadata") {
        return match field {
            "finalizers" => MergeScalars,
            "ownerReferences" => key("uid"),
            _ => Replace,
        };
    }
    if is_pod_spec(kind, path) {
        return match field {
            "containers"
            | "initContainers"
            | "ephemeralContainers"
            | "imagePullSecrets"
            | "schedulingGates" => key("name"),
            "volumes" | "resourceClaims" => MergeByKey {
                key: "name",
                retain_keys: true,
            },
            "hostAliases" => key("ip"),
            "topologySpreadConstraints" => key("topologyKey"),
            _ => Replace,
        };
    }
    if let Some((container_list, spec)) = path.split_last()
        && matches!(
            *container_list,
            "containers" | "initContainers" | "ephemeralContainers"
        )
        && is_pod_spec(kind, spec)
    {
        return match field {
            "ports" => key("containerPort"),
            "env" => key("name"),
            "volumeMounts" => key("mountPath"),
            "volumeDevices" => key("devicePath"),
            _ => Replace,
        };
    }
    match (kind, path, field) {
        ("Service", ["spec"], "ports") => key("port"),
        (_, [.., "status"], "conditions") => key("type"),
        ("MutatingWebhookConfiguration" | "ValidatingWebhookConfiguration", [], "webhooks") => {
            key("name")
        }
        _ => Replace,
    }
}

/// Whether map `field` at `path` is a union whose dropped members must be cleared
/// (`patchStrategy:"retainKeys"`).
pub fn map_retains_keys(kind: &str, path: &[&str], field: &str) -> bool {
    kind == "Deployment" && path == ["spec"] && field == "strategy"
}

/// Pod specs sit at `spec` of a Pod and at `…template.spec` of every workload.
fn is_pod_spec(kind: &str, path: &[&str]) -> bool {
    (kind == "Pod" && path == ["spec"]) || path.ends_with(&["template", "spec"])
}
