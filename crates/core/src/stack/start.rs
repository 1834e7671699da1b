//! Starting an environment, as one policy both front ends call: check the machine, apply
//! the fixes that only add what is missing (env file keys, keychain secrets) without
//! asking, stop with the report when something still needs a person (a port another
//! program holds, a missing GPU, a destructive fix), else start and watch, reusing the
//! Compose model the checks computed.

use std::sync::Arc;

use serde::Serialize;
use tokio_util::sync::CancellationToken;

use super::{up, StackError, UpEvent, UpOptions, UpReport};
use crate::{
    checks::{self, CheckContext, CheckReport, CheckResult, CheckStatus},
    compose::{ComposeModel, ModelCache},
    Env,
};

/// How to start.
#[derive(Debug, Clone, Default)]
pub struct StartOptions {
    /// Overrides the environment's `timeout`.
    pub timeout: Option<std::time::Duration>,
    /// Start without checking first (`--no-check`).
    pub skip_checks: bool,
}

/// A fix the start applied by itself.
#[derive(Debug, Clone, Serialize)]
pub struct AppliedFix {
    /// The fix's id, e.g. `secrets.generate`.
    pub id: &'static str,
    /// What was done (or why it could not be), for people.
    pub summary: String,
    /// Whether it worked.
    pub ok: bool,
}

/// Something that happened during a start, for live progress.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum StartEvent {
    /// A check finished.
    Check {
        /// Its result.
        result: CheckResult,
    },
    /// A fix was applied without asking.
    Fixed {
        /// What it did.
        fix: AppliedFix,
    },
    /// The checks passed (or were skipped): Compose starts the stack.
    Starting,
    /// A step or state change of the start.
    Up {
        /// The event.
        event: UpEvent,
    },
}

/// How a start ended.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "outcome", rename_all = "camelCase")]
pub enum StartOutcome {
    /// Checks failed that a person must resolve; nothing was started.
    Blocked {
        /// The failed checks, with their details and the fixes a person may choose.
        failed: Vec<CheckResult>,
        /// One sentence for people.
        summary: String,
        /// A system component (Docker, Compose) failed, or a problem was found.
        kind: crate::Kind,
    },
    /// The stack was started (its own outcome says whether it became ready).
    Started {
        /// The start's report.
        report: UpReport,
    },
}

/// The whole start: checks, fixes applied, outcome.
#[derive(Debug, Clone, Serialize)]
pub struct StartReport {
    /// The last check run (none with `skip_checks`).
    pub checks: Option<CheckReport>,
    /// Fixes applied without asking.
    pub applied: Vec<AppliedFix>,
    /// How it ended.
    pub outcome: StartOutcome,
}

/// What the checks left: failures a person must resolve, and the model they computed.
struct Gate {
    report: CheckReport,
    applied: Vec<AppliedFix>,
    model: Option<Arc<ComposeModel>>,
}

/// Whether a failed check is a system component's (Docker, Compose).
fn is_system(result: &CheckResult) -> bool {
    matches!(result.id, "docker.cli" | "docker.daemon" | "compose")
}

/// Runs the checks; applies every offered fix that [`applies_without_asking`]
/// (checks::Fix::applies_without_asking), then checks again once.
async fn gate(env: Env<'_>, cache: &ModelCache, on_event: &mut impl FnMut(&StartEvent)) -> Result<Gate, StackError> {
    let ctx = CheckContext::new(env, cache);
    let report = checks::run_checks(&ctx, |result| on_event(&StartEvent::Check { result: result.clone() })).await;
    // With Docker or Compose missing nothing can start: change nothing (no secret generated
    // for a start that cannot happen).
    if report.results.iter().any(|r| r.status == CheckStatus::Fail && is_system(r)) {
        return Ok(Gate { report, applied: Vec::new(), model: None });
    }
    let mut safe: Vec<checks::Fix> = Vec::new();
    for fix in report.results.iter().filter(|r| r.status != CheckStatus::Pass).flat_map(|r| r.fixes.iter()) {
        if fix.applies_without_asking() && !safe.contains(fix) {
            safe.push(fix.clone());
        }
    }
    if safe.is_empty() {
        let model = ctx.model().await.as_ref().ok().cloned();
        return Ok(Gate { report, applied: Vec::new(), model });
    }
    let mut applied = Vec::new();
    for fix in &safe {
        let done = match checks::apply(&ctx, fix, None).await {
            Ok(outcome) => AppliedFix { id: fix.id(), summary: outcome.summary(), ok: true },
            Err(error) => AppliedFix { id: fix.id(), summary: format!("{} failed: {error}", fix.label()), ok: false },
        };
        on_event(&StartEvent::Fixed { fix: done.clone() });
        applied.push(done);
    }
    // Checked again on what the fixes wrote (the cache sees the changed env file).
    let ctx = CheckContext::new(env, cache);
    let report = checks::run_checks(&ctx, |result| on_event(&StartEvent::Check { result: result.clone() })).await;
    let model = ctx.model().await.as_ref().ok().cloned();
    Ok(Gate { report, applied, model })
}

/// Starts `env_name` the one way both front ends do: see the module's description.
/// `cache` may be shared with earlier check runs (the app keeps one).
pub async fn start(
    env: Env<'_>,
    options: &StartOptions,
    cache: &ModelCache,
    cancel: CancellationToken,
    mut on_event: impl FnMut(&StartEvent),
) -> Result<StartReport, StackError> {
    // An engine that cannot even be named (an unknown context) is the person's input.
    crate::engine::endpoint::resolve().map_err(|e| StackError::Engine(e.into()))?;
    let (checks, applied, model) = if options.skip_checks {
        (None, Vec::new(), None)
    } else {
        let gate = gate(env, cache, &mut on_event).await?;
        let failed: Vec<CheckResult> = gate.report.results.iter().filter(|r| r.status == CheckStatus::Fail).cloned().collect();
        if !failed.is_empty() {
            let names: Vec<&str> = failed.iter().map(|r| r.id).collect();
            let summary = format!("{} cannot start: {} check(s) failed ({})", env.name, failed.len(), names.join(", "));
            // Docker or Compose missing is a system component's failure, the rest a problem.
            let system = failed.iter().any(is_system);
            let kind = if system { crate::Kind::System } else { crate::Kind::Problem };
            return Ok(StartReport { checks: Some(gate.report), applied: gate.applied, outcome: StartOutcome::Blocked { failed, summary, kind } });
        }
        (Some(gate.report), gate.applied, gate.model)
    };
    on_event(&StartEvent::Starting);
    let up_options = UpOptions { timeout: options.timeout, model };
    let report = up(env, &up_options, cancel, |event| on_event(&StartEvent::Up { event: event.clone() })).await?;
    Ok(StartReport { checks, applied, outcome: StartOutcome::Started { report } })
}
