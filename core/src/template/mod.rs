//! Go's `text/template` as Helm runs it: lexer, parser (an AST parsed once), executor,
//! builtins, and Helm's engine layer (`include`, `tpl`, `required`, `fail`, `lookup`,
//! `missingkey=zero`, `<no value>` stripping, error wrapping and selection).

mod args;
mod builtins;
mod chartvalues;
mod error;
mod exec;
mod golit;
mod helm;
mod lex;
mod node;
mod parse;
mod stack;

#[cfg(test)]
mod corpus_tests;

use std::collections::BTreeMap;

use crate::env::Environment;
use crate::funcs::Registry;
use crate::value::{Str, Value};

/// One template file of a chart, with the data it executes against.
pub struct RenderTemplate {
    /// Full template name, e.g. `mychart/templates/deployment.yaml`,
    /// `mychart/charts/sub/templates/_helpers.tpl`.
    pub name: String,
    pub source: Str,
    /// The top-level object `.` for this template (`.Values`, `.Release`, `.Chart`,
    /// `.Capabilities`, `.Files`, `.Template`, `.Subcharts`).
    pub data: Value,
}

/// A template error, formatted as Helm reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TemplateError {
    pub message: String,
}

impl std::fmt::Display for TemplateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for TemplateError {}

/// Answers `lookup apiVersion kind namespace name` (offline: an empty map).
pub trait Lookup {
    fn lookup(
        &self,
        api_version: &str,
        kind: &str,
        namespace: &str,
        name: &str,
    ) -> Result<Value, String>;
}

/// Helm's rendering engine.
pub struct Engine<'a> {
    pub funcs: &'a Registry,
    pub env: &'a dyn Environment,
    pub lookup: Option<&'a dyn Lookup>,
    /// Strict mode: missing keys are errors (`missingkey=error`), as `helm lint --strict`
    /// and `helm template --strict` render.
    pub strict: bool,
    /// Lint mode (`helm lint`): `required` and `fail` log instead of failing, so lint can
    /// report every other finding of a chart that insists on user values.
    pub lint_mode: bool,
}

