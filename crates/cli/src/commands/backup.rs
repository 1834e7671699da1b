//! `stackpilot backup`, `restore` and `backups`, and the backup offered before
//! destructive actions (`down --volumes`, `secrets rotate`).

use std::{
    path::{Path, PathBuf},
    process::ExitCode,
    time::Duration,
};

use clap::Args;
use stackpilot_core::{
    backup::{self, BackupEvent, BackupOptions, BackupReport, Keep, RestoreEvent, RestoreOptions},
    checks::human_bytes,
    Env, Workspace,
};

use super::print_json;
use crate::{failure::EXIT_CHECK_FAILED, progress::Progress, prompt::confirm, Failure};

/// Back up an environment's named volumes (compressed, with a manifest and checksums)
#[derive(Debug, Args)]
pub struct BackupArgs {
    /// Environment, e.g. dev
    #[arg(add = clap_complete::engine::ArgValueCandidates::new(crate::commands::completions::environment_names))]
    environment: String,
    /// Only this volume (its name in the Compose files); repeat for more
    #[arg(long = "volume", value_name = "NAME")]
    volumes: Vec<String>,
    /// Write the backup into this folder (default: Stackpilot's data folder, backups/PROJECT)
    #[arg(long, short = 'o', value_name = "DIR")]
    output: Option<PathBuf>,
    /// Print the result as JSON
    #[arg(long)]
    pub json: bool,
}

/// Put a backup's volumes back into a stopped environment (asks first, naming what is replaced)
#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// Environment, e.g. dev
    #[arg(add = clap_complete::engine::ArgValueCandidates::new(crate::commands::completions::environment_names))]
    environment: String,
    /// The backup: its folder, its manifest.json, its name (`stackpilot backups ENV`) or `latest`
    backup: String,
    /// Only this volume of the backup; repeat for more
    #[arg(long = "volume", value_name = "NAME")]
    volumes: Vec<String>,
    /// Where backups are looked for by name, and where the data replaced is kept
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
    /// Do not back up the data being replaced first
    #[arg(long)]
    no_backup: bool,
    /// Do not ask before replacing volumes
    #[arg(long)]
    yes: bool,
    /// Print the result as JSON
    #[arg(long)]
    pub json: bool,
}

/// List an environment's backups, newest first, or prune old ones
#[derive(Debug, Args)]
pub struct BackupsArgs {
    /// Environment, e.g. dev
    #[arg(add = clap_complete::engine::ArgValueCandidates::new(crate::commands::completions::environment_names))]
    environment: String,
    /// The folder the backups are in (default: Stackpilot's data folder, backups/PROJECT)
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
    /// Delete the backups that --keep and --keep-within do not keep (asks first)
    #[arg(long, requires = "keeping")]
    prune: bool,
    /// Keep the newest N backups
    #[arg(long, value_name = "N", group = "keeping")]
    keep: Option<usize>,
    /// Keep the backups taken within this long, e.g. 7d, 12h, 2w
    #[arg(long, value_name = "AGE", value_parser = parse_age, group = "keeping")]
    keep_within: Option<Duration>,
    /// Do not ask before deleting
    #[arg(long)]
    yes: bool,
    /// Print the list (or what was pruned) as JSON
    #[arg(long)]
    pub json: bool,
}

/// `7d`, `12h`, `2w`, `30m`: an age.
fn parse_age(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let n: u64 = number
        .parse()
        .map_err(|_| format!("`{text}` is not an age; write it as 30m, 12h, 7d or 2w"))?;
    let unit = match unit {
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        "w" => 7 * 86_400,
        _ => {
            return Err(format!(
                "`{text}` has no unit this knows; write it as 30m, 12h, 7d or 2w"
            ))
        }
    };
    n.checked_mul(unit)
        .map(Duration::from_secs)
        .ok_or_else(|| format!("`{text}` is too long"))
}

fn open(workspace: Option<&Path>) -> Result<Workspace, Failure> {
    Workspace::resolve(workspace).map_err(|e| Failure::of(&e))
}

