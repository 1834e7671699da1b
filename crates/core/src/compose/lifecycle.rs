//! Starting and removing a project through the Compose CLI. Secrets travel in the
//! child's environment only; Compose's messages are redacted before they go anywhere.

use std::time::Duration;

use super::{ComposeCli, ComposeError, ProjectSpec};
use crate::secrets::redact::redact;

/// Options of `up`.
#[derive(Debug, Clone, Default)]
pub struct UpOptions {
    /// Wait until services are running or healthy (`--wait`), at most this long.
    pub wait: Option<Duration>,
    /// Build images that have a build section first.
    pub build: bool,
}

/// Options of `down`.
#[derive(Debug, Clone, Copy, Default)]
pub struct DownOptions {
    /// Also remove named volumes (data is lost: confirm first).
    pub volumes: bool,
}

async fn run(cli: &ComposeCli, spec: &ProjectSpec, args: &[String]) -> Result<(), ComposeError> {
    let mut command = cli.command();
    spec.apply(&mut command);
    command.args(args);
    let output = command
        .output()
        .await
        .map_err(|source| ComposeError::Spawn { program: cli.program().clone(), source })?;
    if output.status.success() {
        Ok(())
    } else {
        let stderr = redact(&String::from_utf8_lossy(&output.stderr));
        Err(ComposeError::Rejected { project: spec.name.clone(), message: stderr.trim().lines().last().unwrap_or("failed").to_owned() })
    }
}

/// `docker compose up --detach` for the project.
pub async fn up(cli: &ComposeCli, spec: &ProjectSpec, options: &UpOptions) -> Result<(), ComposeError> {
    let mut args = vec!["up".to_owned(), "--detach".to_owned()];
    if options.build {
        args.push("--build".into());
    }
    if let Some(wait) = options.wait {
        args.extend(["--wait".into(), "--wait-timeout".into(), wait.as_secs().max(1).to_string()]);
    }
    run(cli, spec, &args).await
}

/// `docker compose down` for the project.
pub async fn down(cli: &ComposeCli, spec: &ProjectSpec, options: DownOptions) -> Result<(), ComposeError> {
    let mut args = vec!["down".to_owned(), "--remove-orphans".to_owned()];
    if options.volumes {
        args.push("--volumes".into());
    }
    run(cli, spec, &args).await
}
