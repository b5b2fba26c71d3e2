//! `urlParse` and `urlJoin`: Go's `net/url` parsing and formatting rules, reduced to the
//! eight string fields Sprig exposes.

use crate::funcs::{CallContext, FuncError, FuncResult, ParamType, Registry};
use crate::value::{Map, Value};

pub(super) fn register(r: &mut Registry) {
    r.add("urlParse", &[ParamType::String], None, url_parse);
    r.add("urlJoin", &[ParamType::Map], None, url_join);
}

/// The parts of a URL as Go's `url.URL` holds them (decoded path and fragment).
#[derive(Default, Debug)]
struct Url {
    scheme: String,
    opaque: String,
    user: Option<(String, Option<String>)>,
    host: String,
    path: String,
    raw_path: String,
    force_query: bool,
    raw_query: String,
    fragment: String,
}

fn url_parse(_: &CallContext<'_>, args: &[Value]) -> FuncResult {
    let raw = super::str_arg(&args[0]);
    let url = parse(raw).map_err(|e| FuncError::new(format!("unable to parse url: {e}")))?;
    let out = Map::new();
    out.insert("scheme", Value::str(&url.scheme));
    out.insert("host", Value::str(&url.host));
    out.insert("hostname", Value::str(hostname(&url.host)));
    out.insert("path", Value::str(&url.path));
    out.insert("query", Value::str(&url.raw_query));
    out.insert("opaque", Value::str(&url.opaque));
    out.insert("fragment", Value::str(&url.fragment));
    out.insert("userinfo", Value::string(userinfo_string(&url.user)));
    Ok(Value::Map(out))
}

fn url_join(_: &CallContext<'_>, args: &[Value]) -> FuncResult {
    let Value::Map(dict) = &args[0] else {
        return Ok(Value::str(""));
    };
    let field = |key: &str| -> Result<String, FuncError> {
        match dict.get(key) {
            None => Ok(String::new()),
            Some(Value::String(s)) => Ok(s.to_string()),
            Some(Value::Nil) => Err(FuncError::new(
                "runtime error: invalid memory address or nil pointer dereference",
            )),
            Some(other) => Err(FuncError::new(format!(
                "unable to parse {key} key, must be of type string, but {} found",
                other.go_kind()
            ))),
        }
    };
    let mut url = Url {
        scheme: field("scheme")?,
        host: field("host")?,
        path: field("path")?,
        raw_query: field("query")?,
        opaque: field("opaque")?,
        fragment: field("fragment")?,
        ..Url::default()
    };
    let userinfo = field("userinfo")?;
    if !userinfo.is_empty() {
        let parsed = parse(&format!("proto://{userinfo}@host"))
            .map_err(|e| FuncError::new(format!("unable to parse userinfo in dict: {e}")))?;
        url.user = parsed.user;
    }
    Ok(Value::string(to_string(&url)))
}

/// `url.Parse`, errors formatted like `*url.Error`.
fn parse(raw: &str) -> Result<Url, String> {
    let (rest, fragment) = match raw.split_once('#') {
        Some((r, f)) => (r, Some(f)),
        None => (raw, None),
    };
    let mut url = parse_without_fragment(rest)
        .map_err(|e| format!("parse {}: {e}", crate::gofmt::quote(rest)))?;
    if let Some(f) = fragment {
        url.fragment = unescape(f, Mode::Fragment)
            .map_err(|e| format!("parse {}: {e}", crate::gofmt::quote(raw)))?;
    }
    Ok(url)
}

fn parse_without_fragment(raw: &str) -> Result<Url, String> {
    if raw.bytes().any(|b| b < 0x20 || b == 0x7f) {
        return Err("net/url: invalid control character in URL".to_string());
    }
    let mut url = Url::default();
    if raw == "*" {
        url.path = "*".to_string();
        return Ok(url);
    }
    let (scheme, rest) = split_scheme(raw)?;
    url.scheme = scheme.to_ascii_lowercase();
    let mut rest = rest.to_string();
    if rest.ends_with('?') && rest.matches('?').count() == 1 {
        url.force_query = true;
        rest.pop();
    } else if let Some((r, q)) = rest.split_once('?') {
        url.raw_query = q.to_string();
        rest = r.to_string();
    }
    if !rest.starts_with('/') {
        if !url.scheme.is_empty() {
            url.opaque = rest;
            return Ok(url);
        }
        let first_segment = rest.split('/').next().unwrap_or_default();
        if first_segment.contains(':') {
            return Err("first path segment in URL cannot contain colon".to_string());
        }
    }
    let mut path = rest.as_str();
    if (!url.scheme.is_empty() || !rest.starts_with("///")) && rest.starts_with("//") {
        let authority_and_path = &rest[2..];
        let (authority, tail) = match authority_and_path.find('/') {
            Some(i) => authority_and_path.split_at(i),
            None => (authority_and_path, ""),
        };
        parse_authority(authority, &mut url)?;
        path = tail;
    }
    url.path = unescape(path, Mode::Path)?;
    url.raw_path = if escape(&url.path, Mode::Path) == path {
        String::new()
    } else {
        path.to_string()
    };
    Ok(url)
}

