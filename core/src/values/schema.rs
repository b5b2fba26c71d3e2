//! values.schema.json validation (Helm's `ValidateAgainstSchema`), on the `boon` crate —
//! a port of the Go validator Helm uses — with Helm's error text rebuilt from boon's
//! error kinds: `CHART:\n- at '/path': message\n`, nested causes indented.
//!
//! Remote `$ref`s are never fetched (core has no network); such a schema fails to
//! compile with an error that says so. `urn:` references resolve to the permissive
//! `true` schema, as Helm's default URN resolver does.

use std::error::Error;
use std::fmt::Write;

use boon::{Compiler, ErrorKind, Format, Schemas, ValidationError};

use super::ValuesError;
use super::json;
use super::strvals::go_quote;
use crate::chart::Chart;
use crate::value::{Map, Value};

/// The location Helm registers the schema under.
const SCHEMA_URL: &str = "file:///values.schema.json";

pub(crate) fn validate(chart: &Chart, values: &Map) -> Result<(), ValuesError> {
    let mut out = String::new();
    validate_chart(chart, values, &mut out);
    if out.is_empty() {
        Ok(())
    } else {
        Err(ValuesError { message: out })
    }
}

fn validate_chart(chart: &Chart, values: &Map, out: &mut String) {
    if let Some(schema) = &chart.schema
        && let Err(e) = validate_single(values, schema)
    {
        let _ = write!(out, "{}:\n{e}", chart.name());
    }
    for sub in &chart.dependencies {
        match values.get(sub.name()) {
            None | Some(Value::Nil) => {}
            Some(Value::Map(m)) => validate_chart(sub, &m, out),
            Some(other) => {
                let _ = write!(
                    out,
                    "{}:\ninvalid type for values: expected object (map), got {}\n",
                    sub.name(),
                    other.go_type()
                );
            }
        }
    }
}

/// Validates values against one schema document; the error is Helm's text for it.
fn validate_single(values: &Map, schema: &[u8]) -> Result<(), String> {
    let doc = parse_schema(schema)?;
    let mut compiler = Compiler::new();
    compiler.use_loader(Box::new(NoFetch));
    compiler.register_format(Format {
        name: "ipv4",
        func: validate_ipv4,
    });
    compiler
        .add_resource(SCHEMA_URL, doc)
        .map_err(|e| compile_error(&e))?;
    let mut schemas = Schemas::new();
    let index = compiler
        .compile(SCHEMA_URL, &mut schemas)
        .map_err(|e| compile_error(&e))?;
    let instance = Value::Map(values.clone()).to_json();
    match schemas.validate(&instance, index) {
        Ok(()) => Ok(()),
        Err(e) => {
            let mut text = String::new();
            display(&e, 0, &mut text);
            Err(format!("{}\n", text.trim_start_matches('\n')))
        }
    }
}

/// Parses the schema like Go's `json.Decoder` (so a broken file reports Go's message),
/// then hands serde_json's tree to boon.
fn parse_schema(schema: &[u8]) -> Result<serde_json::Value, String> {
    let text = String::from_utf8_lossy(schema);
    let chars: Vec<char> = text.chars().collect();
    let start = chars
        .iter()
        .position(|c| !matches!(c, ' ' | '\t' | '\r' | '\n'));
    let Some(start) = start else {
        return Err("EOF".into());
    };
    let (_, used) = json::decode_prefix(&chars[start..]).map_err(|e| {
        if e.starts_with("json: cannot unmarshal number") {
            // Go decodes schema numbers as json.Number: any size is fine.
            String::new()
        } else {
            e
        }
    })?;
    if chars[start + used..]
        .iter()
        .any(|c| !matches!(c, ' ' | '\t' | '\r' | '\n'))
    {
        return Err("invalid character after top-level value".into());
    }
    serde_json::from_str(&text).map_err(|e| e.to_string())
}

/// Refuses to load anything but `urn:` references: core never touches the network or
/// the file system.
struct NoFetch;

impl boon::UrlLoader for NoFetch {
    fn load(&self, url: &str) -> Result<serde_json::Value, Box<dyn Error>> {
        if url.starts_with("urn:") {
            return Ok(serde_json::Value::Bool(true));
        }
        Err(format!(
            "capstan does not fetch remote schemas ($ref to {url}); inline the referenced schema in values.schema.json"
        )
        .into())
    }
}

fn compile_error(e: &boon::CompileError) -> String {
    match e {
        boon::CompileError::LoadUrlError { url, src } => {
            format!("failing loading {}: {src}", go_quote(url))
        }
        boon::CompileError::ValidationError { url, src } => {
            let mut text = String::new();
            display(src, 0, &mut text);
            format!(
                "{} is not valid against metaschema: {}",
                go_quote(url),
                text.trim_start_matches('\n')
            )
        }
        other => other.to_string(),
    }
}

