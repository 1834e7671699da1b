//! `restore`: a backup's volumes put back, with the environment stopped, after a plan that
//! names what will be replaced (for the front end's confirmation).

use std::{
    collections::HashMap,
    path::{Path, PathBuf},
    time::Instant,
};

use bollard::query_parameters::{
    ListContainersOptionsBuilder, RemoveContainerOptions, RemoveVolumeOptions,
    UploadToContainerOptions,
};

use super::{
    archive::{self, Manifest, VolumeArchive},
    create::{backup_locked, BackupEvent, BackupOptions, Reach, ARCHIVE_TIMEOUT, PROGRESS_EVERY},
    volumes::{self, EnvVolume},
    BackupError,
};
use crate::{
    engine::{Engine, EngineError},
    stack::EnvLock,
    Env,
};


/// One volume a restore replaces.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PlannedVolume {
    /// Its name in the Compose files.
    pub volume: String,
    /// The engine's name for it.
    pub engine_volume: String,
    /// Whether it exists now (its data is replaced) or is created.
    pub exists: bool,
    /// The size of the data put back (the tar stream), in bytes.
    pub bytes: u64,
    /// Stopped containers of the environment that mount it: removed (Compose creates them
    /// again at the next start).
    pub removed_containers: Vec<String>,
}

/// What a restore will do, for a confirmation that names it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RestorePlan {
    /// The environment restored into.
    pub environment: String,
    /// The backup's folder.
    pub backup: PathBuf,
    /// Its manifest.
    pub manifest: Manifest,
    /// The volumes replaced.
    pub volumes: Vec<PlannedVolume>,
}

impl RestorePlan {
    /// The lines a confirmation shows: what is replaced, from what.
    pub fn describe(&self) -> Vec<String> {
        let mut lines = vec![format!(
            "From the backup of {} taken {} ({}){}:",
            self.manifest.environment,
            crate::time::epoch_seconds(&self.manifest.created)
                .and_then(|s| u64::try_from(s).ok())
                .map_or_else(|| self.manifest.created.clone(), crate::time::format_time),
            self.backup.display(),
            if self.manifest.environment == self.environment {
                String::new()
            } else {
                format!(", into {}", self.environment)
            }
        )];
        for v in &self.volumes {
            let what = if v.exists {
                format!("replaces all data in volume {}", v.engine_volume)
            } else {
                format!("creates volume {}", v.engine_volume)
            };
            lines.push(format!(
                "  {}: {what} with {} of files",
                v.volume,
                crate::checks::human_bytes(v.bytes)
            ));
            if !v.removed_containers.is_empty() {
                lines.push(format!(
                    "    removes the stopped containers {} (the next start creates them again)",
                    v.removed_containers.join(", ")
                ));
            }
        }
        lines
    }
}

/// How a restore goes.
#[derive(Debug, Clone, Default)]
pub struct RestoreOptions {
    /// Back up the data being replaced first (into `dir`).
    pub keep_current: bool,
    /// Where that backup goes; the default folder when `None`.
    pub dir: Option<PathBuf>,
}

/// Steps of a restore, for a front end to show.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(tag = "event", content = "data", rename_all = "camelCase")]
pub enum RestoreEvent {
    /// A volume's archive is being checked end to end.
    Checking {
        /// The volume.
        volume: String,
        /// Bytes of the archive checked.
        bytes: u64,
        /// Its size.
        total: u64,
    },
    /// The data being replaced is backed up first.
    KeepingCurrent(BackupEvent),
    /// Containers created (not started) to reach the volumes.
    Preparing {
        /// Their services.
        services: Vec<String>,
    },
    /// A volume is being written.
    Volume {
        /// The volume.
        volume: String,
        /// The container and path it is written through.
        through: String,
    },
    /// Bytes of the volume's data written.
    Progress {
        /// The volume.
        volume: String,
        /// Bytes so far.
        bytes: u64,
        /// Of.
        total: u64,
    },
    /// A volume holds the backup's data.
    Restored {
        /// The volume.
        volume: String,
    },
}

/// A finished restore.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RestoreReport {
    /// The volumes restored.
    pub volumes: Vec<String>,
    /// The backup of the data that was replaced, when one was taken.
    pub kept: Option<PathBuf>,
    /// How long it took, in milliseconds.
    pub millis: u64,
}

