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

/// What an operation cancelled by a signal fails with (Go's `context.Canceled`).
pub const ERR_CANCELED: &str = "context canceled";

/// Helm's signal handling for install and upgrade: resolves on the first SIGINT or SIGTERM,
/// after printing `Release NAME has been cancelled.`; the operation then stops and fails
/// its release (`... failed: context canceled`, undone with `--rollback-on-failure`)
/// instead of leaving it pending. Never resolves when `enabled` is false (embedders keep
/// their own signal handling).
pub async fn cancelled(name: &str, enabled: bool) {
    if !enabled {
        return std::future::pending().await;
    }
    let interrupt = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    let terminate = async {
        #[cfg(unix)]
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
            return;
        }
        std::future::pending::<()>().await;
    };
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
    println!("Release {name} has been cancelled.");
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
