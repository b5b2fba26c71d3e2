//! The test harness: the API server from the environment, a fresh namespace per test, and
//! the `capstan` binary under test.

use std::path::PathBuf;
use std::process::{Command, Output};

/// The cluster the tests run against.
pub struct Cluster {
    pub kubeconfig: PathBuf,
}

/// The cluster from `CAPSTAN_TEST_KUBECONFIG`, or `None` (the test then skips) unless
/// `CAPSTAN_REQUIRE_CLUSTER=1` demands one.
pub fn cluster() -> Option<Cluster> {
    match std::env::var_os("CAPSTAN_TEST_KUBECONFIG") {
        Some(p) => Some(Cluster {
            kubeconfig: PathBuf::from(p),
        }),
        None => {
            assert!(
                std::env::var("CAPSTAN_REQUIRE_CLUSTER").as_deref() != Ok("1"),
                "CAPSTAN_REQUIRE_CLUSTER=1 but CAPSTAN_TEST_KUBECONFIG is not set"
            );
            eprintln!("skipped: CAPSTAN_TEST_KUBECONFIG is not set (see scripts/kube-test.sh)");
            None
        }
    }
}

impl Cluster {
    /// Runs `capstan ARGS` with this cluster's kubeconfig.
    pub fn capstan(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_capstan"))
            .args(args)
            .env("KUBECONFIG", &self.kubeconfig)
            .output()
            .expect("run capstan")
    }
}
