//! The string functions Sprig (and Masterminds/goutils) implement on bytes rather than
//! characters: `trunc`, `substr`, `abbrev`, `abbrevboth`, `wrap`, `wrapWith`,
//! `nospace`, `initials`.

use super::{Registry, int, s};
use crate::funcs::{FuncError, ParamType};
use crate::value::Value;

use ParamType::{Int, String as Str};

pub(super) fn register(r: &mut Registry) {
    r.add("trunc", &[Int, Str], None, |_, a| {
        Ok(bytes_value(trunc(int(&a[0]), s(&a[1]).as_bytes())))
    });
    r.add("substr", &[Int, Int, Str], None, |_, a| {
        substr(int(&a[0]), int(&a[1]), s(&a[2]).as_bytes()).map(bytes_value)
    });
    r.add("abbrev", &[Int, Str], None, |_, a| {
        let (w, x) = (int(&a[0]), s(&a[1]).as_bytes());
        if w < 4 {
            return Ok(a[1].clone());
        }
        Ok(bytes_value(&abbreviate(x, 0, w).unwrap_or_default()))
    });
    r.add("abbrevboth", &[Int, Int, Str], None, |_, a| {
        let (left, right) = (int(&a[0]), int(&a[1]));
        if right < 4 || left > 0 && right < 7 {
            return Ok(a[2].clone());
        }
        Ok(bytes_value(
            &abbreviate(s(&a[2]).as_bytes(), left, right).unwrap_or_default(),
        ))
    });
    r.add("wrap", &[Int, Str], None, |_, a| {
        Ok(bytes_value(&wrap(
            s(&a[1]).as_bytes(),
            int(&a[0]),
            b"\n",
            false,
        )))
    });
    r.add("wrapWith", &[Int, Str, Str], None, |_, a| {
        let sep = s(&a[1]).as_bytes();
        Ok(bytes_value(&wrap(
            s(&a[2]).as_bytes(),
            int(&a[0]),
            sep,
            true,
        )))
    });
    r.add("nospace", &[Str], None, |_, a| {
        Ok(delete_white_space(&a[0]))
    });
    r.add("initials", &[Str], None, |_, a| {
        Ok(Value::string(initials(s(&a[0]).as_bytes())))
    });
}

/// A Go string made of arbitrary bytes, as the nearest valid UTF-8 text.
fn bytes_value(b: &[u8]) -> Value {
    Value::string(String::from_utf8_lossy(b).into_owned())
}

/// Whether Go's `unicode.IsSpace` holds for the rune a single byte converts to.
fn byte_is_space(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b' ' | 0x85 | 0xa0)
}

fn trunc(c: i64, x: &[u8]) -> &[u8] {
    let len = x.len() as i64;
    if c < 0 && len + c > 0 {
        return &x[(len + c) as usize..];
    }
    if c >= 0 && len > c {
        return &x[..c as usize];
    }
    x
}

/// Sprig's `substring`: a negative start means `x[:end]`; a negative or too large end
/// means `x[start:]`. Bad bounds are Go's slice panics.
fn substr(start: i64, end: i64, x: &[u8]) -> Result<&[u8], FuncError> {
    let len = x.len() as i64;
    let oob =
        |msg: String| FuncError::new(format!("runtime error: slice bounds out of range {msg}"));
    if start < 0 {
        if end < 0 {
            return Err(oob(format!("[:{end}]")));
        }
        if end > len {
            return Err(oob(format!("[:{end}] with length {len}")));
        }
        return Ok(&x[..end as usize]);
    }
    if end < 0 || end > len {
        if start > len {
            return Err(oob(format!("[{start}:{len}]")));
        }
        return Ok(&x[start as usize..]);
    }
    if start > end {
        return Err(oob(format!("[{start}:{end}]")));
    }
    Ok(&x[start as usize..end as usize])
}

/// goutils' `AbbreviateFull`: `None` where it reports an illegal argument.
fn abbreviate(x: &[u8], offset: i64, max_width: i64) -> Option<Vec<u8>> {
    if x.is_empty() {
        return Some(Vec::new());
    }
    if max_width < 4 {
        return None;
    }
    let len = x.len() as i64;
    if len <= max_width {
        return Some(x.to_vec());
    }
    let mut offset = offset.min(len);
    if len - offset < max_width - 3 {
        offset = len - (max_width - 3);
    }
    let marker = b"...";
    if offset <= 4 {
        let mut out = x[..(max_width - 3) as usize].to_vec();
        out.extend_from_slice(marker);
        return Some(out);
    }
    if max_width < 7 {
        return None;
    }
    let mut out = marker.to_vec();
    if offset + max_width - 3 < len {
        out.extend(abbreviate(&x[offset as usize..], 0, max_width - 3)?);
    } else {
        out.extend_from_slice(&x[(len - (max_width - 3)) as usize..]);
    }
    Some(out)
}

