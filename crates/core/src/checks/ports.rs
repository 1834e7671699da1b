//! ports: every port the environment publishes is free, or names who holds it.

use std::collections::BTreeSet;

use bollard::models::ContainerSummary;

use super::{CheckContext, CheckResult, CheckStatus::*, Fix};
use crate::host::ports;

/// Label Compose puts on every container of a project.
pub const PROJECT_LABEL: &str = "com.docker.compose.project";

/// One published host port of the environment.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Published {
    port: u16,
    host_ip: String,
    service: String,
}

fn container_name(c: &ContainerSummary) -> String {
    c.names.as_ref().and_then(|n| n.first()).map(|n| n.trim_start_matches('/').to_owned()).unwrap_or_default()
}

fn project_of(c: &ContainerSummary) -> Option<String> {
    c.labels.as_ref().and_then(|l| l.get(PROJECT_LABEL)).cloned()
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
            s.ports.iter().filter(|p| p.protocol.as_deref().unwrap_or("tcp") == "tcp").flat_map(move |p| {
                p.host_ports().into_iter().map(move |port| Published {
                    port,
                    host_ip: p.host_ip.clone().unwrap_or_default(),
                    service: service.clone(),
                })
            })
        })
        .collect();
    if published.is_empty() {
        return CheckResult::new(id, title, Pass, "the environment publishes no ports");
    }
    let all_ports: BTreeSet<u16> = published.iter().map(|p| p.port).collect();
    let taken: Vec<Published> = published.iter().filter(|p| !ports::is_free(Some(&p.host_ip), p.port)).cloned().collect();
    if taken.is_empty() {
        let list: Vec<String> = all_ports.iter().map(u16::to_string).collect();
        return CheckResult::new(id, title, Pass, format!("all {} port(s) are free: {}", all_ports.len(), list.join(", ")));
    }
    let containers = match ctx.engine().await {
        Ok(engine) => engine.containers(false, false).await.unwrap_or_default(),
        Err(_) => Vec::new(),
    };
    let variables = ctx.variables().await.ok();
    // The value Compose uses for a variable: the env file, else the schema, else the file's default.
    let spec = ctx.spec();
    let env_file: Vec<(String, String)> =
        spec.env_file.as_deref().and_then(|f| crate::envfiles::read(f).ok()).unwrap_or_default();
    let current = |name: &str, default: &str| -> String {
        env_file
            .iter()
            .chain(spec.variables.iter())
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| default.to_owned())
    };
    let own_project = ctx.workspace.schema.compose_project(ctx.env_name);
    let sibling_prefix = format!("{}-", ctx.workspace.schema.project);
    let mut result = CheckResult::new(id, title, Pass, String::new());
    let mut problems = 0;
    for p in &taken {
        let holder_container = containers
            .iter()
            .find(|c| c.ports.as_ref().is_some_and(|ports| ports.iter().any(|x| x.public_port == Some(p.port))));
        let line = match holder_container {
            Some(c) if project_of(c).as_deref() == Some(own_project.as_str()) => {
                result.details.push(format!("{} ({}): held by this environment's own container {}", p.port, p.service, container_name(c)));
                continue;
            }
            Some(c) => {
                let project = project_of(c);
                if let Some(project) = project.clone().filter(|p| p.starts_with(&sibling_prefix)) {
                    result.fixes.push(Fix::StopContainer { container: container_name(c), project });
                }
                format!(
                    "{} ({}): held by Docker container {}{}",
                    p.port,
                    p.service,
                    container_name(c),
                    project.map(|p| format!(" of project {p}")).unwrap_or_default()
                )
            }
            None => {
                let port = p.port;
                match tokio::task::spawn_blocking(move || ports::holder(port)).await.ok().flatten() {
                    Some(h) => format!(
                        "{} ({}): held by process {} (pid {}){}",
                        p.port,
                        p.service,
                        h.name,
                        h.pid,
                        h.command.map(|c| format!(": {c}")).unwrap_or_default()
                    ),
                    None => format!("{} ({}): in use by another user's process (not visible to you)", p.port, p.service),
                }
            }
        };
        problems += 1;
        result.details.push(line);
        let variable = variables.as_ref().and_then(|vars| {
            vars.values()
                .find(|v| current(&v.name, &v.default_value) == p.port.to_string() && v.name.to_ascii_uppercase().contains("PORT"))
                .map(|v| v.name.clone())
        });
        if let Some(variable) = variable {
            if let Some(to) = (p.port.saturating_add(1)..=p.port.saturating_add(100))
                .find(|c| !all_ports.contains(c) && ports::is_free(Some(&p.host_ip), *c))
            {
                result.fixes.push(Fix::RemapPort { variable, from: p.port, to });
            }
        }
    }
    if problems == 0 {
        result.message = format!("all {} port(s) are free or held by this environment's own containers", all_ports.len());
    } else {
        result.status = Fail;
        let list: Vec<String> = taken.iter().map(|p| p.port.to_string()).collect();
        result.message = format!("{problems} port(s) are taken: {}", list.join(", "));
    }
    result
}
