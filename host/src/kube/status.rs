//! kstatus: the readiness of a live object, as `sigs.k8s.io/cli-utils/pkg/kstatus` computes
//! it for Helm 4's waits — generic rules (deletion, observedGeneration, Reconciling / Stalled
//! conditions), then per-kind rules for the built-in workloads, then a `Ready` condition.

use serde_json::Value;

/// kstatus' status values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    InProgress,
    Failed,
    Current,
    Terminating,
    NotFound,
    Unknown,
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Status::InProgress => "InProgress",
            Status::Failed => "Failed",
            Status::Current => "Current",
            Status::Terminating => "Terminating",
            Status::NotFound => "NotFound",
            Status::Unknown => "Unknown",
        })
    }
}

/// A status with kstatus' explanation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Readiness {
    pub status: Status,
    pub message: String,
}

fn r(status: Status, message: impl Into<String>) -> Readiness {
    Readiness {
        status,
        message: message.into(),
    }
}

fn int(obj: &Value, ptr: &str, default: i64) -> i64 {
    match obj.pointer(ptr) {
        Some(Value::Number(n)) => n
            .as_i64()
            .or_else(|| n.as_f64().map(|f| f as i64))
            .unwrap_or(default),
        _ => default,
    }
}

fn string<'a>(obj: &'a Value, ptr: &str, default: &'a str) -> &'a str {
    obj.pointer(ptr).and_then(Value::as_str).unwrap_or(default)
}

fn conditions(obj: &Value) -> &[Value] {
    obj.pointer("/status/conditions")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

fn cond_field<'a>(c: &'a Value, key: &str) -> &'a str {
    c.get(key).and_then(Value::as_str).unwrap_or("")
}

fn condition<'a>(obj: &'a Value, ty: &str) -> Option<&'a Value> {
    conditions(obj).iter().find(|c| cond_field(c, "type") == ty)
}

fn has_condition(obj: &Value, ty: &str, status: &str) -> bool {
    condition(obj, ty).is_some_and(|c| cond_field(c, "status") == status)
}

/// Deletion, generation and the standard conditions.
fn generic(obj: &Value) -> Option<Readiness> {
    if !string(obj, "/metadata/deletionTimestamp", "").is_empty() {
        return Some(r(Status::Terminating, "Resource scheduled for deletion"));
    }
    if let (Some(generation), Some(observed)) = (
        obj.pointer("/metadata/generation").and_then(Value::as_i64),
        obj.pointer("/status/observedGeneration")
            .and_then(Value::as_i64),
    ) && generation != observed
    {
        return Some(r(
            Status::InProgress,
            format!(
                "{} generation is {generation}, but latest observed generation is {observed}",
                string(obj, "/kind", "")
            ),
        ));
    }
    for c in conditions(obj) {
        let status = cond_field(c, "status");
        match cond_field(c, "type") {
            "Reconciling" if status == "True" => {
                return Some(r(Status::InProgress, cond_field(c, "message")));
            }
            "Stalled" if status == "True" => {
                return Some(r(Status::Failed, cond_field(c, "message")));
            }
            _ => {}
        }
    }
    None
}

/// kstatus' `Compute`.
pub fn readiness(obj: &Value) -> Readiness {
    if let Some(res) = generic(obj) {
        return res;
    }
    let api_version = string(obj, "/apiVersion", "");
    let group = api_version.rsplit_once('/').map_or("", |(g, _)| g);
    let kind = string(obj, "/kind", "");
    let specific = match (group, kind) {
        ("apps", "Deployment") => Some(deployment(obj)),
        ("apps", "StatefulSet") => Some(stateful_set(obj)),
        ("apps", "DaemonSet") => Some(daemon_set(obj)),
        ("apps", "ReplicaSet") => Some(replica_set(obj)),
        ("", "Pod") => Some(pod(obj)),
        ("", "PersistentVolumeClaim") => Some(pvc(obj)),
        ("", "Service") => Some(service(obj)),
        ("batch", "Job") => Some(job(obj)),
        ("policy", "PodDisruptionBudget") => Some(pdb(obj)),
        ("apiextensions.k8s.io", "CustomResourceDefinition") => Some(crd(obj)),
        _ => None,
    };
    if let Some(res) = specific {
        return res;
    }
    if let Some(c) = condition(obj, "Ready") {
        return match cond_field(c, "status") {
            "True" => r(Status::Current, "Resource is Ready"),
            _ => r(Status::InProgress, cond_field(c, "message")),
        };
    }
    r(Status::Current, "Resource is current")
}

