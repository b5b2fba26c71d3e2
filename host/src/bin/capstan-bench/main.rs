//! `capstan-bench`: Capstan against Helm's Go SDK, both in-process and warm, on the
//! conformance corpus (`corpus`) and on generated scale charts (`scale`).
//!
//! Build with `--release`. The Helm side runs in one `scripts/bench_helm.py` process under
//! the oracle's Python; see `scripts/bench.sh` for the whole benchmark (this plus the
//! per-process and peak-RSS comparisons).

mod scale;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use capstan_core::env::FixedEnvironment;
use capstan_core::render::{self, ReleaseOptions, RenderOptions};
use capstan_host::{chartfs, debug};
use serde_json::{Value as Json, json};

/// One chart render to time: a chart directory, `-f` files and release options.
#[derive(Clone, Debug)]
pub struct Job {
    pub id: String,
    pub chart: PathBuf,
    pub values: Vec<PathBuf>,
    pub release: ReleaseOptions,
}

/// Timings of one job on one side, in nanoseconds per repetition.
#[derive(Clone, Debug, Default)]
pub struct Timing {
    /// Wall-clock time per repetition.
    pub times_ns: Vec<u64>,
    /// CPU time of the whole process (all threads) per repetition: robust on a loaded
    /// machine, where wall time is mostly waiting for a core.
    pub cpu_ns: Vec<u64>,
    pub templates: usize,
    pub error: Option<String>,
}

fn median_ms(times: &[u64]) -> Option<f64> {
    if times.is_empty() {
        return None;
    }
    let mut t = times.to_vec();
    t.sort_unstable();
    let n = t.len();
    let m = if n % 2 == 1 {
        t[n / 2] as f64
    } else {
        (t[n / 2 - 1] as f64 + t[n / 2] as f64) / 2.0
    };
    Some(m / 1e6)
}

impl Timing {
    pub fn median_ms(&self) -> Option<f64> {
        median_ms(&self.times_ns)
    }
    pub fn median_cpu_ms(&self) -> Option<f64> {
        median_ms(&self.cpu_ns)
    }
}

#[repr(C)]
struct Timespec {
    sec: i64,
    nsec: i64,
}

unsafe extern "C" {
    fn clock_gettime(clock: i32, tp: *mut Timespec) -> i32;
}

/// CPU time consumed by this process so far (Linux `CLOCK_PROCESS_CPUTIME_ID`).
fn process_cpu_ns() -> u64 {
    const CLOCK_PROCESS_CPUTIME_ID: i32 = 2;
    let mut ts = Timespec { sec: 0, nsec: 0 };
    // SAFETY: clock_gettime writes one timespec through a valid pointer to a local.
    let rc = unsafe { clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &mut ts) };
    if rc != 0 {
        return 0;
    }
    (ts.sec as u64) * 1_000_000_000 + ts.nsec as u64
}

struct Opts {
    reps: usize,
    corpus: PathBuf,
    python: String,
    helm_script: PathBuf,
    filter: Option<String>,
    no_helm: bool,
    keep: Option<PathBuf>,
}

fn usage() -> String {
    "usage: capstan-bench (corpus|scale) [--reps N] [--corpus DIR] [--filter S] \
     [--python PY] [--helm-script FILE] [--no-helm] [--keep DIR]"
        .into()
}

fn parse_opts(args: &[String]) -> Result<Opts, String> {
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut o = Opts {
        reps: 5,
        corpus: here.join("../../shared/conformance"),
        python: "/root/.cache/helm-oracle/venv/bin/python".into(),
        helm_script: here.join("../scripts/bench_helm.py"),
        filter: None,
        no_helm: false,
        keep: None,
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut val = || {
            it.next()
                .cloned()
                .ok_or_else(|| format!("{a} needs a value"))
        };
        match a.as_str() {
            "--reps" => o.reps = val()?.parse().map_err(|e| format!("--reps: {e}"))?,
            "--corpus" => o.corpus = PathBuf::from(val()?),
            "--python" => o.python = val()?,
            "--helm-script" => o.helm_script = PathBuf::from(val()?),
            "--filter" => o.filter = Some(val()?),
            "--keep" => o.keep = Some(PathBuf::from(val()?)),
            "--no-helm" => o.no_helm = true,
            _ => return Err(format!("unknown argument {a}\n{}", usage())),
        }
    }
    o.reps = o.reps.max(1);
    Ok(o)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let res = match args.first().map(String::as_str) {
        Some("corpus") => parse_opts(&args[1..]).and_then(|o| corpus(&o)),
        Some("scale") => parse_opts(&args[1..]).and_then(|o| scale::run(&o)),
        _ => Err(usage()),
    };
    if let Err(e) = res {
        eprintln!("capstan-bench: {e}");
        std::process::exit(1);
    }
}

