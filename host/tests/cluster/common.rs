//! The test harness: the API server from the environment, a fresh namespace per test, the
//! `capstan` binary under test, real `helm` and `kubectl` beside it, throwaway charts, and
//! helpers to read and poke objects.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::Value;

/// The cluster the tests run against.
pub struct Cluster {
    pub kubeconfig: PathBuf,
}

/// The cluster from `CAPSTAN_TEST_KUBECONFIG`, or `None` (the test then skips) unless
/// `CAPSTAN_REQUIRE_CLUSTER=1` demands one.
pub fn cluster() -> Option<Cluster> {
    match std::env::var_os("CAPSTAN_TEST_KUBECONFIG") {
        Some(p) => Some(Cluster {
            kubeconfig: PathBuf::from(p),
        }),
        None => {
            assert!(
                std::env::var("CAPSTAN_REQUIRE_CLUSTER").as_deref() != Ok("1"),
                "CAPSTAN_REQUIRE_CLUSTER=1 but CAPSTAN_TEST_KUBECONFIG is not set"
            );
            eprintln!("skipped: CAPSTAN_TEST_KUBECONFIG is not set (see scripts/kube-test.sh)");
            None
        }
    }
}

/// A directory removed when dropped.
pub struct TempDir {
    pub path: PathBuf,
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// A short string unique within this test run (process id, counter, clock).
pub fn unique() -> String {
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!("{:x}{n:x}{:x}", std::process::id() % 0xfff, nanos % 0xffff)
}

impl TempDir {
    pub fn new(prefix: &str) -> TempDir {
        let path = std::env::temp_dir().join(format!("capstan-test-{prefix}-{}", unique()));
        std::fs::create_dir_all(&path).expect("create temp dir");
        TempDir { path }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// Writes a chart directory from `(path, text)` pairs; `Chart.yaml` is added (`name: NAME`,
/// `version: 0.1.0`) unless given. The chart is `dir.path().join(name)`.
pub fn chart(name: &str, files: &[(&str, &str)]) -> (TempDir, PathBuf) {
    let dir = TempDir::new("chart");
    let root = dir.path.join(name);
    std::fs::create_dir_all(&root).expect("create chart dir");
    if !files.iter().any(|(p, _)| *p == "Chart.yaml") {
        std::fs::write(
            root.join("Chart.yaml"),
            format!("apiVersion: v2\nname: {name}\nversion: 0.1.0\n"),
        )
        .expect("write Chart.yaml");
    }
    for (path, text) in files {
        let p = root.join(path);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("create chart subdir");
        }
        std::fs::write(&p, text).expect("write chart file");
    }
    (dir, root)
}

/// The real helm's home (cache, config, data), one per test process.
fn helm_home() -> &'static Path {
    static HOME: OnceLock<PathBuf> = OnceLock::new();
    HOME.get_or_init(|| {
        let p = std::env::temp_dir().join(format!("capstan-test-helm-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&p);
        p
    })
}

fn tool(var: &str, name: &str) -> PathBuf {
    std::env::var_os(var)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/root/.cache/helm-oracle/bin").join(name))
}

fn text(out: &[u8]) -> String {
    String::from_utf8_lossy(out).into_owned()
}

/// Panics with the command's output unless it succeeded; returns stdout.
pub fn ok(what: &str, out: Output) -> String {
    assert!(
        out.status.success(),
        "{what} failed ({}):\nstdout:\n{}\nstderr:\n{}",
        out.status,
        text(&out.stdout),
        text(&out.stderr)
    );
    text(&out.stdout)
}

/// A namespace made for one test; deleted (without waiting) when dropped.
pub struct Namespace<'a> {
    pub name: String,
    cluster: &'a Cluster,
}

impl std::ops::Deref for Namespace<'_> {
    type Target = str;
    fn deref(&self) -> &str {
        &self.name
    }
}

impl Drop for Namespace<'_> {
    fn drop(&mut self) {
        let _ = self
            .cluster
            .kubectl(&["delete", "namespace", &self.name, "--wait=false"]);
    }
}

impl Cluster {
    /// Runs `capstan ARGS` with this cluster's kubeconfig.
    pub fn capstan(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_capstan"))
            .args(args)
            .env("KUBECONFIG", &self.kubeconfig)
            .env_remove("HELM_DRIVER")
            .output()
            .expect("run capstan")
    }

    /// `capstan ARGS`, which must succeed; its stdout.
    pub fn capstan_ok(&self, args: &[&str]) -> String {
        ok(&format!("capstan {}", args.join(" ")), self.capstan(args))
    }

    /// Runs `kubectl ARGS` (`CAPSTAN_KUBECTL`, else the oracle's copy).
    pub fn kubectl(&self, args: &[&str]) -> Output {
        Command::new(tool("CAPSTAN_KUBECTL", "kubectl"))
            .args(args)
            .env("KUBECONFIG", &self.kubeconfig)
            .output()
            .expect("run kubectl")
    }

