//! The one place that builds Compose command lines.

use std::{path::PathBuf, process::Stdio};

use tokio::process::Command;

use super::ComposeError;

/// A located Compose v2: `docker compose` or a standalone `docker-compose`.
#[derive(Debug, Clone)]
pub struct ComposeCli {
    program: PathBuf,
    prefix: Vec<String>,
    /// Version as Compose prints it, e.g. `2.40.3`.
    pub version: String,
}

impl ComposeCli {
    /// Finds Compose v2: the Docker CLI plugin's binary run directly (saves the
    /// `docker` wrapper's start-up on every call), else `docker-compose`, else `docker compose`.
    pub async fn locate() -> Result<Self, ComposeError> {
        let mut candidates: Vec<(PathBuf, Vec<String>)> =
            plugin_dirs().into_iter().map(|d| (d.join("docker-compose"), vec![])).filter(|(p, _)| p.is_file()).collect();
        candidates.push((PathBuf::from("docker-compose"), vec![]));
        candidates.push((PathBuf::from("docker"), vec!["compose".to_owned()]));
        let mut version1 = None;
        for (program, prefix) in candidates {
            let mut cli = Self { program, prefix, version: String::new() };
            // A plugin binary seen before (same file: path, size, time, inode) has the same version.
            let fingerprint = fingerprint(&cli.program);
            if let Some(version) = fingerprint.as_deref().and_then(remembered_version) {
                cli.version = version;
                return Ok(cli);
            }
            let Ok(output) = cli.command().args(["version", "--short"]).output().await else { continue };
            if !output.status.success() {
                continue;
            }
            let version = String::from_utf8_lossy(&output.stdout).trim().trim_start_matches('v').to_owned();
            let major = version.split('.').next().and_then(|m| m.parse::<u32>().ok());
            match major {
                Some(m) if m >= 2 => {
                    if let Some(fingerprint) = fingerprint {
                        remember_version(&fingerprint, &version);
                    }
                    cli.version = version;
                    return Ok(cli);
                }
                _ => version1 = Some(version),
            }
        }
        Err(match version1 {
            Some(version) => ComposeError::Version1 { version },
            None => ComposeError::Missing,
        })
    }

    /// A Compose command: fixed locale, no stdin, killed if dropped. Commands that reach
    /// the engine are built by [`ProjectSpec::command`](super::ProjectSpec::command), which
    /// points them at Stackpilot's endpoint.
    pub fn command(&self) -> Command {
        let mut command = Command::new(&self.program);
        command
            .args(&self.prefix)
            .env("LC_ALL", "C")
            .env("COMPOSE_ANSI", "never")
            .env("COMPOSE_STATUS_STDOUT", "0")
            .stdin(Stdio::null())
            .kill_on_drop(true);
        command
    }

    /// The program run, for messages.
    pub fn program(&self) -> &PathBuf {
        &self.program
    }
}

/// `path:size:mtime:inode` of an absolute program file (none for one found on PATH).
pub(crate) fn fingerprint(program: &std::path::Path) -> Option<String> {
    if !program.is_absolute() {
        return None;
    }
    let meta = std::fs::metadata(program).ok()?;
    let modified = meta.modified().ok()?.duration_since(std::time::UNIX_EPOCH).ok()?.as_nanos();
    #[cfg(unix)]
    let inode = std::os::unix::fs::MetadataExt::ino(&meta);
    #[cfg(not(unix))]
    let inode = 0;
    Some(format!("{}:{}:{modified}:{inode}", program.display(), meta.len()))
}

fn versions_file() -> Option<PathBuf> {
    crate::paths::app_cache_dir().map(|d| d.join("compose-versions.json"))
}

pub(crate) fn remembered_version(fingerprint: &str) -> Option<String> {
    let bytes = std::fs::read(versions_file()?).ok()?;
    let known: std::collections::BTreeMap<String, String> = serde_json::from_slice(&bytes).ok()?;
    known.get(fingerprint).cloned()
}

/// Remembers a plugin's version (a handful of entries; written atomically).
pub(crate) fn remember_version(fingerprint: &str, version: &str) {
    let Some(file) = versions_file() else { return };
    let Some(dir) = file.parent() else { return };
    if crate::paths::private_dir(dir).is_err() {
        return;
    }
    let mut known: std::collections::BTreeMap<String, String> =
        std::fs::read(&file).ok().and_then(|b| serde_json::from_slice(&b).ok()).unwrap_or_default();
    if known.len() > 16 {
        known.clear();
    }
    known.insert(fingerprint.to_owned(), version.to_owned());
    let temp = file.with_extension(format!("json.{}.tmp", std::process::id()));
    if serde_json::to_vec(&known).ok().and_then(|b| std::fs::write(&temp, b).ok()).is_some() && std::fs::rename(&temp, &file).is_err() {
        let _ = std::fs::remove_file(&temp);
    }
}

/// Where the Docker CLI looks for plugins, in its order.
fn plugin_dirs() -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    if let Some(config) = std::env::var_os("DOCKER_CONFIG") {
        dirs.push(PathBuf::from(config).join("cli-plugins"));
    } else if let Some(home) = std::env::var_os("HOME") {
        dirs.push(PathBuf::from(home).join(".docker/cli-plugins"));
    }
    for dir in [
        "/usr/local/lib/docker/cli-plugins",
        "/usr/local/libexec/docker/cli-plugins",
        "/usr/lib/docker/cli-plugins",
        "/usr/libexec/docker/cli-plugins",
    ] {
        dirs.push(PathBuf::from(dir));
    }
    dirs
}
