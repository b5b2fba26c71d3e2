//! Cluster tests: a release's whole life through Capstan — install, upgrade, rollback,
//! history, uninstall with and without history — checking the release Secrets (names,
//! labels, statuses) and the live objects at each step; and the storage layer itself.

use crate::common::{Cluster, chart, cluster};
use capstan_core::release::{Info, Release, Status};
use capstan_host::storage::{DriverKind, Storage, StorageError};
use serde_json::Value;

fn app_chart() -> (crate::common::TempDir, std::path::PathBuf) {
    chart(
        "app",
        &[
            ("values.yaml", "x: one\n"),
            (
                "templates/cm.yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-cm\ndata:\n  x: {{ .Values.x | quote }}\n",
            ),
            (
                "templates/svc.yaml",
                "apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Release.Name }}-svc\nspec:\n  ports:\n  - port: 80\n    protocol: TCP\n",
            ),
        ],
    )
}

/// `(name, status label, version label)` of each release Secret, and that every one
/// carries Helm's labels and type.
fn secrets(c: &Cluster, ns: &str, rel: &str) -> Vec<(String, String, String)> {
    c.release_secrets(ns, rel)
        .iter()
        .map(|s| {
            let label = |k: &str| {
                s.pointer(&format!("/metadata/labels/{k}"))
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string()
            };
            assert_eq!(label("owner"), "helm");
            assert_eq!(label("name"), rel);
            assert!(!label("modifiedAt").is_empty() || !label("createdAt").is_empty());
            assert_eq!(s["type"], "helm.sh/release.v1");
            (
                s.pointer("/metadata/name")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
                label("status"),
                label("version"),
            )
        })
        .collect()
}

fn row(name: &str, status: &str, v: &str) -> (String, String, String) {
    (name.to_string(), status.to_string(), v.to_string())
}

fn cm_x(c: &Cluster, ns: &str, name: &str) -> Option<String> {
    c.get_json("configmap", ns, name)
        .and_then(|cm| cm["data"]["x"].as_str().map(String::from))
}

#[test]
fn install_upgrade_rollback_history_uninstall() {
    let Some(c) = cluster() else { return };
    let ns = c.namespace("lifecycle");
    let (_dir, path) = app_chart();
    let p = path.to_str().unwrap_or_default();
    let k1 = "sh.helm.release.v1.life.v1";
    let k2 = "sh.helm.release.v1.life.v2";
    let k3 = "sh.helm.release.v1.life.v3";

    c.capstan_ok(&["install", "life", p, "-n", &ns]);
    assert_eq!(secrets(&c, &ns, "life"), [row(k1, "deployed", "1")]);
    assert_eq!(cm_x(&c, &ns, "life-cm").as_deref(), Some("one"));

    c.capstan_ok(&["upgrade", "life", p, "-n", &ns, "--set", "x=two"]);
    assert_eq!(
        secrets(&c, &ns, "life"),
        [row(k1, "superseded", "1"), row(k2, "deployed", "2")]
    );
    assert_eq!(cm_x(&c, &ns, "life-cm").as_deref(), Some("two"));

    c.capstan_ok(&["rollback", "life", "1", "-n", &ns]);
    assert_eq!(
        secrets(&c, &ns, "life"),
        [
            row(k1, "superseded", "1"),
            row(k2, "superseded", "2"),
            row(k3, "deployed", "3")
        ]
    );
    assert_eq!(cm_x(&c, &ns, "life-cm").as_deref(), Some("one"));
    let recs = c.releases(&ns, "life");
    assert_eq!(
        recs[2].info.as_ref().map(|i| i.description.as_str()),
        Some("Rollback to 1")
    );

    let hist = c.capstan_ok(&["history", "life", "-n", &ns]);
    let lines: Vec<&str> = hist.lines().collect();
    assert_eq!(lines.len(), 4, "{hist}");
    assert!(lines[0].starts_with("REVISION\tUPDATED"));
    assert!(lines[1].contains("superseded") && lines[1].contains("Install complete"));
    assert!(lines[2].contains("superseded") && lines[2].contains("Upgrade complete"));
    assert!(lines[3].contains("deployed") && lines[3].contains("Rollback to 1"));
    assert_eq!(hist, c.helm_ok(&["history", "life", "-n", &ns]));

    let out = c.capstan_ok(&["uninstall", "life", "-n", &ns, "--keep-history"]);
    assert_eq!(out, "release \"life\" uninstalled\n");
    assert_eq!(
        secrets(&c, &ns, "life"),
        [
            row(k1, "superseded", "1"),
            row(k2, "superseded", "2"),
            row(k3, "uninstalled", "3")
        ]
    );
    assert!(c.get_json("configmap", &ns, "life-cm").is_none());
    assert!(c.get_json("service", &ns, "life-svc").is_none());
    let recs = c.releases(&ns, "life");
    let info = recs[2].info.clone().unwrap_or_default();
    assert_eq!(info.status, Status::Uninstalled);
    assert_eq!(info.description, "Uninstallation complete");
    assert!(info.deleted.is_some());

    // Helm 4 lists every state by default; --uninstalled narrows to these.
    let list = c.capstan_ok(&["list", "-n", &ns, "--uninstalled", "--no-headers"]);
    assert!(
        list.starts_with("life\t") && list.contains("uninstalled"),
        "{list}"
    );
    assert_eq!(
        list,
        c.helm_ok(&["list", "-n", &ns, "--uninstalled", "--no-headers"])
    );
    assert_eq!(c.capstan_ok(&["list", "-n", &ns, "--deployed", "-q"]), "");

    let again = c.capstan(&["uninstall", "life", "-n", &ns, "--keep-history"]);
    assert!(!again.status.success());
    assert_eq!(
        String::from_utf8_lossy(&again.stderr),
        "Error: the release named \"life\" is already deleted\n"
    );
    c.capstan_ok(&["uninstall", "life", "-n", &ns]);
    assert!(c.release_secrets(&ns, "life").is_empty());
}

