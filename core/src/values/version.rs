//! Helm's `IsCompatibleRange`: does a subchart's version satisfy the version constraint
//! its parent declares? Masterminds semver v3 rules for the constraint forms charts use
//! (`1.2.3` exact, `=`, `!=`, `>`, `<`, `>=`, `<=`, `~`, `^`, `x`/`*` wildcards, partial
//! versions, `a - b` ranges, `,`/space for AND, `||` for OR).

use std::cmp::Ordering;

/// A parsed version (Masterminds' lenient `NewVersion`).
#[derive(Clone, Debug, PartialEq)]
struct Version {
    major: u64,
    minor: u64,
    patch: u64,
    pre: Vec<String>,
}

fn parse_version(s: &str) -> Option<Version> {
    let s = s.strip_prefix('v').unwrap_or(s);
    let s = s.split_once('+').map_or(s, |(a, _)| a);
    let (core, pre) = match s.split_once('-') {
        Some((c, p)) => (c, p.split('.').map(str::to_string).collect()),
        None => (s, Vec::new()),
    };
    let mut nums = core.split('.');
    let num = |p: Option<&str>| -> Option<u64> {
        match p {
            None => Some(0),
            Some(p) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => p.parse().ok(),
            _ => None,
        }
    };
    let major = num(Some(nums.next()?))?;
    let minor = num(nums.next())?;
    let patch = num(nums.next())?;
    if nums.next().is_some() {
        return None;
    }
    Some(Version {
        major,
        minor,
        patch,
        pre,
    })
}

fn cmp_pre(a: &[String], b: &[String]) -> Ordering {
    match (a.is_empty(), b.is_empty()) {
        (true, true) => return Ordering::Equal,
        (true, false) => return Ordering::Greater,
        (false, true) => return Ordering::Less,
        _ => {}
    }
    for (x, y) in a.iter().zip(b) {
        let o = match (x.parse::<u64>(), y.parse::<u64>()) {
            (Ok(i), Ok(j)) => i.cmp(&j),
            (Ok(_), Err(_)) => Ordering::Less,
            (Err(_), Ok(_)) => Ordering::Greater,
            _ => x.cmp(y),
        };
        if o != Ordering::Equal {
            return o;
        }
    }
    a.len().cmp(&b.len())
}

fn cmp(a: &Version, b: &Version) -> Ordering {
    (a.major, a.minor, a.patch)
        .cmp(&(b.major, b.minor, b.patch))
        .then_with(|| cmp_pre(&a.pre, &b.pre))
}

/// One comparison: operator, version, and which parts were wildcards or missing.
struct Term {
    op: String,
    v: Version,
    major_dirty: bool,
    minor_dirty: bool,
    patch_dirty: bool,
}

