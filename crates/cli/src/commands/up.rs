//! `stackpilot up`

use std::{path::Path, process::ExitCode, time::Duration};

use clap::Args;
use stackpilot_core::{
    compose::ModelCache,
    schema::Timeout,
    stack::{self, progress::ComposeStep, StartEvent, StartOptions, StartOutcome, UpEvent, UpOutcome},
    Workspace,
};
use tokio_util::sync::CancellationToken;

use super::print_json;
use crate::{failure::EXIT_CHECK_FAILED, Failure};

/// Start an environment and watch every service come up
#[derive(Debug, Args)]
pub struct UpArgs {
    /// Environment to start, e.g. dev
    #[arg(add = clap_complete::engine::ArgValueCandidates::new(crate::commands::completions::environment_names))]
    environment: String,
    /// Start without running the checks first
    #[arg(long)]
    no_check: bool,
    /// How long to wait for the services, e.g. 90s or 5m (default: the schema's timeout)
    #[arg(long, value_parser = parse_timeout)]
    timeout: Option<Duration>,
    /// Print the final report as JSON instead of live progress
    #[arg(long)]
    pub json: bool,
}

fn parse_timeout(text: &str) -> Result<Duration, String> {
    Timeout::parse(text).map(|t| t.0)
}

pub async fn cmd_up(workspace: Option<&Path>, args: UpArgs) -> Result<ExitCode, Failure> {
    let workspace = Workspace::resolve(workspace).map_err(|e| Failure::of(&e))?;
    let env = workspace.env(&args.environment).map_err(|e| Failure::of(&e))?;
    let environment = env.environment;
    let cancel = CancellationToken::new();
    let on_ctrl_c = cancel.clone();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            on_ctrl_c.cancel();
        }
    });
    let live = !args.json;
    let mut progress = live.then(crate::progress::Progress::new);
    if let (Some(progress), false) = (&mut progress, args.no_check) {
        progress.phase(&format!("Checking {} ({})", args.environment, environment.title));
    }
    let options = StartOptions { timeout: args.timeout, skip_checks: args.no_check };
    let cache = ModelCache::default();
    let mut shown_tenths = std::collections::HashMap::new();
    let started = stack::start(env, &options, &cache, cancel, |event| {
        let Some(progress) = &mut progress else { return };
        match event {
            StartEvent::Check { .. } => {}
            StartEvent::Fixed { fix } => progress.line(&format!("  {} {}", if fix.ok { "fixed:" } else { "fix failed:" }, fix.summary)),
            StartEvent::Starting => progress.phase(&format!("Starting {} ({}) as project {}", args.environment, environment.title, env.project())),
            StartEvent::Up { event: UpEvent::Step { service, step } } => {
                let what = match step {
                    ComposeStep::Pulling => "pulling image".to_owned(),
                    ComposeStep::Pulled => "image pulled".to_owned(),
                    ComposeStep::Building => "building image".to_owned(),
                    ComposeStep::Creating => "creating".to_owned(),
                    ComposeStep::Starting => "starting".to_owned(),
                    ComposeStep::Waiting | ComposeStep::Downloading { .. } => return,
                    ComposeStep::Error(message) => format!("error: {message}"),
                };
                progress.step(service, &what);
            }
            StartEvent::Up { event: UpEvent::Pull { service, current, total, words, all_words, .. } } => {
                if progress.drawn() {
                    progress.pull(service, *current, *total);
                    progress.status(&format!("images: {all_words}"));
                    return;
                }
                // A line each tenth of an image, and when it is complete.
                let tenth = if *total == 0 { 10 } else { current.saturating_mul(10) / total };
                if shown_tenths.insert(service.clone(), tenth) != Some(tenth) {
                    outln!("  {service:<20} pulled {words}; all images: {all_words}");
                }
            }
            StartEvent::Up { event: UpEvent::State { service, state, ready, elapsed_ms, ready_count, total } } => {
                let seconds = *elapsed_ms as f64 / 1000.0;
                if !progress.drawn() {
                    let mark = if *ready { "✓" } else { " " };
                    outln!("{mark} {service:<20} {:<14} {seconds:>6.1}s  {ready_count}/{total} ready", state.label());
                    return;
                }
                progress.status(&format!("{ready_count}/{total} ready"));
                if *ready {
                    progress.done(service, &format!("✓ {} after {seconds:.1} s", state.label()));
                } else {
                    progress.step(service, &state.label());
                }
            }
        }
    })
    .await
    .map_err(|e| Failure::of(&e))?;
    if let Some(progress) = progress {
        progress.finish(match &started.outcome {
            StartOutcome::Blocked { .. } => "blocked by the checks",
            StartOutcome::Started { report } if matches!(report.outcome, UpOutcome::Ready) => "ready",
            StartOutcome::Started { .. } => "not ready",
        });
    }
    // Under --json, the whole start: the checks, the fixes applied, and how it ended.
    if args.json {
        print_json(&started)?;
    }
    let report = match &started.outcome {
        StartOutcome::Started { report } => report,
        StartOutcome::Blocked { failed, summary, kind } => {
            if !args.json {
                eprintln!("{summary}.");
                for r in failed {
                    eprintln!("  ✗ {}: {}", r.id, r.message);
                    for d in &r.details {
                        eprintln!("      {d}");
                    }
                    for f in &r.fixes {
                        eprintln!("      fix {}: {}", f.id(), f.label());
                    }
                }
                eprintln!("Run `stackpilot check {} --fix` to choose the fixes listed, or start anyway with --no-check.", args.environment);
            }
            return Ok(ExitCode::from(kind.exit_code()));
        }
    };
    if !args.json {
        outln!();
        outln!("{}", report.summary);
        if matches!(report.outcome, UpOutcome::Ready) {
            for url in &report.urls {
                outln!("  {:<16} {}", url.label, url.url);
            }
        }
        for service in &report.services {
            if !service.last_logs.is_empty() {
                outln!("\nLast {} log lines of {}:", service.last_logs.len(), service.service);
                for line in &service.last_logs {
                    outln!("  | {line}");
                }
            }
            if !service.health_log.is_empty() && service.waited_for {
                outln!("\nLast healthcheck results of {} ({}):", service.service, service.state.label());
                for line in &service.health_log {
                    outln!("  | {line}");
                }
            }
        }
        if !matches!(report.outcome, UpOutcome::Ready) {
            if report.running.is_empty() {
                outln!("\nNothing of {} is running.", args.environment);
            } else {
                outln!("\nStill running: {}. Stop them with `stackpilot down {}`.", report.running.join(", "), args.environment);
            }
        }
    }
    Ok(match &report.outcome {
        UpOutcome::Ready => ExitCode::SUCCESS,
        UpOutcome::Cancelled => ExitCode::from(stackpilot_core::Kind::Interrupted.exit_code()),
        _ => ExitCode::from(EXIT_CHECK_FAILED),
    })
}
