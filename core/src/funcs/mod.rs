//! Template functions: Sprig v3 as Helm ships it (without `env`/`expandenv`) and Helm's
//! own, one module per family. Functions that need the engine itself (`include`, `tpl`,
//! `required`, `fail`, `lookup`) live in the template module.
//!
//! Every function declares its Go signature ([`FuncDef`]) so the engine can check arity
//! and convert arguments exactly as Go's reflection-based call does
//! (`wrong number of args for X: want 2 got 1`, `wrong type for value; expected string; got int`).

use std::collections::HashMap;

use crate::env::Environment;
use crate::value::Value;

pub mod crypto;
pub mod dates;
pub mod dicts;
pub mod encoding;
pub mod lists;
pub mod math;
pub mod misc;
pub mod regex;
pub mod semver;
pub mod serialize;
pub mod strings;

/// A Go parameter type, as the engine must convert an argument to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamType {
    /// `interface{}`: anything, including nil.
    Any,
    /// `string`
    String,
    /// `int`
    Int,
    /// `int64`
    Int64,
    /// `uint32`
    Uint32,
    /// `float64`
    Float64,
    /// `bool`
    Bool,
    /// `[]interface{}`
    List,
    /// `[]string`
    StringList,
    /// `map[string]interface{}`
    Map,
    /// `[]byte`
    Bytes,
    /// A specific object type (`time.Time`, `*semver.Version`...), by Go type name.
    Object(&'static str),
}

/// The error a function reports; the engine wraps it as `error calling NAME: MESSAGE`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FuncError(pub String);

impl FuncError {
    pub fn new(msg: impl Into<String>) -> Self {
        FuncError(msg.into())
    }
}

impl std::fmt::Display for FuncError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

pub type FuncResult = Result<Value, FuncError>;

/// What a function can reach besides its arguments.
pub struct CallContext<'a> {
    pub env: &'a dyn Environment,
}

/// A template function with its Go signature.
#[derive(Clone)]
pub struct FuncDef {
    pub name: &'static str,
    /// Fixed parameters.
    pub params: &'static [ParamType],
    /// The element type of a trailing `...T` parameter, if any.
    pub variadic: Option<ParamType>,
    /// The implementation; `args` already match `params`/`variadic` after the engine's
    /// conversion (e.g. a `String` param is always `Value::String`).
    pub call: fn(&CallContext<'_>, &[Value]) -> FuncResult,
}

/// All functions by name.
pub struct Registry {
    funcs: HashMap<&'static str, FuncDef>,
}

impl Registry {
    pub fn empty() -> Self {
        Registry {
            funcs: HashMap::new(),
        }
    }

    /// Every Sprig and Helm function that does not need the engine.
    pub fn standard() -> Self {
        let mut r = Registry::empty();
        strings::register(&mut r);
        lists::register(&mut r);
        dicts::register(&mut r);
        math::register(&mut r);
        encoding::register(&mut r);
        crypto::register(&mut r);
        semver::register(&mut r);
        dates::register(&mut r);
        regex::register(&mut r);
        misc::register(&mut r);
        serialize::register(&mut r);
        r
    }

    /// Identifies the set of function names (what a template parse depends on): equal
    /// sets give equal fingerprints. Names are `'static`, so their addresses are stable.
    pub fn names_fingerprint(&self) -> (usize, u64) {
        let sum = self.funcs.keys().fold(0u64, |acc, name| {
            let mix = (name.as_ptr() as u64) ^ ((name.len() as u64) << 48);
            acc.wrapping_add(mix.wrapping_mul(0x9e37_79b9_7f4a_7c15))
        });
        (self.funcs.len(), sum)
    }

    /// Adds (or replaces) a function.
    pub fn add(
        &mut self,
        name: &'static str,
        params: &'static [ParamType],
        variadic: Option<ParamType>,
        call: fn(&CallContext<'_>, &[Value]) -> FuncResult,
    ) {
        self.funcs.insert(
            name,
            FuncDef {
                name,
                params,
                variadic,
                call,
            },
        );
    }

    pub fn get(&self, name: &str) -> Option<&FuncDef> {
        self.funcs.get(name)
    }

    pub fn names(&self) -> impl Iterator<Item = &&'static str> {
        self.funcs.keys()
    }
}
