//! Go's `text/template` as Helm runs it: lexer, parser (an AST parsed once), executor,
//! builtins, and Helm's engine layer (`include`, `tpl`, `required`, `fail`, `lookup`,
//! `missingkey=zero`, `<no value>` stripping, error wrapping and selection).

mod builtins;
mod error;
mod exec;
mod golit;
mod helm;
mod lex;
mod node;
mod parse;

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
    /// Lint mode: missing keys are errors (`missingkey=error`), as `helm lint` renders.
    pub strict: bool,
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
