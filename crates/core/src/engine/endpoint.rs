//! Which engine: the endpoint resolved as the docker CLI resolves it, so that Stackpilot's
//! own requests (bollard) and every `docker compose` child talk to the same engine.
//!
//! Order: the front end's choice (`--context`/`--host`, the app's engine menu), then
//! `DOCKER_HOST`, then `DOCKER_CONTEXT`, then `currentContext` of
//! `$DOCKER_CONFIG/config.json` (default `~/.docker`), then the platform's socket.
//! Contexts come from the docker CLI's store: `contexts/meta/<sha256 of name>/meta.json`,
//! TLS material in `contexts/tls/<sha256 of name>/docker/`.

use std::{
    ffi::OsString,
    path::{Path, PathBuf},
    sync::RwLock,
};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::Diagnostic;

/// The docker CLI's socket when nothing else is said.
pub const DEFAULT_HOST: &str = if cfg!(windows) { "npipe:////./pipe/docker_engine" } else { "unix:///var/run/docker.sock" };

/// What a front end chose, above the environment and the docker CLI's settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Choice {
    /// A context of the docker CLI's store (`default`: the platform's socket or `DOCKER_HOST`).
    Context(String),
    /// An engine URL (`unix://`, `tcp://`, `ssh://`, `npipe://`).
    Host(String),
}

static CHOSEN: RwLock<Option<Choice>> = RwLock::new(None);

/// Sets (or clears) the front end's choice for this process.
pub fn choose(choice: Option<Choice>) {
    if let Ok(mut chosen) = CHOSEN.write() {
        *chosen = choice;
    }
}

/// The front end's choice, if any.
pub fn chosen() -> Option<Choice> {
    CHOSEN.read().ok().and_then(|c| c.clone())
}

/// Where the endpoint came from, for people.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Source {
    /// `--context`/`--host` or the app's engine menu.
    Chosen,
    /// `DOCKER_HOST`.
    DockerHost,
    /// `DOCKER_CONTEXT`.
    DockerContext,
    /// `currentContext` of the docker CLI's config.json.
    ConfigFile,
    /// Nothing said: the platform's socket.
    Default,
}

impl Source {
    /// `DOCKER_HOST`, `the docker CLI's current context`…
    pub fn describe(self) -> &'static str {
        match self {
            Self::Chosen => "chosen in Stackpilot",
            Self::DockerHost => "DOCKER_HOST",
            Self::DockerContext => "DOCKER_CONTEXT",
            Self::ConfigFile => "the docker CLI's current context",
            Self::Default => "the platform's default socket",
        }
    }
}

/// TLS material of an endpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Tls {
    /// Folder with `ca.pem`, `cert.pem`, `key.pem`.
    pub dir: PathBuf,
    /// Whether the server's certificate is verified.
    pub verify: bool,
}

/// The engine to talk to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Endpoint {
    /// The docker CLI context it comes from (`default` when none).
    pub context: String,
    /// The engine's URL.
    pub host: String,
    /// TLS settings for a `tcp://` engine.
    pub tls: Option<Tls>,
    /// Where it was decided.
    pub source: Source,
}

/// A context of the docker CLI's store, for a menu.
#[derive(Debug, Clone, Serialize)]
pub struct ContextEntry {
    /// Its name.
    pub name: String,
    /// Its engine URL.
    pub host: String,
    /// Its description.
    pub description: String,
    /// Whether it is the one Stackpilot uses now.
    pub current: bool,
}

/// Why the endpoint could not be resolved.
#[derive(Debug, thiserror::Error)]
pub enum EndpointError {
    /// No such context in the store.
    #[error("there is no Docker context `{name}` (the docker CLI's contexts are in {store})")]
    UnknownContext {
        /// The name asked for.
        name: String,
        /// The store folder.
        store: PathBuf,
    },
    /// A context's meta file cannot be read.
    #[error("the Docker context `{name}` cannot be read from {file}: {detail}")]
    BrokenContext {
        /// The context.
        name: String,
        /// Its meta.json.
        file: PathBuf,
        /// What is wrong.
        detail: String,
    },
    /// A URL scheme that is not an engine's.
    #[error("`{host}` is not a Docker engine address (from {source_name})")]
    UnsupportedHost {
        /// The URL.
        host: String,
        /// Where it came from.
        source_name: &'static str,
    },
}

