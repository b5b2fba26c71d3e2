//! Where an error points: the template positions inside Helm's error text
//! (`template: NAME:LINE:COL: ...`, `execution error at (NAME:LINE:COL): ...`,
//! `parse error at (NAME:LINE): ...`, `YAML parse error on NAME: ...`) and the values
//! paths of a schema error (`CHART:\n- at '/path': message`).

use serde::Serialize;

/// A position in a chart's template.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Location {
    /// Full template name, e.g. `mychart/templates/deployment.yaml`.
    pub template: String,
    /// The file relative to the top chart's root (the name without its chart prefix).
    pub file: String,
    /// 1-based line, when the message gives one.
    pub line: Option<u32>,
    /// 1-based column, when the message gives one.
    pub column: Option<u32>,
}

/// One violation of a values.schema.json.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SchemaViolation {
    /// The chart whose schema failed.
    pub chart: String,
    /// JSON pointer into that chart's values (`/image/tag`; empty for the root).
    pub path: String,
    pub message: String,
}

fn is_name_char(c: char) -> bool {
    !(c.is_whitespace() || matches!(c, '(' | ')' | ':' | '<' | '>' | '"' | '\'' | '`' | ','))
}

fn location(name: &str, line: Option<u32>, column: Option<u32>) -> Location {
    let file = name.split_once('/').map_or(name, |(_, rest)| rest);
    Location {
        template: name.to_string(),
        file: file.to_string(),
        line,
        column,
    }
}

fn digits(s: &str) -> (&str, &str) {
    let end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    s.split_at(end)
}

fn push(out: &mut Vec<Location>, loc: Location) {
    if out.last() != Some(&loc) {
        out.push(loc);
    }
}

/// Every template position a message names, outermost first (Go wraps errors of
/// `include`d templates inside the caller's, so the last one is where the fault is).
pub fn locations(message: &str) -> Vec<Location> {
    let mut out: Vec<Location> = Vec::new();
    const YAML: &str = "YAML parse error on ";
    let mut rest = message;
    let mut offset = 0;
    while let Some(i) = rest.find(':') {
        let abs = offset + i;
        let before = &message[..abs];
        let after = &message[abs + 1..];
        let (line, tail) = digits(after);
        let start = before
            .char_indices()
            .rev()
            .find(|&(_, c)| !is_name_char(c))
            .map_or(0, |(j, c)| j + c.len_utf8());
        let name = &before[start..];
        if !line.is_empty() && name.contains('/') {
            let column = tail
                .strip_prefix(':')
                .map(digits)
                .and_then(|(c, _)| c.parse().ok());
            push(&mut out, location(name, line.parse().ok(), column));
        } else if line.is_empty() && !name.is_empty() && before[..start].ends_with(YAML) {
            push(&mut out, location(name, None, None));
        }
        offset = abs + 1;
        rest = &message[offset..];
    }
    out
}

/// The violations listed in a schema error, in the order given.
pub fn schema_violations(message: &str) -> Vec<SchemaViolation> {
    let mut out = Vec::new();
    let mut chart = String::new();
    for line in message.lines() {
        if let Some(v) = line.strip_prefix("- at '") {
            let (path, msg) = v
                .split_once("': ")
                .unwrap_or((v.trim_end_matches('\''), ""));
            out.push(SchemaViolation {
                chart: chart.clone(),
                path: path.to_string(),
                message: msg.to_string(),
            });
        } else if let Some(name) = line.strip_suffix(':')
            && !name.contains(' ')
            && !name.is_empty()
        {
            chart = name.to_string();
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exec_error_chain() {
        let m = "template: c/templates/a.yaml:3:4: executing \"c/templates/a.yaml\" at <include \"x\" .>: error calling include: template: c/templates/_h.tpl:7:12: executing \"x\" at <.Values.a.b>: nil pointer";
        let l = locations(m);
        assert_eq!(l.len(), 2);
        assert_eq!(l[0].file, "templates/a.yaml");
        assert_eq!((l[0].line, l[0].column), (Some(3), Some(4)));
        assert_eq!(l[1].template, "c/templates/_h.tpl");
        assert_eq!((l[1].line, l[1].column), (Some(7), Some(12)));
    }

    #[test]
    fn helm_wrappers() {
        let l = locations("execution error at (c/templates/a.yaml:10:2): boom");
        assert_eq!(l, vec![location("c/templates/a.yaml", Some(10), Some(2))]);
        let l = locations("parse error at (c/charts/s/templates/b.yaml:5): unexpected");
        assert_eq!(
            l,
            vec![location("c/charts/s/templates/b.yaml", Some(5), None)]
        );
        assert_eq!(l[0].file, "charts/s/templates/b.yaml");
        let l = locations(
            "YAML parse error on c/templates/x.yaml: error converting YAML to JSON: yaml: line 5: bad",
        );
        assert_eq!(l, vec![location("c/templates/x.yaml", None, None)]);
        assert!(locations("template: gotpl:1:3: bad").is_empty());
        assert!(locations("").is_empty());
        assert!(locations(":::").is_empty());
    }

    #[test]
    fn schema() {
        let m = "values don't meet the specifications of the schema(s) in the following chart(s):\nnginx:\n- at '/replicaCount': got string, want integer\n- at '': missing property 'x'\nsub:\n- at '/a/b': bad\n";
        let v = schema_violations(m);
        assert_eq!(v.len(), 3);
        assert_eq!(v[0].chart, "nginx");
        assert_eq!(v[0].path, "/replicaCount");
        assert_eq!(v[0].message, "got string, want integer");
        assert_eq!(v[1].path, "");
        assert_eq!(v[2].chart, "sub");
        assert_eq!(v[2].path, "/a/b");
    }
}
