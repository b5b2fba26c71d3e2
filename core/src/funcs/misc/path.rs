//! Slash-separated path functions (Go's `path` package; the `os*` forms are Go's
//! `filepath`, identical on the Linux hosts Helm's answers come from).

use super::str_arg;
use crate::funcs::{ParamType, Registry};
use crate::value::Value;

pub(super) fn register(r: &mut Registry) {
    const S: &[ParamType] = &[ParamType::String];
    for name in ["base", "osBase"] {
        r.add(name, S, None, |_, a| {
            Ok(Value::string(base(str_arg(&a[0]))))
        });
    }
    for name in ["dir", "osDir"] {
        r.add(name, S, None, |_, a| Ok(Value::string(dir(str_arg(&a[0])))));
    }
    for name in ["clean", "osClean"] {
        r.add(name, S, None, |_, a| {
            Ok(Value::string(clean(str_arg(&a[0]))))
        });
    }
    for name in ["ext", "osExt"] {
        r.add(name, S, None, |_, a| Ok(Value::str(ext(str_arg(&a[0])))));
    }
    for name in ["isAbs", "osIsAbs"] {
        r.add(name, S, None, |_, a| {
            Ok(Value::Bool(str_arg(&a[0]).starts_with('/')))
        });
    }
}

/// The shortest equivalent path: no `//`, no `.` elements, `..` resolved where possible.
pub(crate) fn clean(path: &str) -> String {
    if path.is_empty() {
        return ".".to_string();
    }
    let rooted = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => match parts.last() {
                Some(&last) if last != ".." => {
                    parts.pop();
                }
                _ if rooted => {}
                _ => parts.push(".."),
            },
            other => parts.push(other),
        }
    }
    let joined = parts.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".to_string(),
        (false, false) => joined,
    }
}

/// The last element, trailing slashes ignored; `.` for "" and `/` for all-slashes.
fn base(path: &str) -> String {
    if path.is_empty() {
        return ".".to_string();
    }
    let trimmed = path.trim_end_matches('/');
    if trimmed.is_empty() {
        return "/".to_string();
    }
    match trimmed.rfind('/') {
        Some(i) => trimmed[i + 1..].to_string(),
        None => trimmed.to_string(),
    }
}

/// Everything but the last element, cleaned.
fn dir(path: &str) -> String {
    let head = match path.rfind('/') {
        Some(i) => &path[..=i],
        None => "",
    };
    clean(head)
}

/// The suffix from the final `.` of the last element, or "".
fn ext(path: &str) -> &str {
    for (i, b) in path.bytes().enumerate().rev() {
        match b {
            b'/' => return "",
            b'.' => return &path[i..],
            _ => {}
        }
    }
    ""
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_functions_match_go() {
        let cases = [
            ("/a/b/c.txt", "c.txt", "/a/b", ".txt", "/a/b/c.txt"),
            ("a/b/", "b", "a/b", "", "a/b"),
            ("", ".", ".", "", "."),
            ("/", "/", "/", "", "/"),
            ("//x//y//", "y", "/x/y", "", "/x/y"),
            ("../a/./b", "b", "../a", "", "../a/b"),
            ("/a/b/../../..", "..", "/", ".", "/"),
            (".hidden", ".hidden", ".", ".hidden", ".hidden"),
        ];
        for (p, b, d, e, c) in cases {
            assert_eq!(base(p), b, "base {p}");
            assert_eq!(dir(p), d, "dir {p}");
            assert_eq!(ext(p), e, "ext {p}");
            assert_eq!(clean(p), c, "clean {p}");
        }
    }
}
