//! Start an environment and watch every service come up, from the engine's events.

use std::{
    process::Stdio,
    time::{Duration, Instant},
};

use futures_util::StreamExt;
use serde::Serialize;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio_util::sync::CancellationToken;

use super::{
    logs, prepare,
    progress::{self, ComposeStep},
    status::project_status,
    tracker::Tracker,
    urls::{self, ServiceUrl},
    EnvLock, ServiceState, StackError,
};
use crate::{
    compose::{self, ComposeCli, ComposeError},
    engine::{events::project_events, Engine},
    secrets::redact::redact,
    time::now_ns,
    Env,
};

/// How long a start may take when the schema does not say.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(300);
/// Log lines shown for a service that failed.
pub const FAILURE_LOG_LINES: usize = 50;

/// Options of `up`.
#[derive(Debug, Clone, Default)]
pub struct UpOptions {
    /// Overrides the environment's `timeout`.
    pub timeout: Option<Duration>,
    /// The environment's Compose model when the checks just computed it (with placeholder
    /// secrets: the services, healthchecks and ports do not depend on their values), so
    /// the start does not run `docker compose config` again.
    pub model: Option<std::sync::Arc<compose::ComposeModel>>,
}

/// Something that happened during a start, for live progress.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum UpEvent {
    /// Compose reports a step.
    Step {
        /// Service.
        service: String,
        /// The step.
        step: ComposeStep,
    },
    /// Bytes of a service's image pulled so far, and of all images of the start.
    Pull {
        /// Service.
        service: String,
        /// Its image's bytes so far.
        current: u64,
        /// Its image's bytes to pull (grows while layers are announced).
        total: u64,
        /// All images' bytes so far.
        all_current: u64,
        /// All images' bytes to pull.
        all_total: u64,
        /// The service's in words: `12.3 MB of 40.0 MB (30 %)`.
        words: String,
        /// All images' in words.
        all_words: String,
    },
    /// A service changed state.
    State {
        /// Service.
        service: String,
        /// New state.
        state: ServiceState,
        /// Whether it now counts as ready.
        ready: bool,
        /// Since the start began.
        elapsed_ms: u64,
        /// Services ready / waited for.
        ready_count: usize,
        /// Services waited for.
        total: usize,
    },
}

/// How a start ended.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "outcome", rename_all = "camelCase")]
pub enum UpOutcome {
    /// Every service waited for is ready.
    Ready,
    /// A service failed (or Compose did).
    Failed {
        /// The service, when one is to blame.
        service: Option<String>,
        /// Why.
        reason: String,
    },
    /// The timeout passed first.
    TimedOut {
        /// Seconds waited.
        after_s: u64,
        /// Services not ready, with their states.
        not_ready: Vec<String>,
    },
    /// The person cancelled.
    Cancelled,
    /// The Docker daemon went away.
    DaemonStopped {
        /// What was seen.
        detail: String,
    },
}

/// One service at the end of a start.
#[derive(Debug, Clone, Serialize)]
pub struct ServiceReport {
    /// Service.
    pub service: String,
    /// Final state.
    pub state: ServiceState,
    /// Whether it counts as ready.
    pub ready: bool,
    /// Whether the start waited for it.
    pub waited_for: bool,
    /// Last log lines, for a failed service.
    pub last_logs: Vec<String>,
    /// Last healthcheck outputs, for an unhealthy or not-ready one.
    pub health_log: Vec<String>,
    /// Engine time of the event that made it ready (ns since the epoch).
    pub ready_event_ns: Option<i64>,
    /// When Stackpilot saw that event (ns since the epoch).
    pub ready_seen_ns: Option<i64>,
}

/// The result of a start.
#[derive(Debug, Clone, Serialize)]
pub struct UpReport {
    /// Environment.
    pub environment: String,
    /// Compose project.
    pub project: String,
    /// How it ended.
    pub outcome: UpOutcome,
    /// Every service.
    pub services: Vec<ServiceReport>,
    /// Containers running at the end (so nothing is left half-started silently).
    pub running: Vec<String>,
    /// Links, once ready.
    pub urls: Vec<ServiceUrl>,
    /// Wall time.
    pub elapsed_ms: u64,
    /// How it ended, in one sentence for people (both front ends show this).
    pub summary: String,
}

impl UpOutcome {
    /// `Healthy is ready in 4.1 s.`, `Healthy did not start: worker exited with code 1`…
    pub fn summary(&self, title: &str, elapsed_ms: u64) -> String {
        match self {
            Self::Ready => format!("{title} is ready in {:.1} s.", elapsed_ms as f64 / 1000.0),
            Self::Failed { reason, .. } => format!("{title} did not start: {reason}"),
            Self::TimedOut { after_s, not_ready } => format!("{title} was not ready after {after_s} s. Still waiting for: {}", not_ready.join(", ")),
            Self::Cancelled => "The start was cancelled.".into(),
            Self::DaemonStopped { detail } => format!("The Docker daemon stopped answering: {detail}"),
        }
    }
}

