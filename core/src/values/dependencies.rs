//! Dependency processing that depends on values, as Helm's `ProcessDependencies` does
//! before rendering: aliases (a subchart copied under another name), conditions and tags
//! (disabled subcharts dropped from the tree), then import-values (child values copied
//! into the parent's defaults).

use super::coalesce::{Mode, coalesce_tables, coalesce_values};
use super::version::is_compatible_range;
use super::{ValuesError, validate_schema};
use crate::chart::{Chart, Dependency, metadata_value};
use crate::value::{Map, MapKind, Value};

/// Helm's `ProcessDependencies` followed by `CoalesceValues`: returns the chart tree the
/// templates render (disabled subcharts removed, aliased subcharts renamed, each chart's
/// defaults including imported values) and the coalesced values of that tree. Schema
/// validation is not applied; see [`to_render_values`].
pub fn process_dependencies(chart: &Chart, user: &Map) -> Result<(Chart, Map), ValuesError> {
    let mut processed = chart.clone();
    process_enabled(&mut processed, user, "")?;
    process_import_values_tree(&mut processed)?;
    let values = coalesce_values(&processed, user, Mode::Coalesce)?;
    Ok((processed, values))
}

/// What `helm install`/`template` does before rendering: [`process_dependencies`], then
/// schema validation of the result (unless skipped), with Helm's `values don't meet the
/// specifications…` prefix. (`helm install` also prefixes dependency-processing errors
/// with `chart dependencies processing failed: `; the SDK render the corpus was made
/// with does not, so neither do we.)
pub fn to_render_values(
    chart: &Chart,
    user: &Map,
    skip_schema_validation: bool,
) -> Result<(Chart, Map), ValuesError> {
    let (processed, values) = process_dependencies(chart, user)?;
    if !skip_schema_validation {
        validate_schema(&processed, &values).map_err(|e| ValuesError {
            message: format!(
                "values don't meet the specifications of the schema(s) in the following chart(s):\n{}",
                e.message
            ),
        })?;
    }
    Ok((processed, values))
}

/// Renames a chart copy for an alias.
fn rename(chart: &mut Chart, name: &str) {
    chart.metadata.name = name.to_string();
    chart.raw_metadata = metadata_value(&chart.metadata, true);
}

/// Helm's `processDependencyEnabled`: resolves aliases, tags and conditions for one
/// chart, drops disabled subcharts and recurses into the rest.
fn process_enabled(c: &mut Chart, v: &Map, path: &str) -> Result<(), ValuesError> {
    if c.metadata.dependencies.is_empty() {
        return Ok(());
    }
    let existing = std::mem::take(&mut c.dependencies);
    let declared = |e: &Chart, r: &Dependency| {
        e.name() == r.name && is_compatible_range(r.version.as_deref(), &e.metadata.version)
    };
    // Which loaded chart fills each slot of the new list (undeclared charts first, then
    // one per declared dependency), and under which alias.
    let mut plan: Vec<(usize, Option<String>)> = existing
        .iter()
        .enumerate()
        .filter(|(_, e)| !c.metadata.dependencies.iter().any(|r| declared(e, r)))
        .map(|(i, _)| (i, None))
        .collect();
    for req in &mut c.metadata.dependencies {
        let alias = req.alias.clone().filter(|a| !a.is_empty());
        if let Some(i) = existing.iter().position(|e| declared(e, req)) {
            plan.push((i, alias.clone()));
        }
        if let Some(alias) = alias {
            req.name = alias;
        }
        req.enabled = true;
    }
    let mut uses = vec![0usize; existing.len()];
    for (i, _) in &plan {
        uses[*i] += 1;
    }
    let mut slots: Vec<Option<Chart>> = existing.into_iter().map(Some).collect();
    let deps: Vec<Chart> = plan
        .into_iter()
        .map(|(i, alias)| {
            uses[i] -= 1;
            let mut dep = if uses[i] == 0 {
                slots[i].take()
            } else {
                slots[i].clone()
            }
            .unwrap_or_default();
            if let Some(alias) = alias {
                rename(&mut dep, &alias);
            }
            dep
        })
        .collect();

    c.dependencies = deps;
    let cvals = coalesce_values(c, v, Mode::Coalesce)?;
    let mut deps = std::mem::take(&mut c.dependencies);
    apply_tags(&mut c.metadata.dependencies, &cvals);
    apply_conditions(&mut c.metadata.dependencies, &cvals, path);

    let disabled: Vec<String> = c
        .metadata
        .dependencies
        .iter()
        .filter(|r| !r.enabled)
        .map(|r| r.name.clone())
        .collect();
    deps.retain(|d| !disabled.iter().any(|n| n == d.name()));
    c.metadata
        .dependencies
        .retain(|r| !disabled.contains(&r.name));

    for d in &mut deps {
        let subpath = format!("{path}{}.", d.name());
        process_enabled(d, &cvals, &subpath)?;
    }
    c.dependencies = deps;
    c.raw_metadata = metadata_value(&c.metadata, true);
    Ok(())
}

