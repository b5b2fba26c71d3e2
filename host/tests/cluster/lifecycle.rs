//! Cluster tests: lifecycle.
