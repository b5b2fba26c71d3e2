//! Values: coalescing (chart defaults, subcharts, globals, nulls), `--set` parsing
//! (strvals), dependency processing that depends on values (conditions, tags, aliases,
//! import-values), and values.schema.json validation.

mod coalesce;
mod dependencies;
mod json;
mod schema;
mod strvals;
mod version;

pub use dependencies::{process_dependencies, to_render_values};

use crate::chart::Chart;
use crate::value::Map;

/// Which `--set` flag an expression came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SetKind {
    Set,
    SetString,
    SetJson,
    SetLiteral,
}

/// A values error (strvals, coalescing, schema) in Helm's words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValuesError {
    pub message: String,
}

impl std::fmt::Display for ValuesError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ValuesError {}

/// Parses one `--set`-style expression into `into`, as Helm's strvals does.
pub fn parse_set(kind: SetKind, expr: &str, into: &Map) -> Result<(), ValuesError> {
    strvals::parse(kind, expr, into)
}

/// Merges user values files in order, like `helm -f a -f b` (later wins, maps merge deeply).
pub fn merge_user_values(files: &[Map]) -> Map {
    files
        .iter()
        .fold(Map::new(), |acc, f| coalesce::merge_maps(&acc, f))
}

/// Helm's `CoalesceValues(chart, user)`: what templates see, before dependency processing.
/// The result is a new map (kind `common.Values`); `user` is not changed.
pub fn coalesce(chart: &Chart, user: &Map) -> Result<Map, ValuesError> {
    coalesce::coalesce_values(chart, user, coalesce::Mode::Coalesce)
}

/// Validates coalesced values against values.schema.json of the chart and its subcharts
/// (each subchart with its own slice of the values). The error lists every failing
/// chart, parent first, in Helm's shape (`CHART:\n- at '/path': message\n`).
pub fn validate_schema(chart: &Chart, values: &Map) -> Result<(), ValuesError> {
    schema::validate(chart, values)
}
