//! Helm's legacy waiter (`--wait=legacy`): Helm 3's ready checker polled every two seconds,
//! failing only with `context deadline exceeded` (or the first error that is not worth
//! retrying), and its hook watcher (`job NAME failed: REASON`, `pod NAME failed`).

use std::time::{Duration, Instant};

use serde_json::Value;

use super::rest::{self, collection_path};
use super::{KubeError, Resource, ResourceList, WaitOptions};

const POLL: Duration = Duration::from_secs(2);
const HOOK_POLL: Duration = Duration::from_secs(1);
const RETRIES: u32 = 30;
const DEADLINE: &str = "context deadline exceeded";

fn int(obj: &Value, ptr: &str, default: i64) -> i64 {
    obj.pointer(ptr).and_then(Value::as_i64).unwrap_or(default)
}

fn string<'a>(obj: &'a Value, ptr: &str) -> &'a str {
    obj.pointer(ptr).and_then(Value::as_str).unwrap_or("")
}

fn generation_observed(obj: &Value) -> bool {
    int(obj, "/status/observedGeneration", 0) == int(obj, "/metadata/generation", 0)
}

fn has_condition(obj: &Value, ty: &str, status: &str) -> bool {
    obj.pointer("/status/conditions")
        .and_then(Value::as_array)
        .is_some_and(|cs| {
            cs.iter().any(|c| {
                c.get("type").and_then(Value::as_str) == Some(ty)
                    && c.get("status").and_then(Value::as_str) == Some(status)
            })
        })
}

/// intstr's `GetScaledValueFromIntOrPercent`.
fn scaled(v: Option<&Value>, total: i64, round_up: bool, default: &str) -> i64 {
    let v = v
        .cloned()
        .unwrap_or_else(|| Value::String(default.to_string()));
    match v {
        Value::Number(n) => n.as_i64().unwrap_or(0),
        Value::String(s) => match s.strip_suffix('%').and_then(|p| p.parse::<i64>().ok()) {
            Some(p) if round_up => (p * total + 99) / 100,
            Some(p) => p * total / 100,
            None => s.parse().unwrap_or(total),
        },
        _ => 0,
    }
}

/// `deploymentutil.MaxUnavailable`.
fn max_unavailable(dep: &Value) -> i64 {
    let replicas = int(dep, "/spec/replicas", 1);
    let rolling = matches!(string(dep, "/spec/strategy/type"), "" | "RollingUpdate");
    if !rolling || replicas == 0 {
        return 0;
    }
    let ru = dep.pointer("/spec/strategy/rollingUpdate");
    let surge = scaled(ru.and_then(|r| r.get("maxSurge")), replicas, true, "25%");
    let mut unavailable = scaled(
        ru.and_then(|r| r.get("maxUnavailable")),
        replicas,
        false,
        "25%",
    );
    if surge == 0 && unavailable == 0 {
        unavailable = 1;
    }
    unavailable.min(replicas)
}

fn pod_ready(pod: &Value) -> bool {
    has_condition(pod, "Ready", "True")
}

/// The pod template without the controller's `pod-template-hash` label, for matching a
/// Deployment with its ReplicaSets.
fn template_without_hash(obj: &Value) -> Value {
    let mut t = obj
        .pointer("/spec/template")
        .cloned()
        .unwrap_or(Value::Null);
    if let Some(labels) = t
        .pointer_mut("/metadata/labels")
        .and_then(Value::as_object_mut)
    {
        labels.remove("pod-template-hash");
    }
    t
}

fn label_selector(selector: Option<&Value>) -> String {
    let Some(labels) = selector.and_then(Value::as_object) else {
        return String::new();
    };
    let mut parts: Vec<String> = labels
        .iter()
        .filter_map(|(k, v)| v.as_str().map(|v| format!("{k}={v}")))
        .collect();
    parts.sort();
    parts.join(",")
}

async fn list(
    client: &kube::Client,
    api: &kube::discovery::ApiResource,
    ns: Option<&str>,
    selector: &str,
) -> Result<Vec<Value>, KubeError> {
    let mut url = collection_path(api, ns);
    if !selector.is_empty() {
        url.push_str("?labelSelector=");
        url.push_str(&selector.replace(',', "%2C").replace('=', "%3D"));
    }
    let req = http::Request::get(url)
        .body(Vec::new())
        .map_err(|e| KubeError::Other(e.to_string()))?;
    let v = rest::send(client, req).await?;
    Ok(v.get("items")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default())
}

