use super::*;
use serde_json::{Value, json};

/// `helm install drift --dry-run=client -o json` from Helm 4.2.3: Go's encoding of a record.
const HELM_JSON: &str = include_str!("testdata/helm-dry-run.json");
/// The same record gzipped and base64-encoded, as Helm's Secret driver stores it.
const HELM_RECORD: &str = include_str!("testdata/helm-dry-run.record");
/// The same record base64-encoded without gzip (the legacy form Helm still reads).
const HELM_LEGACY: &str = include_str!("testdata/helm-dry-run.legacy");

fn sample() -> Release {
    let mut config = serde_json::Map::new();
    config.insert("replicas".into(), json!(3));
    Release {
        name: "web".into(),
        namespace: "prod".into(),
        version: 2,
        info: Some(Info {
            first_deployed: Some("2026-01-02T03:04:05.123456789Z".into()),
            last_deployed: Some("2026-01-03T03:04:05Z".into()),
            description: "Upgrade complete".into(),
            status: Status::Deployed,
            notes: "visit <http://x> & enjoy".into(),
            ..Info::default()
        }),
        chart: Some(ChartRecord {
            metadata: Some(ChartMetadata {
                name: "web".into(),
                version: "1.2.3".into(),
                api_version: "v2".into(),
                ..ChartMetadata::default()
            }),
            templates: Some(vec![ChartFile {
                name: "templates/a.yaml".into(),
                data: b"kind: ConfigMap\n".to_vec(),
                modtime: None,
            }]),
            values: Some(serde_json::Map::new()),
            schemamodtime: GO_ZERO_TIME.into(),
            ..ChartRecord::default()
        }),
        config,
        manifest: "---\n# Source: web/templates/a.yaml\nkind: ConfigMap\n".into(),
        hooks: vec![Hook {
            name: "pre".into(),
            kind: "Job".into(),
            events: vec!["pre-install".into()],
            weight: -5,
            delete_policies: vec!["before-hook-creation".into()],
            last_run: HookExecution {
                phase: "Succeeded".into(),
                ..HookExecution::default()
            },
            ..Hook::default()
        }],
        apply_method: APPLY_METHOD_CLIENT_SIDE.into(),
        labels: BTreeMap::new(),
    }
}

#[test]
fn decodes_helm_json_and_writes_it_back_byte_for_byte() {
    let rel: Release = serde_json::from_str(HELM_JSON).unwrap();
    assert_eq!(rel.name, "drift");
    assert_eq!(rel.namespace, "ns1");
    assert_eq!(rel.version, 1);
    assert_eq!(rel.status(), Status::PendingInstall);
    assert_eq!(rel.apply_method, "ssa");
    let chart = rel.chart.as_ref().unwrap();
    assert_eq!(chart.metadata.as_ref().unwrap().name, "drift");
    assert!(
        chart
            .templates
            .iter()
            .flatten()
            .any(|t| t.name == "templates/deploy.yaml")
    );
    assert_eq!(rel.hooks[0].weight, -5);
    assert_eq!(rel.hooks[0].events, ["pre-install", "pre-upgrade"]);
    assert_eq!(rel.config["x"]["a"], "<&>");
    assert_eq!(
        String::from_utf8(to_json(&rel)).unwrap(),
        HELM_JSON,
        "re-encoding must reproduce Go's JSON"
    );
}

#[test]
fn decodes_gzipped_and_legacy_records() {
    let expected: Release = serde_json::from_str(HELM_JSON).unwrap();
    assert_eq!(decode(HELM_RECORD).unwrap(), expected);
    assert_eq!(decode(HELM_LEGACY).unwrap(), expected);
    let wrapped: String = HELM_RECORD
        .as_bytes()
        .chunks(76)
        .map(|c| format!("{}\n", std::str::from_utf8(c).unwrap()))
        .collect();
    assert_eq!(decode(&wrapped).unwrap(), expected);
}

#[test]
fn encode_round_trips() {
    let rel = sample();
    let encoded = encode(&rel);
    assert!(
        encoded.starts_with("H4sI"),
        "gzip magic in base64: {encoded}"
    );
    assert_eq!(decode(&encoded).unwrap(), rel);
}

