//! Starting and removing a project through the Compose CLI.

use std::time::Duration;

use super::{ComposeCli, ComposeError, ProjectSpec};

/// Options of `up`.
#[derive(Debug, Clone, Default)]
pub struct UpOptions {
    /// Wait until services are running or healthy (`--wait`), at most this long.
    pub wait: Option<Duration>,
    /// Build images that have a build section first.
    pub build: bool,
}

/// Options of `down`.
#[derive(Debug, Clone, Copy)]
pub struct DownOptions {
    /// Also remove named volumes (data is lost: confirm first).
    pub volumes: bool,
    /// How long Compose may take before it is stopped.
    pub deadline: Duration,
}

impl Default for DownOptions {
    fn default() -> Self {
        Self { volumes: false, deadline: super::config::lifecycle_deadline() }
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
    let deadline = options.wait.map_or_else(super::config::lifecycle_deadline, |w| w + super::config::lifecycle_deadline());
    super::config::run_within(cli, spec, &args.iter().map(String::as_str).collect::<Vec<_>>(), deadline).await.map(|_| ())
}

/// `docker compose down` for the project.
pub async fn down(cli: &ComposeCli, spec: &ProjectSpec, options: DownOptions) -> Result<(), ComposeError> {
    let mut args = vec!["down".to_owned(), "--remove-orphans".to_owned()];
    if options.volumes {
        args.push("--volumes".into());
    }
    super::config::run_within(cli, spec, &args.iter().map(String::as_str).collect::<Vec<_>>(), options.deadline).await.map(|_| ())
}

/// `docker compose create --no-recreate` for `services`: containers that do not exist yet
/// are created (not started) with their networks and volumes; existing ones are left as
/// they are.
pub async fn create(cli: &ComposeCli, spec: &ProjectSpec, services: &[String]) -> Result<(), ComposeError> {
    // `--` so that a name can never be read as one of Compose's options.
    let mut args = vec!["create", "--no-recreate", "--"];
    args.extend(services.iter().map(String::as_str));
    super::config::run_within(cli, spec, &args, super::config::lifecycle_deadline()).await.map(|_| ())
}
