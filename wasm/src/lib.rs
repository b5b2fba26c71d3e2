//! JavaScript bindings of capstan-core (wasm-bindgen). Thin: no logic of its own.

pub use capstan_core as core;
