//! The Go structs Helm hands to templates: `.Capabilities` (with `KubeVersion`,
//! `APIVersions`, `HelmVersion`) and `.Files`.

use std::any::Any;
use std::collections::BTreeMap;
use std::rc::Rc;

use base64::Engine as _;

use super::glob::Glob;
use crate::funcs::ParamType;
use crate::value::{ListKind, Map, MapKind, MethodSig, Object, Value};

/// The API versions Helm 4.2's SDK reports without a cluster, in its order.
pub const DEFAULT_API_VERSIONS: &[&str] = &[
    "v1",
    "admissionregistration.k8s.io/v1",
    "admissionregistration.k8s.io/v1alpha1",
    "admissionregistration.k8s.io/v1beta1",
    "internal.apiserver.k8s.io/v1alpha1",
    "apps/v1",
    "apps/v1beta1",
    "apps/v1beta2",
    "authentication.k8s.io/v1",
    "authentication.k8s.io/v1alpha1",
    "authentication.k8s.io/v1beta1",
    "authorization.k8s.io/v1",
    "authorization.k8s.io/v1beta1",
    "autoscaling/v1",
    "autoscaling/v2",
    "batch/v1",
    "batch/v1beta1",
    "certificates.k8s.io/v1",
    "certificates.k8s.io/v1beta1",
    "certificates.k8s.io/v1alpha1",
    "coordination.k8s.io/v1alpha2",
    "coordination.k8s.io/v1beta1",
    "coordination.k8s.io/v1",
    "discovery.k8s.io/v1",
    "discovery.k8s.io/v1beta1",
    "events.k8s.io/v1",
    "events.k8s.io/v1beta1",
    "extensions/v1beta1",
    "flowcontrol.apiserver.k8s.io/v1",
    "flowcontrol.apiserver.k8s.io/v1beta1",
    "flowcontrol.apiserver.k8s.io/v1beta2",
    "flowcontrol.apiserver.k8s.io/v1beta3",
    "networking.k8s.io/v1",
    "networking.k8s.io/v1beta1",
    "node.k8s.io/v1",
    "node.k8s.io/v1alpha1",
    "node.k8s.io/v1beta1",
    "policy/v1",
    "policy/v1beta1",
    "rbac.authorization.k8s.io/v1",
    "rbac.authorization.k8s.io/v1beta1",
    "rbac.authorization.k8s.io/v1alpha1",
    "resource.k8s.io/v1",
    "resource.k8s.io/v1beta2",
    "resource.k8s.io/v1beta1",
    "resource.k8s.io/v1alpha3",
    "scheduling.k8s.io/v1alpha2",
    "scheduling.k8s.io/v1beta1",
    "scheduling.k8s.io/v1",
    "storage.k8s.io/v1beta1",
    "storage.k8s.io/v1",
    "storage.k8s.io/v1alpha1",
    "storagemigration.k8s.io/v1beta1",
    "apiextensions.k8s.io/v1beta1",
    "apiextensions.k8s.io/v1",
];

/// The Kubernetes version Helm 4.2's SDK assumes without a cluster.
pub const DEFAULT_KUBE_VERSION: &str = "v1.36.0";

const SIG_STRING: MethodSig = MethodSig {
    params: &[ParamType::String],
    variadic: None,
};
const SIG_NONE: MethodSig = MethodSig {
    params: &[],
    variadic: None,
};

/// `common.KubeVersion`.
#[derive(Clone, Debug)]
pub struct KubeVersion {
    /// As given (`v` added): `GitVersion` and `.Version`.
    pub version: String,
    /// `v` + the parsed version, what `String()` prints and constraints check.
    pub normalized: String,
    pub major: String,
    pub minor: String,
}

