//! Helm's actions: install, upgrade, rollback, uninstall, test, and the read-only history,
//! status, list and get; hooks; release bookkeeping. Commands in `cmd/release/` parse flags
//! and print; these do the work.

pub mod get;
pub mod history;
pub mod hooks;
pub mod install;
pub mod list;
pub mod lookup;
pub mod ownership;
pub mod release_test;
pub mod rollback;
pub mod status;
pub mod uninstall;
pub mod upgrade;

use crate::kube::{Kube, KubeError, KubeOptions};
use crate::storage::{DriverKind, Storage, StorageError};

/// What every action needs: the cluster and the release store of the namespace.
pub struct Configuration {
    pub kube: Kube,
    pub storage: Storage,
    /// The release namespace (`-n`, else the context's, else `default`).
    pub namespace: String,
}

impl Configuration {
    /// Connects to the cluster and opens the store chosen by `driver` (`HELM_DRIVER`).
    pub async fn new(opts: &KubeOptions, driver: &str) -> Result<Configuration, Error> {
        let kube = Kube::connect(opts).await?;
        let namespace = kube.namespace().to_string();
        let storage = Storage::new(
            DriverKind::parse(driver)?,
            Some(kube.client().clone()),
            &namespace,
        );
        Ok(Configuration {
            kube,
            storage,
            namespace,
        })
    }
}

/// An action's failure, worded as Helm's.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Kube(#[from] KubeError),
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error("{0}")]
    Other(String),
}
