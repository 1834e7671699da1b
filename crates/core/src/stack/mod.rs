//! Running an environment: start with live per-service state, stop, restart, status,
//! logs and stats. One operation at a time per environment.

mod control;
pub mod lock;
pub mod logs;
pub mod progress;
pub mod pull;
pub mod start;
mod state;
pub mod stats;
pub mod status;
mod tracker;
mod up;
pub mod urls;

use crate::{
    compose::{ComposeError, ProjectSpec},
    engine::EngineError,
    secrets::{SecretStore, SecretsError},
    workspace::WorkspaceError,
    Diagnostic, Env,
};

pub use control::{down, known_service, pull, restart, restart_all, service_names, stop};
pub use lock::{EnvLock, LockError};
pub use state::ServiceState;
pub use start::{start, AppliedFix, StartEvent, StartOptions, StartOutcome, StartReport};
pub use up::{up, ServiceReport, UpEvent, UpOptions, UpOutcome, UpReport};

/// Why an operation on a running environment could not be done.
#[derive(Debug, thiserror::Error)]
pub enum StackError {
    /// The environment or workspace is wrong.
    #[error(transparent)]
    Workspace(#[from] WorkspaceError),
    /// Another operation holds the environment.
    #[error(transparent)]
    Lock(#[from] LockError),
    /// Secrets are missing or the keychain is not there.
    #[error(transparent)]
    Secrets(#[from] SecretsError),
    /// Compose is missing or refused.
    #[error(transparent)]
    Compose(#[from] ComposeError),
    /// The engine is not answering.
    #[error(transparent)]
    Engine(#[from] EngineError),
    /// A service named on the command line or by the UI that the environment does not have.
    #[error("{env} has no service `{}`", service.escape_debug())]
    NoSuchService {
        /// The name given.
        service: String,
        /// Environment.
        env: String,
        /// Services it has.
        known: Vec<String>,
    },
    /// The service has no container: the environment (or that service) is not started.
    #[error("{service} of {env} is not running: there is nothing to restart")]
    NotRunning {
        /// The service.
        service: String,
        /// Environment.
        env: String,
    },
    /// `wait_for` names a service the environment does not have.
    #[error("`wait_for` names `{service}`, which {env} does not run")]
    UnknownService {
        /// The name.
        service: String,
        /// Environment.
        env: String,
        /// Services it runs.
        known: Vec<String>,
    },
}

impl Diagnostic for StackError {
    fn code(&self) -> crate::Code {
        match self {
            Self::Workspace(e) => e.code(),
            Self::Lock(e) => e.code(),
            Self::Secrets(e) => e.code(),
            Self::Compose(e) => e.code(),
            Self::Engine(e) => e.code(),
            Self::UnknownService { .. } | Self::NoSuchService { .. } => crate::Code::UnknownService,
            Self::NotRunning { .. } => crate::Code::NotRunning,
        }
    }

    fn hint(&self) -> Option<String> {
        match self {
            Self::Workspace(e) => e.hint(),
            Self::Lock(e) => e.hint(),
            Self::Secrets(e) => e.hint(),
            Self::Compose(e) => e.hint(),
            Self::Engine(e) => e.hint(),
            Self::UnknownService { known, .. } | Self::NoSuchService { known, .. } => {
                Some(format!("its services are: {}", known.join(", ")))
            }
            Self::NotRunning { env, .. } => Some(format!("start it with `stackpilot up {env}`")),
        }
    }
}

/// Loads the values of the environment's secrets into the redaction list, so that what
/// its containers print (logs, healthcheck output, exit messages) never shows them.
/// An environment without secrets needs no keychain. Fails when the keychain cannot be
/// read: callers then say once that lines are not redacted.
pub async fn load_redactions(env: Env<'_>) -> Result<usize, SecretsError> {
    if env.workspace.schema.secret_names(env.environment).is_empty() {
        return Ok(0);
    }
    let ws = env.workspace.clone();
    let env = env.name.to_owned();
    tokio::task::spawn_blocking(move || SecretStore::open(&ws)?.remember_values(&env))
        .await
        .map_err(|e| SecretsError::Manifest { path: "keychain task".into(), detail: e.to_string() })?
}

/// The full spec of an environment for Compose calls that run it: generated override
/// written, secrets loaded from the keychain into the child environment.
pub async fn prepare(env: Env<'_>) -> Result<ProjectSpec, StackError> {
    let mut spec = ProjectSpec::of(env);
    if !env.workspace.schema.secret_names(env.environment).is_empty() {
        let ws = env.workspace.clone();
        let env = env.name.to_owned();
        spec.secrets = tokio::task::spawn_blocking(move || SecretStore::open(&ws)?.load(&env))
            .await
            .map_err(|e| SecretsError::Manifest { path: "keychain task".into(), detail: e.to_string() })??;
    }
    Ok(spec)
}
