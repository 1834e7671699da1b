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
    #[arg(add = clap_complete::engine::ArgValueCandidates::new(crate::commands::completions::environment_names))]
    environment: String,
    /// Only this service
    service: Option<String>,
    /// Keep following new lines (with timestamps)
    #[arg(short, long)]
    follow: bool,
    /// Lines to show from the end
    #[arg(long, default_value_t = 100)]
    tail: usize,
    /// NDJSON: one line a log line ({"version","service","text","level"})
    #[arg(long)]
    pub json: bool,
}

pub async fn cmd_logs(workspace: Option<&Path>, args: LogsArgs) -> Result<ExitCode, Failure> {
    let workspace = Workspace::resolve(workspace).map_err(|e| Failure::of(&e))?;
    let env = workspace.env(&args.environment).map_err(|e| Failure::of(&e))?;
    if let Some(service) = &args.service {
        stack::known_service(env, service).await.map_err(|e| Failure::of(&e))?;
    }
    super::load_redactions(env).await;
    let project = env.project();
    let engine = Engine::connect().await.map_err(|e| Failure::of(&e))?;
    if args.follow {
        let mut lines = logs::follow(&engine, &project, args.service.as_deref(), args.tail).await.map_err(|e| Failure::of(&e))?;
        while let Some(line) = lines.next().await {
            print(&line.map_err(|e| Failure::of(&e))?, args.json)?;
        }
    } else {
        for line in logs::tail(&engine, &project, args.service.as_deref(), args.tail).await.map_err(|e| Failure::of(&e))? {
            print(&line, args.json)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// A line: as NDJSON, or red when it reads as an error and yellow as a warning (on a terminal).
fn print(line: &logs::LogLine, json: bool) -> Result<(), Failure> {
    if json {
        return super::print_line(line);
    }
    let text = match line.level {
        Some(logs::Level::Error) => crate::paint::paint("31", &line.text),
        Some(logs::Level::Warning) => crate::paint::paint("33", &line.text),
        None => line.text.clone(),
    };
    outln!("{:<16} | {text}", line.service);
    Ok(())
}
