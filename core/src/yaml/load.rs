//! Reading YAML text into a node tree (the shape go-yaml's parser builds before decoding):
//! scalars keep their style and tag so resolution can follow YAML 1.1 rules later, and
//! aliases stay references to their anchored node.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, ScanError};

use super::YamlError;

/// Deepest nesting of collections accepted. go-yaml stops at 10000; we stop much earlier
/// so that every recursive walk over the result (decoding, emitting, and the engine's own
/// walks) stays well inside a wasm32 stack or a debug-build test thread. Real charts nest
/// a few dozen levels at most.
pub(crate) const MAX_DEPTH: usize = 300;

/// Index of a node in [`Document::nodes`].
pub(crate) type NodeId = usize;

/// One parsed node.
#[derive(Debug)]
pub(crate) enum Node {
    Scalar {
        value: String,
        /// A plain (unquoted, non-block) scalar: only these are resolved implicitly.
        plain: bool,
        /// The full tag (`tag:yaml.org,2002:int`, `!foo`), if one was written.
        tag: Option<String>,
    },
    Seq(Vec<NodeId>),
    Map(Vec<(NodeId, NodeId)>),
    /// An alias to an anchored node (possibly one still being built: a self reference).
    Alias(NodeId),
}

/// A parsed document: its nodes and which one is the root (`None` for an empty document).
#[derive(Debug, Default)]
pub(crate) struct Document {
    pub nodes: Vec<Node>,
    pub root: Option<NodeId>,
    /// The 1-based line each node starts on, for error messages.
    pub lines: Vec<usize>,
    /// Where an alias to each aliased node appears (a character index), to name the
    /// anchor in error messages.
    pub alias_positions: HashMap<NodeId, usize>,
}

/// libyaml's wording of a problem saphyr reports, and whether libyaml finds it while
/// parsing (rather than scanning), which changes how go-yaml numbers the line.
fn go_message(info: &str) -> (String, bool) {
    let problem = info.rsplit_once(", ").map_or(info, |(_, p)| p);
    let lower = info.to_ascii_lowercase();
    let parser_messages = [
        (
            "did not find expected node content",
            "did not find expected node content",
        ),
        ("unexpected eof", "did not find expected node content"),
        (
            "block mapping, did not find expected key",
            "did not find expected key",
        ),
        (
            "did not find expected '-' indicator",
            "did not find expected '-' indicator",
        ),
        ("expected ',' or ']'", "did not find expected ',' or ']'"),
        ("expected ',' or '}'", "did not find expected ',' or '}'"),
        ("document start", "did not find expected <document start>"),
        ("handle wasn't declared", "found undefined tag handle"),
    ];
    for (needle, message) in parser_messages {
        if lower.contains(needle) {
            return (message.to_string(), true);
        }
    }
    let scanner_messages = [
        ("tab", "found character that cannot start any token"),
        (
            "unexpected character",
            "found character that cannot start any token",
        ),
        ("simple key expect", "could not find expected ':'"),
        ("unexpected end of stream", "found unexpected end of stream"),
    ];
    for (needle, message) in scanner_messages {
        if lower.contains(needle) {
            return (message.to_string(), false);
        }
    }
    (problem.to_string(), false)
}

/// An error with go-yaml's `line N: ` prefix: scanner errors give the 1-based line of the
/// problem, parser errors the 0-based one (libyaml moves the end of an input without a
/// final newline onto the next line); no prefix on the first line.
fn scan_error(e: &ScanError, text: &str) -> YamlError {
    let mark = e.marker();
    if e.info().contains("unknown anchor") {
        return YamlError {
            message: format!(
                "yaml: unknown anchor '{}' referenced",
                anchor_name_at(text, mark.index())
            ),
            line: Some(mark.line()),
            column: Some(mark.col() + 1),
        };
    }
    let (message, from_parser) = go_message(e.info());
    let zero_based = mark.line().saturating_sub(1);
    let shown = if from_parser {
        let at_end = mark.index() >= text.chars().count();
        if at_end && mark.col() != 0 {
            zero_based + 1
        } else {
            zero_based
        }
    } else if zero_based == 0 {
        0
    } else {
        zero_based + 1
    };
    let message = if shown == 0 {
        format!("yaml: {message}")
    } else {
        format!("yaml: line {shown}: {message}")
    };
    YamlError {
        message,
        line: Some(mark.line()),
        column: Some(mark.col() + 1),
    }
}

