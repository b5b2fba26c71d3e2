//! Waiting on resources by polling their live state about once a second and judging it with
//! kstatus ([`super::status`]): readiness (`--wait`), deletion, and hooks. Errors read like
//! Helm 4's status watcher: one `resource Kind/namespace/name not ready. status: …, message:
//! …` line per resource, then `context deadline exceeded` when time ran out.

use std::io::Write;
use std::time::{Duration, Instant};

use serde_json::Value;

use super::status::{Readiness, Status, job_until_complete, pod_until_done, readiness};
use super::{KubeError, Progress, Resource, ResourceList, WaitOptions, rest};

const POLL: Duration = Duration::from_secs(1);
/// Helm's default when no timeout is given.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(300);

/// Which rules judge an object.
#[derive(Clone, Copy)]
enum Rules {
    /// kstatus, optionally with Helm's Job reader.
    Ready { with_jobs: bool },
    /// Hooks: Jobs and Pods until done, anything else once it exists.
    Hook,
}

fn judge(rules: Rules, obj: &Value) -> Readiness {
    let kind = obj.get("kind").and_then(Value::as_str).unwrap_or("");
    let api_version = obj.get("apiVersion").and_then(Value::as_str).unwrap_or("");
    let is_job = kind == "Job" && api_version.starts_with("batch/");
    let is_pod = kind == "Pod" && api_version == "v1";
    match rules {
        Rules::Ready { with_jobs: true } if is_job => job_until_complete(obj),
        Rules::Ready { .. } => readiness(obj),
        Rules::Hook if is_job => job_until_complete(obj),
        Rules::Hook if is_pod => pod_until_done(obj),
        Rules::Hook => Readiness {
            status: Status::Current,
            message: "Resource is current".into(),
        },
    }
}

fn ident(r: &Resource) -> String {
    format!(
        "{}/{}/{}",
        r.api.kind,
        r.namespace.as_deref().unwrap_or(""),
        r.name
    )
}

async fn observe(
    client: &kube::Client,
    list: &[&Resource],
    judge_fn: &(dyn Fn(&Value) -> Readiness + Sync),
) -> Vec<Readiness> {
    let gets = list.iter().map(|r| rest::get(client, r));
    futures::future::join_all(gets)
        .await
        .into_iter()
        .map(|got| match got {
            Ok(Some(obj)) => judge_fn(&obj),
            Ok(None) => Readiness {
                status: Status::NotFound,
                message: "Resource not found".into(),
            },
            Err(e) => Readiness {
                status: Status::Unknown,
                message: e.to_string(),
            },
        })
        .collect()
}

/// Progress output (stderr in use, a buffer in tests).
struct Reporter<W: Write> {
    mode: Progress,
    drawn_lines: usize,
    last: Vec<Option<Readiness>>,
    out: W,
}

impl<W: Write> Reporter<W> {
    fn new(mode: Progress, n: usize, out: W) -> Reporter<W> {
        Reporter {
            mode,
            drawn_lines: 0,
            last: vec![None; n],
            out,
        }
    }

    fn report(&mut self, list: &[&Resource], states: &[Readiness], desired: Status, verb: &str) {
        match self.mode {
            Progress::Quiet => {}
            Progress::Lines => {
                let err = &mut self.out;
                for (i, (r, s)) in list.iter().zip(states).enumerate() {
                    if self.last[i].as_ref() != Some(s) {
                        let _ = writeln!(
                            err,
                            "{verb} {}: {}{}",
                            ident(r),
                            s.status,
                            if s.message.is_empty() {
                                String::new()
                            } else {
                                format!(" ({})", s.message)
                            }
                        );
                        self.last[i] = Some(s.clone());
                    }
                }
            }
            Progress::Terminal => {
                let err = &mut self.out;
                if self.drawn_lines > 0 {
                    let _ = write!(err, "\x1b[{}A\x1b[J", self.drawn_lines);
                }
                let pending: Vec<_> = list
                    .iter()
                    .zip(states)
                    .filter(|(_, s)| s.status != desired)
                    .collect();
                self.drawn_lines = 0;
                if pending.is_empty() {
                    return;
                }
                let _ = writeln!(err, "{verb} {} of {} resources:", pending.len(), list.len());
                self.drawn_lines += 1;
                for (r, s) in pending {
                    let _ = writeln!(
                        err,
                        "  {:<50} {:<11} {}",
                        ident(r),
                        s.status.to_string(),
                        s.message
                    );
                    self.drawn_lines += 1;
                }
            }
        }
    }

    fn finish(&mut self) {
        if self.mode == Progress::Terminal && self.drawn_lines > 0 {
            let _ = write!(self.out, "\x1b[{}A\x1b[J", self.drawn_lines);
            self.drawn_lines = 0;
        }
    }
}

