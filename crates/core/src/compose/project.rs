//! Everything that identifies one environment's Compose project.

use std::path::PathBuf;

use tokio::process::Command;

use crate::{
    envfiles,
    schema::Environment,
    secrets::Sensitive,
    workspace::Workspace,
};

/// Value given to secrets when only the model's shape is needed.
const PLACEHOLDER_SECRET: &str = "stackpilot-placeholder";

/// The arguments and environment every Compose call for one environment needs.
#[derive(Debug, Clone)]
pub struct ProjectSpec {
    /// Compose project name, `<project>-<env>`.
    pub name: String,
    /// Compose files, in override order.
    pub files: Vec<PathBuf>,
    /// Profiles to activate.
    pub profiles: Vec<String>,
    /// The environment's `.env.<env>` file, when it exists.
    pub env_file: Option<PathBuf>,
    /// Non-secret variables, given to the child process.
    pub variables: Vec<(String, String)>,
    /// Secrets, given to the child process environment only.
    pub secrets: Vec<(String, Sensitive<String>)>,
}

impl ProjectSpec {
    /// The spec of an environment of a workspace, without secrets. The schema's
    /// variables are given to Compose except those the `.env.<env>` file sets:
    /// the user's values there win.
    pub fn of(workspace: &Workspace, env_name: &str, environment: &Environment) -> Self {
        let env_file = Some(workspace.env_file(env_name)).filter(|p| p.is_file());
        let in_file: Vec<String> = env_file
            .as_deref()
            .and_then(|p| envfiles::read(p).ok())
            .unwrap_or_default()
            .into_iter()
            .map(|(k, _)| k)
            .collect();
        let variables = workspace
            .schema
            .variables_for(environment)
            .into_iter()
            .filter(|(k, _)| !in_file.contains(k))
            .collect();
        let mut files = workspace.compose_files(environment);
        let generated = crate::stack::override_path(workspace, env_name);
        if !environment.services.is_empty() && generated.is_file() {
            files.push(generated);
        }
        Self {
            name: workspace.schema.compose_project(env_name),
            files,
            profiles: environment.profiles.clone(),
            env_file,
            variables,
            secrets: Vec::new(),
        }
    }

    /// The spec with every secret the environment uses set to a placeholder: for
    /// reading the model's shape (services, ports), which does not depend on secret values.
    pub fn with_placeholder_secrets(mut self, workspace: &Workspace, environment: &Environment) -> Self {
        self.secrets = workspace
            .schema
            .secret_names(environment)
            .into_iter()
            .map(|s| (s.to_owned(), Sensitive::new(PLACEHOLDER_SECRET.to_owned())))
            .collect();
        self
    }

    /// Adds the project's arguments and variables to a Compose command.
    pub fn apply(&self, command: &mut Command) {
        command.arg("--project-name").arg(&self.name);
        for file in &self.files {
            command.arg("--file").arg(file);
        }
        for profile in &self.profiles {
            command.arg("--profile").arg(profile);
        }
        if let Some(env_file) = &self.env_file {
            command.arg("--env-file").arg(env_file);
        }
        command.envs(self.variables.iter().map(|(k, v)| (k, v)));
        command.envs(self.secrets.iter().map(|(k, v)| (k, v.expose())));
    }
}
