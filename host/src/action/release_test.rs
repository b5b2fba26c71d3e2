//! `test` (Helm's `action.ReleaseTesting`): runs the release's `test` hooks and records
//! their runs on the last revision.

use std::time::Duration;

use capstan_core::release::{APPLY_METHOD_SERVER_SIDE, Release};

use super::hooks::{self, HookOptions};
use super::{Configuration, Error};

/// `helm test` options.
#[derive(Debug, Clone, Default)]
pub struct TestOptions {
    pub timeout: Duration,
    /// `--filter name=X`: only these tests.
    pub include: Vec<String>,
    /// `--filter '!name=X'`: all but these.
    pub exclude: Vec<String>,
}

/// Runs the tests of release `name`. The release is returned even when a test failed
/// (the command prints it, then the error).
pub async fn run(
    cfg: &Configuration,
    name: &str,
    opts: &TestOptions,
) -> Result<(Release, Option<Error>), Error> {
    if capstan_core::release::validate_release_name(name).is_err() {
        return Err(Error::Other(format!(
            "releaseTest: Release name is invalid: {name}"
        )));
    }
    let mut rel = cfg.storage.last(name).await?;
    let mut skipped = Vec::new();
    if !opts.exclude.is_empty() {
        let (skip, keep): (Vec<_>, Vec<_>) = std::mem::take(&mut rel.hooks)
            .into_iter()
            .partition(|h| opts.exclude.contains(&h.name));
        skipped.extend(skip);
        rel.hooks = keep;
    }
    if !opts.include.is_empty() {
        let (keep, skip): (Vec<_>, Vec<_>) = std::mem::take(&mut rel.hooks)
            .into_iter()
            .partition(|h| opts.include.contains(&h.name));
        skipped.extend(skip);
        rel.hooks = keep;
    }
    let hook_opts = HookOptions {
        timeout: opts.timeout,
        server_side: rel.apply_method == APPLY_METHOD_SERVER_SIDE,
        record: false,
    };
    let result = hooks::execute(cfg, &mut rel, "test", &hook_opts).await;
    skipped.append(&mut rel.hooks);
    rel.hooks = skipped;
    let updated = cfg.storage.update(&rel).await;
    match result {
        Err(e) => Ok((rel, Some(e))),
        Ok(()) => Ok((rel, updated.err().map(Error::from))),
    }
}

/// `helm test --logs`: each selected test hook's Pod log, by weight, as
/// `POD LOGS: NAME\n<log>\n`. (Without a kubelet the API server has no logs to give.)
pub async fn pod_logs(
    cfg: &Configuration,
    rel: &Release,
    opts: &TestOptions,
) -> Result<String, Error> {
    use k8s_openapi::api::core::v1::Pod;
    let pods: kube::Api<Pod> = kube::Api::namespaced(cfg.kube.client().clone(), &cfg.namespace);
    let mut out = String::new();
    for i in hooks::ordered(&rel.hooks, "test") {
        let h = &rel.hooks[i];
        if opts.exclude.contains(&h.name)
            || (!opts.include.is_empty() && !opts.include.contains(&h.name))
        {
            continue;
        }
        let text = pods
            .logs(&h.name, &kube::api::LogParams::default())
            .await
            .map_err(|e| {
                let msg = match e {
                    kube::Error::Api(a) => a.message,
                    other => other.to_string(),
                };
                Error::Other(format!("unable to get pod logs for {}: {msg}", h.name))
            })?;
        out.push_str(&format!("POD LOGS: {}\n{text}\n", h.name));
    }
    Ok(out)
}