impl KubeVersion {
    /// Helm's `ParseKubeVersion` (k8s `ParseGeneric`: `[v]X.Y[.Z][-pre][+build]`).
    pub fn parse(version: &str) -> Result<KubeVersion, String> {
        let trimmed = version.trim();
        let s = trimmed.strip_prefix('v').unwrap_or(trimmed);
        let end = s.find(['-', '+']).unwrap_or(s.len());
        let (nums, extra) = s.split_at(end);
        let parts: Vec<&str> = nums.split('.').collect();
        let valid = (2..=3).contains(&parts.len())
            && parts
                .iter()
                .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
        if !valid || trimmed.is_empty() {
            return Err(format!("could not parse {version:?} as version"));
        }
        let _ = extra;
        let n: Vec<u64> = parts.iter().map(|p| p.parse().unwrap_or(0)).collect();
        let joined: Vec<String> = n.iter().map(u64::to_string).collect();
        let version_out = if version.starts_with('v') {
            version.to_string()
        } else {
            format!("v{version}")
        };
        Ok(KubeVersion {
            version: version_out,
            normalized: format!("v{}", joined.join(".")),
            major: n[0].to_string(),
            minor: n[1].to_string(),
        })
    }
}

impl Object for KubeVersion {
    fn type_name(&self) -> &str {
        "common.KubeVersion"
    }
    fn field(&self, name: &str) -> Option<Value> {
        match name {
            "Version" => Some(Value::str(&self.version)),
            "Major" => Some(Value::str(&self.major)),
            "Minor" => Some(Value::str(&self.minor)),
            _ => None,
        }
    }
    fn method(&self, name: &str) -> Option<MethodSig> {
        matches!(name, "String" | "GitVersion").then_some(SIG_NONE)
    }
    fn call_method(&self, name: &str, _args: &[Value]) -> Result<Value, String> {
        match name {
            "String" => Ok(Value::str(&self.normalized)),
            "GitVersion" => Ok(Value::str(&self.version)),
            _ => Err(format!("can't call method {name}")),
        }
    }
    fn format_v(&self) -> String {
        format!(
            "{{{} {} {} {}}}",
            self.version, self.normalized, self.major, self.minor
        )
    }
    fn format_plus_v(&self) -> Option<String> {
        Some(format!(
            "{{Version:{} normalizedVersion:{} Major:{} Minor:{}}}",
            self.version, self.normalized, self.major, self.minor
        ))
    }
    fn template_string(&self) -> Option<String> {
        Some(self.normalized.clone())
    }
    fn marshal_json(&self) -> Option<Value> {
        let m = Map::new();
        m.insert("Version", Value::str(&self.version));
        m.insert("Major", Value::str(&self.major));
        m.insert("Minor", Value::str(&self.minor));
        Some(Value::Map(m))
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// `common.VersionSet`: a `[]string` with a `Has` method.
#[derive(Clone, Debug)]
pub struct VersionSet(pub Vec<String>);

impl Object for VersionSet {
    fn type_name(&self) -> &str {
        "common.VersionSet"
    }
    fn kind(&self) -> &str {
        "slice"
    }
    fn method(&self, name: &str) -> Option<MethodSig> {
        (name == "Has").then_some(SIG_STRING)
    }
    fn call_method(&self, name: &str, args: &[Value]) -> Result<Value, String> {
        match name {
            "Has" => {
                let want = args.first().and_then(Value::as_str).unwrap_or("");
                Ok(Value::Bool(self.0.iter().any(|v| v == want)))
            }
            _ => Err(format!("can't call method {name}")),
        }
    }
    fn format_v(&self) -> String {
        format!("[{}]", self.0.join(" "))
    }
    fn as_value(&self) -> Option<Value> {
        Some(Value::typed_list(
            ListKind::String,
            self.0.iter().map(|s| Value::str(s)).collect(),
        ))
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// Helm's `version.BuildInfo` as the SDK reports it.
#[derive(Clone, Debug)]
pub struct HelmVersion;

const HELM_VERSION: &str = "v4.2";
const HELM_GO_VERSION: &str = "go1.26.6";
const HELM_KUBE_CLIENT_VERSION: &str = "v1.36";

impl Object for HelmVersion {
    fn type_name(&self) -> &str {
        "version.BuildInfo"
    }
    fn field(&self, name: &str) -> Option<Value> {
        Some(Value::str(match name {
            "Version" => HELM_VERSION,
            "GitCommit" | "GitTreeState" => "",
            "GoVersion" => HELM_GO_VERSION,
            "KubeClientVersion" => HELM_KUBE_CLIENT_VERSION,
            _ => return None,
        }))
    }
    fn format_v(&self) -> String {
        format!("{{{HELM_VERSION}   {HELM_GO_VERSION} {HELM_KUBE_CLIENT_VERSION}}}")
    }
    fn format_plus_v(&self) -> Option<String> {
        Some(format!(
            "{{Version:{HELM_VERSION} GitCommit: GitTreeState: GoVersion:{HELM_GO_VERSION} KubeClientVersion:{HELM_KUBE_CLIENT_VERSION}}}"
        ))
    }
    fn marshal_json(&self) -> Option<Value> {
        // What encoding/json sees: the struct's JSON names, empty omitempty fields dropped.
        let m = Map::new();
        m.insert("version", Value::str(HELM_VERSION));
        m.insert("go_version", Value::str(HELM_GO_VERSION));
        m.insert("kube_client_version", Value::str(HELM_KUBE_CLIENT_VERSION));
        Some(Value::Map(m))
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// `*common.Capabilities`.
pub struct Capabilities {
    pub kube_version: Rc<KubeVersion>,
    pub api_versions: Rc<VersionSet>,
}

impl Capabilities {
    /// Helm's defaults for `helm template`, with `--kube-version` and `--api-versions`.
    pub fn new(kube_version: Option<&str>, extra_apis: &[String]) -> Result<Capabilities, String> {
        let kv = match kube_version {
            Some(v) => KubeVersion::parse(v)?,
            None => KubeVersion::parse(DEFAULT_KUBE_VERSION)?,
        };
        let mut apis: Vec<String> = DEFAULT_API_VERSIONS.iter().map(|s| s.to_string()).collect();
        apis.extend(extra_apis.iter().cloned());
        Ok(Capabilities {
            kube_version: Rc::new(kv),
            api_versions: Rc::new(VersionSet(apis)),
        })
    }
}

impl Object for Capabilities {
    fn type_name(&self) -> &str {
        "*common.Capabilities"
    }
    fn field(&self, name: &str) -> Option<Value> {
        match name {
            "KubeVersion" => Some(Value::Object(self.kube_version.clone())),
            "APIVersions" => Some(Value::Object(self.api_versions.clone())),
            "HelmVersion" => Some(Value::Object(Rc::new(HelmVersion))),
            _ => None,
        }
    }
    fn format_v(&self) -> String {
        format!(
            "&{{{{{} {} {} {}}} {} {}}}",
            self.kube_version.version,
            self.kube_version.normalized,
            self.kube_version.major,
            self.kube_version.minor,
            self.api_versions.format_v(),
            HelmVersion.format_v()
        )
    }
    fn format_plus_v(&self) -> Option<String> {
        Some(format!(
            "&{{KubeVersion:{} APIVersions:{} HelmVersion:{}}}",
            self.kube_version.format_plus_v()?,
            self.api_versions.format_v(),
            HelmVersion.format_plus_v()?
        ))
    }
    fn marshal_json(&self) -> Option<Value> {
        let m = Map::new();
        m.insert("KubeVersion", self.kube_version.marshal_json()?);
        m.insert("APIVersions", self.api_versions.as_value()?);
        m.insert("HelmVersion", HelmVersion.marshal_json()?);
        Some(Value::Map(m))
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// `engine.files`: a chart's non-template files by path (`map[string][]byte`).
pub struct Files(pub BTreeMap<String, Rc<[u8]>>);

impl Files {
    fn get_bytes(&self, name: &str) -> Rc<[u8]> {
        self.0
            .get(name)
            .cloned()
            .unwrap_or_else(|| Rc::from(&[][..]))
    }

    /// `Glob`: gobwas/glob with `/` as separator; an invalid pattern matches everything.
    fn glob(&self, pattern: &str) -> Files {
        let g = Glob::compile(pattern).unwrap_or_else(Glob::everything);
        Files(
            self.0
                .iter()
                .filter(|(k, _)| g.is_match(k))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        )
    }

    fn config_map(&self, encode: bool) -> Result<Value, String> {
        let m = Map::new();
        for (k, v) in &self.0 {
            let base = k.rsplit('/').next().unwrap_or(k);
            let s = if encode {
                base64::engine::general_purpose::STANDARD.encode(v)
            } else {
                String::from_utf8_lossy(v).into_owned()
            };
            m.insert(base, Value::string(s));
        }
        // Helm's toYAML: the YAML without its trailing newline; errors give "".
        let yaml = crate::yaml::to_yaml(&Value::Map(m)).unwrap_or_default();
        Ok(Value::string(
            yaml.strip_suffix('\n').unwrap_or(&yaml).to_string(),
        ))
    }
}

impl Object for Files {
    fn type_name(&self) -> &str {
        "engine.files"
    }
    fn kind(&self) -> &str {
        "map"
    }
    fn method(&self, name: &str) -> Option<MethodSig> {
        match name {
            "Get" | "GetBytes" | "Glob" | "Lines" => Some(SIG_STRING),
            "AsConfig" | "AsSecrets" => Some(SIG_NONE),
            _ => None,
        }
    }
    fn call_method(&self, name: &str, args: &[Value]) -> Result<Value, String> {
        let arg = args.first().and_then(Value::as_str).unwrap_or("");
        match name {
            "Get" => Ok(Value::string(
                String::from_utf8_lossy(&self.get_bytes(arg)).into_owned(),
            )),
            "GetBytes" => Ok(Value::Bytes(self.get_bytes(arg))),
            "Glob" => Ok(Value::Object(Rc::new(self.glob(arg)))),
            "Lines" => {
                let Some(data) = self.0.get(arg) else {
                    return Ok(Value::typed_list(ListKind::String, Vec::new()));
                };
                if data.is_empty() {
                    // Helm 4.2.3 checks only for a missing file, then indexes the last
                    // byte of an empty one: Go's panic, recovered by the template engine.
                    return Err("runtime error: index out of range [-1]".into());
                }
                let s = String::from_utf8_lossy(data);
                let s = s.strip_suffix('\n').unwrap_or(&s);
                Ok(Value::typed_list(
                    ListKind::String,
                    s.split('\n').map(Value::str).collect(),
                ))
            }
            "AsConfig" => self.config_map(false),
            "AsSecrets" => self.config_map(true),
            _ => Err(format!("can't call method {name}")),
        }
    }
    fn format_v(&self) -> String {
        let mut out = String::from("map[");
        for (i, (k, v)) in self.0.iter().enumerate() {
            if i > 0 {
                out.push(' ');
            }
            out.push_str(k);
            out.push_str(":[");
            let bytes: Vec<String> = v.iter().map(|b| b.to_string()).collect();
            out.push_str(&bytes.join(" "));
            out.push(']');
        }
        out.push(']');
        out
    }
    fn as_value(&self) -> Option<Value> {
        let m = Map::with_kind(MapKind::Any);
        for (k, v) in &self.0 {
            m.insert(k.clone(), Value::Bytes(v.clone()));
        }
        Some(Value::Map(m))
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kube_versions() {
        let kv = KubeVersion::parse("1.29").unwrap();
        assert_eq!(kv.version, "v1.29");
        assert_eq!(kv.normalized, "v1.29");
        assert_eq!(kv.minor, "29");
        let kv = KubeVersion::parse("v1.33.4-gke.1245000").unwrap();
        assert_eq!(kv.version, "v1.33.4-gke.1245000");
        assert!(KubeVersion::parse("abc").is_err());
    }

    #[test]
    fn kube_version_prints_as_go() {
        // `String()` has a pointer receiver: only the template's own printing finds it.
        let kv = KubeVersion::parse("1.29").unwrap();
        assert_eq!(kv.template_string().as_deref(), Some("v1.29"));
        assert_eq!(kv.format_v(), "{v1.29 v1.29 1 29}");
        assert_eq!(
            kv.format_plus_v().as_deref(),
            Some("{Version:v1.29 normalizedVersion:v1.29 Major:1 Minor:29}")
        );
        assert_eq!(kv.to_go_string(), None);
    }

    #[test]
    fn files_methods() {
        let mut m = BTreeMap::new();
        m.insert("files/a.txt".to_string(), Rc::from(&b"alpha\n"[..]));
        m.insert("lines.txt".to_string(), Rc::from(&b"one\ntwo\n\nthree"[..]));
        let f = Files(m);
        let lines = f.call_method("Lines", &[Value::str("lines.txt")]).unwrap();
        assert_eq!(lines.as_list().map(|l| l.len()), Some(4));
        let g = f.glob("files/*");
        assert_eq!(g.0.len(), 1);
        assert_eq!(f.glob("**.txt").0.len(), 2);
    }
}
