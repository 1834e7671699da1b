//! Opening the workspace and listing its environments.

use std::path::PathBuf;

use serde::Serialize;
use stackpilot_core::{
    engine::Engine,
    environments::{self, EnvironmentSummary},
    stack::status::project_status,
    ErrorReport,
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
    /// Environments with running containers now.
    running: Vec<String>,
    /// Whether the app was started on this workspace (`--workspace` or `$STACKPILOT_WORKSPACE`).
    explicit: bool,
}

async fn view(workspace: stackpilot_core::Workspace, explicit: bool) -> WorkspaceView {
    let environments = environments::summarize(&workspace).await;
    let mut running = Vec::new();
    if let Ok(engine) = Engine::connect().await {
        for env in &environments {
            if project_status(&engine, &env.project).await.is_ok_and(|s| s.iter().any(|c| c.state.is_ready(false) || matches!(c.state, stackpilot_core::stack::ServiceState::Starting))) {
                running.push(env.name.clone());
            }
        }
    }
    WorkspaceView {
        project: workspace.schema.project.clone(),
        root: workspace.root,
        schema: workspace.schema_path,
        environments,
        running,
        explicit,
    }
}

/// Lists the environments of the current workspace (re-read from disk).
#[tauri::command]
#[tracing::instrument(skip_all)]
pub async fn list_environments(session: State<'_, Session>) -> Result<WorkspaceView, ErrorReport> {
    let explicit = session.initial.is_some() || std::env::var_os("STACKPILOT_WORKSPACE").is_some_and(|v| !v.is_empty());
    Ok(view(session.workspace()?, explicit).await)
}

/// Opens a workspace folder (or schema file) typed by the person; `None`: the built-in default.
#[tauri::command]
#[tracing::instrument(skip(session))]
pub async fn open_workspace(session: State<'_, Session>, path: Option<String>) -> Result<WorkspaceView, ErrorReport> {
    let path = path.filter(|p| !p.trim().is_empty()).map(|p| PathBuf::from(p.trim()));
    let workspace = match path {
        Some(path) => session.open(Some(path))?,
        None => {
            let dir = stackpilot_core::default_workspace::default_dir().ok_or_else(|| ErrorReport {
                code: "WorkspaceNotFound".into(),
                message: "no home folder to keep the built-in workspace in".into(),
                hint: Some("set HOME".into()),
            })?;
            stackpilot_core::default_workspace::materialize(&dir).map_err(|e| ErrorReport {
                code: "WorkspaceNotFound".into(),
                message: format!("cannot write the built-in workspace to {}: {e}", dir.display()),
                hint: None,
            })?;
            session.open(Some(dir))?
        }
    };
    Ok(view(workspace, true).await)
}

/// Opens an http(s) link in the system browser.
#[tauri::command]
#[tracing::instrument]
pub fn open_url(url: String) -> Result<(), ErrorReport> {
    if !(url.starts_with("http://") || url.starts_with("https://")) || url.chars().any(char::is_whitespace) {
        return Err(ErrorReport { code: "InvalidUrl".into(), message: format!("`{url}` is not an http(s) link"), hint: None });
    }
    let program = if cfg!(target_os = "macos") { "open" } else if cfg!(windows) { "explorer" } else { "xdg-open" };
    std::process::Command::new(program).arg(&url).spawn().map(|_| ()).map_err(|e| ErrorReport {
        code: "OpenFailed".into(),
        message: format!("could not open {url}: {e}"),
        hint: Some("copy the link into your browser".into()),
    })
}
