//! Reading TOML for `fromToml` into the values BurntSushi/toml gives `map[string]interface{}`:
//! integers are int64, floats float64, arrays `[]interface{}`, tables maps. Datetimes
//! become `time.Time` values. Errors read `toml: line N (last key "k"): …`.

use std::rc::Rc;

use super::YamlError;
use super::load::MAX_DEPTH;
use crate::funcs::dates::{GoTime, Location, TimeObject};
use crate::value::{Map, Value};

struct Parser<'a> {
    s: &'a [u8],
    text: &'a str,
    i: usize,
    line: usize,
    last_key: String,
    /// The table (or inline table) keys are defined in, as BurntSushi names it in errors.
    key_prefix: String,
}

/// Parses a TOML document.
pub fn decode(text: &str) -> Result<Map, YamlError> {
    let mut p = Parser {
        s: text.as_bytes(),
        text,
        i: 0,
        line: 1,
        last_key: String::new(),
        key_prefix: String::new(),
    };
    let root = Map::new();
    let mut current = root.clone();
    loop {
        p.skip_ws_comments_newlines();
        let Some(&c) = p.s.get(p.i) else { break };
        if c == b'[' {
            let array = p.s.get(p.i + 1) == Some(&b'[');
            p.i += if array { 2 } else { 1 };
            p.ws();
            let path = p.key_path()?;
            p.ws();
            let close = if array { "]]" } else { "]" };
            if !p.text[p.i..].starts_with(close) {
                let got = quote_rune(p.text[p.i..].chars().next().unwrap_or('\0'));
                return Err(p.err(&format!(
                    "expected '.' or ']' to end table name, but got {got} instead"
                )));
            }
            p.i += close.len();
            p.last_key.clear();
            current = p.open_table(&root, &path, array)?;
            p.key_prefix = path.join(".");
        } else {
            p.key_value(&current, 0)?;
            p.last_key.clear();
        }
        p.ws();
        p.comment();
        match p.s.get(p.i) {
            None => break,
            Some(b'\n') => {}
            Some(b'\r') if p.s.get(p.i + 1) == Some(&b'\n') => {}
            Some(_) => {
                let c = quote_rune(p.text[p.i..].chars().next().unwrap_or(' '));
                return Err(p.err(&format!(
                    "expected a top-level item to end with a newline, comment, or EOF, but got {c} instead"
                )));
            }
        }
    }
    Ok(root)
}

