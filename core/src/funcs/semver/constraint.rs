//! Masterminds/semver v3 constraints (`semverCompare`): operators `= != > < >= => <= =< ~ ~> ^`,
//! `x`/`X`/`*` wildcards and partial versions, space- or comma-separated AND, `||` OR,
//! `A - B` ranges, and the rule that prerelease versions only satisfy an OR-branch
//! that itself names a prerelease.
//!
//! The grammar is semver's own regular expressions (Go's leftmost-first matching, which
//! the `regex` crate shares); quirks such as `|` inside the version character class are
//! kept because they decide which inputs are errors.

use std::cmp::Ordering;
use std::sync::OnceLock;

use regex::Regex;

use super::version::Version;

/// Go's `\s`.
const WS: &str = r"[\t\n\f\r ]";
const OPS: &str = r"=||!=|>|<|>=|=>|<=|=<|~|~>|\^";
const CV: &str = r"v?([0-9|x|X|\*]+)(\.[0-9|x|X|\*]+)?(\.[0-9|x|X|\*]+)?(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?";

struct Patterns {
    single: Regex,
    range: Regex,
    find: Regex,
    valid: Regex,
}

fn patterns() -> &'static Patterns {
    static P: OnceLock<Patterns> = OnceLock::new();
    P.get_or_init(|| {
        let re = |s: String| Regex::new(&s).expect("static regex");
        Patterns {
            single: re(format!(r"^{WS}*({OPS}){WS}*({CV}){WS}*$")),
            range: re(format!(r"{WS}*({CV}){WS}+-{WS}+({CV}){WS}*")),
            find: re(format!(r"({OPS}){WS}*({CV})")),
            valid: re(format!(
                r"^({WS}*({OPS}){WS}*({CV}){WS}*)((?:{WS}+|,{WS}*)({OPS}){WS}*({CV}){WS}*)*$"
            )),
        }
    })
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    TildeOrEqual,
    NotEqual,
    Greater,
    Less,
    GreaterEqual,
    LessEqual,
    Tilde,
    Caret,
}

#[derive(Debug)]
struct Single {
    op: Op,
    con: Version,
    minor_dirty: bool,
    patch_dirty: bool,
    dirty: bool,
}

/// A parsed constraint: OR of AND-groups.
#[derive(Debug)]
pub struct Constraints {
    groups: Vec<(Vec<Single>, bool)>,
}

fn is_x(s: &str) -> bool {
    matches!(s, "x" | "X" | "*")
}

/// Go's `%q` for the strings semver puts in its messages.
fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn improper(c: &str) -> String {
    format!("improper constraint: {}", go_quote(c))
}

/// Semver's `rewriteRange`: `A - B` becomes `>= A, <= B `.
fn rewrite_range(input: &str) -> String {
    let p = patterns();
    let mut out = input.to_string();
    for m in p.range.captures_iter(input) {
        let whole = m.get(0).map_or("", |g| g.as_str());
        let lo = m.get(1).map_or("", |g| g.as_str());
        let hi = m.get(11).map_or("", |g| g.as_str());
        out = out.replacen(whole, &format!(">= {lo}, <= {hi} "), 1);
    }
    out
}

fn parse_single(c: &str) -> Result<Single, String> {
    if c.is_empty() {
        return Ok(Single {
            op: Op::TildeOrEqual,
            con: Version::parse("0.0.0")?,
            minor_dirty: false,
            patch_dirty: false,
            dirty: true,
        });
    }
    let m = patterns().single.captures(c).ok_or_else(|| improper(c))?;
    let g = |i: usize| m.get(i).map_or("", |x| x.as_str());
    let op = match g(1) {
        "" | "=" => Op::TildeOrEqual,
        "!=" => Op::NotEqual,
        ">" => Op::Greater,
        "<" => Op::Less,
        ">=" | "=>" => Op::GreaterEqual,
        "<=" | "=<" => Op::LessEqual,
        "~" | "~>" => Op::Tilde,
        _ => Op::Caret,
    };
    let (major, minor, patch, pre) = (g(3), g(4), g(5), g(6));
    let (mut minor_dirty, mut patch_dirty, mut dirty) = (false, false, false);
    let ver = if is_x(major) || major.is_empty() {
        dirty = true;
        format!("0.0.0{pre}")
    } else if is_x(minor.trim_start_matches('.')) || minor.is_empty() {
        minor_dirty = true;
        dirty = true;
        format!("{major}.0.0{pre}")
    } else if is_x(patch.trim_start_matches('.')) || patch.is_empty() {
        dirty = true;
        patch_dirty = true;
        format!("{major}{minor}.0{pre}")
    } else {
        g(2).to_string()
    };
    let con = Version::parse(&ver).map_err(|_| "constraint parser error".to_string())?;
    Ok(Single {
        op,
        con,
        minor_dirty,
        patch_dirty,
        dirty,
    })
}

impl Constraints {
    /// Parses like semver's `NewConstraint`; errors are its texts.
    pub fn parse(c: &str) -> Result<Constraints, String> {
        let p = patterns();
        let c = rewrite_range(c);
        let mut groups = Vec::new();
        for or in c.split("||") {
            if !p.valid.is_match(or) {
                return Err(improper(or));
            }
            let mut found: Vec<&str> = p.find.find_iter(or).map(|m| m.as_str()).collect();
            if found.is_empty() {
                found.push(or);
            }
            let mut ands = Vec::with_capacity(found.len());
            let mut has_pre = false;
            for s in found {
                let single = parse_single(s)?;
                has_pre |= !single.con.pre.is_empty();
                ands.push(single);
            }
            groups.push((ands, has_pre));
        }
        Ok(Constraints { groups })
    }

