//! The native host of Capstan: chart files on disk, the `capstan` CLI commands.

pub mod chartfs;
pub mod debug;
pub mod sysenv;
