//! Go reference-time layouts (`2006-01-02T15:04:05Z07:00`, `Jan _2`, `.000`, `MST`...):
//! formatting and parsing with the rules of Go's `time` package.

use super::time::GoTime;

pub const LONG_MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
pub const LONG_DAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];

/// One element of a layout.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Std {
    LongMonth,
    Month,
    NumMonth,
    ZeroMonth,
    LongWeekDay,
    WeekDay,
    Day,
    UnderDay,
    ZeroDay,
    UnderYearDay,
    ZeroYearDay,
    Hour,
    Hour12,
    ZeroHour12,
    Minute,
    ZeroMinute,
    Second,
    ZeroSecond,
    LongYear,
    Year,
    PM,
    Pm,
    TZ,
    Iso8601TZ,
    Iso8601SecondsTZ,
    Iso8601ShortTZ,
    Iso8601ColonTZ,
    Iso8601ColonSecondsTZ,
    NumTZ,
    NumSecondsTZ,
    NumShortTZ,
    NumColonTZ,
    NumColonSecondsTZ,
    /// `.000`: digits (count), separator; trailing zeros kept.
    Frac0(usize, u8),
    /// `.999`: trailing zeros dropped.
    Frac9(usize, u8),
}

fn starts_lower(s: &[u8]) -> bool {
    s.first().is_some_and(u8::is_ascii_lowercase)
}

/// Go's `nextStdChunk`: the literal prefix, the element, and the rest of the layout.
pub(super) fn next_chunk(layout: &str) -> (&str, Option<Std>, &str) {
    let b = layout.as_bytes();
    let at = |i: usize, s: &str| b.len() >= i + s.len() && &b[i..i + s.len()] == s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let hit = |std: Std, len: usize| Some((i, std, i + len));
        let found = match b[i] {
            b'J' if at(i, "Jan") => {
                if at(i, "January") {
                    hit(Std::LongMonth, 7)
                } else if !starts_lower(&b[i + 3..]) {
                    hit(Std::Month, 3)
                } else {
                    None
                }
            }
            b'M' if b.len() >= i + 3 => {
                if at(i, "Monday") {
                    hit(Std::LongWeekDay, 6)
                } else if at(i, "Mon") && !starts_lower(&b[i + 3..]) {
                    hit(Std::WeekDay, 3)
                } else if at(i, "MST") {
                    hit(Std::TZ, 3)
                } else {
                    None
                }
            }
            b'0' if b.len() >= i + 2 && (b'1'..=b'6').contains(&b[i + 1]) => {
                let std = [
                    Std::ZeroMonth,
                    Std::ZeroDay,
                    Std::ZeroHour12,
                    Std::ZeroMinute,
                    Std::ZeroSecond,
                    Std::Year,
                ][usize::from(b[i + 1] - b'1')];
                hit(std, 2)
            }
            b'0' if at(i, "002") => hit(Std::ZeroYearDay, 3),
            b'1' if at(i, "15") => hit(Std::Hour, 2),
            b'1' => hit(Std::NumMonth, 1),
            b'2' if at(i, "2006") => hit(Std::LongYear, 4),
            b'2' => hit(Std::Day, 1),
            b'_' if at(i, "_2") => {
                if at(i + 1, "2006") {
                    // `_2006` is a literal underscore and a long year.
                    return (&layout[..=i], Some(Std::LongYear), &layout[i + 5..]);
                }
                hit(Std::UnderDay, 2)
            }
            b'_' if at(i, "__2") => hit(Std::UnderYearDay, 3),
            b'3' => hit(Std::Hour12, 1),
            b'4' => hit(Std::Minute, 1),
            b'5' => hit(Std::Second, 1),
            b'P' if at(i, "PM") => hit(Std::PM, 2),
            b'p' if at(i, "pm") => hit(Std::Pm, 2),
            b'-' if at(i, "-070000") => hit(Std::NumSecondsTZ, 7),
            b'-' if at(i, "-07:00:00") => hit(Std::NumColonSecondsTZ, 9),
            b'-' if at(i, "-0700") => hit(Std::NumTZ, 5),
            b'-' if at(i, "-07:00") => hit(Std::NumColonTZ, 6),
            b'-' if at(i, "-07") => hit(Std::NumShortTZ, 3),
            b'Z' if at(i, "Z070000") => hit(Std::Iso8601SecondsTZ, 7),
            b'Z' if at(i, "Z07:00:00") => hit(Std::Iso8601ColonSecondsTZ, 9),
            b'Z' if at(i, "Z0700") => hit(Std::Iso8601TZ, 5),
            b'Z' if at(i, "Z07:00") => hit(Std::Iso8601ColonTZ, 6),
            b'Z' if at(i, "Z07") => hit(Std::Iso8601ShortTZ, 3),
            c @ (b'.' | b',') if i + 1 < b.len() && matches!(b[i + 1], b'0' | b'9') => {
                let ch = b[i + 1];
                let mut j = i + 1;
                while j < b.len() && b[j] == ch {
                    j += 1;
                }
                if j < b.len() && b[j].is_ascii_digit() {
                    None
                } else {
                    let n = j - (i + 1);
                    let std = if ch == b'0' {
                        Std::Frac0(n, c)
                    } else {
                        Std::Frac9(n, c)
                    };
                    Some((i, std, j))
                }
            }
            _ => None,
        };
        if let Some((start, std, end)) = found {
            return (&layout[..start], Some(std), &layout[end..]);
        }
        i += 1;
    }
    (layout, None, "")
}