pub async fn cmd_backup(workspace: Option<&Path>, args: BackupArgs) -> Result<ExitCode, Failure> {
    let workspace = open(workspace)?;
    let env = workspace
        .env(&args.environment)
        .map_err(|e| Failure::of(&e))?;
    let options = BackupOptions {
        volumes: args.volumes.clone(),
        dir: args.output.clone(),
        ..BackupOptions::default()
    };
    let report = run_backup(env, &options, args.json).await?;
    if args.json {
        print_json(&report)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Backs up with progress (nothing drawn under `json`) and says where it went.
async fn run_backup(
    env: Env<'_>,
    options: &BackupOptions,
    json: bool,
) -> Result<BackupReport, Failure> {
    let mut progress = (!json).then(Progress::new);
    if let Some(p) = &mut progress {
        p.phase(&format!("Backing up {}'s volumes", env.name));
    }
    // Ctrl-C cancels the copy (core unpauses what it paused and keeps nothing); once the
    // backup is over, it ends the program as it would have without this handler.
    let cancel = options.cancel.clone();
    let over = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let done = over.clone();
    tokio::spawn(async move {
        while tokio::signal::ctrl_c().await.is_ok() {
            if done.load(std::sync::atomic::Ordering::SeqCst) {
                std::process::exit(130);
            }
            cancel.cancel();
        }
    });
    let result = backup::backup(env, options, |event| {
        if let Some(p) = &mut progress {
            show_backup(p, &event);
        }
    })
    .await;
    over.store(true, std::sync::atomic::Ordering::SeqCst);
    let report = match result {
        Ok(report) => report,
        Err(e) => {
            if let Some(p) = progress {
                p.finish("failed");
            }
            return Err(Failure::of(&e));
        }
    };
    if let Some(p) = progress {
        p.finish("done");
        for s in &report.skipped {
            outln!("Left out {}: {}.", s.volume, s.reason);
        }
        outln!(
            "Backed up {} volume(s) of {} ({} of files, {} on disk) to {}",
            report.manifest.volumes.len(),
            env.name,
            human_bytes(report.manifest.bytes()),
            human_bytes(report.manifest.archive_bytes()),
            report.path.display()
        );
    }
    Ok(report)
}

fn show_backup(p: &mut Progress, event: &BackupEvent) {
    match event {
        BackupEvent::Preparing { services } => p.line(&format!(
            "No container mounts the volumes yet: creating (not starting) {}",
            services.join(", ")
        )),
        BackupEvent::Volume {
            volume,
            through,
            paused,
        } => {
            let paused = if paused.is_empty() {
                String::new()
            } else {
                format!(", {} paused meanwhile", paused.join(", "))
            };
            p.step(volume, &format!("reading through {through}{paused}"));
        }
        BackupEvent::Progress { volume, bytes } => {
            p.tick(volume, &format!("{} read", human_bytes(*bytes)))
        }
        BackupEvent::Written {
            volume,
            bytes,
            archive_bytes,
        } => p.done(
            volume,
            &format!(
                "{} → {} compressed",
                human_bytes(*bytes),
                human_bytes(*archive_bytes)
            ),
        ),
    }
}

pub async fn cmd_restore(workspace: Option<&Path>, args: RestoreArgs) -> Result<ExitCode, Failure> {
    let workspace = open(workspace)?;
    let env = workspace
        .env(&args.environment)
        .map_err(|e| Failure::of(&e))?;
    let path = backup::find(env, args.dir.as_deref(), &args.backup).map_err(|e| Failure::of(&e))?;
    let mut progress = (!args.json).then(Progress::new);
    if let Some(p) = &mut progress {
        p.phase(&format!("Checking the backup {}", path.display()));
    }
    let planned = backup::plan_restore(env, &path, &args.volumes, |event| {
        if let Some(p) = &mut progress {
            show_restore(p, &event);
        }
    })
    .await;
    if let Some(p) = progress.take() {
        p.finish(if planned.is_ok() { "sound" } else { "refused" });
    }
    let plan = planned.map_err(|e| Failure::of(&e))?;
    for line in plan.describe() {
        eprintln!("{line}");
    }
    let keep = !args.no_backup && plan.volumes.iter().any(|v| v.exists);
    if keep {
        eprintln!("The data being replaced is backed up first (--no-backup skips it).");
    }
    if !confirm("Restore?", args.yes) {
        eprintln!("Nothing was replaced.");
        return Ok(ExitCode::from(EXIT_CHECK_FAILED));
    }
    let mut progress = (!args.json).then(Progress::new);
    if let Some(p) = &mut progress {
        p.phase(&format!("Restoring {}", env.name));
    }
    // Once volumes are being replaced, stopping half-way would leave one half written.
    let on_ctrl_c = tokio::spawn(async {
        while tokio::signal::ctrl_c().await.is_ok() {
            eprintln!("The restore goes on to its end: a volume left half written would be worse than the wait.");
        }
    });
    let options = RestoreOptions {
        keep_current: keep,
        dir: args.dir.clone(),
    };
    let result = backup::restore(env, &plan.backup, &args.volumes, &options, |event| {
        if let Some(p) = &mut progress {
            show_restore(p, &event);
        }
    })
    .await;
    on_ctrl_c.abort();
    if let Some(p) = progress {
        p.finish(if result.is_ok() { "done" } else { "failed" });
    }
    let report = result.map_err(|e| Failure::of(&e))?;
    if args.json {
        print_json(&report)?;
    } else {
        if let Some(kept) = &report.kept {
            outln!("The data replaced is kept in {}", kept.display());
        }
        outln!(
            "Restored {} into {}; `stackpilot up {}` starts it on this data.",
            report.volumes.join(", "),
            env.name,
            env.name
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn show_restore(p: &mut Progress, event: &RestoreEvent) {
    match event {
        RestoreEvent::Checking { volume, bytes, total } => {
            if bytes >= total {
                p.done(volume, "checked");
            } else if p.drawn() {
                p.pull(volume, *bytes, *total);
            } else {
                p.tick(volume, &format!("checking, {} %", bytes * 100 / (*total).max(1)));
            }
        }
        RestoreEvent::KeepingCurrent(e) => show_backup(p, e),
        RestoreEvent::Preparing { services } => p.line(&format!(
            "Creating (not starting) {} to reach the volumes",
            services.join(", ")
        )),
        RestoreEvent::Volume { volume, through } => {
            p.step(volume, &format!("writing through {through}"))
        }
        RestoreEvent::Progress { volume, bytes, total } => {
            if p.drawn() {
                p.pull(volume, *bytes, *total);
            } else {
                p.tick(volume, &format!("{} of {} written", human_bytes(*bytes), human_bytes(*total)));
            }
        }
        RestoreEvent::Restored { volume } => p.done(volume, "restored"),
    }
}

/// What `backups` prints under `--json`.
#[derive(serde::Serialize)]
struct Listing<'a> {
    environment: &'a str,
    backups: &'a [backup::BackupEntry],
    /// The backups deleted (`--prune`).
    pruned: Option<Vec<&'a str>>,
}

pub fn cmd_backups(workspace: Option<&Path>, args: BackupsArgs) -> Result<ExitCode, Failure> {
    let workspace = open(workspace)?;
    let env = workspace
        .env(&args.environment)
        .map_err(|e| Failure::of(&e))?;
    let listed = backup::list(env, args.dir.as_deref()).map_err(|e| Failure::of(&e))?;
    if !args.prune {
        if args.json {
            print_json(&Listing {
                environment: env.name,
                backups: &listed,
                pruned: None,
            })?;
        } else if listed.is_empty() {
            outln!(
                "No backups of {} yet: `stackpilot backup {}` makes one.",
                env.name,
                env.name
            );
        } else {
            for b in &listed {
                outln!("{}", describe(b));
            }
        }
        return Ok(ExitCode::SUCCESS);
    }
    let keep = Keep {
        newest: args.keep,
        within: args.keep_within,
    };
    let doomed = backup::prune_plan(&listed, keep, stackpilot_core::time::now());
    if doomed.is_empty() {
        if args.json {
            print_json(&Listing {
                environment: env.name,
                backups: &listed,
                pruned: Some(Vec::new()),
            })?;
        } else {
            outln!("Nothing to prune: every backup of {} is kept.", env.name);
        }
        return Ok(ExitCode::SUCCESS);
    }
    eprintln!("This deletes {} backup(s) of {}:", doomed.len(), env.name);
    for b in &doomed {
        eprintln!("  {}", describe(b));
    }
    if !confirm("Delete them?", args.yes) {
        eprintln!("Nothing was deleted.");
        return Ok(ExitCode::from(EXIT_CHECK_FAILED));
    }
    for b in &doomed {
        backup::remove(b).map_err(|e| Failure::of(&e))?;
    }
    if args.json {
        let kept: Vec<backup::BackupEntry> = listed
            .iter()
            .filter(|b| !doomed.iter().any(|d| d.path == b.path))
            .cloned()
            .collect();
        print_json(&Listing {
            environment: env.name,
            backups: &kept,
            pruned: Some(doomed.iter().map(|b| b.name.as_str()).collect()),
        })?;
    } else {
        outln!(
            "Deleted {} backup(s); {} kept.",
            doomed.len(),
            listed.len() - doomed.len()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `dev-20261128T020000Z  2026-11-28 02:00 UTC  db-data, uploads  12.3 MB (2.1 MB on disk)`.
fn describe(b: &backup::BackupEntry) -> String {
    match (&b.manifest, &b.problem) {
        (Some(m), _) => format!(
            "{:<28} {}  {}  {} ({} on disk){}",
            b.name,
            b.created
                .map_or_else(|| m.created.clone(), stackpilot_core::time::format_time),
            m.volumes
                .iter()
                .map(|v| v.volume.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            human_bytes(m.bytes()),
            human_bytes(m.archive_bytes()),
            m.before_restoring.as_ref().map_or_else(String::new, |r| format!("  (what the restore of {r} replaced)"))
        ),
        (None, problem) => format!(
            "{:<28} damaged: {}",
            b.name,
            problem.as_deref().unwrap_or("unknown")
        ),
    }
}

/// Before a destructive action on `volumes` (which the engine has): with `backup` set,
/// backs them up; on a terminal (not `yes`) asks whether to, saying `why`; otherwise goes
/// on. A backup that fails stops the action (its error is returned).
pub async fn offer_backup(
    env: Env<'_>,
    volumes: &[String],
    backup: bool,
    yes: bool,
    why: &str,
) -> Result<(), Failure> {
    if volumes.is_empty() {
        return Ok(());
    }
    let wanted = backup
        || (!yes && std::io::IsTerminal::is_terminal(&std::io::stdin()) && {
            eprintln!("{why}");
            crate::prompt::confirm_default_yes(&format!("Back up {} first?", volumes.join(", ")))
        });
    if !wanted {
        return Ok(());
    }
    let options = BackupOptions {
        volumes: volumes.to_vec(),
        dir: None,
        ..BackupOptions::default()
    };
    run_backup(env, &options, false).await.map(|_| ())
}


#[cfg(test)]
mod tests {
    use super::parse_age;

    #[test]
    fn ages_take_minutes_hours_days_and_weeks() {
        assert_eq!(parse_age("7d").expect("age").as_secs(), 7 * 86_400);
        assert_eq!(parse_age("2w").expect("age").as_secs(), 14 * 86_400);
        assert_eq!(parse_age("90m").expect("age").as_secs(), 5400);
        assert!(
            parse_age("7").is_err()
                && parse_age("d").is_err()
                && parse_age("99999999999999999999d").is_err()
        );
    }
}
