//! Printing releases as Helm does: the status block (`helm status`, and the output of
//! install / upgrade / rollback), Helm's tables (uitable: cells padded to the column width,
//! joined by tabs) and `-o json|yaml`.

use super::common::OutputFormat;
use capstan_core::funcs::dates::{self, GoTime, Location};
use capstan_core::release::{ChartRecord, Release, to_json};
use capstan_core::value::{Map, Value};
use std::fmt::Write as _;

/// Go's `time.ANSIC` layout.
pub const ANSIC: &str = "Mon Jan _2 15:04:05 2006";
const RFC3339: &str = "2006-01-02T15:04:05Z07:00";

/// What the status block shows besides the basics.
#[derive(Debug, Clone, Default)]
pub struct StatusOptions {
    /// `--debug` (and `get all`): user-supplied and computed values, hooks and manifest.
    pub debug: bool,
    /// `get all`: chart name, version and app version.
    pub show_metadata: bool,
    /// `--hide-notes`
    pub hide_notes: bool,
    /// The order to print `info.resources` in (Helm prints them as its client met them,
    /// in manifest order); kinds not named here follow, sorted.
    pub resource_order: Vec<String>,
}

/// The status of `rel` in `format`: Helm's status block, or the record as JSON / YAML.
/// (`helm status` drops the chart before printing; install / upgrade keep it.)
pub fn status(rel: &Release, format: OutputFormat, opts: &StatusOptions) -> String {
    match format {
        OutputFormat::Table => status_table(rel, opts),
        OutputFormat::Json => release_json(rel),
        OutputFormat::Yaml => release_yaml(rel),
    }
}

/// Prints [`status`] to stdout.
pub fn print_status(rel: &Release, format: OutputFormat, opts: &StatusOptions) {
    print!("{}", status(rel, format, opts));
}

/// The record as `json.NewEncoder(out).Encode(rel)` writes it (one line).
pub fn release_json(rel: &Release) -> String {
    let mut s = String::from_utf8_lossy(&to_json(rel)).into_owned();
    s.push('\n');
    s
}

/// The record as `sigs.k8s.io/yaml.Marshal` writes it.
pub fn release_yaml(rel: &Release) -> String {
    json_text_to_yaml(&String::from_utf8_lossy(&to_json(rel)))
}

/// Any JSON document as sigs.k8s.io/yaml would re-encode it.
pub fn json_text_to_yaml(json: &str) -> String {
    capstan_core::yaml::from_json(json)
        .and_then(|v| capstan_core::yaml::to_yaml(&v))
        .unwrap_or_else(|e| format!("unable to write YAML output: {e}\n"))
}

/// `json.NewEncoder(out).Encode(v)` of a plain JSON value (Go's escaping, sorted keys).
pub fn json_line(v: &serde_json::Value) -> String {
    let mut s = capstan_core::yaml::to_json(&Value::from_json(v)).unwrap_or_default();
    s.push('\n');
    s
}

/// A stored time (RFC 3339) as Go's `time.Time`; `None` or unparsable is the zero time.
pub fn go_time(s: Option<&str>) -> GoTime {
    s.and_then(|s| dates::parse_in_location(RFC3339, s, &Location::Local).ok())
        .unwrap_or_else(GoTime::zero)
}

/// A stored time in a Go layout.
pub fn format_time(s: Option<&str>, layout: &str) -> String {
    dates::format(&go_time(s), layout)
}

