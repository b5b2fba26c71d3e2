//! The cluster client layer (`capstan_host::kube`) on a real API server: connection,
//! discovery, build, create / update (server-side and client-side) / delete, waits.

use std::time::Duration;

use capstan_host::kube::{
    ApplyOptions, Kube, KubeError, KubeOptions, Progress, Propagation, ResourceList, WaitOptions,
};
use serde_json::json;

use crate::common::{Cluster, cluster};

fn cm(name: &str, data: &str) -> String {
    format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\ndata:\n{data}")
}

fn deployment(name: &str, replicas: u32) -> String {
    format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\nspec:\n  replicas: {replicas}\n  selector:\n    matchLabels:\n      app: {name}\n  template:\n    metadata:\n      labels:\n        app: {name}\n    spec:\n      containers:\n      - name: web\n        image: nginx:1.25\n        env:\n        - name: A\n          value: \"1\"\n"
    )
}

fn csa() -> ApplyOptions {
    ApplyOptions {
        server_side: false,
        ..Default::default()
    }
}

fn quick_wait(secs: u64) -> WaitOptions {
    WaitOptions {
        timeout: Duration::from_secs(secs),
        with_jobs: true,
        progress: Progress::Quiet,
    }
}

async fn build(kube: &Kube, yaml: &str) -> ResourceList {
    kube.build(yaml).await.expect("build")
}

#[tokio::test]
async fn connect_reports_version_namespace_and_api_versions() {
    let Some(c) = cluster() else { return };
    let kube = c.kube("somewhere").await;
    assert_eq!(kube.namespace(), "somewhere");
    let v = kube.server_version().await.unwrap();
    assert!(v.starts_with("v1."), "{v}");
    let apis = kube.api_versions().await.unwrap();
    for want in [
        "v1",
        "apps/v1",
        "apps/v1/Deployment",
        "v1/ConfigMap",
        "batch/v1/Job",
    ] {
        assert!(
            apis.iter().any(|a| a == want),
            "{want} missing from {apis:?}"
        );
    }

    let err = Kube::connect(&KubeOptions {
        kubeconfig: Some(c.kubeconfig.clone()),
        context: Some("nope".into()),
        ..Default::default()
    })
    .await
    .err()
    .unwrap();
    assert_eq!(
        err.to_string(),
        "kubernetes cluster unreachable: context \"nope\" does not exist"
    );
    let err = Kube::connect(&KubeOptions {
        kubeconfig: Some(c.kubeconfig.clone()),
        api_server: Some("https://127.0.0.1:1".into()),
        ..Default::default()
    })
    .await
    .err()
    .unwrap();
    assert_eq!(
        err.to_string(),
        "kubernetes cluster unreachable: Get \"https://127.0.0.1:1/version\": dial tcp 127.0.0.1:1: connect: connection refused"
    );
}

#[tokio::test]
async fn build_maps_kinds_and_defaults_namespaces() {
    let Some(c) = cluster() else { return };
    let kube = c.kube("team-a").await;
    let list = build(
        &kube,
        &format!(
            "{}\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: x\n---\n# only a comment\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: r\n  namespace: other\nrules: []\n",
            cm("a", "  k: v\n")
        ),
    )
    .await;
    let got: Vec<_> = list
        .0
        .iter()
        .map(|r| {
            (
                r.api.kind.as_str(),
                r.api.plural.as_str(),
                r.namespace.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("ConfigMap", "configmaps", Some("team-a")),
            ("Namespace", "namespaces", None),
            ("Role", "roles", Some("other")),
        ]
    );
    assert_eq!(list.0[0].object["metadata"]["namespace"], "team-a");

    let err = kube
        .build("apiVersion: bar/v1\nkind: Foo\nmetadata:\n  name: x\n")
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "resource mapping not found for name: \"x\" namespace: \"\" from \"\": no matches for kind \"Foo\" in version \"bar/v1\"\nensure CRDs are installed first"
    );
}

