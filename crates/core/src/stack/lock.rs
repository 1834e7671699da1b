//! One operation at a time per environment, across the CLI and the desktop app: an OS
//! file lock (released by the OS if the holder dies), with who holds it written inside.

use std::{
    fs::{File, OpenOptions, TryLockError},
    io::{Read, Seek, Write},
    path::PathBuf,
};

use serde::{Deserialize, Serialize};

use crate::{
    time::{format_time, now},
    Diagnostic,
};

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
    fn code(&self) -> crate::Code {
        match self {
            Self::Busy { .. } => crate::Code::OperationInProgress,
            Self::Io { .. } => crate::Code::LockUnavailable,
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
        Self::acquire_in(&dir, project, operation)
    }

    /// [`EnvLock::acquire`] with the locks kept in `dir` (private to this user).
    pub fn acquire_in(dir: &std::path::Path, project: &str, operation: &str) -> Result<Self, LockError> {
        let path = dir.join(format!("{project}.lock"));
        let io = |source| LockError::Io { path: path.clone(), source };
        crate::paths::private_dir(dir).map_err(io)?;
        let mut options = OpenOptions::new();
        options.read(true).write(true).create(true).truncate(false);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            // A link planted in place of the lock file is refused, never followed.
            options.custom_flags(libc::O_NOFOLLOW).mode(0o600);
        }
        let mut file = options.open(&path).map_err(io)?;
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

#[cfg(all(test, unix))]
mod tests {
    use super::{EnvLock, LockError};

    #[test]
    fn a_link_planted_as_the_lock_file_is_refused_and_its_target_untouched() {
        let dir = tempfile::tempdir().expect("tempdir");
        let locks = dir.path().join("locks");
        std::fs::create_dir(&locks).expect("mkdir");
        let target = dir.path().join("precious");
        std::fs::write(&target, "keep me").expect("write");
        std::os::unix::fs::symlink(&target, locks.join("p-dev.lock")).expect("symlink");
        assert!(matches!(EnvLock::acquire_in(&locks, "p-dev", "starting"), Err(LockError::Io { .. })));
        assert_eq!(std::fs::read_to_string(&target).expect("read"), "keep me");
    }

    #[test]
    fn the_lock_folder_is_private_and_a_linked_folder_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let locks = dir.path().join("locks");
        let lock = EnvLock::acquire_in(&locks, "p-dev", "starting").expect("lock");
        drop(lock);
        assert_eq!(std::fs::metadata(&locks).expect("meta").permissions().mode() & 0o777, 0o700);
        let elsewhere = dir.path().join("elsewhere");
        std::fs::create_dir(&elsewhere).expect("mkdir");
        let linked = dir.path().join("linked");
        std::os::unix::fs::symlink(&elsewhere, &linked).expect("symlink");
        assert!(EnvLock::acquire_in(&linked, "p-dev", "starting").is_err());
    }

    #[test]
    fn a_lock_folder_of_another_user_is_refused() {
        use std::os::unix::fs::MetadataExt;
        if crate::paths::current_uid() != 0 {
            return; // only root can give a folder to another user
        }
        let dir = tempfile::tempdir().expect("tempdir");
        let locks = dir.path().join("locks");
        std::fs::create_dir(&locks).expect("mkdir");
        std::os::unix::fs::chown(&locks, Some(65534), Some(65534)).expect("chown to nobody");
        assert_eq!(std::fs::metadata(&locks).expect("meta").uid(), 65534);
        let Err(LockError::Io { source, .. }) = EnvLock::acquire_in(&locks, "p-dev", "starting") else { panic!("refused") };
        assert!(source.to_string().contains("belongs to another user"), "{source}");
    }
}
