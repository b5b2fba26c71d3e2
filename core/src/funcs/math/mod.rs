//! Sprig's math functions: integer math over int64 (every argument cast leniently,
//! overflow wraps), float math through exact decimals, and rounding helpers.

pub(crate) mod cast;
mod decimal;

use self::cast::{to_float64, to_int64};
use self::decimal::Decimal;
use super::{CallContext, FuncError, FuncResult, ParamType, Registry};
use crate::value::Value;

use ParamType::{Any, Float64, Int};

pub fn register(r: &mut Registry) {
    r.add("add", &[], Some(Any), add);
    r.add("add1", &[Any], None, add1);
    r.add("sub", &[Any, Any], None, sub);
    r.add("mul", &[Any], Some(Any), mul);
    r.add("div", &[Any, Any], None, div);
    r.add("mod", &[Any, Any], None, modulo);
    r.add("max", &[Any], Some(Any), max);
    r.add("biggest", &[Any], Some(Any), max);
    r.add("min", &[Any], Some(Any), min);
    r.add("randInt", &[Int, Int], None, rand_int);
    r.add("addf", &[], Some(Any), addf);
    r.add("add1f", &[Any], None, add1f);
    r.add("subf", &[Any], Some(Any), subf);
    r.add("mulf", &[Any], Some(Any), mulf);
    r.add("divf", &[Any], Some(Any), divf);
    r.add("maxf", &[Any], Some(Any), maxf);
    r.add("minf", &[Any], Some(Any), minf);
    r.add("floor", &[Any], None, floor);
    r.add("ceil", &[Any], None, ceil);
    r.add("round", &[Any, Int], Some(Float64), round);
}

/// The message Go's runtime panics with, which the template engine reports.
const DIVIDE_BY_ZERO: &str = "runtime error: integer divide by zero";

fn add(_: &CallContext<'_>, args: &[Value]) -> FuncResult {
    let sum = args
        .iter()
        .fold(0i64, |acc, v| acc.wrapping_add(to_int64(v)));
    Ok(Value::Int64(sum))
}

fn add1(_: &CallContext<'_>, args: &[Value]) -> FuncResult {
    Ok(Value::Int64(to_int64(&args[0]).wrapping_add(1)))
}

fn sub(_: &CallContext<'_>, args: &[Value]) -> FuncResult {
    Ok(Value::Int64(
        to_int64(&args[0]).wrapping_sub(to_int64(&args[1])),
    ))
}

fn mul(_: &CallContext<'_>, args: &[Value]) -> FuncResult {
    let product = args[1..]
        .iter()
        .fold(to_int64(&args[0]), |acc, v| acc.wrapping_mul(to_int64(v)));
    Ok(Value::Int64(product))
}

fn div(_: &CallContext<'_>, args: &[Value]) -> FuncResult {
    let divisor = to_int64(&args[1]);
    if divisor == 0 {
        return Err(FuncError::new(DIVIDE_BY_ZERO));
    }
    Ok(Value::Int64(to_int64(&args[0]).wrapping_div(divisor)))
}

fn modulo(_: &CallContext<'_>, args: &[Value]) -> FuncResult {
    let divisor = to_int64(&args[1]);
    if divisor == 0 {
        return Err(FuncError::new(DIVIDE_BY_ZERO));
    }
    Ok(Value::Int64(to_int64(&args[0]).wrapping_rem(divisor)))
}

fn max(_: &CallContext<'_>, args: &[Value]) -> FuncResult {
    Ok(Value::Int64(
        args.iter().map(to_int64).fold(i64::MIN, i64::max),
    ))
}

fn min(_: &CallContext<'_>, args: &[Value]) -> FuncResult {
    Ok(Value::Int64(
        args.iter().map(to_int64).fold(i64::MAX, i64::min),
    ))
}

