//! The release record: a chart installed under a name, one revision at a time, in the shape
//! Helm 4 writes into its `helm.sh/release.v1` Secrets and ConfigMaps, so that Helm and
//! Capstan read each other's history.
//!
//! Field names and their order follow Helm's JSON encoding; times are kept as the RFC 3339
//! text Go writes (`None` is Go's zero time, which Helm omits).

mod chart;
mod codec;
mod name;
mod storage;

pub use chart::{
    ChartDependency, ChartFile, ChartLock, ChartMaintainer, ChartMetadata, ChartRecord,
};
pub use codec::{DecodeError, decode, encode, to_json};
pub use name::{MAX_RELEASE_NAME_LEN, NameError, validate_release_name};
pub use storage::{
    MAX_OBJECT_SIZE, SECRET_TYPE, SYSTEM_LABELS, StorageError, StorageKind, decode_storage_object,
    label_status, storage_key, storage_object,
};

use serde::{Deserialize, Deserializer, Serialize};
use std::collections::BTreeMap;

/// One revision of a release, as stored by Helm (`pkg/release/v1.Release`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Release {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub info: Option<Info>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chart: Option<ChartRecord>,
    /// The user-supplied values (`-f`, `--set`), not the coalesced ones.
    #[serde(
        default,
        skip_serializing_if = "json_map_is_empty",
        serialize_with = "codec::sorted_map",
        deserialize_with = "null_as_default"
    )]
    pub config: serde_json::Map<String, serde_json::Value>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub manifest: String,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "null_as_default"
    )]
    pub hooks: Vec<Hook>,
    /// The revision number, starting at 1.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub version: i64,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub namespace: String,
    /// The storage object's labels other than Helm's own; never part of the JSON record.
    #[serde(skip)]
    pub labels: BTreeMap<String, String>,
    /// How the release's resources were applied: `ssa` (server-side) or `csa` (client-side),
    /// latched at install time by Helm 4.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub apply_method: String,
}

/// Server-side apply, as recorded in [`Release::apply_method`].
pub const APPLY_METHOD_SERVER_SIDE: &str = "ssa";
/// Client-side three-way merge, as recorded in [`Release::apply_method`].
pub const APPLY_METHOD_CLIENT_SIDE: &str = "csa";

impl Release {
    /// The release's status, `unknown` when the record has no info.
    pub fn status(&self) -> Status {
        self.info
            .as_ref()
            .map_or(Status::Unknown, |i| i.status.clone())
    }

    /// Sets the status and the description together, as Helm does at each step.
    pub fn set_status(&mut self, status: Status, description: &str) {
        let info = self.info.get_or_insert_with(Info::default);
        info.status = status;
        info.description = description.to_string();
    }
}

/// What happened to a revision and when (`pkg/release/v1.Info`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Info {
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "go_time"
    )]
    pub first_deployed: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "go_time"
    )]
    pub last_deployed: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "go_time"
    )]
    pub deleted: Option<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    #[serde(default, skip_serializing_if = "Status::is_empty")]
    pub status: Status,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub rollback_revision: i64,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub notes: String,
    /// Live objects by kind, filled by `helm status --show-resources`; kept as JSON.
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "null_as_default"
    )]
    pub resources: BTreeMap<String, Vec<serde_json::Value>>,
}

/// A release status (`pkg/release/common.Status`). Unknown words are kept as written.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub enum Status {
    #[default]
    Empty,
    Unknown,
    Deployed,
    Uninstalled,
    Superseded,
    Failed,
    Uninstalling,
    PendingInstall,
    PendingUpgrade,
    PendingRollback,
    Other(String),
}

