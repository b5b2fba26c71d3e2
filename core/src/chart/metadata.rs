//! Chart.yaml (and requirements.yaml) into [`Metadata`], the way Helm unmarshals them:
//! sigs.k8s.io/yaml into Go structs (field names matched case-insensitively, scalars
//! converted to strings for string fields), then `Metadata.Validate`.

use std::collections::BTreeMap;

use super::{Dependency, LoadError, Maintainer, Metadata};
use crate::value::{Map, MapKind, Value};

fn load_err(msg: impl Into<String>) -> LoadError {
    LoadError {
        message: msg.into(),
        position: None,
    }
}

/// How sigs.k8s.io/yaml turns a scalar into a Go `string` field: numbers and booleans
/// are formatted, strings kept; anything else is a type error.
fn scalar_string(v: &Value, field: &str) -> Result<Option<String>, String> {
    Ok(Some(match v {
        Value::Nil => return Ok(None),
        Value::String(s) => s.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) | Value::Int64(i) => i.to_string(),
        Value::Uint(u) => u.to_string(),
        Value::Float(f) => format_float_field(*f),
        other => {
            return Err(format!(
                "json: cannot unmarshal {} into Go struct field {field} of type string",
                json_kind(other)
            ));
        }
    }))
}

/// go-yaml reads integers as ints (formatted in full) and other numbers as floats,
/// which sigs.k8s.io/yaml formats with `FormatFloat(f, 'g', -1, 32)`.
fn format_float_field(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e18 {
        return format!("{}", f as i64);
    }
    if f.is_nan() {
        return ".nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 {
            ".inf".into()
        } else {
            "-.inf".into()
        };
    }
    let g = f as f32;
    let abs = g.abs();
    if !(1e-4..1e21).contains(&abs) {
        // Go switches to exponent form; Rust's `{:e}` gives the same digits.
        let s = format!("{g:e}");
        if let Some((m, e)) = s.split_once('e') {
            let (sign, digits) = match e.strip_prefix('-') {
                Some(d) => ('-', d),
                None => ('+', e),
            };
            let digits = if digits.len() < 2 {
                format!("0{digits}")
            } else {
                digits.to_string()
            };
            return format!("{m}e{sign}{digits}");
        }
        return s;
    }
    format!("{g}")
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Nil => "null",
        Value::Bool(_) => "bool",
        Value::Int(_) | Value::Int64(_) | Value::Uint(_) | Value::Float(_) => "number",
        Value::String(_) | Value::Bytes(_) | Value::Object(_) => "string",
        Value::List(_) => "array",
        Value::Map(_) => "object",
    }
}

fn string_list(v: &Value, field: &str) -> Result<Vec<String>, String> {
    match v {
        Value::Nil => Ok(Vec::new()),
        Value::List(l) => {
            let mut out = Vec::with_capacity(l.items.len());
            for item in &l.items {
                out.push(scalar_string(item, field)?.unwrap_or_default());
            }
            Ok(out)
        }
        other => Err(format!(
            "json: cannot unmarshal {} into Go struct field {field} of type []string",
            json_kind(other)
        )),
    }
}

fn bool_field(v: &Value, field: &str) -> Result<bool, String> {
    match v {
        Value::Nil => Ok(false),
        Value::Bool(b) => Ok(*b),
        other => Err(format!(
            "json: cannot unmarshal {} into Go struct field {field} of type bool",
            json_kind(other)
        )),
    }
}

/// Entries of a YAML map keyed by the lower-cased key, as Go's case-insensitive JSON
/// field matching sees them (an exact-case key wins over a case-folded one).
fn fold_keys(m: &Map) -> BTreeMap<String, Value> {
    let mut out: BTreeMap<String, (bool, Value)> = BTreeMap::new();
    for (k, v) in m.entries() {
        let lower = k.to_lowercase();
        let exact = k == lower;
        match out.get(&lower) {
            Some((true, _)) if !exact => {}
            _ => {
                out.insert(lower, (exact, v));
            }
        }
    }
    out.into_iter().map(|(k, (_, v))| (k, v)).collect()
}

/// Metadata as unmarshaled, before validation (null list entries are kept so that
/// validation can reject them as Helm does).
#[derive(Default)]
pub(crate) struct RawMetadata {
    pub md: Metadata,
    pub maintainers: Vec<Option<Maintainer>>,
    pub dependencies: Vec<Option<Dependency>>,
}