/// The anchor name of the alias (`*name`) starting at character `index`.
pub(crate) fn anchor_name_at(text: &str, index: usize) -> String {
    text.chars()
        .skip(index)
        .skip_while(|&c| c == '*' || c == '&')
        .take_while(|&c| !c.is_whitespace() && !matches!(c, ',' | '[' | ']' | '{' | '}'))
        .collect()
}

/// Rejects a `%YAML` directive for any version but 1.1, as libyaml does
/// ("found incompatible YAML document"). saphyr does not report directives as events,
/// so look at the directive lines that precede the first document.
fn check_version_directive(text: &str) -> Result<(), YamlError> {
    for (i, line) in text.lines().enumerate() {
        let t = line.trim_end();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        if let Some(rest) = t.strip_prefix("%YAML") {
            let version = rest.split('#').next().unwrap_or("").trim();
            if version != "1.1" {
                return Err(YamlError {
                    message: "yaml: found incompatible YAML document".into(),
                    line: Some(i + 1),
                    column: None,
                });
            }
            continue;
        }
        if t.starts_with('%') {
            continue;
        }
        break;
    }
    Ok(())
}

/// Characters libyaml's reader accepts in a YAML stream.
pub(crate) fn is_yaml_char(c: char) -> bool {
    matches!(c as u32,
        0x09 | 0x0A | 0x0D | 0x20..=0x7E | 0x85 | 0xA0..=0xD7FF | 0xE000..=0xFFFD | 0x10000..)
}

/// What it takes to correct two places where saphyr (YAML 1.2) and libyaml differ and the
/// source text must be consulted: escapes libyaml does not know (`\/`), and block scalars
/// that end an input without a final newline.
struct SourceQuirks {
    /// Character count of an input that does not end with a newline.
    unterminated_len: Option<usize>,
    /// Byte offset of every character, when the text has a suspicious escape.
    char_offsets: Option<Vec<usize>>,
}

/// The escapes libyaml accepts after a backslash in a double-quoted scalar.
pub(crate) fn known_escape(c: char) -> bool {
    matches!(
        c,
        '0' | 'a'
            | 'b'
            | 't'
            | '\t'
            | 'n'
            | 'v'
            | 'f'
            | 'r'
            | 'e'
            | ' '
            | '"'
            | '\''
            | '\\'
            | 'N'
            | '_'
            | 'L'
            | 'P'
            | 'x'
            | 'u'
            | 'U'
            | '\n'
            | '\r'
    )
}

impl SourceQuirks {
    fn new(text: &str) -> Self {
        let unterminated_len =
            (!text.is_empty() && !text.ends_with('\n')).then(|| text.chars().count());
        let mut suspicious = false;
        let mut chars = text.chars();
        while let Some(c) = chars.next() {
            if c == '\\' {
                match chars.next() {
                    Some(e) if known_escape(e) => {}
                    _ => {
                        suspicious = true;
                        break;
                    }
                }
            }
        }
        let char_offsets = suspicious.then(|| text.char_indices().map(|(i, _)| i).collect());
        SourceQuirks {
            unterminated_len,
            char_offsets,
        }
    }

    fn ends_unterminated(&self, end: usize) -> bool {
        self.unterminated_len.is_some_and(|len| end >= len)
    }

