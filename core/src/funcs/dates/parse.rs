//! Parsing with Go reference-time layouts: Go's `time.ParseInLocation`, its leniencies
//! (fractional seconds the layout does not name, space runs, case-insensitive names) and
//! its error messages.

use super::civil::{days_in_month, is_leap};
use super::duration::quote;
use super::layout::{LONG_DAYS, LONG_MONTHS, Std, next_chunk};
use super::time::{GoTime, Location};

struct Bad;

fn is_digit(s: &[u8], i: usize) -> bool {
    s.get(i).is_some_and(u8::is_ascii_digit)
}

fn getnum(s: &[u8], fixed: bool) -> Result<(i64, &[u8]), Bad> {
    if !is_digit(s, 0) {
        return Err(Bad);
    }
    if !is_digit(s, 1) {
        if fixed {
            return Err(Bad);
        }
        return Ok((i64::from(s[0] - b'0'), &s[1..]));
    }
    Ok((
        i64::from(s[0] - b'0') * 10 + i64::from(s[1] - b'0'),
        &s[2..],
    ))
}

fn getnum3(s: &[u8], fixed: bool) -> Result<(i64, &[u8]), Bad> {
    let mut n = 0;
    let mut i = 0;
    while i < 3 && is_digit(s, i) {
        n = n * 10 + i64::from(s[i] - b'0');
        i += 1;
    }
    if i == 0 || (fixed && i != 3) {
        return Err(Bad);
    }
    Ok((n, &s[i..]))
}

/// Go's `atoi` on a short field: optional sign, then only digits.
fn atoi(s: &[u8]) -> Result<i64, Bad> {
    let (neg, digits) = match s.first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) || digits.len() > 18 {
        return Err(Bad);
    }
    let mut x: i64 = 0;
    for d in digits {
        x = x * 10 + i64::from(d - b'0');
    }
    Ok(if neg { -x } else { x })
}

fn lookup_name<'a>(
    names: &[&str],
    len: Option<usize>,
    value: &'a [u8],
) -> Result<(i64, &'a [u8]), Bad> {
    for (i, name) in names.iter().enumerate() {
        let name = &name.as_bytes()[..len.unwrap_or(name.len())];
        if value.len() >= name.len() && value[..name.len()].eq_ignore_ascii_case(name) {
            return Ok((i as i64, &value[name.len()..]));
        }
    }
    Err(Bad)
}

/// `value` with `prefix` removed, runs of spaces matching runs of spaces.
fn skip<'a>(mut value: &'a [u8], mut prefix: &[u8]) -> Result<&'a [u8], Bad> {
    while let Some(&p) = prefix.first() {
        if p == b' ' {
            if value.first().is_some_and(|&c| c != b' ') {
                return Err(Bad);
            }
            while prefix.first() == Some(&b' ') {
                prefix = &prefix[1..];
            }
            while value.first() == Some(&b' ') {
                value = &value[1..];
            }
            continue;
        }
        if value.first() != Some(&p) {
            return Err(Bad);
        }
        prefix = &prefix[1..];
        value = &value[1..];
    }
    Ok(value)
}

fn parse_nanos(value: &[u8], nbytes: usize) -> Result<i64, Bad> {
    if !matches!(value.first(), Some(b'.' | b',')) {
        return Err(Bad);
    }
    let nbytes = nbytes.min(10);
    let mut ns = atoi(value.get(1..nbytes).ok_or(Bad)?)?;
    for _ in nbytes..10 {
        ns *= 10;
    }
    Ok(ns)
}

/// Length of a time-zone abbreviation at the start of `value` (Go's `parseTimeZone`).
fn parse_time_zone(value: &[u8]) -> Option<usize> {
    if value.len() < 3 {
        return None;
    }
    if value.starts_with(b"ChST") || value.starts_with(b"MeST") {
        return Some(4);
    }
    if value.starts_with(b"GMT") {
        return Some(3 + parse_signed_offset(&value[3..]));
    }
    if value[0] == b'+' || value[0] == b'-' {
        let n = parse_signed_offset(value);
        return (n > 0).then_some(n);
    }
    let upper = value
        .iter()
        .take(6)
        .take_while(|c| c.is_ascii_uppercase())
        .count();
    match upper {
        5 if value[4] == b'T' => Some(5),
        4 if value[3] == b'T' || value.starts_with(b"WITA") => Some(4),
        3 => Some(3),
        _ => None,
    }
}