#[test]
fn json_uses_helm_field_names_and_go_escaping() {
    let text = String::from_utf8(to_json(&sample())).unwrap();
    for field in [
        r#""first_deployed":"2026-01-02T03:04:05.123456789Z""#,
        r#""status":"deployed""#,
        r#""notes":"visit \u003chttp://x\u003e \u0026 enjoy""#,
        r#""last_run":{"phase":"Succeeded"}"#,
        r#""delete_policies":["before-hook-creation"]"#,
        r#""schemamodtime":"0001-01-01T00:00:00Z""#,
        r#""lock":null"#,
        r#""schema":null"#,
        r#""apply_method":"csa""#,
        r#""data":"a2luZDogQ29uZmlnTWFwCg==""#,
    ] {
        assert!(text.contains(field), "{field} missing from {text}");
    }
    assert!(!text.contains("deleted"), "zero times are omitted");
    assert!(!text.contains("labels"), "labels never go into the record");
}

#[test]
fn config_keys_are_sorted_like_go_maps() {
    let mut rel = Release::default();
    rel.config
        .insert("zeta".into(), json!({"b": 1, "a": [ {"y": 1, "x": 2} ]}));
    rel.config.insert("alpha".into(), json!(0.5));
    let text = String::from_utf8(to_json(&rel)).unwrap();
    assert_eq!(
        text,
        r#"{"config":{"alpha":0.5,"zeta":{"a":[{"x":2,"y":1}],"b":1}}}"#
    );
}

#[test]
fn empty_times_and_nulls_read_as_zero() {
    let rel: Release = serde_json::from_str(
        r#"{"name":"a","info":{"first_deployed":"","deleted":null,"status":"failed"},
            "hooks":[{"name":"h","last_run":{"started_at":"","phase":"Failed"},"events":null}],
            "config":null,"chart":{"metadata":null,"templates":null,"values":null}}"#,
    )
    .unwrap();
    let info = rel.info.as_ref().unwrap();
    assert_eq!(info.first_deployed, None);
    assert_eq!(info.deleted, None);
    assert_eq!(rel.status(), Status::Failed);
    assert_eq!(rel.hooks[0].last_run.started_at, None);
    assert!(rel.config.is_empty());
}

#[test]
fn bad_records_are_errors_not_panics() {
    assert!(matches!(decode("not base64!"), Err(DecodeError::Base64(_))));
    assert!(decode("e30K").is_ok(), "legacy '{{}}' decodes");
    assert!(matches!(decode("H4sIAAAA"), Err(DecodeError::Gzip(_))));
    assert!(matches!(decode("MQ=="), Err(DecodeError::Json(_))));
}

#[test]
fn statuses() {
    for s in [
        "unknown",
        "deployed",
        "uninstalled",
        "superseded",
        "failed",
        "uninstalling",
        "pending-install",
        "pending-upgrade",
        "pending-rollback",
    ] {
        assert_eq!(Status::parse(s).as_str(), s);
    }
    assert!(Status::PendingUpgrade.is_pending());
    assert!(!Status::Deployed.is_pending());
    assert_eq!(Status::parse("weird"), Status::Other("weird".into()));
}

#[test]
fn secret_object_like_helm() {
    let mut rel = sample();
    rel.labels.insert("team".into(), "a".into());
    let mut extra = BTreeMap::new();
    extra.insert("createdAt".to_string(), "1700000000".to_string());
    let obj = storage_object(&rel, StorageKind::Secret, "prod", &extra).unwrap();
    assert_eq!(obj["kind"], "Secret");
    assert_eq!(obj["type"], "helm.sh/release.v1");
    assert_eq!(obj["metadata"]["name"], "sh.helm.release.v1.web.v2");
    assert_eq!(obj["metadata"]["namespace"], "prod");
    assert_eq!(
        obj["metadata"]["labels"],
        json!({"createdAt": "1700000000", "name": "web", "owner": "helm",
               "status": "deployed", "team": "a", "version": "2"})
    );
    let back = decode_storage_object(&obj).unwrap();
    assert_eq!(back.labels.get("team").map(String::as_str), Some("a"));
    assert_eq!(back.labels.len(), 1, "system labels are filtered");
    assert_eq!(back, rel);
    assert_eq!(label_status(&obj), Some(Status::Deployed));
}

#[test]
fn configmap_object_holds_the_record_as_text() {
    let rel = sample();
    let obj = storage_object(&rel, StorageKind::ConfigMap, "", &BTreeMap::new()).unwrap();
    assert_eq!(obj["kind"], "ConfigMap");
    assert!(obj.get("type").is_none());
    assert!(obj["metadata"].get("namespace").is_none());
    assert!(obj["data"]["release"].as_str().unwrap().starts_with("H4sI"));
    assert_eq!(decode_storage_object(&obj).unwrap(), rel);
}

