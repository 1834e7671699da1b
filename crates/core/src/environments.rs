//! The environments of a workspace as both front ends list them.

use futures_util::{stream, StreamExt};

/// Compose processes `summarize` runs at once, however many environments there are.
pub(crate) const CONCURRENT_CONFIGS: usize = 4;
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
    /// What this machine lacks for it, as far as can be told before the checks (a GPU,
    /// memory); empty when it looks able to run it.
    pub lacks: Vec<String>,
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

/// Whether an environment needs an NVIDIA GPU: the schema's `requires.gpu` when given, else
/// whether any service of its resolved model asks for one.
pub fn needs_gpu(environment: &crate::schema::Environment, model: Option<&ComposeModel>) -> bool {
    environment.requires.gpu.unwrap_or_else(|| model.is_some_and(|m| !m.gpu_needs().is_empty()))
}

/// The services of a resolved model, in name order, as a listing shows them.
pub fn services_of(model: &ComposeModel) -> Vec<ServiceSummary> {
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

/// What the machine that runs the containers has, as far as is quickly known.
struct Machine {
    /// Memory of the engine's machine (Docker Desktop's VM, a remote server), else this one's.
    memory: Option<u64>,
    /// NVIDIA GPUs on this machine; `None` when it cannot be told (a remote engine, NVML failing).
    gpus: Option<usize>,
}

impl Machine {
    async fn read() -> Self {
        let facts = match crate::engine::Engine::connect().await {
            Ok(engine) => engine.facts().await.ok(),
            Err(_) => None,
        };
        let local = facts.as_ref().is_none_or(|f| f.locality == crate::engine::Locality::ThisMachine);
        let memory = facts.as_ref().map(|f| f.memory).filter(|m| *m > 0).or_else(|| crate::host::memory::memory().ok().map(|m| m.total));
        let gpus = if local {
            match tokio::task::spawn_blocking(crate::host::gpu::detect).await {
                Ok(crate::host::gpu::GpuFacts::Devices { gpus, .. }) => Some(gpus.len()),
                Ok(crate::host::gpu::GpuFacts::NoDriver { .. } | crate::host::gpu::GpuFacts::NoDevice { .. }) => Some(0),
                _ => None,
            }
        } else {
            None
        };
        Self { memory, gpus }
    }

    /// What it lacks for an environment that needs `gpu` and `requires`.
    fn lacks(&self, gpu: bool, requires: &Requirements) -> Vec<String> {
        let mut lacks = Vec::new();
        if gpu && self.gpus == Some(0) {
            lacks.push("needs an NVIDIA GPU; none was found here".to_owned());
        }
        if let (Some(needed), Some(has)) = (requires.memory.map(|m| m.0), self.memory) {
            if has < needed {
                lacks.push(format!("needs {} of memory; the engine has {}", crate::checks::human_bytes(needed), crate::checks::human_bytes(has)));
            }
        }
        lacks
    }
}

/// The environment to suggest to someone starting out: one this machine can run, with no
/// schema problem, the one named `first-run` when there is such, else the one needing
/// the least memory.
pub fn suggested(environments: &[EnvironmentSummary]) -> Option<String> {
    let usable = || environments.iter().filter(|e| e.lacks.is_empty() && e.problems.is_empty() && !e.needs_gpu);
    usable()
        .find(|e| e.name == "first-run")
        .or_else(|| usable().min_by_key(|e| e.requires.memory.map(|m| m.0).unwrap_or(0)))
        .map(|e| e.name.clone())
}

/// Lists every environment, resolving each one's services through Compose concurrently.
pub async fn summarize(workspace: &Workspace) -> Vec<EnvironmentSummary> {
    let (cli, machine) = tokio::join!(ComposeCli::locate(), Machine::read());
    let machine = &machine;
    let schema = &workspace.schema;
    let jobs: Vec<_> = schema.environments.iter().map(|(name, environment)| {
        let cli = &cli;
        async move {
            let model = match cli {
                Err(error) => Err(ErrorReport::of(error)),
                Ok(cli) => {
                    let spec = ProjectSpec::with_placeholder_secrets(crate::Env { workspace, name, environment });
                    compose::config(cli, &spec).await.map_err(|error| ErrorReport::of(&error))
                }
            };
            let needs_gpu = needs_gpu(environment, model.as_ref().ok());
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
                lacks: machine.lacks(needs_gpu, &environment.requires),
                problems: schema.problems_of(name).cloned().collect(),
                services,
            }
        }
    }).collect();
    stream::iter(jobs).buffered(CONCURRENT_CONFIGS).collect().await
}
