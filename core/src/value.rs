//! The values templates see: Go's `interface{}` world as Helm exposes it.
//!
//! Cloning a [`Value`] is cheap: strings, lists and maps are reference counted.
//! Maps are *shared and mutable* like Go maps (`set`, `unset`, `merge` change the
//! map every holder sees — charts rely on this, e.g. `$_ := set .Values "x" 1`),
//! lists are immutable like the slices Sprig hands out (every Sprig list function
//! returns a new slice).

use std::any::Any;
use std::cell::{Ref, RefCell, RefMut};
use std::collections::BTreeMap;
use std::fmt;
use std::rc::Rc;

/// A shared, immutable string.
pub type Str = Rc<str>;

/// The entries of a map, iterated in Go's sorted-key order (byte order).
pub type MapEntries = BTreeMap<String, Value>;

/// A value as a Go template sees it.
#[derive(Clone, Default)]
pub enum Value {
    /// Go `nil` (an untyped nil interface).
    #[default]
    Nil,
    Bool(bool),
    /// Go `int` (template integer literals, `len`, `atoi`, `int`, `until` elements...).
    Int(i64),
    /// Go `int64` (Sprig integer math, `int64`, `toDecimal`...).
    Int64(i64),
    /// Go `uint64`-family values that some functions return (e.g. `adler32sum` internals).
    Uint(u64),
    /// Go `float64` (every number read from YAML or JSON, float literals).
    Float(f64),
    String(Str),
    /// Go `[]byte` (`.Files.GetBytes`, `randBytes` internals).
    Bytes(Rc<[u8]>),
    /// A Go slice; `ListKind` records its static type (`[]interface {}`, `[]string`, `[]int`).
    List(Rc<List>),
    /// A Go map with string keys; shared and mutable.
    Map(Map),
    /// A Go struct or pointer Helm or Sprig exposes (`time.Time`, `*semver.Version`,
    /// `.Capabilities`, `.Files`, certificates...).
    Object(Rc<dyn Object>),
}

/// The static Go type of a slice.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum ListKind {
    /// `[]interface {}`
    #[default]
    Any,
    /// `[]string`
    String,
    /// `[]int`
    Int,
    /// `[][]interface {}` (Sprig's `chunk`)
    AnyList,
}

impl ListKind {
    /// The Go type name, as `%T` and `typeOf` print it.
    pub fn go_type(self) -> &'static str {
        match self {
            ListKind::Any => "[]interface {}",
            ListKind::String => "[]string",
            ListKind::Int => "[]int",
            ListKind::AnyList => "[][]interface {}",
        }
    }
}

/// A Go slice.
#[derive(Clone, Default)]
pub struct List {
    pub kind: ListKind,
    pub items: Vec<Value>,
    /// A Go nil slice (`regexFindAll` without a match, `rest` of an empty list): empty
    /// everywhere, but `toJson` / `toYaml` print `null`.
    pub nil: bool,
}

/// The static Go type of a map.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum MapKind {
    /// `map[string]interface {}`
    #[default]
    Any,
    /// `map[string]string` (Sprig's `split`)
    String,
    /// `common.Values`: the type of `.Values` itself (a named `map[string]interface {}`).
    Values,
}

impl MapKind {
    /// The Go type name, as `%T` and `typeOf` print it.
    pub fn go_type(self) -> &'static str {
        match self {
            MapKind::Any => "map[string]interface {}",
            MapKind::String => "map[string]string",
            MapKind::Values => "common.Values",
        }
    }
}

/// A shared, mutable Go map with string keys. `Clone` shares; use [`Map::deep_copy`]
/// for an independent copy. The static type travels with the handle, so the same map
/// can be seen under another map type ([`Map::retyped`]), as Go's assignment of a
/// `common.Values` to a `map[string]interface{}` parameter does.
#[derive(Clone, Default)]
pub struct Map {
    kind: MapKind,
    /// A Go nil map (e.g. `.Chart.Annotations` when Chart.yaml has none): reads like an
    /// empty map, but `encoding/json` writes `null` for it.
    nil: bool,
    entries: Rc<RefCell<MapEntries>>,
}

