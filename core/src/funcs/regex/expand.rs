//! Go's `Regexp.Expand` template rules for `regexReplaceAll`: `$name` takes the longest
//! run of letters, digits and `_` as the name (so `$1W` means the group named `1W`),
//! `${name}` delimits it, `$$` is a dollar, and a malformed reference is kept as text.
//! Unknown or unmatched groups expand to nothing.

use regex::Captures;

/// Appends `template` expanded with `caps` to `out`.
pub(super) fn expand(
    out: &mut String,
    template: &str,
    names: &[Option<String>],
    caps: &Captures<'_>,
) {
    let mut rest = template;
    while let Some(dollar) = rest.find('$') {
        out.push_str(&rest[..dollar]);
        rest = &rest[dollar + 1..];
        if let Some(after) = rest.strip_prefix('$') {
            out.push('$');
            rest = after;
            continue;
        }
        let Some((name, after)) = reference(rest) else {
            out.push('$');
            continue;
        };
        rest = after;
        if let Some(text) = group(name, names, caps) {
            out.push_str(text);
        }
    }
    out.push_str(rest);
}

/// Parses a group reference after `$`: the name and the remaining template.
fn reference(s: &str) -> Option<(&str, &str)> {
    let (braced, body) = match s.strip_prefix('{') {
        Some(b) => (true, b),
        None => (false, s),
    };
    let len = body
        .char_indices()
        .find(|(_, c)| !(c.is_alphabetic() || c.is_ascii_digit() || *c == '_'))
        .map_or(body.len(), |(i, _)| i);
    if len == 0 {
        return None;
    }
    let name = &body[..len];
    if braced {
        let after = body[len..].strip_prefix('}')?;
        Some((name, after))
    } else {
        Some((name, &body[len..]))
    }
}

/// The text a reference names: a group number (no leading zeros) or a group name —
/// the first group of that name that took part in the match.
fn group<'h>(name: &str, names: &[Option<String>], caps: &Captures<'h>) -> Option<&'h str> {
    let numeric = name.bytes().all(|b| b.is_ascii_digit())
        && !(name.len() > 1 && name.starts_with('0'))
        && name.len() <= 8;
    if numeric {
        let index: usize = name.parse().ok()?;
        return caps.get(index).map(|m| m.as_str());
    }
    names
        .iter()
        .enumerate()
        .filter(|(_, n)| n.as_deref() == Some(name))
        .find_map(|(i, _)| caps.get(i))
        .map(|m| m.as_str())
}
