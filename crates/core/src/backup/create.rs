//! `backup`: each named volume read through one of the environment's own containers.

use std::{
    path::PathBuf,
    time::{Duration, Instant},
};

use bollard::{
    models::ContainerSummary,
    query_parameters::{DownloadFromContainerOptions, RemoveContainerOptions},
};
use futures_util::StreamExt;

use super::{
    archive::{Manifest, VolumeArchive, VolumeWriter, FORMAT},
    catalog,
    volumes::{self, EnvVolume},
    BackupError,
};
use crate::{
    compose::{self, ComposeCli, ProjectSpec},
    engine::{Engine, EngineError},
    stack::EnvLock,
    Env,
};

/// How long one archive request to the engine may take (a large volume streams for a while).
pub(super) const ARCHIVE_TIMEOUT: Duration = Duration::from_secs(6 * 3600);
/// How often a copy or a check reports its bytes.
pub(super) const PROGRESS_EVERY: Duration = Duration::from_millis(250);

/// What to back up and where.
#[derive(Debug, Clone, Default)]
pub struct BackupOptions {
    /// The volumes (by their names in the Compose files); all of the environment's when empty.
    pub volumes: Vec<String>,
    /// The folder the backup is written into; [`catalog::default_dir`] when `None`.
    pub dir: Option<PathBuf>,
    /// Cancels the copy (the containers paused for it run again, nothing is kept).
    pub cancel: tokio_util::sync::CancellationToken,
    /// The name of the backup about to be restored, when this one keeps the data it replaces.
    pub before_restoring: Option<String>,
}

/// How a backup goes, for a front end to show.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(tag = "event", content = "data", rename_all = "camelCase")]
pub enum BackupEvent {
    /// No container mounts these volumes yet: Compose creates (never starts) those of these
    /// services to reach them, and they are removed afterwards.
    Preparing {
        /// The services.
        services: Vec<String>,
    },
    /// A volume's copy begins.
    Volume {
        /// Its name in the Compose files.
        volume: String,
        /// The container and path it is read through.
        through: String,
        /// Running containers paused during the copy, so that their files hold still.
        paused: Vec<String>,
    },
    /// Bytes of the volume's tar stream copied so far.
    Progress {
        /// The volume.
        volume: String,
        /// Bytes so far.
        bytes: u64,
    },
    /// A volume is in the backup.
    Written {
        /// The volume.
        volume: String,
        /// Its tar stream's size.
        bytes: u64,
        /// Its archive's size.
        archive_bytes: u64,
    },
}

/// A volume left out of a backup, and why.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Skipped {
    /// The volume.
    pub volume: String,
    /// Why it was left out.
    pub reason: String,
}

/// A finished backup.
#[derive(Debug, Clone, serde::Serialize)]
pub struct BackupReport {
    /// Its folder.
    pub path: PathBuf,
    /// Its manifest.
    pub manifest: Manifest,
    /// Volumes left out.
    pub skipped: Vec<Skipped>,
    /// How long it took, in milliseconds.
    pub millis: u64,
}

/// Backs up the environment's named volumes (under its lock), each read through one of its
/// own containers; when none exists for a volume, Compose creates one (not started) and it
/// is removed afterwards. Running containers that mount a volume are paused while it is
/// copied. Nothing is left behind on failure: the folder appears only when complete.
pub async fn backup(
    env: Env<'_>,
    options: &BackupOptions,
    progress: impl FnMut(BackupEvent),
) -> Result<BackupReport, BackupError> {
    let _lock = EnvLock::acquire(&env.project(), "backing up")?;
    backup_locked(env, options, progress).await
}

