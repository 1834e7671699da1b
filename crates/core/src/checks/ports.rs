//! ports: every port the environment publishes (TCP, UDP, SCTP; every host address,
//! each port of a range) is free, or names who holds it.

use std::collections::BTreeSet;

use bollard::models::ContainerSummary;

use super::{CheckContext, CheckResult, CheckStatus::*, Fix};
use crate::host::ports::{self, PortStatus, Protocol};

/// Label Compose puts on every container of a project.
pub const PROJECT_LABEL: &str = "com.docker.compose.project";

/// One published host port of the environment.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Published {
    port: u16,
    protocol: Protocol,
    host_ip: String,
    service: String,
}

impl Published {
    /// `5432/tcp`, `127.0.0.1:8081/tcp`, `[::1]:53/udp`.
    fn label(&self) -> String {
        let address = match self.host_ip.as_str() {
            "" => String::new(),
            ip if ip.contains(':') && !ip.starts_with('[') => format!("[{ip}]:"),
            ip => format!("{ip}:"),
        };
        format!("{address}{}/{}", self.port, self.protocol.as_str())
    }
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

pub async fn ports(ctx: &CheckContext<'_>) -> CheckResult {
    let id = "ports";
    let title = "Ports";
    let model = match ctx.model_or_skip().await {
        Ok(model) => model,
        Err(missing) => return CheckResult::new(id, title, Skipped, missing.reason()),
    };
    let published: BTreeSet<Published> = model
        .services
        .iter()
        .flat_map(|(service, s)| {
            s.ports.iter().filter_map(move |p| Some((p, Protocol::from_compose(p.protocol.as_deref())?))).flat_map(
                move |(p, protocol)| {
                    p.host_ports().into_iter().map(move |port| Published {
                        port,
                        protocol,
                        host_ip: p.host_ip.clone().unwrap_or_default(),
                        service: service.clone(),
                    })
                },
            )
        })
        .collect();
    if published.is_empty() {
        return CheckResult::new(id, title, Pass, "the environment publishes no ports");
    }
    let all_ports: BTreeSet<u16> = published.iter().map(|p| p.port).collect();
    let list: Vec<String> = published.iter().map(Published::label).collect();
    let checked: Vec<(Published, PortStatus)> = {
        let published: Vec<Published> = published.iter().cloned().collect();
        match tokio::task::spawn_blocking(move || {
            published.into_iter().map(|p| {
                let status = ports::status(&p.host_ip, p.port, p.protocol);
                (p, status)
            }).collect::<Vec<_>>()
        })
        .await
        {
            Ok(checked) => checked,
            Err(e) => return CheckResult::new(id, title, Fail, format!("the port test stopped: {e}")),
        }
    };
    let mut result = CheckResult::new(id, title, Pass, String::new());
    let mut problems = 0;
    let mut taken: Vec<(Published, String)> = Vec::new();
    for (p, status) in checked {
        match status {
            PortStatus::Free => {}
            PortStatus::Taken { address } => taken.push((p, address)),
            PortStatus::AddressUnavailable => {
                problems += 1;
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
    if taken.is_empty() && problems == 0 {
        result.message = format!("all {} port(s) are free: {}", published.len(), list.join(", "));
        return result;
    }
    let containers = match ctx.engine().await {
        Ok(engine) => engine.containers(false, false).await.unwrap_or_default(),
        Err(_) => Vec::new(),
    };
    let variables = ctx.variables().await.ok();
    // The value Compose uses for a variable (process environment, env files in
    // Compose's order), else the file's own default.
    let spec = ctx.spec();
    let current = |name: &str, default: &str| -> String { spec.value_of(name).unwrap_or_else(|| default.to_owned()) };
    let own_project = ctx.workspace.schema.compose_project(ctx.env_name);
    let sibling_prefix = format!("{}-", ctx.workspace.schema.project);
    let mut taken_labels: Vec<String> = Vec::new();
    for (p, address) in &taken {
        let holder_container = containers.iter().find(|c| publishes(c, p.port, p.protocol));
        let line = match holder_container {
            Some(c) if project_of(c).as_deref() == Some(own_project.as_str()) => {
                result.details.push(format!("{} ({}): held by this environment's own container {}", p.label(), p.service, container_name(c)));
                continue;
            }
            Some(c) => {
                let project = project_of(c);
                if let Some(project) = project.clone().filter(|p| p.starts_with(&sibling_prefix)) {
                    result.fixes.push(Fix::StopContainer { container: container_name(c), project });
                }
                format!(
                    "{} ({}): held by Docker container {}{}",
                    p.label(),
                    p.service,
                    container_name(c),
                    project.map(|p| format!(" of project {p}")).unwrap_or_default()
                )
            }
            None => {
                let (port, protocol) = (p.port, p.protocol);
                match tokio::task::spawn_blocking(move || ports::holder(port, protocol)).await.ok().flatten() {
                    Some(h) => format!(
                        "{} ({}): held on {address} by process {} (pid {}){}",
                        p.label(),
                        p.service,
                        h.name,
                        h.pid,
                        h.command.map(|c| format!(": {c}")).unwrap_or_default()
                    ),
                    None => format!("{} ({}): in use on {address} by another user's process (not visible to you)", p.label(), p.service),
                }
            }
        };
        problems += 1;
        taken_labels.push(p.label());
        result.details.push(line);
        let variable = variables.as_ref().and_then(|vars| {
            vars.values()
                .find(|v| current(&v.name, &v.default_value) == p.port.to_string() && v.name.to_ascii_uppercase().contains("PORT"))
                .map(|v| v.name.clone())
        });
        if let Some(variable) = variable {
            if let Some(to) = (p.port.saturating_add(1)..=p.port.saturating_add(100))
                .find(|c| !all_ports.contains(c) && ports::status(&p.host_ip, *c, p.protocol) == PortStatus::Free)
            {
                result.fixes.push(Fix::RemapPort { variable, from: p.port, to });
            }
        }
    }
    if problems == 0 {
        result.message = format!("all {} port(s) are free or held by this environment's own containers", published.len());
    } else if taken_labels.is_empty() {
        result.status = Fail;
        result.message = format!("{problems} port(s) cannot be published here");
    } else {
        result.status = Fail;
        result.message = format!("{problems} port(s) cannot be published: {} taken", taken_labels.join(", "));
    }
    result
}
