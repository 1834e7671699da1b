//! Secret operations over the keychain and the names-only manifest.
//!
//! Keychain entries are named for people browsing their keychain: service
//! `stackpilot:<project>:<env>` (or `stackpilot:<project>:shared`), account = the secret's name.
//! Every call blocks (an unlock prompt may appear): keep them off UI threads.

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::{
    generate::generate,
    manifest::{Manifest, Times},
    redact, Keychain, KeychainError, Sensitive,
};
use crate::{
    schema::{SecretRule, SecretScope},
    time::now,
    Diagnostic, Workspace,
};

/// Why a secret operation failed. Messages never contain secret values.
#[derive(Debug, thiserror::Error)]
pub enum SecretsError {
    /// The environment is not in the workspace.
    #[error(transparent)]
    Workspace(#[from] crate::workspace::WorkspaceError),
    /// The keychain is missing, locked or refused.
    #[error(transparent)]
    Keychain(#[from] KeychainError),
    /// The manifest could not be read or written.
    #[error("the secrets manifest {} cannot be used: {detail}", path.display())]
    Manifest {
        /// The manifest file.
        path: PathBuf,
        /// What went wrong.
        detail: String,
    },
    /// No home or data folder to keep the manifest in.
    #[error("no data folder for the secrets manifest (HOME is not set)")]
    NoDataDir,
    /// The environment does not use that secret.
    #[error("`{name}` is not a secret of environment {env}")]
    Unknown {
        /// The name asked for.
        name: String,
        /// The environment.
        env: String,
        /// The secrets it uses.
        known: Vec<String>,
    },
    /// Secrets the environment needs are not in the keychain.
    #[error("{} secret(s) of {env} are not in the keychain: {}", names.len(), names.join(", "))]
    Missing {
        /// The environment.
        env: String,
        /// The missing names.
        names: Vec<String>,
    },
    /// An import file could not be used.
    #[error("cannot import {}: {detail}", path.display())]
    Import {
        /// The file.
        path: PathBuf,
        /// What is wrong with it (never a value).
        detail: String,
    },
    /// A value read back differs from the one stored.
    #[error("the keychain did not give back what was stored for {name}; nothing was deleted")]
    Verify {
        /// The secret.
        name: String,
    },
}

impl Diagnostic for SecretsError {
    fn code(&self) -> crate::Code {
        match self {
            Self::Keychain(e) => e.code(),
            Self::Workspace(e) => e.code(),
            Self::Manifest { .. } | Self::NoDataDir => crate::Code::SecretsManifest,
            Self::Unknown { .. } => crate::Code::UnknownSecret,
            Self::Missing { .. } => crate::Code::SecretsMissing,
            Self::Import { .. } => crate::Code::ImportFailed,
            Self::Verify { .. } => crate::Code::KeychainFailed,
        }
    }

    fn hint(&self) -> Option<String> {
        match self {
            Self::Keychain(e) => e.hint(),
            Self::Workspace(e) => e.hint(),
            Self::Manifest { path, .. } => Some(format!(
                "the manifest holds names only; if it is damaged, move {} away and run `stackpilot secrets generate ENV` to rebuild it from the keychain",
                path.display()
            )),
            Self::NoDataDir => Some("set HOME or XDG_DATA_HOME".into()),
            Self::Unknown { known, .. } => Some(format!("its secrets are: {}", known.join(", "))),
            Self::Missing { env, .. } => Some(format!("run `stackpilot secrets generate {env}` (or import them)")),
            Self::Import { .. } => Some("the file must be a JSON object of NAME: value, or KEY=value lines".into()),
            Self::Verify { .. } => Some("check your keychain program; the plaintext file was kept".into()),
        }
    }
}

/// One secret as `secrets status` shows it: never its value.
#[derive(Debug, Clone, Serialize)]
pub struct SecretStatus {
    /// Variable name.
    pub name: String,
    /// `environment` or `shared`.
    pub scope: SecretScope,
    /// Keychain service it is stored under.
    pub service: String,
    /// Whether it has been stored.
    pub present: bool,
    /// When it was stored.
    pub created: Option<u64>,
    /// When it was last rotated.
    pub rotated: Option<u64>,
    /// What it is for.
    pub description: Option<String>,
}

/// What `generate` did for one secret.
#[derive(Debug, Clone, Serialize)]
pub struct Generated {
    /// Variable name.
    pub name: String,
    /// `true`: a value already in the keychain was kept and recorded, not replaced.
    pub adopted: bool,
}

/// What `import` did.
#[derive(Debug, Clone, Serialize)]
pub struct ImportReport {
    /// Secrets stored and read back identical.
    pub stored: Vec<String>,
    /// Keys in the file that are not secrets of the environment (left alone).
    pub ignored: Vec<String>,
}

/// The secrets of one workspace's project.
pub struct SecretStore<'a> {
    workspace: &'a Workspace,
    /// Opened with the store; a keychain that cannot be reached fails only the calls
    /// that need values (the names-only manifest still answers `status`).
    keychain: Result<Keychain, KeychainError>,
    manifest_path: PathBuf,
}

impl<'a> SecretStore<'a> {
    /// Opens the keychain for a workspace; fails with the cause when there is none.
    pub fn open(workspace: &'a Workspace) -> Result<Self, SecretsError> {
        let dir = crate::paths::app_data_dir().ok_or(SecretsError::NoDataDir)?;
        let manifest_path = dir.join("secrets").join(format!("{}.json", workspace.schema.project));
        Ok(Self { workspace, keychain: Keychain::open(), manifest_path })
    }