/// Reads and checks the backup in `dir` end to end (nothing is touched) and says what a
/// restore into `env` would replace. `volumes` picks some of the backup's (all when empty).
/// Refused when the environment runs, a volume is not the environment's, or containers of
/// other projects use one.
pub async fn plan_restore(
    env: Env<'_>,
    dir: &Path,
    volumes: &[String],
    mut progress: impl FnMut(RestoreEvent),
) -> Result<RestorePlan, BackupError> {
    let manifest = Manifest::read(dir)?;
    let chosen = chosen(env, &manifest, volumes)?;
    for v in &chosen {
        check(dir, v, &mut progress).await?;
    }
    let ours = volumes::env_volumes(env).await?;
    let engine = Engine::connect().await?;
    let containers = engine
        .project_containers(&env.project(), None, true)
        .await?;
    refuse_running(env, &containers)?;
    let mut planned = Vec::new();
    for v in &chosen {
        let target = matching(env, &ours, v)?;
        let others = outside_users(&engine, &env.project(), &target.engine_volume).await?;
        if !others.is_empty() {
            return Err(BackupError::VolumeInUse {
                volume: target.engine_volume.clone(),
                env: env.name.to_owned(),
                containers: others,
            });
        }
        planned.push(PlannedVolume {
            volume: v.volume.clone(),
            engine_volume: target.engine_volume.clone(),
            exists: volumes::exists(&engine, &target.engine_volume).await?,
            bytes: v.bytes,
            removed_containers: {
                let mut names: Vec<String> = containers
                    .iter()
                    .filter(|c| volumes::mount_point(c, &target.engine_volume, false).is_some())
                    .map(volumes::container_name)
                    .collect();
                names.sort();
                names
            },
        });
    }
    Ok(RestorePlan {
        environment: env.name.to_owned(),
        backup: dir.to_path_buf(),
        manifest,
        volumes: planned,
    })
}

/// Restores the backup in `dir` (its volumes `volumes`, all when empty) into `env`: what
/// [`plan_restore`] showed, worked out again under the environment's lock. The archives
/// are checked again, everything the restore needs is made sure of before anything is
/// removed (the environment stopped, no other container using the volumes, the images
/// Compose needs to create the containers there), the data being replaced is backed up
/// first when asked, then the stopped containers that mount the volumes and the volumes
/// are removed, Compose creates them again (containers not started), the data is written
/// through the archive API, and the created containers are removed, so the next start
/// begins from the restored volumes. A failure once volumes are being replaced says which
/// and where their data went ([`BackupError::RestoreFailed`]).
pub async fn restore(
    env: Env<'_>,
    dir: &Path,
    volumes: &[String],
    options: &RestoreOptions,
    mut progress: impl FnMut(RestoreEvent),
) -> Result<RestoreReport, BackupError> {
    let began = Instant::now();
    let _lock = EnvLock::acquire(&env.project(), "restoring")?;
    let manifest = Manifest::read(dir)?;
    let chosen = chosen(env, &manifest, volumes)?;
    for v in &chosen {
        check(dir, v, &mut progress).await?;
    }
    let (model, ours) = volumes::env_model(env).await?;
    let engine = Engine::connect().await?;
    let containers = engine.project_containers(&env.project(), None, true).await?;
    refuse_running(env, &containers)?;
    let targets: Vec<&EnvVolume> = chosen.iter().map(|v| matching(env, &ours, v)).collect::<Result<_, _>>()?;
    let mut existing = Vec::new();
    for target in &targets {
        let others = outside_users(&engine, &env.project(), &target.engine_volume).await?;
        if !others.is_empty() {
            return Err(BackupError::VolumeInUse { volume: target.engine_volume.clone(), env: env.name.to_owned(), containers: others });
        }
        if volumes::exists(&engine, &target.engine_volume).await? {
            existing.push(target.volume.clone());
        }
    }
    let writers: Vec<String> = targets.iter().filter_map(|t| t.writers.first().cloned()).collect();
    let missing = volumes::missing_images(&engine, &model, &writers).await?;
    if !missing.is_empty() {
        return Err(BackupError::ImagesMissing { env: env.name.to_owned(), images: missing.into_iter().map(|(s, i)| format!("{i} ({s})")).collect() });
    }

    let kept = if options.keep_current && !existing.is_empty() {
        let keep = BackupOptions {
            volumes: existing,
            dir: options.dir.clone(),
            before_restoring: dir.file_name().map(|n| n.to_string_lossy().into_owned()),
            ..BackupOptions::default()
        };
        match backup_locked(env, &keep, |e| progress(RestoreEvent::KeepingCurrent(e))).await {
            Ok(report) => Some(report.path),
            Err(BackupError::NothingToBackUp { .. }) => None,
            Err(e) => return Err(e),
        }
    } else {
        None
    };
    let names: Vec<String> = chosen.iter().map(|v| v.volume.clone()).collect();
    match replace(&engine, env, dir, &chosen, &targets, &mut progress).await {
        Ok(()) => Ok(RestoreReport { volumes: names, kept, millis: began.elapsed().as_millis() as u64 }),
        Err(source) => Err(BackupError::RestoreFailed { env: env.name.to_owned(), volumes: names, backup: dir.to_path_buf(), kept, source: Box::new(source) }),
    }
}

