//! Cluster tests: hooks. Weights order the runs, delete policies decide what stays, a
//! failing hook Job fails the operation, and `--rollback-on-failure` undoes it.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use super::common::{self, Cluster};
use super::drift::{capstan_ok, chart, kubectl, must, namespace, releases};

/// A hook manifest: `kind` Job or ConfigMap named `name`.
fn hook(kind: &str, name: &str, event: &str, weight: i64, policy: Option<&str>) -> String {
    let mut ann =
        format!("    \"helm.sh/hook\": {event}\n    \"helm.sh/hook-weight\": \"{weight}\"\n");
    if let Some(p) = policy {
        ann.push_str(&format!("    \"helm.sh/hook-delete-policy\": {p}\n"));
    }
    match kind {
        "Job" => format!(
            "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: {name}\n  annotations:\n{ann}spec:\n  backoffLimit: 0\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n        - name: main\n          image: busybox:1.36\n"
        ),
        _ => format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n  annotations:\n{ann}data:\n  k: v\n"
        ),
    }
}

/// Plays the Job controller while `f` runs: Jobs named `fail*` fail, others complete.
fn with_job_controller<T>(c: &Cluster, ns: &str, f: impl FnOnce() -> T) -> T {
    with_slow_job_controller(c, ns, Duration::ZERO, f)
}

/// [`with_job_controller`], finishing each Job only `delay` after first seeing it.
pub(crate) fn with_slow_job_controller<T>(
    c: &Cluster,
    ns: &str,
    delay: Duration,
    f: impl FnOnce() -> T,
) -> T {
    let stop = AtomicBool::new(false);
    std::thread::scope(|s| {
        s.spawn(|| {
            let mut seen: std::collections::HashMap<String, std::time::Instant> =
                std::collections::HashMap::new();
            while !stop.load(Ordering::Relaxed) {
                let out = kubectl(c, &["get", "jobs", "-n", ns, "-o", "json"]);
                let list: serde_json::Value =
                    serde_json::from_slice(&out.stdout).unwrap_or_default();
                for j in list["items"].as_array().into_iter().flatten() {
                    if j.pointer("/status/conditions").is_some() {
                        continue;
                    }
                    let name = j["metadata"]["name"].as_str().unwrap_or_default();
                    let uid = j["metadata"]["uid"].as_str().unwrap_or_default().to_string();
                    let first = *seen.entry(uid).or_insert_with(std::time::Instant::now);
                    if first.elapsed() < delay {
                        continue;
                    }
                    let status = if name.starts_with("fail") {
                        r#"{"status":{"failed":1,"conditions":[{"type":"Failed","status":"True","reason":"BackoffLimitExceeded"}]}}"#
                    } else {
                        r#"{"status":{"succeeded":1,"conditions":[{"type":"Complete","status":"True"}]}}"#
                    };
                    let _ = kubectl(
                        c,
                        &[
                            "patch", "job", name, "-n", ns, "--subresource=status",
                            "--type=merge", "-p", status,
                        ],
                    );
                }
                std::thread::sleep(Duration::from_millis(250));
            }
        });
        let r = f();
        stop.store(true, Ordering::Relaxed);
        r
    })
}

fn exists(c: &Cluster, ns: &str, kind: &str, name: &str) -> bool {
    kubectl(c, &["get", kind, name, "-n", ns]).status.success()
}

fn ts(t: &Option<String>) -> jiff::Timestamp {
    t.as_deref()
        .and_then(|s| s.parse().ok())
        .expect("hook run time recorded")
}

