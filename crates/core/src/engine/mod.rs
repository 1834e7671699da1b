//! The Docker Engine API through bollard, version negotiated (engines from 20.10 on).

pub mod disk;
pub mod endpoint;
pub mod events;

use std::time::Duration;

use bollard::{
    models::{ContainerSummary, SystemInfo},
    query_parameters::ListContainersOptionsBuilder,
    Docker,
};

pub use endpoint::{Endpoint, EndpointError};

use crate::Diagnostic;

/// How long an engine on this machine has to answer a ping.
pub const PING_TIMEOUT: Duration = Duration::from_secs(2);
/// How long a remote engine has (an ssh connection is set up first).
pub const REMOTE_PING_TIMEOUT: Duration = Duration::from_secs(10);
/// Seconds a request to the engine may take.
const REQUEST_TIMEOUT: u64 = 120;

/// A connected, answering Docker Engine.
#[derive(Clone)]
pub struct Engine {
    docker: Docker,
    endpoint: Endpoint,
}

/// Where the containers of an engine run, seen from this machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Locality {
    /// On this machine: its memory, disk, ports and GPU are the containers'.
    ThisMachine,
    /// In a VM on this machine (Docker Desktop, Colima, OrbStack, Rancher Desktop…):
    /// the engine's figures count; its ports are forwarded to this machine.
    VirtualMachine,
    /// On another machine: only what the engine says is known.
    Remote,
}

/// What the engine says about the machine that runs the containers.
#[derive(Debug, Clone, serde::Serialize)]
pub struct EngineFacts {
    /// The endpoint.
    pub endpoint: Endpoint,
    /// Where its containers run.
    pub locality: Locality,
    /// The engine's host name.
    pub name: String,
    /// Engine version.
    pub version: String,
    /// `Docker Desktop`, `Debian GNU/Linux 12 (bookworm)`…
    pub operating_system: String,
    /// `linux`.
    pub os_type: String,
    /// `x86_64`, `aarch64`.
    pub architecture: String,
    /// CPUs the engine has.
    pub cpus: u64,
    /// Memory the engine has, in bytes.
    pub memory: u64,
}

