//! The parser: Go's `text/template/parse/parse.go` grammar and error messages. One source
//! text becomes its main tree plus every `define`/`block` tree it contains.

use std::rc::Rc;

use super::error::go_quote;
use super::golit;
use super::lex::{Item, ItemKind, lex};
use super::node::*;
use super::stack::{PARSE_BUDGET, StackBudget};

/// Go's parser refuses nesting deeper than this; ours may stop earlier, when its stack
/// budget runs out (same message).
const MAX_NESTING: usize = 10000;

/// A parse failure, worded as Go does: `template: NAME:LINE: MESSAGE`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError(pub String);

/// The trees one source text defines: its own (named `name`) first, then its `define`s.
pub type TreeSet = Vec<Rc<Tree>>;

type PResult<T> = Result<T, ParseError>;

struct Parser<'a> {
    items: Vec<Item<'a>>,
    idx: usize,
    furthest: usize,
    parse_name: Rc<str>,
    text: Rc<str>,
    has_func: &'a dyn Fn(&str) -> bool,
    vars: Vec<String>,
    range_depth: usize,
    depth: usize,
    stack: StackBudget,
    action_line: usize,
    defined: Vec<Rc<Tree>>,
}

/// Parses `text` as template `name`; `parse_name` is the file errors name. `has_func` says
/// which function names exist (Go checks them at parse time).
pub fn parse(
    name: &str,
    parse_name: &Rc<str>,
    text: &Rc<str>,
    has_func: &dyn Fn(&str) -> bool,
) -> PResult<TreeSet> {
    let mut p = Parser {
        items: lex(text),
        idx: 0,
        furthest: 0,
        parse_name: parse_name.clone(),
        text: text.clone(),
        has_func,
        vars: vec!["$".into()],
        range_depth: 0,
        depth: 0,
        stack: StackBudget::new(PARSE_BUDGET),
        action_line: 0,
        defined: Vec::new(),
    };
    let root = p.parse_top()?;
    let main = Rc::new(Tree {
        name: name.to_string(),
        parse_name: parse_name.clone(),
        text: text.clone(),
        root,
    });
    let mut set = vec![];
    p.add(main)?;
    // `add` may have refused the main tree only if a define of the same name exists.
    let mut defined = std::mem::take(&mut p.defined);
    if let Some(i) = defined.iter().position(|t| t.name == name) {
        set.push(defined.remove(i));
    }
    set.extend(defined);
    Ok(set)
}

impl<'a> Parser<'a> {
    fn errorf(&self, msg: impl std::fmt::Display) -> ParseError {
        let line = self.items.get(self.furthest).map(|i| i.line).unwrap_or(1);
        ParseError(format!("template: {}:{}: {}", self.parse_name, line, msg))
    }

