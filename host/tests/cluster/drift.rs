//! Cluster tests: drift. A Deployment scaled behind Capstan's back is restored by
//! `rollback` and by `upgrade`, with server-side apply (the default) and client-side
//! three-way patches (`--server-side=false` at install, latched on the release).

use std::path::PathBuf;
use std::process::{Command, Output};

use super::common::{self, Cluster};

/// kubectl: `CAPSTAN_KUBECTL`, else the oracle's copy.
pub(crate) fn kubectl(c: &Cluster, args: &[&str]) -> Output {
    let bin = std::env::var_os("CAPSTAN_KUBECTL")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/root/.cache/helm-oracle/bin/kubectl"));
    Command::new(bin)
        .args(args)
        .env("KUBECONFIG", &c.kubeconfig)
        .output()
        .expect("run kubectl")
}

/// Panics with the output unless the command succeeded; returns stdout.
pub(crate) fn must(what: &str, out: Output) -> String {
    assert!(
        out.status.success(),
        "{what} failed:\nstdout:\n{}\nstderr:\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `capstan ARGS` that must succeed.
pub(crate) fn capstan_ok(c: &Cluster, args: &[&str]) -> String {
    must(&format!("capstan {}", args.join(" ")), c.capstan(args))
}

/// A namespace unique to this test run; deleted when dropped.
pub(crate) struct TestNs<'a> {
    pub name: String,
    cluster: &'a Cluster,
}

impl Drop for TestNs<'_> {
    fn drop(&mut self) {
        let _ = kubectl(
            self.cluster,
            &["delete", "namespace", &self.name, "--wait=false"],
        );
    }
}

/// Creates a fresh namespace `PREFIX-<unique>`.
pub(crate) fn namespace<'a>(c: &'a Cluster, prefix: &str) -> TestNs<'a> {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let name = format!(
        "{prefix}-{:x}",
        (nanos ^ std::process::id() as u128) % 0xffff_ffff
    );
    must(
        "create namespace",
        kubectl(c, &["create", "namespace", &name]),
    );
    TestNs { name, cluster: c }
}

/// A chart directory written from `(path, text)` pairs, removed when dropped.
pub(crate) struct TestChart {
    pub dir: PathBuf,
}

impl TestChart {
    pub fn path(&self) -> &str {
        self.dir.to_str().unwrap_or_default()
    }
}

impl Drop for TestChart {
    fn drop(&mut self) {
        if let Some(parent) = self.dir.parent() {
            let _ = std::fs::remove_dir_all(parent);
        }
    }
}

/// Writes a chart named `name` with `Chart.yaml` and the given files.
pub(crate) fn chart(name: &str, files: &[(&str, &str)]) -> TestChart {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let root = std::env::temp_dir()
        .join(format!("capstan-act-{}-{nanos}", std::process::id()))
        .join(name);
    std::fs::create_dir_all(&root).expect("create chart dir");
    std::fs::write(
        root.join("Chart.yaml"),
        format!("apiVersion: v2\nname: {name}\nversion: 0.1.0\n"),
    )
    .expect("write Chart.yaml");
    for (p, text) in files {
        let f = root.join(p);
        if let Some(d) = f.parent() {
            std::fs::create_dir_all(d).expect("create dir");
        }
        std::fs::write(&f, text).expect("write chart file");
    }
    TestChart { dir: root }
}

/// The decoded release records of `release` in `ns`, oldest first.
pub(crate) fn releases(
    c: &Cluster,
    ns: &str,
    release: &str,
) -> Vec<capstan_core::release::Release> {
    let sel = format!("owner=helm,name={release}");
    let out = must(
        "get release secrets",
        kubectl(c, &["get", "secrets", "-n", ns, "-l", &sel, "-o", "json"]),
    );
    let list: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    let mut rels: Vec<_> = list["items"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|s| capstan_core::release::decode_storage_object(s).expect("release decodes"))
        .collect();
    rels.sort_by_key(|r| r.version);
    rels
}

const DEPLOYMENT: &str = r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}-web
spec:
  replicas: {{ .Values.replicas }}
  selector:
    matchLabels:
      app: {{ .Release.Name }}
  template:
    metadata:
      labels:
        app: {{ .Release.Name }}
    spec:
      containers:
        - name: web
          image: nginx:1.25
"#;

fn replicas(c: &Cluster, ns: &str, name: &str) -> String {
    must(
        "get replicas",
        kubectl(
            c,
            &[
                "get",
                "deployment",
                name,
                "-n",
                ns,
                "-o",
                "jsonpath={.spec.replicas}",
            ],
        ),
    )
}

/// How the Deployment is scaled behind Capstan's back.
#[derive(Clone, Copy)]
enum Intrusion {
    /// `kubectl scale` (the scale subresource).
    Scale,
    /// A merge patch of `spec.replicas` by another field manager (`intruder`).
    Patch,
}

fn scale_to_zero(c: &Cluster, ns: &str, name: &str, how: Intrusion) {
    let args: Vec<&str> = match how {
        Intrusion::Scale => vec!["scale", "deployment", name, "-n", ns, "--replicas=0"],
        Intrusion::Patch => vec![
            "patch",
            "deployment",
            name,
            "-n",
            ns,
            "--type=merge",
            "-p",
            r#"{"spec":{"replicas":0}}"#,
            "--field-manager=intruder",
        ],
    };
    must("scale behind capstan's back", kubectl(c, &args));
    assert_eq!(replicas(c, ns, name), "0");
}

