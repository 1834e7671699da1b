//! Opening the workspace and listing its environments.

use std::path::PathBuf;

use serde::Serialize;
use stackpilot_core::{
    environments::{self, EnvironmentSummary},
    ErrorReport, Workspace,
};
use tauri::State;

use crate::session::Session;

/// The workspace as the environment picker shows it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkspaceView {
    root: PathBuf,
    schema: PathBuf,
    project: String,
    environments: Vec<EnvironmentSummary>,
}

/// Lists the environments of the session's workspace.
#[tauri::command]
#[tracing::instrument(skip_all)]
pub async fn list_environments(session: State<'_, Session>) -> Result<WorkspaceView, ErrorReport> {
    let workspace = Workspace::resolve(session.workspace.as_deref()).map_err(|e| ErrorReport::of(&e))?;
    let environments = environments::summarize(&workspace).await;
    Ok(WorkspaceView {
        project: workspace.schema.project.clone(),
        root: workspace.root,
        schema: workspace.schema_path,
        environments,
    })
}
