//! Byte sizes written as `8GiB`, `512MB`, `20 GB`.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::unit_text::UnitText;

/// A number of bytes, written in the schema with a unit (`8GiB`, `512MB`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct ByteSize(pub u64);

const UNITS: &[(&str, u64)] = &[
    ("TiB", 1 << 40),
    ("GiB", 1 << 30),
    ("MiB", 1 << 20),
    ("KiB", 1 << 10),
    ("TB", 1_000_000_000_000),
    ("GB", 1_000_000_000),
    ("MB", 1_000_000),
    ("KB", 1_000),
    ("kB", 1_000),
    ("B", 1),
];

impl ByteSize {
    /// Parses `8GiB`, `512MB`, `1.5 GB`; a unit is required.
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let split = text
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .ok_or_else(|| format!("`{text}` has no unit; write it as `8GiB`, `512MB` or `20GB`"))?;
        let (number, unit) = text.split_at(split);
        let unit = unit.trim_start();
        let multiplier = UNITS
            .iter()
            .find(|(name, _)| *name == unit)
            .map(|(_, m)| *m)
            .ok_or_else(|| {
                format!("`{unit}` in `{text}` is not a size unit; use B, KB, MB, GB, TB or KiB, MiB, GiB, TiB")
            })?;
        let value: f64 = number
            .parse()
            .map_err(|_| format!("`{text}` does not start with a number; write it as `8GiB`"))?;
        if !value.is_finite() || value <= 0.0 {
            return Err(format!("`{text}` must be greater than zero"));
        }
        let bytes = value * multiplier as f64;
        if bytes > u64::MAX as f64 {
            return Err(format!("`{text}` is too large"));
        }
        Ok(Self(bytes.round() as u64))
    }

    /// The size in gibibytes, for display.
    pub fn gib(self) -> f64 {
        self.0 as f64 / (1u64 << 30) as f64
    }
}

impl fmt::Display for ByteSize {
    /// Whole decimal units when exact (`8GB`), else binary units (`1.5GiB`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let bytes = self.0;
        for (name, multiplier) in [("TB", 1_000_000_000_000u64), ("GB", 1_000_000_000), ("MB", 1_000_000)] {
            if bytes >= multiplier && bytes % multiplier == 0 {
                return write!(f, "{}{name}", bytes / multiplier);
            }
        }
        for (name, multiplier) in [("GiB", 1u64 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)] {
            if bytes >= multiplier {
                let value = bytes as f64 / multiplier as f64;
                return if bytes % multiplier == 0 {
                    write!(f, "{}{name}", bytes / multiplier)
                } else {
                    write!(f, "{value:.1}{name}")
                };
            }
        }
        write!(f, "{bytes}B")
    }
}

impl<'de> Deserialize<'de> for ByteSize {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        UnitText { expecting: "a size with a unit such as `8GiB` or `512MB`", parse: ByteSize::parse, suggest: |n| format!("`{n}GiB` or `{n}MB`") }
            .deserialize(deserializer)
    }
}

impl Serialize for ByteSize {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u64(self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::ByteSize;

    #[test]
    fn parses_binary_and_decimal_units() {
        assert_eq!(ByteSize::parse("8GiB"), Ok(ByteSize(8 << 30)));
        assert_eq!(ByteSize::parse("512MB"), Ok(ByteSize(512_000_000)));
        assert_eq!(ByteSize::parse("20 GB"), Ok(ByteSize(20_000_000_000)));
        assert_eq!(ByteSize::parse("1.5GiB"), Ok(ByteSize(3 << 29)));
    }

    #[test]
    fn refuses_missing_or_unknown_units() {
        assert!(ByteSize::parse("8").unwrap_err().contains("no unit"));
        assert!(ByteSize::parse("8 gigs").unwrap_err().contains("not a size unit"));
        assert!(ByteSize::parse("GiB").unwrap_err().contains("number"));
        assert!(ByteSize::parse("0GiB").unwrap_err().contains("greater than zero"));
    }

    #[test]
    fn displays_in_the_largest_whole_unit() {
        assert_eq!(ByteSize(8 << 30).to_string(), "8GiB");
        assert_eq!(ByteSize(3 << 29).to_string(), "1.5GiB");
        assert_eq!(ByteSize(512).to_string(), "512B");
        assert_eq!(ByteSize(20_000_000_000).to_string(), "20GB");
    }
}