/// [`backup`] for a caller that holds the environment's lock (a restore keeping what it replaces).
pub(super) async fn backup_locked(
    env: Env<'_>,
    options: &BackupOptions,
    mut progress: impl FnMut(BackupEvent),
) -> Result<BackupReport, BackupError> {
    let began = Instant::now();
    let all = volumes::env_volumes(env).await?;
    let chosen = select(env, &all, &options.volumes)?;
    let engine = Engine::connect().await?;
    super::resume_leftovers(&engine, &env.project()).await?;
    let mut skipped = Vec::new();
    let mut wanted = Vec::new();
    for volume in chosen {
        let reason = if volume.external {
            Some("declared external: it is managed outside the environment".to_owned())
        } else if volume.mounts.is_empty() {
            Some("no service mounts it".to_owned())
        } else if !volumes::exists(&engine, &volume.engine_volume).await? {
            Some("not created yet (the environment never started)".to_owned())
        } else {
            None
        };
        match reason {
            Some(reason) => skipped.push(Skipped {
                volume: volume.volume.clone(),
                reason,
            }),
            None => wanted.push(volume),
        }
    }
    if wanted.is_empty() {
        let why = if all.is_empty() {
            "its Compose files declare no named volumes".to_owned()
        } else {
            skipped
                .iter()
                .map(|s| format!("{}: {}", s.volume, s.reason))
                .collect::<Vec<_>>()
                .join("; ")
        };
        return Err(BackupError::NothingToBackUp {
            env: env.name.to_owned(),
            why,
        });
    }

    let dir = match &options.dir {
        Some(dir) => dir.clone(),
        None => catalog::default_dir(&env.project())?,
    };
    if options.dir.is_some() {
        // A folder of the person's: created when missing, its permissions left as they are
        // (the backup's own folder inside is private).
        std::fs::create_dir_all(&dir).map_err(super::unwritable(&dir))?;
    } else {
        crate::paths::private_dir(&dir).map_err(super::unwritable(&dir))?;
        // Only this environment writes there, under its lock: what a killed backup left goes.
        catalog::remove_leftovers(&dir, env.name);
    }
    let created_at = crate::time::now();
    let name = catalog::free_name(&dir, env.name, created_at);
    let partial = dir.join(format!(".{name}.partial"));
    std::fs::create_dir(&partial).map_err(super::unwritable(&partial))?;
    crate::paths::private_dir(&partial).map_err(super::unwritable(&partial))?;

    let finished = async {
        let reach = Reach::open(&engine, env, &wanted, false, &mut progress).await?;
        let copied = copy_all(&env.project(), &engine, &reach, &wanted, &partial, &options.cancel, &mut progress).await;
        let released = reach.release(&engine).await;
        let manifest = Manifest {
            format: FORMAT,
            stackpilot: env!("CARGO_PKG_VERSION").to_owned(),
            project: env.project(),
            environment: env.name.to_owned(),
            created: crate::time::format_timestamp(created_at),
            engine: engine.endpoint().label(),
            volumes: copied?,
            before_restoring: options.before_restoring.clone(),
        };
        released?;
        manifest.write(&partial)?;
        let path = dir.join(&name);
        std::fs::rename(&partial, &path).map_err(super::unwritable(&path))?;
        Ok((path, manifest))
    }
    .await;
    match finished {
        Ok((path, manifest)) => Ok(BackupReport { path, manifest, skipped, millis: began.elapsed().as_millis() as u64 }),
        Err(e) => {
            // Whatever failed, the unfinished folder goes: it never shows as a backup.
            let _ = std::fs::remove_dir_all(&partial);
            Err(e)
        }
    }
}

/// The volumes named in `wanted` (all when empty), or the first unknown name's error.
pub(super) fn select<'a>(
    env: Env<'_>,
    all: &'a [EnvVolume],
    wanted: &[String],
) -> Result<Vec<&'a EnvVolume>, BackupError> {
    super::pick(all, wanted, |v| &v.volume, env.name)
}

