//! `capstan get`: a release's values, manifest, notes, hooks or metadata.

use super::common::{KubeFlags, OutputFormat, driver_from_env};
use super::print::{self, StatusOptions};
use capstan_core::release::Release;
use capstan_core::value::{Map, Value};
use capstan_host::action::{self, Configuration};
use clap::{Args, Subcommand};

/// `get` flags.
#[derive(Args, Clone, Debug)]
pub struct GetArgs {
    #[command(subcommand)]
    pub what: GetCommand,
}

/// What to download.
#[derive(Subcommand, Clone, Debug)]
pub enum GetCommand {
    /// download all information for a named release
    All(GetAllArgs),
    /// download the values file for a named release
    Values(GetValuesArgs),
    /// download the manifest for a named release
    Manifest(GetPlainArgs),
    /// download the notes for a named release
    Notes(GetPlainArgs),
    /// download all hooks for a named release
    Hooks(GetPlainArgs),
    /// This command fetches metadata for a given release
    Metadata(GetMetadataArgs),
}

/// `get manifest|notes|hooks` flags.
#[derive(Args, Clone, Debug)]
pub struct GetPlainArgs {
    #[arg(value_name = "RELEASE_NAME")]
    pub name: String,
    /// get the named release with revision
    #[arg(long, default_value_t = 0, allow_negative_numbers = true)]
    pub revision: i64,
    #[command(flatten)]
    pub kube: KubeFlags,
}

/// `get all` flags.
#[derive(Args, Clone, Debug)]
pub struct GetAllArgs {
    #[arg(value_name = "RELEASE_NAME")]
    pub name: String,
    /// get the named release with revision
    #[arg(long, default_value_t = 0, allow_negative_numbers = true)]
    pub revision: i64,
    /// go template for formatting the output, eg: {{.Release.Name}}
    #[arg(long, default_value = "")]
    pub template: String,
    #[command(flatten)]
    pub kube: KubeFlags,
}

/// `get values` flags.
#[derive(Args, Clone, Debug)]
pub struct GetValuesArgs {
    #[arg(value_name = "RELEASE_NAME")]
    pub name: String,
    /// get the named release with revision
    #[arg(long, default_value_t = 0, allow_negative_numbers = true)]
    pub revision: i64,
    /// dump all (computed) values
    #[arg(short = 'a', long)]
    pub all: bool,
    /// prints the output in the specified format. Allowed values: table, json, yaml
    #[arg(short = 'o', long = "output", value_enum, default_value = "table")]
    pub output: OutputFormat,
    #[command(flatten)]
    pub kube: KubeFlags,
}

/// `get metadata` flags.
#[derive(Args, Clone, Debug)]
pub struct GetMetadataArgs {
    #[arg(value_name = "RELEASE_NAME")]
    pub name: String,
    /// specify release revision
    #[arg(long, default_value_t = 0, allow_negative_numbers = true)]
    pub revision: i64,
    /// prints the output in the specified format. Allowed values: table, json, yaml
    #[arg(short = 'o', long = "output", value_enum, default_value = "table")]
    pub output: OutputFormat,
    #[command(flatten)]
    pub kube: KubeFlags,
}

async fn load(kube: &KubeFlags, name: &str, revision: i64) -> Result<Release, String> {
    let cfg = Configuration::new(&kube.options(), &driver_from_env())
        .await
        .map_err(|e| e.to_string())?;
    action::get::release_content(&cfg, name, revision)
        .await
        .map_err(|e| e.to_string())
}