/// The part of a restore that replaces volumes: their containers and the volumes removed,
/// created again by Compose, the data written, the created containers removed.
async fn replace(
    engine: &Engine,
    env: Env<'_>,
    dir: &Path,
    chosen: &[&VolumeArchive],
    targets: &[&EnvVolume],
    progress: &mut impl FnMut(RestoreEvent),
) -> Result<(), BackupError> {
    let containers = engine.project_containers(&env.project(), None, true).await?;
    for container in containers.iter().filter(|c| targets.iter().any(|t| volumes::mount_point(c, &t.engine_volume, false).is_some())) {
        let options = RemoveContainerOptions { force: false, v: false, link: false };
        engine.docker().remove_container(container.id.as_deref().unwrap_or_default(), Some(options)).await.map_err(EngineError::Api)?;
    }
    for target in targets {
        if volumes::exists(engine, &target.engine_volume).await? {
            engine.docker().remove_volume(&target.engine_volume, Some(RemoveVolumeOptions { force: false })).await.map_err(EngineError::Api)?;
        }
    }
    let reach = Reach::open(engine, env, targets, true, &mut |e| {
        if let BackupEvent::Preparing { services } = e {
            progress(RestoreEvent::Preparing { services });
        }
    })
    .await?;
    let mut written = Ok(());
    for (v, target) in chosen.iter().zip(targets) {
        written = upload(engine, &reach, dir, v, target, progress).await;
        if written.is_err() {
            break;
        }
        progress(RestoreEvent::Restored { volume: v.volume.clone() });
    }
    let released = reach.release(engine).await;
    written?;
    released
}

/// The manifest's entries for `names` (all when empty).
fn chosen<'a>(env: Env<'_>, manifest: &'a Manifest, names: &[String]) -> Result<Vec<&'a VolumeArchive>, BackupError> {
    super::pick(&manifest.volumes, names, |v| &v.volume, &format!("the backup of {}", env.name))
}

/// Checks one archive end to end on a blocking thread, reporting its progress.
async fn check(
    dir: &Path,
    volume: &VolumeArchive,
    progress: &mut impl FnMut(RestoreEvent),
) -> Result<(), BackupError> {
    let (sender, mut receiver) = tokio::sync::mpsc::unbounded_channel();
    let (dir, entry) = (dir.to_path_buf(), volume.clone());
    let task = tokio::task::spawn_blocking(move || {
        let mut last = Instant::now();
        archive::verify(&dir, &entry, |bytes| {
            if last.elapsed() >= PROGRESS_EVERY {
                last = Instant::now();
                let _ = sender.send(bytes);
            }
        })
    });
    progress(RestoreEvent::Checking {
        volume: volume.volume.clone(),
        bytes: 0,
        total: volume.archive_bytes,
    });
    while let Some(bytes) = receiver.recv().await {
        progress(RestoreEvent::Checking {
            volume: volume.volume.clone(),
            bytes,
            total: volume.archive_bytes,
        });
    }
    task.await.map_err(|e| BackupError::Corrupt {
        path: volume.file.clone().into(),
        detail: e.to_string(),
    })??;
    progress(RestoreEvent::Checking {
        volume: volume.volume.clone(),
        bytes: volume.archive_bytes,
        total: volume.archive_bytes,
    });
    Ok(())
}