    /// `kubectl ARGS`, which must succeed; its stdout.
    pub fn kubectl_ok(&self, args: &[&str]) -> String {
        ok(&format!("kubectl {}", args.join(" ")), self.kubectl(args))
    }

    /// Runs the real `helm ARGS` (`CAPSTAN_HELM`, else the oracle's copy) with its own
    /// cache/config/data directories.
    pub fn helm(&self, args: &[&str]) -> Output {
        let home = helm_home();
        Command::new(tool("CAPSTAN_HELM", "helm"))
            .args(args)
            .env("KUBECONFIG", &self.kubeconfig)
            .env("HELM_CACHE_HOME", home.join("cache"))
            .env("HELM_CONFIG_HOME", home.join("config"))
            .env("HELM_DATA_HOME", home.join("data"))
            .env_remove("HELM_DRIVER")
            .output()
            .expect("run helm")
    }

    /// `helm ARGS`, which must succeed; its stdout.
    pub fn helm_ok(&self, args: &[&str]) -> String {
        ok(&format!("helm {}", args.join(" ")), self.helm(args))
    }

    /// A fresh namespace named `PREFIX-<unique>`.
    pub fn namespace(&self, prefix: &str) -> Namespace<'_> {
        let mut prefix: String = prefix
            .to_ascii_lowercase()
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect();
        prefix.truncate(40);
        let name = format!("{}-{}", prefix.trim_matches('-'), unique());
        self.kubectl_ok(&["create", "namespace", &name]);
        Namespace {
            name,
            cluster: self,
        }
    }

    /// Applies YAML with `kubectl apply -f -` semantics via a temp file (client-side).
    pub fn kubectl_apply(&self, namespace: &str, yaml: &str) {
        let dir = TempDir::new("apply");
        let f = dir.path.join("obj.yaml");
        std::fs::write(&f, yaml).expect("write yaml");
        self.kubectl_ok(&[
            "apply",
            "-n",
            namespace,
            "-f",
            f.to_str().unwrap_or_default(),
        ]);
    }

    /// The live object as JSON, or `None` when it does not exist. `ns` empty for
    /// cluster-scoped kinds.
    pub fn get_json(&self, kind: &str, ns: &str, name: &str) -> Option<Value> {
        let mut args = vec!["get", kind, name, "-o", "json"];
        if !ns.is_empty() {
            args.extend(["-n", ns]);
        }
        let out = self.kubectl(&args);
        if !out.status.success() {
            let err = text(&out.stderr);
            assert!(
                err.contains("NotFound") || err.contains("not found"),
                "kubectl get {kind} {name} failed: {err}"
            );
            return None;
        }
        Some(serde_json::from_slice(&out.stdout).expect("kubectl printed JSON"))
    }

    /// Writes `status` through the status subresource (a merge patch), as a controller
    /// would: there is no kubelet, so tests make Jobs complete and Deployments ready.
    pub fn set_status(&self, kind: &str, ns: &str, name: &str, status: Value) {
        let patch = serde_json::json!({ "status": status }).to_string();
        let mut args = vec![
            "patch",
            kind,
            name,
            "--subresource=status",
            "--type=merge",
            "-p",
            &patch,
        ];
        if !ns.is_empty() {
            args.extend(["-n", ns]);
        }
        self.kubectl_ok(&args);
    }

    /// The release Secrets of `release` in `ns` (Helm's labels `owner=helm,name=RELEASE`),
    /// sorted by name.
    pub fn release_secrets(&self, ns: &str, release: &str) -> Vec<Value> {
        let selector = format!("owner=helm,name={release}");
        let out = self.kubectl_ok(&["get", "secrets", "-n", ns, "-l", &selector, "-o", "json"]);
        let list: Value = serde_json::from_str(&out).expect("kubectl printed JSON");
        let mut items = list
            .get("items")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        items.sort_by_key(|i| {
            i.pointer("/metadata/name")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string()
        });
        items
    }

    /// The decoded release records of `release` in `ns`, oldest first.
    pub fn releases(&self, ns: &str, release: &str) -> Vec<capstan_core::release::Release> {
        let mut out: Vec<_> = self
            .release_secrets(ns, release)
            .iter()
            .map(|s| {
                capstan_core::release::decode_storage_object(s).expect("release Secret decodes")
            })
            .collect();
        out.sort_by_key(|r| r.version);
        out
    }

    /// The capstan-host client for this cluster, defaulting to `namespace`.
    pub async fn kube(&self, namespace: &str) -> capstan_host::kube::Kube {
        capstan_host::kube::Kube::connect(&capstan_host::kube::KubeOptions {
            kubeconfig: Some(self.kubeconfig.clone()),
            namespace: Some(namespace.to_string()),
            ..Default::default()
        })
        .await
        .expect("connect to the test cluster")
    }
}

