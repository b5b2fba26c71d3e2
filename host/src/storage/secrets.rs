//! The Kubernetes-object drivers (Helm's `Secrets` and `ConfigMaps`): one object per
//! revision, found by label selector, written whole with create / update (PUT).

use super::StorageError;
use capstan_core::release::{Release, StorageKind, decode_storage_object, storage_object};
use kube::api::{Api, DeleteParams, DynamicObject, ListParams, PostParams};
use kube::discovery::ApiResource;
use std::collections::BTreeMap;

/// Labels a record of a release carries that callers query by.
pub(super) type Selector<'a> = &'a [(&'a str, &'a str)];

/// A driver over Secrets or ConfigMaps of one namespace ("" = all namespaces).
pub(super) struct ObjectDriver {
    pub(super) client: kube::Client,
    pub(super) namespace: String,
    pub(super) kind: StorageKind,
    pub(super) resource: ApiResource,
}

impl ObjectDriver {
    /// The Secrets driver (Helm's default).
    pub(super) fn secrets(client: kube::Client, namespace: &str) -> ObjectDriver {
        ObjectDriver {
            client,
            namespace: namespace.to_string(),
            kind: StorageKind::Secret,
            resource: ApiResource {
                group: String::new(),
                version: "v1".into(),
                api_version: "v1".into(),
                kind: "Secret".into(),
                plural: "secrets".into(),
            },
        }
    }

    /// The API for single-object requests; a store over all namespaces addresses the
    /// release's own namespace (or `default`, as Helm's clients do).
    fn api_in(&self, release_namespace: &str) -> Api<DynamicObject> {
        let ns = if !self.namespace.is_empty() {
            self.namespace.as_str()
        } else if !release_namespace.is_empty() {
            release_namespace
        } else {
            "default"
        };
        Api::namespaced_with(self.client.clone(), ns, &self.resource)
    }

    fn api_scope(&self) -> Api<DynamicObject> {
        if self.namespace.is_empty() {
            Api::all_with(self.client.clone(), &self.resource)
        } else {
            Api::namespaced_with(self.client.clone(), &self.namespace, &self.resource)
        }
    }

    pub(super) async fn get(&self, key: &str) -> Result<Release, StorageError> {
        let obj = match self.api_in("").get(key).await {
            Ok(o) => o,
            Err(kube::Error::Api(s)) if s.is_not_found() => return Err(StorageError::NotFound),
            Err(e) => {
                return Err(StorageError::Other(format!(
                    "get: failed to get {key:?}: {}",
                    api_text(&e)
                )));
            }
        };
        let json = self.to_json(&obj)?;
        decode_storage_object(&json)
            .map_err(|e| StorageError::Other(format!("get: failed to decode data {key:?}: {e}")))
    }

    /// The labels of a record's object, Helm's own included.
    pub(super) async fn labels(&self, key: &str) -> Result<BTreeMap<String, String>, StorageError> {
        match self.api_in("").get(key).await {
            Ok(o) => Ok(o.metadata.labels.unwrap_or_default().into_iter().collect()),
            Err(kube::Error::Api(s)) if s.is_not_found() => Err(StorageError::NotFound),
            Err(e) => Err(StorageError::Other(format!(
                "get: failed to get {key:?}: {}",
                api_text(&e)
            ))),
        }
    }

    /// Every record matching the label selector; records that fail to decode are skipped,
    /// as Helm skips them.
    /// Every record matching the label selector with its object's labels (Helm's own
    /// included, as Helm's queries hand them back).
    pub(super) async fn query(
        &self,
        labels: Selector<'_>,
    ) -> Result<Vec<(Release, BTreeMap<String, String>)>, StorageError> {
        let selector = labels
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(",");
        let list = self
            .api_scope()
            .list(&ListParams::default().labels(&selector))
            .await
            .map_err(|e| {
                let what = if labels.len() > 1 {
                    "query: failed to query with labels"
                } else {
                    "list: failed to list"
                };
                StorageError::Other(format!("{what}: {}", api_text(&e)))
            })?;
        let mut out = Vec::with_capacity(list.items.len());
        for item in &list.items {
            let Ok(json) = self.to_json(item) else {
                continue;
            };
            if let Ok(r) = decode_storage_object(&json) {
                let labels = item
                    .metadata
                    .labels
                    .clone()
                    .unwrap_or_default()
                    .into_iter()
                    .collect();
                out.push((r, labels));
            }
        }
        Ok(out)
    }

    pub(super) async fn create(&self, key: &str, release: &Release) -> Result<(), StorageError> {
        let mut labels = BTreeMap::new();
        labels.insert("createdAt".to_string(), unix_now());
        let obj = self.object(key, release, &labels)?;
        match self
            .api_in(&release.namespace)
            .create(&PostParams::default(), &obj)
            .await
        {
            Ok(_) => Ok(()),
            Err(kube::Error::Api(s)) if s.is_already_exists() => Err(StorageError::AlreadyExists),
            Err(e) => Err(StorageError::Other(format!(
                "create: failed to create: {}",
                api_text(&e)
            ))),
        }
    }

    pub(super) async fn update(&self, key: &str, release: &Release) -> Result<(), StorageError> {
        let api = self.api_in(&release.namespace);
        // Helm's update writes the labels afresh: `createdAt` is gone after the first update
        // (the release handed to it carries only custom labels).
        let mut labels = BTreeMap::new();
        labels.insert("modifiedAt".to_string(), unix_now());
        let obj = self.object(key, release, &labels)?;
        api.replace(key, &PostParams::default(), &obj)
            .await
            .map(|_| ())
            .map_err(|e| StorageError::Other(format!("update: failed to update: {}", api_text(&e))))
    }

    pub(super) async fn delete(&self, key: &str) -> Result<Release, StorageError> {
        let release = self.get(key).await?;
        self.api_in(&release.namespace)
            .delete(key, &DeleteParams::default())
            .await
            .map_err(|e| StorageError::Other(api_text(&e)))?;
        Ok(release)
    }

    fn object(
        &self,
        key: &str,
        release: &Release,
        labels: &BTreeMap<String, String>,
    ) -> Result<DynamicObject, StorageError> {
        let ns = if self.namespace.is_empty() {
            release.namespace.as_str()
        } else {
            self.namespace.as_str()
        };
        let mut json = storage_object(release, self.kind, ns, labels)?;
        if let Some(name) = json.pointer_mut("/metadata/name") {
            *name = serde_json::Value::String(key.to_string());
        }
        serde_json::from_value(json).map_err(|e| StorageError::Other(e.to_string()))
    }
}

impl ObjectDriver {
    /// The object as JSON with its kind: list responses leave `kind` off their items.
    fn to_json(&self, obj: &DynamicObject) -> Result<serde_json::Value, StorageError> {
        let mut v = serde_json::to_value(obj).map_err(|e| StorageError::Other(e.to_string()))?;
        if let Some(m) = v.as_object_mut() {
            m.insert("kind".into(), self.resource.kind.clone().into());
            m.insert("apiVersion".into(), "v1".into());
        }
        Ok(v)
    }
}

/// The error text Go's client prints: the API server's message for API errors.
pub(super) fn api_text(e: &kube::Error) -> String {
    match e {
        kube::Error::Api(s) if !s.message.is_empty() => s.message.clone(),
        other => other.to_string(),
    }
}

/// Now as Unix seconds, the form of Helm's `createdAt` / `modifiedAt` labels.
fn unix_now() -> String {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
        .to_string()
}
