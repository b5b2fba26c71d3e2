//! TOML as Helm's `toToml` writes it (BurntSushi/toml's encoder: direct keys first, then
//! `[tables]` and `[[arrays of tables]]` indented two spaces per level, floats always with
//! a decimal point) and `fromToml`'s reading.

use super::YamlError;
use super::numfmt::format_g_shortest;
use crate::value::{Map, Value};

pub use super::tomldecode::decode;

fn error(message: &str) -> YamlError {
    YamlError {
        message: message.to_string(),
        line: None,
        column: None,
    }
}

/// The value as the encoder sees it (objects through their JSON-ish form).
fn resolve(v: &Value) -> Value {
    match v {
        Value::Object(o) if o.type_name() == "time.Time" => v.clone(),
        Value::Object(o) => o
            .as_value()
            .or_else(|| o.marshal_json())
            .unwrap_or_else(|| v.clone()),
        other => other.clone(),
    }
}

#[derive(PartialEq, Eq)]
enum Kind {
    Nil,
    Table,
    TableArray,
    Other,
}

fn kind(v: &Value) -> Result<Kind, YamlError> {
    Ok(match resolve(v) {
        Value::Nil => Kind::Nil,
        // Go's encoder treats a nil slice like a nil value.
        Value::List(l) if l.nil => Kind::Nil,
        Value::Object(o) if o.type_name() != "time.Time" => {
            return Err(YamlError {
                message: format!("unsupported type: {}", o.type_name()),
                line: None,
                column: None,
            });
        }
        Value::Map(_) => Kind::Table,
        Value::List(l) => {
            if l.items.is_empty() {
                return Ok(Kind::Other);
            }
            let mut all_tables = true;
            for item in &l.items {
                match kind(item)? {
                    Kind::Nil => {
                        return Err(error("toml: cannot encode array with nil element"));
                    }
                    Kind::Table => {}
                    _ => all_tables = false,
                }
            }
            if all_tables {
                Kind::TableArray
            } else {
                Kind::Other
            }
        }
        _ => Kind::Other,
    })
}

/// What the encoder's reflection panics with for a nil value; Helm does not recover it,
/// so even `toToml` fails with it.
pub const NIL_PANIC: &str = "reflect: call of reflect.Value.Type on zero Value";

struct Encoder {
    out: String,
}

/// `toml.NewEncoder(w).Encode(v)`.
pub fn encode(v: &Value) -> Result<String, YamlError> {
    if v.is_nil() {
        return Err(error(NIL_PANIC));
    }
    let mut e = Encoder { out: String::new() };
    e.encode(&mut Vec::new(), v, 0)?;
    Ok(e.out)
}

