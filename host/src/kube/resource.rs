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

impl Resource {
    /// Helm's `isMatchingInfo`: the same object whatever the API version it is written in
    /// (name, namespace, group and kind).
    pub fn same_object(&self, other: &Resource) -> bool {
        self.name == other.name
            && self.namespace == other.namespace
            && self.api.kind == other.api.kind
            && self.api.group == other.api.group
    }
}

impl ResourceList {
    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> std::slice::Iter<'_, Resource> {
        self.0.iter()
    }

    /// The entry for the same object as `r` ([`Resource::same_object`]).
    pub fn get(&self, r: &Resource) -> Option<&Resource> {
        self.0.iter().find(|x| x.same_object(r))
    }

    /// Whether the list holds the same object as `r`.
    pub fn contains(&self, r: &Resource) -> bool {
        self.get(r).is_some()
    }

    /// The resources of `self` that `other` does not hold (Helm's `Difference`).
    pub fn difference(&self, other: &ResourceList) -> ResourceList {
        ResourceList(
            self.0
                .iter()
                .filter(|r| !other.contains(r))
                .cloned()
                .collect(),
        )
    }

    /// The resources of `self` that `other` also holds (Helm's `Intersect`).
    pub fn intersect(&self, other: &ResourceList) -> ResourceList {
        ResourceList(
            self.0
                .iter()
                .filter(|r| other.contains(r))
                .cloned()
                .collect(),
        )
    }

    /// The resources matching `keep`.
    pub fn filter(&self, keep: impl Fn(&Resource) -> bool) -> ResourceList {
        ResourceList(self.0.iter().filter(|r| keep(r)).cloned().collect())
    }
}

impl<'a> IntoIterator for &'a ResourceList {
    type Item = &'a Resource;
    type IntoIter = std::slice::Iter<'a, Resource>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}