impl EngineFacts {
    /// `default (unix:///var/run/docker.sock), Docker 27.1 on linux/x86_64, 8 CPUs, 7.7 GiB`.
    pub fn summary(&self) -> String {
        let place = match self.locality {
            Locality::ThisMachine => "",
            Locality::VirtualMachine => ", in a VM",
            Locality::Remote => ", on another machine",
        };
        format!(
            "{}, Docker {} on {}/{}, {} CPUs, {}{place}",
            self.endpoint.label(),
            self.version,
            self.os_type,
            self.architecture,
            self.cpus,
            crate::checks::human_bytes(self.memory)
        )
    }
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
        /// What happened, naming the endpoint.
        detail: String,
    },
    /// Which engine to use could not be decided.
    #[error(transparent)]
    Endpoint(#[from] EndpointError),
    /// The engine answered with an error.
    #[error("the Docker engine refused the request: {0}")]
    Api(#[from] bollard::errors::Error),
}

impl Diagnostic for EngineError {
    fn code(&self) -> crate::Code {
        match self {
            Self::Unreachable { .. } => crate::Code::DockerUnreachable,
            Self::Api(_) => crate::Code::DockerApi,
            Self::Endpoint(e) => e.code(),
        }
    }

    fn hint(&self) -> Option<String> {
        match self {
            Self::Unreachable { .. } => Some(match endpoint::resolve() {
                Ok(e) if e.host.starts_with("ssh://") => {
                    let target = e.host.trim_start_matches("ssh://");
                    let ssh = match target.rsplit_once(':') {
                        Some((host, port)) if port.parse::<u16>().is_ok() => format!("ssh -p {port} {host}"),
                        _ => format!("ssh {target}"),
                    };
                    format!(
                        "check that `{ssh} docker info` works without a prompt (key authentication: ssh-agent or ~/.ssh/config; \
                         the server needs the docker CLI), or use another engine (`--context NAME`, `docker context ls`)"
                    )
                }
                Ok(e) if e.host != endpoint::DEFAULT_HOST => format!(
                    "check that the engine at {} runs and can be reached (`{}`), or use another one (`--context NAME`, `docker context ls`)",
                    e.host,
                    if e.context == "default" { format!("docker -H {} info", e.host) } else { format!("docker --context {} info", e.context) }
                ),
                _ if cfg!(target_os = "linux") => {
                    "start Docker: `sudo systemctl start docker` (or Docker Desktop), and check you may use /var/run/docker.sock".into()
                }
                _ => "start Docker Desktop and wait until it says it is running".into(),
            }),
            Self::Api(_) => None,
            Self::Endpoint(e) => e.hint(),
        }
    }
}

/// The engine Stackpilot uses now and the others it could use, for a front end's menu.
#[derive(Debug, Clone, serde::Serialize)]
pub struct EngineOverview {
    /// The endpoint in use, when it resolves.
    pub endpoint: Option<Endpoint>,
    /// What the engine says of itself, when it answers.
    pub facts: Option<EngineFacts>,
    /// Why it cannot be used, when it cannot.
    pub error: Option<crate::ErrorReport>,
    /// The docker CLI's contexts, `default` first.
    pub contexts: Vec<endpoint::ContextEntry>,
}

/// Resolves and asks the engine in use (bounded by the ping timeouts).
pub async fn overview() -> EngineOverview {
    let contexts = endpoint::contexts();
    let endpoint = match endpoint::resolve() {
        Ok(endpoint) => endpoint,
        Err(e) => return EngineOverview { endpoint: None, facts: None, error: Some(crate::ErrorReport::of(&e)), contexts },
    };
    let facts = match Engine::connect_to(endpoint.clone()).await {
        Ok(engine) => engine.facts().await.map_err(|e| crate::ErrorReport::of(&e)),
        Err(e) => Err(crate::ErrorReport::of(&e)),
    };
    match facts {
        Ok(facts) => EngineOverview { endpoint: Some(endpoint), facts: Some(facts), error: None, contexts },
        Err(error) => EngineOverview { endpoint: Some(endpoint), facts: None, error: Some(error), contexts },
    }
}

/// An error with its causes (`client error (Connect): Connection refused (os error 111)`):
/// bollard's own message alone does not say what failed.
/// An error and its causes in one line, without bollard's and hyper's wrappers, which say
/// nothing a person can act on.
fn causes(error: &(dyn std::error::Error + 'static)) -> String {
    const WRAPPERS: [&str; 2] = ["Error in the hyper legacy client: ", "client error (Connect)"];
    let mut parts: Vec<String> = Vec::new();
    let mut next = Some(error);
    while let Some(cause) = next {
        let part = WRAPPERS.iter().fold(cause.to_string(), |text, wrapper| text.replace(wrapper, ""));
        let part = part.trim_matches(|c: char| c == ':' || c.is_whitespace()).to_owned();
        if !part.is_empty() && !parts.iter().any(|p| p.contains(&part)) {
            parts.push(part);
        }
        next = cause.source();
    }
    if parts.is_empty() { error.to_string() } else { parts.join(": ") }
}

/// A bollard client for `endpoint` (not yet connected).
fn client(endpoint: &Endpoint) -> Result<Docker, bollard::errors::Error> {
    let host = endpoint.host.as_str();
    let version = bollard::API_DEFAULT_VERSION;
    if host.starts_with("ssh://") {
        return Docker::connect_with_ssh(host, REQUEST_TIMEOUT, version, None);
    }
    if host.starts_with("tcp://") || host.starts_with("http://") || host.starts_with("https://") {
        if let Some(tls) = endpoint.tls.as_ref().filter(|_| !host.starts_with("http://")) {
            return Docker::connect_with_ssl(host, &tls.dir.join("key.pem"), &tls.dir.join("cert.pem"), &tls.dir.join("ca.pem"), REQUEST_TIMEOUT, version);
        }
        return Docker::connect_with_http(host, REQUEST_TIMEOUT, version);
    }
    #[cfg(unix)]
    {
        Docker::connect_with_unix(host, REQUEST_TIMEOUT, version)
    }
    #[cfg(windows)]
    {
        Docker::connect_with_named_pipe(host, REQUEST_TIMEOUT, version)
    }
}

impl Engine {
    /// Connects to the engine the docker CLI would use ([`endpoint::resolve`]) and
    /// negotiates the API version, in bounded time.
    pub async fn connect() -> Result<Self, EngineError> {
        Self::connect_to(endpoint::resolve()?).await
    }

    /// Connects to `endpoint` and negotiates the API version (a real request: it answers),
    /// in bounded time.
    pub async fn connect_to(endpoint: Endpoint) -> Result<Self, EngineError> {
        let at = endpoint.label();
        let unreachable = |detail: String| EngineError::Unreachable { detail: format!("{at}: {detail}") };
        let docker = client(&endpoint).map_err(|e| unreachable(causes(&e)))?;
        let limit = if endpoint.is_on_this_host() { PING_TIMEOUT } else { REMOTE_PING_TIMEOUT };
        let silent = || unreachable(format!("no answer within {}s", limit.as_secs()));
        let docker = tokio::time::timeout(limit, docker.negotiate_version())
            .await
            .map_err(|_| silent())?
            .map_err(|e| unreachable(causes(&e)))?;
        Ok(Self { docker, endpoint })
    }

    /// The endpoint this engine was reached at.
    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    /// What the engine says about the machine that runs its containers.
    pub async fn facts(&self) -> Result<EngineFacts, EngineError> {
        let info = self.info().await?;
        Ok(self.facts_from(&info))
    }

    /// [`Engine::facts`] from a `docker info` already read.
    pub fn facts_from(&self, info: &SystemInfo) -> EngineFacts {
        let name = info.name.clone().unwrap_or_default();
        let operating_system = info.operating_system.clone().unwrap_or_default();
        let this_host = sysinfo::System::host_name().unwrap_or_default();
        let locality = if !self.endpoint.is_on_this_host() {
            Locality::Remote
        } else if operating_system.contains("Docker Desktop") || (!name.is_empty() && !this_host.is_empty() && name != this_host) {
            Locality::VirtualMachine
        } else {
            Locality::ThisMachine
        };
        EngineFacts {
            endpoint: self.endpoint.clone(),
            locality,
            name,
            version: info.server_version.clone().unwrap_or_default(),
            operating_system,
            os_type: info.os_type.clone().unwrap_or_default(),
            architecture: info.architecture.clone().unwrap_or_default(),
            cpus: info.ncpu.and_then(|n| u64::try_from(n).ok()).unwrap_or(0),
            memory: info.mem_total.and_then(|m| u64::try_from(m).ok()).unwrap_or(0),
        }
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
