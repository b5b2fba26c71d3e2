//! Cluster tests: drift.
