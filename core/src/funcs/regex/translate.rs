//! Go's RE2 syntax (Go's `regexp/syntax`) rewritten for the `regex` crate.
//!
//! The two dialects mostly agree; the differences handled here:
//! - `\d`, `\w`, `\s`, `\b` are ASCII-only in Go, Unicode in the crate;
//! - Go accepts `\Q…\E`, octal escapes, `\p{^Greek}`, and a `{` that does not start a
//!   repetition as a literal; the crate does not;
//! - inside classes the crate gives `[`, `&&`, `--`, `~~` set meanings Go does not have;
//! - escaped punctuation is always a literal in Go (`\<` is a word start in the crate);
//! - Go rejects repetition counts over 1000, nested repetition (`a**`) and flags other
//!   than `imsU`, where the crate accepts them.
//!
//! Errors carry Go's message (`missing closing ): `(``), without the
//! `error parsing regexp: ` prefix.

/// Go's limit on `{n,m}` counts.
const MAX_REPEAT: u32 = 1000;

/// A Go parse error: the error code's text and the offending expression.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct SyntaxError {
    pub code: &'static str,
    pub expr: String,
}

impl std::fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "error parsing regexp: {}: `{}`", self.code, self.expr)
    }
}

fn error(code: &'static str, expr: impl Into<String>) -> SyntaxError {
    SyntaxError {
        code,
        expr: expr.into(),
    }
}

/// What the previous item allows a repetition operator to do.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Prev {
    /// Start of the expression, `(` or `|`: nothing to repeat.
    Nothing,
    /// An atom that can be repeated.
    Atom,
    /// A repetition operator (`*`, `+`, `?`, `{n}`); a single `?` may follow it.
    Repeat,
    /// A repetition already made non-greedy.
    LazyRepeat,
}

/// A pattern in the crate's syntax, with Go's capture-group names by group index
/// (index 0, the whole match, has none). Go allows a name twice; the crate does not,
/// so repeated names stay here but are dropped from the translated pattern.
#[derive(Debug)]
pub(crate) struct Translated {
    pub pattern: String,
    pub group_names: Vec<Option<String>>,
}

/// Translates a Go regular expression into the `regex` crate's syntax.
pub(crate) fn translate(pattern: &str) -> Result<Translated, SyntaxError> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = String::with_capacity(pattern.len() + 8);
    let mut group_names = vec![None];
    let mut depth = 0usize;
    let mut prev = Prev::Nothing;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\\' => {
                let (text, next) = translate_escape(&chars, i, false)?;
                out.push_str(&text);
                i = next;
                prev = if text.is_empty() { prev } else { Prev::Atom };
                continue;
            }
            '[' => {
                let (text, next) = translate_class(&chars, i)?;
                out.push_str(&text);
                i = next;
                prev = Prev::Atom;
                continue;
            }
            '(' => {
                let (next, opened) = translate_group_open(&chars, i, &mut out, &mut group_names)?;
                if opened {
                    depth += 1;
                    prev = Prev::Nothing;
                }
                i = next;
                continue;
            }
            ')' => {
                if depth == 0 {
                    return Err(error("unexpected )", pattern));
                }
                depth -= 1;
                out.push(')');
                prev = Prev::Atom;
            }
            '|' => {
                out.push('|');
                prev = Prev::Nothing;
            }
            '*' | '+' | '?' => {
                prev = repeat_allowed(prev, &chars, i, i + 1, c == '?')?;
                out.push(c);
            }
            '{' => match parse_repeat(&chars, i) {
                Some((lo, hi, next)) => {
                    let text: String = chars[i..next].iter().collect();
                    if lo > MAX_REPEAT || hi.is_some_and(|h| h > MAX_REPEAT || h < lo) {
                        return Err(error("invalid repeat count", text));
                    }
                    prev = repeat_allowed(prev, &chars, i, next, false)?;
                    out.push_str(&text);
                    i = next;
                    continue;
                }
                None => {
                    out.push_str("\\{");
                    prev = Prev::Atom;
                }
            },
            '}' => {
                out.push_str("\\}");
                prev = Prev::Atom;
            }
            _ => {
                out.push(c);
                prev = Prev::Atom;
            }
        }
        i += 1;
    }
    if depth > 0 {
        return Err(error("missing closing )", pattern));
    }
    Ok(Translated {
        pattern: out,
        group_names,
    })
}

