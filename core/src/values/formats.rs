//! JSON Schema `format` checks where the Go validator Helm uses disagrees with boon's:
//! Go's own `ipv4` and `uuid` rules and messages, and `uri` / `uri-reference` with the
//! leniency of Go's `net/url` parser (spaces in paths are fine, `\` is not).

use std::error::Error;

use boon::{Compiler, Format};
use serde_json::Value;

use super::strvals::go_quote;

/// Registers the Go-compatible checks on a compiler.
pub(crate) fn register(compiler: &mut Compiler) {
    compiler.register_format(Format {
        name: "ipv4",
        func: ipv4,
    });
    compiler.register_format(Format {
        name: "uuid",
        func: uuid,
    });
    compiler.register_format(Format {
        name: "uri",
        func: uri,
    });
    compiler.register_format(Format {
        name: "date",
        func: date,
    });
    compiler.register_format(Format {
        name: "uri-reference",
        func: uri_reference,
    });
}

type Check = Result<(), Box<dyn Error>>;

fn ipv4(v: &Value) -> Check {
    let Value::String(s) = v else {
        return Ok(());
    };
    let groups: Vec<&str> = s.split('.').collect();
    if groups.len() != 4 {
        return Err("expected four decimals".into());
    }
    for g in groups {
        if g.len() > 1 && g.starts_with('0') {
            return Err("leading zeros".into());
        }
        let digits = g.strip_prefix(['+', '-']).unwrap_or(g);
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!("strconv.Atoi: parsing {}: invalid syntax", go_quote(g)).into());
        }
        let n: i64 = g.parse().unwrap_or(i64::MAX);
        if !(0..=255).contains(&n) {
            return Err("decimal must be between 0 and 255".into());
        }
    }
    Ok(())
}

fn uuid(v: &Value) -> Check {
    let Value::String(s) = v else {
        return Ok(());
    };
    const LENGTHS: [usize; 5] = [8, 4, 4, 4, 12];
    let groups: Vec<&str> = s.split('-').collect();
    if groups.len() != LENGTHS.len() {
        return Err(format!("must have {} elements", LENGTHS.len()).into());
    }
    for (i, (g, want)) in groups.iter().zip(LENGTHS).enumerate() {
        if g.len() != want {
            return Err(format!("element {} must be {want} characters long", i + 1).into());
        }
        if let Some(c) = g.chars().find(|c| !c.is_ascii_hexdigit()) {
            return Err(format!("non-hex character '{c}'").into());
        }
    }
    Ok(())
}

/// Go's `time.Parse("2006-01-02", s)`, with its error texts.
fn date(v: &Value) -> Check {
    let Value::String(s) = v else {
        return Ok(());
    };
    let cannot = |rest: &str, elem: &str| -> Box<dyn Error> {
        format!(
            "parsing time {} as \"2006-01-02\": cannot parse {} as {}",
            go_quote(s),
            go_quote(rest),
            go_quote(elem)
        )
        .into()
    };
    let digits = |t: &str| t.len() == 2 && t.bytes().all(|b| b.is_ascii_digit());
    let (year, rest) = match s.get(..4) {
        Some(y) if y.bytes().all(|b| b.is_ascii_digit()) => (y, &s[4..]),
        _ => return Err(cannot(s, "2006")),
    };
    let Some(rest) = rest.strip_prefix('-') else {
        return Err(cannot(rest, "-"));
    };
    let month = match rest.get(..2) {
        Some(m) if digits(m) => m,
        _ => return Err(cannot(rest, "01")),
    };
    let out_of_range = |what: &str| -> Box<dyn Error> {
        format!("parsing time {}: {what} out of range", go_quote(s)).into()
    };
    let month: u32 = month.parse().unwrap_or(0);
    if !(1..=12).contains(&month) {
        return Err(out_of_range("month"));
    }
    let rest = &rest[2..];
    let Some(rest) = rest.strip_prefix('-') else {
        return Err(cannot(rest, "-"));
    };
    let day = match rest.get(..2) {
        Some(d) if digits(d) => d,
        _ => return Err(cannot(rest, "02")),
    };
    let extra = &rest[2..];
    let (year, day): (u32, u32) = (year.parse().unwrap_or(0), day.parse().unwrap_or(0));
    if !extra.is_empty() {
        return Err(format!(
            "parsing time {}: extra text: {}",
            go_quote(s),
            go_quote(extra)
        )
        .into());
    }
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    if !(1..=days).contains(&day) {
        return Err(out_of_range("day"));
    }
    Ok(())
}

fn uri(v: &Value) -> Check {
    let Value::String(s) = v else {
        return Ok(());
    };
    if !parse_url(s)? {
        return Err("relative url".into());
    }
    Ok(())
}

fn uri_reference(v: &Value) -> Check {
    let Value::String(s) = v else {
        return Ok(());
    };
    if s.contains('\\') {
        return Err("contains \\".into());
    }
    parse_url(s)?;
    Ok(())
}

