//! Stop, restart one service, pull, down: each under the environment's lock.

use std::time::Duration;

use super::{EnvLock, StackError};
use crate::{
    compose::{self, ComposeCli, DownOptions, ProjectSpec},
    engine::Engine,
    Env,
};

/// Runs a Compose verb under the environment's lock, within `deadline` (the lock is
/// released when it passes: the child is killed and the error returned). Compose still
/// interpolates the files for verbs on existing containers, but the secret values are not
/// used: placeholders stand in and the keychain is not needed.
async fn run(env: Env<'_>, operation: &str, args: &[&str], deadline: Duration) -> Result<(), StackError> {
    let _lock = EnvLock::acquire(&env.project(), operation)?;
    let cli = ComposeCli::locate().await?;
    compose::run_within(&cli, &ProjectSpec::with_placeholder_secrets(env), args, deadline).await?;
    Ok(())
}

/// Stops the environment's containers (they stay, with their data), within `deadline`.
pub async fn stop(env: Env<'_>, deadline: Duration) -> Result<(), StackError> {
    run(env, "stopping", &["stop"], deadline).await
}

/// The services of an environment, as Compose resolves them (active profiles only).
pub async fn service_names(env: Env<'_>) -> Result<Vec<String>, StackError> {
    let cli = ComposeCli::locate().await?;
    Ok(compose::config(&cli, &ProjectSpec::with_placeholder_secrets(env)).await?.services.into_keys().collect())
}

/// Checks that `service` is one of the environment's services.
pub async fn known_service(env: Env<'_>, service: &str) -> Result<(), StackError> {
    let known = service_names(env).await?;
    if known.iter().any(|s| s == service) {
        Ok(())
    } else {
        Err(StackError::NoSuchService { service: service.to_owned(), env: env.name.to_owned(), known })
    }
}

/// Restarts every service of the environment that has a container.
pub async fn restart_all(env: Env<'_>) -> Result<(), StackError> {
    run(env, "restarting", &["restart"], compose::lifecycle_deadline()).await
}

/// Restarts one service; it must be one of the environment's and have a container.
pub async fn restart(env: Env<'_>, service: &str) -> Result<(), StackError> {
    known_service(env, service).await?;
    let engine = Engine::connect().await?;
    if engine.project_containers(&env.project(), Some(service), true).await?.is_empty() {
        return Err(StackError::NotRunning { service: service.to_owned(), env: env.name.to_owned() });
    }
    // `--` so that a name can never be read as one of Compose's options.
    run(env, "restarting", &["restart", "--", service], compose::lifecycle_deadline()).await
}

/// Pulls the environment's images.
pub async fn pull(env: Env<'_>) -> Result<(), StackError> {
    // Pulls of large images are slow by nature: an hour, or more when configured.
    run(env, "pulling", &["pull"], compose::lifecycle_deadline().max(Duration::from_secs(3600))).await
}

/// Removes the environment's containers and networks; named volumes only when asked
/// (their data is lost: the caller confirms first).
pub async fn down(env: Env<'_>, options: DownOptions) -> Result<(), StackError> {
    let _lock = EnvLock::acquire(&env.project(), "stopping")?;
    let cli = ComposeCli::locate().await?;
    compose::down(&cli, &ProjectSpec::with_placeholder_secrets(env), options).await?;
    Ok(())
}
