//! Stackpilot's engine: everything both front ends need, and nothing about windows or terminals.
#![deny(missing_docs)]

pub mod adopt;
pub mod checks;
pub mod compose;
pub mod diagnostic;
pub mod default_workspace;
pub mod engine;
pub mod environments;
pub mod envfiles;
pub mod host;
pub mod paths;
pub mod recent;
pub mod schema;
pub mod secrets;
pub mod stack;
pub mod workspace;

pub use diagnostic::{Diagnostic, ErrorReport, Kind};
pub use workspace::Workspace;