/// goutils' `WrapCustom`: breaks at the last space within the width; long words stay
/// whole unless `wrap_long_words`.
fn wrap(x: &[u8], width: i64, newline: &[u8], wrap_long_words: bool) -> Vec<u8> {
    if x.is_empty() {
        return Vec::new();
    }
    let newline: &[u8] = if newline.is_empty() { b"\n" } else { newline };
    let width = width.max(1) as usize;
    let len = x.len();
    let mut offset = 0usize;
    let mut out = Vec::with_capacity(len + len / width.max(1) * newline.len());
    while len - offset > width {
        if x[offset] == b' ' {
            offset += 1;
            continue;
        }
        let end = width + offset + 1;
        if let Some(space) = x[offset..end].iter().rposition(|&b| b == b' ') {
            out.extend_from_slice(&x[offset..offset + space]);
            out.extend_from_slice(newline);
            offset += space + 1;
        } else if wrap_long_words {
            out.extend_from_slice(&x[offset..offset + width]);
            out.extend_from_slice(newline);
            offset += width;
        } else {
            let end = width + offset;
            match x[end..].iter().position(|&b| b == b' ') {
                None => {
                    out.extend_from_slice(&x[offset..]);
                    offset = len;
                }
                Some(i) => {
                    out.extend_from_slice(&x[offset..end + i]);
                    out.extend_from_slice(newline);
                    offset = end + i + 1;
                }
            }
        }
    }
    out.extend_from_slice(&x[offset..]);
    out
}

/// goutils' `DeleteWhiteSpace`: works on single bytes, and when it removes anything it
/// rebuilds the string byte by byte as runes (so non-ASCII text comes back re-encoded,
/// as in Go).
fn delete_white_space(v: &Value) -> Value {
    let x = s(v).as_bytes();
    if !x.iter().any(|&b| byte_is_space(b)) {
        return v.clone();
    }
    Value::string(
        x.iter()
            .filter(|&&b| !byte_is_space(b))
            .map(|&b| char::from(b))
            .collect(),
    )
}

/// goutils' `Initials`: the first byte after each whitespace byte, as a rune.
fn initials(x: &[u8]) -> String {
    let mut out = String::new();
    let mut last_was_gap = true;
    for &b in x {
        if byte_is_space(b) {
            last_was_gap = true;
        } else if last_was_gap {
            out.push(char::from(b));
            last_was_gap = false;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_slicing() {
        assert_eq!(trunc(-5, b"hello world"), b"world");
        assert_eq!(trunc(-50, b"abc"), b"abc");
        assert_eq!(substr(-3, 4, b"hello world").ok(), Some(&b"hell"[..]));
        assert_eq!(substr(6, -1, b"hello world").ok(), Some(&b"world"[..]));
        assert_eq!(
            substr(3, 2, b"hello").err().map(|e| e.0),
            Some("runtime error: slice bounds out of range [3:2]".into())
        );
        assert_eq!(
            substr(10, 12, b"hello").err().map(|e| e.0),
            Some("runtime error: slice bounds out of range [10:5]".into())
        );
    }

    #[test]
    fn abbreviations() {
        assert_eq!(
            abbreviate(b"hello world", 0, 5).as_deref(),
            Some(&b"he..."[..])
        );
        assert_eq!(
            abbreviate(b"1234 5678 9123", 5, 10).as_deref(),
            Some(&b"...5678..."[..])
        );
        assert_eq!(
            abbreviate(b"abcdefghij", 0, 6).as_deref(),
            Some(&b"abc..."[..])
        );
    }

    #[test]
    fn wrapping() {
        assert_eq!(
            wrap(b"hello world foo bar", 5, b"\n", false),
            b"hello\nworld\nfoo\nbar"
        );
        assert_eq!(wrap(b"abcdefg hi", 3, b"|", true), b"abc|def|g|hi");
        assert_eq!(
            wrap(b"line one\nline two", 5, b"\n", false),
            b"line\none\nline\ntwo"
        );
        assert_eq!(wrap(b"abcdefgh", 3, b"\n", false), b"abcdefgh");
    }

    #[test]
    fn whitespace_bytes() {
        assert_eq!(initials(b"  spaced   words "), "sw");
        assert_eq!(
            delete_white_space(&Value::str("a b\tc\nd e")).as_str(),
            Some("abcde")
        );
        assert_eq!(
            delete_white_space(&Value::str("é x")).as_str(),
            Some("\u{c3}\u{a9}x")
        );
    }
}
