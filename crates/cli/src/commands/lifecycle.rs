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
    /// Do not ask before deleting volumes (and do not offer a backup)
    #[arg(long)]
    yes: bool,
    /// Back up the volumes before deleting them (`stackpilot backup`), without asking
    #[arg(long, requires = "volumes", conflicts_with = "no_backup")]
    backup: bool,
    /// Do not offer a backup before deleting the volumes
    #[arg(long, requires = "volumes")]
    no_backup: bool,
    /// Give up (and stop Compose) after this long, e.g. 90s or 5m (default 120s or $STACKPILOT_COMPOSE_TIMEOUT)
    #[arg(long, value_parser = parse_deadline)]
    timeout: Option<Duration>,
    /// Print the result as JSON
    #[arg(long)]
    pub json: bool,
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
    /// Print the result as JSON
    #[arg(long)]
    pub json: bool,
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
    /// Print the result as JSON
    #[arg(long)]
    pub json: bool,
}

/// What `down`, `stop` and `restart` did, under `--json`.
#[derive(serde::Serialize)]
struct Done<'a> {
    environment: &'a str,
    action: &'static str,
    /// The services restarted (`restart` only; all of them when none was named).
    #[serde(skip_serializing_if = "Option::is_none")]
    service: Option<&'a str>,
    /// Whether the named volumes were deleted (`down` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    volumes_deleted: Option<bool>,
    summary: String,
}

/// Runs `work` (a stop, a down, a restart of `env`) while showing what happens to each
/// container, from the engine's events: on a terminal a spinner with a clock and a row per
/// service, elsewhere a line per change; nothing under `--json`.
async fn watched(env: stackpilot_core::Env<'_>, what: &str, json: bool, work: impl std::future::Future<Output = Result<(), stack::StackError>>) -> Result<(), Failure> {
    use futures_util::StreamExt;
    use stackpilot_core::engine::{events::ContainerAction, Engine};
    if json {
        return work.await.map_err(|e| Failure::of(&e));
    }
    let mut progress = crate::progress::Progress::new();
    progress.phase(what);
    let events = match Engine::connect().await {
        Ok(engine) => stackpilot_core::engine::events::project_events(&engine, &env.project(), None).boxed(),
        Err(_) => futures_util::stream::empty().boxed(), // the work itself says what is wrong
    };
    let mut events = events.fuse();
    let mut work = std::pin::pin!(work);
    let result = loop {
        tokio::select! {
            result = &mut work => break result,
            Some(Ok(event)) = events.next() => {
                let word = match event.action {
                    ContainerAction::Die => match event.exit_code {
                        Some(code) if code != 0 => format!("stopped (exit {code})"),
                        _ => "stopped".to_owned(),
                    },
                    ContainerAction::Destroy => "removed".to_owned(),
                    ContainerAction::Start | ContainerAction::Restart => "started".to_owned(),
                    ContainerAction::Healthy => "healthy".to_owned(),
                    ContainerAction::Create | ContainerAction::Unhealthy | ContainerAction::Oom => continue,
                };
                progress.done(&event.service, &word);
            }
        }
    };
    progress.finish(if result.is_ok() { "done" } else { "failed" });
    result.map_err(|e| Failure::of(&e))
}

/// Says what was done: a sentence, or a [`Done`] document.
fn done(json: bool, done: Done) -> Result<ExitCode, Failure> {
    if json {
        super::print_json(&done)?;
    } else {
        outln!("{}", done.summary);
    }
    Ok(ExitCode::SUCCESS)
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
    if args.volumes && (args.backup || !(args.yes || args.no_backup || args.json)) {
        let env = env(&workspace, &args.environment)?;
        match stackpilot_core::backup::existing_volumes(env).await {
            Ok(existing) => {
                let why = format!("down --volumes deletes {} and all data in them.", existing.join(", "));
                super::backup::offer_backup(env, &existing, args.backup, false, &why).await?;
            }
            Err(e) if !args.backup => eprintln!("note: cannot tell which volumes hold data, so no backup is offered: {e}"),
            Err(e) => return Err(Failure::of(&e)),
        }
    }
    let question = format!("This deletes the named volumes of {} and all data in them. Continue?", args.environment);
    if args.volumes && !confirm(&question, args.yes) {
        eprintln!("Nothing was removed.");
        return Ok(ExitCode::from(crate::failure::EXIT_CHECK_FAILED));
    }
    let deadline = args.timeout.unwrap_or_else(compose::lifecycle_deadline);
    let env = env(&workspace, &args.environment)?;
    watched(env, &format!("Removing {}'s containers", args.environment), args.json, stack::down(env, DownOptions { volumes: args.volumes, deadline })).await?;
    let summary = format!("{} is down{}.", args.environment, if args.volumes { ", volumes deleted" } else { " (volumes kept)" });
    done(args.json, Done { environment: &args.environment, action: "down", service: None, volumes_deleted: Some(args.volumes), summary })
}

pub async fn cmd_stop(workspace: Option<&Path>, args: StopArgs) -> Result<ExitCode, Failure> {
    let workspace = open(workspace, &args.environment)?;
    let deadline = args.timeout.unwrap_or_else(compose::lifecycle_deadline);
    let env = env(&workspace, &args.environment)?;
    watched(env, &format!("Stopping {}", args.environment), args.json, stack::stop(env, deadline)).await?;
    let summary = format!("{} is stopped; `stackpilot up {}` starts it again.", args.environment, args.environment);
    done(args.json, Done { environment: &args.environment, action: "stop", service: None, volumes_deleted: None, summary })
}

pub async fn cmd_restart(workspace: Option<&Path>, args: RestartArgs) -> Result<ExitCode, Failure> {
    let workspace = open(workspace, &args.environment)?;
    let env = env(&workspace, &args.environment)?;
    let summary = match &args.service {
        Some(service) => {
            watched(env, &format!("Restarting {service} of {}", args.environment), args.json, stack::restart(env, service)).await?;
            format!("Restarted {service} of {}.", args.environment)
        }
        None => {
            watched(env, &format!("Restarting {}", args.environment), args.json, stack::restart_all(env)).await?;
            format!("Restarted every service of {}.", args.environment)
        }
    };
    done(args.json, Done { environment: &args.environment, action: "restart", service: args.service.as_deref(), volumes_deleted: None, summary })
}
