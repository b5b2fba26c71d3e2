//! Conformance against `../shared/conformance`: every snippet, every strvals expression,
//! every values/schema run and every chart case, run in-process and compared as the
//! corpus READMEs say. Keeps a ratchet: `tests/conformance/passing.txt` lists the ids that
//! pass; a listed id that fails fails the run. `CAPSTAN_BLESS=1` rewrites the list.
//! `CAPSTAN_CONFORMANCE_FILTER=prefix` runs only ids starting with the prefix (no ratchet
//! check for the others). `CAPSTAN_CONFORMANCE_SHOW=N` shows N mismatches per area.

mod cases;
mod compare;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use cases::{Case, Outcome};

const RATCHET: &str = "conformance/passing.txt";
const CASE_TIMEOUT: Duration = Duration::from_secs(30);

fn corpus_root() -> PathBuf {
    if let Ok(p) = std::env::var("CAPSTAN_CONFORMANCE_DIR") {
        return PathBuf::from(p);
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/conformance")
}

/// Per area: passed, total, and the failing results.
type AreaTally<'a> = (usize, usize, Vec<&'a (String, String, Outcome)>);

fn main() -> ExitCode {
    // Panics are reported per case by `run_isolated`; keep the default hook quiet.
    std::panic::set_hook(Box::new(|_| {}));
    let root = corpus_root();
    if !root.join("README.md").exists() {
        eprintln!(
            "conformance corpus not found at {} (set CAPSTAN_CONFORMANCE_DIR)",
            root.display()
        );
        return ExitCode::FAILURE;
    }
    let filter = std::env::var("CAPSTAN_CONFORMANCE_FILTER").unwrap_or_default();
    let show: usize = std::env::var("CAPSTAN_CONFORMANCE_SHOW")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3);
    let bless = std::env::var("CAPSTAN_BLESS").is_ok_and(|v| !v.is_empty() && v != "0");

    let all = match cases::collect(&root) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("cannot read the corpus: {e}");
            return ExitCode::FAILURE;
        }
    };
    let selected: Vec<Case> = all
        .into_iter()
        .filter(|c| c.id.starts_with(&filter))
        .collect();

    let started = Instant::now();
    let mut results: Vec<(String, String, Outcome)> = Vec::with_capacity(selected.len());
    for case in selected {
        let id = case.id.clone();
        let area = case.area.clone();
        let outcome = run_isolated(case);
        results.push((id, area, outcome));
    }
    let elapsed = started.elapsed();

    // Per-area table and the first few mismatches of each area.
    let mut areas: BTreeMap<&str, AreaTally> = BTreeMap::new();
    for r in &results {
        let e = areas.entry(r.1.as_str()).or_default();
        e.1 += 1;
        if r.2.is_pass() {
            e.0 += 1;
        } else {
            e.2.push(r);
        }
    }
    for (area, (_, _, fails)) in &areas {
        for (id, _, outcome) in fails.iter().take(show) {
            if let Outcome::Fail(why) = outcome {
                println!("--- FAIL {id} ({area})\n{}", indent(why));
            }
        }
    }
    println!("\n{:<20} {:>9}", "area", "passed");
    for (area, (pass, total, _)) in &areas {
        let pct = if *total > 0 {
            100.0 * *pass as f64 / *total as f64
        } else {
            0.0
        };
        println!("{area:<20} {pass:>4}/{total:<4} {pct:5.1}%");
    }

    // The ratchet.
    let ratchet_path = Path::new(env!("CARGO_MANIFEST_DIR")).join(RATCHET);
    let listed: BTreeSet<String> = std::fs::read_to_string(&ratchet_path)
        .unwrap_or_default()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(String::from)
        .collect();
    let passing: BTreeSet<String> = results
        .iter()
        .filter(|r| r.2.is_pass())
        .map(|r| r.0.clone())
        .collect();
    let ran: BTreeSet<&str> = results.iter().map(|r| r.0.as_str()).collect();
    let regressions: Vec<&String> = listed
        .iter()
        .filter(|id| ran.contains(id.as_str()) && !passing.contains(*id))
        .collect();
    let new_passes: Vec<&String> = passing.iter().filter(|id| !listed.contains(*id)).collect();

    let passed = passing.len();
    let failed = results.len() - passed;
    println!(
        "\nran {} cases in {:.1}s; ratchet lists {}, {} newly passing, {} regressed",
        results.len(),
        elapsed.as_secs_f64(),
        listed.len(),
        new_passes.len(),
        regressions.len()
    );

    let mut ok = true;
    if bless {
        // Keep listed ids that were not run (a filtered run must not drop them).
        let mut out: BTreeSet<String> = listed
            .iter()
            .filter(|id| !ran.contains(id.as_str()))
            .cloned()
            .collect();
        out.extend(passing.iter().cloned());
        let mut text =
            String::from("# Conformance ids that pass; maintained by CAPSTAN_BLESS=1.\n");
        for id in &out {
            text.push_str(id);
            text.push('\n');
        }
        if let Err(e) = std::fs::write(&ratchet_path, text) {
            eprintln!("cannot write {}: {e}", ratchet_path.display());
            ok = false;
        } else {
            println!("blessed {} ids into {}", out.len(), ratchet_path.display());
        }
    } else {
        if !regressions.is_empty() {
            println!("\nREGRESSIONS (listed in {RATCHET} but failing):");
            for id in regressions.iter().take(50) {
                println!("  {id}");
            }
            ok = false;
        }
        if !new_passes.is_empty() {
            println!(
                "\n{} ids pass but are not in the ratchet: run with CAPSTAN_BLESS=1 and commit",
                new_passes.len()
            );
        }
    }
    println!("{passed} passed, {failed} failed");
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Runs one case on its own thread (a big stack; a time limit; a panic is a failure),
/// so a broken engine cannot take the whole run down.
fn run_isolated(case: Case) -> Outcome {
    let (tx, rx) = mpsc::channel();
    let spawned = std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(move || {
            let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| case.run()))
                .unwrap_or_else(|p| {
                    let msg = p
                        .downcast_ref::<String>()
                        .cloned()
                        .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                        .unwrap_or_default();
                    Outcome::Fail(format!("PANIC: {msg}"))
                });
            let _ = tx.send(outcome);
        });
    if let Err(e) = spawned {
        return Outcome::Fail(format!("cannot spawn: {e}"));
    }
    match rx.recv_timeout(CASE_TIMEOUT) {
        Ok(o) => o,
        Err(_) => Outcome::Fail(format!("TIMEOUT after {}s", CASE_TIMEOUT.as_secs())),
    }
}

fn indent(s: &str) -> String {
    s.lines()
        .take(24)
        .map(|l| format!("    {l}\n"))
        .collect::<String>()
}
