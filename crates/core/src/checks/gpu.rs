//! gpu, gpu.runtime

use super::{human_bytes, CheckContext, CheckResult, CheckStatus::*};
use crate::host::gpu::{self, GpuFacts};

pub async fn gpu(ctx: &CheckContext<'_>) -> CheckResult {
    let id = "gpu";
    let title = "NVIDIA GPU";
    if !ctx.environment.requires.gpu {
        return CheckResult::new(id, title, Skipped, format!("{} does not need a GPU", ctx.environment.title));
    }
    let facts = match tokio::task::spawn_blocking(gpu::detect).await {
        Ok(facts) => facts,
        Err(e) => return CheckResult::new(id, title, Fail, format!("GPU detection stopped: {e}")),
    };
    match facts {
        GpuFacts::Devices { driver_version, cuda_version, gpus } => {
            let names: Vec<String> =
                gpus.iter().map(|g| format!("{} ({})", g.name, human_bytes(g.memory_total))).collect();
            CheckResult::new(id, title, Pass, format!("{} GPU(s): {}", gpus.len(), names.join(", "))).with_details([
                format!("driver {driver_version}{}", cuda_version.map(|c| format!(", CUDA {c}")).unwrap_or_default()),
            ])
        }
        GpuFacts::NoDriver { detail } => CheckResult::new(id, title, Fail, "no NVIDIA driver is installed")
            .with_details([
                format!("NVML: {detail}"),
                format!("{} needs an NVIDIA GPU: install the NVIDIA driver (Debian/Ubuntu: `sudo apt-get install nvidia-driver`), or pick an environment without GPU such as first-run", ctx.environment.title),
            ]),
        GpuFacts::NoDevice { driver_version } => CheckResult::new(id, title, Fail, "the NVIDIA driver sees no GPU")
            .with_details([format!("driver {driver_version}"), "check that the GPU is seated and enabled, then run `nvidia-smi`".into()]),
        GpuFacts::Failed { detail } => CheckResult::new(id, title, Fail, format!("NVML failed: {detail}"))
            .with_details(["a driver/library version mismatch is fixed by a reboot after a driver update".into()]),
    }
}

pub async fn runtime(ctx: &CheckContext<'_>) -> CheckResult {
    let id = "gpu.runtime";
    let title = "GPU container runtime";
    if !ctx.environment.requires.gpu {
        return CheckResult::new(id, title, Skipped, format!("{} does not need a GPU", ctx.environment.title));
    }
    let info = match ctx.info().await {
        Ok(info) => info,
        Err(missing) => return CheckResult::new(id, title, Skipped, missing.reason()),
    };
    let runtimes: Vec<String> = info.runtimes.as_ref().map(|r| r.keys().cloned().collect()).unwrap_or_default();
    if runtimes.iter().any(|r| r == "nvidia") {
        return CheckResult::new(id, title, Pass, "the engine has the NVIDIA runtime");
    }
    let cdi = info.cdi_spec_dirs.clone().unwrap_or_default().into_iter().any(|dir| {
        std::fs::read_dir(dir).is_ok_and(|entries| {
            entries.flatten().any(|e| std::fs::read_to_string(e.path()).is_ok_and(|t| t.contains("nvidia.com/gpu")))
        })
    });
    if cdi {
        return CheckResult::new(id, title, Pass, "NVIDIA GPUs are registered as CDI devices");
    }
    CheckResult::new(id, title, Fail, "the Docker engine cannot give containers a GPU").with_details([
        format!("runtimes: {}", if runtimes.is_empty() { "none listed".into() } else { runtimes.join(", ") }),
        "install the NVIDIA Container Toolkit, then `sudo nvidia-ctk runtime configure --runtime=docker` and restart Docker".into(),
    ])
}
