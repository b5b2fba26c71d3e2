//! Release storage like Helm 4's `pkg/storage`: every revision is one Secret (default),
//! ConfigMap or in-memory record named `sh.helm.release.v1.NAME.vREVISION` in the release's
//! namespace, encoded by `capstan_core::release`. The driver is chosen like `HELM_DRIVER`.

mod configmaps;
mod memory;
mod secrets;

use capstan_core::release::{Release, Status, storage_key};
use memory::MemoryDriver;
use secrets::ObjectDriver;

/// Which backend holds the records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DriverKind {
    Secret,
    ConfigMap,
    Memory,
}

impl DriverKind {
    /// `HELM_DRIVER`'s values: `secret`/`secrets`/empty, `configmap`/`configmaps`, `memory`.
    pub fn parse(s: &str) -> Result<DriverKind, StorageError> {
        match s {
            "" | "secret" | "secrets" => Ok(DriverKind::Secret),
            "configmap" | "configmaps" => Ok(DriverKind::ConfigMap),
            "memory" => Ok(DriverKind::Memory),
            other => Err(StorageError::Other(format!("unknown driver {other:?}"))),
        }
    }
}

/// Storage failures, worded as Helm's.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// `release: not found`
    #[error("release: not found")]
    NotFound,
    /// `release: already exists` — another operation wrote this revision first.
    #[error("release: already exists")]
    AlreadyExists,
    /// `"NAME" has no deployed releases`
    #[error("{0:?} has no deployed releases")]
    NoDeployed(String),
    #[error(transparent)]
    Record(#[from] capstan_core::release::StorageError),
    #[error("{0}")]
    Other(String),
}

impl StorageError {
    /// Whether this is "release: not found" (or "has no deployed releases", which Helm
    /// also treats as a not-found when pruning).
    pub fn is_not_found(&self) -> bool {
        matches!(self, StorageError::NotFound)
    }
}

enum Backend {
    Objects(ObjectDriver),
    Memory(MemoryDriver),
    /// A cluster driver without a cluster connection.
    Unreachable,
}

/// The release store of one namespace (or of all namespaces, for `list -A`).
pub struct Storage {
    kind: DriverKind,
    backend: Backend,
    namespace: String,
    /// Revisions kept per release (`--history-max`); 0 keeps all.
    pub max_history: usize,
}

impl Storage {
    /// A store in `namespace` ("" = all namespaces, for listing).
    pub fn new(kind: DriverKind, client: Option<kube::Client>, namespace: &str) -> Storage {
        let backend = match (kind, client) {
            (DriverKind::Memory, _) => Backend::Memory(MemoryDriver::new(namespace)),
            (DriverKind::Secret, Some(c)) => Backend::Objects(ObjectDriver::secrets(c, namespace)),
            (DriverKind::ConfigMap, Some(c)) => {
                Backend::Objects(ObjectDriver::config_maps(c, namespace))
            }
            (_, None) => Backend::Unreachable,
        };
        Storage {
            kind,
            backend,
            namespace: namespace.to_string(),
            max_history: 0,
        }
    }

    /// The driver in use.
    pub fn kind(&self) -> DriverKind {
        self.kind
    }

    /// The namespace in scope ("" = all).
    pub fn namespace(&self) -> &str {
        &self.namespace
    }

    /// One revision.
    pub async fn get(&self, name: &str, version: i64) -> Result<Release, StorageError> {
        let key = storage_key(name, version);
        match &self.backend {
            Backend::Objects(d) => d.get(&key).await,
            Backend::Memory(m) => m.get(name, version),
            Backend::Unreachable => Err(unreachable_cluster()),
        }
    }

    /// Every label of a revision's storage object, Helm's own (`name`, `owner`, `status`,
    /// `version`, `createdAt`/`modifiedAt`) included: what Helm's label queries hand back.
    pub async fn object_labels(
        &self,
        name: &str,
        version: i64,
    ) -> Result<std::collections::BTreeMap<String, String>, StorageError> {
        match &self.backend {
            Backend::Objects(d) => d.labels(&storage_key(name, version)).await,
            Backend::Memory(m) => Ok(memory::system_labels(&m.get(name, version)?)),
            Backend::Unreachable => Err(unreachable_cluster()),
        }
    }

    /// Writes a new revision; fails with [`StorageError::AlreadyExists`] if it exists.
    /// With `max_history` set, first prunes the oldest revisions so that, with this one,
    /// at most `max_history` remain (the deployed one is never pruned).
    pub async fn create(&self, release: &Release) -> Result<(), StorageError> {
        if self.max_history > 0 {
            match self
                .remove_least_recent(&release.name, self.max_history - 1)
                .await
            {
                Ok(()) | Err(StorageError::NotFound) => {}
                Err(e) => return Err(e),
            }
        }
        let key = storage_key(&release.name, release.version);
        match &self.backend {
            Backend::Objects(d) => d.create(&key, release).await,
            Backend::Memory(m) => m.create(release),
            Backend::Unreachable => Err(unreachable_cluster()),
        }
    }

