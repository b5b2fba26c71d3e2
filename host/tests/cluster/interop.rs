//! Cluster tests: Helm and Capstan share releases. Helm installs and Capstan reads,
//! upgrades, rolls back and uninstalls; Capstan installs and Helm reads and upgrades. The
//! read-only commands are compared with real helm 4.2.3 byte for byte.

use crate::common::{Cluster, chart, cluster, ok};
use serde_json::Value;

/// A chart with a plain object, a kept object, NOTES (with characters Go's JSON escapes)
/// and a test hook.
fn demo_chart() -> (crate::common::TempDir, std::path::PathBuf) {
    chart(
        "demo",
        &[
            (
                "Chart.yaml",
                "apiVersion: v2\nname: demo\nversion: 0.1.0\nappVersion: \"1.2\"\n",
            ),
            ("values.yaml", "x: one\nnested:\n  a: 1\n  b: [1, 2]\n"),
            (
                "templates/cm.yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-cm\ndata:\n  x: {{ .Values.x | quote }}\n",
            ),
            (
                "templates/kept.yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-kept\n  annotations:\n    helm.sh/resource-policy: keep\ndata: {}\n",
            ),
            (
                "templates/NOTES.txt",
                "Release {{ .Release.Name }} <&> revision {{ .Release.Revision }}.\n",
            ),
            (
                "templates/tests/t.yaml",
                "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Release.Name }}-t\n  annotations:\n    helm.sh/hook: test\nspec:\n  containers:\n  - name: c\n    image: busybox\n",
            ),
        ],
    )
}

/// Runs the same command through helm and capstan and requires identical stdout and
/// exit status (stderr too when the command fails).
fn same(c: &Cluster, args: &[&str]) {
    let h = c.helm(args);
    let ours = c.capstan(args);
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    assert_eq!(
        text(&ours.stdout),
        text(&h.stdout),
        "stdout of `{}` differs from helm's",
        args.join(" ")
    );
    assert_eq!(
        ours.status.code(),
        h.status.code(),
        "exit status of `{}` differs from helm's (stderr: {})",
        args.join(" "),
        text(&ours.stderr)
    );
    if !h.status.success() {
        assert_eq!(
            text(&ours.stderr),
            text(&h.stderr),
            "stderr of `{}`",
            args.join(" ")
        );
    }
}

