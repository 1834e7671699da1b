//! `stackpilot check`

use std::{path::Path, process::ExitCode};

use clap::Args;
use stackpilot_core::{
    checks::{self, human_bytes, CheckContext, CheckReport, CheckResult, CheckStatus, Fix},
    compose::ModelCache,
    Workspace,
};

use super::print_json;
use crate::{
    failure::{EXIT_CHECK_FAILED, EXIT_WARNINGS},
    prompt::confirm,
    Failure,
};

/// Check that this workstation can run an environment, and offer fixes
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Environment to check, e.g. dev
    #[arg(add = clap_complete::engine::ArgValueCandidates::new(crate::commands::completions::environment_names))]
    environment: String,
    /// Print the report as JSON (see docs/checks.md)
    #[arg(long)]
    pub json: bool,
    /// Apply the offered fixes, asking before anything that stops or removes something
    #[arg(long)]
    fix: bool,
    /// With --fix: do not ask, apply destructive fixes too
    #[arg(long, requires = "fix")]
    yes: bool,
    /// Report format for CI: junit (JUnit XML) or github (GitHub Actions annotations); text and json as above
    #[arg(long, value_enum, conflicts_with = "json", value_name = "FORMAT")]
    pub format: Option<Format>,
}

/// How `check` reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Live lines for people
    Text,
    /// The JSON document (as --json)
    Json,
    /// JUnit XML, for CI test dashboards
    Junit,
    /// GitHub Actions workflow commands (annotations)
    Github,
}

impl CheckArgs {
    /// The format asked for.
    pub fn format(&self) -> Format {
        if self.json { Format::Json } else { self.format.unwrap_or(Format::Text) }
    }

    /// Whether people read the output live (text).
    fn text(&self) -> bool {
        self.format() == Format::Text
    }
}

struct Style;

impl Style {
    fn paint(&self, code: &str, text: &str) -> String {
        crate::paint::paint(code, text)
    }

    fn mark(&self, status: CheckStatus) -> String {
        match status {
            CheckStatus::Pass => self.paint("32", "✓ pass"),
            CheckStatus::Warn => self.paint("33", "! warn"),
            CheckStatus::Fail => self.paint("31;1", "✗ FAIL"),
            CheckStatus::Skipped => self.paint("2", "- skip"),
        }
    }

    fn line(&self, result: &CheckResult) {
        outln!("{}  {:<14} {}  {}", self.mark(result.status), result.id, result.message, self.paint("2", &format!("{} ms", result.elapsed_ms)));
        if result.status != CheckStatus::Pass {
            for detail in &result.details {
                outln!("         {}", self.paint("2", detail));
            }
        }
        for fix in &result.fixes {
            outln!("         fix {}: {}", self.paint("36", fix.id()), fix.label());
        }
    }
}

pub async fn cmd_check(workspace: Option<&Path>, args: CheckArgs) -> Result<ExitCode, Failure> {
    let workspace = Workspace::resolve(workspace).map_err(|e| Failure::of(&e))?;
    let env = workspace.env(&args.environment).map_err(|e| Failure::of(&e))?;
    let style = Style;
    let cache = ModelCache::default();
    let mut report = run(env, &args, &cache, &style).await;
    if args.fix {
        let fixes: Vec<Fix> = report.results.iter().flat_map(|r| r.fixes.iter().cloned()).collect();
        if fixes.is_empty() {
            if args.text() {
                outln!("\nNothing to fix.");
            }
        } else {
            let ctx = CheckContext::new(env, &cache);
            for fix in &fixes {
                apply(&ctx, fix, &args, &style).await;
            }
            if args.text() {
                outln!("\nChecking again…");
            }
            report = run(env, &args, &cache, &style).await;
        }
    }
    match args.format() {
        Format::Text => {}
        Format::Json => print_json(&report)?,
        Format::Junit => out!("{}", checks::ci::junit(&report, &stackpilot_core::time::format_timestamp(stackpilot_core::time::now()))),
        Format::Github => {
            // Annotations name the schema file as the repository has it: relative to here.
            let here = std::env::current_dir().unwrap_or_default();
            let schema = env.workspace.schema_path.strip_prefix(&here).unwrap_or(&env.workspace.schema_path);
            out!("{}", checks::ci::github(&report, &schema.display().to_string()));
        }
    }
    Ok(exit_code(&report))
}

async fn run(env: stackpilot_core::Env<'_>, args: &CheckArgs, cache: &ModelCache, style: &Style) -> CheckReport {
    let ctx = CheckContext::new(env, cache);
    if args.text() {
        outln!("Checking {} ({}) of {}\n", env.name, env.environment.title, env.workspace.schema_path.display());
    }
    let report = checks::run_checks(&ctx, |result| {
        if args.text() {
            style.line(result);
        }
    })
    .await;
    if args.text() {
        let s = report.summary;
        match &report.engine {
            Some(engine) => outln!("\nEngine: {}", engine.summary()),
            None => outln!("\nEngine: {}", stackpilot_core::engine::endpoint::resolve().map_or_else(|e| e.to_string(), |e| format!("{} (not answering)", e.label()))),
        }
        outln!(
            "{} checks: {} passed, {} warning(s), {} failed, {} skipped in {} ms",
            report.results.len(),
            s.pass,
            s.warn,
            s.fail,
            s.skipped,
            report.elapsed_ms
        );
        if s.fail > 0 && !args.fix && report.results.iter().any(|r| !r.fixes.is_empty()) {
            outln!("Run `stackpilot check {} --fix` to apply the fixes listed above.", args.environment);
        }
    }
    report
}

async fn apply(ctx: &CheckContext<'_>, fix: &Fix, args: &CheckArgs, style: &Style) {
    let say = |text: String| {
        if args.text() {
            outln!("{text}");
        }
    };
    say(format!("\n{} {}", style.paint("36", "fix"), fix.label()));
    let mut confirmed = None;
    if let Fix::ReclaimDiskSpace { .. } = fix {
        let items = match checks::reclaim_preview(ctx).await {
            Ok(items) => items,
            Err(e) => return say(format!("  could not preview: {e}")),
        };
        say(format!("  This removes exactly these {} item(s):", items.len()));
        for item in &items {
            say(format!("    {:?} {} ({})", item.kind, item.name, human_bytes(item.size)).to_lowercase());
        }
        confirmed = Some(items);
    } else if let Fix::StopContainer { container, project } = fix {
        say(format!("  This stops container {container} of {project}; its data stays and it can be started again."));
    } else {
        match checks::env_file_change(ctx, fix) {
            Ok(Some(change)) => {
                let verb = if change.creates { "creates" } else { "changes" };
                say(format!("  This {verb} {}:", change.path.display()));
                for line in &change.diff {
                    say(format!("    {line}"));
                }
            }
            Ok(None) => {}
            Err(e) => return say(format!("  cannot apply: {e}")),
        }
    }
    if fix.is_destructive() && !confirm(&format!("  Apply `{}`?", fix.id()), args.yes) {
        return say("  not applied".into());
    }
    // The outcome's words are core's, as the app shows them.
    match checks::apply(ctx, fix, confirmed.as_deref()).await {
        Ok(outcome) => say(format!("  {}", outcome.summary())),
        Err(e) => say(format!("  failed: {e}")),
    }
}

fn exit_code(report: &CheckReport) -> ExitCode {
    if report.summary.fail > 0 {
        ExitCode::from(EXIT_CHECK_FAILED)
    } else if report.summary.warn > 0 {
        ExitCode::from(EXIT_WARNINGS)
    } else {
        ExitCode::SUCCESS
    }
}
