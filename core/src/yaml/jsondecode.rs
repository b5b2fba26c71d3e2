//! JSON decoding as Go's `encoding/json.Unmarshal` into `interface{}` does it: numbers are
//! float64, the last duplicate key wins, and errors read like Go's
//! (`invalid character 'x' looking for beginning of value`, `unexpected end of JSON input`).

use super::YamlError;
use super::load::MAX_DEPTH;
use crate::value::{Map, MapEntries, Value};

/// Parses one JSON text (surrounding whitespace allowed).
pub fn decode(text: &str) -> Result<Value, YamlError> {
    match decode_partial(text)? {
        (_, Some(e)) => Err(e),
        (v, None) => Ok(v),
    }
}

/// Like [`decode`], but a number too large for float64 only records an error and decodes
/// as nil, as encoding/json does: the caller gets the value and the first such error.
pub fn decode_partial(text: &str) -> Result<(Value, Option<YamlError>), YamlError> {
    let mut p = Parser {
        s: text.as_bytes(),
        text,
        i: 0,
        type_error: None,
    };
    p.ws();
    let v = p.value(0)?;
    p.ws();
    if p.i < p.s.len() {
        return Err(p.invalid("after top-level value"));
    }
    Ok((v, p.type_error))
}

/// The JSON kind Go names in `cannot unmarshal X into Go value of type T`.
pub(crate) fn kind_name(v: &Value) -> &'static str {
    match v {
        Value::Nil => "null",
        Value::Bool(_) => "bool",
        Value::String(_) => "string",
        Value::List(_) => "array",
        Value::Map(_) => "object",
        _ => "number",
    }
}

struct Parser<'a> {
    s: &'a [u8],
    text: &'a str,
    i: usize,
    type_error: Option<YamlError>,
}

fn error(message: String) -> YamlError {
    YamlError {
        message,
        line: None,
        column: None,
    }
}

/// Go's `quoteChar`.
fn quote_char(c: char) -> String {
    match c {
        '\'' => "'\\''".into(),
        '"' => "'\"'".into(),
        c => {
            let q = format!("{:?}", c.to_string());
            format!("'{}'", &q[1..q.len() - 1])
        }
    }
}