fn api(group: &str, version: &str, kind: &str, plural: &str) -> kube::discovery::ApiResource {
    kube::discovery::ApiResource {
        group: group.into(),
        version: version.into(),
        api_version: if group.is_empty() {
            version.into()
        } else {
            format!("{group}/{version}")
        },
        kind: kind.into(),
        plural: plural.into(),
    }
}

async fn pods_ready(
    client: &kube::Client,
    ns: Option<&str>,
    selector: &str,
) -> Result<bool, KubeError> {
    let pods = list(client, &api("", "v1", "Pod", "pods"), ns, selector)
        .await
        .map_err(|e| KubeError::Other(format!("failed to list pods: {e}")))?;
    Ok(pods.iter().all(pod_ready))
}

async fn live(client: &kube::Client, r: &Resource) -> Result<Value, KubeError> {
    match rest::get(client, r).await? {
        Some(v) => Ok(v),
        None => Err(KubeError::Api {
            code: 404,
            reason: "NotFound".into(),
            message: format!(
                "{}{} \"{}\" not found",
                r.api.plural,
                if r.api.group.is_empty() {
                    String::new()
                } else {
                    format!(".{}", r.api.group)
                },
                r.name
            ),
        }),
    }
}

/// Helm 3's `ReadyChecker.IsReady`.
async fn is_ready(client: &kube::Client, r: &Resource, with_jobs: bool) -> Result<bool, KubeError> {
    let group = r.api.group.as_str();
    let ns = r.namespace.as_deref();
    match (group, r.api.kind.as_str()) {
        ("", "Pod") => Ok(pod_ready(&live(client, r).await?)),
        ("batch", "Job") if with_jobs => {
            let job = live(client, r).await?;
            if int(&job, "/status/failed", 0) > int(&job, "/spec/backoffLimit", 6) {
                return Err(KubeError::Other(format!(
                    "job is failed: {}/{}",
                    ns.unwrap_or(""),
                    r.name
                )));
            }
            if let Some(c) = job.pointer("/spec/completions").and_then(Value::as_i64) {
                return Ok(int(&job, "/status/succeeded", 0) >= c);
            }
            Ok(true)
        }
        ("apps", "Deployment") => {
            let dep = live(client, r).await?;
            if dep.pointer("/spec/paused").and_then(Value::as_bool) == Some(true) {
                return Ok(true);
            }
            let uid = string(&dep, "/metadata/uid");
            let selector = label_selector(dep.pointer("/spec/selector/matchLabels"));
            let sets = list(
                client,
                &api("apps", "v1", "ReplicaSet", "replicasets"),
                ns,
                &selector,
            )
            .await?;
            let template = template_without_hash(&dep);
            let Some(rs) = sets.iter().find(|rs| {
                let owned = rs
                    .pointer("/metadata/ownerReferences")
                    .and_then(Value::as_array)
                    .is_some_and(|o| {
                        o.iter()
                            .any(|o| o.get("uid").and_then(Value::as_str) == Some(uid))
                    });
                owned && template_without_hash(rs) == template
            }) else {
                return Ok(false);
            };
            Ok(generation_observed(rs)
                && generation_observed(&dep)
                && int(rs, "/status/readyReplicas", 0)
                    >= int(&dep, "/spec/replicas", 1) - max_unavailable(&dep))
        }
        ("", "PersistentVolumeClaim") => {
            Ok(string(&live(client, r).await?, "/status/phase") == "Bound")
        }
        ("", "Service") => {
            let svc = live(client, r).await?;
            let ty = string(&svc, "/spec/type");
            if ty == "ExternalName" {
                return Ok(true);
            }
            if string(&svc, "/spec/clusterIP").is_empty() {
                return Ok(false);
            }
            if ty == "LoadBalancer" {
                let external = svc
                    .pointer("/spec/externalIPs")
                    .and_then(Value::as_array)
                    .is_some_and(|a| !a.is_empty());
                if external {
                    return Ok(true);
                }
                return Ok(svc
                    .pointer("/status/loadBalancer/ingress")
                    .is_some_and(|i| !i.is_null()));
            }
            Ok(true)
        }
        ("apps", "DaemonSet") => {
            let ds = live(client, r).await?;
            if !generation_observed(&ds) {
                return Ok(false);
            }
            if !matches!(
                string(&ds, "/spec/updateStrategy/type"),
                "" | "RollingUpdate"
            ) {
                return Ok(true);
            }
            let desired = int(&ds, "/status/desiredNumberScheduled", 0);
            if int(&ds, "/status/updatedNumberScheduled", 0) != desired {
                return Ok(false);
            }
            let unavailable = scaled(
                ds.pointer("/spec/updateStrategy/rollingUpdate/maxUnavailable"),
                desired,
                true,
                "1",
            );
            Ok(int(&ds, "/status/numberReady", 0) >= desired - unavailable)
        }
        ("apiextensions.k8s.io", "CustomResourceDefinition") => {
            let crd = live(client, r).await?;
            Ok(has_condition(&crd, "Established", "True")
                || has_condition(&crd, "NamesAccepted", "False"))
        }
        ("apps", "StatefulSet") => {
            let sts = live(client, r).await?;
            if !generation_observed(&sts) {
                return Ok(false);
            }
            if !matches!(
                string(&sts, "/spec/updateStrategy/type"),
                "" | "RollingUpdate"
            ) {
                return Ok(true);
            }
            let partition = int(&sts, "/spec/updateStrategy/rollingUpdate/partition", 0);
            let replicas = int(&sts, "/spec/replicas", 1);
            if int(&sts, "/status/updatedReplicas", 0) < replicas - partition {
                return Ok(false);
            }
            if int(&sts, "/status/readyReplicas", 0) != replicas {
                return Ok(false);
            }
            Ok(!(partition == 0
                && string(&sts, "/status/currentRevision")
                    != string(&sts, "/status/updateRevision")))
        }
        ("", "ReplicationController") => {
            let rc = live(client, r).await?;
            if !generation_observed(&rc) {
                return Ok(false);
            }
            pods_ready(client, ns, &label_selector(rc.pointer("/spec/selector"))).await
        }
        ("apps", "ReplicaSet") => {
            let rs = live(client, r).await?;
            if !generation_observed(&rs) {
                return Ok(false);
            }
            pods_ready(
                client,
                ns,
                &label_selector(rs.pointer("/spec/selector/matchLabels")),
            )
            .await
        }
        _ => Ok(true),
    }
}

