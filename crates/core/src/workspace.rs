//! Finding and opening a workspace: a folder with an environment schema.

use std::path::{Path, PathBuf};

use crate::{
    schema::{self, Environment, Schema, SchemaError},
    Diagnostic,
};

/// Where a schema is looked for inside a folder, in order.
pub const SCHEMA_LOCATIONS: [&str; 3] = ["configs/environment_schema.yaml", "environment_schema.yaml", "stackpilot.yaml"];

/// The file names `docker compose` picks in a folder.
pub const COMPOSE_FILES: [&str; 4] = ["compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml"];

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

/// One environment of a workspace, looked up once ([`Workspace::env`]): the workspace,
/// the name and the schema's entry travel together instead of `(workspace, name)` pairs
/// that each callee looks up again.
#[derive(Debug, Clone, Copy)]
pub struct Env<'a> {
    /// The workspace.
    pub workspace: &'a Workspace,
    /// Its name.
    pub name: &'a str,
    /// Its entry of the schema.
    pub environment: &'a Environment,
}

impl Env<'_> {
    /// Its Compose project name.
    pub fn project(&self) -> String {
        self.workspace.schema.compose_project(self.name)
    }
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
    /// The built-in default workspace could not be written out.
    #[error("cannot write the default workspace to {}: {source}", dir.display())]
    DefaultUnavailable {
        /// Where it was to be written.
        dir: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The folder has a Compose project but no schema.
    #[error("{} has a Compose project but no Stackpilot schema", dir.display())]
    ComposeWithoutSchema {
        /// The folder.
        dir: PathBuf,
    },
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
    fn code(&self) -> crate::Code {
        match self {
            Self::NotFound { .. } => crate::Code::WorkspaceNotFound,
            Self::Schema(e) => e.code(),
            Self::DefaultUnavailable { .. } => crate::Code::WorkspaceNotFound,
            Self::ComposeWithoutSchema { .. } => crate::Code::NoSchema,
            Self::UnknownEnvironment { .. } => crate::Code::UnknownEnvironment,
        }
    }

    fn hint(&self) -> Option<String> {
        match self {
            Self::NotFound { .. } => Some(
                "pass --workspace with a folder that has configs/environment_schema.yaml, or create one from docs/schema.md".into(),
            ),
            Self::Schema(e) => e.hint(),
            Self::DefaultUnavailable { .. } => Some("set XDG_DATA_HOME to a writable folder, or pass --workspace".into()),
            Self::ComposeWithoutSchema { .. } => Some(
                "run `stackpilot init` to adopt it (it proposes environments from what Compose resolves and keeps your project name and volumes); --workspace picks another folder".into(),
            ),
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
            let found = Self::schema_file(path).ok_or_else(|| {
                if COMPOSE_FILES.iter().any(|f| path.join(f).is_file()) {
                    WorkspaceError::ComposeWithoutSchema { dir: path.to_path_buf() }
                } else {
                    WorkspaceError::NotFound { dir: path.to_path_buf() }
                }
            })?;
            (path.to_path_buf(), found)
        };
        let schema = schema::load(&schema_path)?;
        Ok(Self { root, schema_path, schema })
    }

    /// The workspace to use: the one named, else `$STACKPILOT_WORKSPACE`, else the
    /// nearest one above the current folder, else the built-in default (written
    /// out to the user's data folder, keeping any edits made there).
    pub fn resolve(explicit: Option<&Path>) -> Result<Self, WorkspaceError> {
        if let Some(path) = explicit {
            return Self::open(path);
        }
        if let Some(path) = std::env::var_os("STACKPILOT_WORKSPACE").filter(|p| !p.is_empty()) {
            return Self::open(Path::new(&path));
        }
        let here = std::env::current_dir().ok();
        if let Some(found) = here.as_deref().and_then(Self::discover) {
            return Self::open(&found);
        }
        // A Compose project without a schema is not silently swapped for the built-in stack.
        if let Some(dir) = here.filter(|d| COMPOSE_FILES.iter().any(|f| d.join(f).is_file())) {
            return Err(WorkspaceError::ComposeWithoutSchema { dir });
        }
        let dir = crate::default_workspace::default_dir().ok_or_else(|| WorkspaceError::DefaultUnavailable {
            dir: PathBuf::from("~/.local/share/stackpilot/default-workspace"),
            source: std::io::Error::new(std::io::ErrorKind::NotFound, "no home folder"),
        })?;
        crate::default_workspace::materialize(&dir)
            .map_err(|source| WorkspaceError::DefaultUnavailable { dir: dir.clone(), source })?;
        Self::open(&dir)
    }

    /// Walks up from `start` to the first folder that holds a schema, like git: it
    /// stops after the home folder, and at a folder that another user owns or that
    /// others may write to (a schema there could be planted; it is skipped with a
    /// warning saying why).
    pub fn discover(start: &Path) -> Option<PathBuf> {
        let home = std::env::var_os("HOME").map(PathBuf::from);
        for dir in start.ancestors() {
            if let Some(why) = untrusted(dir) {
                if Self::schema_file(dir).is_some() {
                    tracing::warn!("skipped the schema in {}: {why}; pass --workspace {} to use it anyway", dir.display(), dir.display());
                }
                return None;
            }
            if Self::schema_file(dir).is_some() {
                return Some(dir.to_path_buf());
            }
            if home.as_deref() == Some(dir) {
                return None;
            }
        }
        None
    }

    /// The schema file inside a folder, from the first of [`SCHEMA_LOCATIONS`] that exists.
    pub fn schema_file(dir: &Path) -> Option<PathBuf> {
        SCHEMA_LOCATIONS.iter().map(|relative| dir.join(relative)).find(|candidate| candidate.is_file())
    }

    /// The folder compose paths are relative to.
    pub fn schema_dir(&self) -> &Path {
        self.schema_path.parent().unwrap_or(Path::new("."))
    }

    /// The environment called `name`, as the handle the stack, the checks and Compose calls take.
    pub fn env<'a>(&'a self, name: &'a str) -> Result<Env<'a>, WorkspaceError> {
        Ok(Env { workspace: self, name, environment: self.environment(name)? })
    }

    /// The environment called `name`.
    pub fn environment(&self, name: &str) -> Result<&Environment, WorkspaceError> {
        self.schema.environments.get(name).ok_or_else(|| WorkspaceError::UnknownEnvironment {
            name: name.to_owned(),
            schema: self.schema_path.clone(),
            known: self.schema.environments.keys().map(str::to_owned).collect(),
        })
    }

    /// `file:line` of a key of the schema (e.g. `environments.dev.services.web`), for
    /// messages about problems found after loading.
    pub fn schema_line(&self, key_path: &[&str]) -> String {
        let segments: Vec<String> = key_path.iter().map(|s| (*s).to_owned()).collect();
        let line = std::fs::read_to_string(&self.schema_path)
            .ok()
            .and_then(|source| schema::locate(&source, &segments))
            .map(|p| format!(":{}", p.line))
            .unwrap_or_default();
        format!("{}{line}", self.schema_path.display())
    }

    /// The environment's compose files as absolute paths, in override order.
    pub fn compose_files(&self, environment: &Environment) -> Vec<PathBuf> {
        environment.compose.iter().map(|file| self.schema_dir().join(file)).collect()
    }

    /// The environment's `.env.<env>` file (non-secret variables), beside the schema.
    pub fn env_file(&self, env_name: &str) -> PathBuf {
        self.schema_dir().join(format!(".env.{env_name}"))
    }

    /// Stackpilot's own generated files for this workspace (git-ignored).
    pub fn state_dir(&self) -> PathBuf {
        self.schema_dir().join(".stackpilot")
    }
}

/// Why a folder met while looking upwards for a schema is not trusted, if it is not:
/// owned by another user, or writable by others without the sticky bit's protection.
fn untrusted(dir: &Path) -> Option<String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let meta = std::fs::metadata(dir).ok()?;
        let me = crate::paths::current_uid();
        if meta.uid() != me && meta.uid() != 0 {
            return Some(format!("the folder belongs to another user (uid {})", meta.uid()));
        }
        if meta.mode() & 0o002 != 0 {
            return Some("the folder is writable by every user".into());
        }
        if meta.uid() != me && Workspace::schema_file(dir).is_some_and(|f| std::fs::metadata(f).is_ok_and(|m| m.uid() != me)) {
            return Some("the schema belongs to another user".into());
        }
        None
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        None
    }
}