#[test]
fn hooks_run_by_weight_with_delete_policies() {
    let Some(c) = common::cluster() else { return };
    let ns = namespace(&c, "hooks-order");
    let ch = chart(
        "hooked",
        &[
            (
                "templates/cm.yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: plain\ndata:\n  a: b\n",
            ),
            (
                "templates/pre-a.yaml",
                &hook(
                    "ConfigMap",
                    "pre-a",
                    "pre-install",
                    5,
                    Some("hook-succeeded"),
                ),
            ),
            (
                "templates/pre-b.yaml",
                &hook("Job", "pre-b", "pre-install", 1, None),
            ),
            (
                "templates/pre-c.yaml",
                &hook("Job", "pre-c", "pre-install", -1, Some("hook-succeeded")),
            ),
            (
                "templates/post.yaml",
                &hook("ConfigMap", "post-z", "post-install", 0, None),
            ),
        ],
    );
    with_job_controller(&c, &ns.name, || {
        capstan_ok(&c, &["install", "h", ch.path(), "-n", &ns.name]);
    });
    // hook-succeeded hooks are gone, the others (before-hook-creation) stay.
    assert!(!exists(&c, &ns.name, "configmap", "pre-a"));
    assert!(!exists(&c, &ns.name, "job", "pre-c"));
    assert!(exists(&c, &ns.name, "job", "pre-b"));
    assert!(exists(&c, &ns.name, "configmap", "post-z"));
    assert!(exists(&c, &ns.name, "configmap", "plain"));

    let rels = releases(&c, &ns.name, "h");
    assert_eq!(rels.len(), 1);
    assert_eq!(rels[0].status().to_string(), "deployed");
    let hooks = &rels[0].hooks;
    let by = |n: &str| hooks.iter().find(|h| h.name == n).expect("hook recorded");
    for n in ["pre-a", "pre-b", "pre-c", "post-z"] {
        assert_eq!(by(n).last_run.phase, "Succeeded", "{n}");
    }
    assert_eq!(by("pre-b").delete_policies, ["before-hook-creation"]);
    // Weight order: pre-c (-1), pre-b (1), pre-a (5), then post-install.
    let order = ["pre-c", "pre-b", "pre-a", "post-z"];
    for w in order.windows(2) {
        assert!(
            ts(&by(w[0]).last_run.completed_at) <= ts(&by(w[1]).last_run.started_at),
            "{} ran before {}",
            w[0],
            w[1]
        );
    }

    // A second run replaces the before-hook-creation Job instead of failing on it.
    with_job_controller(&c, &ns.name, || {
        capstan_ok(&c, &["upgrade", "h", ch.path(), "-n", &ns.name]);
    });
}

#[test]
fn failing_hook_fails_install() {
    let Some(c) = common::cluster() else { return };
    let ns = namespace(&c, "hooks-fail");
    let ch = chart(
        "failing",
        &[
            (
                "templates/cm.yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: plain\ndata:\n  a: b\n",
            ),
            (
                "templates/fail.yaml",
                &hook("Job", "fail-job", "pre-install", 0, Some("hook-failed")),
            ),
        ],
    );
    let out = with_job_controller(&c, &ns.name, || {
        c.capstan(&[
            "install",
            "f",
            ch.path(),
            "-n",
            &ns.name,
            "--timeout",
            "60s",
        ])
    });
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("Error: INSTALLATION FAILED: failed pre-install: "),
        "{err}"
    );
    // hook-failed: the Job is deleted; the release's own objects were never applied.
    assert!(!exists(&c, &ns.name, "job", "fail-job"));
    assert!(!exists(&c, &ns.name, "configmap", "plain"));
    let rels = releases(&c, &ns.name, "f");
    assert_eq!(rels.len(), 1);
    assert_eq!(rels[0].status().to_string(), "failed");
    let desc = rels[0]
        .info
        .as_ref()
        .map(|i| i.description.clone())
        .unwrap_or_default();
    assert!(
        desc.starts_with("Release \"f\" failed: failed pre-install: "),
        "{desc}"
    );
    assert_eq!(rels[0].hooks[0].last_run.phase, "Failed");
}

