//! values.schema.json validation.

use super::ValuesError;
use crate::chart::Chart;
use crate::value::Map;

pub(crate) fn validate(chart: &Chart, values: &Map) -> Result<(), ValuesError> {
    let _ = (chart, values);
    Ok(())
}