/// Starts `env_name` detached and waits until every service in its `wait_for` is ready
/// (healthy with a healthcheck, else running), it fails, the timeout passes, the person
/// cancels, or the daemon goes away. `on_event` sees each step and state change.
///
/// Three parts: this loop feeds Compose's progress and the engine's events to a pure
/// [`Tracker`], which gives the verdict; [`explain`] then says what each service did.
pub async fn up(
    env: Env<'_>,
    options: &UpOptions,
    cancel: CancellationToken,
    mut on_event: impl FnMut(&UpEvent),
) -> Result<UpReport, StackError> {
    let started = Instant::now();
    let (environment, env_name) = (env.environment, env.name);
    let project = env.project();
    let _lock = EnvLock::acquire(&project, "starting")?;
    let engine = Engine::connect().await?;
    if let Err(e) = crate::backup::resume_leftovers(&engine, &project).await {
        tracing::warn!("cannot unpause what a killed backup left paused: {e}");
    }
    let cli = ComposeCli::locate().await?;
    let spec = prepare(env).await?;
    let model = match &options.model {
        Some(model) => model.clone(),
        None => std::sync::Arc::new(compose::config(&cli, &spec).await?),
    };
    let wait_for: Vec<String> = environment.wait_for.clone().unwrap_or_else(|| model.services.keys().cloned().collect());
    if let Some(unknown) = wait_for.iter().find(|s| !model.services.contains_key(*s)) {
        return Err(StackError::UnknownService {
            service: unknown.clone(),
            env: env_name.to_owned(),
            known: model.services.keys().cloned().collect(),
        });
    }
    let mut tracker = Tracker::new(&model, &wait_for);
    let timeout = options.timeout.or(environment.timeout.map(|t| t.0)).unwrap_or(DEFAULT_TIMEOUT);
    let deadline = tokio::time::Instant::now() + timeout;

    // Subscribe before Compose creates anything; `since` replays what the engine saw
    // between this call and the subscription reaching it. It has one-second granularity,
    // so events older than `began_ns` (a previous run's `die`, `destroy`) are dropped.
    let began_ns = now_ns();
    let since = began_ns / 1_000_000_000;
    let mut events = Box::pin(project_events(&engine, &project, Some(since)).take_until(cancel.clone().cancelled_owned()));

    let mut child = spawn_compose_up(&cli, &spec, model.services.values().any(|s| s.is_built()))?;
    let mut lines = child.stderr.take().map(|e| BufReader::new(e).lines());
    let mut progress_state = ComposeOutput::default();
    // One line of Compose's progress: kept for the explanation, its step to the tracker and on.
    let compose_line = |line: &str, output: &mut ComposeOutput, tracker: &mut Tracker, on_event: &mut dyn FnMut(&UpEvent)| {
        let (parsed, words) = output.reader.read(&redact(line), &project);
        output.tail.push(words);
        if output.tail.len() > 20 {
            output.tail.remove(0);
        }
        let Some(p) = parsed else { return };
        if let ComposeStep::Downloading { current, total } = p.step {
            let (all_current, all_total) = output.pulls.update(&p.service, current, total);
            let (words, all_words) = (progress::pulled_words(current, total), progress::pulled_words(all_current, all_total));
            on_event(&UpEvent::Pull { service: p.service, current, total, all_current, all_total, words, all_words });
            return;
        }
        let image = model.services.get(&p.service).and_then(|s| s.image.as_deref());
        tracker.on_step(&p.service, &p.step, image);
        on_event(&UpEvent::Step { service: p.service, step: p.step });
    };
    let emit_state = |tracker: &Tracker, service: &str, on_event: &mut dyn FnMut(&UpEvent)| {
        let state = tracker.services()[service].state;
        let (ready_count, total) = tracker.counts();
        on_event(&UpEvent::State {
            service: service.to_owned(),
            state,
            ready: tracker.services()[service].ready(),
            elapsed_ms: started.elapsed().as_millis() as u64,
            ready_count,
            total,
        });
    };

    let outcome = loop {
        if let Some(verdict) = tracker.verdict(now_ns()) {
            break verdict;
        }
        tokio::select! {
            _ = cancel.cancelled() => {
                let _ = child.start_kill();
                break UpOutcome::Cancelled;
            }
            _ = tokio::time::sleep(Duration::from_millis(100)), if tracker.settling() => {}
            _ = tokio::time::sleep_until(deadline) => break tracker.timed_out(timeout.as_secs()),
            line = async { match lines.as_mut() { Some(l) => l.next_line().await, None => std::future::pending().await } } => {
                let Ok(Some(line)) = line else {
                    lines = None;
                    continue;
                };
                compose_line(&line, &mut progress_state, &mut tracker, &mut on_event);
            }
            status = child.wait(), if !tracker.compose_done() => {
                // What Compose printed last explains a failure: read it to its end first.
                if let Some(rest) = lines.as_mut() {
                    while let Ok(Ok(Some(line))) = tokio::time::timeout(Duration::from_millis(500), rest.next_line()).await {
                        compose_line(&line, &mut progress_state, &mut tracker, &mut on_event);
                    }
                }
                let exit = status.map(|s| s.success()).map_err(|e| e.to_string());
                if exit == Ok(true) {
                    // Containers that were already up produce no events: read them once.
                    for c in project_status(&engine, &project).await.unwrap_or_default() {
                        if tracker.on_read(&c.service, c.state, now_ns()) {
                            emit_state(&tracker, &c.service, &mut on_event);
                        }
                    }
                }
                tracker.on_compose_exit(exit, &progress_state.tail);
            }
            event = events.next() => {
                match event {
                    Some(Ok(event)) if event.time_nano < began_ns => {}
                    Some(Ok(event)) => {
                        if tracker.on_container_event(&event.service, &event.id, event.action, event.exit_code, event.time_nano, now_ns()) {
                            emit_state(&tracker, &event.service, &mut on_event);
                        }
                    }
                    Some(Err(e)) => break UpOutcome::DaemonStopped { detail: e.to_string() },
                    None if cancel.is_cancelled() => break UpOutcome::Cancelled,
                    None => break UpOutcome::DaemonStopped { detail: "the engine closed the event stream".into() },
                }
            }
        }
    };
    if !tracker.compose_done() {
        let _ = child.start_kill();
        let _ = tokio::time::timeout(Duration::from_secs(2), child.wait()).await;
    }

    let (services, running) = explain(&engine, &project, &tracker, &outcome).await;
    let urls = if matches!(outcome, UpOutcome::Ready) {
        let value_of = spec.values();
        urls::urls(&environment.urls, &model, &engine.endpoint().published_host(), |name| value_of(name))
    } else {
        Vec::new()
    };
    let elapsed_ms = started.elapsed().as_millis() as u64;
    Ok(UpReport {
        summary: outcome.summary(&environment.title, elapsed_ms),
        environment: env_name.to_owned(),
        project,
        outcome,
        services,
        running,
        urls,
        elapsed_ms,
    })
}