/// A status that kstatus (and so `--wait`) judges ready for the object as it is now:
/// Deployments, StatefulSets, DaemonSets and ReplicaSets fully rolled out, Jobs complete,
/// Pods running and ready (`Succeeded` for hook Pods: use [`Cluster::set_status`]), PVCs
/// bound, anything else `Ready=True`.
pub fn ready_status(obj: &Value) -> Value {
    let kind = obj.get("kind").and_then(Value::as_str).unwrap_or("");
    let generation = obj
        .pointer("/metadata/generation")
        .and_then(Value::as_i64)
        .unwrap_or(1);
    let replicas = obj
        .pointer("/spec/replicas")
        .and_then(Value::as_i64)
        .unwrap_or(1);
    let now = "2024-01-01T00:00:00Z";
    match kind {
        "Deployment" => serde_json::json!({
            "observedGeneration": generation, "replicas": replicas, "updatedReplicas": replicas,
            "readyReplicas": replicas, "availableReplicas": replicas,
            "conditions": [
                {"type": "Progressing", "status": "True", "reason": "NewReplicaSetAvailable",
                 "lastUpdateTime": now, "lastTransitionTime": now},
                {"type": "Available", "status": "True", "reason": "MinimumReplicasAvailable",
                 "lastUpdateTime": now, "lastTransitionTime": now}]}),
        "StatefulSet" => serde_json::json!({
            "observedGeneration": generation, "replicas": replicas, "readyReplicas": replicas,
            "currentReplicas": replicas, "updatedReplicas": replicas,
            "currentRevision": "r1", "updateRevision": "r1"}),
        "ReplicaSet" => serde_json::json!({
            "observedGeneration": generation, "replicas": replicas, "readyReplicas": replicas,
            "availableReplicas": replicas, "fullyLabeledReplicas": replicas}),
        "DaemonSet" => serde_json::json!({
            "observedGeneration": generation, "desiredNumberScheduled": 1,
            "currentNumberScheduled": 1, "updatedNumberScheduled": 1, "numberAvailable": 1,
            "numberReady": 1, "numberMisscheduled": 0}),
        "Job" => serde_json::json!({
            "startTime": now, "completionTime": now, "succeeded": 1,
            "conditions": [{"type": "Complete", "status": "True",
                            "lastProbeTime": now, "lastTransitionTime": now}]}),
        "Pod" => serde_json::json!({
            "phase": "Running",
            "conditions": [{"type": "Ready", "status": "True", "lastTransitionTime": now}]}),
        "PersistentVolumeClaim" => serde_json::json!({"phase": "Bound"}),
        _ => serde_json::json!({
            "observedGeneration": generation,
            "conditions": [{"type": "Ready", "status": "True", "lastTransitionTime": now}]}),
    }
}

/// The status of a Job that failed for good (`BackoffLimitExceeded`).
pub fn failed_job_status() -> Value {
    let now = "2024-01-01T00:00:00Z";
    serde_json::json!({
        "startTime": now, "failed": 1,
        "conditions": [{"type": "Failed", "status": "True", "reason": "BackoffLimitExceeded",
                        "message": "Job has reached the specified backoff limit",
                        "lastProbeTime": now, "lastTransitionTime": now}]})
}

impl Cluster {
    /// Writes [`ready_status`] for the live object (`kind` as kubectl names it:
    /// `deployment`, `job`, `widgets.example.com`...).
    pub fn mark_ready(&self, kind: &str, ns: &str, name: &str) {
        let obj = self
            .get_json(kind, ns, name)
            .unwrap_or_else(|| panic!("{kind} {ns}/{name} does not exist"));
        self.set_status(kind, ns, name, ready_status(&obj));
    }

    /// Runs `then` on a background thread as soon as the object exists (polling every
    /// 200 ms, giving up after `timeout`) — a stand-in controller for objects an action
    /// creates and then waits on, such as hook Jobs.
    pub fn when_exists(
        &self,
        kind: &str,
        ns: &str,
        name: &str,
        timeout: std::time::Duration,
        then: impl FnOnce(&Cluster) + Send + 'static,
    ) -> std::thread::JoinHandle<bool> {
        let cluster = Cluster {
            kubeconfig: self.kubeconfig.clone(),
        };
        let (kind, ns, name) = (kind.to_string(), ns.to_string(), name.to_string());
        std::thread::spawn(move || {
            let deadline = std::time::Instant::now() + timeout;
            while std::time::Instant::now() < deadline {
                if cluster.get_json(&kind, &ns, &name).is_some() {
                    then(&cluster);
                    return true;
                }
                std::thread::sleep(std::time::Duration::from_millis(200));
            }
            false
        })
    }
}