fn parse_signed_offset(value: &[u8]) -> usize {
    let Some(&sign) = value.first() else { return 0 };
    if sign != b'+' && sign != b'-' {
        return 0;
    }
    let digits = value[1..].iter().take_while(|c| c.is_ascii_digit()).count();
    if digits == 0 || digits > 18 {
        return 0;
    }
    match atoi(&value[1..=digits]) {
        Ok(x) if x <= 23 => 1 + digits,
        _ => 0,
    }
}

/// Go's `time.ParseInLocation(layout, value, loc)`; errors are Go's messages.
pub fn parse_in_location(layout: &str, value: &str, local: &Location) -> Result<GoTime, String> {
    let (alayout, avalue) = (layout, value);
    let err_elem = |layout_elem: &str, value_elem: &[u8]| {
        format!(
            "parsing time {} as {}: cannot parse {} as {}",
            quote(avalue),
            quote(alayout),
            quote(&String::from_utf8_lossy(value_elem)),
            quote(layout_elem)
        )
    };
    let err_msg = |msg: &str| format!("parsing time {}{msg}", quote(avalue));

    let mut layout = layout;
    let mut value = value.as_bytes();
    let (mut am, mut pm) = (false, false);
    let (mut year, mut month, mut day, mut yday) = (0i64, -1i64, -1i64, -1i64);
    let (mut hour, mut min, mut sec, mut nsec) = (0i64, 0i64, 0i64, 0i64);
    let mut z: Option<Location> = None;
    let mut zone_offset: Option<i64> = None;
    let mut zone_name = String::new();

    loop {
        let (prefix, std, suffix) = next_chunk(layout);
        let std_str = &layout[prefix.len()..layout.len() - suffix.len()];
        value = skip(value, prefix.as_bytes()).map_err(|_| err_elem(prefix, value))?;
        let Some(std) = std else {
            if !value.is_empty() {
                let rest = String::from_utf8_lossy(value);
                return Err(err_msg(&format!(": extra text: {}", quote(&rest))));
            }
            break;
        };
        layout = suffix;
        let hold = value;
        let mut range_err = "";
        let res: Result<(), Bad> = (|| {
            match std {
                Std::Year => {
                    let p = value.get(..2).ok_or(Bad)?;
                    value = &value[2..];
                    year = atoi(p)?;
                    year += if year >= 69 { 1900 } else { 2000 };
                }
                Std::LongYear => {
                    if value.len() < 4 || !is_digit(value, 0) {
                        return Err(Bad);
                    }
                    year = atoi(&value[..4])?;
                    value = &value[4..];
                }
                Std::Month | Std::LongMonth => {
                    let len = (std == Std::Month).then_some(3);
                    let (m, rest) = lookup_name(&LONG_MONTHS, len, value)?;
                    month = m + 1;
                    value = rest;
                }
                Std::NumMonth | Std::ZeroMonth => {
                    let (m, rest) = getnum(value, std == Std::ZeroMonth)?;
                    (month, value) = (m, rest);
                    if !(1..=12).contains(&month) {
                        range_err = "month";
                    }
                }
                Std::WeekDay | Std::LongWeekDay => {
                    let len = (std == Std::WeekDay).then_some(3);
                    value = lookup_name(&LONG_DAYS, len, value)?.1;
                }
                Std::Day | Std::UnderDay | Std::ZeroDay => {
                    if std == Std::UnderDay && value.first() == Some(&b' ') {
                        value = &value[1..];
                    }
                    (day, value) = getnum(value, std == Std::ZeroDay)?;
                }
                Std::UnderYearDay | Std::ZeroYearDay => {
                    for _ in 0..2 {
                        if std == Std::UnderYearDay && value.first() == Some(&b' ') {
                            value = &value[1..];
                        }
                    }
                    (yday, value) = getnum3(value, std == Std::ZeroYearDay)?;
                }
                Std::Hour => {
                    (hour, value) = getnum(value, false)?;
                    if !(0..24).contains(&hour) {
                        range_err = "hour";
                    }
                }
                Std::Hour12 | Std::ZeroHour12 => {
                    (hour, value) = getnum(value, std == Std::ZeroHour12)?;
                    if !(0..=12).contains(&hour) {
                        range_err = "hour";
                    }
                }
                Std::Minute | Std::ZeroMinute => {
                    (min, value) = getnum(value, std == Std::ZeroMinute)?;
                    if !(0..60).contains(&min) {
                        range_err = "minute";
                    }
                }
                Std::Second | Std::ZeroSecond => {
                    (sec, value) = getnum(value, std == Std::ZeroSecond)?;
                    if !(0..60).contains(&sec) {
                        range_err = "second";
                        return Ok(());
                    }
                    // A fractional second in the input that the layout does not mention.
                    if value.len() >= 2 && matches!(value[0], b'.' | b',') && is_digit(value, 1) {
                        let (_, next, _) = next_chunk(layout);
                        if matches!(next, Some(Std::Frac0(..) | Std::Frac9(..))) {
                            return Ok(());
                        }
                        let mut n = 2;
                        while is_digit(value, n) {
                            n += 1;
                        }
                        nsec = parse_nanos(value, n)?;
                        value = &value[n..];
                    }
                }
                Std::PM | Std::Pm => {
                    let p = value.get(..2).ok_or(Bad)?;
                    value = &value[2..];
                    let (upper_pm, upper_am) = if std == Std::PM {
                        (&b"PM"[..], &b"AM"[..])
                    } else {
                        (&b"pm"[..], &b"am"[..])
                    };
                    if p == upper_pm {
                        pm = true;
                    } else if p == upper_am {
                        am = true;
                    } else {
                        return Err(Bad);
                    }
                }
                Std::TZ => {
                    if value.starts_with(b"UTC") {
                        z = Some(Location::Utc);
                        value = &value[3..];
                        return Ok(());
                    }
                    let n = parse_time_zone(value).ok_or(Bad)?;
                    zone_name = String::from_utf8_lossy(&value[..n]).into_owned();
                    value = &value[n..];
                }
                Std::Frac0(n, _) => {
                    let ndigit = 1 + n;
                    if value.len() < ndigit {
                        return Err(Bad);
                    }
                    nsec = parse_nanos(value, ndigit)?;
                    value = &value[ndigit..];
                }
                Std::Frac9(..) => {
                    if value.len() < 2 || !matches!(value[0], b'.' | b',') || !is_digit(value, 1) {
                        return Ok(());
                    }
                    let mut i = 0;
                    while is_digit(value, i + 1) {
                        i += 1;
                    }
                    nsec = parse_nanos(value, 1 + i)?;
                    value = &value[1 + i..];
                }
                zone => {
                    let iso = matches!(
                        zone,
                        Std::Iso8601TZ
                            | Std::Iso8601ShortTZ
                            | Std::Iso8601ColonTZ
                            | Std::Iso8601SecondsTZ
                            | Std::Iso8601ColonSecondsTZ
                    );
                    if iso && value.first() == Some(&b'Z') {
                        value = &value[1..];
                        z = Some(Location::Utc);
                        return Ok(());
                    }
                    let (sign, hh, mm, ss, rest): (u8, &[u8], &[u8], &[u8], &[u8]) = match zone {
                        Std::Iso8601ColonTZ | Std::NumColonTZ => {
                            if value.len() < 6 || value[3] != b':' {
                                return Err(Bad);
                            }
                            (value[0], &value[1..3], &value[4..6], b"00", &value[6..])
                        }
                        Std::NumShortTZ | Std::Iso8601ShortTZ => {
                            if value.len() < 3 {
                                return Err(Bad);
                            }
                            (value[0], &value[1..3], b"00", b"00", &value[3..])
                        }
                        Std::Iso8601ColonSecondsTZ | Std::NumColonSecondsTZ => {
                            if value.len() < 9 || value[3] != b':' || value[6] != b':' {
                                return Err(Bad);
                            }
                            (
                                value[0],
                                &value[1..3],
                                &value[4..6],
                                &value[7..9],
                                &value[9..],
                            )
                        }
                        Std::Iso8601SecondsTZ | Std::NumSecondsTZ => {
                            if value.len() < 7 {
                                return Err(Bad);
                            }
                            (
                                value[0],
                                &value[1..3],
                                &value[3..5],
                                &value[5..7],
                                &value[7..],
                            )
                        }
                        _ => {
                            if value.len() < 5 {
                                return Err(Bad);
                            }
                            (value[0], &value[1..3], &value[3..5], b"00", &value[5..])
                        }
                    };
                    value = rest;
                    let hr = getnum(hh, true)?.0;
                    let mi = getnum(mm, true)?.0;
                    let se = getnum(ss, true)?.0;
                    if hr > 24 {
                        range_err = "time zone offset hour";
                    }
                    if mi > 60 {
                        range_err = "time zone offset minute";
                    }
                    if se > 60 {
                        range_err = "time zone offset second";
                    }
                    let off = (hr * 60 + mi) * 60 + se;
                    zone_offset = Some(match sign {
                        b'+' => off,
                        b'-' => -off,
                        _ => return Err(Bad),
                    });
                }
            }
            Ok(())
        })();
        if !range_err.is_empty() {
            return Err(err_msg(&format!(": {range_err} out of range")));
        }
        if res.is_err() {
            return Err(err_elem(std_str, hold));
        }
    }
    if pm && hour < 12 {
        hour += 12;
    } else if am && hour == 12 {
        hour = 0;
    }

    if yday >= 0 {
        let mut d = 0;
        let mut m = 0;
        if is_leap(year) {
            if yday == 31 + 29 {
                m = 2;
                d = 29;
            } else if yday > 31 + 29 {
                yday -= 1;
            }
        }
        if !(1..=365).contains(&yday) {
            return Err(err_msg(": day-of-year out of range"));
        }
        if m == 0 {
            m = (yday - 1) / 31 + 1;
            if days_before(m + 1) < yday {
                m += 1;
            }
            d = yday - days_before(m);
        }
        if month >= 0 && month != m {
            return Err(err_msg(": day-of-year does not match month"));
        }
        month = m;
        if day >= 0 && day != d {
            return Err(err_msg(": day-of-year does not match day"));
        }
        day = d;
    } else {
        if month < 0 {
            month = 1;
        }
        if day < 0 {
            day = 1;
        }
    }
    if day < 1 || day > days_in_month(month, year) {
        return Err(err_msg(": day out of range"));
    }

    if let Some(z) = z {
        return Ok(GoTime::date(year, month, day, hour, min, sec, nsec, z));
    }
    if let Some(off) = zone_offset {
        let utc = GoTime::date(year, month, day, hour, min, sec, nsec, Location::Utc);
        let unix = utc.unix.saturating_sub(off);
        let (name, local_off) = local.lookup(unix);
        let loc = if i64::from(local_off) == off && (zone_name.is_empty() || name == zone_name) {
            local.clone()
        } else {
            Location::Fixed {
                name: zone_name.as_str().into(),
                offset: off as i32,
            }
        };
        return Ok(GoTime { unix, loc, ..utc });
    }
    if !zone_name.is_empty() {
        let utc = GoTime::date(year, month, day, hour, min, sec, nsec, Location::Utc);
        let (name, local_off) = local.lookup(utc.unix);
        if name == zone_name.as_str() {
            return Ok(GoTime {
                unix: utc.unix.saturating_sub(i64::from(local_off)),
                loc: local.clone(),
                ..utc
            });
        }
        let mut offset = 0;
        if zone_name.len() > 3 && zone_name.starts_with("GMT") {
            offset = atoi(&zone_name.as_bytes()[3..]).unwrap_or(0) * 3600;
        }
        return Ok(GoTime {
            loc: Location::Fixed {
                name: zone_name.as_str().into(),
                offset: offset as i32,
            },
            ..utc
        });
    }
    Ok(GoTime::date(
        year,
        month,
        day,
        hour,
        min,
        sec,
        nsec,
        local.clone(),
    ))
}

