//! From rendered templates to what `helm template` prints: documents split, hooks and
//! tests set aside, Helm's install order, `# Source:` headers, NOTES.

mod head;
mod sort;

use crate::chart::Chart;
use crate::render::Rendered;

pub use sort::{DocRef, HookRef, INSTALL_ORDER, split_manifests};

/// The manifest as `helm template` / `helm install --dry-run` prints it, and the notes.
#[derive(Clone, Debug, Default)]
pub struct Manifest {
    /// The release manifest: every non-hook document, in install order, each as
    /// `---\n# Source: PATH\nCONTENT\n`.
    pub manifest: String,
    pub notes: String,
    /// Hook (and test) documents, in Helm's order.
    pub hooks: Vec<Hook>,
    /// The non-hook documents in install order (the pieces of `manifest`).
    pub documents: Vec<Document>,
}

/// One non-hook document of the release.
#[derive(Clone, Debug, Default)]
pub struct Document {
    /// Template path, e.g. `mychart/templates/deployment.yaml`.
    pub path: String,
    pub content: String,
    pub kind: String,
    pub api_version: String,
}

/// A hook document (`helm.sh/hook` annotation).
#[derive(Clone, Debug, Default)]
pub struct Hook {
    pub name: String,
    pub kind: String,
    pub path: String,
    pub manifest: String,
    /// Events in lower case (`pre-install`, `test`, ...).
    pub events: Vec<String>,
    pub weight: i64,
    pub delete_policies: Vec<String>,
}

impl Hook {
    /// Whether this is a test hook (`helm template --skip-tests` drops these).
    pub fn is_test(&self) -> bool {
        self.events.iter().any(|e| e == "test")
    }
}

/// A manifest that could not be built (e.g. a document that is not valid YAML).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ManifestError {
    pub message: String,
}

impl std::fmt::Display for ManifestError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ManifestError {}

const NOTES_SUFFIX: &str = "NOTES.txt";

/// The release's documents and hooks in Helm's order, borrowing the rendered text
/// (what [`build`] copies into a [`Manifest`]).
pub struct Plan<'a> {
    pub notes: String,
    pub hooks: Vec<HookRef<'a>>,
    pub documents: Vec<DocRef<'a>>,
}

/// Splits and sorts the rendered templates without copying them.
pub fn plan<'a>(chart: &Chart, rendered: &'a Rendered) -> Result<Plan<'a>, ManifestError> {
    let top = if rendered.chart_name.is_empty() {
        chart.name()
    } else {
        rendered.chart_name.as_str()
    };
    let notes_key = format!("{top}/templates/{NOTES_SUFFIX}");
    let mut notes = String::new();
    let mut files: Vec<(&str, &str)> = Vec::new();
    for (name, content) in &rendered.templates {
        if name.ends_with(NOTES_SUFFIX) {
            if *name == notes_key {
                notes.push_str(content);
            }
            continue;
        }
        files.push((name, content));
    }
    let (hooks, documents) = sort::sort_manifests(&files)?;
    Ok(Plan {
        notes,
        hooks,
        documents,
    })
}

/// Builds the install manifest of a rendered chart.
pub fn build(chart: &Chart, rendered: &Rendered) -> Result<Manifest, ManifestError> {
    let p = plan(chart, rendered)?;
    let mut manifest = String::new();
    for d in &p.documents {
        manifest.push_str("---\n# Source: ");
        manifest.push_str(d.path);
        manifest.push('\n');
        manifest.push_str(d.content);
        manifest.push('\n');
    }
    Ok(Manifest {
        manifest,
        notes: p.notes,
        documents: p.documents.iter().map(DocRef::to_owned).collect(),
        hooks: p.hooks.into_iter().map(HookRef::into_owned).collect(),
    })
}

/// Options of `helm template`'s output.
#[derive(Clone, Debug, Default)]
pub struct TemplateOutput {
    /// `--include-crds`: the `crds/` files first.
    pub include_crds: bool,
    /// `--no-hooks`
    pub no_hooks: bool,
    /// `--skip-tests`
    pub skip_tests: bool,
}

/// The text `helm template` prints (before `--show-only` filtering): CRDs when asked,
/// the manifest trimmed, then hooks.
pub fn template_text(m: &Manifest, rendered: &Rendered, opts: &TemplateOutput) -> String {
    let mut release = String::new();
    if opts.include_crds {
        for (path, content) in &rendered.crds {
            release.push_str("---\n# Source: ");
            release.push_str(path);
            release.push('\n');
            release.push_str(content);
            release.push('\n');
        }
    }
    release.push_str(&m.manifest);
    let mut out = String::new();
    out.push_str(release.trim_matches(go_space));
    out.push('\n');
    if !opts.no_hooks {
        for h in &m.hooks {
            if opts.skip_tests && h.is_test() {
                continue;
            }
            out.push_str("---\n# Source: ");
            out.push_str(&h.path);
            out.push('\n');
            out.push_str(&h.manifest);
            out.push('\n');
        }
    }
    out
}

