//! Deserializing values written as text with a unit (`8GiB`, `5m`), refusing bare numbers.

use std::fmt;

use serde::{de, Deserializer};

/// How one unit-bearing type reads itself.
pub(super) struct UnitText<T> {
    /// What the error says was expected.
    pub expecting: &'static str,
    /// Parses the text.
    pub parse: fn(&str) -> Result<T, String>,
    /// Example units for a bare number `n`, e.g. "`8GiB` or `8MB`".
    pub suggest: fn(i128) -> String,
}

impl<T> UnitText<T> {
    /// Reads a `T` from a YAML scalar.
    pub fn deserialize<'de, D: Deserializer<'de>>(self, deserializer: D) -> Result<T, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn bare<E: de::Error>(&self, value: i128) -> Result<T, E> {
        Err(E::custom(format!("`{value}` has no unit; write it as {}", (self.suggest)(value))))
    }
}

impl<T> de::Visitor<'_> for UnitText<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(self.expecting)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        (self.parse)(v).map_err(E::custom)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<T, E> {
        self.bare(i128::from(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<T, E> {
        self.bare(i128::from(v))
    }
}
