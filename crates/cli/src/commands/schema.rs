//! `stackpilot schema check`

use std::{
    path::{Path, PathBuf},
    process::ExitCode,
};

use clap::{Args, Subcommand};
use serde::Serialize;
use stackpilot_core::{
    schema::{self, SchemaError, SchemaIssue},
    workspace::WorkspaceError,
    Workspace,
};

use super::print_json;
use crate::{failure::EXIT_CHECK_FAILED, Failure};

/// Work with the environment schema
#[derive(Debug, Subcommand)]
pub enum SchemaCommand {
    /// Validate a schema file and print every problem with its file, line and key path
    Check(CheckArgs),
}

/// Arguments of `schema check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Schema file or workspace folder (default: the workspace's schema)
    file: Option<PathBuf>,
    /// Print JSON instead of text
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct CheckReport<'a> {
    file: &'a Path,
    valid: bool,
    issues: &'a [SchemaIssue],
}

impl SchemaCommand {
    /// Whether JSON was asked for.
    pub fn json(&self) -> bool {
        match self {
            SchemaCommand::Check(args) => args.json,
        }
    }
}

pub fn cmd_schema(workspace: Option<&Path>, command: SchemaCommand) -> Result<ExitCode, Failure> {
    match command {
        SchemaCommand::Check(args) => check(workspace, args),
    }
}

fn check(workspace: Option<&Path>, args: CheckArgs) -> Result<ExitCode, Failure> {
    let file = match args.file.as_deref().or(workspace) {
        Some(path) if path.is_dir() => find_schema(path)?,
        Some(path) => path.to_path_buf(),
        None => find_schema(&std::env::current_dir().map_err(|e| Failure::internal(e.to_string()))?)?,
    };
    let (issues, summary) = match schema::load(&file) {
        // The workspace opens, but these environments cannot be used as written.
        Ok(schema) if !schema.unavailable.is_empty() => {
            let issues: Vec<SchemaIssue> = schema.unavailable.iter().map(|(_, issue)| issue.clone()).collect();
            let summary = format!(
                "{} problem{} in {} (the other environments are usable)",
                issues.len(),
                if issues.len() == 1 { "" } else { "s" },
                file.display()
            );
            (issues, summary)
        }
        Ok(schema) => (
            Vec::new(),
            format!(
                "{}: valid (schema version {}, {} environments, {} secrets)",
                file.display(),
                schema.version,
                schema.environments.len(),
                schema.secrets.len()
            ),
        ),
        Err(SchemaError::Invalid(issues)) => {
            let summary = format!(
                "{} problem{} in {}",
                issues.len(),
                if issues.len() == 1 { "" } else { "s" },
                file.display()
            );
            (issues, summary)
        }
        Err(error) => return Err(Failure::of(&WorkspaceError::Schema(error))),
    };
    if args.json {
        print_json(&CheckReport { file: &file, valid: issues.is_empty(), issues: &issues })?;
    } else if issues.is_empty() {
        outln!("{summary}");
    } else {
        for issue in &issues {
            eprintln!("{issue}");
        }
        eprintln!("\n{summary}");
    }
    Ok(if issues.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(EXIT_CHECK_FAILED) })
}

fn find_schema(dir: &Path) -> Result<PathBuf, Failure> {
    Workspace::discover(dir)
        .and_then(|root| Workspace::schema_file(&root))
        .ok_or_else(|| Failure::of(&WorkspaceError::NotFound { dir: dir.to_path_buf() }))
}
