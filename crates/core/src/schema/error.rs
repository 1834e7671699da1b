//! Errors found in a schema file: where, what, and how to fix it.

use std::{fmt, path::PathBuf};

use serde::Serialize;

use super::Position;

/// One problem in a schema file.
#[derive(Debug, Clone, Serialize)]
pub struct SchemaIssue {
    /// The schema file.
    pub file: PathBuf,
    /// Where in the file, when known.
    pub position: Option<Position>,
    /// Dotted key path such as `environments.staging.requires.memory`.
    pub key_path: String,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub hint: Option<String>,
}

impl fmt::Display for SchemaIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(p) = self.position {
            write!(f, ":{}:{}", p.line, p.column)?;
        }
        if !self.key_path.is_empty() {
            write!(f, ": {}", self.key_path)?;
        }
        write!(f, ": {}", self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

/// Why a schema could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum SchemaError {
    /// The file could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Unreadable {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The file was read and has problems.
    #[error("{}", render(.0))]
    Invalid(Vec<SchemaIssue>),
}

fn render(issues: &[SchemaIssue]) -> String {
    issues.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n")
}

impl crate::Diagnostic for SchemaError {
    fn code(&self) -> crate::Code {
        match self {
            Self::Unreadable { .. } => crate::Code::SchemaUnreadable,
            Self::Invalid(_) => crate::Code::InvalidSchema,
        }
    }

    fn hint(&self) -> Option<String> {
        Some(match self {
            Self::Unreadable { .. } => "check the path and its permissions".into(),
            Self::Invalid(_) => "fix the lines named above; `stackpilot schema check` re-checks the file".into(),
        })
    }
}

impl SchemaError {
    /// The problems, when the file was read.
    pub fn issues(&self) -> &[SchemaIssue] {
        match self {
            Self::Invalid(issues) => issues,
            Self::Unreadable { .. } => &[],
        }
    }
}
