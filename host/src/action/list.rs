//! `helm list`: the newest revision of each release, filtered, sorted and paged as Helm's
//! `action.List` does.

use super::{Configuration, Error};
use capstan_core::release::{Release, Status};
use std::collections::BTreeMap;

/// Which statuses to show (`--deployed`, `--failed`, ...; none = all).
#[derive(Debug, Clone, Copy, Default)]
pub struct States {
    pub deployed: bool,
    pub uninstalled: bool,
    pub uninstalling: bool,
    pub pending: bool,
    pub failed: bool,
    pub superseded: bool,
}

impl States {
    fn any(&self) -> bool {
        self.deployed
            || self.uninstalled
            || self.uninstalling
            || self.pending
            || self.failed
            || self.superseded
    }

    /// Whether only `--superseded` was asked for (then every revision is listed).
    fn superseded_only(&self) -> bool {
        self.superseded
            && !(self.deployed
                || self.uninstalled
                || self.uninstalling
                || self.pending
                || self.failed)
    }

    fn admits(&self, s: &Status) -> bool {
        if !self.any() {
            // Helm's ListAll has no bit for unknown statuses.
            return !matches!(s, Status::Unknown | Status::Empty | Status::Other(_));
        }
        match s {
            Status::Deployed => self.deployed,
            Status::Uninstalled => self.uninstalled,
            Status::Uninstalling => self.uninstalling,
            Status::PendingInstall | Status::PendingUpgrade | Status::PendingRollback => {
                self.pending
            }
            Status::Failed => self.failed,
            Status::Superseded => self.superseded,
            _ => false,
        }
    }
}

/// `helm list` options.
#[derive(Debug, Clone, Default)]
pub struct ListOptions {
    pub states: States,
    /// `-f`: a regular expression on release names.
    pub filter: Option<String>,
    /// `-l`: a label selector.
    pub selector: Option<String>,
    pub by_date: bool,
    pub reverse: bool,
    /// `-m` (0 = no limit).
    pub limit: usize,
    pub offset: usize,
}

/// The releases to show, in order.
pub async fn run(cfg: &Configuration, opts: &ListOptions) -> Result<Vec<Release>, Error> {
    let filter = match &opts.filter {
        Some(f) if !f.is_empty() => {
            Some(capstan_core::funcs::regex::compile_go(f).map_err(Error::Other)?)
        }
        _ => None,
    };
    let selector = parse_selector(opts.selector.as_deref().unwrap_or(""))?;
    let all = cfg.storage.list_all_labeled().await?;
    let total = all.len();
    // Helm matches the selector against every label of the storage object.
    let mut rels: Vec<Release> = all
        .into_iter()
        .filter(|(r, _)| filter.as_ref().is_none_or(|f| f.is_match(&r.name)))
        .map(|(mut r, labels)| {
            r.labels = labels;
            r
        })
        .collect();
    if !opts.states.superseded_only() {
        rels = latest(rels);
    }
    rels.retain(|r| opts.states.admits(&r.status()));
    rels.retain(|r| selector_matches(&selector, r));
    sort(&mut rels, opts);
    if opts.offset >= rels.len() {
        return Ok(Vec::new());
    }
    let limit = if opts.limit > 0 && opts.limit < total {
        opts.limit
    } else {
        total
    };
    let last = (opts.offset + limit).min(rels.len());
    Ok(rels.drain(opts.offset..last).collect())
}

fn latest(rels: Vec<Release>) -> Vec<Release> {
    let mut by_key: BTreeMap<(String, String), Release> = BTreeMap::new();
    for r in rels {
        let key = (r.namespace.clone(), r.name.clone());
        match by_key.get(&key) {
            Some(old) if old.version > r.version => {}
            _ => {
                by_key.insert(key, r);
            }
        }
    }
    by_key.into_values().collect()
}

fn deployed_unix(r: &Release) -> i64 {
    r.info
        .as_ref()
        .and_then(|i| i.last_deployed.as_deref())
        .and_then(|t| t.parse::<jiff::Timestamp>().ok())
        .map_or(-62135596800, |t| t.as_second())
}

fn sort(rels: &mut [Release], opts: &ListOptions) {
    if opts.by_date {
        rels.sort_by(|a, b| {
            deployed_unix(a)
                .cmp(&deployed_unix(b))
                .then_with(|| a.name.cmp(&b.name))
        });
        if opts.reverse {
            rels.reverse();
        }
    } else {
        rels.sort_by(|a, b| a.name.cmp(&b.name));
        if opts.reverse {
            rels.reverse();
        }
    }
}

/// One requirement of a label selector.
#[derive(Debug)]
enum Requirement {
    Equals(String, String),
    NotEquals(String, String),
    Exists(String),
    NotExists(String),
    In(String, Vec<String>, bool),
}

