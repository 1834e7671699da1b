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
/// Exit code when a required system component failed.
pub const EXIT_SYSTEM: u8 = 4;

/// A command that could not finish.
#[derive(Debug)]
pub struct Failure {
    report: ErrorReport,
    exit: u8,
}

impl Failure {
    /// A failure caused by the user's input.
    pub fn input<E: Diagnostic>(error: &E) -> Self {
        Self { report: ErrorReport::of(error), exit: EXIT_INPUT }
    }

    /// A failed operation on an environment: a service that is not running is a problem
    /// found (1), an engine or keychain that does not answer a system failure (4), the
    /// rest input (2).
    pub fn from_stack(error: &stackpilot_core::stack::StackError) -> Self {
        let exit = match error.code() {
            "NotRunning" => EXIT_CHECK_FAILED,
            "DockerUnreachable" | "ComposeTimedOut" | "ComposeMissing" | "ComposeVersion1" | "EngineUnreachable" | "LockUnavailable" => EXIT_SYSTEM,
            code if code.starts_with("Keychain") || code.starts_with("Docker") => EXIT_SYSTEM,
            _ => EXIT_INPUT,
        };
        Self { report: ErrorReport::of(error), exit }
    }

    /// A failure of a system component (Docker, the keychain).
    pub fn system<E: Diagnostic>(error: &E) -> Self {
        Self { report: ErrorReport::of(error), exit: EXIT_SYSTEM }
    }

    /// A secrets error: keychain trouble is a system failure, the rest is input.
    pub fn from_secrets(error: &stackpilot_core::secrets::SecretsError) -> Self {
        let exit = if error.code().starts_with("Keychain") { EXIT_SYSTEM } else { EXIT_INPUT };
        Self { report: ErrorReport::of(error), exit }
    }

    /// Bad arguments.
    pub fn usage(message: String) -> Self {
        Self { report: ErrorReport { code: "Usage".into(), message, hint: None }, exit: EXIT_INPUT }
    }

    /// An unexpected failure inside Stackpilot.
    pub fn internal(message: String) -> Self {
        Self {
            report: ErrorReport { code: "Internal".into(), message, hint: None },
            exit: EXIT_SYSTEM,
        }
    }

    /// Prints the failure to stderr and returns the exit code.
    pub fn report(self) -> ExitCode {
        eprintln!("error: {}", self.report.message);
        if let Some(hint) = &self.report.hint {
            eprintln!("hint: {hint}");
        }
        ExitCode::from(self.exit)
    }
}