#[tokio::test]
async fn server_side_apply_create_update_delete() {
    let Some(c) = cluster() else { return };
    let ns = c.namespace("kube-ssa");
    let kube = c.kube(&ns).await;
    let v1 = build(
        &kube,
        &format!(
            "{}\n---\n{}\n---\n{}",
            cm("one", "  a: \"1\"\n  b: \"2\"\n"),
            cm("gone", "  x: \"z\"\n"),
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: kept\n  annotations:\n    helm.sh/resource-policy: keep\n"
        ),
    )
    .await;
    let created = kube.create(&v1, &ApplyOptions::default()).await.unwrap();
    assert_eq!(created.created.len(), 3);
    let live = kube.get(&v1.0[0]).await.unwrap().unwrap();
    assert_eq!(live["data"], json!({"a": "1", "b": "2"}));
    let managers: Vec<_> = live["metadata"]["managedFields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["manager"].as_str().unwrap(),
                m["operation"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(managers, [("helm", "Apply")]);

    let v2 = build(
        &kube,
        &format!(
            "{}\n---\n{}",
            cm("one", "  a: \"10\"\n"),
            cm("new", "  n: \"1\"\n")
        ),
    )
    .await;
    let changes = kube
        .update(&v1, &v2, &ApplyOptions::default())
        .await
        .unwrap();
    let names = |v: &[capstan_host::kube::ResourceRef]| {
        v.iter().map(|r| r.name.clone()).collect::<Vec<_>>()
    };
    assert_eq!(names(&changes.created), ["new"]);
    assert_eq!(names(&changes.updated), ["one"]);
    assert_eq!(names(&changes.deleted), ["gone"]);
    // SSA drops the field the chart stopped setting.
    assert_eq!(
        c.get_json("configmap", &ns, "one").unwrap()["data"],
        json!({"a": "10"})
    );
    assert!(c.get_json("configmap", &ns, "gone").is_none());
    assert!(c.get_json("configmap", &ns, "kept").is_some());

    let (deleted, errors) = kube.delete(&v2, Propagation::Background).await;
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(deleted.deleted.len(), 2);
    // Deleting again: missing objects are not errors.
    let (_, errors) = kube.delete(&v2, Propagation::Background).await;
    assert!(errors.is_empty(), "{errors:?}");
    kube.wait_for_delete(&v2, &quick_wait(20)).await.unwrap();
}

#[tokio::test]
async fn client_side_three_way_patch_repairs_drift() {
    let Some(c) = cluster() else { return };
    let ns = c.namespace("kube-csa");
    let kube = c.kube(&ns).await;
    let v1 = build(
        &kube,
        &format!(
            "{}\n---\n{}",
            cm("cfg", "  a: \"1\"\n"),
            deployment("web", 1)
        ),
    )
    .await;
    kube.create(&v1, &csa()).await.unwrap();
    // Someone edits a field the chart owns, and adds one of their own.
    c.kubectl_ok(&[
        "patch",
        "configmap",
        "cfg",
        "-n",
        &ns,
        "--type=merge",
        "-p",
        r#"{"data":{"a":"drifted","mine":"x"}}"#,
    ]);
    c.kubectl_ok(&["scale", "deployment", "web", "-n", &ns, "--replicas=3"]);

    let changes = kube.update(&v1, &v1, &csa()).await.unwrap();
    assert_eq!(changes.updated.len(), 2);
    assert_eq!(
        c.get_json("configmap", &ns, "cfg").unwrap()["data"],
        json!({"a": "1", "mine": "x"})
    );
    assert_eq!(
        c.get_json("deployment", &ns, "web").unwrap()["spec"]["replicas"],
        json!(1)
    );

    // A changed manifest patches strategically: the container list merges by name.
    let v2 = build(
        &kube,
        &format!(
            "{}\n---\n{}",
            cm("cfg", "  a: \"2\"\n"),
            deployment("web", 2).replace("value: \"1\"", "value: \"2\"")
        ),
    )
    .await;
    kube.update(&v1, &v2, &csa()).await.unwrap();
    let d = c.get_json("deployment", &ns, "web").unwrap();
    assert_eq!(d["spec"]["replicas"], json!(2));
    assert_eq!(
        d["spec"]["template"]["spec"]["containers"][0]["env"][0]["value"],
        json!("2")
    );

    // --force-replace puts the whole object.
    let opts = ApplyOptions {
        server_side: false,
        force_replace: true,
        ..Default::default()
    };
    c.kubectl_ok(&[
        "patch",
        "configmap",
        "cfg",
        "-n",
        &ns,
        "--type=merge",
        "-p",
        r#"{"data":{"mine":"x"}}"#,
    ]);
    kube.update(&v2, &v2, &opts).await.unwrap();
    assert_eq!(
        c.get_json("configmap", &ns, "cfg").unwrap()["data"],
        json!({"a": "2"})
    );
}

#[tokio::test]
async fn dry_run_changes_nothing() {
    let Some(c) = cluster() else { return };
    let ns = c.namespace("kube-dry");
    let kube = c.kube(&ns).await;
    let list = build(&kube, &cm("dry", "  a: \"1\"\n")).await;
    for server_side in [true, false] {
        let opts = ApplyOptions {
            server_side,
            dry_run: true,
            ..Default::default()
        };
        kube.create(&list, &opts).await.unwrap();
        assert!(c.get_json("configmap", &ns, "dry").is_none());
    }
}

const CRD: &str = "apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.NAME.example.com
spec:
  group: NAME.example.com
  scope: Namespaced
  names:
    plural: widgets
    singular: widget
    kind: Widget
  versions:
  - name: v1
    served: true
    storage: true
    subresources:
      status: {}
    schema:
      openAPIV3Schema:
        type: object
        x-kubernetes-preserve-unknown-fields: true
";

#[tokio::test]
async fn custom_resources_map_after_their_crd_is_created() {
    let Some(c) = cluster() else { return };
    let ns = c.namespace("kube-crd");
    let kube = c.kube(&ns).await;
    let group = format!("g{}", crate::common::unique());
    let cr = format!(
        "apiVersion: {group}.example.com/v1\nkind: Widget\nmetadata:\n  name: w\nspec:\n  size: 1\n"
    );
    // Before the CRD exists the kind does not map (and the miss is cached)…
    assert!(kube.build(&cr).await.is_err());
    let crd = build(&kube, &CRD.replace("NAME", &group)).await;
    kube.create(&crd, &ApplyOptions::default()).await.unwrap();
    kube.wait(&crd, &quick_wait(30)).await.unwrap();
    // …and maps once it does, through the same client.
    let v1 = build(&kube, &cr).await;
    assert!(v1.0[0].namespaced);
    kube.create(&v1, &csa()).await.unwrap();
    let v2 = build(&kube, &cr.replace("size: 1", "size: 2")).await;
    kube.update(&v1, &v2, &csa()).await.unwrap();
    let live = kube.get(&v2.0[0]).await.unwrap().unwrap();
    assert_eq!(live["spec"]["size"], json!(2));

    // Readiness of a custom resource follows its Ready condition.
    c.set_status(
        &format!("widgets.{group}.example.com"),
        &ns,
        "w",
        json!({"conditions": [{"type": "Ready", "status": "False", "message": "warming up"}]}),
    );
    let err = kube.wait(&v2, &quick_wait(2)).await.unwrap_err();
    assert!(matches!(err, KubeError::Timeout(_)));
    assert_eq!(
        err.to_string(),
        format!(
            "resource Widget/{}/w not ready. status: InProgress, message: warming up\ncontext deadline exceeded",
            &*ns
        )
    );
    c.set_status(
        &format!("widgets.{group}.example.com"),
        &ns,
        "w",
        json!({"conditions": [{"type": "Ready", "status": "True"}]}),
    );
    kube.wait(&v2, &quick_wait(10)).await.unwrap();

    // Background: foreground deletion of a custom resource waits for the garbage
    // collector to learn the new type (it resyncs discovery every 30 s), a flaky wait.
    let (_, errors) = kube.delete(&v2, Propagation::Background).await;
    assert!(errors.is_empty(), "{errors:?}");
    kube.wait_for_delete(&v2, &quick_wait(30)).await.unwrap();
    let (_, errors) = kube.delete(&crd, Propagation::Background).await;
    assert!(errors.is_empty(), "{errors:?}");
}

#[tokio::test]
async fn waits_follow_kstatus_and_hooks_fail_fast() {
    let Some(c) = cluster() else { return };
    let ns = c.namespace("kube-wait");
    let kube = c.kube(&ns).await;
    let list = build(&kube, &deployment("web", 1)).await;
    kube.create(&list, &ApplyOptions::default()).await.unwrap();
    let err = kube.wait(&list, &quick_wait(2)).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "resource Deployment/{}/web not ready. status: InProgress, message: Replicas: 0/1\ncontext deadline exceeded",
            &*ns
        )
    );
    let ready = json!({"observedGeneration": 1, "replicas": 1, "updatedReplicas": 1,
        "readyReplicas": 1, "availableReplicas": 1, "conditions": [
        {"type": "Progressing", "status": "True", "reason": "NewReplicaSetAvailable"},
        {"type": "Available", "status": "True", "reason": "MinimumReplicasAvailable"}]});
    c.set_status("deployment", &ns, "web", ready);
    kube.wait(&list, &quick_wait(10)).await.unwrap();

    let job = build(
        &kube,
        "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: hook\nspec:\n  backoffLimit: 0\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n      - name: c\n        image: busybox\n",
    )
    .await;
    kube.create(&job, &ApplyOptions::default()).await.unwrap();
    c.set_status(
        "job",
        &ns,
        "hook",
        json!({"failed": 1, "conditions": [{"type": "Failed", "status": "True", "reason": "BackoffLimitExceeded",
            "lastProbeTime": "2024-01-01T00:00:00Z", "lastTransitionTime": "2024-01-01T00:00:00Z"}]}),
    );
    let started = std::time::Instant::now();
    let err = kube
        .watch_until_ready(&job, Duration::from_secs(30))
        .await
        .unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(10));
    assert_eq!(
        err.to_string(),
        format!(
            "resource Job/{}/hook not ready. status: Failed, message: Job Failed. failed: 1/1",
            &*ns
        )
    );
}