fn record(name: &str, version: i64, status: Status) -> Release {
    Release {
        name: name.into(),
        version,
        namespace: String::new(),
        manifest: "---\n# Source: x\n".into(),
        info: Some(Info {
            status,
            description: "test".into(),
            last_deployed: Some("2024-01-02T03:04:05.5Z".into()),
            first_deployed: Some("2024-01-02T03:04:05.5Z".into()),
            ..Info::default()
        }),
        ..Release::default()
    }
}

async fn storage(c: &Cluster, kind: DriverKind, ns: &str) -> Storage {
    let kube = c.kube(ns).await;
    Storage::new(kind, Some(kube.client().clone()), ns)
}

async fn storage_roundtrip(c: &Cluster, kind: DriverKind, plural: &str) {
    let ns = c.namespace(&format!("storage-{plural}"));
    let mut s = storage(c, kind, &ns).await;
    let mut r1 = record("st", 1, Status::Deployed);
    r1.namespace = ns.name.clone();
    s.create(&r1).await.expect("create v1");
    assert!(matches!(
        s.create(&r1).await,
        Err(StorageError::AlreadyExists)
    ));
    let objs: Value = serde_json::from_str(&c.kubectl_ok(&[
        "get",
        plural,
        "-n",
        &ns,
        "-l",
        "owner=helm,name=st",
        "-o",
        "json",
    ]))
    .unwrap();
    let labels = &objs["items"][0]["metadata"]["labels"];
    assert_eq!(labels["status"], "deployed");
    assert_eq!(labels["version"], "1");
    assert!(
        labels["createdAt"]
            .as_str()
            .is_some_and(|t| t.parse::<u64>().is_ok())
    );
    assert!(labels.get("modifiedAt").is_none());

    let mut r2 = record("st", 2, Status::Deployed);
    r2.namespace = ns.name.clone();
    r1.set_status(Status::Superseded, "superseded by 2");
    s.update(&r1).await.expect("update v1");
    s.create(&r2).await.expect("create v2");
    assert_eq!(
        s.get("st", 1).await.expect("get").status(),
        Status::Superseded
    );
    assert_eq!(s.deployed("st").await.expect("deployed").version, 2);
    assert_eq!(s.last("st").await.expect("last").version, 2);
    assert_eq!(s.history("st").await.expect("history").len(), 2);
    let objs: Value = serde_json::from_str(&c.kubectl_ok(&[
        "get",
        plural,
        "-n",
        &ns,
        "-l",
        "owner=helm,name=st,version=1",
        "-o",
        "json",
    ]))
    .unwrap();
    let labels = &objs["items"][0]["metadata"]["labels"];
    assert_eq!(labels["status"], "superseded");
    assert!(labels["modifiedAt"].as_str().is_some());
    assert!(labels.get("createdAt").is_none());

    // History pruning keeps the newest max-1 plus the deployed one.
    s.max_history = 2;
    let mut r3 = record("st", 3, Status::Failed);
    r3.namespace = ns.name.clone();
    s.create(&r3).await.expect("create v3");
    let versions: Vec<i64> = s
        .history("st")
        .await
        .unwrap()
        .iter()
        .map(|r| r.version)
        .collect();
    assert_eq!(versions, [2, 3]);

    assert!(matches!(s.get("st", 9).await, Err(StorageError::NotFound)));
    assert_eq!(
        s.deployed("zz").await.unwrap_err().to_string(),
        "\"zz\" has no deployed releases"
    );
    assert_eq!(s.delete("st", 3).await.expect("delete").version, 3);
    assert!(matches!(
        s.delete("st", 3).await,
        Err(StorageError::NotFound)
    ));

    // The all-namespaces store sees the record too.
    let all = storage(c, kind, "").await;
    assert!(
        all.list_all()
            .await
            .unwrap()
            .iter()
            .any(|r| r.namespace == ns.name)
    );
}