fn is_bare_key(k: &str) -> bool {
    !k.is_empty()
        && k.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

fn quoted(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn key_part(k: &str) -> String {
    if is_bare_key(k) {
        k.to_string()
    } else {
        quoted(k)
    }
}

fn key_path(key: &[String]) -> String {
    key.iter()
        .map(|k| key_part(k))
        .collect::<Vec<_>>()
        .join(".")
}

fn indent(key: &[String]) -> String {
    "  ".repeat(key.len().saturating_sub(1))
}

impl Encoder {
    fn newline(&mut self) {
        if !self.out.is_empty() {
            self.out.push('\n');
        }
    }

    fn encode(&mut self, key: &mut Vec<String>, v: &Value, depth: usize) -> Result<(), YamlError> {
        if depth > super::load::MAX_DEPTH {
            return Err(error("toml: exceeded max depth"));
        }
        let v = resolve(v);
        match &v {
            Value::Nil => Ok(()),
            Value::Map(m) => self.table(key, m, depth),
            Value::List(l) if kind(&v)? == Kind::TableArray => {
                if key.is_empty() {
                    return Err(error("toml: top-level values must be Go maps or structs"));
                }
                for item in &l.items {
                    if let Value::Map(m) = resolve(item) {
                        self.newline();
                        self.out
                            .push_str(&format!("{}[[{}]]", indent(key), key_path(key)));
                        self.newline();
                        self.map_body(key, &m, false, depth)?;
                    }
                }
                Ok(())
            }
            Value::Object(o) if o.type_name() != "time.Time" => Err(YamlError {
                message: format!(
                    "unsupported type for key '{}': {}",
                    key_path(key),
                    o.type_name()
                ),
                line: None,
                column: None,
            }),
            _ => self.key_value(key, &v, false, depth),
        }
    }

    fn table(&mut self, key: &mut Vec<String>, m: &Map, depth: usize) -> Result<(), YamlError> {
        if key.len() == 1 {
            self.newline();
        }
        if !key.is_empty() {
            self.out
                .push_str(&format!("{}[{}]", indent(key), key_path(key)));
            self.newline();
        }
        self.map_body(key, m, false, depth)
    }

    fn map_body(
        &mut self,
        key: &mut Vec<String>,
        m: &Map,
        inline: bool,
        depth: usize,
    ) -> Result<(), YamlError> {
        let entries = m.entries();
        let mut direct = Vec::new();
        let mut sub = Vec::new();
        for (k, v) in entries {
            match kind(&v)? {
                Kind::Table | Kind::TableArray => sub.push((k, v)),
                _ => direct.push((k, v)),
            }
        }
        if inline {
            self.out.push('{');
        }
        let has_sub = !sub.is_empty();
        for (group, trailing) in [(direct, has_sub), (sub, false)] {
            let n = group.len();
            for (i, (k, v)) in group.into_iter().enumerate() {
                if kind(&v)? == Kind::Nil {
                    continue;
                }
                if inline {
                    self.key_value(&[k], &v, true, depth + 1)?;
                    if trailing || i + 1 != n {
                        self.out.push_str(", ");
                    }
                } else {
                    key.push(k);
                    let r = self.encode(key, &v, depth + 1);
                    key.pop();
                    r?;
                }
            }
        }
        if inline {
            self.out.push('}');
        }
        Ok(())
    }

    fn key_value(
        &mut self,
        key: &[String],
        v: &Value,
        inline: bool,
        depth: usize,
    ) -> Result<(), YamlError> {
        if key.is_empty() {
            return self.element(v, depth);
        }
        let last = key.last().map(|k| key_part(k)).unwrap_or_default();
        self.out.push_str(&format!("{}{} = ", indent(key), last));
        self.element(v, depth)?;
        if !inline {
            self.newline();
        }
        Ok(())
    }

    fn element(&mut self, v: &Value, depth: usize) -> Result<(), YamlError> {
        if depth > super::load::MAX_DEPTH {
            return Err(error("toml: exceeded max depth"));
        }
        match resolve(v) {
            Value::String(s) => self.out.push_str(&quoted(&s)),
            Value::Bool(b) => self.out.push_str(if b { "true" } else { "false" }),
            Value::Int(i) | Value::Int64(i) => self.out.push_str(&i.to_string()),
            Value::Uint(u) => self.out.push_str(&u.to_string()),
            Value::Float(f) => {
                if f.is_nan() {
                    self.out
                        .push_str(if f.is_sign_negative() { "-nan" } else { "nan" });
                } else if f.is_infinite() {
                    self.out.push_str(if f > 0.0 { "inf" } else { "-inf" });
                } else {
                    let s = format_float(f);
                    self.out.push_str(&s);
                }
            }
            Value::Bytes(b) => {
                let items: Vec<String> = b.iter().map(u8::to_string).collect();
                self.out.push('[');
                self.out.push_str(&items.join(", "));
                self.out.push(']');
            }
            Value::List(l) => {
                self.out.push('[');
                for (i, item) in l.items.iter().enumerate() {
                    if i > 0 {
                        self.out.push_str(", ");
                    }
                    self.element(item, depth + 1)?;
                }
                self.out.push(']');
            }
            Value::Map(m) => self.map_body(&mut Vec::new(), &m, true, depth + 1)?,
            Value::Nil => return Err(error("toml: cannot encode a nil value")),
            // A time.Time is written bare, in RFC 3339.
            Value::Object(o) if o.type_name() == "time.Time" => match o.marshal_json() {
                Some(Value::String(s)) => self.out.push_str(&s),
                _ => self.out.push_str(&o.format_v()),
            },
            Value::Object(o) => {
                return Err(YamlError {
                    message: format!("unsupported type: {}", o.type_name()),
                    line: None,
                    column: None,
                });
            }
        }
        Ok(())
    }
}

/// `strconv.FormatFloat(f, 'g', -1, 64)` with `.0` added to integral values (TOML floats
/// need a decimal point; exponent forms are left alone).
fn format_float(f: f64) -> String {
    let s = format_g_shortest(f);
    if s.contains(['.', 'e']) {
        s
    } else {
        format!("{s}.0")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helm_layout() {
        let m = Map::new();
        m.insert("a", Value::Int(1));
        let b = Map::new();
        b.insert("c", Value::str("d"));
        m.insert("b", Value::Map(b));
        m.insert("e", Value::list(vec![Value::Int(1), Value::Int(2)]));
        m.insert("g", Value::Float(1.5));
        m.insert("p", Value::Float(80.0));
        m.insert("n", Value::Nil);
        assert_eq!(
            encode(&Value::Map(m)).unwrap(),
            "a = 1\ne = [1, 2]\ng = 1.5\np = 80.0\n\n[b]\n  c = \"d\"\n"
        );
        assert_eq!(
            encode(&Value::list(vec![Value::Int(1), Value::Int(2)])).unwrap(),
            "[1, 2]"
        );
        assert_eq!(encode(&Value::empty_map()).unwrap(), "");
    }

    #[test]
    fn tables_and_arrays_of_tables() {
        let values = super::super::parse_values(
            "name: x\nport: 80\nnested: {k: v, deeper: {z: 1}}\nitems: [{a: 1}, {a: 2}]\n",
        )
        .unwrap();
        assert_eq!(
            encode(&Value::Map(values)).unwrap(),
            "name = \"x\"\nport = 80.0\n\n[[items]]\n  a = 1.0\n\n[[items]]\n  a = 2.0\n\n[nested]\n  k = \"v\"\n  [nested.deeper]\n    z = 1.0\n"
        );
    }
}