#[tokio::test]
async fn ensure_namespace_is_idempotent() {
    let Some(c) = cluster() else { return };
    let kube = c.kube("default").await;
    let name = format!("kube-ens-{}", crate::common::unique());
    kube.ensure_namespace_with(&name, false).await.unwrap();
    kube.ensure_namespace_with(&name, false).await.unwrap();
    kube.ensure_namespace(&name).await.unwrap();
    let ns = c.get_json("namespace", "", &name).unwrap();
    assert_eq!(ns["metadata"]["labels"]["name"], json!(name));
    c.kubectl_ok(&["delete", "namespace", &name, "--wait=false"]);
    let _ = Cluster::namespace;
}

#[tokio::test]
async fn helm_connection_flags_override_the_kubeconfig() {
    let Some(c) = cluster() else { return };
    let base = KubeOptions {
        kubeconfig: Some(c.kubeconfig.clone()),
        namespace: Some("default".into()),
        ..Default::default()
    };
    let err = Kube::connect(&KubeOptions {
        token: Some("bad".into()),
        ..base.clone()
    })
    .await
    .err()
    .unwrap();
    assert_eq!(
        err.to_string(),
        "kubernetes cluster unreachable: the server has asked for the client to provide credentials"
    );
    let server = c.kubectl_ok(&[
        "config",
        "view",
        "--minify",
        "-o",
        "jsonpath={.clusters[0].cluster.server}",
    ]);
    let ca = c.kubeconfig.parent().unwrap().join("pki").join("ca.crt");
    // Reaching the server by IP while verifying the certificate for a name it carries.
    Kube::connect(&KubeOptions {
        api_server: Some(server.clone()),
        ca_file: Some(ca),
        tls_server_name: Some("kubernetes".into()),
        ..base.clone()
    })
    .await
    .expect("--kube-ca-file with --kube-tls-server-name");
    Kube::connect(&KubeOptions {
        api_server: Some(server.replace("127.0.0.1", "localhost")),
        insecure_skip_tls_verify: true,
        ..base.clone()
    })
    .await
    .expect("--kube-insecure-skip-tls-verify");

    let ns = c.namespace("kube-as");
    let nobody = Kube::connect(&KubeOptions {
        as_user: Some("nobody".into()),
        namespace: Some(ns.name.clone()),
        ..base.clone()
    })
    .await
    .expect("/version is public");
    let list = nobody.build(&cm("x", "  a: \"1\"\n")).await.unwrap();
    let err = nobody.get(&list.0[0]).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "configmaps \"x\" is forbidden: User \"nobody\" cannot get resource \"configmaps\" in API group \"\" in the namespace \"{}\"",
            &*ns
        )
    );
}

