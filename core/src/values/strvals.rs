//! `--set`, `--set-string`, `--set-json` and `--set-literal` expressions, parsed the
//! way Helm's `pkg/strvals` does: a small recursive scanner over `key.path[index]=value`
//! pairs separated by commas, writing into an existing values map.
//!
//! Helm's parser has many accidental behaviours that users rely on (or trip over); they
//! are kept on purpose: an unterminated index (`a[0`) is silently ignored, `a.` sets
//! nothing, a type conflict reports Go's interface-conversion panic text, and so on.

use super::json;
use super::{SetKind, ValuesError};
use crate::value::{ListKind, Map, MapKind, Value};

/// The largest list index `a[i]=` accepts (Helm's `MaxIndex`).
const MAX_INDEX: i64 = 65536;
/// How many `.` levels a key may have (Helm's `MaxNestedNameLevel`).
const MAX_NESTED_NAME_LEVEL: usize = 30;
/// A bound on recursion through `[i]` and `.` (Helm has none for lists); keeps a
/// hostile `a[0][0][0]…` from exhausting the stack.
const MAX_RECURSION: usize = 200;

/// Reads the file a `--set-file` value names; its text becomes the value.
pub type FileReader<'a> = &'a mut dyn FnMut(&str) -> Result<String, String>;

/// Parses `expr` into `into`, as `helm --set…` does for one flag argument.
pub(crate) fn parse(kind: SetKind, expr: &str, into: &Map) -> Result<(), ValuesError> {
    run(
        Parser {
            s: expr.chars().collect(),
            pos: 0,
            kind,
            depth: 0,
            file_reader: None,
        },
        into,
    )
}

/// `--set-file key=path`: parsed like `--set`, each value replaced by the named file's text.
pub(crate) fn parse_file(expr: &str, into: &Map, read: FileReader) -> Result<(), ValuesError> {
    run(
        Parser {
            s: expr.chars().collect(),
            pos: 0,
            kind: SetKind::Set,
            depth: 0,
            file_reader: Some(read),
        },
        into,
    )
}

fn run(mut p: Parser, into: &Map) -> Result<(), ValuesError> {
    loop {
        match p.key(into, 0) {
            Ok(()) => {}
            Err(Stop::Eof) => return Ok(()),
            Err(Stop::Err(message)) => return Err(ValuesError { message }),
        }
    }
}

/// Why a step stopped: the input ran out (Go's `io.EOF`, which ends parsing quietly
/// even when wrapped in another error), or a real error.
enum Stop {
    Eof,
    Err(String),
}

type Step<T = ()> = Result<T, Stop>;

fn fail<T>(message: String) -> Step<T> {
    Err(Stop::Err(message))
}

/// What `valList` found after `=`.
enum ListOutcome {
    List(Vec<Value>),
    NotList,
}

struct Parser<'a> {
    s: Vec<char>,
    pos: usize,
    kind: SetKind,
    depth: usize,
    file_reader: Option<FileReader<'a>>,
}