/// The fixed clock and seed of the conformance harness, so renders are the corpus's.
fn bench_env() -> FixedEnvironment {
    FixedEnvironment::new(1_768_472_430, 0x5eed)
}

/// What one timed Capstan repetition does: load the chart from disk, read and merge the
/// `-f` files, render every template (the same work the Helm side times).
fn render_once(job: &Job) -> Result<usize, String> {
    let chart = chartfs::load_chart(&job.chart)?;
    let files: Vec<String> = job
        .values
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    let user = debug::read_user_values(&files)?;
    let opts = RenderOptions {
        release: job.release.clone(),
        ..RenderOptions::default()
    };
    let out =
        render::render_chart(&chart, &user, &opts, &bench_env()).map_err(|e| e.to_string())?;
    Ok(out.templates.len())
}

/// Times each job `reps` times after one untimed warm-up render.
pub fn time_capstan(jobs: &[Job], reps: usize) -> Vec<Timing> {
    jobs.iter()
        .map(|job| match render_once(job) {
            Err(e) => Timing {
                error: Some(e.chars().take(300).collect()),
                ..Timing::default()
            },
            Ok(templates) => {
                let (mut times_ns, mut cpu_ns) = (Vec::new(), Vec::new());
                for _ in 0..reps {
                    let (start, cpu) = (Instant::now(), process_cpu_ns());
                    let _ = std::hint::black_box(render_once(job));
                    cpu_ns.push(process_cpu_ns().saturating_sub(cpu));
                    times_ns.push(start.elapsed().as_nanos() as u64);
                }
                Timing {
                    times_ns,
                    cpu_ns,
                    templates,
                    error: None,
                }
            }
        })
        .collect()
}

/// Times the jobs with Helm's SDK in one `bench_helm.py` process.
fn time_helm(o: &Opts, jobs: &[Job]) -> Result<Vec<Timing>, String> {
    let req = json!({
        "reps": o.reps,
        "jobs": jobs.iter().map(|j| json!({
            "id": j.id,
            "chart": j.chart,
            "values": j.values,
            "release": {
                "name": j.release.name,
                "namespace": j.release.namespace,
                "revision": j.release.revision,
                "upgrade": j.release.is_upgrade,
            },
        })).collect::<Vec<_>>(),
    });
    let mut child = Command::new(&o.python)
        .arg(&o.helm_script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("{}: {e}", o.python))?;
    if let Some(mut stdin) = child.stdin.take() {
        use std::io::Write;
        stdin
            .write_all(req.to_string().as_bytes())
            .map_err(|e| format!("writing to bench_helm.py: {e}"))?;
    }
    let out = child
        .wait_with_output()
        .map_err(|e| format!("bench_helm.py: {e}"))?;
    if !out.status.success() {
        return Err(format!("bench_helm.py exited with {}", out.status));
    }
    let res: Json =
        serde_json::from_slice(&out.stdout).map_err(|e| format!("bench_helm.py: {e}"))?;
    Ok(jobs
        .iter()
        .map(|j| {
            let r = &res[&j.id];
            Timing {
                times_ns: u64s(&r["times_ns"]),
                cpu_ns: u64s(&r["cpu_ns"]),
                templates: r["templates"].as_u64().unwrap_or(0) as usize,
                error: r["error"].as_str().map(String::from),
            }
        })
        .collect())
}

fn u64s(v: &Json) -> Vec<u64> {
    v.as_array()
        .map(|a| a.iter().filter_map(Json::as_u64).collect())
        .unwrap_or_default()
}

/// Reads a case.yaml (its fixed shape: chart, release, values) into a job.
fn parse_case(root: &Path, dir: &Path) -> Result<Job, String> {
    let text = std::fs::read_to_string(dir.join("case.yaml"))
        .map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut chart = None;
    let mut release = ReleaseOptions::default();
    let mut values = Vec::new();
    let mut section = "";
    for line in text.lines() {
        if let Some(item) = line.strip_prefix("- ") {
            if section == "values" {
                values.push(dir.join(item.trim()));
            }
        } else if let Some(kv) = line.strip_prefix("  ") {
            if section == "release" {
                let (k, v) = kv.split_once(':').unwrap_or((kv, ""));
                let v = v.trim().trim_matches('"');
                match k.trim() {
                    "name" => release.name = v.into(),
                    "namespace" => release.namespace = v.into(),
                    "revision" => release.revision = v.parse().unwrap_or(1),
                    "upgrade" => release.is_upgrade = v == "true",
                    _ => {}
                }
            }
        } else {
            let (k, v) = line.split_once(':').unwrap_or((line, ""));
            section = k.trim();
            if section == "chart" {
                chart = Some(root.join(v.trim()));
            }
        }
    }
    let id = dir
        .file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(Job {
        id,
        chart: chart.ok_or_else(|| format!("{}: no chart", dir.display()))?,
        values,
        release,
    })
}