#[tokio::test]
async fn validation_reports_schema_errors_like_kubectl() {
    let Some(c) = cluster() else { return };
    let kube = c.kube("default").await;
    let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: c\n  labels: null\n  bogus: 1\nspec:\n  containers:\n  - null\n  - name: x\n    image: y\n    args: [1, {a: 1}]\n    env: {a: 1}\n    tty: 1\n    command: abc\n    ports: [[1]]\n";
    let err = kube.build_validated(pod).await.unwrap_err().to_string();
    assert_eq!(
        err,
        "error validating \"\": error validating data: [ValidationError(Pod.metadata): unknown field \"bogus\" in io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta, ValidationError(Pod.spec.containers): unknown object type \"nil\" in Pod.spec.containers[0], ValidationError(Pod.spec.containers[1].args[1]): invalid type for io.k8s.api.core.v1.Container.args: got \"map\", expected \"string\", ValidationError(Pod.spec.containers[1].command): invalid type for io.k8s.api.core.v1.Container.command: got \"string\", expected \"array\", ValidationError(Pod.spec.containers[1].env): invalid type for io.k8s.api.core.v1.Container.env: got \"map\", expected \"array\", ValidationError(Pod.spec.containers[1].ports[0]): invalid type for io.k8s.api.core.v1.ContainerPort: got \"array\", expected \"map\", ValidationError(Pod.spec.containers[1].tty): invalid type for io.k8s.api.core.v1.Container.tty: got \"integer\", expected \"boolean\"]"
    );
    let svc = "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  ports:\n  - port: \"80\"\n  - prt: 1\n";
    assert_eq!(
        kube.build_validated(svc).await.unwrap_err().to_string(),
        "error validating \"\": error validating data: [ValidationError(Service.spec.ports[0].port): invalid type for io.k8s.api.core.v1.ServicePort.port: got \"string\", expected \"integer\", ValidationError(Service.spec.ports[1]): unknown field \"prt\" in io.k8s.api.core.v1.ServicePort, ValidationError(Service.spec.ports[1]): missing required field \"port\" in io.k8s.api.core.v1.ServicePort]"
    );
    // Strings take numbers; nulls in objects are skipped; without validation it all builds.
    let ok = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  labels: null\nnope: null\ndata:\n  a: 1\n";
    kube.build_validated(ok).await.unwrap();
    kube.build(pod).await.unwrap();
}

