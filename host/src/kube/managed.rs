//! Moving client-side field ownership to server-side apply (client-go's `csaupgrade`, which
//! Helm runs when a release switches from client-side to server-side apply): the `Update`
//! entry of the field manager is merged into its `Apply` entry so that fields the chart no
//! longer sets get removed by the next apply instead of staying owned by the old manager.

use serde_json::{Value, json};

use super::error::wrap;
use super::{ApplyOptions, KubeError, Resource, rest};

/// Union of two `fieldsV1` sets (nested maps of `f:`/`k:`/`v:` keys).
fn union(into: &mut Value, from: &Value, depth: usize) {
    let (Some(a), Some(b)) = (into.as_object_mut(), from.as_object()) else {
        return;
    };
    for (k, v) in b {
        match a.get_mut(k) {
            Some(existing) if depth < 200 => union(existing, v, depth + 1),
            Some(_) => {}
            None => {
                a.insert(k.clone(), v.clone());
            }
        }
    }
}

fn is_entry(e: &Value, manager: &str, operation: &str) -> bool {
    e.get("manager").and_then(Value::as_str) == Some(manager)
        && e.get("operation").and_then(Value::as_str) == Some(operation)
        && e.get("subresource")
            .and_then(Value::as_str)
            .unwrap_or("")
            .is_empty()
}

/// The upgraded managedFields, or `None` when the manager owns nothing client-side.
pub(crate) fn upgraded_managed_fields(entries: &[Value], manager: &str) -> Option<Vec<Value>> {
    let csa = entries
        .iter()
        .position(|e| is_entry(e, manager, "Update"))?;
    let mut out = entries.to_vec();
    match entries.iter().position(|e| is_entry(e, manager, "Apply")) {
        Some(ssa) => {
            let from = entries[csa].get("fieldsV1").cloned().unwrap_or(json!({}));
            let target = out[ssa]
                .as_object_mut()
                .map(|o| o.entry("fieldsV1").or_insert_with(|| json!({})));
            if let Some(t) = target {
                union(t, &from, 0);
            }
            out.remove(csa);
        }
        None => {
            if let Some(o) = out[csa].as_object_mut() {
                o.insert("operation".into(), json!("Apply"));
                o.insert("manager".into(), json!(manager));
            }
        }
    }
    Some(out)
}

/// Rewrites the live object's managedFields with a JSON patch guarded by its
/// resourceVersion; retried on conflicts.
pub(crate) async fn upgrade_client_side_manager(
    client: &kube::Client,
    r: &Resource,
    opts: &ApplyOptions,
) -> Result<bool, KubeError> {
    let what = format!(
        "{}/{} {}",
        r.namespace.as_deref().unwrap_or(""),
        r.name,
        super::apply::gvk_string(r)
    );
    for _ in 0..5 {
        let Some(live) = rest::get(client, r)
            .await
            .map_err(|e| wrap(e, &format!("failed to get object {what}: ")))?
        else {
            return Ok(false);
        };
        let entries = live
            .pointer("/metadata/managedFields")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let Some(upgraded) = upgraded_managed_fields(&entries, &opts.field_manager) else {
            return Ok(false);
        };
        let rv = live
            .pointer("/metadata/resourceVersion")
            .cloned()
            .unwrap_or(Value::Null);
        let patch = json!([
            {"op": "replace", "path": "/metadata/managedFields", "value": upgraded},
            {"op": "replace", "path": "/metadata/resourceVersion", "value": rv},
        ]);
        let mut url = format!(
            "{}/{}?fieldManager={}",
            rest::collection_path(&r.api, r.namespace.as_deref()),
            r.name,
            opts.field_manager
        );
        if opts.dry_run {
            url.push_str("&dryRun=All");
        }
        let req = http::Request::patch(url)
            .header(http::header::CONTENT_TYPE, "application/json-patch+json")
            .body(serde_json::to_vec(&patch).unwrap_or_default())
            .map_err(|e| KubeError::Other(e.to_string()))?;
        match rest::send(client, req).await {
            Ok(_) => return Ok(true),
            Err(KubeError::Api { code: 409, .. }) => continue,
            Err(e) => {
                return Err(wrap(
                    e,
                    &format!("failed to patch object to upgrade CSA field manager {what}: "),
                ));
            }
        }
    }
    Err(KubeError::Other(format!(
        "failed to patch object to upgrade CSA field manager {what}: conflict"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn update_entry_becomes_apply() {
        let entries = vec![
            json!({"manager": "helm", "operation": "Update", "fieldsV1": {"f:data": {"f:a": {}}}}),
        ];
        let out = upgraded_managed_fields(&entries, "helm").unwrap();
        assert_eq!(out[0]["operation"], "Apply");
    }

    #[test]
    fn update_entry_merges_into_apply() {
        let entries = vec![
            json!({"manager": "helm", "operation": "Apply", "fieldsV1": {"f:data": {"f:b": {}}}}),
            json!({"manager": "helm", "operation": "Update", "fieldsV1": {"f:data": {"f:a": {}}}}),
            json!({"manager": "kubectl", "operation": "Update", "fieldsV1": {}}),
        ];
        let out = upgraded_managed_fields(&entries, "helm").unwrap();
        assert_eq!(out.len(), 2);
        assert_eq!(
            out[0]["fieldsV1"],
            json!({"f:data": {"f:b": {}, "f:a": {}}})
        );
        assert!(upgraded_managed_fields(&out, "helm").is_none());
    }
}
