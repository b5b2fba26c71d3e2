//! Resources as the cluster sees them: a manifest object plus its REST mapping.

use kube::discovery::ApiResource;

/// One object from a manifest, mapped to its API resource.
#[derive(Debug, Clone)]
pub struct Resource {
    /// The object as rendered (JSON), namespace filled in for namespaced kinds.
    pub object: serde_json::Value,
    /// Group, version, kind and plural of the object's type.
    pub api: ApiResource,
    /// Whether the kind is namespaced.
    pub namespaced: bool,
    pub name: String,
    /// `None` for cluster-scoped kinds.
    pub namespace: Option<String>,
}

impl Resource {
    /// The identity used to match an old manifest's object with a new one (Helm's
    /// `isMatchingInfo`: group, kind, namespace, name).
    pub fn key(&self) -> ResourceRef {
        ResourceRef {
            group: self.api.group.clone(),
            version: self.api.version.clone(),
            kind: self.api.kind.clone(),
            namespace: self.namespace.clone(),
            name: self.name.clone(),
        }
    }
}

/// A resource's identity, for reports and matching.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ResourceRef {
    pub group: String,
    pub version: String,
    pub kind: String,
    pub namespace: Option<String>,
    pub name: String,
}

impl std::fmt::Display for ResourceRef {
    /// `Kind/name` as Helm's messages print it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.kind, self.name)
    }
}

/// Resources in manifest (install) order.
#[derive(Debug, Clone, Default)]
pub struct ResourceList(pub Vec<Resource>);