    /// Fails on an escape libyaml rejects in the double-quoted scalar starting at `start`.
    fn check_escapes(&self, text: &str, start: usize, line: usize) -> Result<(), YamlError> {
        let Some(offsets) = &self.char_offsets else {
            return Ok(());
        };
        let Some(&from) = offsets.get(start) else {
            return Ok(());
        };
        let mut chars = text[from..].chars().skip(1);
        while let Some(c) = chars.next() {
            match c {
                '"' => return Ok(()),
                '\\' => match chars.next() {
                    Some(e) if known_escape(e) => {}
                    _ => {
                        let message = if line > 1 {
                            format!("yaml: line {line}: found unknown escape character")
                        } else {
                            "yaml: found unknown escape character".to_string()
                        };
                        return Err(YamlError {
                            message,
                            line: Some(line),
                            column: None,
                        });
                    }
                },
                _ => {}
            }
        }
        Ok(())
    }
}

enum Open {
    Seq(NodeId, Vec<NodeId>),
    Map(NodeId, Vec<(NodeId, NodeId)>, Option<NodeId>),
}

/// Parses the first document of `text` (go-yaml's `Unmarshal` reads only the first).
pub(crate) fn parse_first_document(text: &str) -> Result<Document, YamlError> {
    check_version_directive(text)?;
    if !text.chars().all(is_yaml_char) {
        return Err(YamlError {
            message: "yaml: control characters are not allowed".into(),
            line: None,
            column: None,
        });
    }
    // YAML 1.1 (libyaml) reads NEL as a line break; saphyr follows YAML 1.2, which does not.
    let text: std::borrow::Cow<'_, str> = if text.contains('\u{85}') {
        text.replace('\u{85}', "\n").into()
    } else {
        text.into()
    };
    let mut parser = Parser::new_from_str(&text);
    let quirks = SourceQuirks::new(&text);
    let mut doc = Document::default();
    let mut anchors: HashMap<usize, NodeId> = HashMap::new();
    let mut stack: Vec<Open> = Vec::new();
    let mut started = false;

    while let Some(next) = parser.next_event() {
        let (event, span) = next.map_err(|e| scan_error(&e, &text))?;
        let line = span.start.line();
        let (node, anchor) = match event {
            Event::StreamStart | Event::Nothing => continue,
            Event::StreamEnd => break,
            Event::DocumentStart(_) => {
                if started {
                    break;
                }
                started = true;
                continue;
            }
            Event::DocumentEnd => break,
            Event::Alias(id) => match anchors.get(&id) {
                Some(&target) => {
                    doc.alias_positions
                        .entry(target)
                        .or_insert(span.start.index());
                    (Node::Alias(target), 0)
                }
                None => {
                    return Err(YamlError {
                        message: format!("yaml: line {line}: unknown anchor referenced"),
                        line: Some(line),
                        column: None,
                    });
                }
            },
            Event::Scalar(value, style, anchor, tag) => {
                let tag = tag.map(|t| format!("{}{}", t.handle, t.suffix));
                let mut value = value.into_owned();
                if style == ScalarStyle::DoubleQuoted {
                    quirks.check_escapes(&text, span.start.index(), line)?;
                }
                if matches!(style, ScalarStyle::Literal | ScalarStyle::Folded)
                    && quirks.ends_unterminated(span.end.index())
                    && value.ends_with('\n')
                {
                    // libyaml ends a block scalar at the end of an input without a final
                    // newline without adding one.
                    value.pop();
                }
                (
                    Node::Scalar {
                        value,
                        plain: matches!(style, ScalarStyle::Plain),
                        tag,
                    },
                    anchor,
                )
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(YamlError {
                        message: format!("yaml: line {line}: exceeded max depth of {MAX_DEPTH}"),
                        line: Some(line),
                        column: None,
                    });
                }
                let id = doc.nodes.len();
                // A placeholder until the collection closes; anchors resolve to it already.
                doc.nodes.push(Node::Seq(Vec::new()));
                doc.lines.push(line);
                if anchor != 0 {
                    anchors.insert(anchor, id);
                }
                if matches!(event, Event::SequenceStart(..)) {
                    stack.push(Open::Seq(id, Vec::new()));
                } else {
                    stack.push(Open::Map(id, Vec::new(), None));
                }
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let Some(open) = stack.pop() else {
                    continue;
                };
                let id = match open {
                    Open::Seq(id, items) => {
                        doc.nodes[id] = Node::Seq(items);
                        id
                    }
                    Open::Map(id, pairs, _) => {
                        doc.nodes[id] = Node::Map(pairs);
                        id
                    }
                };
                attach(&mut stack, &mut doc, id);
                continue;
            }
        };
        let id = doc.nodes.len();
        doc.nodes.push(node);
        doc.lines.push(line);
        if anchor != 0 {
            anchors.insert(anchor, id);
        }
        attach(&mut stack, &mut doc, id);
    }
    Ok(doc)
}

