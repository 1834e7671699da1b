//! The containers a backup paused, written down while they are paused, so that a backup
//! whose process was killed mid-copy (SIGKILL, the app quit) does not leave a database
//! frozen: the next backup or start of the environment unpauses them.

use std::path::PathBuf;

use bollard::models::ContainerStateStatusEnum;

use crate::engine::{Engine, EngineError};

/// Where the record of `project` lives: `paused/<project>` in Stackpilot's data folder.
fn record(project: &str) -> PathBuf {
    crate::paths::app_data_dir().unwrap_or_else(std::env::temp_dir).join("paused").join(project)
}

/// Writes down `ids` as paused by a backup of `project`.
pub(super) fn remember(project: &str, ids: &[String]) -> std::io::Result<()> {
    let path = record(project);
    if let Some(dir) = path.parent() {
        crate::paths::private_dir(dir)?;
    }
    std::fs::write(&path, ids.join("\n"))
}

/// Forgets the record of `project` (its containers run again).
pub(super) fn forget(project: &str) {
    match std::fs::remove_file(record(project)) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => tracing::warn!("cannot remove the record of paused containers: {e}"),
        _ => {}
    }
}

/// Unpauses the containers a killed backup of `project` left paused (those still paused),
/// says so in the log, and forgets the record. The caller holds the environment's lock.
pub async fn resume_leftovers(engine: &Engine, project: &str) -> Result<(), EngineError> {
    let Ok(text) = std::fs::read_to_string(record(project)) else { return Ok(()) };
    let mut resumed = Vec::new();
    for id in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let state = match engine.docker().inspect_container(id, None).await {
            Ok(inspect) => inspect,
            Err(bollard::errors::Error::DockerResponseServerError { status_code: 404, .. }) => continue,
            Err(e) => return Err(e.into()),
        };
        if state.state.and_then(|s| s.status) == Some(ContainerStateStatusEnum::PAUSED) {
            engine.docker().unpause_container(id).await?;
            resumed.push(state.name.unwrap_or_else(|| id.to_owned()).trim_start_matches('/').to_owned());
        }
    }
    forget(project);
    if !resumed.is_empty() {
        tracing::warn!("unpaused {}, left paused by a backup that was killed", resumed.join(", "));
    }
    Ok(())
}
