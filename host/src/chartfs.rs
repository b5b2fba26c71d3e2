//! Reading charts from disk: a directory or a `.tgz` archive, handed to core as bytes.

use std::collections::BTreeMap;
use std::path::Path;

use capstan_core::chart::{self, Chart};

/// Loads a chart from a directory or a `.tgz` file.
pub fn load_chart(path: &Path) -> Result<Chart, String> {
    let meta = std::fs::metadata(path).map_err(|e| format!("{}: {e}", path.display()))?;
    if meta.is_dir() {
        let files = read_dir_files(path)?;
        chart::load_files(files).map_err(|e| e.to_string())
    } else {
        let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
        chart::load_archive(&bytes).map_err(|e| e.to_string())
    }
}

/// Every regular file under `root`, keyed by its `/`-separated path relative to `root`.
/// Symbolic links are followed only when they stay inside `root`.
pub fn read_dir_files(root: &Path) -> Result<BTreeMap<String, Vec<u8>>, String> {
    let canon_root = root
        .canonicalize()
        .map_err(|e| format!("{}: {e}", root.display()))?;
    let mut out = BTreeMap::new();
    let mut stack = vec![(root.to_path_buf(), String::new())];
    while let Some((dir, prefix)) = stack.pop() {
        let entries = std::fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        for entry in entries {
            let entry = entry.map_err(|e| format!("{}: {e}", dir.display()))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let rel = if prefix.is_empty() {
                name.clone()
            } else {
                format!("{prefix}/{name}")
            };
            let path = entry.path();
            let ft = entry
                .file_type()
                .map_err(|e| format!("{}: {e}", path.display()))?;
            if ft.is_symlink() {
                let target = path
                    .canonicalize()
                    .map_err(|e| format!("{}: broken symbolic link: {e}", path.display()))?;
                if !target.starts_with(&canon_root) {
                    return Err(format!(
                        "{}: symbolic link points outside the chart ({})",
                        path.display(),
                        target.display()
                    ));
                }
            }
            let meta = std::fs::metadata(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            if meta.is_dir() {
                stack.push((path, rel));
            } else if meta.is_file() {
                let data = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
                out.insert(rel, data);
            }
        }
    }
    Ok(out)
}