impl Parser<'_> {
    fn read(&mut self) -> Option<char> {
        let c = self.s.get(self.pos).copied();
        if c.is_some() {
            self.pos += 1;
        }
        c
    }

    fn unread(&mut self) {
        self.pos -= 1;
    }

    /// Reads up to (and consuming) one of `stop`; `None` as the stop means end of input.
    /// Outside `--set-literal`, a backslash makes the next character literal.
    fn until(&mut self, stop: &[char]) -> (String, Option<char>) {
        let mut v = String::new();
        loop {
            let Some(c) = self.read() else {
                return (v, None);
            };
            if stop.contains(&c) {
                return (v, Some(c));
            }
            if c == '\\' && self.kind != SetKind::SetLiteral {
                match self.read() {
                    Some(next) => v.push(next),
                    None => return (v, None),
                }
            } else {
                v.push(c);
            }
        }
    }

    fn enter(&mut self) -> Step {
        self.depth += 1;
        if self.depth > MAX_RECURSION {
            return fail(format!(
                "expression nests deeper than {MAX_RECURSION} levels"
            ));
        }
        Ok(())
    }

    fn key(&mut self, data: &Map, level: usize) -> Step {
        self.enter()?;
        let r = self.key_inner(data, level);
        self.depth -= 1;
        r
    }

    fn key_inner(&mut self, data: &Map, level: usize) -> Step {
        let literal = self.kind == SetKind::SetLiteral;
        let stop: &[char] = if literal {
            &['=', '[', '.']
        } else {
            &['=', '[', ',', '.']
        };
        let (k, last) = self.until(stop);
        match last {
            None if k.is_empty() => Err(Stop::Eof),
            None => fail(format!("key {} has no value", go_quote(&k))),
            Some('[') => {
                let i = self.key_index()?;
                let list = match data.get(&k) {
                    Some(v) => as_list(&v)?,
                    None => Vec::new(),
                };
                let (list, r) = self.list_item(list, i, level);
                set(data, &k, Value::list(list));
                r
            }
            Some('=') => {
                let v = match self.kind {
                    SetKind::SetLiteral => Value::string(self.rest()),
                    SetKind::SetJson => match self.json_value()? {
                        Some(v) => v,
                        None => Value::Nil,
                    },
                    _ => match self.val_list() {
                        Ok(ListOutcome::List(items)) => Value::list(items),
                        Ok(ListOutcome::NotList) => {
                            let (rs, _) = self.until(&[',']);
                            self.typed(rs)?
                        }
                        Err(Stop::Eof) => {
                            set(data, &k, Value::str(""));
                            return Err(Stop::Eof);
                        }
                        Err(e) => return Err(e),
                    },
                };
                set(data, &k, v);
                Ok(())
            }
            Some(',') => {
                set(data, &k, Value::str(""));
                fail(format!(
                    "key {} has no value (cannot end with ,)",
                    go_quote(&k)
                ))
            }
            Some(_) => {
                let level = level + 1;
                if level > MAX_NESTED_NAME_LEVEL {
                    return fail(format!(
                        "value name nested level is greater than maximum supported nested level of {MAX_NESTED_NAME_LEVEL}"
                    ));
                }
                let inner = match data.get(&k) {
                    Some(v) => as_map(&v)?,
                    None => Map::new(),
                };
                let r = self.key(&inner, level);
                if r.is_ok() && inner.is_empty() {
                    return fail(format!("key map {} has no value", go_quote(&k)));
                }
                if !inner.is_empty() {
                    set(data, &k, Value::Map(inner));
                }
                r
            }
        }
    }

    /// The index inside `[...]`; running out of input ends parsing quietly, as in Helm.
    fn key_index(&mut self) -> Step<i64> {
        let (v, last) = self.until(&[']']);
        if last.is_none() {
            return Err(Stop::Eof);
        }
        v.parse::<i64>().or_else(|e| {
            let why = match e.kind() {
                std::num::IntErrorKind::PosOverflow | std::num::IntErrorKind::NegOverflow => {
                    "value out of range"
                }
                _ => "invalid syntax",
            };
            fail(format!(
                "error parsing index: strconv.Atoi: parsing {}: {why}",
                go_quote(&v)
            ))
        })
    }

    /// Sets element `i` of `list` from what follows `]`; returns the list to store
    /// (Helm stores it even when the step fails).
    fn list_item(&mut self, list: Vec<Value>, i: i64, level: usize) -> (Vec<Value>, Step) {
        if let Err(e) = self.enter() {
            return (list, Err(e));
        }
        let r = self.list_item_inner(list, i, level);
        self.depth -= 1;
        r
    }

    fn list_item_inner(
        &mut self,
        mut list: Vec<Value>,
        i: i64,
        level: usize,
    ) -> (Vec<Value>, Step) {
        if i < 0 {
            return (list, fail(format!("negative {i} index not allowed")));
        }
        let (k, last) = self.until(&['[', '.', '=']);
        if !k.is_empty() {
            let msg = format!("unexpected data at end of array index: {}", go_quote(&k));
            return (list, fail(msg));
        }
        match last {
            None => (list, Err(Stop::Eof)),
            Some('=') => {
                let v = match self.kind {
                    SetKind::SetLiteral => Value::string(self.rest()),
                    SetKind::SetJson => match self.json_value() {
                        Ok(Some(v)) => v,
                        Ok(None) => Value::Nil,
                        Err(e) => return (list, Err(e)),
                    },
                    _ => match self.val_list() {
                        Ok(ListOutcome::List(items)) => Value::list(items),
                        Ok(ListOutcome::NotList) => {
                            let (rs, _) = self.until(&[',']);
                            match self.typed(rs) {
                                Ok(v) => v,
                                Err(e) => return (list, Err(e)),
                            }
                        }
                        Err(Stop::Eof) => Value::str(""),
                        Err(e) => return (list, Err(e)),
                    },
                };
                set_index(list, i, v)
            }
            Some('[') => {
                let next = match self.key_index() {
                    Ok(n) => n,
                    Err(e) => return (list, Err(e)),
                };
                let current = match usize::try_from(i).ok().and_then(|i| list.get(i)) {
                    Some(Value::Nil) | None => Vec::new(),
                    Some(v) => match as_list(v) {
                        Ok(l) => l,
                        Err(e) => return (list, Err(e)),
                    },
                };
                let (inner, r) = self.list_item(current, next, level);
                if r.is_err() {
                    return (list, r);
                }
                set_index(list, i, Value::list(inner))
            }
            Some(_) => {
                let slot = usize::try_from(i).ok().and_then(|i| list.get_mut(i));
                let inner = match slot {
                    Some(Value::Map(m)) if m.kind() == MapKind::Any => m.clone(),
                    Some(other) => {
                        let m = Map::new();
                        *other = Value::Map(m.clone());
                        m
                    }
                    None => Map::new(),
                };
                let r = self.key(&inner, level);
                if r.is_err() {
                    return (list, r);
                }
                set_index(list, i, Value::Map(inner))
            }
        }
    }

    /// Everything left, verbatim (`--set-literal` values).
    fn rest(&mut self) -> String {
        let v: String = self.s[self.pos..].iter().collect();
        self.pos = self.s.len();
        v
    }

    /// Skips whitespace; true when the value is empty (end of input or a comma, which
    /// is consumed).
    fn empty_val(&mut self) -> bool {
        loop {
            match self.read() {
                None | Some(',') => return true,
                Some(c) if c.is_whitespace() => {}
                Some(_) => {
                    self.unread();
                    return false;
                }
            }
        }
    }

    /// A `--set-json` value: `None` when empty, else one JSON value (the rest of the
    /// input after it is left for the next key, after an optional comma).
    fn json_value(&mut self) -> Step<Option<Value>> {
        if self.empty_val() {
            return Ok(None);
        }
        let (v, used) = json::decode_prefix(&self.s[self.pos..]).map_err(Stop::Err)?;
        self.pos += used;
        self.empty_val();
        Ok(Some(v))
    }

    /// `{a,b,c}` after `=`: a list of typed values.
    fn val_list(&mut self) -> Step<ListOutcome> {
        match self.read() {
            None => return Err(Stop::Eof),
            Some('{') => {}
            Some(_) => {
                self.unread();
                return Ok(ListOutcome::NotList);
            }
        }
        let mut items = Vec::new();
        loop {
            let (rs, last) = self.until(&[',', '}']);
            match last {
                None => return fail("list must terminate with '}'".into()),
                Some('}') => {
                    if let Some(c) = self.read()
                        && c != ','
                    {
                        self.unread();
                    }
                    items.push(self.typed(rs)?);
                    return Ok(ListOutcome::List(items));
                }
                Some(_) => items.push(self.typed(rs)?),
            }
        }
    }

    /// Helm's `typedVal`: `--set` guesses bools, null and int64; `--set-string` keeps
    /// strings; `--set-file` reads the named file.
    fn typed(&mut self, v: String) -> Step<Value> {
        if let Some(read) = self.file_reader.as_mut() {
            return read(&v).map(Value::string).map_err(Stop::Err);
        }
        Ok(self.guess(v))
    }

    fn guess(&self, v: String) -> Value {
        if self.kind == SetKind::SetString {
            return Value::string(v);
        }
        if eq_fold(&v, "true") {
            return Value::Bool(true);
        }
        if eq_fold(&v, "false") {
            return Value::Bool(false);
        }
        if eq_fold(&v, "null") {
            return Value::Nil;
        }
        if v == "0" {
            return Value::Int64(0);
        }
        if !v.is_empty()
            && !v.starts_with('0')
            && let Ok(i) = v.parse::<i64>()
        {
            return Value::Int64(i);
        }
        Value::string(v)
    }
}

