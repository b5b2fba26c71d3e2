//! The cluster side of Capstan, as Helm's `pkg/kube`: kubeconfig and contexts, discovery and
//! REST mapping (any kind, custom resources included), create, server-side apply, client-side
//! three-way patch (`capstan_core::patch`), delete, and readiness waits (kstatus rules).
//!
//! Everything the chart applies is handled as dynamic JSON objects: the API server may be
//! any version (tests use v1.20), so no compiled-in schema decides what exists.
//!
//! Files: `config` (kubeconfig, flags, `HELM_*` environment), `discovery` (REST mapping,
//! `.Capabilities.APIVersions`), `build` (manifest → resources) and `validate` (kubectl's
//! OpenAPI checks), `rest` (raw requests), `apply` (create / update / delete) and `managed`
//! (CSA → SSA field ownership), `status` + `wait` (kstatus waits, Helm 4's default) and
//! `legacy` (`--wait=legacy`), `error` (client-go's wording).

mod apply;
mod build;
mod config;
mod discovery;
mod error;
mod legacy;
mod managed;
mod resource;
mod rest;
mod status;
mod validate;
mod wait;

pub use apply::{KEEP_POLICY, RESOURCE_POLICY_ANNOTATION};
pub use resource::{Resource, ResourceList, ResourceRef};
pub use status::{Readiness, readiness};

use std::path::PathBuf;
use std::sync::Arc;
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
    /// Client-side updates of custom resources use a three-way JSON merge patch (repairing
    /// drift) instead of Helm's default two-way patch from the previous manifest
    /// (Helm sets this for `--take-ownership` installs).
    pub three_way_merge_for_unstructured: bool,
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
            three_way_merge_for_unstructured: false,
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

/// A connected cluster client with its default namespace and discovery cache. Cheap to
/// clone (clones share the connection pool and the cache).
#[derive(Clone)]
pub struct Kube {
    client: kube::Client,
    namespace: String,
    discovery: Arc<discovery::Discovery>,
    version: String,
}

impl Kube {
    /// Connects like Helm: kubeconfig file(s), context, namespace, overrides from flags.
    /// The cluster must answer `/version` (Helm's `IsReachable`); failures read
    /// `kubernetes cluster unreachable: …`.
    pub async fn connect(opts: &KubeOptions) -> Result<Kube, KubeError> {
        let loaded = config::load(opts).await?;
        let base = loaded.config.cluster_url.to_string();
        let client = kube::Client::try_from(loaded.config)
            .map_err(|e| KubeError::Config(format!("{}: {e}", config::UNREACHABLE)))?;
        let version = match client.apiserver_version().await {
            Ok(info) => info.git_version,
            Err(e) => {
                let url = format!("{}/version", base.trim_end_matches('/'));
                let err = match error::from_kube(e, "GET", &url) {
                    // client-go's generic wording: /version answers are not decoded as Status.
                    KubeError::Api { code: 401, .. } => KubeError::Other(
                        "the server has asked for the client to provide credentials".into(),
                    ),
                    other => other,
                };
                return Err(KubeError::Config(format!("{}: {err}", config::UNREACHABLE)));
            }
        };
        Ok(Kube {
            discovery: Arc::new(discovery::Discovery::new(client.clone())),
            client,
            namespace: loaded.namespace,
            version,
        })
    }

    /// The underlying client, for typed requests (release storage Secrets and ConfigMaps).
    pub fn client(&self) -> &kube::Client {
        &self.client
    }

    /// The namespace operations default to.
    pub fn namespace(&self) -> &str {
        &self.namespace
    }

    /// The same cluster with another default namespace (sharing the discovery cache).
    pub fn with_namespace(&self, namespace: &str) -> Kube {
        Kube {
            client: self.client.clone(),
            namespace: namespace.to_string(),
            discovery: self.discovery.clone(),
            version: self.version.clone(),
        }
    }

    /// The server's version as `.Capabilities.KubeVersion` wants it: `v1.20.2`.
    pub async fn server_version(&self) -> Result<String, KubeError> {
        Ok(self.version.clone())
    }

    /// Every served `group/version` and `group/version/Kind` (`.Capabilities.APIVersions`).
    pub async fn api_versions(&self) -> Result<Vec<String>, KubeError> {
        self.discovery
            .api_versions()
            .await
            .map_err(|e| error::wrap(e, "could not get apiVersions from Kubernetes: "))
    }

    /// Forgets cached discovery (REST mappings), as Helm does after installing CRDs. Kinds
    /// missing from the cache are re-read on their own, so this is only needed when a
    /// group/version already seen gains kinds.
    pub async fn invalidate_discovery(&self) {
        self.discovery.invalidate().await;
    }

    /// Parses a manifest stream into mapped resources; namespaced kinds without a namespace
    /// get the client's namespace. Unknown kinds fail with Helm's "no matches for kind" text.
    pub async fn build(&self, manifest: &str) -> Result<ResourceList, KubeError> {
        build::build(&self.discovery, manifest, &self.namespace, None).await
    }

    /// [`Kube::build`] with schema validation (Helm's `Build(manifest, validate=true)`:
    /// install and upgrade targets unless `--disable-openapi-validation`). Servers without
    /// server-side field validation (before 1.27) get kubectl's client-side OpenAPI checks:
    /// `error validating "": error validating data: ValidationError(...): unknown field ...`.
    pub async fn build_validated(&self, manifest: &str) -> Result<ResourceList, KubeError> {
        if !self.client_side_validation() {
            return self.build(manifest).await;
        }
        let schemas = self.discovery.schemas().await?;
        build::build(&self.discovery, manifest, &self.namespace, Some(&schemas)).await
    }