/// Polls until every resource reaches `desired` (or, waiting for readiness, has failed),
/// then reports the ones that did not.
async fn poll(
    client: &kube::Client,
    list: Vec<&Resource>,
    timeout: Duration,
    progress: Progress,
    desired: Status,
    judge_fn: &(dyn Fn(&Value) -> Readiness + Sync),
) -> Result<(), KubeError> {
    let timeout = if timeout.is_zero() {
        DEFAULT_TIMEOUT
    } else {
        timeout
    };
    let deadline = Instant::now() + timeout;
    let verb = if desired == Status::NotFound {
        "waiting for deletion of"
    } else {
        "waiting for"
    };
    let mut reporter = Reporter::new(progress, list.len(), std::io::stderr());
    loop {
        let states = observe(client, &list, judge_fn).await;
        let settled = states.iter().all(|s| {
            s.status == desired
                || (desired == Status::Current && s.status == Status::Failed)
                || (desired == Status::NotFound && s.status == Status::Unknown)
        });
        let timed_out = Instant::now() >= deadline;
        if settled || timed_out {
            reporter.finish();
            let mut errors: Vec<String> = Vec::new();
            for (r, s) in list.iter().zip(&states) {
                let fine = s.status == desired
                    || (desired == Status::NotFound && s.status == Status::Unknown);
                if fine {
                    continue;
                }
                errors.push(if desired == Status::NotFound {
                    format!(
                        "resource {} still exists. status: {}, message: {}",
                        ident(r),
                        s.status,
                        s.message
                    )
                } else {
                    format!(
                        "resource {} not ready. status: {}, message: {}",
                        ident(r),
                        s.status,
                        s.message
                    )
                });
            }
            if !settled {
                errors.push("context deadline exceeded".into());
            }
            if errors.is_empty() {
                return Ok(());
            }
            let text = errors.join("\n");
            return Err(if settled {
                KubeError::Other(text)
            } else {
                KubeError::Timeout(text)
            });
        }
        reporter.report(&list, &states, desired, verb);
        let left = deadline.saturating_duration_since(Instant::now());
        tokio::time::sleep(POLL.min(left)).await;
    }
}

/// `--wait`: every resource Current (paused Deployments are not waited for).
pub(crate) async fn wait_ready(
    client: &kube::Client,
    list: &ResourceList,
    opts: &WaitOptions,
) -> Result<(), KubeError> {
    let targets: Vec<&Resource> = list
        .0
        .iter()
        .filter(|r| {
            !(r.api.kind == "Deployment"
                && r.object.pointer("/spec/paused").and_then(Value::as_bool) == Some(true))
        })
        .collect();
    let rules = Rules::Ready {
        with_jobs: opts.with_jobs,
    };
    poll(
        client,
        targets,
        opts.timeout,
        opts.progress,
        Status::Current,
        &move |o| judge(rules, o),
    )
    .await
}

/// Every resource gone.
pub(crate) async fn wait_deleted(
    client: &kube::Client,
    list: &ResourceList,
    opts: &WaitOptions,
) -> Result<(), KubeError> {
    poll(
        client,
        list.0.iter().collect(),
        opts.timeout,
        opts.progress,
        Status::NotFound,
        &readiness,
    )
    .await
}

/// Hooks: Jobs complete, Pods succeeded, anything else present.
pub(crate) async fn watch_until_ready(
    client: &kube::Client,
    list: &ResourceList,
    timeout: Duration,
) -> Result<(), KubeError> {
    poll(
        client,
        list.0.iter().collect(),
        timeout,
        Progress::Quiet,
        Status::Current,
        &|o| judge(Rules::Hook, o),
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn res(kind: &str, name: &str) -> Resource {
        Resource {
            object: Value::Null,
            api: kube::discovery::ApiResource {
                group: "apps".into(),
                version: "v1".into(),
                api_version: "apps/v1".into(),
                kind: kind.into(),
                plural: "x".into(),
            },
            namespaced: true,
            name: name.into(),
            namespace: Some("ns".into()),
        }
    }

    fn st(status: Status, message: &str) -> Readiness {
        Readiness {
            status,
            message: message.into(),
        }
    }

    #[test]
    fn lines_report_changes_only() {
        let (a, b) = (res("Deployment", "a"), res("StatefulSet", "b"));
        let list = [&a, &b];
        let mut rep = Reporter::new(Progress::Lines, 2, Vec::new());
        let s1 = [
            st(Status::InProgress, "Ready: 0/1"),
            st(Status::Current, ""),
        ];
        rep.report(&list, &s1, Status::Current, "waiting for");
        rep.report(&list, &s1, Status::Current, "waiting for");
        let s2 = [st(Status::Current, "ok"), st(Status::Current, "")];
        rep.report(&list, &s2, Status::Current, "waiting for");
        assert_eq!(
            String::from_utf8(rep.out).unwrap(),
            "waiting for Deployment/ns/a: InProgress (Ready: 0/1)\nwaiting for StatefulSet/ns/b: Current\nwaiting for Deployment/ns/a: Current (ok)\n"
        );
    }

    #[test]
    fn terminal_redraws_pending_block() {
        let (a, b) = (res("Deployment", "a"), res("StatefulSet", "b"));
        let list = [&a, &b];
        let mut rep = Reporter::new(Progress::Terminal, 2, Vec::new());
        let s1 = [
            st(Status::InProgress, "Ready: 0/1"),
            st(Status::Current, ""),
        ];
        rep.report(&list, &s1, Status::Current, "waiting for");
        assert_eq!(rep.drawn_lines, 2);
        rep.report(&list, &s1, Status::Current, "waiting for");
        rep.finish();
        let out = String::from_utf8(rep.out).unwrap();
        assert!(out.starts_with("waiting for 1 of 2 resources:\n  Deployment/ns/a"));
        assert!(out.contains("\x1b[2A\x1b[J"));
        assert!(out.ends_with("\x1b[2A\x1b[J"));
    }
}