fn corpus_jobs(o: &Opts) -> Result<Vec<Job>, String> {
    let cases = o.corpus.join("cases");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&cases)
        .map_err(|e| format!("{}: {e}", cases.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("case.yaml").exists())
        .collect();
    dirs.sort();
    let mut jobs = Vec::new();
    for d in dirs {
        let job = parse_case(&o.corpus, &d)?;
        if o.filter.as_deref().is_none_or(|f| job.id.contains(f)) {
            jobs.push(job);
        }
    }
    Ok(jobs)
}

fn fmt_ms(v: Option<f64>) -> String {
    v.map_or_else(|| "error".into(), |m| format!("{m:.3}"))
}

/// Prints the per-job table (CPU-time medians, then wall-time medians) and the summary.
pub fn report(title: &str, jobs: &[Job], cap: &[Timing], helm: Option<&[Timing]>) {
    println!("\n## {title}\n");
    println!(
        "{:<44} {:>5} {:>10} {:>10} {:>8} | {:>10} {:>10} {:>8}",
        "case", "tmpl", "cap cpu ms", "helm cpu", "helm/cap", "cap wall", "helm wall", "helm/cap"
    );
    let mut cpu = Summary::default();
    let mut wall = Summary::default();
    let none = Timing::default();
    for (i, job) in jobs.iter().enumerate() {
        let h = helm.map_or(&none, |h| &h[i]);
        let c = &cap[i];
        let rc = cpu.add(&job.id, c.median_cpu_ms(), h.median_cpu_ms());
        let rw = wall.add(&job.id, c.median_ms(), h.median_ms());
        println!(
            "{:<44} {:>5} {:>10} {:>10} {:>8} | {:>10} {:>10} {:>8}",
            job.id,
            c.templates,
            fmt_ms(c.median_cpu_ms()),
            fmt_ms(h.median_cpu_ms()),
            rc,
            fmt_ms(c.median_ms()),
            fmt_ms(h.median_ms()),
            rw
        );
        for (side, t) in [("capstan", c), ("helm", h)] {
            if let Some(e) = &t.error {
                println!("    {side} error: {}", e.lines().next().unwrap_or(""));
            }
        }
    }
    cpu.print("CPU time");
    wall.print("wall time");
}

/// Totals and ratios (Helm / Capstan) over the jobs both sides rendered.
#[derive(Default)]
struct Summary {
    cap: f64,
    helm: f64,
    ratios: Vec<(f64, String)>,
}

impl Summary {
    fn add(&mut self, id: &str, c: Option<f64>, h: Option<f64>) -> String {
        match (c, h) {
            (Some(c), Some(h)) if c > 0.0 && h > 0.0 => {
                self.cap += c;
                self.helm += h;
                self.ratios.push((h / c, id.to_string()));
                format!("{:.1}x", h / c)
            }
            _ => "-".into(),
        }
    }

    fn print(&self, what: &str) {
        if self.ratios.is_empty() {
            return;
        }
        let n = self.ratios.len() as f64;
        let geo = (self.ratios.iter().map(|(r, _)| r.ln()).sum::<f64>() / n).exp();
        let by = |a: &&(f64, String), b: &&(f64, String)| a.0.total_cmp(&b.0);
        let worst = self.ratios.iter().min_by(by).cloned().unwrap_or_default();
        let best = self.ratios.iter().max_by(by).cloned().unwrap_or_default();
        let slower = self.ratios.iter().filter(|(r, _)| *r < 1.0).count();
        println!(
            "\n{what}, {} jobs rendered by both: capstan total {:.1} ms, helm total {:.1} ms, \
             total helm/capstan {:.1}x; geometric mean {geo:.1}x; worst {} {:.1}x; best {} {:.1}x; \
             capstan slower on {slower}",
            self.ratios.len(),
            self.cap,
            self.helm,
            self.helm / self.cap,
            worst.1,
            worst.0,
            best.1,
            best.0,
        );
    }
}

fn corpus(o: &Opts) -> Result<(), String> {
    let jobs = corpus_jobs(o)?;
    eprintln!("capstan: {} cases x {} reps", jobs.len(), o.reps);
    let cap = time_capstan(&jobs, o.reps);
    let helm = if o.no_helm {
        None
    } else {
        eprintln!("helm: {} cases x {} reps", jobs.len(), o.reps);
        Some(time_helm(o, &jobs)?)
    };
    report(
        &format!(
            "corpus: load + values + render, in-process, warm, median of {}",
            o.reps
        ),
        &jobs,
        &cap,
        helm.as_deref(),
    );
    Ok(())
}

/// Shared by `scale`: times jobs on both sides.
fn time_both(o: &Opts, jobs: &[Job]) -> Result<(Vec<Timing>, Option<Vec<Timing>>), String> {
    let cap = time_capstan(jobs, o.reps);
    let helm = if o.no_helm {
        None
    } else {
        Some(time_helm(o, jobs)?)
    };
    Ok((cap, helm))
}
