//! The Helm-compatible commands: `template`, `show`, `lint`, `create`.

pub mod create;
pub mod diag;
pub mod lint;
pub mod show;
pub mod template;

use capstan_core::values::SetKind;
use capstan_core::{Map, Value, values, yaml};
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
    /// `--set-file`, `--set-literal`.
    pub fn merge(&self) -> Result<Map, String> {
        let mut base = Map::new();
        for f in &self.values {
            let raw = read_input(f)?;
            let current = yaml::parse_values(&String::from_utf8_lossy(&raw))
                .map_err(|e| format!("failed to parse {f}: {e}"))?;
            base = values::merge_user_values(&[base, current]);
        }
        for v in &self.set_json {
            let t = v.trim();
            if t.starts_with('{') {
                let json: serde_json::Value = serde_json::from_str(t)
                    .map_err(|_| format!("failed parsing --set-json data JSON: {v}"))?;
                let Value::Map(m) = Value::from_json(&json) else {
                    return Err(format!("failed parsing --set-json data JSON: {v}"));
                };
                base = values::merge_user_values(&[base, m]);
            } else {
                values::parse_set(SetKind::SetJson, v, &base)
                    .map_err(|_| format!("failed parsing --set-json data {v}"))?;
            }
        }
        for v in &self.set {
            values::parse_set(SetKind::Set, v, &base)
                .map_err(|e| format!("failed parsing --set data: {e}"))?;
        }
        for v in &self.set_string {
            values::parse_set(SetKind::SetString, v, &base)
                .map_err(|e| format!("failed parsing --set-string data: {e}"))?;
        }
        for v in &self.set_file {
            for pair in v.split(',') {
                let Some((key, path)) = pair.split_once('=') else {
                    return Err(format!(
                        "failed parsing --set-file data: key {pair:?} has no value"
                    ));
                };
                let data =
                    read_input(path).map_err(|e| format!("failed parsing --set-file data: {e}"))?;
                let expr = format!("{key}={}", String::from_utf8_lossy(&data));
                values::parse_set(SetKind::SetLiteral, &expr, &base)
                    .map_err(|e| format!("failed parsing --set-file data: {e}"))?;
            }
        }
        for v in &self.set_literal {
            values::parse_set(SetKind::SetLiteral, v, &base)
                .map_err(|e| format!("failed parsing --set-literal data: {e}"))?;
        }
        Ok(base)
    }
}