/// `rand.Intn(max-min) + min`, with Go's panic for an empty range.
fn rand_int(ctx: &CallContext<'_>, args: &[Value]) -> FuncResult {
    let (lo, hi) = (int_arg(&args[0]), int_arg(&args[1]));
    let span = hi.wrapping_sub(lo);
    if span <= 0 {
        return Err(FuncError::new("invalid argument to Intn"));
    }
    let span = span as u64;
    // Rejection sampling keeps the draw uniform over [0, span).
    let zone = u64::MAX - u64::MAX % span;
    loop {
        let mut buf = [0u8; 8];
        ctx.env.fill_random(&mut buf);
        let draw = u64::from_le_bytes(buf);
        if draw < zone {
            return Ok(Value::Int(((draw % span) as i64).wrapping_add(lo)));
        }
    }
}

/// An argument the engine already converted to Go `int`.
fn int_arg(v: &Value) -> i64 {
    match v {
        Value::Int(i) | Value::Int64(i) => *i,
        other => to_int64(other),
    }
}

/// Folds `rest` into `first` with a decimal operation and returns the nearest float64.
fn decimal_fold(
    first: &Value,
    rest: &[Value],
    op: fn(&Decimal, &Decimal) -> Result<Decimal, String>,
) -> FuncResult {
    let mut acc = Decimal::from_f64(to_float64(first)).map_err(FuncError::new)?;
    for v in rest {
        let operand = Decimal::from_f64(to_float64(v)).map_err(FuncError::new)?;
        acc = op(&acc, &operand).map_err(FuncError::new)?;
    }
    Ok(Value::Float(acc.to_f64()))
}

fn addf(_: &CallContext<'_>, args: &[Value]) -> FuncResult {
    decimal_fold(&Value::Float(0.0), args, |a, b| Ok(a.add(b)))
}

fn add1f(_: &CallContext<'_>, args: &[Value]) -> FuncResult {
    decimal_fold(&args[0], &[Value::Int(1)], |a, b| Ok(a.add(b)))
}

fn subf(_: &CallContext<'_>, args: &[Value]) -> FuncResult {
    decimal_fold(&args[0], &args[1..], |a, b| Ok(a.sub(b)))
}

fn mulf(_: &CallContext<'_>, args: &[Value]) -> FuncResult {
    decimal_fold(&args[0], &args[1..], |a, b| Ok(a.mul(b)))
}

fn divf(_: &CallContext<'_>, args: &[Value]) -> FuncResult {
    decimal_fold(&args[0], &args[1..], Decimal::div)
}

fn maxf(_: &CallContext<'_>, args: &[Value]) -> FuncResult {
    let first = to_float64(&args[0]);
    Ok(Value::Float(
        args[1..].iter().map(to_float64).fold(first, go_max),
    ))
}

fn minf(_: &CallContext<'_>, args: &[Value]) -> FuncResult {
    let first = to_float64(&args[0]);
    Ok(Value::Float(
        args[1..].iter().map(to_float64).fold(first, go_min),
    ))
}

/// `math.Max`: +Inf wins over NaN, NaN wins over numbers, +0 beats -0.
fn go_max(x: f64, y: f64) -> f64 {
    if x == f64::INFINITY || y == f64::INFINITY {
        f64::INFINITY
    } else if x.is_nan() || y.is_nan() {
        f64::NAN
    } else if x == 0.0 && y == 0.0 {
        if x.is_sign_negative() { y } else { x }
    } else if x > y {
        x
    } else {
        y
    }
}

/// `math.Min`: -Inf wins over NaN, NaN wins over numbers, -0 beats +0.
fn go_min(x: f64, y: f64) -> f64 {
    if x == f64::NEG_INFINITY || y == f64::NEG_INFINITY {
        f64::NEG_INFINITY
    } else if x.is_nan() || y.is_nan() {
        f64::NAN
    } else if x == 0.0 && y == 0.0 {
        if x.is_sign_negative() { x } else { y }
    } else if x < y {
        x
    } else {
        y
    }
}

