//! `stackpilot status`

use std::{path::Path, process::ExitCode};

use clap::Args;
use futures_util::StreamExt;
use stackpilot_core::{
    engine::{events::project_events, Engine},
    stack::status::{project_status, ServiceStatus},
    Workspace,
};

use super::{print_json, print_line};
use crate::Failure;

/// Show the state of an environment's services
#[derive(Debug, Args)]
pub struct StatusArgs {
    /// Environment, e.g. dev
    #[arg(add = clap_complete::engine::ArgValueCandidates::new(crate::commands::completions::environment_names))]
    environment: String,
    /// Print JSON instead of text
    #[arg(long)]
    pub json: bool,
    /// Keep watching and print each change (Ctrl-C to stop); with --json, NDJSON: the status, then an event a line
    #[arg(long)]
    watch: bool,
}

/// `status --json`: the environment's services (with `--watch`, the first line of the stream).
#[derive(serde::Serialize)]
struct Status<'a> {
    kind: &'static str,
    environment: &'a str,
    services: &'a [ServiceStatus],
}

/// A change under `status --watch --json`.
#[derive(serde::Serialize)]
struct Event<'a> {
    kind: &'static str,
    #[serde(flatten)]
    event: &'a stackpilot_core::engine::events::ContainerEvent,
}

fn print_table(env: &str, services: &[ServiceStatus]) {
    if services.is_empty() {
        outln!("{env} is not running (no containers).");
        return;
    }
    outln!("{:<20} {:<14} {:<16} {}", "SERVICE", "STATE", "PORTS", "CONTAINER");
    for s in services {
        let ports: Vec<String> = s.ports.iter().map(u16::to_string).collect();
        outln!("{:<20} {:<14} {:<16} {}", s.service, s.state.label(), ports.join(","), s.container);
    }
}

pub async fn cmd_status(workspace: Option<&Path>, args: StatusArgs) -> Result<ExitCode, Failure> {
    let workspace = Workspace::resolve(workspace).map_err(|e| Failure::of(&e))?;
    let env = workspace.env(&args.environment).map_err(|e| Failure::of(&e))?;
    super::load_redactions(env).await;
    let project = env.project();
    let engine = Engine::connect().await.map_err(|e| Failure::of(&e))?;
    let services = project_status(&engine, &project).await.map_err(|e| Failure::of(&e))?;
    let status = Status { kind: "status", environment: &args.environment, services: &services };
    match (args.json, args.watch) {
        (true, false) => print_json(&status)?,
        (true, true) => print_line(&status)?,
        (false, _) => print_table(&args.environment, &services),
    }
    if args.watch {
        let mut events = Box::pin(project_events(&engine, &project, None));
        while let Some(event) = events.next().await {
            let event = event.map_err(|e| Failure::of(&e))?;
            if args.json {
                print_line(&Event { kind: "event", event: &event })?;
            } else {
                outln!("{:<20} {:?}{}", event.service, event.action, event.exit_code.map(|c| format!(" (exit {c})")).unwrap_or_default());
            }
        }
        eprintln!("The Docker daemon closed the event stream.");
    }
    Ok(ExitCode::SUCCESS)
}