    /// Whether `v` satisfies any OR-branch.
    pub fn check(&self, v: &Version) -> bool {
        self.groups
            .iter()
            .any(|(ands, has_pre)| ands.iter().all(|c| c.check(v, *has_pre)))
    }
}

impl Single {
    fn check(&self, v: &Version, include_pre: bool) -> bool {
        if !v.pre.is_empty() && !include_pre {
            return false;
        }
        match self.op {
            Op::TildeOrEqual => {
                if self.dirty {
                    self.tilde(v)
                } else {
                    v.compare(&self.con) == Ordering::Equal
                }
            }
            Op::NotEqual => self.not_equal(v),
            Op::Greater => self.greater(v),
            Op::Less => v.compare(&self.con) == Ordering::Less,
            Op::GreaterEqual => v.compare(&self.con) != Ordering::Less,
            Op::LessEqual => self.less_equal(v),
            Op::Tilde => self.tilde(v),
            Op::Caret => self.caret(v),
        }
    }

    fn not_equal(&self, v: &Version) -> bool {
        let c = &self.con;
        if self.dirty {
            if c.major != v.major {
                return true;
            }
            if c.minor != v.minor && !self.minor_dirty {
                return true;
            } else if self.minor_dirty {
                return false;
            } else if c.patch != v.patch && !self.patch_dirty {
                return true;
            } else if self.patch_dirty {
                if !v.pre.is_empty() || !c.pre.is_empty() {
                    return super::version::compare_prerelease(&v.pre, &c.pre) != Ordering::Equal;
                }
                return false;
            }
        }
        v.compare(c) != Ordering::Equal
    }

    fn greater(&self, v: &Version) -> bool {
        let c = &self.con;
        if !self.dirty {
            return v.compare(c) == Ordering::Greater;
        }
        if v.major != c.major {
            return v.major > c.major;
        }
        if self.minor_dirty {
            return false;
        }
        if self.patch_dirty {
            return v.minor > c.minor;
        }
        v.compare(c) == Ordering::Greater
    }

    fn less_equal(&self, v: &Version) -> bool {
        let c = &self.con;
        if !self.dirty {
            return v.compare(c) != Ordering::Greater;
        }
        if v.major > c.major {
            return false;
        }
        !(v.major == c.major && v.minor > c.minor && !self.minor_dirty)
    }

    fn tilde(&self, v: &Version) -> bool {
        let c = &self.con;
        if v.compare(c) == Ordering::Less {
            return false;
        }
        if c.major == 0 && c.minor == 0 && c.patch == 0 && !self.minor_dirty && !self.patch_dirty {
            return true;
        }
        if v.major != c.major {
            return false;
        }
        v.minor == c.minor || self.minor_dirty
    }

    fn caret(&self, v: &Version) -> bool {
        let c = &self.con;
        if v.compare(c) == Ordering::Less {
            return false;
        }
        if c.major > 0 || self.minor_dirty {
            return v.major == c.major;
        }
        if v.major > 0 {
            return false;
        }
        if c.minor > 0 || self.patch_dirty {
            return v.minor == c.minor;
        }
        if v.minor > 0 {
            return false;
        }
        c.patch == v.patch
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(c: &str, v: &str) -> bool {
        Constraints::parse(c)
            .unwrap()
            .check(&Version::parse(v).unwrap())
    }

    #[test]
    fn operators_and_wildcards() {
        assert!(check("1.2.3", "1.2.3"));
        assert!(check("!=1.2.3", "1.2.4"));
        assert!(!check(">1.2.3", "1.2.3"));
        assert!(check("~1.2", "1.2.9"));
        assert!(!check("~1.2", "1.3.0"));
        assert!(check("~1", "1.9.0"));
        assert!(check("^0.2.3", "0.2.5"));
        assert!(!check("^0.2.3", "0.3.0"));
        assert!(!check("^0.0.3", "0.0.4"));
        assert!(check("1.x", "1.5.0"));
        assert!(!check("1.2.X", "1.3.0"));
        assert!(check("*", "5.0.0"));
        assert!(check("~>1.2", "1.2.3"));
        assert!(check("=>1.2.0", "1.2.3"));
        assert!(check("> 1.2.0", "1.2.3"));
        assert!(check(">9", "10.0.0"));
        assert!(check(">1.9", "1.10.0"));
    }

    #[test]
    fn ranges_and_or() {
        assert!(check(">=1.2 <3", "1.9.9"));
        assert!(!check(">=1.2 <3", "3.0.0"));
        assert!(check(">=1.2, <3", "2.5.0"));
        assert!(check("1.x || 2.x", "2.5.0"));
        assert!(!check("1.x || >=4", "3.0.0"));
        assert!(check("1.1 - 1.3", "1.3.5"));
        assert!(!check("1.1 - 1.3", "1.4.0"));
    }

    #[test]
    fn prereleases() {
        assert!(!check(">=1.2.0", "1.2.3-beta"));
        assert!(check(">=1.2.3-alpha", "1.2.3-beta"));
        assert!(check(">=1.20.0-0", "1.28.3-gke.1286000"));
        assert!(check("<1.29.0-0", "1.28.3-eks-1234"));
        assert!(!check("<2.0.0", "2.0.0-rc.1"));
        assert!(check(">1.2.3-alpha.9", "1.2.3-alpha.10"));
    }

    #[test]
    fn errors() {
        assert_eq!(
            Constraints::parse("").unwrap_err(),
            "improper constraint: \"\""
        );
        assert_eq!(
            Constraints::parse("not a constraint").unwrap_err(),
            "improper constraint: \"not a constraint\""
        );
    }
}
