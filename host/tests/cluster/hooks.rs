//! Cluster tests: hooks.
