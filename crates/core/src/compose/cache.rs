//! The Compose model, cached by a hash of everything that shapes it: in memory, and on
//! disk (`~/.cache/stackpilot/models`, private) so that a new process checking unchanged
//! files skips `docker compose config`. Only models computed with placeholder secrets go
//! to disk, and none whose files read a secret-like variable the shell or an env file sets.

use std::{
    collections::{BTreeMap, HashMap},
    sync::{Arc, Mutex},
};

use sha2::{Digest, Sha256};

use super::{
    config::{config_output, parse_config},
    project::PLACEHOLDER_SECRET,
    variables, ComposeCli, ComposeError, ComposeModel, ComposeVariable, ProjectSpec,
};

type Key = [u8; 32];

/// Resolved models and variable lists, so a re-check after a fix does not pay
/// Compose's start-up again unless a file or variable changed.
#[derive(Default)]
pub struct ModelCache {
    cli: Mutex<Option<ComposeCli>>,
    models: Mutex<HashMap<Key, Arc<ComposeModel>>>,
    variables: Mutex<HashMap<Key, Arc<BTreeMap<String, ComposeVariable>>>>,
}

/// Hash of the project's files (contents), arguments, variables and secret names
/// (never secret values: placeholders or real ones give the same shape).
fn key(spec: &ProjectSpec) -> Key {
    let mut hash = Sha256::new();
    let mut feed = |part: &[u8]| {
        hash.update((part.len() as u64).to_le_bytes());
        hash.update(part);
    };
    feed(spec.name.as_bytes());
    let base = spec.working_dir.clone().unwrap_or_default();
    for file in spec.files.iter().chain(spec.env_files.iter()) {
        feed(file.to_string_lossy().as_bytes());
        match spec.generated.as_ref().filter(|g| &g.path == file) {
            Some(generated) => feed(generated.text.as_bytes()),
            None => feed(&std::fs::read(base.join(file)).unwrap_or_default()),
        }
    }
    for profile in &spec.profiles {
        feed(profile.as_bytes());
    }
    for (name, value) in &spec.variables {
        feed(name.as_bytes());
        feed(value.as_bytes());
    }
    for (name, _) in &spec.secrets {
        feed(name.as_bytes());
    }
    hash.finalize().into()
}

fn remembered<T>(map: &Mutex<HashMap<Key, Arc<T>>>, key: &Key) -> Option<Arc<T>> {
    map.lock().ok().and_then(|m| m.get(key).cloned())
}

fn remember<T>(map: &Mutex<HashMap<Key, Arc<T>>>, key: Key, value: T) -> Arc<T> {
    let value = Arc::new(value);
    if let Ok(mut m) = map.lock() {
        m.insert(key, value.clone());
    }
    value
}

/// What a stored model depends on beyond the key: files named inside the Compose files
/// (`include`, `extends: file:`), each with the hash of its content.
#[derive(serde::Serialize, serde::Deserialize)]
struct Stored {
    /// Files and the hex SHA-256 of their contents when the model was computed.
    deps: Vec<(std::path::PathBuf, String)>,
    /// Compose's output.
    stdout: String,
    /// Compose's warnings (unset variables).
    stderr: String,
}

/// Version of the stored format; part of the key.
const STORED_FORMAT: &[u8] = b"stackpilot-model-cache-1";

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn file_hash(path: &std::path::Path) -> Option<String> {
    std::fs::read(path).ok().map(|b| hex(&Sha256::digest(&b)))
}

/// The texts of the project's Compose files (for the environment's variables and the
/// files they name).
fn texts(spec: &ProjectSpec) -> Vec<(std::path::PathBuf, String)> {
    let base = spec.working_dir.clone().unwrap_or_default();
    spec.files
        .iter()
        .map(|f| {
            let path = base.join(f);
            let text = match spec.generated.as_ref().filter(|g| &g.path == f) {
                Some(generated) => generated.text.clone(),
                None => std::fs::read_to_string(&path).unwrap_or_default(),
            };
            (path, text)
        })
        .collect()
}

/// Files a Compose file names that shape the model: `include` entries and `extends: file:`,
/// followed into those files too (at most 64).
fn named_files(texts: &[(std::path::PathBuf, String)]) -> Vec<std::path::PathBuf> {
    fn walk(value: &serde_yaml::Value, dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>, key: Option<&str>) {
        match value {
            serde_yaml::Value::Mapping(map) => {
                for (k, v) in map {
                    let k = k.as_str();
                    if let (Some("file" | "path"), Some(text)) = (k, v.as_str()) {
                        out.push(dir.join(text));
                    }
                    walk(v, dir, out, k.or(key));
                }
            }
            serde_yaml::Value::Sequence(items) if key == Some("include") || key == Some("path") => {
                for item in items {
                    match item.as_str() {
                        Some(text) => out.push(dir.join(text)),
                        None => walk(item, dir, out, key),
                    }
                }
            }
            serde_yaml::Value::Sequence(items) => items.iter().for_each(|i| walk(i, dir, out, key)),
            _ => {}
        }
    }
    let mut found: Vec<std::path::PathBuf> = Vec::new();
    let mut queue: Vec<(std::path::PathBuf, String)> = texts.to_vec();
    while let Some((path, text)) = queue.pop() {
        let dir = path.parent().map(std::path::Path::to_path_buf).unwrap_or_default();
        let mut named = Vec::new();
        if let Ok(value) = serde_yaml::from_str::<serde_yaml::Value>(&text) {
            walk(&value, &dir, &mut named, None);
        }
        for file in named.into_iter().filter(|f| f.is_file()) {
            if found.len() < 64 && !found.contains(&file) {
                queue.push((file.clone(), std::fs::read_to_string(&file).unwrap_or_default()));
                found.push(file);
            }
        }
    }
    found
}