fn floor(_: &CallContext<'_>, args: &[Value]) -> FuncResult {
    Ok(Value::Float(to_float64(&args[0]).floor()))
}

fn ceil(_: &CallContext<'_>, args: &[Value]) -> FuncResult {
    Ok(Value::Float(to_float64(&args[0]).ceil()))
}

/// Sprig's `round`: scale by 10^places, round up when the fractional part reaches the
/// threshold (0.5 by default) and down otherwise — so negative halves round down
/// (`round -2.4 0` is -3, as in Helm).
fn round(_: &CallContext<'_>, args: &[Value]) -> FuncResult {
    let value = to_float64(&args[0]);
    let places = int_arg(&args[1]) as f64;
    let threshold = args.get(2).map_or(0.5, to_float64);
    let pow = go_pow10(places);
    let scaled = pow * value;
    let fraction = scaled - scaled.trunc();
    let rounded = if fraction >= threshold {
        scaled.ceil()
    } else {
        scaled.floor()
    };
    Ok(Value::Float(rounded / pow))
}

/// Go's `math.Pow(10, y)` for an integral `y`: repeated squaring on the mantissa with a
/// separate binary exponent, which is not always the correctly rounded power.
fn go_pow10(y: f64) -> f64 {
    if y == 0.0 {
        return 1.0;
    }
    if y == 1.0 {
        return 10.0;
    }
    let magnitude = y.abs();
    if magnitude >= 9.223_372_036_854_776e18 {
        return if y > 0.0 { f64::INFINITY } else { 0.0 };
    }
    // 10 = 0.625 × 2^4
    let (mut x1, mut xe) = (0.625f64, 4i64);
    let (mut a1, mut ae) = (1.0f64, 0i64);
    let mut i = magnitude as i64;
    while i != 0 {
        if !(-(1 << 12)..=(1 << 12)).contains(&xe) {
            ae += xe;
            break;
        }
        if i & 1 == 1 {
            a1 *= x1;
            ae += xe;
        }
        x1 *= x1;
        xe <<= 1;
        if x1 < 0.5 {
            x1 += x1;
            xe -= 1;
        }
        i >>= 1;
    }
    if y < 0.0 {
        a1 = 1.0 / a1;
        ae = -ae;
    }
    ldexp(a1, ae)
}

