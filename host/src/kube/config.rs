//! Loading kubeconfig files and Helm's global flags into a client configuration, with
//! client-go's precedence rules: `--kubeconfig`, else every file in `KUBECONFIG` (merged, the
//! first to set a value wins), else `~/.kube/config`; `--kube-context` over the current
//! context; flags override what the file says.

use std::path::{Path, PathBuf};

use kube::config::{Config, KubeConfigOptions, Kubeconfig};

use super::{KubeError, KubeOptions};

/// Helm's prefix for every failure to reach the cluster (`IsReachable`).
pub(crate) const UNREACHABLE: &str = "kubernetes cluster unreachable";

/// A client configuration plus the namespace operations default to.
pub(crate) struct Loaded {
    pub config: Config,
    pub namespace: String,
}

fn unreachable(msg: impl std::fmt::Display) -> KubeError {
    KubeError::Config(format!("{UNREACHABLE}: {msg}"))
}

/// The kubeconfig files to read, in precedence order; `None` entries are not errors when
/// missing (client-go skips absent files from `KUBECONFIG` and the default path).
fn kubeconfig_files(opts: &KubeOptions) -> Result<Vec<PathBuf>, KubeError> {
    if let Some(p) = &opts.kubeconfig {
        if let Err(e) = std::fs::metadata(p) {
            return Err(unreachable(format!(
                "stat {}: {}",
                p.display(),
                go_io_error(&e)
            )));
        }
        return Ok(vec![p.clone()]);
    }
    if let Some(v) = std::env::var_os("KUBECONFIG") {
        let files: Vec<PathBuf> = std::env::split_paths(&v)
            .filter(|p| !p.as_os_str().is_empty())
            .collect();
        if !files.is_empty() {
            return Ok(files.into_iter().filter(|p| p.exists()).collect());
        }
    }
    Ok(home_dir()
        .map(|h| h.join(".kube").join("config"))
        .filter(|p| p.exists())
        .into_iter()
        .collect())
}

fn home_dir() -> Option<PathBuf> {
    std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .map(PathBuf::from)
}

