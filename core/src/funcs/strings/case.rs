//! Case conversions as Go's `unicode`/`strings`, goutils and xstrings v1.5 do them:
//! simple (one rune to one rune) case mapping, `strings.Title`'s word breaks,
//! `SwapCase`, and xstrings' word splitting for snake/kebab/Pascal case.

/// Go's `unicode.ToUpper`: the simple mapping, so `ß` stays `ß`.
pub fn simple_upper(c: char) -> char {
    if c.is_ascii() {
        return c.to_ascii_uppercase();
    }
    // Greek letters with ypogegrammeni map to their prosgegrammeni capitals, where the
    // full mapping (Rust's) expands to two letters.
    let u = c as u32;
    let greek = match u {
        0x1F80..=0x1F87 | 0x1F90..=0x1F97 | 0x1FA0..=0x1FA7 => Some(u + 8),
        0x1FB3 | 0x1FC3 | 0x1FF3 => Some(u + 9),
        _ => None,
    };
    if let Some(up) = greek.and_then(char::from_u32) {
        return up;
    }
    let mut up = c.to_uppercase();
    match (up.next(), up.next()) {
        (Some(u), None) => u,
        _ => c,
    }
}

/// Go's `unicode.ToLower`: the simple mapping (`İ` becomes `i`).
pub fn simple_lower(c: char) -> char {
    if c.is_ascii() {
        return c.to_ascii_lowercase();
    }
    if c == '\u{130}' {
        return 'i';
    }
    let mut low = c.to_lowercase();
    match (low.next(), low.next()) {
        (Some(l), None) => l,
        _ => c,
    }
}

/// Go's `unicode.ToTitle`: like upper case except for the Latin digraphs.
fn simple_title(c: char) -> char {
    match c {
        '\u{1C4}'..='\u{1C6}' => '\u{1C5}',
        '\u{1C7}'..='\u{1C9}' => '\u{1C8}',
        '\u{1CA}'..='\u{1CC}' => '\u{1CB}',
        '\u{1F1}'..='\u{1F3}' => '\u{1F2}',
        _ => simple_upper(c),
    }
}

fn is_title_case(c: char) -> bool {
    matches!(c, '\u{1C5}' | '\u{1C8}' | '\u{1CB}' | '\u{1F2}')
        || matches!(c as u32, 0x1F88..=0x1F8F | 0x1F98..=0x1F9F | 0x1FA8..=0x1FAF | 0x1FBC | 0x1FCC | 0x1FFC)
}

/// Go's `unicode.IsSpace`.
fn is_space(c: char) -> bool {
    c.is_whitespace()
}

/// Go's `unicode.IsPunct` (category P). ASCII symbols such as `$+<=>^`|~` are not
/// punctuation.
fn is_punct(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_punctuation() && !"$+<=>^`|~".contains(c);
    }
    matches!(c as u32,
        0xA1 | 0xA7 | 0xAB | 0xB6 | 0xB7 | 0xBB | 0xBF | 0x37E | 0x387 | 0x55A..=0x55F
        | 0x589 | 0x58A | 0x5BE | 0x5C0 | 0x5C3 | 0x5C6 | 0x5F3 | 0x5F4 | 0x609 | 0x60A
        | 0x60C | 0x60D | 0x61B | 0x61D..=0x61F | 0x66A..=0x66D | 0x6D4 | 0x964 | 0x965
        | 0x970 | 0xE4F | 0xE5A | 0xE5B | 0x2010..=0x2027 | 0x2030..=0x2043 | 0x2045..=0x2051
        | 0x2053..=0x205E | 0x207D | 0x207E | 0x208D | 0x208E | 0x2308..=0x230B | 0x2329
        | 0x232A | 0x2768..=0x2775 | 0x27C5 | 0x27C6 | 0x27E6..=0x27EF | 0x2983..=0x2998
        | 0x29D8..=0x29DB | 0x29FC | 0x29FD | 0x2CF9..=0x2CFC | 0x2CFE | 0x2CFF
        | 0x2E00..=0x2E2E | 0x2E30..=0x2E4F | 0x3001..=0x3003 | 0x3008..=0x3011
        | 0x3014..=0x301F | 0x3030 | 0x303D | 0x30A0 | 0x30FB | 0xFE10..=0xFE19
        | 0xFE30..=0xFE52 | 0xFE54..=0xFE61 | 0xFE63 | 0xFE68 | 0xFE6A | 0xFE6B
        | 0xFF01..=0xFF03 | 0xFF05..=0xFF0A | 0xFF0C..=0xFF0F | 0xFF1A | 0xFF1B | 0xFF1F
        | 0xFF20 | 0xFF3B..=0xFF3D | 0xFF3F | 0xFF5B | 0xFF5D | 0xFF5F..=0xFF65)
}

