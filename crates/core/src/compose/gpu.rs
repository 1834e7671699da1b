//! What a Compose model asks of the machine's GPUs, read from every way Compose can
//! give a container a GPU: `deploy.resources.reservations.devices`, the `gpus:`
//! attribute, `runtime: nvidia` and CDI devices (`devices: [nvidia.com/gpu=all]`).

use serde::Serialize;

use super::{ComposeModel, DeviceRequest, Service};

/// How a service asks for GPUs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum GpuSource {
    /// `deploy.resources.reservations.devices` with the `gpu` capability.
    Reservation,
    /// The service's `gpus:` attribute.
    GpusAttribute,
    /// `runtime: nvidia`.
    Runtime,
    /// A CDI device name such as `nvidia.com/gpu=all`.
    Cdi,
}

impl GpuSource {
    /// Where it was written, for people.
    pub fn describe(self) -> &'static str {
        match self {
            Self::Reservation => "deploy.resources.reservations.devices",
            Self::GpusAttribute => "gpus",
            Self::Runtime => "runtime: nvidia",
            Self::Cdi => "devices (CDI)",
        }
    }
}

/// One service's GPU request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GpuNeed {
    /// The service.
    pub service: String,
    /// How it asks.
    pub source: GpuSource,
    /// How many GPUs; `None` for all of them (`count: all`, or no count and no ids).
    pub count: Option<u32>,
    /// Specific GPUs by index or UUID.
    pub device_ids: Vec<String>,
}

impl GpuNeed {
    /// `1 GPU`, `all GPUs`, `GPUs 0, GPU-ab12`.
    pub fn amount(&self) -> String {
        match (&self.count, self.device_ids.is_empty()) {
            (_, false) => format!("GPU(s) {}", self.device_ids.join(", ")),
            (Some(1), true) => "1 GPU".into(),
            (Some(n), true) => format!("{n} GPUs"),
            (None, true) => "all GPUs".into(),
        }
    }

    /// The fewest GPUs the machine must have for this request.
    pub fn minimum(&self) -> u32 {
        if self.device_ids.is_empty() {
            self.count.unwrap_or(1).max(1)
        } else {
            self.device_ids.len() as u32
        }
    }
}

fn from_request(service: &str, source: GpuSource, request: &DeviceRequest) -> Option<GpuNeed> {
    let is_gpu = request.capabilities.iter().any(|c| c == "gpu") || source == GpuSource::GpusAttribute;
    let nvidia_or_any = request.driver.as_deref().is_none_or(|d| d == "nvidia");
    if !is_gpu || !nvidia_or_any {
        return None;
    }
    let count = match request.count {
        Some(n) if n > 0 => Some(u32::try_from(n).unwrap_or(u32::MAX)),
        _ => None,
    };
    Some(GpuNeed { service: service.to_owned(), source, count, device_ids: request.device_ids.clone() })
}

impl GpuNeed {
    /// The GPU requests of one service.
    pub fn of_service(name: &str, service: &Service) -> Vec<GpuNeed> {
        let mut needs: Vec<GpuNeed> = service
            .device_requests()
            .iter()
            .filter_map(|r| from_request(name, GpuSource::Reservation, r))
            .chain(service.gpus_requests().iter().filter_map(|r| from_request(name, GpuSource::GpusAttribute, r)))
            .collect();
        if service.runtime.as_deref() == Some("nvidia") {
            needs.push(GpuNeed { service: name.to_owned(), source: GpuSource::Runtime, count: None, device_ids: Vec::new() });
        }
        for device in service.devices.iter().flatten() {
            if let Some(which) = device.source.strip_prefix("nvidia.com/gpu=") {
                let device_ids = if which == "all" { Vec::new() } else { vec![which.to_owned()] };
                needs.push(GpuNeed { service: name.to_owned(), source: GpuSource::Cdi, count: None, device_ids });
            }
        }
        needs
    }
}

impl ComposeModel {
    /// Every GPU request of every service, in service order.
    pub fn gpu_needs(&self) -> Vec<GpuNeed> {
        self.services.iter().flat_map(|(name, service)| GpuNeed::of_service(name, service)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::{GpuSource, GpuNeed};
    use crate::compose::ComposeModel;

    fn model(json: &str) -> ComposeModel {
        serde_json::from_str(json).expect("model")
    }

    #[test]
    fn every_way_of_asking_for_a_gpu_is_read() {
        let m = model(r#"{"services":{
            "a":{"runtime":"nvidia"},
            "b":{"devices":[{"source":"nvidia.com/gpu=all","target":"nvidia.com/gpu=all"},{"source":"/dev/fuse"}]},
            "c":{"gpus":[{"count":-1}]},
            "d":{"gpus":[{"capabilities":["gpu"],"driver":"nvidia","device_ids":["0","GPU-abc"]}]},
            "e":{"deploy":{"resources":{"reservations":{"devices":[{"capabilities":["gpu","utility"],"driver":"nvidia","count":2}]}}}},
            "f":{"deploy":{"resources":{"reservations":{"devices":[{"capabilities":["tpu"],"driver":"other","count":1}]}}}},
            "g":{"image":"x"}
        }}"#);
        let needs = m.gpu_needs();
        let by = |s: &str| needs.iter().filter(|n| n.service == s).cloned().collect::<Vec<GpuNeed>>();
        assert_eq!(by("a")[0].source, GpuSource::Runtime);
        assert_eq!(by("b")[0].source, GpuSource::Cdi);
        assert_eq!(by("b").len(), 1, "a plain device is not a GPU");
        assert_eq!(by("c")[0].count, None);
        assert_eq!(by("d")[0].device_ids, ["0", "GPU-abc"]);
        assert_eq!(by("d")[0].minimum(), 2);
        assert_eq!(by("e")[0].count, Some(2));
        assert_eq!(by("e")[0].amount(), "2 GPUs");
        assert!(by("f").is_empty() && by("g").is_empty());
    }
}