    fn next(&mut self) -> Item<'a> {
        // Past the end the last item (EOF or the lexer's error) repeats, as Go's lexer
        // keeps answering EOF.
        let i = self.idx.min(self.items.len().saturating_sub(1));
        self.idx += 1;
        self.furthest = self.furthest.max(i);
        self.items[i].clone()
    }

    fn peek(&mut self) -> &Item<'a> {
        let i = self.idx.min(self.items.len().saturating_sub(1));
        self.furthest = self.furthest.max(i);
        &self.items[i]
    }

    fn peek_kind(&mut self) -> ItemKind {
        self.peek().kind
    }

    fn backup(&mut self) {
        self.idx -= 1;
    }

    fn next_non_space(&mut self) -> Item<'a> {
        loop {
            let t = self.next();
            if t.kind != ItemKind::Space {
                return t;
            }
        }
    }

    fn peek_non_space(&mut self) -> Item<'a> {
        let t = self.next_non_space();
        self.backup();
        t
    }

    fn expect(&mut self, kind: ItemKind, context: &str) -> PResult<Item<'a>> {
        let t = self.next_non_space();
        if t.kind != kind {
            return Err(self.unexpected(&t, context));
        }
        Ok(t)
    }

    fn unexpected(&self, t: &Item, context: &str) -> ParseError {
        if t.kind == ItemKind::Error {
            let mut extra = String::new();
            if self.action_line != 0 && self.action_line != t.line {
                extra = format!(
                    " in action started at {}:{}",
                    self.parse_name, self.action_line
                );
                if t.val.ends_with(" action") {
                    extra = extra[" in action".len()..].to_string();
                }
            }
            return self.errorf(format!("{t}{extra}"));
        }
        self.errorf(format!("unexpected {t} in {context}"))
    }

    fn enter(&mut self) -> PResult<()> {
        self.depth += 1;
        if self.depth > MAX_NESTING || self.stack.exhausted() {
            return Err(self.errorf("max expression depth exceeded"));
        }
        Ok(())
    }

    /// Go's `treeSet` rule inside one parse: a non-empty redefinition is an error.
    fn add(&mut self, tree: Rc<Tree>) -> PResult<()> {
        if let Some(i) = self.defined.iter().position(|t| t.name == tree.name) {
            if self.defined[i].is_empty() {
                self.defined[i] = tree;
            } else if !tree.is_empty() {
                return Err(self.errorf(format!(
                    "template: multiple definition of template {}",
                    go_quote(&tree.name)
                )));
            }
            return Ok(());
        }
        self.defined.push(tree);
        Ok(())
    }

    fn parse_top(&mut self) -> PResult<List> {
        let mut root = List::default();
        while self.peek_kind() != ItemKind::Eof {
            if self.peek_kind() == ItemKind::LeftDelim {
                let save = self.idx;
                self.next();
                if self.next_non_space().kind == ItemKind::Define {
                    self.parse_definition()?;
                    continue;
                }
                self.idx = save;
            }
            match self.text_or_action()? {
                Parsed::Node(n) => root.nodes.push(n),
                Parsed::End => return Err(self.errorf("unexpected {{end}}")),
                Parsed::Else(_) => return Err(self.errorf("unexpected {{else}}")),
            }
        }
        Ok(root)
    }

    fn parse_definition(&mut self) -> PResult<()> {
        let context = "define clause";
        let t = self.next_non_space();
        if !matches!(t.kind, ItemKind::String | ItemKind::RawString) {
            return Err(self.unexpected(&t, context));
        }
        let name = golit::unquote(&t.val).ok_or_else(|| self.errorf("invalid syntax"))?;
        self.expect(ItemKind::RightDelim, context)?;
        let saved_vars = std::mem::replace(&mut self.vars, vec!["$".into()]);
        let saved_range = std::mem::take(&mut self.range_depth);
        let (list, end) = self.item_list()?;
        self.vars = saved_vars;
        self.range_depth = saved_range;
        if !matches!(end, Parsed::End) {
            return Err(self.errorf(format!("unexpected {} in {context}", end.describe())));
        }
        let tree = Rc::new(Tree {
            name,
            parse_name: self.parse_name.clone(),
            text: self.text.clone(),
            root: list,
        });
        self.add(tree)
    }

    fn item_list(&mut self) -> PResult<(List, Parsed)> {
        let mut list = List::default();
        while self.peek_non_space().kind != ItemKind::Eof {
            match self.text_or_action()? {
                Parsed::Node(n) => list.nodes.push(n),
                other => return Ok((list, other)),
            }
        }
        Err(self.errorf("unexpected EOF"))
    }

    fn text_or_action(&mut self) -> PResult<Parsed> {
        let t = self.next_non_space();
        match t.kind {
            ItemKind::Text => Ok(Parsed::Node(Node::Text(TextNode {
                text: Rc::from(&*t.val),
            }))),
            ItemKind::LeftDelim => {
                self.action_line = t.line;
                let r = self.action();
                self.action_line = 0;
                r
            }
            _ => Err(self.unexpected(&t, "input")),
        }
    }

    fn action(&mut self) -> PResult<Parsed> {
        let t = self.next_non_space();
        match t.kind {
            ItemKind::Block => return self.block_control(),
            ItemKind::Break | ItemKind::Continue => {
                let word = if t.kind == ItemKind::Break {
                    "break"
                } else {
                    "continue"
                };
                let n = self.next_non_space();
                if n.kind != ItemKind::RightDelim {
                    return Err(self.unexpected(&n, &format!("{{{{{word}}}}}")));
                }
                if self.range_depth == 0 {
                    return Err(self.errorf(format!("{{{{{word}}}}} outside {{{{range}}}}")));
                }
                return Ok(Parsed::Node(if t.kind == ItemKind::Break {
                    Node::Break
                } else {
                    Node::Continue
                }));
            }
            ItemKind::Else => return self.else_control(),
            ItemKind::End => {
                self.expect(ItemKind::RightDelim, "end")?;
                return Ok(Parsed::End);
            }
            ItemKind::If => return self.control("if").map(|b| Parsed::Node(Node::If(b))),
            ItemKind::Range => {
                return self.control("range").map(|b| Parsed::Node(Node::Range(b)));
            }
            ItemKind::Template => return self.template_control(),
            ItemKind::With => return self.control("with").map(|b| Parsed::Node(Node::With(b))),
            _ => {}
        }
        self.backup();
        let pipe = self.pipeline("command", ItemKind::RightDelim)?;
        Ok(Parsed::Node(Node::Action(pipe)))
    }

    fn else_control(&mut self) -> PResult<Parsed> {
        let p = self.peek_non_space();
        if matches!(p.kind, ItemKind::If | ItemKind::With) {
            return Ok(Parsed::Else(p.pos));
        }
        let t = self.expect(ItemKind::RightDelim, "else")?;
        Ok(Parsed::Else(t.pos))
    }

    fn control(&mut self, context: &str) -> PResult<Box<Branch>> {
        self.enter()?;
        let nvars = self.vars.len();
        let pipe = self.pipeline(context, ItemKind::RightDelim)?;
        if context == "range" {
            self.range_depth += 1;
        }
        let (list, next) = self.item_list()?;
        if context == "range" {
            self.range_depth -= 1;
        }
        let mut else_list = None;
        if let Parsed::Else(pos) = next {
            let _ = pos;
            if context == "if" && self.peek_kind() == ItemKind::If {
                self.next();
                let inner = self.control("if")?;
                else_list = Some(List {
                    nodes: vec![Node::If(inner)],
                });
            } else if context == "with" && self.peek_kind() == ItemKind::With {
                self.next();
                let inner = self.control("with")?;
                else_list = Some(List {
                    nodes: vec![Node::With(inner)],
                });
            } else {
                let (l, n) = self.item_list()?;
                if !matches!(n, Parsed::End) {
                    return Err(self.errorf(format!("expected end; found {}", n.describe())));
                }
                else_list = Some(l);
            }
        }
        self.vars.truncate(nvars);
        self.depth -= 1;
        Ok(Box::new(Branch {
            pipe,
            list,
            else_list,
        }))
    }

    fn template_name(&mut self, t: &Item, context: &str) -> PResult<String> {
        match t.kind {
            ItemKind::String | ItemKind::RawString => {
                golit::unquote(&t.val).ok_or_else(|| self.errorf("invalid syntax"))
            }
            _ => Err(self.unexpected(t, context)),
        }
    }

    fn template_control(&mut self) -> PResult<Parsed> {
        let context = "template clause";
        let t = self.next_non_space();
        let name = self.template_name(&t, context)?;
        let mut pipe = None;
        if self.next_non_space().kind != ItemKind::RightDelim {
            self.backup();
            pipe = Some(self.pipeline(context, ItemKind::RightDelim)?);
        }
        Ok(Parsed::Node(Node::Template(TemplateCall {
            pos: t.pos,
            name,
            pipe,
        })))
    }

    fn block_control(&mut self) -> PResult<Parsed> {
        let context = "block clause";
        let t = self.next_non_space();
        let name = self.template_name(&t, context)?;
        let pipe = self.pipeline(context, ItemKind::RightDelim)?;
        let saved_vars = std::mem::replace(&mut self.vars, vec!["$".into()]);
        let saved_range = std::mem::take(&mut self.range_depth);
        self.enter()?;
        let (list, end) = self.item_list()?;
        self.depth -= 1;
        self.vars = saved_vars;
        self.range_depth = saved_range;
        if !matches!(end, Parsed::End) {
            return Err(self.errorf(format!("unexpected {} in {context}", end.describe())));
        }
        let tree = Rc::new(Tree {
            name: name.clone(),
            parse_name: self.parse_name.clone(),
            text: self.text.clone(),
            root: list,
        });
        self.add(tree)?;
        Ok(Parsed::Node(Node::Template(TemplateCall {
            pos: t.pos,
            name,
            pipe: Some(pipe),
        })))
    }

    fn pipeline(&mut self, context: &str, end: ItemKind) -> PResult<Pipe> {
        let start = self.peek_non_space();
        let mut pipe = Pipe {
            pos: start.pos,
            is_assign: false,
            decl: Vec::new(),
            cmds: Vec::new(),
        };
        loop {
            let v = self.peek_non_space();
            if v.kind != ItemKind::Variable {
                break;
            }
            let save = self.idx;
            self.next_non_space();
            let after = self.peek().clone();
            let next = self.peek_non_space();
            match next.kind {
                ItemKind::Assign | ItemKind::Declare => {
                    pipe.is_assign = next.kind == ItemKind::Assign;
                    self.next_non_space();
                    pipe.decl.push(Variable {
                        pos: v.pos,
                        ident: vec![v.val.to_string()],
                    });
                    self.vars.push(v.val.to_string());
                }
                ItemKind::Char if &*next.val == "," => {
                    self.next_non_space();
                    pipe.decl.push(Variable {
                        pos: v.pos,
                        ident: vec![v.val.to_string()],
                    });
                    self.vars.push(v.val.to_string());
                    if context == "range" && pipe.decl.len() < 2 {
                        match self.peek_non_space().kind {
                            ItemKind::Variable | ItemKind::RightDelim | ItemKind::RightParen => {
                                continue;
                            }
                            _ => return Err(self.errorf("range can only initialize variables")),
                        }
                    }
                    return Err(self.errorf(format!("too many declarations in {context}")));
                }
                _ => {
                    let _ = after;
                    self.idx = save;
                }
            }
            break;
        }
        loop {
            let t = self.next_non_space();
            if t.kind == end {
                self.check_pipeline(&pipe, context)?;
                return Ok(pipe);
            }
            match t.kind {
                ItemKind::Bool
                | ItemKind::CharConstant
                | ItemKind::Complex
                | ItemKind::Dot
                | ItemKind::Field
                | ItemKind::Identifier
                | ItemKind::Number
                | ItemKind::Nil
                | ItemKind::RawString
                | ItemKind::String
                | ItemKind::Variable
                | ItemKind::LeftParen => {
                    self.backup();
                    let cmd = self.command()?;
                    pipe.cmds.push(cmd);
                }
                _ => return Err(self.unexpected(&t, context)),
            }
        }
    }

    fn check_pipeline(&self, pipe: &Pipe, context: &str) -> PResult<()> {
        if pipe.cmds.is_empty() {
            return Err(self.errorf(format!("missing value for {context}")));
        }
        for (i, c) in pipe.cmds.iter().enumerate().skip(1) {
            if matches!(
                c.args.first(),
                Some(
                    Expr::Bool(..)
                        | Expr::Dot(_)
                        | Expr::Nil(_)
                        | Expr::Number(..)
                        | Expr::String { .. }
                )
            ) {
                return Err(self.errorf(format!(
                    "non executable command in pipeline stage {}",
                    i + 1
                )));
            }
        }
        Ok(())
    }

    fn command(&mut self) -> PResult<Command> {
        let pos = self.peek_non_space().pos;
        let mut cmd = Command {
            pos,
            args: Vec::new(),
        };
        loop {
            self.peek_non_space();
            if let Some(op) = self.operand()? {
                cmd.args.push(op);
            }
            let t = self.next();
            match t.kind {
                ItemKind::Space => continue,
                ItemKind::RightDelim | ItemKind::RightParen => self.backup(),
                ItemKind::Pipe => {}
                _ => return Err(self.unexpected(&t, "operand")),
            }
            break;
        }
        if cmd.args.is_empty() {
            return Err(self.errorf("empty command"));
        }
        Ok(cmd)
    }

    fn operand(&mut self) -> PResult<Option<Expr>> {
        let Some(node) = self.term()? else {
            return Ok(None);
        };
        if self.peek_kind() != ItemKind::Field {
            return Ok(Some(node));
        }
        let chain_pos = self.peek().pos;
        let mut fields = Vec::new();
        while self.peek_kind() == ItemKind::Field {
            let t = self.next();
            fields.push(t.val[1..].to_string());
        }
        Ok(Some(match node {
            Expr::Field { mut ident, .. } => {
                ident.extend(fields);
                Expr::Field {
                    pos: chain_pos,
                    ident,
                }
            }
            Expr::Variable(mut v) => {
                v.ident.extend(fields);
                Expr::Variable(Variable {
                    pos: chain_pos,
                    ident: v.ident,
                })
            }
            Expr::Bool(..)
            | Expr::String { .. }
            | Expr::Number(..)
            | Expr::Nil(_)
            | Expr::Dot(_) => {
                return Err(self.errorf(format!(
                    "unexpected . after term {}",
                    go_quote(&node.to_string())
                )));
            }
            other => Expr::Chain {
                pos: chain_pos,
                node: Box::new(other),
                field: fields,
            },
        }))
    }

    fn term(&mut self) -> PResult<Option<Expr>> {
        let t = self.next_non_space();
        Ok(Some(match t.kind {
            ItemKind::Identifier => {
                if !(self.has_func)(&t.val) {
                    return Err(self.errorf(format!("function {} not defined", go_quote(&t.val))));
                }
                Expr::Identifier {
                    pos: t.pos,
                    name: t.val.to_string(),
                }
            }
            ItemKind::Dot => Expr::Dot(t.pos),
            ItemKind::Nil => Expr::Nil(t.pos),
            ItemKind::Variable => {
                if !self.vars.iter().any(|v| **v == *t.val) {
                    return Err(self.errorf(format!("undefined variable {}", go_quote(&t.val))));
                }
                Expr::Variable(Variable {
                    pos: t.pos,
                    ident: vec![t.val.to_string()],
                })
            }
            ItemKind::Field => Expr::Field {
                pos: t.pos,
                ident: vec![t.val[1..].to_string()],
            },
            ItemKind::Bool => Expr::Bool(t.pos, &*t.val == "true"),
            ItemKind::CharConstant | ItemKind::Complex | ItemKind::Number => {
                let n = self.number(&t)?;
                Expr::Number(t.pos, Box::new(n))
            }
            ItemKind::LeftParen => {
                self.enter()?;
                let p = self.pipeline("parenthesized pipeline", ItemKind::RightParen)?;
                self.depth -= 1;
                Expr::Pipe(Box::new(p))
            }
            ItemKind::String | ItemKind::RawString => {
                let s = golit::unquote(&t.val).ok_or_else(|| self.errorf("invalid syntax"))?;
                Expr::String {
                    pos: t.pos,
                    quoted: t.val.to_string(),
                    text: Rc::from(s),
                }
            }
            _ => {
                self.backup();
                return Ok(None);
            }
        }))
    }

    /// Go's `newNumber`: every reading (int, uint, float, complex) the text allows.
    fn number(&self, t: &Item) -> PResult<Number> {
        let text: &str = &t.val;
        let mut n = Number {
            text: text.to_string(),
            int: None,
            uint: None,
            float: None,
            complex: None,
        };
        match t.kind {
            ItemKind::CharConstant => {
                let (c, tail) = golit::unquote_char(&text[1..], '\'')
                    .ok_or_else(|| self.errorf("invalid syntax"))?;
                if tail != "'" {
                    return Err(self.errorf(format!("malformed character constant: {text}")));
                }
                n.int = Some(c as i64);
                n.uint = Some(c as u64);
                n.float = Some(c as u32 as f64);
                return Ok(n);
            }
            ItemKind::Complex => {
                let (re, im) = golit::parse_complex(text).ok_or_else(|| {
                    self.errorf(format!("illegal number syntax: {}", go_quote(text)))
                })?;
                n.complex = Some((re, im));
                if im == 0.0 {
                    n.float = Some(re);
                    if re.fract() == 0.0 {
                        n.int = Some(re as i64);
                    }
                }
                return Ok(n);
            }
            _ => {}
        }
        if let Some(im) = text.strip_suffix('i')
            && let Some(f) = crate::strconv::parse_float(im)
                .or_else(|| crate::strconv::parse_int(im, 0).map(|i| i as f64))
        {
            {
                n.complex = Some((0.0, f));
                if f == 0.0 {
                    n.int = Some(0);
                    n.uint = Some(0);
                    n.float = Some(0.0);
                }
                return Ok(n);
            }
        }
        let u = crate::strconv::parse_uint(text);
        n.uint = u;
        if let Some(i) = crate::strconv::parse_int(text, 0) {
            n.int = Some(i);
            if i == 0 {
                n.uint = Some(u.unwrap_or(0));
            }
        }
        if let Some(i) = n.int {
            n.float = Some(i as f64);
        } else if let Some(u) = n.uint {
            n.float = Some(u as f64);
        } else if let Some(f) = crate::strconv::parse_float(text) {
            if !text.contains(['.', 'e', 'E', 'p', 'P']) {
                return Err(self.errorf(format!("integer overflow: {}", go_quote(text))));
            }
            n.float = Some(f);
            if f.fract() == 0.0 && (-9.223372036854776e18..9.223372036854776e18).contains(&f) {
                n.int = Some(f as i64);
            }
            if f.fract() == 0.0 && (0.0..1.8446744073709552e19).contains(&f) {
                n.uint = Some(f as u64);
            }
        }
        if n.int.is_none() && n.uint.is_none() && n.float.is_none() {
            return Err(self.errorf(format!("illegal number syntax: {}", go_quote(text))));
        }
        Ok(n)
    }
}