/// Days before the first of `month` in a non-leap year (month 13 = 365).
fn days_before(month: i64) -> i64 {
    (1..month.clamp(1, 13))
        .map(|m| days_in_month(m, 2001))
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(layout: &str, value: &str) -> GoTime {
        parse_in_location(layout, value, &Location::Local).unwrap()
    }

    #[test]
    fn parses_offsets_and_errors() {
        let x = t("2006-01-02T15:04:05Z07:00", "2024-03-05T10:20:30+02:00");
        assert_eq!(x.to_go_string(), "2024-03-05 10:20:30 +0200 +0200");
        let err = parse_in_location("2006-01-02", "2023-02-29", &Location::Local).unwrap_err();
        assert_eq!(err, "parsing time \"2023-02-29\": day out of range");
        let err = parse_in_location("2006", "bad", &Location::Local).unwrap_err();
        assert_eq!(
            err,
            "parsing time \"bad\" as \"2006\": cannot parse \"bad\" as \"2006\""
        );
        let x = t("2006-01-02 15:04:05", "2024-03-05 07:08:09.5");
        assert_eq!(x.nsec, 500_000_000);
        let x = t("2006-01-02 MST", "2024-03-05 GMT+3");
        assert_eq!(x.to_go_string(), "2024-03-05 03:00:00 +0300 GMT+3");
        let x = t("2006 002", "2024 060");
        assert_eq!(x.to_go_string(), "2024-02-29 00:00:00 +0000 UTC");
        let err = parse_in_location("2006-01-02", "2024-01-01x", &Location::Local).unwrap_err();
        assert_eq!(err, "parsing time \"2024-01-01x\": extra text: \"x\"");
    }
}
