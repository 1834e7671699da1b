//! ports: every port the environment publishes (TCP, UDP, SCTP; every host address,
//! each port of a range) is free and published once, or says who holds it and how to
//! free it.

use std::collections::BTreeSet;

use bollard::models::ContainerSummary;

use super::{remap, CheckContext, CheckResult, CheckStatus::*, Fix};
use crate::{
    compose::ComposeModel,
    host::ports::{self, PortStatus, Protocol},
};

/// Label Compose puts on every container of a project.
pub const PROJECT_LABEL: &str = "com.docker.compose.project";

/// One published host port of the environment.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Published {
    pub port: u16,
    pub protocol: Protocol,
    pub host_ip: String,
    pub service: String,
    /// Index of the mapping in the service's `ports`.
    pub index: usize,
    /// Whether it is one port of a range (`8000-8006`).
    pub in_range: bool,
}

impl Published {
    /// `5432/tcp`, `127.0.0.1:8081/tcp`, `[::1]:53/udp`.
    pub fn label(&self) -> String {
        let address = match self.host_ip.as_str() {
            "" => String::new(),
            ip if ip.contains(':') && !ip.starts_with('[') => format!("[{ip}]:"),
            ip => format!("{ip}:"),
        };
        format!("{address}{}/{}", self.port, self.protocol.as_str())
    }

    /// Whether two publishes would bind the same socket (the same port and protocol on
    /// the same address, or either on every address).
    fn clashes_with(&self, other: &Published) -> bool {
        let wildcard = |ip: &str| matches!(ip, "" | "0.0.0.0" | "::" | "[::]");
        self.port == other.port
            && self.protocol == other.protocol
            && (self.host_ip == other.host_ip || wildcard(&self.host_ip) || wildcard(&other.host_ip))
    }
}

/// Every fixed host port the model publishes, and how many mappings let Docker pick one.
fn published(model: &ComposeModel) -> (Vec<Published>, usize) {
    let mut out = Vec::new();
    let mut ephemeral = 0;
    for (service, s) in &model.services {
        for (index, p) in s.ports.iter().enumerate() {
            let Some(protocol) = Protocol::from_compose(p.protocol.as_deref()) else { continue };
            let ports = p.host_ports();
            if ports.is_empty() {
                ephemeral += 1;
            }
            let in_range = ports.len() > 1;
            out.extend(ports.into_iter().map(|port| Published {
                port,
                protocol,
                host_ip: p.host_ip.clone().unwrap_or_default(),
                service: service.clone(),
                index,
                in_range,
            }));
        }
    }
    out.sort();
    (out, ephemeral)
}

/// The sockets a model publishes twice (each pair once): Docker refuses the second, so
/// such a project cannot start as written.
pub(crate) fn published_twice(model: &ComposeModel) -> Vec<(Published, Published)> {
    let (published, _) = published(model);
    let mut twice = Vec::new();
    for (i, a) in published.iter().enumerate() {
        if let Some(b) = published[i + 1..].iter().find(|b| a.clashes_with(b) && (&a.service, a.index) != (&b.service, b.index)) {
            twice.push((a.clone(), b.clone()));
        }
    }
    twice
}

fn container_name(c: &ContainerSummary) -> String {
    c.names.as_ref().and_then(|n| n.first()).map(|n| n.trim_start_matches('/').to_owned()).unwrap_or_default()
}

fn project_of(c: &ContainerSummary) -> Option<String> {
    c.labels.as_ref().and_then(|l| l.get(PROJECT_LABEL)).cloned()
}

/// Whether a container publishes `port` over `protocol`.
fn publishes(c: &ContainerSummary, port: u16, protocol: Protocol) -> bool {
    c.ports.as_ref().is_some_and(|ports| {
        ports.iter().any(|x| {
            x.public_port == Some(port)
                && x.typ.map(|t| t.to_string().eq_ignore_ascii_case(protocol.as_str())).unwrap_or(protocol == Protocol::Tcp)
        })
    })
}

/// A command line fit for one line of a report.
fn one_line(command: &str) -> String {
    let flat: String = command.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    if flat.chars().count() > 160 {
        format!("{}…", flat.chars().take(160).collect::<String>())
    } else {
        flat
    }
}