/// `strings.Title`: upper-cases (title-cases) the first letter of every word, where
/// anything but a letter, digit or underscore separates words.
pub fn title(x: &str) -> String {
    let is_separator = |c: char| {
        if c.is_ascii() {
            return !(c.is_ascii_alphanumeric() || c == '_');
        }
        if c.is_alphabetic() || c.is_numeric() {
            return false;
        }
        is_space(c)
    };
    let mut prev = ' ';
    x.chars()
        .map(|c| {
            let out = if is_separator(prev) {
                simple_title(c)
            } else {
                c
            };
            prev = c;
            out
        })
        .collect()
}

/// goutils' `Uncapitalize`: lower-cases the first rune of each space-separated word.
pub fn untitle(x: &str) -> String {
    let mut next = true;
    x.chars()
        .map(|c| {
            if is_space(c) {
                next = true;
                c
            } else if next {
                next = false;
                simple_lower(c)
            } else {
                c
            }
        })
        .collect()
}

/// goutils' `SwapCase`: upper and title case become lower; lower case becomes upper,
/// or title case right after whitespace.
pub fn swap_case(x: &str) -> String {
    let mut whitespace = true;
    x.chars()
        .map(|c| {
            if c.is_uppercase() || is_title_case(c) {
                whitespace = false;
                simple_lower(c)
            } else if c.is_lowercase() {
                let out = if whitespace {
                    simple_title(c)
                } else {
                    simple_upper(c)
                };
                whitespace = false;
                out
            } else {
                whitespace = is_space(c);
                c
            }
        })
        .collect()
}

/// xstrings' connectors: `-`, `_` and whitespace.
fn is_connector(c: char) -> bool {
    c == '-' || c == '_' || is_space(c)
}

/// xstrings' `isAlphabet`: a letter that is not a CJK ideograph.
fn is_alphabet(c: char) -> bool {
    if !c.is_alphabetic() {
        return false;
    }
    !matches!(c as u32, 0x4E00..=0x9FCC | 0x3400..=0x4D85 | 0x20000..=0x2B81D)
}