/// Checks a repetition operator spanning `chars[start..end]` against what precedes it.
fn repeat_allowed(
    prev: Prev,
    chars: &[char],
    start: usize,
    end: usize,
    is_question: bool,
) -> Result<Prev, SyntaxError> {
    match prev {
        Prev::Atom => Ok(Prev::Repeat),
        Prev::Repeat if is_question => Ok(Prev::LazyRepeat),
        Prev::Nothing => {
            let op: String = chars[start..end].iter().collect();
            Err(error("missing argument to repetition operator", op))
        }
        Prev::Repeat | Prev::LazyRepeat => {
            // Go quotes from the previous operator through this one.
            let from = (0..start)
                .rev()
                .find(|&j| matches!(chars[j], '*' | '+' | '?' | '{'))
                .unwrap_or(start);
            let op: String = chars[from..end].iter().collect();
            Err(error("invalid nested repetition operator", op))
        }
    }
}

/// `{n}`, `{n,}` or `{n,m}` starting at `start`: (n, m, index after `}`).
fn parse_repeat(chars: &[char], start: usize) -> Option<(u32, Option<u32>, usize)> {
    let mut i = start + 1;
    let number = |i: &mut usize| -> Option<u32> {
        let begin = *i;
        while *i < chars.len() && chars[*i].is_ascii_digit() {
            *i += 1;
        }
        if *i == begin {
            return None;
        }
        let digits: String = chars[begin..*i].iter().collect();
        // Huge counts are still a repetition, just an invalid one.
        Some(digits.parse::<u32>().unwrap_or(u32::MAX))
    };
    let lo = number(&mut i)?;
    let hi = if chars.get(i) == Some(&',') {
        i += 1;
        if chars.get(i) == Some(&'}') {
            None
        } else {
            Some(number(&mut i)?)
        }
    } else {
        Some(lo)
    };
    if chars.get(i) != Some(&'}') {
        return None;
    }
    Some((lo, hi, i + 1))
}

/// An opening parenthesis: plain group, named group, or flags.
/// Returns the index after it and whether it opened a group (`(?i)` does not).
fn translate_group_open(
    chars: &[char],
    start: usize,
    out: &mut String,
    group_names: &mut Vec<Option<String>>,
) -> Result<(usize, bool), SyntaxError> {
    if chars.get(start + 1) != Some(&'?') {
        group_names.push(None);
        out.push('(');
        return Ok((start + 1, true));
    }
    let rest: String = chars[start..].iter().collect();
    let named = rest
        .strip_prefix("(?P<")
        .map(|r| (r, 4))
        .or_else(|| rest.strip_prefix("(?<").map(|r| (r, 3)));
    if let Some((tail, prefix_len)) = named {
        let Some(end) = tail.find('>') else {
            return Err(error("invalid named capture", rest));
        };
        let name = &tail[..end];
        let valid = !name.is_empty() && name.chars().all(|c| c.is_alphanumeric() || c == '_');
        if !valid {
            let shown: String = chars[start..start + prefix_len + name.chars().count() + 1]
                .iter()
                .collect();
            return Err(error("invalid named capture", shown));
        }
        // Names live only in `group_names`: Go accepts names the crate rejects
        // (`1a`) and repeated names.
        let name = name.to_string();
        out.push('(');
        let consumed = prefix_len + name.chars().count() + 1;
        group_names.push(Some(name));
        return Ok((start + consumed, true));
    }
    // Flags: (?flags) or (?flags:re), flags from "imsU" with at most one '-'.
    let mut i = start + 2;
    let mut seen_minus = false;
    let mut any_flag = false;
    while let Some(&c) = chars.get(i) {
        match c {
            'i' | 'm' | 's' | 'U' => any_flag = true,
            '-' if !seen_minus => seen_minus = true,
            ':' | ')' => {
                if seen_minus && chars[i - 1] == '-' {
                    break;
                }
                // `(?)` sets no flags; the crate rejects it, Go does not.
                if any_flag || c == ':' {
                    let text: String = chars[start..=i].iter().collect();
                    out.push_str(&text);
                }
                return Ok((i + 1, c == ':'));
            }
            _ => break,
        }
        i += 1;
    }
    let end = (i + 1).min(chars.len());
    let shown: String = chars[start..end].iter().collect();
    Err(error("invalid or unsupported Perl syntax", shown))
}

