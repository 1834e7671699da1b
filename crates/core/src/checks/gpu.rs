//! gpu, gpu.runtime: what the services ask of the GPUs (read from Compose's model, with
//! the schema's `requires.gpu` as an explicit override) against what NVML and the engine have.

use super::{human_bytes, CheckContext, CheckResult, CheckStatus::*};
use crate::{
    compose::{GpuNeed, GpuSource},
    engine::Locality,
    host::gpu::{self, Gpu, GpuFacts},
};

/// What the environment needs of the GPUs, and why.
enum Need {
    /// The schema says `requires.gpu: false`.
    DeclaredNone { ignored: Vec<GpuNeed> },
    /// No service asks, and the schema does not require one.
    None,
    /// These services ask (empty with `requires.gpu: true` and no reservation).
    Some { needs: Vec<GpuNeed>, declared: bool, model_known: bool },
}

async fn need(ctx: &CheckContext<'_>) -> Need {
    let (needs, model_known) = match ctx.model_or_skip().await {
        Ok(model) => (model.gpu_needs(), true),
        Err(_) => (Vec::new(), false),
    };
    match ctx.env.environment.requires.gpu {
        Some(false) => Need::DeclaredNone { ignored: needs },
        Some(true) => Need::Some { needs, declared: true, model_known },
        None if needs.is_empty() => Need::None,
        None => Need::Some { needs, declared: false, model_known },
    }
}

fn describe(need: &GpuNeed) -> String {
    format!("{}: {} ({})", need.service, need.amount(), need.source.describe())
}

fn services(needs: &[GpuNeed]) -> String {
    let mut names: Vec<&str> = needs.iter().map(|n| n.service.as_str()).collect();
    names.dedup();
    names.join(", ")
}

/// Requested device ids that match no GPU's index or UUID.
fn unknown_ids<'a>(needs: &'a [GpuNeed], gpus: &[Gpu]) -> Vec<(&'a str, &'a str)> {
    needs
        .iter()
        .flat_map(|n| n.device_ids.iter().map(move |id| (n.service.as_str(), id.as_str())))
        .filter(|(_, id)| !gpus.iter().any(|g| g.index.to_string() == *id || g.uuid.as_deref() == Some(*id)))
        .collect()
}

/// `: a, b` listing the workspace's environments that say they need no GPU, when any.
fn without_gpu(ctx: &CheckContext<'_>) -> String {
    let names: Vec<&str> =
        ctx.env.workspace.schema.environments.iter().filter(|(_, e)| e.requires.gpu == Some(false)).map(|(n, _)| n).collect();
    if names.is_empty() {
        String::new()
    } else {
        format!(" ({})", names.join(", "))
    }
}

pub async fn gpu(ctx: &CheckContext<'_>) -> CheckResult {
    let id = "gpu";
    let title = "NVIDIA GPU";
    let (needs, declared, model_known) = match need(ctx).await {
        Need::DeclaredNone { ignored } if ignored.is_empty() => {
            return CheckResult::new(id, title, Skipped, format!("{} does not need a GPU (requires.gpu: false)", ctx.env.environment.title))
        }
        Need::DeclaredNone { ignored } => {
            return CheckResult::new(id, title, Skipped, format!("not checked: the schema says requires.gpu: false, although {} reserve(s) a GPU", services(&ignored)))
                .with_details(ignored.iter().map(describe))
                .with_details(["Compose will fail to start those services on a machine without a GPU; remove `requires.gpu: false` to check".to_owned()])
        }
        Need::None => {
            return CheckResult::new(id, title, Skipped, format!("{} does not need a GPU: no service reserves one", ctx.env.environment.title))
        }
        Need::Some { needs, declared, model_known } => (needs, declared, model_known),
    };
    let mut asked: Vec<String> = needs.iter().map(describe).collect();
    if needs.is_empty() {
        asked.push(if model_known {
            "the schema says requires.gpu: true (no service reserves a GPU itself)".to_owned()
        } else {
            "the schema says requires.gpu: true (the services' own requests are unknown: Compose could not read the files)".to_owned()
        });
    } else if declared {
        asked.push("the schema also says requires.gpu: true".to_owned());
    }
    if let Some(engine) = ctx.facts().await.filter(|f| f.locality != Locality::ThisMachine) {
        // This machine's GPU is not the containers': the engine's runtimes and CDI
        // devices say what it can give (gpu.runtime).
        return CheckResult::new(id, title, Skipped, format!("the containers run on {} ({}): its GPU is checked through the engine (see gpu.runtime)", engine.name, engine.endpoint.label()))
            .with_details(asked);
    }
    let facts = match tokio::task::spawn_blocking(gpu::detect).await {
        Ok(facts) => facts,
        Err(e) => return CheckResult::new(id, title, Fail, format!("GPU detection stopped: {e}")).with_details(asked),
    };
    let who = if needs.is_empty() { ctx.env.environment.title.clone() } else { services(&needs) };
    match facts {
        GpuFacts::Devices { driver_version, cuda_version, gpus } => {
            let have: Vec<String> = gpus
                .iter()
                .map(|g| format!("GPU {}: {} ({}){}", g.index, g.name, human_bytes(g.memory_total), g.uuid.as_ref().map(|u| format!(", {u}")).unwrap_or_default()))
                .collect();
            let driver = format!("driver {driver_version}{}", cuda_version.map(|c| format!(", CUDA {c}")).unwrap_or_default());
            let most = needs.iter().map(GpuNeed::minimum).max().unwrap_or(1);
            let unknown = unknown_ids(&needs, &gpus);
            if !unknown.is_empty() {
                let list: Vec<String> = unknown.iter().map(|(s, id)| format!("{s} asks for GPU {id}")).collect();
                return CheckResult::new(id, title, Fail, format!("{} of the requested GPU id(s) are not on this machine", unknown.len()))
                    .with_details(list)
                    .with_details(have)
                    .with_details([driver, "use an index (0, 1, …) or a UUID from the list above in device_ids".to_owned()]);
            }
            if (gpus.len() as u32) < most {
                return CheckResult::new(id, title, Fail, format!("{who} need(s) {most} GPU(s); this machine has {}", gpus.len()))
                    .with_details(asked)
                    .with_details(have)
                    .with_details([driver]);
            }
            CheckResult::new(id, title, Pass, format!("{} GPU(s) for {who}: {}", gpus.len(), gpus.iter().map(|g| g.name.clone()).collect::<Vec<_>>().join(", ")))
                .with_details(asked)
                .with_details(have)
                .with_details([driver])
        }
        GpuFacts::NoDriver { detail } => CheckResult::new(id, title, Fail, format!("{who} need(s) an NVIDIA GPU, and no NVIDIA driver is installed"))
            .with_details(asked)
            .with_details([
                format!("NVML: {detail}"),
                format!("install the NVIDIA driver (Debian/Ubuntu: `sudo apt-get install nvidia-driver`), or pick an environment that needs no GPU{}", without_gpu(ctx)),
            ]),
        GpuFacts::NoDevice { driver_version } => CheckResult::new(id, title, Fail, format!("{who} need(s) a GPU; the NVIDIA driver sees none"))
            .with_details(asked)
            .with_details([format!("driver {driver_version}"), "check that the GPU is seated and enabled, then run `nvidia-smi`".into()]),
        GpuFacts::Failed { detail } => CheckResult::new(id, title, Fail, format!("NVML failed: {detail}"))
            .with_details(asked)
            .with_details(["a driver/library version mismatch is fixed by a reboot after a driver update".into()]),
    }
}