/// Errors worth another poll: transport failures, throttling and server errors (not 501),
/// and anything that is not an API status.
fn retryable(e: &KubeError) -> bool {
    match e {
        KubeError::Api { code, .. } => *code == 0 || *code == 429 || (*code >= 500 && *code != 501),
        _ => true,
    }
}

/// `--wait=legacy`.
pub(crate) async fn wait(
    client: &kube::Client,
    list: &ResourceList,
    opts: &WaitOptions,
) -> Result<(), KubeError> {
    let deadline = Instant::now() + opts.timeout;
    let mut failures = vec![0u32; list.0.len()];
    loop {
        let mut all_ready = true;
        for (i, r) in list.0.iter().enumerate() {
            match is_ready(client, r, opts.with_jobs).await {
                Err(e) if retryable(&e) => {
                    failures[i] += 1;
                    if failures[i] > RETRIES {
                        return Err(e);
                    }
                    all_ready = false;
                    break;
                }
                Err(e) => return Err(e),
                Ok(ready) => {
                    failures[i] = 0;
                    if !ready {
                        all_ready = false;
                        break;
                    }
                }
            }
        }
        if all_ready {
            return Ok(());
        }
        if Instant::now() + POLL > deadline {
            tokio::time::sleep(deadline.saturating_duration_since(Instant::now())).await;
            return Err(KubeError::Timeout(DEADLINE.into()));
        }
        tokio::time::sleep(POLL).await;
    }
}

