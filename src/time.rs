//! Wall-clock time as reports show it: 24-hour `HH:MM:SS` in the reader's zone (or UTC,
//! or the fixed offset of the machine that recorded a file), and the banner's date.

use chrono::{DateTime, FixedOffset, Local, Utc};

/// Which zone times are shown in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Zone {
    /// The reader's local zone (`TZ`), as sar.
    #[default]
    Local,
    Utc,
    /// A fixed offset, seconds east of UTC: the zone of the machine that recorded a file,
    /// as sar's `-t` shows its times.
    Fixed(i32),
}

impl Zone {
    /// The offset from UTC in force at `ns`, in seconds east.
    pub fn offset_at(self, ns: i64) -> i32 {
        use chrono::Offset;
        match self {
            Zone::Local => utc(ns)
                .with_timezone(&Local)
                .offset()
                .fix()
                .local_minus_utc(),
            Zone::Utc => 0,
            Zone::Fixed(s) => s,
        }
    }

    /// `ns` as a date and time in this zone.
    pub fn at(self, ns: i64) -> DateTime<FixedOffset> {
        use chrono::Offset;
        // An offset of a day or more is no zone's (a damaged header): shown as UTC.
        let offset = FixedOffset::east_opt(self.offset_at(ns)).unwrap_or(Utc.fix());
        utc(ns).with_timezone(&offset)
    }
}

fn utc(ns: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_nanos(ns)
}

/// `HH:MM:SS` of a sample time (UTC nanoseconds).
pub fn clock_label(ns: i64, zone: Zone) -> String {
    let hms = clock_hms(ns, zone);
    String::from_utf8_lossy(&hms).into_owned()
}

/// `HH:MM:SS` of a sample time as bytes: `clock_label` without an allocation or a trip
/// through `strftime` (a day of 1-s samples labels every interval). The zone's offset
/// at `ns` comes from chrono, the digits from the local seconds of the day.
pub fn clock_hms(ns: i64, zone: Zone) -> [u8; 8] {
    let secs = ns.div_euclid(1_000_000_000) + i64::from(zone.offset_at(ns));
    let day = secs.rem_euclid(86_400);
    let (h, m, s) = (day / 3600, day / 60 % 60, day % 60);
    let d = |v: i64| [b'0' + (v / 10) as u8, b'0' + (v % 10) as u8];
    let [h0, h1] = d(h);
    let [m0, m1] = d(m);
    let [s0, s1] = d(s);
    [h0, h1, b':', m0, m1, b':', s0, s1]
}

/// The banner's date: `MM/DD/YY` as sar prints it in the C locale, or `YYYY-MM-DD` when
/// `S_TIME_FORMAT=ISO` is set (sar's own switch).
pub fn banner_date(ns: i64, zone: Zone) -> String {
    let iso = std::env::var("S_TIME_FORMAT").is_ok_and(|v| v == "ISO");
    let fmt = if iso { "%Y-%m-%d" } else { "%m/%d/%y" };
    zone.at(ns).format(fmt).to_string()
}

/// A time of day as `-s`/`-e` take it: `HH:MM` or `HH:MM:SS`.
pub fn parse_clock(s: &str) -> Result<chrono::NaiveTime, String> {
    chrono::NaiveTime::parse_from_str(s, "%H:%M:%S")
        .or_else(|_| chrono::NaiveTime::parse_from_str(s, "%H:%M"))
        .map_err(|_| format!("{s:?} is not a time of day (HH:MM or HH:MM:SS)"))
}

/// A local date and time as UTC nanoseconds (the earlier one when the clock is set back,
/// the first valid one after a gap when it is set forward).
pub fn local_ns(date: chrono::NaiveDate, time: chrono::NaiveTime) -> i64 {
    use chrono::TimeZone;
    let naive = date.and_time(time);
    let t = match Local.from_local_datetime(&naive) {
        chrono::LocalResult::Single(t) => t,
        chrono::LocalResult::Ambiguous(a, _) => a,
        chrono::LocalResult::None => {
            // In a spring-forward gap: the first minute after it.
            let mut probe = naive;
            loop {
                probe += chrono::Duration::minutes(1);
                if let Some(t) = Local.from_local_datetime(&probe).earliest() {
                    break t;
                }
            }
        }
    };
    t.timestamp_nanos_opt().unwrap_or(i64::MAX)
}