fn push_int(out: &mut String, x: i64, width: usize) {
    if x < 0 {
        out.push('-');
    }
    let digits = x.unsigned_abs().to_string();
    for _ in digits.len()..width {
        out.push('0');
    }
    out.push_str(&digits);
}

/// Go's `Time.Format`.
pub fn format(t: &GoTime, layout: &str) -> String {
    let (name, offset) = t.loc.lookup(t.unix);
    let c = t.civil();
    let mut out = String::with_capacity(layout.len() + 10);
    let mut rest = layout;
    while !rest.is_empty() {
        let (prefix, std, suffix) = next_chunk(rest);
        out.push_str(prefix);
        let Some(std) = std else { break };
        rest = suffix;
        match std {
            Std::Year => push_int(&mut out, c.year.abs() % 100, 2),
            Std::LongYear => push_int(&mut out, c.year, 4),
            Std::Month => out.push_str(&LONG_MONTHS[month_index(c.month)][..3]),
            Std::LongMonth => out.push_str(LONG_MONTHS[month_index(c.month)]),
            Std::NumMonth => push_int(&mut out, c.month, 0),
            Std::ZeroMonth => push_int(&mut out, c.month, 2),
            Std::WeekDay => out.push_str(&LONG_DAYS[day_index(c.weekday)][..3]),
            Std::LongWeekDay => out.push_str(LONG_DAYS[day_index(c.weekday)]),
            Std::Day => push_int(&mut out, c.day, 0),
            Std::UnderDay => {
                if c.day < 10 {
                    out.push(' ');
                }
                push_int(&mut out, c.day, 0);
            }
            Std::ZeroDay => push_int(&mut out, c.day, 2),
            Std::UnderYearDay => {
                if c.yday < 100 {
                    out.push(' ');
                    if c.yday < 10 {
                        out.push(' ');
                    }
                }
                push_int(&mut out, c.yday, 0);
            }
            Std::ZeroYearDay => push_int(&mut out, c.yday, 3),
            Std::Hour => push_int(&mut out, c.hour, 2),
            Std::Hour12 => push_int(&mut out, hour12(c.hour), 0),
            Std::ZeroHour12 => push_int(&mut out, hour12(c.hour), 2),
            Std::Minute => push_int(&mut out, c.minute, 0),
            Std::ZeroMinute => push_int(&mut out, c.minute, 2),
            Std::Second => push_int(&mut out, c.second, 0),
            Std::ZeroSecond => push_int(&mut out, c.second, 2),
            Std::PM => out.push_str(if c.hour >= 12 { "PM" } else { "AM" }),
            Std::Pm => out.push_str(if c.hour >= 12 { "pm" } else { "am" }),
            Std::TZ => {
                if name.is_empty() {
                    push_offset(&mut out, offset, false, false, false);
                } else {
                    out.push_str(&name);
                }
            }
            Std::Frac0(n, sep) | Std::Frac9(n, sep) => {
                let trim = matches!(std, Std::Frac9(..));
                push_nanos(&mut out, t.nsec, n, sep, trim);
            }
            zone => {
                let iso = matches!(
                    zone,
                    Std::Iso8601TZ
                        | Std::Iso8601ColonTZ
                        | Std::Iso8601SecondsTZ
                        | Std::Iso8601ShortTZ
                        | Std::Iso8601ColonSecondsTZ
                );
                if iso && offset == 0 {
                    out.push('Z');
                    continue;
                }
                let colon = matches!(
                    zone,
                    Std::Iso8601ColonTZ
                        | Std::NumColonTZ
                        | Std::Iso8601ColonSecondsTZ
                        | Std::NumColonSecondsTZ
                );
                let short = matches!(zone, Std::NumShortTZ | Std::Iso8601ShortTZ);
                let seconds = matches!(
                    zone,
                    Std::Iso8601SecondsTZ
                        | Std::NumSecondsTZ
                        | Std::NumColonSecondsTZ
                        | Std::Iso8601ColonSecondsTZ
                );
                push_offset(&mut out, offset, colon, short, seconds);
            }
        }
    }
    out
}

