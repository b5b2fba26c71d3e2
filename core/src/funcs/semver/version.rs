//! Masterminds/semver v3 versions as Sprig parses them (`NewVersion` in its default
//! coercing mode): `v` prefix, missing minor/patch and leading zeros are accepted.

use std::cmp::Ordering;
use std::sync::OnceLock;

use regex::Regex;

/// A parsed version, like Go's `semver.Version`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Version {
    pub major: u64,
    pub minor: u64,
    pub patch: u64,
    pub pre: String,
    pub metadata: String,
    pub original: String,
}

pub const ERR_INVALID: &str = "invalid semantic version";
const ERR_SEGMENT_ZERO: &str = "version segment starts with 0";
const ERR_METADATA: &str = "invalid metadata string";
const ERR_PRERELEASE: &str = "invalid prerelease string";

fn loose_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"^v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?$",
        )
        .expect("static regex")
    })
}

/// Go's `strconv.ParseUint(s, 10, 64)` wrapped the way semver reports it.
fn parse_segment(s: &str) -> Result<u64, String> {
    s.parse::<u64>().map_err(|_| {
        format!(
            "error parsing version segment: strconv.ParseUint: parsing \"{s}\": value out of range"
        )
    })
}

fn is_numeric(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_digit())
}

fn is_ident_chars(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

pub fn validate_prerelease(p: &str) -> Result<(), String> {
    for part in p.split('.') {
        if part.is_empty() {
            return Err(ERR_PRERELEASE.into());
        } else if is_numeric(part) {
            if part.len() > 1 && part.starts_with('0') {
                return Err(ERR_SEGMENT_ZERO.into());
            }
        } else if !is_ident_chars(part) {
            return Err(ERR_PRERELEASE.into());
        }
    }
    Ok(())
}

pub fn validate_metadata(m: &str) -> Result<(), String> {
    if m.split('.')
        .any(|part| part.is_empty() || !is_ident_chars(part))
    {
        return Err(ERR_METADATA.into());
    }
    Ok(())
}

impl Version {
    /// Parses like semver's `NewVersion` (coercing mode); errors are semver's texts.
    pub fn parse(v: &str) -> Result<Version, String> {
        let m = loose_regex()
            .captures(v)
            .ok_or_else(|| ERR_INVALID.to_string())?;
        let group = |i: usize| m.get(i).map_or("", |g| g.as_str());
        let major = parse_segment(group(1))?;
        let minor = match group(2) {
            "" => 0,
            s => parse_segment(&s[1..])?,
        };
        let patch = match group(3) {
            "" => 0,
            s => parse_segment(&s[1..])?,
        };
        let pre = group(5).to_string();
        let metadata = group(8).to_string();
        if !pre.is_empty() {
            validate_prerelease(&pre)?;
        }
        if !metadata.is_empty() {
            validate_metadata(&metadata)?;
        }
        Ok(Version {
            major,
            minor,
            patch,
            pre,
            metadata,
            original: v.to_string(),
        })
    }

    /// Semver precedence: metadata is ignored, a prerelease sorts before its release.
    pub fn compare(&self, o: &Version) -> Ordering {
        self.major
            .cmp(&o.major)
            .then(self.minor.cmp(&o.minor))
            .then(self.patch.cmp(&o.patch))
            .then_with(|| match (self.pre.is_empty(), o.pre.is_empty()) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                (false, false) => compare_prerelease(&self.pre, &o.pre),
            })
    }

    fn v_prefix(&self) -> &'static str {
        if self.original.starts_with('v') {
            "v"
        } else {
            ""
        }
    }

    fn with_original(mut self, prefix: &str) -> Version {
        self.original = format!("{prefix}{self}");
        self
    }

    pub fn inc_patch(&self) -> Result<Version, String> {
        let mut next = self.clone();
        next.metadata.clear();
        if self.pre.is_empty() {
            next.patch = self
                .patch
                .checked_add(1)
                .ok_or("patch version increment would overflow uint64")?;
        }
        next.pre.clear();
        Ok(next.with_original(self.v_prefix()))
    }

    pub fn inc_minor(&self) -> Result<Version, String> {
        let mut next = self.clone();
        next.metadata.clear();
        next.pre.clear();
        next.patch = 0;
        next.minor = self
            .minor
            .checked_add(1)
            .ok_or("minor version increment would overflow uint64")?;
        Ok(next.with_original(self.v_prefix()))
    }

    pub fn inc_major(&self) -> Result<Version, String> {
        let mut next = self.clone();
        next.metadata.clear();
        next.pre.clear();
        next.patch = 0;
        next.minor = 0;
        next.major = self
            .major
            .checked_add(1)
            .ok_or("major version increment would overflow uint64")?;
        Ok(next.with_original(self.v_prefix()))
    }

    pub fn set_prerelease(&self, pre: &str) -> Result<Version, String> {
        if !pre.is_empty() {
            validate_prerelease(pre)?;
        }
        let mut next = self.clone();
        next.pre = pre.to_string();
        Ok(next.with_original(self.v_prefix()))
    }

    pub fn set_metadata(&self, metadata: &str) -> Result<Version, String> {
        if !metadata.is_empty() {
            validate_metadata(metadata)?;
        }
        let mut next = self.clone();
        next.metadata = metadata.to_string();
        Ok(next.with_original(self.v_prefix()))
    }
}

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)?;
        if !self.pre.is_empty() {
            write!(f, "-{}", self.pre)?;
        }
        if !self.metadata.is_empty() {
            write!(f, "+{}", self.metadata)?;
        }
        Ok(())
    }
}