/// Go's wording of the common file errors.
fn go_io_error(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

fn read_merged(files: &[PathBuf]) -> Result<Kubeconfig, KubeError> {
    let mut merged = Kubeconfig::default();
    for f in files {
        let next = Kubeconfig::read_from(f).map_err(|e| unreachable(load_error(f, &e)))?;
        merged = merged.merge(next).map_err(|e| unreachable(e.to_string()))?;
    }
    Ok(merged)
}

fn load_error(file: &Path, e: &kube::config::KubeconfigError) -> String {
    // Syntax errors read like go-yaml's, which core's YAML reader reproduces.
    let detail = match e {
        kube::config::KubeconfigError::Parse(_) => std::fs::read_to_string(file)
            .ok()
            .and_then(|text| capstan_core::yaml::parse(&text).err())
            .map(|err| {
                let msg = err.to_string();
                msg.strip_prefix("error converting YAML to JSON: ")
                    .map(str::to_string)
                    .unwrap_or(msg)
            })
            .unwrap_or_else(|| e.to_string()),
        _ => e.to_string(),
    };
    format!("error loading config file \"{}\": {detail}", file.display())
}

/// Go's `strconv.ParseBool`.
fn go_parse_bool(s: &str) -> Option<bool> {
    match s {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

/// Helm's environment settings (`HELM_NAMESPACE`, `HELM_KUBECONTEXT`, `HELM_KUBETOKEN`,
/// ...) fill in what the flags left unset; flags win.
pub(crate) fn with_env(opts: &KubeOptions, env: impl Fn(&str) -> Option<String>) -> KubeOptions {
    let get = |name: &str| env(name).filter(|v| !v.is_empty());
    let mut o = opts.clone();
    if o.context.as_deref().is_none_or(str::is_empty) {
        o.context = get("HELM_KUBECONTEXT");
    }
    if o.namespace.as_deref().is_none_or(str::is_empty) {
        o.namespace = get("HELM_NAMESPACE");
    }
    if o.api_server.as_deref().is_none_or(str::is_empty) {
        o.api_server = get("HELM_KUBEAPISERVER");
    }
    if o.token.as_deref().is_none_or(str::is_empty) {
        o.token = get("HELM_KUBETOKEN");
    }
    if o.as_user.as_deref().is_none_or(str::is_empty) {
        o.as_user = get("HELM_KUBEASUSER");
    }
    if o.as_groups.is_empty()
        && let Some(v) = get("HELM_KUBEASGROUPS")
    {
        let trimmed = v.trim_matches(|c| c == ',' || c == ' ');
        if !trimmed.is_empty() {
            o.as_groups = trimmed.split(',').map(str::to_string).collect();
        }
    }
    if o.ca_file.is_none() {
        o.ca_file = get("HELM_KUBECAFILE").map(PathBuf::from);
    }
    if !o.insecure_skip_tls_verify {
        o.insecure_skip_tls_verify = get("HELM_KUBEINSECURE_SKIP_TLS_VERIFY")
            .and_then(|v| go_parse_bool(&v))
            .unwrap_or(false);
    }
    if o.tls_server_name.as_deref().is_none_or(str::is_empty) {
        o.tls_server_name = get("HELM_KUBETLS_SERVER_NAME");
    }
    o
}

/// Resolves the client configuration from kubeconfig files, flags and Helm's environment
/// variables.
pub(crate) async fn load(opts: &KubeOptions) -> Result<Loaded, KubeError> {
    let opts = &with_env(opts, |name| std::env::var(name).ok());
    let files = kubeconfig_files(opts)?;
    let kubeconfig = read_merged(&files)?;

    let context_name = opts
        .context
        .clone()
        .filter(|c| !c.is_empty())
        .or_else(|| kubeconfig.current_context.clone().filter(|c| !c.is_empty()));
    let context = match &context_name {
        Some(name) => match kubeconfig.contexts.iter().find(|c| &c.name == name) {
            Some(c) => c.context.clone(),
            None => return Err(unreachable(format!("context \"{name}\" does not exist"))),
        },
        None => None,
    };
    let context_namespace = context
        .as_ref()
        .and_then(|c| c.namespace.clone())
        .filter(|n| !n.is_empty());

    let mut config = if context.is_some() {
        let options = KubeConfigOptions {
            context: context_name.clone(),
            cluster: None,
            user: None,
        };
        match Config::from_custom_kubeconfig(kubeconfig, &options).await {
            Ok(c) => c,
            Err(kube::config::KubeconfigError::MissingClusterUrl) if opts.api_server.is_some() => {
                Config::new(default_server())
            }
            Err(e) => return Err(unreachable(e)),
        }
    } else {
        // No context at all: client-go falls back to an empty config, which talks to
        // http://localhost:8080 unless --kube-apiserver says otherwise.
        Config::new(default_server())
    };

    apply_overrides(&mut config, opts)?;
    let namespace = opts
        .namespace
        .clone()
        .filter(|n| !n.is_empty())
        .or(context_namespace)
        .unwrap_or_else(|| "default".to_string());
    config.default_namespace = namespace.clone();
    Ok(Loaded { config, namespace })
}

fn default_server() -> http::Uri {
    http::Uri::from_static("http://localhost:8080")
}

/// Helm's `--kube-*` flags win over the kubeconfig.
fn apply_overrides(config: &mut Config, opts: &KubeOptions) -> Result<(), KubeError> {
    if let Some(server) = opts.api_server.as_deref().filter(|s| !s.is_empty()) {
        config.cluster_url = server
            .parse::<http::Uri>()
            .map_err(|e| unreachable(format!("parse \"{server}\": {e}")))?;
    }
    if let Some(token) = opts.token.as_deref().filter(|s| !s.is_empty()) {
        config.auth_info.token = Some(token.to_string().into());
        config.auth_info.token_file = None;
    }
    if let Some(user) = opts.as_user.as_deref().filter(|s| !s.is_empty()) {
        config.auth_info.impersonate = Some(user.to_string());
    }
    if !opts.as_groups.is_empty() {
        config.auth_info.impersonate_groups = Some(opts.as_groups.clone());
    }
    if let Some(ca) = &opts.ca_file {
        let pem = std::fs::read(ca)
            .map_err(|e| unreachable(format!("open {}: {}", ca.display(), go_io_error(&e))))?;
        config.root_cert = Some(pem_certificates(&pem).map_err(unreachable)?);
        config.root_cert_file = None;
    }
    if opts.insecure_skip_tls_verify {
        config.accept_invalid_certs = true;
        config.root_cert = None;
        config.root_cert_file = None;
    }
    if let Some(name) = opts.tls_server_name.as_deref().filter(|s| !s.is_empty()) {
        config.tls_server_name = Some(name.to_string());
    }
    Ok(())
}

/// The DER bodies of the `CERTIFICATE` blocks of a PEM file.
fn pem_certificates(pem: &[u8]) -> Result<Vec<Vec<u8>>, String> {
    let text = std::str::from_utf8(pem)
        .map_err(|_| "unable to load root certificates: not PEM".to_string())?;
    let mut certs = Vec::new();
    let mut body: Option<String> = None;
    for line in text.lines() {
        let line = line.trim();
        if line == "-----BEGIN CERTIFICATE-----" {
            body = Some(String::new());
        } else if line == "-----END CERTIFICATE-----" {
            if let Some(b) = body.take() {
                certs
                    .push(base64_decode(&b).ok_or("unable to load root certificates: bad base64")?);
            }
        } else if let Some(b) = body.as_mut() {
            b.push_str(line);
        }
    }
    if certs.is_empty() {
        return Err("unable to load root certificates: no valid certificate authority data".into());
    }
    Ok(certs)
}

fn base64_decode(s: &str) -> Option<Vec<u8>> {
    fn val(c: u8) -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    }
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let mut acc = 0u32;
    let mut bits = 0;
    for &c in s.as_bytes() {
        if c == b'=' {
            break;
        }
        acc = (acc << 6) | val(c)?;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_round() {
        assert_eq!(base64_decode("aGVsbG8=").as_deref(), Some(&b"hello"[..]));
        assert_eq!(base64_decode("aGk").as_deref(), Some(&b"hi"[..]));
    }

    #[test]
    fn pem_without_certificates_is_an_error() {
        assert!(pem_certificates(b"nothing").is_err());
        let pem = b"-----BEGIN CERTIFICATE-----\naGVsbG8=\n-----END CERTIFICATE-----\n";
        assert_eq!(pem_certificates(pem).unwrap(), vec![b"hello".to_vec()]);
    }

    #[tokio::test]
    async fn missing_context_is_reported_like_client_go() {
        let dir = std::env::temp_dir().join(format!("capstan-kcfg-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("config");
        std::fs::write(
            &file,
            "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: https://127.0.0.1:6443\ncontexts:\n- name: a\n  context:\n    cluster: c\n    namespace: team\ncurrent-context: a\n",
        )
        .unwrap();
        let mut opts = KubeOptions {
            kubeconfig: Some(file.clone()),
            context: Some("x".into()),
            ..Default::default()
        };
        let err = load(&opts).await.err().unwrap();
        assert_eq!(
            err.to_string(),
            "kubernetes cluster unreachable: context \"x\" does not exist"
        );
        opts.context = None;
        let loaded = load(&opts).await.unwrap();
        assert_eq!(loaded.namespace, "team");
        opts.namespace = Some("other".into());
        opts.api_server = Some("https://10.0.0.1:443".into());
        let loaded = load(&opts).await.unwrap();
        assert_eq!(loaded.namespace, "other");
        assert_eq!(
            loaded.config.cluster_url.to_string(),
            "https://10.0.0.1:443/"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn helm_environment_fills_unset_flags() {
        let env = |name: &str| {
            Some(
                match name {
                    "HELM_NAMESPACE" => "from-env",
                    "HELM_KUBECONTEXT" => "ctx",
                    "HELM_KUBEASGROUPS" => " a,b, ",
                    "HELM_KUBEINSECURE_SKIP_TLS_VERIFY" => "maybe",
                    "HELM_KUBETOKEN" => "tok",
                    _ => return None,
                }
                .to_string(),
            )
        };
        let o = with_env(
            &KubeOptions {
                namespace: Some("flag".into()),
                ..Default::default()
            },
            env,
        );
        assert_eq!(o.namespace.as_deref(), Some("flag"));
        assert_eq!(o.context.as_deref(), Some("ctx"));
        assert_eq!(o.as_groups, ["a", "b"]);
        assert!(!o.insecure_skip_tls_verify);
        assert_eq!(o.token.as_deref(), Some("tok"));
    }

    #[tokio::test]
    async fn syntax_errors_read_like_go_yaml() {
        let dir = std::env::temp_dir().join(format!("capstan-kcfg-bad-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let bad = dir.join("bad.yaml");
        std::fs::write(&bad, "garbage: [\n").unwrap();
        let opts = KubeOptions {
            kubeconfig: Some(bad.clone()),
            ..Default::default()
        };
        let err = load(&opts).await.err().unwrap();
        assert_eq!(
            err.to_string(),
            format!(
                "kubernetes cluster unreachable: error loading config file \"{}\": yaml: line 1: did not find expected node content",
                bad.display()
            )
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[tokio::test]
    async fn kubeconfig_list_merges_first_wins() {
        let dir = std::env::temp_dir().join(format!("capstan-kcfg-merge-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let a = dir.join("a");
        let b = dir.join("b");
        std::fs::write(&a, "apiVersion: v1\nkind: Config\ncurrent-context: two\ncontexts:\n- name: one\n  context:\n    cluster: c\n    namespace: first\n").unwrap();
        std::fs::write(&b, "apiVersion: v1\nkind: Config\ncurrent-context: one\nclusters:\n- name: c\n  cluster:\n    server: https://127.0.0.1:6443\ncontexts:\n- name: one\n  context:\n    cluster: c\n    namespace: second\n- name: two\n  context:\n    cluster: c\n    namespace: third\n").unwrap();
        let merged = read_merged(
            &[a.clone(), dir.join("missing"), b.clone()]
                .into_iter()
                .filter(|p| p.exists())
                .collect::<Vec<_>>(),
        )
        .unwrap();
        assert_eq!(merged.current_context.as_deref(), Some("two"));
        let one = merged.contexts.iter().find(|c| c.name == "one").unwrap();
        assert_eq!(
            one.context.as_ref().unwrap().namespace.as_deref(),
            Some("first")
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