/// The on-disk key: the in-memory key, Compose's version, and the shell's value of every
/// variable whose name appears in the Compose files (Compose interpolates them).
fn disk_key(key: &Key, cli: &ComposeCli, texts: &[(std::path::PathBuf, String)]) -> Key {
    let mut hash = Sha256::new();
    hash.update(STORED_FORMAT);
    hash.update(key);
    hash.update(cli.version.as_bytes());
    // Compose's own settings (COMPOSE_PROFILES…) and the engine's count too.
    let mut shell: Vec<(String, String)> = std::env::vars()
        .filter(|(name, _)| name.starts_with("COMPOSE_") || name.starts_with("DOCKER_") || texts.iter().any(|(_, text)| text.contains(name.as_str())))
        .collect();
    shell.sort();
    for (name, value) in shell {
        hash.update((name.len() as u64).to_le_bytes());
        hash.update(name.as_bytes());
        hash.update((value.len() as u64).to_le_bytes());
        hash.update(value.as_bytes());
    }
    hash.finalize().into()
}

/// Whether the model of `spec` may be written to disk: computed with placeholder secrets
/// only, and no secret-like variable the files read has a value from the shell or an env
/// file (Compose's model would hold it).
fn storable(spec: &ProjectSpec, texts: &[(std::path::PathBuf, String)]) -> bool {
    if !spec.secrets.iter().all(|(_, v)| v.expose() == PLACEHOLDER_SECRET) {
        return false;
    }
    let read = |name: &str| texts.iter().any(|(_, text)| text.contains(name));
    let from_shell = std::env::vars().any(|(name, _)| crate::adopt::secret_like(&name) && read(&name));
    let from_files = spec
        .env_files
        .iter()
        .flat_map(|f| crate::envfiles::read(f).unwrap_or_default())
        .any(|(name, value)| !value.is_empty() && crate::adopt::secret_like(&name) && read(&name));
    !from_shell && !from_files
}

fn store_dir() -> Option<std::path::PathBuf> {
    crate::paths::app_cache_dir().map(|d| d.join("models"))
}

/// A stored model whose named files are unchanged.
fn load_stored(key: &Key) -> Option<Stored> {
    let path = store_dir()?.join(hex(key));
    let bytes = std::fs::read(path).ok()?;
    let stored: Stored = serde_json::from_slice(&bytes).ok()?;
    stored.deps.iter().all(|(file, hash)| file_hash(file).as_deref() == Some(hash)).then_some(stored)
}

/// Writes a model (0600 in a 0700 folder, atomically); a failure only costs the next run time.
fn store(key: &Key, stored: &Stored) {
    let Some(dir) = store_dir() else { return };
    if crate::paths::private_dir(&dir).is_err() {
        return;
    }
    let Ok(bytes) = serde_json::to_vec(stored) else { return };
    let path = dir.join(hex(key));
    let temp = dir.join(format!(".{}.{}.tmp", hex(key), std::process::id()));
    let written = {
        use std::io::Write as _;
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        options.open(&temp).and_then(|mut f| f.write_all(&bytes))
    };
    if written.is_err() || std::fs::rename(&temp, &path).is_err() {
        let _ = std::fs::remove_file(&temp);
    }
}

impl ModelCache {
    /// Compose, located once and remembered (a failure is not remembered: it may be installed meanwhile).
    pub async fn cli(&self) -> Result<ComposeCli, ComposeError> {
        if let Some(cli) = self.cli.lock().ok().and_then(|c| c.clone()) {
            return Ok(cli);
        }
        let cli = ComposeCli::locate().await?;
        if let Ok(mut slot) = self.cli.lock() {
            *slot = Some(cli.clone());
        }
        Ok(cli)
    }

    /// The model of `spec`, from memory or from disk when its inputs are unchanged.
    pub async fn model(&self, cli: &ComposeCli, spec: &ProjectSpec) -> Result<Arc<ComposeModel>, ComposeError> {
        let key = key(spec);
        if let Some(model) = remembered(&self.models, &key) {
            return Ok(model);
        }
        let texts = texts(spec);
        let storable = storable(spec, &texts);
        let on_disk = storable.then(|| disk_key(&key, cli, &texts));
        if let Some(stored) = on_disk.as_ref().and_then(load_stored) {
            if let Ok(model) = parse_config(spec, stored.stdout.as_bytes(), stored.stderr.as_bytes()) {
                tracing::debug!(project = %spec.label(), "Compose model read from the disk cache");
                return Ok(remember(&self.models, key, model));
            }
        }
        let (stdout, stderr) = config_output(cli, spec).await?;
        let model = parse_config(spec, &stdout, &stderr)?;
        if let Some(disk) = on_disk {
            let deps = named_files(&texts).into_iter().filter_map(|f| file_hash(&f).map(|h| (f, h))).collect();
            let stored = Stored { deps, stdout: String::from_utf8_lossy(&stdout).into_owned(), stderr: String::from_utf8_lossy(&stderr).into_owned() };
            store(&disk, &stored);
        }
        Ok(remember(&self.models, key, model))
    }

    /// The variables `spec`'s files reference, from memory when unchanged.
    pub async fn variables(
        &self,
        cli: &ComposeCli,
        spec: &ProjectSpec,
    ) -> Result<Arc<BTreeMap<String, ComposeVariable>>, ComposeError> {
        let key = key(spec);
        if let Some(found) = remembered(&self.variables, &key) {
            return Ok(found);
        }
        Ok(remember(&self.variables, key, variables(cli, spec).await?))
    }
}
