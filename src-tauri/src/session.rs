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

/// A live task of the page, by what it does and for which environment: how the page
/// cancels it (`cancel_task({kind: "logs", env: "dev"})`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Deserialize)]
pub struct Task {
    /// What it does.
    pub kind: TaskKind,
    /// Its environment.
    pub env: String,
}

/// The kinds of live tasks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskKind {
    /// A start, until it is ready or fails.
    Start,
    /// A log follow.
    Logs,
    /// A stats stream.
    Stats,
    /// The watch of the environment's containers.
    Watch,
}

impl Task {
    /// The task `kind` of `env`.
    pub fn of(kind: TaskKind, env: &str) -> Self {
        Self { kind, env: env.to_owned() }
    }
}

/// What a launch's command line asks for: the folder to open (`--workspace DIR`, or the
/// folder itself as an argument, as a file manager or a second launch passes it) and the
/// engine (`--context NAME`, `--host URL`, as the CLI has them; each also as `--flag=VALUE`).
#[derive(Debug, Default, PartialEq)]
pub struct LaunchArgs {
    /// The folder to open.
    pub workspace: Option<PathBuf>,
    /// The engine to use.
    pub engine: Option<stackpilot_core::engine::endpoint::Choice>,
}

impl LaunchArgs {
    /// Reads the arguments after the program's name; what it does not know is ignored.
    pub fn parse(args: impl Iterator<Item = OsString>) -> Self {
        use stackpilot_core::engine::endpoint::Choice;
        let mut args = args.peekable();
        let mut launch = Self::default();
        while let Some(arg) = args.next() {
            let text = arg.to_string_lossy().into_owned();
            let (flag, inline) = match text.split_once('=') {
                Some((flag, value)) if flag.starts_with("--") => (flag.to_owned(), Some(value.to_owned())),
                _ => (text, None),
            };
            let mut value = || inline.clone().or_else(|| args.next().map(|v| v.to_string_lossy().into_owned()));
            match flag.as_str() {
                "--workspace" => launch.workspace = value().map(PathBuf::from),
                "--context" | "-c" => launch.engine = value().map(Choice::Context),
                "--host" | "-H" => launch.engine = value().map(Choice::Host),
                folder if !folder.starts_with('-') && !folder.is_empty() => launch.workspace = Some(PathBuf::from(folder)),
                _ => {}
            }
        }
        launch
    }
}

/// State shared by every command of the app.
#[derive(Default)]
pub struct Session {
    /// Workspace given with `--workspace DIR`; otherwise core's usual resolution.
    pub initial: Option<PathBuf>,
    workspace: Mutex<Option<Workspace>>,
    /// The Compose model cache, kept across check runs.
    pub cache: Arc<ModelCache>,
    tasks: Mutex<HashMap<Task, CancellationToken>>,
    /// Per environment, what its latest check run offered: the only fixes the page may apply.
    pub offered: Mutex<HashMap<String, Offered>>,
}

impl Session {
    /// Reads the launch's command line ([`LaunchArgs`]) and uses the engine given there, else
    /// the one chosen in the app last time while it still resolves.
    pub fn from_args(args: impl Iterator<Item = OsString>) -> Self {
        use stackpilot_core::engine::endpoint::{choose, resolve};
        let LaunchArgs { workspace, engine } = LaunchArgs::parse(args);
        if let Some(given) = engine {
            choose(Some(given));
        } else if let Some(remembered) = Recent::load().engine {
            choose(Some(remembered.clone()));
            if let Err(error) = resolve() {
                tracing::warn!(%error, ?remembered, "the engine chosen last time is not usable; using the docker CLI's");
                choose(None);
            }
        }
        Self { initial: workspace, ..Self::default() }
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

    /// Registers a cancellable task, cancelling the same one already running.
    pub fn task(&self, task: Task) -> CancellationToken {
        let token = CancellationToken::new();
        if let Ok(mut tasks) = self.tasks.lock() {
            if let Some(old) = tasks.insert(task, token.clone()) {
                old.cancel();
            }
        }
        token
    }

    /// Cancels `task`, if it runs.
    pub fn cancel(&self, task: &Task) {
        if let Ok(mut tasks) = self.tasks.lock() {
            if let Some(token) = tasks.remove(task) {
                token.cancel();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use stackpilot_core::engine::endpoint::Choice;

    fn parse(args: &[&str]) -> LaunchArgs {
        LaunchArgs::parse(args.iter().map(OsString::from))
    }

    #[test]
    fn a_launch_reads_the_folder_given_either_way_and_the_engine() {
        assert_eq!(parse(&["--workspace", "/p"]).workspace, Some(PathBuf::from("/p")));
        assert_eq!(parse(&["--workspace=/p"]).workspace, Some(PathBuf::from("/p")));
        assert_eq!(parse(&["/srv/shop"]).workspace, Some(PathBuf::from("/srv/shop")));
        let both = parse(&["--context", "remote", "shop"]);
        assert_eq!((both.workspace, both.engine), (Some(PathBuf::from("shop")), Some(Choice::Context("remote".into()))));
        assert_eq!(parse(&["-H", "tcp://h:2375"]).engine, Some(Choice::Host("tcp://h:2375".into())));
        assert_eq!(parse(&["--unknown-flag"]), LaunchArgs::default());
    }
}
