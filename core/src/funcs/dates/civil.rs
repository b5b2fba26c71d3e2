//! Proleptic Gregorian calendar arithmetic on Unix seconds, over Go's full `time.Time`
//! range (no library limits: Go happily prints year 0001 or 292277026596).

/// Days from 1970-01-01 to the given civil date (month 1..=12).
pub fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date (year, month 1..=12, day 1..=31) of a day count from 1970-01-01.
pub fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

pub fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

pub fn days_in_month(month: i64, year: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Day of the week, 0 = Sunday.
pub fn weekday(days: i64) -> i64 {
    (days + 4).rem_euclid(7)
}

/// Broken-down local time of `local_secs` (Unix seconds shifted by the zone offset).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Civil {
    pub year: i64,
    pub month: i64,
    pub day: i64,
    pub hour: i64,
    pub minute: i64,
    pub second: i64,
    /// Day of the year, 1..=366.
    pub yday: i64,
    /// 0 = Sunday.
    pub weekday: i64,
}

impl Civil {
    pub fn from_local_secs(local_secs: i64) -> Civil {
        let days = local_secs.div_euclid(86_400);
        let secs = local_secs.rem_euclid(86_400);
        let (year, month, day) = civil_from_days(days);
        Civil {
            year,
            month,
            day,
            hour: secs / 3600,
            minute: secs / 60 % 60,
            second: secs % 60,
            yday: days - days_from_civil(year, 1, 1) + 1,
            weekday: weekday(days),
        }
    }
}

/// Go's `time.Date` arithmetic: every field may overflow into the next (month 13 is
/// January of the next year, day 0 the last day of the previous month...). Returns
/// local seconds and nanoseconds, saturating instead of wrapping.
pub fn normalize(
    year: i64,
    month: i64,
    day: i64,
    hour: i64,
    minute: i64,
    second: i64,
    nsec: i64,
) -> (i64, u32) {
    let m0 = i128::from(month) - 1;
    let year = i128::from(year) + m0.div_euclid(12);
    let month = m0.rem_euclid(12) + 1;
    let year = clamp_i64(year).clamp(-292_277_026_596, 292_277_026_596);
    let days = i128::from(days_from_civil(year, month as i64, 1)) + i128::from(day) - 1;
    let total_nsec = i128::from(nsec);
    let secs = days * 86_400
        + i128::from(hour) * 3600
        + i128::from(minute) * 60
        + i128::from(second)
        + total_nsec.div_euclid(1_000_000_000);
    let nsec = total_nsec.rem_euclid(1_000_000_000) as u32;
    (clamp_i64(secs), nsec)
}

fn clamp_i64(v: i128) -> i64 {
    v.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        for days in [-719_162, -1, 0, 1, 19_787, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(days_from_civil(1, 1, 1), -719_162);
        let c = Civil::from_local_secs(1_709_622_489);
        assert_eq!(
            (c.year, c.month, c.day, c.hour, c.yday, c.weekday),
            (2024, 3, 5, 7, 65, 2)
        );
    }

    #[test]
    fn normalizes_like_go_date() {
        // 2024-01-31 plus one month is March 2nd.
        let (s, _) = normalize(2024, 2, 31, 0, 0, 0, 0);
        let c = Civil::from_local_secs(s);
        assert_eq!((c.year, c.month, c.day), (2024, 3, 2));
    }
}