#[tokio::test]
async fn switching_to_server_side_apply_takes_over_client_side_fields() {
    let Some(c) = cluster() else { return };
    let ns = c.namespace("kube-csa2ssa");
    let kube = c.kube(&ns).await;
    let v1 = build(
        &kube,
        &format!(
            "{}\n---\n{}",
            cm("up", "  a: \"1\"\n  b: \"2\"\n"),
            cm("plain", "  a: \"1\"\n  b: \"2\"\n")
        ),
    )
    .await;
    kube.create(&v1, &csa()).await.unwrap();
    let v2 = build(
        &kube,
        &format!(
            "{}\n---\n{}",
            cm("up", "  a: \"1\"\n"),
            cm("plain", "  a: \"1\"\n")
        ),
    )
    .await;
    let upgrade = ApplyOptions {
        upgrade_client_side_field_manager: true,
        ..Default::default()
    };
    let only = |l: &ResourceList, i: usize| ResourceList(vec![l.0[i].clone()]);
    kube.update(&only(&v1, 0), &only(&v2, 0), &upgrade)
        .await
        .unwrap();
    kube.update(&only(&v1, 1), &only(&v2, 1), &ApplyOptions::default())
        .await
        .unwrap();
    // With the upgrade the dropped key goes; without it the old Update entry still owns it.
    let up = c.get_json("configmap", &ns, "up").unwrap();
    assert_eq!(up["data"], json!({"a": "1"}));
    let live = kube.get(&v2.0[0]).await.unwrap().unwrap();
    let managers: Vec<_> = live["metadata"]["managedFields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["operation"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(managers, ["Apply"]);
    assert_eq!(
        c.get_json("configmap", &ns, "plain").unwrap()["data"],
        json!({"a": "1", "b": "2"})
    );
}

#[tokio::test]
async fn harness_marks_workloads_ready() {
    let Some(c) = cluster() else { return };
    let ns = c.namespace("kube-harness");
    let kube = c.kube(&ns).await;
    let sts = "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: db\nspec:\n  serviceName: db\n  replicas: 2\n  selector:\n    matchLabels: {app: db}\n  template:\n    metadata:\n      labels: {app: db}\n    spec:\n      containers:\n      - name: db\n        image: postgres\n";
    let job = "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: j\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n      - name: c\n        image: busybox\n";
    let list = build(
        &kube,
        &format!("{}\n---\n{sts}\n---\n{job}", deployment("web", 2)),
    )
    .await;
    let waiter = c.when_exists("job", &ns, "j", Duration::from_secs(20), {
        let ns = ns.name.clone();
        move |c| c.mark_ready("job", &ns, "j")
    });
    kube.create(&list, &ApplyOptions::default()).await.unwrap();
    assert!(waiter.join().unwrap());
    c.mark_ready("deployment", &ns, "web");
    c.mark_ready("statefulset", &ns, "db");
    kube.wait(&list, &quick_wait(10)).await.unwrap();

    c.set_status("job", &ns, "j", crate::common::failed_job_status());
    let err = kube.wait(&list, &quick_wait(10)).await.unwrap_err();
    assert!(matches!(err, KubeError::Other(_)), "{err:?}");
}

#[tokio::test]
async fn wait_timeouts_list_pending_resources_like_helm() {
    let Some(c) = cluster() else { return };
    let ns = c.namespace("kube-pending");
    let kube = c.kube(&ns).await;
    let list = build(
        &kube,
        "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: p\nspec:\n  accessModes: [ReadWriteOnce]\n  resources:\n    requests:\n      storage: 1Gi\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  type: LoadBalancer\n  ports:\n  - port: 80\n    protocol: TCP\n---\napiVersion: batch/v1\nkind: Job\nmetadata:\n  name: j\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n      - name: c\n        image: busybox\n",
    )
    .await;
    kube.create(&list, &ApplyOptions::default()).await.unwrap();
    let mut opts = quick_wait(2);
    opts.with_jobs = false;
    let err = kube.wait(&list, &opts).await.unwrap_err();
    let ns = &*ns;
    assert_eq!(
        err.to_string(),
        format!(
            "resource PersistentVolumeClaim/{ns}/p not ready. status: InProgress, message: PVC is not Bound. phase: Pending\nresource Job/{ns}/j not ready. status: InProgress, message: Job not started\ncontext deadline exceeded"
        )
    );
    opts.with_jobs = true;
    let err = kube.wait(&list, &opts).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "resource PersistentVolumeClaim/{ns}/p not ready. status: InProgress, message: PVC is not Bound. phase: Pending\nresource Job/{ns}/j not ready. status: InProgress, message: Job in progress\ncontext deadline exceeded"
        )
    );
}

