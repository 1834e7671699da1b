//! `stackpilot guide`

use std::{path::{Path, PathBuf}, process::ExitCode};

use clap::Args;
use stackpilot_core::{guide, Workspace};

use crate::Failure;

/// Write the environment configuration guide (Markdown) from the schema and Compose's models
#[derive(Debug, Args)]
pub struct GuideArgs {
    /// Write it to this file instead of standard output
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
}

pub async fn cmd_guide(workspace: Option<&Path>, args: GuideArgs) -> Result<ExitCode, Failure> {
    let workspace = Workspace::resolve(workspace).map_err(|e| Failure::of(&e))?;
    let markdown = guide::render(&workspace).await;
    match &args.output {
        Some(file) => {
            std::fs::write(file, &markdown).map_err(|e| Failure::internal(format!("cannot write {}: {e}", file.display())))?;
            eprintln!("Wrote the guide of {} environments to {}.", workspace.schema.environments.len(), file.display());
        }
        None => out!("{markdown}"),
    }
    Ok(ExitCode::SUCCESS)
}