/// Fills `raw` from a parsed Chart.yaml or requirements.yaml document (fields present in
/// the document overwrite, as a second `yaml.Unmarshal` into the same struct does).
pub(crate) fn apply_document(raw: &mut RawMetadata, doc: &Value) -> Result<(), String> {
    let md = &mut raw.md;
    let map = match doc {
        Value::Nil => return Ok(()),
        Value::Map(m) => m,
        other => {
            return Err(format!(
                "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {} into Go value of type v2.Metadata",
                json_kind(other)
            ));
        }
    };
    let wrap = |e: String| format!("error unmarshaling JSON: while decoding JSON: {e}");
    for (key, v) in fold_keys(map) {
        let s = |field: &str| scalar_string(&v, field).map_err(wrap);
        match key.as_str() {
            "name" => md.name = s("Metadata.name")?.unwrap_or_default(),
            "home" => md.home = s("Metadata.home")?,
            "sources" => md.sources = string_list(&v, "Metadata.sources").map_err(wrap)?,
            "version" => md.version = s("Metadata.version")?.unwrap_or_default(),
            "description" => md.description = s("Metadata.description")?,
            "keywords" => md.keywords = string_list(&v, "Metadata.keywords").map_err(wrap)?,
            "maintainers" => raw.maintainers = maintainers(&v).map_err(wrap)?,
            "icon" => md.icon = s("Metadata.icon")?,
            "apiversion" => md.api_version = s("Metadata.apiVersion")?.unwrap_or_default(),
            "condition" => md.condition = s("Metadata.condition")?,
            "tags" => md.tags = s("Metadata.tags")?,
            "appversion" => md.app_version = s("Metadata.appVersion")?,
            "deprecated" => md.deprecated = bool_field(&v, "Metadata.deprecated").map_err(wrap)?,
            "annotations" => md.annotations = annotations(&v).map_err(wrap)?,
            "kubeversion" => md.kube_version = s("Metadata.kubeVersion")?,
            "dependencies" => raw.dependencies = dependencies(&v).map_err(wrap)?,
            "type" => md.chart_type = s("Metadata.type")?,
            _ => {}
        }
    }
    Ok(())
}

/// A `[]*v2.T` field as encoding/json decodes it: null is empty, null elements stay nil,
/// anything but a list (or an element that is not an object) is Go's unmarshal error.
fn struct_list<T>(
    v: &Value,
    field: &str,
    go_type: &str,
    decode: impl Fn(&Map) -> Result<T, String>,
) -> Result<Vec<Option<T>>, String> {
    let unmarshal = |other: &Value, ty: &str| {
        format!(
            "json: cannot unmarshal {} into Go struct field Metadata.{field} of type {ty}",
            json_kind(other)
        )
    };
    let items = match v {
        Value::Nil => return Ok(Vec::new()),
        Value::List(l) => &l.items,
        other => return Err(unmarshal(other, &format!("[]*v2.{go_type}"))),
    };
    items
        .iter()
        .map(|item| match item {
            Value::Nil => Ok(None),
            Value::Map(m) => decode(m).map(Some),
            other => Err(unmarshal(other, &format!("v2.{go_type}"))),
        })
        .collect()
}

fn maintainers(v: &Value) -> Result<Vec<Option<Maintainer>>, String> {
    struct_list(v, "maintainers", "Maintainer", |m| {
        let mut mt = Maintainer::default();
        for (k, v) in fold_keys(m) {
            let s = |f: &str| scalar_string(&v, f);
            match k.as_str() {
                "name" => mt.name = s("Metadata.maintainers.name")?.unwrap_or_default(),
                "email" => mt.email = s("Metadata.maintainers.email")?,
                "url" => mt.url = s("Metadata.maintainers.url")?,
                _ => {}
            }
        }
        Ok(mt)
    })
}

fn annotations(v: &Value) -> Result<BTreeMap<String, String>, String> {
    match v {
        Value::Nil => Ok(BTreeMap::new()),
        Value::Map(m) => {
            let mut out = BTreeMap::new();
            for (k, v) in m.entries() {
                let s = scalar_string(&v, "Metadata.annotations")?.unwrap_or_default();
                out.insert(k, s);
            }
            Ok(out)
        }
        other => Err(format!(
            "json: cannot unmarshal {} into Go struct field Metadata.annotations of type map[string]string",
            json_kind(other)
        )),
    }
}