/// Tags: a dependency is disabled when one of its tags is false and none is true.
fn apply_tags(reqs: &mut [Dependency], cvals: &Map) {
    let Some(Value::Map(tags)) = cvals.get("tags") else {
        return;
    };
    for r in reqs {
        let (mut has_true, mut has_false) = (false, false);
        for t in &r.tags {
            match tags.get(t) {
                Some(Value::Bool(true)) => has_true = true,
                Some(Value::Bool(false)) => has_false = true,
                _ => {}
            }
        }
        r.enabled = has_true || !has_false;
    }
}

/// Conditions: the first comma-separated path that resolves to a bool decides.
fn apply_conditions(reqs: &mut [Dependency], cvals: &Map, path: &str) {
    for r in reqs {
        let Some(cond) = r.condition.as_deref() else {
            continue;
        };
        for c in cond.trim().split(',') {
            if c.is_empty() {
                continue;
            }
            if let Some(Value::Bool(b)) = path_value(cvals, &format!("{path}{c}")) {
                r.enabled = b;
                break;
            }
        }
    }
}

/// Helm's `Values.Table`: the map at a dotted path, if every step is a map.
fn table(v: &Map, name: &str) -> Option<Map> {
    let mut t = v.clone();
    for part in name.split('.') {
        match t.get(part) {
            Some(Value::Map(m)) => t = m,
            _ => return None,
        }
    }
    Some(t)
}

/// Helm's `Values.PathValue`: a non-map value at a dotted path.
fn path_value(v: &Map, path: &str) -> Option<Value> {
    let (parent, key) = match path.rsplit_once('.') {
        Some((p, k)) => (table(v, p)?, k),
        None => (v.clone(), path),
    };
    match parent.get(key) {
        Some(Value::Map(_)) | None => None,
        Some(other) => Some(other),
    }
}

/// Helm's `processDependencyImportValues` (merge mode): children first, then the chart.
fn process_import_values_tree(c: &mut Chart) -> Result<(), ValuesError> {
    for d in &mut c.dependencies {
        process_import_values_tree(d)?;
    }
    process_import_values(c)
}

/// `fmt.Sprintf("%v", x)` for an import-values `child`/`parent` entry.
fn sprint_v(v: Option<Value>) -> String {
    match v {
        None | Some(Value::Nil) => "<nil>".to_string(),
        Some(Value::String(s)) => s.to_string(),
        Some(v) => crate::gofmt::format_value(&v),
    }
}

/// Nests `data` under a dotted path (`.` means the root).
fn path_to_map(path: &str, data: Map) -> Map {
    if path == "." {
        return data;
    }
    let mut cur = data;
    for part in path.split('.').rev() {
        let m = Map::new();
        m.insert(part, Value::Map(cur));
        cur = m;
    }
    cur
}

/// An empty table comes back fresh from Helm's `AsMap`, a non-empty one shared.
fn as_map(t: Map) -> Map {
    if t.is_empty() { Map::new() } else { t }
}

