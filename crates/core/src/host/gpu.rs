//! NVIDIA GPUs through NVML. No driver is a normal answer, not an error.

use nvml_wrapper::{error::NvmlError, Nvml};
use serde::Serialize;

/// One GPU.
#[derive(Debug, Clone, Serialize)]
pub struct Gpu {
    /// Index, as Docker's `device_ids` and `NVIDIA_VISIBLE_DEVICES` count.
    pub index: u32,
    /// UUID, e.g. `GPU-5f1c…`.
    pub uuid: Option<String>,
    /// Marketing name, e.g. "NVIDIA H100 80GB HBM3".
    pub name: String,
    /// Memory in bytes.
    pub memory_total: u64,
    /// PCI bus id.
    pub pci_bus_id: Option<String>,
}

/// What NVML says about this machine.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "state", rename_all = "camelCase")]
pub enum GpuFacts {
    /// The NVIDIA driver (libnvidia-ml) is not installed.
    NoDriver {
        /// NVML's words.
        detail: String,
    },
    /// The driver loads but sees no device.
    NoDevice {
        /// Driver version.
        driver_version: String,
    },
    /// One or more GPUs.
    Devices {
        /// Driver version.
        driver_version: String,
        /// CUDA version the driver supports, e.g. "12.4".
        cuda_version: Option<String>,
        /// The devices.
        gpus: Vec<Gpu>,
    },
    /// NVML failed in another way (driver/library mismatch, no permission).
    Failed {
        /// NVML's words.
        detail: String,
    },
}

/// Asks NVML for the GPUs (blocking: call from a blocking task).
pub fn detect() -> GpuFacts {
    let nvml = match Nvml::init() {
        Ok(nvml) => nvml,
        Err(NvmlError::LibloadingError(e)) => return GpuFacts::NoDriver { detail: e.to_string() },
        Err(NvmlError::DriverNotLoaded) => {
            return GpuFacts::NoDriver { detail: "the NVIDIA kernel driver is not loaded".into() }
        }
        Err(e) => return GpuFacts::Failed { detail: e.to_string() },
    };
    let driver_version = nvml.sys_driver_version().unwrap_or_else(|e| format!("unknown ({e})"));
    let cuda_version = nvml
        .sys_cuda_driver_version()
        .ok()
        .map(|v| format!("{}.{}", v / 1000, (v % 1000) / 10));
    let count = match nvml.device_count() {
        Ok(count) => count,
        Err(e) => return GpuFacts::Failed { detail: e.to_string() },
    };
    if count == 0 {
        return GpuFacts::NoDevice { driver_version };
    }
    let mut gpus = Vec::new();
    for index in 0..count {
        match nvml.device_by_index(index) {
            Ok(device) => gpus.push(Gpu {
                index,
                uuid: device.uuid().ok(),
                name: device.name().unwrap_or_else(|e| format!("GPU {index} (name unavailable: {e})")),
                memory_total: device.memory_info().map(|m| m.total).unwrap_or(0),
                pci_bus_id: device.pci_info().ok().map(|p| p.bus_id),
            }),
            Err(e) => return GpuFacts::Failed { detail: format!("GPU {index}: {e}") },
        }
    }
    GpuFacts::Devices { driver_version, cuda_version, gpus }
}
