//! `install` (Helm's `action.Install`): render the chart, check the name and ownership,
//! record a `pending-install` revision 1, apply (CRDs first), run hooks, wait, and mark it
//! `deployed` — or `failed` (uninstalled again with `--rollback-on-failure`).

use std::collections::BTreeMap;
use std::time::Duration;

use capstan_core::Environment;
use capstan_core::chart::Chart;
use capstan_core::manifest;
use capstan_core::release::{
    APPLY_METHOD_CLIENT_SIDE, APPLY_METHOD_SERVER_SIDE, ChartRecord, Info, Release, Status,
};
use capstan_core::render::{self, ReleaseOptions, RenderOptions};
use capstan_core::{Map, Value};

use super::hooks::{self, HookOptions};
use super::{Configuration, Error, ownership};
use crate::kube::{ApplyOptions, Progress, ResourceList, WaitOptions};

/// `--dry-run`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DryRun {
    /// A real operation.
    #[default]
    None,
    /// Render only; the cluster is not contacted.
    Client,
    /// Everything but writes: the server is asked, nothing persists.
    Server,
}

impl DryRun {
    /// Whether nothing is written.
    pub fn is_dry_run(self) -> bool {
        self != DryRun::None
    }
    /// Whether the cluster is contacted.
    pub fn interacts(self) -> bool {
        self != DryRun::Client
    }
}

/// `--wait`'s strategies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum WaitStrategy {
    /// Only hooks are watched (the default).
    #[default]
    HookOnly,
    /// kstatus readiness of every resource (`--wait`, `--wait=watcher`).
    Watcher,
    /// Helm 3's ready checks (`--wait=legacy`).
    Legacy,
}

/// `--wait` and its companions, shared by install, upgrade and rollback.
#[derive(Debug, Clone)]
pub struct WaitSettings {
    pub strategy: WaitStrategy,
    /// `--wait-for-jobs`
    pub wait_for_jobs: bool,
    /// `--timeout`
    pub timeout: Duration,
}

impl Default for WaitSettings {
    fn default() -> Self {
        WaitSettings {
            strategy: WaitStrategy::HookOnly,
            wait_for_jobs: false,
            timeout: Duration::from_secs(300),
        }
    }
}

impl WaitSettings {
    /// The kube layer's wait options.
    pub fn options(&self) -> WaitOptions {
        WaitOptions {
            timeout: self.timeout,
            with_jobs: self.wait_for_jobs,
            progress: Progress::Quiet,
        }
    }

    /// Helm switches `hookOnly` to `watcher` when failures roll back.
    pub fn for_rollback_on_failure(&self, rollback_on_failure: bool) -> WaitSettings {
        let mut w = self.clone();
        if rollback_on_failure && w.strategy == WaitStrategy::HookOnly {
            w.strategy = WaitStrategy::Watcher;
        }
        w
    }

    /// Waits for the release's resources as the strategy says (nothing for `hookOnly`).
    pub async fn wait(
        &self,
        kube: &crate::kube::Kube,
        list: &ResourceList,
    ) -> Result<(), crate::kube::KubeError> {
        match self.strategy {
            WaitStrategy::HookOnly => Ok(()),
            WaitStrategy::Watcher => kube.wait(list, &self.options()).await,
            WaitStrategy::Legacy => kube.wait_legacy(list, &self.options()).await,
        }
    }
}