/// Helm's status block.
pub fn status_table(rel: &Release, opts: &StatusOptions) -> String {
    let mut out = String::new();
    let info = rel.info.clone().unwrap_or_default();
    let _ = writeln!(out, "NAME: {}", rel.name);
    if info.last_deployed.is_some() {
        let _ = writeln!(
            out,
            "LAST DEPLOYED: {}",
            format_time(info.last_deployed.as_deref(), ANSIC)
        );
    }
    let _ = writeln!(out, "NAMESPACE: {}", rel.namespace);
    let _ = writeln!(out, "STATUS: {}", info.status);
    let _ = writeln!(out, "REVISION: {}", rel.version);
    if opts.show_metadata {
        let meta = rel
            .chart
            .as_ref()
            .and_then(|c| c.metadata.clone())
            .unwrap_or_default();
        let _ = writeln!(out, "CHART: {}", meta.name);
        let _ = writeln!(out, "VERSION: {}", meta.version);
        let _ = writeln!(out, "APP_VERSION: {}", meta.app_version);
    }
    let _ = writeln!(out, "DESCRIPTION: {}", info.description);
    if !info.resources.is_empty() {
        let mut printer = TablePrinter::default();
        let mut buf = String::new();
        let mut kinds: Vec<&String> = opts
            .resource_order
            .iter()
            .filter(|k| info.resources.contains_key(*k))
            .collect();
        kinds.extend(
            info.resources
                .keys()
                .filter(|k| !opts.resource_order.contains(k)),
        );
        for kind in kinds {
            let objects = &info.resources[kind];
            let _ = writeln!(buf, "==> {kind}");
            for obj in objects {
                printer.print(obj, &mut buf);
            }
            buf.push('\n');
        }
        let _ = writeln!(out, "RESOURCES:\n{buf}");
    }
    let tests: Vec<_> = rel
        .hooks
        .iter()
        .filter(|h| h.events.iter().any(|e| e == "test"))
        .collect();
    if tests.is_empty() {
        out.push_str("TEST SUITE: None\n");
    } else {
        for h in tests {
            if h.last_run.started_at.is_none() {
                continue;
            }
            let _ = writeln!(out, "TEST SUITE:     {}", h.name);
            let _ = writeln!(
                out,
                "Last Started:   {}",
                format_time(h.last_run.started_at.as_deref(), ANSIC)
            );
            let _ = writeln!(
                out,
                "Last Completed: {}",
                format_time(h.last_run.completed_at.as_deref(), ANSIC)
            );
            let _ = writeln!(out, "Phase:          {}", h.last_run.phase);
        }
    }
    if opts.debug {
        out.push_str("USER-SUPPLIED VALUES:\n");
        out.push_str(&values_yaml(&rel.config));
        out.push('\n');
        out.push_str("COMPUTED VALUES:\n");
        match computed_values(rel) {
            Ok(v) => out.push_str(&map_yaml(&v)),
            Err(e) => out.push_str(&e),
        }
        out.push('\n');
    }
    if info.description.eq_ignore_ascii_case("Dry run complete") || opts.debug {
        out.push_str("HOOKS:\n");
        for h in &rel.hooks {
            let _ = writeln!(out, "---\n# Source: {}\n{}", h.path, h.manifest);
        }
        let _ = writeln!(out, "MANIFEST:\n{}", rel.manifest);
    }
    if !opts.hide_notes && !info.notes.is_empty() {
        let _ = writeln!(out, "NOTES:\n{}", info.notes.trim());
    }
    out
}

/// kubectl's printer of server-side Tables as Helm's status uses it: headers (columns of
/// priority 0, upper-cased) when the columns change, each object aligned on its own
/// (tabwriter: minimum width 6, padding 3).
#[derive(Default)]
struct TablePrinter {
    last_columns: Option<serde_json::Value>,
    printed_headers: bool,
}

impl TablePrinter {
    fn print(&mut self, table: &serde_json::Value, out: &mut String) {
        let columns = table
            .get("columnDefinitions")
            .cloned()
            .unwrap_or(serde_json::Value::Null);
        let rows = table
            .get("rows")
            .and_then(|r| r.as_array())
            .cloned()
            .unwrap_or_default();
        let no_cols = columns.as_array().is_none_or(|c| c.is_empty());
        let mut no_headers =
            self.printed_headers && (no_cols || self.last_columns.as_ref() == Some(&columns));
        let columns = if no_cols {
            self.last_columns.clone().unwrap_or(serde_json::Value::Null)
        } else {
            if self.last_columns.as_ref() != Some(&columns) {
                self.last_columns = Some(columns.clone());
                self.printed_headers = false;
            }
            columns
        };
        if !rows.is_empty() {
            self.printed_headers = true;
        }
        let cols = columns.as_array().cloned().unwrap_or_default();
        let shown: Vec<usize> = cols
            .iter()
            .enumerate()
            .filter(|(_, c)| c.get("priority").and_then(|p| p.as_i64()).unwrap_or(0) == 0)
            .map(|(i, _)| i)
            .collect();
        let mut lines: Vec<Vec<String>> = Vec::new();
        if rows.is_empty() {
            no_headers = true;
        }
        if !no_headers {
            lines.push(
                shown
                    .iter()
                    .map(|&i| {
                        cols[i]
                            .get("name")
                            .and_then(|n| n.as_str())
                            .unwrap_or("")
                            .to_uppercase()
                    })
                    .collect(),
            );
        }
        for row in &rows {
            let cells = row
                .get("cells")
                .and_then(|c| c.as_array())
                .cloned()
                .unwrap_or_default();
            lines.push(
                shown
                    .iter()
                    .filter(|&&i| i < cells.len())
                    .map(|&i| cell_text(&cells[i]))
                    .collect(),
            );
        }
        out.push_str(&tabwriter(&lines, 6, 3));
    }
}

