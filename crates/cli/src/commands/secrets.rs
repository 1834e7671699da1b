//! `stackpilot secrets`

use std::{
    io::Write,
    path::{Path, PathBuf},
    process::ExitCode,
};

use clap::{Args, Subcommand};
use stackpilot_core::{
    secrets::{k8s, Keychain, SecretStore},
    time::format_time,
    Workspace,
};

use super::print_json;
use crate::{prompt::confirm, Failure};

/// Manage an environment's secrets in the OS keychain (never written to files)
#[derive(Debug, Subcommand)]
pub enum SecretsCommand {
    /// Show which secrets exist and when they were rotated (values are not read)
    Status(EnvArgs),
    /// Generate the missing secrets into the keychain
    Generate(EnvArgs),
    /// Replace secrets with new values (all of the environment's when no name is given)
    Rotate(RotateArgs),
    /// Print one secret's value
    Reveal(RevealArgs),
    /// Delete the environment's own secrets from the keychain
    Delete(ConfirmArgs),
    /// Store the values of a plaintext secrets file (the old secrets/.env.ENV.json) in the keychain
    Import(ImportArgs),
    /// Print a Kubernetes v1 Secret manifest of the environment's secrets
    ExportK8s(ExportArgs),
}

/// An environment.
#[derive(Debug, Args)]
pub struct EnvArgs {
    /// Environment, e.g. dev
    #[arg(add = clap_complete::engine::ArgValueCandidates::new(crate::commands::completions::environment_names))]
    environment: String,
    /// Print JSON instead of text
    #[arg(long)]
    json: bool,
}

/// An environment and a confirmation.
#[derive(Debug, Args)]
pub struct ConfirmArgs {
    /// Environment, e.g. dev
    #[arg(add = clap_complete::engine::ArgValueCandidates::new(crate::commands::completions::environment_names))]
    environment: String,
    /// Do not ask for confirmation
    #[arg(long)]
    yes: bool,
}

/// Arguments of `rotate`.
#[derive(Debug, Args)]
pub struct RotateArgs {
    /// Environment, e.g. dev
    #[arg(add = clap_complete::engine::ArgValueCandidates::new(crate::commands::completions::environment_names))]
    environment: String,
    /// Secrets to rotate (default: all of the environment's)
    names: Vec<String>,
    /// Do not ask for confirmation (and do not offer a backup)
    #[arg(long)]
    yes: bool,
    /// Back up the volumes that may hold the old values first, without asking
    #[arg(long)]
    backup: bool,
}

/// Arguments of `reveal`.
#[derive(Debug, Args)]
pub struct RevealArgs {
    /// Environment, e.g. dev
    #[arg(add = clap_complete::engine::ArgValueCandidates::new(crate::commands::completions::environment_names))]
    environment: String,
    /// The secret's name
    name: String,
}

/// Arguments of `import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Environment, e.g. dev
    #[arg(add = clap_complete::engine::ArgValueCandidates::new(crate::commands::completions::environment_names))]
    environment: String,
    /// File to import (default: secrets/.env.ENV.json beside the schema)
    file: Option<PathBuf>,
    /// Delete the plaintext file once every value reads back from the keychain
    #[arg(long)]
    delete_plaintext: bool,
    /// Do not ask before deleting the plaintext file
    #[arg(long)]
    yes: bool,
}

/// Arguments of `export-k8s`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Environment, e.g. dev
    #[arg(add = clap_complete::engine::ArgValueCandidates::new(crate::commands::completions::environment_names))]
    environment: String,
    /// Name of the Secret (default: PROJECT-ENV-secrets)
    #[arg(long)]
    name: Option<String>,
    /// Namespace of the Secret
    #[arg(long, default_value = "default")]
    namespace: String,
    /// Write to this file (created with mode 0600) instead of standard output
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
}

impl SecretsCommand {
    /// Whether JSON was asked for.
    pub fn json(&self) -> bool {
        matches!(self, SecretsCommand::Status(EnvArgs { json: true, .. }) | SecretsCommand::Generate(EnvArgs { json: true, .. }))
    }
}

/// `secrets status --json` and `secrets generate --json`: the environment and its list.
#[derive(serde::Serialize)]
struct SecretsDocument<'a, T: serde::Serialize> {
    environment: &'a str,
    secrets: &'a [T],
}

