//! Release hooks (Helm's `execHook`): the hooks of one lifecycle event run one after the
//! other, ordered by weight then name, each created and watched until ready; delete
//! policies decide what is removed before creation, after success and after failure.

use std::time::Duration;

use capstan_core::manifest;
use capstan_core::release::{Hook, HookExecution, Release, go_time_string};

use super::{Configuration, Error};
use crate::kube::{ApplyOptions, Progress, Propagation, WaitOptions};

/// `before-hook-creation`: delete the previous run's object before creating the hook.
pub const BEFORE_HOOK_CREATION: &str = "before-hook-creation";
/// `hook-succeeded`: delete the hook once every hook of the event succeeded.
pub const HOOK_SUCCEEDED: &str = "hook-succeeded";
/// `hook-failed`: delete the hook when it failed.
pub const HOOK_FAILED: &str = "hook-failed";

/// Hook phases as Helm records them in `last_run.phase`.
pub const PHASE_RUNNING: &str = "Running";
pub const PHASE_UNKNOWN: &str = "Unknown";
pub const PHASE_SUCCEEDED: &str = "Succeeded";
pub const PHASE_FAILED: &str = "Failed";

/// The release record's hooks from a rendered manifest's hooks (in Helm's kind order).
pub fn from_manifest(hooks: &[manifest::Hook]) -> Vec<Hook> {
    hooks
        .iter()
        .map(|h| Hook {
            name: h.name.clone(),
            kind: h.kind.clone(),
            path: h.path.clone(),
            manifest: h.manifest.clone(),
            events: h.events.clone(),
            last_run: HookExecution::default(),
            weight: h.weight,
            delete_policies: h.delete_policies.clone(),
            output_log_policies: output_log_policies(&h.manifest),
        })
        .collect()
}

/// `helm.sh/hook-output-log-policy`, which the core manifest split does not keep.
fn output_log_policies(manifest: &str) -> Vec<String> {
    let Some(obj) = yaml_to_json(manifest) else {
        return Vec::new();
    };
    obj.pointer("/metadata/annotations/helm.sh~1hook-output-log-policy")
        .and_then(|v| v.as_str())
        .map(|s| {
            s.split(',')
                .map(|p| p.trim().to_lowercase())
                .filter(|p| !p.is_empty())
                .collect()
        })
        .unwrap_or_default()
}

/// A YAML document as JSON, `None` when it does not parse.
pub fn yaml_to_json(doc: &str) -> Option<serde_json::Value> {
    let v = capstan_core::yaml::parse(doc).ok()?;
    let text = capstan_core::yaml::to_json(&v).ok()?;
    serde_json::from_str(&text).ok()
}

/// Indices of the release's hooks for `event`, in execution order: weight, then name
/// (stable, so Helm's kind order breaks the remaining ties).
pub fn ordered(hooks: &[Hook], event: &str) -> Vec<usize> {
    let mut idx: Vec<usize> = hooks
        .iter()
        .enumerate()
        .filter(|(_, h)| h.events.iter().any(|e| e == event))
        .map(|(i, _)| i)
        .collect();
    idx.sort_by(|&a, &b| {
        let (x, y) = (&hooks[a], &hooks[b]);
        x.weight.cmp(&y.weight).then_with(|| x.name.cmp(&y.name))
    });
    idx
}

/// How hooks are run.
#[derive(Debug, Clone)]
pub struct HookOptions {
    /// Per-hook wait (`--timeout`).
    pub timeout: Duration,
    /// Create hook objects with server-side apply.
    pub server_side: bool,
    /// Write the release record as each hook starts (Helm's `recordRelease`); off in
    /// dry runs.
    pub record: bool,
}

/// Runs every hook of `event` on the release, recording each run in `rel.hooks`; deletes
/// hooks per their policies. The error is the first hook failure, as Helm words it (the
/// caller adds `failed pre-install: ` and the like).
pub async fn execute(
    cfg: &Configuration,
    rel: &mut Release,
    event: &str,
    opts: &HookOptions,
) -> Result<(), Error> {
    execute_with(cfg, rel, event, opts, false).await
}