fn deployment(obj: &Value) -> Readiness {
    let mut progressing = false;
    let mut available = false;
    for c in conditions(obj) {
        match cond_field(c, "type") {
            "Progressing" => {
                if cond_field(c, "reason") == "ProgressDeadlineExceeded" {
                    return r(Status::Failed, "Progress deadline exceeded");
                }
                if cond_field(c, "status") == "True"
                    && cond_field(c, "reason") == "NewReplicaSetAvailable"
                {
                    progressing = true;
                }
            }
            "Available" if cond_field(c, "status") == "True" => available = true,
            _ => {}
        }
    }
    let spec = int(obj, "/spec/replicas", 1);
    let replicas = int(obj, "/status/replicas", 0);
    let updated = int(obj, "/status/updatedReplicas", 0);
    let ready = int(obj, "/status/readyReplicas", 0);
    let avail = int(obj, "/status/availableReplicas", 0);
    let ip = |m: String| r(Status::InProgress, m);
    if spec > replicas {
        return ip(format!("Replicas: {replicas}/{spec}"));
    }
    if spec > updated {
        return ip(format!("Updated: {updated}/{spec}"));
    }
    if replicas > spec {
        return ip(format!("Pending termination: {}", replicas - spec));
    }
    if updated > avail {
        return ip(format!("Available: {avail}/{updated}"));
    }
    if spec > ready {
        return ip(format!("Ready: {ready}/{spec}"));
    }
    if !progressing {
        return ip("ReplicaSet not Available".into());
    }
    if !available {
        return ip("Deployment not Available".into());
    }
    r(
        Status::Current,
        format!("Deployment is available. Replicas: {replicas}"),
    )
}

fn stateful_set(obj: &Value) -> Readiness {
    if string(obj, "/spec/updateStrategy/type", "") == "OnDelete" {
        return r(
            Status::Current,
            "StatefulSet is using the ondelete update strategy",
        );
    }
    let spec = int(obj, "/spec/replicas", 1);
    let ready = int(obj, "/status/readyReplicas", 0);
    let current = int(obj, "/status/currentReplicas", 0);
    let updated = int(obj, "/status/updatedReplicas", 0);
    let replicas = int(obj, "/status/replicas", 0);
    let partition = int(obj, "/spec/updateStrategy/rollingUpdate/partition", -1);
    let ip = |m: String| r(Status::InProgress, m);
    if spec > replicas {
        return ip(format!("Replicas: {replicas}/{spec}"));
    }
    if spec > ready {
        return ip(format!("Ready: {ready}/{spec}"));
    }
    if replicas > spec {
        return ip(format!("Pending termination: {}", replicas - spec));
    }
    if partition != -1 {
        if updated < spec - partition {
            return ip(format!("updated: {updated}/{}", spec - partition));
        }
        return r(
            Status::Current,
            format!("Partitioned roll out complete. updated: {updated}"),
        );
    }
    if spec > current {
        return ip(format!("current: {current}/{spec}"));
    }
    let current_rev = string(obj, "/status/currentRevision", "");
    let update_rev = string(obj, "/status/updateRevision", "");
    if current_rev != update_rev {
        return ip(format!(
            "Waiting for updated revision {update_rev} to match current {current_rev}"
        ));
    }
    r(
        Status::Current,
        format!("All replicas scheduled as expected. Replicas: {replicas}"),
    )
}

fn daemon_set(obj: &Value) -> Readiness {
    let desired = int(obj, "/status/desiredNumberScheduled", -1);
    let current = int(obj, "/status/currentNumberScheduled", 0);
    let updated = int(obj, "/status/updatedNumberScheduled", 0);
    let available = int(obj, "/status/numberAvailable", 0);
    let ready = int(obj, "/status/numberReady", 0);
    let ip = |m: String| r(Status::InProgress, m);
    if desired == -1 {
        return ip("Missing .status.desiredNumberScheduled".into());
    }
    if desired > current {
        return ip(format!("Current: {current}/{desired}"));
    }
    if desired > updated {
        return ip(format!("Updated: {updated}/{desired}"));
    }
    if desired > available {
        return ip(format!("Available: {available}/{desired}"));
    }
    if desired > ready {
        return ip(format!("Ready: {ready}/{desired}"));
    }
    r(
        Status::Current,
        format!("All replicas scheduled as expected. Replicas: {desired}"),
    )
}

fn replica_set(obj: &Value) -> Readiness {
    if has_condition(obj, "ReplicaFailure", "True") {
        return r(Status::InProgress, "Replica Failure condition. Check Pods");
    }
    let spec = int(obj, "/spec/replicas", 1);
    let replicas = int(obj, "/status/replicas", 0);
    let ready = int(obj, "/status/readyReplicas", 0);
    let available = int(obj, "/status/availableReplicas", 0);
    let labelled = int(obj, "/status/fullyLabeledReplicas", 0);
    let ip = |m: String| r(Status::InProgress, m);
    if spec > labelled {
        return ip(format!("Labelled: {labelled}/{spec}"));
    }
    if spec > available {
        return ip(format!("Available: {available}/{spec}"));
    }
    if spec > ready {
        return ip(format!("Ready: {ready}/{spec}"));
    }
    if replicas > spec {
        return ip(format!("Pending termination: {}", replicas - spec));
    }
    r(
        Status::Current,
        format!("ReplicaSet is available. Replicas: {replicas}"),
    )
}