/// A Table cell as kubectl prints it: strings cut at the first line break (with `...`).
fn cell_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => match s.find(['\n', '\r', '\x0c']) {
            Some(i) => format!("{}...", &s[..i]),
            None => s.clone(),
        },
        other => capstan_core::gofmt::sprint(&[Value::from_json(other)]),
    }
}

/// Go's text/tabwriter over tab-separated cells (the last cell of a line is not aligned).
fn tabwriter(lines: &[Vec<String>], minwidth: usize, padding: usize) -> String {
    let ncols = lines.iter().map(Vec::len).max().unwrap_or(0);
    let mut widths = vec![minwidth; ncols];
    for line in lines {
        for (i, c) in line.iter().enumerate() {
            if i + 1 < line.len() {
                widths[i] = widths[i].max(c.chars().count() + padding);
            }
        }
    }
    let mut out = String::new();
    for line in lines {
        for (i, c) in line.iter().enumerate() {
            out.push_str(c);
            if i + 1 < line.len() {
                out.push_str(&" ".repeat(widths[i].saturating_sub(c.chars().count())));
            }
        }
        out.push('\n');
    }
    out
}

/// A stored release's user values as `sigs.k8s.io/yaml.Marshal` prints them: Helm's
/// record omits an empty map, which decodes to a nil map and prints as `null`.
pub fn values_yaml(values: &serde_json::Map<String, serde_json::Value>) -> String {
    if values.is_empty() {
        return "null\n".into();
    }
    let v = Value::from_json(&serde_json::Value::Object(values.clone()));
    capstan_core::yaml::to_yaml(&v).unwrap_or_default()
}

fn map_yaml(m: &Map) -> String {
    capstan_core::yaml::to_yaml(&Value::Map(m.clone())).unwrap_or_default()
}

/// Helm's `CoalesceValues(rel.Chart, rel.Config)`: the chart's defaults under the
/// user-supplied values.
pub fn computed_values(rel: &Release) -> Result<Map, String> {
    let defaults = rel
        .chart
        .as_ref()
        .and_then(|c| c.values.clone())
        .unwrap_or_default();
    let chart = capstan_core::chart::Chart {
        values: map_of(&defaults),
        ..Default::default()
    };
    capstan_core::values::coalesce(&chart, &map_of(&rel.config)).map_err(|e| e.to_string())
}

fn map_of(m: &serde_json::Map<String, serde_json::Value>) -> Map {
    match Value::from_json(&serde_json::Value::Object(m.clone())) {
        Value::Map(m) => m,
        _ => Map::new(),
    }
}

/// `NAME-VERSION` of the release's chart, `MISSING` without one (Helm's formatChartName).
pub fn chart_name(chart: Option<&ChartRecord>) -> String {
    match chart.and_then(|c| c.metadata.as_ref()) {
        Some(m) => format!("{}-{}", m.name, m.version),
        None => "MISSING".into(),
    }
}

/// The chart's app version, `MISSING` without a chart (Helm's formatAppVersion).
pub fn app_version(chart: Option<&ChartRecord>) -> String {
    match chart.and_then(|c| c.metadata.as_ref()) {
        Some(m) => m.app_version.clone(),
        None => "MISSING".into(),
    }
}