/// Helm's `processImportValues`: copies the children's values named by `import-values`
/// into this chart's defaults, below the chart's own values.
fn process_import_values(c: &mut Chart) -> Result<(), ValuesError> {
    if c.metadata.dependencies.is_empty() {
        return Ok(());
    }
    let cvals = coalesce_values(c, &Map::new(), Mode::Merge)?;
    let b = Map::new();
    for r in &mut c.metadata.dependencies {
        let mut rewritten = Vec::new();
        for riv in &r.import_values {
            let (child, parent, root_import) = match riv {
                Value::Map(iv) => (sprint_v(iv.get("child")), sprint_v(iv.get("parent")), false),
                Value::String(s) => (format!("exports.{s}"), ".".to_string(), true),
                _ => continue,
            };
            let entry = Map::with_kind(MapKind::String);
            entry.insert("child", Value::str(&child));
            entry.insert("parent", Value::str(&parent));
            rewritten.push(Value::Map(entry));
            let Some(t) = table(&cvals, &format!("{}.{child}", r.name)) else {
                continue;
            };
            let src = if root_import {
                as_map(t)
            } else {
                path_to_map(&parent, as_map(t))
            };
            coalesce_tables(&b, &src, Mode::Merge);
        }
        r.import_values = rewritten;
    }
    c.raw_metadata = metadata_value(&c.metadata, true);
    let merged = cvals.deep_copy();
    coalesce_tables(&merged, &b, Mode::Merge);
    c.values = merged;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn map(v: serde_json::Value) -> Map {
        match Value::from_json(&v) {
            Value::Map(m) => m,
            _ => Map::new(),
        }
    }

    fn chart(name: &str, values: serde_json::Value, deps: Vec<Chart>) -> Chart {
        let mut c = Chart::default();
        c.metadata.name = name.into();
        c.metadata.version = "1.0.0".into();
        c.values = map(values);
        c.dependencies = deps;
        c
    }

    fn dep(name: &str) -> Dependency {
        Dependency {
            name: name.into(),
            version: Some("1.0.0".into()),
            ..Dependency::default()
        }
    }

    #[test]
    fn conditions_tags_and_aliases() {
        let web = chart("web", json!({"port": 80}), vec![]);
        let db = chart("db", json!({"enabled": false}), vec![]);
        let mut p = chart("p", json!({"first": {"port": 1}}), vec![web, db]);
        let mut first = dep("web");
        first.alias = Some("first".into());
        let mut second = dep("web");
        second.alias = Some("second".into());
        second.tags = vec!["off".into()];
        let mut dbd = dep("db");
        dbd.condition = Some("missing.x,db.enabled".into());
        p.metadata.dependencies = vec![first, second, dbd];
        let user = map(json!({"tags": {"off": false}}));
        let (c, v) = process_dependencies(&p, &user).unwrap();
        let names: Vec<&str> = c.dependencies.iter().map(|d| d.name()).collect();
        assert_eq!(names, ["first"]);
        assert_eq!(
            v.get("first").unwrap().to_json(),
            json!({"port": 1.0, "global": {}})
        );
    }

    #[test]
    fn import_values_both_forms() {
        let lib = chart(
            "lib",
            json!({"exports": {"data": {"a": 1}}, "config": {"db": {"h": "x"}}}),
            vec![],
        );
        let mut p = chart("p", json!({"a": 2}), vec![lib]);
        let mut d = dep("lib");
        d.import_values = vec![
            Value::str("data"),
            Value::Map(map(json!({"child": "config.db", "parent": "t.db"}))),
        ];
        p.metadata.dependencies = vec![d];
        let (_, v) = process_dependencies(&p, &Map::new()).unwrap();
        assert_eq!(v.get("a").unwrap().to_json(), json!(2.0));
        assert_eq!(v.get("t").unwrap().to_json(), json!({"db": {"h": "x"}}));
    }
}