pub async fn cmd_secrets(workspace: Option<&Path>, command: SecretsCommand) -> Result<ExitCode, Failure> {
    let workspace = Workspace::resolve(workspace).map_err(|e| Failure::of(&e))?;
    let store = SecretStore::open(&workspace).map_err(|e| Failure::of(&e))?;
    let fail = |e: stackpilot_core::secrets::SecretsError| Failure::of(&e);
    match command {
        SecretsCommand::Status(args) => {
            let status = store.status(&args.environment).map_err(fail)?;
            if let Some(problem) = store.keychain_problem() {
                eprintln!("note: {problem}; the names and dates below come from Stackpilot's manifest, no value was read");
            }
            if args.json {
                print_json(&SecretsDocument { environment: &args.environment, secrets: &status })?;
            } else {
                outln!("Secrets of {} in the {}:", args.environment, Keychain::display_name());
                for s in &status {
                    let state = match (s.present, s.rotated, s.created) {
                        (false, _, _) => "missing".to_owned(),
                        (true, Some(r), _) => format!("present, rotated {}", format_time(r)),
                        (true, None, Some(c)) => format!("present, created {}", format_time(c)),
                        (true, None, None) => "present".to_owned(),
                    };
                    outln!("  {:<24} {:<40} {}", s.name, state, s.service);
                }
                if status.iter().any(|s| !s.present) {
                    outln!("Run `stackpilot secrets generate {}` to create the missing ones.", args.environment);
                }
            }
        }
        SecretsCommand::Generate(args) => {
            let generated = store.generate_missing(&args.environment).map_err(fail)?;
            if args.json {
                print_json(&SecretsDocument { environment: &args.environment, secrets: &generated })?;
            } else if generated.is_empty() {
                let uses = store.status(&args.environment).map_err(fail)?.len();
                if uses == 0 {
                    outln!("{} uses no secrets.", args.environment);
                } else {
                    outln!("All {uses} secret(s) of {} are already in the keychain.", args.environment);
                }
            } else {
                for g in &generated {
                    outln!("  {} {}", if g.adopted { "kept existing" } else { "generated" }, g.name);
                }
                outln!("Stored in the {}.", Keychain::display_name());
            }
        }
        SecretsCommand::Rotate(args) => {
            eprintln!(
                "Rotating gives {} new values. Running services keep the old ones until restarted, and a \
                 database password already baked into a data volume (PostgreSQL, MinIO) will no longer match it.",
                if args.names.is_empty() { "every secret of the environment".to_owned() } else { args.names.join(", ") }
            );
            if args.backup || !args.yes {
                let env = workspace.env(&args.environment).map_err(|e| Failure::of(&e))?;
                match stackpilot_core::backup::baked_volumes(env, &args.names).await {
                    Ok(baked) => {
                        let why = format!("{} may hold data made with the current values.", baked.join(", "));
                        super::backup::offer_backup(env, &baked, args.backup, args.yes, &why).await?;
                    }
                    Err(e) if !args.backup => eprintln!("note: cannot tell which volumes hold these secrets, so no backup is offered: {e}"),
                    Err(e) => return Err(Failure::of(&e)),
                }
            }
            if !confirm("Rotate?", args.yes) {
                return Ok(ExitCode::from(crate::failure::EXIT_CHECK_FAILED));
            }
            let rotated = store.rotate(&args.environment, &args.names).map_err(fail)?;
            outln!("Rotated: {}", rotated.join(", "));
        }
        SecretsCommand::Reveal(args) => {
            let value = store.reveal(&args.environment, &args.name).map_err(fail)?;
            outln!("{}", value.expose());
        }
        SecretsCommand::Delete(args) => {
            let names: Vec<String> = store.status(&args.environment).map_err(fail)?.into_iter().map(|s| s.name).collect();
            eprintln!("This deletes {} secret(s) of {} from the keychain: {}", names.len(), args.environment, names.join(", "));
            if !confirm("Delete?", args.yes) {
                return Ok(ExitCode::from(crate::failure::EXIT_CHECK_FAILED));
            }
            let deleted = store.delete(&args.environment).map_err(fail)?;
            outln!("Deleted: {}", if deleted.is_empty() { "nothing was stored".into() } else { deleted.join(", ") });
        }
        SecretsCommand::Import(args) => {
            let file = args
                .file
                .unwrap_or_else(|| workspace.schema_dir().join("secrets").join(format!(".env.{}.json", args.environment)));
            let report = store.import(&args.environment, &file).map_err(fail)?;
            outln!("Stored and verified {} secret(s): {}", report.stored.len(), report.stored.join(", "));
            if !report.ignored.is_empty() {
                outln!("Ignored (not secrets of {}): {}", args.environment, report.ignored.join(", "));
            }
            eprintln!("{} still holds these values in plaintext.", file.display());
            if args.delete_plaintext && confirm(&format!("Delete {}?", file.display()), args.yes) {
                std::fs::remove_file(&file).map_err(|e| Failure::internal(format!("cannot delete {}: {e}", file.display())))?;
                outln!("Deleted {}.", file.display());
            } else {
                eprintln!("Delete it once you no longer need it (or rerun with --delete-plaintext).");
            }
        }
        SecretsCommand::ExportK8s(args) => {
            let name = args.name.unwrap_or_else(|| format!("{}-secrets", workspace.schema.compose_project(&args.environment)));
            if !k8s::valid_name(&name) || !k8s::valid_name(&args.namespace) {
                return Err(Failure::usage(format!(
                    "`{name}` / `{}` is not a valid Kubernetes name: lowercase letters, digits, '-' and '.'",
                    args.namespace
                )));
            }
            let values = store.load(&args.environment).map_err(fail)?;
            let manifest = k8s::secret_manifest(&name, &args.namespace, &values);
            match args.output {
                None => out!("{}", manifest.expose()),
                Some(path) => {
                    write_private(&path, manifest.expose())
                        .map_err(|e| Failure::internal(format!("cannot write {}: {e}", path.display())))?;
                    eprintln!(
                        "Wrote {} (mode 0600). It holds the secrets base64-encoded, which is not encryption: \
                         apply it and delete it, and never commit it.",
                        path.display()
                    );
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Creates a file readable by its owner only (refusing to replace an existing one).
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)?.write_all(text.as_bytes())
}
