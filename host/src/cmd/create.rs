//! `capstan create NAME`: the chart scaffold `helm create` writes.

use std::path::{Path, PathBuf};

use super::io_msg;

/// The scaffold's files: path in the chart, content, and how the name is filled in
/// (`true`: the single `%s` placeholder; `false`: every `<CHARTNAME>`).
const FILES: &[(&str, &str, bool)] = &[
    ("Chart.yaml", include_str!("scaffold/Chart.yaml"), true),
    ("values.yaml", include_str!("scaffold/values.yaml"), true),
    (".helmignore", include_str!("scaffold/helmignore"), false),
    (
        "templates/ingress.yaml",
        include_str!("scaffold/ingress.yaml"),
        false,
    ),
    (
        "templates/httproute.yaml",
        include_str!("scaffold/httproute.yaml"),
        false,
    ),
    (
        "templates/deployment.yaml",
        include_str!("scaffold/deployment.yaml"),
        false,
    ),
    (
        "templates/service.yaml",
        include_str!("scaffold/service.yaml"),
        false,
    ),
    (
        "templates/serviceaccount.yaml",
        include_str!("scaffold/serviceaccount.yaml"),
        false,
    ),
    (
        "templates/hpa.yaml",
        include_str!("scaffold/hpa.yaml"),
        false,
    ),
    (
        "templates/NOTES.txt",
        include_str!("scaffold/NOTES.txt"),
        false,
    ),
    (
        "templates/_helpers.tpl",
        include_str!("scaffold/_helpers.tpl"),
        false,
    ),
    (
        "templates/tests/test-connection.yaml",
        include_str!("scaffold/test-connection.yaml"),
        false,
    ),
];

/// The scaffold's files for a chart named `name`, paths relative to the chart.
pub fn scaffold(name: &str) -> Vec<(&'static str, String)> {
    FILES
        .iter()
        .map(|(path, content, printf)| {
            let text = if *printf {
                content.replacen("%s", name, 1)
            } else {
                content.replace("<CHARTNAME>", name)
            };
            (*path, text)
        })
        .collect()
}

fn validate_chart_name(name: &str) -> Result<(), String> {
    if name.is_empty() || name.len() > 250 {
        return Err("chart name must be between 1 and 250 characters".into());
    }
    if !name
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
    {
        return Err("chart name must match the regular expression \"^[a-zA-Z0-9._-]+$\"".into());
    }
    Ok(())
}

/// Runs `create` (the caller prints `Creating NAME` first, as Helm does).
pub fn run(name_arg: &str) -> Result<(), String> {
    let p = Path::new(name_arg);
    let chart_name = p
        .file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let parent = p
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    validate_chart_name(&chart_name)?;
    let meta = std::fs::metadata(&parent)
        .map_err(|e| format!("stat {}: {}", parent.display(), io_msg(&e)))?;
    if !meta.is_dir() {
        return Err(format!("no such directory {}", parent.display()));
    }
    let cdir = parent.join(&chart_name);
    if cdir.exists() && !cdir.is_dir() {
        return Err(format!(
            "file {} already exists and is not a directory",
            cdir.display()
        ));
    }
    for (path, content) in scaffold(&chart_name) {
        let file = cdir.join(path);
        if file.exists() {
            eprintln!(
                "WARNING: File {:?} already exists. Overwriting.",
                file.display().to_string()
            );
        }
        if let Some(dir) = file.parent() {
            std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
        }
        std::fs::write(&file, content).map_err(|e| e.to_string())?;
    }
    std::fs::create_dir_all(cdir.join("charts")).map_err(|e| e.to_string())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_filled_in() {
        let files = scaffold("demo");
        let chart = &files[0].1;
        assert!(chart.contains("name: demo\n"));
        assert!(files.iter().all(|(_, c)| !c.contains("<CHARTNAME>")));
        assert!(validate_chart_name("bad/name").is_err());
    }
}
