//! Serialization functions: Helm's `toYaml`, `toYamlPretty`, `fromYaml`, `fromYamlArray`,
//! `toJson`, `fromJson`, `fromJsonArray`, `toToml`, `fromToml` (and `must*` forms) and
//! Sprig's `toPrettyJson`, `toRawJson`, `mustFromJson`.
//!
//! Helm's non-`must` forms never fail: `toYaml`/`toJson` swallow errors into "", `from*`
//! return the error text as data (`map[Error:…]`, `[…]`), `toToml` returns the message.

use super::ParamType::{Any, String as Str};
use super::{CallContext, FuncError, FuncResult, Registry};
use crate::value::{ListKind, Map, Value};
use crate::yaml::{self, json::JsonStyle};

pub fn register(r: &mut Registry) {
    r.add("toYaml", &[Any], None, |_, a| {
        Ok(Value::string(to_yaml(&a[0]).unwrap_or_default()))
    });
    r.add("mustToYaml", &[Any], None, |_, a| {
        to_yaml(&a[0]).map(Value::string).map_err(FuncError::new)
    });
    r.add("toYamlPretty", &[Any], None, |_, a| {
        let s = yaml::to_yaml_pretty(&a[0]).unwrap_or_default();
        Ok(Value::string(trim_newline(s)))
    });
    r.add("fromYaml", &[Str], None, from_yaml);
    r.add("fromYamlArray", &[Str], None, from_yaml_array);

    r.add("toJson", &[Any], None, |_, a| {
        Ok(Value::string(
            json(&a[0], JsonStyle::COMPACT).unwrap_or_default(),
        ))
    });
    r.add("mustToJson", &[Any], None, |_, a| {
        must_json(&a[0], JsonStyle::COMPACT)
    });
    r.add("toPrettyJson", &[Any], None, |_, a| {
        Ok(Value::string(json(&a[0], PRETTY).unwrap_or_default()))
    });
    r.add("mustToPrettyJson", &[Any], None, |_, a| {
        must_json(&a[0], PRETTY)
    });
    // Unlike its siblings, Sprig's toRawJson panics on a marshalling error.
    r.add("toRawJson", &[Any], None, |_, a| must_json(&a[0], RAW));
    r.add("mustToRawJson", &[Any], None, |_, a| must_json(&a[0], RAW));
    r.add("fromJson", &[Str], None, from_json);
    r.add("fromJsonArray", &[Str], None, from_json_array);
    r.add("mustFromJson", &[Str], None, |_, a| {
        yaml::from_json(str_arg(a)).map_err(|e| FuncError::new(e.message))
    });

    r.add("toToml", &[Any], None, |_, a| {
        match yaml::toml::encode(&a[0]) {
            Ok(s) => Ok(Value::string(s)),
            Err(e) if e.message == yaml::toml::NIL_PANIC => Err(FuncError::new(e.message)),
            Err(e) => Ok(Value::string(e.message)),
        }
    });
    r.add("mustToToml", &[Any], None, |_, a| {
        yaml::toml::encode(&a[0])
            .map(Value::string)
            .map_err(|e| FuncError::new(e.message))
    });
    r.add("fromToml", &[Str], None, |_, a| {
        Ok(match yaml::toml::decode(str_arg(a)) {
            Ok(m) => Value::Map(m),
            Err(e) => error_map(e.message),
        })
    });
}

const PRETTY: JsonStyle = JsonStyle {
    escape_html: true,
    indent: true,
};
const RAW: JsonStyle = JsonStyle {
    escape_html: false,
    indent: false,
};

fn str_arg(a: &[Value]) -> &str {
    a.first().and_then(Value::as_str).unwrap_or("")
}

fn trim_newline(mut s: String) -> String {
    if s.ends_with('\n') {
        s.pop();
    }
    s
}

/// `yaml.Marshal` through sigs.k8s.io/yaml, final newline trimmed as Helm does.
fn to_yaml(v: &Value) -> Result<String, String> {
    yaml::to_yaml(v).map(trim_newline).map_err(|e| e.message)
}

fn json(v: &Value, style: JsonStyle) -> Result<String, String> {
    yaml::json::encode(v, style).map_err(|e| e.message)
}

fn must_json(v: &Value, style: JsonStyle) -> FuncResult {
    json(v, style).map(Value::string).map_err(FuncError::new)
}

/// `map[Error:…]`: how Helm's `fromYaml`/`fromJson` report a failure.
fn error_map(message: String) -> Value {
    let m = Map::new();
    m.insert("Error", Value::string(message));
    Value::Map(m)
}

fn from_yaml(_: &CallContext<'_>, a: &[Value]) -> FuncResult {
    Ok(match yaml::parse_map(str_arg(a)) {
        Ok(m) => Value::Map(m),
        Err(e) => error_map(e.message),
    })
}

fn from_yaml_array(_: &CallContext<'_>, a: &[Value]) -> FuncResult {
    Ok(match yaml::parse_list(str_arg(a)) {
        Ok(items) => Value::list(items),
        Err(e) => Value::typed_list(ListKind::Any, vec![Value::string(e.message)]),
    })
}

fn from_json(_: &CallContext<'_>, a: &[Value]) -> FuncResult {
    Ok(match yaml::from_json_partial(str_arg(a)) {
        Ok((Value::Map(m), err)) => {
            if let Some(e) = err {
                m.insert("Error", Value::string(e.message));
            }
            Value::Map(m)
        }
        Ok((Value::Nil, Some(e))) => error_map(e.message),
        Ok((Value::Nil, None)) => Value::Map(Map::new()),
        Ok((other, _)) => error_map(format!(
            "json: cannot unmarshal {} into Go value of type map[string]interface {{}}",
            yaml::json_kind_name(&other)
        )),
        Err(e) => error_map(e.message),
    })
}

fn from_json_array(_: &CallContext<'_>, a: &[Value]) -> FuncResult {
    Ok(match yaml::from_json(str_arg(a)) {
        Ok(Value::List(l)) => Value::List(l),
        Ok(Value::Nil) => Value::list(Vec::new()),
        Ok(other) => Value::list(vec![Value::string(format!(
            "json: cannot unmarshal {} into Go value of type []interface {{}}",
            yaml::json_kind_name(&other)
        ))]),
        Err(e) => Value::list(vec![Value::string(e.message)]),
    })
}
