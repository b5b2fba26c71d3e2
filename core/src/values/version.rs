//! Helm's `IsCompatibleRange`: does a subchart's version satisfy the version constraint
//! its parent declares? Masterminds semver rules, shared with Sprig's `semverCompare`.

use crate::funcs::semver::{Constraints, Version};

/// Whether `version` satisfies `constraint`; an unparsable version or constraint is
/// never compatible (a missing constraint is the empty one).
pub(crate) fn is_compatible_range(constraint: Option<&str>, version: &str) -> bool {
    let Ok(v) = Version::parse(version) else {
        return false;
    };
    Constraints::parse(constraint.unwrap_or(""))
        .map(|c| c.check(&v))
        .unwrap_or(false)
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
        assert!(!ok(Some("1.0.0"), "not-a-version"));
    }
}
