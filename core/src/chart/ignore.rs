//! `.helmignore`: Helm's ignore rules (a gitignore look-alike with Go's `filepath.Match`
//! patterns, no `**`), applied to a chart directory's paths before loading.

/// One parsed rule.
#[derive(Clone, Debug)]
struct Pattern {
    /// The pattern Go's `filepath.Match` sees (after `!`, trailing `/` and leading `/`
    /// are stripped), as chars once: matching runs for every file and parent directory.
    chars: Vec<char>,
    negate: bool,
    must_dir: bool,
    /// How a path is matched: `/x` and `a/b` match the whole path, `x` only the base name.
    whole_path: bool,
}

/// A `.helmignore` rule set.
#[derive(Clone, Debug, Default)]
pub struct Rules {
    patterns: Vec<Pattern>,
}

impl Rules {
    /// Parses `.helmignore` text. Fails like Helm on `**` and on patterns `filepath.Match`
    /// rejects.
    pub fn parse(text: &str) -> Result<Rules, String> {
        let mut r = Rules::default();
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        for line in text.split('\n') {
            r.add_rule(line)?;
        }
        Ok(r)
    }

    /// Adds Helm's default rule: dot files directly inside `templates/` are ignored.
    pub fn add_defaults(&mut self) {
        // A fixed, valid rule: cannot fail.
        let _ = self.add_rule("templates/.?*");
    }

    fn add_rule(&mut self, rule: &str) -> Result<(), String> {
        let rule = rule.trim();
        if rule.is_empty() || rule.starts_with('#') {
            return Ok(());
        }
        if rule.contains("**") {
            return Err("double-star (**) syntax is not supported".into());
        }
        if go_match(rule, "abc").is_err() {
            return Err("syntax error in pattern".into());
        }
        let mut glob = rule;
        let negate = if let Some(rest) = glob.strip_prefix('!') {
            glob = rest;
            true
        } else {
            false
        };
        let must_dir = if let Some(rest) = glob.strip_suffix('/') {
            glob = rest;
            true
        } else {
            false
        };
        let (glob, whole_path) = if let Some(rest) = glob.strip_prefix('/') {
            (rest, true)
        } else {
            (glob, glob.contains('/'))
        };
        self.patterns.push(Pattern {
            chars: glob.chars().collect(),
            negate,
            must_dir,
            whole_path,
        });
        Ok(())
    }

    /// Whether `path` (relative, `/`-separated) is ignored. Rules are tried in order and
    /// the first decisive one wins; a negated rule that does *not* match ignores the path,
    /// as Helm's implementation does.
    pub fn ignore(&self, path: &str, is_dir: bool) -> bool {
        if path.is_empty() || path == "." || path == "./" {
            return false;
        }
        let whole: Vec<char> = path.chars().collect();
        let base: Vec<char> = base_name(path).chars().collect();
        for p in &self.patterns {
            let matches = || {
                let subject = if p.whole_path { &whole } else { &base };
                match_chars(&p.chars, subject).unwrap_or(false)
            };
            if p.negate {
                if p.must_dir && !is_dir {
                    return true;
                }
                if !matches() {
                    return true;
                }
                continue;
            }
            if p.must_dir && !is_dir {
                continue;
            }
            if matches() {
                return true;
            }
        }
        false
    }

    /// Whether a file is excluded: one of its parent directories is ignored (Helm skips
    /// the whole directory) or the file itself is.
    pub fn ignore_file(&self, path: &str) -> bool {
        let mut end = 0;
        while let Some(i) = path[end..].find('/') {
            let dir = &path[..end + i];
            if self.ignore(dir, true) {
                return true;
            }
            end += i + 1;
        }
        self.ignore(path, false)
    }
}

/// Go's `filepath.Base` for `/`-separated paths.
fn base_name(path: &str) -> &str {
    let trimmed = path.trim_end_matches('/');
    if trimmed.is_empty() {
        return "/";
    }
    match trimmed.rfind('/') {
        Some(i) => &trimmed[i + 1..],
        None => trimmed,
    }
}

/// A malformed `filepath.Match` pattern (Go's `ErrBadPattern`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BadPattern;

/// Go's `path/filepath.Match` on Unix: `*` (no `/`), `?`, `[...]` classes with `^`
/// negation and ranges, `\` escapes. `Err` for a malformed pattern.
pub fn go_match(pattern: &str, name: &str) -> Result<bool, BadPattern> {
    let pat: Vec<char> = pattern.chars().collect();
    let name: Vec<char> = name.chars().collect();
    match_chars(&pat, &name)
}

