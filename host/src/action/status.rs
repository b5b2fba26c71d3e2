//! `helm status`: one revision of a release (the newest by default).

use super::{Configuration, Error};
use capstan_core::release::Release;

/// The release `name` at `version` (0 = the newest revision).
///
/// Helm 4 also attaches the live objects (`info.resources`); Capstan does not yet.
pub async fn run(cfg: &Configuration, name: &str, version: i64) -> Result<Release, Error> {
    super::get::release_content(cfg, name, version).await
}
