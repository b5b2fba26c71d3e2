//! The cluster side of Capstan, as Helm's `pkg/kube`: kubeconfig and contexts, discovery and
//! REST mapping (any kind, custom resources included), create, server-side apply, client-side
//! three-way patch (`capstan_core::patch`), delete, and readiness waits (kstatus rules).
//!
//! Everything the chart applies is handled as dynamic JSON objects: the API server may be
//! any version (tests use v1.20), so no compiled-in schema decides what exists.

mod resource;

pub use resource::{Resource, ResourceList, ResourceRef};

use std::path::PathBuf;
use std::time::Duration;

/// The field manager Helm's binary sends (client-go derives it from the program name,
/// `helm`); using the same name lets Helm and Capstan take over each other's releases.
pub const FIELD_MANAGER: &str = "helm";

/// How to reach the cluster: Helm's global flags and `KUBECONFIG`.
#[derive(Debug, Clone, Default)]
pub struct KubeOptions {
    /// `--kubeconfig`; otherwise `KUBECONFIG`, otherwise `~/.kube/config`.
    pub kubeconfig: Option<PathBuf>,
    /// `--kube-context`; otherwise the kubeconfig's current context.
    pub context: Option<String>,
    /// `-n/--namespace`; otherwise the context's namespace, otherwise `default`.
    pub namespace: Option<String>,
    /// `--kube-apiserver`
    pub api_server: Option<String>,
    /// `--kube-token`
    pub token: Option<String>,
    /// `--kube-as-user`
    pub as_user: Option<String>,
    /// `--kube-as-group`
    pub as_groups: Vec<String>,
    /// `--kube-ca-file`
    pub ca_file: Option<PathBuf>,
    /// `--kube-insecure-skip-tls-verify`
    pub insecure_skip_tls_verify: bool,
    /// `--kube-tls-server-name`
    pub tls_server_name: Option<String>,
}

/// What went wrong talking to the cluster.
#[derive(Debug, thiserror::Error)]
pub enum KubeError {
    /// No usable kubeconfig, context or credentials.
    #[error("{0}")]
    Config(String),
    /// The API server refused a request (status code, reason, message as the server says).
    #[error("{message}")]
    Api {
        code: u16,
        reason: String,
        message: String,
    },
    /// A wait ran out of time.
    #[error("{0}")]
    Timeout(String),
    /// Anything else, already worded for the user.
    #[error("{0}")]
    Other(String),
}

impl KubeError {
    /// Whether the server answered 404 Not Found.
    pub fn is_not_found(&self) -> bool {
        matches!(self, KubeError::Api { code: 404, .. })
    }
    /// Whether the server answered 409 AlreadyExists.
    pub fn is_already_exists(&self) -> bool {
        matches!(self, KubeError::Api { code: 409, reason, .. } if reason == "AlreadyExists")
    }
}

/// How resources are written.
#[derive(Debug, Clone)]
pub struct ApplyOptions {
    /// Server-side apply (`--server-side`); otherwise create / three-way patch.
    pub server_side: bool,
    /// SSA `force=true` (`--force-conflicts`).
    pub force_conflicts: bool,
    /// Delete and recreate objects that cannot be patched (`--force-replace`).
    pub force_replace: bool,
    /// Send everything with `dryRun=All` (`--dry-run=server`).
    pub dry_run: bool,
    /// The field manager name; [`FIELD_MANAGER`] unless told otherwise.
    pub field_manager: String,
    /// Move fields owned by a client-side manager to the server-side one (CSA→SSA switch).
    pub upgrade_client_side_field_manager: bool,
}

impl Default for ApplyOptions {
    fn default() -> Self {
        ApplyOptions {
            server_side: true,
            force_conflicts: false,
            force_replace: false,
            dry_run: false,
            field_manager: FIELD_MANAGER.to_string(),
            upgrade_client_side_field_manager: false,
        }
    }
}

/// What an operation changed, object by object.
#[derive(Debug, Clone, Default)]
pub struct ChangeSet {
    pub created: Vec<ResourceRef>,
    pub updated: Vec<ResourceRef>,
    pub deleted: Vec<ResourceRef>,
}

/// Deletion propagation (`--cascade=background|foreground|orphan`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Propagation {
    #[default]
    Background,
    Foreground,
    Orphan,
}

