//! Runs the catalogue concurrently, each check with its own timeout, reporting each as it finishes.

use std::{future::Future, pin::Pin, time::{Duration, Instant}};

use futures_util::{stream::FuturesUnordered, StreamExt};

use super::{compose, docker, env_file, gpu, ports, resources, secrets, CheckContext, CheckReport, CheckResult, CheckStatus};

type CheckFuture<'a> = Pin<Box<dyn Future<Output = CheckResult> + Send + 'a>>;

/// Every check: id, title, time limit.
pub const CATALOGUE: &[(&str, &str, Duration)] = &[
    ("docker.cli", "Docker CLI", Duration::from_secs(5)),
    ("docker.daemon", "Docker daemon", Duration::from_secs(3)),
    ("compose", "Docker Compose v2", Duration::from_secs(5)),
    ("compose.files", "Compose files", Duration::from_secs(15)),
    ("env.file", "Environment file", Duration::from_secs(5)),
    ("secrets", "Secrets", Duration::from_secs(5)),
    ("gpu", "NVIDIA GPU", Duration::from_secs(10)),
    ("gpu.runtime", "GPU container runtime", Duration::from_secs(5)),
    ("memory", "Memory", Duration::from_secs(5)),
    ("disk", "Disk space", Duration::from_secs(5)),
    ("ports", "Ports", Duration::from_secs(10)),
    ("docker.disk", "Docker disk usage", Duration::from_secs(15)),
    ("images", "Images", Duration::from_secs(10)),
];

fn start<'a>(id: &'static str, ctx: &'a CheckContext<'a>) -> CheckFuture<'a> {
    match id {
        "docker.cli" => Box::pin(docker::cli(ctx)),
        "docker.daemon" => Box::pin(docker::daemon(ctx)),
        "compose" => Box::pin(compose::compose(ctx)),
        "compose.files" => Box::pin(compose::files(ctx)),
        "env.file" => Box::pin(env_file::env_file(ctx)),
        "gpu" => Box::pin(gpu::gpu(ctx)),
        "gpu.runtime" => Box::pin(gpu::runtime(ctx)),
        "memory" => Box::pin(resources::memory(ctx)),
        "disk" => Box::pin(resources::disk(ctx)),
        "ports" => Box::pin(ports::ports(ctx)),
        "docker.disk" => Box::pin(docker::disk_usage(ctx)),
        "images" => Box::pin(compose::images(ctx)),
        "secrets" => Box::pin(secrets::secrets(ctx)),
        _ => Box::pin(async move { CheckResult::new(id, "Unknown", CheckStatus::Fail, format!("no check is called {id}")) }),
    }
}

/// Runs every check of the catalogue concurrently; `on_result` sees each as it finishes.
pub async fn run_checks<'a>(ctx: &'a CheckContext<'a>, mut on_result: impl FnMut(&CheckResult)) -> CheckReport {
    let started = Instant::now();
    let mut pending: FuturesUnordered<_> = CATALOGUE
        .iter()
        .map(|&(id, title, limit)| async move {
            let began = Instant::now();
            let mut result = match tokio::time::timeout(limit, start(id, ctx)).await {
                Ok(result) => result,
                Err(_) => CheckResult::new(id, title, CheckStatus::Fail, format!("did not finish within {} s", limit.as_secs())),
            };
            result.elapsed_ms = began.elapsed().as_millis() as u64;
            result
        })
        .collect();
    let mut results = Vec::with_capacity(CATALOGUE.len());
    while let Some(result) = pending.next().await {
        on_result(&result);
        results.push(result);
    }
    let order: Vec<&str> = CATALOGUE.iter().map(|(id, _, _)| *id).collect();
    let mut report = CheckReport::new(ctx.env_name.to_owned(), results, &order, started.elapsed().as_millis() as u64);
    report.engine = ctx.facts().await.cloned();
    report
}