/// Runs the command.
pub async fn run(args: GetArgs) -> Result<(), String> {
    match args.what {
        GetCommand::All(a) => {
            let cfg = Configuration::new(&a.kube.options(), &driver_from_env())
                .await
                .map_err(|e| e.to_string())?;
            let mut rel = action::get::release_content(&cfg, &a.name, a.revision)
                .await
                .map_err(|e| e.to_string())?;
            if !a.template.is_empty() {
                // As for `get metadata`: the newest revision carries every object label.
                if a.revision <= 0
                    && let Ok(labels) = cfg.storage.object_labels(&rel.name, rel.version).await
                {
                    rel.labels = labels;
                }
                print!("{}", render_template(&a.template, &rel)?);
                return Ok(());
            }
            let opts = StatusOptions {
                debug: true,
                show_metadata: true,
                hide_notes: false,
                ..StatusOptions::default()
            };
            print!("{}", print::status_table(&rel, &opts));
        }
        GetCommand::Values(a) => {
            let rel = load(&a.kube, &a.name, a.revision).await?;
            let vals = if a.all {
                let m = print::computed_values(&rel)?;
                capstan_core::value::Value::Map(m).to_json()
            } else if rel.config.is_empty() {
                // An empty map is not stored; Helm prints the nil map it reads back.
                serde_json::Value::Null
            } else {
                serde_json::Value::Object(rel.config.clone())
            };
            let yaml = || print::json_text_to_yaml(&vals.to_string());
            match a.output {
                OutputFormat::Table => {
                    println!(
                        "{}",
                        if a.all {
                            "COMPUTED VALUES:"
                        } else {
                            "USER-SUPPLIED VALUES:"
                        }
                    );
                    print!("{}", yaml());
                }
                OutputFormat::Json => print!("{}", print::json_line(&vals)),
                OutputFormat::Yaml => print!("{}", yaml()),
            }
        }
        GetCommand::Manifest(a) => {
            let rel = load(&a.kube, &a.name, a.revision).await?;
            println!("{}", rel.manifest);
        }
        GetCommand::Notes(a) => {
            let rel = load(&a.kube, &a.name, a.revision).await?;
            let notes = rel.info.map(|i| i.notes).unwrap_or_default();
            if !notes.is_empty() {
                print!("NOTES:\n{notes}\n");
            }
        }
        GetCommand::Hooks(a) => {
            let rel = load(&a.kube, &a.name, a.revision).await?;
            for h in &rel.hooks {
                print!("---\n# Source: {}\n{}\n", h.path, h.manifest);
            }
        }
        GetCommand::Metadata(a) => {
            let cfg = Configuration::new(&a.kube.options(), &driver_from_env())
                .await
                .map_err(|e| e.to_string())?;
            let mut rel = action::get::release_content(&cfg, &a.name, a.revision)
                .await
                .map_err(|e| e.to_string())?;
            // The newest revision comes from a label query in Helm, which hands back every
            // label of the object; a given revision is read by key, without Helm's own.
            if a.revision <= 0
                && let Ok(labels) = cfg.storage.object_labels(&rel.name, rel.version).await
            {
                rel.labels = labels;
            }
            let meta = action::get::metadata(&rel);
            match a.output {
                OutputFormat::Table => print!("{}", metadata_table(&meta)),
                OutputFormat::Json => println!("{}", print::struct_json(&meta)),
                OutputFormat::Yaml => print!("{}", print::json_text_to_yaml(&meta.to_string())),
            }
        }
    }
    Ok(())
}

/// `helm get metadata`'s table.
fn metadata_table(m: &serde_json::Value) -> String {
    let s = |k: &str| match m.get(k) {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(serde_json::Value::Null) | None => String::new(),
        Some(v) => v.to_string(),
    };
    // Kubernetes' labels.Set.String(): sorted `k=v` joined by commas.
    let set = |k: &str| {
        m.get(k)
            .and_then(|v| v.as_object())
            .map(|o| {
                let mut kv: Vec<String> = o
                    .iter()
                    .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or_default()))
                    .collect();
                kv.sort();
                kv.join(",")
            })
            .unwrap_or_default()
    };
    let mut deps: Vec<String> = m
        .get("dependencies")
        .and_then(|d| d.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|d| d.get("name")?.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    deps.sort();
    let method = match s("applyMethod").as_str() {
        "" => "client-side apply (defaulted)".to_string(),
        "csa" => "client-side apply".to_string(),
        "ssa" => "server-side apply".to_string(),
        other => format!("unknown ({other:?})"),
    };
    format!(
        "NAME: {}\nCHART: {}\nVERSION: {}\nAPP_VERSION: {}\nANNOTATIONS: {}\nLABELS: {}\nDEPENDENCIES: {}\nNAMESPACE: {}\nREVISION: {}\nSTATUS: {}\nDEPLOYED_AT: {}\nAPPLY_METHOD: {}\n",
        s("name"),
        s("chart"),
        s("version"),
        s("appVersion"),
        set("annotations"),
        set("labels"),
        deps.join(","),
        s("namespace"),
        s("revision"),
        s("status"),
        s("deployedAt"),
        method
    )
}

