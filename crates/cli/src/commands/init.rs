//! `stackpilot init`

use std::{path::PathBuf, process::ExitCode};

use clap::Args;
use stackpilot_core::{adopt, Workspace};

use super::print_json;
use crate::Failure;

/// Adopt an existing Compose project: propose environments, requirements and secrets from what Compose resolves, and write stackpilot.yaml
#[derive(Debug, Args)]
pub struct InitArgs {
    /// The project's folder (default: the current one)
    dir: Option<PathBuf>,
    /// Print the schema instead of writing it
    #[arg(long)]
    dry_run: bool,
    /// Print the proposal as JSON instead of writing it
    #[arg(long)]
    pub json: bool,
    /// Do not import plaintext secret values from .env files into the keychain
    #[arg(long)]
    no_import: bool,
}

pub async fn cmd_init(args: InitArgs) -> Result<ExitCode, Failure> {
    let dir = match &args.dir {
        Some(dir) => dir.clone(),
        None => std::env::current_dir().map_err(|e| Failure::internal(e.to_string()))?,
    };
    let dir = dir.canonicalize().map_err(|e| Failure::usage(format!("cannot open {}: {e}", dir.display())))?;
    if !args.json {
        eprintln!("Reading {} the way `docker compose` does…", dir.display());
    }
    let proposal = adopt::propose(&dir).await.map_err(|e| Failure::of(&e))?;
    if args.json {
        print_json(&proposal)?;
        return Ok(ExitCode::SUCCESS);
    }
    if args.dry_run {
        out!("{}", adopt::render(&proposal));
        return Ok(ExitCode::SUCCESS);
    }
    let path = adopt::write(&proposal).map_err(|e| Failure::of(&e))?;
    outln!("Wrote {} with {} environment(s):", path.display(), proposal.environments.len());
    for env in &proposal.environments {
        outln!("  {:<12} {} service(s), Compose project `{}`: {}", env.name, env.services.len(), env.project_name, env.compose.join(" + "));
    }
    if !args.no_import {
        match Workspace::open(&path) {
            Ok(workspace) => {
                for line in adopt::import_plaintext(&workspace, &proposal) {
                    outln!("  {line}");
                }
            }
            Err(e) => eprintln!("note: secrets not imported: {e}"),
        }
    }
    for note in &proposal.notes {
        outln!("note: {note}");
    }
    outln!("Next: `stackpilot check {}` then `stackpilot up {}`.", proposal.environments[0].name, proposal.environments[0].name);
    Ok(ExitCode::SUCCESS)
}