#[tokio::test]
async fn legacy_waits_follow_helm3_rules() {
    let Some(c) = cluster() else { return };
    let ns = c.namespace("kube-legacy");
    let kube = c.kube(&ns).await;
    let list = build(&kube, &deployment("web", 1)).await;
    kube.create(&list, &ApplyOptions::default()).await.unwrap();
    let err = kube.wait_legacy(&list, &quick_wait(3)).await.unwrap_err();
    assert_eq!(err.to_string(), "context deadline exceeded");

    // Play the deployment controller: a ReplicaSet owned by the Deployment with its template.
    let dep = kube.get(&list.0[0]).await.unwrap().unwrap();
    let mut template = dep["spec"]["template"].clone();
    template["metadata"]["labels"]["pod-template-hash"] = json!("abc");
    let rs = json!({
        "apiVersion": "apps/v1", "kind": "ReplicaSet",
        "metadata": {"name": "web-abc", "namespace": &*ns,
            "labels": {"app": "web", "pod-template-hash": "abc"}, "ownerReferences": [{
            "apiVersion": "apps/v1", "kind": "Deployment", "name": "web",
            "uid": dep["metadata"]["uid"], "controller": true}]},
        "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "web", "pod-template-hash": "abc"}},
                 "template": template}});
    let rs_list = build(&kube, &rs.to_string()).await;
    kube.create(&rs_list, &ApplyOptions::default())
        .await
        .unwrap();
    c.set_status(
        "replicaset",
        &ns,
        "web-abc",
        json!({"observedGeneration": 1, "replicas": 1, "readyReplicas": 1}),
    );
    c.set_status("deployment", &ns, "web", json!({"observedGeneration": 1}));
    kube.wait_legacy(&list, &quick_wait(10)).await.unwrap();

    let svc = build(&kube, "apiVersion: v1\nkind: Service\nmetadata:\n  name: lb\nspec:\n  type: LoadBalancer\n  ports:\n  - port: 80\n    protocol: TCP\n").await;
    kube.create(&svc, &ApplyOptions::default()).await.unwrap();
    assert!(kube.wait_legacy(&svc, &quick_wait(3)).await.is_err());
    kube.wait(&svc, &quick_wait(3)).await.unwrap();
    c.set_status(
        "service",
        &ns,
        "lb",
        json!({"loadBalancer": {"ingress": [{"ip": "10.1.1.1"}]}}),
    );
    kube.wait_legacy(&svc, &quick_wait(10)).await.unwrap();

    let job = build(&kube, "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: hook\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n      - name: c\n        image: busybox\n").await;
    kube.create(&job, &ApplyOptions::default()).await.unwrap();
    c.set_status("job", &ns, "hook", crate::common::failed_job_status());
    let err = kube
        .watch_until_ready_legacy(&job, Duration::from_secs(20))
        .await
        .unwrap_err();
    assert_eq!(err.to_string(), "job hook failed: BackoffLimitExceeded");

    let (_, errors) = kube.delete(&svc, Propagation::Background).await;
    assert!(errors.is_empty());
    kube.wait_for_delete_legacy(&svc, &quick_wait(20))
        .await
        .unwrap();
}
