//! Stop, restart one service, pull, down: each under the environment's lock.

use super::{EnvLock, StackError};
use crate::{
    compose::{self, ComposeCli, DownOptions, ProjectSpec},
    Workspace,
};

async fn run(workspace: &Workspace, env_name: &str, operation: &str, args: &[&str]) -> Result<(), StackError> {
    let project = workspace.schema.compose_project(env_name);
    let _lock = EnvLock::acquire(&project, operation)?;
    let spec = existing(workspace, env_name)?;
    let cli = ComposeCli::locate().await?;
    compose::run(&cli, &spec, args).await?;
    Ok(())
}

/// The spec for verbs that act on existing containers (stop, restart, down, pull):
/// Compose still interpolates the files, but the secret values are not used, so
/// placeholders stand in and the keychain is not needed.
fn existing(workspace: &Workspace, env_name: &str) -> Result<ProjectSpec, StackError> {
    let environment = workspace.environment(env_name)?;
    Ok(ProjectSpec::of(workspace, env_name, environment).with_placeholder_secrets(workspace, environment))
}

/// Stops the environment's containers (they stay, with their data).
pub async fn stop(workspace: &Workspace, env_name: &str) -> Result<(), StackError> {
    run(workspace, env_name, "stopping", &["stop"]).await
}

/// Restarts one service.
pub async fn restart(workspace: &Workspace, env_name: &str, service: &str) -> Result<(), StackError> {
    run(workspace, env_name, "restarting", &["restart", service]).await
}

/// Pulls the environment's images.
pub async fn pull(workspace: &Workspace, env_name: &str) -> Result<(), StackError> {
    run(workspace, env_name, "pulling", &["pull"]).await
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