/// What is read from Compose's progress during one start.
#[derive(Default)]
struct ComposeOutput {
    reader: progress::JsonProgress,
    pulls: progress::Pulls,
    /// The last lines, in words, to explain a failure.
    tail: Vec<String>,
}

/// `docker compose up --detach` (with `--build` when a service builds its image), its
/// progress on stderr to read: JSON with the bytes of each pull where Compose has it.
fn spawn_compose_up(cli: &ComposeCli, spec: &compose::ProjectSpec, build: bool) -> Result<tokio::process::Child, StackError> {
    let mut command = spec.command(cli)?;
    let format = if progress::has_json_progress(&cli.version) { "json" } else { "plain" };
    command.args(["--progress", format, "up", "--detach"]);
    if build {
        command.arg("--build");
    }
    command.stdout(Stdio::null()).stderr(Stdio::piped());
    Ok(command.spawn().map_err(|source| ComposeError::Spawn { program: cli.program().clone(), source })?)
}

/// What each service did, once the start has ended: the last logs of a failed one, the
/// healthcheck outputs of those not ready; and the containers left running.
async fn explain(engine: &Engine, project: &str, tracker: &Tracker, outcome: &UpOutcome) -> (Vec<ServiceReport>, Vec<String>) {
    let (current, daemon_gone) = match tokio::time::timeout(Duration::from_secs(2), project_status(engine, project)).await {
        Ok(Ok(current)) => (current, false),
        _ => (Vec::new(), true),
    };
    let failed_service = match outcome {
        UpOutcome::Failed { service: Some(s), .. } => Some(s.as_str()),
        _ => None,
    };
    let mut services = Vec::new();
    for (name, t) in tracker.services() {
        let health_log = current.iter().filter(|c| &c.service == name).flat_map(|c| c.health_log.clone()).collect::<Vec<_>>();
        let last_logs = if failed_service == Some(name.as_str()) && !daemon_gone {
            logs::tail(engine, project, Some(name), FAILURE_LOG_LINES).await.unwrap_or_default().into_iter().map(|l| l.text).collect()
        } else {
            Vec::new()
        };
        services.push(ServiceReport {
            service: name.clone(),
            state: t.state,
            ready: t.ready(),
            waited_for: t.waited_for,
            health_log: if t.ready() { Vec::new() } else { health_log },
            last_logs,
            ready_event_ns: t.ready_event_ns,
            ready_seen_ns: t.ready_seen_ns,
        });
    }
    let running = current
        .iter()
        .filter(|c| matches!(c.state, ServiceState::Running | ServiceState::Healthy | ServiceState::Starting | ServiceState::Unhealthy | ServiceState::Restarting))
        .map(|c| c.container.clone())
        .collect();
    (services, running)
}