    /// Why the keychain cannot be reached, when it cannot.
    pub fn keychain_problem(&self) -> Option<&KeychainError> {
        self.keychain.as_ref().err()
    }

    /// The keychain, or why it cannot be reached (the manifest works without it).
    fn keychain(&self) -> Result<&Keychain, KeychainError> {
        self.keychain.as_ref().map_err(Clone::clone)
    }

    /// Where the names-only manifest is kept.
    pub fn manifest_path(&self) -> &Path {
        &self.manifest_path
    }

    fn rules(&self, env: &str) -> Result<Vec<(String, &'a SecretRule)>, SecretsError> {
        let environment = self.workspace.environment(env)?;
        let schema = &self.workspace.schema;
        Ok(schema
            .secret_names(environment)
            .into_iter()
            .filter_map(|name| schema.secrets.get(name).map(|rule| (name.to_owned(), rule)))
            .collect())
    }

    fn scope_key(env: &str, name: &str, rule: &SecretRule) -> String {
        match rule.scope {
            SecretScope::Shared => format!("shared/{name}"),
            SecretScope::Environment => format!("{env}/{name}"),
        }
    }

    /// The keychain service a secret of `env` is stored under.
    pub fn service(&self, env: &str, rule: &SecretRule) -> String {
        let scope = match rule.scope {
            SecretScope::Shared => "shared",
            SecretScope::Environment => env,
        };
        format!("stackpilot:{}:{scope}", self.workspace.schema.project)
    }

    fn rule_for(&self, env: &str, name: &str) -> Result<&'a SecretRule, SecretsError> {
        let rules = self.rules(env)?;
        rules.iter().find(|(n, _)| n == name).map(|(_, r)| *r).ok_or_else(|| SecretsError::Unknown {
            name: name.to_owned(),
            env: env.to_owned(),
            known: rules.iter().map(|(n, _)| n.clone()).collect(),
        })
    }

    /// Which secrets the environment uses and whether they exist, from the manifest (no value is read).
    pub fn status(&self, env: &str) -> Result<Vec<SecretStatus>, SecretsError> {
        let manifest = Manifest::load(&self.manifest_path)?;
        Ok(self
            .rules(env)?
            .into_iter()
            .map(|(name, rule)| {
                let times = manifest.secrets.get(&Self::scope_key(env, &name, rule));
                SecretStatus {
                    service: self.service(env, rule),
                    present: times.is_some(),
                    created: times.map(|t| t.created),
                    rotated: times.and_then(|t| t.rotated),
                    scope: rule.scope,
                    description: rule.description.clone(),
                    name,
                }
            })
            .collect())
    }

