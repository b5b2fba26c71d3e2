//! Decoding one JSON value from the front of a string, the way Go's `json.Decoder`
//! does for `--set-json`: the value ends where Go's scanner says it ends (a number
//! stops at the first character that cannot continue it), the rest is left for the
//! caller, and every number becomes a float64.

use crate::value::{Map, Value};

/// How deep arrays and objects may nest. Go's scanner allows 10000; we stop earlier so
/// the recursive decoder stays well inside a wasm32 stack.
const MAX_DEPTH: usize = 500;

/// Decodes the JSON value at the start of `input` (leading whitespace allowed) and
/// returns it with the number of characters consumed.
pub(crate) fn decode_prefix(input: &[char]) -> Result<(Value, usize), String> {
    let mut d = Decoder {
        s: input,
        pos: 0,
        depth: 0,
    };
    d.skip_ws();
    let v = d.value()?;
    Ok((v, d.pos))
}

/// Decodes a whole JSON document (Go's `json.Unmarshal`): one value, then only whitespace.
pub(crate) fn decode_document(text: &str) -> Result<Value, String> {
    let chars: Vec<char> = text.chars().collect();
    let (v, used) = decode_prefix(&chars)?;
    match chars[used..]
        .iter()
        .find(|c| !matches!(c, ' ' | '\t' | '\r' | '\n'))
    {
        None => Ok(v),
        Some(c) => Err(invalid(*c, "after top-level value")),
    }
}

struct Decoder<'a> {
    s: &'a [char],
    pos: usize,
    depth: usize,
}

/// Go's `quoteChar` for scanner errors.
fn quote_char(c: char) -> String {
    match c {
        '\'' => "'\\''".into(),
        '"' => "'\"'".into(),
        c if c.is_control() => {
            let q = format!("{:?}", c.to_string());
            format!("'{}'", &q[1..q.len() - 1])
        }
        c => format!("'{c}'"),
    }
}

fn invalid(c: char, context: &str) -> String {
    format!("invalid character {} {context}", quote_char(c))
}

const UNEXPECTED_EOF: &str = "unexpected EOF";

