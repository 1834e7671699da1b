//! The engine's container events for one Compose project: one stream, filtered by the
//! engine itself (project label, container events of interest), no polling.

use std::collections::HashMap;

use bollard::query_parameters::EventsOptions;
use futures_util::{Stream, StreamExt};
use serde::Serialize;

use super::{Engine, EngineError};

/// What happened to a container.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum ContainerAction {
    /// Created.
    Create,
    /// Started.
    Start,
    /// Its main process ended.
    Die,
    /// Healthcheck passed.
    Healthy,
    /// Healthcheck failed its retries.
    Unhealthy,
    /// Restarted (by policy or by hand).
    Restart,
    /// Removed.
    Destroy,
    /// Killed for lack of memory.
    Oom,
}

/// One container event of a project.
#[derive(Debug, Clone, Serialize)]
pub struct ContainerEvent {
    /// Compose service.
    pub service: String,
    /// Container name.
    pub container: String,
    /// Container id.
    pub id: String,
    /// What happened.
    pub action: ContainerAction,
    /// Exit code, for `Die`.
    pub exit_code: Option<i64>,
    /// Engine time of the event, nanoseconds since the epoch.
    pub time_nano: i64,
}

fn action(raw: &str) -> Option<ContainerAction> {
    Some(match raw {
        "create" => ContainerAction::Create,
        "start" => ContainerAction::Start,
        "die" => ContainerAction::Die,
        "restart" => ContainerAction::Restart,
        "destroy" => ContainerAction::Destroy,
        "oom" => ContainerAction::Oom,
        s if s.starts_with("health_status: healthy") => ContainerAction::Healthy,
        s if s.starts_with("health_status: unhealthy") => ContainerAction::Unhealthy,
        _ => return None,
    })
}

/// Container events of the Compose project `project`, as they happen; with `since`
/// (Unix seconds), the engine first replays what it saw from then on.
pub fn project_events(engine: &Engine, project: &str, since: Option<i64>) -> impl Stream<Item = Result<ContainerEvent, EngineError>> + 'static {
    let filters: HashMap<String, Vec<String>> = [
        ("type".to_owned(), vec!["container".to_owned()]),
        ("label".to_owned(), vec![format!("com.docker.compose.project={project}")]),
        (
            "event".to_owned(),
            ["create", "start", "die", "health_status", "restart", "destroy", "oom"].map(String::from).to_vec(),
        ),
    ]
    .into_iter()
    .collect();
    let options = EventsOptions { filters: Some(filters), since: since.map(|s| s.to_string()), ..Default::default() };
    engine.docker().events(Some(options)).filter_map(|message| async move {
        let message = match message {
            Ok(message) => message,
            Err(e) => return Some(Err(EngineError::from(e))),
        };
        let action = action(message.action.as_deref()?)?;
        let (id, attributes) = message.actor.map(|a| (a.id.unwrap_or_default(), a.attributes.unwrap_or_default())).unwrap_or_default();
        Some(Ok(ContainerEvent {
            service: attributes.get("com.docker.compose.service")?.clone(),
            container: attributes.get("name").cloned().unwrap_or_default(),
            id,
            action,
            exit_code: attributes.get("exitCode").and_then(|c| c.parse().ok()),
            time_nano: message.time_nano.unwrap_or_default(),
        }))
    })
}