    /// Generates every secret the environment lacks. A value already in the keychain
    /// (but not in the manifest) is kept and recorded, never overwritten.
    pub fn generate_missing(&self, env: &str) -> Result<Vec<Generated>, SecretsError> {
        let mut manifest = Manifest::load(&self.manifest_path)?;
        let mut done = Vec::new();
        for (name, rule) in self.rules(env)? {
            let key = Self::scope_key(env, &name, rule);
            let service = self.service(env, rule);
            // Recorded and in the keychain: nothing to do. Recorded but gone from the
            // keychain (removed outside Stackpilot): generated again.
            if manifest.secrets.contains_key(&key) && self.keychain()?.get(&service, &name)?.is_some() {
                continue;
            }
            let adopted = match self.keychain()?.get(&service, &name)? {
                Some(existing) => {
                    redact::remember(&existing);
                    true
                }
                None => {
                    self.keychain()?.set(&service, &name, &self.new_value(&name, rule)?)?;
                    false
                }
            };
            manifest.secrets.insert(key, Times { created: now(), rotated: None });
            manifest.save(&self.manifest_path)?;
            done.push(Generated { name, adopted });
        }
        Ok(done)
    }

    /// Replaces the values of `names` (all of the environment's secrets when empty) with new ones.
    pub fn rotate(&self, env: &str, names: &[String]) -> Result<Vec<String>, SecretsError> {
        let mut manifest = Manifest::load(&self.manifest_path)?;
        let targets: Vec<(String, &SecretRule)> = if names.is_empty() {
            self.rules(env)?
        } else {
            names.iter().map(|n| Ok((n.clone(), self.rule_for(env, n)?))).collect::<Result<_, SecretsError>>()?
        };
        let mut rotated = Vec::new();
        for (name, rule) in targets {
            self.keychain()?.set(&self.service(env, rule), &name, &self.new_value(&name, rule)?)?;
            let entry = manifest.secrets.entry(Self::scope_key(env, &name, rule)).or_insert(Times { created: now(), rotated: None });
            entry.rotated = Some(now());
            manifest.save(&self.manifest_path)?;
            rotated.push(name);
        }
        Ok(rotated)
    }

    /// A fresh value for a secret's rule (remembered for redaction).
    fn new_value(&self, name: &str, rule: &SecretRule) -> Result<Sensitive<String>, SecretsError> {
        let format = rule.format().map_err(|reason| SecretsError::Import {
            path: self.workspace.schema_path.clone(),
            detail: format!("rule of {name}: {reason}"),
        })?;
        let value = generate(&format, rule.prefix.as_deref());
        redact::remember(&value);
        Ok(value)
    }

    /// The value of one secret, on explicit request.
    pub fn reveal(&self, env: &str, name: &str) -> Result<Sensitive<String>, SecretsError> {
        let rule = self.rule_for(env, name)?;
        let value = self
            .keychain()?
            .get(&self.service(env, rule), name)?
            .ok_or_else(|| SecretsError::Missing { env: env.to_owned(), names: vec![name.to_owned()] })?;
        redact::remember(&value);
        Ok(value)
    }

    /// The secrets the manifest records but the keychain does not hold (deleted there,
    /// or another machine's manifest); reading them also remembers them for redaction.
    pub fn missing_values(&self, env: &str) -> Result<Vec<String>, SecretsError> {
        let manifest = Manifest::load(&self.manifest_path)?;
        let mut missing = Vec::new();
        for (name, rule) in self.rules(env)? {
            if !manifest.secrets.contains_key(&Self::scope_key(env, &name, rule)) {
                continue;
            }
            match self.keychain()?.get(&self.service(env, rule), &name)? {
                Some(value) => redact::remember(&value),
                None => missing.push(name),
            }
        }
        Ok(missing)
    }

