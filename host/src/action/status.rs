//! `helm status`: one revision of a release (the newest by default) and, as Helm 4 shows
//! them, the live objects of its manifest with the Pods their selectors match.

use super::{Configuration, Error};
use capstan_core::release::Release;
use kube::api::{Api, DynamicObject, GetParams, ListParams};
use kube::core::Request;
use serde_json::Value;

/// The release `name` at `version` (0 = the newest revision).
pub async fn run(cfg: &Configuration, name: &str, version: i64) -> Result<Release, Error> {
    super::get::release_content(cfg, name, version).await
}

/// Live objects by `VERSION/Kind` (and `v1/Pod(related)`), in the order first met.
pub type Resources = Vec<(String, Vec<Value>)>;

/// Asks for the server-side Table form, with the objects inside, as kubectl does.
macro_rules! add_table_params {
    ($req:expr) => {{
        let req = $req;
        if let Ok(v) = TABLE_ACCEPT.parse() {
            req.headers_mut().insert("accept", v);
        }
        let uri = req.uri().to_string();
        let sep = if uri.contains('?') { '&' } else { '?' };
        if let Ok(u) = format!("{uri}{sep}includeObject=Object").parse() {
            *req.uri_mut() = u;
        }
    }};
}

/// What the API server's Table form is asked for with (as kubectl asks).
const TABLE_ACCEPT: &str = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";

/// The live objects of `rel`'s manifest as Helm's `status` gathers them: each object (as
/// a server-side Table when `table`), then the Pods matched by the selector of each
/// workload (`v1/Pod(related)`, once per distinct selector). Objects that cannot be read
/// are left out, as Helm leaves them.
pub async fn resources(
    cfg: &Configuration,
    rel: &Release,
    table: bool,
) -> Result<Resources, Error> {
    let list = cfg.kube.build(&rel.manifest).await?;
    let client = cfg.kube.client().clone();
    let mut out: Resources = Vec::new();
    let push = |key: String, obj: Value, out: &mut Resources| match out
        .iter_mut()
        .find(|(k, _)| *k == key)
    {
        Some((_, v)) => v.push(obj),
        None => out.push((key, vec![obj])),
    };
    let mut selectors: Vec<Vec<(String, String)>> = Vec::new();
    for r in &list.0 {
        let api: Api<DynamicObject> = match &r.namespace {
            Some(ns) => Api::namespaced_with(client.clone(), ns, &r.api),
            None => Api::all_with(client.clone(), &r.api),
        };
        let Ok(mut req) = Request::new(api.resource_url()).get(&r.name, &GetParams::default())
        else {
            continue;
        };
        if table {
            add_table_params!(&mut req);
        }
        let Ok(obj) = client.request::<Value>(req).await else {
            continue;
        };
        push(
            format!("{}/{}", r.api.version, r.api.kind),
            sorted(obj),
            &mut out,
        );

        let Some(selector) = selector_of(&r.object) else {
            continue;
        };
        if selectors.contains(&selector) {
            continue;
        }
        selectors.push(selector.clone());
        let ns = r.namespace.clone().unwrap_or_else(|| cfg.namespace.clone());
        let pods: Api<DynamicObject> = Api::namespaced_with(
            client.clone(),
            &ns,
            &kube::discovery::ApiResource {
                group: String::new(),
                version: "v1".into(),
                api_version: "v1".into(),
                kind: "Pod".into(),
                plural: "pods".into(),
            },
        );
        let label = selector
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(",");
        let Ok(mut req) =
            Request::new(pods.resource_url()).list(&ListParams::default().labels(&label))
        else {
            continue;
        };
        if table {
            add_table_params!(&mut req);
        }
        let Ok(found) = client.request::<Value>(req).await else {
            continue;
        };
        // Helm keeps the list as one object (a Table, or a PodList whose items carry
        // their kind as Go's unstructured lists write them).
        let mut found = found;
        if !table && let Some(items) = found.get_mut("items").and_then(Value::as_array_mut) {
            for item in items {
                if let Some(m) = item.as_object_mut() {
                    m.insert("apiVersion".into(), "v1".into());
                    m.insert("kind".into(), "Pod".into());
                }
            }
        }
        push("v1/Pod(related)".into(), sorted(found), &mut out);
    }
    Ok(out)
}

/// The label selector Helm follows from a workload to its Pods.
fn selector_of(obj: &Value) -> Option<Vec<(String, String)>> {
    let kind = obj.get("kind")?.as_str()?;
    let sel = match kind {
        "ReplicaSet" | "Deployment" | "StatefulSet" | "DaemonSet" | "Job" => {
            obj.pointer("/spec/selector/matchLabels")?
        }
        "ReplicationController" => obj.pointer("/spec/selector")?,
        _ => return None,
    };
    let mut out: Vec<(String, String)> = sel
        .as_object()?
        .iter()
        .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
        .collect();
    out.sort();
    Some(out)
}

/// Go marshals unstructured objects with sorted keys.
fn sorted(v: Value) -> Value {
    match v {
        Value::Object(m) => {
            let mut entries: Vec<(String, Value)> = m.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(entries.into_iter().map(|(k, v)| (k, sorted(v))).collect())
        }
        Value::Array(a) => Value::Array(a.into_iter().map(sorted).collect()),
        other => other,
    }
}
