//! A quick driver over the conformance snippets that need no chart machinery: runs the
//! template (and helpers) straight through `Engine::render` with a minimal `.` and prints
//! the failures. `cargo test -p capstan-core corpus -- --ignored --nocapture`
//! (`CORPUS_AREAS=syntax,control` to choose areas).

use std::rc::Rc;

use super::{Engine, RenderTemplate};
use crate::env::FixedEnvironment;
use crate::funcs::Registry;
use crate::value::{Map, MapKind, Value};

fn data(values: Map) -> Value {
    let top = Map::new();
    let vals = Map::with_kind(MapKind::Values);
    for (k, v) in values.entries() {
        vals.insert(k, v);
    }
    top.insert("Values", Value::Map(vals));
    let rel = Map::new();
    rel.insert("Name", Value::str("release-name"));
    rel.insert("Namespace", Value::str("default"));
    rel.insert("Revision", Value::Int(1));
    rel.insert("IsInstall", Value::Bool(true));
    rel.insert("IsUpgrade", Value::Bool(false));
    rel.insert("Service", Value::str("Helm"));
    top.insert("Release", Value::Map(rel));
    let tpl = Map::new();
    tpl.insert("Name", Value::str("snippet/templates/snippet.yaml"));
    tpl.insert("BasePath", Value::str("snippet/templates"));
    top.insert("Template", Value::Map(tpl));
    Value::Map(top)
}

#[test]
#[ignore]
fn corpus() {
    let areas = std::env::var("CORPUS_AREAS")
        .unwrap_or_else(|_| "syntax,control,builtins,errors,helm-funcs".into());
    let funcs = Registry::standard();
    let env = FixedEnvironment::new(1_700_000_000, 1);
    let engine = Engine {
        funcs: &funcs,
        env: &env,
        lookup: None,
        strict: false,
        lint_mode: false,
    };
    let (mut pass, mut fail, mut skip) = (0, 0, 0);
    let files: Vec<String> = match std::env::var("CORPUS_FILE") {
        Ok(f) => vec![f],
        Err(_) => areas
            .split(',')
            .map(|a| format!("../../shared/conformance/snippets/{a}.jsonl"))
            .collect(),
    };
    for path in files {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        for line in text.lines() {
            let case: serde_json::Value = serde_json::from_str(line).unwrap();
            if case.get("files").is_some()
                || case.get("chart").is_some()
                || case.get("release").is_some()
            {
                skip += 1;
                continue;
            }
            let id = case["id"].as_str().unwrap_or("");
            let values = match case.get("values").and_then(|v| v.as_str()) {
                Some(v) => match crate::yaml::parse_values(v) {
                    Ok(m) => m,
                    Err(_) => {
                        skip += 1;
                        continue;
                    }
                },
                None => Map::new(),
            };
            let d = data(values);
            let mut tpls = vec![RenderTemplate {
                name: "snippet/templates/snippet.yaml".into(),
                source: Rc::from(case["template"].as_str().unwrap_or("")),
                data: d.clone(),
            }];
            if let Some(h) = case.get("helpers").and_then(|h| h.as_str()) {
                tpls.push(RenderTemplate {
                    name: "snippet/templates/_helpers.tpl".into(),
                    source: Rc::from(h),
                    data: d.clone(),
                });
            }
            let got = engine.render(&tpls).map(|m| {
                m.get("snippet/templates/snippet.yaml")
                    .cloned()
                    .unwrap_or_default()
            });
            let ok = match (&got, case.get("expect"), case.get("error")) {
                (Ok(g), Some(e), _) => Some(g.as_str()) == e.as_str(),
                (Err(g), _, Some(e)) => {
                    if Some(g.message.as_str()) != e.as_str() {
                        println!(
                            "~ {id}: error text differs\n    got:  {:?}\n    want: {:?}",
                            g.message, e
                        );
                    }
                    true
                }
                _ => false,
            };
            if ok {
                pass += 1;
            } else {
                fail += 1;
                println!(
                    "FAIL {id}\n    tpl:  {:?}\n    got:  {:?}\n    want: {:?}",
                    case["template"],
                    got.map_err(|e| e.message),
                    case.get("expect").or(case.get("error"))
                );
            }
        }
    }
    println!("pass {pass} fail {fail} skip {skip}");
}
