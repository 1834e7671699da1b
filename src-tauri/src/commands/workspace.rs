//! Opening the workspace and listing its environments.

use std::path::{Path, PathBuf};

use serde::Serialize;
use stackpilot_core::{
    adopt::{self, Choice, Proposal},
    engine::Engine,
    environments::{self, EnvironmentSummary},
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
    /// Projects opened before, most recent first.
    recent: Vec<PathBuf>,
    /// The environment to suggest to someone starting out ([`environments::suggested`]).
    suggested: Option<String>,
}

async fn view(workspace: stackpilot_core::Workspace, explicit: bool) -> WorkspaceView {
    let environments = environments::summarize(&workspace).await;
    let running = match Engine::connect().await {
        Ok(engine) => engine.running_projects().await.map(|r| environments::running_in(&workspace, &r)).unwrap_or_default(),
        Err(_) => Vec::new(),
    };
    WorkspaceView {
        suggested: environments::suggested(&environments),
        project: workspace.schema.project.clone(),
        root: workspace.root,
        schema: workspace.schema_path,
        environments,
        running,
        explicit,
        recent: stackpilot_core::recent::Recent::load().projects,
    }
}

/// The projects opened before, most recent first, with their running environments (for
/// the welcome screen and the project switcher).
#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument]
pub async fn recent_projects() -> Vec<stackpilot_core::recent::ProjectEntry> {
    stackpilot_core::recent::entries().await
}

/// Asks the person for a project folder with the platform's folder dialog; `None` when
/// they cancel it.
#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip(window))]
pub async fn pick_folder(window: tauri::Window) -> Option<PathBuf> {
    use tauri_plugin_dialog::DialogExt;
    let (tx, rx) = tokio::sync::oneshot::channel();
    let mut dialog = window.dialog().file().set_title("Open a Compose project").set_parent(&window);
    if let Some(home) = std::env::var_os("HOME") {
        dialog = dialog.set_directory(home);
    }
    dialog.pick_folder(move |folder| {
        let _ = tx.send(folder.and_then(|f| f.into_path().ok()));
    });
    rx.await.ok().flatten()
}

/// What `stackpilot init` would write for a folder that has Compose files and no schema.
#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument]
pub async fn propose_adoption(path: String) -> Result<Proposal, ErrorReport> {
    adopt::propose(Path::new(path.trim())).await.map_err(|e| ErrorReport::of(&e))
}

/// Adopts a folder with the person's choices: writes its schema, imports the plaintext
/// secret values of its env files into the keychain, and opens it.
#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip(session, choices))]
pub async fn adopt_project(session: State<'_, Session>, path: String, choices: Vec<Choice>) -> Result<AdoptedView, ErrorReport> {
    let proposal = adopt::propose(Path::new(path.trim())).await.map_err(|e| ErrorReport::of(&e))?;
    let proposal = proposal.choose(&choices).map_err(|e| ErrorReport::of(&e))?;
    let schema = adopt::write(&proposal).map_err(|e| ErrorReport::of(&e))?;
    let workspace = session.open(Some(schema.clone()))?;
    let imported = {
        let (workspace, proposal) = (workspace.clone(), proposal.clone());
        tokio::task::spawn_blocking(move || adopt::import_plaintext(&workspace, &proposal)).await.unwrap_or_default()
    };
    Ok(AdoptedView { schema, imported, workspace: view(workspace, true).await })
}

/// The result of adopting a folder.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AdoptedView {
    /// The schema written.
    schema: PathBuf,
    /// What happened to plaintext secret values, for people.
    imported: Vec<String>,
    /// The adopted project, opened.
    workspace: WorkspaceView,
}

/// Lists the environments of the current workspace (re-read from disk).
#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip_all)]
pub async fn list_environments(session: State<'_, Session>) -> Result<WorkspaceView, ErrorReport> {
    let explicit = session.initial.is_some() || std::env::var_os("STACKPILOT_WORKSPACE").is_some_and(|v| !v.is_empty());
    Ok(view(session.workspace()?, explicit).await)
}

/// Opens a workspace folder (or schema file) typed by the person; `None`: the built-in default.
#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip(session))]
pub async fn open_workspace(session: State<'_, Session>, path: Option<String>) -> Result<WorkspaceView, ErrorReport> {
    let path = path.filter(|p| !p.trim().is_empty()).map(|p| PathBuf::from(p.trim()));
    let workspace = match path {
        Some(path) => session.open(Some(path))?,
        None => {
            let dir = stackpilot_core::default_workspace::default_dir().ok_or_else(|| ErrorReport {
                code: stackpilot_core::Code::WorkspaceNotFound,
                message: "no home folder to keep the built-in workspace in".into(),
                hint: Some("set HOME".into()),
            })?;
            stackpilot_core::default_workspace::materialize(&dir).map_err(|e| ErrorReport {
                code: stackpilot_core::Code::WorkspaceNotFound,
                message: format!("cannot write the built-in workspace to {}: {e}", dir.display()),
                hint: None,
            })?;
            session.open(Some(dir))?
        }
    };
    Ok(view(workspace, true).await)
}

