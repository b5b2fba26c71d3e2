//! Sprig's date functions (`now`, `date`, `dateInZone`, `toDate`, `dateModify`, `ago`,
//! `duration`, `durationRound`, `unixEpoch`, `htmlDate`...) and the `time.Time` object.
//!
//! Sprig accepts loosely-typed dates: a `time.Time`, or Go `int`/`int64` Unix seconds;
//! anything else (a float from YAML, a string) silently means *now*.

pub(crate) mod civil;
mod duration;
mod layout;
mod object;
mod parse;
mod time;

use super::encoding::str_arg;
use super::{CallContext, FuncError, FuncResult, ParamType, Registry};
use crate::value::Value;

pub use duration::{duration_string, parse_duration};
pub use layout::format;
pub use object::{DurationObject, NamedInt, TimeObject};
pub use parse::parse_in_location;
pub use time::{GoTime, Location};

/// Go type name of a time.
pub const TIME_TYPE: &str = "time.Time";

pub fn register(r: &mut Registry) {
    use ParamType::*;
    r.add("now", &[], None, now);
    r.add("date", &[String, Any], None, date);
    r.add("dateInZone", &[String, Any, String], None, date_in_zone);
    r.add("date_in_zone", &[String, Any, String], None, date_in_zone);
    r.add("htmlDate", &[Any], None, html_date);
    r.add("htmlDateInZone", &[Any, String], None, html_date_in_zone);
    r.add(
        "dateModify",
        &[String, Object(TIME_TYPE)],
        None,
        date_modify,
    );
    r.add(
        "date_modify",
        &[String, Object(TIME_TYPE)],
        None,
        date_modify,
    );
    r.add(
        "mustDateModify",
        &[String, Object(TIME_TYPE)],
        None,
        must_date_modify,
    );
    r.add(
        "must_date_modify",
        &[String, Object(TIME_TYPE)],
        None,
        must_date_modify,
    );
    r.add("toDate", &[String, String], None, to_date);
    r.add("mustToDate", &[String, String], None, must_to_date);
    r.add("unixEpoch", &[Object(TIME_TYPE)], None, unix_epoch);
    r.add("ago", &[Any], None, ago);
    r.add("duration", &[Any], None, duration);
    r.add("durationRound", &[Any], None, duration_round);
}

/// Go's `time.Now()` from the environment's clock: a local time with a monotonic reading.
fn current_time(ctx: &CallContext<'_>) -> GoTime {
    let (secs, nanos) = ctx.env.now();
    GoTime {
        unix: secs,
        nsec: nanos.min(999_999_999),
        loc: Location::Local,
        mono: true,
    }
}

/// The `time.Time` inside a value, if it holds one.
pub fn as_time(v: &Value) -> Option<&GoTime> {
    match v {
        Value::Object(o) => o.as_any().downcast_ref::<TimeObject>().map(|t| &t.0),
        _ => None,
    }
}

/// Sprig's loose date argument: `time.Time`, `int`/`int64` Unix seconds, else now.
fn loose_time(ctx: &CallContext<'_>, v: Option<&Value>) -> GoTime {
    match v {
        Some(Value::Int(n) | Value::Int64(n)) => GoTime::from_unix(*n),
        Some(other) => as_time(other).cloned().unwrap_or_else(|| current_time(ctx)),
        None => current_time(ctx),
    }
}

fn in_zone(ctx: &CallContext<'_>, layout: &str, date: Option<&Value>, zone: &str) -> Value {
    let t = loose_time(ctx, date);
    let loc = Location::load(zone).unwrap_or(Location::Utc);
    Value::string(format(&t.in_loc(loc), layout))
}

fn now(ctx: &CallContext<'_>, _: &[Value]) -> FuncResult {
    Ok(TimeObject::value(current_time(ctx)))
}

fn date(ctx: &CallContext<'_>, args: &[Value]) -> FuncResult {
    Ok(in_zone(ctx, str_arg(args, 0), args.get(1), "Local"))
}

fn date_in_zone(ctx: &CallContext<'_>, args: &[Value]) -> FuncResult {
    Ok(in_zone(
        ctx,
        str_arg(args, 0),
        args.get(1),
        str_arg(args, 2),
    ))
}

