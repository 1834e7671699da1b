//! Docker Compose v2, driven through its CLI: locating it, and reading an
//! environment's canonical model with `config --format json`.

mod cli;
mod config;
mod error;
mod model;
mod project;

pub use cli::ComposeCli;
pub use config::config;
pub use error::ComposeError;
pub use model::{ComposeModel, DependsOn, Deploy, DeviceRequest, Healthcheck, PortMapping, Service};
pub use project::ProjectSpec;