fn pod(obj: &Value) -> Readiness {
    match string(obj, "/status/phase", "") {
        "Succeeded" => r(Status::Current, "Pod has completed successfully"),
        "Failed" => r(Status::Failed, "Pod has completed, but not successfully"),
        "Running" => {
            if has_condition(obj, "Ready", "True") {
                r(Status::Current, "Pod is Ready")
            } else {
                r(Status::InProgress, "Pod is running but is not Ready")
            }
        }
        "Pending" => {
            let unschedulable = condition(obj, "PodScheduled").is_some_and(|c| {
                cond_field(c, "status") == "False" && cond_field(c, "reason") == "Unschedulable"
            });
            if unschedulable {
                r(Status::InProgress, "Pod has not been scheduled")
            } else {
                r(Status::InProgress, "Pod is in the Pending phase")
            }
        }
        "" => r(Status::InProgress, "Pod phase not available"),
        other => r(Status::Unknown, format!("unknown phase {other}")),
    }
}

fn pvc(obj: &Value) -> Readiness {
    let phase = string(obj, "/status/phase", "");
    if phase != "Bound" {
        return r(
            Status::InProgress,
            format!("PVC is not Bound. phase: {phase}"),
        );
    }
    r(Status::Current, "PVC is Bound")
}

fn service(obj: &Value) -> Readiness {
    let ty = string(obj, "/spec/type", "ClusterIP");
    if ty == "LoadBalancer" && string(obj, "/spec/clusterIP", "").is_empty() {
        return r(Status::InProgress, "ClusterIP not set");
    }
    r(Status::Current, "Service is ready")
}

fn job_counts(obj: &Value) -> (i64, i64, i64, i64) {
    let parallelism = int(obj, "/spec/parallelism", 1);
    let completions = int(obj, "/spec/completions", parallelism);
    (
        completions,
        int(obj, "/status/succeeded", 0),
        int(obj, "/status/failed", 0),
        int(obj, "/status/active", 0),
    )
}

/// kstatus' Job rules: finished Jobs by their conditions; a started Job counts as current.
fn job(obj: &Value) -> Readiness {
    if let Some(res) = job_finished(obj) {
        return res;
    }
    let (_, succeeded, failed, active) = job_counts(obj);
    if string(obj, "/status/startTime", "").is_empty() {
        return r(Status::InProgress, "Job not started");
    }
    r(
        Status::Current,
        format!("Job in progress. success:{succeeded}, active: {active}, failed: {failed}"),
    )
}

fn job_finished(obj: &Value) -> Option<Readiness> {
    let (completions, succeeded, failed, _) = job_counts(obj);
    for c in conditions(obj) {
        if cond_field(c, "status") != "True" {
            continue;
        }
        match cond_field(c, "type") {
            "Complete" => {
                return Some(r(
                    Status::Current,
                    format!("Job Completed. succeeded: {succeeded}/{completions}"),
                ));
            }
            "Failed" => {
                return Some(r(
                    Status::Failed,
                    format!("Job Failed. failed: {failed}/{completions}"),
                ));
            }
            _ => {}
        }
    }
    None
}

/// Helm's own Job reader (`--wait-for-jobs`, hooks): only a completed Job is ready.
pub(crate) fn job_until_complete(obj: &Value) -> Readiness {
    if let Some(res) = job_finished(obj) {
        return res;
    }
    r(Status::InProgress, "Job in progress")
}

/// Helm's own Pod reader for hooks: a Pod is ready when it has succeeded.
pub(crate) fn pod_until_done(obj: &Value) -> Readiness {
    let name = string(obj, "/metadata/name", "");
    match string(obj, "/status/phase", "") {
        "Succeeded" => r(Status::Current, format!("pod {name} succeeded")),
        "Failed" => r(Status::Failed, format!("pod {name} failed")),
        _ => r(Status::InProgress, "Pod in progress"),
    }
}

fn pdb(obj: &Value) -> Readiness {
    let current = int(obj, "/status/currentHealthy", 0);
    let desired = int(obj, "/status/desiredHealthy", 0);
    if desired > current {
        return r(
            Status::InProgress,
            format!("Budget not met. healthy replicas: {current}/{desired}"),
        );
    }
    r(
        Status::Current,
        format!(
            "AllowedDisruptions: {}",
            int(obj, "/status/disruptionsAllowed", 0)
        ),
    )
}

fn crd(obj: &Value) -> Readiness {
    for c in conditions(obj) {
        let status = cond_field(c, "status");
        match cond_field(c, "type") {
            "NamesAccepted" if status == "False" => {
                return r(Status::Failed, cond_field(c, "message"));
            }
            "Established" if status == "True" => {
                return r(Status::Current, "CRD is established");
            }
            _ => {}
        }
    }
    r(Status::InProgress, "Install in progress")
}

#[cfg(test)]
mod tests;
