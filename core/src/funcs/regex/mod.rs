//! Sprig's regular-expression functions with Go's RE2 semantics: Go syntax (translated
//! for the `regex` crate), Go's handling of empty matches in `FindAll`/`ReplaceAll`/
//! `Split`, and Go's `$name` template expansion.
//!
//! Plain forms panic on a bad pattern through `regexp.MustCompile`, `must` forms return
//! the parse error; `regexMatch` alone swallows it and answers false.

mod expand;
mod translate;

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use regex::Regex;

use super::misc::str_arg;
use super::{FuncError, FuncResult, ParamType, Registry};
use crate::value::{ListKind, Value};

use ParamType::{Int, String};

pub fn register(r: &mut Registry) {
    r.add("regexMatch", &[String, String], None, |_, a| {
        let matched = compile(str_arg(&a[0])).is_ok_and(|re| re.is_match(str_arg(&a[1])));
        Ok(Value::Bool(matched))
    });
    r.add("mustRegexMatch", &[String, String], None, |_, a| {
        let re = compile(str_arg(&a[0])).map_err(FuncError::new)?;
        Ok(Value::Bool(re.is_match(str_arg(&a[1]))))
    });
    r.add("regexFind", &[String, String], None, |_, a| find(a, true));
    r.add("mustRegexFind", &[String, String], None, |_, a| {
        find(a, false)
    });
    r.add("regexFindAll", &[String, String, Int], None, |_, a| {
        find_all(a, true)
    });
    r.add("mustRegexFindAll", &[String, String, Int], None, |_, a| {
        find_all(a, false)
    });
    r.add(
        "regexReplaceAll",
        &[String, String, String],
        None,
        |_, a| replace_all(a, true, false),
    );
    r.add(
        "mustRegexReplaceAll",
        &[String, String, String],
        None,
        |_, a| replace_all(a, false, false),
    );
    r.add(
        "regexReplaceAllLiteral",
        &[String, String, String],
        None,
        |_, a| replace_all(a, true, true),
    );
    r.add(
        "mustRegexReplaceAllLiteral",
        &[String, String, String],
        None,
        |_, a| replace_all(a, false, true),
    );
    r.add("regexSplit", &[String, String, Int], None, |_, a| {
        split(a, true)
    });
    r.add("mustRegexSplit", &[String, String, Int], None, |_, a| {
        split(a, false)
    });
    r.add("regexQuoteMeta", &[String], None, |_, a| {
        Ok(Value::string(quote_meta(str_arg(&a[0]))))
    });
}

/// Compiled patterns by Go source; templates often apply one pattern in a loop.
const CACHE_LIMIT: usize = 128;

/// A compiled Go pattern with Go's group names (see [`translate::Translated`]).
struct Compiled {
    re: Regex,
    group_names: Vec<Option<std::string::String>>,
}

impl std::ops::Deref for Compiled {
    type Target = Regex;
    fn deref(&self) -> &Regex {
        &self.re
    }
}

type CompileResult = Result<Rc<Compiled>, std::string::String>;

thread_local! {
    static CACHE: RefCell<HashMap<std::string::String, CompileResult>> =
        RefCell::new(HashMap::new());
}

/// Go's `regexp.Compile` for callers outside templates (e.g. `helm list --filter`): the
/// pattern translated to the `regex` crate's syntax, errors worded as Go's.
pub fn compile_go(pattern: &str) -> Result<Regex, std::string::String> {
    compile(pattern).map(|c| c.re.clone())
}

/// Compiles a Go pattern; the error is Go's `regexp.Compile` message.
fn compile(pattern: &str) -> CompileResult {
    if let Some(hit) = CACHE.with(|c| c.borrow().get(pattern).cloned()) {
        return hit;
    }
    let compiled = translate::translate(pattern)
        .map_err(|e| e.to_string())
        .and_then(|translated| {
            let re = Regex::new(&translated.pattern);
            re.map(|re| {
                Rc::new(Compiled {
                    re,
                    group_names: translated.group_names,
                })
            })
            .map_err(|_| {
                // The crate rejected something Go's parser would too, but our
                // translation did not name it; report it in Go's general shape.
                format!("error parsing regexp: invalid regexp: `{pattern}`")
            })
        });
    CACHE.with(|c| {
        let mut cache = c.borrow_mut();
        if cache.len() >= CACHE_LIMIT {
            cache.clear();
        }
        cache.insert(pattern.to_string(), compiled.clone());
    });
    compiled
}

