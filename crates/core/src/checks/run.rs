//! Runs the catalogue concurrently, each check with its own timeout, reporting each as it finishes.

use std::{future::Future, pin::Pin, time::{Duration, Instant}};

use futures_util::{stream::FuturesUnordered, StreamExt};

use super::{compose, docker, env_file, gpu, ports, resources, secrets, CheckContext, CheckReport, CheckResult, CheckStatus};

type CheckFuture<'a> = Pin<Box<dyn Future<Output = CheckResult> + Send + 'a>>;

/// One check: everything about it in one entry.
pub struct Check {
    /// Stable id, e.g. `docker.daemon`.
    pub id: &'static str,
    /// Title for people.
    pub title: &'static str,
    /// How long it may take before it fails as "did not finish".
    pub limit: Duration,
    /// The ids of the fixes it may offer.
    pub fixes: &'static [&'static str],
    run: for<'a> fn(&'a CheckContext<'a>) -> CheckFuture<'a>,
}

/// An entry of [`CATALOGUE`]: `check!(id, title, seconds, function, [fix ids])`.
macro_rules! check {
    ($id:literal, $title:literal, $secs:literal, $run:path, [$($fix:literal),*]) => {
        Check {
            id: $id,
            title: $title,
            limit: Duration::from_secs($secs),
            fixes: &[$($fix),*],
            run: {
                fn run<'a>(ctx: &'a CheckContext<'a>) -> CheckFuture<'a> {
                    Box::pin($run(ctx))
                }
                run
            },
        }
    };
}

/// Every check, in the order reports list them. Adding a check is one entry here (and
/// its function, and a line in docs/checks.md).
pub const CATALOGUE: &[Check] = &[
    check!("docker.cli", "Docker CLI", 5, docker::cli, []),
    check!("docker.daemon", "Docker daemon", 3, docker::daemon, []),
    check!("compose", "Docker Compose v2", 5, compose::compose, []),
    check!("compose.files", "Compose files", 15, compose::files, []),
    check!("env.file", "Environment file", 5, env_file::env_file, ["env.file.generate"]),
    check!("secrets", "Secrets", 5, secrets::secrets, ["secrets.generate"]),
    check!("gpu", "NVIDIA GPU", 10, gpu::gpu, []),
    check!("gpu.runtime", "GPU container runtime", 5, gpu::runtime, []),
    check!("memory", "Memory", 5, resources::memory, []),
    check!("disk", "Disk space", 5, resources::disk, []),
    check!("ports", "Ports", 10, ports::ports, ["ports.remap", "ports.stop-container"]),
    check!("docker.disk", "Docker disk usage", 15, docker::disk_usage, ["docker.reclaim"]),
    check!("images", "Images", 10, compose::images, []),
];

/// Runs every check of the catalogue concurrently; `on_result` sees each as it finishes.
pub async fn run_checks<'a>(ctx: &'a CheckContext<'a>, mut on_result: impl FnMut(&CheckResult)) -> CheckReport {
    let started = Instant::now();
    let mut pending: FuturesUnordered<_> = CATALOGUE
        .iter()
        .map(|check| async move {
            let began = Instant::now();
            let mut result = match tokio::time::timeout(check.limit, (check.run)(ctx)).await {
                Ok(result) => result,
                Err(_) => CheckResult::new(check.id, check.title, CheckStatus::Fail, format!("did not finish within {} s", check.limit.as_secs())),
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
    let order: Vec<&str> = CATALOGUE.iter().map(|c| c.id).collect();
    let mut report = CheckReport::new(ctx.env.name.to_owned(), results, &order, started.elapsed().as_millis() as u64);
    report.engine = ctx.facts().await.cloned();
    report
}

#[cfg(test)]
mod tests {
    use super::CATALOGUE;

    #[test]
    fn the_catalogue_has_unique_ids_and_docs_checks_md_describes_each_check_and_fix() {
        let doc = include_str!("../../../../docs/checks.md");
        let mut ids: Vec<&str> = CATALOGUE.iter().map(|c| c.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), CATALOGUE.len(), "two checks share an id");
        for check in CATALOGUE {
            assert!(doc.contains(&format!("| `{}` |", check.id)), "docs/checks.md has no row for {}", check.id);
            for fix in check.fixes {
                assert!(doc.contains(&format!("`{fix}`")), "docs/checks.md does not describe {fix}");
            }
        }
    }
}