/// The ASCII classes Go means by `\d`, `\w`, `\s` (as class contents).
fn perl_class(c: char) -> Option<(&'static str, bool)> {
    match c {
        'd' => Some(("0-9", false)),
        'D' => Some(("0-9", true)),
        'w' => Some(("0-9A-Za-z_", false)),
        'W' => Some(("0-9A-Za-z_", true)),
        's' => Some(("\\t\\n\\x0C\\r ", false)),
        'S' => Some(("\\t\\n\\x0C\\r ", true)),
        _ => None,
    }
}

/// One escape sequence starting at the backslash `chars[start]`: its translation and the
/// index after it. Inside a class, classes come back as class items (`0-9`, `[^0-9]`).
fn translate_escape(
    chars: &[char],
    start: usize,
    in_class: bool,
) -> Result<(String, usize), SyntaxError> {
    let Some(&c) = chars.get(start + 1) else {
        return Err(error("trailing backslash at end of expression", ""));
    };
    let after = start + 2;
    if let Some((body, negated)) = perl_class(c) {
        let text = match (in_class, negated) {
            (true, false) => body.to_string(),
            (_, true) => format!("[^{body}]"),
            (false, false) => format!("[{body}]"),
        };
        return Ok((text, after));
    }
    match c {
        'b' | 'B' if !in_class => Ok((format!("(?-u:\\{c})"), after)),
        'A' | 'z' if !in_class => Ok((format!("\\{c}"), after)),
        'Q' if !in_class => {
            let rest: String = chars[after..].iter().collect();
            let (literal, consumed) = match rest.find("\\E") {
                Some(end) => (&rest[..end], rest[..end].chars().count() + 2),
                None => (rest.as_str(), rest.chars().count()),
            };
            Ok((regex::escape(literal), after + consumed))
        }
        'p' | 'P' => translate_unicode_class(chars, start, c == 'P'),
        _ => {
            let (ch, next) = escaped_char(chars, start)?;
            Ok((literal(ch, in_class), next))
        }
    }
}

/// `\pL`, `\p{Greek}`, `\P{Greek}`, `\p{^Greek}`.
fn translate_unicode_class(
    chars: &[char],
    start: usize,
    negated: bool,
) -> Result<(String, usize), SyntaxError> {
    let bad = |end: usize| {
        let text: String = chars[start..end.min(chars.len())].iter().collect();
        error("invalid character class range", text)
    };
    let Some(&first) = chars.get(start + 2) else {
        return Err(bad(start + 2));
    };
    let (mut name, next) = if first == '{' {
        let Some(close) = chars[start + 3..].iter().position(|&c| c == '}') else {
            return Err(bad(chars.len()));
        };
        let name: String = chars[start + 3..start + 3 + close].iter().collect();
        (name, start + 4 + close)
    } else {
        (first.to_string(), start + 3)
    };
    let mut negated = negated;
    if let Some(stripped) = name.strip_prefix('^') {
        negated = !negated;
        name = stripped.to_string();
    }
    if name.is_empty() {
        return Err(bad(next));
    }
    let letter = if negated { 'P' } else { 'p' };
    Ok((format!("\\{letter}{{{name}}}"), next))
}