/// What one step of the item list produced.
enum Parsed {
    Node(Node),
    End,
    Else(#[allow(dead_code)] Pos),
}

impl Parsed {
    fn describe(&self) -> &'static str {
        match self {
            Parsed::End => "{{end}}",
            Parsed::Else(_) => "{{else}}",
            Parsed::Node(_) => "node",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(s: &str) -> PResult<TreeSet> {
        let name: Rc<str> = Rc::from("t");
        let text: Rc<str> = Rc::from(s);
        parse("t", &name, &text, &|f| {
            matches!(f, "printf" | "upper" | "list")
        })
    }

    fn err(s: &str) -> String {
        parse_str(s).unwrap_err().0
    }

    #[test]
    fn parse_errors() {
        assert_eq!(err("{{ if }}"), "template: t:1: missing value for if");
        assert_eq!(
            err("a\n{{ if true }}\nb\n"),
            "template: t:4: unexpected EOF"
        );
        assert_eq!(err("{{ end }}"), "template: t:1: unexpected {{end}}");
        assert_eq!(
            err("{{ nosuch }}"),
            "template: t:1: function \"nosuch\" not defined"
        );
        assert_eq!(err("{{ $x }}"), "template: t:1: undefined variable \"$x\"");
        assert_eq!(
            err("{{ 1 | 2 }}"),
            "template: t:1: non executable command in pipeline stage 2"
        );
        assert_eq!(
            err("{{ range := 1 }}"),
            "template: t:1: unexpected \":=\" in range"
        );
        assert_eq!(
            err("{{ break }}"),
            "template: t:1: {{break}} outside {{range}}"
        );
        assert_eq!(err("{{ 08 }}"), "template: t:1: integer overflow: \"08\"");
        assert_eq!(
            err("{{ 'ab' }}"),
            "template: t:1: malformed character constant: 'ab'"
        );
        assert_eq!(
            err("{{ define \"a\" }}x{{ end }}{{ define \"a\" }}y{{ end }}"),
            "template: t:1: template: multiple definition of template \"a\""
        );
    }

    #[test]
    fn positions_and_strings() {
        let set = parse_str("x\n  {{ .Values.a.b | upper }}{{ (list 1).x }}").unwrap();
        let root = &set[0].root;
        let Node::Action(p) = &root.nodes[1] else {
            panic!("not an action")
        };
        assert_eq!(p.to_string(), ".Values.a.b | upper");
        let first = &p.cmds[0].args[0];
        assert_eq!(set[0].location(first.pos()), "t:2:12");
        let Node::Action(p2) = &root.nodes[2] else {
            panic!("not an action")
        };
        assert_eq!(p2.cmds[0].args[0].to_string(), "(list 1).x");
    }

    #[test]
    fn defines_are_collected() {
        let set = parse_str("{{ define \"a\" }}A{{ end }}{{ block \"b\" . }}B{{ end }}").unwrap();
        let names: Vec<&str> = set.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, vec!["t", "a", "b"]);
    }
}
