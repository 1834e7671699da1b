//! Running an environment: start with live per-service state, stop, restart, status,
//! logs and stats. One operation at a time per environment.

mod control;
pub mod lock;
pub mod logs;
mod override_file;
pub mod progress;
mod state;
pub mod stats;
pub mod status;
mod up;
pub mod urls;

use crate::{
    compose::{ComposeError, ProjectSpec},
    engine::EngineError,
    secrets::{SecretStore, SecretsError},
    workspace::WorkspaceError,
    Diagnostic, Workspace,
};

pub use control::{down, pull, restart, stop};
pub use lock::{EnvLock, LockError};
pub use override_file::override_path;
pub use state::ServiceState;
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
    /// The generated override could not be written.
    #[error("cannot write the generated override {}: {source}", path.display())]
    Override {
        /// The file.
        path: std::path::PathBuf,
        /// The error.
        #[source]
        source: std::io::Error,
    },
}

impl Diagnostic for StackError {
    fn code(&self) -> &'static str {
        match self {
            Self::Workspace(e) => e.code(),
            Self::Lock(e) => e.code(),
            Self::Secrets(e) => e.code(),
            Self::Compose(e) => e.code(),
            Self::Engine(e) => e.code(),
            Self::UnknownService { .. } => "UnknownService",
            Self::Override { .. } => "OverrideUnwritable",
        }
    }

    fn hint(&self) -> Option<String> {
        match self {
            Self::Workspace(e) => e.hint(),
            Self::Lock(e) => e.hint(),
            Self::Secrets(e) => e.hint(),
            Self::Compose(e) => e.hint(),
            Self::Engine(e) => e.hint(),
            Self::UnknownService { known, .. } => Some(format!("its services are: {}", known.join(", "))),
            Self::Override { .. } => Some("check that the workspace folder is writable".into()),
        }
    }
}

/// The full spec of an environment for Compose calls that run it: generated override
/// written, secrets loaded from the keychain into the child environment.
pub async fn prepare(workspace: &Workspace, env_name: &str) -> Result<ProjectSpec, StackError> {
    let environment = workspace.environment(env_name)?;
    override_file::write(workspace, env_name, environment)?;
    let mut spec = ProjectSpec::of(workspace, env_name, environment);
    if !workspace.schema.secret_names(environment).is_empty() {
        let ws = workspace.clone();
        let env = env_name.to_owned();
        spec.secrets = tokio::task::spawn_blocking(move || SecretStore::open(&ws)?.load(&env))
            .await
            .map_err(|e| SecretsError::Manifest { path: "keychain task".into(), detail: e.to_string() })??;
    }
    Ok(spec)
}