pub async fn ports(ctx: &CheckContext<'_>) -> CheckResult {
    let id = "ports";
    let title = "Ports";
    let model = match ctx.model_or_skip().await {
        Ok(model) => model,
        Err(missing) => return CheckResult::new(id, title, Skipped, missing.reason()),
    };
    let (published, ephemeral) = published(model);
    if published.is_empty() {
        let message = match ephemeral {
            0 => "the environment publishes no ports".to_owned(),
            n => format!("no fixed host ports: {n} port(s) are published on a port Docker picks at start"),
        };
        return CheckResult::new(id, title, Pass, message);
    }
    let mut result = CheckResult::new(id, title, Pass, String::new());
    let mut problems: Vec<String> = Vec::new();

    // The environment's own services must not publish the same socket twice.
    for (a, b) in published_twice(model) {
        problems.push(a.label());
        result.details.push(format!(
            "{} is published twice: by {} and by {}; Docker refuses the second (change one of them in the Compose file)",
            a.label(),
            a.service,
            b.service
        ));
    }

    let remote = ctx.locality().await == crate::engine::Locality::Remote;
    // The engine's running containers: read once, when a port is taken (or, on a remote
    // engine, to tell which are).
    let mut running: Option<Vec<ContainerSummary>> = None;
    let statuses: Vec<(Published, PortStatus)> = if remote {
        let Some(engine) = ctx.facts().await else {
            return CheckResult::new(id, title, Skipped, super::context::Missing::Daemon.reason());
        };
        // Another machine's listeners cannot be seen from here: its engine's containers can.
        result.details.push(format!(
            "the ports are on {} ({}): checked against that engine's containers; another program there holding one cannot be seen from here",
            engine.name,
            engine.endpoint.label()
        ));
        let containers = running.insert(match ctx.engine().await {
            Ok(e) => e.containers(false, false).await.unwrap_or_default(),
            Err(_) => Vec::new(),
        });
        published
            .iter()
            .map(|p| {
                let status = if containers.iter().any(|c| publishes(c, p.port, p.protocol)) {
                    PortStatus::Taken { address: p.host_ip.clone() }
                } else {
                    PortStatus::Free
                };
                (p.clone(), status)
            })
            .collect()
    } else {
        let list = published.clone();
        match tokio::task::spawn_blocking(move || {
            list.into_iter()
                .map(|p| {
                    let status = ports::status(&p.host_ip, p.port, p.protocol);
                    (p, status)
                })
                .collect::<Vec<_>>()
        })
        .await
        {
            Ok(statuses) => statuses,
            Err(e) => return CheckResult::new(id, title, Fail, format!("the port test stopped: {e}")),
        }
    };
    let mut taken: Vec<Published> = Vec::new();
    for (p, status) in statuses {
        match status {
            PortStatus::Free => {}
            PortStatus::Taken { .. } => taken.push(p),
            PortStatus::AddressUnavailable => {
                problems.push(p.label());
                result.details.push(format!(
                    "{} ({}): {} is not an address of this machine, so Docker cannot publish on it; change the host address in the Compose file or leave it out",
                    p.label(),
                    p.service,
                    p.host_ip
                ));
            }
            PortStatus::Unknown { reason } => result.details.push(format!("{} ({}): not tested: {reason}", p.label(), p.service)),
        }
    }

    let containers = match (running, taken.is_empty(), ctx.engine().await) {
        (Some(read), _, _) => read,
        (None, false, Ok(engine)) => engine.containers(false, false).await.unwrap_or_default(),
        _ => Vec::new(),
    };
    let own_project = ctx.env.workspace.schema.compose_project(ctx.env.name);
    let sibling_prefix = format!("{}-", ctx.env.workspace.schema.project);
    let mut held = 0;
    let mut search = remap::Search::new(published.iter().map(|p| p.port).collect::<BTreeSet<u16>>());
    if remote {
        let there = containers.iter().flat_map(|c| c.ports.iter().flatten().filter_map(|p| p.public_port)).collect();
        search = search.on_remote_engine(there);
    }
    for p in &taken {
        let line = match containers.iter().find(|c| publishes(c, p.port, p.protocol)) {
            Some(c) if project_of(c).as_deref() == Some(own_project.as_str()) => {
                result.details.push(format!("{} ({}): held by this environment's own container {}", p.label(), p.service, container_name(c)));
                continue;
            }
            Some(c) => {
                let project = project_of(c);
                if let Some(project) = project.clone().filter(|p| p.starts_with(&sibling_prefix)) {
                    result.fixes.push(Fix::StopContainer { container: container_name(c), project });
                }
                let of = project.map(|p| format!(" of project {p}")).unwrap_or_default();
                format!("{} ({}): held by Docker container {}{of}", p.label(), p.service, container_name(c))
            }
            None => {
                let (port, protocol) = (p.port, p.protocol);
                match tokio::task::spawn_blocking(move || ports::holder(port, protocol)).await.ok().flatten() {
                    Some(h) => format!(
                        "{} ({}): held by process {} (pid {}){}{}",
                        p.label(),
                        p.service,
                        h.name,
                        h.pid,
                        h.address.map(|a| format!(" on {a}")).unwrap_or_default(),
                        h.command.map(|c| format!(": {}", one_line(&c))).unwrap_or_default()
                    ),
                    None => format!("{} ({}): in use by another user's process (not visible to you)", p.label(), p.service),
                }
            }
        };
        problems.push(p.label());
        held += 1;
        result.details.push(line);
        match search.offer(ctx, p).await {
            Ok(fix) if !result.fixes.contains(&fix) => result.fixes.push(fix),
            Ok(_) => {}
            Err(why) => result.details.push(format!("  no port remap offered for {}: {why}", p.label())),
        }
    }
    if problems.is_empty() {
        let list: Vec<String> = published.iter().map(Published::label).collect();
        result.message = if taken.is_empty() {
            format!("all {} port(s) are free: {}", published.len(), list.join(", "))
        } else {
            format!("all {} port(s) are free or held by this environment's own containers", published.len())
        };
    } else {
        problems.sort();
        problems.dedup();
        result.status = Fail;
        let verb = if held == problems.len() { "are taken" } else { "cannot be published" };
        result.message = format!("{} port(s) {verb}: {}", problems.len(), problems.join(", "));
    }
    result
}
