//! Errors as Go's `text/template` builds them (a chain: an `ExecError` wrapping, for
//! `error calling X: %w`, whatever the function returned), and as Helm rewrites them
//! (`reformatExecErrorMsg`, `cleanupParseError`).

/// What a function call's error wraps (Go's `%w` operand).
#[derive(Debug, Clone)]
pub enum Cause {
    /// An ordinary error: Helm's reformatting gives up and keeps Go's one-line text.
    Plain(String),
    /// A nested template execution error (from `include`).
    Exec(Box<ExecError>),
    /// `template: no template "x" associated with template "gotpl"`.
    NoTemplate(String),
}

impl Cause {
    fn text(&self) -> String {
        match self {
            Cause::Plain(s) | Cause::NoTemplate(s) => s.clone(),
            Cause::Exec(e) => e.full(),
        }
    }
}

/// Go's `ExecError`: `template: LOC: executing "NAME" at <CTX>: MSG`.
#[derive(Debug, Clone)]
pub struct ExecError {
    pub loc: String,
    pub name: String,
    pub ctx: String,
    pub msg: String,
    pub cause: Option<Cause>,
}

impl ExecError {
    /// The error text as Go's `Error()` prints it.
    pub fn full(&self) -> String {
        let mut s = format!(
            "template: {}: executing {} at <{}>: {}",
            self.loc,
            go_quote(&self.name),
            self.ctx,
            self.msg
        );
        if let Some(c) = &self.cause {
            s.push_str(&c.text());
        }
        s
    }
}

const WARN_START: &str = "HELM_ERR_START";
const WARN_END: &str = "HELM_ERR_END";

/// Wraps a `fail`/`required` message so Helm can find it again in the error chain.
pub fn warn_wrap(msg: &str) -> String {
    format!("{WARN_START}{msg}{WARN_END}")
}

/// Helm's `reformatExecErrorMsg`.
pub fn helm_exec_message(e: &ExecError) -> String {
    let full = e.full();
    let mut toks = full.splitn(3, ": ");
    let (_, location, rest) = match (toks.next(), toks.next(), toks.next()) {
        (Some(a), Some(b), Some(c)) => (a, b, c),
        _ => return full,
    };
    if let Some(start) = rest.find(WARN_START) {
        let inner = &rest[start + WARN_START.len()..];
        if let Some(end) = inner.rfind(WARN_END) {
            return format!("execution error at ({location}): {}", &inner[..end]);
        }
    }
    let mut parts: Vec<String> = Vec::new();
    let mut cur = e;
    loop {
        let mut msg = cur.msg.clone();
        if let Some(c) = &cur.cause {
            msg.push_str(&c.text());
        }
        if let Some(cut) = msg.find(" template:") {
            msg.truncate(cut);
        }
        let part = format!(
            "{}\n  executing {} at <{}>:\n    {}\n",
            cur.loc,
            go_quote(&cur.name),
            cur.ctx,
            msg
        );
        if parts.last() != Some(&part) {
            parts.push(part);
        }
        match &cur.cause {
            None => break,
            Some(Cause::Plain(_)) => return full,
            Some(Cause::NoTemplate(s)) => {
                parts.push(format!("{s}\n"));
                break;
            }
            Some(Cause::Exec(inner)) => cur = inner,
        }
    }
    parts.concat().trim().to_string()
}

/// Helm's `cleanupParseError` of Go's `template: NAME:LINE: MSG`.
pub fn helm_parse_message(filename: &str, err: &str) -> String {
    let toks: Vec<&str> = err.split(": ").collect();
    if toks.len() == 1 {
        return format!("parse error in ({filename}): {err}");
    }
    format!("parse error at ({}): {}", toks[1], toks[toks.len() - 1])
}

/// Go's `strconv.Quote` (what `%q` prints for a string).
pub fn go_quote(s: &str) -> String {
    crate::gofmt::quote(s)
}

/// Go's `%#U`: `U+002D '-'`.
pub fn go_unicode(c: char) -> String {
    if crate::gofmt::is_print(c) {
        format!("U+{:04X} '{c}'", c as u32)
    } else {
        format!("U+{:04X}", c as u32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exec(msg: &str, cause: Option<Cause>) -> ExecError {
        ExecError {
            loc: "f.yaml:1:3".into(),
            name: "f.yaml".into(),
            ctx: "x".into(),
            msg: msg.into(),
            cause,
        }
    }

    #[test]
    fn helm_shapes() {
        assert_eq!(
            helm_exec_message(&exec("nil pointer evaluating interface {}.b", None)),
            "f.yaml:1:3\n  executing \"f.yaml\" at <x>:\n    nil pointer evaluating interface {}.b"
        );
        assert_eq!(
            helm_exec_message(&exec(
                "error calling fail: ",
                Some(Cause::Plain(warn_wrap("boom")))
            )),
            "execution error at (f.yaml:1:3): boom"
        );
        assert_eq!(
            helm_exec_message(&exec(
                "error calling len: ",
                Some(Cause::Plain("bad".into()))
            )),
            "template: f.yaml:1:3: executing \"f.yaml\" at <x>: error calling len: bad"
        );
        let inner = exec("nil pointer", None);
        assert_eq!(
            helm_exec_message(&exec(
                "error calling include: ",
                Some(Cause::Exec(Box::new(inner)))
            )),
            "f.yaml:1:3\n  executing \"f.yaml\" at <x>:\n    error calling include:\nf.yaml:1:3\n  executing \"f.yaml\" at <x>:\n    nil pointer"
        );
        assert_eq!(
            helm_parse_message("f", "template: f:3: unexpected EOF"),
            "parse error at (f:3): unexpected EOF"
        );
    }

    #[test]
    fn quoting() {
        assert_eq!(go_quote("a\"b\n\u{1}é"), "\"a\\\"b\\n\\x01é\"");
        assert_eq!(go_unicode('-'), "U+002D '-'");
    }
}
