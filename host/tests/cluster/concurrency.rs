//! Cluster tests: concurrency. Two upgrades of one release at once: exactly one wins, the
//! other fails cleanly (its revision already exists, or an operation is in progress),
//! every revision stays readable and rollback still works.

use std::time::Duration;

use super::common;
use super::drift::{capstan_ok, chart, kubectl, must, namespace, releases};
use super::hooks::with_slow_job_controller;

const HOOK: &str = r#"apiVersion: batch/v1
kind: Job
metadata:
  name: slow-hook
  annotations:
    "helm.sh/hook": pre-upgrade
    "helm.sh/hook-delete-policy": before-hook-creation,hook-succeeded
spec:
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: main
          image: busybox:1.36
"#;

const CM: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: shared\ndata:\n  v: {{ .Values.v | quote }}\n";

#[test]
fn concurrent_upgrades_one_wins() {
    let Some(c) = common::cluster() else { return };
    let ns = namespace(&c, "concurrency");
    let ch = chart(
        "race",
        &[
            ("values.yaml", "v: zero\n"),
            ("templates/cm.yaml", CM),
            ("templates/hook.yaml", HOOK),
        ],
    );
    capstan_ok(&c, &["install", "race", ch.path(), "-n", &ns.name]);

    // The pre-upgrade hook holds each upgrade pending for a while, so both overlap.
    let (a, b) = with_slow_job_controller(&c, &ns.name, Duration::from_secs(4), || {
        std::thread::scope(|s| {
            let a = s.spawn(|| {
                c.capstan(&[
                    "upgrade",
                    "race",
                    ch.path(),
                    "-n",
                    &ns.name,
                    "--set",
                    "v=a",
                    "--timeout",
                    "60s",
                ])
            });
            let b = s.spawn(|| {
                c.capstan(&[
                    "upgrade",
                    "race",
                    ch.path(),
                    "-n",
                    &ns.name,
                    "--set",
                    "v=b",
                    "--timeout",
                    "60s",
                ])
            });
            (a.join().expect("upgrade a"), b.join().expect("upgrade b"))
        })
    });
    let wins = [&a, &b].iter().filter(|o| o.status.success()).count();
    assert_eq!(
        wins,
        1,
        "exactly one upgrade wins:\nA: {}\nB: {}",
        String::from_utf8_lossy(&a.stderr),
        String::from_utf8_lossy(&b.stderr)
    );
    let (winner, loser, value) = if a.status.success() {
        (&a, &b, "a")
    } else {
        (&b, &a, "b")
    };
    assert!(String::from_utf8_lossy(&winner.stdout).contains("has been upgraded"));
    let stderr = String::from_utf8_lossy(&loser.stderr);
    let err = stderr.lines().last().unwrap_or_default();
    assert!(
        err.starts_with("Error: UPGRADE FAILED: ")
            && (err.contains("already exists")
                || err.contains("another operation (install/upgrade/rollback) is in progress")),
        "loser's error: {err}"
    );

    // Nothing lost: both revisions decode, the winner's is deployed.
    let rels = releases(&c, &ns.name, "race");
    let statuses: Vec<String> = rels.iter().map(|r| r.status().to_string()).collect();
    assert_eq!(statuses, ["superseded", "deployed"]);
    assert_eq!(
        rels[1].config.get("v").and_then(|v| v.as_str()),
        Some(value)
    );
    let live = |c: &common::Cluster| {
        must(
            "get shared",
            kubectl(
                c,
                &[
                    "get",
                    "configmap",
                    "shared",
                    "-n",
                    &ns.name,
                    "-o",
                    "jsonpath={.data.v}",
                ],
            ),
        )
    };
    assert_eq!(live(&c), value);

    // Rollback still works.
    with_slow_job_controller(&c, &ns.name, Duration::ZERO, || {
        capstan_ok(&c, &["rollback", "race", "1", "-n", &ns.name]);
    });
    assert_eq!(live(&c), "zero");
    let rels = releases(&c, &ns.name, "race");
    let statuses: Vec<String> = rels.iter().map(|r| r.status().to_string()).collect();
    assert_eq!(statuses, ["superseded", "superseded", "deployed"]);
}
