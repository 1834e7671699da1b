//! `stackpilot completions SHELL` and `stackpilot man`: the shell's completion script, and
//! the manual pages, both made from the command definitions themselves.
//!
//! Completions are dynamic: the script the shell sources asks `stackpilot` itself
//! (`STACKPILOT_COMPLETE=SHELL stackpilot -- WORDS…`), so environment names come from the
//! workspace at the moment of the Tab, as `--workspace` and the current folder say.

use std::{io::Write as _, path::PathBuf, process::ExitCode};

use clap::{Args, CommandFactory as _};
use clap_complete::{
    engine::CompletionCandidate,
    env::{Bash, Elvish, EnvCompleter, Fish, Powershell, Zsh},
};

use crate::Failure;

/// The variable the completion scripts set to ask for candidates.
pub const COMPLETE_VAR: &str = "STACKPILOT_COMPLETE";

/// Print the completion script for a shell (environment names are completed from the workspace)
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// bash, zsh, fish, powershell or elvish
    #[arg(value_parser = ["bash", "zsh", "fish", "powershell", "elvish"])]
    shell: String,
}

/// Write the manual pages (stackpilot.1 and one per command)
#[derive(Debug, Args)]
pub struct ManArgs {
    /// Folder to write them to
    #[arg(long, short = 'o', value_name = "DIR", default_value = ".")]
    out: PathBuf,
}

pub fn cmd_completions(args: CompletionsArgs) -> Result<ExitCode, Failure> {
    let shell: &dyn EnvCompleter = match args.shell.as_str() {
        "bash" => &Bash,
        "zsh" => &Zsh,
        "fish" => &Fish,
        "powershell" => &Powershell,
        _ => &Elvish,
    };
    let mut script = Vec::new();
    shell
        .write_registration(COMPLETE_VAR, "stackpilot", "stackpilot", "stackpilot", &mut script)
        .map_err(|e| Failure::internal(format!("the completion script could not be written: {e}")))?;
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = stdout.write_all(&script) {
        crate::output::closed(e);
    }
    Ok(ExitCode::SUCCESS)
}

pub fn cmd_man(args: ManArgs) -> Result<ExitCode, Failure> {
    std::fs::create_dir_all(&args.out).map_err(|e| Failure::usage(format!("cannot create {}: {e}", args.out.display())))?;
    clap_mangen::generate_to(crate::Cli::command(), &args.out)
        .map_err(|e| Failure::usage(format!("cannot write the manual pages into {}: {e}", args.out.display())))?;
    outln!("Wrote the manual pages into {} (stackpilot.1 and one per command).", args.out.display());
    Ok(ExitCode::SUCCESS)
}

/// The environment names of the workspace found as a command would find it (`--workspace`
/// is not known yet at Tab time: `$STACKPILOT_WORKSPACE`, the current folder, the built-in one).
pub fn environment_names() -> Vec<CompletionCandidate> {
    let Ok(workspace) = stackpilot_core::Workspace::resolve(None) else { return Vec::new() };
    workspace
        .schema
        .environments
        .iter()
        .map(|(name, environment)| CompletionCandidate::new(name).help(Some(environment.title.clone().into())))
        .collect()
}