impl Map {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn with_kind(kind: MapKind) -> Self {
        Map {
            kind,
            nil: false,
            entries: Rc::default(),
        }
    }
    /// A Go nil map of the given type.
    pub fn nil_of(kind: MapKind) -> Self {
        Map {
            nil: true,
            ..Map::with_kind(kind)
        }
    }
    /// Whether this is a Go nil map (nothing was ever stored in it).
    pub fn is_go_nil(&self) -> bool {
        self.nil && self.is_empty()
    }
    pub fn from_entries(entries: MapEntries) -> Self {
        Map {
            kind: MapKind::Any,
            nil: false,
            entries: Rc::new(RefCell::new(entries)),
        }
    }
    pub fn kind(&self) -> MapKind {
        self.kind
    }
    /// The same underlying map under another static type (shares the entries).
    pub fn retyped(&self, kind: MapKind) -> Map {
        Map {
            kind,
            nil: self.nil,
            entries: Rc::clone(&self.entries),
        }
    }
    /// Borrow the entries. Do not hold the borrow across calls that may mutate this map.
    pub fn borrow(&self) -> Ref<'_, MapEntries> {
        self.entries.borrow()
    }
    pub fn borrow_mut(&self) -> RefMut<'_, MapEntries> {
        self.entries.borrow_mut()
    }
    pub fn get(&self, key: &str) -> Option<Value> {
        self.entries.borrow().get(key).cloned()
    }
    pub fn contains_key(&self, key: &str) -> bool {
        self.entries.borrow().contains_key(key)
    }
    pub fn insert(&self, key: impl Into<String>, value: Value) -> Option<Value> {
        self.entries.borrow_mut().insert(key.into(), value)
    }
    pub fn remove(&self, key: &str) -> Option<Value> {
        self.entries.borrow_mut().remove(key)
    }
    pub fn len(&self) -> usize {
        self.entries.borrow().len()
    }
    pub fn is_empty(&self) -> bool {
        self.entries.borrow().is_empty()
    }
    /// The keys in sorted order.
    pub fn keys(&self) -> Vec<String> {
        self.entries.borrow().keys().cloned().collect()
    }
    /// A snapshot of the entries in sorted order (cheap: values are reference counted).
    pub fn entries(&self) -> Vec<(String, Value)> {
        self.entries
            .borrow()
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    }
    /// Whether two handles share the same underlying map.
    pub fn ptr_eq(&self, other: &Map) -> bool {
        Rc::ptr_eq(&self.entries, &other.entries)
    }
    /// An independent copy, recursively copying nested maps (Go's `copystructure`).
    pub fn deep_copy(&self) -> Map {
        let entries = self
            .entries
            .borrow()
            .iter()
            .map(|(k, v)| (k.clone(), v.deep_copy()))
            .collect();
        Map {
            kind: self.kind,
            nil: self.nil,
            entries: Rc::new(RefCell::new(entries)),
        }
    }
}

/// A Go struct or pointer exposed to templates. Implementors describe their Go type
/// and answer field and method lookups the way Go's reflection would.
pub trait Object: Any {
    /// The Go type name as `%T` prints it, e.g. `time.Time`, `*semver.Version`.
    fn type_name(&self) -> &str;
    /// The Go kind as `kindOf` prints it, e.g. `struct`, `ptr`.
    fn kind(&self) -> &str {
        if self.type_name().starts_with('*') {
            "ptr"
        } else {
            "struct"
        }
    }
    /// An exported field (`.Name`), if the type has one.
    fn field(&self, _name: &str) -> Option<Value> {
        None
    }
    /// The signature of an exported method, if the type has one.
    fn method(&self, _name: &str) -> Option<MethodSig> {
        None
    }
    /// Calls a method previously found by [`Object::method`]; `args` already match its signature.
    fn call_method(&self, name: &str, _args: &[Value]) -> Result<Value, String> {
        Err(format!("can't call method {name}"))
    }
    /// How `%v` / `print` show the value (Go's default formatting).
    fn format_v(&self) -> String;
    /// `%+v`: Go's struct form with field names, when it differs from [`Object::format_v`].
    fn format_plus_v(&self) -> Option<String> {
        None
    }
    /// What `{{ x }}` prints when the type's `String()` has a pointer receiver: the template
    /// engine reaches struct fields through a pointer, so it finds the method where
    /// `print`, `printf` and Sprig (which get a copy) do not.
    fn template_string(&self) -> Option<String> {
        None
    }
    /// Conversions some functions apply (e.g. `toString` of a `*semver.Version` uses `String()`).
    fn to_go_string(&self) -> Option<String> {
        None
    }
    /// For a Go named basic type (`time.Month`, `time.Weekday`, `time.Duration`): the value
    /// of its underlying kind, which verbs like `%d` print (`printf "%d" .Month` is `3`).
    fn underlying(&self) -> Option<Value> {
        None
    }
    /// The value `encoding/json` (and so `toJson`, `toYaml`) sees: a struct as a map of its
    /// fields under their JSON names, a `time.Time` as its RFC 3339 string... `None` when
    /// Go cannot marshal the type (`json: unsupported type: T`).
    fn marshal_json(&self) -> Option<Value> {
        None
    }
    /// The Go map or slice underneath, for what Go reaches by reflection on the kind
    /// rather than by field or method: `range`, `len`, `index`, and functions such as
    /// `has`, `toJson`, `toYaml` (e.g. `engine.files` is a `map[string][]byte`,
    /// `common.VersionSet` a `[]string`). `None` for plain structs.
    fn as_value(&self) -> Option<Value> {
        None
    }
    fn as_any(&self) -> &dyn Any;
}

