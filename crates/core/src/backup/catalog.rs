//! Where backups are kept, listing them, finding one by name, pruning by count or age.

use std::{
    path::{Path, PathBuf},
    time::Duration,
};

use super::{archive::Manifest, BackupError, MANIFEST};
use crate::Env;

/// Where an environment's backups go unless told otherwise: `backups/<project>` in
/// Stackpilot's data folder (private to this user).
pub fn default_dir(project: &str) -> Result<PathBuf, BackupError> {
    let base = crate::paths::app_data_dir().ok_or_else(|| BackupError::Unwritable {
        path: PathBuf::from("~/.local/share/stackpilot"),
        source: std::io::Error::other("no home folder ($HOME is not set)"),
    })?;
    Ok(base.join("backups").join(project))
}

/// `<env>-<YYYYMMDDTHHMMSSZ>`, with `-2`, `-3`… when a backup of that second exists.
pub(super) fn free_name(dir: &Path, env: &str, secs: u64) -> String {
    let stamp: String = crate::time::format_timestamp(secs)
        .chars()
        .filter(|c| *c != '-' && *c != ':')
        .collect();
    let base = format!("{env}-{stamp}");
    let taken =
        |name: &str| dir.join(name).exists() || dir.join(format!(".{name}.partial")).exists();
    if !taken(&base) {
        return base;
    }
    (2..)
        .map(|n| format!("{base}-{n}"))
        .find(|name| !taken(name))
        .unwrap_or(base)
}

/// Removes the unfinished backups of `env` in `dir` (`.ENV-….partial`, left by a process
/// that was killed); what cannot be removed stays, hidden, and is tried again next time.
pub(super) fn remove_leftovers(dir: &Path, env: &str) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let is_folder = entry.file_type().is_ok_and(|t| t.is_dir());
        if is_folder && name.starts_with(&format!(".{env}-")) && name.ends_with(".partial") {
            if let Err(e) = std::fs::remove_dir_all(entry.path()) {
                tracing::warn!("cannot remove the unfinished backup {}: {e}", entry.path().display());
            }
        }
    }
}

/// A backup found in a folder.
#[derive(Debug, Clone, serde::Serialize)]
pub struct BackupEntry {
    /// Its folder's name, e.g. `dev-20261128T020000Z`.
    pub name: String,
    /// Its folder.
    pub path: PathBuf,
    /// Its manifest, when it reads.
    pub manifest: Option<Manifest>,
    /// Why its manifest does not read (such a backup is listed, never restored or pruned).
    pub problem: Option<String>,
    /// When it was taken, seconds since the epoch (from the manifest).
    pub created: Option<u64>,
}

/// The backups of `env` in `dir` (its default folder when `None`), newest first: folders
/// whose manifest names the environment's project and name, and folders named after the
/// environment whose manifest does not read (with the problem). A missing folder has none.
pub fn list(env: Env<'_>, dir: Option<&Path>) -> Result<Vec<BackupEntry>, BackupError> {
    let dir = match dir {
        Some(dir) => dir.to_path_buf(),
        None => default_dir(&env.project())?,
    };
    let entries = match std::fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => return Err(BackupError::Unreadable { path: dir, source }),
    };
    let project = env.project();
    let mut found = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let is_folder = entry.file_type().is_ok_and(|t| t.is_dir());
        if name.starts_with('.') || !is_folder {
            continue;
        }
        let path = entry.path();
        match Manifest::read(&path) {
            Ok(manifest) if manifest.project == project && manifest.environment == env.name => {
                let created = crate::time::epoch_seconds(&manifest.created)
                    .and_then(|s| u64::try_from(s).ok());
                found.push(BackupEntry {
                    name,
                    path,
                    manifest: Some(manifest),
                    problem: None,
                    created,
                });
            }
            Ok(_) => {}
            Err(BackupError::NotFound { .. }) if !name.starts_with(&format!("{}-", env.name)) => {}
            Err(e) => {
                if name.starts_with(&format!("{}-", env.name)) {
                    found.push(BackupEntry {
                        name,
                        path,
                        manifest: None,
                        problem: Some(e.to_string()),
                        created: None,
                    });
                }
            }
        }
    }
    found.sort_by(|a, b| b.created.cmp(&a.created).then_with(|| b.name.cmp(&a.name)));
    Ok(found)
}

/// The backup folder meant by `what`: `latest`, a backup's name in `dir` (the default
/// folder when `None`), a folder, or a backup's `manifest.json`.
pub fn find(env: Env<'_>, dir: Option<&Path>, what: &str) -> Result<PathBuf, BackupError> {
    if what == "latest" {
        let listed = list(env, dir)?;
        return listed
            .into_iter()
            .find(|b| b.manifest.as_ref().is_some_and(|m| m.before_restoring.is_none()))
            .map(|b| b.path)
            .ok_or_else(|| BackupError::NotFound {
                path: dir.map_or_else(
                    || default_dir(&env.project()).unwrap_or_default(),
                    Path::to_path_buf,
                ),
            });
    }
    let given = PathBuf::from(what);
    if given.file_name().is_some_and(|n| n == MANIFEST) && given.is_file() {
        return Ok(given.parent().map(Path::to_path_buf).unwrap_or_default());
    }
    if given.is_dir() {
        return Ok(given);
    }
    let in_dir = match dir {
        Some(dir) => dir.join(what),
        None => default_dir(&env.project())?.join(what),
    };
    if !what.contains(['/', '\\']) && in_dir.is_dir() {
        return Ok(in_dir);
    }
    Err(BackupError::NotFound { path: given })
}

