//! `helm history`: every stored revision of a release.

use super::{Configuration, Error};
use crate::storage::StorageError;
use capstan_core::release::{Release, validate_release_name};

/// The revisions of `name`, oldest first; none is Helm's "release: not found".
pub async fn run(cfg: &Configuration, name: &str) -> Result<Vec<Release>, Error> {
    if validate_release_name(name).is_err() {
        return Err(Error::Other(format!("release name is invalid: {name}")));
    }
    let revs = cfg.storage.history(name).await?;
    if revs.is_empty() {
        return Err(StorageError::NotFound.into());
    }
    Ok(revs)
}