pub async fn runtime(ctx: &CheckContext<'_>) -> CheckResult {
    let id = "gpu.runtime";
    let title = "GPU container runtime";
    let needs = match need(ctx).await {
        Need::Some { needs, .. } => needs,
        Need::DeclaredNone { .. } | Need::None => {
            return CheckResult::new(id, title, Skipped, format!("{} does not need a GPU", ctx.env.environment.title))
        }
    };
    let info = match ctx.info().await {
        Ok(info) => info,
        Err(missing) => return CheckResult::new(id, title, Skipped, missing.reason()),
    };
    let runtimes: Vec<String> = info.runtimes.as_ref().map(|r| r.keys().cloned().collect()).unwrap_or_default();
    let has_runtime = runtimes.iter().any(|r| r == "nvidia");
    let cdi_dirs = info.cdi_spec_dirs.clone().unwrap_or_default();
    // The engine's own list of CDI devices (Docker 28+), else its spec folders, readable
    // only when they are on this machine.
    let discovered = info.discovered_devices.as_ref().map(|d| d.iter().any(|d| d.id.as_deref().is_some_and(|id| id.starts_with("nvidia.com/gpu"))));
    let local = ctx.locality().await == Locality::ThisMachine;
    let has_cdi = discovered.unwrap_or(false)
        || local
            && cdi_dirs.iter().any(|dir| {
                std::fs::read_dir(dir).is_ok_and(|entries| {
                    entries.flatten().any(|e| std::fs::read_to_string(e.path()).is_ok_and(|t| t.contains("nvidia.com/gpu")))
                })
            });
    let by = |source: GpuSource| needs.iter().filter(|n| n.source == source).cloned().collect::<Vec<_>>();
    let (runtime_users, cdi_users) = (by(GpuSource::Runtime), by(GpuSource::Cdi));
    let runtime_list = if runtimes.is_empty() { "none listed".to_owned() } else { runtimes.join(", ") };
    let toolkit = "install the NVIDIA Container Toolkit, then `sudo nvidia-ctk runtime configure --runtime=docker` and restart Docker";
    if !runtime_users.is_empty() && !has_runtime {
        return CheckResult::new(id, title, Fail, format!("{} use(s) `runtime: nvidia`, which the engine does not have", services(&runtime_users)))
            .with_details([format!("runtimes: {runtime_list}"), toolkit.to_owned()]);
    }
    if !cdi_users.is_empty() && !has_cdi && !local && discovered.is_none() {
        return CheckResult::new(id, title, Warn, format!("{} ask(s) for CDI device nvidia.com/gpu; this engine's CDI specs are on another machine and it does not list its devices", services(&cdi_users)))
            .with_details([
                format!("CDI spec folders there: {}", cdi_dirs.join(", ")),
                "check on that machine: `nvidia-ctk cdi list` (Docker 28 and later lists the devices itself)".to_owned(),
            ]);
    }
    if !cdi_users.is_empty() && !has_cdi {
        return CheckResult::new(id, title, Fail, format!("{} ask(s) for CDI device nvidia.com/gpu, which no CDI spec on the engine defines", services(&cdi_users)))
            .with_details([
                format!("CDI spec folders: {}", if cdi_dirs.is_empty() { "none (CDI is off in this engine)".to_owned() } else { cdi_dirs.join(", ") }),
                "generate the spec with `sudo nvidia-ctk cdi generate --output=/etc/cdi/nvidia.yaml`".to_owned(),
            ]);
    }
    if has_runtime {
        return CheckResult::new(id, title, Pass, "the engine has the NVIDIA runtime");
    }
    if has_cdi {
        return CheckResult::new(id, title, Pass, "NVIDIA GPUs are registered as CDI devices");
    }
    CheckResult::new(id, title, Fail, "the Docker engine cannot give containers a GPU")
        .with_details([format!("runtimes: {runtime_list}"), toolkit.to_owned()])
}
