//! The template `lookup` function against the live cluster (install, upgrade and
//! `--dry-run=server` render with it; client-side renders return empty maps).
//!
//! The engine is synchronous and runs inside the command's single-threaded runtime, which
//! cannot make progress on network I/O while the render blocks it; each lookup therefore
//! runs on its own thread with its own runtime and connection.

use std::cell::RefCell;
use std::collections::HashMap;

use capstan_core::template::Lookup;
use capstan_core::{Map, Value};
use kube::api::{Api, DynamicObject, ListParams};

use crate::kube::{Kube, KubeOptions};

/// Cluster lookups with the connection options of the command.
pub struct LiveLookup {
    opts: KubeOptions,
    cache: RefCell<HashMap<[String; 4], Value>>,
}

impl LiveLookup {
    pub fn new(opts: KubeOptions) -> LiveLookup {
        LiveLookup {
            opts,
            cache: RefCell::new(HashMap::new()),
        }
    }
}

impl Lookup for LiveLookup {
    fn lookup(
        &self,
        api_version: &str,
        kind: &str,
        namespace: &str,
        name: &str,
    ) -> Result<Value, String> {
        let key = [
            api_version.to_string(),
            kind.to_string(),
            namespace.to_string(),
            name.to_string(),
        ];
        if let Some(v) = self.cache.borrow().get(&key) {
            return Ok(v.clone());
        }
        let opts = self.opts.clone();
        let json = std::thread::scope(|s| {
            s.spawn(|| {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .map_err(|e| e.to_string())?;
                rt.block_on(fetch(&opts, api_version, kind, namespace, name))
            })
            .join()
            .unwrap_or_else(|_| Err("lookup failed".to_string()))
        })?;
        let value = json_to_value(&json);
        self.cache.borrow_mut().insert(key, value.clone());
        Ok(value)
    }
}

/// The object (or list) as JSON; an empty object when it does not exist.
async fn fetch(
    opts: &KubeOptions,
    api_version: &str,
    kind: &str,
    namespace: &str,
    name: &str,
) -> Result<serde_json::Value, String> {
    let kube = Kube::connect(opts).await.map_err(|e| e.to_string())?;
    let probe = serde_json::json!({
        "apiVersion": api_version,
        "kind": kind,
        "metadata": {"name": if name.is_empty() { "lookup" } else { name }},
    });
    let mapped = kube
        .build(&probe.to_string())
        .await
        .map_err(|e| format!("unable to get apiresource from unstructured: {e}"))?;
    let Some(r) = mapped.0.into_iter().next() else {
        return Ok(serde_json::json!({}));
    };
    let client = kube.client().clone();
    let api: Api<DynamicObject> = if r.namespaced && !namespace.is_empty() {
        Api::namespaced_with(client, namespace, &r.api)
    } else {
        Api::all_with(client, &r.api)
    };
    if name.is_empty() {
        let list = match api.list(&ListParams::default()).await {
            Ok(l) => l,
            Err(kube::Error::Api(e)) if e.code == 404 => return Ok(serde_json::json!({})),
            Err(e) => return Err(e.to_string()),
        };
        let mut v = serde_json::to_value(&list).map_err(|e| e.to_string())?;
        // The dynamic client gives every item its type, as Helm's lookup sees it.
        if let Some(items) = v.get_mut("items").and_then(|i| i.as_array_mut()) {
            for item in items {
                if let Some(o) = item.as_object_mut() {
                    o.entry("apiVersion")
                        .or_insert_with(|| serde_json::Value::String(api_version.to_string()));
                    o.entry("kind")
                        .or_insert_with(|| serde_json::Value::String(kind.to_string()));
                }
            }
        }
        return Ok(v);
    }
    if r.namespaced && namespace.is_empty() {
        return Ok(serde_json::json!({}));
    }
    match api.get_opt(name).await {
        Ok(Some(obj)) => serde_json::to_value(&obj).map_err(|e| e.to_string()),
        Ok(None) => Ok(serde_json::json!({})),
        Err(kube::Error::Api(e)) if e.code == 404 => Ok(serde_json::json!({})),
        Err(e) => Err(e.to_string()),
    }
}

fn json_to_value(v: &serde_json::Value) -> Value {
    capstan_core::yaml::from_json(&v.to_string()).unwrap_or_else(|_| Value::Map(Map::new()))
}