/// The checks Go's `url.Parse` makes; true when the URL has a scheme (is absolute).
fn parse_url(raw: &str) -> Result<bool, String> {
    let url_err = |why: String| format!("parse {}: {why}", go_quote(raw));
    if raw.bytes().any(|b| b < 0x20 || b == 0x7f) {
        return Err(url_err("net/url: invalid control character in URL".into()));
    }
    let (rest, fragment) = raw.split_once('#').unwrap_or((raw, ""));
    check_escapes(fragment).map_err(url_err)?;
    let (scheme, rest) = split_scheme(rest).map_err(url_err)?;
    let rest = rest.split_once('?').map_or(rest, |(r, _)| r);
    if !rest.starts_with('/') {
        if scheme.is_some() {
            return Ok(true);
        }
        let first = rest.split('/').next().unwrap_or("");
        if first.contains(':') {
            return Err(url_err(
                "first path segment in URL cannot contain colon".into(),
            ));
        }
    }
    let mut path = rest;
    if (scheme.is_some() || !rest.starts_with("///")) && rest.starts_with("//") {
        let after = &rest[2..];
        let (authority, p) = match after.find('/') {
            Some(i) => after.split_at(i),
            None => (after, ""),
        };
        check_authority(authority).map_err(url_err)?;
        path = p;
    }
    check_escapes(path).map_err(url_err)?;
    Ok(scheme.is_some())
}

fn split_scheme(raw: &str) -> Result<(Option<&str>, &str), String> {
    for (i, c) in raw.char_indices() {
        match c {
            'a'..='z' | 'A'..='Z' => {}
            '0'..='9' | '+' | '-' | '.' if i > 0 => {}
            ':' if i == 0 => return Err("missing protocol scheme".into()),
            ':' => return Ok((Some(&raw[..i]), &raw[i + 1..])),
            _ => return Ok((None, raw)),
        }
    }
    Ok((None, raw))
}

fn check_escapes(s: &str) -> Result<(), String> {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let ok =
                b.len() >= i + 3 && b[i + 1].is_ascii_hexdigit() && b[i + 2].is_ascii_hexdigit();
            if !ok {
                let end = (i + 3).min(b.len());
                return Err(format!(
                    "invalid URL escape {}",
                    go_quote(&String::from_utf8_lossy(&b[i..end]))
                ));
            }
            i += 3;
        } else {
            i += 1;
        }
    }
    Ok(())
}

fn check_authority(authority: &str) -> Result<(), String> {
    let host = match authority.rfind('@') {
        Some(i) => {
            let userinfo = &authority[..i];
            let valid = userinfo.chars().all(|c| {
                c.is_ascii_alphanumeric() || "-._:~!$&'()*+,;=%@".contains(c) || !c.is_ascii()
            });
            if !valid {
                return Err("net/url: invalid userinfo".into());
            }
            &authority[i + 1..]
        }
        None => authority,
    };
    let (name, port) = if host.starts_with('[') {
        let Some(end) = host.rfind(']') else {
            return Err("missing ']' in host".into());
        };
        (&host[..=end], &host[end + 1..])
    } else {
        match host.rfind(':') {
            Some(i) => (&host[..i], &host[i..]),
            None => (host, ""),
        }
    };
    let valid_port =
        port.is_empty() || (port.starts_with(':') && port[1..].bytes().all(|b| b.is_ascii_digit()));
    if !valid_port {
        return Err(format!("invalid port {} after host", go_quote(port)));
    }
    check_escapes(name)?;
    if let Some(c) = name.chars().find(|c| {
        c.is_ascii() && !(c.is_ascii_alphanumeric() || "-_.~!$&'()*+,;=:[]<>\"%".contains(*c))
    }) {
        return Err(format!(
            "invalid character {} in host name",
            go_quote(&c.to_string())
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(x: &str) -> Value {
        Value::String(x.into())
    }

    #[test]
    fn go_url_leniency() {
        assert!(uri_reference(&s("a b")).is_ok());
        assert!(uri_reference(&s("a\\b")).is_err());
        assert!(uri_reference(&s("%zz")).is_err());
        assert!(uri_reference(&s("a:b/c")).is_ok());
        assert!(uri_reference(&s("1a:b")).is_err());
        assert!(uri(&s("https://example.com/x y")).is_ok());
        assert!(uri(&s("not a uri")).is_err());
        assert!(uri(&s("http://a b/")).is_err());
        assert!(uri(&s("http://host:80x/")).is_err());
        assert!(uri(&s("mailto:someone@example.com")).is_ok());
    }

    #[test]
    fn dates_like_go_time_parse() {
        assert!(date(&s("2020-02-29")).is_ok());
        assert_eq!(
            date(&s("2020-02-30")).unwrap_err().to_string(),
            "parsing time \"2020-02-30\": day out of range"
        );
        assert_eq!(
            date(&s("2020-13-01")).unwrap_err().to_string(),
            "parsing time \"2020-13-01\": month out of range"
        );
        assert_eq!(
            date(&s("yesterday")).unwrap_err().to_string(),
            "parsing time \"yesterday\" as \"2006-01-02\": cannot parse \"yesterday\" as \"2006\""
        );
        assert!(date(&s("2020-1-01")).is_err());
        assert!(date(&s("2020-01-01x")).is_err());
    }

    #[test]
    fn uuid_and_ipv4_messages() {
        assert_eq!(
            uuid(&s("x")).unwrap_err().to_string(),
            "must have 5 elements"
        );
        assert!(uuid(&s("123e4567-e89b-12d3-a456-426614174000")).is_ok());
        assert_eq!(
            ipv4(&s("999.1.1.1")).unwrap_err().to_string(),
            "decimal must be between 0 and 255"
        );
        assert_eq!(
            ipv4(&s("01.1.1.1")).unwrap_err().to_string(),
            "leading zeros"
        );
    }
}
