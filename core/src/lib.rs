//! Capstan's pure core: everything in Helm that is computation — charts, Go templates,
//! Sprig and Helm functions, values, schema, manifests — with no I/O. Time and randomness
//! arrive through [`env::Environment`]. Builds natively and for `wasm32-unknown-unknown`.

pub mod chart;
pub mod env;
pub mod funcs;
pub mod gofmt;
pub mod manifest;
pub mod patch;
pub mod release;
pub mod render;
pub mod strconv;
pub mod template;
pub mod value;
pub mod values;
pub mod yaml;

pub use env::Environment;
pub use value::{List, ListKind, Map, MapKind, Object, Value};
