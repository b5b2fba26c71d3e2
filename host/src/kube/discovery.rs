//! Discovery and REST mapping: which group/versions the server serves, and for a manifest's
//! `apiVersion` + `kind` the resource (plural) and whether it is namespaced.
//!
//! Group/versions are fetched lazily, one request each, and cached for the process. A kind
//! missing from a cached list triggers one refetch of that group/version, so a CRD created
//! a moment ago (install's CRD step) maps without restarting.

use std::collections::HashMap;
use std::sync::Arc;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::APIResource;
use kube::discovery::ApiResource;
use tokio::sync::Mutex;

use super::KubeError;
use super::error::from_kube;
use super::validate::Schemas;

/// A kind mapped to its REST resource.
#[derive(Debug, Clone)]
pub(crate) struct Mapping {
    pub api: ApiResource,
    pub namespaced: bool,
}

/// The per-process discovery cache.
pub(crate) struct Discovery {
    client: kube::Client,
    /// `group/version` (`v1` for core) → its resources; an empty list when not served.
    lists: Mutex<HashMap<String, Arc<Vec<APIResource>>>>,
    /// The OpenAPI v2 document, read once when validation first needs it.
    openapi: tokio::sync::OnceCell<Arc<Schemas>>,
}

/// Splits `apiVersion` into group and version (`v1` → core group).
pub(crate) fn split_api_version(api_version: &str) -> (&str, &str) {
    match api_version.split_once('/') {
        Some((g, v)) => (g, v),
        None => ("", api_version),
    }
}

impl Discovery {
    pub fn new(client: kube::Client) -> Discovery {
        Discovery {
            client,
            lists: Mutex::new(HashMap::new()),
            openapi: tokio::sync::OnceCell::new(),
        }
    }

    async fn fetch(&self, api_version: &str) -> Result<Arc<Vec<APIResource>>, KubeError> {
        let (group, version) = split_api_version(api_version);
        let result = if group.is_empty() {
            self.client.list_core_api_resources(version).await
        } else {
            self.client.list_api_group_resources(api_version).await
        };
        let list = match result {
            Ok(l) => Arc::new(l.resources),
            Err(kube::Error::Api(s)) if s.code == 404 => Arc::new(Vec::new()),
            Err(e) => {
                let path = if group.is_empty() {
                    format!("/api/{version}")
                } else {
                    format!("/apis/{api_version}")
                };
                return Err(from_kube(e, "GET", &path));
            }
        };
        self.lists
            .lock()
            .await
            .insert(api_version.to_string(), list.clone());
        Ok(list)
    }

    async fn resources(&self, api_version: &str) -> Result<Arc<Vec<APIResource>>, KubeError> {
        if let Some(l) = self.lists.lock().await.get(api_version) {
            return Ok(l.clone());
        }
        self.fetch(api_version).await
    }

    /// Maps `apiVersion` + `kind`; `None` when the server serves no such kind.
    pub async fn map(&self, api_version: &str, kind: &str) -> Result<Option<Mapping>, KubeError> {
        let list = self.resources(api_version).await?;
        if let Some(m) = find(&list, api_version, kind) {
            return Ok(Some(m));
        }
        let list = self.fetch(api_version).await?;
        if let Some(m) = find(&list, api_version, kind) {
            return Ok(Some(m));
        }
        // The API server puts a new CRD's group into discovery a moment after the CRD reports
        // Established: when a CRD of this group exists, wait for it rather than fail.
        let (group, _) = split_api_version(api_version);
        if group.is_empty() || !self.crd_group_exists(group).await {
            return Ok(None);
        }
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while std::time::Instant::now() < deadline {
            tokio::time::sleep(std::time::Duration::from_millis(250)).await;
            let list = self.fetch(api_version).await?;
            if let Some(m) = find(&list, api_version, kind) {
                return Ok(Some(m));
            }
        }
        Ok(None)
    }

