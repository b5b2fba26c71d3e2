//! The chart as Helm serialises it inside a release record (`pkg/chart/v2.Chart`): metadata,
//! lock, templates and files with base64 contents, default values and schema. Dependencies
//! are not part of the record (Helm does not serialise them).

use super::{GO_ZERO_TIME, null_as_default};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::BTreeMap;

/// The chart part of a release record.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ChartRecord {
    #[serde(default)]
    pub metadata: Option<ChartMetadata>,
    #[serde(default)]
    pub lock: Option<ChartLock>,
    /// Go writes a nil list as `null`, so absence is kept apart from an empty list.
    #[serde(default)]
    pub templates: Option<Vec<ChartFile>>,
    /// The chart's own values.yaml, as JSON.
    #[serde(default, serialize_with = "super::codec::sorted_opt_map")]
    pub values: Option<serde_json::Map<String, serde_json::Value>>,
    /// values.schema.json, if the chart has one.
    #[serde(default, with = "opt_bytes")]
    pub schema: Option<Vec<u8>>,
    /// Go writes this zero time even when there is no schema.
    #[serde(default = "zero_time", deserialize_with = "time_or_zero")]
    pub schemamodtime: String,
    #[serde(default)]
    pub files: Option<Vec<ChartFile>>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "super::go_time"
    )]
    pub modtime: Option<String>,
}

/// A file of the chart: a template or any other file (`pkg/chart/common.File`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ChartFile {
    #[serde(default)]
    pub name: String,
    #[serde(default, with = "bytes")]
    pub data: Vec<u8>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "super::go_time"
    )]
    pub modtime: Option<String>,
}

/// Chart.yaml as JSON (`pkg/chart/v2.Metadata`), fields in Helm's order.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChartMetadata {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub home: String,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "null_as_default"
    )]
    pub sources: Vec<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub version: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "null_as_default"
    )]
    pub keywords: Vec<String>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "null_as_default"
    )]
    pub maintainers: Vec<ChartMaintainer>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub icon: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub api_version: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub condition: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub tags: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub app_version: String,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub deprecated: bool,
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "null_as_default"
    )]
    pub annotations: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub kube_version: String,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "null_as_default"
    )]
    pub dependencies: Vec<ChartDependency>,
    #[serde(default, rename = "type", skip_serializing_if = "String::is_empty")]
    pub chart_type: String,
}

/// A maintainer in Chart.yaml.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ChartMaintainer {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub email: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub url: String,
}

/// A dependency in Chart.yaml or Chart.lock (`pkg/chart/v2.Dependency`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ChartDependency {
    #[serde(default)]
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub version: String,
    #[serde(default)]
    pub repository: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub condition: String,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "null_as_default"
    )]
    pub tags: Vec<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub enabled: bool,
    #[serde(
        default,
        rename = "import-values",
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "null_as_default"
    )]
    pub import_values: Vec<serde_json::Value>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub alias: String,
}

/// Chart.lock (`pkg/chart/v2.Lock`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ChartLock {
    #[serde(default = "zero_time", deserialize_with = "time_or_zero")]
    pub generated: String,
    #[serde(default)]
    pub digest: String,
    #[serde(default)]
    pub dependencies: Option<Vec<ChartDependency>>,
}

fn zero_time() -> String {
    GO_ZERO_TIME.to_string()
}

fn time_or_zero<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(super::go_time(d)?.unwrap_or_else(zero_time))
}

/// Go's `[]byte` in JSON: a standard base64 string.
mod bytes {
    use super::*;

    pub fn serialize<S: Serializer>(data: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&STANDARD.encode(data))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        Ok(opt_bytes::deserialize(d)?.unwrap_or_default())
    }
}

/// Go's `[]byte` that may be nil (`null`).
mod opt_bytes {
    use super::*;

    pub fn serialize<S: Serializer>(data: &Option<Vec<u8>>, s: S) -> Result<S::Ok, S::Error> {
        match data {
            Some(d) => s.serialize_str(&STANDARD.encode(d)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<u8>>, D::Error> {
        let text: Option<String> = Option::deserialize(d)?;
        text.map(|t| {
            STANDARD
                .decode(t.as_bytes())
                .map_err(serde::de::Error::custom)
        })
        .transpose()
    }
}

impl ChartRecord {
    /// The record of a loaded chart, as Helm stores it with a release. File times are
    /// left zero: the host knows them, the pure core does not.
    pub fn from_chart(chart: &crate::chart::Chart) -> ChartRecord {
        let m = &chart.metadata;
        let text = |s: &Option<String>| s.clone().unwrap_or_default();
        let dependency = |d: &crate::chart::Dependency| ChartDependency {
            name: d.name.clone(),
            version: text(&d.version),
            repository: text(&d.repository),
            condition: text(&d.condition),
            tags: d.tags.clone(),
            enabled: d.enabled,
            import_values: d.import_values.iter().map(|v| v.to_json()).collect(),
            alias: text(&d.alias),
        };
        let metadata = ChartMetadata {
            name: m.name.clone(),
            home: text(&m.home),
            sources: m.sources.clone(),
            version: m.version.clone(),
            description: text(&m.description),
            keywords: m.keywords.clone(),
            maintainers: m
                .maintainers
                .iter()
                .map(|x| ChartMaintainer {
                    name: x.name.clone(),
                    email: text(&x.email),
                    url: text(&x.url),
                })
                .collect(),
            icon: text(&m.icon),
            api_version: m.api_version.clone(),
            condition: text(&m.condition),
            tags: text(&m.tags),
            app_version: text(&m.app_version),
            deprecated: m.deprecated,
            annotations: m.annotations.clone(),
            kube_version: text(&m.kube_version),
            dependencies: m.dependencies.iter().map(dependency).collect(),
            chart_type: text(&m.chart_type),
        };
        let record_file = |f: &crate::chart::File| ChartFile {
            name: f.name.clone(),
            data: f.data.clone(),
            modtime: None,
        };
        // Helm keeps the schema and the lock file in their own fields, and the CRDs among
        // the plain files.
        let mut files: Vec<ChartFile> = chart
            .files
            .iter()
            .chain(&chart.crds)
            .filter(|f| {
                !matches!(
                    f.name.as_str(),
                    "values.schema.json" | "Chart.lock" | "requirements.lock"
                )
            })
            .map(record_file)
            .collect();
        files.sort_by(|a, b| a.name.cmp(&b.name));
        files.dedup_by(|a, b| a.name == b.name);
        let lock = chart.lock.as_ref().and_then(|bytes| {
            let parsed = crate::yaml::parse(&String::from_utf8_lossy(bytes)).ok()?;
            serde_json::from_value(parsed.to_json()).ok()
        });
        let values = match crate::value::Value::Map(chart.values.clone()).to_json() {
            serde_json::Value::Object(o) => o,
            _ => serde_json::Map::new(),
        };
        ChartRecord {
            metadata: Some(metadata),
            lock,
            templates: Some(chart.templates.iter().map(record_file).collect()),
            values: Some(values),
            schema: chart.schema.clone(),
            schemamodtime: zero_time(),
            files: Some(files),
            modtime: None,
        }
    }
}
