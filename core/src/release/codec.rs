//! The record codec Helm's storage drivers use: JSON (as Go's encoding/json writes it),
//! gzip at best compression, standard base64. Decoding also accepts records that were
//! never gzipped, as Helm does.

use super::Release;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use flate2::Compression;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use std::io::{self, Read, Write};

/// Why a stored record could not be read back.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum DecodeError {
    #[error("illegal base64 data in release record: {0}")]
    Base64(String),
    #[error("corrupt gzip data in release record: {0}")]
    Gzip(String),
    #[error("release record decompresses to more than {limit} bytes")]
    TooLarge { limit: usize },
    #[error("invalid release record JSON: {0}")]
    Json(String),
}

/// The most a record may decompress to; a guard against gzip bombs far above any real
/// release (the stored form is itself capped at 1 MiB by the API server).
const MAX_DECODED: usize = 128 << 20;

const GZIP_MAGIC: [u8; 3] = [0x1f, 0x8b, 0x08];

/// The record's JSON exactly as Go's `json.Marshal` would write it: map keys sorted, `<`,
/// `>`, `&`, U+2028 and U+2029 escaped, floats in Go's notation.
pub fn to_json(release: &Release) -> Vec<u8> {
    let mut out = Vec::with_capacity(release.manifest.len() * 2 + 1024);
    let mut ser = serde_json::Serializer::with_formatter(&mut out, GoFormatter);
    // Every field is plain data (strings, numbers, JSON values), which cannot fail to
    // serialise into memory; fall back to an empty object rather than panic.
    if release.serialize(&mut ser).is_err() {
        out.clear();
        out.extend_from_slice(b"{}");
    }
    out
}

/// Encodes a release the way Helm stores it: JSON, gzip (best compression), base64.
pub fn encode(release: &Release) -> String {
    let json = to_json(release);
    let mut gz = GzEncoder::new(Vec::with_capacity(json.len() / 4 + 64), Compression::best());
    // Writing into a Vec cannot fail.
    let compressed = gz
        .write_all(&json)
        .and_then(|()| gz.finish())
        .unwrap_or_default();
    STANDARD.encode(compressed)
}

/// Decodes a stored record (base64, then gzip when the data starts with gzip's magic, then
/// JSON), accepting what Helm accepts.
pub fn decode(data: &str) -> Result<Release, DecodeError> {
    // Go's base64 decoder skips line breaks.
    let cleaned: Vec<u8> = data
        .bytes()
        .filter(|b| *b != b'\n' && *b != b'\r')
        .collect();
    let raw = STANDARD
        .decode(&cleaned)
        .map_err(|e| DecodeError::Base64(e.to_string()))?;
    let json = if raw.len() > 3 && raw[..3] == GZIP_MAGIC {
        let mut out = Vec::with_capacity(raw.len() * 4);
        let read = GzDecoder::new(raw.as_slice())
            .take(MAX_DECODED as u64 + 1)
            .read_to_end(&mut out)
            .map_err(|e| DecodeError::Gzip(e.to_string()))?;
        if read > MAX_DECODED {
            return Err(DecodeError::TooLarge { limit: MAX_DECODED });
        }
        out
    } else {
        raw
    };
    serde_json::from_slice(&json).map_err(|e| DecodeError::Json(e.to_string()))
}

/// Serialises a JSON object with its keys sorted at every level, as Go marshals maps.
pub(super) fn sorted_map<S: Serializer>(
    m: &serde_json::Map<String, serde_json::Value>,
    s: S,
) -> Result<S::Ok, S::Error> {
    SortedObject(m).serialize(s)
}

/// [`sorted_map`] for a map that may be nil.
pub(super) fn sorted_opt_map<S: Serializer>(
    m: &Option<serde_json::Map<String, serde_json::Value>>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match m {
        Some(m) => SortedObject(m).serialize(s),
        None => s.serialize_none(),
    }
}

struct SortedObject<'a>(&'a serde_json::Map<String, serde_json::Value>);
struct Sorted<'a>(&'a serde_json::Value);

impl Serialize for SortedObject<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut entries: Vec<_> = self.0.iter().collect();
        entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
        let mut map = s.serialize_map(Some(entries.len()))?;
        for (k, v) in entries {
            map.serialize_entry(k, &Sorted(v))?;
        }
        map.end()
    }
}

impl Serialize for Sorted<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            serde_json::Value::Object(m) => SortedObject(m).serialize(s),
            serde_json::Value::Array(items) => s.collect_seq(items.iter().map(Sorted)),
            other => other.serialize(s),
        }
    }
}

/// serde_json's compact output with Go's string escaping and float notation.
struct GoFormatter;

impl serde_json::ser::Formatter for GoFormatter {
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        w: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let mut start = 0;
        for (i, c) in fragment.char_indices() {
            let escape = match c {
                '<' => "\\u003c",
                '>' => "\\u003e",
                '&' => "\\u0026",
                '\u{2028}' => "\\u2028",
                '\u{2029}' => "\\u2029",
                _ => continue,
            };
            w.write_all(&fragment.as_bytes()[start..i])?;
            w.write_all(escape.as_bytes())?;
            start = i + c.len_utf8();
        }
        w.write_all(&fragment.as_bytes()[start..])
    }

    fn write_f64<W: ?Sized + Write>(&mut self, w: &mut W, value: f64) -> io::Result<()> {
        w.write_all(go_float(value).as_bytes())
    }
}

/// Go's encoding/json float64 notation: shortest digits, plain decimal between 1e-6 and
/// 1e21, otherwise an exponent with an explicit sign (`1e+21`, `1e-7`).
fn go_float(v: f64) -> String {
    let abs = v.abs();
    if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
        let s = format!("{v:e}");
        match s.split_once('e') {
            Some((mant, exp)) if !exp.starts_with('-') => format!("{mant}e+{exp}"),
            _ => s,
        }
    } else {
        format!("{v}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_in_go_notation() {
        assert_eq!(go_float(3.0), "3");
        assert_eq!(go_float(0.5), "0.5");
        assert_eq!(go_float(1e21), "1e+21");
        assert_eq!(go_float(1.5e-7), "1.5e-7");
        assert_eq!(go_float(-2e22), "-2e+22");
        assert_eq!(go_float(123456789.0), "123456789");
    }
}