/// Kubernetes' label selector syntax: `k=v`, `k==v`, `k!=v`, `k`, `!k`, `k in (a,b)`,
/// `k notin (a,b)`, comma-separated.
fn parse_selector(s: &str) -> Result<Vec<Requirement>, Error> {
    let mut out = Vec::new();
    let mut terms = Vec::new();
    let mut depth = 0;
    let mut cur = String::new();
    for c in s.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                terms.push(std::mem::take(&mut cur));
                continue;
            }
            _ => {}
        }
        cur.push(c);
    }
    terms.push(cur);
    for t in terms {
        let t = t.trim();
        if t.is_empty() {
            continue;
        }
        let req = if let Some((k, v)) = t.split_once("!=") {
            Requirement::NotEquals(k.trim().into(), v.trim().into())
        } else if let Some((k, v)) = t.split_once("==") {
            Requirement::Equals(k.trim().into(), v.trim().into())
        } else if let Some((k, v)) = t.split_once('=') {
            Requirement::Equals(k.trim().into(), v.trim().into())
        } else if let Some(k) = t.strip_prefix('!') {
            Requirement::NotExists(k.trim().into())
        } else if let Some((k, rest)) = t.split_once(" notin ") {
            Requirement::In(k.trim().into(), set_values(rest)?, false)
        } else if let Some((k, rest)) = t.split_once(" in ") {
            Requirement::In(k.trim().into(), set_values(rest)?, true)
        } else {
            Requirement::Exists(t.into())
        };
        out.push(req);
    }
    Ok(out)
}

fn set_values(s: &str) -> Result<Vec<String>, Error> {
    let inner = s
        .trim()
        .strip_prefix('(')
        .and_then(|s| s.strip_suffix(')'))
        .ok_or_else(|| Error::Other(format!("found '{s}', expected: '('")))?;
    Ok(inner.split(',').map(|v| v.trim().to_string()).collect())
}

/// Whether `r`'s labels (all of its storage object's) satisfy the selector.
fn selector_matches(reqs: &[Requirement], r: &Release) -> bool {
    let system = |k: &str| -> Option<String> { r.labels.get(k).cloned() };
    reqs.iter().all(|req| match req {
        Requirement::Equals(k, v) => system(k).as_deref() == Some(v.as_str()),
        Requirement::NotEquals(k, v) => system(k).as_deref() != Some(v.as_str()),
        Requirement::Exists(k) => system(k).is_some(),
        Requirement::NotExists(k) => system(k).is_none(),
        Requirement::In(k, vs, yes) => {
            let v = system(k);
            let hit = v.as_ref().is_some_and(|v| vs.contains(v));
            if *yes { hit } else { !hit }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use capstan_core::release::Info;

    fn rel(name: &str, ns: &str, version: i64, status: Status, at: &str) -> Release {
        Release {
            name: name.into(),
            namespace: ns.into(),
            version,
            info: Some(Info {
                status,
                last_deployed: Some(at.into()),
                ..Info::default()
            }),
            ..Release::default()
        }
    }

    #[test]
    fn latest_revision_per_namespace_and_name() {
        let rels = vec![
            rel("a", "x", 1, Status::Superseded, "2024-01-01T00:00:00Z"),
            rel("a", "x", 2, Status::Deployed, "2024-01-02T00:00:00Z"),
            rel("a", "y", 1, Status::Failed, "2024-01-01T00:00:00Z"),
        ];
        let got: Vec<(String, i64)> = latest(rels)
            .into_iter()
            .map(|r| (r.namespace, r.version))
            .collect();
        assert_eq!(got, [("x".to_string(), 2), ("y".to_string(), 1)]);
    }

    #[test]
    fn states_default_to_all_known() {
        let all = States::default();
        assert!(all.admits(&Status::Uninstalled));
        assert!(!all.admits(&Status::Unknown));
        let pending = States {
            pending: true,
            ..States::default()
        };
        assert!(pending.admits(&Status::PendingRollback));
        assert!(!pending.admits(&Status::Deployed));
        let superseded = States {
            superseded: true,
            ..States::default()
        };
        assert!(superseded.superseded_only());
    }

    #[test]
    fn selectors() {
        let mut r = rel("web", "x", 3, Status::Deployed, "2024-01-01T00:00:00Z");
        for (k, v) in [
            ("team", "a"),
            ("name", "web"),
            ("owner", "helm"),
            ("status", "deployed"),
            ("version", "3"),
        ] {
            r.labels.insert(k.into(), v.into());
        }
        let matches = |s: &str| selector_matches(&parse_selector(s).unwrap(), &r);
        assert!(matches("team=a,status==deployed"));
        assert!(matches("name in (web, api),version=3,owner"));
        assert!(!matches("team!=a"));
        assert!(matches("!missing"));
        assert!(!matches("team notin (a)"));
        assert!(matches(""));
    }

    #[test]
    fn date_sort_ties_by_name() {
        let mut rels = vec![
            rel("b", "x", 1, Status::Deployed, "2024-01-01T00:00:00.9Z"),
            rel("a", "x", 1, Status::Deployed, "2024-01-01T00:00:00.1Z"),
            rel("c", "x", 1, Status::Deployed, "2023-01-01T00:00:00Z"),
        ];
        let opts = ListOptions {
            by_date: true,
            ..ListOptions::default()
        };
        sort(&mut rels, &opts);
        let names: Vec<&str> = rels.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["c", "a", "b"]);
    }
}
