//! Release tests against a real Kubernetes API server (`../shared/kube`, v1.20.2).
//!
//! `scripts/kube-test.sh` starts the server and runs this binary with
//! `CAPSTAN_TEST_KUBECONFIG` set; without it every test here returns early, saying so
//! (and fails instead when `CAPSTAN_REQUIRE_CLUSTER=1`, as in CI).

mod common;
mod concurrency;
mod drift;
mod hooks;
mod interop;
mod kube;
mod lifecycle;
mod safety;