/// The local date of a time.
pub fn local_date(ns: i64) -> chrono::NaiveDate {
    utc(ns).with_timezone(&Local).date_naive()
}

/// The local calendar date of a time and the UTC offset in force then, in seconds (what a
/// day file's header records).
pub fn local_day(ns: i64) -> (chrono::NaiveDate, i32) {
    use chrono::Offset;
    let t = utc(ns).with_timezone(&Local);
    (t.date_naive(), t.offset().fix().local_minus_utc())
}

/// A point in time as `--since`/`--until` take it, relative to `now_ns`:
/// `HH:MM[:SS]` (today), `YYYY-MM-DD`, `YYYY-MM-DD HH:MM[:SS]` or ISO 8601 with `T` and an
/// optional zone (`Z`, `+01:00`), `@EPOCH` or an epoch in seconds, `now`, `today [HH:MM]`,
/// `yesterday [HH:MM]`, and `N{s,m,h,d,w} ago` or `N{s,m,h,d,w}` alone (also `min`,
/// `hours`, `days`, `weeks`, …): that long before now.
pub fn parse_when(s: &str, now_ns: i64) -> Result<i64, String> {
    let t = s.trim();
    let bad = || {
        format!(
            "{s:?} is not a time: use 30d, HH:MM, 2026-11-21 14:00, 2026-11-21T14:00:00Z, @EPOCH, \
             '2h ago' or 'yesterday 14:00'"
        )
    };
    let today = local_date(now_ns);
    if t == "now" {
        return Ok(now_ns);
    }
    if let Ok(clock) = parse_clock(t) {
        return Ok(local_ns(today, clock));
    }
    for (word, days) in [("today", 0), ("yesterday", 1)] {
        if let Some(rest) = t.strip_prefix(word) {
            let date = today - chrono::Duration::days(days);
            let rest = rest.trim();
            let clock = if rest.is_empty() {
                chrono::NaiveTime::MIN
            } else {
                parse_clock(rest).map_err(|_| bad())?
            };
            return Ok(local_ns(date, clock));
        }
    }
    // `2h ago`, or `2h` alone: that long before now.
    if let Some(back) = span_secs(t.strip_suffix("ago").unwrap_or(t)) {
        return back
            .checked_mul(1_000_000_000)
            .and_then(|d| now_ns.checked_sub(d))
            .ok_or_else(bad);
    }
    if t.ends_with("ago") {
        return Err(bad());
    }
    let epoch = t.strip_prefix('@').unwrap_or(t);
    if epoch.len() >= 9 && epoch.bytes().all(|b| b.is_ascii_digit()) {
        let secs: i64 = epoch.parse().map_err(|_| bad())?;
        return secs.checked_mul(1_000_000_000).ok_or_else(bad);
    }
    if let Ok(dt) = chrono::DateTime::parse_from_rfc3339(t) {
        return dt.timestamp_nanos_opt().ok_or_else(bad);
    }
    for f in [
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(naive) = chrono::NaiveDateTime::parse_from_str(t, f) {
            return Ok(local_ns(naive.date(), naive.time()));
        }
    }
    if let Ok(date) = chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        return Ok(local_ns(date, chrono::NaiveTime::MIN));
    }
    Err(bad())
}

/// A length of time as `--since` takes it before now: a whole number and a unit, `30d`,
/// `12h`, `2w`, `90m`, `45s` (also `30 days`, `90 min`, `2 weeks`); `None` for anything
/// else (a bare number is an epoch or nothing, never a length).
fn span_secs(s: &str) -> Option<i64> {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit())?;
    let (n, unit) = s.split_at(split);
    let n: i64 = n.parse().ok()?;
    let unit_s = match unit.trim() {
        "s" | "sec" | "secs" | "second" | "seconds" => 1,
        "m" | "min" | "mins" | "minute" | "minutes" => 60,
        "h" | "hour" | "hours" => 3600,
        "d" | "day" | "days" => 86_400,
        "w" | "week" | "weeks" => 7 * 86_400,
        _ => return None,
    };
    n.checked_mul(unit_s)
}

