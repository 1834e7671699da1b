//! Durations written as `5m`, `90s`, `1h30m`.

use std::{fmt, time::Duration};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::unit_text::UnitText;

/// The longest duration accepted anywhere (a start timeout, a Compose deadline).
pub const MAX_DURATION: Duration = Duration::from_secs(24 * 3600);

/// A duration written in the schema as `5m`, `90s`, `1h30m` or `500ms`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Timeout(pub Duration);

impl Timeout {
    /// Parses one or more `<number><unit>` parts, units `ms`, `s`, `m`, `h`, adding up to
    /// at most [`MAX_DURATION`] (checked arithmetic: no input overflows).
    pub fn parse(text: &str) -> Result<Self, String> {
        let hint = "write it as `30s`, `5m` or `1h30m`";
        let mut rest = text.trim();
        if rest.is_empty() {
            return Err(format!("the duration is empty; {hint}"));
        }
        let mut total = Duration::ZERO;
        while !rest.is_empty() {
            let digits = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
            if digits == 0 {
                return Err(format!("`{text}` is not a duration; {hint}"));
            }
            let too_long = || format!("`{text}` is longer than the 24h allowed; {hint}");
            let value: u64 = rest[..digits].parse().map_err(|_| too_long())?;
            rest = &rest[digits..];
            let unit_len = rest.find(|c: char| c.is_ascii_digit()).unwrap_or(rest.len());
            let millis_per_unit: u64 = match &rest[..unit_len] {
                "ms" => 1,
                "s" => 1_000,
                "m" => 60_000,
                "h" => 3_600_000,
                "" => return Err(format!("`{text}` has no unit; {hint}")),
                unit => return Err(format!("`{unit}` in `{text}` is not a duration unit (ms, s, m, h); {hint}")),
            };
            let part = value.checked_mul(millis_per_unit).map(Duration::from_millis).ok_or_else(too_long)?;
            total = total.checked_add(part).filter(|t| *t <= MAX_DURATION).ok_or_else(too_long)?;
            rest = &rest[unit_len..];
        }
        if total.is_zero() {
            return Err(format!("`{text}` must be longer than zero"));
        }
        Ok(Self(total))
    }
}

impl fmt::Display for Timeout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let secs = self.0.as_secs();
        if self.0.subsec_millis() != 0 || secs == 0 {
            return write!(f, "{}ms", self.0.as_millis());
        }
        let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
        if h > 0 {
            write!(f, "{h}h")?;
        }
        if m > 0 {
            write!(f, "{m}m")?;
        }
        if s > 0 {
            write!(f, "{s}s")?;
        }
        Ok(())
    }
}

impl<'de> Deserialize<'de> for Timeout {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        UnitText { expecting: "a duration such as `5m` or `90s`", parse: Timeout::parse, suggest: |n| format!("`{n}s` or `{n}m`") }
            .deserialize(deserializer)
    }
}

impl Serialize for Timeout {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u64(self.0.as_secs())
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::Timeout;

    #[test]
    fn parses_compound_durations() {
        assert_eq!(Timeout::parse("5m"), Ok(Timeout(Duration::from_secs(300))));
        assert_eq!(Timeout::parse("1h30m"), Ok(Timeout(Duration::from_secs(5400))));
        assert_eq!(Timeout::parse("500ms"), Ok(Timeout(Duration::from_millis(500))));
    }

    #[test]
    fn refuses_bad_durations() {
        assert!(Timeout::parse("5").unwrap_err().contains("no unit"));
        assert!(Timeout::parse("5 minutes").unwrap_err().contains("not a duration unit"));
        assert!(Timeout::parse("m5").unwrap_err().contains("not a duration"));
        assert!(Timeout::parse("0s").unwrap_err().contains("longer than zero"));
    }

    #[test]
    fn huge_durations_are_refused_not_overflowed() {
        for text in ["18446744073709551615s1s", "307445734561825861m", "18446744073709551615s", "25h", "24h1ms", "99999999999999999999999h"] {
            assert!(Timeout::parse(text).unwrap_err().contains("24h"), "{text}");
        }
        assert_eq!(Timeout::parse("24h"), Ok(Timeout(Duration::from_secs(86_400))));
    }

    #[test]
    fn displays_compactly() {
        assert_eq!(Timeout(Duration::from_secs(5400)).to_string(), "1h30m");
        assert_eq!(Timeout(Duration::from_secs(90)).to_string(), "1m30s");
    }
}
