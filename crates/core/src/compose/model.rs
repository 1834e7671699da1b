//! Typed view of `docker compose config --format json`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// A resolved Compose project.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct ComposeModel {
    /// Project name.
    #[serde(default)]
    pub name: String,
    /// Services by name (only those of active profiles).
    #[serde(default)]
    pub services: BTreeMap<String, Service>,
    /// Named networks.
    #[serde(default)]
    pub networks: BTreeMap<String, serde_json::Value>,
    /// Named volumes.
    #[serde(default)]
    pub volumes: BTreeMap<String, serde_json::Value>,
    /// Variables the files use that nothing set (Compose substituted an empty string).
    #[serde(skip)]
    pub unset_variables: Vec<String>,
}

/// One service of the resolved model.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct Service {
    /// Image reference, when given.
    #[serde(default)]
    pub image: Option<String>,
    /// Build settings, when the image is built locally.
    #[serde(default)]
    pub build: Option<serde_json::Value>,
    /// Published ports.
    #[serde(default)]
    pub ports: Vec<PortMapping>,
    /// Health probe.
    #[serde(default)]
    pub healthcheck: Option<Healthcheck>,
    /// Services this one waits for.
    #[serde(default)]
    pub depends_on: BTreeMap<String, DependsOn>,
    /// Resources and replicas.
    #[serde(default)]
    pub deploy: Option<Deploy>,
    /// Profiles the service belongs to.
    #[serde(default)]
    pub profiles: Vec<String>,
    /// `mem_limit` (Compose prints it as a number).
    #[serde(default)]
    pub mem_limit: Option<Bytes>,
    /// `mem_reservation`.
    #[serde(default)]
    pub mem_reservation: Option<Bytes>,
    /// `scale`: the number of containers, like `deploy.replicas`.
    #[serde(default)]
    pub scale: Option<u32>,
    /// Service-level `gpus:` (Compose ≥ 2.30), as printed.
    #[serde(default)]
    pub gpus: Option<serde_json::Value>,
    /// Container runtime, e.g. `nvidia`.
    #[serde(default)]
    pub runtime: Option<String>,
    /// Devices mapped in, including CDI names such as `nvidia.com/gpu=all`.
    #[serde(default)]
    pub devices: Option<Vec<DeviceMapping>>,
    /// What the service mounts (named volumes, binds, tmpfs).
    #[serde(default)]
    pub volumes: Vec<Mount>,
    /// The container's variables as the files give them (`None`: passed through from the
    /// environment Compose runs in, unresolved).
    #[serde(default)]
    pub environment: BTreeMap<String, Option<String>>,
}

/// A `volumes:` entry of a service, in Compose's long form.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct Mount {
    /// `volume`, `bind`, `tmpfs`, `npipe`, `cluster`.
    #[serde(rename = "type", default)]
    pub kind: String,
    /// The named volume's key (for `volume`), the host path (for `bind`).
    #[serde(default)]
    pub source: Option<String>,
    /// Where it is mounted in the container.
    #[serde(default)]
    pub target: String,
    /// Mounted read-only.
    #[serde(default)]
    pub read_only: bool,
}

impl Mount {
    /// The named volume mounted, when this is one (not an anonymous volume).
    pub fn named_volume(&self) -> Option<&str> {
        self.source.as_deref().filter(|s| self.kind == "volume" && !s.is_empty())
    }
}

/// A `devices:` entry.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct DeviceMapping {
    /// Host device path or CDI name.
    #[serde(default)]
    pub source: String,
}

/// A byte count that Compose prints as a number in some places and a string in others.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Bytes(pub u64);

impl<'de> Deserialize<'de> for Bytes {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Number(u64),
            Text(String),
        }
        match Raw::deserialize(deserializer)? {
            Raw::Number(n) => Ok(Bytes(n)),
            Raw::Text(t) => t
                .trim()
                .parse()
                .map(Bytes)
                .map_err(|_| serde::de::Error::custom(format!("`{t}` is not a byte count"))),
        }
    }
}

/// A published port.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct PortMapping {
    /// Container port.
    #[serde(default)]
    pub target: u16,
    /// Host port or range, as Compose prints it.
    #[serde(default)]
    pub published: Option<String>,
    /// Host address, empty for all.
    #[serde(default)]
    pub host_ip: Option<String>,
    /// `tcp` or `udp`.
    #[serde(default)]
    pub protocol: Option<String>,
}