/// A method signature, so the engine can check arity and convert arguments as Go does.
#[derive(Clone, Debug)]
pub struct MethodSig {
    pub params: &'static [crate::funcs::ParamType],
    pub variadic: Option<crate::funcs::ParamType>,
}

impl Value {
    pub fn str(s: &str) -> Value {
        Value::String(Rc::from(s))
    }
    pub fn string(s: String) -> Value {
        Value::String(Rc::from(s))
    }
    pub fn list(items: Vec<Value>) -> Value {
        Value::List(Rc::new(List {
            kind: ListKind::Any,
            items,
            nil: false,
        }))
    }
    pub fn typed_list(kind: ListKind, items: Vec<Value>) -> Value {
        Value::List(Rc::new(List {
            kind,
            items,
            nil: false,
        }))
    }
    /// A Go nil slice of the given type.
    pub fn nil_list(kind: ListKind) -> Value {
        Value::List(Rc::new(List {
            kind,
            items: Vec::new(),
            nil: true,
        }))
    }
    pub fn map(entries: MapEntries) -> Value {
        Value::Map(Map::from_entries(entries))
    }
    pub fn empty_map() -> Value {
        Value::Map(Map::new())
    }

    pub fn is_nil(&self) -> bool {
        matches!(self, Value::Nil)
    }
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }
    pub fn as_map(&self) -> Option<&Map> {
        match self {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }
    pub fn as_list(&self) -> Option<&[Value]> {
        match self {
            Value::List(l) => Some(&l.items),
            _ => None,
        }
    }

    /// The Go type name, as `%T` and `typeOf` print it.
    pub fn go_type(&self) -> &str {
        match self {
            Value::Nil => "<nil>",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::Int64(_) => "int64",
            Value::Uint(_) => "uint64",
            Value::Float(_) => "float64",
            Value::String(_) => "string",
            Value::Bytes(_) => "[]uint8",
            Value::List(l) => l.kind.go_type(),
            Value::Map(m) => m.kind().go_type(),
            Value::Object(o) => o.type_name(),
        }
    }

    /// The Go reflect kind, as `kindOf` prints it (`invalid` for nil).
    pub fn go_kind(&self) -> &str {
        match self {
            Value::Nil => "invalid",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::Int64(_) => "int64",
            Value::Uint(_) => "uint64",
            Value::Float(_) => "float64",
            Value::String(_) => "string",
            Value::Bytes(_) | Value::List(_) => "slice",
            Value::Map(_) => "map",
            Value::Object(o) => o.kind(),
        }
    }

    /// Go template truthiness (`if`, `and`, `or`, `not`): the zero value of its type is false.
    pub fn truthy(&self) -> bool {
        match self {
            Value::Nil => false,
            Value::Bool(b) => *b,
            Value::Int(i) | Value::Int64(i) => *i != 0,
            Value::Uint(u) => *u != 0,
            Value::Float(f) => *f != 0.0,
            Value::String(s) => !s.is_empty(),
            Value::Bytes(b) => !b.is_empty(),
            Value::List(l) => !l.items.is_empty(),
            Value::Map(m) => !m.is_empty(),
            Value::Object(_) => true,
        }
    }

    /// An independent copy: nested maps are copied, everything else is immutable and shared.
    pub fn deep_copy(&self) -> Value {
        match self {
            Value::Map(m) => Value::Map(m.deep_copy()),
            Value::List(l) => Value::List(Rc::new(List {
                kind: l.kind,
                items: l.items.iter().map(Value::deep_copy).collect(),
                nil: l.nil,
            })),
            other => other.clone(),
        }
    }

    /// Converts JSON (as parsed by serde_json) to a value the way Go's encoding/json
    /// decodes into `interface{}`: every number becomes float64.
    pub fn from_json(json: &serde_json::Value) -> Value {
        match json {
            serde_json::Value::Null => Value::Nil,
            serde_json::Value::Bool(b) => Value::Bool(*b),
            serde_json::Value::Number(n) => Value::Float(n.as_f64().unwrap_or(0.0)),
            serde_json::Value::String(s) => Value::str(s),
            serde_json::Value::Array(a) => Value::list(a.iter().map(Value::from_json).collect()),
            serde_json::Value::Object(o) => Value::map(
                o.iter()
                    .map(|(k, v)| (k.clone(), Value::from_json(v)))
                    .collect(),
            ),
        }
    }

    /// Converts to JSON for comparisons and the `capstan debug` output. Integers stay
    /// integers, floats become JSON numbers (non-finite floats become null).
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Value::Nil => serde_json::Value::Null,
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::Int(i) | Value::Int64(i) => serde_json::Value::from(*i),
            Value::Uint(u) => serde_json::Value::from(*u),
            Value::Float(f) => serde_json::Number::from_f64(*f)
                .map(serde_json::Value::Number)
                .unwrap_or(serde_json::Value::Null),
            Value::String(s) => serde_json::Value::String(s.to_string()),
            Value::Bytes(b) => serde_json::Value::String(String::from_utf8_lossy(b).into_owned()),
            Value::List(l) => {
                serde_json::Value::Array(l.items.iter().map(Value::to_json).collect())
            }
            Value::Map(m) if m.is_go_nil() => serde_json::Value::Null,
            Value::Map(m) => serde_json::Value::Object(
                m.borrow()
                    .iter()
                    .map(|(k, v)| (k.clone(), v.to_json()))
                    .collect(),
            ),
            Value::Object(o) => serde_json::Value::String(o.format_v()),
        }
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}
impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::str(s)
    }
}
impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::string(s)
    }
}
impl From<f64> for Value {
    fn from(f: f64) -> Self {
        Value::Float(f)
    }
}
impl From<Map> for Value {
    fn from(m: Map) -> Self {
        Value::Map(m)
    }
}

impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Nil => write!(f, "nil"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Int(i) => write!(f, "{i}"),
            Value::Int64(i) => write!(f, "int64({i})"),
            Value::Uint(u) => write!(f, "uint64({u})"),
            Value::Float(x) => write!(f, "float64({x})"),
            Value::String(s) => write!(f, "{s:?}"),
            Value::Bytes(b) => write!(f, "bytes{:?}", &b[..]),
            Value::List(l) => f.debug_list().entries(l.items.iter()).finish(),
            Value::Map(m) => f.debug_map().entries(m.borrow().iter()).finish(),
            Value::Object(o) => write!(f, "{}({})", o.type_name(), o.format_v()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_are_shared_like_go_maps() {
        let m = Map::new();
        let v = Value::Map(m.clone());
        m.insert("a", Value::Int(1));
        assert_eq!(v.as_map().map(Map::len), Some(1));
        let copy = v.deep_copy();
        m.insert("b", Value::Int(2));
        assert_eq!(copy.as_map().map(Map::len), Some(1));
        let seen = m.retyped(MapKind::Values);
        assert!(seen.ptr_eq(&m));
        assert_eq!(seen.kind(), MapKind::Values);
    }

    #[test]
    fn nil_maps_read_empty_and_marshal_null() {
        let m = Map::nil_of(MapKind::String);
        assert!(m.is_go_nil() && m.is_empty());
        assert_eq!(Value::Map(m.clone()).to_json(), serde_json::Value::Null);
        m.insert("a", Value::str("b"));
        assert!(!m.is_go_nil());
    }

    #[test]
    fn go_types() {
        assert_eq!(Value::Float(1.0).go_type(), "float64");
        assert_eq!(Value::list(vec![]).go_type(), "[]interface {}");
        assert_eq!(Value::empty_map().go_type(), "map[string]interface {}");
        assert_eq!(Value::Nil.go_kind(), "invalid");
    }
}
