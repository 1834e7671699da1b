//! The names-only record of which secrets exist and when they were made or rotated.
//! It never holds a value: the values live in the keychain only.

use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
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
