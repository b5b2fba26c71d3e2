//! Comparisons as the corpus READMEs define them, with short diffs for failures.

use std::collections::BTreeSet;

use serde_json::Value as Json;

use crate::cases::{Outcome, templates_of};

/// A string shortened for messages.
pub fn clip(s: &str) -> String {
    if s.len() <= 400 {
        s.to_string()
    } else {
        let mut end = 400;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        format!("{}…({} bytes)", &s[..end], s.len())
    }
}

/// Byte-for-byte equality, with the first differing line shown on failure.
pub fn text(want: &str, got: &str) -> Outcome {
    if want == got {
        return Outcome::Pass;
    }
    Outcome::Fail(first_difference(want, got))
}

fn first_difference(want: &str, got: &str) -> String {
    let wl: Vec<&str> = want.split_inclusive('\n').collect();
    let gl: Vec<&str> = got.split_inclusive('\n').collect();
    for i in 0..wl.len().max(gl.len()) {
        let w = wl.get(i).copied();
        let g = gl.get(i).copied();
        if w != g {
            return format!(
                "first difference at line {}:\n  want: {:?}\n  got:  {:?}\n(want {} bytes, got {} bytes)",
                i + 1,
                w.map(clip).unwrap_or_else(|| "<end>".into()),
                g.map(clip).unwrap_or_else(|| "<end>".into()),
                want.len(),
                got.len()
            );
        }
    }
    format!("want {:?}\ngot  {:?}", clip(want), clip(got))
}

/// JSON deep equality with numbers compared numerically.
pub fn json_eq(a: &Json, b: &Json) -> bool {
    match (a, b) {
        (Json::Number(x), Json::Number(y)) => x.as_f64() == y.as_f64(),
        (Json::Array(x), Json::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| json_eq(a, b))
        }
        (Json::Object(x), Json::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_eq(v, w)))
        }
        _ => a == b,
    }
}

/// `want` is the expected JSON; `got` our answer or error.
pub fn json_result(want: &Json, got: Result<Json, String>) -> Outcome {
    match got {
        Ok(g) if json_eq(want, &g) => Outcome::Pass,
        Ok(g) => Outcome::Fail(format!(
            "want {}\ngot  {}",
            clip(&want.to_string()),
            clip(&g.to_string())
        )),
        Err(e) => Outcome::Fail(format!("unexpected error: {}", clip(&e))),
    }
}

/// A `{"templates": {...}}` or `{"error": ...}` answer against ours.
pub fn templates_result(
    want: &Json,
    got: Result<Json, String>,
    nondeterministic: &BTreeSet<String>,
) -> Outcome {
    let Some(want_t) = templates_of(want) else {
        return match got {
            Err(_) => Outcome::Pass,
            Ok(_) => Outcome::Fail(format!(
                "expected an error ({}), got a render",
                clip(want["error"].as_str().unwrap_or_default())
            )),
        };
    };
    let got = match got {
        Ok(g) => g,
        Err(e) => return Outcome::Fail(format!("unexpected error: {}", clip(&e))),
    };
    let got_t = templates_of(&got).unwrap_or_default();
    let wk: BTreeSet<&String> = want_t.keys().collect();
    let gk: BTreeSet<&String> = got_t.keys().collect();
    if wk != gk {
        let missing: Vec<_> = wk.difference(&gk).take(5).collect();
        let extra: Vec<_> = gk.difference(&wk).take(5).collect();
        return Outcome::Fail(format!(
            "template names differ: missing {missing:?}, extra {extra:?}"
        ));
    }
    let mut failures = Vec::new();
    for (name, w) in &want_t {
        if nondeterministic.contains(name) {
            continue;
        }
        let g = &got_t[name];
        if w != g {
            failures.push(format!("{name}: {}", first_difference(w, g)));
        }
    }
    if failures.is_empty() {
        Outcome::Pass
    } else {
        let n = failures.len();
        failures.truncate(2);
        Outcome::Fail(format!("{n} templates differ\n{}", failures.join("\n")))
    }
}

/// Splits a manifest into `# Source:` blocks: (template path, text).
fn source_blocks(manifest: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for doc in manifest.split("---\n# Source: ") {
        if doc.is_empty() {
            continue;
        }
        let source = doc.lines().next().unwrap_or_default().to_string();
        out.push((source, doc.to_string()));
    }
    out
}

/// Manifests byte for byte, or, when templates are nondeterministic, the `# Source:`
/// blocks of every other template.
pub fn manifest(want: &str, got: &str, nondeterministic: &BTreeSet<String>) -> Outcome {
    if nondeterministic.is_empty() {
        return text(want, got);
    }
    let w: Vec<_> = source_blocks(want)
        .into_iter()
        .filter(|(s, _)| !nondeterministic.contains(s))
        .collect();
    let g: Vec<_> = source_blocks(got)
        .into_iter()
        .filter(|(s, _)| !nondeterministic.contains(s))
        .collect();
    if w.len() != g.len() {
        return Outcome::Fail(format!(
            "{} deterministic documents expected, {} produced",
            w.len(),
            g.len()
        ));
    }
    for ((ws, wt), (_, gt)) in w.iter().zip(&g) {
        if wt != gt {
            return Outcome::Fail(format!("{ws}: {}", first_difference(wt, gt)));
        }
    }
    Outcome::Pass
}