/// Everything `helm install` takes besides the chart and values.
#[derive(Debug, Clone, Default)]
pub struct InstallOptions {
    pub name: String,
    pub namespace: String,
    pub create_namespace: bool,
    pub dry_run: DryRun,
    /// `--server-side` (default true for installs).
    pub server_side: bool,
    pub force_conflicts: bool,
    pub force_replace: bool,
    pub no_hooks: bool,
    /// `--replace`: reuse the name of an uninstalled or failed release.
    pub replace: bool,
    pub wait: WaitSettings,
    pub rollback_on_failure: bool,
    pub description: String,
    pub skip_crds: bool,
    pub skip_schema_validation: bool,
    pub take_ownership: bool,
    /// `--disable-openapi-validation`
    pub disable_openapi_validation: bool,
    /// `--hide-secret` (dry runs only)
    pub hide_secret: bool,
    /// `--render-subchart-notes`
    pub sub_notes: bool,
    /// `--labels`: extra labels on the storage object.
    pub labels: BTreeMap<String, String>,
    /// Client dry run: `--kube-version` / `--api-versions` stand in for the cluster's.
    pub kube_version: Option<String>,
    pub api_versions: Vec<String>,
    /// Set `.Release.IsUpgrade` (only in dry runs, as `upgrade --install --dry-run`).
    pub is_upgrade: bool,
    /// The chart directory, for the file times Helm records.
    pub chart_path: Option<std::path::PathBuf>,
    /// How to reach the cluster for the template `lookup` function.
    pub kube_options: Option<crate::kube::KubeOptions>,
}

/// An action's failure with the release as far as it got (Helm returns both).
#[derive(Debug)]
pub struct Failed {
    pub release: Option<Box<Release>>,
    pub error: Error,
}

impl<E: Into<Error>> From<E> for Failed {
    fn from(e: E) -> Self {
        Failed {
            release: None,
            error: e.into(),
        }
    }
}

/// Storage labels Helm reserves for itself.
const SYSTEM_LABELS: &[&str] = &[
    "name",
    "owner",
    "status",
    "version",
    "createdAt",
    "modifiedAt",
];

/// Rejects user labels that collide with Helm's own storage labels.
pub fn check_labels(labels: &BTreeMap<String, String>) -> Result<(), Error> {
    if labels.keys().any(|k| SYSTEM_LABELS.contains(&k.as_str())) {
        return Err(Error::Other(format!(
            "user supplied labels contains system reserved label name. System labels: [{}]",
            SYSTEM_LABELS.join(" ")
        )));
    }
    Ok(())
}

/// The cluster's `.Capabilities` inputs: kube version and served API versions.
pub async fn cluster_capabilities(
    cfg: &Configuration,
) -> Result<(Option<String>, Vec<String>), Error> {
    let version = cfg.kube.server_version().await?;
    let apis = cfg.kube.api_versions().await?;
    Ok((Some(version), apis))
}

/// A rendered release: manifest, hooks and notes.
pub struct RenderedRelease {
    pub manifest: String,
    pub hooks: Vec<capstan_core::release::Hook>,
    pub notes: String,
}

/// Inputs of [`render_release`].
pub struct RenderInput<'a> {
    pub chart: &'a Chart,
    pub values: &'a Map,
    pub release: ReleaseOptions,
    pub kube_version: Option<String>,
    pub api_versions: Vec<String>,
    /// The API versions are the cluster's, the whole set (not added to Helm's defaults).
    pub cluster_api_versions: bool,
    /// The template `lookup` function's cluster (renders against a cluster only).
    pub lookup: Option<&'a dyn capstan_core::template::Lookup>,
    /// `--hide-secret`: v1 Secrets are left out of the manifest text.
    pub hide_secret: bool,
    /// `--render-subchart-notes`: subcharts' NOTES.txt join the parent's.
    pub sub_notes: bool,
    pub skip_schema_validation: bool,
}

/// Renders a chart as install and upgrade do (the pipeline of `capstan template`).
pub fn render_release(
    input: RenderInput<'_>,
    env: &dyn Environment,
) -> Result<RenderedRelease, Error> {
    let (processed, values) =
        render::prepare(input.chart, input.values, input.skip_schema_validation)
            .map_err(|e| Error::Other(e.message))?;
    let opts = RenderOptions {
        release: input.release,
        kube_version: input.kube_version,
        api_versions: input.api_versions,
        skip_schema_validation: input.skip_schema_validation,
        check_kube_version: true,
        strict: false,
        lint_mode: false,
    };
    let rendered = if input.cluster_api_versions {
        render_with_cluster(&processed, values, &opts, input.lookup, env)?
    } else {
        render::render_processed(&processed, values, &opts, env)
            .map_err(|e| Error::Other(e.message))?
    };
    let mut m = manifest::build(&processed, &rendered).map_err(|e| Error::Other(e.message))?;
    if input.sub_notes {
        // Helm walks its (unordered) template map; ours is sorted by name.
        let mut notes = String::new();
        for (name, text) in &rendered.templates {
            if name.ends_with("/templates/NOTES.txt") {
                if !notes.is_empty() {
                    notes.push('\n');
                }
                notes.push_str(text);
            }
        }
        m.notes = notes;
    }
    if input.hide_secret {
        m.manifest = String::new();
        for d in &m.documents {
            if d.kind == "Secret" && d.api_version == "v1" {
                m.manifest.push_str(&format!(
                    "---\n# Source: {}\n# HIDDEN: The Secret output has been suppressed\n",
                    d.path
                ));
            } else {
                m.manifest
                    .push_str(&format!("---\n# Source: {}\n{}\n", d.path, d.content));
            }
        }
    }
    Ok(RenderedRelease {
        manifest: m.manifest,
        hooks: hooks::from_manifest(&m.hooks),
        notes: m.notes,
    })
}

