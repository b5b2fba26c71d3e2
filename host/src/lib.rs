//! The native host of Capstan: chart files on disk, the `capstan` CLI commands, clusters
//! and release storage.

pub mod action;
pub mod chartfs;
pub mod debug;
pub mod kube;
pub mod storage;
pub mod sysenv;
