//! Sprig's encoding functions: base64/base32, checksums, `uuidv4` and `randBytes`.
//!
//! Sprig's decoders return Go's error text *as the result* instead of failing
//! (`b64dec "!!!"` renders `illegal base64 data at input byte 0`), so the decoders
//! here reproduce Go's `encoding/base64` and `encoding/base32` error offsets exactly.

use base64::Engine as _;

use super::{CallContext, FuncResult, ParamType, Registry};
use crate::value::Value;

pub fn register(r: &mut Registry) {
    use ParamType::*;
    r.add("b64enc", &[String], None, b64enc);
    r.add("b64dec", &[String], None, b64dec);
    r.add("b32enc", &[String], None, b32enc);
    r.add("b32dec", &[String], None, b32dec);
    r.add("sha1sum", &[String], None, sha1sum);
    r.add("sha256sum", &[String], None, sha256sum);
    r.add("sha512sum", &[String], None, sha512sum);
    r.add("adler32sum", &[String], None, adler32sum);
    r.add("uuidv4", &[], None, uuidv4);
    r.add("randBytes", &[Int], None, rand_bytes);
}

/// The string argument at `i` (the engine has already converted it).
pub(crate) fn str_arg(args: &[Value], i: usize) -> &str {
    args.get(i).and_then(Value::as_str).unwrap_or("")
}

/// The `int` argument at `i` (the engine has already converted it).
pub(crate) fn int_arg(args: &[Value], i: usize) -> i64 {
    match args.get(i) {
        Some(Value::Int(n) | Value::Int64(n)) => *n,
        Some(Value::Uint(n)) => i64::try_from(*n).unwrap_or(i64::MAX),
        _ => 0,
    }
}

/// Go's `string(bytes)`: our strings must be UTF-8, so invalid sequences become U+FFFD.
pub(crate) fn bytes_to_string(bytes: Vec<u8>) -> String {
    match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    }
}

fn b64enc(_: &CallContext<'_>, args: &[Value]) -> FuncResult {
    Ok(Value::string(base64_std_encode(
        str_arg(args, 0).as_bytes(),
    )))
}

/// A decoded Go string. Go strings hold any bytes, ours only UTF-8: binary results
/// become a byte slice, which keeps what templates ask of them (`len`) right.
fn decoded(result: Result<Vec<u8>, String>) -> Value {
    match result {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(s) => Value::string(s),
            Err(e) => Value::Bytes(e.into_bytes().into()),
        },
        Err(e) => Value::string(e),
    }
}

fn b64dec(_: &CallContext<'_>, args: &[Value]) -> FuncResult {
    Ok(decoded(base64_std_decode(str_arg(args, 0))))
}

fn b32enc(_: &CallContext<'_>, args: &[Value]) -> FuncResult {
    Ok(Value::string(
        data_encoding::BASE32.encode(str_arg(args, 0).as_bytes()),
    ))
}

fn b32dec(_: &CallContext<'_>, args: &[Value]) -> FuncResult {
    Ok(decoded(base32_std_decode(str_arg(args, 0))))
}

fn hex_digest<D: sha1::Digest>(input: &str) -> Value {
    let digest = D::digest(input.as_bytes());
    Value::string(data_encoding::HEXLOWER.encode(&digest))
}

fn sha1sum(_: &CallContext<'_>, args: &[Value]) -> FuncResult {
    Ok(hex_digest::<sha1::Sha1>(str_arg(args, 0)))
}

fn sha256sum(_: &CallContext<'_>, args: &[Value]) -> FuncResult {
    Ok(hex_digest::<sha2::Sha256>(str_arg(args, 0)))
}

fn sha512sum(_: &CallContext<'_>, args: &[Value]) -> FuncResult {
    Ok(hex_digest::<sha2::Sha512>(str_arg(args, 0)))
}

fn adler32sum(_: &CallContext<'_>, args: &[Value]) -> FuncResult {
    let sum = adler2::adler32_slice(str_arg(args, 0).as_bytes());
    Ok(Value::string(sum.to_string()))
}

fn uuidv4(ctx: &CallContext<'_>, _: &[Value]) -> FuncResult {
    let mut b = [0u8; 16];
    ctx.env.fill_random(&mut b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex = data_encoding::HEXLOWER.encode(&b);
    Ok(Value::string(format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )))
}

