//! The release commands: install, upgrade, rollback, uninstall, history, status, list, get,
//! test — Helm's flags and output. Each command's flags and printing live in its own file;
//! the work is done by `capstan_host::action`.

pub mod common;
pub mod get;
pub mod history;
pub mod install;
pub mod list;
pub mod print;
pub mod rollback;
pub mod status;
pub mod test;
pub mod uninstall;
pub mod upgrade;

use clap::Subcommand;

/// The release subcommands, flattened into the top-level command list.
#[derive(Subcommand)]
pub enum ReleaseCommand {
    /// Install a chart
    Install(Box<install::InstallArgs>),
    /// Upgrade a release
    Upgrade(Box<upgrade::UpgradeArgs>),
    /// Roll back a release to a previous revision
    Rollback(Box<rollback::RollbackArgs>),
    /// Uninstall a release
    #[command(visible_aliases = ["un", "del", "delete"])]
    Uninstall(Box<uninstall::UninstallArgs>),
    /// Fetch release history
    #[command(visible_alias = "hist")]
    History(Box<history::HistoryArgs>),
    /// Display the status of the named release
    Status(Box<status::StatusArgs>),
    /// List releases
    #[command(visible_alias = "ls")]
    List(Box<list::ListArgs>),
    /// Download extended information of a named release
    Get(Box<get::GetArgs>),
    /// Run tests for a release
    Test(Box<test::TestArgs>),
}

impl ReleaseCommand {
    /// Runs the command on a tokio runtime; errors are printed by the caller as `Error: ...`.
    pub fn run(self) -> Result<(), String> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| e.to_string())?;
        rt.block_on(async move {
            match self {
                ReleaseCommand::Install(a) => install::run(*a).await,
                ReleaseCommand::Upgrade(a) => upgrade::run(*a).await,
                ReleaseCommand::Rollback(a) => rollback::run(*a).await,
                ReleaseCommand::Uninstall(a) => uninstall::run(*a).await,
                ReleaseCommand::History(a) => history::run(*a).await,
                ReleaseCommand::Status(a) => status::run(*a).await,
                ReleaseCommand::List(a) => list::run(*a).await,
                ReleaseCommand::Get(a) => get::run(*a).await,
                ReleaseCommand::Test(a) => test::run(*a).await,
            }
        })
    }
}
