//! The in-process driver (`HELM_DRIVER=memory`): records live as long as the process, per
//! namespace, as Helm's `Memory` driver keeps them.

use super::StorageError;
use super::secrets::Selector;
use capstan_core::release::Release;
use std::collections::BTreeMap;
use std::sync::Mutex;

/// Records by namespace, release name and revision.
type Records = BTreeMap<String, BTreeMap<String, BTreeMap<i64, Release>>>;

/// The in-memory store of one namespace ("" = all namespaces).
pub(super) struct MemoryDriver {
    namespace: String,
    records: Mutex<Records>,
}

impl MemoryDriver {
    pub(super) fn new(namespace: &str) -> MemoryDriver {
        MemoryDriver {
            namespace: namespace.to_string(),
            records: Mutex::new(BTreeMap::new()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Records> {
        // A poisoned lock still holds consistent maps: every write is a single insert/remove.
        self.records.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The namespace a release's record goes to.
    fn namespace_of<'a>(&'a self, release: &'a Release) -> &'a str {
        if !self.namespace.is_empty() {
            &self.namespace
        } else if !release.namespace.is_empty() {
            &release.namespace
        } else {
            "default"
        }
    }

    pub(super) fn get(&self, name: &str, version: i64) -> Result<Release, StorageError> {
        let records = self.lock();
        records
            .iter()
            .filter(|(ns, _)| self.namespace.is_empty() || **ns == self.namespace)
            .find_map(|(_, rels)| rels.get(name)?.get(&version).cloned())
            .ok_or(StorageError::NotFound)
    }

    pub(super) fn query(&self, labels: Selector<'_>) -> Vec<(Release, BTreeMap<String, String>)> {
        let records = self.lock();
        let mut out = Vec::new();
        for (_, rels) in records
            .iter()
            .filter(|(ns, _)| self.namespace.is_empty() || **ns == self.namespace)
        {
            for (name, revs) in rels {
                for rel in revs.values() {
                    let matches = labels.iter().all(|(k, v)| match *k {
                        "name" => name == v,
                        "status" => rel.status().as_str() == *v,
                        "owner" => *v == "helm",
                        other => rel.labels.get(other).map(String::as_str) == Some(*v),
                    });
                    if matches {
                        out.push((rel.clone(), system_labels(rel)));
                    }
                }
            }
        }
        out
    }

    pub(super) fn create(&self, release: &Release) -> Result<(), StorageError> {
        let ns = self.namespace_of(release).to_string();
        let mut records = self.lock();
        let revs = records
            .entry(ns)
            .or_default()
            .entry(release.name.clone())
            .or_default();
        if revs.contains_key(&release.version) {
            return Err(StorageError::AlreadyExists);
        }
        revs.insert(release.version, release.clone());
        Ok(())
    }

    pub(super) fn update(&self, release: &Release) -> Result<(), StorageError> {
        let ns = self.namespace_of(release).to_string();
        let mut records = self.lock();
        let slot = records
            .get_mut(&ns)
            .and_then(|rels| rels.get_mut(&release.name))
            .and_then(|revs| revs.get_mut(&release.version))
            .ok_or(StorageError::NotFound)?;
        *slot = release.clone();
        Ok(())
    }

    pub(super) fn delete(&self, name: &str, version: i64) -> Result<Release, StorageError> {
        let mut records = self.lock();
        for (ns, rels) in records.iter_mut() {
            if !self.namespace.is_empty() && *ns != self.namespace {
                continue;
            }
            if let Some(rel) = rels.get_mut(name).and_then(|revs| revs.remove(&version)) {
                return Ok(rel);
            }
        }
        Err(StorageError::NotFound)
    }
}

/// The labels Helm's memory driver keeps beside a record.
pub(super) fn system_labels(rel: &Release) -> BTreeMap<String, String> {
    let mut labels = rel.labels.clone();
    labels.insert("name".into(), rel.name.clone());
    labels.insert("owner".into(), "helm".into());
    labels.insert("status".into(), rel.status().to_string());
    labels.insert("version".into(), rel.version.to_string());
    labels
}