fn month_index(month: i64) -> usize {
    usize::try_from(month - 1).unwrap_or(0).min(11)
}

fn day_index(weekday: i64) -> usize {
    usize::try_from(weekday).unwrap_or(0).min(6)
}

fn hour12(hour: i64) -> i64 {
    match hour % 12 {
        0 => 12,
        h => h,
    }
}

fn push_offset(out: &mut String, offset: i32, colon: bool, short: bool, seconds: bool) {
    let abs = i64::from(offset).abs();
    out.push(if offset < 0 { '-' } else { '+' });
    let minutes = abs / 60;
    push_int(out, minutes / 60, 2);
    if colon {
        out.push(':');
    }
    if !short {
        push_int(out, minutes % 60, 2);
    }
    if seconds {
        if colon {
            out.push(':');
        }
        push_int(out, abs % 60, 2);
    }
}

fn push_nanos(out: &mut String, nsec: u32, digits: usize, sep: u8, trim: bool) {
    if trim && (digits == 0 || nsec == 0) {
        return;
    }
    let all = format!("{nsec:09}");
    let mut frac = &all[..digits.min(9)];
    if trim {
        frac = frac.trim_end_matches('0');
        if frac.is_empty() {
            return;
        }
    }
    out.push(char::from(sep));
    out.push_str(frac);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::funcs::dates::parse::parse_in_location;
    use crate::funcs::dates::time::Location;

    fn t(layout: &str, value: &str) -> GoTime {
        parse_in_location(layout, value, &Location::Local).unwrap()
    }

    #[test]
    fn formats_reference_layouts() {
        let x = t("2006-01-02 15:04:05", "2024-03-05 07:08:09");
        let f = |l: &str| format(&x, l);
        assert_eq!(
            f("Mon Jan _2 15:04:05 MST 2006"),
            "Tue Mar  5 07:08:09 UTC 2024"
        );
        assert_eq!(f("03:04:05.000"), "07:08:09.000");
        assert_eq!(f("2006-01-02T15:04:05Z07:00"), "2024-03-05T07:08:09Z");
        assert_eq!(
            f("002 pm -0700 1/2/06 3:04PM"),
            "065 am +0000 3/5/24 7:08AM"
        );
        assert_eq!(f("Monday, 02-Jan-06 January"), "Tuesday, 05-Mar-24 March");
        assert_eq!(x.to_go_string(), "2024-03-05 07:08:09 +0000 UTC");
    }
}