type CompileForResult = Result<Rc<Compiled>, FuncError>;

/// Compiles for a plain (`MustCompile`) or `must` form, with each one's error text.
fn compile_for(pattern: &str, plain: bool) -> CompileForResult {
    compile(pattern).map_err(|e| {
        if plain {
            FuncError::new(format!(
                "regexp: Compile({}): {e}",
                go_regexp_quote(pattern)
            ))
        } else {
            FuncError::new(e)
        }
    })
}

/// How `regexp` quotes a pattern in messages: backquoted when possible.
fn go_regexp_quote(s: &str) -> std::string::String {
    let backquotable = !s.contains('`')
        && s.chars()
            .all(|c| c == '\t' || !(c.is_control() || c == '\u{FEFF}'));
    if backquotable {
        format!("`{s}`")
    } else {
        format!("{s:?}")
    }
}

fn int_arg(v: &Value) -> i64 {
    match v {
        Value::Int(i) | Value::Int64(i) => *i,
        _ => 0,
    }
}

fn strings(items: Vec<&str>) -> Value {
    Value::typed_list(
        ListKind::String,
        items.into_iter().map(Value::str).collect(),
    )
}

/// Go's `allMatches`: successive leftmost-first matches, at most `n` (all when n < 0),
/// skipping an empty match that directly follows the previous match.
fn all_matches(re: &Regex, s: &str, n: i64) -> Vec<(usize, usize)> {
    let limit = if n < 0 { usize::MAX } else { n as usize };
    let mut out = Vec::new();
    let mut pos = 0;
    let mut prev_end: Option<usize> = None;
    while out.len() < limit && pos <= s.len() {
        let Some(m) = re.find_at(s, pos) else {
            break;
        };
        let mut accept = true;
        if m.end() == pos {
            if Some(m.start()) == prev_end {
                accept = false;
            }
            pos += s[pos..].chars().next().map_or(1, char::len_utf8);
        } else {
            pos = m.end();
        }
        prev_end = Some(m.end());
        if accept {
            out.push((m.start(), m.end()));
        }
    }
    out
}

fn find(args: &[Value], plain: bool) -> FuncResult {
    let re = compile_for(str_arg(&args[0]), plain)?;
    let found = re.find(str_arg(&args[1])).map_or("", |m| m.as_str());
    Ok(Value::str(found))
}

fn find_all(args: &[Value], plain: bool) -> FuncResult {
    let re = compile_for(str_arg(&args[0]), plain)?;
    let s = str_arg(&args[1]);
    let found = all_matches(&re, s, int_arg(&args[2]))
        .into_iter()
        .map(|(a, b)| &s[a..b])
        .collect::<Vec<_>>();
    if found.is_empty() {
        return Ok(Value::nil_list(ListKind::String));
    }
    Ok(strings(found))
}

/// Go's `ReplaceAllString` / `ReplaceAllLiteralString`, including its rule that an
/// empty match right after a previous match is not replaced.
fn replace_all(args: &[Value], plain: bool, literal: bool) -> FuncResult {
    let re = compile_for(str_arg(&args[0]), plain)?;
    let src = str_arg(&args[1]);
    let template = str_arg(&args[2]);
    let mut out = std::string::String::with_capacity(src.len());
    let mut last_end = 0;
    let mut search = 0;
    while search <= src.len() {
        let Some(caps) = re.captures_at(src, search) else {
            break;
        };
        let Some(whole) = caps.get(0) else {
            break;
        };
        out.push_str(&src[last_end..whole.start()]);
        if whole.end() > last_end || whole.start() == 0 {
            if literal {
                out.push_str(template);
            } else {
                expand::expand(&mut out, template, &re.group_names, &caps);
            }
        }
        last_end = whole.end();
        let width = src[search..].chars().next().map_or(0, char::len_utf8);
        search = if search + width > whole.end() {
            search + width
        } else if search + 1 > whole.end() {
            search + 1
        } else {
            whole.end()
        };
    }
    out.push_str(&src[last_end..]);
    Ok(Value::string(out))
}

