//! values.schema.json validation (Helm's `ValidateAgainstSchema`), on the `boon` crate —
//! a port of the Go validator Helm uses — with Helm's error text rebuilt from boon's
//! error kinds: `CHART:\n- at '/path': message\n`, nested causes indented.
//!
//! Remote `$ref`s are never fetched (core has no network); such a schema fails to
//! compile with an error that says so. `urn:` references resolve to the permissive
//! `true` schema, as Helm's default URN resolver does.

use std::cell::RefCell;
use std::error::Error;
use std::fmt::Write;
use std::rc::Rc;

use boon::{Compiler, ErrorKind, Schemas, ValidationError};

use super::ValuesError;
use super::formats;
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
    let compiled = compiled_schema(schema);
    let compiled = compiled.as_ref().as_ref().map_err(Clone::clone)?;
    let instance = Value::Map(values.clone()).to_json();
    match compiled.schemas.validate(&instance, compiled.index) {
        Ok(()) => Ok(()),
        Err(e) => {
            let mut text = String::new();
            display(&e, 0, &mut text, Some(&compiled.doc));
            Err(format!("{}\n", text.trim_start_matches('\n')))
        }
    }
}

/// A schema document compiled by boon, ready to validate instances.
struct Compiled {
    doc: serde_json::Value,
    schemas: Schemas,
    index: boon::SchemaIndex,
}

/// The outcome of compiling one schema text: the compiled schema or Helm's error text.
type CompileOutcome = Rc<Result<Compiled, String>>;

/// How many distinct schema texts [`SCHEMA_CACHE`] remembers.
const SCHEMA_CACHE_SIZE: usize = 16;

thread_local! {
    /// Recently compiled schemas by their text. Compiling (which also validates the
    /// schema against its draft's meta-schema) costs far more than validating values,
    /// and is a pure function of the text, so renders of the same chart in one process
    /// share it.
    static SCHEMA_CACHE: RefCell<Vec<(Box<[u8]>, CompileOutcome)>> =
        const { RefCell::new(Vec::new()) };
}

/// The compiled form of `schema`, from the cache when this text was compiled before.
fn compiled_schema(schema: &[u8]) -> CompileOutcome {
    let cached = SCHEMA_CACHE.with(|c| {
        let mut c = c.borrow_mut();
        let i = c.iter().position(|(text, _)| **text == *schema)?;
        // Most recently used last, so eviction drops the least recently used.
        let entry = c.remove(i);
        let outcome = Rc::clone(&entry.1);
        c.push(entry);
        Some(outcome)
    });
    if let Some(outcome) = cached {
        return outcome;
    }
    let outcome = Rc::new(compile(schema));
    SCHEMA_CACHE.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() >= SCHEMA_CACHE_SIZE {
            c.remove(0);
        }
        c.push((schema.into(), Rc::clone(&outcome)));
    });
    outcome
}

fn compile(schema: &[u8]) -> Result<Compiled, String> {
    let doc = parse_schema(schema)?;
    let mut compiler = Compiler::new();
    compiler.use_loader(Box::new(NoFetch));
    formats::register(&mut compiler);
    compiler
        .add_resource(SCHEMA_URL, doc.clone())
        .map_err(|e| compile_error(&e))?;
    let mut schemas = Schemas::new();
    let index = compiler
        .compile(SCHEMA_URL, &mut schemas)
        .map_err(|e| compile_error(&e))?;
    Ok(Compiled {
        doc,
        schemas,
        index,
    })
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
            display(src, 0, &mut text, None);
            let header = match &src.kind {
                ErrorKind::Schema { url } if url.ends_with('#') => message(&src.kind),
                ErrorKind::Schema { url } => {
                    format!(
                        "jsonschema validation failed with {}",
                        quote(&format!("{url}#"))
                    )
                }
                kind => message(kind),
            };
            format!(
                "{} is not valid against metaschema: {header}{text}",
                go_quote(&with_fragment(url))
            )
        }
        boon::CompileError::JsonPointerNotFound(url) => {
            format!("json-pointer in {} not found", go_quote(url))
        }
        other => other.to_string(),
    }
}

/// A schema URL with its (possibly empty) fragment, as the Go validator names it.
fn with_fragment(url: &str) -> String {
    if url.contains('#') {
        url.to_string()
    } else {
        format!("{url}#")
    }
}

/// Writes an error tree the way the Go validator prints it (minus the root line Helm
/// strips): each error `\n- at '<instance path>': <message>`, causes indented by two.
fn display(e: &ValidationError, indent: usize, out: &mut String, doc: Option<&serde_json::Value>) {
    display_under(e, None, indent, out, doc);
}

fn line(out: &mut String, indent: usize, at: &str, text: &str) {
    out.push('\n');
    for _ in 1..indent {
        out.push_str("  ");
    }
    let _ = write!(out, "- at {}: {text}", quote(at));
}