/// The engine run with the cluster's own `.Capabilities` (Helm's `getCapabilities`: the
/// server's version and exactly the API versions it serves).
fn render_with_cluster(
    processed: &Chart,
    values: Map,
    opts: &RenderOptions,
    lookup: Option<&dyn capstan_core::template::Lookup>,
    env: &dyn Environment,
) -> Result<render::Rendered, Error> {
    use capstan_core::funcs::{CallContext, Registry};
    use capstan_core::render::objects::VersionSet;
    use capstan_core::render::{Capabilities, KubeVersion};
    use std::rc::Rc;
    let version = opts.kube_version.as_deref().unwrap_or_default();
    let mut kube_version = KubeVersion::parse(version)
        .map_err(|e| Error::Other(format!("invalid kube version: {e}")))?;
    // Helm fills only the git version from the server; `String()` then falls back to it.
    kube_version.normalized = kube_version.version.clone();
    let registry = Registry::standard();
    if let Some(constraint) = processed.metadata.kube_version.as_deref()
        && !constraint.is_empty()
    {
        let compatible = registry.get("semverCompare").is_none_or(|def| {
            matches!(
                (def.call)(
                    &CallContext { env },
                    &[Value::str(constraint), Value::str(&kube_version.normalized)]
                ),
                Ok(Value::Bool(true))
            )
        });
        if !compatible {
            return Err(Error::Other(format!(
                "chart requires kubeVersion: {constraint} which is incompatible with Kubernetes {}",
                kube_version.version
            )));
        }
    }
    let caps = Capabilities {
        kube_version: Rc::new(kube_version),
        api_versions: Rc::new(VersionSet(opts.api_versions.clone())),
    };
    let templates = render::build_templates(processed, values, &opts.release, caps);
    let engine = capstan_core::template::Engine {
        funcs: &registry,
        env,
        lookup,
        strict: false,
        lint_mode: false,
    };
    let out = engine
        .render(&templates)
        .map_err(|e| Error::Other(e.message.clone()))?;
    Ok(render::Rendered {
        templates: out,
        crds: Vec::new(),
        chart_name: processed.name().to_string(),
    })
}

/// The chart part of the release record as Helm writes it: Go's nil for absent lists and
/// values, and (for a chart directory) each file's modification time.
pub fn chart_record(chart: &Chart, dir: Option<&std::path::Path>) -> ChartRecord {
    let mut rec = ChartRecord::from_chart(chart);
    if rec.files.as_ref().is_some_and(|f| f.is_empty()) {
        rec.files = None;
    }
    if rec.templates.as_ref().is_some_and(|f| f.is_empty()) {
        rec.templates = None;
    }
    if chart.raw_values.is_none() && rec.values.as_ref().is_none_or(|v| v.is_empty()) {
        rec.values = None;
    }
    let Some(dir) = dir.filter(|d| d.is_dir()) else {
        return rec;
    };
    let mtime = |name: &str| -> Option<String> {
        let t = std::fs::metadata(dir.join(name)).ok()?.modified().ok()?;
        let ts = jiff::Timestamp::try_from(t).ok()?;
        Some(capstan_core::release::go_time_string(ts))
    };
    rec.modtime = mtime("Chart.yaml");
    if chart.schema.is_some()
        && let Some(t) = mtime("values.schema.json")
    {
        rec.schemamodtime = t;
    }
    for f in rec.templates.iter_mut().flatten() {
        f.modtime = mtime(&f.name);
    }
    for f in rec.files.iter_mut().flatten() {
        f.modtime = mtime(&f.name);
    }
    rec
}

