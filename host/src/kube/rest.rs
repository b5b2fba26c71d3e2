//! Raw REST calls on dynamic objects: URLs from a resource's mapping, JSON in and out, and
//! errors mapped to [`KubeError`] with the request's method and URL for transport failures.

use kube::api::{DeleteParams, GetParams, Patch, PatchParams, PostParams, PropagationPolicy};
use kube::core::Request;
use serde_json::Value;

use super::error::from_kube;
use super::{KubeError, Propagation, Resource};

/// The collection URL of a resource type (`/apis/apps/v1/namespaces/ns/deployments`).
pub(crate) fn collection_path(api: &kube::discovery::ApiResource, ns: Option<&str>) -> String {
    let mut path = if api.group.is_empty() {
        format!("/api/{}", api.version)
    } else {
        format!("/apis/{}/{}", api.group, api.version)
    };
    if let Some(ns) = ns.filter(|n| !n.is_empty()) {
        path.push_str("/namespaces/");
        path.push_str(ns);
    }
    path.push('/');
    path.push_str(&api.plural);
    path
}

fn request_for(r: &Resource) -> Request {
    Request::new(collection_path(&r.api, r.namespace.as_deref()))
}

fn build_error(e: kube::core::request::Error) -> KubeError {
    KubeError::Other(format!("building request: {e}"))
}

/// client-go refuses requests on an unnamed object before sending them.
fn require_name(r: &Resource) -> Result<(), KubeError> {
    if r.name.is_empty() {
        return Err(KubeError::Other("resource name may not be empty".into()));
    }
    Ok(())
}

/// Sends a request and decodes the JSON answer.
pub(crate) async fn send(
    client: &kube::Client,
    req: http::Request<Vec<u8>>,
) -> Result<Value, KubeError> {
    let method = req.method().to_string();
    let url = req.uri().to_string();
    client
        .request::<Value>(req)
        .await
        .map_err(|e| from_kube(e, &method, &url))
}

/// The live object, or `None` on 404.
pub(crate) async fn get(client: &kube::Client, r: &Resource) -> Result<Option<Value>, KubeError> {
    require_name(r)?;
    let req = request_for(r)
        .get(&r.name, &GetParams::default())
        .map_err(build_error)?;
    match send(client, req).await {
        Ok(v) => Ok(Some(v)),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e),
    }
}

/// POST (client-side create).
pub(crate) async fn create(
    client: &kube::Client,
    r: &Resource,
    dry_run: bool,
    field_manager: &str,
) -> Result<Value, KubeError> {
    let pp = PostParams {
        dry_run,
        field_manager: Some(field_manager.to_string()),
    };
    let body = serde_json::to_vec(&r.object).map_err(|e| KubeError::Other(e.to_string()))?;
    let req = request_for(r).create(&pp, body).map_err(build_error)?;
    send(client, req).await
}

/// PUT of the whole object (`--force-replace`), carrying the live resourceVersion when the
/// target has none, as kubectl's `replace` with overwrite does.
pub(crate) async fn replace(
    client: &kube::Client,
    r: &Resource,
    live: &Value,
    dry_run: bool,
    field_manager: &str,
) -> Result<Value, KubeError> {
    require_name(r)?;
    let mut obj = r.object.clone();
    let rv = live
        .pointer("/metadata/resourceVersion")
        .cloned()
        .unwrap_or(Value::Null);
    if let Some(meta) = obj.get_mut("metadata").and_then(Value::as_object_mut)
        && !meta.contains_key("resourceVersion")
        && !rv.is_null()
    {
        meta.insert("resourceVersion".into(), rv);
    }
    let pp = PostParams {
        dry_run,
        field_manager: Some(field_manager.to_string()),
    };
    let body = serde_json::to_vec(&obj).map_err(|e| KubeError::Other(e.to_string()))?;
    let req = request_for(r)
        .replace(&r.name, &pp, body)
        .map_err(build_error)?;
    send(client, req).await
}

/// A PATCH of the given kind.
pub(crate) async fn patch(
    client: &kube::Client,
    r: &Resource,
    patch: &Patch<Value>,
    params: &PatchParams,
) -> Result<Value, KubeError> {
    require_name(r)?;
    let req = request_for(r)
        .patch(&r.name, params, patch)
        .map_err(build_error)?;
    send(client, req).await
}

/// DELETE with a propagation policy.
pub(crate) async fn delete(
    client: &kube::Client,
    r: &Resource,
    propagation: Propagation,
    dry_run: bool,
) -> Result<(), KubeError> {
    require_name(r)?;
    let dp = DeleteParams {
        dry_run,
        propagation_policy: Some(match propagation {
            Propagation::Background => PropagationPolicy::Background,
            Propagation::Foreground => PropagationPolicy::Foreground,
            Propagation::Orphan => PropagationPolicy::Orphan,
        }),
        ..Default::default()
    };
    let req = request_for(r).delete(&r.name, &dp).map_err(build_error)?;
    send(client, req).await.map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        let ar = kube::discovery::ApiResource {
            group: "apps".into(),
            version: "v1".into(),
            api_version: "apps/v1".into(),
            kind: "Deployment".into(),
            plural: "deployments".into(),
        };
        assert_eq!(
            collection_path(&ar, Some("ns")),
            "/apis/apps/v1/namespaces/ns/deployments"
        );
        let ns = kube::discovery::ApiResource {
            group: "".into(),
            version: "v1".into(),
            api_version: "v1".into(),
            kind: "Namespace".into(),
            plural: "namespaces".into(),
        };
        assert_eq!(collection_path(&ns, None), "/api/v1/namespaces");
    }
}