impl Parser<'_> {
    fn err(&self, msg: &str) -> YamlError {
        let message = if self.last_key.is_empty() {
            format!("toml: line {}: {msg}", self.line)
        } else {
            format!(
                "toml: line {} (last key {:?}): {msg}",
                self.line, self.last_key
            )
        };
        YamlError {
            message,
            line: Some(self.line),
            column: None,
        }
    }

    fn ws(&mut self) {
        while matches!(self.s.get(self.i), Some(b' ' | b'\t')) {
            self.i += 1;
        }
    }

    fn comment(&mut self) {
        if self.s.get(self.i) == Some(&b'#') {
            while self.i < self.s.len() && self.s[self.i] != b'\n' {
                self.i += 1;
            }
        }
    }

    fn skip_ws_comments_newlines(&mut self) {
        loop {
            self.ws();
            self.comment();
            match self.s.get(self.i) {
                Some(b'\n') => {
                    self.line += 1;
                    self.i += 1;
                }
                Some(b'\r') => self.i += 1,
                _ => break,
            }
        }
    }

    fn key_part(&mut self) -> Result<String, YamlError> {
        match self.s.get(self.i) {
            Some(b'"') => self.basic_string(),
            Some(b'\'') => self.literal_string(),
            _ => {
                let start = self.i;
                while self
                    .s
                    .get(self.i)
                    .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'-')
                {
                    self.i += 1;
                }
                if start == self.i {
                    return Err(match self.s.get(self.i) {
                        None => self.err("unexpected EOF; expected key"),
                        Some(b'=') => self.err("unexpected '=': key name appears blank"),
                        Some(_) => self.err(&format!(
                            "bare keys cannot contain {:?}",
                            self.text[self.i..].chars().next().unwrap_or(' ')
                        )),
                    });
                }
                Ok(self.text[start..self.i].to_string())
            }
        }
    }

    fn key_path(&mut self) -> Result<Vec<String>, YamlError> {
        let mut path = vec![self.key_part()?];
        loop {
            self.ws();
            if self.s.get(self.i) != Some(&b'.') {
                return Ok(path);
            }
            self.i += 1;
            self.ws();
            path.push(self.key_part()?);
        }
    }

    /// Finds or creates the table at `path` (for `[[path]]`, appends a new table).
    fn open_table(&self, root: &Map, path: &[String], array: bool) -> Result<Map, YamlError> {
        let mut m = root.clone();
        for (n, k) in path.iter().enumerate() {
            let last = n + 1 == path.len();
            let existing = m.get(k);
            let next = match existing {
                None if last && array => {
                    let t = Map::new();
                    m.insert(k.clone(), Value::list(vec![Value::Map(t.clone())]));
                    t
                }
                None => {
                    let t = Map::new();
                    m.insert(k.clone(), Value::Map(t.clone()));
                    t
                }
                Some(Value::Map(_)) if last => {
                    return Err(self.err(&format!(
                        "Key '{}' has already been defined.",
                        path.join(".")
                    )));
                }
                Some(Value::Map(t)) => t,
                Some(Value::List(l)) => {
                    let mut items = l.items.clone();
                    if last && array {
                        let t = Map::new();
                        items.push(Value::Map(t.clone()));
                        m.insert(k.clone(), Value::list(items));
                        t
                    } else {
                        match items.last() {
                            Some(Value::Map(t)) => t.clone(),
                            _ => return Err(self.err(&format!("key {k:?} is not a table"))),
                        }
                    }
                }
                Some(_) => {
                    return Err(self.err(&format!(
                        "Key '{}' has already been defined.",
                        path.join(".")
                    )));
                }
            };
            m = next;
        }
        Ok(m)
    }

    fn key_value(&mut self, table: &Map, depth: usize) -> Result<(), YamlError> {
        let path = self.key_path()?;
        self.last_key = if self.key_prefix.is_empty() {
            path.join(".")
        } else {
            format!("{}.{}", self.key_prefix, path.join("."))
        };
        self.ws();
        if self.s.get(self.i) != Some(&b'=') {
            return Err(match self.s.get(self.i) {
                None | Some(b'\n') => self.err("unexpected EOF; expected \"=\""),
                Some(_) => self.err("expected \"=\""),
            });
        }
        self.i += 1;
        self.ws();
        let v = self.value(depth)?;
        let mut m = table.clone();
        for k in &path[..path.len() - 1] {
            m = match m.get(k) {
                Some(Value::Map(t)) => t,
                None => {
                    let t = Map::new();
                    m.insert(k.clone(), Value::Map(t.clone()));
                    t
                }
                Some(_) => return Err(self.err(&format!("key {k:?} is not a table"))),
            };
        }
        let last = &path[path.len() - 1];
        if m.contains_key(last) {
            return Err(self.err(&format!(
                "Key '{}' has already been defined.",
                path.join(".")
            )));
        }
        m.insert(last.clone(), v);
        Ok(())
    }

    fn value(&mut self, depth: usize) -> Result<Value, YamlError> {
        if depth > MAX_DEPTH {
            return Err(self.err("exceeded max depth"));
        }
        match self.s.get(self.i) {
            None | Some(b'\n') | Some(b'\r') => Err(self.err("unexpected EOF; expected value")),
            Some(b'"') => {
                if self.text[self.i..].starts_with("\"\"\"") {
                    self.multiline_basic().map(Value::string)
                } else {
                    self.basic_string().map(Value::string)
                }
            }
            Some(b'\'') => {
                if self.text[self.i..].starts_with("'''") {
                    self.multiline_literal().map(Value::string)
                } else {
                    self.literal_string().map(Value::string)
                }
            }
            Some(b'[') => self.array(depth),
            Some(b'{') => self.inline_table(depth),
            _ => self.bare_value(),
        }
    }

    fn basic_string(&mut self) -> Result<String, YamlError> {
        self.i += 1;
        let mut out = String::new();
        loop {
            match self.s.get(self.i) {
                None | Some(b'\n') => return Err(self.err("unexpected EOF; expected '\"'")),
                Some(b'"') => {
                    self.i += 1;
                    return Ok(out);
                }
                Some(b'\\') => self.escape(&mut out)?,
                Some(_) => self.push_char(&mut out),
            }
        }
    }

    fn push_char(&mut self, out: &mut String) {
        if let Some(c) = self.text[self.i..].chars().next() {
            out.push(c);
            self.i += c.len_utf8();
        }
    }

    fn escape(&mut self, out: &mut String) -> Result<(), YamlError> {
        self.i += 1;
        let Some(&e) = self.s.get(self.i) else {
            return Err(self.err("unexpected EOF"));
        };
        self.i += 1;
        let c = match e {
            b'b' => '\u{8}',
            b't' => '\t',
            b'n' => '\n',
            b'f' => '\u{c}',
            b'r' => '\r',
            b'e' => '\u{1b}',
            b'"' => '"',
            b'\\' => '\\',
            b'u' | b'U' => {
                let n = if e == b'u' { 4 } else { 8 };
                let hex = self.text.get(self.i..self.i + n).unwrap_or("");
                let code = u32::from_str_radix(hex, 16).ok().and_then(char::from_u32);
                match code {
                    Some(c) if hex.len() == n => {
                        self.i += n;
                        c
                    }
                    _ => return Err(self.err("invalid escape in string")),
                }
            }
            _ => return Err(self.err(&format!("invalid escape character {:?}", e as char))),
        };
        out.push(c);
        Ok(())
    }

    fn multiline_basic(&mut self) -> Result<String, YamlError> {
        self.i += 3;
        self.skip_first_newline();
        let mut out = String::new();
        loop {
            if self.text[self.i..].starts_with("\"\"\"") {
                self.i += 3;
                while self.s.get(self.i) == Some(&b'"') {
                    out.push('"');
                    self.i += 1;
                }
                return Ok(out);
            }
            match self.s.get(self.i) {
                None => return Err(self.err("unexpected EOF; expected '\"\"\"'")),
                Some(b'\\') => {
                    let rest = &self.text[self.i + 1..];
                    let trimmed = rest.trim_start_matches([' ', '\t']);
                    if trimmed.starts_with('\n') || trimmed.starts_with("\r\n") {
                        self.i = self.s.len() - trimmed.len();
                        while matches!(self.s.get(self.i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
                            if self.s[self.i] == b'\n' {
                                self.line += 1;
                            }
                            self.i += 1;
                        }
                    } else {
                        self.escape(&mut out)?;
                    }
                }
                Some(b'\n') => {
                    self.line += 1;
                    self.push_char(&mut out);
                }
                Some(_) => self.push_char(&mut out),
            }
        }
    }

    fn skip_first_newline(&mut self) {
        if self.s.get(self.i) == Some(&b'\n') {
            self.i += 1;
            self.line += 1;
        } else if self.text[self.i..].starts_with("\r\n") {
            self.i += 2;
            self.line += 1;
        }
    }

    fn literal_string(&mut self) -> Result<String, YamlError> {
        self.i += 1;
        let start = self.i;
        while let Some(&b) = self.s.get(self.i) {
            if b == b'\'' {
                let s = self.text[start..self.i].to_string();
                self.i += 1;
                return Ok(s);
            }
            if b == b'\n' {
                break;
            }
            self.i += 1;
        }
        Err(self.err("unexpected EOF; expected \"'\""))
    }

    fn multiline_literal(&mut self) -> Result<String, YamlError> {
        self.i += 3;
        self.skip_first_newline();
        let start = self.i;
        match self.text[start..].find("'''") {
            Some(end) => {
                let mut stop = start + end + 3;
                while self.s.get(stop) == Some(&b'\'') {
                    stop += 1;
                }
                let s = self.text[start..stop - 3].to_string();
                self.line += s.matches('\n').count();
                self.i = stop;
                Ok(s)
            }
            None => Err(self.err("unexpected EOF; expected \"'''\"")),
        }
    }

    fn skip_array_ws(&mut self) {
        loop {
            self.ws();
            self.comment();
            match self.s.get(self.i) {
                Some(b'\n') => {
                    self.line += 1;
                    self.i += 1;
                }
                Some(b'\r') => self.i += 1,
                _ => return,
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<Value, YamlError> {
        self.i += 1;
        let mut items = Vec::new();
        loop {
            self.skip_array_ws();
            if self.s.get(self.i) == Some(&b']') {
                self.i += 1;
                return Ok(Value::list(items));
            }
            items.push(self.value(depth + 1)?);
            self.skip_array_ws();
            match self.s.get(self.i) {
                Some(b',') => self.i += 1,
                Some(b']') => {
                    self.i += 1;
                    return Ok(Value::list(items));
                }
                None => return Err(self.err("unexpected EOF; expected ']'")),
                Some(_) => {
                    let got = quote_rune(self.text[self.i..].chars().next().unwrap_or(' '));
                    return Err(self.err(&format!(
                        "expected a comma (',') or array terminator (']'), but got {got}"
                    )));
                }
            }
        }
    }

    fn inline_table(&mut self, depth: usize) -> Result<Value, YamlError> {
        self.i += 1;
        let table = Map::new();
        self.ws();
        if self.s.get(self.i) == Some(&b'}') {
            self.i += 1;
            return Ok(Value::Map(table));
        }
        let outer = std::mem::replace(&mut self.key_prefix, self.last_key.clone());
        let r = self.inline_entries(&table, depth);
        self.key_prefix = outer;
        r.map(|()| Value::Map(table))
    }

    fn inline_entries(&mut self, table: &Map, depth: usize) -> Result<(), YamlError> {
        loop {
            self.ws();
            self.key_value(table, depth + 1)?;
            self.ws();
            match self.s.get(self.i) {
                Some(b',') => self.i += 1,
                Some(b'}') => {
                    self.i += 1;
                    return Ok(());
                }
                None => {
                    return Err(self.err(
                        "expected a comma or an inline table terminator '}', but got end of file instead",
                    ));
                }
                Some(_) => {
                    let got = quote_rune(self.text[self.i..].chars().next().unwrap_or(' '));
                    return Err(self.err(&format!(
                        "expected a comma or an inline table terminator '}}', but got {got} instead"
                    )));
                }
            }
        }
    }

    fn bare_value(&mut self) -> Result<Value, YamlError> {
        let start = self.i;
        while let Some(&b) = self.s.get(self.i) {
            if matches!(b, b',' | b']' | b'}' | b'\n' | b'\r' | b'#') {
                break;
            }
            // A space ends the value unless it separates a date from a time.
            if b == b' ' {
                let next_is_time = self.s.get(self.i + 1).is_some_and(u8::is_ascii_digit)
                    && self.i - start == 10
                    && self.s[start + 4] == b'-';
                if !next_is_time {
                    break;
                }
            }
            self.i += 1;
        }
        let raw = &self.text[start..self.i];
        match raw {
            "true" => return Ok(Value::Bool(true)),
            "false" => return Ok(Value::Bool(false)),
            "inf" | "+inf" => return Ok(Value::Float(f64::INFINITY)),
            "-inf" => return Ok(Value::Float(f64::NEG_INFINITY)),
            "nan" | "+nan" | "-nan" => return Ok(Value::Float(f64::NAN)),
            _ => {}
        }
        match integer(raw) {
            Some(Ok(v)) => return Ok(Value::Int64(v)),
            Some(Err(msg)) => return Err(self.err(&msg)),
            None => {}
        }
        if let Some(f) = float(raw) {
            return Ok(Value::Float(f));
        }
        if let Some(t) = datetime(raw) {
            return Ok(t);
        }
        if raw.is_empty() {
            return Err(self.err("unexpected EOF; expected value"));
        }
        Err(self.err(&format!("expected value but found {raw:?} instead")))
    }
}

fn underscores_ok(digits: &str, radix: u32) -> bool {
    !digits.is_empty()
        && !digits.starts_with('_')
        && !digits.ends_with('_')
        && !digits.contains("__")
        && digits.chars().all(|c| c == '_' || c.is_digit(radix))
}

/// An integer: `None` when `raw` is not integer-shaped, `Some(Err)` with BurntSushi's
/// message when it is but is invalid.
fn integer(raw: &str) -> Option<Result<i64, String>> {
    for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] {
        if let Some(d) = raw.strip_prefix(prefix) {
            if !underscores_ok(d, radix) {
                return None;
            }
            return Some(
                i64::from_str_radix(&d.replace('_', ""), radix)
                    .map_err(|_| format!("{raw} is out of range for int64")),
            );
        }
    }
    let body = raw.strip_prefix(['+', '-']).unwrap_or(raw);
    if body.is_empty() || !body.chars().all(|c| c == '_' || c.is_ascii_digit()) {
        return None;
    }
    if !underscores_ok(body, 10) {
        return Some(Err(format!(
            "Invalid integer {raw:?}: underscores must be surrounded by digits"
        )));
    }
    if body.len() > 1 && body.starts_with('0') {
        return Some(Err(format!(
            "Invalid integer {raw:?}: cannot have leading zeroes"
        )));
    }
    Some(
        raw.replace('_', "")
            .parse()
            .map_err(|_| format!("{raw} is out of range for int64")),
    )
}

/// Go's `%q` of a rune.
fn quote_rune(c: char) -> String {
    match c {
        '\'' => "'\\''".into(),
        '\0' => "'\\x00'".into(),
        c => {
            let q = format!("{:?}", c.to_string());
            format!("'{}'", &q[1..q.len() - 1])
        }
    }
}

fn float(raw: &str) -> Option<f64> {
    let body = raw.strip_prefix(['+', '-']).unwrap_or(raw);
    let (mantissa, exp) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    let (int, frac) = match mantissa.split_once('.') {
        Some((a, b)) => (a, Some(b)),
        None => (mantissa, None),
    };
    if frac.is_none() && exp.is_none() {
        return None;
    }
    if !underscores_ok(int, 10) || (int.len() > 1 && int.starts_with('0')) {
        return None;
    }
    if let Some(f) = frac
        && !underscores_ok(f, 10)
    {
        return None;
    }
    if let Some(e) = exp
        && !underscores_ok(e.strip_prefix(['+', '-']).unwrap_or(e), 10)
    {
        return None;
    }
    raw.replace('_', "").parse().ok()
}

/// A TOML datetime, local date or local time as the `time.Time` BurntSushi returns (local
/// values carry the zone names `datetime-local`, `date-local`, `time-local`).
fn datetime(raw: &str) -> Option<Value> {
    let b = raw.as_bytes();
    let digits = |t: &[u8]| t.iter().all(u8::is_ascii_digit);
    let is_time = |t: &[u8]| {
        t.len() >= 8
            && digits(&t[0..2])
            && t[2] == b':'
            && digits(&t[3..5])
            && t[5] == b':'
            && digits(&t[6..8])
    };
    let num = |s: &str| s.parse::<i64>().ok();
    let local = |name: &str| Location::Fixed {
        name: Rc::from(name),
        offset: 0,
    };
    if is_time(b) {
        let (h, mi, sec, nsec, zone) = split_time(raw)?;
        if !zone.is_empty() {
            return None;
        }
        return Some(TimeObject::value(GoTime::date(
            0,
            1,
            1,
            h,
            mi,
            sec,
            nsec,
            local("time-local"),
        )));
    }
    let date_ok = b.len() >= 10
        && digits(&b[..4])
        && b[4] == b'-'
        && digits(&b[5..7])
        && b[7] == b'-'
        && digits(&b[8..10]);
    if !date_ok {
        return None;
    }
    let (y, m, d) = (num(&raw[..4])?, num(&raw[5..7])?, num(&raw[8..10])?);
    if b.len() == 10 {
        return Some(TimeObject::value(GoTime::date(
            y,
            m,
            d,
            0,
            0,
            0,
            0,
            local("date-local"),
        )));
    }
    if !matches!(b[10], b'T' | b't' | b' ') || !is_time(&b[11..]) {
        return None;
    }
    let (h, mi, sec, nsec, zone) = split_time(&raw[11..])?;
    let loc = match zone {
        "" => local("datetime-local"),
        "Z" | "z" => Location::Utc,
        z if z.len() == 6 && matches!(z.as_bytes()[0], b'+' | b'-') && z.as_bytes()[3] == b':' => {
            let hours = num(&z[1..3])?;
            let minutes = num(&z[4..6])?;
            let sign = if z.starts_with('-') { -1 } else { 1 };
            Location::Fixed {
                name: Rc::from(format!("{}{}", &z[..3], &z[4..])),
                offset: (sign * (hours * 3600 + minutes * 60)) as i32,
            }
        }
        _ => return None,
    };
    Some(TimeObject::value(GoTime::date(
        y, m, d, h, mi, sec, nsec, loc,
    )))
}

/// Splits `HH:MM:SS[.frac]ZONE` into hours, minutes, seconds, nanoseconds and the zone.
fn split_time(t: &str) -> Option<(i64, i64, i64, i64, &str)> {
    let mut end = 8;
    let b = t.as_bytes();
    if b.get(8) == Some(&b'.') {
        end = 9;
        while b.get(end).is_some_and(u8::is_ascii_digit) {
            end += 1;
        }
        if end == 9 {
            return None;
        }
    }
    let frac = if end > 9 { &t[9..end] } else { "" };
    let mut nsec = 0i64;
    for (i, c) in frac.bytes().take(9).enumerate() {
        nsec += i64::from(c - b'0') * 10i64.pow(8 - i as u32);
    }
    let field = |r: std::ops::Range<usize>| t[r].parse::<i64>().ok();
    Some((field(0..2)?, field(3..5)?, field(6..8)?, nsec, &t[end..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(text: &str) -> String {
        match decode(text) {
            Ok(m) => Value::Map(m).to_json().to_string(),
            Err(e) => e.message,
        }
    }

    #[test]
    fn documents() {
        assert_eq!(json("a = 1\n[b]\nc = \"d\""), r#"{"a":1,"b":{"c":"d"}}"#);
        assert_eq!(
            json("arr = [1, 2]\n[[t]]\nx = 1\n[[t]]\nx = 2"),
            r#"{"arr":[1,2],"t":[{"x":1},{"x":2}]}"#
        );
        assert_eq!(
            json("a.b = 1.5\nc = {d = 'x'}"),
            r#"{"a":{"b":1.5},"c":{"d":"x"}}"#
        );
        assert_eq!(
            json("d = 1979-05-27T07:32:00Z"),
            r#"{"d":"1979-05-27 07:32:00 +0000 UTC"}"#
        );
    }

    #[test]
    fn errors() {
        assert_eq!(
            json("a = "),
            "toml: line 1 (last key \"a\"): unexpected EOF; expected value"
        );
        assert_eq!(
            json("a = 1\na = 2"),
            "toml: line 2 (last key \"a\"): Key 'a' has already been defined."
        );
        assert_eq!(
            json("[a]\n[a]"),
            "toml: line 2: Key 'a' has already been defined."
        );
        assert_eq!(
            json("= 1"),
            "toml: line 1: unexpected '=': key name appears blank"
        );
        assert_eq!(
            json("a = 1 b"),
            "toml: line 1: expected a top-level item to end with a newline, comment, or EOF, but got 'b' instead"
        );
        assert_eq!(
            json(
                "a = 1979-05-27T07:32:00.5+01:00\nb = 1979-05-27\nc = 07:32:00\nd = 1979-05-27T07:32:00"
            ),
            r#"{"a":"1979-05-27 07:32:00.5 +0100 +0100","b":"1979-05-27 00:00:00 +0000 date-local","c":"0000-01-01 07:32:00 +0000 time-local","d":"1979-05-27 07:32:00 +0000 datetime-local"}"#
        );
    }
}