/// User values as the JSON the release record keeps.
pub fn values_to_json(vals: &Map) -> serde_json::Map<String, serde_json::Value> {
    capstan_core::yaml::to_json(&Value::Map(vals.clone()))
        .ok()
        .and_then(|s| serde_json::from_str::<serde_json::Value>(&s).ok())
        .and_then(|v| match v {
            serde_json::Value::Object(m) => Some(m),
            _ => None,
        })
        .unwrap_or_default()
}

/// A release record's JSON values as a values map.
pub fn values_from_json(m: &serde_json::Map<String, serde_json::Value>) -> Map {
    let text = serde_json::Value::Object(m.clone()).to_string();
    capstan_core::yaml::from_json(&text)
        .ok()
        .and_then(|v| match v {
            Value::Map(m) => Some(m),
            _ => None,
        })
        .unwrap_or_default()
}

/// The apply method recorded for a server-side choice.
pub fn apply_method(server_side: bool) -> String {
    if server_side {
        APPLY_METHOD_SERVER_SIDE
    } else {
        APPLY_METHOD_CLIENT_SIDE
    }
    .to_string()
}

/// Installs a chart. `cfg` is `None` only for a client dry run.
pub async fn run(
    cfg: Option<&Configuration>,
    chart: &Chart,
    vals: &Map,
    opts: &InstallOptions,
    env: &dyn Environment,
) -> Result<Release, Failed> {
    let interacts = opts.dry_run.interacts() && cfg.is_some();
    if !opts.dry_run.is_dry_run() && opts.hide_secret {
        hooks::log(
            "ERROR",
            "hiding Kubernetes secrets requires a dry-run mode",
            &[],
        );
        return Err(
            Error::Other("hiding Kubernetes secrets requires a dry-run mode".into()).into(),
        );
    }
    let name_failed = |e: String| {
        hooks::log("ERROR", "release name check failed", &[("error", &e)]);
        Failed::from(Error::Other(format!("release name check failed: {e}")))
    };
    if let Err(e) = capstan_core::release::validate_release_name(&opts.name) {
        return Err(name_failed(format!("release name {:?}: {e}", opts.name)));
    }
    if !opts.dry_run.is_dry_run()
        && let Some(cfg) = cfg
    {
        available_name(cfg, opts)
            .await
            .map_err(|e| name_failed(e.to_string()))?;
    }
    let crds: Vec<(String, Vec<u8>)> = chart
        .crd_objects()
        .into_iter()
        .map(|(p, f)| (p, f.data.clone()))
        .collect();
    if let Some(cfg) = cfg.filter(|_| interacts)
        && !opts.skip_crds
        && !crds.is_empty()
    {
        if opts.dry_run.is_dry_run() {
            hooks::log(
                "WARN",
                "This chart or one of its subcharts contains CRDs. Rendering may fail or contain inaccuracies.",
                &[],
            );
        } else {
            install_crds(cfg, &crds).await?;
        }
    }
    let (kube_version, api_versions) = match cfg.filter(|_| interacts) {
        Some(cfg) => cluster_capabilities(cfg).await?,
        None => (opts.kube_version.clone(), opts.api_versions.clone()),
    };
    check_labels(&opts.labels)?;
    let is_upgrade = opts.is_upgrade && opts.dry_run.is_dry_run();
    let now = hooks::now();
    let mut rel = Release {
        name: opts.name.clone(),
        namespace: opts.namespace.clone(),
        chart: Some(chart_record(chart, opts.chart_path.as_deref())),
        config: values_to_json(vals),
        info: Some(Info {
            first_deployed: Some(now.clone()),
            last_deployed: Some(now),
            status: Status::Unknown,
            ..Info::default()
        }),
        version: 1,
        labels: opts.labels.clone(),
        apply_method: apply_method(opts.server_side),
        ..Release::default()
    };
    let lookup = opts
        .kube_options
        .clone()
        .filter(|_| interacts)
        .map(super::lookup::LiveLookup::new);
    let rendered = render_release(
        RenderInput {
            chart,
            values: vals,
            release: ReleaseOptions {
                name: opts.name.clone(),
                namespace: opts.namespace.clone(),
                revision: 1,
                is_upgrade,
            },
            kube_version,
            api_versions,
            cluster_api_versions: interacts,
            hide_secret: opts.hide_secret,
            sub_notes: opts.sub_notes,
            lookup: lookup
                .as_ref()
                .map(|l| l as &dyn capstan_core::template::Lookup),
            skip_schema_validation: opts.skip_schema_validation,
        },
        env,
    )?;
    rel.manifest = rendered.manifest;
    rel.hooks = rendered.hooks;
    if let Some(info) = rel.info.as_mut() {
        info.notes = rendered.notes;
    }
    rel.set_status(Status::PendingInstall, "Initial install underway");

    let Some(cfg) = cfg.filter(|_| interacts) else {
        rel.set_status(Status::PendingInstall, "Dry run complete");
        return Ok(rel);
    };
    let built = if opts.disable_openapi_validation {
        cfg.kube.build(&rel.manifest).await
    } else {
        cfg.kube.build_validated(&rel.manifest).await
    };
    let mut resources = built.map_err(|e| {
        Error::Other(format!(
            "unable to build kubernetes objects from release manifest: {e}"
        ))
    })?;
    ownership::set_metadata(&mut resources, &rel.name, &rel.namespace);
    let mut adopt = ResourceList::default();
    if !is_upgrade && !resources.0.is_empty() {
        adopt = ownership::existing(
            &cfg.kube,
            &resources,
            &rel.name,
            &rel.namespace,
            opts.take_ownership,
        )
        .await
        .map_err(|e| Error::Other(format!("unable to continue with install: {e}")))?;
    }
    if opts.dry_run.is_dry_run() {
        rel.set_status(Status::PendingInstall, "Dry run complete");
        return Ok(rel);
    }
    if opts.create_namespace {
        cfg.kube.ensure_namespace(&opts.namespace).await?;
    }
    if opts.replace {
        replace_release(cfg, &mut rel).await?;
    }
    cfg.storage.create(&rel).await.map_err(|e| Failed {
        release: Some(Box::new(rel.clone())),
        error: e.into(),
    })?;
    match perform(cfg, &mut rel, &adopt, &resources, opts).await {
        Ok(()) => Ok(rel),
        Err(e) => Err(fail(cfg, rel, e, opts).await),
    }
}

