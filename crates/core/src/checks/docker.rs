//! docker.cli, docker.daemon, docker.disk

use std::process::Stdio;

use super::{human_bytes, CheckContext, CheckResult, CheckStatus::*, Fix};
use crate::{engine::disk, Diagnostic};

/// Share of Docker's disk use that, once reclaimable, is worth a warning.
pub const RECLAIM_WARN_RATIO: f64 = 0.30;

pub async fn cli(_: &CheckContext<'_>) -> CheckResult {
    let id = "docker.cli";
    let title = "Docker CLI";
    let output = tokio::process::Command::new("docker")
        .arg("--version")
        .env("LC_ALL", "C")
        .stdin(Stdio::null())
        .kill_on_drop(true)
        .output()
        .await;
    match output {
        Ok(out) if !out.stdout.is_empty() => {
            let version = String::from_utf8_lossy(&out.stdout).trim().to_owned();
            CheckResult::new(id, title, Pass, version)
        }
        _ => CheckResult::new(id, title, Fail, "the `docker` command was not found").with_details([
            "install Docker Engine (Debian/Ubuntu: `sudo apt-get install docker.io`) or Docker Desktop".to_owned(),
        ]),
    }
}

pub async fn daemon(ctx: &CheckContext<'_>) -> CheckResult {
    let id = "docker.daemon";
    let title = "Docker daemon";
    match ctx.engine().await {
        Ok(engine) => match engine.version().await {
            Ok(v) => CheckResult::new(id, title, Pass, format!("Docker Engine {} answers (API {})", v.version, v.api_version)),
            Err(e) => CheckResult::new(id, title, Fail, e.to_string()),
        },
        Err(e) => CheckResult::new(id, title, Fail, e.to_string()).with_details(e.hint()),
    }
}

pub async fn disk_usage(ctx: &CheckContext<'_>) -> CheckResult {
    let id = "docker.disk";
    let title = "Docker disk usage";
    let engine = match ctx.engine_or_skip().await {
        Ok(engine) => engine,
        Err(missing) => return CheckResult::new(id, title, Skipped, missing.reason()),
    };
    let usage = match disk::usage(engine).await {
        Ok(usage) => usage,
        Err(e) => return CheckResult::new(id, title, Fail, format!("could not read Docker's disk usage: {e}")),
    };
    let reclaimable = usage.reclaimable();
    let total = usage.total();
    let ratio = if total == 0 { 0.0 } else { reclaimable as f64 / total as f64 };
    let details = vec![
        format!("images {}, containers {}", human_bytes(usage.images), human_bytes(usage.containers)),
        format!(
            "reclaimable {} ({:.0} %): {} stopped container(s), {} dangling image(s)",
            human_bytes(reclaimable),
            ratio * 100.0,
            usage.plan.iter().filter(|i| i.kind == disk::ReclaimKind::Container).count(),
            usage.plan.iter().filter(|i| i.kind == disk::ReclaimKind::Image).count(),
        ),
    ];
    if ratio > RECLAIM_WARN_RATIO {
        CheckResult::new(
            id,
            title,
            Warn,
            format!("{} of Docker's {} can be reclaimed", human_bytes(reclaimable), human_bytes(total)),
        )
        .with_details(details)
        .with_fix(Fix::ReclaimDiskSpace { bytes: reclaimable })
    } else {
        CheckResult::new(id, title, Pass, format!("Docker uses {}, {:.0} % reclaimable", human_bytes(total), ratio * 100.0))
            .with_details(details)
    }
}