/// How waits report progress.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// Redraw one status block on a terminal.
    Terminal,
    /// Plain log lines (CI).
    Lines,
    /// Nothing.
    Quiet,
}

/// `--wait` and `--timeout`.
#[derive(Debug, Clone)]
pub struct WaitOptions {
    pub timeout: Duration,
    /// Also wait for Jobs to complete (`--wait-for-jobs`).
    pub with_jobs: bool,
    pub progress: Progress,
}

/// A connected cluster client with its default namespace and discovery cache.
pub struct Kube {
    client: kube::Client,
    namespace: String,
}

impl Kube {
    /// Connects like Helm: kubeconfig file(s), context, namespace, overrides from flags.
    pub async fn connect(_opts: &KubeOptions) -> Result<Kube, KubeError> {
        Err(KubeError::Other("not implemented yet".into()))
    }

    /// The underlying client, for typed requests (release storage Secrets and ConfigMaps).
    pub fn client(&self) -> &kube::Client {
        &self.client
    }

    /// The namespace operations default to.
    pub fn namespace(&self) -> &str {
        &self.namespace
    }

    /// The server's version as `.Capabilities.KubeVersion` wants it: `v1.20.2`.
    pub async fn server_version(&self) -> Result<String, KubeError> {
        Err(KubeError::Other("not implemented yet".into()))
    }

    /// Every served `group/version` and `group/version/Kind` (`.Capabilities.APIVersions`).
    pub async fn api_versions(&self) -> Result<Vec<String>, KubeError> {
        Err(KubeError::Other("not implemented yet".into()))
    }

    /// Parses a manifest stream into mapped resources; namespaced kinds without a namespace
    /// get the client's namespace. Unknown kinds fail with Helm's "no matches for kind" text.
    pub async fn build(&self, _manifest: &str) -> Result<ResourceList, KubeError> {
        Err(KubeError::Other("not implemented yet".into()))
    }

    /// Creates the namespace unless it exists (`--create-namespace`).
    pub async fn ensure_namespace(&self, _name: &str) -> Result<(), KubeError> {
        Err(KubeError::Other("not implemented yet".into()))
    }

    /// The live object, or `None` when it does not exist.
    pub async fn get(&self, _r: &Resource) -> Result<Option<serde_json::Value>, KubeError> {
        Err(KubeError::Other("not implemented yet".into()))
    }

    /// Creates every resource (or server-side applies it), in order.
    pub async fn create(
        &self,
        _list: &ResourceList,
        _opts: &ApplyOptions,
    ) -> Result<ChangeSet, KubeError> {
        Err(KubeError::Other("not implemented yet".into()))
    }

    /// Brings the cluster from `original` to `target`: creates what is new, patches what
    /// exists (SSA, or a three-way patch of original / live / target), deletes what is gone
    /// unless annotated `helm.sh/resource-policy: keep`.
    pub async fn update(
        &self,
        _original: &ResourceList,
        _target: &ResourceList,
        _opts: &ApplyOptions,
    ) -> Result<ChangeSet, KubeError> {
        Err(KubeError::Other("not implemented yet".into()))
    }

    /// Deletes every resource; missing ones are skipped. Returns what was deleted and the
    /// errors met along the way.
    pub async fn delete(
        &self,
        _list: &ResourceList,
        _propagation: Propagation,
    ) -> (ChangeSet, Vec<KubeError>) {
        (ChangeSet::default(), Vec::new())
    }

    /// Waits until every resource is ready (kstatus rules), reporting progress.
    pub async fn wait(&self, _list: &ResourceList, _opts: &WaitOptions) -> Result<(), KubeError> {
        Err(KubeError::Other("not implemented yet".into()))
    }

    /// Waits until every resource is gone.
    pub async fn wait_for_delete(
        &self,
        _list: &ResourceList,
        _opts: &WaitOptions,
    ) -> Result<(), KubeError> {
        Err(KubeError::Other("not implemented yet".into()))
    }

    /// Hooks: Jobs until complete (failed → error), Pods until Succeeded (Failed → error),
    /// anything else as soon as it exists.
    pub async fn watch_until_ready(
        &self,
        _list: &ResourceList,
        _timeout: Duration,
    ) -> Result<(), KubeError> {
        Err(KubeError::Other("not implemented yet".into()))
    }
}