async fn perform(
    cfg: &Configuration,
    rel: &mut Release,
    adopt: &ResourceList,
    resources: &ResourceList,
    opts: &InstallOptions,
) -> Result<(), Error> {
    let legacy = opts.wait.strategy == WaitStrategy::Legacy;
    let hook_opts = HookOptions {
        timeout: opts.wait.timeout,
        server_side: opts.server_side,
        record: true,
    };
    if !opts.no_hooks {
        hooks::execute_with(cfg, rel, "pre-install", &hook_opts, legacy)
            .await
            .map_err(|e| Error::Other(format!("failed pre-install: {e}")))?;
    }
    let apply = ApplyOptions {
        server_side: opts.server_side,
        force_conflicts: opts.force_conflicts,
        force_replace: opts.force_replace,
        ..ApplyOptions::default()
    };
    if adopt.0.is_empty() && !resources.0.is_empty() {
        cfg.kube.create(resources, &apply).await?;
    } else if !resources.0.is_empty() {
        let apply = ApplyOptions {
            upgrade_client_side_field_manager: true,
            three_way_merge_for_unstructured: opts.take_ownership && !opts.server_side,
            ..apply
        };
        cfg.kube.update(adopt, resources, &apply).await?;
    }
    opts.wait
        .for_rollback_on_failure(opts.rollback_on_failure)
        .wait(&cfg.kube, resources)
        .await?;
    if !opts.no_hooks {
        hooks::execute_with(cfg, rel, "post-install", &hook_opts, legacy)
            .await
            .map_err(|e| Error::Other(format!("failed post-install: {e}")))?;
    }
    let desc = if opts.description.is_empty() {
        "Install complete"
    } else {
        opts.description.as_str()
    };
    rel.set_status(Status::Deployed, desc);
    if let Err(e) = cfg.storage.update(rel).await {
        hooks::log(
            "ERROR",
            "failed to record the release",
            &[("error", &e.to_string())],
        );
    }
    Ok(())
}

