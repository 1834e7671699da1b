//! `stackpilot status`

use std::{path::Path, process::ExitCode};

use clap::Args;
use futures_util::StreamExt;
use stackpilot_core::{
    engine::{events::project_events, Engine},
    stack::status::{project_status, ServiceStatus},
    Workspace,
};

use super::print_json;
use crate::Failure;

/// Show the state of an environment's services
#[derive(Debug, Args)]
pub struct StatusArgs {
    /// Environment, e.g. dev
    #[arg(add = clap_complete::engine::ArgValueCandidates::new(crate::commands::completions::environment_names))]
    environment: String,
    /// Print JSON instead of text
    #[arg(long)]
    json: bool,
    /// Keep watching and print each change (Ctrl-C to stop)
    #[arg(long)]
    watch: bool,
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
    if args.json {
        print_json(&services)?;
    } else {
        print_table(&args.environment, &services);
    }
    if args.watch {
        let mut events = Box::pin(project_events(&engine, &project, None));
        while let Some(event) = events.next().await {
            let event = event.map_err(|e| Failure::of(&e))?;
            outln!("{:<20} {:?}{}", event.service, event.action, event.exit_code.map(|c| format!(" (exit {c})")).unwrap_or_default());
        }
        eprintln!("The Docker daemon closed the event stream.");
    }
    Ok(ExitCode::SUCCESS)
}
