//! Release name rules (Helm's `ValidateReleaseName`): DNS-1123 subdomain labels, at most
//! 53 characters so that names derived from it still fit Kubernetes' limits.

/// The longest release name Helm accepts.
pub const MAX_RELEASE_NAME_LEN: usize = 53;

/// Why a release name is refused, worded as Helm words it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    #[error("no name provided")]
    Missing,
    #[error(
        "invalid release name, must match regex ^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$ and the length must not be longer than 53"
    )]
    Invalid,
}

/// Checks a release name as `helm install` does before anything else.
pub fn validate_release_name(name: &str) -> Result<(), NameError> {
    if name.is_empty() {
        return Err(NameError::Missing);
    }
    let label_ok = |l: &str| {
        let b = l.as_bytes();
        let alnum = |c: &u8| c.is_ascii_lowercase() || c.is_ascii_digit();
        match (b.first(), b.last()) {
            (Some(f), Some(e)) => alnum(f) && alnum(e) && b.iter().all(|c| alnum(c) || *c == b'-'),
            _ => false,
        }
    };
    if name.len() > MAX_RELEASE_NAME_LEN || !name.split('.').all(label_ok) {
        return Err(NameError::Invalid);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        for ok in ["a", "my-app", "a.b", "x1-2.y3", &"a".repeat(53)] {
            assert_eq!(validate_release_name(ok), Ok(()), "{ok}");
        }
        for bad in [
            "Bad",
            "-a",
            "a-",
            "a..b",
            ".a",
            "a_b",
            "a.",
            &"a".repeat(54),
            "é",
        ] {
            assert_eq!(validate_release_name(bad), Err(NameError::Invalid), "{bad}");
        }
        assert_eq!(validate_release_name(""), Err(NameError::Missing));
        assert!(NameError::Invalid.to_string().starts_with(
            "invalid release name, must match regex ^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\."
        ));
    }
}
