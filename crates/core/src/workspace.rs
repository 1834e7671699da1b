//! Finding and opening a workspace: a folder with an environment schema.

use std::path::{Path, PathBuf};

use crate::{
    schema::{self, Environment, Schema, SchemaError},
    Diagnostic,
};

/// Where a schema is looked for inside a folder, in order.
pub const SCHEMA_LOCATIONS: [&str; 3] = ["configs/environment_schema.yaml", "environment_schema.yaml", "stackpilot.yaml"];

/// An opened workspace: its schema, loaded and validated.
#[derive(Debug, Clone)]
pub struct Workspace {
    /// The folder the workspace was opened from.
    pub root: PathBuf,
    /// The schema file.
    pub schema_path: PathBuf,
    /// The schema.
    pub schema: Schema,
}

/// Why a workspace could not be opened or used.
#[derive(Debug, thiserror::Error)]
pub enum WorkspaceError {
    /// No schema in any of the known places.
    #[error("no environment schema in {}: looked for {}", dir.display(), SCHEMA_LOCATIONS.join(", "))]
    NotFound {
        /// The folder searched.
        dir: PathBuf,
    },
    /// The schema has errors.
    #[error(transparent)]
    Schema(#[from] SchemaError),
    /// The environment is not in the schema.
    #[error("there is no environment `{name}` in {}", schema.display())]
    UnknownEnvironment {
        /// The name asked for.
        name: String,
        /// The schema file.
        schema: PathBuf,
        /// The environments it has.
        known: Vec<String>,
    },
}

impl Diagnostic for WorkspaceError {
    fn code(&self) -> &'static str {
        match self {
            Self::NotFound { .. } => "WorkspaceNotFound",
            Self::Schema(e) => e.code(),
            Self::UnknownEnvironment { .. } => "UnknownEnvironment",
        }
    }

    fn hint(&self) -> Option<String> {
        match self {
            Self::NotFound { .. } => Some(
                "pass --workspace with a folder that has configs/environment_schema.yaml, or create one from docs/schema.md".into(),
            ),
            Self::Schema(SchemaError::Unreadable { .. }) => Some("check the path and its permissions".into()),
            Self::Schema(SchemaError::Invalid(_)) => Some("fix the lines named above; `stackpilot schema check` re-checks the file".into()),
            Self::UnknownEnvironment { known, .. } => Some(format!("choose one of: {}", known.join(", "))),
        }
    }
}

impl Workspace {
    /// Opens a schema file, or the first schema found in a folder.
    pub fn open(path: &Path) -> Result<Self, WorkspaceError> {
        let (root, schema_path) = if path.is_file() {
            let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
            (dir, path.to_path_buf())
        } else {
            let found = SCHEMA_LOCATIONS
                .iter()
                .map(|relative| path.join(relative))
                .find(|candidate| candidate.is_file())
                .ok_or_else(|| WorkspaceError::NotFound { dir: path.to_path_buf() })?;
            (path.to_path_buf(), found)
        };
        let schema = schema::load(&schema_path)?;
        Ok(Self { root, schema_path, schema })
    }

    /// Walks up from `start` to the first folder that holds a schema.
    pub fn discover(start: &Path) -> Option<PathBuf> {
        start
            .ancestors()
            .find(|dir| SCHEMA_LOCATIONS.iter().any(|relative| dir.join(relative).is_file()))
            .map(Path::to_path_buf)
    }

    /// The folder compose paths are relative to.
    pub fn schema_dir(&self) -> &Path {
        self.schema_path.parent().unwrap_or(Path::new("."))
    }

    /// The environment called `name`.
    pub fn environment(&self, name: &str) -> Result<&Environment, WorkspaceError> {
        self.schema.environments.get(name).ok_or_else(|| WorkspaceError::UnknownEnvironment {
            name: name.to_owned(),
            schema: self.schema_path.clone(),
            known: self.schema.environments.keys().map(str::to_owned).collect(),
        })
    }

    /// The environment's compose files as absolute paths, in override order.
    pub fn compose_files(&self, environment: &Environment) -> Vec<PathBuf> {
        environment.compose.iter().map(|file| self.schema_dir().join(file)).collect()
    }

    /// Stackpilot's own generated files for this workspace (git-ignored).
    pub fn state_dir(&self) -> PathBuf {
        self.schema_dir().join(".stackpilot")
    }
}
