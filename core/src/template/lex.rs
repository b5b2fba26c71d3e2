//! The lexer: Go's `text/template/parse/lex.go` rules (delimiters `{{ }}`, trim markers,
//! comments, literals), producing every token of a source up front. Lexing stops at the
//! first error, which becomes an [`ItemKind::Error`] token carrying Go's message.

use std::borrow::Cow;

/// A byte offset into the template source.
pub type Pos = usize;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ItemKind {
    Error,
    Bool,
    Char,
    CharConstant,
    Complex,
    Assign,
    Declare,
    Eof,
    Field,
    Identifier,
    LeftDelim,
    LeftParen,
    Number,
    Pipe,
    RawString,
    RightDelim,
    RightParen,
    Space,
    String,
    Text,
    Variable,
    // Keywords (Go prints them as `<name>`).
    Block,
    Break,
    Continue,
    Dot,
    Define,
    Else,
    End,
    If,
    Nil,
    Range,
    Template,
    With,
}

impl ItemKind {
    fn is_keyword(self) -> bool {
        matches!(
            self,
            ItemKind::Block
                | ItemKind::Break
                | ItemKind::Continue
                | ItemKind::Dot
                | ItemKind::Define
                | ItemKind::Else
                | ItemKind::End
                | ItemKind::If
                | ItemKind::Nil
                | ItemKind::Range
                | ItemKind::Template
                | ItemKind::With
        )
    }
}

/// One token: its kind, where it starts, its text (or error message) and its line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item<'a> {
    pub kind: ItemKind,
    pub pos: Pos,
    /// The token's text, borrowed from the source (owned only for error messages).
    pub val: Cow<'a, str>,
    pub line: usize,
}

impl std::fmt::Display for Item<'_> {
    /// Go's `item.String()`, used in "unexpected X in Y" parse errors.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.kind {
            ItemKind::Eof => f.write_str("EOF"),
            ItemKind::Error => f.write_str(&self.val),
            k if k.is_keyword() => write!(f, "<{}>", self.val),
            _ if self.val.chars().count() > 10 => {
                let short: String = self.val.chars().take(10).collect();
                write!(f, "{}...", super::error::go_quote(&short))
            }
            _ => f.write_str(&super::error::go_quote(&self.val)),
        }
    }
}

const LEFT: &str = "{{";

/// The number of `\n` bytes: a byte count the compiler vectorises (one `memchr` call per
/// line is far slower on long template text).
fn count_newlines(s: &str) -> usize {
    s.bytes().filter(|&b| b == b'\n').count()
}

/// The position of the first `{{`: a byte search for `{` (memchr) beats the generic
/// substring searcher on long template text.
fn find_left(s: &str) -> Option<usize> {
    let bytes = s.as_bytes();
    let mut from = 0;
    while let Some(i) = s[from..].find('{') {
        let at = from + i;
        if bytes.get(at + 1) == Some(&b'{') {
            return Some(at);
        }
        from = at + 1;
    }
    None
}
const RIGHT: &str = "}}";
const TRIM_LEN: usize = 2;

fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

fn is_alnum(c: char) -> bool {
    c == '_' || c.is_alphabetic() || is_go_digit(c)
}

/// Go's `unicode.IsDigit` is the Nd category; Rust's `is_numeric` is wider (Nl, No).
fn is_go_digit(c: char) -> bool {
    c.is_ascii_digit() || (!c.is_ascii() && c.is_numeric() && is_nd(c))
}

/// A rough Nd test for non-ASCII digits: characters whose numeric value Rust knows as a digit
/// in some script. Rust has no Nd table in std; treat every non-ASCII numeric as a digit
/// except the common No/Nl forms (superscripts, fractions, roman numerals).
fn is_nd(c: char) -> bool {
    !matches!(c, '\u{00B2}' | '\u{00B3}' | '\u{00B9}' | '\u{00BC}'..='\u{00BE}' | '\u{2150}'..='\u{218F}' | '\u{2460}'..='\u{24FF}' | '\u{2070}'..='\u{209F}')
}

fn has_left_trim(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 2 && b[0] == b'-' && is_space(b[1] as char)
}

fn has_right_trim(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 2 && is_space(b[0] as char) && b[1] == b'-'
}

struct Lexer<'a> {
    input: &'a str,
    pos: usize,
    start: usize,
    line: usize,
    start_line: usize,
    paren_depth: i32,
    items: Vec<Item<'a>>,
    done: bool,
}

/// Lexes a whole template source. The last item is `Eof` or `Error`.
pub fn lex(input: &str) -> Vec<Item<'_>> {
    let mut l = Lexer {
        input,
        pos: 0,
        start: 0,
        line: 1,
        start_line: 1,
        paren_depth: 0,
        items: Vec::new(),
        done: false,
    };
    let mut inside = false;
    while !l.done {
        inside = if inside { l.lex_inside() } else { l.lex_text() };
    }
    l.items
}