fn attach(stack: &mut [Open], doc: &mut Document, id: NodeId) {
    match stack.last_mut() {
        None => {
            if doc.root.is_none() {
                doc.root = Some(id);
            }
        }
        Some(Open::Seq(_, items)) => items.push(id),
        Some(Open::Map(_, pairs, pending)) => match pending.take() {
            None => *pending = Some(id),
            Some(key) => pairs.push((key, id)),
        },
    }
}

/// Splits a values file into documents the way Kubernetes' `YAMLReader` does: a line
/// starting with `---` ends a document (only spaces or a comment may follow it), and
/// empty documents are skipped.
pub(crate) fn split_documents(text: &str) -> Result<Vec<&str>, YamlError> {
    let mut docs = Vec::new();
    let mut start = 0;
    let mut pos = 0;
    let bytes = text.as_bytes();
    while pos < bytes.len() {
        let end = text[pos..].find('\n').map_or(bytes.len(), |i| pos + i + 1);
        let line = &text[pos..end];
        if let Some(rest) = line.strip_prefix("---") {
            let trimmed = rest.trim();
            if !trimmed.is_empty() && !trimmed.starts_with('#') {
                return Err(YamlError {
                    message: format!(
                        "error reading yaml document: invalid Yaml document separator: {trimmed}"
                    ),
                    line: None,
                    column: None,
                });
            }
            if pos > start {
                docs.push(&text[start..pos]);
            }
            start = end;
        }
        pos = end;
    }
    if bytes.len() > start {
        docs.push(&text[start..]);
    }
    Ok(docs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_like_yaml_reader() {
        let docs = split_documents("a: 1\n---\n---\nb: 2\n--- # c\nc: 3\n").unwrap();
        assert_eq!(docs, vec!["a: 1\n", "b: 2\n", "c: 3\n"]);
        assert!(split_documents("a: 1\n--- x\n").is_err());
    }

    #[test]
    fn builds_tree_with_aliases() {
        let doc = parse_first_document("a: &x [1, 2]\nb: *x\n").unwrap();
        let Some(root) = doc.root else { panic!() };
        let Node::Map(pairs) = &doc.nodes[root] else {
            panic!()
        };
        assert_eq!(pairs.len(), 2);
        assert!(matches!(doc.nodes[pairs[1].1], Node::Alias(_)));
    }

    #[test]
    fn libyaml_source_quirks() {
        let scalar = |text: &str| match parse_first_document(text) {
            Ok(doc) => match doc.nodes.last() {
                Some(Node::Scalar { value, .. }) => value.clone(),
                _ => String::new(),
            },
            Err(e) => e.message,
        };
        assert_eq!(scalar("a: |\n  x\n  y"), "x\ny");
        assert_eq!(scalar("a: |\n  x\n  y\n"), "x\ny\n");
        assert_eq!(
            scalar("a: \"x\\/y\""),
            "yaml: found unknown escape character"
        );
        assert_eq!(scalar("a: '\\/'"), "\\/");
        assert_eq!(scalar("a: \"x\u{85} y\""), "x y");
        assert_eq!(
            scalar("a: \"x\u{7f}\""),
            "yaml: control characters are not allowed"
        );
    }

    #[test]
    fn version_directive() {
        assert!(parse_first_document("%YAML 1.2\n---\na: 1\n").is_err());
        assert!(parse_first_document("%YAML 1.1\n---\na: 1\n").is_ok());
    }
}
