//! `stackpilot init`

use std::{
    path::{Path, PathBuf},
    process::ExitCode,
};

use clap::Args;
use stackpilot_core::{
    adopt::{self, Proposal},
    secrets::SecretStore,
    Workspace,
};

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
    json: bool,
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
    let proposal = adopt::propose(&dir).await.map_err(|e| Failure::input(&e))?;
    if args.json {
        print_json(&proposal)?;
        return Ok(ExitCode::SUCCESS);
    }
    if args.dry_run {
        out!("{}", adopt::render(&proposal));
        return Ok(ExitCode::SUCCESS);
    }
    let path = adopt::write(&proposal).map_err(|e| Failure::input(&e))?;
    outln!("Wrote {} with {} environment(s):", path.display(), proposal.environments.len());
    for env in &proposal.environments {
        outln!("  {:<12} {} service(s), Compose project `{}`: {}", env.name, env.services.len(), env.project_name, env.compose.join(" + "));
    }
    if !args.no_import {
        import_plaintext(&path, &proposal);
    }
    for note in &proposal.notes {
        outln!("note: {note}");
    }
    outln!("Next: `stackpilot check {}` then `stackpilot up {}`.", proposal.environments[0].name, proposal.environments[0].name);
    Ok(ExitCode::SUCCESS)
}

/// Stores the plaintext secret values of the folder's env files in the keychain, each
/// read back to verify (the files are left as they are).
fn import_plaintext(schema: &Path, proposal: &Proposal) {
    if proposal.secrets.iter().all(|s| s.plaintext_in.is_empty()) {
        return;
    }
    let workspace = match Workspace::open(schema) {
        Ok(workspace) => workspace,
        Err(e) => return eprintln!("note: secrets not imported: {e}"),
    };
    let store = match SecretStore::open(&workspace) {
        Ok(store) => store,
        Err(e) => return eprintln!("note: secrets not imported: {e}"),
    };
    for env in &proposal.environments {
        // The folder's `.env` first, then `.env.<env>`: the later value wins, as in Compose.
        let own = format!(".env.{}", env.name);
        for file in [".env", own.as_str()] {
            let holds = proposal.secrets.iter().any(|s| env.secrets.contains(&s.name) && s.plaintext_in.iter().any(|f| f == file));
            if !holds {
                continue;
            }
            match store.import(&env.name, &proposal.folder.join(file)) {
                Ok(report) if !report.stored.is_empty() => {
                    outln!("  imported into the keychain for {}: {} (from {file}, read back and verified)", env.name, report.stored.join(", "))
                }
                Ok(_) => {}
                Err(e) => eprintln!("note: {file} of {} not imported: {e}; run `stackpilot secrets import {} {file}` later", env.name, env.name),
            }
        }
    }
}
