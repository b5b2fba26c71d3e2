//! Sprig's strings functions.

use super::Registry;

pub fn register(_r: &mut Registry) {}
