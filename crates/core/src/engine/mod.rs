//! The Docker Engine API through bollard, version negotiated (engines from 20.10 on).

pub mod disk;
pub mod events;

use std::time::Duration;

use bollard::{
    models::{ContainerSummary, SystemInfo},
    query_parameters::ListContainersOptionsBuilder,
    Docker,
};

use crate::Diagnostic;

/// How long the engine has to answer a ping.
pub const PING_TIMEOUT: Duration = Duration::from_secs(2);

/// A connected, answering Docker Engine.
#[derive(Clone)]
pub struct Engine {
    docker: Docker,
}

/// What the engine says about itself.
#[derive(Debug, Clone, serde::Serialize)]
pub struct EngineVersion {
    /// Engine version, e.g. `20.10.24`.
    pub version: String,
    /// Negotiated API version.
    pub api_version: String,
}

/// Errors talking to the engine.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// The daemon does not answer.
    #[error("the Docker daemon does not answer: {detail}")]
    Unreachable {
        /// What happened.
        detail: String,
    },
    /// The engine answered with an error.
    #[error("the Docker engine refused the request: {0}")]
    Api(#[from] bollard::errors::Error),
}

impl Diagnostic for EngineError {
    fn code(&self) -> &'static str {
        match self {
            Self::Unreachable { .. } => "DockerUnreachable",
            Self::Api(_) => "DockerApi",
        }
    }

    fn hint(&self) -> Option<String> {
        match self {
            Self::Unreachable { .. } => Some(if cfg!(target_os = "linux") {
                "start Docker: `sudo systemctl start docker` (or Docker Desktop), and check you may use /var/run/docker.sock".into()
            } else {
                "start Docker Desktop and wait until it says it is running".into()
            }),
            Self::Api(_) => None,
        }
    }
}

impl Engine {
    /// Connects with the platform defaults (`DOCKER_HOST` honoured), negotiates the API version and pings.
    pub async fn connect() -> Result<Self, EngineError> {
        let docker = Docker::connect_with_local_defaults()
            .map_err(|e| EngineError::Unreachable { detail: e.to_string() })?;
        let unreachable = |detail: String| EngineError::Unreachable { detail };
        let docker = tokio::time::timeout(PING_TIMEOUT, docker.negotiate_version())
            .await
            .map_err(|_| unreachable(format!("no answer within {}s", PING_TIMEOUT.as_secs())))?
            .map_err(|e| unreachable(e.to_string()))?;
        tokio::time::timeout(PING_TIMEOUT, docker.ping())
            .await
            .map_err(|_| unreachable(format!("no answer within {}s", PING_TIMEOUT.as_secs())))?
            .map_err(|e| unreachable(e.to_string()))?;
        Ok(Self { docker })
    }

    /// The engine's version and the negotiated API version.
    pub async fn version(&self) -> Result<EngineVersion, EngineError> {
        let version = self.docker.version().await?;
        Ok(EngineVersion {
            version: version.version.unwrap_or_default(),
            api_version: self.docker.client_version().to_string(),
        })
    }

    /// `docker info`: runtimes, data root, CDI spec folders.
    pub async fn info(&self) -> Result<SystemInfo, EngineError> {
        Ok(self.docker.info().await?)
    }

    /// Containers, running only or all, optionally with their sizes (slower).
    pub async fn containers(&self, all: bool, sizes: bool) -> Result<Vec<ContainerSummary>, EngineError> {
        let options = ListContainersOptionsBuilder::new().all(all).size(sizes).build();
        Ok(self.docker.list_containers(Some(options)).await?)
    }

    /// Containers of a Compose project (running only or all), optionally of one service,
    /// filtered by the engine on Compose's labels.
    pub async fn project_containers(
        &self,
        project: &str,
        service: Option<&str>,
        all: bool,
    ) -> Result<Vec<ContainerSummary>, EngineError> {
        let mut labels = vec![format!("com.docker.compose.project={project}")];
        if let Some(service) = service {
            labels.push(format!("com.docker.compose.service={service}"));
        }
        let filters: std::collections::HashMap<String, Vec<String>> = [("label".to_owned(), labels)].into_iter().collect();
        let options = ListContainersOptionsBuilder::new().all(all).filters(&filters).build();
        Ok(self.docker.list_containers(Some(options)).await?)
    }

    /// The Compose projects with at least one running container (one request).
    pub async fn running_projects(&self) -> Result<std::collections::HashSet<String>, EngineError> {
        let filters: std::collections::HashMap<String, Vec<String>> =
            [("label".to_owned(), vec!["com.docker.compose.project".to_owned()])].into_iter().collect();
        let options = ListContainersOptionsBuilder::new().all(false).filters(&filters).build();
        let containers = self.docker.list_containers(Some(options)).await?;
        Ok(containers
            .into_iter()
            .filter_map(|c| c.labels.and_then(|mut l| l.remove("com.docker.compose.project")))
            .collect())
    }

    /// The bollard client, for operations in other modules.
    pub fn docker(&self) -> &Docker {
        &self.docker
    }
}