#[tokio::test]
async fn storage_secrets_driver() {
    let Some(c) = cluster() else { return };
    storage_roundtrip(&c, DriverKind::Secret, "secrets").await;
}

#[tokio::test]
async fn storage_configmaps_driver() {
    let Some(c) = cluster() else { return };
    storage_roundtrip(&c, DriverKind::ConfigMap, "configmaps").await;
}

#[test]
fn helm_reads_records_capstan_wrote() {
    let Some(c) = cluster() else { return };
    let ns = c.namespace("storage-helm");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let s = storage(&c, DriverKind::Secret, &ns).await;
        let mut r = record("byhand", 1, Status::Deployed);
        r.namespace = ns.name.clone();
        r.chart = None;
        s.create(&r).await.expect("create");
    });
    let h = c.helm_ok(&["history", "byhand", "-n", &ns]);
    assert_eq!(h, c.capstan_ok(&["history", "byhand", "-n", &ns]));
    assert!(h.contains("MISSING") && h.contains("test"), "{h}");
    assert_eq!(
        c.helm_ok(&["list", "-n", &ns]),
        c.capstan_ok(&["list", "-n", &ns])
    );
}

#[test]
fn uninstall_runs_delete_hooks() {
    let Some(c) = cluster() else { return };
    let ns = c.namespace("lifecycle-hooks");
    let hook = |name: &str, event: &str| {
        format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{{{ .Release.Name }}}}-{name}\n  annotations:\n    helm.sh/hook: {event}\ndata: {{}}\n"
        )
    };
    let pre = hook("pre", "pre-delete");
    let post = hook("post", "post-delete");
    let (_dir, path) = chart(
        "hooked",
        &[
            ("values.yaml", "x: one\n"),
            (
                "templates/cm.yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-cm\ndata: {}\n",
            ),
            ("templates/pre.yaml", &pre),
            ("templates/post.yaml", &post),
        ],
    );
    let p = path.to_str().unwrap_or_default();
    c.capstan_ok(&["install", "hk", p, "-n", &ns]);
    c.capstan_ok(&["install", "nohk", p, "-n", &ns]);
    assert!(c.get_json("configmap", &ns, "hk-pre").is_none());
    assert_eq!(
        c.capstan_ok(&["uninstall", "hk", "-n", &ns]),
        "release \"hk\" uninstalled\n"
    );
    assert!(c.get_json("configmap", &ns, "hk-cm").is_none());
    assert!(c.get_json("configmap", &ns, "hk-pre").is_some());
    assert!(c.get_json("configmap", &ns, "hk-post").is_some());
    c.capstan_ok(&[
        "uninstall",
        "nohk",
        "-n",
        &ns,
        "--no-hooks",
        "--keep-history",
    ]);
    assert!(c.get_json("configmap", &ns, "nohk-cm").is_none());
    assert!(c.get_json("configmap", &ns, "nohk-pre").is_none());
    assert!(c.get_json("configmap", &ns, "nohk-post").is_none());
    // With --keep-history the record keeps the hooks as they were.
    let recs = c.releases(&ns, "nohk");
    assert_eq!(recs[0].status(), Status::Uninstalled);
    assert!(
        recs[0]
            .hooks
            .iter()
            .all(|h| h.last_run.started_at.is_none())
    );
}