async fn fail(cfg: &Configuration, mut rel: Release, err: Error, opts: &InstallOptions) -> Failed {
    rel.set_status(
        Status::Failed,
        &format!("Release {:?} failed: {err}", opts.name),
    );
    if opts.rollback_on_failure {
        let un_opts = super::uninstall::UninstallOptions {
            no_hooks: opts.no_hooks,
            keep_history: false,
            timeout: opts.wait.timeout,
            wait: true,
            ..Default::default()
        };
        let un = super::uninstall::run(cfg, &opts.name, &un_opts).await;
        let error = match un {
            Err(ue) => Error::Other(format!(
                "an error occurred while uninstalling the release. original install error: {err}: {ue}"
            )),
            Ok(_) => Error::Other(format!(
                "release {} failed, and has been uninstalled due to rollback-on-failure being set: {err}",
                opts.name
            )),
        };
        return Failed {
            release: Some(Box::new(rel)),
            error,
        };
    }
    let _ = cfg.storage.update(&rel).await;
    Failed {
        release: Some(Box::new(rel)),
        error: err,
    }
}

/// Helm's `availableName`: the name must not belong to a release with history, unless
/// `--replace` and its last revision is uninstalled or failed.
async fn available_name(cfg: &Configuration, opts: &InstallOptions) -> Result<(), Error> {
    let Ok(mut hist) = cfg.storage.history(&opts.name).await else {
        return Ok(());
    };
    hist.sort_by_key(|r| r.version);
    let Some(last) = hist.last() else {
        return Ok(());
    };
    if opts.replace && matches!(last.status(), Status::Uninstalled | Status::Failed) {
        return Ok(());
    }
    Err(Error::Other(
        "cannot reuse a name that is still in use".into(),
    ))
}

/// `--replace`: the new record follows the last revision, which is superseded.
async fn replace_release(cfg: &Configuration, rel: &mut Release) -> Result<(), Error> {
    let Ok(mut hist) = cfg.storage.history(&rel.name).await else {
        return Ok(());
    };
    hist.sort_by_key(|r| r.version);
    let Some(mut last) = hist.pop() else {
        return Ok(());
    };
    rel.version = last.version + 1;
    if last.status() == Status::Failed {
        return Ok(());
    }
    last.set_status(Status::Superseded, "superseded by new release");
    cfg.storage.update(&last).await?;
    Ok(())
}

/// Creates the chart's CRDs (`crds/`) before anything else; existing ones are left alone.
async fn install_crds(cfg: &Configuration, crds: &[(String, Vec<u8>)]) -> Result<(), Error> {
    let mut all = ResourceList::default();
    for (path, data) in crds {
        let text = String::from_utf8_lossy(data);
        let list = cfg
            .kube
            .build(&text)
            .await
            .map_err(|e| Error::Other(format!("failed to install CRD {path}: {e}")))?;
        all.0.extend(list.0);
    }
    let mut missing = ResourceList::default();
    for r in all.0 {
        if cfg.kube.get(&r).await?.is_none() {
            missing.0.push(r);
        }
    }
    if missing.0.is_empty() {
        return Ok(());
    }
    let apply = ApplyOptions {
        server_side: false,
        ..ApplyOptions::default()
    };
    if let Err(e) = cfg.kube.create(&missing, &apply).await
        && !e.is_already_exists()
    {
        return Err(Error::Other(format!("failed to install CRD: {e}")));
    }
    let wait = WaitOptions {
        timeout: std::time::Duration::from_secs(60),
        with_jobs: false,
        progress: Progress::Quiet,
    };
    cfg.kube.wait(&missing, &wait).await?;
    Ok(())
}
