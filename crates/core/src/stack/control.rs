//! Stop, restart one service, pull, down: each under the environment's lock.

use std::time::Duration;

use super::{EnvLock, StackError};
use crate::{
    compose::{self, ComposeCli, DownOptions, ProjectSpec},
    engine::Engine,
    Workspace,
};

/// Runs a Compose verb under the environment's lock, within `deadline` (the lock is
/// released when it passes: the child is killed and the error returned).
async fn run(workspace: &Workspace, env_name: &str, operation: &str, args: &[&str], deadline: Duration) -> Result<(), StackError> {
    let project = workspace.schema.compose_project(env_name);
    let _lock = EnvLock::acquire(&project, operation)?;
    let spec = existing(workspace, env_name)?;
    let cli = ComposeCli::locate().await?;
    compose::run_within(&cli, &spec, args, deadline).await?;
    Ok(())
}

/// The spec for verbs that act on existing containers (stop, restart, down, pull):
/// Compose still interpolates the files, but the secret values are not used, so
/// placeholders stand in and the keychain is not needed.
fn existing(workspace: &Workspace, env_name: &str) -> Result<ProjectSpec, StackError> {
    let environment = workspace.environment(env_name)?;
    Ok(ProjectSpec::of(workspace, env_name, environment).with_placeholder_secrets(workspace, environment))
}

/// Stops the environment's containers (they stay, with their data), within `deadline`.
pub async fn stop(workspace: &Workspace, env_name: &str, deadline: Duration) -> Result<(), StackError> {
    run(workspace, env_name, "stopping", &["stop"], deadline).await
}

/// The services of an environment, as Compose resolves them (active profiles only).
pub async fn service_names(workspace: &Workspace, env_name: &str) -> Result<Vec<String>, StackError> {
    let spec = existing(workspace, env_name)?;
    let cli = ComposeCli::locate().await?;
    Ok(compose::config(&cli, &spec).await?.services.into_keys().collect())
}

/// Checks that `service` is one of the environment's services.
pub async fn known_service(workspace: &Workspace, env_name: &str, service: &str) -> Result<(), StackError> {
    let known = service_names(workspace, env_name).await?;
    if known.iter().any(|s| s == service) {
        Ok(())
    } else {
        Err(StackError::NoSuchService { service: service.to_owned(), env: env_name.to_owned(), known })
    }
}

/// Restarts one service; it must be one of the environment's and have a container.
pub async fn restart(workspace: &Workspace, env_name: &str, service: &str) -> Result<(), StackError> {
    known_service(workspace, env_name, service).await?;
    let engine = Engine::connect().await?;
    let project = workspace.schema.compose_project(env_name);
    if engine.project_containers(&project, Some(service), true).await?.is_empty() {
        return Err(StackError::NotRunning { service: service.to_owned(), env: env_name.to_owned() });
    }
    // `--` so that a name can never be read as one of Compose's options.
    run(workspace, env_name, "restarting", &["restart", "--", service], compose::lifecycle_deadline()).await
}

/// Pulls the environment's images.
pub async fn pull(workspace: &Workspace, env_name: &str) -> Result<(), StackError> {
    // Pulls of large images are slow by nature: an hour, or more when configured.
    run(workspace, env_name, "pulling", &["pull"], compose::lifecycle_deadline().max(Duration::from_secs(3600))).await
}

/// Removes the environment's containers and networks; named volumes only when asked
/// (their data is lost: the caller confirms first).
pub async fn down(workspace: &Workspace, env_name: &str, options: DownOptions) -> Result<(), StackError> {
    let project = workspace.schema.compose_project(env_name);
    let _lock = EnvLock::acquire(&project, "stopping")?;
    let spec = existing(workspace, env_name)?;
    let cli = ComposeCli::locate().await?;
    compose::down(&cli, &spec, options).await?;
    Ok(())
}