    /// Rewrites an existing revision (status changes).
    pub async fn update(&self, release: &Release) -> Result<(), StorageError> {
        let key = storage_key(&release.name, release.version);
        match &self.backend {
            Backend::Objects(d) => d.update(&key, release).await,
            Backend::Memory(m) => m.update(release),
            Backend::Unreachable => Err(unreachable_cluster()),
        }
    }

    /// Removes one revision and returns it.
    pub async fn delete(&self, name: &str, version: i64) -> Result<Release, StorageError> {
        let key = storage_key(name, version);
        match &self.backend {
            Backend::Objects(d) => d.delete(&key).await,
            Backend::Memory(m) => m.delete(name, version),
            Backend::Unreachable => Err(unreachable_cluster()),
        }
    }

    /// Every revision of a release, oldest first (empty when there is none; Helm's own
    /// `History` calls that "release: not found").
    pub async fn history(&self, name: &str) -> Result<Vec<Release>, StorageError> {
        check_label_value(name)?;
        let mut revs = self.query(&[("name", name), ("owner", "helm")]).await?;
        revs.sort_by_key(|r| r.version);
        Ok(revs)
    }

    /// Every revision of every release in scope.
    pub async fn list_all(&self) -> Result<Vec<Release>, StorageError> {
        self.query(&[("owner", "helm")]).await
    }

    /// Every revision labelled `deployed`, oldest first.
    pub async fn deployed_all(&self, name: &str) -> Result<Vec<Release>, StorageError> {
        check_label_value(name)?;
        let mut revs = self
            .query(&[("name", name), ("owner", "helm"), ("status", "deployed")])
            .await?;
        revs.sort_by_key(|r| r.version);
        Ok(revs)
    }

    /// The revision whose status is `deployed` (the newest one if several are).
    pub async fn deployed(&self, name: &str) -> Result<Release, StorageError> {
        self.deployed_all(name)
            .await?
            .pop()
            .ok_or_else(|| StorageError::NoDeployed(name.to_string()))
    }

    /// The newest revision, whatever its status.
    pub async fn last(&self, name: &str) -> Result<Release, StorageError> {
        self.history(name)
            .await?
            .pop()
            .ok_or(StorageError::NotFound)
    }

    async fn query(&self, labels: &[(&str, &str)]) -> Result<Vec<Release>, StorageError> {
        Ok(self
            .query_labeled(labels)
            .await?
            .into_iter()
            .map(|(r, _)| r)
            .collect())
    }

    /// Every revision in scope with its storage object's labels (Helm's own included),
    /// as `helm list --selector` matches them.
    pub async fn list_all_labeled(
        &self,
    ) -> Result<Vec<(Release, std::collections::BTreeMap<String, String>)>, StorageError> {
        self.query_labeled(&[("owner", "helm")]).await
    }

    async fn query_labeled(
        &self,
        labels: &[(&str, &str)],
    ) -> Result<Vec<(Release, std::collections::BTreeMap<String, String>)>, StorageError> {
        match &self.backend {
            Backend::Objects(d) => d.query(labels).await,
            Backend::Memory(m) => Ok(m.query(labels)),
            Backend::Unreachable => Err(unreachable_cluster()),
        }
    }

    /// Helm's history pruning: deletes the oldest revisions until `keep` remain, never the
    /// newest deployed one.
    async fn remove_least_recent(&self, name: &str, keep: usize) -> Result<(), StorageError> {
        let history = self.history(name).await?;
        if history.len() <= keep {
            return Ok(());
        }
        let deployed = history
            .iter()
            .rev()
            .find(|r| r.status() == Status::Deployed)
            .map(|r| r.version);
        let mut doomed = Vec::new();
        for rel in &history {
            if history.len() - doomed.len() == keep {
                break;
            }
            if Some(rel.version) != deployed {
                doomed.push(rel.version);
            }
        }
        let mut errors = Vec::new();
        for version in doomed {
            if let Err(e) = self.delete(name, version).await {
                errors.push(e);
            }
        }
        match errors.len() {
            0 => Ok(()),
            1 => Err(errors.remove(0)),
            n => Err(StorageError::Other(format!(
                "encountered {n} deletion errors. First is: {}",
                errors[0]
            ))),
        }
    }
}

fn unreachable_cluster() -> StorageError {
    StorageError::Other("kubernetes cluster unreachable".into())
}

/// Kubernetes' label value rule, which Helm checks before querying by release name.
fn check_label_value(v: &str) -> Result<(), StorageError> {
    let mut errs = Vec::new();
    if v.len() > 63 {
        errs.push("must be no more than 63 characters".to_string());
    }
    let b = v.as_bytes();
    let alnum = |c: &u8| c.is_ascii_alphanumeric();
    let ok = b.is_empty()
        || (alnum(&b[0])
            && alnum(&b[b.len() - 1])
            && b.iter()
                .all(|c| alnum(c) || matches!(c, b'-' | b'_' | b'.')));
    if !ok {
        errs.push(
            "a valid label must be an empty string or consist of alphanumeric characters, '-', \
             '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  \
             or 'my_value',  or '12345', regex used for validation is \
             '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
                .to_string(),
        );
    }
    if errs.is_empty() {
        Ok(())
    } else {
        Err(StorageError::Other(format!(
            "invalid label value: {v:?}: {}",
            errs.join("; ")
        )))
    }
}

#[cfg(test)]
mod tests;
