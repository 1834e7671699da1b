//! Wall-clock helpers shared by the secrets manifest, the environment locks and the start.

use std::time::{SystemTime, UNIX_EPOCH};

/// Now, in seconds since the Unix epoch.
pub fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

/// Now, in nanoseconds since the Unix epoch (the engine's event times are in these).
pub fn now_ns() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_nanos() as i64).unwrap_or(0)
}

/// `YYYY-MM-DD HH:MM UTC` for a Unix time.
pub fn format_time(secs: u64) -> String {
    let (date, rem) = civil(secs);
    format!("{date} {:02}:{:02} UTC", rem / 3600, rem % 3600 / 60)
}

/// `YYYY-MM-DDTHH:MM:SSZ` (RFC 3339, UTC) for a Unix time: a log line's time.
pub fn format_timestamp(secs: u64) -> String {
    let (date, rem) = civil(secs);
    format!("{date}T{:02}:{:02}:{:02}Z", rem / 3600, rem % 3600 / 60, rem % 60)
}

/// The `YYYY-MM-DD` of a Unix time, and the seconds since that day began.
fn civil(secs: u64) -> (String, u64) {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Civil-from-days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (format!("{year:04}-{month:02}-{day:02}"), rem)
}

/// Seconds since the epoch of a UTC time written `YYYY-MM-DDTHH:MM:SS…` (what follows the
/// seconds, a fraction or `Z`, is ignored); the inverse of [`format_time`]'s calendar.
pub fn epoch_seconds(utc: &str) -> Option<i32> {
    let number = |range: std::ops::Range<usize>| utc.get(range)?.parse::<i64>().ok();
    let (y, m, d) = (number(0..4)?, number(5..7)?, number(8..10)?);
    let (hh, mm, ss) = (number(11..13)?, number(14..16)?, number(17..19)?);
    // Days from civil (Howard Hinnant's algorithm).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    i32::try_from(days * 86_400 + hh * 3600 + mm * 60 + ss).ok()
}

#[cfg(test)]
mod tests {
    use super::{epoch_seconds, format_time, format_timestamp};

    #[test]
    fn formats_unix_times() {
        assert_eq!(format_time(0), "1970-01-01 00:00 UTC");
        assert_eq!(format_time(1_795_710_840), "2026-11-26 16:34 UTC");
        assert_eq!(format_timestamp(1_795_710_857), "2026-11-26T16:34:17Z");
        assert_eq!(epoch_seconds(&format_timestamp(1_795_710_857)), Some(1_795_710_857));
    }
}