/// Dot-separated prerelease comparison; a missing part sorts first.
pub fn compare_prerelease(a: &str, b: &str) -> Ordering {
    let mut ai = a.split('.');
    let mut bi = b.split('.');
    loop {
        match (ai.next(), bi.next()) {
            (None, None) => return Ordering::Equal,
            (x, y) => {
                let d = compare_pre_part(x.unwrap_or(""), y.unwrap_or(""));
                if d != Ordering::Equal {
                    return d;
                }
            }
        }
    }
}

fn compare_pre_part(s: &str, o: &str) -> Ordering {
    if s == o {
        return Ordering::Equal;
    }
    if s.is_empty() {
        return Ordering::Less;
    }
    if o.is_empty() {
        return Ordering::Greater;
    }
    match (s.parse::<u64>(), o.parse::<u64>()) {
        (Err(_), Err(_)) => s.cmp(o),
        (Ok(_), Err(_)) => Ordering::Less,
        (Err(_), Ok(_)) => Ordering::Greater,
        (Ok(x), Ok(y)) => {
            // Go answers "greater" only when strictly greater, so distinct spellings of one
            // number ("1" vs "01" cannot occur after validation) never compare equal here.
            if x > y {
                Ordering::Greater
            } else {
                Ordering::Less
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_loose_versions() {
        let v = Version::parse("v1.2").unwrap();
        assert_eq!(v.to_string(), "1.2.0");
        assert_eq!(v.original, "v1.2");
        assert_eq!(Version::parse("01.2.3").unwrap().to_string(), "1.2.3");
        assert_eq!(Version::parse("1.2.3.4").unwrap_err(), ERR_INVALID);
        assert_eq!(Version::parse("").unwrap_err(), ERR_INVALID);
        assert_eq!(
            Version::parse("1.0.0-01").unwrap_err(),
            "version segment starts with 0"
        );
        let v = Version::parse("1.2.3-beta.1+build.5").unwrap();
        assert_eq!((v.pre.as_str(), v.metadata.as_str()), ("beta.1", "build.5"));
    }

    #[test]
    fn precedence() {
        let p = |s: &str| Version::parse(s).unwrap();
        assert_eq!(p("1.0.0-alpha").compare(&p("1.0.0")), Ordering::Less);
        assert_eq!(p("1.0.0+a").compare(&p("1.0.0+b")), Ordering::Equal);
        assert_eq!(
            p("1.2.3-alpha.10").compare(&p("1.2.3-alpha.9")),
            Ordering::Greater
        );
        assert_eq!(p("1.2.3-rc.1").inc_patch().unwrap().to_string(), "1.2.3");
        assert_eq!(p("v1.2.3").inc_minor().unwrap().original, "v1.3.0");
    }
}