fn parse_term(s: &str) -> Option<Term> {
    let split = s
        .find(|c: char| c.is_ascii_alphanumeric() || c == '*')
        .unwrap_or(s.len());
    let (op, rest) = s.split_at(split);
    let op = op.trim().to_string();
    let rest = rest.strip_prefix('v').unwrap_or(rest);
    let (core, tail) = match rest.find(['-', '+']) {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    let wild = |p: &str| matches!(p, "x" | "X" | "*");
    let parts: Vec<&str> = core.split('.').collect();
    if parts.len() > 3 {
        return None;
    }
    let major_dirty = parts.first().is_none_or(|p| wild(p));
    let minor_dirty = major_dirty || parts.get(1).is_none_or(|p| wild(p));
    let patch_dirty = minor_dirty || parts.get(2).is_none_or(|p| wild(p));
    let n = |i: usize| -> Option<String> {
        match parts.get(i) {
            Some(p) if !wild(p) => Some(p.to_string()),
            _ => Some("0".into()),
        }
    };
    let text = format!("{}.{}.{}{tail}", n(0)?, n(1)?, n(2)?);
    Some(Term {
        op,
        v: parse_version(&text)?,
        major_dirty,
        minor_dirty,
        patch_dirty,
    })
}

fn check_term(t: &Term, v: &Version) -> bool {
    if !v.pre.is_empty() && t.v.pre.is_empty() {
        return false;
    }
    let c = &t.v;
    let o = cmp(v, c);
    let tilde = || {
        o != Ordering::Less
            && (t.major_dirty || (v.major == c.major && (t.minor_dirty || v.minor == c.minor)))
    };
    match t.op.as_str() {
        "" | "=" => {
            if t.patch_dirty {
                tilde()
            } else {
                o == Ordering::Equal
            }
        }
        "!=" => {
            if t.patch_dirty {
                !tilde()
            } else {
                o != Ordering::Equal
            }
        }
        ">" => {
            if t.minor_dirty {
                v.major > c.major
            } else if t.patch_dirty {
                v.major > c.major || (v.major == c.major && v.minor > c.minor)
            } else {
                o == Ordering::Greater
            }
        }
        "<" => o == Ordering::Less,
        ">=" | "=>" => o != Ordering::Less,
        "<=" | "=<" => {
            if t.minor_dirty {
                v.major <= c.major
            } else if t.patch_dirty {
                v.major < c.major || (v.major == c.major && v.minor <= c.minor)
            } else {
                o != Ordering::Greater
            }
        }
        "~" | "~>" => tilde(),
        "^" => {
            o != Ordering::Less
                && if c.major > 0 || t.minor_dirty {
                    v.major == c.major
                } else if c.minor > 0 || t.patch_dirty {
                    v.major == 0 && v.minor == c.minor
                } else {
                    v.major == 0 && v.minor == 0 && v.patch == c.patch
                }
        }
        _ => false,
    }
}

/// Whether `version` satisfies `constraint`; an unparsable version or constraint is
/// never compatible, a missing or empty constraint accepts any release version.
pub(crate) fn is_compatible_range(constraint: Option<&str>, version: &str) -> bool {
    let Some(v) = parse_version(version) else {
        return false;
    };
    let constraint = constraint.unwrap_or("").trim();
    constraint.split("||").any(|alt| {
        let alt = alt.trim();
        if alt.is_empty() {
            return v.pre.is_empty();
        }
        let words: Vec<&str> = alt
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|w| !w.is_empty())
            .collect();
        let mut terms = Vec::new();
        let mut i = 0;
        while i < words.len() {
            if words.get(i + 1) == Some(&"-") && i + 2 < words.len() {
                terms.push(format!(">={}", words[i]));
                terms.push(format!("<={}", words[i + 2]));
                i += 3;
            } else if is_operator(words[i]) && i + 1 < words.len() {
                terms.push(format!("{}{}", words[i], words[i + 1]));
                i += 2;
            } else {
                terms.push(words[i].to_string());
                i += 1;
            }
        }
        terms
            .iter()
            .all(|t| parse_term(t).is_some_and(|t| check_term(&t, &v)))
    })
}

fn is_operator(w: &str) -> bool {
    matches!(
        w,
        "=" | "!=" | ">" | "<" | ">=" | "=>" | "<=" | "=<" | "~" | "~>" | "^"
    )
}

#[cfg(test)]
mod tests {
    use super::is_compatible_range as ok;

    #[test]
    fn constraints() {
        assert!(ok(Some("1.0.0"), "1.0.0"));
        assert!(!ok(Some("1.0.0"), "1.0.1"));
        assert!(ok(Some("^1.2"), "1.9.0"));
        assert!(!ok(Some("^1.2"), "2.0.0"));
        assert!(ok(Some("~1.2.3"), "1.2.9"));
        assert!(!ok(Some("~1.2.3"), "1.3.0"));
        assert!(ok(Some(">= 1.2 < 3"), "2.5.0"));
        assert!(ok(Some("1.x"), "1.4.0"));
        assert!(ok(Some("1.0.0 - 2.0.0"), "1.5.0"));
        assert!(ok(Some("<1 || >=2"), "2.1.0"));
        assert!(!ok(Some("*"), "1.0.0-rc1"));
        assert!(ok(Some("*"), "1.0.0"));
        assert!(ok(None, "0.1.0"));
        assert!(!ok(Some("1.0.0"), "not-a-version"));
    }
}
