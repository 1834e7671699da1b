//! Errors as front ends show them: a stable code, a message, and a hint.

use serde::Serialize;

/// What kind of failure something is; the kind alone decides a command's exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Kind {
    /// Wrong input: arguments, a schema, a workspace, an environment or context name (exit 2).
    Input,
    /// Stackpilot ran and found a problem to resolve: a failed check, a service not running (exit 1).
    Problem,
    /// A system component failed: Docker, Compose, the keychain (exit 4).
    System,
    /// The person interrupted it (exit 130).
    Interrupted,
}

impl Kind {
    /// The exit code of a command that ends with this kind of failure (README's table).
    pub fn exit_code(self) -> u8 {
        match self {
            Self::Problem => 1,
            Self::Input => 2,
            Self::System => 4,
            Self::Interrupted => 130,
        }
    }

    /// The kind of an error by its stable code: the one table of it.
    pub fn of_code(code: &str) -> Self {
        match code {
            "NotRunning" => Self::Problem,
            "Cancelled" => Self::Interrupted,
            "DockerUnreachable" | "DockerApi" | "ComposeTimedOut" | "ComposeMissing" | "ComposeVersion1" | "ComposeOutput" | "LockUnavailable" | "Internal" => Self::System,
            code if code.starts_with("Keychain") => Self::System,
            _ => Self::Input,
        }
    }
}

/// An error that knows its stable code and how to fix it.
pub trait Diagnostic: std::error::Error {
    /// Stable identifier, e.g. `DockerUnreachable`; front ends match on this, never on text.
    fn code(&self) -> &'static str;
    /// What the person can do about it.
    fn hint(&self) -> Option<String>;
    /// What kind of failure it is (decides the exit code).
    fn kind(&self) -> Kind {
        Kind::of_code(self.code())
    }
}

/// The serialisable form of any [`Diagnostic`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ErrorReport {
    /// Stable code.
    pub code: String,
    /// What happened.
    pub message: String,
    /// What to do.
    pub hint: Option<String>,
}


impl ErrorReport {
    /// Builds the report of an error.
    pub fn of<E: Diagnostic + ?Sized>(error: &E) -> Self {
        Self { code: error.code().to_owned(), message: error.to_string(), hint: error.hint() }
    }
}
