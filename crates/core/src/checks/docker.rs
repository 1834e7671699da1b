//! docker.cli, docker.daemon, docker.disk

use std::process::Stdio;

use super::{human_bytes, CheckContext, CheckResult, CheckStatus::*, Fix};
use crate::{engine::disk, Diagnostic};

/// Share of Docker's disk use that, once reclaimable, is worth a warning.
pub const RECLAIM_WARN_RATIO: f64 = 0.30;

/// `docker` as the shell finds it on PATH.
fn docker_on_path() -> Option<std::path::PathBuf> {
    let name = if cfg!(windows) { "docker.exe" } else { "docker" };
    std::env::split_paths(&std::env::var_os("PATH")?).map(|d| d.join(name)).find(|p| p.is_file())
}

pub async fn cli(_: &CheckContext<'_>) -> CheckResult {
    let id = "docker.cli";
    let title = "Docker CLI";
    // The same binary as before (path, size, time, inode) prints the same version.
    let fingerprint = docker_on_path().and_then(|p| crate::compose::cli::fingerprint(&p)).map(|f| format!("docker-cli:{f}"));
    if let Some(version) = fingerprint.as_deref().and_then(crate::compose::cli::remembered_version) {
        return CheckResult::new(id, title, Pass, version);
    }
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
            if let Some(fingerprint) = &fingerprint {
                crate::compose::cli::remember_version(fingerprint, &version);
            }
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
