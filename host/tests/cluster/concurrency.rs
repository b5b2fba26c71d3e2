//! Cluster tests: concurrency.