#[test]
fn rollback_on_failure_undoes_install_and_upgrade() {
    let Some(c) = common::cluster() else { return };
    let ns = namespace(&c, "hooks-rof");
    let bad = chart(
        "bad",
        &[
            (
                "templates/cm.yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: plain\ndata:\n  a: b\n",
            ),
            (
                "templates/fail.yaml",
                &hook("Job", "fail-job", "pre-install,pre-upgrade", 0, None),
            ),
        ],
    );
    // Install: uninstalled again, nothing left behind.
    let out = with_job_controller(&c, &ns.name, || {
        c.capstan(&[
            "install",
            "r",
            bad.path(),
            "-n",
            &ns.name,
            "--rollback-on-failure",
            "--timeout",
            "60s",
        ])
    });
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("release r failed, and has been uninstalled due to rollback-on-failure being set: failed pre-install: "),
        "{err}"
    );
    assert!(releases(&c, &ns.name, "r").is_empty());
    assert!(!exists(&c, &ns.name, "configmap", "plain"));

    // Upgrade: rolled back to the last good revision.
    let good = chart(
        "good",
        &[(
            "templates/cm.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: plain\ndata:\n  a: good\n",
        )],
    );
    capstan_ok(&c, &["install", "r", good.path(), "-n", &ns.name]);
    let out = with_job_controller(&c, &ns.name, || {
        c.capstan(&[
            "upgrade",
            "r",
            bad.path(),
            "-n",
            &ns.name,
            "--rollback-on-failure",
            "--timeout",
            "60s",
        ])
    });
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("release r failed, and has been rolled back due to rollback-on-failure being set: pre-upgrade hooks failed: "),
        "{err}"
    );
    let rels = releases(&c, &ns.name, "r");
    let statuses: Vec<String> = rels.iter().map(|r| r.status().to_string()).collect();
    assert_eq!(statuses, ["superseded", "failed", "deployed"]);
    assert_eq!(
        rels[2].info.as_ref().map(|i| i.description.as_str()),
        Some("Rollback to 1")
    );
    let data = must(
        "get plain",
        kubectl(
            &c,
            &[
                "get",
                "configmap",
                "plain",
                "-n",
                &ns.name,
                "-o",
                "jsonpath={.data.a}",
            ],
        ),
    );
    assert_eq!(data, "good");
}

#[test]
fn release_tests_run_and_report() {
    let Some(c) = common::cluster() else { return };
    let ns = namespace(&c, "hooks-test");
    let ch = chart(
        "tested",
        &[
            (
                "templates/cm.yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: plain\ndata:\n  a: b\n",
            ),
            ("templates/t1.yaml", &hook("Job", "smoke", "test", 0, None)),
            (
                "templates/t2.yaml",
                &hook("Job", "fail-smoke", "test", 1, None),
            ),
        ],
    );
    capstan_ok(&c, &["install", "t", ch.path(), "-n", &ns.name]);
    // Only the passing test.
    let out = with_job_controller(&c, &ns.name, || {
        capstan_ok(&c, &["test", "t", "-n", &ns.name, "--filter", "name=smoke"])
    });
    assert!(
        out.contains("TEST SUITE:     smoke\nLast Started:   "),
        "{out}"
    );
    assert!(out.contains("Phase:          Succeeded\n"), "{out}");
    assert!(!out.contains("fail-smoke"), "{out}");
    // Both: the failing one fails the command, after the status is printed.
    let out = with_job_controller(&c, &ns.name, || {
        c.capstan(&["test", "t", "-n", &ns.name, "--timeout", "60s"])
    });
    assert!(!out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("TEST SUITE:     fail-smoke"), "{stdout}");
    assert!(stdout.contains("Phase:          Failed"), "{stdout}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("Error: ") && err.contains("fail-smoke"),
        "{err}"
    );
    let rels = releases(&c, &ns.name, "t");
    let phases: Vec<(&str, &str)> = rels[0]
        .hooks
        .iter()
        .map(|h| (h.name.as_str(), h.last_run.phase.as_str()))
        .collect();
    assert!(phases.contains(&("smoke", "Succeeded")), "{phases:?}");
    assert!(phases.contains(&("fail-smoke", "Failed")), "{phases:?}");
}