/// Go's `net`-free ipv4 check from the Go validator (its messages, not Rust's parser's).
fn validate_ipv4(v: &serde_json::Value) -> Result<(), Box<dyn Error>> {
    let serde_json::Value::String(s) = v else {
        return Ok(());
    };
    let groups: Vec<&str> = s.split('.').collect();
    if groups.len() != 4 {
        return Err("expected four decimals".into());
    }
    for g in groups {
        if g.len() > 1 && g.starts_with('0') {
            return Err("leading zeros".into());
        }
        let digits = g.strip_prefix(['+', '-']).unwrap_or(g);
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!("strconv.Atoi: parsing {}: invalid syntax", go_quote(g)).into());
        }
        let n: i64 = g.parse().unwrap_or(i64::MAX);
        if !(0..=255).contains(&n) {
            return Err("decimal must be between 0 and 255".into());
        }
    }
    Ok(())
}

/// Writes an error tree the way the Go validator prints it (minus the root line Helm
/// strips): each error `\n- at '<instance path>': <message>`, causes indented by two.
fn display(e: &ValidationError, indent: usize, out: &mut String) {
    let skip = e.causes.len() == 1 && matches!(e.kind, ErrorKind::Reference { .. });
    let mut indent = indent;
    if !skip {
        if indent > 0 {
            out.push('\n');
            for _ in 0..indent - 1 {
                out.push_str("  ");
            }
            out.push_str("- ");
            let _ = write!(
                out,
                "at {}: {}",
                quote(&instance_pointer(e)),
                message(&e.kind)
            );
        }
        indent += 1;
    }
    for cause in &e.causes {
        display(cause, indent, out);
    }
}

fn instance_pointer(e: &ValidationError) -> String {
    let mut s = String::new();
    for tok in &e.instance_location.tokens {
        s.push('/');
        match tok {
            boon::InstanceToken::Prop(p) => s.push_str(&p.replace('~', "~0").replace('/', "~1")),
            boon::InstanceToken::Item(i) => {
                let _ = write!(s, "{i}");
            }
        }
    }
    s
}

/// The Go validator's `quote`: Go's `%q` with single quotes.
fn quote(s: &str) -> String {
    let q = go_quote(s);
    let inner = &q[1..q.len() - 1];
    format!("'{}'", inner.replace("\\\"", "\"").replace('\'', "\\'"))
}

