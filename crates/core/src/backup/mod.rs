//! Backups of an environment's named volumes: each volume read through the engine's
//! archive API from the environment's own containers (no helper image), written as a
//! gzip-compressed tar with a manifest (size, checksum, time, version); restored the same
//! way with the environment stopped; listed and pruned by count or age.
//!
//! A backup is a folder `<environment>-<YYYYMMDDTHHMMSSZ>` holding `manifest.json` and one
//! `<volume>.tar.gz` per volume, whose entries are the volume's contents (`./…`), so that
//! `tar -xzf` outside Stackpilot gives the data back too. It is written under a hidden
//! name and renamed when complete: a backup cut short never looks like one.

mod archive;
mod catalog;
mod create;
mod paused;
mod restore;
mod volumes;

use std::path::PathBuf;

pub use archive::{Manifest, VolumeArchive, FORMAT, MANIFEST};
pub use catalog::{default_dir, find, list, prune_plan, remove, BackupEntry, Keep};
pub use create::{backup, BackupEvent, BackupOptions, BackupReport, Skipped};
pub use restore::{
    plan_restore, restore, PlannedVolume, RestoreEvent, RestoreOptions, RestorePlan, RestoreReport,
};
pub use paused::resume_leftovers;
pub use volumes::{baked_volumes, existing_volumes, EnvVolume};

use crate::{
    compose::ComposeError, engine::EngineError, stack::LockError, workspace::WorkspaceError, Code,
    Diagnostic,
};