fn set(data: &Map, key: &str, v: Value) {
    if !key.is_empty() {
        data.insert(key, v);
    }
}

fn set_index(mut list: Vec<Value>, i: i64, v: Value) -> (Vec<Value>, Step) {
    if i < 0 {
        return (list, fail(format!("negative {i} index not allowed")));
    }
    if i > MAX_INDEX {
        let msg = format!("index of {i} is greater than maximum supported index of {MAX_INDEX}");
        return (list, fail(msg));
    }
    let Ok(i) = usize::try_from(i) else {
        return (list, fail(format!("negative {i} index not allowed")));
    };
    if list.len() <= i {
        list.resize(i + 1, Value::Nil);
    }
    list[i] = v;
    (list, Ok(()))
}

/// The Go type name a failed interface conversion reports.
fn conversion_type(v: &Value) -> &str {
    match v {
        Value::Nil => "nil",
        v => v.go_type(),
    }
}

/// `v.(map[string]interface{})`, with Go's panic text when it is something else.
fn as_map(v: &Value) -> Step<Map> {
    match v {
        Value::Map(m) if m.kind() == MapKind::Any => Ok(m.clone()),
        v => fail(format!(
            "unable to parse key: interface conversion: interface {{}} is {}, not map[string]interface {{}}",
            conversion_type(v)
        )),
    }
}