/// Splits off `scheme:` when the text starts with a valid scheme.
fn split_scheme(raw: &str) -> Result<(&str, &str), String> {
    for (i, c) in raw.bytes().enumerate() {
        match c {
            b'a'..=b'z' | b'A'..=b'Z' => {}
            b'0'..=b'9' | b'+' | b'-' | b'.' if i > 0 => {}
            b':' if i == 0 => return Err("missing protocol scheme".to_string()),
            b':' => return Ok((&raw[..i], &raw[i + 1..])),
            _ => return Ok(("", raw)),
        }
    }
    Ok(("", raw))
}

fn parse_authority(authority: &str, url: &mut Url) -> Result<(), String> {
    let at = authority.rfind('@');
    let host_part = at.map_or(authority, |i| &authority[i + 1..]);
    url.host = parse_host(host_part)?;
    let Some(i) = at else {
        return Ok(());
    };
    let userinfo = &authority[..i];
    let valid = userinfo
        .bytes()
        .all(|c| c.is_ascii_alphanumeric() || b"-._:~!$&'()*+,;=%@".contains(&c));
    if !valid {
        return Err("net/url: invalid userinfo".to_string());
    }
    url.user = Some(match userinfo.split_once(':') {
        None => (unescape(userinfo, Mode::UserPassword)?, None),
        Some((user, pass)) => (
            unescape(user, Mode::UserPassword)?,
            Some(unescape(pass, Mode::UserPassword)?),
        ),
    });
    Ok(())
}

fn parse_host(host: &str) -> Result<String, String> {
    if host.starts_with('[') {
        let Some(end) = host.rfind(']') else {
            return Err("missing ']' in host".to_string());
        };
        let port = &host[end + 1..];
        if !valid_optional_port(port) {
            return Err(format!(
                "invalid port {} after host",
                crate::gofmt::quote(port)
            ));
        }
    } else if let Some(i) = host.find(':') {
        // Everything from the first colon must be a port: `h:80:90` is rejected.
        let port = &host[i..];
        if !valid_optional_port(port) {
            return Err(format!(
                "invalid port {} after host",
                crate::gofmt::quote(port)
            ));
        }
    }
    unescape(host, Mode::Host)
}

fn valid_optional_port(port: &str) -> bool {
    match port.strip_prefix(':') {
        _ if port.is_empty() => true,
        Some(digits) => digits.bytes().all(|b| b.is_ascii_digit()),
        None => false,
    }
}

/// The host without port and IPv6 brackets (`url.URL.Hostname`).
fn hostname(host: &str) -> &str {
    let mut h = host;
    if let Some(i) = h.rfind(':')
        && valid_optional_port(&h[i..])
    {
        h = &h[..i];
    }
    if h.starts_with('[') && h.ends_with(']') && h.len() >= 2 {
        h = &h[1..h.len() - 1];
    }
    h
}

fn userinfo_string(user: &Option<(String, Option<String>)>) -> String {
    match user {
        None => String::new(),
        Some((name, password)) => {
            let mut s = escape(name, Mode::UserPassword);
            if let Some(p) = password {
                s.push(':');
                s.push_str(&escape(p, Mode::UserPassword));
            }
            s
        }
    }
}

/// `url.URL.String`.
fn to_string(url: &Url) -> String {
    let mut out = String::new();
    if !url.scheme.is_empty() {
        out.push_str(&url.scheme);
        out.push(':');
    }
    if !url.opaque.is_empty() {
        out.push_str(&url.opaque);
    } else {
        if !url.scheme.is_empty() || !url.host.is_empty() || url.user.is_some() {
            if !url.host.is_empty() || !url.path.is_empty() || url.user.is_some() {
                out.push_str("//");
            }
            if url.user.is_some() {
                out.push_str(&userinfo_string(&url.user));
                out.push('@');
            }
            out.push_str(&escape(&url.host, Mode::Host));
        }
        let path = if !url.raw_path.is_empty() {
            url.raw_path.clone()
        } else if url.path == "*" {
            "*".to_string()
        } else {
            escape(&url.path, Mode::Path)
        };
        if !path.is_empty() && !path.starts_with('/') && !url.host.is_empty() {
            out.push('/');
        }
        if out.is_empty() && path.split('/').next().unwrap_or_default().contains(':') {
            out.push_str("./");
        }
        out.push_str(&path);
    }
    if url.force_query || !url.raw_query.is_empty() {
        out.push('?');
        out.push_str(&url.raw_query);
    }
    if !url.fragment.is_empty() {
        out.push('#');
        out.push_str(&escape(&url.fragment, Mode::Fragment));
    }
    out
}