impl Parser<'_> {
    fn ws(&mut self) {
        while self.i < self.s.len() && matches!(self.s[self.i], b' ' | b'\t' | b'\n' | b'\r') {
            self.i += 1;
        }
    }

    fn current_char(&self) -> Option<char> {
        self.text.get(self.i..).and_then(|r| r.chars().next())
    }

    fn invalid(&self, context: &str) -> YamlError {
        match self.current_char() {
            None => error("unexpected end of JSON input".into()),
            Some(c) => error(format!("invalid character {} {context}", quote_char(c))),
        }
    }

    fn value(&mut self, depth: usize) -> Result<Value, YamlError> {
        if depth > MAX_DEPTH {
            return Err(error("exceeded max depth".into()));
        }
        match self.s.get(self.i) {
            None => Err(error("unexpected end of JSON input".into())),
            Some(b'{') => self.object(depth),
            Some(b'[') => self.array(depth),
            Some(b'"') => Ok(Value::string(self.string()?)),
            Some(b't') => self.literal("true", Value::Bool(true)),
            Some(b'f') => self.literal("false", Value::Bool(false)),
            Some(b'n') => self.literal("null", Value::Nil),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => Err(self.invalid("looking for beginning of value")),
        }
    }

    fn literal(&mut self, word: &str, v: Value) -> Result<Value, YamlError> {
        for (k, expected) in word.bytes().enumerate() {
            if k == 0 {
                self.i += 1;
                continue;
            }
            match self.s.get(self.i) {
                Some(&b) if b == expected => self.i += 1,
                _ => {
                    return Err(self.invalid(&format!(
                        "in literal {word} (expecting '{}')",
                        expected as char
                    )));
                }
            }
        }
        Ok(v)
    }

    fn digits(&mut self) -> usize {
        let start = self.i;
        while self.i < self.s.len() && self.s[self.i].is_ascii_digit() {
            self.i += 1;
        }
        self.i - start
    }

    fn number(&mut self) -> Result<Value, YamlError> {
        let start = self.i;
        if self.s[self.i] == b'-' {
            self.i += 1;
            if !self.s.get(self.i).is_some_and(u8::is_ascii_digit) {
                return Err(self.invalid("in numeric literal"));
            }
        }
        if self.s[self.i] == b'0' {
            self.i += 1;
        } else {
            self.digits();
        }
        if self.s.get(self.i) == Some(&b'.') {
            self.i += 1;
            if self.digits() == 0 {
                return Err(self.invalid("after decimal point in numeric literal"));
            }
        }
        if matches!(self.s.get(self.i), Some(b'e' | b'E')) {
            self.i += 1;
            if matches!(self.s.get(self.i), Some(b'+' | b'-')) {
                self.i += 1;
            }
            if self.digits() == 0 {
                return Err(self.invalid("in exponent of numeric literal"));
            }
        }
        let text = &self.text[start..self.i];
        match text.parse::<f64>() {
            Ok(f) if f.is_finite() => Ok(Value::Float(f)),
            _ => {
                if self.type_error.is_none() {
                    self.type_error = Some(error(format!(
                        "json: cannot unmarshal number {text} into Go value of type float64"
                    )));
                }
                Ok(Value::Nil)
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, YamlError> {
        let mut v = 0u32;
        for _ in 0..4 {
            let Some(d) = self.s.get(self.i).and_then(|&b| (b as char).to_digit(16)) else {
                return Err(self.invalid("in \\u hexadecimal character escape"));
            };
            v = v * 16 + d;
            self.i += 1;
        }
        Ok(v)
    }

    fn string(&mut self) -> Result<String, YamlError> {
        self.i += 1;
        let mut out = String::new();
        loop {
            let start = self.i;
            while self.i < self.s.len() && !matches!(self.s[self.i], b'"' | b'\\' | 0..=0x1f) {
                self.i += 1;
            }
            out.push_str(&self.text[start..self.i]);
            match self.s.get(self.i) {
                None => return Err(error("unexpected end of JSON input".into())),
                Some(b'"') => {
                    self.i += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.i += 1;
                    let Some(&e) = self.s.get(self.i) else {
                        return Err(error("unexpected end of JSON input".into()));
                    };
                    self.i += 1;
                    match e {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let hi = self.hex4()?;
                            out.push(self.surrogate(hi)?);
                        }
                        _ => {
                            self.i -= 1;
                            return Err(self.invalid("in string escape code"));
                        }
                    }
                }
                Some(_) => return Err(self.invalid("in string literal")),
            }
        }
    }

    /// Combines a surrogate pair; a lone surrogate becomes U+FFFD as in Go.
    fn surrogate(&mut self, hi: u32) -> Result<char, YamlError> {
        if (0xD800..0xDC00).contains(&hi)
            && self.s.get(self.i) == Some(&b'\\')
            && self.s.get(self.i + 1) == Some(&b'u')
        {
            let save = self.i;
            self.i += 2;
            let lo = self.hex4()?;
            if (0xDC00..0xE000).contains(&lo) {
                let c = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                return Ok(char::from_u32(c).unwrap_or('\u{FFFD}'));
            }
            self.i = save;
        }
        Ok(char::from_u32(hi).unwrap_or('\u{FFFD}'))
    }

    fn array(&mut self, depth: usize) -> Result<Value, YamlError> {
        self.i += 1;
        self.ws();
        let mut items = Vec::new();
        if self.s.get(self.i) == Some(&b']') {
            self.i += 1;
            return Ok(Value::list(items));
        }
        loop {
            self.ws();
            items.push(self.value(depth + 1)?);
            self.ws();
            match self.s.get(self.i) {
                Some(b',') => self.i += 1,
                Some(b']') => {
                    self.i += 1;
                    return Ok(Value::list(items));
                }
                _ => return Err(self.invalid("after array element")),
            }
        }
    }

    fn object(&mut self, depth: usize) -> Result<Value, YamlError> {
        self.i += 1;
        self.ws();
        let mut entries = MapEntries::new();
        if self.s.get(self.i) == Some(&b'}') {
            self.i += 1;
            return Ok(Value::Map(Map::from_entries(entries)));
        }
        loop {
            self.ws();
            if self.s.get(self.i) != Some(&b'"') {
                return Err(self.invalid("looking for beginning of object key string"));
            }
            let key = self.string()?;
            self.ws();
            if self.s.get(self.i) != Some(&b':') {
                return Err(self.invalid("after object key"));
            }
            self.i += 1;
            self.ws();
            let v = self.value(depth + 1)?;
            entries.insert(key, v);
            self.ws();
            match self.s.get(self.i) {
                Some(b',') => self.i += 1,
                Some(b'}') => {
                    self.i += 1;
                    return Ok(Value::Map(Map::from_entries(entries)));
                }
                _ => return Err(self.invalid("after object key:value pair")),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(text: &str) -> String {
        match decode(text) {
            Ok(v) => v.to_json().to_string(),
            Err(e) => e.message,
        }
    }

    #[test]
    fn values() {
        assert_eq!(
            show(r#" {"b": [1, 2.5, "x\u00e9"], "a": null, "a": true} "#),
            r#"{"a":true,"b":[1.0,2.5,"xé"]}"#
        );
        assert_eq!(show(r#""\ud83d\ude00""#), "\"😀\"");
    }

    #[test]
    fn go_errors() {
        assert_eq!(show("{"), "unexpected end of JSON input");
        assert_eq!(show(""), "unexpected end of JSON input");
        assert_eq!(
            show("x"),
            "invalid character 'x' looking for beginning of value"
        );
        assert_eq!(
            show("{a"),
            "invalid character 'a' looking for beginning of object key string"
        );
        assert_eq!(show("[1 2]"), "invalid character '2' after array element");
        assert_eq!(show("1 2"), "invalid character '2' after top-level value");
        assert_eq!(show("tru"), "unexpected end of JSON input");
        assert_eq!(
            show("\"a\nb\""),
            "invalid character '\\n' in string literal"
        );
        assert_eq!(show("01"), "invalid character '1' after top-level value");
    }
}
