//! What the app holds between commands: the open workspace, the Compose model cache,
//! and the cancel handles of long operations.

use std::{
    collections::HashMap,
    ffi::OsString,
    path::{Path, PathBuf},
    sync::{Arc, Mutex},
};

use stackpilot_core::{checks::Offered, compose::ModelCache, recent::Recent, ErrorReport, Workspace};
use tokio_util::sync::CancellationToken;

/// State shared by every command of the app.
#[derive(Default)]
pub struct Session {
    /// Workspace given with `--workspace DIR`; otherwise core's usual resolution.
    pub initial: Option<PathBuf>,
    workspace: Mutex<Option<Workspace>>,
    /// The Compose model cache, kept across check runs.
    pub cache: Arc<ModelCache>,
    tasks: Mutex<HashMap<String, CancellationToken>>,
    /// Per environment, what its latest check run offered: the only fixes the page may apply.
    pub offered: Mutex<HashMap<String, Offered>>,
}

impl Session {
    /// Reads `--workspace DIR` (or `--workspace=DIR`) from the command line.
    pub fn from_args(args: impl Iterator<Item = OsString>) -> Self {
        let mut args = args.peekable();
        let mut initial = None;
        while let Some(arg) = args.next() {
            let text = arg.to_string_lossy();
            if text == "--workspace" {
                initial = args.next().map(PathBuf::from);
            } else if let Some(value) = text.strip_prefix("--workspace=") {
                initial = Some(PathBuf::from(value));
            }
        }
        Self { initial, ..Self::default() }
    }

    /// Re-reads a workspace from disk and makes it current.
    fn load(&self, path: Option<&Path>) -> Result<Workspace, ErrorReport> {
        let workspace = Workspace::resolve(path).map_err(|e| ErrorReport::of(&e))?;
        if let Ok(mut slot) = self.workspace.lock() {
            *slot = Some(workspace.clone());
        }
        Ok(workspace)
    }

    /// Opens a workspace and makes it current; one the person chose (`path`, else the
    /// `--workspace` of the launch) becomes the first of the remembered projects, so that
    /// the next launch returns to it.
    pub fn open(&self, path: Option<PathBuf>) -> Result<Workspace, ErrorReport> {
        let chosen = path.as_deref().or(self.initial.as_deref());
        let workspace = self.load(chosen)?;
        if chosen.is_some() {
            if let Err(error) = Recent::remember(&workspace.root) {
                tracing::warn!(%error, "the project list could not be saved");
            }
        }
        Ok(workspace)
    }

    /// The current workspace, re-read from disk so edits are seen (the project list is
    /// not rewritten for that); at first the launch's one, else the project open last,
    /// else the usual resolution.
    pub fn workspace(&self) -> Result<Workspace, ErrorReport> {
        let current = self.workspace.lock().ok().and_then(|w| w.as_ref().map(|w| w.root.clone()));
        if let Some(current) = current {
            return self.load(Some(&current));
        }
        match Recent::load().current.filter(|p| self.initial.is_none() && p.is_dir()) {
            Some(last) => self.load(Some(&last)),
            None => self.open(None),
        }
    }

    /// The current workspace, and the name of one of its environments (validated).
    pub fn environment(&self, env: &str) -> Result<Workspace, ErrorReport> {
        let workspace = self.workspace()?;
        workspace.environment(env).map_err(|e| ErrorReport::of(&e))?;
        Ok(workspace)
    }

    /// Registers a cancellable task under `key`, cancelling one already there.
    pub fn task(&self, key: String) -> CancellationToken {
        let token = CancellationToken::new();
        if let Ok(mut tasks) = self.tasks.lock() {
            if let Some(old) = tasks.insert(key, token.clone()) {
                old.cancel();
            }
        }
        token
    }

    /// Cancels the task under `key`, if any.
    pub fn cancel(&self, key: &str) {
        if let Ok(mut tasks) = self.tasks.lock() {
            if let Some(token) = tasks.remove(key) {
                token.cancel();
            }
        }
    }
}