/// The pieces of text `helm template` prints (before `--show-only`), in order, borrowed
/// from the plan and the rendered chart: concatenated they equal [`template_text`], so
/// a caller can stream them without building the whole output.
pub fn template_pieces<'a>(
    p: &'a Plan<'a>,
    rendered: &'a Rendered,
    opts: &TemplateOutput,
) -> Vec<&'a str> {
    let mut release: Vec<&'a str> = Vec::new();
    if opts.include_crds {
        for (path, content) in &rendered.crds {
            release.extend(["---\n# Source: ", path, "\n", content, "\n"]);
        }
    }
    for d in &p.documents {
        release.extend(["---\n# Source: ", d.path, "\n", d.content, "\n"]);
    }
    // The release part is trimmed as one string: trim across piece boundaries.
    let mut start = 0;
    while start < release.len() {
        let t = release[start].trim_start_matches(go_space);
        if t.is_empty() {
            start += 1;
        } else {
            release[start] = t;
            break;
        }
    }
    while release.len() > start {
        let last = release.len() - 1;
        let t = release[last].trim_end_matches(go_space);
        if t.is_empty() {
            release.pop();
        } else {
            release[last] = t;
            break;
        }
    }
    let mut out: Vec<&'a str> = release.split_off(start);
    out.push("\n");
    if !opts.no_hooks {
        for h in &p.hooks {
            if opts.skip_tests && h.is_test() {
                continue;
            }
            out.extend(["---\n# Source: ", h.path, "\n", h.manifest, "\n"]);
        }
    }
    out
}

/// Go's `unicode.IsSpace`.
pub(crate) fn go_space(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\u{b}' | '\u{c}' | '\r' | ' ' | '\u{85}' | '\u{a0}'
    ) || (c > '\u{ff}' && c.is_whitespace())
}

/// `--show-only`: keeps the documents whose `# Source:` path, without the chart name,
/// matches one of the patterns (Go `filepath.Match`), in pattern order.
pub fn show_only(text: &str, patterns: &[String]) -> Result<String, String> {
    let docs = split_manifests(text);
    let mut out = String::new();
    for pat in patterns {
        let mut missing = true;
        for doc in &docs {
            let Some(path) = source_path(doc) else {
                continue;
            };
            if crate::chart::ignore::go_match(pat, path).unwrap_or(false) {
                out.push_str("---\n");
                out.push_str(doc);
                out.push('\n');
                missing = false;
            }
        }
        if missing {
            return Err(format!("could not find template {pat} in chart"));
        }
    }
    Ok(out)
}

/// The part after the chart name in a document's first `# Source: chart/...` line
/// (Helm's `# Source: [^/]+/(.+)`).
fn source_path(doc: &str) -> Option<&str> {
    let i = doc.find("# Source: ")?;
    let rest = &doc[i + "# Source: ".len()..];
    let line = rest.split('\n').next().unwrap_or(rest);
    let slash = line.find('/')?;
    if slash == 0 {
        return None;
    }
    let p = &line[slash + 1..];
    (!p.is_empty()).then_some(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn show_only_paths() {
        let text = "---\n# Source: c/templates/a.yaml\nkind: A\n---\n# Source: c/templates/b.yaml\nkind: B\n";
        let out = show_only(text, &["templates/b.yaml".into()]).unwrap();
        assert_eq!(out, "---\n# Source: c/templates/b.yaml\nkind: B\n\n");
        assert!(show_only(text, &["templates/x.yaml".into()]).is_err());
    }
}

#[cfg(test)]
mod pieces_tests {
    use super::*;

    #[test]
    fn pieces_equal_text() {
        let mut rendered = Rendered {
            chart_name: "c".into(),
            ..Rendered::default()
        };
        rendered.templates.insert(
            "c/templates/a.yaml".into(),
            "\n\nkind: Service\nmetadata:\n  name: a\n---\nkind: Job\nmetadata:\n  name: j\n  annotations:\n    helm.sh/hook: test\n".into(),
        );
        rendered
            .templates
            .insert("c/templates/b.yaml".into(), "kind: Pod  \n\n".into());
        rendered.crds.push(("c/crds/x.yaml".into(), "  \n".into()));
        let chart = Chart::default();
        for (crds, hooks, tests) in [
            (false, false, false),
            (true, true, true),
            (true, false, true),
        ] {
            let opts = TemplateOutput {
                include_crds: crds,
                no_hooks: hooks,
                skip_tests: tests,
            };
            let m = build(&chart, &rendered).unwrap();
            let p = plan(&chart, &rendered).unwrap();
            assert_eq!(
                template_pieces(&p, &rendered, &opts).concat(),
                template_text(&m, &rendered, &opts)
            );
        }
        let empty = Rendered::default();
        let p = plan(&chart, &empty).unwrap();
        let m = build(&chart, &empty).unwrap();
        let opts = TemplateOutput::default();
        assert_eq!(
            template_pieces(&p, &empty, &opts).concat(),
            template_text(&m, &empty, &opts)
        );
    }
}
