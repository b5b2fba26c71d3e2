//! `helm get`: a stored revision and what it holds (values, manifest, notes, hooks,
//! metadata).

use super::{Configuration, Error};
use capstan_core::release::{Release, validate_release_name};

/// Helm's `releaseContent`: revision `version` of `name`, or the newest when 0.
pub async fn release_content(
    cfg: &Configuration,
    name: &str,
    version: i64,
) -> Result<Release, Error> {
    if validate_release_name(name).is_err() {
        return Err(Error::Other(format!(
            "releaseContent: Release name is invalid: {name}"
        )));
    }
    if version <= 0 {
        Ok(cfg.storage.last(name).await?)
    } else {
        Ok(cfg.storage.get(name, version).await?)
    }
}

/// `helm get metadata`'s record, fields in Helm's order.
pub fn metadata(rel: &Release) -> serde_json::Value {
    let meta = rel
        .chart
        .as_ref()
        .and_then(|c| c.metadata.clone())
        .unwrap_or_default();
    let info = rel.info.clone().unwrap_or_default();
    let mut m = serde_json::Map::new();
    m.insert("name".into(), rel.name.clone().into());
    m.insert("chart".into(), meta.name.clone().into());
    m.insert("version".into(), meta.version.clone().into());
    m.insert("appVersion".into(), meta.app_version.clone().into());
    if !meta.annotations.is_empty() {
        m.insert(
            "annotations".into(),
            serde_json::to_value(&meta.annotations).unwrap_or_default(),
        );
    }
    if !rel.labels.is_empty() {
        m.insert(
            "labels".into(),
            serde_json::to_value(&rel.labels).unwrap_or_default(),
        );
    }
    if !meta.dependencies.is_empty() {
        m.insert(
            "dependencies".into(),
            serde_json::to_value(&meta.dependencies).unwrap_or_default(),
        );
    }
    m.insert("namespace".into(), rel.namespace.clone().into());
    m.insert("revision".into(), rel.version.into());
    m.insert("status".into(), info.status.to_string().into());
    // Go formats the deploy time as RFC 3339 (seconds, the record's own offset).
    let deployed = info
        .last_deployed
        .as_deref()
        .map(rfc3339_seconds)
        .unwrap_or_else(|| "0001-01-01T00:00:00Z".to_string());
    m.insert("deployedAt".into(), deployed.into());
    if !rel.apply_method.is_empty() {
        m.insert("applyMethod".into(), rel.apply_method.clone().into());
    }
    serde_json::Value::Object(m)
}

/// An RFC 3339 time with its fraction dropped.
fn rfc3339_seconds(t: &str) -> String {
    match (t.find('.'), t.get(19..)) {
        (Some(dot), _) if dot == 19 => {
            let rest = &t[dot..];
            let end = rest.find(['Z', '+', '-']).unwrap_or(rest.len());
            format!("{}{}", &t[..19], &rest[end..])
        }
        _ => t.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn drops_fraction() {
        assert_eq!(
            super::rfc3339_seconds("2024-01-02T03:04:05.123Z"),
            "2024-01-02T03:04:05Z"
        );
        assert_eq!(
            super::rfc3339_seconds("2024-01-02T03:04:05.1+01:00"),
            "2024-01-02T03:04:05+01:00"
        );
    }
}