/// [`execute`], with Helm 3's (`--wait=legacy`) hook and deletion checks when `legacy`.
pub async fn execute_with(
    cfg: &Configuration,
    rel: &mut Release,
    event: &str,
    opts: &HookOptions,
    legacy: bool,
) -> Result<(), Error> {
    let order = ordered(&rel.hooks, event);
    for (pos, &i) in order.iter().enumerate() {
        if rel.hooks[i].delete_policies.is_empty() {
            rel.hooks[i].delete_policies = vec![BEFORE_HOOK_CREATION.to_string()];
        }
        delete_by_policy(cfg, &rel.hooks[i], BEFORE_HOOK_CREATION, opts, legacy).await?;
        let resources = cfg
            .kube
            .build_validated(&rel.hooks[i].manifest)
            .await
            .map_err(|e| {
                Error::Other(format!(
                    "unable to build kubernetes object for {event} hook {}: {e}",
                    rel.hooks[i].path
                ))
            })?;
        rel.hooks[i].last_run = HookExecution {
            started_at: Some(now()),
            completed_at: None,
            phase: PHASE_RUNNING.to_string(),
        };
        if opts.record {
            // Helm ignores (logs) failures to record progress.
            if let Err(e) = cfg.storage.update(rel).await {
                log(
                    "WARN",
                    "failed to update release",
                    &[("name", &rel.name), ("error", &e.to_string())],
                );
            }
        }
        rel.hooks[i].last_run.phase = PHASE_UNKNOWN.to_string();
        let apply = ApplyOptions {
            server_side: opts.server_side,
            ..ApplyOptions::default()
        };
        if let Err(e) = cfg.kube.create(&resources, &apply).await {
            let h = &mut rel.hooks[i];
            h.last_run.completed_at = Some(now());
            h.last_run.phase = PHASE_FAILED.to_string();
            return Err(Error::Other(format!(
                "warning: Hook {event} {} failed: {e}",
                h.path
            )));
        }
        let watched = if legacy {
            cfg.kube
                .watch_until_ready_legacy(&resources, opts.timeout)
                .await
        } else {
            cfg.kube.watch_until_ready(&resources, opts.timeout).await
        };
        let h = &mut rel.hooks[i];
        h.last_run.completed_at = Some(now());
        if let Err(e) = watched {
            h.last_run.phase = PHASE_FAILED.to_string();
            if let Err(d) = delete_by_policy(cfg, &rel.hooks[i], HOOK_FAILED, opts, legacy).await {
                eprintln!("error deleting the hook resource on hook failure: {d}");
            }
            for &j in &order[..pos] {
                delete_by_policy(cfg, &rel.hooks[j], HOOK_SUCCEEDED, opts, legacy).await?;
            }
            return Err(e.into());
        }
        h.last_run.phase = PHASE_SUCCEEDED.to_string();
    }
    for &i in order.iter().rev() {
        delete_by_policy(cfg, &rel.hooks[i], HOOK_SUCCEEDED, opts, legacy).await?;
    }
    Ok(())
}

/// Deletes the hook's objects if it carries `policy` (never CRDs), waiting until gone.
async fn delete_by_policy(
    cfg: &Configuration,
    h: &Hook,
    policy: &str,
    opts: &HookOptions,
    legacy: bool,
) -> Result<(), Error> {
    if h.kind == "CustomResourceDefinition" || !h.delete_policies.iter().any(|p| p == policy) {
        return Ok(());
    }
    let resources = cfg.kube.build(&h.manifest).await.map_err(|e| {
        Error::Other(format!(
            "unable to build kubernetes object for deleting hook {}: {e}",
            h.path
        ))
    })?;
    let (_, errs) = cfg.kube.delete(&resources, Propagation::Background).await;
    if !errs.is_empty() {
        let msgs: Vec<String> = errs.iter().map(|e| e.to_string()).collect();
        return Err(Error::Other(msgs.join("; ")));
    }
    let wait = WaitOptions {
        timeout: opts.timeout,
        with_jobs: false,
        progress: Progress::Quiet,
    };
    if legacy {
        cfg.kube.wait_for_delete_legacy(&resources, &wait).await?;
    } else {
        cfg.kube.wait_for_delete(&resources, &wait).await?;
    }
    Ok(())
}

/// A value as Go's `slog` text handler writes it: bare when it needs no quoting, else
/// quoted like `strconv.Quote`.
pub fn slog_value(v: &str) -> String {
    let needs = v.is_empty()
        || v.chars()
            .any(|c| c.is_whitespace() || c == '=' || c == '"' || c.is_control());
    if !needs {
        return v.to_string();
    }
    capstan_core::gofmt::quote(v)
}

/// Writes a log line to stderr as Helm's default logger does (`level=L msg=M k=v...`).
pub fn log(level: &str, msg: &str, attrs: &[(&str, &str)]) {
    let mut line = format!("level={level} msg={}", slog_value(msg));
    for (k, v) in attrs {
        line.push(' ');
        line.push_str(k);
        line.push('=');
        line.push_str(&slog_value(v));
    }
    eprintln!("{line}");
}

/// The current time as Go writes it in release records.
pub fn now() -> String {
    go_time_string(jiff::Timestamp::now())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hook(name: &str, kind: &str, weight: i64, events: &[&str]) -> Hook {
        Hook {
            name: name.into(),
            kind: kind.into(),
            weight,
            events: events.iter().map(|s| s.to_string()).collect(),
            ..Hook::default()
        }
    }

    #[test]
    fn orders_by_weight_then_name() {
        let hooks = vec![
            hook("b", "Job", 0, &["pre-install"]),
            hook("a", "Job", 5, &["pre-install"]),
            hook("z", "ConfigMap", -1, &["pre-install", "post-install"]),
            hook("a", "Job", 0, &["post-install"]),
            hook("a", "Pod", 0, &["pre-install"]),
        ];
        assert_eq!(ordered(&hooks, "pre-install"), vec![2, 4, 0, 1]);
        assert_eq!(ordered(&hooks, "post-install"), vec![2, 3]);
        assert!(ordered(&hooks, "test").is_empty());
    }

    #[test]
    fn slog_quoting() {
        assert_eq!(slog_value("plain"), "plain");
        assert_eq!(slog_value("a b"), "\"a b\"");
        assert_eq!(slog_value("say \"hi\""), "\"say \\\"hi\\\"\"");
    }

    #[test]
    fn reads_output_log_policy() {
        let m = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n  annotations:\n    helm.sh/hook-output-log-policy: hook-failed, hook-succeeded\n";
        assert_eq!(
            output_log_policies(m),
            vec!["hook-failed".to_string(), "hook-succeeded".to_string()]
        );
    }
}
