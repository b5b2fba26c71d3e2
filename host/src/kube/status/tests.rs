use super::*;
use serde_json::json;

fn deploy(status: Value) -> Value {
    json!({"apiVersion": "apps/v1", "kind": "Deployment",
           "metadata": {"name": "d", "generation": 2},
           "spec": {"replicas": 2}, "status": status})
}

#[test]
fn deployment_rules() {
    let d = deploy(json!({"observedGeneration": 1}));
    assert_eq!(
        readiness(&d).message,
        "Deployment generation is 2, but latest observed generation is 1"
    );
    let d = deploy(json!({"observedGeneration": 2, "replicas": 2, "updatedReplicas": 2}));
    assert_eq!(readiness(&d), r(Status::InProgress, "Available: 0/2"));
    let ready = json!({"observedGeneration": 2, "replicas": 2, "updatedReplicas": 2,
        "readyReplicas": 2, "availableReplicas": 2,
        "conditions": [
            {"type": "Progressing", "status": "True", "reason": "NewReplicaSetAvailable"},
            {"type": "Available", "status": "True"}]});
    assert_eq!(
        readiness(&deploy(ready)),
        r(Status::Current, "Deployment is available. Replicas: 2")
    );
    let failed = json!({"conditions": [{"type": "Progressing", "status": "False", "reason": "ProgressDeadlineExceeded"}]});
    assert_eq!(readiness(&deploy(failed)).status, Status::Failed);
}

#[test]
fn jobs_pods_and_claims() {
    let job = json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "j"},
        "status": {"startTime": "2020-01-01T00:00:00Z", "active": 1}});
    assert_eq!(readiness(&job).status, Status::Current);
    assert_eq!(job_until_complete(&job).status, Status::InProgress);
    let failed = json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "j"},
        "status": {"failed": 1, "conditions": [{"type": "Failed", "status": "True", "reason": "BackoffLimitExceeded"}]}});
    assert_eq!(
        job_until_complete(&failed),
        r(Status::Failed, "Job Failed. failed: 1/1")
    );
    let pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
        "status": {"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}]}});
    assert_eq!(readiness(&pod), r(Status::Current, "Pod is Ready"));
    assert_eq!(pod_until_done(&pod).status, Status::InProgress);
    let pvc = json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim", "status": {"phase": "Pending"}});
    assert_eq!(readiness(&pvc).message, "PVC is not Bound. phase: Pending");
}

#[test]
fn custom_resources_use_conditions() {
    let cr = json!({"apiVersion": "example.com/v1", "kind": "Widget",
        "status": {"conditions": [{"type": "Ready", "status": "False", "message": "warming"}]}});
    assert_eq!(readiness(&cr), r(Status::InProgress, "warming"));
    let cr = json!({"apiVersion": "example.com/v1", "kind": "Widget",
        "status": {"conditions": [{"type": "Stalled", "status": "True", "message": "broken"}]}});
    assert_eq!(readiness(&cr), r(Status::Failed, "broken"));
    let cr = json!({"apiVersion": "example.com/v1", "kind": "Widget"});
    assert_eq!(readiness(&cr), r(Status::Current, "Resource is current"));
}

#[test]
fn workloads() {
    let sts = json!({"apiVersion": "apps/v1", "kind": "StatefulSet", "spec": {"replicas": 1},
        "status": {"replicas": 1, "readyReplicas": 1, "currentReplicas": 1, "currentRevision": "a", "updateRevision": "a"}});
    assert_eq!(readiness(&sts).status, Status::Current);
    let ds = json!({"apiVersion": "apps/v1", "kind": "DaemonSet", "status": {}});
    assert_eq!(
        readiness(&ds).message,
        "Missing .status.desiredNumberScheduled"
    );
    let svc = json!({"apiVersion": "v1", "kind": "Service", "spec": {"type": "LoadBalancer", "clusterIP": "10.0.0.1"}});
    assert_eq!(readiness(&svc).status, Status::Current);
}
