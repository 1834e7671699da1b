//! Starting, watching and stopping an environment; logs and stats streamed to the page.

use futures_util::StreamExt;
use stackpilot_core::{
    compose::DownOptions,
    engine::Engine,
    stack::{self, logs::LogLine, stats::StatsSample, status::ServiceStatus, StartEvent, StartOptions, StartReport},
    ErrorReport,
};
use tauri::{ipc::Channel, State};

use crate::session::{Session, Task, TaskKind};

/// Starts `env` through core's one start flow (checks, the fixes that only add what is
/// missing, the gate, start and watch), as `stackpilot up` does; progress goes to
/// `on_event`. `cancel_task({kind: "start", env})` stops the wait.
#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip(session, on_event))]
pub async fn start_environment(session: State<'_, Session>, env: String, on_event: Channel<StartEvent>) -> Result<StartReport, ErrorReport> {
    let workspace = session.environment(&env)?;
    let cancel = session.task(Task::of(TaskKind::Start, &env));
    stack::start(super::env(&workspace, &env)?, &StartOptions::default(), &session.cache, cancel, |event| {
        let _ = on_event.send(event.clone());
    })
    .await
    .map_err(|e| ErrorReport::of(&e))
}

/// Cancels a start, a log follow, a stats stream or a watch of one environment.
#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip(session))]
pub fn cancel_task(session: State<'_, Session>, task: Task) {
    session.cancel(&task);
}

/// The services of `env` as the engine sees them now.
#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip(session))]
pub async fn environment_status(session: State<'_, Session>, env: String) -> Result<Vec<ServiceStatus>, ErrorReport> {
    let workspace = session.environment(&env)?;
    // Health outputs may print a secret: know the values before reading them.
    let _ = stack::load_redactions(super::env(&workspace, &env)?).await;
    let engine = Engine::connect().await.map_err(|e| ErrorReport::of(&e))?;
    stack::status::project_status(&engine, &workspace.schema.compose_project(&env)).await.map_err(|e| ErrorReport::of(&e))
}

/// Stops `env`'s containers (kept, with their data).
#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip(session))]
pub async fn stop_environment(session: State<'_, Session>, env: String) -> Result<(), ErrorReport> {
    let workspace = session.environment(&env)?;
    stack::stop(super::env(&workspace, &env)?, stackpilot_core::compose::lifecycle_deadline()).await.map_err(|e| ErrorReport::of(&e))
}

/// Removes `env`'s containers and networks; volumes only when the page confirmed it.
#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip(session))]
pub async fn down_environment(session: State<'_, Session>, env: String, volumes: bool) -> Result<(), ErrorReport> {
    let workspace = session.environment(&env)?;
    stack::down(super::env(&workspace, &env)?, DownOptions { volumes, ..DownOptions::default() }).await.map_err(|e| ErrorReport::of(&e))
}

/// Restarts one service, or every service (`service` null).
#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip(session))]
pub async fn restart_service(session: State<'_, Session>, env: String, service: Option<String>) -> Result<(), ErrorReport> {
    let workspace = session.environment(&env)?;
    let env = super::env(&workspace, &env)?;
    match service {
        Some(service) => stack::restart(env, &service).await,
        None => stack::restart_all(env).await,
    }
    .map_err(|e| ErrorReport::of(&e))
}

/// Follows the logs of `env` (one service or all) into `on_lines`, in batches, until cancelled.
#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip(session, on_lines))]
pub async fn follow_logs(session: State<'_, Session>, env: String, service: Option<String>, on_lines: Channel<Vec<LogLine>>) -> Result<(), ErrorReport> {
    let workspace = session.environment(&env)?;
    let cancel = session.task(Task::of(TaskKind::Logs, &env));
    if let Err(e) = stack::load_redactions(super::env(&workspace, &env)?).await {
        let _ = on_lines.send(vec![LogLine::new("stackpilot", &format!("Secret values in these lines are not hidden: {e}"))]);
    }
    let engine = Engine::connect().await.map_err(|e| ErrorReport::of(&e))?;
    let project = workspace.schema.compose_project(&env);
    let lines = stack::logs::follow(&engine, &project, service.as_deref(), 200).await.map_err(|e| ErrorReport::of(&e))?;
    forward(lines, &on_lines, cancel, Some((PANE_LINES, left_out_note))).await
}

/// Lines the page's log pane keeps.
const PANE_LINES: usize = 2000;

/// The line that stands for `count` lines of a flood the pane would not keep.
fn left_out_note(count: usize) -> LogLine {
    LogLine::new("stackpilot", &format!("… {count} lines not shown here (this pane keeps the newest {PANE_LINES}; `stackpilot logs` prints them all)"))
}