/// Legacy `WaitForDelete`: every resource NotFound.
pub(crate) async fn wait_for_delete(
    client: &kube::Client,
    list: &ResourceList,
    timeout: Duration,
) -> Result<(), KubeError> {
    let deadline = Instant::now() + timeout;
    loop {
        let mut gone = true;
        for r in &list.0 {
            if rest::get(client, r).await?.is_some() {
                gone = false;
                break;
            }
        }
        if gone {
            return Ok(());
        }
        if Instant::now() + POLL > deadline {
            tokio::time::sleep(deadline.saturating_duration_since(Instant::now())).await;
            return Err(KubeError::Timeout(DEADLINE.into()));
        }
        tokio::time::sleep(POLL).await;
    }
}

/// Legacy hook watch of one resource: Jobs until complete, Pods until they succeed.
async fn watch_one(
    client: &kube::Client,
    r: &Resource,
    timeout: Duration,
) -> Result<(), KubeError> {
    let kind = r.api.kind.as_str();
    if kind != "Job" && kind != "Pod" {
        return Ok(());
    }
    let deadline = Instant::now() + timeout;
    let mut seen = false;
    loop {
        match rest::get(client, r).await? {
            Some(obj) => {
                seen = true;
                if kind == "Job" {
                    let conds = obj
                        .pointer("/status/conditions")
                        .and_then(Value::as_array)
                        .cloned()
                        .unwrap_or_default();
                    for c in &conds {
                        let field = |k: &str| c.get(k).and_then(Value::as_str).unwrap_or("");
                        if field("status") != "True" {
                            continue;
                        }
                        match field("type") {
                            "Complete" => return Ok(()),
                            "Failed" => {
                                return Err(KubeError::Other(format!(
                                    "job {} failed: {}",
                                    r.name,
                                    field("reason")
                                )));
                            }
                            _ => {}
                        }
                    }
                } else {
                    match string(&obj, "/status/phase") {
                        "Succeeded" => return Ok(()),
                        "Failed" => {
                            return Err(KubeError::Other(format!("pod {} failed", r.name)));
                        }
                        _ => {}
                    }
                }
            }
            // A watched object that goes away ends the watch successfully.
            None if seen => return Ok(()),
            None => {}
        }
        if Instant::now() >= deadline {
            return Err(KubeError::Timeout(
                "timed out waiting for the condition".into(),
            ));
        }
        tokio::time::sleep(HOOK_POLL.min(deadline.saturating_duration_since(Instant::now()))).await;
    }
}

/// Legacy `WatchUntilReady`: all resources watched together; failures joined.
pub(crate) async fn watch_until_ready(
    client: &kube::Client,
    list: &ResourceList,
    timeout: Duration,
) -> Result<(), KubeError> {
    let results =
        futures::future::join_all(list.0.iter().map(|r| watch_one(client, r, timeout))).await;
    let errors: Vec<String> = results
        .into_iter()
        .filter_map(Result::err)
        .map(|e| e.to_string())
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(KubeError::Other(errors.join("\n")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn max_unavailable_follows_deploymentutil() {
        let d = |spec: Value| json!({"spec": spec});
        assert_eq!(max_unavailable(&d(json!({"replicas": 4}))), 1);
        assert_eq!(max_unavailable(&d(json!({"replicas": 3}))), 0);
        assert_eq!(
            max_unavailable(&d(
                json!({"replicas": 3, "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 0, "maxUnavailable": 0}}})
            )),
            1
        );
        assert_eq!(
            max_unavailable(&d(json!({"replicas": 3, "strategy": {"type": "Recreate"}}))),
            0
        );
        assert_eq!(
            max_unavailable(&d(
                json!({"replicas": 10, "strategy": {"rollingUpdate": {"maxUnavailable": "50%"}}})
            )),
            5
        );
    }

    #[test]
    fn selectors_and_templates() {
        assert_eq!(
            label_selector(Some(&json!({"b": "2", "a": "1"}))),
            "a=1,b=2"
        );
        let rs = json!({"spec": {"template": {"metadata": {"labels": {"app": "x", "pod-template-hash": "abc"}}}}});
        let dep = json!({"spec": {"template": {"metadata": {"labels": {"app": "x"}}}}});
        assert_eq!(template_without_hash(&rs), template_without_hash(&dep));
    }
}
