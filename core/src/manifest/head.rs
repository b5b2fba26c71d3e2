//! A light reader of a document's head (Helm's `SimpleHead`: apiVersion, kind,
//! metadata.name, metadata.annotations) that streams parser events instead of building
//! the whole document, so a megabyte CRD does not become a megabyte tree.
//!
//! It answers only when it is sure the full decoder would succeed and read the same
//! head: anything that could fail the YAML → JSON conversion or resolve to a non-string
//! (anchors, aliases, tags, merge keys, null or numeric-looking keys, infinities, escapes
//! libyaml rejects, directives, control characters, parse errors) makes it give up, and
//! the caller falls back to the full parser, which reports Helm's exact error.

use std::collections::BTreeMap;

use saphyr_parser::{Event, Parser, ScalarStyle};

/// The fields of a document Helm reads (`SimpleHead`).
#[derive(Default, Debug, PartialEq)]
pub(super) struct Head {
    pub api_version: String,
    pub kind: String,
    pub name: String,
    pub annotations: Option<BTreeMap<String, String>>,
}

/// Far below the full parser's limit, so a deep document always takes the full path.
const MAX_FAST_DEPTH: usize = 200;

#[derive(Clone, Copy, PartialEq)]
enum Ctx {
    Root,
    Metadata,
    Annotations,
    Other,
}

struct Frame {
    is_map: bool,
    ctx: Ctx,
    expecting_key: bool,
    key: Option<String>,
}

/// Characters the fast path accepts without a second thought (printable, no NEL or BOM).
fn plain_char(c: char) -> bool {
    matches!(c as u32,
        0x09 | 0x0A | 0x0D | 0x20..=0x7E | 0xA0..=0xD7FF | 0xE000..=0xFEFE | 0xFF00..=0xFFFD | 0x10000..)
}

fn is_null_word(s: &str) -> bool {
    matches!(s, "" | "~" | "null" | "Null" | "NULL")
}

/// A plain scalar that YAML 1.1 surely resolves to this very string.
fn surely_string(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    if !(first.is_ascii_alphabetic() || first == '_') {
        return false;
    }
    let lower = s.to_ascii_lowercase();
    !matches!(
        lower.as_str(),
        "y" | "yes" | "n" | "no" | "true" | "false" | "on" | "off" | "null"
    )
}

/// A plain scalar in a value position whose decoding cannot fail (only an infinite or
/// NaN float can).
fn safe_plain_value(s: &str) -> bool {
    let body = s.strip_prefix(['+', '-']).unwrap_or(s);
    let lower = body.to_ascii_lowercase();
    if lower == ".inf" || lower == ".nan" {
        return false;
    }
    let digits = body.strip_prefix('.').unwrap_or(body);
    let float_like = body
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '.' | '_' | 'e' | 'E' | '+' | '-'));
    !(float_like && digits.starts_with(|c: char| c.is_ascii_digit()) && body.contains(['e', 'E']))
}