const DEPLOY: &str = "web1-web";

/// Installs the chart (3 replicas) and upgrades once, so there is a revision to roll
/// back to.
fn setup<'a>(c: &'a Cluster, server_side: &str, expect_method: &str) -> (TestNs<'a>, TestChart) {
    let ns = namespace(c, &format!("drift-{expect_method}"));
    let ch = chart(
        "drift",
        &[
            ("values.yaml", "replicas: 3\n"),
            ("templates/deployment.yaml", DEPLOYMENT),
        ],
    );
    capstan_ok(
        c,
        &[
            "install",
            "web1",
            ch.path(),
            "-n",
            &ns.name,
            &format!("--server-side={server_side}"),
        ],
    );
    assert_eq!(replicas(c, &ns.name, DEPLOY), "3");
    let rels = releases(c, &ns.name, "web1");
    assert_eq!(rels.len(), 1);
    assert_eq!(rels[0].apply_method, expect_method);
    capstan_ok(c, &["upgrade", "web1", ch.path(), "-n", &ns.name]);
    (ns, ch)
}

fn drift_round_trip(c: &Cluster, server_side: &str, expect_method: &str, how: Intrusion) {
    let (ns, ch) = setup(c, server_side, expect_method);
    scale_to_zero(c, &ns.name, DEPLOY, how);
    let out = capstan_ok(c, &["rollback", "web1", "-n", &ns.name]);
    assert_eq!(out, "Rollback was a success! Happy Helming!\n");
    assert_eq!(replicas(c, &ns.name, DEPLOY), "3", "rollback restores");

    scale_to_zero(c, &ns.name, DEPLOY, how);
    let out = capstan_ok(c, &["upgrade", "web1", ch.path(), "-n", &ns.name]);
    assert!(out.starts_with("Release \"web1\" has been upgraded. Happy Helming!\n"));
    assert_eq!(replicas(c, &ns.name, DEPLOY), "3", "upgrade restores");

    let rels = releases(c, &ns.name, "web1");
    let statuses: Vec<String> = rels.iter().map(|r| r.status().to_string()).collect();
    assert_eq!(
        statuses,
        ["superseded", "superseded", "superseded", "deployed"]
    );
    assert!(rels.iter().all(|r| r.apply_method == expect_method));
    assert_eq!(
        rels[2].info.as_ref().map(|i| i.description.as_str()),
        Some("Rollback to 1")
    );
}

#[test]
fn drift_restored_client_side_after_foreign_patch() {
    let Some(c) = common::cluster() else { return };
    drift_round_trip(&c, "false", "csa", Intrusion::Patch);
}

#[test]
fn drift_restored_client_side_after_scale() {
    let Some(c) = common::cluster() else { return };
    drift_round_trip(&c, "false", "csa", Intrusion::Scale);
}

/// Server-side apply: a field another manager took is a conflict, as with Helm; the
/// release then needs `--force-conflicts` to take it back.
#[test]
fn drift_server_side_conflict_needs_force() {
    let Some(c) = common::cluster() else { return };
    let (ns, ch) = setup(&c, "true", "ssa");
    scale_to_zero(&c, &ns.name, DEPLOY, Intrusion::Patch);
    let out = c.capstan(&["rollback", "web1", "-n", &ns.name]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    // Helm's warning line comes first, then the error.
    assert!(
        err.contains(&format!(
            "\nError: conflict occurred while applying object {}/{DEPLOY} apps/v1, Kind=Deployment: Apply failed with 1 conflict: conflict with \"intruder\"",
            ns.name
        )),
        "{err}"
    );
    assert_eq!(replicas(&c, &ns.name, DEPLOY), "0");
    capstan_ok(
        &c,
        &["rollback", "web1", "-n", &ns.name, "--force-conflicts"],
    );
    assert_eq!(
        replicas(&c, &ns.name, DEPLOY),
        "3",
        "forced rollback restores"
    );

    scale_to_zero(&c, &ns.name, DEPLOY, Intrusion::Patch);
    let out = c.capstan(&["upgrade", "web1", ch.path(), "-n", &ns.name]);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("\nError: UPGRADE FAILED: conflict occurred")
    );
    capstan_ok(
        &c,
        &[
            "upgrade",
            "web1",
            ch.path(),
            "-n",
            &ns.name,
            "--force-conflicts",
        ],
    );
    assert_eq!(
        replicas(&c, &ns.name, DEPLOY),
        "3",
        "forced upgrade restores"
    );

    let rels = releases(&c, &ns.name, "web1");
    let statuses: Vec<String> = rels.iter().map(|r| r.status().to_string()).collect();
    // 3: the conflicting rollback, 5: the conflicting upgrade.
    assert_eq!(
        statuses,
        [
            "superseded",
            "superseded",
            "failed",
            "superseded",
            "failed",
            "deployed"
        ]
    );
    assert!(rels.iter().all(|r| r.apply_method == "ssa"));
}

#[test]
fn drift_restored_server_side_after_scale() {
    let Some(c) = common::cluster() else { return };
    drift_round_trip(&c, "true", "ssa", Intrusion::Scale);
}
