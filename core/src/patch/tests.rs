use super::*;
use serde_json::json;

fn deployment(replicas: i64) -> Value {
    json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web", "labels": {"app": "web"}},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [
                    {"name": "web", "image": "nginx:1",
                     "ports": [{"containerPort": 80, "name": "http"}],
                     "env": [{"name": "A", "value": "1"}]}
                ]}
            }
        }
    })
}

/// Runs the three-way patch and applies it to `current` as the API server would.
fn upgrade(original: &Value, modified: &Value, current: &Value) -> (Value, Value) {
    let (patch, ty) = three_way_patch(original, modified, current).unwrap();
    let kind = modified["kind"].as_str().unwrap();
    let result = match ty {
        PatchType::Strategic => apply_strategic_patch(current, &patch, kind).unwrap(),
        PatchType::Merge => apply_merge_patch(current, &patch),
    };
    (patch, result)
}

#[test]
fn seed_drift_replicas_are_restored() {
    let chart = deployment(3);
    let live = deployment(0);
    let (patch, result) = upgrade(&chart, &chart, &live);
    assert_eq!(patch, json!({"spec": {"replicas": 3}}));
    assert_eq!(result["spec"]["replicas"], 3);
    assert_eq!(result, chart);
}

#[test]
fn seed_drift_in_json_merge_mode() {
    let cr = |n: i64| {
        json!({"apiVersion": "example.com/v1", "kind": "Widget",
                              "metadata": {"name": "w"}, "spec": {"replicas": n}})
    };
    let (patch, ty) = three_way_patch(&cr(3), &cr(3), &cr(0)).unwrap();
    assert_eq!(ty, PatchType::Merge);
    assert_eq!(patch, json!({"spec": {"replicas": 3}}));
    assert_eq!(apply_merge_patch(&cr(0), &patch), cr(3));
}

#[test]
fn unchanged_objects_give_empty_patches() {
    let d = deployment(3);
    let (patch, _) = three_way_patch(&d, &d, &d).unwrap();
    assert!(is_empty_patch(&patch), "{patch}");
}

#[test]
fn fields_dropped_from_the_chart_are_removed_and_foreign_fields_kept() {
    let mut old = deployment(3);
    old["metadata"]["labels"]["tier"] = json!("front");
    let new = deployment(3);
    let mut live = old.clone();
    live["metadata"]["annotations"] = json!({"deployment.kubernetes.io/revision": "4"});
    let (patch, result) = upgrade(&old, &new, &live);
    assert_eq!(patch, json!({"metadata": {"labels": {"tier": null}}}));
    assert!(result["metadata"]["labels"].get("tier").is_none());
    assert_eq!(
        result["metadata"]["annotations"]["deployment.kubernetes.io/revision"],
        "4"
    );
}

#[test]
fn containers_merge_by_name_and_keep_injected_sidecars() {
    let old = deployment(3);
    let mut new = deployment(3);
    new["spec"]["template"]["spec"]["containers"][0]["image"] = json!("nginx:2");
    let mut live = old.clone();
    live["spec"]["template"]["spec"]["containers"]
        .as_array_mut()
        .unwrap()
        .push(json!({"name": "istio-proxy", "image": "proxy"}));
    let (patch, result) = upgrade(&old, &new, &live);
    let containers = &patch["spec"]["template"]["spec"]["containers"];
    assert_eq!(containers, &json!([{"name": "web", "image": "nginx:2"}]));
    let got = &result["spec"]["template"]["spec"]["containers"];
    assert_eq!(got[0]["image"], "nginx:2");
    assert_eq!(
        got[0]["ports"][0]["containerPort"], 80,
        "untouched fields survive"
    );
    assert_eq!(got[1]["name"], "istio-proxy");
    assert_eq!(got.as_array().unwrap().len(), 2);
}

#[test]
fn removed_list_items_get_delete_directives() {
    let mut old = deployment(3);
    old["spec"]["template"]["spec"]["containers"][0]["env"] =
        json!([{"name": "A", "value": "1"}, {"name": "B", "value": "2"}]);
    let new = deployment(3);
    let (patch, result) = upgrade(&old, &new, &old);
    let c = &patch["spec"]["template"]["spec"]["containers"][0];
    assert_eq!(c["name"], "web");
    assert_eq!(c["env"], json!([{"$patch": "delete", "name": "B"}]));
    assert_eq!(c["$setElementOrder/env"], json!([{"name": "A"}]));
    assert_eq!(result, new);
}

#[test]
fn env_value_drift_is_repaired() {
    let chart = deployment(3);
    let mut live = chart.clone();
    live["spec"]["template"]["spec"]["containers"][0]["env"][0]["value"] = json!("tampered");
    let (_, result) = upgrade(&chart, &chart, &live);
    assert_eq!(result, chart);
}