/// The shortest and longest sampling interval, in seconds: below a hundredth of a second
/// the kernel's tick-based counters (uptime in centiseconds) cannot tell two samples apart.
pub const INTERVAL_RANGE: std::ops::RangeInclusive<f64> = 0.01..=86_400.0;

/// An INTERVAL as rsar and rsadc take it (seconds, fractions allowed), or the one message
/// both give.
pub fn parse_interval(s: &str) -> Result<f64, String> {
    s.trim()
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite() && INTERVAL_RANGE.contains(v))
        .ok_or_else(|| format!("INTERVAL must be between 0.01 and 86400 seconds, not {s}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: i64 = 1_000_000_000;

    #[test]
    fn clock_labels_are_strftimes() {
        // Whatever the process's TZ (DST changes included, for a zone that has them).
        let mut ns = -3 * 86_400 * S - 1;
        while ns < 1_800_000_000 * S {
            for zone in [
                Zone::Local,
                Zone::Utc,
                Zone::Fixed(5 * 3600 + 1800),
                Zone::Fixed(-(3 * 3600 + 1800)),
            ] {
                let t = utc(ns);
                let want = match zone {
                    Zone::Local => t.with_timezone(&Local).format("%H:%M:%S").to_string(),
                    Zone::Utc => t.format("%H:%M:%S").to_string(),
                    Zone::Fixed(s) => t
                        .with_timezone(&FixedOffset::east_opt(s).unwrap())
                        .format("%H:%M:%S")
                        .to_string(),
                };
                assert_eq!(clock_label(ns, zone), want, "{ns} {zone:?}");
            }
            ns += 1_234_567 * S + 987_654_321;
        }
    }

    #[test]
    fn when_forms() {
        // Tests run with the process's TZ; pin the forms that do not depend on it.
        let now = 1_763_769_600 * S; // 2025-11-22T00:00:00Z
        assert_eq!(parse_when("now", now), Ok(now));
        assert_eq!(parse_when("2h ago", now), Ok(now - 7200 * S));
        assert_eq!(parse_when("90 min ago", now), Ok(now - 5400 * S));
        assert_eq!(parse_when("3 days ago", now), Ok(now - 3 * 86_400 * S));
        assert_eq!(parse_when("@1763700000", now), Ok(1_763_700_000 * S));
        assert_eq!(parse_when("1763700000", now), Ok(1_763_700_000 * S));
        assert_eq!(
            parse_when("2025-11-21T14:00:00Z", now),
            Ok(1_763_733_600 * S)
        );
        assert_eq!(
            parse_when("2025-11-21T15:00:00+01:00", now),
            Ok(1_763_733_600 * S)
        );
        let y = parse_when("yesterday 14:00", now).unwrap();
        let t = parse_when("today 14:00", now).unwrap();
        assert_eq!(t - y, 86_400 * S);
        assert_eq!(parse_when("14:00", now), Ok(t));
        // A length alone is that long ago, as `rsar --since 30d` is typed.
        assert_eq!(parse_when("30d", now), Ok(now - 30 * 86_400 * S));
        assert_eq!(parse_when("12h", now), Ok(now - 12 * 3600 * S));
        assert_eq!(parse_when("2w", now), Ok(now - 14 * 86_400 * S));
        assert_eq!(parse_when("2 weeks ago", now), Ok(now - 14 * 86_400 * S));
        assert_eq!(parse_when("90m", now), Ok(now - 5400 * S));
        assert_eq!(parse_when("45 s", now), Ok(now - 45 * S));
        for bad in [
            "",
            "soon",
            "2",
            "2y",
            "h",
            "x ago",
            "ago",
            "25:00",
            "2025-13-01",
            "-3d",
            "99999999999999999999d",
        ] {
            assert!(parse_when(bad, now).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn clocks() {
        assert!(parse_clock("09:00").is_ok());
        assert!(parse_clock("09:00:30").is_ok());
        assert!(parse_clock("9h").is_err());
    }
}