fn join_quoted<S: AsRef<str>>(items: &[S]) -> String {
    items
        .iter()
        .map(|s| quote(s.as_ref()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A JSON value as the Go validator displays it: strings quoted, containers as `value`.
fn display_value(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => quote(s),
        serde_json::Value::Array(_) | serde_json::Value::Object(_) => "value".into(),
        serde_json::Value::Null => "<nil>".into(),
        serde_json::Value::Bool(b) => b.to_string(),
        serde_json::Value::Number(n) => n.to_string(),
    }
}

fn is_primitive(v: &serde_json::Value) -> bool {
    !matches!(
        v,
        serde_json::Value::Array(_) | serde_json::Value::Object(_)
    )
}

/// A number as Go's `message.Printer` prints `%v` of a float64 in English: thousands
/// grouped (`70,000`).
fn number(n: &serde_json::Number) -> String {
    let f = n.as_f64().unwrap_or(0.0);
    let plain = if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e21 {
        format!("{f:.0}")
    } else if f.abs() >= 1e-4 && f.abs() < 1e21 {
        format!("{f}")
    } else {
        return format!("{f:e}");
    };
    let (sign, rest) = match plain.strip_prefix('-') {
        Some(r) => ("-", r),
        None => ("", plain.as_str()),
    };
    let (int, frac) = match rest.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (rest, None),
    };
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    match frac {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

fn message(kind: &ErrorKind) -> String {
    use ErrorKind as K;
    match kind {
        K::Group | K::Reference { .. } => "validation failed".into(),
        K::Schema { url } => format!("jsonschema validation failed with {}", quote(url)),
        K::ContentSchema => "contentSchema failed".into(),
        K::PropertyName { prop } => format!("invalid propertyName {}", quote(prop)),
        K::RefCycle {
            url,
            kw_loc1,
            kw_loc2,
        } => format!(
            "both {kw_loc1} and {kw_loc2} resolve to {} causing reference cycle",
            go_quote(url)
        ),
        K::FalseSchema => "false schema".into(),
        K::Type { got, want } => {
            let want: Vec<String> = want.iter().map(|t| t.to_string()).collect();
            format!("got {got}, want {}", want.join(" or "))
        }
        K::Enum { want } => {
            if want.iter().all(is_primitive) {
                if want.len() == 1 {
                    format!("value must be {}", display_value(&want[0]))
                } else {
                    let items: Vec<String> = want.iter().map(display_value).collect();
                    format!("value must be one of {}", items.join(", "))
                }
            } else {
                "enum failed".into()
            }
        }
        K::Const { want } => {
            if is_primitive(want) {
                format!("value must be {}", display_value(want))
            } else {
                "const failed".into()
            }
        }
        K::Format { got, want, err } => {
            format!("{} is not valid {want}: {err}", display_value(got))
        }
        K::MinProperties { got, want } => format!("minProperties: got {got}, want {want}"),
        K::MaxProperties { got, want } => format!("maxProperties: got {got}, want {want}"),
        K::AdditionalProperties { got } => {
            format!("additional properties {} not allowed", join_quoted(got))
        }
        K::Required { want } => {
            if want.len() == 1 {
                format!("missing property {}", quote(want[0]))
            } else {
                format!("missing properties {}", join_quoted(want))
            }
        }
        K::Dependency { prop, missing } | K::DependentRequired { prop, missing } => format!(
            "properties {} required, if {} exists",
            join_quoted(missing),
            quote(prop)
        ),
        K::MinItems { got, want } => format!("minItems: got {got}, want {want}"),
        K::MaxItems { got, want } => format!("maxItems: got {got}, want {want}"),
        K::Contains => "no items match contains schema".into(),
        K::MinContains { got, want } => {
            if got.is_empty() {
                format!("min {want} items required to match contains schema, but none matched")
            } else {
                format!(
                    "min {want} items required to match contains schema, but matched {} items at {}",
                    got.len(),
                    join_usize(got)
                )
            }
        }
        K::MaxContains { got, want } => format!(
            "max {want} items required to match contains schema, but matched {} items at {}",
            got.len(),
            join_usize(got)
        ),
        K::UniqueItems { got: [i, j] } => format!("items at {i} and {j} are equal"),
        K::AdditionalItems { got } => format!("last {got} additionalItem(s) not allowed"),
        K::MinLength { got, want } => format!("minLength: got {got}, want {want}"),
        K::MaxLength { got, want } => format!("maxLength: got {got}, want {want}"),
        K::Pattern { got, want } => {
            format!("{} does not match pattern {}", quote(got), quote(want))
        }
        K::ContentEncoding { want, err } => {
            format!("value is not {} encoded: {err}", quote(want))
        }
        K::ContentMediaType { want, err, .. } => {
            format!("value if not of mediatype {}: {err}", quote(want))
        }
        K::Minimum { got, want } => format!("minimum: got {}, want {}", number(got), number(want)),
        K::Maximum { got, want } => format!("maximum: got {}, want {}", number(got), number(want)),
        K::ExclusiveMinimum { got, want } => format!(
            "exclusiveMinimum: got {}, want {}",
            number(got),
            number(want)
        ),
        K::ExclusiveMaximum { got, want } => format!(
            "exclusiveMaximum: got {}, want {}",
            number(got),
            number(want)
        ),
        K::MultipleOf { got, want } => {
            format!("multipleOf: got {}, want {}", number(got), number(want))
        }
        K::Not => "'not' failed".into(),
        K::AllOf => "'allOf' failed".into(),
        K::AnyOf => "'anyOf' failed".into(),
        K::OneOf(None) => "'oneOf' failed, none matched".into(),
        K::OneOf(Some((i, j))) => format!("'oneOf' failed, subschemas {i}, {j} matched"),
    }
}

fn join_usize(items: &[usize]) -> String {
    items
        .iter()
        .map(usize::to_string)
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn check(schema: serde_json::Value, values: serde_json::Value) -> Result<(), String> {
        let Value::Map(m) = Value::from_json(&values) else {
            return Err("not a map".into());
        };
        validate_single(&m, schema.to_string().as_bytes())
    }

    #[test]
    fn messages_in_helm_shape() {
        let s = json!({"$schema": "http://json-schema.org/draft-07/schema#",
            "properties": {"replicas": {"type": "integer", "minimum": 1, "maximum": 65535}},
            "required": ["name"]});
        assert_eq!(
            check(s.clone(), json!({"name": "x", "replicas": 0})).unwrap_err(),
            "- at '/replicas': minimum: got 0, want 1\n"
        );
        assert_eq!(
            check(s.clone(), json!({"name": "x", "replicas": 70000})).unwrap_err(),
            "- at '/replicas': maximum: got 70,000, want 65,535\n"
        );
        assert_eq!(
            check(s.clone(), json!({"replicas": 2.0})).unwrap_err(),
            "- at '': missing property 'name'\n"
        );
        assert!(check(s, json!({"name": "x", "replicas": 2.0})).is_ok());
    }

    #[test]
    fn invalid_schema_reports_go_json_error() {
        let Value::Map(m) = Value::from_json(&json!({})) else {
            return;
        };
        assert_eq!(
            validate_single(&m, b"{ not json").unwrap_err(),
            "invalid character 'n' looking for beginning of object key string"
        );
    }

    #[test]
    fn remote_refs_are_not_fetched() {
        let err = check(json!({"$ref": "https://example.com/s.json"}), json!({})).unwrap_err();
        assert!(err.contains("does not fetch"), "{err}");
        assert!(check(json!({"$ref": "urn:example:x"}), json!({"a": 1})).is_ok());
    }

    #[test]
    fn ipv4_like_go() {
        let s = json!({"$schema": "http://json-schema.org/draft-07/schema#",
            "properties": {"ip": {"format": "ipv4"}}});
        assert_eq!(
            check(s, json!({"ip": "999.1.1.1"})).unwrap_err(),
            "- at '/ip': '999.1.1.1' is not valid ipv4: decimal must be between 0 and 255\n"
        );
    }
}