/// The combinators whose lone failing branch boon reports in place of the combinator's
/// own error (the Go validator always wraps it): each wrapper's message and instance
/// location (the error's, minus the steps taken below that combinator), outermost first.
fn unwrapped_combinators(
    e: &ValidationError,
    parent: Option<&ValidationError>,
) -> Option<Vec<(&'static str, String)>> {
    let p = parent?;
    let base = match &p.kind {
        ErrorKind::AllOf | ErrorKind::AnyOf | ErrorKind::OneOf(_) => return None,
        ErrorKind::Reference { url, .. } => *url,
        _ => p.schema_url,
    };
    let suffix = e.schema_url.strip_prefix(base)?;
    let is_index = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    let mut tokens = suffix.split('/').filter(|t| !t.is_empty()).peekable();
    let mut found = Vec::new();
    let mut steps = 0;
    while let Some(t) = tokens.next() {
        match t {
            "allOf" | "anyOf" | "oneOf" => {
                if !tokens.next().is_some_and(is_index) {
                    return None;
                }
                let message = match t {
                    "allOf" => "'allOf' failed",
                    "anyOf" => "'anyOf' failed",
                    _ => "'oneOf' failed, none matched",
                };
                found.push((message, steps));
            }
            "properties" | "patternProperties" | "prefixItems" => {
                tokens.next()?;
                steps += 1;
            }
            "items" => {
                if tokens.peek().is_some_and(|t| is_index(t)) {
                    tokens.next();
                }
                steps += 1;
            }
            "additionalProperties"
            | "unevaluatedProperties"
            | "additionalItems"
            | "unevaluatedItems"
            | "contains" => steps += 1,
            "dependencies" | "dependentSchemas" => {
                tokens.next()?;
            }
            "not" | "if" | "then" | "else" => {}
            _ => return None,
        }
    }
    let instance = &e.instance_location.tokens;
    found
        .into_iter()
        .map(|(message, at)| {
            let keep = instance.len().checked_sub(steps - at)?;
            Some((message, pointer(&instance[..keep])))
        })
        .collect()
}

fn display_under(
    e: &ValidationError,
    parent: Option<&ValidationError>,
    indent: usize,
    out: &mut String,
    doc: Option<&serde_json::Value>,
) {
    let mut indent = indent;
    if indent > 0 {
        for (text, at) in unwrapped_combinators(e, parent).unwrap_or_default() {
            line(out, indent, &at, text);
            indent += 1;
        }
    }
    let skip = e.causes.len() == 1 && matches!(e.kind, ErrorKind::Reference { .. });
    if !skip {
        if indent > 0 {
            let text = match (&e.kind, doc) {
                (ErrorKind::Pattern { got, .. }, Some(doc)) => {
                    match original_pattern(doc, e.schema_url) {
                        Some(p) => format!("{} does not match pattern {}", quote(got), quote(p)),
                        None => message(&e.kind),
                    }
                }
                _ => message(&e.kind),
            };
            line(out, indent, &instance_pointer(e), &text);
        }
        indent += 1;
    }
    for cause in &e.causes {
        display_under(cause, Some(e), indent, out, doc);
    }
}

/// The `pattern` as written in the schema: boon reports its ECMA-to-Rust translation
/// (`\d` becomes `[0-9]`), Helm the original.
fn original_pattern<'d>(doc: &'d serde_json::Value, schema_url: &str) -> Option<&'d str> {
    let fragment = schema_url.strip_prefix(SCHEMA_URL)?.strip_prefix('#')?;
    let pointer = percent_decode(fragment)?;
    doc.pointer(&pointer)?.get("pattern")?.as_str()
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn instance_pointer(e: &ValidationError) -> String {
    pointer(&e.instance_location.tokens)
}

fn pointer(tokens: &[boon::InstanceToken]) -> String {
    let mut s = String::new();
    for tok in tokens {
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

/// A number as Go's `message.Printer` prints `%v` of a float64 in English: shortest
/// digits, thousands grouped (`70,000`), and `1.5×10⁰⁶` once the exponent leaves -4..5.
fn number(n: &serde_json::Number) -> String {
    let f = n.as_f64().unwrap_or(0.0);
    if f == 0.0 {
        return "0".into();
    }
    let sci = format!("{f:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if !(-4..6).contains(&exp) {
        let digits = format!("{:02}", exp.unsigned_abs());
        let sup: String = digits
            .chars()
            .map(|c| match c {
                '0' => '⁰',
                '1' => '¹',
                '2' => '²',
                '3' => '³',
                '4' => '⁴',
                '5' => '⁵',
                '6' => '⁶',
                '7' => '⁷',
                '8' => '⁸',
                _ => '⁹',
            })
            .collect();
        let sign = if exp < 0 { "⁻" } else { "" };
        return format!("{mantissa}×10{sign}{sup}");
    }
    let plain = format!("{f}");
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
        K::ContentSchema => "'contentSchema' failed".into(),
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
                "'enum' failed".into()
            }
        }
        K::Const { want } => {
            if is_primitive(want) {
                format!("value must be {}", display_value(want))
            } else {
                "'const' failed".into()
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
    fn numbers_like_go_message_printer() {
        let n = |f: f64| number(&serde_json::Number::from_f64(f).unwrap());
        assert_eq!(n(70000.0), "70,000");
        assert_eq!(n(999999.5), "999,999.5");
        assert_eq!(n(1e6), "1×10⁰⁶");
        assert_eq!(n(-2.5e6), "-2.5×10⁰⁶");
        assert_eq!(n(1e-5), "1×10⁻⁰⁵");
        assert_eq!(n(0.0001), "0.0001");
        assert_eq!(n(1e21), "1×10²¹");
        assert_eq!(n(-1.2345e-5), "-1.2345×10⁻⁰⁵");
    }

    #[test]
    fn lone_failing_branches_keep_their_combinator() {
        let s = json!({"properties": {
            "all": {"allOf": [{"type": "string"}, {"maxLength": 2}]},
            "arr": {"anyOf": [{"items": {"allOf": [{"type": "integer"}]}}]}
        }});
        assert_eq!(
            check(s, json!({"all": "abc", "arr": [1, "s"]})).unwrap_err(),
            "- at '/all': 'allOf' failed\n  - at '/all': maxLength: got 3, want 2\n\
             - at '/arr': 'anyOf' failed\n  - at '/arr/1': 'allOf' failed\n    \
             - at '/arr/1': got string, want integer\n"
        );
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
