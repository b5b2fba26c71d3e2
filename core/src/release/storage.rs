//! The Kubernetes objects Helm keeps releases in: a Secret (Helm's default driver) or a
//! ConfigMap per revision, named `sh.helm.release.v1.NAME.vREVISION` and labelled so that
//! `helm list` can find them without decoding.

use super::codec::{self, DecodeError};
use super::{Release, Status};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

/// The most data one Secret or ConfigMap may hold (the API server rejects more).
pub const MAX_OBJECT_SIZE: usize = 1024 * 1024;

/// The type Helm 3 and 4 give their release Secrets.
pub const SECRET_TYPE: &str = "helm.sh/release.v1";

/// Labels Helm manages itself; a release's custom labels may not use them.
pub const SYSTEM_LABELS: [&str; 6] = [
    "name",
    "owner",
    "status",
    "version",
    "createdAt",
    "modifiedAt",
];

/// Which kind of object holds the record (`HELM_DRIVER=secret|configmap`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StorageKind {
    Secret,
    ConfigMap,
}

impl StorageKind {
    fn kind(self) -> &'static str {
        match self {
            StorageKind::Secret => "Secret",
            StorageKind::ConfigMap => "ConfigMap",
        }
    }
}

/// Why a release cannot be stored or read from its object.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum StorageError {
    #[error(
        "release {name} revision {version} is too large to store: the encoded record is {size} \
         bytes, over the {limit}-byte (1 MiB) limit of a Kubernetes {kind}"
    )]
    TooLarge {
        name: String,
        version: i64,
        size: usize,
        limit: usize,
        kind: &'static str,
    },
    #[error("{0} has no release data")]
    MissingData(String),
    #[error("{object}: {source}")]
    Decode {
        object: String,
        #[source]
        source: DecodeError,
    },
}

/// The object name of a revision: `sh.helm.release.v1.NAME.vREVISION`.
pub fn storage_key(name: &str, version: i64) -> String {
    format!("sh.helm.release.v1.{name}.v{version}")
}

/// The Secret or ConfigMap holding `release`, ready to create or update. `extra_labels`
/// carries what the caller stamps (`createdAt` on create, `modifiedAt` on update, as Unix
/// seconds); the release's custom labels and Helm's `name`, `owner`, `status` and `version`
/// are added over them. Fails before anything is sent when the record is over the limit.
pub fn storage_object(
    release: &Release,
    kind: StorageKind,
    namespace: &str,
    extra_labels: &BTreeMap<String, String>,
) -> Result<Value, StorageError> {
    let encoded = codec::encode(release);
    if encoded.len() > MAX_OBJECT_SIZE {
        return Err(StorageError::TooLarge {
            name: release.name.clone(),
            version: release.version,
            size: encoded.len(),
            limit: MAX_OBJECT_SIZE,
            kind: kind.kind(),
        });
    }
    let mut labels = Map::new();
    for (k, v) in extra_labels.iter().chain(&release.labels) {
        labels.insert(k.clone(), Value::String(v.clone()));
    }
    let status = release.status();
    let system = [
        ("name", release.name.clone()),
        ("owner", "helm".to_string()),
        ("status", status.as_str().to_string()),
        ("version", release.version.to_string()),
    ];
    for (k, v) in system {
        labels.insert(k.to_string(), Value::String(v));
    }
    let mut metadata = Map::new();
    metadata.insert(
        "name".into(),
        storage_key(&release.name, release.version).into(),
    );
    if !namespace.is_empty() {
        metadata.insert("namespace".into(), namespace.into());
    }
    metadata.insert("labels".into(), Value::Object(labels));
    Ok(match kind {
        // A Secret's data is bytes, so the API carries the base64 text base64-encoded again.
        StorageKind::Secret => json!({
            "apiVersion": "v1",
            "kind": "Secret",
            "metadata": metadata,
            "type": SECRET_TYPE,
            "data": {"release": STANDARD.encode(encoded.as_bytes())},
        }),
        StorageKind::ConfigMap => json!({
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": metadata,
            "data": {"release": encoded},
        }),
    })
}

/// Reads the release out of a Secret or ConfigMap as the API returns it; the object's
/// labels other than Helm's own become the release's custom labels.
pub fn decode_storage_object(object: &Value) -> Result<Release, StorageError> {
    let name = object
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or("release object")
        .to_string();
    let data = object
        .pointer("/data/release")
        .and_then(Value::as_str)
        .ok_or_else(|| StorageError::MissingData(name.clone()))?;
    let is_secret = object.get("kind").and_then(Value::as_str) == Some("Secret");
    let decode_err = |source| StorageError::Decode {
        object: name.clone(),
        source,
    };
    let mut release = if is_secret {
        let text = STANDARD
            .decode(data.as_bytes())
            .map_err(|e| decode_err(DecodeError::Base64(e.to_string())))?;
        let text = String::from_utf8_lossy(&text);
        codec::decode(&text).map_err(decode_err)?
    } else {
        codec::decode(data).map_err(decode_err)?
    };
    if let Some(labels) = object
        .pointer("/metadata/labels")
        .and_then(Value::as_object)
    {
        release.labels = labels
            .iter()
            .filter(|(k, _)| !SYSTEM_LABELS.contains(&k.as_str()))
            .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
            .collect();
    }
    Ok(release)
}

/// The status a storage object's `status` label claims, without decoding the record.
pub fn label_status(object: &Value) -> Option<Status> {
    object
        .pointer("/metadata/labels/status")
        .and_then(Value::as_str)
        .map(Status::parse)
}