/// Reads the head of `doc`, or `None` when only the full parser can say.
pub(super) fn fast_head(doc: &str) -> Option<Head> {
    if doc.starts_with('%') || doc.contains("\n%") || !doc.chars().all(plain_char) {
        return None;
    }
    let mut suspicious = false;
    let mut chars = doc.chars();
    while let Some(c) = chars.next() {
        if c == '\\' && !chars.next().is_some_and(crate::yaml::known_escape) {
            suspicious = true;
            break;
        }
    }
    // Char index → byte offset, advanced monotonically (events come in text order).
    let (mut ci, mut bi) = (0usize, 0usize);
    let mut byte_at = |target: usize| -> usize {
        while ci < target {
            match doc[bi..].chars().next() {
                Some(c) => bi += c.len_utf8(),
                None => break,
            }
            ci += 1;
        }
        bi
    };
    let unterminated_len = (!doc.ends_with('\n')).then(|| doc.chars().count());

    let mut head = Head::default();
    let (mut seen_api, mut seen_kind, mut seen_name, mut seen_md, mut seen_ann) =
        (false, false, false, false, false);
    let mut stack: Vec<Frame> = Vec::new();
    let mut started = false;
    let mut root_seen = false;
    let mut parser = Parser::new_from_str(doc);
    while let Some(next) = parser.next_event() {
        let (event, span) = next.ok()?;
        match event {
            Event::StreamStart | Event::Nothing => continue,
            Event::StreamEnd | Event::DocumentEnd => break,
            Event::DocumentStart(_) => {
                if started {
                    break;
                }
                started = true;
                continue;
            }
            Event::Alias(_) => return None,
            Event::SequenceEnd | Event::MappingEnd => {
                stack.pop()?;
                if let Some(top) = stack.last_mut()
                    && top.is_map
                {
                    top.expecting_key = true;
                }
                continue;
            }
            Event::Scalar(value, style, anchor, tag) => {
                if anchor != 0 || tag.is_some() {
                    return None;
                }
                let plain = style == ScalarStyle::Plain;
                if style == ScalarStyle::DoubleQuoted && suspicious {
                    let from = byte_at(span.start.index());
                    let mut cs = doc[from..].chars().skip(1);
                    while let Some(c) = cs.next() {
                        match c {
                            '"' => break,
                            '\\' if !cs.next().is_some_and(crate::yaml::known_escape) => {
                                return None;
                            }
                            _ => {}
                        }
                    }
                }
                let Some(top) = stack.last_mut() else {
                    // A scalar document: not a SimpleHead-shaped map.
                    return None;
                };
                if top.is_map && top.expecting_key {
                    if plain && (!surely_string(&value) || value == "<<") {
                        return None;
                    }
                    top.key = (top.ctx != Ctx::Other).then(|| value.into_owned());
                    top.expecting_key = false;
                    continue;
                }
                if plain && !safe_plain_value(&value) {
                    return None;
                }
                let ctx = top.ctx;
                let key = if top.is_map { top.key.take() } else { None };
                if top.is_map {
                    top.expecting_key = true;
                }
                let Some(key) = key else { continue };
                let relevant = match ctx {
                    Ctx::Root => matches!(key.as_str(), "apiVersion" | "kind" | "metadata"),
                    Ctx::Metadata => matches!(key.as_str(), "name" | "annotations"),
                    Ctx::Annotations => true,
                    Ctx::Other => false,
                };
                if !relevant {
                    continue;
                }
                if matches!(style, ScalarStyle::Literal | ScalarStyle::Folded)
                    && unterminated_len.is_some_and(|len| span.end.index() >= len)
                {
                    return None;
                }
                let null = plain && is_null_word(&value);
                if plain && !null && !surely_string(&value) {
                    return None;
                }
                let text = if null {
                    String::new()
                } else {
                    value.into_owned()
                };
                match (ctx, key.as_str()) {
                    (Ctx::Root, "apiVersion") => {
                        if std::mem::replace(&mut seen_api, true) {
                            return None;
                        }
                        head.api_version = text;
                    }
                    (Ctx::Root, "kind") => {
                        if std::mem::replace(&mut seen_kind, true) {
                            return None;
                        }
                        head.kind = text;
                    }
                    (Ctx::Metadata, "name") => {
                        if std::mem::replace(&mut seen_name, true) {
                            return None;
                        }
                        head.name = text;
                    }
                    (Ctx::Annotations, _) => {
                        head.annotations
                            .get_or_insert_with(BTreeMap::new)
                            .insert(key, text);
                    }
                    // A scalar metadata or annotations: only null is simple.
                    _ => {
                        if !null {
                            return None;
                        }
                        let seen = if key == "metadata" {
                            &mut seen_md
                        } else {
                            &mut seen_ann
                        };
                        if std::mem::replace(seen, true) {
                            return None;
                        }
                    }
                }
            }
            Event::SequenceStart(anchor, ref tag) | Event::MappingStart(anchor, ref tag) => {
                if anchor != 0 || tag.is_some() || stack.len() >= MAX_FAST_DEPTH {
                    return None;
                }
                let is_map = matches!(event, Event::MappingStart(..));
                let ctx = match stack.last_mut() {
                    None => {
                        if root_seen || !is_map {
                            return None;
                        }
                        root_seen = true;
                        Ctx::Root
                    }
                    Some(top) => {
                        if top.is_map && top.expecting_key {
                            return None;
                        }
                        let key = if top.is_map { top.key.take() } else { None };
                        match (top.ctx, key.as_deref()) {
                            (Ctx::Root, Some("metadata")) if is_map => {
                                if std::mem::replace(&mut seen_md, true) {
                                    return None;
                                }
                                Ctx::Metadata
                            }
                            (Ctx::Metadata, Some("annotations")) if is_map => {
                                if std::mem::replace(&mut seen_ann, true) {
                                    return None;
                                }
                                head.annotations = Some(BTreeMap::new());
                                Ctx::Annotations
                            }
                            (Ctx::Root, Some("apiVersion" | "kind" | "metadata"))
                            | (Ctx::Metadata, Some("name" | "annotations"))
                            | (Ctx::Annotations, _) => return None,
                            _ => Ctx::Other,
                        }
                    }
                };
                stack.push(Frame {
                    is_map,
                    ctx,
                    expecting_key: is_map,
                    key: None,
                });
            }
        }
    }
    (root_seen && stack.is_empty()).then_some(head)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ann(pairs: &[(&str, &str)]) -> Option<BTreeMap<String, String>> {
        Some(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    #[test]
    fn reads_simple_heads() {
        let h = fast_head(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  annotations:\n    \"helm.sh/hook\": pre-install\n    b: \"1\"\ndata:\n  a: [1, 2.5, {b: c}]\n",
        )
        .unwrap();
        assert_eq!(h.api_version, "v1");
        assert_eq!(h.kind, "ConfigMap");
        assert_eq!(h.name, "x");
        assert_eq!(
            h.annotations,
            ann(&[("b", "1"), ("helm.sh/hook", "pre-install")])
        );
        let h = fast_head("kind: A\nmetadata:\n  annotations:\n").unwrap();
        assert_eq!(h.annotations, None);
        let h = fast_head("kind: A\nmetadata:\n  annotations: {}\n").unwrap();
        assert_eq!(h.annotations, ann(&[]));
    }

    #[test]
    fn gives_up_when_unsure() {
        for doc in [
            "kind: 1\n",
            "kind: true\n",
            "kind: [a]\n",
            "a: &x 1\nb: *x\n",
            "a: !!str x\n",
            "<<: {a: 1}\n",
            "~: 1\n",
            "1: 1\n",
            "a: .inf\n",
            "a: -.Inf\n",
            "a: .NaN\n",
            "a: .5e999\n",
            "a: 1e999\n",
            "a: \"\\/\"\n",
            "- a\n",
            "x\n",
            "kind: A\nkind: B\n",
            "a: [\n",
            "%YAML 1.1\n---\na: 1\n",
            "metadata: x\n",
            "",
        ] {
            assert_eq!(fast_head(doc), None, "{doc:?}");
        }
    }
}