async fn copy_all(
    project: &str,
    engine: &Engine,
    reach: &Reach,
    wanted: &[&EnvVolume],
    partial: &std::path::Path,
    cancel: &tokio_util::sync::CancellationToken,
    progress: &mut impl FnMut(BackupEvent),
) -> Result<Vec<VolumeArchive>, BackupError> {
    let mut archives = Vec::new();
    for volume in wanted {
        let (container, target) = reach.through(volume)?;
        // Running containers hold still while their volume is copied; a restarting one is
        // left as it is (it cannot be paused), one already paused stays paused.
        let running: Vec<&ContainerSummary> = reach
            .containers
            .iter()
            .filter(|c| c.state == Some(bollard::models::ContainerSummaryStateEnum::RUNNING))
            .filter(|c| volumes::mount_point(c, &volume.engine_volume, false).is_some())
            .collect();
        let through = format!("{}:{target}", volumes::container_name(container));
        progress(BackupEvent::Volume {
            volume: volume.volume.clone(),
            through: through.clone(),
            paused: {
                let mut names: Vec<String> = running.iter().map(|c| volumes::container_name(c)).collect();
                names.sort();
                names
            },
        });
        let mut paused = Vec::new();
        let mut pausing = Ok(());
        if !running.is_empty() {
            // Written down first: a backup killed mid-copy leaves them to the next one to unpause.
            let ids: Vec<String> = running.iter().filter_map(|c| c.id.clone()).collect();
            super::paused::remember(project, &ids).map_err(|e| BackupError::Unwritable { path: "the record of paused containers".into(), source: e })?;
        }
        for c in &running {
            match engine.docker().pause_container(c.id.as_deref().unwrap_or_default()).await {
                Ok(()) => paused.push(*c),
                Err(e) => {
                    pausing = Err(BackupError::Engine(EngineError::Api(e)));
                    break;
                }
            }
        }
        let file = format!("{}.tar.gz", volume.volume);
        let copied = match pausing {
            Ok(()) => download(engine, container, &target, &partial.join(&file), &volume.volume, cancel, progress).await,
            Err(e) => Err(e),
        };
        let mut unpaused = Ok(());
        for c in &paused {
            if let Err(e) = engine
                .docker()
                .unpause_container(c.id.as_deref().unwrap_or_default())
                .await
            {
                unpaused = Err(BackupError::Engine(EngineError::Api(e)));
            }
        }
        if unpaused.is_ok() {
            super::paused::forget(project);
        }
        let written = copied?;
        unpaused?;
        progress(BackupEvent::Written {
            volume: volume.volume.clone(),
            bytes: written.bytes,
            archive_bytes: written.archive_bytes,
        });
        archives.push(VolumeArchive {
            volume: volume.volume.clone(),
            engine_volume: volume.engine_volume.clone(),
            file,
            read_through: through,
            bytes: written.bytes,
            archive_bytes: written.archive_bytes,
            sha256: written.sha256,
        });
    }
    Ok(archives)
}

/// Streams the contents of `target` in `container` (entries `./…`) into a new archive at `path`.
async fn download(
    engine: &Engine,
    container: &ContainerSummary,
    target: &str,
    path: &std::path::Path,
    volume: &str,
    cancel: &tokio_util::sync::CancellationToken,
    progress: &mut impl FnMut(BackupEvent),
) -> Result<super::archive::Written, BackupError> {
    let docker = engine.docker().clone().with_timeout(ARCHIVE_TIMEOUT);
    // `DIR/.` gives the folder's contents as `./…`: restorable into any mount path.
    let options = DownloadFromContainerOptions {
        path: format!("{}/.", target.trim_end_matches('/')),
    };
    let id = container.id.clone().unwrap_or_default();
    let mut stream = docker.download_from_container(&id, Some(options));
    let (sender, mut receiver) = tokio::sync::mpsc::channel::<Vec<u8>>(8);
    let file = path.to_path_buf();
    let writer = tokio::task::spawn_blocking(move || {
        let mut writer = VolumeWriter::create(&file)?;
        while let Some(chunk) = receiver.blocking_recv() {
            writer.write(&chunk)?;
        }
        writer.finish()
    });
    let mut bytes = 0u64;
    let mut reported = Instant::now();
    let mut failure = None;
    loop {
        let chunk = tokio::select! {
            chunk = stream.next() => match chunk {
                Some(chunk) => chunk,
                None => break,
            },
            () = cancel.cancelled() => {
                failure = Some(BackupError::Cancelled);
                break;
            }
        };
        match chunk {
            Ok(chunk) => {
                bytes += chunk.len() as u64;
                if reported.elapsed() >= PROGRESS_EVERY {
                    reported = Instant::now();
                    progress(BackupEvent::Progress {
                        volume: volume.to_owned(),
                        bytes,
                    });
                }
                if sender.send(chunk.to_vec()).await.is_err() {
                    break; // the writer failed: its error is below
                }
            }
            Err(e) => {
                failure = Some(BackupError::Engine(EngineError::Api(e)));
                break;
            }
        }
    }
    drop(sender);
    let written = writer.await.map_err(|e| BackupError::Unwritable {
        path: path.to_path_buf(),
        source: std::io::Error::other(e.to_string()),
    })?;
    match failure {
        Some(e) => Err(e),
        None => written,
    }
}