/// xstrings' `ToPascalCase` (Sprig's `camelcase`): connectors are dropped and the next
/// rune upper-cased; in a word that starts with a capital, the capitals following it
/// are lower-cased up to the first non-capital.
pub fn pascal_case(x: &str) -> String {
    let mut out = String::with_capacity(x.len());
    let mut chars = x.chars();
    let mut r0 = None;
    let mut first_upper = false;
    for c in chars.by_ref() {
        if !is_connector(c) {
            first_upper = c.is_uppercase();
            r0 = Some(simple_upper(c));
            break;
        }
        out.push(c);
    }
    let Some(mut r0) = r0 else {
        // xstrings writes the last rune once more when the input is all connectors.
        if let Some(last) = x.chars().last() {
            out.push(last);
        }
        return out;
    };
    for c in chars {
        let r1 = r0;
        r0 = c;
        if is_connector(r0) && is_connector(r1) {
            out.push(r1);
            continue;
        }
        if is_connector(r1) {
            // Each word after a connector starts its own all-caps run check.
            first_upper = r0.is_uppercase();
            r0 = simple_upper(r0);
        } else {
            if first_upper {
                if r0.is_uppercase() {
                    r0 = simple_lower(r0);
                } else {
                    first_upper = false;
                }
            }
            out.push(r1);
        }
    }
    out.push(r0);
    out
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Word {
    Number,
    Upper,
    Alphabet,
    Connector,
    Punct,
    Other,
}

/// xstrings' `nextWord`: the type and text of the next word, and the rest.
fn next_word(x: &str) -> Option<(Word, &str, &str)> {
    let mut it = x.char_indices().peekable();
    let (_, first) = it.next()?;
    let take_while = |it: &mut std::iter::Peekable<std::str::CharIndices<'_>>,
                      pred: &dyn Fn(char) -> bool| {
        while let Some(&(_, c)) = it.peek() {
            if !pred(c) {
                break;
            }
            it.next();
        }
        it.peek().map_or(x.len(), |&(i, _)| i)
    };
    let (wt, end) = if is_connector(first) {
        (Word::Connector, take_while(&mut it, &is_connector))
    } else if is_punct(first) {
        (Word::Punct, take_while(&mut it, &is_punct))
    } else if first.is_uppercase() {
        match it.peek().map(|&(_, c)| c) {
            Some(c) if c.is_uppercase() => {
                let mut prev_start = it.peek().map_or(x.len(), |&(i, _)| i);
                let mut end = x.len();
                while let Some(&(i, c)) = it.peek() {
                    if !c.is_uppercase() {
                        end = i;
                        break;
                    }
                    prev_start = i;
                    it.next();
                }
                // "HTTPStatus" is "HTTP" + "Status": the last capital starts the next word.
                match it.peek() {
                    Some(&(_, c)) if is_alphabet(c) => (Word::Upper, prev_start),
                    _ => (Word::Upper, end),
                }
            }
            Some(c) if is_alphabet(c) => {
                it.next();
                (
                    Word::Upper,
                    take_while(&mut it, &|c| is_alphabet(c) && !c.is_uppercase()),
                )
            }
            _ => (Word::Upper, it.peek().map_or(x.len(), |&(i, _)| i)),
        }
    } else if is_alphabet(first) {
        (
            Word::Alphabet,
            take_while(&mut it, &|c| is_alphabet(c) && !c.is_uppercase()),
        )
    } else if first.is_numeric() {
        (Word::Number, take_while(&mut it, &|c: char| c.is_numeric()))
    } else {
        (
            Word::Other,
            take_while(&mut it, &|c| {
                !(is_connector(c) || is_alphabet(c) || c.is_numeric() || is_punct(c))
            }),
        )
    };
    Some((wt, &x[..end], &x[end..]))
}

/// xstrings' `toLower` for one word: upper-case and connector words are lowered (and
/// connectors replaced); other words are kept as they are.
fn push_lower(out: &mut String, wt: Word, word: &str, connector: char) {
    if wt != Word::Upper && wt != Word::Connector {
        out.push_str(word);
        return;
    }
    for c in word.chars() {
        if is_connector(c) {
            out.push(connector);
        } else {
            out.push(simple_lower(c));
        }
    }
}

fn next_or_end(rest: &str) -> (Word, &str, &str) {
    next_word(rest).unwrap_or((Word::Other, "", ""))
}

/// xstrings' `ToSnakeCase` / `ToKebabCase` (`connector` `_` or `-`).
pub fn to_lower_words(x: &str, connector: char) -> String {
    let mut out = String::with_capacity(x.len() + 4);
    let Some((mut wt, mut word, mut rest)) = next_word(x) else {
        return out;
    };
    while !rest.is_empty() {
        if wt != Word::Connector {
            push_lower(&mut out, wt, word, connector);
        }
        let prev = wt;
        let last = word;
        (wt, word, rest) = next_or_end(rest);
        match prev {
            Word::Number => {
                while wt == Word::Alphabet || wt == Word::Number {
                    push_lower(&mut out, wt, word, connector);
                    if rest.is_empty() {
                        // Nothing follows: the final word has just been written.
                        return out;
                    }
                    (wt, word, rest) = next_or_end(rest);
                }
                if wt != Word::Punct && wt != Word::Connector {
                    out.push(connector);
                }
            }
            Word::Connector => push_lower(&mut out, prev, last, connector),
            Word::Punct => {}
            _ => {
                if wt != Word::Number {
                    if wt != Word::Connector && wt != Word::Punct {
                        out.push(connector);
                    }
                    continue;
                }
                if rest.is_empty() {
                    continue;
                }
                let number = word;
                (wt, word, rest) = next_or_end(rest);
                // A number belongs to the previous word ("Bld4Floor" → "bld4_floor")
                // unless lower-case letters follow it ("HTTP2xx" → "http_2xx").
                if wt != Word::Alphabet {
                    push_lower(&mut out, Word::Number, number, connector);
                    if wt != Word::Connector && wt != Word::Punct {
                        out.push(connector);
                    }
                    continue;
                }
                out.push(connector);
                push_lower(&mut out, Word::Number, number, connector);
                while wt == Word::Alphabet || wt == Word::Number {
                    push_lower(&mut out, wt, word, connector);
                    if rest.is_empty() {
                        return out;
                    }
                    (wt, word, rest) = next_or_end(rest);
                }
                if wt != Word::Connector && wt != Word::Punct {
                    out.push(connector);
                }
            }
        }
    }
    push_lower(&mut out, wt, word, connector);
    out
}
