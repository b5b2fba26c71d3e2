//! Flags shared by the release commands.

use capstan_host::kube::KubeOptions;
use clap::{Args, ValueEnum};
use std::path::PathBuf;

/// Helm's global cluster flags.
#[derive(Args, Clone, Debug, Default)]
pub struct KubeFlags {
    /// Path to the kubeconfig file
    #[arg(long)]
    pub kubeconfig: Option<PathBuf>,
    /// Name of the kubeconfig context to use
    #[arg(long = "kube-context")]
    pub kube_context: Option<String>,
    /// Namespace scope for this request
    #[arg(short = 'n', long)]
    pub namespace: Option<String>,
    /// The address and the port for the Kubernetes API server
    #[arg(long = "kube-apiserver")]
    pub kube_apiserver: Option<String>,
    /// Bearer token used for authentication
    #[arg(long = "kube-token")]
    pub kube_token: Option<String>,
    /// Username to impersonate for the operation
    #[arg(long = "kube-as-user")]
    pub kube_as_user: Option<String>,
    /// Group to impersonate for the operation, this flag can be repeated
    #[arg(long = "kube-as-group")]
    pub kube_as_group: Vec<String>,
    /// The path to a cert file for the kubernetes certificate authority
    #[arg(long = "kube-ca-file")]
    pub kube_ca_file: Option<PathBuf>,
    /// If true, the Kubernetes API server's certificate will not be checked for validity
    #[arg(long = "kube-insecure-skip-tls-verify")]
    pub kube_insecure_skip_tls_verify: bool,
    /// Server name to use for Kubernetes API server certificate validation
    #[arg(long = "kube-tls-server-name")]
    pub kube_tls_server_name: Option<String>,
}

impl KubeFlags {
    /// The connection options these flags describe.
    pub fn options(&self) -> KubeOptions {
        KubeOptions {
            kubeconfig: self.kubeconfig.clone(),
            context: self.kube_context.clone(),
            namespace: self.namespace.clone(),
            api_server: self.kube_apiserver.clone(),
            token: self.kube_token.clone(),
            as_user: self.kube_as_user.clone(),
            as_groups: self.kube_as_group.clone(),
            ca_file: self.kube_ca_file.clone(),
            insecure_skip_tls_verify: self.kube_insecure_skip_tls_verify,
            tls_server_name: self.kube_tls_server_name.clone(),
        }
    }
}

/// `HELM_DRIVER` (empty = secrets).
pub fn driver_from_env() -> String {
    std::env::var("HELM_DRIVER").unwrap_or_default()
}

/// `-o/--output`.
#[derive(ValueEnum, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum OutputFormat {
    #[default]
    Table,
    Json,
    Yaml,
}