#[test]
fn reads_a_secret_holding_helms_record() {
    use base64::Engine as _;
    let secret = json!({
        "apiVersion": "v1", "kind": "Secret", "type": "helm.sh/release.v1",
        "metadata": {"name": "sh.helm.release.v1.drift.v1",
                     "labels": {"name": "drift", "owner": "helm", "status": "deployed", "version": "1"}},
        "data": {"release": base64::engine::general_purpose::STANDARD.encode(HELM_RECORD)},
    });
    let rel = decode_storage_object(&secret).unwrap();
    assert_eq!(rel.name, "drift");
    assert!(rel.labels.is_empty());
}

#[test]
fn oversized_records_fail_before_anything_is_applied() {
    // Incompressible content: a pseudo-random manifest larger than 1 MiB once encoded.
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let manifest: String = (0..1_000_000)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            char::from(b'!' + (x % 90) as u8)
        })
        .collect();
    let rel = Release {
        name: "big".into(),
        version: 1,
        manifest,
        ..Release::default()
    };
    let err = storage_object(&rel, StorageKind::Secret, "ns", &BTreeMap::new()).unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.starts_with("release big revision 1 is too large to store"),
        "{msg}"
    );
    assert!(
        msg.contains("1048576-byte (1 MiB) limit of a Kubernetes Secret"),
        "{msg}"
    );
}

#[test]
fn storage_objects_without_data_are_errors() {
    let err = decode_storage_object(&json!({"kind": "Secret", "metadata": {"name": "x"}}));
    assert_eq!(err.unwrap_err(), StorageError::MissingData("x".into()));
    let err = decode_storage_object(&json!({"kind": "Secret", "data": {"release": "%%"}}));
    assert!(matches!(err, Err(StorageError::Decode { .. })));
}

#[test]
fn keys() {
    assert_eq!(storage_key("my-app", 12), "sh.helm.release.v1.my-app.v12");
}

#[test]
fn times_are_written_like_go() {
    let t = |s: &str| go_time_string(s.parse::<jiff::Timestamp>().unwrap());
    assert_eq!(
        t("2026-11-25T14:28:43.727174337Z"),
        "2026-11-25T14:28:43.727174337Z"
    );
    assert_eq!(
        t("2026-11-25T14:28:35.795547260Z"),
        "2026-11-25T14:28:35.79554726Z"
    );
    assert_eq!(t("2026-11-25T14:28:35Z"), "2026-11-25T14:28:35Z");
    assert_eq!(t("2026-11-25T14:28:35.5Z"), "2026-11-25T14:28:35.5Z");
}

#[test]
fn chart_record_from_a_loaded_chart_matches_helms() {
    let mut files = std::collections::BTreeMap::new();
    files.insert(
        "Chart.yaml".to_string(),
        b"apiVersion: v2\nname: demo\nversion: 0.1.0\nappVersion: \"1.0\"\nmaintainers:\n  - name: me\n    email: me@example.com\n".to_vec(),
    );
    files.insert(
        "values.yaml".to_string(),
        b"replicas: 3\nimage: nginx\n".to_vec(),
    );
    files.insert(
        "templates/cm.yaml".to_string(),
        b"kind: ConfigMap\n".to_vec(),
    );
    files.insert("values.schema.json".to_string(), b"{}".to_vec());
    files.insert("README.md".to_string(), b"hi".to_vec());
    let chart = crate::chart::load_files(files).unwrap();
    let rec = ChartRecord::from_chart(&chart);
    let json = serde_json::to_value(&rec).unwrap();
    assert_eq!(
        json["metadata"],
        json!({"name": "demo", "version": "0.1.0", "apiVersion": "v2", "appVersion": "1.0",
               "maintainers": [{"name": "me", "email": "me@example.com"}]})
    );
    assert_eq!(
        json["templates"],
        json!([{"name": "templates/cm.yaml", "data": "a2luZDogQ29uZmlnTWFwCg=="}])
    );
    let rel = Release {
        chart: Some(rec.clone()),
        ..Release::default()
    };
    let text = String::from_utf8(to_json(&rel)).unwrap();
    assert!(
        text.contains(r#""values":{"image":"nginx","replicas":3}"#),
        "{text}"
    );
    assert_eq!(json["schema"], "e30=");
    assert_eq!(
        json["files"],
        json!([{"name": "README.md", "data": "aGk="}])
    );
    assert_eq!(json["lock"], Value::Null);
}