impl PortMapping {
    /// Host ports this mapping publishes (ranges expanded).
    pub fn host_ports(&self) -> Vec<u16> {
        let Some(published) = &self.published else { return Vec::new() };
        match published.split_once('-') {
            Some((a, b)) => match (a.parse::<u16>(), b.parse::<u16>()) {
                (Ok(a), Ok(b)) if a <= b => (a..=b).collect(),
                _ => Vec::new(),
            },
            None => published.parse().ok().into_iter().collect(),
        }
    }
}

/// A service's healthcheck.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct Healthcheck {
    /// The probe command.
    #[serde(default)]
    pub test: Vec<String>,
    /// Whether the image's healthcheck is switched off.
    #[serde(default)]
    pub disable: bool,
}

/// A `depends_on` entry.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct DependsOn {
    /// `service_started`, `service_healthy` or `service_completed_successfully`.
    #[serde(default)]
    pub condition: String,
}

/// `deploy:` settings.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct Deploy {
    /// Number of containers.
    #[serde(default)]
    pub replicas: Option<u32>,
    /// Limits and reservations.
    #[serde(default)]
    pub resources: Resources,
}

/// `deploy.resources`.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct Resources {
    /// Upper limits.
    #[serde(default)]
    pub limits: Option<Limits>,
    /// Reservations, including GPU devices.
    #[serde(default)]
    pub reservations: Option<Reservations>,
}

/// `deploy.resources.limits`.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct Limits {
    /// Memory limit (Compose prints it as a string).
    #[serde(default)]
    pub memory: Option<Bytes>,
}

/// `deploy.resources.reservations`.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct Reservations {
    /// Reserved memory.
    #[serde(default)]
    pub memory: Option<Bytes>,
    /// Device requests such as GPUs.
    #[serde(default)]
    pub devices: Vec<DeviceRequest>,
}

/// A device reservation.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct DeviceRequest {
    /// Capabilities such as `gpu`.
    #[serde(default)]
    pub capabilities: Vec<String>,
    /// Driver, e.g. `nvidia`.
    #[serde(default)]
    pub driver: Option<String>,
    /// Number of devices; `count: all` is printed as -1.
    #[serde(default)]
    pub count: Option<i64>,
    /// Specific device ids.
    #[serde(default)]
    pub device_ids: Vec<String>,
}

impl Service {
    /// Device reservations under `deploy.resources.reservations.devices`.
    pub fn device_requests(&self) -> &[DeviceRequest] {
        self.deploy
            .as_ref()
            .and_then(|d| d.resources.reservations.as_ref())
            .map(|r| r.devices.as_slice())
            .unwrap_or_default()
    }

    /// Whether the service reserves a GPU (device reservation or `gpus:`).
    pub fn wants_gpu(&self) -> bool {
        self.gpus.as_ref().is_some_and(|g| !g.is_null())
            || self.device_requests().iter().any(|d| d.capabilities.iter().any(|c| c == "gpu"))
    }

    /// The service-level `gpus:` requests, read as device requests.
    pub fn gpus_requests(&self) -> Vec<DeviceRequest> {
        match &self.gpus {
            Some(serde_json::Value::Array(items)) => {
                items.iter().filter_map(|i| serde_json::from_value(i.clone()).ok()).collect()
            }
            Some(serde_json::Value::String(text)) if text == "all" => vec![DeviceRequest { count: Some(-1), ..DeviceRequest::default() }],
            _ => Vec::new(),
        }
    }

    /// The memory reservation from `deploy.resources.reservations.memory`, else `mem_reservation`.
    pub fn memory_reservation(&self) -> Option<u64> {
        self.deploy
            .as_ref()
            .and_then(|d| d.resources.reservations.as_ref())
            .and_then(|r| r.memory)
            .or(self.mem_reservation)
            .map(|b| b.0)
    }

    /// How many containers Compose starts: `deploy.replicas`, else `scale`, else one.
    pub fn replicas(&self) -> u32 {
        self.deploy.as_ref().and_then(|d| d.replicas).or(self.scale).unwrap_or(1)
    }

    /// The memory limit from `deploy.resources.limits.memory`, else `mem_limit`.
    pub fn memory_limit(&self) -> Option<u64> {
        self.deploy
            .as_ref()
            .and_then(|d| d.resources.limits.as_ref())
            .and_then(|l| l.memory)
            .or(self.mem_limit)
            .map(|b| b.0)
    }

    /// Whether the image is built locally rather than pulled.
    pub fn is_built(&self) -> bool {
        self.build.as_ref().is_some_and(|b| !b.is_null())
    }

    /// Whether the service has an active healthcheck.
    pub fn has_healthcheck(&self) -> bool {
        self.healthcheck.as_ref().is_some_and(|h| !h.disable && h.test.first().is_some_and(|t| t != "NONE"))
    }
}
