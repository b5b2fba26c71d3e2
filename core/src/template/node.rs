//! The parse tree, as Go's `text/template/parse/node.go` shapes it. Every node keeps its
//! byte position so errors can say `name:line:col`; `Display` prints nodes the way Go's
//! `String()` does, which is what error messages quote (`at <.Values.a.b>`).

use std::fmt;
use std::rc::Rc;

pub use super::lex::Pos;

/// A parsed template: one file, one `define`, one `block`, or one `tpl` text.
#[derive(Debug)]
pub struct Tree {
    /// The template's name (`mychart/templates/x.yaml`, or the `define`d name).
    pub name: String,
    /// The file the tree was parsed from: errors locate nodes in it.
    pub parse_name: Rc<str>,
    /// The whole source text of that file.
    pub text: Rc<str>,
    pub root: List,
}

impl Tree {
    /// Go's `ErrorContext`: `parse_name:line:col` for a position (col is 0-based bytes).
    pub fn location(&self, pos: Pos) -> String {
        let pos = pos.min(self.text.len());
        let before = &self.text.as_bytes()[..pos];
        let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
        let col = match before.iter().rposition(|&b| b == b'\n') {
            Some(nl) => pos - (nl + 1),
            None => pos,
        };
        format!("{}:{}:{}", self.parse_name, line, col)
    }

    /// Go's `IsEmptyTree`: only whitespace text and comments.
    pub fn is_empty(&self) -> bool {
        self.root.nodes.iter().all(|n| match n {
            Node::Text(t) => t
                .text
                .trim_matches(|c: char| c.is_ascii_whitespace())
                .is_empty(),
            _ => false,
        })
    }
}

#[derive(Debug, Default)]
pub struct List {
    pub nodes: Vec<Node>,
}

#[derive(Debug)]
pub struct TextNode {
    pub text: Rc<str>,
}

#[derive(Debug)]
pub enum Node {
    Text(TextNode),
    Action(Pipe),
    If(Box<Branch>),
    With(Box<Branch>),
    Range(Box<Branch>),
    Break,
    Continue,
    Template(TemplateCall),
}

/// `if`, `with` and `range`: a pipeline, a body and an optional else body.
#[derive(Debug)]
pub struct Branch {
    pub pipe: Pipe,
    pub list: List,
    pub else_list: Option<List>,
}

#[derive(Debug)]
pub struct TemplateCall {
    pub pos: Pos,
    pub name: String,
    pub pipe: Option<Pipe>,
}

#[derive(Debug)]
pub struct Pipe {
    pub pos: Pos,
    pub is_assign: bool,
    pub decl: Vec<Variable>,
    pub cmds: Vec<Command>,
}

#[derive(Debug)]
pub struct Variable {
    pub pos: Pos,
    /// `$x.a.b` is `["$x", "a", "b"]`.
    pub ident: Vec<String>,
}

#[derive(Debug)]
pub struct Command {
    pub pos: Pos,
    pub args: Vec<Expr>,
}

/// A number literal with every Go reading of it (as `parse.NumberNode`).
#[derive(Debug, Clone)]
pub struct Number {
    pub text: String,
    pub int: Option<i64>,
    pub uint: Option<u64>,
    pub float: Option<f64>,
    /// Imaginary part of a complex constant (real part is `float`-like `re`).
    pub complex: Option<(f64, f64)>,
}

#[derive(Debug)]
pub enum Expr {
    Field {
        pos: Pos,
        ident: Vec<String>,
    },
    Chain {
        pos: Pos,
        node: Box<Expr>,
        field: Vec<String>,
    },
    Identifier {
        pos: Pos,
        name: String,
    },
    Dot(Pos),
    Nil(Pos),
    Variable(Variable),
    Bool(Pos, bool),
    Number(Pos, Box<Number>),
    String {
        pos: Pos,
        quoted: String,
        text: Rc<str>,
    },
    Pipe(Box<Pipe>),
}

impl Expr {
    pub fn pos(&self) -> Pos {
        match self {
            Expr::Field { pos, .. }
            | Expr::Chain { pos, .. }
            | Expr::Identifier { pos, .. }
            | Expr::Dot(pos)
            | Expr::Nil(pos)
            | Expr::Bool(pos, _)
            | Expr::Number(pos, _)
            | Expr::String { pos, .. } => *pos,
            Expr::Variable(v) => v.pos,
            Expr::Pipe(p) => p.pos,
        }
    }
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expr::Field { ident, .. } => {
                for i in ident {
                    write!(f, ".{i}")?;
                }
                Ok(())
            }
            Expr::Chain { node, field, .. } => {
                if let Expr::Pipe(p) = node.as_ref() {
                    write!(f, "({p})")?;
                } else {
                    write!(f, "{node}")?;
                }
                for i in field {
                    write!(f, ".{i}")?;
                }
                Ok(())
            }
            Expr::Identifier { name, .. } => f.write_str(name),
            Expr::Dot(_) => f.write_str("."),
            Expr::Nil(_) => f.write_str("nil"),
            Expr::Variable(v) => write!(f, "{v}"),
            Expr::Bool(_, b) => write!(f, "{b}"),
            Expr::Number(_, n) => f.write_str(&n.text),
            Expr::String { quoted, .. } => f.write_str(quoted),
            Expr::Pipe(p) => write!(f, "{p}"),
        }
    }
}

impl fmt::Display for Variable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.ident.join("."))
    }
}

impl fmt::Display for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, arg) in self.args.iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            if let Expr::Pipe(p) = arg {
                write!(f, "({p})")?;
            } else {
                write!(f, "{arg}")?;
            }
        }
        Ok(())
    }
}

impl fmt::Display for Pipe {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.decl.is_empty() {
            for (i, v) in self.decl.iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                write!(f, "{v}")?;
            }
            f.write_str(if self.is_assign { " = " } else { " := " })?;
        }
        for (i, c) in self.cmds.iter().enumerate() {
            if i > 0 {
                f.write_str(" | ")?;
            }
            write!(f, "{c}")?;
        }
        Ok(())
    }
}

impl fmt::Display for TemplateCall {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = super::error::go_quote(&self.name);
        match &self.pipe {
            Some(p) => write!(f, "{{{{template {name} {p}}}}}"),
            None => write!(f, "{{{{template {name}}}}}"),
        }
    }
}
