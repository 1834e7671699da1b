//! The Compose model, cached in memory by a hash of everything that shapes it.

use std::{
    collections::{BTreeMap, HashMap},
    sync::{Arc, Mutex},
};

use sha2::{Digest, Sha256};

use super::{config, variables, ComposeCli, ComposeError, ComposeModel, ComposeVariable, ProjectSpec};

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
    for file in spec.files.iter().chain(spec.env_files.iter()) {
        feed(file.to_string_lossy().as_bytes());
        match spec.generated.as_ref().filter(|g| &g.path == file) {
            Some(generated) => feed(generated.text.as_bytes()),
            None => feed(&std::fs::read(file).unwrap_or_default()),
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

    /// The model of `spec`, from memory when its inputs are unchanged.
    pub async fn model(&self, cli: &ComposeCli, spec: &ProjectSpec) -> Result<Arc<ComposeModel>, ComposeError> {
        let key = key(spec);
        if let Some(model) = remembered(&self.models, &key) {
            return Ok(model);
        }
        Ok(remember(&self.models, key, config(cli, spec).await?))
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
