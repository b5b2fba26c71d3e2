//! `capstan list`: releases of a namespace (or all namespaces).

use super::common::{KubeFlags, OutputFormat, driver_from_env};
use super::print::{self, ListEntry};
use capstan_host::action::list::{ListOptions, States};
use capstan_host::action::{self, Configuration};
use capstan_host::storage::{DriverKind, Storage};
use clap::Args;

/// `list` flags.
#[derive(Args, Clone, Debug)]
pub struct ListArgs {
    /// Helm 3's `-a/--all`, kept so its scripts run: Helm 4 (and Capstan) list releases in
    /// every state by default, so it changes nothing.
    #[arg(short = 'a', long = "all", hide = true)]
    pub all: bool,
    /// output short (quiet) listing format
    #[arg(short = 'q', long)]
    pub short: bool,
    /// don't print headers when using the default output format
    #[arg(long = "no-headers")]
    pub no_headers: bool,
    /// format time using golang time formatter
    #[arg(long = "time-format", default_value = "")]
    pub time_format: String,
    /// sort by release date
    #[arg(short = 'd', long)]
    pub date: bool,
    /// reverse the sort order
    #[arg(short = 'r', long)]
    pub reverse: bool,
    /// show uninstalled releases (if 'helm uninstall --keep-history' was used)
    #[arg(long)]
    pub uninstalled: bool,
    /// show superseded releases
    #[arg(long)]
    pub superseded: bool,
    /// show releases that are currently being uninstalled
    #[arg(long)]
    pub uninstalling: bool,
    /// show deployed releases
    #[arg(long)]
    pub deployed: bool,
    /// show failed releases
    #[arg(long)]
    pub failed: bool,
    /// show pending releases
    #[arg(long)]
    pub pending: bool,
    /// list releases across all namespaces
    #[arg(short = 'A', long = "all-namespaces")]
    pub all_namespaces: bool,
    /// maximum number of releases to fetch
    #[arg(
        short = 'm',
        long,
        default_value_t = 256,
        allow_negative_numbers = true
    )]
    pub max: i64,
    /// next release index in the list, used to offset from start value
    #[arg(long, default_value_t = 0, allow_negative_numbers = true)]
    pub offset: i64,
    /// a regular expression (Perl compatible). Any releases that match the expression will be included in the results
    #[arg(short = 'f', long)]
    pub filter: Option<String>,
    /// Selector (label query) to filter on, supports '=', '==', and '!='.(e.g. -l key1=value1,key2=value2). Works only for secret(default) and configmap storage backends.
    #[arg(short = 'l', long)]
    pub selector: Option<String>,
    /// prints the output in the specified format. Allowed values: table, json, yaml
    #[arg(short = 'o', long = "output", value_enum, default_value = "table")]
    pub output: OutputFormat,
    #[command(flatten)]
    pub kube: KubeFlags,
}

/// Runs the command.
pub async fn run(args: ListArgs) -> Result<(), String> {
    let mut cfg = Configuration::new(&args.kube.options(), &driver_from_env())
        .await
        .map_err(|e| e.to_string())?;
    if args.all_namespaces {
        let kind = cfg.storage.kind();
        let client = (kind != DriverKind::Memory).then(|| cfg.kube.client().clone());
        cfg.storage = Storage::new(kind, client, "");
    }
    let opts = ListOptions {
        states: States {
            deployed: args.deployed,
            uninstalled: args.uninstalled,
            uninstalling: args.uninstalling,
            pending: args.pending,
            failed: args.failed,
            superseded: args.superseded,
        },
        filter: args.filter.clone(),
        selector: args.selector.clone(),
        by_date: args.date,
        reverse: args.reverse,
        limit: usize::try_from(args.max).unwrap_or(0),
        offset: usize::try_from(args.offset).unwrap_or(0),
    };
    let rels = action::list::run(&cfg, &opts)
        .await
        .map_err(|e| e.to_string())?;
    if args.short {
        let names: Vec<serde_json::Value> = rels.iter().map(|r| r.name.clone().into()).collect();
        match args.output {
            OutputFormat::Json => print!("{}", print::json_line(&names.into())),
            OutputFormat::Yaml => {
                print!(
                    "{}",
                    print::json_text_to_yaml(&serde_json::Value::from(names).to_string())
                )
            }
            OutputFormat::Table => {
                for r in &rels {
                    println!("{}", r.name);
                }
            }
        }
        return Ok(());
    }
    let entries: Vec<ListEntry> = rels
        .iter()
        .map(|r| ListEntry::new(r, &args.time_format))
        .collect();
    print!("{}", print::list(&entries, args.output, args.no_headers));
    Ok(())
}
