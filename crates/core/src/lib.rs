//! Stackpilot's engine: everything both front ends need, and nothing about windows or terminals.
#![deny(missing_docs)]

pub mod adopt;
pub mod backup;
pub mod checks;
pub mod compose;
pub mod diagnostic;
pub mod drift;
pub mod default_workspace;
pub mod engine;
pub mod environments;
pub mod envfiles;
pub mod guide;
pub mod host;
pub mod paths;
pub mod recent;
pub mod schema;
pub mod secrets;
pub mod stack;
pub mod time;
pub mod workspace;

pub use diagnostic::{Code, Diagnostic, ErrorReport, Kind};

/// The version of the shapes core sends to front ends (the app's page, `--json`): raised
/// when a field goes away or changes meaning, so a front end built for another one can say
/// so instead of misreading. Field names are snake_case throughout; tags and enum values
/// camelCase.
pub const WIRE_VERSION: u32 = 1;
pub use workspace::{Env, Workspace};
