//! The preflight catalogue: concurrent checks that explain what is wrong and offer fixes.

pub mod ci;
mod compose;
mod context;
mod docker;
mod env_file;
mod fix;
mod fixes;
mod gpu;
mod offered;
mod ports;
mod remap;
mod report;
mod resources;
mod run;
mod secrets;

pub use context::CheckContext;
pub use docker::RECLAIM_WARN_RATIO;
pub use fix::Fix;
pub use offered::Offered;
pub use fixes::{apply, env_file_change, reclaim_preview, FixError, FixOutcome};
pub use ports::PROJECT_LABEL;
pub(crate) use ports::published_twice;
pub use report::{CheckReport, CheckResult, CheckStatus, Summary};
pub use resources::MIN_DISK;
pub use run::{run_checks, Check, CATALOGUE};

/// Bytes for people, in decimal units like the schema's sizes: `21.4 GB`.
pub fn human_bytes(bytes: u64) -> String {
    let units = [("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("kB", 1e3)];
    for (unit, size) in units {
        if bytes as f64 >= size {
            return format!("{:.1} {unit}", bytes as f64 / size);
        }
    }
    format!("{bytes} B")
}
