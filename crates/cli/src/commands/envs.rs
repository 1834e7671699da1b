//! `stackpilot envs`

use std::{path::Path, process::ExitCode};

use clap::Args;
use serde::Serialize;
use stackpilot_core::{
    environments::{self, EnvironmentSummary, ServiceList},
    Workspace,
};

use super::print_json;
use crate::Failure;

/// List the environments of the workspace with their services and requirements
#[derive(Debug, Args)]
pub struct EnvsArgs {
    /// Print JSON instead of text
    #[arg(long)]
    pub json: bool,
}

#[derive(Serialize)]
struct Listing<'a> {
    workspace: &'a Path,
    schema: &'a Path,
    environments: &'a [EnvironmentSummary],
}

pub async fn cmd_envs(workspace: Option<&Path>, args: EnvsArgs) -> Result<ExitCode, Failure> {
    let workspace = Workspace::resolve(workspace).map_err(|e| Failure::of(&e))?;
    let summaries = environments::summarize(&workspace).await;
    if args.json {
        print_json(&Listing { workspace: &workspace.root, schema: &workspace.schema_path, environments: &summaries })?;
    } else {
        outln!("{} environments in {}", summaries.len(), workspace.schema_path.display());
        if let Some(first) = environments::suggested(&summaries) {
            outln!("New here? Start with `stackpilot up {first}`.");
        }
        outln!();
        for summary in &summaries {
            print_summary(summary);
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn print_summary(env: &EnvironmentSummary) {
    outln!("{} — {}", env.name, env.title);
    if let Some(description) = &env.description {
        outln!("  {description}");
    }
    for problem in &env.problems {
        outln!("  UNUSABLE: {}", problem.to_string().replace('\n', "\n  "));
    }
    match &env.services {
        ServiceList::Resolved { services } => {
            let names: Vec<&str> = services.iter().map(|s| s.name.as_str()).collect();
            outln!("  services ({}): {}", names.len(), names.join(", "));
        }
        ServiceList::Unavailable { error } => {
            outln!("  services: unknown ({})", error.message);
        }
    }
    let mut needs = vec![if env.needs_gpu { "NVIDIA GPU".to_owned() } else { "no GPU".to_owned() }];
    if let Some(memory) = env.requires.memory {
        needs.push(format!("{memory} memory"));
    }
    if let Some(disk) = env.requires.disk {
        needs.push(format!("{disk} disk"));
    }
    outln!("  requires: {}", needs.join(", "));
    for lack in &env.lacks {
        outln!("  {}", crate::paint::paint("31", &format!("not on this machine: {lack}")));
    }
    outln!("  compose:  {}", env.compose_files.join(" + "));
    if !env.profiles.is_empty() {
        outln!("  profiles: {}", env.profiles.join(", "));
    }
    outln!();
}