/// Why a backup, a restore, a listing or a pruning could not be done.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    /// The environment or workspace is wrong.
    #[error(transparent)]
    Workspace(#[from] WorkspaceError),
    /// Another operation holds the environment.
    #[error(transparent)]
    Lock(#[from] LockError),
    /// Compose is missing or refused.
    #[error(transparent)]
    Compose(#[from] ComposeError),
    /// The engine is not answering or refused.
    #[error(transparent)]
    Engine(#[from] EngineError),
    /// The environment has no named volume (or none was created yet).
    #[error("{env} has no volume to back up: {why}")]
    NothingToBackUp {
        /// Environment.
        env: String,
        /// Why: no named volumes, or none created yet.
        why: String,
    },
    /// A volume name the environment does not have.
    #[error("{env} has no volume `{}`", volume.escape_debug())]
    UnknownVolume {
        /// The name given (or found in a backup).
        volume: String,
        /// Environment.
        env: String,
        /// Its volumes.
        known: Vec<String>,
    },
    /// The operation needs the environment stopped.
    #[error("{env} is running ({}): a restore replaces volumes under running services", services.join(", "))]
    Running {
        /// Environment.
        env: String,
        /// Its running services.
        services: Vec<String>,
    },
    /// Containers outside the environment use the volume.
    #[error("volume {volume} is also used by {}, outside {env}", containers.join(", "))]
    VolumeInUse {
        /// The engine's volume name.
        volume: String,
        /// Environment.
        env: String,
        /// The other containers.
        containers: Vec<String>,
    },
    /// No container of the environment mounts the volume, even after Compose created them.
    #[error("no container of the environment mounts volume {volume}, even after Compose created its services' containers")]
    NotReachable {
        /// The volume.
        volume: String,
    },
    /// No backup at the path or name given.
    #[error("no backup at {}", path.display())]
    NotFound {
        /// Where it was looked for.
        path: PathBuf,
    },
    /// The backup's files are damaged, cut short or not a Stackpilot backup.
    #[error("the backup {} is damaged: {detail}", path.display())]
    Corrupt {
        /// The file at fault.
        path: PathBuf,
        /// What is wrong with it.
        detail: String,
    },
    /// The person cancelled (Ctrl-C): containers paused for the copy run again, the
    /// unfinished backup is removed.
    #[error("the backup was cancelled; nothing was kept")]
    Cancelled,
    /// Images Compose needs to create the containers a restore writes through are not on
    /// the engine (nothing was replaced).
    #[error("the images {} are not on the engine, and a restore creates {env}'s containers from them", images.join(", "))]
    ImagesMissing {
        /// Environment.
        env: String,
        /// `image (service)`.
        images: Vec<String>,
    },
    /// A restore failed once it had begun replacing volumes.
    #[error("the restore of {} into {env} stopped half-way: {source}", volumes.join(", "))]
    RestoreFailed {
        /// Environment.
        env: String,
        /// The volumes being replaced (they may be empty or half written).
        volumes: Vec<String>,
        /// The backup being restored.
        backup: PathBuf,
        /// The backup of what they held, when one was taken.
        kept: Option<PathBuf>,
        /// What failed.
        #[source]
        source: Box<BackupError>,
    },
    /// The backup folder could not be read.
    #[error("cannot read the backups in {}: {source}", path.display())]
    Unreadable {
        /// The folder.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A file of the backup could not be written or removed.
    #[error("cannot write {}: {source}", path.display())]
    Unwritable {
        /// The file or folder.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
}

impl Diagnostic for BackupError {
    fn code(&self) -> Code {
        match self {
            Self::Workspace(e) => e.code(),
            Self::Lock(e) => e.code(),
            Self::Compose(e) => e.code(),
            Self::Engine(e) => e.code(),
            Self::NothingToBackUp { .. } => Code::NothingToBackUp,
            Self::UnknownVolume { .. } => Code::UnknownVolume,
            Self::Running { .. } => Code::EnvironmentRunning,
            Self::VolumeInUse { .. } => Code::VolumeInUse,
            Self::NotReachable { .. } => Code::DockerApi,
            Self::NotFound { .. } => Code::BackupNotFound,
            Self::Corrupt { .. } => Code::BackupCorrupt,
            Self::Unwritable { .. } => Code::BackupUnwritable,
            Self::Cancelled => Code::Cancelled,
            Self::ImagesMissing { .. } => Code::ImagesMissing,
            Self::RestoreFailed { source, .. } => source.code(),
            Self::Unreadable { .. } => Code::BackupNotFound,
        }
    }

    fn hint(&self) -> Option<String> {
        match self {
            Self::Workspace(e) => e.hint(),
            Self::Lock(e) => e.hint(),
            Self::Compose(e) => e.hint(),
            Self::Engine(e) => e.hint(),
            Self::NothingToBackUp { env, .. } => Some(format!("volumes are created when the environment starts: `stackpilot up {env}`")),
            Self::UnknownVolume { known, .. } if known.is_empty() => Some("its Compose files declare no named volumes".into()),
            Self::UnknownVolume { known, .. } => Some(format!("its volumes are: {}", known.join(", "))),
            Self::Running { env, .. } => Some(format!("stop it first (Stop on its dashboard, or `stackpilot stop {env}`), then restore; nothing was replaced")),
            Self::VolumeInUse { .. } => Some("remove or stop those containers first; nothing was replaced".into()),
            Self::NotReachable { .. } => Some("check that the services that mount it are in an active profile (`docker compose config --services`)".into()),
            Self::NotFound { .. } => Some("name a backup folder, its manifest.json, a backup's name or `latest` (`stackpilot backups ENV` lists them)".into()),
            Self::Corrupt { .. } => Some("nothing was replaced; restore another backup (`stackpilot backups ENV` lists them)".into()),
            Self::Unwritable { .. } => Some("choose another folder with -o DIR, or free some disk space".into()),
            Self::Cancelled => None,
            Self::ImagesMissing { env, .. } => Some(format!("start the environment once (`stackpilot up {env}`) or pull the images, stop it, then restore; nothing was replaced")),
            Self::RestoreFailed { env, backup, kept, .. } => Some(format!(
                "do not start {env} on these volumes: run `stackpilot restore {env} {}` again once the cause is fixed{}",
                backup.display(),
                kept.as_ref().map_or_else(String::new, |k| format!(", or put back what they held with `stackpilot restore {env} {}`", k.display()))
            )),
            Self::Unreadable { .. } => Some("check the folder's permissions, or name another with --dir".into()),
        }
    }
}

/// The items of `all` named in `names` (all of them when empty; a name given twice counts
/// once), or the first unknown name's error, listing the names `whose` has.
fn pick<'a, T>(all: &'a [T], names: &[String], name_of: impl Fn(&T) -> &String, whose: &str) -> Result<Vec<&'a T>, BackupError> {
    if names.is_empty() {
        return Ok(all.iter().collect());
    }
    let mut picked: Vec<&T> = Vec::new();
    for name in names {
        let item = all.iter().find(|item| name_of(item) == name).ok_or_else(|| BackupError::UnknownVolume {
            volume: name.clone(),
            env: whose.to_owned(),
            known: all.iter().map(|item| name_of(item).clone()).collect(),
        })?;
        if !picked.iter().any(|p| std::ptr::eq(*p, item)) {
            picked.push(item);
        }
    }
    Ok(picked)
}

/// The error for an I/O failure on `path` while writing a backup.
fn unwritable(path: &std::path::Path) -> impl FnOnce(std::io::Error) -> BackupError + '_ {
    move |source| BackupError::Unwritable {
        path: path.to_path_buf(),
        source,
    }
}