/// `frac × 2^exp` with a single final rounding for subnormal results.
fn ldexp(frac: f64, exp: i64) -> f64 {
    if frac == 0.0 || !frac.is_finite() {
        return frac;
    }
    let exp = exp.clamp(-2200, 2200) as i32;
    let mut result = frac;
    let mut remaining = exp;
    // Scale in steps that stay exact until the last one, which may round into subnormals.
    while remaining > 1000 {
        result *= 2f64.powi(1000);
        remaining -= 1000;
    }
    while remaining < -1000 {
        if result.abs() < 2f64.powi(-1000) {
            break;
        }
        result *= 2f64.powi(-1000);
        remaining += 1000;
    }
    result * 2f64.powi(remaining)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::env::FixedEnvironment;

    fn call(f: fn(&CallContext<'_>, &[Value]) -> FuncResult, args: &[Value]) -> FuncResult {
        let env = FixedEnvironment::new(0, 7);
        let ctx = CallContext { env: &env };
        f(&ctx, args)
    }

    fn int(f: fn(&CallContext<'_>, &[Value]) -> FuncResult, args: &[Value]) -> i64 {
        match call(f, args) {
            Ok(Value::Int64(i)) | Ok(Value::Int(i)) => i,
            other => panic!("unexpected {other:?}"),
        }
    }

    fn float(f: fn(&CallContext<'_>, &[Value]) -> FuncResult, args: &[Value]) -> f64 {
        match call(f, args) {
            Ok(Value::Float(x)) => x,
            other => panic!("unexpected {other:?}"),
        }
    }

    use Value::{Float as F, Int as I};

    #[test]
    fn integer_math_truncates_and_wraps() {
        assert_eq!(int(add, &[F(1.9), F(2.9)]), 3);
        assert_eq!(int(add, &[Value::str("0x10"), I(1)]), 17);
        assert_eq!(int(add, &[Value::str("3.5"), I(1)]), 1);
        assert_eq!(int(add, &[]), 0);
        assert_eq!(int(add, &[I(i64::MAX), I(1)]), i64::MIN);
        assert_eq!(int(mul, &[I(2), I(3), I(4)]), 24);
        assert_eq!(int(div, &[I(-7), I(2)]), -3);
        assert_eq!(int(modulo, &[I(-7), I(3)]), -1);
        assert_eq!(int(div, &[I(i64::MIN), I(-1)]), i64::MIN);
        assert_eq!(int(max, &[Value::str("10"), Value::str("9")]), 10);
        assert_eq!(int(min, &[F(2.9), F(2.1)]), 2);
        assert_eq!(
            call(div, &[I(1), F(0.5)]).unwrap_err().0,
            "runtime error: integer divide by zero"
        );
        assert!(call(modulo, &[I(1), I(0)]).is_err());
    }

    #[test]
    fn float_math_goes_through_decimals() {
        assert_eq!(float(addf, &[F(0.1), F(0.2)]), 0.3);
        assert_eq!(float(addf, &[]), 0.0);
        assert_eq!(float(subf, &[I(10), I(1), I(2), I(3)]), 4.0);
        assert_eq!(float(divf, &[I(1), I(3)]), 0.3333333333333333);
        assert_eq!(float(add1f, &[I(-1)]), 0.0);
        assert_eq!(float(mulf, &[F(1.1), I(3)]), 3.3);
        assert_eq!(
            call(divf, &[I(1), I(0)]).unwrap_err().0,
            "decimal division by 0"
        );
        assert_eq!(float(maxf, &[I(1), F(2.5), I(2)]), 2.5);
        assert_eq!(float(minf, &[I(1), F(-2.5), I(2)]), -2.5);
    }

    #[test]
    fn rounding_follows_sprig() {
        assert_eq!(float(round, &[F(2.5), I(0)]), 3.0);
        assert_eq!(float(round, &[F(-2.5), I(0)]), -3.0);
        assert_eq!(float(round, &[F(-2.4), I(0)]), -3.0);
        assert_eq!(float(round, &[F(1.005), I(2)]), 1.0);
        assert_eq!(float(round, &[F(2.675), I(2)]), 2.68);
        assert_eq!(float(round, &[F(1234.5678), I(-2)]), 1200.0);
        assert_eq!(float(round, &[F(1.5), I(0), F(0.6)]), 1.0);
        assert_eq!(float(round, &[F(1.2345), I(2)]), 1.23);
        assert_eq!(float(floor, &[Value::str("2.9")]), 2.0);
        assert_eq!(float(ceil, &[F(-1.7)]), -1.0);
    }

    #[test]
    fn pow10_matches_exact_powers_where_go_does() {
        for p in 0..=22 {
            assert_eq!(go_pow10(f64::from(p)), 10f64.powi(p));
        }
        assert_eq!(go_pow10(-2.0), 0.01);
        assert_eq!(go_pow10(400.0), f64::INFINITY);
        assert_eq!(go_pow10(-400.0), 0.0);
    }

    #[test]
    fn rand_int_stays_in_range() {
        for _ in 0..50 {
            let r = int(rand_int, &[I(1), I(5)]);
            assert!((1..5).contains(&r));
        }
        assert_eq!(int(rand_int, &[I(3), I(4)]), 3);
        assert_eq!(
            call(rand_int, &[I(5), I(5)]).unwrap_err().0,
            "invalid argument to Intn"
        );
    }
}
