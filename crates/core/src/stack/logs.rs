//! Service logs: the last lines, or followed live.

use bollard::{
    container::LogOutput,
    query_parameters::LogsOptionsBuilder,
};
use futures_util::{stream, Stream, StreamExt};
use serde::Serialize;

use crate::{
    engine::{Engine, EngineError},
    secrets::redact::redact,
};

/// One log line of one service.
#[derive(Debug, Clone, Serialize)]
pub struct LogLine {
    /// Compose service.
    pub service: String,
    /// The line, with the engine's timestamp first when asked for; known secrets redacted.
    pub text: String,
}

async fn containers(engine: &Engine, project: &str, service: Option<&str>) -> Result<Vec<(String, String)>, EngineError> {
    Ok(engine
        .project_containers(project, service, true)
        .await?
        .into_iter()
        .filter_map(|c| {
            let service = c.labels.as_ref()?.get("com.docker.compose.service")?.clone();
            Some((c.id?, service))
        })
        .collect())
}

fn text(output: LogOutput) -> String {
    redact(String::from_utf8_lossy(&output.into_bytes()).trim_end())
}

/// The last `lines` lines of a service's (or every service's) logs.
pub async fn tail(engine: &Engine, project: &str, service: Option<&str>, lines: usize) -> Result<Vec<LogLine>, EngineError> {
    let mut out = Vec::new();
    for (id, service) in containers(engine, project, service).await? {
        let options = LogsOptionsBuilder::new().stdout(true).stderr(true).tail(&lines.to_string()).build();
        let mut logs = engine.docker().logs(&id, Some(options));
        while let Some(chunk) = logs.next().await {
            for line in text(chunk?).lines() {
                out.push(LogLine { service: service.clone(), text: line.to_owned() });
            }
        }
    }
    Ok(out)
}

/// Follows the logs of one service or all, with timestamps, starting from the last `lines`.
pub async fn follow(
    engine: &Engine,
    project: &str,
    service: Option<&str>,
    lines: usize,
) -> Result<impl Stream<Item = Result<LogLine, EngineError>> + 'static, EngineError> {
    let mut streams = Vec::new();
    for (id, service) in containers(engine, project, service).await? {
        let options = LogsOptionsBuilder::new().stdout(true).stderr(true).follow(true).timestamps(true).tail(&lines.to_string()).build();
        let docker = engine.docker().clone();
        let lines = docker.logs(&id, Some(options)).flat_map(move |chunk| {
            let service = service.clone();
            let items: Vec<Result<LogLine, EngineError>> = match chunk {
                Ok(output) => text(output).lines().map(|l| Ok(LogLine { service: service.clone(), text: l.to_owned() })).collect(),
                Err(e) => vec![Err(e.into())],
            };
            stream::iter(items)
        });
        streams.push(lines.boxed());
    }
    Ok(stream::select_all(streams))
}
