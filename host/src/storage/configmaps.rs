//! The ConfigMaps driver (`HELM_DRIVER=configmap`): the same records as the Secrets
//! driver, the encoded release kept as the ConfigMap's `release` string.

use super::secrets::ObjectDriver;
use capstan_core::release::StorageKind;
use kube::discovery::ApiResource;

impl ObjectDriver {
    /// The ConfigMaps driver (`HELM_DRIVER=configmap`).
    pub(super) fn config_maps(client: kube::Client, namespace: &str) -> ObjectDriver {
        ObjectDriver {
            client,
            namespace: namespace.to_string(),
            kind: StorageKind::ConfigMap,
            resource: ApiResource {
                group: String::new(),
                version: "v1".into(),
                api_version: "v1".into(),
                kind: "ConfigMap".into(),
                plural: "configmaps".into(),
            },
        }
    }
}