impl Engine<'_> {
    /// Parses every template (partials included) and executes every non-partial one,
    /// returning the output per template name, or the first error in Helm's order.
    pub fn render(
        &self,
        templates: &[RenderTemplate],
    ) -> Result<BTreeMap<String, String>, TemplateError> {
        helm::render(self, templates)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::env::FixedEnvironment;

    fn render_one(src: &str) -> Result<String, String> {
        render_with(src, Value::empty_map())
    }

    fn render_with(src: &str, data: Value) -> Result<String, String> {
        render_mode(src, data, false)
    }

    fn render_mode(src: &str, data: Value, strict: bool) -> Result<String, String> {
        render_engine(src, data, strict, false)
    }

    fn render_engine(
        src: &str,
        data: Value,
        strict: bool,
        lint_mode: bool,
    ) -> Result<String, String> {
        let funcs = Registry::standard();
        let env = FixedEnvironment::new(0, 1);
        let engine = Engine {
            funcs: &funcs,
            env: &env,
            lookup: None,
            strict,
            lint_mode,
        };
        let t = RenderTemplate {
            name: "c/templates/t.yaml".into(),
            source: std::rc::Rc::from(src),
            data,
        };
        engine
            .render(&[t])
            .map(|m| m.into_values().next().unwrap_or_default())
            .map_err(|e| e.message)
    }

    #[test]
    fn lint_mode_lets_required_and_fail_pass() {
        let src = r#"a{{ fail "no" }}b{{ required "set x" .x }}c{{ required "y" "v" }}"#;
        assert!(render_one(src).is_err());
        assert_eq!(
            render_engine(src, Value::empty_map(), false, true),
            Ok("abcv".to_string())
        );
    }

    /// Runs on a thread with the 2 MiB stack test threads get, to prove the depth limits
    /// stop runaway recursion before the native stack does.
    fn on_small_stack(src: &'static str) -> Result<String, String> {
        std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(move || render_one(src))
            .expect("thread")
            .join()
            .expect("no stack overflow")
    }

    #[test]
    fn runaway_recursion_is_an_error() {
        let template = on_small_stack(
            "{{ define \"d\" }}{{ template \"d\" . }}{{ end }}{{ template \"d\" . }}",
        );
        assert!(
            template
                .unwrap_err()
                .contains("exceeded maximum template depth")
        );
        let include =
            on_small_stack("{{ define \"r\" }}{{ include \"r\" . }}{{ end }}{{ include \"r\" . }}");
        assert!(include.is_err());
        let tpl = on_small_stack(
            "{{ define \"t\" }}{{ tpl \"{{ include \\\"t\\\" . }}\" . }}{{ end }}{{ include \"t\" . }}",
        );
        assert!(tpl.is_err());
    }

    #[test]
    fn deep_nesting_is_an_error() {
        let parens: &'static str = Box::leak(
            format!("{{{{ {}1{} }}}}", "(".repeat(5000), ")".repeat(5000)).into_boxed_str(),
        );
        assert!(
            on_small_stack(parens)
                .unwrap_err()
                .contains("max expression depth")
        );
        eprintln!("parens ok");
        let ifs: &'static str = Box::leak(
            format!(
                "{}x{}",
                "{{ if true }}".repeat(5000),
                "{{ end }}".repeat(5000)
            )
            .into_boxed_str(),
        );
        assert!(
            on_small_stack(ifs)
                .unwrap_err()
                .contains("max expression depth")
        );
    }

    #[test]
    fn reasonable_depth_works() {
        let ifs: &'static str = Box::leak(
            format!("{}x{}", "{{ if true }}".repeat(60), "{{ end }}".repeat(60)).into_boxed_str(),
        );
        assert_eq!(on_small_stack(ifs).as_deref(), Ok("x"));
        let nested = std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(|| {
                let mut data = Value::empty_map();
                for _ in 0..50 {
                    let m = crate::value::Map::new();
                    m.insert("n", data);
                    data = Value::Map(m);
                }
                render_with(
                    "{{ define \"r\" }}{{ with .n }}.{{ include \"r\" . }}{{ end }}{{ end }}{{ include \"r\" . | len }}",
                    data,
                )
            })
            .expect("thread")
            .join()
            .expect("no stack overflow");
        assert_eq!(nested.as_deref(), Ok("49"));
    }

    #[test]
    fn strict_mode_reports_missing_keys() {
        let data = || {
            let m = crate::value::Map::new();
            m.insert("a", Value::empty_map());
            Value::Map(m)
        };
        assert_eq!(
            render_mode("{{ .a.x }}|", data(), false).as_deref(),
            Ok("|")
        );
        assert_eq!(
            render_mode("{{ .a.x }}", data(), true).unwrap_err(),
            "c/templates/t.yaml:1:5\n  executing \"c/templates/t.yaml\" at <.a.x>:\n    map has no entry for key \"x\""
        );
        assert_eq!(
            render_mode("{{ (.a.x).y }}", data(), true).unwrap_err(),
            "c/templates/t.yaml:1:6\n  executing \"c/templates/t.yaml\" at <.a.x>:\n    map has no entry for key \"x\""
        );
        assert!(render_mode("{{ tpl \"{{ .q }}\" .a }}", data(), true).is_err());
    }

    /// Random token soups must never panic or hang the engine.
    #[test]
    fn random_templates_do_not_panic() {
        const PIECES: &[&str] = &[
            "{{", "}}", "{{-", "-}}", " ", "\n", "(", ")", "|", "$x", "$", ":=", "=", ",", ".a",
            ".", "\"s\"", "`r`", "'c'", "1", "-2", "0x1F", "1.5", "1e3", "1i", "nil", "true", "if",
            "else", "end", "range", "with", "define", "template", "block", "break", "continue",
            "len", "index", "eq", "and", "or", "not", "print", "include", "tpl", "\"d\"", "/*",
            "*/", "x", "@", "{", "}",
        ];
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut rand = move |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        for _ in 0..3000 {
            let len = 1 + rand(24);
            let src: String = (0..len).map(|_| PIECES[rand(PIECES.len())]).collect();
            let _ = render_one(&src);
        }
    }

    #[test]
    fn basics() {
        assert_eq!(
            render_one("a{{ 1 }}{{ \"b\" }}{{ .x }}c").as_deref(),
            Ok("a1bc")
        );
        assert_eq!(
            render_one("{{ range $i, $e := 3 }}{{ end }}").unwrap_err(),
            "c/templates/t.yaml:1:19\n  executing \"c/templates/t.yaml\" at <3>:\n    can't use 3 to iterate over more than one variable"
        );
    }
}
