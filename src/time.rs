//! Wall-clock time as reports show it: 24-hour `HH:MM:SS` in the reader's zone (or UTC),
//! and the banner's date.

use chrono::{DateTime, Local, Utc};

/// Which zone times are shown in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Zone {
    /// The reader's local zone (`TZ`), as sar.
    #[default]
    Local,
    Utc,
}

fn utc(ns: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_nanos(ns)
}

/// `HH:MM:SS` of a sample time (UTC nanoseconds).
pub fn clock_label(ns: i64, zone: Zone) -> String {
    match zone {
        Zone::Local => utc(ns).with_timezone(&Local).format("%H:%M:%S").to_string(),
        Zone::Utc => utc(ns).format("%H:%M:%S").to_string(),
    }
}

/// The banner's date: `MM/DD/YY` as sar prints it in the C locale, or `YYYY-MM-DD` when
/// `S_TIME_FORMAT=ISO` is set (sar's own switch).
pub fn banner_date(ns: i64, zone: Zone) -> String {
    let iso = std::env::var("S_TIME_FORMAT").is_ok_and(|v| v == "ISO");
    let fmt = if iso { "%Y-%m-%d" } else { "%m/%d/%y" };
    match zone {
        Zone::Local => utc(ns).with_timezone(&Local).format(fmt).to_string(),
        Zone::Utc => utc(ns).format(fmt).to_string(),
    }
}