/// `v.([]interface{})`, with Go's panic text when it is something else.
fn as_list(v: &Value) -> Step<Vec<Value>> {
    match v {
        Value::List(l) if l.kind == ListKind::Any => Ok(l.items.clone()),
        v => fail(format!(
            "unable to parse key: interface conversion: interface {{}} is {}, not []interface {{}}",
            conversion_type(v)
        )),
    }
}

/// Go's `strings.EqualFold` against an ASCII word: simple Unicode case folding, where
/// the Kelvin sign folds to `k` and the long s to `s`.
fn eq_fold(s: &str, word: &str) -> bool {
    let mut a = s.chars();
    for w in word.chars() {
        let Some(c) = a.next() else {
            return false;
        };
        let c = match c {
            '\u{212A}' => 'k',
            '\u{17F}' => 's',
            c => c.to_ascii_lowercase(),
        };
        if c != w {
            return false;
        }
    }
    a.next().is_none()
}

/// Go's `%q` / `strconv.Quote` for error messages.
pub(crate) fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c if c.is_control() => {
                let n = c as u32;
                if n <= 0xFFFF {
                    out.push_str(&format!("\\u{n:04x}"));
                } else {
                    out.push_str(&format!("\\U{n:08x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(kind: SetKind, expr: &str) -> Result<serde_json::Value, String> {
        let m = Map::new();
        parse(kind, expr, &m)
            .map(|()| Value::Map(m).to_json())
            .map_err(|e| e.message)
    }

    #[test]
    fn typing() {
        let m = Map::new();
        parse(SetKind::Set, "a=1,b=010,c=True,d=null,e=-010,f=falſe", &m).unwrap();
        assert!(matches!(m.get("a"), Some(Value::Int64(1))));
        assert_eq!(m.get("b").unwrap().as_str(), Some("010"));
        assert!(matches!(m.get("c"), Some(Value::Bool(true))));
        assert!(matches!(m.get("d"), Some(Value::Nil)));
        assert!(matches!(m.get("e"), Some(Value::Int64(-10))));
        assert!(matches!(m.get("f"), Some(Value::Bool(false))));
    }

    #[test]
    fn quiet_eof_quirks() {
        assert_eq!(run(SetKind::Set, "a[=b").unwrap(), serde_json::json!({}));
        assert_eq!(
            run(SetKind::Set, "a[0]").unwrap(),
            serde_json::json!({"a": []})
        );
        assert_eq!(run(SetKind::Set, "a.").unwrap(), serde_json::json!({}));
    }

    #[test]
    fn conversions_report_go_panics() {
        assert_eq!(
            run(SetKind::Set, "a=2,a.b=1").unwrap_err(),
            "unable to parse key: interface conversion: interface {} is int64, not map[string]interface {}"
        );
        assert_eq!(
            run(SetKind::Set, "a=null,a[0]=1").unwrap_err(),
            "unable to parse key: interface conversion: interface {} is nil, not []interface {}"
        );
    }

    #[test]
    fn json_and_literal() {
        assert_eq!(
            run(SetKind::SetJson, "a=1 b=2").unwrap(),
            serde_json::json!({"a": 1.0, "b": 2.0})
        );
        assert_eq!(
            run(SetKind::SetLiteral, "a.b=x,y\\z").unwrap(),
            serde_json::json!({"a": {"b": "x,y\\z"}})
        );
    }

    #[test]
    fn deep_nesting_is_bounded() {
        let expr = format!("a{}=1", "[0]".repeat(5000));
        assert!(run(SetKind::Set, &expr).is_err());
    }

    #[test]
    fn quoting() {
        assert_eq!(go_quote("a\"b\n"), "\"a\\\"b\\n\"");
    }
}