fn html_date(ctx: &CallContext<'_>, args: &[Value]) -> FuncResult {
    Ok(in_zone(ctx, "2006-01-02", args.first(), "Local"))
}

fn html_date_in_zone(ctx: &CallContext<'_>, args: &[Value]) -> FuncResult {
    Ok(in_zone(ctx, "2006-01-02", args.first(), str_arg(args, 1)))
}

fn time_arg(args: &[Value], i: usize) -> GoTime {
    args.get(i)
        .and_then(as_time)
        .cloned()
        .unwrap_or_else(GoTime::zero)
}

fn date_modify(_: &CallContext<'_>, args: &[Value]) -> FuncResult {
    let t = time_arg(args, 1);
    Ok(TimeObject::value(match parse_duration(str_arg(args, 0)) {
        Ok(d) => t.add_nanos(d),
        Err(_) => t,
    }))
}

fn must_date_modify(_: &CallContext<'_>, args: &[Value]) -> FuncResult {
    let d = parse_duration(str_arg(args, 0)).map_err(FuncError)?;
    Ok(TimeObject::value(time_arg(args, 1).add_nanos(d)))
}

fn to_date(_: &CallContext<'_>, args: &[Value]) -> FuncResult {
    let t = parse_in_location(str_arg(args, 0), str_arg(args, 1), &Location::Local)
        .unwrap_or_else(|_| GoTime::zero());
    Ok(TimeObject::value(t))
}

fn must_to_date(_: &CallContext<'_>, args: &[Value]) -> FuncResult {
    let t = parse_in_location(str_arg(args, 0), str_arg(args, 1), &Location::Local)
        .map_err(FuncError)?;
    Ok(TimeObject::value(t))
}

fn unix_epoch(_: &CallContext<'_>, args: &[Value]) -> FuncResult {
    Ok(Value::string(time_arg(args, 0).unix.to_string()))
}

fn ago(ctx: &CallContext<'_>, args: &[Value]) -> FuncResult {
    let t = loose_time(ctx, args.first());
    let since = current_time(ctx).sub_nanos(&t);
    Ok(Value::string(duration_string(duration::round(
        since,
        duration::SECOND,
    ))))
}

fn duration(_: &CallContext<'_>, args: &[Value]) -> FuncResult {
    // Only a string or a Go int64 counts; a plain int is ignored, as in Sprig.
    let n = match args.first() {
        Some(Value::String(s)) => parse_int64(s),
        Some(Value::Int64(n)) => *n,
        _ => 0,
    };
    Ok(Value::string(duration_string(
        n.wrapping_mul(duration::SECOND),
    )))
}

/// Go's `strconv.ParseInt(s, 10, 64)` with the error ignored: 0 on bad syntax, the
/// saturated value on overflow.
fn parse_int64(s: &str) -> i64 {
    let (neg, digits) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return 0;
    }
    let mut v: i128 = 0;
    for b in digits.bytes() {
        v = (v * 10 + i128::from(b - b'0')).min(i128::from(u64::MAX));
    }
    if neg { -v } else { v }.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64
}

