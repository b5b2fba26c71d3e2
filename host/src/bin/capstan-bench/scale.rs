//! Scale tests: charts generated on the fly in a temporary directory, each at two sizes
//! so the growth (linear or not) of both Capstan and Helm shows.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use capstan_core::render::ReleaseOptions;

use crate::{Job, Opts, Timing, report, time_both};

fn write(path: &Path, text: &str) -> Result<(), String> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

fn chart_yaml(name: &str) -> String {
    format!("apiVersion: v2\nname: {name}\nversion: 0.1.0\nappVersion: \"1.0\"\n")
}

/// A scaffold-like subchart: helpers, a Deployment, a Service and a ConfigMap.
fn write_subchart(dir: &Path, name: &str) -> Result<(), String> {
    write(&dir.join("Chart.yaml"), &chart_yaml(name))?;
    write(
        &dir.join("values.yaml"),
        "replicaCount: 2\nimage:\n  repository: nginx\n  tag: \"1.27\"\nservice:\n  port: 80\n\
         labels:\n  team: web\n  tier: frontend\nconfig:\n  a: \"1\"\n  b: two\n  c: \"true\"\n",
    )?;
    write(
        &dir.join("templates/_helpers.tpl"),
        &format!(
            "{{{{- define \"{name}.fullname\" -}}}}\n{{{{- printf \"%s-%s\" .Release.Name .Chart.Name | trunc 63 | trimSuffix \"-\" }}}}\n{{{{- end }}}}\n\
             {{{{- define \"{name}.labels\" -}}}}\napp.kubernetes.io/name: {{{{ .Chart.Name }}}}\napp.kubernetes.io/instance: {{{{ .Release.Name }}}}\n\
             helm.sh/chart: {{{{ printf \"%s-%s\" .Chart.Name .Chart.Version }}}}\n{{{{- with .Values.labels }}}}\n{{{{ toYaml . }}}}\n{{{{- end }}}}\n{{{{- end }}}}\n"
        ),
    )?;
    write(
        &dir.join("templates/deployment.yaml"),
        &format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{{{ include \"{name}.fullname\" . }}}}\n  labels:\n    {{{{- include \"{name}.labels\" . | nindent 4 }}}}\n\
             spec:\n  replicas: {{{{ .Values.replicaCount }}}}\n  template:\n    metadata:\n      labels:\n        {{{{- include \"{name}.labels\" . | nindent 8 }}}}\n\
             \x20   spec:\n      containers:\n        - name: {{{{ .Chart.Name }}}}\n          image: \"{{{{ .Values.image.repository }}}}:{{{{ .Values.image.tag | default .Chart.AppVersion }}}}\"\n\
             \x20         ports:\n            - containerPort: {{{{ .Values.service.port }}}}\n"
        ),
    )?;
    write(
        &dir.join("templates/service.yaml"),
        &format!(
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: {{{{ include \"{name}.fullname\" . }}}}\n  labels:\n    {{{{- include \"{name}.labels\" . | nindent 4 }}}}\n\
             spec:\n  ports:\n    - port: {{{{ .Values.service.port }}}}\n      targetPort: http\n"
        ),
    )?;
    write(
        &dir.join("templates/configmap.yaml"),
        &format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{{{ include \"{name}.fullname\" . }}}}\ndata:\n\
             {{{{- range $k, $v := .Values.config }}}}\n  {{{{ $k }}}}: {{{{ $v | quote }}}}\n{{{{- end }}}}\n"
        ),
    )
}

fn umbrella(root: &Path, n: usize) -> Result<Job, String> {
    let dir = root.join(format!("umbrella-{n}"));
    write(&dir.join("Chart.yaml"), &chart_yaml("umbrella"))?;
    write(&dir.join("values.yaml"), "global:\n  env: prod\n")?;
    write(
        &dir.join("templates/ns.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-env\ndata:\n  env: {{ .Values.global.env }}\n",
    )?;
    for i in 0..n {
        let name = format!("sub{i:03}");
        write_subchart(&dir.join("charts").join(&name), &name)?;
    }
    Ok(job(format!("umbrella-{n}-subcharts"), dir, vec![]))
}

fn many_templates(root: &Path, n: usize) -> Result<Job, String> {
    let dir = root.join(format!("templates-{n}"));
    write(&dir.join("Chart.yaml"), &chart_yaml("many"))?;
    write(
        &dir.join("values.yaml"),
        "labels:\n  team: web\ndata:\n  a: \"1\"\n  b: two\n",
    )?;
    write(
        &dir.join("templates/_helpers.tpl"),
        "{{- define \"many.labels\" -}}\napp: {{ .Chart.Name }}\nrelease: {{ .Release.Name }}\n{{ toYaml .Values.labels }}\n{{- end }}\n",
    )?;
    for i in 0..n {
        write(
            &dir.join(format!("templates/cm-{i:04}.yaml")),
            &format!(
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{{{ .Release.Name }}}}-cm-{i}\n  labels:\n    {{{{- include \"many.labels\" . | nindent 4 }}}}\n\
                 data:\n{{{{- range $k, $v := .Values.data }}}}\n  {{{{ $k }}}}: {{{{ $v | quote }}}}\n{{{{- end }}}}\n"
            ),
        )?;
    }
    Ok(job(format!("{n}-templates"), dir, vec![]))
}

fn tpl_calls(root: &Path, n: usize) -> Result<Job, String> {
    let dir = root.join(format!("tpl-{n}"));
    write(&dir.join("Chart.yaml"), &chart_yaml("tplcalls"))?;
    write(
        &dir.join("values.yaml"),
        "name: web\nmsg: \"{{ .Release.Name }}-{{ .Values.name | upper }}\"\n",
    )?;
    write(
        &dir.join("templates/tpl.yaml"),
        &format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: tpl\ndata:\n\
             {{{{- range $i := until {n} }}}}\n  k{{{{ $i }}}}: {{{{ tpl $.Values.msg $ | quote }}}}\n{{{{- end }}}}\n"
        ),
    )?;
    Ok(job(format!("{n}-tpl-calls"), dir, vec![]))
}

fn big_values(root: &Path, bytes: usize) -> Result<Job, String> {
    let dir = root.join(format!("values-{bytes}"));
    write(&dir.join("Chart.yaml"), &chart_yaml("bigvalues"))?;
    write(&dir.join("values.yaml"), "items: {}\nname: x\n")?;
    write(
        &dir.join("templates/cm.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Values.name }}\ndata:\n  count: {{ len .Values.items | quote }}\n  first: {{ .Values.items.k0000042.image.repository | quote }}\n",
    )?;
    let mut text = String::from("name: big\nitems:\n");
    let mut i = 0;
    while text.len() < bytes {
        let _ = write!(
            text,
            "  k{i:07}:\n    name: item-{i}\n    enabled: {}\n    image:\n      repository: registry.example.com/team/app-{i}\n      tag: \"v1.{i}\"\n    ports: [80, 443, {}]\n    labels: {{tier: backend, idx: \"{i}\"}}\n",
            i % 2 == 0,
            8000 + i % 1000
        );
        i += 1;
    }
    // Outside the chart directory: Helm refuses chart files over 5 MiB.
    let vf = root.join(format!("values-{bytes}.yaml"));
    write(&vf, &text)?;
    Ok(job(
        format!("values-file-{}MB", bytes / 1_000_000),
        dir,
        vec![vf],
    ))
}

fn big_crd(root: &Path, bytes: usize) -> Result<Job, String> {
    let dir = root.join(format!("crd-{bytes}"));
    write(&dir.join("Chart.yaml"), &chart_yaml("bigcrd"))?;
    write(
        &dir.join("templates/crd.yaml"),
        "{{ .Files.Get \"files/crd.yaml\" | fromYaml | toYaml }}\n",
    )?;
    let mut text = String::from(
        "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: widgets.example.com\n\
         spec:\n  group: example.com\n  names:\n    kind: Widget\n    plural: widgets\n  scope: Namespaced\n  versions:\n\
         \x20 - name: v1\n    served: true\n    storage: true\n    schema:\n      openAPIV3Schema:\n        type: object\n        properties:\n",
    );
    let mut i = 0;
    while text.len() < bytes {
        let _ = write!(
            text,
            "          field{i}:\n            type: object\n            description: \"Field number {i} of the widget; controls the {i}th knob.\"\n\
             \x20           properties:\n              name:\n                type: string\n                maxLength: 63\n\
             \x20             count:\n                type: integer\n                format: int64\n                minimum: 0\n\
             \x20             ratio:\n                type: number\n                default: 0.5\n\
             \x20             tags:\n                type: array\n                items:\n                  type: string\n            required: [name]\n"
        );
        i += 1;
    }
    write(&dir.join("files/crd.yaml"), &text)?;
    Ok(job(
        format!("crd-{:.1}MB-fromYaml-toYaml", bytes as f64 / 1e6),
        dir,
        vec![],
    ))
}

fn job(id: String, chart: PathBuf, values: Vec<PathBuf>) -> Job {
    Job {
        id,
        chart,
        values,
        release: ReleaseOptions {
            name: "bench".into(),
            namespace: "default".into(),
            ..ReleaseOptions::default()
        },
    }
}

/// Prints how the time grows from the small to the large size of one test.
fn growth(jobs: &[Job], cap: &[Timing], helm: Option<&[Timing]>, small: usize, large: usize) {
    let factor = large_factor(&jobs[small].id, &jobs[large].id);
    let line = |side: &str, t: &[Timing]| {
        if let (Some(a), Some(b)) = (t[small].median_cpu_ms(), t[large].median_cpu_ms()) {
            println!(
                "  {side:<8} {} -> {}: {:.2} ms -> {:.2} ms = {:.1}x for {factor}x the size",
                jobs[small].id,
                jobs[large].id,
                a,
                b,
                b / a
            );
        }
    };
    line("capstan", cap);
    if let Some(h) = helm {
        line("helm", h);
    }
}

fn large_factor(a: &str, b: &str) -> String {
    let num = |s: &str| {
        let d: String = s
            .chars()
            .skip_while(|c| !c.is_ascii_digit())
            .take_while(|c| c.is_ascii_digit() || *c == '.')
            .collect();
        d.parse::<f64>().unwrap_or(1.0)
    };
    format!("{:.0}", num(b) / num(a))
}

pub fn run(o: &Opts) -> Result<(), String> {
    let (root, keep) = match &o.keep {
        Some(p) => (p.clone(), true),
        None => (
            std::env::temp_dir().join(format!("capstan-bench-{}", std::process::id())),
            false,
        ),
    };
    eprintln!("generating scale charts in {}", root.display());
    let jobs = vec![
        umbrella(&root, 1)?,
        umbrella(&root, 100)?,
        many_templates(&root, 200)?,
        many_templates(&root, 2000)?,
        tpl_calls(&root, 1000)?,
        tpl_calls(&root, 10000)?,
        big_values(&root, 1_000_000)?,
        big_values(&root, 10_000_000)?,
        big_crd(&root, 500_000)?,
        big_crd(&root, 5_000_000)?,
    ];
    let jobs: Vec<Job> = match &o.filter {
        Some(f) => jobs
            .into_iter()
            .filter(|j| j.id.contains(f.as_str()))
            .collect(),
        None => jobs,
    };
    let (cap, helm) = time_both(o, &jobs)?;
    report(
        &format!(
            "scale: generated charts, in-process, warm, median of {}",
            o.reps
        ),
        &jobs,
        &cap,
        helm.as_deref(),
    );
    if o.filter.is_none() {
        println!("\ngrowth in CPU time (linear = the same factor as the size):");
        for i in (0..jobs.len()).step_by(2) {
            growth(&jobs, &cap, helm.as_deref(), i, i + 1);
        }
    }
    if !keep {
        let _ = std::fs::remove_dir_all(&root);
    }
    Ok(())
}
