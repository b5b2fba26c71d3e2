//! Cluster tests: an operation killed halfway. The revision it was writing stays readable
//! (as `pending-upgrade`), further upgrades are refused with Helm's "another operation is
//! in progress" error, and `rollback` is the way out, after which upgrades work again.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::common;

const DEPLOY: &str = r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
spec:
  replicas: {{ .Values.replicas }}
  selector:
    matchLabels: {app: app}
  template:
    metadata:
      labels: {app: app}
    spec:
      containers:
        - name: main
          image: busybox:1.36
"#;

fn statuses(c: &common::Cluster, ns: &str) -> Vec<String> {
    c.releases(ns, "killed")
        .iter()
        .map(|r| r.status().to_string())
        .collect()
}

#[test]
fn killed_upgrade_is_recovered_by_rollback() {
    let Some(c) = common::cluster() else { return };
    let ns = c.namespace("killed");
    let (_dir, ch) = common::chart(
        "killed",
        &[
            ("values.yaml", "replicas: 3\n"),
            ("templates/deploy.yaml", DEPLOY),
        ],
    );
    let chart = ch.to_str().expect("utf-8 path");
    c.capstan_ok(&["install", "killed", chart, "-n", &ns]);

    // No controllers run, so the Deployment never becomes ready: `--wait` holds the
    // upgrade in `pending-upgrade` until the process is killed.
    let mut child = Command::new(env!("CARGO_BIN_EXE_capstan"))
        .args(["upgrade", "killed", chart, "-n", &ns, "--set", "replicas=2"])
        .args(["--wait", "--timeout", "120s"])
        .env("KUBECONFIG", &c.kubeconfig)
        .env_remove("HELM_DRIVER")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start capstan upgrade");
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let replicas = c
            .get_json("deployment", &ns, "app")
            .and_then(|d| d.pointer("/spec/replicas").and_then(|r| r.as_i64()));
        if statuses(&c, &ns) == ["deployed", "pending-upgrade"] && replicas == Some(2) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the upgrade never reached its wait: {:?}",
            statuses(&c, &ns)
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    child.kill().expect("kill the upgrade");
    let _ = child.wait();

    // Every revision is still readable, by Capstan and by Helm.
    let history = c.capstan_ok(&["history", "killed", "-n", &ns]);
    assert!(history.contains("pending-upgrade"), "{history}");
    let helm_history = c.helm_ok(&["history", "killed", "-n", &ns]);
    assert!(helm_history.contains("pending-upgrade"), "{helm_history}");

    // A new upgrade is refused while the killed one looks in progress.
    let out = c.capstan(&["upgrade", "killed", chart, "-n", &ns]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("another operation (install/upgrade/rollback) is in progress"),
        "{err}"
    );

    // The way out: roll back to the last deployed revision.
    c.capstan_ok(&["rollback", "killed", "1", "-n", &ns]);
    let st = statuses(&c, &ns);
    assert_eq!(st.len(), 3, "{st:?}");
    assert_eq!(st[2], "deployed", "{st:?}");
    let replicas = c
        .get_json("deployment", &ns, "app")
        .and_then(|d| d.pointer("/spec/replicas").and_then(|r| r.as_i64()));
    assert_eq!(replicas, Some(3));

    // And upgrades work again.
    c.capstan_ok(&["upgrade", "killed", chart, "-n", &ns, "--set", "replicas=4"]);
    let st = statuses(&c, &ns);
    assert_eq!(st.last().map(String::as_str), Some("deployed"), "{st:?}");
    assert_eq!(st.len(), 4, "{st:?}");
}