/// Opens an http(s) link in the system browser (the opener plugin, from here: the page is
/// granted no opener command of its own).
#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip(app))]
pub fn open_url(app: tauri::AppHandle, url: String) -> Result<(), ErrorReport> {
    use tauri_plugin_opener::OpenerExt;
    if !(url.starts_with("http://") || url.starts_with("https://")) || url.chars().any(char::is_whitespace) {
        return Err(ErrorReport { code: stackpilot_core::Code::InvalidUrl, message: format!("`{url}` is not an http(s) link"), hint: None });
    }
    app.opener().open_url(&url, None::<&str>).map_err(|e| ErrorReport {
        code: stackpilot_core::Code::OpenFailed,
        message: format!("could not open {url}: {e}"),
        hint: Some("copy the link into your browser".into()),
    })
}

/// Shows the folder of the app's log files in the file manager.
#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip(app))]
pub fn open_log_folder(app: tauri::AppHandle) -> Result<(), ErrorReport> {
    use tauri_plugin_opener::OpenerExt;
    let folder = log_folder(&app)?;
    app.opener().open_path(folder.display().to_string(), None::<&str>).map_err(|e| ErrorReport {
        code: stackpilot_core::Code::OpenFailed,
        message: format!("could not open {}: {e}", folder.display()),
        hint: Some("open the folder in your file manager".into()),
    })
}

/// The platform's log folder for this app.
fn log_folder(app: &tauri::AppHandle) -> Result<PathBuf, ErrorReport> {
    use tauri::Manager;
    app.path().app_log_dir().map_err(|e| ErrorReport { code: stackpilot_core::Code::OpenFailed, message: format!("no log folder: {e}"), hint: None })
}

/// What the page needs to know of the app before anything else.
#[derive(Debug, Serialize)]
pub struct AppInfo {
    /// The app's version.
    version: &'static str,
    /// The version of the shapes the commands send ([`stackpilot_core::WIRE_VERSION`]).
    wire_version: u32,
    /// The app's log file (shown under Help), when the platform has a log folder.
    log_file: Option<String>,
}

/// The app's version, wire version and log file; the page checks the wire version before
/// its first call.
#[tauri::command(rename_all = "snake_case")]
pub fn app_info(app: tauri::AppHandle) -> AppInfo {
    let log_file = log_folder(&app).ok().map(|dir| dir.join(format!("{}.log", crate::LOG_FILE)).display().to_string());
    AppInfo { version: env!("CARGO_PKG_VERSION"), wire_version: stackpilot_core::WIRE_VERSION, log_file }
}

/// What differs between environments `a` and `b` of the current workspace, from Compose's
/// resolved models (the comparison `stackpilot diff` prints).
#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip(session))]
pub async fn compare_environments(session: State<'_, Session>, a: String, b: String) -> Result<stackpilot_core::drift::DriftReport, ErrorReport> {
    let workspace = session.workspace()?;
    let left = workspace.env(&a).map_err(|e| ErrorReport::of(&e))?;
    let right = workspace.env(&b).map_err(|e| ErrorReport::of(&e))?;
    stackpilot_core::drift::compare(left, right).await.map_err(|e| ErrorReport::of(&e))
}

/// The engine in use (endpoint, facts or why it cannot be used) and the docker CLI's contexts.
#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument]
pub async fn engine_overview() -> stackpilot_core::engine::EngineOverview {
    stackpilot_core::engine::overview().await
}

/// Uses the docker CLI context `context` from now on and in later launches (`None`: back
/// to DOCKER_HOST, the docker CLI's current context or the platform's socket); both
/// bollard and every `docker compose` child follow it.
#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument]
pub async fn choose_engine(context: Option<String>) -> stackpilot_core::engine::EngineOverview {
    use stackpilot_core::engine::endpoint::{choose, Choice};
    let choice = context.filter(|c| !c.trim().is_empty()).map(|c| Choice::Context(c.trim().to_owned()));
    choose(choice.clone());
    if let Err(error) = stackpilot_core::recent::Recent::remember_engine(choice) {
        tracing::warn!(%error, "the engine choice could not be saved");
    }
    stackpilot_core::engine::overview().await
}
