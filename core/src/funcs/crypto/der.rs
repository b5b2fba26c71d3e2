//! A minimal DER writer and PEM codec: enough for the certificates Sprig builds, laid
//! out the way Go's `encoding/asn1` and `crypto/x509` marshal them.

use crate::funcs::encoding::{base64_std_decode, base64_std_encode};

pub const SEQUENCE: u8 = 0x30;
pub const SET: u8 = 0x31;
pub const INTEGER: u8 = 0x02;
pub const BIT_STRING: u8 = 0x03;
pub const OCTET_STRING: u8 = 0x04;
pub const NULL: u8 = 0x05;
pub const OID: u8 = 0x06;
pub const BOOLEAN: u8 = 0x01;
pub const UTF8_STRING: u8 = 0x0c;
pub const PRINTABLE_STRING: u8 = 0x13;
pub const UTC_TIME: u8 = 0x17;
pub const GENERALIZED_TIME: u8 = 0x18;

/// One TLV with the given tag and contents.
pub fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(content.len() + 6);
    out.push(tag);
    let len = content.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|&&b| b == 0).count();
        out.push(0x80 | (bytes.len() - skip) as u8);
        out.extend_from_slice(&bytes[skip..]);
    }
    out.extend_from_slice(content);
    out
}

/// A constructed value from already-encoded parts.
pub fn constructed(tag: u8, parts: &[&[u8]]) -> Vec<u8> {
    tlv(tag, &parts.concat())
}

/// A non-negative INTEGER from big-endian magnitude bytes (minimal encoding).
pub fn unsigned_integer(magnitude: &[u8]) -> Vec<u8> {
    let skip = magnitude.iter().take_while(|&&b| b == 0).count();
    let m = &magnitude[skip..];
    let mut content = Vec::with_capacity(m.len() + 1);
    if m.first().is_none_or(|&b| b & 0x80 != 0) {
        content.push(0);
    }
    content.extend_from_slice(m);
    tlv(INTEGER, &content)
}

/// An OBJECT IDENTIFIER from its arcs.
pub fn oid(arcs: &[u64]) -> Vec<u8> {
    let mut content = Vec::new();
    let first = arcs.first().copied().unwrap_or(0) * 40 + arcs.get(1).copied().unwrap_or(0);
    for arc in std::iter::once(first).chain(arcs.iter().skip(2).copied()) {
        let mut groups = vec![(arc & 0x7f) as u8];
        let mut rest = arc >> 7;
        while rest > 0 {
            groups.push(0x80 | (rest & 0x7f) as u8);
            rest >>= 7;
        }
        content.extend(groups.iter().rev());
    }
    tlv(OID, &content)
}

/// A BIT STRING with no unused bits.
pub fn bit_string(bytes: &[u8]) -> Vec<u8> {
    let mut content = Vec::with_capacity(bytes.len() + 1);
    content.push(0);
    content.extend_from_slice(bytes);
    tlv(BIT_STRING, &content)
}

/// Go's `asn1` choice for a Go string: PrintableString when every character allows it
/// (Go also admits `*` for wildcard names), else UTF8String.
pub fn go_string(s: &str) -> Vec<u8> {
    let printable = s
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b" '()+,-./:=?*".contains(&b));
    tlv(
        if printable {
            PRINTABLE_STRING
        } else {
            UTF8_STRING
        },
        s.as_bytes(),
    )
}

/// Go's `pem.EncodeToMemory` of a block without headers.
pub fn pem_encode(kind: &str, der: &[u8]) -> String {
    let b64 = base64_std_encode(der);
    let mut out = format!("-----BEGIN {kind}-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(chunk).unwrap_or_default());
        out.push('\n');
    }
    out.push_str(&format!("-----END {kind}-----\n"));
    out
}

/// The first PEM block in `text` (Go's `pem.Decode`, without header values): its type
/// and decoded bytes.
pub fn pem_decode(text: &str) -> Option<(String, Vec<u8>)> {
    let mut rest = text;
    loop {
        let start = rest.find("-----BEGIN ")?;
        // A BEGIN line must start a line.
        if start > 0 && !rest[..start].ends_with('\n') {
            rest = &rest[start + 11..];
            continue;
        }
        let after = &rest[start + 11..];
        let type_end = after.find("-----")?;
        let kind = &after[..type_end];
        let line_end = after[type_end + 5..]
            .find('\n')
            .map_or(after.len(), |i| type_end + 5 + i);
        if !after[type_end + 5..line_end]
            .trim_end_matches('\r')
            .trim()
            .is_empty()
        {
            rest = after;
            continue;
        }
        let body_start = (line_end + 1).min(after.len());
        let end_marker = format!("-----END {kind}-----");
        let Some(end) = after[body_start..].find(&end_marker) else {
            rest = after;
            continue;
        };
        let body = &after[body_start..body_start + end];
        let base64: String = body
            .lines()
            .filter(|l| !l.contains(':'))
            .flat_map(|l| l.chars())
            .filter(|c| !c.is_ascii_whitespace())
            .collect();
        match base64_std_decode(&base64) {
            Ok(bytes) => return Some((kind.to_string(), bytes)),
            Err(_) => rest = after,
        }
    }
}

/// A DER reader over one level of TLVs.
pub struct Reader<'a> {
    data: &'a [u8],
}

impl<'a> Reader<'a> {
    pub fn new(data: &'a [u8]) -> Self {
        Reader { data }
    }

    /// The next TLV: (tag, contents, whole encoding).
    pub fn next(&mut self) -> Option<(u8, &'a [u8], &'a [u8])> {
        let d = self.data;
        let tag = *d.first()?;
        let first = *d.get(1)?;
        let (len, header) = if first < 0x80 {
            (usize::from(first), 2)
        } else {
            let n = usize::from(first & 0x7f);
            if n == 0 || n > 4 {
                return None;
            }
            let mut len = 0usize;
            for &b in d.get(2..2 + n)? {
                len = (len << 8) | usize::from(b);
            }
            (len, 2 + n)
        };
        let end = header.checked_add(len)?;
        let whole = d.get(..end)?;
        self.data = &d[end..];
        Some((tag, &whole[header..], whole))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_like_go() {
        assert_eq!(oid(&[2, 5, 4, 3]), vec![0x06, 0x03, 0x55, 0x04, 0x03]);
        assert_eq!(
            oid(&[1, 2, 840, 113549, 1, 1, 11])[..4],
            [0x06, 0x09, 0x2a, 0x86]
        );
        assert_eq!(unsigned_integer(&[0x80]), vec![0x02, 0x02, 0x00, 0x80]);
        assert_eq!(unsigned_integer(&[0, 0, 5]), vec![0x02, 0x01, 0x05]);
        assert_eq!(unsigned_integer(&[]), vec![0x02, 0x01, 0x00]);
        assert_eq!(tlv(OCTET_STRING, &[0; 200])[..3], [0x04, 0x81, 200]);
        assert_eq!(go_string("a&b")[0], UTF8_STRING);
        assert_eq!(go_string("*.foo.com")[0], PRINTABLE_STRING);
    }

    #[test]
    fn pem_round_trip() {
        let pem = pem_encode("TEST", &[1, 2, 3]);
        assert_eq!(pem, "-----BEGIN TEST-----\nAQID\n-----END TEST-----\n");
        assert_eq!(pem_decode(&pem), Some(("TEST".into(), vec![1, 2, 3])));
        assert_eq!(pem_decode("garbage"), None);
    }
}
