//! `stackpilot diff`

use std::{path::Path, process::ExitCode};

use clap::Args;
use stackpilot_core::{drift, Workspace};

use super::print_json;
use crate::{failure::EXIT_CHECK_FAILED, Failure};

/// What differs between two environments, from Compose's resolved models (exit 1 when they differ)
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The first environment, e.g. staging
    #[arg(add = clap_complete::engine::ArgValueCandidates::new(crate::commands::completions::environment_names))]
    first: String,
    /// The second environment, e.g. production
    #[arg(add = clap_complete::engine::ArgValueCandidates::new(crate::commands::completions::environment_names))]
    second: String,
    /// Print the differences as JSON
    #[arg(long)]
    pub json: bool,
}

pub async fn cmd_diff(workspace: Option<&Path>, args: DiffArgs) -> Result<ExitCode, Failure> {
    let workspace = Workspace::resolve(workspace).map_err(|e| Failure::of(&e))?;
    let a = workspace.env(&args.first).map_err(|e| Failure::of(&e))?;
    let b = workspace.env(&args.second).map_err(|e| Failure::of(&e))?;
    let report = drift::compare(a, b).await.map_err(|e| Failure::of(&e))?;
    if args.json {
        print_json(&report)?;
    } else {
        print_text(&report);
    }
    Ok(if report.equal { ExitCode::SUCCESS } else { ExitCode::from(EXIT_CHECK_FAILED) })
}

/// The differences grouped by service, the first environment's side on the left.
fn print_text(report: &drift::DriftReport) {
    let paint = crate::paint::paint;
    let (a, b) = (&report.left, &report.right);
    outln!("{a} → {b} (Compose's resolved models)");
    let mut current: Option<Option<&str>> = None;
    for d in &report.differences {
        let service = d.service.as_deref();
        if current != Some(service) {
            current = Some(service);
            outln!("\n{}", paint("1", service.unwrap_or("(project)")));
        }
        let what = match &d.name {
            Some(name) => format!("{} {name}", d.aspect.label()),
            None => d.aspect.label().to_owned(),
        };
        let side = |value: &Option<String>, env: &str| value.clone().unwrap_or_else(|| paint("2", &format!("(none in {env})")));
        let allowed = if d.allowed { paint("2", "  (allowed by the schema)") } else { String::new() };
        outln!("  {what:<28} {}  →  {}{allowed}", side(&d.left, a), side(&d.right, b));
    }
    outln!("\n{}", report.summary);
}
