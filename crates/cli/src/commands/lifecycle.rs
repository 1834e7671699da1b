//! `stackpilot down`, `stop` and `restart`

use std::{path::Path, process::ExitCode, time::Duration};

use clap::Args;
use stackpilot_core::{
    compose::{self, DownOptions},
    stack, Workspace,
};

use crate::{prompt::confirm, Failure};

/// Remove an environment's containers and networks (volumes only with --volumes)
#[derive(Debug, Args)]
pub struct DownArgs {
    /// Environment, e.g. dev
    #[arg(add = clap_complete::engine::ArgValueCandidates::new(crate::commands::completions::environment_names))]
    environment: String,
    /// Also delete the named volumes and the data in them
    #[arg(long)]
    volumes: bool,
    /// Do not ask before deleting volumes
    #[arg(long)]
    yes: bool,
    /// Give up (and stop Compose) after this long, e.g. 90s or 5m (default 120s or $STACKPILOT_COMPOSE_TIMEOUT)
    #[arg(long, value_parser = parse_deadline)]
    timeout: Option<Duration>,
}

/// Stop an environment's containers, keeping them and their data
#[derive(Debug, Args)]
pub struct StopArgs {
    /// Environment, e.g. dev
    #[arg(add = clap_complete::engine::ArgValueCandidates::new(crate::commands::completions::environment_names))]
    environment: String,
    /// Give up (and stop Compose) after this long, e.g. 90s or 5m (default 120s or $STACKPILOT_COMPOSE_TIMEOUT)
    #[arg(long, value_parser = parse_deadline)]
    timeout: Option<Duration>,
}

fn parse_deadline(text: &str) -> Result<Duration, String> {
    stackpilot_core::schema::Timeout::parse(text).map(|t| t.0)
}

/// Restart one service of a running environment, or all of them
#[derive(Debug, Args)]
pub struct RestartArgs {
    /// Environment, e.g. dev
    #[arg(add = clap_complete::engine::ArgValueCandidates::new(crate::commands::completions::environment_names))]
    environment: String,
    /// Service to restart (default: every service of the environment)
    service: Option<String>,
}

fn open(workspace: Option<&Path>, env: &str) -> Result<Workspace, Failure> {
    let workspace = Workspace::resolve(workspace).map_err(|e| Failure::of(&e))?;
    workspace.environment(env).map_err(|e| Failure::of(&e))?;
    Ok(workspace)
}

/// The environment `name` of `workspace`.
fn env<'a>(workspace: &'a Workspace, name: &'a str) -> Result<stackpilot_core::Env<'a>, Failure> {
    workspace.env(name).map_err(|e| Failure::of(&e))
}

pub async fn cmd_down(workspace: Option<&Path>, args: DownArgs) -> Result<ExitCode, Failure> {
    let workspace = open(workspace, &args.environment)?;
    let question = format!("This deletes the named volumes of {} and all data in them. Continue?", args.environment);
    if args.volumes && !confirm(&question, args.yes) {
        eprintln!("Nothing was removed.");
        return Ok(ExitCode::from(crate::failure::EXIT_CHECK_FAILED));
    }
    let deadline = args.timeout.unwrap_or_else(compose::lifecycle_deadline);
    stack::down(env(&workspace, &args.environment)?, DownOptions { volumes: args.volumes, deadline })
        .await
        .map_err(|e| Failure::of(&e))?;
    outln!("{} is down{}.", args.environment, if args.volumes { ", volumes deleted" } else { " (volumes kept)" });
    Ok(ExitCode::SUCCESS)
}

pub async fn cmd_stop(workspace: Option<&Path>, args: StopArgs) -> Result<ExitCode, Failure> {
    let workspace = open(workspace, &args.environment)?;
    let deadline = args.timeout.unwrap_or_else(compose::lifecycle_deadline);
    stack::stop(env(&workspace, &args.environment)?, deadline).await.map_err(|e| Failure::of(&e))?;
    outln!("{} is stopped; `stackpilot up {}` starts it again.", args.environment, args.environment);
    Ok(ExitCode::SUCCESS)
}

pub async fn cmd_restart(workspace: Option<&Path>, args: RestartArgs) -> Result<ExitCode, Failure> {
    let workspace = open(workspace, &args.environment)?;
    let env = env(&workspace, &args.environment)?;
    match &args.service {
        Some(service) => {
            stack::restart(env, service).await.map_err(|e| Failure::of(&e))?;
            outln!("Restarted {service} of {}.", args.environment);
        }
        None => {
            stack::restart_all(env).await.map_err(|e| Failure::of(&e))?;
            outln!("Restarted every service of {}.", args.environment);
        }
    }
    Ok(ExitCode::SUCCESS)
}
