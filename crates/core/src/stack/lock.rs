//! One operation at a time per environment, across the CLI and the desktop app: an OS
//! file lock (released by the OS if the holder dies), with who holds it written inside.

use std::{
    fs::{File, OpenOptions, TryLockError},
    io::{Read, Seek, Write},
    path::PathBuf,
};

use serde::{Deserialize, Serialize};

use crate::{secrets::manifest::{format_time, now}, Diagnostic};

/// Who holds an environment's lock.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Holder {
    /// Process id.
    pub pid: u32,
    /// What it is doing, e.g. `starting`.
    pub operation: String,
    /// Since when (Unix seconds).
    pub since: u64,
}

/// Why the lock could not be taken.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// Another operation runs.
    #[error("{project} is already {} (pid {}, since {})", holder.operation, holder.pid, format_time(holder.since))]
    Busy {
        /// Compose project.
        project: String,
        /// Who holds it.
        holder: Holder,
    },
    /// The lock file could not be used.
    #[error("cannot use the lock file {}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The error.
        #[source]
        source: std::io::Error,
    },
}

impl Diagnostic for LockError {
    fn code(&self) -> &'static str {
        match self {
            Self::Busy { .. } => "OperationInProgress",
            Self::Io { .. } => "LockUnavailable",
        }
    }

    fn hint(&self) -> Option<String> {
        match self {
            Self::Busy { holder, .. } => Some(format!(
                "wait for it to finish, or stop it (Ctrl-C in its terminal, or `kill {}`)",
                holder.pid
            )),
            Self::Io { .. } => Some("check that Stackpilot's data folder is writable".into()),
        }
    }
}

/// A held lock; released when dropped.
#[derive(Debug)]
pub struct EnvLock {
    _file: File,
}

impl EnvLock {
    /// Takes the lock of a Compose project for `operation`, or says who holds it.
    pub fn acquire(project: &str, operation: &str) -> Result<Self, LockError> {
        let dir = crate::paths::app_data_dir().unwrap_or_else(std::env::temp_dir).join("locks");
        let path = dir.join(format!("{project}.lock"));
        let io = |source| LockError::Io { path: path.clone(), source };
        std::fs::create_dir_all(&dir).map_err(io)?;
        let mut file = OpenOptions::new().read(true).write(true).create(true).truncate(false).open(&path).map_err(io)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                let mut text = String::new();
                let _ = file.read_to_string(&mut text);
                let holder = serde_json::from_str(&text)
                    .unwrap_or(Holder { pid: 0, operation: "busy".into(), since: now() });
                return Err(LockError::Busy { project: project.to_owned(), holder });
            }
            Err(TryLockError::Error(e)) => return Err(io(e)),
        }
        let holder = Holder { pid: std::process::id(), operation: operation.to_owned(), since: now() };
        let text = serde_json::to_string(&holder).unwrap_or_default();
        file.set_len(0).and_then(|()| file.rewind()).and_then(|()| file.write_all(text.as_bytes())).map_err(io)?;
        Ok(Self { _file: file })
    }
}
