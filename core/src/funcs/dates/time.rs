//! Go's `time.Time` and `*time.Location` as Sprig's date functions use them.
//!
//! Helm runs with the process's local zone; the corpus (and our hosts) use UTC as
//! local time, so `Local` behaves as UTC but keeps its own identity, as in Go.

use std::borrow::Cow;
use std::rc::Rc;

use super::civil::{self, Civil};

/// Unix seconds of Go's zero time, 0001-01-01 00:00:00 UTC.
pub const ZERO_UNIX: i64 = -62_135_596_800;

/// A Go `*time.Location`.
#[derive(Clone, Debug)]
pub enum Location {
    Utc,
    /// `time.Local`: UTC in Helm's (and our) environment.
    Local,
    /// `time.FixedZone(name, offset)`, as parsing a numeric offset creates.
    Fixed {
        name: Rc<str>,
        offset: i32,
    },
    /// An IANA zone from the bundled database.
    Zone {
        name: Rc<str>,
        tz: jiff::tz::TimeZone,
    },
}

impl Location {
    /// Go's `time.LoadLocation`.
    pub fn load(name: &str) -> Option<Location> {
        match name {
            "" | "UTC" => return Some(Location::Utc),
            "Local" => return Some(Location::Local),
            _ => {}
        }
        // Go refuses names that could escape the zoneinfo directory.
        if name.contains("..") || name.starts_with('/') || name.contains('\\') {
            return None;
        }
        let tz = jiff::tz::TimeZoneDatabase::bundled().get(name).ok()?;
        // The bundled lookup ignores case; Go's zoneinfo files do not.
        if tz.iana_name() != Some(name) {
            return None;
        }
        Some(Location::Zone {
            name: Rc::from(name),
            tz,
        })
    }

    /// The zone abbreviation and offset (seconds east of UTC) in effect at `unix`.
    pub fn lookup(&self, unix: i64) -> (Cow<'_, str>, i32) {
        match self {
            Location::Utc | Location::Local => (Cow::Borrowed("UTC"), 0),
            Location::Fixed { name, offset } => (Cow::Borrowed(name), *offset),
            Location::Zone { tz, .. } => {
                let min = jiff::Timestamp::MIN.as_second();
                let max = jiff::Timestamp::MAX.as_second();
                let ts = jiff::Timestamp::from_second(unix.clamp(min, max))
                    .unwrap_or(jiff::Timestamp::UNIX_EPOCH);
                let info = tz.to_offset_info(ts);
                (
                    Cow::Owned(info.abbreviation().to_string()),
                    info.offset().seconds(),
                )
            }
        }
    }

    /// What `Location.String()` prints. Go names the local zone after `TZ` when it is set
    /// (Helm's environment and the corpus use `TZ=UTC`).
    pub fn name(&self) -> &str {
        match self {
            Location::Utc | Location::Local => "UTC",
            Location::Fixed { name, .. } | Location::Zone { name, .. } => name,
        }
    }
}

/// A Go `time.Time`: an instant with nanoseconds and a location.
#[derive(Clone, Debug)]
pub struct GoTime {
    pub unix: i64,
    pub nsec: u32,
    pub loc: Location,
    /// Whether Go would carry a monotonic clock reading (`time.Now()` and times derived
    /// by `Add`): `String()` then ends in `m=+…`.
    pub mono: bool,
}

impl GoTime {
    pub fn zero() -> GoTime {
        GoTime {
            unix: ZERO_UNIX,
            nsec: 0,
            loc: Location::Utc,
            mono: false,
        }
    }

    /// Go's `time.Unix(sec, 0)`: a local time.
    pub fn from_unix(unix: i64) -> GoTime {
        GoTime {
            unix,
            nsec: 0,
            loc: Location::Local,
            mono: false,
        }
    }

    /// Go's `time.Date(...)` in `loc`, with Go's two-step offset resolution around
    /// zone transitions.
    #[allow(clippy::too_many_arguments)]
    pub fn date(
        year: i64,
        month: i64,
        day: i64,
        hour: i64,
        minute: i64,
        second: i64,
        nsec: i64,
        loc: Location,
    ) -> GoTime {
        let (local, nsec) = civil::normalize(year, month, day, hour, minute, second, nsec);
        let (_, offset) = loc.lookup(local);
        let mut unix = local;
        if offset != 0 {
            let utc = local.saturating_sub(i64::from(offset));
            let (_, offset2) = loc.lookup(utc);
            unix = local.saturating_sub(i64::from(offset2));
        }
        GoTime {
            unix,
            nsec,
            loc,
            mono: false,
        }
    }

    pub fn offset(&self) -> i32 {
        self.loc.lookup(self.unix).1
    }

    /// Broken-down time in this time's location.
    pub fn civil(&self) -> Civil {
        Civil::from_local_secs(self.unix.saturating_add(i64::from(self.offset())))
    }

    pub fn in_loc(&self, loc: Location) -> GoTime {
        GoTime {
            loc,
            mono: false,
            ..self.clone()
        }
    }

    pub fn is_zero(&self) -> bool {
        self.unix == ZERO_UNIX && self.nsec == 0
    }

    /// Go's `t.Add(d)` (nanoseconds), saturating at the ends of the range.
    pub fn add_nanos(&self, d: i64) -> GoTime {
        let total = i128::from(self.nsec) + i128::from(d);
        let secs = i128::from(self.unix) + total.div_euclid(1_000_000_000);
        GoTime {
            unix: secs.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64,
            nsec: total.rem_euclid(1_000_000_000) as u32,
            ..self.clone()
        }
    }

    /// Nanoseconds from `other` to `self`, saturating like Go's `Sub`.
    pub fn sub_nanos(&self, other: &GoTime) -> i64 {
        let d = (i128::from(self.unix) - i128::from(other.unix)) * 1_000_000_000
            + i128::from(self.nsec)
            - i128::from(other.nsec);
        d.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64
    }

    /// Go's `t.Round(d)` (`up_half`) or `t.Truncate(d)`: rounding of the time since the
    /// zero time, which drops the monotonic reading.
    pub fn round(&self, d: i64, up_half: bool) -> GoTime {
        let mut r = GoTime {
            mono: false,
            ..self.clone()
        };
        if d <= 0 {
            return r;
        }
        let since_zero =
            (i128::from(self.unix) - i128::from(ZERO_UNIX)) * 1_000_000_000 + i128::from(self.nsec);
        let d = i128::from(d);
        let rem = since_zero.rem_euclid(d);
        let mut target = since_zero - rem;
        if up_half && rem + rem >= d {
            target += d;
        }
        let secs = target.div_euclid(1_000_000_000) + i128::from(ZERO_UNIX);
        r.unix = secs.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64;
        r.nsec = target.rem_euclid(1_000_000_000) as u32;
        r
    }

    /// Go's `t.AddDate(years, months, days)`.
    pub fn add_date(&self, years: i64, months: i64, days: i64) -> GoTime {
        let c = self.civil();
        GoTime::date(
            c.year.saturating_add(years),
            c.month.saturating_add(months),
            c.day.saturating_add(days),
            c.hour,
            c.minute,
            c.second,
            i64::from(self.nsec),
            self.loc.clone(),
        )
    }

    /// Go's `Time.String()`.
    pub fn to_go_string(&self) -> String {
        let mut s = super::layout::format(self, "2006-01-02 15:04:05.999999999 -0700 MST");
        if self.mono {
            // The reading is relative to process start, which a pure core cannot know;
            // keep the shape Go prints.
            s.push_str(&format!(" m=+0.{:09}", self.nsec));
        }
        s
    }
}
