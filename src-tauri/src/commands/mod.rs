//! Tauri commands, one file per area; each is a thin, traced call into core.

pub mod backup;
pub mod checks;
pub mod secrets;
pub mod stack;
pub mod workspace;

use stackpilot_core::ErrorReport;

/// An error report for a failed background task.
pub fn task_failed(e: impl std::fmt::Display) -> ErrorReport {
    ErrorReport { code: stackpilot_core::Code::Internal, message: format!("a background task failed: {e}"), hint: None }
}

/// The environment `name` of `workspace`, as core's calls take it.
pub fn env<'a>(workspace: &'a stackpilot_core::Workspace, name: &'a str) -> Result<stackpilot_core::Env<'a>, ErrorReport> {
    workspace.env(name).map_err(|e| ErrorReport::of(&e))
}
