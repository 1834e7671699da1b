//! Everything that identifies one environment's Compose project.

use std::path::PathBuf;

use tokio::process::Command;

use crate::{
    schema::Environment,
    secrets::Sensitive,
    workspace::Workspace,
};

/// The arguments and environment every Compose call for one environment needs.
#[derive(Debug, Clone)]
pub struct ProjectSpec {
    /// Compose project name, `<project>-<env>`.
    pub name: String,
    /// Compose files, in override order.
    pub files: Vec<PathBuf>,
    /// Profiles to activate.
    pub profiles: Vec<String>,
    /// Non-secret variables, given to the child process.
    pub variables: Vec<(String, String)>,
    /// Secrets, given to the child process environment only.
    pub secrets: Vec<(String, Sensitive<String>)>,
}

impl ProjectSpec {
    /// The spec of an environment of a workspace, without secrets.
    pub fn of(workspace: &Workspace, env_name: &str, environment: &Environment) -> Self {
        Self {
            name: workspace.schema.compose_project(env_name),
            files: workspace.compose_files(environment),
            profiles: environment.profiles.clone(),
            variables: workspace.schema.variables_for(environment),
            secrets: Vec::new(),
        }
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
        command.envs(self.variables.iter().map(|(k, v)| (k, v)));
        command.envs(self.secrets.iter().map(|(k, v)| (k, v.expose())));
    }
}
