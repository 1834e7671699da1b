//! Docker Compose v2, driven through its CLI: locating it, and reading an
//! environment's canonical model with `config --format json`.

mod cache;
pub(crate) mod cli;
mod config;
mod error;
mod lifecycle;
mod model;
mod generated;
mod gpu;
mod project;
mod variables;

pub use cache::ModelCache;
pub use cli::ComposeCli;
pub use config::{config, config_deadline, lifecycle_deadline, run, run_within, CONFIG_DEADLINE};
pub(crate) use config::config_output;
pub use error::ComposeError;
pub use lifecycle::{create, down, up, DownOptions, UpOptions};
pub use model::{Bytes, ComposeModel, DependsOn, Deploy, DeviceMapping, DeviceRequest, Healthcheck, Mount, PortMapping, Service};
pub use variables::{variables, ComposeVariable};
pub use generated::GeneratedOverride;
pub use gpu::{GpuNeed, GpuSource};
pub use project::{project_env_file, ProjectSpec};
