//! Sprig's semver functions (`semver`, `semverCompare`) and the `*semver.Version` object
//! templates receive, after Masterminds/semver v3.

mod constraint;
mod version;

use std::rc::Rc;

use super::encoding::str_arg;
use super::{CallContext, FuncError, FuncResult, ParamType, Registry};
use crate::value::{MethodSig, Object, Value};

pub use constraint::Constraints;
pub use version::Version;

/// Go type name of what `semver` returns.
pub const VERSION_PTR_TYPE: &str = "*semver.Version";

pub fn register(r: &mut Registry) {
    use ParamType::String;
    r.add("semver", &[String], None, semver);
    r.add("semverCompare", &[String, String], None, semver_compare);
}

fn semver(_: &CallContext<'_>, args: &[Value]) -> FuncResult {
    let v = Version::parse(str_arg(args, 0)).map_err(FuncError)?;
    Ok(SemverObject::value(v, true))
}

fn semver_compare(_: &CallContext<'_>, args: &[Value]) -> FuncResult {
    let c = Constraints::parse(str_arg(args, 0)).map_err(FuncError)?;
    let v = Version::parse(str_arg(args, 1)).map_err(FuncError)?;
    Ok(Value::Bool(c.check(&v)))
}

/// A `*semver.Version` (or, from `IncMajor` and friends, a `semver.Version` value).
pub struct SemverObject {
    pub version: Version,
    /// Go's pointer vs value: the pointer-receiver methods (`Original`, `Compare`,
    /// `LessThan`...) are only in the pointer's method set.
    pointer: bool,
}

impl SemverObject {
    pub fn value(version: Version, pointer: bool) -> Value {
        Value::Object(Rc::new(SemverObject { version, pointer }))
    }
}

const NO_PARAMS: MethodSig = MethodSig {
    params: &[],
    variadic: None,
};
const VERSION_PARAM: MethodSig = MethodSig {
    params: &[ParamType::Object(VERSION_PTR_TYPE)],
    variadic: None,
};
const STRING_PARAM: MethodSig = MethodSig {
    params: &[ParamType::String],
    variadic: None,
};

fn other_version(args: &[Value]) -> Result<&Version, String> {
    match args.first() {
        Some(Value::Object(o)) => o
            .as_any()
            .downcast_ref::<SemverObject>()
            .map(|s| &s.version)
            .ok_or_else(|| "expected *semver.Version".to_string()),
        _ => Err("runtime error: invalid memory address or nil pointer dereference".into()),
    }
}

impl Object for SemverObject {
    fn type_name(&self) -> &str {
        if self.pointer {
            VERSION_PTR_TYPE
        } else {
            "semver.Version"
        }
    }

    fn method(&self, name: &str) -> Option<MethodSig> {
        match name {
            "String" | "Major" | "Minor" | "Patch" | "Prerelease" | "Metadata" | "IncPatch"
            | "IncMinor" | "IncMajor" => Some(NO_PARAMS),
            "SetPrerelease" | "SetMetadata" => Some(STRING_PARAM),
            "Original" if self.pointer => Some(NO_PARAMS),
            "LessThan" | "LessThanEqual" | "GreaterThan" | "GreaterThanEqual" | "Equal"
            | "Compare"
                if self.pointer =>
            {
                Some(VERSION_PARAM)
            }
            _ => None,
        }
    }

    fn call_method(&self, name: &str, args: &[Value]) -> Result<Value, String> {
        use std::cmp::Ordering::*;
        let v = &self.version;
        let cmp = || other_version(args).map(|o| v.compare(o));
        Ok(match name {
            "String" => Value::string(v.to_string()),
            "Original" => Value::str(&v.original),
            "Major" => Value::Uint(v.major),
            "Minor" => Value::Uint(v.minor),
            "Patch" => Value::Uint(v.patch),
            "Prerelease" => Value::str(&v.pre),
            "Metadata" => Value::str(&v.metadata),
            "IncPatch" => SemverObject::value(v.inc_patch()?, false),
            "IncMinor" => SemverObject::value(v.inc_minor()?, false),
            "IncMajor" => SemverObject::value(v.inc_major()?, false),
            "SetPrerelease" => SemverObject::value(v.set_prerelease(str_arg(args, 0))?, false),
            "SetMetadata" => SemverObject::value(v.set_metadata(str_arg(args, 0))?, false),
            "LessThan" => Value::Bool(cmp()? == Less),
            "LessThanEqual" => Value::Bool(cmp()? != Greater),
            "GreaterThan" => Value::Bool(cmp()? == Greater),
            "GreaterThanEqual" => Value::Bool(cmp()? != Less),
            "Equal" => Value::Bool(cmp()? == Equal),
            "Compare" => Value::Int(match cmp()? {
                Less => -1,
                Equal => 0,
                Greater => 1,
            }),
            _ => return Err(format!("can't call method {name}")),
        })
    }

    fn format_v(&self) -> String {
        self.version.to_string()
    }

    fn to_go_string(&self) -> Option<String> {
        Some(self.version.to_string())
    }

    fn marshal_json(&self) -> Option<Value> {
        Some(Value::string(self.version.to_string()))
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}
