//! Release storage like Helm 4's `pkg/storage`: every revision is one Secret (default),
//! ConfigMap or in-memory record named `sh.helm.release.v1.NAME.vREVISION` in the release's
//! namespace, encoded by `capstan_core::release`. The driver is chosen like `HELM_DRIVER`.

use capstan_core::release::Release;

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
    #[error(transparent)]
    Record(#[from] capstan_core::release::StorageError),
    #[error("{0}")]
    Other(String),
}

/// The release store of one namespace (or of all namespaces, for `list -A`).
pub struct Storage {
    kind: DriverKind,
    /// Revisions kept per release (`--history-max`); 0 keeps all.
    pub max_history: usize,
}

impl Storage {
    /// A store in `namespace` ("" = all namespaces, for listing).
    pub fn new(kind: DriverKind, _client: Option<kube::Client>, _namespace: &str) -> Storage {
        Storage {
            kind,
            max_history: 0,
        }
    }

    /// The driver in use.
    pub fn kind(&self) -> DriverKind {
        self.kind
    }

    /// One revision.
    pub async fn get(&self, _name: &str, _version: i64) -> Result<Release, StorageError> {
        Err(StorageError::NotFound)
    }

    /// Writes a new revision; fails with [`StorageError::AlreadyExists`] if it exists.
    pub async fn create(&self, _release: &Release) -> Result<(), StorageError> {
        Err(StorageError::Other("not implemented yet".into()))
    }

    /// Rewrites an existing revision (status changes).
    pub async fn update(&self, _release: &Release) -> Result<(), StorageError> {
        Err(StorageError::Other("not implemented yet".into()))
    }

    /// Removes one revision and returns it.
    pub async fn delete(&self, _name: &str, _version: i64) -> Result<Release, StorageError> {
        Err(StorageError::NotFound)
    }

    /// Every revision of a release, oldest first.
    pub async fn history(&self, _name: &str) -> Result<Vec<Release>, StorageError> {
        Ok(Vec::new())
    }

    /// Every revision of every release in scope.
    pub async fn list_all(&self) -> Result<Vec<Release>, StorageError> {
        Ok(Vec::new())
    }

    /// The revision whose status is `deployed` (the newest one if several are).
    pub async fn deployed(&self, _name: &str) -> Result<Release, StorageError> {
        Err(StorageError::NotFound)
    }

    /// The newest revision, whatever its status.
    pub async fn last(&self, _name: &str) -> Result<Release, StorageError> {
        Err(StorageError::NotFound)
    }
}