impl Lexer<'_> {
    fn rest(&self) -> &str {
        &self.input[self.pos..]
    }

    fn next(&mut self) -> Option<char> {
        let c = self.rest().chars().next()?;
        self.pos += c.len_utf8();
        if c == '\n' {
            self.line += 1;
        }
        Some(c)
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn backup(&mut self, c: char) {
        self.pos -= c.len_utf8();
        if c == '\n' {
            self.line -= 1;
        }
    }

    fn emit(&mut self, kind: ItemKind) {
        let val = Cow::Borrowed(&self.input[self.start..self.pos]);
        self.items.push(Item {
            kind,
            pos: self.start,
            val,
            line: self.start_line,
        });
        self.start = self.pos;
        self.start_line = self.line;
        if kind == ItemKind::Eof {
            self.done = true;
        }
    }

    fn ignore(&mut self) {
        self.line += count_newlines(&self.input[self.start..self.pos]);
        self.start = self.pos;
        self.start_line = self.line;
    }

    fn error(&mut self, msg: String) -> bool {
        self.items.push(Item {
            kind: ItemKind::Error,
            pos: self.start,
            val: Cow::Owned(msg),
            line: self.start_line,
        });
        self.done = true;
        false
    }

    /// Text up to the next `{{`; returns whether we are now inside an action.
    fn lex_text(&mut self) -> bool {
        let Some(x) = find_left(self.rest()) else {
            self.pos = self.input.len();
            if self.pos > self.start {
                self.line += count_newlines(&self.input[self.start..self.pos]);
                self.emit(ItemKind::Text);
            }
            self.emit(ItemKind::Eof);
            return false;
        };
        if x > 0 {
            self.pos += x;
            let delim_end = self.pos + LEFT.len();
            let mut trim = 0;
            if has_left_trim(&self.input[delim_end..]) {
                let text = &self.input[self.start..self.pos];
                trim = text.len() - text.trim_end_matches(is_space).len();
            }
            self.pos -= trim;
            self.line += count_newlines(&self.input[self.start..self.pos]);
            let text = &self.input[self.start..self.pos];
            let item = Item {
                kind: ItemKind::Text,
                pos: self.start,
                val: Cow::Borrowed(text),
                line: self.start_line,
            };
            self.start = self.pos;
            self.start_line = self.line;
            self.pos += trim;
            self.ignore();
            if !item.val.is_empty() {
                self.items.push(item);
            }
        }
        self.lex_left_delim()
    }

    fn at_right_delim(&self) -> (bool, bool) {
        let rest = self.rest();
        if has_right_trim(rest) && rest[TRIM_LEN..].starts_with(RIGHT) {
            return (true, true);
        }
        (rest.starts_with(RIGHT), false)
    }

    fn lex_left_delim(&mut self) -> bool {
        self.pos += LEFT.len();
        let trim = has_left_trim(self.rest());
        let after = if trim { TRIM_LEN } else { 0 };
        if self.input[self.pos + after..].starts_with("/*") {
            self.pos += after;
            self.ignore();
            return self.lex_comment();
        }
        self.emit(ItemKind::LeftDelim);
        self.pos += after;
        self.ignore();
        self.paren_depth = 0;
        true
    }

    fn lex_comment(&mut self) -> bool {
        self.pos += 2;
        let Some(x) = self.rest().find("*/") else {
            return self.error("unclosed comment".into());
        };
        self.pos += x + 2;
        let (delim, trim) = self.at_right_delim();
        if !delim {
            return self.error("comment ends before closing delimiter".into());
        }
        if trim {
            self.pos += TRIM_LEN;
        }
        self.pos += RIGHT.len();
        if trim {
            self.skip_spaces();
        }
        self.ignore();
        false
    }

    /// Moves past the spaces a `-}}` trim marker removes.
    fn skip_spaces(&mut self) {
        let rest = self.rest();
        self.pos += rest.len() - rest.trim_start_matches(is_space).len();
    }

    fn lex_right_delim(&mut self) -> bool {
        let (_, trim) = self.at_right_delim();
        if trim {
            self.pos += TRIM_LEN;
            self.ignore();
        }
        self.pos += RIGHT.len();
        self.emit(ItemKind::RightDelim);
        if trim {
            self.skip_spaces();
            self.ignore();
        }
        false
    }

    /// One token inside an action; returns whether we are still inside.
    fn lex_inside(&mut self) -> bool {
        let (delim, _) = self.at_right_delim();
        if delim {
            if self.paren_depth == 0 {
                return self.lex_right_delim();
            }
            return self.error("unclosed left paren".into());
        }
        let Some(r) = self.next() else {
            return self.error("unclosed action".into());
        };
        match r {
            c if is_space(c) => {
                self.backup(c);
                self.lex_space();
            }
            '=' => self.emit(ItemKind::Assign),
            ':' => {
                if self.next() != Some('=') {
                    return self.error("expected :=".into());
                }
                self.emit(ItemKind::Declare);
            }
            '|' => self.emit(ItemKind::Pipe),
            '"' => return self.lex_quote(),
            '`' => return self.lex_raw_quote(),
            '$' => return self.lex_variable(),
            '\'' => return self.lex_char(),
            '.' if !self.peek().is_some_and(|c| c.is_ascii_digit()) => {
                return self.lex_field_or_variable(ItemKind::Field);
            }
            '.' | '+' | '-' | '0'..='9' => {
                self.backup(r);
                return self.lex_number();
            }
            c if is_alnum(c) => {
                self.backup(c);
                return self.lex_identifier();
            }
            '(' => {
                self.paren_depth += 1;
                self.emit(ItemKind::LeftParen);
            }
            ')' => {
                self.paren_depth -= 1;
                if self.paren_depth < 0 {
                    return self.error("unexpected right paren".into());
                }
                self.emit(ItemKind::RightParen);
            }
            c if c.is_ascii() && !c.is_ascii_control() => self.emit(ItemKind::Char),
            c => {
                return self.error(format!(
                    "unrecognized character in action: {}",
                    super::error::go_unicode(c)
                ));
            }
        }
        !self.done
    }

    fn lex_space(&mut self) {
        let mut n = 0;
        while let Some(c) = self.peek() {
            if !is_space(c) {
                break;
            }
            self.next();
            n += 1;
        }
        let before = self.pos - 1;
        if has_right_trim(&self.input[before..])
            && self.input[before + TRIM_LEN..].starts_with(RIGHT)
        {
            let c = self.input[before..].chars().next().unwrap_or(' ');
            self.backup(c);
            if n == 1 {
                return;
            }
        }
        self.emit(ItemKind::Space);
    }

    fn at_terminator(&self) -> bool {
        match self.peek() {
            None => true,
            Some(c) if is_space(c) => true,
            Some('.' | ',' | '|' | ':' | ')' | '(') => true,
            _ => self.rest().starts_with(RIGHT),
        }
    }

    fn lex_identifier(&mut self) -> bool {
        loop {
            match self.next() {
                Some(c) if is_alnum(c) => {}
                other => {
                    if let Some(c) = other {
                        self.backup(c);
                    }
                    if !self.at_terminator() {
                        let c = self.peek().unwrap_or('\0');
                        return self
                            .error(format!("bad character {}", super::error::go_unicode(c)));
                    }
                    let kind = match &self.input[self.start..self.pos] {
                        "block" => ItemKind::Block,
                        "break" => ItemKind::Break,
                        "continue" => ItemKind::Continue,
                        "define" => ItemKind::Define,
                        "else" => ItemKind::Else,
                        "end" => ItemKind::End,
                        "if" => ItemKind::If,
                        "range" => ItemKind::Range,
                        "nil" => ItemKind::Nil,
                        "template" => ItemKind::Template,
                        "with" => ItemKind::With,
                        "true" | "false" => ItemKind::Bool,
                        _ => ItemKind::Identifier,
                    };
                    self.emit(kind);
                    return true;
                }
            }
        }
    }

    fn lex_variable(&mut self) -> bool {
        if self.at_terminator() {
            self.emit(ItemKind::Variable);
            return true;
        }
        self.lex_field_or_variable(ItemKind::Variable)
    }

    fn lex_field_or_variable(&mut self, kind: ItemKind) -> bool {
        if self.at_terminator() {
            self.emit(if kind == ItemKind::Variable {
                ItemKind::Variable
            } else {
                ItemKind::Dot
            });
            return true;
        }
        let last;
        loop {
            match self.next() {
                Some(c) if is_alnum(c) => {}
                other => {
                    if let Some(c) = other {
                        self.backup(c);
                    }
                    last = other;
                    break;
                }
            }
        }
        if !self.at_terminator() {
            return self.error(format!(
                "bad character {}",
                super::error::go_unicode(last.unwrap_or('\0'))
            ));
        }
        self.emit(kind);
        true
    }

    fn lex_char(&mut self) -> bool {
        loop {
            match self.next() {
                Some('\\') => match self.next() {
                    Some(c) if c != '\n' => {}
                    _ => return self.error("unterminated character constant".into()),
                },
                None | Some('\n') => {
                    return self.error("unterminated character constant".into());
                }
                Some('\'') => break,
                _ => {}
            }
        }
        self.emit(ItemKind::CharConstant);
        true
    }

    fn lex_number(&mut self) -> bool {
        if !self.scan_number() {
            let text = self.input[self.start..self.pos].to_string();
            return self.error(format!(
                "bad number syntax: {}",
                super::error::go_quote(&text)
            ));
        }
        if matches!(self.peek(), Some('+' | '-')) {
            if !self.scan_number() || !self.input[..self.pos].ends_with('i') {
                let text = self.input[self.start..self.pos].to_string();
                return self.error(format!(
                    "bad number syntax: {}",
                    super::error::go_quote(&text)
                ));
            }
            self.emit(ItemKind::Complex);
            return true;
        }
        self.emit(ItemKind::Number);
        true
    }

    fn accept(&mut self, valid: &str) -> bool {
        match self.peek() {
            Some(c) if valid.contains(c) => {
                self.next();
                true
            }
            _ => false,
        }
    }

    fn accept_run(&mut self, valid: &str) {
        while self.accept(valid) {}
    }

    fn scan_number(&mut self) -> bool {
        self.accept("+-");
        let mut digits = "0123456789_";
        if self.accept("0") {
            if self.accept("xX") {
                digits = "0123456789abcdefABCDEF_";
            } else if self.accept("oO") {
                digits = "01234567_";
            } else if self.accept("bB") {
                digits = "01_";
            }
        }
        self.accept_run(digits);
        if self.accept(".") {
            self.accept_run(digits);
        }
        if digits.len() == 11 && self.accept("eE") {
            self.accept("+-");
            self.accept_run("0123456789_");
        }
        if digits.len() == 23 && self.accept("pP") {
            self.accept("+-");
            self.accept_run("0123456789_");
        }
        self.accept("i");
        if self.peek().is_some_and(is_alnum) {
            self.next();
            return false;
        }
        true
    }

    fn lex_quote(&mut self) -> bool {
        loop {
            match self.next() {
                Some('\\') => match self.next() {
                    Some(c) if c != '\n' => {}
                    _ => return self.error("unterminated quoted string".into()),
                },
                None | Some('\n') => return self.error("unterminated quoted string".into()),
                Some('"') => break,
                _ => {}
            }
        }
        self.emit(ItemKind::String);
        true
    }

    fn lex_raw_quote(&mut self) -> bool {
        loop {
            match self.next() {
                None => return self.error("unterminated raw quoted string".into()),
                Some('`') => break,
                _ => {}
            }
        }
        self.emit(ItemKind::RawString);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(s: &str) -> Vec<(ItemKind, String)> {
        lex(s)
            .into_iter()
            .map(|i| (i.kind, i.val.to_string()))
            .collect()
    }

    #[test]
    fn text_and_action() {
        use ItemKind::*;
        assert_eq!(
            kinds("a{{ .X }}b"),
            vec![
                (Text, "a".into()),
                (LeftDelim, "{{".into()),
                (Space, " ".into()),
                (Field, ".X".into()),
                (Space, " ".into()),
                (RightDelim, "}}".into()),
                (Text, "b".into()),
                (Eof, "".into()),
            ]
        );
    }

    #[test]
    fn trim_markers() {
        let items = lex("a  {{- 3 -}}  b");
        assert_eq!(&*items[0].val, "a");
        assert_eq!(items.last().map(|i| i.kind), Some(ItemKind::Eof));
        assert!(
            items
                .iter()
                .any(|i| i.kind == ItemKind::Text && &*i.val == "b")
        );
        let neg = lex("{{-3}}");
        assert!(
            neg.iter()
                .any(|i| i.kind == ItemKind::Number && &*i.val == "-3")
        );
    }

    #[test]
    fn positions_and_lines() {
        let items = lex("x\n{{ $v := 'a' }}\n{{ \"s\" }}");
        let var = items.iter().find(|i| i.kind == ItemKind::Variable).unwrap();
        assert_eq!((var.pos, var.line), (5, 2));
        let s = items.iter().find(|i| i.kind == ItemKind::String).unwrap();
        assert_eq!(s.line, 3);
        let eof = items.last().unwrap();
        assert_eq!(eof.line, 3);
    }

    #[test]
    fn errors() {
        let last = |s: &str| lex(s).pop().unwrap().val.to_string();
        assert_eq!(last("{{ \"x "), "unterminated quoted string");
        assert_eq!(last("{{ 0x1G }}"), "bad number syntax: \"0x1G\"");
        assert_eq!(last("{{ .a-b }}"), "bad character U+002D '-'");
        assert_eq!(
            last("{{/* x */ 1 }}"),
            "comment ends before closing delimiter"
        );
        assert_eq!(last("{{ (1 }}"), "unclosed left paren");
        assert_eq!(last("{{ 1 "), "unclosed action");
    }
}