impl Status {
    /// The word Helm writes in the record and in the `status` label.
    pub fn as_str(&self) -> &str {
        match self {
            Status::Empty => "",
            Status::Unknown => "unknown",
            Status::Deployed => "deployed",
            Status::Uninstalled => "uninstalled",
            Status::Superseded => "superseded",
            Status::Failed => "failed",
            Status::Uninstalling => "uninstalling",
            Status::PendingInstall => "pending-install",
            Status::PendingUpgrade => "pending-upgrade",
            Status::PendingRollback => "pending-rollback",
            Status::Other(s) => s,
        }
    }

    /// Parses Helm's word for a status.
    pub fn parse(s: &str) -> Status {
        match s {
            "" => Status::Empty,
            "unknown" => Status::Unknown,
            "deployed" => Status::Deployed,
            "uninstalled" => Status::Uninstalled,
            "superseded" => Status::Superseded,
            "failed" => Status::Failed,
            "uninstalling" => Status::Uninstalling,
            "pending-install" => Status::PendingInstall,
            "pending-upgrade" => Status::PendingUpgrade,
            "pending-rollback" => Status::PendingRollback,
            other => Status::Other(other.to_string()),
        }
    }

    /// Whether an operation on the release is in progress (the guard against concurrent
    /// installs, upgrades and rollbacks).
    pub fn is_pending(&self) -> bool {
        matches!(
            self,
            Status::PendingInstall | Status::PendingUpgrade | Status::PendingRollback
        )
    }

    fn is_empty(&self) -> bool {
        *self == Status::Empty
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Status {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Status {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s: Option<String> = Option::deserialize(d)?;
        Ok(s.map_or(Status::Empty, |s| Status::parse(&s)))
    }
}

/// A hook of the release (`pkg/release/v1.Hook`): a manifest run at a lifecycle event.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Hook {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub kind: String,
    /// The template path the hook came from, e.g. `mychart/templates/job.yaml`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub path: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub manifest: String,
    /// `pre-install`, `post-install`, `pre-delete`, `post-delete`, `pre-upgrade`,
    /// `post-upgrade`, `pre-rollback`, `post-rollback`, `test`.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "null_as_default"
    )]
    pub events: Vec<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub last_run: HookExecution,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub weight: i64,
    /// `before-hook-creation`, `hook-succeeded`, `hook-failed`.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "null_as_default"
    )]
    pub delete_policies: Vec<String>,
    /// `hook-succeeded`, `hook-failed`: when to print the hook's logs.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "null_as_default"
    )]
    pub output_log_policies: Vec<String>,
}

/// The last run of a hook (`pkg/release/v1.HookExecution`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct HookExecution {
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "go_time"
    )]
    pub started_at: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "go_time"
    )]
    pub completed_at: Option<String>,
    /// `Unknown`, `Running`, `Succeeded`, `Failed`; Helm always writes it, even empty.
    #[serde(default, deserialize_with = "null_as_default")]
    pub phase: String,
}

fn is_zero(n: &i64) -> bool {
    *n == 0
}

fn json_map_is_empty(m: &serde_json::Map<String, serde_json::Value>) -> bool {
    m.is_empty()
}

/// Go decodes JSON `null` into a field as "leave it at its zero value".
fn null_as_default<'de, D: Deserializer<'de>, T: Deserialize<'de> + Default>(
    d: D,
) -> Result<T, D::Error> {
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// Helm reads an empty string (written by some older clients) as the zero time.
fn go_time<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let s: Option<String> = Option::deserialize(d)?;
    Ok(s.filter(|s| !s.is_empty() && s != GO_ZERO_TIME))
}

/// Go's zero `time.Time` in RFC 3339, which `omitzero` fields never write.
pub(crate) const GO_ZERO_TIME: &str = "0001-01-01T00:00:00Z";

#[cfg(test)]
mod tests;

/// A moment as Go's `time.Time` writes it in JSON (RFC 3339 with nanoseconds, trailing
/// zeros trimmed, `Z` for UTC), for [`Info`] and [`HookExecution`] times.
pub fn go_time_string(t: jiff::Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%S%.fZ").to_string()
}