/// A single-character escape (`\n`, `\x41`, `\x{263a}`, `\101`, `\.`): the character
/// and the index after the escape.
fn escaped_char(chars: &[char], start: usize) -> Result<(char, usize), SyntaxError> {
    let c = chars[start + 1];
    let after = start + 2;
    let invalid = |end: usize| {
        let text: String = chars[start..end.min(chars.len())].iter().collect();
        error("invalid escape sequence", text)
    };
    let simple = match c {
        'a' => Some('\x07'),
        'f' => Some('\x0C'),
        't' => Some('\t'),
        'n' => Some('\n'),
        'r' => Some('\r'),
        'v' => Some('\x0B'),
        _ => None,
    };
    if let Some(ch) = simple {
        return Ok((ch, after));
    }
    // Go: an escaped ASCII character that is not a letter or digit is itself.
    if c.is_ascii() && !c.is_ascii_alphanumeric() {
        return Ok((c, after));
    }
    if ('0'..='7').contains(&c) {
        // A lone non-zero digit would be a backreference, which RE2 lacks.
        let next_is_octal = chars.get(after).is_some_and(|d| ('0'..='7').contains(d));
        if c != '0' && !next_is_octal {
            return Err(invalid(after));
        }
        let mut value = c.to_digit(8).unwrap_or(0);
        let mut i = after;
        while i < start + 4 && chars.get(i).is_some_and(|d| ('0'..='7').contains(d)) {
            value = value * 8 + chars[i].to_digit(8).unwrap_or(0);
            i += 1;
        }
        return char::from_u32(value)
            .map(|ch| (ch, i))
            .ok_or_else(|| invalid(i));
    }
    if c == 'x' {
        if chars.get(after) == Some(&'{') {
            let close = chars[after..].iter().position(|&d| d == '}');
            let Some(close) = close else {
                return Err(invalid(chars.len()));
            };
            let hex: String = chars[after + 1..after + close].iter().collect();
            let ch = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32);
            return ch
                .map(|ch| (ch, after + close + 1))
                .ok_or_else(|| invalid(after + close + 1));
        }
        let hex: String = chars
            .get(after..after + 2)
            .map(|h| h.iter().collect())
            .unwrap_or_default();
        let ch = (hex.len() == 2)
            .then(|| u32::from_str_radix(&hex, 16).ok())
            .flatten()
            .and_then(char::from_u32);
        return ch
            .map(|ch| (ch, after + 2))
            .ok_or_else(|| invalid(after + 2));
    }
    Err(invalid(after))
}

/// A character as a literal for the crate, in or out of a class.
fn literal(c: char, in_class: bool) -> String {
    if c.is_ascii_punctuation() {
        let special = if in_class {
            "\\[]^-&~"
        } else {
            "\\.+*?()|[]{}^$#&-~"
        };
        if special.contains(c) {
            return format!("\\{c}");
        }
        return c.to_string();
    }
    if c.is_control() || c.is_whitespace() {
        return format!("\\x{{{:X}}}", c as u32);
    }
    c.to_string()
}

/// A bracket class starting at `chars[start] == '['`: its translation and the index
/// after the closing `]`.
fn translate_class(chars: &[char], start: usize) -> Result<(String, usize), SyntaxError> {
    let whole = || -> String { chars[start..].iter().collect() };
    let mut out = String::from("[");
    let mut i = start + 1;
    if chars.get(i) == Some(&'^') {
        out.push('^');
        i += 1;
    }
    let mut first = true;
    loop {
        let Some(&c) = chars.get(i) else {
            return Err(error("missing closing ]", whole()));
        };
        if c == ']' && !first {
            out.push(']');
            return Ok((out, i + 1));
        }
        first = false;
        if c == '[' && chars.get(i + 1) == Some(&':') {
            let rest: String = chars[i..].iter().collect();
            // Go looks for the closing `:]` after the opening `[:`.
            if let Some(end) = rest[2..].find(":]").map(|e| e + 2) {
                let name = rest[2..end].trim_start_matches('^');
                const NAMES: [&str; 14] = [
                    "alnum", "alpha", "ascii", "blank", "cntrl", "digit", "graph", "lower",
                    "print", "punct", "space", "upper", "word", "xdigit",
                ];
                if !NAMES.contains(&name) {
                    return Err(error("invalid character class range", &rest[..end + 2]));
                }
                out.push_str(&rest[..end + 2]);
                i += rest[..end + 2].chars().count();
                continue;
            }
        }
        if c == '\\' {
            let escaped = chars.get(i + 1).copied().unwrap_or(' ');
            if perl_class(escaped).is_some() || matches!(escaped, 'p' | 'P') {
                let (text, next) = translate_escape(chars, i, true)?;
                out.push_str(&text);
                i = next;
                continue;
            }
        }
        let range_start = i;
        let (lo, next) = class_char(chars, i, &whole)?;
        i = next;
        let mut hi = lo;
        if chars.get(i) == Some(&'-') && chars.get(i + 1).is_some_and(|&d| d != ']') {
            let (h, next) = class_char(chars, i + 1, &whole)?;
            if h < lo {
                let text: String = chars[range_start..next].iter().collect();
                return Err(error("invalid character class range", text));
            }
            hi = h;
            i = next;
        }
        out.push_str(&literal(lo, true));
        if hi != lo {
            out.push('-');
            out.push_str(&literal(hi, true));
        }
    }
}

