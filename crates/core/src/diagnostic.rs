//! Errors as front ends show them: a stable code, a message, and a hint.

use serde::Serialize;

/// An error that knows its stable code and how to fix it.
pub trait Diagnostic: std::error::Error {
    /// Stable identifier, e.g. `DockerUnreachable`; front ends match on this, never on text.
    fn code(&self) -> &'static str;
    /// What the person can do about it.
    fn hint(&self) -> Option<String>;
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
