//! `stackpilot logs`

use std::{path::Path, process::ExitCode};

use clap::Args;
use futures_util::StreamExt;
use stackpilot_core::{
    engine::Engine,
    stack::{self, logs},
    Workspace,
};

use crate::Failure;

/// Show an environment's logs, one service or all
#[derive(Debug, Args)]
pub struct LogsArgs {
    /// Environment, e.g. dev
    environment: String,
    /// Only this service
    service: Option<String>,
    /// Keep following new lines (with timestamps)
    #[arg(short, long)]
    follow: bool,
    /// Lines to show from the end
    #[arg(long, default_value_t = 100)]
    tail: usize,
}

pub async fn cmd_logs(workspace: Option<&Path>, args: LogsArgs) -> Result<ExitCode, Failure> {
    let workspace = Workspace::resolve(workspace).map_err(|e| Failure::of(&e))?;
    workspace.environment(&args.environment).map_err(|e| Failure::of(&e))?;
    if let Some(service) = &args.service {
        stack::known_service(&workspace, &args.environment, service).await.map_err(|e| match e {
            stack::StackError::NoSuchService { .. } => Failure::of(&e),
            e => Failure::of(&e),
        })?;
    }
    super::load_redactions(&workspace, &args.environment).await;
    let project = workspace.schema.compose_project(&args.environment);
    let engine = Engine::connect().await.map_err(|e| Failure::of(&e))?;
    if args.follow {
        let mut lines = logs::follow(&engine, &project, args.service.as_deref(), args.tail).await.map_err(|e| Failure::of(&e))?;
        while let Some(line) = lines.next().await {
            let line = line.map_err(|e| Failure::of(&e))?;
            outln!("{:<16} | {}", line.service, line.text);
        }
    } else {
        for line in logs::tail(&engine, &project, args.service.as_deref(), args.tail).await.map_err(|e| Failure::of(&e))? {
            outln!("{:<16} | {}", line.service, line.text);
        }
    }
    Ok(ExitCode::SUCCESS)
}