/// Which URL component is being escaped (Go's `encoding` modes).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Path,
    Host,
    UserPassword,
    Fragment,
}

fn should_escape(c: u8, mode: Mode) -> bool {
    if c.is_ascii_alphanumeric() {
        return false;
    }
    if mode == Mode::Host && b"!$&'()*+,;=:[]<>\"".contains(&c) {
        return false;
    }
    match c {
        b'-' | b'_' | b'.' | b'~' => false,
        b'$' | b'&' | b'+' | b',' | b'/' | b':' | b';' | b'=' | b'?' | b'@' => match mode {
            Mode::Path => c == b'?',
            Mode::UserPassword => matches!(c, b'@' | b'/' | b'?' | b':'),
            Mode::Fragment => false,
            Mode::Host => true,
        },
        b'!' | b'(' | b')' | b'*' if mode == Mode::Fragment => false,
        _ => true,
    }
}

fn escape(s: &str, mode: Mode) -> String {
    let mut out = String::with_capacity(s.len());
    for &c in s.as_bytes() {
        if should_escape(c, mode) {
            out.push_str(&format!("%{c:02X}"));
        } else {
            out.push(char::from(c));
        }
    }
    out
}

fn unescape(s: &str, mode: Mode) -> Result<String, String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if c == b'%' {
            let hex = |b: u8| char::from(b).to_digit(16);
            let (hi, lo) = match (
                bytes.get(i + 1).and_then(|b| hex(*b)),
                bytes.get(i + 2).and_then(|b| hex(*b)),
            ) {
                (Some(h), Some(l)) => (h, l),
                _ => {
                    let end = (i + 3).min(bytes.len());
                    return Err(format!(
                        "invalid URL escape {}",
                        crate::gofmt::quote(&String::from_utf8_lossy(&bytes[i..end]))
                    ));
                }
            };
            if mode == Mode::Host && hi < 8 && &s[i..i + 3] != "%25" {
                return Err(format!(
                    "invalid URL escape {}",
                    crate::gofmt::quote(&s[i..i + 3])
                ));
            }
            out.push((hi * 16 + lo) as u8);
            i += 3;
        } else {
            if mode == Mode::Host && c < 0x80 && should_escape(c, mode) {
                return Err(format!(
                    "invalid character {} in host name",
                    crate::gofmt::quote(&char::from(c).to_string())
                ));
            }
            out.push(c);
            i += 1;
        }
    }
    Ok(String::from_utf8_lossy(&out).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(raw: &str) -> Vec<String> {
        let u = parse(raw).unwrap();
        vec![
            u.scheme.clone(),
            u.host.clone(),
            hostname(&u.host).to_string(),
            u.path.clone(),
            u.raw_query.clone(),
            u.opaque.clone(),
            u.fragment.clone(),
            userinfo_string(&u.user),
        ]
    }

    #[test]
    fn parses_like_net_url() {
        assert_eq!(
            fields("https://user:pass@example.com:8443/p/a/t/h?q=1&r=2#frag"),
            [
                "https",
                "example.com:8443",
                "example.com",
                "/p/a/t/h",
                "q=1&r=2",
                "",
                "frag",
                "user:pass"
            ]
        );
        assert_eq!(fields("mailto:joe@example.com")[5], "joe@example.com");
        assert_eq!(fields("http://[::1]:8080/")[2], "::1");
        assert_eq!(fields("http://x/%41%20b?q=%20")[3], "/A b");
        assert_eq!(
            parse("http://a b").unwrap_err(),
            "parse \"http://a b\": invalid character \" \" in host name"
        );
        assert!(parse("").is_ok());
    }

    #[test]
    fn formats_like_net_url() {
        let url = Url {
            scheme: "http".into(),
            host: "h:8080".into(),
            user: Some(("u".into(), Some("p".into()))),
            fragment: "f".into(),
            ..Url::default()
        };
        assert_eq!(to_string(&url), "http://u:p@h:8080#f");
        let url = Url {
            path: "/a b".into(),
            ..Url::default()
        };
        assert_eq!(to_string(&url), "/a%20b");
        let url = parse("https://u@h/p?q#f").unwrap();
        assert_eq!(to_string(&url), "https://u@h/p?q#f");
    }
}