/// What to keep when pruning; a backup is kept when either rule keeps it.
#[derive(Debug, Clone, Copy, Default)]
pub struct Keep {
    /// The newest this many.
    pub newest: Option<usize>,
    /// Those taken within this long.
    pub within: Option<Duration>,
}

/// The complete backups that `keep` lets go, from a newest-first listing. Backups whose
/// manifest does not read, or whose time does not, are never pruned (a person looks at
/// them first).
pub fn prune_plan(listed: &[BackupEntry], keep: Keep, now: u64) -> Vec<BackupEntry> {
    if keep.newest.is_none() && keep.within.is_none() {
        return Vec::new();
    }
    listed
        .iter()
        .filter(|b| b.manifest.is_some() && b.created.is_some())
        .enumerate()
        .filter(|(rank, b)| {
            let by_count = keep.newest.is_some_and(|n| *rank < n);
            let by_age = keep.within.is_some_and(|w| {
                b.created
                    .is_some_and(|c| now.saturating_sub(c) <= w.as_secs())
            });
            !by_count && !by_age
        })
        .map(|(_, b)| b.clone())
        .collect()
}

/// Deletes a backup: the files its manifest names, the manifest, then the folder. A
/// folder that also holds files Stackpilot did not write is left with them, and said so.
pub fn remove(entry: &BackupEntry) -> Result<(), BackupError> {
    let manifest = entry.manifest.as_ref().ok_or_else(|| BackupError::Corrupt {
        path: entry.path.clone(),
        detail: "its manifest does not read, so Stackpilot does not know its files: remove it by hand".into(),
    })?;
    for volume in &manifest.volumes {
        let path = entry.path.join(&volume.file);
        match std::fs::remove_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(BackupError::Unwritable { path, source: e })
            }
            _ => {}
        }
    }
    let path = entry.path.join(MANIFEST);
    std::fs::remove_file(&path).map_err(super::unwritable(&path))?;
    std::fs::remove_dir(&entry.path).map_err(|e| BackupError::Unwritable {
        path: entry.path.clone(),
        source: std::io::Error::other(format!(
            "the backup's files are gone, the folder holds others and is kept ({e})"
        )),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(name: &str, created: u64, complete: bool) -> BackupEntry {
        let manifest = complete.then(|| Manifest {
            format: super::super::FORMAT,
            stackpilot: "0".into(),
            project: "p".into(),
            environment: "dev".into(),
            created: crate::time::format_timestamp(created),
            engine: "default".into(),
            volumes: Vec::new(),
            before_restoring: None,
        });
        BackupEntry {
            name: name.into(),
            path: PathBuf::from(name),
            manifest,
            problem: None,
            created: complete.then_some(created),
        }
    }

    #[test]
    fn pruning_keeps_the_newest_n_or_those_within_the_age_and_never_a_damaged_one() {
        let day = 86_400;
        let now = 100 * day;
        let listed = vec![
            entry("d", now - day, true),
            entry("broken", 0, false),
            entry("c", now - 3 * day, true),
            entry("b", now - 10 * day, true),
            entry("a", now - 40 * day, true),
        ];
        let names = |keep: Keep| {
            prune_plan(&listed, keep, now)
                .into_iter()
                .map(|b| b.name)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            names(Keep {
                newest: Some(2),
                within: None
            }),
            ["b", "a"]
        );
        assert_eq!(
            names(Keep {
                newest: None,
                within: Some(Duration::from_secs(7 * day))
            }),
            ["b", "a"]
        );
        assert_eq!(
            names(Keep {
                newest: Some(3),
                within: Some(Duration::from_secs(2 * day))
            }),
            ["a"]
        );
        assert!(names(Keep::default()).is_empty(), "no rule prunes nothing");
        assert!(
            names(Keep {
                newest: Some(0),
                within: None
            })
            .len()
                == 4,
            "0 keeps none, but still not the damaged one"
        );
    }

    #[test]
    fn names_are_the_environment_and_the_second_with_a_suffix_when_taken() {
        let dir = tempfile::tempdir().expect("tempdir");
        let name = free_name(dir.path(), "dev", 1_795_710_857);
        assert_eq!(name, "dev-20261126T163417Z");
        std::fs::create_dir(dir.path().join(&name)).expect("mkdir");
        assert_eq!(
            free_name(dir.path(), "dev", 1_795_710_857),
            "dev-20261126T163417Z-2"
        );
    }

    #[test]
    fn removing_deletes_only_the_files_of_the_backup() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("dev-1");
        std::fs::create_dir(&path).expect("mkdir");
        let mut e = entry("dev-1", 5, true);
        e.path = path.clone();
        e.manifest
            .as_mut()
            .expect("manifest")
            .volumes
            .push(super::super::VolumeArchive {
                volume: "data".into(),
                engine_volume: "p_data".into(),
                file: "data.tar.gz".into(),
                read_through: "db:/d".into(),
                bytes: 0,
                archive_bytes: 0,
                sha256: String::new(),
            });
        for file in ["data.tar.gz", MANIFEST, "notes.txt"] {
            std::fs::write(path.join(file), "x").expect("write");
        }
        let error = remove(&e).expect_err("the folder holds a file of the person's");
        assert!(error.to_string().contains("holds others"), "{error}");
        assert!(path.join("notes.txt").exists() && !path.join("data.tar.gz").exists());
    }
}