/// The environment's containers through which volumes are reached, and those created for
/// it (removed again by [`Reach::release`]).
pub(super) struct Reach {
    /// Every container of the environment's project.
    pub containers: Vec<ContainerSummary>,
    /// Ids of the containers created to reach volumes.
    created: Vec<String>,
    /// Whether only read-write mounts count.
    writable: bool,
}

impl Reach {
    /// Finds a container mounting each volume, creating those of the services that mount
    /// a volume no container mounts yet (`compose create --no-recreate`: existing
    /// containers stay as they are; secrets are placeholders in containers never started).
    /// With `writable`, only read-write mounts count (a restore writes through them).
    pub async fn open(
        engine: &Engine,
        env: Env<'_>,
        wanted: &[&EnvVolume],
        writable: bool,
        progress: &mut impl FnMut(BackupEvent),
    ) -> Result<Self, BackupError> {
        let project = env.project();
        let before = engine.project_containers(&project, None, true).await?;
        let mut services: Vec<String> = wanted
            .iter()
            .filter(|v| !before.iter().any(|c| volumes::mount_point(c, &v.engine_volume, writable).is_some()))
            .filter_map(|v| {
                if writable {
                    v.writers.first().cloned()
                } else {
                    v.mounts.first().map(|(service, _)| service.clone())
                }
            })
            .collect();
        services.sort();
        services.dedup();
        if services.is_empty() {
            return Ok(Self {
                containers: before,
                created: Vec::new(),
                writable,
            });
        }
        progress(BackupEvent::Preparing {
            services: services.clone(),
        });
        let cli = ComposeCli::locate().await?;
        let created =
            compose::create(&cli, &ProjectSpec::with_placeholder_secrets(env), &services).await;
        let after = engine.project_containers(&project, None, true).await?;
        let new: Vec<String> = after
            .iter()
            .filter_map(|c| c.id.clone())
            .filter(|id| !before.iter().any(|b| b.id.as_ref() == Some(id)))
            .collect();
        let reach = Self {
            containers: after,
            created: new,
            writable,
        };
        if let Err(e) = created {
            let _ = reach.release(engine).await;
            return Err(e.into());
        }
        Ok(reach)
    }

    /// A container that mounts `volume`, and where.
    pub fn through(&self, volume: &EnvVolume) -> Result<(&ContainerSummary, String), BackupError> {
        self.containers
            .iter()
            .find_map(|c| volumes::mount_point(c, &volume.engine_volume, self.writable).map(|target| (c, target)))
            .ok_or_else(|| BackupError::NotReachable {
                volume: volume.volume.clone(),
            })
    }

    /// Removes the containers created to reach volumes (never a volume).
    pub async fn release(&self, engine: &Engine) -> Result<(), BackupError> {
        let mut result = Ok(());
        for id in &self.created {
            let options = RemoveContainerOptions {
                force: true,
                v: false,
                link: false,
            };
            if let Err(e) = engine.docker().remove_container(id, Some(options)).await {
                result = Err(BackupError::Engine(EngineError::Api(e)));
            }
        }
        result
    }
}