impl Decoder<'_> {
    fn peek(&self) -> Option<char> {
        self.s.get(self.pos).copied()
    }
    fn next(&mut self) -> Result<char, String> {
        let c = self.peek().ok_or_else(|| UNEXPECTED_EOF.to_string())?;
        self.pos += 1;
        Ok(c)
    }
    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(' ' | '\t' | '\r' | '\n')) {
            self.pos += 1;
        }
    }

    fn value(&mut self) -> Result<Value, String> {
        let c = self.peek().ok_or_else(|| UNEXPECTED_EOF.to_string())?;
        match c {
            '{' => self.object(),
            '[' => self.array(),
            '"' => {
                self.pos += 1;
                Ok(Value::string(self.string_body()?))
            }
            '-' | '0'..='9' => self.number(),
            't' => self.literal("true", Value::Bool(true)),
            'f' => self.literal("false", Value::Bool(false)),
            'n' => self.literal("null", Value::Nil),
            c => Err(invalid(c, "looking for beginning of value")),
        }
    }

    fn enter(&mut self) -> Result<(), String> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err("exceeded max depth".into());
        }
        Ok(())
    }

    fn object(&mut self) -> Result<Value, String> {
        self.enter()?;
        self.pos += 1;
        let map = Map::new();
        self.skip_ws();
        if self.peek() == Some('}') {
            self.pos += 1;
            self.depth -= 1;
            return Ok(Value::Map(map));
        }
        loop {
            self.skip_ws();
            match self.next()? {
                '"' => {}
                c => return Err(invalid(c, "looking for beginning of object key string")),
            }
            let key = self.string_body()?;
            self.skip_ws();
            match self.next()? {
                ':' => {}
                c => return Err(invalid(c, "after object key")),
            }
            self.skip_ws();
            let v = self.value()?;
            map.insert(key, v);
            self.skip_ws();
            match self.next()? {
                ',' => {}
                '}' => break,
                c => return Err(invalid(c, "after object key:value pair")),
            }
        }
        self.depth -= 1;
        Ok(Value::Map(map))
    }

    fn array(&mut self) -> Result<Value, String> {
        self.enter()?;
        self.pos += 1;
        let mut items = Vec::new();
        self.skip_ws();
        if self.peek() == Some(']') {
            self.pos += 1;
            self.depth -= 1;
            return Ok(Value::list(items));
        }
        loop {
            self.skip_ws();
            items.push(self.value()?);
            self.skip_ws();
            match self.next()? {
                ',' => {}
                ']' => break,
                c => return Err(invalid(c, "after array element")),
            }
        }
        self.depth -= 1;
        Ok(Value::list(items))
    }

    fn literal(&mut self, word: &str, v: Value) -> Result<Value, String> {
        for want in word.chars() {
            let c = self.next()?;
            if c != want {
                return Err(invalid(
                    c,
                    &format!("in literal {word} (expecting {})", quote_char(want)),
                ));
            }
        }
        Ok(v)
    }

    fn hex4(&mut self) -> Result<u32, String> {
        let mut n = 0u32;
        for _ in 0..4 {
            let c = self.next()?;
            let d = c
                .to_digit(16)
                .ok_or_else(|| invalid(c, "in \\u hexadecimal character escape"))?;
            n = n * 16 + d;
        }
        Ok(n)
    }

    /// The rest of a string after its opening quote.
    fn string_body(&mut self) -> Result<String, String> {
        let mut out = String::new();
        loop {
            match self.next()? {
                '"' => return Ok(out),
                '\\' => match self.next()? {
                    '"' => out.push('"'),
                    '\\' => out.push('\\'),
                    '/' => out.push('/'),
                    'b' => out.push('\u{8}'),
                    'f' => out.push('\u{c}'),
                    'n' => out.push('\n'),
                    'r' => out.push('\r'),
                    't' => out.push('\t'),
                    'u' => {
                        let hi = self.hex4()?;
                        out.push(self.surrogate(hi)?);
                    }
                    c => return Err(invalid(c, "in string escape code")),
                },
                c if (c as u32) < 0x20 => return Err(invalid(c, "in string literal")),
                c => out.push(c),
            }
        }
    }

    /// Completes a `\uXXXX` escape: a high surrogate followed by `\uDC00`-`\uDFFF` makes
    /// one character, any other surrogate becomes U+FFFD (as Go decodes it).
    fn surrogate(&mut self, hi: u32) -> Result<char, String> {
        if !(0xD800..0xDC00).contains(&hi) {
            return Ok(char::from_u32(hi).unwrap_or('\u{FFFD}'));
        }
        if self.peek() == Some('\\') && self.s.get(self.pos + 1) == Some(&'u') {
            let save = self.pos;
            self.pos += 2;
            let lo = self.hex4()?;
            if (0xDC00..0xE000).contains(&lo) {
                let c = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                return Ok(char::from_u32(c).unwrap_or('\u{FFFD}'));
            }
            self.pos = save;
        }
        Ok('\u{FFFD}')
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while matches!(self.peek(), Some('0'..='9')) {
            self.pos += 1;
        }
        self.pos - start
    }

    fn need_digit(&mut self) -> Result<(), String> {
        match self.peek() {
            Some('0'..='9') => Ok(()),
            Some(c) => Err(invalid(c, "in numeric literal")),
            None => Err(UNEXPECTED_EOF.into()),
        }
    }

    fn number(&mut self) -> Result<Value, String> {
        let start = self.pos;
        if self.peek() == Some('-') {
            self.pos += 1;
            self.need_digit()?;
        }
        if self.peek() == Some('0') {
            self.pos += 1;
        } else {
            self.digits();
        }
        if self.peek() == Some('.') {
            self.pos += 1;
            self.need_digit()?;
            self.digits();
        }
        if matches!(self.peek(), Some('e' | 'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some('+' | '-')) {
                self.pos += 1;
            }
            self.need_digit()?;
            self.digits();
        }
        let text: String = self.s[start..self.pos].iter().collect();
        match text.parse::<f64>() {
            Ok(f) if f.is_finite() => Ok(Value::Float(f)),
            _ => Err(format!(
                "json: cannot unmarshal number {text} into Go value of type float64"
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(s: &str) -> Result<(serde_json::Value, usize), String> {
        let chars: Vec<char> = s.chars().collect();
        decode_prefix(&chars).map(|(v, n)| (v.to_json(), n))
    }

    #[test]
    fn stops_where_go_stops() {
        assert_eq!(dec("1x").unwrap().1, 1);
        assert_eq!(dec("01").unwrap().1, 1);
        assert_eq!(dec("1.5.3").unwrap().1, 3);
        assert_eq!(dec("{\"a\":[1, 2]}rest").unwrap().1, 12);
        assert_eq!(dec("truex").unwrap().1, 4);
    }

    #[test]
    fn errors_like_go() {
        assert_eq!(
            dec("not").unwrap_err(),
            "invalid character 'o' in literal null (expecting 'u')"
        );
        assert_eq!(
            dec("{bad}").unwrap_err(),
            "invalid character 'b' looking for beginning of object key string"
        );
        assert_eq!(dec("[1,2").unwrap_err(), "unexpected EOF");
        assert!(dec("1e400").is_err());
        assert!(dec("-").is_err());
        let deep = format!("{}{}", "[".repeat(5000), "]".repeat(5000));
        assert!(dec(&deep).is_err());
    }

    #[test]
    fn strings_and_surrogates() {
        assert_eq!(dec("\"\\u00e9\"").unwrap().0, serde_json::json!("é"));
        assert_eq!(
            dec("\"\\ud83d\\ude00\"").unwrap().0,
            serde_json::json!("😀")
        );
        assert_eq!(dec("\"\\ud83d\"").unwrap().0, serde_json::json!("\u{FFFD}"));
    }
}