fn rand_bytes(ctx: &CallContext<'_>, args: &[Value]) -> FuncResult {
    let count = int_arg(args, 0);
    if count < 0 {
        // Go's make([]byte, count) panics; the template engine reports the recovered panic.
        return Err(super::FuncError::new(
            "runtime error: makeslice: len out of range",
        ));
    }
    let mut buf = vec![0u8; usize::try_from(count).unwrap_or(0)];
    ctx.env.fill_random(&mut buf);
    Ok(Value::string(base64_std_encode(&buf)))
}

/// Standard padded base64, as Go's `base64.StdEncoding.EncodeToString`.
pub(crate) fn base64_std_encode(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

const INVALID: u8 = 0xff;

fn base64_value(c: u8) -> u8 {
    match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => INVALID,
    }
}

fn base32_value(c: u8) -> u8 {
    match c {
        b'A'..=b'Z' => c - b'A',
        b'2'..=b'7' => c - b'2' + 26,
        _ => INVALID,
    }
}

fn corrupt(kind: &str, at: usize) -> String {
    format!("illegal {kind} data at input byte {at}")
}

/// Go's `base64.StdEncoding.DecodeString`: `\r`/`\n` are skipped anywhere, padding is
/// required, and errors name the input offset Go names.
pub(crate) fn base64_std_decode(src: &str) -> Result<Vec<u8>, String> {
    let src = src.as_bytes();
    let mut out = Vec::with_capacity(src.len() / 4 * 3);
    let mut si = 0;
    loop {
        let mut dbuf = [0u8; 4];
        let mut dlen = 4;
        let mut j = 0;
        let mut trailing_error = None;
        while j < 4 {
            if si == src.len() {
                if j == 0 {
                    return Ok(out);
                }
                return Err(corrupt("base64", si - j));
            }
            let c = src[si];
            si += 1;
            let v = base64_value(c);
            if v != INVALID {
                dbuf[j] = v;
                j += 1;
                continue;
            }
            if c == b'\n' || c == b'\r' {
                continue;
            }
            if c != b'=' || j < 2 {
                return Err(corrupt("base64", si - 1));
            }
            if j == 2 {
                while si < src.len() && (src[si] == b'\n' || src[si] == b'\r') {
                    si += 1;
                }
                if si == src.len() {
                    return Err(corrupt("base64", src.len()));
                }
                if src[si] != b'=' {
                    return Err(corrupt("base64", si - 1));
                }
                si += 1;
            }
            while si < src.len() && (src[si] == b'\n' || src[si] == b'\r') {
                si += 1;
            }
            if si < src.len() {
                trailing_error = Some(corrupt("base64", si));
            }
            dlen = j;
            break;
        }
        let val = (u32::from(dbuf[0]) << 18)
            | (u32::from(dbuf[1]) << 12)
            | (u32::from(dbuf[2]) << 6)
            | u32::from(dbuf[3]);
        let bytes = val.to_be_bytes();
        out.extend_from_slice(&bytes[1..dlen]);
        if let Some(e) = trailing_error {
            return Err(e);
        }
        if dlen < 4 {
            return Ok(out);
        }
    }
}

