//! From rendered templates to what `helm template` prints: documents split, hooks and
//! tests set aside, Helm's install order, `# Source:` headers, NOTES.

use crate::chart::Chart;
use crate::render::Rendered;

/// The manifest as `helm template` / `helm install --dry-run` prints it, and the notes.
#[derive(Clone, Debug, Default)]
pub struct Manifest {
    pub manifest: String,
    pub notes: String,
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

/// Builds the install manifest of a rendered chart.
pub fn build(chart: &Chart, rendered: &Rendered) -> Result<Manifest, ManifestError> {
    let _ = (chart, rendered);
    Err(ManifestError {
        message: "manifests not implemented yet".into(),
    })
}
