//! Chart archives (`.tgz`): gzip + tar read from bytes, with Helm's size limits and its
//! checks against paths that escape the chart.

use std::io::Read;

use super::{Chart, LoadError, load_chart_files};

/// Helm's cap on a whole chart's decompressed size (100 MiB).
pub const MAX_DECOMPRESSED_CHART_SIZE: u64 = 100 * 1024 * 1024;
/// Helm's cap on one decompressed file (5 MiB).
pub const MAX_DECOMPRESSED_FILE_SIZE: u64 = 5 * 1024 * 1024;

fn err(message: impl Into<String>) -> LoadError {
    LoadError {
        message: message.into(),
        position: None,
    }
}

/// Loads a chart from a `.tgz` archive's bytes.
pub fn load_archive(bytes: &[u8]) -> Result<Chart, LoadError> {
    let files = archive_files(bytes)?;
    load_chart_files(files)
}

/// Go's `path.Clean` for a relative `/`-separated path.
fn clean(path: &str) -> String {
    let rooted = path.starts_with('/');
    let mut out: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if out.last().is_some_and(|p| *p != "..") {
                    out.pop();
                } else if !rooted {
                    out.push("..");
                }
            }
            p => out.push(p),
        }
    }
    let joined = out.join("/");
    if rooted {
        format!("/{joined}")
    } else if joined.is_empty() {
        ".".into()
    } else {
        joined
    }
}

/// The files of an archive, names relative to the chart root (the archive's first path
/// component is the chart directory and is dropped), in archive order.
pub fn archive_files(bytes: &[u8]) -> Result<Vec<(String, Vec<u8>)>, LoadError> {
    if !bytes.starts_with(&[0x1f, 0x8b]) {
        return Err(err("gzip: invalid header"));
    }
    let gz = flate2::read::GzDecoder::new(bytes);
    // Never read more than the chart cap (plus one byte to detect overflow) from the
    // decompressor, whatever the headers claim.
    let limited = gz.take(MAX_DECOMPRESSED_CHART_SIZE + 1024 * 1024);
    let mut tar = tar::Archive::new(limited);
    let entries = tar.entries().map_err(|e| err(e.to_string()))?;
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    let mut remaining = MAX_DECOMPRESSED_CHART_SIZE;
    for entry in entries {
        let mut entry = entry.map_err(|e| err(format!("invalid chart archive: {e}")))?;
        let header = entry.header();
        let kind = header.entry_type();
        let raw_name = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        if kind.is_dir() {
            continue;
        }
        if kind.is_pax_global_extensions() || kind.is_pax_local_extensions() {
            continue;
        }
        if kind.is_symlink() || kind.is_hard_link() {
            return Err(err(format!(
                "chart archive contains a link, which is not allowed: {raw_name:?}"
            )));
        }
        if !(kind.is_file() || kind.is_contiguous() || kind == tar::EntryType::Regular) {
            return Err(err(format!(
                "chart archive contains an entry that is not a regular file: {raw_name:?}"
            )));
        }
        let delim = if raw_name.contains('\\') { '\\' } else { '/' };
        let parts: Vec<&str> = raw_name.split(delim).collect();
        let rest = parts[1..].join("/");
        if rest.starts_with('/') {
            return Err(err("chart illegally contains absolute paths"));
        }
        let name = clean(&rest);
        if name == "." {
            return Err(err(format!(
                "chart illegally contains content outside the base directory: {raw_name:?}"
            )));
        }
        if name.starts_with("..") {
            return Err(err("chart illegally references parent directory"));
        }
        let b = name.as_bytes();
        if b.len() >= 3 && b[0].is_ascii_alphabetic() && b[1] == b':' && b[2] == b'/' {
            return Err(err("chart contains illegally named files"));
        }
        if parts[0] == "Chart.yaml" {
            return Err(err("chart yaml not in base directory"));
        }
        let size = entry.size();
        if size > remaining {
            return Err(err(format!(
                "decompressed chart is larger than the maximum size {MAX_DECOMPRESSED_CHART_SIZE}"
            )));
        }
        if size > MAX_DECOMPRESSED_FILE_SIZE {
            return Err(err(format!(
                "decompressed chart file {raw_name:?} is larger than the maximum file size {MAX_DECOMPRESSED_FILE_SIZE}"
            )));
        }
        let mut data = Vec::with_capacity(size as usize);
        let read = (&mut entry)
            .take(remaining)
            .read_to_end(&mut data)
            .map_err(|e| err(format!("invalid chart archive: {e}")))?;
        remaining = remaining.saturating_sub(read as u64);
        if (read as u64) < size || remaining == 0 {
            return Err(err(format!(
                "decompressed chart is larger than the maximum size {MAX_DECOMPRESSED_CHART_SIZE}"
            )));
        }
        if !seen.insert(name.clone()) {
            return Err(err(format!(
                "chart archive contains the file {name:?} more than once"
            )));
        }
        if data.starts_with(super::UTF8_BOM) {
            data.drain(..3);
        }
        files.push((name, data));
    }
    if files.is_empty() {
        return Err(err("no files in chart archive"));
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tgz(entries: &[(&str, &[u8], tar::EntryType)]) -> Vec<u8> {
        let mut builder = tar::Builder::new(Vec::new());
        for (name, data, kind) in entries {
            let mut h = tar::Header::new_gnu();
            h.set_entry_type(*kind);
            h.set_size(data.len() as u64);
            h.set_mode(0o644);
            // Bypass the builder's path checks to produce hostile names on purpose.
            let bytes = name.as_bytes();
            h.as_old_mut().name[..bytes.len()].copy_from_slice(bytes);
            h.set_cksum();
            builder.append(&h, *data).unwrap();
        }
        let tar = builder.into_inner().unwrap();
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut enc, &tar).unwrap();
        enc.finish().unwrap()
    }

    #[test]
    fn rejects_hostile_archives() {
        let reg = tar::EntryType::Regular;
        let e = archive_files(&tgz(&[("c/../../etc/passwd", b"x", reg)])).unwrap_err();
        assert_eq!(e.message, "chart illegally references parent directory");
        let e = archive_files(&tgz(&[("c//etc/passwd", b"x", reg)])).unwrap_err();
        assert_eq!(e.message, "chart illegally contains absolute paths");
        let e = archive_files(&tgz(&[("Chart.yaml", b"x", reg)])).unwrap_err();
        assert!(e.message.contains("outside the base directory"));
        let e = archive_files(&tgz(&[("c/a", b"x", reg), ("c/a", b"y", reg)])).unwrap_err();
        assert!(e.message.contains("more than once"));
        let e = archive_files(&tgz(&[("c/l", b"", tar::EntryType::Symlink)])).unwrap_err();
        assert!(e.message.contains("link"));
        assert!(archive_files(b"not gzip").is_err());
    }

    #[test]
    fn reads_files() {
        let reg = tar::EntryType::Regular;
        let files = archive_files(&tgz(&[
            ("c/Chart.yaml", b"name: c\n", reg),
            ("c/t/x", b"\xEF\xBB\xBFy", reg),
        ]))
        .unwrap();
        assert_eq!(files[0].0, "Chart.yaml");
        assert_eq!(files[1], ("t/x".to_string(), b"y".to_vec()));
    }

    #[test]
    fn clean_paths() {
        assert_eq!(clean("a/./b/../c"), "a/c");
        assert_eq!(clean("../a"), "../a");
        assert_eq!(clean(""), ".");
    }
}