/// Go's `base32.StdEncoding.DecodeString`: newlines are removed first, padding is
/// required, and errors name the offset Go names.
pub(crate) fn base32_std_decode(src: &str) -> Result<Vec<u8>, String> {
    let src: Vec<u8> = src.bytes().filter(|&b| b != b'\r' && b != b'\n').collect();
    let olen = src.len();
    let mut rest: &[u8] = &src;
    let mut out = Vec::with_capacity(olen / 8 * 5);
    let mut end = false;
    while !rest.is_empty() && !end {
        let mut dbuf = [0u8; 8];
        let mut dlen = 8;
        let mut j = 0;
        while j < 8 {
            let Some((&c, tail)) = rest.split_first() else {
                return Err(corrupt("base32", olen - j));
            };
            rest = tail;
            if c == b'=' && j >= 2 && rest.len() < 8 {
                if rest.len() + j < 7 {
                    return Err(corrupt("base32", olen));
                }
                for k in 0..7 - j {
                    if rest.len() > k && rest[k] != b'=' {
                        return Err(corrupt("base32", olen - rest.len() + k - 1));
                    }
                }
                dlen = j;
                end = true;
                if matches!(dlen, 1 | 3 | 6) {
                    return Err(corrupt("base32", olen - rest.len() - 1));
                }
                break;
            }
            let v = base32_value(c);
            if v == INVALID {
                return Err(corrupt("base32", olen - rest.len() - 1));
            }
            dbuf[j] = v;
            j += 1;
        }
        let mut acc: u64 = 0;
        for v in dbuf {
            acc = (acc << 5) | u64::from(v);
        }
        let bytes = acc.to_be_bytes();
        let n = match dlen {
            8 => 5,
            7 => 4,
            5 => 3,
            4 => 2,
            2 => 1,
            _ => 0,
        };
        out.extend_from_slice(&bytes[3..3 + n]);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::env::FixedEnvironment;

    fn call(f: fn(&CallContext<'_>, &[Value]) -> FuncResult, args: &[Value]) -> String {
        let env = FixedEnvironment::new(0, 7);
        let ctx = CallContext { env: &env };
        match f(&ctx, args) {
            Ok(Value::String(s)) => s.to_string(),
            other => format!("{other:?}"),
        }
    }

    #[test]
    fn base64_errors_match_go_offsets() {
        assert_eq!(base64_std_decode("aGVsbG8=").as_deref(), Ok(&b"hello"[..]));
        assert_eq!(
            base64_std_decode("aGVsbG8").unwrap_err(),
            "illegal base64 data at input byte 4"
        );
        assert_eq!(
            base64_std_decode("!!!").unwrap_err(),
            "illegal base64 data at input byte 0"
        );
        assert_eq!(
            base64_std_decode("not-base64!").unwrap_err(),
            "illegal base64 data at input byte 3"
        );
        assert_eq!(
            base64_std_decode("aGVs\nbG8=").as_deref(),
            Ok(&b"hello"[..])
        );
        assert_eq!(
            base64_std_decode("Zg==Zg==").unwrap_err(),
            "illegal base64 data at input byte 4"
        );
        assert_eq!(
            base64_std_decode("Zg=").unwrap_err(),
            "illegal base64 data at input byte 3"
        );
        assert_eq!(base64_std_decode("").as_deref(), Ok(&b""[..]));
    }

    #[test]
    fn base32_errors_match_go_offsets() {
        assert_eq!(base32_std_decode("NBSWY3DP").as_deref(), Ok(&b"hello"[..]));
        assert_eq!(base32_std_decode("MZXW6===").as_deref(), Ok(&b"foo"[..]));
        assert_eq!(
            base32_std_decode("nbswy3dp").unwrap_err(),
            "illegal base32 data at input byte 0"
        );
        assert_eq!(
            base32_std_decode("1").unwrap_err(),
            "illegal base32 data at input byte 0"
        );
        assert_eq!(
            base32_std_decode("MY").unwrap_err(),
            "illegal base32 data at input byte 0"
        );
    }

    #[test]
    fn checksums() {
        let abc = [Value::str("abc")];
        assert_eq!(call(adler32sum, &abc), "38600999");
        assert_eq!(
            call(sha1sum, &abc),
            "a9993e364706816aba3e25717850c26c9cd0d89d"
        );
        assert_eq!(call(b32enc, &[Value::str("foobar")]), "MZXW6YTBOI======");
        assert_eq!(
            call(b64dec, &[Value::str("_-8=")]),
            "illegal base64 data at input byte 0"
        );
    }

    #[test]
    fn binary_decodes_keep_their_length() {
        let env = FixedEnvironment::new(0, 7);
        let ctx = CallContext { env: &env };
        match b64dec(&ctx, &[Value::str("/w==")]) {
            Ok(Value::Bytes(b)) => assert_eq!(&b[..], &[0xff]),
            other => panic!("unexpected {other:?}"),
        }
        assert_eq!(call(b64dec, &[Value::str("w6k=")]), "é");
    }

    #[test]
    fn uuid_shape() {
        let u = call(uuidv4, &[]);
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "4");
        assert!(matches!(&u[19..20], "8" | "9" | "a" | "b"));
    }

    #[test]
    fn rand_bytes_length() {
        let s = call(rand_bytes, &[Value::Int(12)]);
        assert_eq!(base64_std_decode(&s).map(|b| b.len()), Ok(12));
    }
}