/// The environment's volume a backup's volume goes into.
fn matching<'a>(
    env: Env<'_>,
    ours: &'a [EnvVolume],
    volume: &VolumeArchive,
) -> Result<&'a EnvVolume, BackupError> {
    let target = ours
        .iter()
        .find(|o| o.volume == volume.volume)
        .ok_or_else(|| BackupError::UnknownVolume {
            volume: volume.volume.clone(),
            env: env.name.to_owned(),
            known: ours.iter().map(|o| o.volume.clone()).collect(),
        })?;
    if target.external {
        return Err(BackupError::VolumeInUse {
            volume: target.engine_volume.clone(),
            env: env.name.to_owned(),
            containers: vec!["whatever manages it (it is declared external)".into()],
        });
    }
    if target.mounts.is_empty() {
        return Err(BackupError::NotReachable {
            volume: target.volume.clone(),
        });
    }
    Ok(target)
}

fn refuse_running(
    env: Env<'_>,
    containers: &[bollard::models::ContainerSummary],
) -> Result<(), BackupError> {
    let mut running: Vec<String> = containers
        .iter()
        .filter(|c| volumes::is_up(c))
        .map(|c| volumes::service_of(c).unwrap_or("?").to_owned())
        .collect();
    running.sort();
    running.dedup();
    if running.is_empty() {
        Ok(())
    } else {
        Err(BackupError::Running {
            env: env.name.to_owned(),
            services: running,
        })
    }
}

/// Containers outside `project` that mount the engine volume `name`.
async fn outside_users(
    engine: &Engine,
    project: &str,
    name: &str,
) -> Result<Vec<String>, BackupError> {
    let filters: HashMap<String, Vec<String>> = [("volume".to_owned(), vec![name.to_owned()])]
        .into_iter()
        .collect();
    let options = ListContainersOptionsBuilder::new()
        .all(true)
        .filters(&filters)
        .build();
    let users = engine
        .docker()
        .list_containers(Some(options))
        .await
        .map_err(EngineError::Api)?;
    Ok(users
        .iter()
        .filter(|c| {
            c.labels
                .as_ref()
                .and_then(|l| l.get("com.docker.compose.project"))
                .map(String::as_str)
                != Some(project)
        })
        .map(volumes::container_name)
        .collect())
}

/// Writes a volume's archive through the container that now mounts it.
async fn upload(
    engine: &Engine,
    reach: &Reach,
    dir: &Path,
    volume: &VolumeArchive,
    target: &EnvVolume,
    progress: &mut impl FnMut(RestoreEvent),
) -> Result<(), BackupError> {
    let (container, path) = reach.through(target)?;
    progress(RestoreEvent::Volume {
        volume: volume.volume.clone(),
        through: format!("{}:{path}", volumes::container_name(container)),
    });
    let (sender, receiver) = tokio::sync::mpsc::channel::<std::io::Result<Vec<u8>>>(4);
    let file = dir.join(&volume.file);
    let reader = tokio::task::spawn_blocking(move || {
        archive::unpack(&file, |chunk| sender.blocking_send(chunk).is_ok())
    });
    let (counted, mut counts) = tokio::sync::mpsc::unbounded_channel::<u64>();
    let body = futures_util::stream::unfold((receiver, 0u64), move |(mut receiver, sent)| {
        let counted = counted.clone();
        async move {
            let chunk = receiver.recv().await?;
            let sent = sent + chunk.as_ref().map_or(0, |c| c.len() as u64);
            let _ = counted.send(sent);
            Some((chunk.map(bytes::Bytes::from), (receiver, sent)))
        }
    });
    let docker = engine.docker().clone().with_timeout(ARCHIVE_TIMEOUT);
    let id = container.id.clone().unwrap_or_default();
    let options = UploadToContainerOptions {
        path,
        ..Default::default()
    };
    let upload = docker.upload_to_container(&id, Some(options), bollard::body_try_stream(body));
    tokio::pin!(upload);
    let mut last = Instant::now();
    let result = loop {
        tokio::select! {
            result = &mut upload => break result,
            Some(bytes) = counts.recv() => {
                if last.elapsed() >= PROGRESS_EVERY {
                    last = Instant::now();
                    progress(RestoreEvent::Progress { volume: volume.volume.clone(), bytes, total: volume.bytes });
                }
            }
        }
    };
    reader.await.map_err(|e| BackupError::Corrupt {
        path: dir.join(&volume.file),
        detail: e.to_string(),
    })?;
    result.map_err(|e| BackupError::Engine(EngineError::Api(e)))
}
