//! memory, disk

use std::path::PathBuf;

use super::{human_bytes, CheckContext, CheckResult, CheckStatus::*};
use crate::{engine::Locality, host, schema::ByteSize};

/// The seed's minimum free disk for every environment.
pub const MIN_DISK: ByteSize = ByteSize(20_000_000_000);

/// The stack's memory as its services declare it: limits and reservations, times replicas.
struct StackMemory {
    limits: u64,
    reservations: u64,
    /// Services with neither, which may use any amount.
    unbounded: Vec<String>,
    /// Each service's largest figure, largest first.
    by_service: Vec<(String, u64)>,
}

fn stack_memory(model: &crate::compose::ComposeModel) -> StackMemory {
    let mut stack = StackMemory { limits: 0, reservations: 0, unbounded: Vec::new(), by_service: Vec::new() };
    for (name, service) in &model.services {
        let replicas = u64::from(service.replicas());
        let limit = service.memory_limit().map(|m| m.saturating_mul(replicas));
        let reservation = service.memory_reservation().map(|m| m.saturating_mul(replicas));
        stack.limits = stack.limits.saturating_add(limit.unwrap_or(0));
        stack.reservations = stack.reservations.saturating_add(reservation.unwrap_or(0));
        match limit.max(reservation) {
            Some(most) => stack.by_service.push((name.clone(), most)),
            None => stack.unbounded.push(name.clone()),
        }
    }
    stack.by_service.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    stack
}

pub async fn memory(ctx: &CheckContext<'_>) -> CheckResult {
    let id = "memory";
    let title = "Memory";
    // What the engine can give containers: its own figure (a VM's size under Docker
    // Desktop, a remote machine's), else this machine's.
    let engine = ctx.facts().await;
    let engine_total = engine.map(|f| f.memory).filter(|m| *m > 0);
    let on_this_machine = ctx.locality().await == Locality::ThisMachine;
    if !on_this_machine && engine.is_none() {
        return CheckResult::new(id, title, Skipped, super::context::Missing::Daemon.reason());
    }
    let facts = if on_this_machine {
        match tokio::task::spawn_blocking(host::memory::memory).await {
            Ok(Ok(facts)) => facts,
            Ok(Err(e)) => return CheckResult::new(id, title, Fail, format!("could not read memory: {e}")),
            Err(e) => return CheckResult::new(id, title, Fail, format!("could not read memory: {e}")),
        }
    } else {
        // Only the engine's figure is known of that machine; what is free there now is not.
        let total = engine_total.unwrap_or(0);
        host::memory::MemoryFacts { total, available: total }
    };
    let capacity = engine_total.unwrap_or(facts.total);
    let mut have = vec![match engine.filter(|_| !on_this_machine) {
        Some(f) => format!("{} on {} ({}); what is free there now cannot be seen from here", human_bytes(capacity), f.name, f.endpoint.label()),
        None => format!("{} installed, {} available", human_bytes(facts.total), human_bytes(facts.available)),
    }];
    if let Some(engine) = engine_total.filter(|e| on_this_machine && *e != facts.total) {
        have.push(format!("the Docker engine can give containers {}", human_bytes(engine)));
    }
    let stack = ctx.model_or_skip().await.ok().map(stack_memory);
    let mut details = have.clone();
    if let Some(stack) = &stack {
        if stack.limits > 0 || stack.reservations > 0 {
            details.push(format!(
                "the services reserve {} and are limited to {} in all",
                human_bytes(stack.reservations),
                human_bytes(stack.limits)
            ));
            let top: Vec<String> = stack.by_service.iter().take(3).map(|(s, m)| format!("{s} {}", human_bytes(*m))).collect();
            details.push(format!("largest: {}", top.join(", ")));
        }
        if !stack.unbounded.is_empty() {
            details.push(format!("no limit or reservation: {}", stack.unbounded.join(", ")));
        }
    }
    let declared = ctx.env.environment.requires.memory.map(|m| m.0);
    let reserved = stack.as_ref().map_or(0, |s| s.reservations);
    let need = declared.unwrap_or(0).max(reserved);
    if need == 0 {
        let limits = stack.as_ref().map_or(0, |s| s.limits);
        if limits > capacity {
            return CheckResult::new(id, title, Warn, format!("the services' limits add up to {}, more than the {} the engine has", human_bytes(limits), human_bytes(capacity)))
                .with_details(details);
        }
        return CheckResult::new(id, title, Pass, format!("no requirement; {}", have[0])).with_details(details.into_iter().skip(1));
    }
    let source = if declared.is_some_and(|d| d >= reserved) { "requires.memory" } else { "the services' reservations" };
    if capacity < need {
        CheckResult::new(id, title, Fail, format!("{} needs {} of memory ({source}); the engine has {}", ctx.env.environment.title, human_bytes(need), human_bytes(capacity)))
            .with_details(details)
            .with_details(["pick an environment that needs less, or run it on a larger machine (or give Docker Desktop's VM more memory)".to_owned()])
    } else if facts.available < need && engine_total.is_none_or(|e| e == facts.total) {
        CheckResult::new(id, title, Warn, format!("{} needed ({source}) but only {} is free now", human_bytes(need), human_bytes(facts.available)))
            .with_details(details)
            .with_details(["close other programs or stop other stacks before starting".to_owned()])
    } else {
        CheckResult::new(id, title, Pass, format!("{} needed ({source}); {}", human_bytes(need), have[0])).with_details(details.into_iter().skip(1))
    }
}

pub async fn disk(ctx: &CheckContext<'_>) -> CheckResult {
    let id = "disk";
    let title = "Disk space";
    let root = match ctx.info().await {
        Ok(info) => PathBuf::from(info.docker_root_dir.clone().unwrap_or_else(|| "/var/lib/docker".into())),
        Err(missing) => return CheckResult::new(id, title, Skipped, missing.reason()),
    };
    let need = ctx.env.environment.requires.disk.map_or(MIN_DISK, |d| d.max(MIN_DISK));
    if let Some(engine) = ctx.facts().await.filter(|f| f.locality != Locality::ThisMachine) {
        // The data root is a folder of another machine (a VM, a server): a folder of the
        // same name here says nothing about it. Say what is known, never a false pass.
        let used = match ctx.engine_or_skip().await {
            Ok(e) => crate::engine::disk::usage(e).await.ok().map(|u| human_bytes(u.total())),
            Err(_) => None,
        };
        let place = if engine.locality == Locality::VirtualMachine { "in a VM" } else { "on another machine" };
        return CheckResult::new(id, title, Warn, format!("not measured: Docker's data root {} is {place} ({})", root.display(), engine.name))
            .with_details([
                format!("{need} needed; free space there cannot be read from here"),
                used.map_or_else(|| "Docker's own usage: unknown".to_owned(), |u| format!("Docker's images, containers, volumes and cache use {u} there")),
                format!("check it there: `docker --context {} system df`, and `df -h` on that machine (Docker Desktop: Settings › Resources › Disk)", engine.endpoint.context),
            ]);
    }
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
