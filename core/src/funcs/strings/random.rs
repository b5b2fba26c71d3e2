//! Sprig's random strings (`randAlpha`, `randNumeric`, `randAlphaNum`, `randAscii`) and
//! `shuffle`, drawing from the host's randomness.

use super::{Registry, int, s};
use crate::env::Environment;
use crate::funcs::ParamType;
use crate::value::Value;

const ALPHA: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const DIGITS: &[u8] = b"0123456789";
const ALNUM: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// Longest random string produced; Go would try to allocate anything asked for.
const MAX_LEN: i64 = 1 << 24;

pub(super) fn register(r: &mut Registry) {
    r.add("randAlpha", &[ParamType::Int], None, |c, a| {
        Ok(random_string(c.env, int(&a[0]), |e| pick(e, ALPHA)))
    });
    r.add("randNumeric", &[ParamType::Int], None, |c, a| {
        Ok(random_string(c.env, int(&a[0]), |e| pick(e, DIGITS)))
    });
    r.add("randAlphaNum", &[ParamType::Int], None, |c, a| {
        Ok(random_string(c.env, int(&a[0]), |e| pick(e, ALNUM)))
    });
    // goutils draws printable ASCII from [32, 127).
    r.add("randAscii", &[ParamType::Int], None, |c, a| {
        Ok(random_string(c.env, int(&a[0]), |e| {
            (b' ' + below(e, 95) as u8) as char
        }))
    });
    r.add("shuffle", &[ParamType::String], None, |c, a| {
        let mut chars: Vec<char> = s(&a[0]).chars().collect();
        for i in (1..chars.len()).rev() {
            let j = below(c.env, i as u64 + 1) as usize;
            chars.swap(i, j);
        }
        Ok(Value::string(chars.into_iter().collect()))
    });
}

/// goutils returns an error (which Sprig drops) for negative counts: the empty string.
fn random_string(
    env: &dyn Environment,
    count: i64,
    make_char: impl Fn(&dyn Environment) -> char,
) -> Value {
    let count = count.clamp(0, MAX_LEN);
    Value::string((0..count).map(|_| make_char(env)).collect())
}

fn pick(env: &dyn Environment, set: &[u8]) -> char {
    set[below(env, set.len() as u64) as usize] as char
}

/// A uniform random number in `[0, n)` (rejection sampling, no modulo bias).
fn below(env: &dyn Environment, n: u64) -> u64 {
    if n <= 1 {
        return 0;
    }
    let zone = u64::MAX - (u64::MAX % n);
    loop {
        let mut buf = [0u8; 8];
        env.fill_random(&mut buf);
        let x = u64::from_le_bytes(buf);
        if x < zone {
            return x % n;
        }
    }
}
