//! The projects a person opened, most recent first, the one open last and the engine
//! chosen in the app: kept in the settings folder so that the app returns to them.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// How many projects are remembered.
const KEPT: usize = 10;

/// The remembered projects.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Recent {
    /// The project open last.
    pub current: Option<PathBuf>,
    /// Projects opened, most recent first (the current one included).
    pub projects: Vec<PathBuf>,
    /// The engine chosen in the app's engine menu, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub engine: Option<crate::engine::endpoint::Choice>,
}

fn file() -> Option<PathBuf> {
    crate::paths::app_config_dir().map(|d| d.join("projects.json"))
}

/// A remembered project as the project switcher lists it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProjectEntry {
    /// Its folder.
    pub root: PathBuf,
    /// The schema's project name, when it opens.
    pub name: Option<String>,
    /// Why it does not open now (moved, deleted, an invalid schema).
    pub problem: Option<String>,
    /// Its environments with a running container now (empty when the engine does not answer).
    pub running: Vec<String>,
}

/// The remembered projects, most recent first, each with the environments running now:
/// one engine request for all of them.
pub async fn entries() -> Vec<ProjectEntry> {
    let running = match crate::engine::Engine::connect().await {
        Ok(engine) => engine.running_projects().await.unwrap_or_default(),
        Err(_) => Default::default(),
    };
    Recent::load()
        .projects
        .into_iter()
        .map(|root| match crate::Workspace::open(&root) {
            Ok(workspace) => ProjectEntry {
                name: Some(workspace.schema.project.clone()),
                problem: None,
                running: crate::environments::running_in(&workspace, &running),
                root,
            },
            Err(error) => ProjectEntry { root, name: None, problem: Some(error.to_string()), running: Vec::new() },
        })
        .collect()
}

impl Recent {
    /// The remembered projects; none when the file is missing or unreadable.
    pub fn load() -> Self {
        file().and_then(|f| std::fs::read(f).ok()).and_then(|bytes| serde_json::from_slice(&bytes).ok()).unwrap_or_default()
    }

    /// Makes `root` the current project and the first of the list (written atomically).
    pub fn remember(root: &Path) -> std::io::Result<Self> {
        let mut recent = Self::load();
        recent.projects.retain(|p| p != root);
        recent.projects.insert(0, root.to_path_buf());
        recent.projects.truncate(KEPT);
        recent.current = Some(root.to_path_buf());
        recent.save()
    }

    /// Remembers the engine chosen in the app (`None`: back to the docker CLI's).
    pub fn remember_engine(choice: Option<crate::engine::endpoint::Choice>) -> std::io::Result<Self> {
        let mut recent = Self::load();
        recent.engine = choice;
        recent.save()
    }

    /// Writes the file atomically, in a private folder.
    fn save(self) -> std::io::Result<Self> {
        let recent = self;
        let path = file().ok_or_else(|| std::io::Error::other("no settings folder (HOME is not set)"))?;
        if let Some(dir) = path.parent() {
            crate::paths::private_dir(dir)?;
        }
        let temp = path.with_extension(format!("json.{}.tmp", std::process::id()));
        std::fs::write(&temp, serde_json::to_vec_pretty(&recent).map_err(std::io::Error::other)?)?;
        std::fs::rename(&temp, &path)?;
        Ok(recent)
    }
}