fn match_chars(mut pat: &[char], mut name: &[char]) -> Result<bool, BadPattern> {
    'pattern: while !pat.is_empty() {
        let mut star = false;
        while let Some('*') = pat.first() {
            pat = &pat[1..];
            star = true;
        }
        let (chunk, rest) = split_chunk(pat);
        pat = rest;
        if star && chunk.is_empty() {
            // A trailing star matches the rest unless it holds a separator.
            return Ok(!name.contains(&'/'));
        }
        let (t, ok) = match_chunk(chunk, name)?;
        if ok && (t.is_empty() || !pat.is_empty()) {
            name = t;
            continue;
        }
        if star {
            let mut i = 0;
            while i < name.len() && name[i] != '/' {
                let (t, ok) = match_chunk(chunk, &name[i + 1..])?;
                if ok {
                    if pat.is_empty() && !t.is_empty() {
                        i += 1;
                        continue;
                    }
                    name = t;
                    continue 'pattern;
                }
                i += 1;
            }
        }
        // Go checks the rest of the pattern for syntax errors before failing.
        while !pat.is_empty() {
            while let Some('*') = pat.first() {
                pat = &pat[1..];
            }
            let (chunk, rest) = split_chunk(pat);
            pat = rest;
            match_chunk(chunk, &[])?;
        }
        return Ok(false);
    }
    Ok(name.is_empty())
}

fn split_chunk(pat: &[char]) -> (&[char], &[char]) {
    let mut in_range = false;
    let mut i = 0;
    while i < pat.len() {
        match pat[i] {
            '\\' if i + 1 < pat.len() => i += 1,
            '[' => in_range = true,
            ']' => in_range = false,
            '*' if !in_range => break,
            _ => {}
        }
        i += 1;
    }
    (&pat[..i], &pat[i..])
}

/// Matches a star-free chunk against the start of `s`; returns the rest of `s`.
fn match_chunk<'a>(
    mut chunk: &[char],
    mut s: &'a [char],
) -> Result<(&'a [char], bool), BadPattern> {
    let mut failed = false;
    while !chunk.is_empty() {
        if !failed && s.is_empty() {
            failed = true;
        }
        match chunk[0] {
            '[' => {
                let r = if failed { '\0' } else { s[0] };
                if !failed {
                    s = &s[1..];
                }
                chunk = &chunk[1..];
                let negated = chunk.first() == Some(&'^');
                if negated {
                    chunk = &chunk[1..];
                }
                let mut matched = false;
                let mut n = 0;
                loop {
                    if !chunk.is_empty() && chunk[0] == ']' && n > 0 {
                        chunk = &chunk[1..];
                        break;
                    }
                    let (lo, rest) = get_esc(chunk)?;
                    chunk = rest;
                    let mut hi = lo;
                    if chunk.first() == Some(&'-') {
                        let (h, rest) = get_esc(&chunk[1..])?;
                        hi = h;
                        chunk = rest;
                    }
                    if lo <= r && r <= hi {
                        matched = true;
                    }
                    n += 1;
                }
                if matched == negated {
                    failed = true;
                }
            }
            '?' => {
                if !failed {
                    if s[0] == '/' {
                        failed = true;
                    }
                    s = &s[1..];
                }
                chunk = &chunk[1..];
            }
            '\\' => {
                chunk = &chunk[1..];
                if chunk.is_empty() {
                    return Err(BadPattern);
                }
                if !failed {
                    if chunk[0] != s[0] {
                        failed = true;
                    }
                    s = &s[1..];
                }
                chunk = &chunk[1..];
            }
            c => {
                if !failed {
                    if c != s[0] {
                        failed = true;
                    }
                    s = &s[1..];
                }
                chunk = &chunk[1..];
            }
        }
    }
    if failed {
        return Ok((&[], false));
    }
    Ok((s, true))
}

fn get_esc(chunk: &[char]) -> Result<(char, &[char]), BadPattern> {
    if chunk.is_empty() || chunk[0] == '-' || chunk[0] == ']' {
        return Err(BadPattern);
    }
    let mut chunk = chunk;
    if chunk[0] == '\\' {
        chunk = &chunk[1..];
        if chunk.is_empty() {
            return Err(BadPattern);
        }
    }
    let c = chunk[0];
    let rest = &chunk[1..];
    if rest.is_empty() {
        return Err(BadPattern);
    }
    Ok((c, rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_match_basics() {
        assert_eq!(go_match("*.txt", "a.txt"), Ok(true));
        assert_eq!(go_match("*.txt", "d/a.txt"), Ok(false));
        assert_eq!(go_match("a?c", "abc"), Ok(true));
        assert_eq!(go_match("[a-c]x", "bx"), Ok(true));
        assert_eq!(go_match("[^a-c]x", "bx"), Ok(false));
        assert_eq!(go_match("templates/.?*", "templates/.git"), Ok(true));
        assert_eq!(go_match("templates/.?*", "templates/a"), Ok(false));
        assert!(go_match("[", "abc").is_err());
        assert_eq!(go_match("a*", "abc"), Ok(true));
        assert_eq!(go_match("a*c", "abxc"), Ok(true));
    }

    #[test]
    fn rules() {
        let mut r = Rules::parse("# c\n*.bak\nsecret.txt\n/top.txt\nignored/\n").unwrap();
        r.add_defaults();
        assert!(r.ignore_file("x.bak"));
        assert!(r.ignore_file("sub/secret.txt"));
        assert!(r.ignore_file("top.txt"));
        assert!(r.ignore_file("ignored/a.yaml"));
        assert!(r.ignore_file("templates/.hidden"));
        assert!(!r.ignore_file("templates/a.yaml"));
        assert!(Rules::parse("a/**").is_err());
    }
}
