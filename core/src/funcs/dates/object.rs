//! `time.Time` (and the `time.Month` / `time.Weekday` its methods return) as template
//! objects: fields Go's reflection would expose, methods templates call.

use std::rc::Rc;

use super::duration::duration_string;
use super::layout::{LONG_DAYS, LONG_MONTHS, format};
use super::time::{GoTime, Location};
use super::{TIME_TYPE, as_time};
use crate::funcs::ParamType;
use crate::funcs::encoding::{int_arg, str_arg};
use crate::value::{MethodSig, Object, Value};

/// A Go `time.Time` value.
pub struct TimeObject(pub GoTime);

impl TimeObject {
    pub fn value(t: GoTime) -> Value {
        Value::Object(Rc::new(TimeObject(t)))
    }
}

const fn sig(params: &'static [ParamType]) -> MethodSig {
    MethodSig {
        params,
        variadic: None,
    }
}

impl Object for TimeObject {
    fn type_name(&self) -> &str {
        TIME_TYPE
    }

    fn method(&self, name: &str) -> Option<MethodSig> {
        use ParamType::*;
        Some(match name {
            "Year" | "Month" | "Day" | "Hour" | "Minute" | "Second" | "Nanosecond" | "YearDay"
            | "Weekday" | "Unix" | "UnixMilli" | "UnixMicro" | "UnixNano" | "UTC" | "Local"
            | "IsZero" | "String" | "Location" => sig(&[]),
            "Format" => sig(&[String]),
            "AddDate" => sig(&[Int, Int, Int]),
            "Add" | "Round" | "Truncate" => sig(&[Int64]),
            "Before" | "After" | "Equal" | "Compare" | "Sub" => sig(&[Object(TIME_TYPE)]),
            _ => return None,
        })
    }

    fn call_method(&self, name: &str, args: &[Value]) -> Result<Value, String> {
        let t = &self.0;
        let other = || {
            args.first()
                .and_then(as_time)
                .cloned()
                .unwrap_or_else(GoTime::zero)
        };
        let c = || t.civil();
        Ok(match name {
            "Year" => Value::Int(c().year),
            "Month" => NamedInt::month(c().month),
            "Day" => Value::Int(c().day),
            "Hour" => Value::Int(c().hour),
            "Minute" => Value::Int(c().minute),
            "Second" => Value::Int(c().second),
            "Nanosecond" => Value::Int(i64::from(t.nsec)),
            "YearDay" => Value::Int(c().yday),
            "Weekday" => NamedInt::weekday(c().weekday),
            "Unix" => Value::Int64(t.unix),
            "UnixMilli" => Value::Int64(scaled(t, 1_000)),
            "UnixMicro" => Value::Int64(scaled(t, 1_000_000)),
            "UnixNano" => Value::Int64(scaled(t, 1_000_000_000)),
            "UTC" => TimeObject::value(t.in_loc(Location::Utc)),
            "Local" => TimeObject::value(t.in_loc(Location::Local)),
            "IsZero" => Value::Bool(t.is_zero()),
            "String" => Value::string(t.to_go_string()),
            "Location" => Value::str(t.loc.name()),
            "Format" => Value::string(format(t, str_arg(args, 0))),
            "AddDate" => {
                TimeObject::value(t.add_date(int_arg(args, 0), int_arg(args, 1), int_arg(args, 2)))
            }
            "Add" => TimeObject::value(t.add_nanos(int_arg(args, 0))),
            "Round" => TimeObject::value(t.round(int_arg(args, 0), true)),
            "Truncate" => TimeObject::value(t.round(int_arg(args, 0), false)),
            "Before" => Value::Bool(t.sub_nanos(&other()) < 0),
            "After" => Value::Bool(t.sub_nanos(&other()) > 0),
            "Equal" => Value::Bool(t.sub_nanos(&other()) == 0),
            "Compare" => Value::Int(t.sub_nanos(&other()).signum()),
            "Sub" => DurationObject::value(t.sub_nanos(&other())),
            _ => return Err(format!("can't call method {name}")),
        })
    }

    fn format_v(&self) -> String {
        self.0.to_go_string()
    }

    fn marshal_json(&self) -> Option<Value> {
        let year = self.0.civil().year;
        (0..=9999)
            .contains(&year)
            .then(|| Value::string(format(&self.0, "2006-01-02T15:04:05.999999999Z07:00")))
    }