/// The release as Go's template engine sees `*release.Release`: Go field names, times as
/// `time.Time`, for `get all --template`.
fn release_value(rel: &Release) -> Value {
    use capstan_core::funcs::dates::TimeObject;
    let json = |v: serde_json::Value| Value::from_json(&v);
    let time = |t: &Option<String>| TimeObject::value(print::go_time(t.as_deref()));
    let m = Map::new();
    m.insert("Name", Value::String(rel.name.as_str().into()));
    let info = rel.info.clone().unwrap_or_default();
    let i = Map::new();
    i.insert("FirstDeployed", time(&info.first_deployed));
    i.insert("LastDeployed", time(&info.last_deployed));
    i.insert("Deleted", time(&info.deleted));
    i.insert(
        "Description",
        Value::String(info.description.as_str().into()),
    );
    i.insert("Status", Value::String(info.status.as_str().into()));
    i.insert("Notes", Value::String(info.notes.as_str().into()));
    m.insert("Info", Value::Map(i));
    if let Some(chart) = &rel.chart {
        let c = Map::new();
        let meta = chart.metadata.clone().unwrap_or_default();
        let md = Map::new();
        md.insert("Name", Value::String(meta.name.as_str().into()));
        md.insert("Version", Value::String(meta.version.as_str().into()));
        md.insert(
            "AppVersion",
            Value::String(meta.app_version.as_str().into()),
        );
        md.insert(
            "Description",
            Value::String(meta.description.as_str().into()),
        );
        md.insert(
            "APIVersion",
            Value::String(meta.api_version.as_str().into()),
        );
        md.insert("Type", Value::String(meta.chart_type.as_str().into()));
        md.insert(
            "KubeVersion",
            Value::String(meta.kube_version.as_str().into()),
        );
        md.insert(
            "Annotations",
            json(serde_json::to_value(&meta.annotations).unwrap_or_default()),
        );
        c.insert("Metadata", Value::Map(md));
        c.insert(
            "Values",
            json(serde_json::Value::Object(
                chart.values.clone().unwrap_or_default(),
            )),
        );
        m.insert("Chart", Value::Map(c));
    }
    m.insert(
        "Config",
        json(serde_json::Value::Object(rel.config.clone())),
    );
    m.insert("Manifest", Value::String(rel.manifest.as_str().into()));
    let hooks: Vec<Value> = rel
        .hooks
        .iter()
        .map(|h| {
            let hm = Map::new();
            hm.insert("Name", Value::String(h.name.as_str().into()));
            hm.insert("Kind", Value::String(h.kind.as_str().into()));
            hm.insert("Path", Value::String(h.path.as_str().into()));
            hm.insert("Manifest", Value::String(h.manifest.as_str().into()));
            hm.insert(
                "Events",
                json(serde_json::to_value(&h.events).unwrap_or_default()),
            );
            hm.insert("Weight", Value::Int(h.weight));
            Value::Map(hm)
        })
        .collect();
    m.insert("Hooks", json(serde_json::Value::Array(Vec::new())));
    if !hooks.is_empty() {
        m.insert("Hooks", Value::list(hooks));
    }
    m.insert("Version", Value::Int(rel.version));
    m.insert("Namespace", Value::String(rel.namespace.as_str().into()));
    m.insert(
        "Labels",
        json(serde_json::to_value(&rel.labels).unwrap_or_default()),
    );
    m.insert(
        "ApplyMethod",
        Value::String(rel.apply_method.as_str().into()),
    );
    Value::Map(m)
}

/// `get all --template`: Go's text/template over `{Release: ...}`.
fn render_template(template: &str, rel: &Release) -> Result<String, String> {
    let data = Map::new();
    data.insert("Release", release_value(rel));
    let funcs = capstan_core::funcs::Registry::standard();
    let env = capstan_host::sysenv::SystemEnvironment;
    let engine = capstan_core::template::Engine {
        funcs: &funcs,
        env: &env,
        lookup: None,
        strict: false,
        lint_mode: false,
    };
    let name = "get/templates/template";
    let out = engine
        .render(&[capstan_core::template::RenderTemplate {
            name: name.to_string(),
            source: template.into(),
            data: Value::Map(data),
        }])
        .map_err(|e| e.to_string())?;
    Ok(out.get(name).cloned().unwrap_or_default())
}
