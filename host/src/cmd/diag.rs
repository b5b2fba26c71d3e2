//! Error context for chart authors: the source line and a caret under the column, for
//! errors that name a chart file position.

use std::collections::BTreeMap;
use std::path::Path;

use capstan_core::chart::Chart;

/// The `  --> file:line:col` block with the source line and a caret. `column` is
/// 1-based (YAML parsers); Go templates report 0-based byte offsets, which callers add
/// one to.
pub fn snippet(file: &str, text: &str, line: usize, column: Option<usize>) -> Option<String> {
    let src = text.split('\n').nth(line.checked_sub(1)?)?;
    let src = src.strip_suffix('\r').unwrap_or(src);
    let num = line.to_string();
    let pad = " ".repeat(num.len());
    let mut out = match column {
        Some(c) => format!("  --> {file}:{line}:{c}\n"),
        None => format!("  --> {file}:{line}\n"),
    };
    out.push_str(&format!("{pad} |\n{num} | {src}\n"));
    if let Some(c) = column {
        // Columns count bytes in Go's messages; line the caret up by characters.
        let prefix: String = src
            .char_indices()
            .take_while(|(i, _)| *i < c.saturating_sub(1))
            .map(|(_, ch)| if ch == '\t' { '\t' } else { ' ' })
            .collect();
        out.push_str(&format!("{pad} | {prefix}^\n"));
    }
    Some(out)
}

/// Every template of a chart tree by its full name (`top/charts/sub/templates/x.yaml`).
pub fn template_sources(chart: &Chart) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    collect(chart, chart.name(), &mut out);
    out
}

fn collect(chart: &Chart, prefix: &str, out: &mut BTreeMap<String, String>) {
    for t in &chart.templates {
        out.insert(
            format!("{prefix}/{}", t.name),
            String::from_utf8_lossy(&t.data).into_owned(),
        );
    }
    for d in &chart.dependencies {
        collect(d, &format!("{prefix}/charts/{}", d.name()), out);
    }
}

/// Finds the last (innermost, for `include` chains) `TEMPLATE:LINE[:COL]` in an engine
/// error whose template is known and returns its source context.
pub fn template_error_context(message: &str, sources: &BTreeMap<String, String>) -> Option<String> {
    let mut best: Option<(usize, &str, &str, usize, Option<usize>)> = None;
    for (name, text) in sources {
        let mut from = 0;
        while let Some(i) = message[from..].find(name.as_str()) {
            let at = from + i + name.len();
            from = at;
            let rest = &message[at..];
            let Some(rest) = rest.strip_prefix(':') else {
                continue;
            };
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            let Ok(line) = digits.parse::<usize>() else {
                continue;
            };
            let after = &rest[digits.len()..];
            let column = after.strip_prefix(':').and_then(|c| {
                let d: String = c.chars().take_while(char::is_ascii_digit).collect();
                d.parse::<usize>().ok()
            });
            if best.is_none_or(|b| at > b.0) {
                best = Some((at, name, text, line, column));
            }
        }
    }
    let (_, name, text, line, column) = best?;
    let shown = snippet(name, text, line, column.map(|c| c + 1))?;
    // Keep Go's own numbers in the heading.
    Some(match column {
        Some(c) => shown.replacen(
            &format!("{name}:{line}:{}", c + 1),
            &format!("{name}:{line}:{c}"),
            1,
        ),
        None => shown,
    })
}

/// Source context for a chart load error with a position, read from the chart directory.
pub fn load_error_context(chart_dir: &Path, e: &capstan_core::chart::LoadError) -> Option<String> {
    let p = e.position.as_ref()?;
    if !chart_dir.is_dir() {
        return None;
    }
    let text = std::fs::read_to_string(chart_dir.join(&p.file)).ok()?;
    snippet(&p.file, &text, p.line, Some(p.column))
}

/// Loads a chart directory or archive; a YAML error in a chart file comes with its
/// source line.
pub fn load_chart(path: &Path) -> Result<Chart, String> {
    let meta = std::fs::metadata(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let result = if meta.is_dir() {
        let files = capstan_host::chartfs::read_dir_files(path)?;
        capstan_core::chart::load_files(files)
    } else {
        let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
        capstan_core::chart::load_archive(&bytes)
    };
    result.map_err(|e| match load_error_context(path, &e) {
        Some(ctx) => format!("{}\n{ctx}", e.message),
        None => e.message,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caret_under_column() {
        let s = snippet("c/templates/a.yaml", "a: 1\nb: {{ x }}\n", 2, Some(4)).unwrap();
        assert_eq!(
            s,
            "  --> c/templates/a.yaml:2:4\n  |\n2 | b: {{ x }}\n  |    ^\n"
        );
    }

    #[test]
    fn finds_template_positions() {
        let mut m = BTreeMap::new();
        m.insert(
            "c/templates/a.yaml".to_string(),
            "x\ny: {{ fail \"no\" }}\n".to_string(),
        );
        let msg = "execution error at (c/templates/a.yaml:2:6): no";
        let ctx = template_error_context(msg, &m).unwrap();
        assert!(ctx.contains("2 | y: {{ fail"));
        assert!(ctx.contains("a.yaml:2:6\n"));
        assert!(ctx.ends_with("  |       ^\n"));
    }
}