    /// Remembers the values of the environment's secrets that exist, so that text from
    /// its containers (logs, healthcheck output) is redacted; returns how many.
    pub fn remember_values(&self, env: &str) -> Result<usize, SecretsError> {
        let mut count = 0;
        for (name, rule) in self.rules(env)? {
            if let Some(value) = self.keychain()?.get(&self.service(env, rule), &name)? {
                redact::remember(&value);
                count += 1;
            }
        }
        Ok(count)
    }

    /// Every secret of the environment, for the Compose child process environment.
    /// Fails listing all missing names at once.
    pub fn load(&self, env: &str) -> Result<Vec<(String, Sensitive<String>)>, SecretsError> {
        let mut values = Vec::new();
        let mut missing = Vec::new();
        for (name, rule) in self.rules(env)? {
            match self.keychain()?.get(&self.service(env, rule), &name)? {
                Some(value) => {
                    redact::remember(&value);
                    values.push((name, value));
                }
                None => missing.push(name),
            }
        }
        if missing.is_empty() {
            Ok(values)
        } else {
            Err(SecretsError::Missing { env: env.to_owned(), names: missing })
        }
    }

    /// Deletes the environment's own secrets (shared ones stay); returns the names deleted.
    pub fn delete(&self, env: &str) -> Result<Vec<String>, SecretsError> {
        let mut manifest = Manifest::load(&self.manifest_path)?;
        let mut deleted = Vec::new();
        for (name, rule) in self.rules(env)? {
            if rule.scope == SecretScope::Shared {
                continue;
            }
            if self.keychain()?.delete(&self.service(env, rule), &name)? {
                deleted.push(name.clone());
            }
            manifest.secrets.remove(&Self::scope_key(env, &name, rule));
        }
        manifest.save(&self.manifest_path)?;
        Ok(deleted)
    }

    /// Stores the values of a seed `secrets/.env.<env>.json` file (or a `KEY=value` file),
    /// reading each back to verify it. The file itself is left for the caller to delete.
    pub fn import(&self, env: &str, path: &Path) -> Result<ImportReport, SecretsError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| SecretsError::Import { path: path.to_owned(), detail: e.to_string() })?;
        let pairs = parse_import(&text).map_err(|detail| SecretsError::Import { path: path.to_owned(), detail })?;
        let rules = self.rules(env)?;
        let mut manifest = Manifest::load(&self.manifest_path)?;
        let mut report = ImportReport { stored: Vec::new(), ignored: Vec::new() };
        for (name, value) in pairs {
            let Some((_, rule)) = rules.iter().find(|(n, _)| *n == name) else {
                report.ignored.push(name);
                continue;
            };
            let value = Sensitive::new(value);
            redact::remember(&value);
            let service = self.service(env, rule);
            self.keychain()?.set(&service, &name, &value)?;
            if self.keychain()?.get(&service, &name)?.as_ref() != Some(&value) {
                return Err(SecretsError::Verify { name });
            }
            let key = Self::scope_key(env, &name, rule);
            let times = manifest.secrets.entry(key).or_insert(Times { created: now(), rotated: None });
            times.rotated = Some(now());
            report.stored.push(name);
        }
        manifest.save(&self.manifest_path)?;
        Ok(report)
    }
}

/// `{"NAME": "value", ...}` (the seed's format; nested objects are refused) or `KEY=value` lines.
fn parse_import(text: &str) -> Result<Vec<(String, String)>, String> {
    if text.trim_start().starts_with('{') {
        let object: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(text).map_err(|e| format!("not valid JSON at line {} column {}", e.line(), e.column()))?;
        object
            .into_iter()
            .map(|(k, v)| match v {
                serde_json::Value::String(s) => Ok((k, s)),
                serde_json::Value::Number(n) => Ok((k, n.to_string())),
                _ => Err(format!("the value of {k} is not a string")),
            })
            .collect()
    } else {
        // Read as Compose reads an env file, without taking values from the shell.
        crate::envfiles::dotenv::parse(text, &|_| None).map_err(|e| e.to_string())
    }
}