/// gosuri/uitable as Helm uses it: every cell padded to its column's width, cells joined
/// by a tab, rows by newlines; Helm adds the final newline.
pub fn table(rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = Vec::new();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            let w = cell
                .split('\n')
                .map(|l| l.chars().count())
                .max()
                .unwrap_or(0);
            if i >= widths.len() {
                widths.push(0);
            }
            widths[i] = widths[i].max(w);
        }
    }
    let mut lines = Vec::with_capacity(rows.len());
    for row in rows {
        // A cell with several lines makes the row several lines tall.
        let height = row.iter().map(|c| c.split('\n').count()).max().unwrap_or(1);
        for l in 0..height {
            let cells: Vec<String> = row
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let text = c.split('\n').nth(l).unwrap_or("");
                    let pad = widths[i].saturating_sub(text.chars().count());
                    format!("{text}{}", " ".repeat(pad))
                })
                .collect();
            lines.push(cells.join("\t"));
        }
    }
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

/// One line of `helm list`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ListEntry {
    pub name: String,
    pub namespace: String,
    pub revision: String,
    pub updated: String,
    pub status: String,
    pub chart: String,
    pub app_version: String,
}

impl ListEntry {
    /// The entry of `rel`; `time_format` is a Go layout, empty for Go's `Time.String()`.
    pub fn new(rel: &Release, time_format: &str) -> ListEntry {
        let info = rel.info.clone().unwrap_or_default();
        let updated = match info.last_deployed.as_deref() {
            None => "-".to_string(),
            Some(t) if time_format.is_empty() => go_time(Some(t)).to_go_string(),
            Some(t) => format_time(Some(t), time_format),
        };
        ListEntry {
            name: rel.name.clone(),
            namespace: rel.namespace.clone(),
            revision: rel.version.to_string(),
            updated,
            status: info.status.to_string(),
            chart: chart_name(rel.chart.as_ref()),
            app_version: app_version(rel.chart.as_ref()),
        }
    }
}

/// `helm list` in `format`.
pub fn list(entries: &[ListEntry], format: OutputFormat, no_headers: bool) -> String {
    match format {
        OutputFormat::Table => {
            let mut rows = Vec::with_capacity(entries.len() + 1);
            if !no_headers {
                rows.push(
                    [
                        "NAME",
                        "NAMESPACE",
                        "REVISION",
                        "UPDATED",
                        "STATUS",
                        "CHART",
                        "APP VERSION",
                    ]
                    .map(String::from)
                    .to_vec(),
                );
            }
            for e in entries {
                rows.push(vec![
                    e.name.clone(),
                    e.namespace.clone(),
                    e.revision.clone(),
                    e.updated.clone(),
                    e.status.clone(),
                    e.chart.clone(),
                    e.app_version.clone(),
                ]);
            }
            if rows.is_empty() {
                return "\n".into();
            }
            table(&rows)
        }
        OutputFormat::Json => {
            // Go's encoder keeps the struct's field order here, not sorted keys.
            let body: Vec<String> = entries
                .iter()
                .map(|e| struct_json(&serde_json::to_value(e).unwrap_or_default()))
                .collect();
            format!("[{}]\n", body.join(","))
        }
        OutputFormat::Yaml => {
            json_text_to_yaml(&serde_json::to_string(entries).unwrap_or_else(|_| "[]".to_string()))
        }
    }
}

/// `helm history` of `revs` (oldest first) in `format`.
pub fn history(revs: &[Release], format: OutputFormat) -> String {
    match format {
        OutputFormat::Table => {
            let mut rows = vec![
                [
                    "REVISION",
                    "UPDATED",
                    "STATUS",
                    "CHART",
                    "APP VERSION",
                    "DESCRIPTION",
                ]
                .map(String::from)
                .to_vec(),
            ];
            for r in revs {
                let info = r.info.clone().unwrap_or_default();
                rows.push(vec![
                    r.version.to_string(),
                    format_time(info.last_deployed.as_deref(), ANSIC),
                    info.status.to_string(),
                    chart_name(r.chart.as_ref()),
                    app_version(r.chart.as_ref()),
                    info.description.clone(),
                ]);
            }
            table(&rows)
        }
        OutputFormat::Json | OutputFormat::Yaml => {
            let items: Vec<serde_json::Value> = revs
                .iter()
                .map(|r| {
                    let info = r.info.clone().unwrap_or_default();
                    let mut m = serde_json::Map::new();
                    m.insert("revision".into(), r.version.into());
                    if let Some(t) = &info.last_deployed {
                        m.insert("updated".into(), t.clone().into());
                    }
                    m.insert("status".into(), info.status.to_string().into());
                    m.insert("chart".into(), chart_name(r.chart.as_ref()).into());
                    m.insert("app_version".into(), app_version(r.chart.as_ref()).into());
                    m.insert("description".into(), info.description.into());
                    serde_json::Value::Object(m)
                })
                .collect();
            if format == OutputFormat::Json {
                // Go's encoder keeps the struct's field order here, not sorted keys.
                let body: Vec<String> = items.iter().map(struct_json).collect();
                format!("[{}]\n", body.join(","))
            } else {
                json_text_to_yaml(&serde_json::Value::Array(items).to_string())
            }
        }
    }
}

