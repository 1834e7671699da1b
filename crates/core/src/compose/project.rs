//! Everything that identifies one environment's Compose project, handed to every
//! Compose call the same way (see docs/compose.md, "How Stackpilot calls Compose").

use std::path::{Path, PathBuf};

use tokio::process::Command;

use super::{ComposeCli, ComposeError, GeneratedOverride};
use crate::{envfiles, secrets::Sensitive, workspace::Env};

/// Value given to secrets when only the model's shape is needed.
pub(crate) const PLACEHOLDER_SECRET: &str = "stackpilot-placeholder";

/// The arguments and environment every Compose call for one environment needs.
#[derive(Debug, Clone)]
pub struct ProjectSpec {
    /// Compose project name, `<project>-<env>`.
    pub name: String,
    /// Compose files, in override order; the generated override, when there is one, last.
    pub files: Vec<PathBuf>,
    /// Profiles to activate.
    pub profiles: Vec<String>,
    /// Env files in the order Compose reads them, later ones overriding earlier ones:
    /// the project's own `.env` (beside the first Compose file), then the environment's
    /// `.env.<env>`; each only when it exists.
    pub env_files: Vec<PathBuf>,
    /// The schema's non-secret variables that neither the caller's environment nor
    /// `.env.<env>` sets, given to the child process (so they override `.env` only).
    pub variables: Vec<(String, String)>,
    /// Secrets, given to the child process environment only.
    pub secrets: Vec<(String, Sensitive<String>)>,
    /// The override generated from the schema's `services:`, written before Compose runs.
    pub generated: Option<GeneratedOverride>,
    /// The folder Compose runs in; `None`: wherever Stackpilot runs (paths are absolute).
    pub working_dir: Option<PathBuf>,
}

/// The project's own `.env`: Compose reads it from the project folder, which is the
/// folder of the first Compose file.
pub fn project_env_file(files: &[PathBuf]) -> Option<PathBuf> {
    let dir = files.first()?.parent()?;
    Some(dir.join(".env"))
}

impl ProjectSpec {
    /// The spec of an environment of a workspace, without secrets.
    pub fn of(env: Env<'_>) -> Self {
        let Env { workspace, name: env_name, environment } = env;
        let mut files = workspace.compose_files(environment);
        let own = workspace.env_file(env_name);
        let env_files: Vec<PathBuf> =
            project_env_file(&files).into_iter().chain([own.clone()]).filter(|p| p.is_file()).collect();
        let in_own_file = envfiles::keys(&own);
        let variables = workspace
            .schema
            .variables_for(environment)
            .into_iter()
            .filter(|(k, _)| std::env::var_os(k).is_none() && !in_own_file.contains(k))
            .collect();
        let generated = GeneratedOverride::of(workspace.state_dir(), env_name, environment);
        files.extend(generated.iter().map(|g| g.path.clone()));
        Self {
            name: workspace.schema.compose_project(env_name),
            files,
            profiles: environment.profiles.clone(),
            env_files,
            variables,
            secrets: Vec::new(),
            generated,
            working_dir: None,
        }
    }

    /// A project exactly as `docker compose -f FILE…` run in `folder` sees it: Compose
    /// picks the project name (`name:`, `COMPOSE_PROJECT_NAME`, the folder's name) and
    /// reads the folder's `.env` itself. For adopting a folder that has no schema yet.
    pub fn in_folder(folder: &Path, files: Vec<PathBuf>, profiles: Vec<String>) -> Self {
        Self {
            name: String::new(),
            files,
            profiles,
            env_files: Vec::new(),
            variables: Vec::new(),
            secrets: Vec::new(),
            generated: None,
            working_dir: Some(folder.to_path_buf()),
        }
    }

    /// The spec with every secret the environment uses set to a placeholder: for
    /// reading the model's shape (services, ports), which does not depend on secret
    /// values, and for verbs on existing containers; the keychain is not needed.
    pub fn with_placeholder_secrets(env: Env<'_>) -> Self {
        let secrets = env.workspace.schema.secret_names(env.environment);
        Self { secrets: secrets.into_iter().map(|s| (s.to_owned(), Sensitive::new(PLACEHOLDER_SECRET.to_owned()))).collect(), ..Self::of(env) }
    }

    /// The Compose command for this project, ready for a verb: the generated override
    /// written, files, profiles, env files and variables given, secrets in the child's
    /// environment only. Every Compose call of a project is built here.
    pub fn command(&self, cli: &ComposeCli) -> Result<Command, ComposeError> {
        if let Some(generated) = &self.generated {
            generated.write()?;
        }
        // A missing file, a device or a pipe in their place would fail or hang Compose.
        let base = self.working_dir.as_deref().unwrap_or(Path::new("."));
        for file in self.files.iter().chain(&self.env_files) {
            if !base.join(file).is_file() {
                return Err(ComposeError::NotAFile { path: file.clone() });
            }
        }
        let mut command = cli.command();
        // The engine Stackpilot talks to, so that the two never differ; one that cannot be
        // resolved stops here rather than letting Compose pick another.
        let endpoint = crate::engine::endpoint::resolve()?;
        for (key, value) in endpoint.child_env() {
            match value {
                Some(value) => command.env(key, value),
                None => command.env_remove(key),
            };
        }
        if let Some(dir) = &self.working_dir {
            command.current_dir(dir);
        }
        if !self.name.is_empty() {
            command.arg("--project-name").arg(&self.name);
        }
        for file in &self.files {
            command.arg("--file").arg(file);
        }
        for profile in &self.profiles {
            command.arg("--profile").arg(profile);
        }
        for env_file in &self.env_files {
            command.arg("--env-file").arg(env_file);
        }
        command.envs(self.variables.iter().map(|(k, v)| (k, v)));
        command.envs(self.secrets.iter().map(|(k, v)| (k, v.expose())));
        Ok(command)
    }

    /// The value Compose interpolates for a non-secret variable: the process environment
    /// (with the schema's variables), else the last env file that sets it.
    pub fn value_of(&self, name: &str) -> Option<String> {
        self.values()(name)
    }

    /// [`ProjectSpec::value_of`] for many names: the env files are read once.
    pub fn values(&self) -> impl Fn(&str) -> Option<String> + '_ {
        let process = |key: &str| -> Option<String> {
            self.variables.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone()).or_else(|| std::env::var(key).ok())
        };
        let files = envfiles::resolved(&self.env_files, &process);
        move |name| process(name).or_else(|| files.iter().rev().find(|(k, _)| k == name).map(|(_, v)| v.clone()))
    }

    /// The project's name for messages: its Compose name, or its folder when Compose picks the name.
    pub fn label(&self) -> String {
        if !self.name.is_empty() {
            return self.name.clone();
        }
        self.working_dir.as_ref().map_or_else(|| "the project".to_owned(), |d| format!("the project in {}", d.display()))
    }

    /// The files Compose reads for this project (Compose files and env files), for messages.
    pub fn inputs(&self) -> impl Iterator<Item = &Path> {
        self.files.iter().chain(&self.env_files).map(PathBuf::as_path)
    }
}