#[test]
fn container_ports_merge_by_container_port() {
    let old = deployment(3);
    let mut new = deployment(3);
    new["spec"]["template"]["spec"]["containers"][0]["ports"] =
        json!([{"containerPort": 80, "name": "http"}, {"containerPort": 443, "name": "https"}]);
    let (patch, result) = upgrade(&old, &new, &old);
    let c = &patch["spec"]["template"]["spec"]["containers"][0];
    assert_eq!(c["ports"], json!([{"containerPort": 443, "name": "https"}]));
    assert_eq!(result, new);
}

#[test]
fn service_ports_merge_by_port_keeping_node_ports() {
    let svc = |ports: Value| {
        json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"},
                                     "spec": {"type": "NodePort", "ports": ports}})
    };
    let old = svc(json!([{"port": 80, "targetPort": 8080}]));
    let new = svc(json!([{"port": 80, "targetPort": 9090}]));
    let live = svc(json!([{"port": 80, "targetPort": 8080, "nodePort": 30001, "protocol": "TCP"}]));
    let (_, result) = upgrade(&old, &new, &live);
    assert_eq!(
        result["spec"]["ports"],
        json!([{"port": 80, "targetPort": 9090, "nodePort": 30001, "protocol": "TCP"}])
    );
}

#[test]
fn non_merge_lists_are_replaced() {
    let mut old = deployment(3);
    old["spec"]["template"]["spec"]["tolerations"] = json!([{"key": "a"}, {"key": "b"}]);
    let mut new = deployment(3);
    new["spec"]["template"]["spec"]["tolerations"] = json!([{"key": "c"}]);
    let (patch, result) = upgrade(&old, &new, &old);
    assert_eq!(
        patch["spec"]["template"]["spec"]["tolerations"],
        json!([{"key": "c"}])
    );
    assert_eq!(result, new);
}

#[test]
fn finalizers_are_a_set() {
    let cm = |f: Value| {
        json!({"apiVersion": "v1", "kind": "ConfigMap",
                                "metadata": {"name": "c", "finalizers": f}})
    };
    let old = cm(json!(["a", "b"]));
    let new = cm(json!(["a"]));
    let live = cm(json!(["a", "b", "other"]));
    let (patch, result) = upgrade(&old, &new, &live);
    assert_eq!(
        patch["metadata"]["$deleteFromPrimitiveList/finalizers"],
        json!(["b"])
    );
    assert_eq!(result["metadata"]["finalizers"], json!(["a", "other"]));
}

#[test]
fn volume_source_switch_uses_retain_keys() {
    let with_volume = |v: Value| {
        let mut d = deployment(1);
        d["spec"]["template"]["spec"]["volumes"] = json!([v]);
        d
    };
    let old = with_volume(json!({"name": "data", "emptyDir": {}}));
    let new = with_volume(json!({"name": "data", "configMap": {"name": "cfg"}}));
    let (patch, result) = upgrade(&old, &new, &old);
    let v = &patch["spec"]["template"]["spec"]["volumes"][0];
    assert_eq!(v["$retainKeys"], json!(["configMap", "name"]));
    assert_eq!(result, new);
}