    /// Whether a CustomResourceDefinition of `group` exists (names are `plural.group`);
    /// metadata only, so large CRD schemas are not transferred.
    async fn crd_group_exists(&self, group: &str) -> bool {
        use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
        let api: kube::Api<CustomResourceDefinition> = kube::Api::all(self.client.clone());
        let suffix = format!(".{group}");
        match api.list_metadata(&kube::api::ListParams::default()).await {
            Ok(list) => list.items.iter().any(|c| {
                c.metadata
                    .name
                    .as_deref()
                    .is_some_and(|n| n.ends_with(&suffix))
            }),
            Err(_) => false,
        }
    }

    /// Forgets every cached group/version (Helm invalidates discovery after installing CRDs).
    pub async fn invalidate(&self) {
        self.lists.lock().await.clear();
    }

    /// The server's OpenAPI v2 schemas (cached for the process).
    pub async fn schemas(&self) -> Result<Arc<Schemas>, KubeError> {
        self.openapi
            .get_or_try_init(|| async {
                let req = http::Request::get("/openapi/v2")
                    .header(http::header::ACCEPT, "application/json")
                    .body(Vec::new())
                    .map_err(|e| KubeError::Other(e.to_string()))?;
                let doc = super::rest::send(&self.client, req).await?;
                Ok(Arc::new(Schemas::from_document(doc)))
            })
            .await
            .cloned()
    }

    /// Every served `group/version` plus `group/version/Kind` for each resource (subresources
    /// included), sorted — what Helm's `GetVersionSet` collects.
    pub async fn api_versions(&self) -> Result<Vec<String>, KubeError> {
        let core = self
            .client
            .list_core_api_versions()
            .await
            .map_err(|e| from_kube(e, "GET", "/api"))?;
        let groups = self
            .client
            .list_api_groups()
            .await
            .map_err(|e| from_kube(e, "GET", "/apis"))?;
        let mut gvs: Vec<String> = core.versions.clone();
        for g in &groups.groups {
            for v in &g.versions {
                gvs.push(v.group_version.clone());
            }
        }
        // Always fresh: capabilities are read once per action, often right after CRDs were
        // installed.
        let lists = futures::future::join_all(gvs.iter().map(|gv| self.fetch(gv))).await;
        let mut out = std::collections::BTreeSet::new();
        for (gv, list) in gvs.iter().zip(lists) {
            out.insert(gv.clone());
            // A group whose discovery fails is skipped, as Helm tolerates
            // ErrGroupDiscoveryFailed.
            if let Ok(list) = list {
                for r in list.iter() {
                    out.insert(format!("{gv}/{}", r.kind));
                }
            }
        }
        Ok(out.into_iter().collect())
    }
}

fn find(list: &[APIResource], api_version: &str, kind: &str) -> Option<Mapping> {
    let (group, version) = split_api_version(api_version);
    list.iter()
        .find(|r| r.kind == kind && !r.name.contains('/'))
        .map(|r| Mapping {
            api: ApiResource {
                group: group.to_string(),
                version: version.to_string(),
                api_version: api_version.to_string(),
                kind: kind.to_string(),
                plural: r.name.clone(),
            },
            namespaced: r.namespaced,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_versions_split() {
        assert_eq!(split_api_version("v1"), ("", "v1"));
        assert_eq!(split_api_version("apps/v1"), ("apps", "v1"));
    }

    #[test]
    fn subresources_do_not_map() {
        let list = vec![
            APIResource {
                name: "deployments/scale".into(),
                kind: "Scale".into(),
                ..Default::default()
            },
            APIResource {
                name: "deployments".into(),
                kind: "Deployment".into(),
                namespaced: true,
                ..Default::default()
            },
        ];
        assert!(find(&list, "apps/v1", "Scale").is_none());
        let m = find(&list, "apps/v1", "Deployment").unwrap();
        assert_eq!(m.api.plural, "deployments");
        assert!(m.namespaced);
    }
}