fn class_char(
    chars: &[char],
    i: usize,
    whole: &dyn Fn() -> String,
) -> Result<(char, usize), SyntaxError> {
    match chars.get(i) {
        None => Err(error("missing closing ]", whole())),
        Some('\\') => {
            if i + 1 >= chars.len() {
                return Err(error("missing closing ]", whole()));
            }
            escaped_char(chars, i)
        }
        Some(&c) => Ok((c, i + 1)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(p: &str) -> String {
        translate(p).unwrap().pattern
    }

    fn e(p: &str) -> String {
        translate(p).unwrap_err().to_string()
    }

    #[test]
    fn ascii_perl_classes() {
        assert_eq!(t(r"\d+"), "[0-9]+");
        assert_eq!(t(r"[\w.]"), "[0-9A-Za-z_.]");
        assert_eq!(t(r"[^\D]"), "[^[^0-9]]");
        assert_eq!(t(r"\bx"), r"(?-u:\b)x");
    }

    #[test]
    fn go_only_syntax_is_rewritten() {
        assert_eq!(t(r"\Qa.b\E+"), r"a\.b+");
        assert_eq!(t("a{"), r"a\{");
        assert_eq!(t("a{1,2}"), "a{1,2}");
        assert_eq!(t(r"\<"), "<");
        assert_eq!(t("[[&]"), r"[\[\&]");
        assert_eq!(t(r"\101"), "A");
        assert_eq!(t(r"\p{^Greek}"), r"\P{Greek}");
        assert_eq!(t(r"(?P<first>\w+)"), "([0-9A-Za-z_]+)");
        assert_eq!(t("(?)a"), "a");
        assert_eq!(t("(?i)abc"), "(?i)abc");
        assert_eq!(t("[]a]"), r"[\]a]");
    }

    #[test]
    fn go_error_messages() {
        assert_eq!(e("["), "error parsing regexp: missing closing ]: `[`");
        assert_eq!(e("a[bc"), "error parsing regexp: missing closing ]: `[bc`");
        assert_eq!(e("("), "error parsing regexp: missing closing ): `(`");
        assert_eq!(e("a)"), "error parsing regexp: unexpected ): `a)`");
        assert_eq!(
            e(r"(a)\1"),
            r"error parsing regexp: invalid escape sequence: `\1`"
        );
        assert_eq!(
            e("a(?=b)"),
            "error parsing regexp: invalid or unsupported Perl syntax: `(?=`"
        );
        assert_eq!(
            e("*a"),
            "error parsing regexp: missing argument to repetition operator: `*`"
        );
        assert_eq!(
            e("a**"),
            "error parsing regexp: invalid nested repetition operator: `**`"
        );
        assert_eq!(
            e("a{1001}"),
            "error parsing regexp: invalid repeat count: `{1001}`"
        );
        assert_eq!(
            e("[z-a]"),
            "error parsing regexp: invalid character class range: `z-a`"
        );
        assert!(translate("a*?").is_ok());
        assert!(translate("(?x)a").is_err());
        assert_eq!(t("[[:]"), r"[\[:]");
        assert!(translate("[[:]a:]]").is_err());
        let dup = translate("(?P<n>a)(b)(?P<n>c)").unwrap();
        assert_eq!(dup.pattern, "(a)(b)(c)");
        assert_eq!(dup.group_names[3].as_deref(), Some("n"));
    }
}
