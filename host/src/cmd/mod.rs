//! The Helm-compatible commands: `template`, `show`, `lint`, `create`.

pub mod create;
pub mod diag;
pub mod lint;
pub mod release;
pub mod show;
pub mod template;

use capstan_core::{Map, values, yaml};
use clap::Args;

/// Helm's values flags (`-f`, `--set`, `--set-string`, `--set-json`, `--set-file`,
/// `--set-literal`).
#[derive(Args, Clone, Debug, Default)]
pub struct ValueOptions {
    /// Values files (or `-` for stdin), merged in order
    #[arg(short = 'f', long = "values", value_delimiter = ',')]
    pub values: Vec<String>,
    /// Set values on the command line (key1=val1,key2=val2)
    #[arg(long = "set")]
    pub set: Vec<String>,
    /// Set STRING values on the command line
    #[arg(long = "set-string")]
    pub set_string: Vec<String>,
    /// Set values from files (key1=path1,key2=path2)
    #[arg(long = "set-file")]
    pub set_file: Vec<String>,
    /// Set JSON values (key1=jsonval1 or a JSON object)
    #[arg(long = "set-json")]
    pub set_json: Vec<String>,
    /// Set a literal STRING value
    #[arg(long = "set-literal")]
    pub set_literal: Vec<String>,
}

fn read_input(path: &str) -> Result<Vec<u8>, String> {
    if path.trim() == "-" {
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut buf).map_err(|e| e.to_string())?;
        return Ok(buf);
    }
    std::fs::read(path).map_err(|e| format!("open {path}: {}", io_msg(&e)))
}

/// Go's wording for common I/O errors.
pub fn io_msg(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

impl ValueOptions {
    /// Helm's `MergeValues`: files, then `--set-json`, `--set`, `--set-string`,
    /// `--set-file`, `--set-literal` — the rules live in core; the host only reads files.
    pub fn merge(&self) -> Result<Map, String> {
        let mut files = Vec::with_capacity(self.values.len());
        for f in &self.values {
            let raw = read_input(f)?;
            files.push(
                yaml::parse_values(&String::from_utf8_lossy(&raw))
                    .map_err(|e| format!("failed to parse {f}: {e}"))?,
            );
        }
        let flags = values::ValueFlags {
            files,
            set_json: self.set_json.clone(),
            set: self.set.clone(),
            set_string: self.set_string.clone(),
            set_file: self.set_file.clone(),
            set_literal: self.set_literal.clone(),
        };
        let mut read =
            |path: &str| read_input(path).map(|data| String::from_utf8_lossy(&data).into_owned());
        values::merge_cli_values(&flags, &mut read).map_err(|e| e.to_string())
    }
}
