//! How a failed command ends: a message, a hint, and an exit code.
//!
//! Exit codes: 0 success, 1 a check found problems, 2 usage or input error,
//! 3 checks passed with warnings only, 4 a system component (Docker, keychain) failed.

use std::process::ExitCode;

use stackpilot_core::{Diagnostic, ErrorReport};

/// Exit code when a check ran and found problems.
pub const EXIT_CHECK_FAILED: u8 = 1;
/// Exit code for bad usage or input (schema, workspace, arguments).
pub const EXIT_INPUT: u8 = 2;
/// Exit code when checks found warnings but no failure.
pub const EXIT_WARNINGS: u8 = 3;

/// A command that could not finish.
#[derive(Debug)]
pub struct Failure {
    report: ErrorReport,
    exit: u8,
}

impl Failure {
    /// A failed command: its exit code comes from the error's kind alone (core's table).
    pub fn of<E: Diagnostic + ?Sized>(error: &E) -> Self {
        Self { report: ErrorReport::of(error), exit: error.kind().exit_code() }
    }

    /// Bad arguments.
    pub fn usage(message: String) -> Self {
        Self { report: ErrorReport { code: stackpilot_core::Code::Usage, message, hint: None }, exit: EXIT_INPUT }
    }

    /// An unexpected failure inside Stackpilot.
    pub fn internal(message: String) -> Self {
        Self {
            report: ErrorReport { code: stackpilot_core::Code::Internal, message, hint: None },
            exit: stackpilot_core::Kind::System.exit_code(),
        }
    }

    /// Prints the failure to stderr and returns the exit code: as text, or with `json` as
    /// one JSON line (`{"version":1,"error":{"code":…,"message":…,"hint":…},"exit_code":2}`).
    pub fn report(self, json: bool) -> ExitCode {
        if json {
            let failure = JsonFailure { error: &self.report, exit_code: self.exit };
            if let Ok(line) = serde_json::to_string(&crate::commands::Document::of(&failure)) {
                eprintln!("{line}");
                return ExitCode::from(self.exit);
            }
        }
        eprintln!("error: {}", self.report.message);
        if let Some(hint) = &self.report.hint {
            eprintln!("hint: {hint}");
        }
        ExitCode::from(self.exit)
    }
}

/// A failure under `--json`.
#[derive(serde::Serialize)]
struct JsonFailure<'a> {
    error: &'a ErrorReport,
    exit_code: u8,
}
