//! The names-only record of which secrets exist and when they were made or rotated.
//! It never holds a value: the values live in the keychain only.

use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
    time::{SystemTime, UNIX_EPOCH},
};

use serde::{Deserialize, Serialize};

use super::SecretsError;

/// When a secret was made and last rotated (seconds since the Unix epoch).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Times {
    /// First stored.
    pub created: u64,
    /// Last replaced by a new value.
    pub rotated: Option<u64>,
}

/// Names and times, keyed by `<scope>/<NAME>` where scope is an environment or `shared`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Manifest {
    /// Entries.
    pub secrets: BTreeMap<String, Times>,
}

/// Now, in seconds since the Unix epoch.
pub fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

/// `YYYY-MM-DD HH:MM UTC` for a Unix time.
pub fn format_time(secs: u64) -> String {
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
    format!("{year:04}-{month:02}-{day:02} {:02}:{:02} UTC", rem / 3600, rem % 3600 / 60)
}

impl Manifest {
    /// Reads the manifest; a missing file is an empty manifest.
    pub fn load(path: &Path) -> Result<Self, SecretsError> {
        match std::fs::read_to_string(path) {
            Ok(text) => serde_json::from_str(&text).map_err(|e| SecretsError::Manifest {
                path: path.to_owned(),
                detail: format!("not valid JSON: {e}"),
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Self::default()),
            Err(e) => Err(SecretsError::Manifest { path: path.to_owned(), detail: e.to_string() }),
        }
    }

    /// Writes the manifest atomically.
    pub fn save(&self, path: &Path) -> Result<(), SecretsError> {
        let fail = |e: std::io::Error| SecretsError::Manifest { path: path.to_owned(), detail: e.to_string() };
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(fail)?;
        }
        let text = serde_json::to_string_pretty(self).map_err(|e| SecretsError::Manifest { path: path.to_owned(), detail: e.to_string() })?;
        let temp: PathBuf = path.with_extension(format!("tmp{}", std::process::id()));
        std::fs::write(&temp, text).map_err(fail)?;
        std::fs::rename(&temp, path).map_err(fail)
    }
}

#[cfg(test)]
mod tests {
    use super::format_time;

    #[test]
    fn formats_unix_times() {
        assert_eq!(format_time(0), "1970-01-01 00:00 UTC");
        assert_eq!(format_time(1_795_710_840), "2026-11-26 16:34 UTC");
    }
}