fn dependencies(v: &Value) -> Result<Vec<Option<Dependency>>, String> {
    struct_list(v, "dependencies", "Dependency", |m| {
        let mut d = Dependency::default();
        for (k, v) in fold_keys(m) {
            let s = |f: &str| scalar_string(&v, f);
            match k.as_str() {
                "name" => d.name = s("Metadata.dependencies.name")?.unwrap_or_default(),
                "version" => d.version = s("Metadata.dependencies.version")?,
                "repository" => d.repository = s("Metadata.dependencies.repository")?,
                "condition" => d.condition = s("Metadata.dependencies.condition")?,
                "tags" => d.tags = string_list(&v, "Metadata.dependencies.tags")?,
                "enabled" => d.enabled = bool_field(&v, "Metadata.dependencies.enabled")?,
                "import-values" => {
                    d.import_values = match &v {
                        Value::Nil => Vec::new(),
                        Value::List(l) => l.items.clone(),
                        other => {
                            return Err(format!(
                                "json: cannot unmarshal {} into Go struct field Dependency.dependencies.import-values of type []interface {{}}",
                                json_kind(other)
                            ));
                        }
                    }
                }
                "alias" => d.alias = s("Metadata.dependencies.alias")?,
                _ => {}
            }
        }
        Ok(d)
    })
}

/// Go's `unicode.IsSpace` → space, drop non-printable runes (Helm's `sanitizeString`).
pub(crate) fn sanitize(s: &str) -> String {
    s.chars()
        .filter_map(|c| {
            if c.is_whitespace() {
                Some(' ')
            } else if c.is_control() || matches!(c, '\u{200b}'..='\u{200f}' | '\u{feff}') {
                None
            } else {
                Some(c)
            }
        })
        .collect()
}

fn sanitize_opt(s: &mut Option<String>) {
    if let Some(v) = s {
        *v = sanitize(v);
    }
}

/// Helm's `Metadata.Validate` (with its sanitizing side effects).
pub(crate) fn validate(raw: &mut RawMetadata) -> Result<(), LoadError> {
    let md = &mut raw.md;
    let raw_maintainers = &raw.maintainers;
    let raw_deps = &raw.dependencies;
    let verr = |m: String| load_err(format!("validation: {m}"));
    md.name = sanitize(&md.name);
    sanitize_opt(&mut md.description);
    sanitize_opt(&mut md.home);
    sanitize_opt(&mut md.icon);
    sanitize_opt(&mut md.condition);
    sanitize_opt(&mut md.tags);
    sanitize_opt(&mut md.app_version);
    sanitize_opt(&mut md.kube_version);
    for s in md.sources.iter_mut().chain(md.keywords.iter_mut()) {
        *s = sanitize(s);
    }
    if md.api_version.is_empty() {
        return Err(verr("chart.metadata.apiVersion is required".into()));
    }
    if md.name.is_empty() {
        return Err(verr("chart.metadata.name is required".into()));
    }
    if md.name == "." || md.name == ".." {
        return Err(verr(format!(
            "chart.metadata.name {:?} is not allowed",
            md.name
        )));
    }
    if md.name.contains('/') {
        return Err(verr(format!(
            "chart.metadata.name {:?} is invalid",
            md.name
        )));
    }
    if md.version.is_empty() {
        return Err(verr("chart.metadata.version is required".into()));
    }
    if !is_valid_semver(&md.version) {
        return Err(verr(format!(
            "chart.metadata.version {:?} is invalid",
            md.version
        )));
    }
    match md.chart_type.as_deref() {
        None | Some("") | Some("application") | Some("library") => {}
        Some(_) => {
            return Err(verr(
                "chart.metadata.type must be application or library".into(),
            ));
        }
    }
    md.maintainers.clear();
    for m in raw_maintainers {
        match m {
            None => {
                return Err(verr(
                    "maintainers must not contain empty or null nodes".into(),
                ));
            }
            Some(m) => {
                let mut m = m.clone();
                m.name = sanitize(&m.name);
                sanitize_opt(&mut m.email);
                sanitize_opt(&mut m.url);
                md.maintainers.push(m);
            }
        }
    }
    md.dependencies.clear();
    let mut seen = std::collections::BTreeSet::new();
    for d in raw_deps {
        let Some(d) = d else {
            return Err(verr(
                "dependencies must not contain empty or null nodes".into(),
            ));
        };
        let mut d = d.clone();
        d.name = sanitize(&d.name);
        sanitize_opt(&mut d.version);
        sanitize_opt(&mut d.repository);
        sanitize_opt(&mut d.condition);
        for t in d.tags.iter_mut() {
            *t = sanitize(t);
        }
        if let Some(alias) = d.alias.as_deref().filter(|a| !a.is_empty())
            && !alias
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            return Err(verr(format!(
                "dependency {:?} has disallowed characters in the alias",
                d.name
            )));
        }
        let key = match d.alias.as_deref() {
            Some(a) if !a.is_empty() => a.to_string(),
            _ => d.name.clone(),
        };
        if !seen.insert(key.clone()) {
            return Err(verr(format!(
                "more than one dependency with name or alias {key:?}"
            )));
        }
        md.dependencies.push(d);
    }
    Ok(())
}