/// Go's `Regexp.Split`: n > 0 limits the pieces, n == 0 gives nil, n < 0 all.
fn split(args: &[Value], plain: bool) -> FuncResult {
    let pattern = str_arg(&args[0]);
    let re = compile_for(pattern, plain)?;
    let s = str_arg(&args[1]);
    let n = int_arg(&args[2]);
    if n == 0 {
        return Ok(Value::nil_list(ListKind::String));
    }
    if !pattern.is_empty() && s.is_empty() {
        return Ok(strings(vec![""]));
    }
    let mut pieces = Vec::new();
    let (mut begin, mut end) = (0, 0);
    for (start, stop) in all_matches(&re, s, n) {
        if n > 0 && pieces.len() as i64 == n - 1 {
            break;
        }
        end = start;
        if stop != 0 {
            pieces.push(&s[begin..end]);
        }
        begin = stop;
    }
    if end != s.len() {
        pieces.push(&s[begin..]);
    }
    Ok(strings(pieces))
}

/// Go's `regexp.QuoteMeta`: backslash before every metacharacter.
fn quote_meta(s: &str) -> std::string::String {
    let mut out = std::string::String::with_capacity(s.len());
    for c in s.chars() {
        if "\\.+*?()|[]{}^$".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(x: &str) -> Value {
        Value::str(x)
    }

    fn text(v: FuncResult) -> std::string::String {
        v.unwrap().as_str().unwrap().to_string()
    }

    fn list(v: FuncResult) -> Vec<std::string::String> {
        v.unwrap()
            .as_list()
            .unwrap()
            .iter()
            .map(|x| x.as_str().unwrap().to_string())
            .collect()
    }

    #[test]
    fn replace_all_follows_go() {
        let r = |re: &str, src: &str, repl: &str| {
            text(replace_all(&[s(re), s(src), s(repl)], true, false))
        };
        assert_eq!(r("a(x*)b", "-ab-axxb-", "${1}W"), "-W-xxW-");
        assert_eq!(r("a(x*)b", "-ab-axxb-", "$1W"), "---");
        assert_eq!(r("x*", "abc", "-"), "-a-b-c-");
        assert_eq!(r("x*", "xxa", "-"), "-a-");
        assert_eq!(r("^", "line", "> "), "> line");
        assert_eq!(
            r(
                r"(?P<first>\w+) (?P<last>\w+)",
                "John Smith",
                "${last}, ${first}"
            ),
            "Smith, John"
        );
        assert_eq!(r("(?P<n>a)|(?P<n>b)", "b", "[${n}]"), "[b]");
        let lit = text(replace_all(
            &[s("a(x*)b"), s("-ab-axxb-"), s("${1}")],
            true,
            true,
        ));
        assert_eq!(lit, "-${1}-${1}-");
    }

    #[test]
    fn find_all_and_split_follow_go() {
        let fa =
            |re: &str, src: &str, n: i64| list(find_all(&[s(re), s(src), Value::Int(n)], true));
        assert_eq!(fa("[0-9]+", "a1b22c333", -1), ["1", "22", "333"]);
        assert_eq!(fa("[0-9]+", "a1b22c333", 2), ["1", "22"]);
        assert!(fa("[0-9]+", "a1b22c333", 0).is_empty());
        assert_eq!(fa("", "abc", -1), ["", "", "", ""]);
        assert_eq!(fa("a*", "baaac", -1), ["", "aaa", ""]);
        let sp = |re: &str, src: &str, n: i64| list(split(&[s(re), s(src), Value::Int(n)], true));
        assert_eq!(sp("z+", "pizza", -1), ["pi", "a"]);
        assert_eq!(sp(",", "a,b,c,d", 2), ["a", "b,c,d"]);
        assert_eq!(sp("", "abc", -1), ["a", "b", "c"]);
        assert_eq!(sp("x", "", -1), [""]);
        assert!(sp(",", "a,b", 0).is_empty());
    }

    #[test]
    fn errors_and_quoting() {
        let err = find(&[s("("), s("a1")], true).unwrap_err().0;
        assert_eq!(
            err,
            "regexp: Compile(`(`): error parsing regexp: missing closing ): `(`"
        );
        let err = find(&[s("("), s("a1")], false).unwrap_err().0;
        assert_eq!(err, "error parsing regexp: missing closing ): `(`");
        assert_eq!(quote_meta("1.5+2*[x]"), r"1\.5\+2\*\[x\]");
        assert!(compile(r"^\d{3}-\d{4}$").unwrap().is_match("555-1234"));
        assert!(!compile(r"\d").unwrap().is_match("٣"));
        assert!(compile(r"\p{Greek}").unwrap().is_match("αβ"));
    }
}
