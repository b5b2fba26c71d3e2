//! Cluster tests: interop.