    /// Whether the server lacks the `fieldValidation` parameter, so kubectl validates
    /// against the OpenAPI document itself.
    fn client_side_validation(&self) -> bool {
        let minor = self
            .version
            .trim_start_matches('v')
            .split('.')
            .nth(1)
            .map(|m| {
                m.chars()
                    .take_while(char::is_ascii_digit)
                    .collect::<String>()
            })
            .and_then(|m| m.parse::<u32>().ok());
        minor.is_some_and(|m| m < 27)
    }

    /// `--create-namespace` as Helm 4 does it by default: the Namespace (labelled
    /// `name=<ns>`) is server-side applied, so an existing one just gains the label.
    pub async fn ensure_namespace(&self, name: &str) -> Result<(), KubeError> {
        self.ensure_namespace_with(name, true).await
    }

    /// `--create-namespace` with the install's apply mode: server-side apply, or a plain
    /// create where AlreadyExists is fine (`--server-side=false`).
    pub async fn ensure_namespace_with(
        &self,
        name: &str,
        server_side: bool,
    ) -> Result<(), KubeError> {
        let quoted = serde_json::Value::String(name.to_string());
        let manifest = format!(
            "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {quoted}\n  labels:\n    name: {quoted}\n"
        );
        let list = self.build(&manifest).await?;
        let opts = ApplyOptions {
            server_side,
            ..Default::default()
        };
        match apply::create(&self.client, &list, &opts).await {
            Ok(_) => Ok(()),
            Err(e) if e.is_already_exists() => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// The live object, or `None` when it does not exist.
    pub async fn get(&self, r: &Resource) -> Result<Option<serde_json::Value>, KubeError> {
        rest::get(&self.client, r).await
    }

    /// Creates every resource (or server-side applies it), in order. All are attempted;
    /// failures are joined with newlines.
    pub async fn create(
        &self,
        list: &ResourceList,
        opts: &ApplyOptions,
    ) -> Result<ChangeSet, KubeError> {
        apply::create(&self.client, list, opts).await
    }

    /// Brings the cluster from `original` to `target`: creates what is new, patches what
    /// exists (SSA, or a three-way patch of original / live / target), deletes what is gone
    /// unless annotated `helm.sh/resource-policy: keep`.
    pub async fn update(
        &self,
        original: &ResourceList,
        target: &ResourceList,
        opts: &ApplyOptions,
    ) -> Result<ChangeSet, KubeError> {
        let (changes, result) = apply::update(&self.client, original, target, opts).await;
        result.map(|()| changes)
    }

    /// [`Kube::update`] that also returns what was attempted when it fails (Helm's
    /// `--cleanup-on-fail` deletes the objects an upgrade created).
    pub async fn update_partial(
        &self,
        original: &ResourceList,
        target: &ResourceList,
        opts: &ApplyOptions,
    ) -> (ChangeSet, Result<(), KubeError>) {
        apply::update(&self.client, original, target, opts).await
    }

    /// Deletes every resource; missing ones are skipped. Returns what was deleted and the
    /// errors met along the way.
    pub async fn delete(
        &self,
        list: &ResourceList,
        propagation: Propagation,
    ) -> (ChangeSet, Vec<KubeError>) {
        apply::delete(&self.client, list, propagation).await
    }

    /// Waits until every resource is ready (kstatus rules), reporting progress.
    pub async fn wait(&self, list: &ResourceList, opts: &WaitOptions) -> Result<(), KubeError> {
        wait::wait_ready(&self.client, list, opts).await
    }

    /// Waits until every resource is gone.
    pub async fn wait_for_delete(
        &self,
        list: &ResourceList,
        opts: &WaitOptions,
    ) -> Result<(), KubeError> {
        wait::wait_deleted(&self.client, list, opts).await
    }

    /// `--wait=legacy`: Helm 3's ready checker (Deployments via their new ReplicaSet,
    /// Services with load balancer ingress, ...); times out with `context deadline
    /// exceeded`.
    pub async fn wait_legacy(
        &self,
        list: &ResourceList,
        opts: &WaitOptions,
    ) -> Result<(), KubeError> {
        legacy::wait(&self.client, list, opts).await
    }

    /// `--wait=legacy` for deletions.
    pub async fn wait_for_delete_legacy(
        &self,
        list: &ResourceList,
        opts: &WaitOptions,
    ) -> Result<(), KubeError> {
        legacy::wait_for_delete(&self.client, list, opts.timeout).await
    }

    /// `--wait=legacy` for hooks: `job NAME failed: REASON`, `pod NAME failed`.
    pub async fn watch_until_ready_legacy(
        &self,
        list: &ResourceList,
        timeout: Duration,
    ) -> Result<(), KubeError> {
        legacy::watch_until_ready(&self.client, list, timeout).await
    }

    /// Hooks: Jobs until complete (failed → error), Pods until Succeeded (Failed → error),
    /// anything else as soon as it exists.
    pub async fn watch_until_ready(
        &self,
        list: &ResourceList,
        timeout: Duration,
    ) -> Result<(), KubeError> {
        wait::watch_until_ready(&self.client, list, timeout).await
    }
}