#[test]
fn deployment_strategy_switch_clears_rolling_update() {
    let mut old = deployment(1);
    old["spec"]["strategy"] = json!({"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1}});
    let mut new = deployment(1);
    new["spec"]["strategy"] = json!({"type": "Recreate"});
    let (patch, result) = upgrade(&old, &new, &old);
    assert_eq!(patch["spec"]["strategy"]["$retainKeys"], json!(["type"]));
    assert_eq!(result["spec"]["strategy"], json!({"type": "Recreate"}));
}

#[test]
fn container_order_follows_the_chart() {
    let mut old = deployment(1);
    old["spec"]["template"]["spec"]["containers"] = json!([{"name": "a"}, {"name": "b"}]);
    let mut new = old.clone();
    new["spec"]["template"]["spec"]["containers"] = json!([{"name": "b"}, {"name": "a"}]);
    let (patch, result) = upgrade(&old, &new, &old);
    assert_eq!(
        patch["spec"]["template"]["spec"]["$setElementOrder/containers"],
        json!([{"name": "b"}, {"name": "a"}])
    );
    assert_eq!(result, new);
}

#[test]
fn missing_live_object_patches_everything() {
    let d = deployment(2);
    let (patch, _) = three_way_patch(&d, &d, &Value::Null).unwrap();
    assert_eq!(patch, d);
}

#[test]
fn custom_resources_changing_name_fail_the_precondition() {
    let cr = |n: &str| json!({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": n}});
    let err = three_way_patch(&cr("a"), &cr("b"), &cr("a")).unwrap_err();
    assert!(
        err.to_string()
            .contains("at least one field was changed: apiVersion, kind or name")
    );
}

#[test]
fn custom_resource_lists_are_replaced_and_deletions_applied() {
    let old = json!({"apiVersion": "x.io/v1", "kind": "W", "metadata": {"name": "w"},
                     "spec": {"items": [1, 2], "gone": true, "keep": {"a": 1}}});
    let new = json!({"apiVersion": "x.io/v1", "kind": "W", "metadata": {"name": "w"},
                     "spec": {"items": [3], "keep": {"a": 1}}});
    let mut live = old.clone();
    live["status"] = json!({"ready": true});
    let (patch, result) = upgrade(&old, &new, &live);
    assert_eq!(patch, json!({"spec": {"items": [3], "gone": null}}));
    assert_eq!(result["status"]["ready"], true);
    assert_eq!(result["spec"], new["spec"]);
}

#[test]
fn merge_patch_rfc7386_examples() {
    let cases = [
        (json!({"a": "b"}), json!({"a": "c"}), json!({"a": "c"})),
        (
            json!({"a": "b"}),
            json!({"b": "c"}),
            json!({"a": "b", "b": "c"}),
        ),
        (json!({"a": "b"}), json!({"a": null}), json!({})),
        (
            json!({"a": [{"b": "c"}]}),
            json!({"a": [1]}),
            json!({"a": [1]}),
        ),
        (json!(["a", "b"]), json!(["c", "d"]), json!(["c", "d"])),
        (json!({"a": "foo"}), json!(null), json!(null)),
        (
            json!({"e": null}),
            json!({"a": 1}),
            json!({"e": null, "a": 1}),
        ),
        (
            json!({}),
            json!({"a": {"bb": {"ccc": null}}}),
            json!({"a": {"bb": {}}}),
        ),
    ];
    for (doc, patch, want) in cases {
        assert_eq!(apply_merge_patch(&doc, &patch), want, "{doc} + {patch}");
    }
    let a = json!({"a": 1, "b": {"c": 2, "d": 3}});
    let b = json!({"b": {"c": 2, "d": 4}, "e": [1]});
    let p = create_merge_patch(&a, &b).unwrap();
    assert_eq!(p, json!({"a": null, "b": {"d": 4}, "e": [1]}));
    assert_eq!(apply_merge_patch(&a, &p), b);
}

#[test]
fn builtin_kinds() {
    assert!(schema::is_builtin("apps/v1", "Deployment"));
    assert!(schema::is_builtin("v1", "Service"));
    assert!(schema::is_builtin("networking.k8s.io/v1", "Ingress"));
    assert!(!schema::is_builtin(
        "apiextensions.k8s.io/v1",
        "CustomResourceDefinition"
    ));
    assert!(!schema::is_builtin(
        "monitoring.coreos.com/v1",
        "ServiceMonitor"
    ));
}

#[test]
fn missing_merge_key_is_an_error() {
    let mut old = deployment(1);
    old["spec"]["template"]["spec"]["containers"] = json!([{"image": "x"}]);
    let new = deployment(1);
    assert!(matches!(
        three_way_patch(&old, &new, &old),
        Err(PatchError::MissingMergeKey(..))
    ));
}

#[test]
fn delete_directive_applies_to_live_lists() {
    let live = deployment(1);
    let patch = json!({"spec": {"template": {"spec": {"containers": [{"$patch": "delete", "name": "web"}]}}}});
    let out = apply_strategic_patch(&live, &patch, "Deployment").unwrap();
    assert_eq!(out["spec"]["template"]["spec"]["containers"], json!([]));
}

/// Live object, patch and result from `kubectl patch --local --type strategic` (v1.32), the
/// API server's own merge code: directives of every kind and a server-only sidecar.
#[test]
fn apply_matches_kubectl() {
    let live: Value = serde_json::from_str(r#"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","finalizers":["a","b","other"]},"spec":{"selector":{"matchLabels":{"app":"web"}},"strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":1}},"template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"a","image":"x"},{"name":"sidecar","image":"s"},{"name":"b","image":"y","env":[{"name":"A","value":"1"},{"name":"B","value":"2"}]}],"volumes":[{"name":"data","emptyDir":{}}]}}}}"#).unwrap();
    let patch: Value = serde_json::from_str(r#"{"metadata":{"$deleteFromPrimitiveList/finalizers":["b"],"$setElementOrder/finalizers":["a"]},"spec":{"strategy":{"$retainKeys":["type"],"type":"Recreate","rollingUpdate":null},"template":{"spec":{"$setElementOrder/containers":[{"name":"b"},{"name":"a"},{"name":"new"}],"containers":[{"name":"b","env":[{"$patch":"delete","name":"B"}],"$setElementOrder/env":[{"name":"A"}]},{"name":"new","image":"n"}],"volumes":[{"name":"data","$retainKeys":["configMap","name"],"configMap":{"name":"cfg"}}],"$setElementOrder/volumes":[{"name":"data"}]}}}}"#).unwrap();
    let want: Value = serde_json::from_str(r#"{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"finalizers": ["a", "other"], "name": "web"}, "spec": {"selector": {"matchLabels": {"app": "web"}}, "strategy": {"type": "Recreate"}, "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"image": "s", "name": "sidecar"}, {"env": [{"name": "A", "value": "1"}], "image": "y", "name": "b"}, {"image": "x", "name": "a"}, {"image": "n", "name": "new"}], "volumes": [{"configMap": {"name": "cfg"}, "name": "data"}]}}}}"#).unwrap();
    assert_eq!(
        apply_strategic_patch(&live, &patch, "Deployment").unwrap(),
        want
    );
}