/// The status table with each object's AGE (the last cell of a RESOURCES row, e.g. `8s`,
/// `2m3s`) masked: helm and capstan run a moment apart.
fn mask_age(status: &str) -> String {
    let is_age = |t: &str| {
        !t.is_empty()
            && t.chars().next().is_some_and(|c| c.is_ascii_digit())
            && t.chars().all(|c| c.is_ascii_digit() || "smhd".contains(c))
            && t.ends_with(['s', 'm', 'h', 'd'])
    };
    status
        .lines()
        .map(|l| match l.rsplit_once(' ') {
            Some((head, last)) if is_age(last) => format!("{head} <age>"),
            _ => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn helm_release_read_by_capstan() {
    let Some(c) = cluster() else { return };
    let ns = c.namespace("interop-read");
    let (_dir, path) = demo_chart();
    let p = path.to_str().unwrap_or_default();
    c.helm_ok(&["install", "r1", p, "-n", &ns, "--set", "x=two"]);
    c.helm_ok(&["upgrade", "r1", p, "-n", &ns, "--set", "nested.a=5"]);
    c.helm_ok(&["install", "r2", p, "-n", &ns]);
    for args in [
        vec!["list"],
        vec!["list", "-o", "json"],
        vec!["list", "-o", "yaml"],
        vec!["list", "--superseded"],
        vec!["list", "-r", "--no-headers"],
        vec!["list", "-q"],
        vec!["list", "-q", "-o", "json"],
        vec!["list", "-f", "r[2]"],
        vec!["list", "-l", "name=r1"],
        vec!["list", "-m", "1", "--offset", "1"],
        vec!["list", "-d", "--time-format", "2006-01-02 15:04:05Z0700"],
        vec!["history", "r1"],
        vec!["history", "r1", "-o", "json"],
        vec!["history", "r1", "-o", "yaml"],
        vec!["history", "r1", "--max", "1"],
        vec!["history", "nope"],
        vec!["status", "nope"],
        vec!["get", "values", "r1"],
        vec!["get", "values", "r1", "--revision", "1", "-o", "json"],
        vec!["get", "values", "r1", "-a"],
        vec!["get", "values", "r1", "-a", "-o", "yaml"],
        vec!["get", "manifest", "r1"],
        vec!["get", "notes", "r1"],
        vec!["get", "hooks", "r1"],
        vec!["get", "metadata", "r1"],
        vec!["get", "metadata", "r1", "-o", "json"],
        vec!["get", "metadata", "r1", "--revision", "1", "-o", "yaml"],
        vec!["get", "all", "r1"],
        vec![
            "get",
            "all",
            "r1",
            "--template",
            "{{.Release.Name}} {{.Release.Version}} {{.Release.Info.Status}} {{.Release.Info.LastDeployed}} {{.Release.Chart.Metadata.Version}} {{.Release.Config}} {{.Release.Labels}} {{range .Release.Hooks}}{{.Name}}{{.Events}}{{end}}",
        ],
        vec!["list", "-l", "modifiedAt,status!=failed,name in (r1, r2)"],
    ] {
        let mut full = args.clone();
        full.extend(["-n", &ns]);
        same(&c, &full);
    }
    // `list -A` sees releases of every namespace, so compare only this namespace's lines.
    let mine = |out: String| -> Vec<String> {
        out.lines()
            .filter(|l| l.contains(&*ns.name))
            .map(String::from)
            .collect()
    };
    assert_eq!(
        mine(c.capstan_ok(&["list", "-A", "--no-headers"])),
        mine(c.helm_ok(&["list", "-A", "--no-headers"]))
    );
    // One kind of object, so Helm's (map-ordered) RESOURCES block is deterministic.
    for rev in ["1", "2"] {
        let h = c.helm_ok(&["status", "r1", "-n", &ns, "--revision", rev]);
        let ours = c.capstan_ok(&["status", "r1", "-n", &ns, "--revision", rev]);
        assert!(h.contains("RESOURCES:\n==> v1/ConfigMap\n"), "{h}");
        assert_eq!(mask_age(&ours), mask_age(&h), "status --revision {rev}");
    }
    same(&c, &["status", "r1", "-n", &ns, "-o", "json"]);
    same(&c, &["status", "r2", "-n", &ns, "-o", "yaml"]);
}

#[test]
fn capstan_uninstalls_helm_release() {
    let Some(c) = cluster() else { return };
    let ns = c.namespace("interop-uninstall");
    let (_dir, path) = demo_chart();
    let p = path.to_str().unwrap_or_default();
    c.helm_ok(&["install", "u1", p, "-n", &ns]);
    c.helm_ok(&["install", "u2", p, "-n", &ns]);
    c.helm_ok(&["upgrade", "u2", p, "-n", &ns, "--set", "x=2"]);

    let out = c.capstan_ok(&["uninstall", "u1", "-n", &ns]);
    assert_eq!(
        out,
        "These resources were kept due to the resource policy:\n[ConfigMap] u1-kept\n\nrelease \"u1\" uninstalled\n"
    );
    assert!(c.release_secrets(&ns, "u1").is_empty());
    assert!(c.get_json("configmap", &ns, "u1-cm").is_none());
    assert!(c.get_json("configmap", &ns, "u1-kept").is_some());

    c.capstan_ok(&["uninstall", "u2", "-n", &ns, "--keep-history"]);
    let secrets = c.release_secrets(&ns, "u2");
    assert_eq!(secrets.len(), 2);
    let labels: Vec<String> = secrets
        .iter()
        .map(|s| {
            s.pointer("/metadata/labels/status")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string()
        })
        .collect();
    assert_eq!(labels, ["superseded", "uninstalled"]);
    assert!(c.get_json("configmap", &ns, "u2-cm").is_none());
    // Helm reads what Capstan wrote.
    let hist = c.helm_ok(&["history", "u2", "-n", &ns, "-o", "json"]);
    let hist: Value = serde_json::from_str(&hist).unwrap();
    assert_eq!(hist[1]["status"], "uninstalled");
    assert_eq!(hist[1]["description"], "Uninstallation complete");
    same(&c, &["list", "--uninstalled", "-n", &ns]);
    same(&c, &["uninstall", "u2", "-n", &ns, "--keep-history"]);
    same(&c, &["uninstall", "nope", "-n", &ns]);
    same(&c, &["uninstall", "nope", "-n", &ns, "--ignore-not-found"]);
    // Purging an uninstalled release removes its history.
    c.capstan_ok(&["uninstall", "u2", "-n", &ns]);
    assert!(c.release_secrets(&ns, "u2").is_empty());
}

#[test]
fn storage_drivers_interoperate_with_helm() {
    let Some(c) = cluster() else { return };
    let ns = c.namespace("interop-driver");
    let (_dir, path) = demo_chart();
    let p = path.to_str().unwrap_or_default();
    // Helm writes ConfigMap records; Capstan (HELM_DRIVER=configmap) reads them and Helm
    // reads Capstan's writes.
    let helm_cm = |args: &[&str]| {
        let out = std::process::Command::new(
            std::env::var_os("CAPSTAN_HELM")
                .unwrap_or_else(|| "/root/.cache/helm-oracle/bin/helm".into()),
        )
        .args(args)
        .env("KUBECONFIG", &c.kubeconfig)
        .env("HELM_DRIVER", "configmap")
        .output()
        .expect("run helm");
        ok(&format!("helm {}", args.join(" ")), out)
    };
    let capstan_cm = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_capstan"))
            .args(args)
            .env("KUBECONFIG", &c.kubeconfig)
            .env("HELM_DRIVER", "configmap")
            .output()
            .expect("run capstan");
        ok(&format!("capstan {}", args.join(" ")), out)
    };
    helm_cm(&["install", "d1", p, "-n", &ns]);
    assert_eq!(
        capstan_cm(&["list", "-n", &ns]),
        helm_cm(&["list", "-n", &ns])
    );
    assert_eq!(
        capstan_cm(&["history", "d1", "-n", &ns]),
        helm_cm(&["history", "d1", "-n", &ns])
    );
    // The Secrets driver sees nothing.
    assert_eq!(c.capstan_ok(&["list", "-q", "-n", &ns]), "");
    capstan_cm(&["uninstall", "d1", "-n", &ns, "--keep-history"]);
    let h: Value =
        serde_json::from_str(&helm_cm(&["history", "d1", "-n", &ns, "-o", "json"])).unwrap();
    assert_eq!(h[0]["status"], "uninstalled");
    let cms = c.kubectl_ok(&[
        "get",
        "configmaps",
        "-n",
        &ns,
        "-l",
        "owner=helm,name=d1",
        "-o",
        "json",
    ]);
    let cms: Value = serde_json::from_str(&cms).unwrap();
    assert_eq!(
        cms.pointer("/items/0/metadata/labels/status"),
        Some(&Value::from("uninstalled"))
    );
}

#[test]
fn helm_install_capstan_upgrade_and_rollback() {
    let Some(c) = cluster() else { return };
    let ns = c.namespace("interop-upgrade");
    let (_dir, path) = demo_chart();
    let p = path.to_str().unwrap_or_default();
    c.helm_ok(&["install", "h1", p, "-n", &ns]);
    c.capstan_ok(&["upgrade", "h1", p, "-n", &ns, "--set", "x=up"]);
    let cm = c.get_json("configmap", &ns, "h1-cm").expect("configmap");
    assert_eq!(cm["data"]["x"], "up");
    c.capstan_ok(&["rollback", "h1", "1", "-n", &ns]);
    let cm = c.get_json("configmap", &ns, "h1-cm").expect("configmap");
    assert_eq!(cm["data"]["x"], "one");
    let hist: Value =
        serde_json::from_str(&c.helm_ok(&["history", "h1", "-n", &ns, "-o", "json"])).unwrap();
    let statuses: Vec<&str> = hist
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| r["status"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(statuses, ["superseded", "superseded", "deployed"]);
    assert_eq!(hist[2]["description"], "Rollback to 1");
    same(&c, &["history", "h1", "-n", &ns]);
    same(&c, &["get", "manifest", "h1", "-n", &ns]);
}

#[test]
fn capstan_install_helm_reads_and_upgrades() {
    let Some(c) = cluster() else { return };
    let ns = c.namespace("interop-install");
    let (_dir, path) = demo_chart();
    let p = path.to_str().unwrap_or_default();
    c.capstan_ok(&["install", "c1", p, "-n", &ns, "--set", "x=mine"]);
    same(&c, &["list", "-n", &ns]);
    same(&c, &["get", "manifest", "c1", "-n", &ns]);
    same(&c, &["get", "values", "c1", "-n", &ns]);
    same(&c, &["get", "notes", "c1", "-n", &ns]);
    same(&c, &["history", "c1", "-n", &ns]);
    let h = c.helm_ok(&["get", "manifest", "c1", "-n", &ns]);
    assert!(h.contains("name: c1-cm"));
    c.helm_ok(&["upgrade", "c1", p, "-n", &ns, "--set", "x=theirs"]);
    let cm = c.get_json("configmap", &ns, "c1-cm").expect("configmap");
    assert_eq!(cm["data"]["x"], "theirs");
    let out = c.capstan_ok(&["history", "c1", "-n", &ns, "-o", "json"]);
    let hist: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(hist[0]["status"], "superseded");
    assert_eq!(hist[1]["status"], "deployed");
    same(&c, &["get", "metadata", "c1", "-n", &ns, "-o", "json"]);
}

/// The record as `status -o json` shows it, with times and the release name masked.
fn masked_record(json: &str, name: &str) -> Value {
    fn walk(v: &mut Value) {
        match v {
            Value::String(s) if s.parse::<jiff::Timestamp>().is_ok() => *s = "T".into(),
            Value::Array(a) => a.iter_mut().for_each(walk),
            Value::Object(m) => m.values_mut().for_each(walk),
            _ => {}
        }
    }
    let mut v: Value = serde_json::from_str(&json.replace(name, "NAME")).expect("status JSON");
    walk(&mut v);
    v
}

#[test]
fn uninstall_records_match_helm() {
    let Some(c) = cluster() else { return };
    let ns = c.namespace("interop-twins");
    let (_dir, path) = chart(
        "twin",
        &[
            (
                "templates/cm.yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-cm\ndata: {}\n",
            ),
            (
                "templates/hooks.yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-pd\n  annotations:\n    helm.sh/hook: pre-delete,post-delete\n    helm.sh/hook-delete-policy: hook-succeeded\ndata: {}\n",
            ),
        ],
    );
    let p = path.to_str().unwrap_or_default();
    for name in ["twin-h", "twin-c"] {
        c.helm_ok(&["install", name, p, "-n", &ns]);
        c.helm_ok(&["upgrade", name, p, "-n", &ns]);
    }
    let h = c.helm_ok(&["uninstall", "twin-h", "-n", &ns, "--keep-history"]);
    let ours = c.capstan_ok(&["uninstall", "twin-c", "-n", &ns, "--keep-history"]);
    assert_eq!(ours.replace("twin-c", "twin-h"), h);
    for rev in ["1", "2"] {
        let get = |name: &str| {
            masked_record(
                &c.helm_ok(&["status", name, "-n", &ns, "--revision", rev, "-o", "json"]),
                name,
            )
        };
        assert_eq!(get("twin-c"), get("twin-h"), "revision {rev}");
    }
    assert!(c.get_json("configmap", &ns, "twin-c-cm").is_none());
    assert!(c.get_json("configmap", &ns, "twin-c-pd").is_none());
}