    fn to_go_string(&self) -> Option<String> {
        Some(self.0.to_go_string())
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

fn scaled(t: &GoTime, per_second: i64) -> i64 {
    let v = i128::from(t.unix) * i128::from(per_second)
        + i128::from(t.nsec) / i128::from(1_000_000_000 / per_second);
    v.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64
}

/// A Go `time.Duration` (nanoseconds) as `Time.Sub` returns it.
pub struct DurationObject(pub i64);

impl DurationObject {
    pub fn value(d: i64) -> Value {
        Value::Object(Rc::new(DurationObject(d)))
    }
}

impl Object for DurationObject {
    fn type_name(&self) -> &str {
        "time.Duration"
    }

    fn kind(&self) -> &str {
        "int64"
    }

    fn method(&self, name: &str) -> Option<MethodSig> {
        matches!(
            name,
            "String"
                | "Hours"
                | "Minutes"
                | "Seconds"
                | "Milliseconds"
                | "Microseconds"
                | "Nanoseconds"
                | "Abs"
        )
        .then_some(sig(&[]))
    }

    fn call_method(&self, name: &str, _: &[Value]) -> Result<Value, String> {
        let d = self.0;
        // Go splits whole and fractional parts so large durations stay exact.
        let float_of = |unit: i64| (d / unit) as f64 + (d % unit) as f64 / unit as f64;
        Ok(match name {
            "String" => Value::string(duration_string(d)),
            "Hours" => Value::Float(float_of(3_600_000_000_000)),
            "Minutes" => Value::Float(float_of(60_000_000_000)),
            "Seconds" => Value::Float(float_of(1_000_000_000)),
            "Milliseconds" => Value::Int64(d / 1_000_000),
            "Microseconds" => Value::Int64(d / 1_000),
            "Nanoseconds" => Value::Int64(d),
            "Abs" => DurationObject::value(if d == i64::MIN { i64::MAX } else { d.abs() }),
            _ => return Err(format!("can't call method {name}")),
        })
    }

    fn format_v(&self) -> String {
        duration_string(self.0)
    }

    fn to_go_string(&self) -> Option<String> {
        Some(duration_string(self.0))
    }

    fn underlying(&self) -> Option<Value> {
        Some(Value::Int64(self.0))
    }

    fn marshal_json(&self) -> Option<Value> {
        Some(Value::Int64(self.0))
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// A Go named integer type with a `String()` method (`time.Month`, `time.Weekday`).
pub struct NamedInt {
    type_name: &'static str,
    value: i64,
    text: &'static str,
}

impl NamedInt {
    fn month(m: i64) -> Value {
        let text = usize::try_from(m - 1)
            .ok()
            .and_then(|i| LONG_MONTHS.get(i))
            .copied()
            .unwrap_or("%!Month");
        Value::Object(Rc::new(NamedInt {
            type_name: "time.Month",
            value: m,
            text,
        }))
    }

    fn weekday(d: i64) -> Value {
        let text = usize::try_from(d)
            .ok()
            .and_then(|i| LONG_DAYS.get(i))
            .copied()
            .unwrap_or("%!Weekday");
        Value::Object(Rc::new(NamedInt {
            type_name: "time.Weekday",
            value: d,
            text,
        }))
    }

    /// The underlying integer.
    pub fn int(&self) -> i64 {
        self.value
    }
}

impl Object for NamedInt {
    fn type_name(&self) -> &str {
        self.type_name
    }

    fn kind(&self) -> &str {
        "int"
    }

    fn method(&self, name: &str) -> Option<MethodSig> {
        (name == "String").then_some(sig(&[]))
    }

    fn call_method(&self, name: &str, _: &[Value]) -> Result<Value, String> {
        match name {
            "String" => Ok(Value::str(self.text)),
            _ => Err(format!("can't call method {name}")),
        }
    }

    fn format_v(&self) -> String {
        self.text.to_string()
    }

    fn underlying(&self) -> Option<Value> {
        Some(Value::Int(self.value))
    }

    fn marshal_json(&self) -> Option<Value> {
        Some(Value::Int(self.value))
    }

    fn to_go_string(&self) -> Option<String> {
        Some(self.text.to_string())
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}
