//! memory, disk

use std::path::PathBuf;

use super::{human_bytes, CheckContext, CheckResult, CheckStatus::*};
use crate::{host, schema::ByteSize};

/// The seed's minimum free disk for every environment.
pub const MIN_DISK: ByteSize = ByteSize(20_000_000_000);

pub async fn memory(ctx: &CheckContext<'_>) -> CheckResult {
    let id = "memory";
    let title = "Memory";
    let facts = match tokio::task::spawn_blocking(host::memory::memory).await {
        Ok(Ok(facts)) => facts,
        Ok(Err(e)) => return CheckResult::new(id, title, Fail, format!("could not read memory: {e}")),
        Err(e) => return CheckResult::new(id, title, Fail, format!("could not read memory: {e}")),
    };
    let have = format!("{} installed, {} available", human_bytes(facts.total), human_bytes(facts.available));
    let Some(need) = ctx.environment.requires.memory else {
        return CheckResult::new(id, title, Pass, format!("no requirement; {have}"));
    };
    if facts.total < need.0 {
        CheckResult::new(id, title, Fail, format!("{} needs {need} of memory; this machine has {}", ctx.environment.title, human_bytes(facts.total)))
            .with_details([have, "pick a smaller environment (first-run needs 4GB) or a larger machine".into()])
    } else if facts.available < need.0 {
        CheckResult::new(id, title, Warn, format!("{need} needed but only {} is free now", human_bytes(facts.available)))
            .with_details([have, "close other programs or stop other stacks before starting".into()])
    } else {
        CheckResult::new(id, title, Pass, format!("{need} needed; {have}"))
    }
}

pub async fn disk(ctx: &CheckContext<'_>) -> CheckResult {
    let id = "disk";
    let title = "Disk space";
    let root = match ctx.info().await {
        Ok(info) => PathBuf::from(info.docker_root_dir.clone().unwrap_or_else(|| "/var/lib/docker".into())),
        Err(missing) => return CheckResult::new(id, title, Skipped, missing.reason()),
    };
    let need = ctx.environment.requires.disk.map_or(MIN_DISK, |d| d.max(MIN_DISK));
    let lookup = root.clone();
    let facts = match tokio::task::spawn_blocking(move || host::disk::disk_of(&lookup)).await {
        Ok(Ok(facts)) => facts,
        Ok(Err(e)) => return CheckResult::new(id, title, Fail, format!("could not read free space of {}: {e}", root.display())),
        Err(e) => return CheckResult::new(id, title, Fail, format!("could not read free space: {e}")),
    };
    let detail = format!("Docker's data root {} is on {} ({} free of {})", root.display(), facts.mount.display(), human_bytes(facts.available), human_bytes(facts.total));
    if facts.available < need.0 {
        CheckResult::new(id, title, Fail, format!("{need} of free disk needed, {} free", human_bytes(facts.available)))
            .with_details([detail, "free space on that filesystem, or reclaim Docker's unused data (docker.disk)".into()])
    } else {
        CheckResult::new(id, title, Pass, format!("{need} needed; {} free", human_bytes(facts.available))).with_details([detail])
    }
}