impl Diagnostic for EndpointError {
    fn code(&self) -> crate::Code {
        match self {
            Self::UnknownContext { .. } => crate::Code::UnknownContext,
            Self::BrokenContext { .. } => crate::Code::BrokenContext,
            Self::UnsupportedHost { .. } => crate::Code::UnsupportedHost,
        }
    }

    fn hint(&self) -> Option<String> {
        Some(match self {
            Self::UnknownContext { .. } => "list the contexts with `docker context ls`, or create it with `docker context create NAME --docker host=URL`".into(),
            Self::BrokenContext { name, .. } => format!("recreate it: `docker context rm {name}` then `docker context create {name} --docker host=URL`"),
            Self::UnsupportedHost { .. } => "use unix:///path/to/docker.sock, tcp://HOST:PORT, ssh://USER@HOST or npipe:// (Windows)".into(),
        })
    }
}

/// The docker CLI's configuration folder: `$DOCKER_CONFIG`, else `~/.docker`.
pub fn config_dir() -> Option<PathBuf> {
    std::env::var_os("DOCKER_CONFIG")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os(if cfg!(windows) { "USERPROFILE" } else { "HOME" }).map(|h| PathBuf::from(h).join(".docker")))
}

fn digest(name: &str) -> String {
    Sha256::digest(name.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

fn env(key: &str) -> Option<String> {
    std::env::var(key).ok().filter(|v| !v.is_empty())
}

fn check_scheme(host: &str, source: Source) -> Result<(), EndpointError> {
    let known = ["unix://", "tcp://", "http://", "https://", "ssh://", "npipe://"];
    if known.iter().any(|s| host.starts_with(s)) && host.len() > host.find("://").map_or(0, |i| i + 3) {
        Ok(())
    } else {
        Err(EndpointError::UnsupportedHost { host: host.to_owned(), source_name: source.describe() })
    }
}

/// `DOCKER_TLS_VERIFY`/`DOCKER_CERT_PATH` for an engine given by URL.
fn tls_from_env(host: &str) -> Option<Tls> {
    let verify = env("DOCKER_TLS_VERIFY").is_some();
    let dir = env("DOCKER_CERT_PATH").map(PathBuf::from).or_else(config_dir)?;
    (host.starts_with("tcp://") || host.starts_with("https://")).then_some(())?;
    (verify || dir.join("cert.pem").is_file() && env("DOCKER_CERT_PATH").is_some()).then_some(Tls { dir, verify })
}

/// The meta.json of a context.
#[derive(serde::Deserialize)]
struct Meta {
    #[serde(rename = "Name")]
    name: String,
    #[serde(rename = "Metadata", default)]
    metadata: serde_json::Value,
    #[serde(rename = "Endpoints", default)]
    endpoints: std::collections::BTreeMap<String, MetaEndpoint>,
}

#[derive(serde::Deserialize)]
struct MetaEndpoint {
    #[serde(rename = "Host", default)]
    host: String,
    #[serde(rename = "SkipTLSVerify", default)]
    skip_tls_verify: bool,
}

fn read_meta(file: &Path, name: &str) -> Result<Meta, EndpointError> {
    let broken = |detail: String| EndpointError::BrokenContext { name: name.to_owned(), file: file.to_path_buf(), detail };
    let bytes = std::fs::read(file).map_err(|e| broken(e.to_string()))?;
    if bytes.len() > 1 << 20 {
        return Err(broken("larger than 1 MiB".into()));
    }
    serde_json::from_slice(&bytes).map_err(|e| broken(e.to_string()))
}

/// The endpoint of a context of the store (`default`: `DOCKER_HOST` or the platform's socket).
pub fn context(name: &str, source: Source) -> Result<Endpoint, EndpointError> {
    if name == "default" {
        let host = env("DOCKER_HOST").unwrap_or_else(|| DEFAULT_HOST.to_owned());
        check_scheme(&host, Source::DockerHost)?;
        return Ok(Endpoint { context: "default".into(), tls: tls_from_env(&host), host, source });
    }
    let store = config_dir().unwrap_or_default().join("contexts");
    let id = digest(name);
    let file = store.join("meta").join(&id).join("meta.json");
    if !file.exists() {
        return Err(EndpointError::UnknownContext { name: name.to_owned(), store });
    }
    let meta = read_meta(&file, name)?;
    let docker = meta.endpoints.get("docker").filter(|e| !e.host.is_empty()).ok_or_else(|| EndpointError::BrokenContext {
        name: name.to_owned(),
        file: file.clone(),
        detail: "it has no docker endpoint".into(),
    })?;
    check_scheme(&docker.host, source)?;
    let tls_dir = store.join("tls").join(&id).join("docker");
    let tls = tls_dir.is_dir().then(|| Tls { dir: tls_dir, verify: !docker.skip_tls_verify });
    Ok(Endpoint { context: meta.name, host: docker.host.clone(), tls, source })
}

/// The current context's name as the docker CLI decides it, without a front end's choice:
/// `default` when `DOCKER_HOST` is set, else `DOCKER_CONTEXT`, else config.json, else `default`.
fn current_context() -> (String, Source) {
    if env("DOCKER_HOST").is_some() {
        return ("default".into(), Source::DockerHost);
    }
    if let Some(name) = env("DOCKER_CONTEXT") {
        return (name, Source::DockerContext);
    }
    let configured = config_dir()
        .and_then(|d| std::fs::read(d.join("config.json")).ok())
        .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
        .and_then(|v| v.get("currentContext").and_then(|c| c.as_str()).map(str::to_owned))
        .filter(|c| !c.is_empty());
    match configured {
        Some(name) => (name, Source::ConfigFile),
        None => ("default".into(), Source::Default),
    }
}

/// The endpoint Stackpilot uses now.
pub fn resolve() -> Result<Endpoint, EndpointError> {
    match chosen() {
        Some(Choice::Host(host)) => {
            check_scheme(&host, Source::Chosen)?;
            Ok(Endpoint { context: "default".into(), tls: tls_from_env(&host), host, source: Source::Chosen })
        }
        Some(Choice::Context(name)) => context(&name, Source::Chosen),
        None => {
            let (name, source) = current_context();
            context(&name, source)
        }
    }
}

/// Every context of the store, `default` first, marking the one in use.
pub fn contexts() -> Vec<ContextEntry> {
    let current = resolve().map(|e| e.context).unwrap_or_default();
    let default_host = env("DOCKER_HOST").unwrap_or_else(|| DEFAULT_HOST.to_owned());
    let mut out = vec![ContextEntry {
        name: "default".into(),
        host: default_host,
        description: "the platform's socket, or DOCKER_HOST".into(),
        current: current == "default",
    }];
    let meta = config_dir().unwrap_or_default().join("contexts").join("meta");
    let mut found: Vec<ContextEntry> = std::fs::read_dir(meta)
        .map(|d| d.flatten().collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .filter_map(|entry| {
            let meta = read_meta(&entry.path().join("meta.json"), "?").ok()?;
            let host = meta.endpoints.get("docker").map(|e| e.host.clone()).unwrap_or_default();
            let description = meta.metadata.get("Description").and_then(|d| d.as_str()).unwrap_or_default().to_owned();
            Some(ContextEntry { current: current == meta.name, name: meta.name, host, description })
        })
        .collect();
    found.sort_by(|a, b| a.name.cmp(&b.name));
    out.extend(found);
    out
}

impl Endpoint {
    /// The environment a `docker` or `docker compose` child gets so it talks to this
    /// engine: `DOCKER_CONTEXT` for a stored context (its TLS settings come with it),
    /// else `DOCKER_HOST` (with `DOCKER_TLS_VERIFY`/`DOCKER_CERT_PATH`); the other unset.
    pub fn child_env(&self) -> Vec<(&'static str, Option<OsString>)> {
        if self.context != "default" {
            return vec![("DOCKER_CONTEXT", Some(self.context.clone().into())), ("DOCKER_HOST", None)];
        }
        let mut env = vec![("DOCKER_HOST", Some(self.host.clone().into())), ("DOCKER_CONTEXT", None)];
        if let Some(tls) = &self.tls {
            env.push(("DOCKER_CERT_PATH", Some(tls.dir.clone().into_os_string())));
            env.push(("DOCKER_TLS_VERIFY", tls.verify.then(|| "1".into())));
        }
        env
    }

    /// Whether the engine is reached through this machine's own socket or loopback (it
    /// may still run in a VM: see [`crate::engine::Locality`]).
    pub fn is_on_this_host(&self) -> bool {
        self.host.starts_with("unix://") || self.host.starts_with("npipe://") || self.remote_host().is_some_and(|h| is_loopback(&h))
    }

    /// The host name of a `tcp://` or `ssh://` engine, for URLs of published ports.
    pub fn remote_host(&self) -> Option<String> {
        let rest = self.host.split_once("://").filter(|(s, _)| ["tcp", "ssh", "http", "https"].contains(s))?.1;
        let authority = rest.split('/').next().unwrap_or(rest);
        let authority = authority.rsplit_once('@').map_or(authority, |(_, host)| host);
        let host = if let Some(v6) = authority.strip_prefix('[') {
            v6.split(']').next().unwrap_or(v6).to_owned()
        } else {
            authority.rsplit_once(':').map_or(authority, |(h, _)| h).to_owned()
        };
        (!host.is_empty()).then_some(host)
    }

    /// Where the engine's published ports are reached from this machine: `localhost`, or
    /// a remote engine's host name.
    pub fn published_host(&self) -> String {
        match self.remote_host() {
            Some(host) if !self.is_on_this_host() => host,
            _ => "localhost".into(),
        }
    }

    /// `desktop-linux (unix:///…)`, `default (unix:///var/run/docker.sock)`.
    pub fn label(&self) -> String {
        format!("{} ({})", self.context, self.host)
    }
}

fn is_loopback(host: &str) -> bool {
    host == "localhost" || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn endpoint(host: &str) -> Endpoint {
        Endpoint { context: "default".into(), host: host.into(), tls: None, source: Source::Default }
    }

    #[test]
    fn remote_hosts_are_read_from_urls() {
        assert_eq!(endpoint("ssh://me@gpu-box.lan:2222").remote_host().as_deref(), Some("gpu-box.lan"));
        assert_eq!(endpoint("tcp://10.0.0.5:2376").remote_host().as_deref(), Some("10.0.0.5"));
        assert_eq!(endpoint("tcp://[::1]:2375").remote_host().as_deref(), Some("::1"));
        assert_eq!(endpoint("unix:///run/docker.sock").remote_host(), None);
        assert!(endpoint("tcp://127.0.0.1:2375").is_on_this_host());
        assert!(!endpoint("ssh://gpu-box").is_on_this_host());
    }

    #[test]
    fn context_ids_are_the_docker_clis() {
        // `docker context create remote` stores it under sha256("remote").
        assert_eq!(digest("remote"), "b71199ebd070b36beab7317920c2c2f1d777df8d05e5527d8458fda57cb17a7a");
    }

    #[test]
    fn odd_schemes_are_refused() {
        assert!(check_scheme("unix:///var/run/docker.sock", Source::Default).is_ok());
        assert!(check_scheme("ftp://x", Source::DockerHost).is_err());
        assert!(check_scheme("tcp://", Source::DockerHost).is_err());
    }
}