/// How long items are gathered into one message to the page.
const GATHER: std::time::Duration = std::time::Duration::from_millis(100);

/// Sends the items of `stream` to `channel` gathered a tenth of a second at a time, until
/// `cancel` or the stream ends; the first error ends it, reported. With `keep = (n, note)`,
/// a message carries at most the newest `n` items, after `note(left out)`; once `n` were
/// sent (the pane is full) and the stream keeps flooding (a tenth of `n` or more in a
/// message), at most a fortieth of `n`: a service printing 100,000 lines in a few seconds
/// costs the page about `n / 4` lines a second in messages small enough to be handed over
/// directly rather than fetched, not 100,000 messages
/// (`bench/log-flood.sh`), while the history sent on opening and a start's burst are whole.
async fn forward<T: serde::Serialize + Clone>(
    stream: impl futures_util::Stream<Item = Result<T, stackpilot_core::engine::EngineError>>,
    channel: &Channel<Vec<T>>,
    cancel: tokio_util::sync::CancellationToken,
    keep: Option<(usize, fn(usize) -> T)>,
) -> Result<(), ErrorReport> {
    let mut items = Box::pin(stream.take_until(cancel.cancelled_owned()));
    let (mut busy, mut sent) = (0usize, 0usize);
    while let Some(first) = items.next().await {
        let most = keep.map(|(most, _)| if busy >= 1 && sent >= most { most / 40 } else { most });
        let mut batch = std::collections::VecDeque::new();
        let mut left_out = 0usize;
        let mut next = Some(first);
        let until = tokio::time::Instant::now() + GATHER;
        let failure = loop {
            match next.take() {
                Some(Ok(item)) => batch.push_back(item),
                Some(Err(e)) => break Some(ErrorReport::of(&e)),
                None => break None,
            }
            if let Some(most) = most {
                while batch.len() > most {
                    batch.pop_front();
                    left_out += 1;
                }
            }
            if tokio::time::Instant::now() >= until {
                break None;
            }
            next = tokio::time::timeout_at(until, items.next()).await.ok().flatten();
        };
        busy = if keep.is_some_and(|(most, _)| batch.len() + left_out >= most / 10) { busy + 1 } else { 0 };
        sent += batch.len();
        if let (Some((_, note)), true) = (keep, left_out > 0) {
            batch.push_front(note(left_out));
        }
        if !batch.is_empty() {
            let _ = channel.send(batch.into());
        }
        if let Some(failure) = failure {
            return Err(failure);
        }
    }
    Ok(())
}

/// Streams CPU and memory samples of `env`'s services into `on_sample` until cancelled.
#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip(session, on_sample))]
pub async fn follow_stats(session: State<'_, Session>, env: String, on_sample: Channel<StatsSample>) -> Result<(), ErrorReport> {
    let workspace = session.environment(&env)?;
    let cancel = session.task(Task::of(TaskKind::Stats, &env));
    let engine = Engine::connect().await.map_err(|e| ErrorReport::of(&e))?;
    let project = workspace.schema.compose_project(&env);
    let mut samples = Box::pin(stack::stats::stream_stats(&engine, &project).await.map_err(|e| ErrorReport::of(&e))?.take_until(cancel.cancelled_owned()));
    while let Some(sample) = samples.next().await {
        if let Ok(sample) = sample {
            let _ = on_sample.send(sample);
        }
    }
    Ok(())
}

/// Tells `on_change` each time a container of `env` changes state, whoever caused it (the
/// app, the CLI, `docker` by hand, a crash), from the engine's own events, until cancelled
/// (task `watch`); the page then reads the states again.
#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip(session, on_change))]
pub async fn watch_environment(session: State<'_, Session>, env: String, on_change: Channel<Vec<stackpilot_core::engine::events::ContainerEvent>>) -> Result<(), ErrorReport> {
    let workspace = session.environment(&env)?;
    let cancel = session.task(Task::of(TaskKind::Watch, &env));
    let engine = Engine::connect().await.map_err(|e| ErrorReport::of(&e))?;
    let project = workspace.schema.compose_project(&env);
    forward(stackpilot_core::engine::events::project_events(&engine, &project, None), &on_change, cancel, None).await
}

/// The links of `env`: the schema's named URLs, else its published web ports.
#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip(session))]
pub async fn environment_links(session: State<'_, Session>, env: String) -> Result<Vec<stack::urls::ServiceUrl>, ErrorReport> {
    let workspace = session.environment(&env)?;
    stack::urls::links(super::env(&workspace, &env)?, &session.cache).await.map_err(|e| ErrorReport::of(&e))
}