/// Masterminds/semver v3 `NewVersion`: `v`-prefix allowed, minor and patch optional,
/// pre-release and build metadata; numeric pre-release parts without leading zeros.
pub fn is_valid_semver(v: &str) -> bool {
    let s = v.strip_prefix('v').unwrap_or(v);
    let (core, build) = match s.split_once('+') {
        Some((c, b)) => (c, Some(b)),
        None => (s, None),
    };
    let (nums, pre) = match core.split_once('-') {
        Some((n, p)) => (n, Some(p)),
        None => (core, None),
    };
    let parts: Vec<&str> = nums.split('.').collect();
    if parts.is_empty() || parts.len() > 3 {
        return false;
    }
    if !parts
        .iter()
        .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) && p.parse::<u64>().is_ok())
    {
        return false;
    }
    let ident_ok = |ids: &str, check_zero: bool| {
        ids.split('.').all(|id| {
            !id.is_empty()
                && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !(check_zero
                    && id.len() > 1
                    && id.starts_with('0')
                    && id.bytes().all(|b| b.is_ascii_digit()))
        })
    };
    if let Some(p) = pre
        && !ident_ok(p, true)
    {
        return false;
    }
    if let Some(b) = build
        && !ident_ok(b, false)
    {
        return false;
    }
    true
}

/// `.Chart`: the metadata as Helm's `structToMap` gives it (Go field names; slices
/// become `[]interface {}`, never nil), plus `IsRoot`.
pub fn metadata_value(md: &Metadata, is_root: bool) -> Value {
    let m = Map::new();
    let s = |o: &Option<String>| Value::str(o.as_deref().unwrap_or(""));
    let strs = |v: &[String]| Value::list(v.iter().map(|x| Value::str(x)).collect());
    m.insert("Name", Value::str(&md.name));
    m.insert("Home", s(&md.home));
    m.insert("Sources", strs(&md.sources));
    m.insert("Version", Value::str(&md.version));
    m.insert("Description", s(&md.description));
    m.insert("Keywords", strs(&md.keywords));
    m.insert(
        "Maintainers",
        Value::list(
            md.maintainers
                .iter()
                .map(|mt| {
                    let e = Map::new();
                    e.insert("Name", Value::str(&mt.name));
                    e.insert("Email", s(&mt.email));
                    e.insert("URL", s(&mt.url));
                    Value::Map(e)
                })
                .collect(),
        ),
    );
    m.insert("Icon", s(&md.icon));
    m.insert("APIVersion", Value::str(&md.api_version));
    m.insert("Condition", s(&md.condition));
    m.insert("Tags", s(&md.tags));
    m.insert("AppVersion", s(&md.app_version));
    m.insert("Deprecated", Value::Bool(md.deprecated));
    // Go leaves the map nil when Chart.yaml has no annotations (`toYaml .Chart` shows null).
    let ann = if md.annotations.is_empty() {
        Map::nil_of(MapKind::String)
    } else {
        Map::with_kind(MapKind::String)
    };
    for (k, v) in &md.annotations {
        ann.insert(k.clone(), Value::str(v));
    }
    m.insert("Annotations", Value::Map(ann));
    m.insert("KubeVersion", s(&md.kube_version));
    m.insert(
        "Dependencies",
        Value::list(md.dependencies.iter().map(dependency_value).collect()),
    );
    m.insert("Type", s(&md.chart_type));
    m.insert("IsRoot", Value::Bool(is_root));
    Value::Map(m)
}

fn dependency_value(d: &Dependency) -> Value {
    let s = |o: &Option<String>| Value::str(o.as_deref().unwrap_or(""));
    let e = Map::new();
    e.insert("Name", Value::str(&d.name));
    e.insert("Version", s(&d.version));
    e.insert("Repository", s(&d.repository));
    e.insert("Condition", s(&d.condition));
    e.insert(
        "Tags",
        Value::list(d.tags.iter().map(|t| Value::str(t)).collect()),
    );
    e.insert("Enabled", Value::Bool(d.enabled));
    e.insert("ImportValues", Value::list(d.import_values.clone()));
    e.insert("Alias", s(&d.alias));
    Value::Map(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn semver_rules() {
        for ok in [
            "1",
            "1.2",
            "1.2.3",
            "v1.2.3",
            "1.2.3-rc.1+meta",
            "0.1.0-alpha.0",
        ] {
            assert!(is_valid_semver(ok), "{ok}");
        }
        for bad in ["not-semver", "", "1.2.3.4", "1.2.3-01", "1..2", "a.b.c"] {
            assert!(!is_valid_semver(bad), "{bad}");
        }
    }

    #[test]
    fn float_fields() {
        assert_eq!(format_float_field(1.1), "1.1");
        assert_eq!(format_float_field(1.0), "1");
        assert_eq!(format_float_field(2.10), "2.1");
    }
}