/// A JSON value with objects in their insertion order (a Go struct's field order) and
/// Go's string escaping, without the final newline.
pub fn struct_json(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Object(m) => {
            let fields: Vec<String> = m
                .iter()
                .map(|(k, v)| format!("{}:{}", go_string(k), struct_json(v)))
                .collect();
            format!("{{{}}}", fields.join(","))
        }
        serde_json::Value::Array(a) => {
            let items: Vec<String> = a.iter().map(struct_json).collect();
            format!("[{}]", items.join(","))
        }
        serde_json::Value::String(s) => go_string(s),
        other => other.to_string(),
    }
}

fn go_string(s: &str) -> String {
    capstan_core::yaml::to_json(&Value::String(s.into())).unwrap_or_else(|_| format!("{s:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uitable_pads_every_cell() {
        let t = table(&[
            vec!["NAME".into(), "REV".into()],
            vec!["a".into(), "10".into()],
        ]);
        assert_eq!(t, "NAME\tREV\na   \t10 \n");
    }

    #[test]
    fn ansic_and_go_string() {
        let s = Some("2024-03-05T07:08:09.5Z");
        assert_eq!(format_time(s, ANSIC), "Tue Mar  5 07:08:09 2024");
        assert_eq!(go_time(s).to_go_string(), "2024-03-05 07:08:09.5 +0000 UTC");
        assert_eq!(format_time(None, ANSIC), "Mon Jan  1 00:00:00 0001");
    }
}

#[cfg(test)]
mod table_tests {
    use super::*;

    #[test]
    fn tabwriter_minimum_width_and_padding() {
        let lines = vec![
            vec!["NAME".to_string(), "DATA".to_string(), "AGE".to_string()],
            vec!["r1-kept".to_string(), "0".to_string(), "8s".to_string()],
        ];
        assert_eq!(
            tabwriter(&lines, 6, 3),
            "NAME      DATA   AGE\nr1-kept   0      8s\n"
        );
    }

    #[test]
    fn kubectl_table_headers_once_per_column_set() {
        let t = |name: &str| {
            serde_json::json!({
                "columnDefinitions": [
                    {"name": "Name", "priority": 0},
                    {"name": "Data", "priority": 0},
                    {"name": "Extra", "priority": 1}
                ],
                "rows": [{"cells": [name, 1, "hidden"]}]
            })
        };
        let mut p = TablePrinter::default();
        let mut out = String::new();
        p.print(&t("a"), &mut out);
        p.print(&t("bbbbbbbb"), &mut out);
        assert_eq!(out, "NAME   DATA\na      1\nbbbbbbbb   1\n");
    }

    #[test]
    fn list_json_keeps_field_order() {
        let e = ListEntry {
            name: "a<b".into(),
            namespace: "n".into(),
            revision: "1".into(),
            updated: "-".into(),
            status: "deployed".into(),
            chart: "c-1".into(),
            app_version: String::new(),
        };
        assert_eq!(
            list(&[e], OutputFormat::Json, false),
            "[{\"name\":\"a\\u003cb\",\"namespace\":\"n\",\"revision\":\"1\",\"updated\":\"-\",\"status\":\"deployed\",\"chart\":\"c-1\",\"app_version\":\"\"}]\n"
        );
    }
}
