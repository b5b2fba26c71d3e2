//! Three-way merge math for upgrading live objects the way Helm's client-side apply does:
//! a patch computed from the object as the previous release rendered it (`original`), as the
//! new release renders it (`modified`) and as it is in the cluster (`current`), so that
//! changes the chart made are applied, fields the chart dropped are removed, and drift in
//! fields the chart sets is repaired — while fields others added are left alone.
//!
//! Built-in kinds get a strategic merge patch (lists merged by key, see [`schema`]);
//! custom resources (and CRDs) get an RFC 7386 JSON merge patch, as Helm chooses.

mod merge;
pub mod schema;
mod strategic;

pub use merge::{apply_merge_patch, create_merge_patch, three_way_merge_patch};
pub use strategic::{apply_strategic_patch, three_way_strategic_patch};

use serde_json::Value;

/// The content type a patch is sent with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatchType {
    /// `application/strategic-merge-patch+json`
    Strategic,
    /// `application/merge-patch+json`
    Merge,
}

impl PatchType {
    /// The HTTP content type of a PATCH request carrying this patch.
    pub fn content_type(self) -> &'static str {
        match self {
            PatchType::Strategic => "application/strategic-merge-patch+json",
            PatchType::Merge => "application/merge-patch+json",
        }
    }
}

/// Why no patch could be made or applied.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PatchError {
    #[error(
        "precondition failed for: {0}: at least one field was changed: apiVersion, kind or name"
    )]
    PreconditionFailed(String),
    #[error("map: {0} does not contain declared merge key: {1}")]
    MissingMergeKey(String, String),
    #[error("invalid patch: {0}")]
    BadPatch(String),
    #[error("objects nest deeper than {0} levels")]
    TooDeep(usize),
}

/// Deeper nesting than any Kubernetes object has; bounds the recursion.
pub(crate) const MAX_DEPTH: usize = 200;

/// The three-way patch Helm sends when upgrading an object with client-side apply: strategic
/// for kinds the API server knows natively, JSON merge patch for everything else. A `current`
/// of `Value::Null` means the object is not in the cluster.
pub fn three_way_patch(
    original: &Value,
    modified: &Value,
    current: &Value,
) -> Result<(Value, PatchType), PatchError> {
    let api_version = str_field(modified, "apiVersion");
    let kind = str_field(modified, "kind");
    if schema::is_builtin(api_version, kind) {
        let patch = three_way_strategic_patch(original, modified, current, kind)?;
        Ok((patch, PatchType::Strategic))
    } else {
        Ok((
            three_way_merge_patch(original, modified, current)?,
            PatchType::Merge,
        ))
    }
}

/// Whether a patch changes nothing (Helm skips sending those).
pub fn is_empty_patch(patch: &Value) -> bool {
    patch.as_object().is_none_or(|m| m.is_empty())
}

fn str_field<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

#[cfg(test)]
mod tests;
