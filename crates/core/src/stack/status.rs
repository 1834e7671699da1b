//! The state of every service of a project, read from the engine.

use bollard::models::{ContainerStateStatusEnum, HealthStatusEnum};
use serde::Serialize;

use super::ServiceState;
use crate::engine::{Engine, EngineError};

/// One service as the engine sees it now.
#[derive(Debug, Clone, Serialize)]
pub struct ServiceStatus {
    /// Compose service.
    pub service: String,
    /// Container name.
    pub container: String,
    /// Its state.
    pub state: ServiceState,
    /// When it started (RFC 3339, from the engine).
    pub started_at: Option<String>,
    /// Host ports it publishes.
    pub ports: Vec<u16>,
    /// The last healthcheck outputs, newest last.
    pub health_log: Vec<String>,
}

/// The containers of `project` and their states (one entry per container).
pub async fn project_status(engine: &Engine, project: &str) -> Result<Vec<ServiceStatus>, EngineError> {
    let containers = engine.project_containers(project, None, true).await?;
    let mut out = Vec::new();
    for summary in containers {
        let Some(id) = summary.id.as_deref() else { continue };
        let service = summary
            .labels
            .as_ref()
            .and_then(|l| l.get("com.docker.compose.service"))
            .cloned()
            .unwrap_or_default();
        let inspect = match engine.docker().inspect_container(id, None).await {
            Ok(inspect) => inspect,
            Err(bollard::errors::Error::DockerResponseServerError { status_code: 404, .. }) => continue,
            Err(e) => return Err(e.into()),
        };
        let state = inspect.state.unwrap_or_default();
        let health = state.health.clone();
        let service_state = match (state.status, health.as_ref().and_then(|h| h.status)) {
            (Some(ContainerStateStatusEnum::RUNNING), Some(HealthStatusEnum::HEALTHY)) => ServiceState::Healthy,
            (Some(ContainerStateStatusEnum::RUNNING), Some(HealthStatusEnum::UNHEALTHY)) => ServiceState::Unhealthy,
            (Some(ContainerStateStatusEnum::RUNNING), Some(HealthStatusEnum::STARTING)) => ServiceState::Starting,
            (Some(ContainerStateStatusEnum::RUNNING), _) => ServiceState::Running,
            (Some(ContainerStateStatusEnum::RESTARTING), _) => ServiceState::Restarting,
            (Some(ContainerStateStatusEnum::CREATED), _) => ServiceState::Created,
            (Some(ContainerStateStatusEnum::EXITED), _) if matches!(state.exit_code, Some(137 | 143)) && state.oom_killed != Some(true) => {
                ServiceState::Stopped(state.exit_code.unwrap_or(-1))
            }
            (Some(ContainerStateStatusEnum::EXITED | ContainerStateStatusEnum::DEAD), _) => {
                ServiceState::Exited(state.exit_code.unwrap_or(-1))
            }
            _ => ServiceState::Pending,
        };
        let health_log = health
            .and_then(|h| h.log)
            .unwrap_or_default()
            .into_iter()
            .rev()
            .take(5)
            .rev()
            .map(|r| crate::secrets::redact::redact(&format!("exit {}: {}", r.exit_code.unwrap_or(-1), r.output.unwrap_or_default().trim())))
            .collect();
        out.push(ServiceStatus {
            service,
            container: summary.names.and_then(|n| n.first().cloned()).unwrap_or_default().trim_start_matches('/').to_owned(),
            state: service_state,
            started_at: state.started_at,
            ports: summary.ports.unwrap_or_default().iter().filter_map(|p| p.public_port).collect(),
            health_log,
        });
    }
    out.sort_by(|a, b| a.service.cmp(&b.service).then(a.container.cmp(&b.container)));
    Ok(out)
}
