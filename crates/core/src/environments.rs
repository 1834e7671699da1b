//! The environments of a workspace as both front ends list them.

use futures_util::{stream, StreamExt};

/// Compose processes `summarize` runs at once, however many environments there are.
const CONCURRENT_CONFIGS: usize = 4;
use serde::Serialize;

use crate::{
    compose::{self, ComposeCli, ComposeModel, ProjectSpec},
    schema::{Requirements, SchemaIssue},
    ErrorReport, Workspace,
};

/// One environment: what the schema says and what Compose resolves.
#[derive(Debug, Clone, Serialize)]
pub struct EnvironmentSummary {
    /// Name used on the command line, e.g. `dev`.
    pub name: String,
    /// Title for people.
    pub title: String,
    /// What it is for.
    pub description: Option<String>,
    /// Compose project name.
    pub project: String,
    /// Compose files as the schema lists them.
    pub compose_files: Vec<String>,
    /// Active profiles.
    pub profiles: Vec<String>,
    /// What the workstation needs (sizes in bytes), as the schema says it.
    pub requires: Requirements,
    /// Whether it needs an NVIDIA GPU: the schema's `requires.gpu` when given, else
    /// whether any service asks for one in the Compose files.
    pub needs_gpu: bool,
    /// Why the environment cannot be used as written (empty when it can).
    pub problems: Vec<SchemaIssue>,
    /// The services Compose resolves, or why it could not.
    pub services: ServiceList,
}

/// The services of an environment, as Compose resolves them.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "status", rename_all = "camelCase")]
pub enum ServiceList {
    /// Compose resolved the model.
    Resolved {
        /// Services in name order.
        services: Vec<ServiceSummary>,
    },
    /// Compose is missing or rejected the files.
    Unavailable {
        /// Why.
        error: ErrorReport,
    },
}

/// One service in a listing.
#[derive(Debug, Clone, Serialize)]
pub struct ServiceSummary {
    /// Service name.
    pub name: String,
    /// Image, when not built locally.
    pub image: Option<String>,
    /// Host ports it publishes.
    pub ports: Vec<u16>,
    /// Whether it asks for a GPU (any of Compose's ways).
    pub gpu: bool,
    /// Whether it has a healthcheck.
    pub healthcheck: bool,
}

fn services_of(model: &ComposeModel) -> Vec<ServiceSummary> {
    model
        .services
        .iter()
        .map(|(name, service)| ServiceSummary {
            name: name.clone(),
            image: service.image.clone(),
            ports: service.ports.iter().flat_map(|p| p.host_ports()).collect(),
            gpu: !compose::GpuNeed::of_service(name, service).is_empty(),
            healthcheck: service.has_healthcheck(),
        })
        .collect()
}

/// The environments of `workspace` whose Compose project has a running container, given
/// the engine's running projects ([`Engine::running_projects`](crate::engine::Engine::running_projects)).
pub fn running_in(workspace: &Workspace, running: &std::collections::HashSet<String>) -> Vec<String> {
    workspace.schema.environments.keys().filter(|env| running.contains(&workspace.schema.compose_project(env))).map(str::to_owned).collect()
}

/// Lists every environment, resolving each one's services through Compose concurrently.
pub async fn summarize(workspace: &Workspace) -> Vec<EnvironmentSummary> {
    let cli = ComposeCli::locate().await;
    let schema = &workspace.schema;
    let jobs: Vec<_> = schema.environments.iter().map(|(name, environment)| {
        let cli = &cli;
        async move {
            let model = match cli {
                Err(error) => Err(ErrorReport::of(error)),
                Ok(cli) => {
                    let spec = ProjectSpec::of(workspace, name, environment).with_placeholder_secrets(workspace, environment);
                    compose::config(cli, &spec).await.map_err(|error| ErrorReport::of(&error))
                }
            };
            let needs_gpu = environment
                .requires
                .gpu
                .unwrap_or_else(|| model.as_ref().is_ok_and(|m| !m.gpu_needs().is_empty()));
            let services = match model {
                Ok(model) => ServiceList::Resolved { services: services_of(&model) },
                Err(error) => ServiceList::Unavailable { error },
            };
            EnvironmentSummary {
                name: name.to_owned(),
                title: environment.title.clone(),
                description: environment.description.clone(),
                project: schema.compose_project(name),
                compose_files: environment.compose.clone(),
                profiles: environment.profiles.clone(),
                requires: environment.requires.clone(),
                needs_gpu,
                problems: schema.problems_of(name).cloned().collect(),
                services,
            }
        }
    }).collect();
    stream::iter(jobs).buffered(CONCURRENT_CONFIGS).collect().await
}
