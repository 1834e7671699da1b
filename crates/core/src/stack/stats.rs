//! CPU and memory per service, as a live stream for the dashboard's graphs.

use bollard::query_parameters::StatsOptionsBuilder;
use futures_util::{stream, Stream, StreamExt};
use serde::Serialize;

use crate::engine::{Engine, EngineError};

/// One measurement of one service.
#[derive(Debug, Clone, Serialize)]
pub struct StatsSample {
    /// Compose service.
    pub service: String,
    /// CPU use, percent of one core (200 = two cores busy).
    pub cpu_percent: f64,
    /// Memory in use, bytes (page cache excluded, as `docker stats` shows it).
    pub memory_bytes: u64,
    /// Memory limit, bytes.
    pub memory_limit: u64,
}

/// Samples of every running container of `project`, about once a second each.
pub async fn stream_stats(engine: &Engine, project: &str) -> Result<impl Stream<Item = Result<StatsSample, EngineError>> + 'static, EngineError> {
    let running = engine.project_containers(project, None, false).await?;
    let mut streams = Vec::new();
    for container in running {
        let (Some(id), Some(service)) = (container.id, container.labels.and_then(|l| l.get("com.docker.compose.service").cloned())) else {
            continue;
        };
        let docker = engine.docker().clone();
        let samples = docker.stats(&id, Some(StatsOptionsBuilder::new().stream(true).build())).map(move |sample| {
            let sample = sample?;
            let cpu = sample.cpu_stats.as_ref();
            let pre = sample.precpu_stats.as_ref();
            let total = |s: Option<&bollard::models::ContainerCpuStats>| s.and_then(|s| s.cpu_usage.as_ref()).and_then(|u| u.total_usage).unwrap_or(0);
            let system = |s: Option<&bollard::models::ContainerCpuStats>| s.and_then(|s| s.system_cpu_usage).unwrap_or(0);
            let cpu_delta = total(cpu).saturating_sub(total(pre)) as f64;
            let system_delta = system(cpu).saturating_sub(system(pre)) as f64;
            let cpus = cpu.and_then(|c| c.online_cpus).unwrap_or(1).max(1) as f64;
            let cpu_percent = if system_delta > 0.0 { cpu_delta / system_delta * cpus * 100.0 } else { 0.0 };
            let memory = sample.memory_stats.unwrap_or_default();
            let cache = memory.stats.as_ref().and_then(|s| s.get("inactive_file").or_else(|| s.get("cache")).copied()).unwrap_or(0);
            Ok(StatsSample {
                service: service.clone(),
                cpu_percent,
                memory_bytes: memory.usage.unwrap_or(0).saturating_sub(cache),
                memory_limit: memory.limit.unwrap_or(0),
            })
        });
        streams.push(samples.boxed());
    }
    Ok(stream::select_all(streams))
}
