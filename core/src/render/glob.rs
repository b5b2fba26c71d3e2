//! The glob syntax of `.Files.Glob` (gobwas/glob with `/` as the separator): `*` within a
//! path segment, `**` across segments, `?`, `[abc]`, `[!a-z]`, `{a,b}`, `\` escapes.

#[derive(Clone, Debug)]
enum Token {
    Char(char),
    /// `?`
    Any,
    /// `*`
    Star,
    /// `**`
    SuperStar,
    Class {
        negated: bool,
        ranges: Vec<(char, char)>,
    },
    Alt(Vec<Vec<Token>>),
}

/// A compiled glob pattern.
#[derive(Clone, Debug)]
pub struct Glob {
    tokens: Vec<Token>,
}

const SEP: char = '/';

impl Glob {
    /// Compiles a pattern; `None` when it is malformed.
    pub fn compile(pattern: &str) -> Option<Glob> {
        let chars: Vec<char> = pattern.chars().collect();
        let mut pos = 0;
        let tokens = parse_seq(&chars, &mut pos, false, 0)?;
        if pos != chars.len() {
            return None;
        }
        Some(Glob { tokens })
    }

    /// A pattern matching every path (`**`).
    pub fn everything() -> Glob {
        Glob {
            tokens: vec![Token::SuperStar],
        }
    }

    pub fn is_match(&self, s: &str) -> bool {
        // Matching recurses once per token; bound it for absurdly long patterns.
        if self.tokens.len() > 4096 {
            return false;
        }
        let chars: Vec<char> = s.chars().collect();
        let mut budget = 100_000usize;
        match_tokens(&self.tokens, &chars, &mut budget)
    }
}

/// Deepest `{...}` nesting accepted (keeps parsing and matching off the stack's edge).
const MAX_NESTING: usize = 32;

fn parse_seq(chars: &[char], pos: &mut usize, in_alt: bool, depth: usize) -> Option<Vec<Token>> {
    if depth > MAX_NESTING {
        return None;
    }
    let mut out = Vec::new();
    while *pos < chars.len() {
        let c = chars[*pos];
        match c {
            '*' => {
                if chars.get(*pos + 1) == Some(&'*') {
                    *pos += 2;
                    out.push(Token::SuperStar);
                } else {
                    *pos += 1;
                    out.push(Token::Star);
                }
            }
            '?' => {
                *pos += 1;
                out.push(Token::Any);
            }
            '\\' => {
                let next = *chars.get(*pos + 1)?;
                *pos += 2;
                out.push(Token::Char(next));
            }
            '[' => {
                *pos += 1;
                let negated = chars.get(*pos) == Some(&'!');
                if negated {
                    *pos += 1;
                }
                let mut ranges = Vec::new();
                loop {
                    let c = *chars.get(*pos)?;
                    if c == ']' {
                        *pos += 1;
                        break;
                    }
                    let lo = if c == '\\' {
                        *pos += 1;
                        *chars.get(*pos)?
                    } else {
                        c
                    };
                    *pos += 1;
                    if chars.get(*pos) == Some(&'-') && chars.get(*pos + 1) != Some(&']') {
                        let hi = *chars.get(*pos + 1)?;
                        *pos += 2;
                        ranges.push((lo, hi));
                    } else {
                        ranges.push((lo, lo));
                    }
                }
                if ranges.is_empty() {
                    return None;
                }
                out.push(Token::Class { negated, ranges });
            }
            '{' => {
                *pos += 1;
                let mut alts = Vec::new();
                loop {
                    let seq = parse_seq(chars, pos, true, depth + 1)?;
                    alts.push(seq);
                    match chars.get(*pos) {
                        Some(',') => *pos += 1,
                        Some('}') => {
                            *pos += 1;
                            break;
                        }
                        _ => return None,
                    }
                }
                out.push(Token::Alt(alts));
            }
            ',' | '}' if in_alt => return Some(out),
            _ => {
                *pos += 1;
                out.push(Token::Char(c));
            }
        }
    }
    if in_alt {
        // An unterminated `{`.
        return None;
    }
    Some(out)
}

fn match_tokens(tokens: &[Token], s: &[char], budget: &mut usize) -> bool {
    if *budget == 0 {
        return false;
    }
    *budget -= 1;
    let Some((first, rest)) = tokens.split_first() else {
        return s.is_empty();
    };
    match first {
        Token::Char(c) => s.first() == Some(c) && match_tokens(rest, &s[1..], budget),
        Token::Any => s.first().is_some_and(|c| *c != SEP) && match_tokens(rest, &s[1..], budget),
        Token::Class { negated, ranges } => match s.first() {
            Some(&c) => {
                let inside = ranges.iter().any(|(lo, hi)| *lo <= c && c <= *hi);
                inside != *negated && match_tokens(rest, &s[1..], budget)
            }
            None => false,
        },
        Token::Star => {
            for i in 0..=s.len() {
                if match_tokens(rest, &s[i..], budget) {
                    return true;
                }
                if i < s.len() && s[i] == SEP {
                    break;
                }
            }
            false
        }
        Token::SuperStar => (0..=s.len()).any(|i| match_tokens(rest, &s[i..], budget)),
        Token::Alt(alts) => alts.iter().any(|alt| {
            let mut joined = alt.clone();
            joined.extend_from_slice(rest);
            match_tokens(&joined, s, budget)
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(p: &str, s: &str) -> bool {
        Glob::compile(p).unwrap().is_match(s)
    }

    #[test]
    fn globs() {
        assert!(m("files/*", "files/a.txt"));
        assert!(!m("files/*", "files/sub/d.txt"));
        assert!(m("files/**", "files/sub/d.txt"));
        assert!(m("**.txt", "crlf.txt"));
        assert!(m("**.txt", "files/sub/d.txt"));
        assert!(m("files/*.{txt,json}", "files/c.json"));
        assert!(m("files/[ab].txt", "files/b.txt"));
        assert!(!m("files/[!ab].txt", "files/b.txt"));
        assert!(m("a?c", "abc"));
        assert!(Glob::compile("{a").is_none());
    }
}