fn duration_round(ctx: &CallContext<'_>, args: &[Value]) -> FuncResult {
    let d = match args.first() {
        Some(Value::String(s)) => parse_duration(s).unwrap_or(0),
        Some(Value::Int64(n)) => *n,
        Some(other) => match as_time(other) {
            Some(t) => current_time(ctx).sub_nanos(t),
            None => 0,
        },
        None => 0,
    };
    let u = d.unsigned_abs();
    const HOUR: u64 = 3_600_000_000_000;
    let units: [(u64, &str); 6] = [
        (HOUR * 24 * 365, "y"),
        (HOUR * 24 * 30, "mo"),
        (HOUR * 24, "d"),
        (HOUR, "h"),
        (60_000_000_000, "m"),
        (1_000_000_000, "s"),
    ];
    for (size, suffix) in units {
        if u > size {
            return Ok(Value::string(format!("{}{suffix}", u / size)));
        }
    }
    Ok(Value::str("0s"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::env::FixedEnvironment;

    fn call(f: fn(&CallContext<'_>, &[Value]) -> FuncResult, args: &[Value]) -> String {
        let env = FixedEnvironment::new(1_700_000_000, 1);
        let ctx = CallContext { env: &env };
        match f(&ctx, args) {
            Ok(Value::String(s)) => s.to_string(),
            Ok(Value::Object(o)) => o.format_v(),
            other => format!("{other:?}"),
        }
    }

    fn to_date_value(layout: &str, s: &str) -> Value {
        TimeObject::value(parse_in_location(layout, s, &Location::Local).unwrap())
    }

    #[test]
    fn dates_in_zones() {
        let t = to_date_value("2006-01-02 15:04:05", "2024-03-05 07:08:09");
        let layout = Value::str("2006-01-02 15:04 MST");
        let ny = call(
            date_in_zone,
            &[layout.clone(), t.clone(), Value::str("America/New_York")],
        );
        assert_eq!(ny, "2024-03-05 02:08 EST");
        let k = call(
            date_in_zone,
            &[
                Value::str("2006-01-02 15:04 -0700"),
                t.clone(),
                Value::str("Asia/Kolkata"),
            ],
        );
        assert_eq!(k, "2024-03-05 12:38 +0530");
        let bad = call(date_in_zone, &[layout, t, Value::str("Nowhere/Zone")]);
        assert_eq!(bad, "2024-03-05 07:08 UTC");
        assert_eq!(
            call(
                date,
                &[Value::str("2006-01-02 15:04:05"), Value::Int(1_700_000_000)]
            ),
            "2023-11-14 22:13:20"
        );
    }

    #[test]
    fn durations() {
        assert_eq!(call(duration, &[Value::Int(90)]), "0s");
        assert_eq!(call(duration, &[Value::str("3600")]), "1h0m0s");
        assert_eq!(call(duration, &[Value::Int64(3661)]), "1h1m1s");
        assert_eq!(call(duration_round, &[Value::str("2h10m5s")]), "2h");
        assert_eq!(call(duration_round, &[Value::str("400h")]), "16d");
        assert_eq!(call(duration_round, &[Value::str("1h")]), "60m");
        assert_eq!(call(duration_round, &[Value::str("-3h")]), "3h");
        assert_eq!(
            call(duration_round, &[Value::Int64(3_600_000_000_000)]),
            "60m"
        );
        assert_eq!(call(duration_round, &[Value::str("8760h")]), "12mo");
    }

    #[test]
    fn time_methods() {
        let t = to_date_value("2006-01-02 15:04:05", "2024-03-05 07:08:39");
        let Value::Object(o) = &t else {
            panic!("not a time")
        };
        let m = |name: &str, args: &[Value]| o.call_method(name, args).map(|v| show(&v)).unwrap();
        assert_eq!(
            m("Round", &[Value::Int64(60_000_000_000)]),
            "2024-03-05 07:09:00 +0000 UTC"
        );
        assert_eq!(
            m("Truncate", &[Value::Int64(3_600_000_000_000)]),
            "2024-03-05 07:00:00 +0000 UTC"
        );
        let earlier = to_date_value("2006", "2024");
        assert_eq!(m("Sub", &[earlier]), "1543h8m39s");
        assert_eq!(m("Month", &[]), "March");
        assert_eq!(
            m("AddDate", &[Value::Int(0), Value::Int(-1), Value::Int(0)]),
            "2024-02-05 07:08:39 +0000 UTC"
        );
    }

    fn show(v: &Value) -> String {
        match v {
            Value::String(s) => s.to_string(),
            Value::Object(o) => o.format_v(),
            other => format!("{other:?}"),
        }
    }

    #[test]
    fn modify_and_to_date() {
        let t = to_date_value("2006-01-02 15:04:05", "2024-03-05 07:08:09");
        let m = call(date_modify, &[Value::str("+1h30m"), t.clone()]);
        assert_eq!(m, "2024-03-05 08:38:09 +0000 UTC");
        assert_eq!(
            call(date_modify, &[Value::str("bogus"), t.clone()]),
            "2024-03-05 07:08:09 +0000 UTC"
        );
        assert_eq!(call(unix_epoch, &[t]), "1709622489");
        assert_eq!(
            call(
                to_date,
                &[Value::str("2006-01-02"), Value::str("2023-02-29")]
            ),
            "0001-01-01 00:00:00 +0000 UTC"
        );
        let ago_text = call(ago, &[to_date_value("2006-01-02", "2020-01-01")]);
        assert!(ago_text.ends_with('s') && ago_text.contains('h'));
    }
}
