//! Adopting an existing Compose project (`stackpilot init`): the folder is read the way
//! Compose reads it (file names only), and everything else is inferred from Compose's
//! own model of each environment, never from a YAML reading of our own.

mod infer;
pub(crate) use infer::secret_like;
mod render;

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::{compose::ComposeError, Diagnostic, Workspace};

pub use render::render;

/// What `stackpilot init` proposes for a folder.
#[derive(Debug, Clone, Serialize)]
pub struct Proposal {
    /// The folder adopted.
    pub folder: PathBuf,
    /// The schema's `project`: the Compose project name `docker compose` uses here.
    pub project: String,
    /// The environments, `default` first.
    pub environments: Vec<ProposedEnvironment>,
    /// Variables proposed as keychain secrets.
    pub secrets: Vec<ProposedSecret>,
    /// What the person should know (skipped files, profiles, values to import).
    pub notes: Vec<String>,
}

/// One proposed environment, each value with where it came from.
#[derive(Debug, Clone, Serialize)]
pub struct ProposedEnvironment {
    /// Name on the command line.
    pub name: String,
    /// Title for people.
    pub title: String,
    /// Compose files, relative to the folder.
    pub compose: Vec<String>,
    /// Why these files.
    pub compose_source: String,
    /// The Compose project name it uses.
    pub project_name: String,
    /// Why that name.
    pub project_name_source: String,
    /// Profiles to activate.
    pub profiles: Vec<String>,
    /// Why it needs a GPU, when its services ask for one.
    pub gpu: Option<String>,
    /// Memory it needs in bytes, and why.
    pub memory: Option<(u64, String)>,
    /// Services with a healthcheck.
    pub wait_for: Vec<String>,
    /// Links to published HTTP-like ports: label, URL, why.
    pub urls: Vec<(String, String, String)>,
    /// Secrets it uses.
    pub secrets: Vec<String>,
    /// Its services, as Compose resolves them.
    pub services: Vec<String>,
}

/// A variable proposed as a secret.
#[derive(Debug, Clone, Serialize)]
pub struct ProposedSecret {
    /// Variable name.
    pub name: String,
    /// Why it is a secret.
    pub reason: String,
    /// Env files (relative to the folder) that hold a plaintext value for it.
    pub plaintext_in: Vec<String>,
}

/// Why a folder cannot be adopted.
#[derive(Debug, thiserror::Error)]
pub enum AdoptError {
    /// No Compose file in the folder.
    #[error("{} has no Compose file (compose.yaml, compose.yml, docker-compose.yaml or docker-compose.yml)", dir.display())]
    NoComposeFile {
        /// The folder.
        dir: PathBuf,
    },
    /// A schema is there already.
    #[error("{} already exists; `stackpilot init` never overwrites a schema", path.display())]
    SchemaExists {
        /// The schema file.
        path: PathBuf,
    },
    /// Compose refused the folder's files as they are.
    #[error("Compose cannot read this folder's project as it is: {source}")]
    Compose {
        /// Compose's error.
        #[source]
        source: ComposeError,
    },
    /// Compose refused the files, and the folder has a template of the `.env` it needs.
    #[error("Compose cannot read this folder's project as it is: {source}")]
    NeedsEnv {
        /// Compose's error.
        #[source]
        source: ComposeError,
        /// The template, e.g. `.env.example`.
        template: String,
    },
    /// The schema could not be written.
    #[error("cannot write {}: {source}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// The error.
        #[source]
        source: std::io::Error,
    },
    /// A choice made in the adopt screen cannot be applied.
    #[error("{0}")]
    BadChoice(String),
    /// The written schema does not load: a bug in the inference, reported rather than written.
    #[error("the proposed schema does not load ({0}); please report this")]
    Invalid(String),
}

impl Diagnostic for AdoptError {
    fn code(&self) -> crate::Code {
        match self {
            Self::NoComposeFile { .. } => crate::Code::NoComposeFile,
            Self::SchemaExists { .. } => crate::Code::SchemaExists,
            Self::Compose { source } | Self::NeedsEnv { source, .. } => source.code(),
            Self::Write { .. } => crate::Code::SchemaUnwritable,
            Self::Invalid(_) => crate::Code::Internal,
            Self::BadChoice(_) => crate::Code::InvalidChoice,
        }
    }

    fn hint(&self) -> Option<String> {
        match self {
            Self::NoComposeFile { .. } => Some("run it in the folder of your docker-compose.yml, or pass that folder".into()),
            Self::SchemaExists { .. } => Some("edit that file, or move it away to start over; `stackpilot init --dry-run` prints a proposal".into()),
            Self::Compose { source } => source.hint(),
            Self::NeedsEnv { template, .. } => Some(format!(
                "the folder has no .env but has {template}: copy it to .env and fill it in (as the project's README says), then run `stackpilot init` again"
            )),
            Self::Write { .. } => Some("check the folder's permissions".into()),
            Self::Invalid(_) => None,
            Self::BadChoice(_) => Some("change the names, then press Create again".into()),
        }
    }
}

/// What the person decided about one proposed environment: keep it (under a new name)
/// or leave it out.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct Choice {
    /// The proposed name.
    pub name: String,
    /// The name to use.
    pub rename: String,
    /// Whether to keep it.
    pub include: bool,
}

impl Proposal {
    /// The proposal with the person's choices applied; names must be valid and distinct,
    /// and at least one environment must stay.
    pub fn choose(mut self, choices: &[Choice]) -> Result<Self, AdoptError> {
        let mut kept = Vec::new();
        for mut env in std::mem::take(&mut self.environments) {
            let Some(choice) = choices.iter().find(|c| c.name == env.name) else {
                kept.push(env);
                continue;
            };
            if !choice.include {
                continue;
            }
            let name = choice.rename.trim().to_owned();
            if !crate::schema::is_name(&name) {
                return Err(AdoptError::BadChoice(format!("`{name}` cannot be an environment name: use lowercase letters, digits, `-` and `_`")));
            }
            if name != env.name && env.project_name != self.project {
                env.project_name = format!("{}-{name}", self.project);
            }
            env.name = name;
            kept.push(env);
        }
        if kept.is_empty() {
            return Err(AdoptError::BadChoice("keep at least one environment".into()));
        }
        let mut names: Vec<&str> = kept.iter().map(|e| e.name.as_str()).collect();
        names.sort_unstable();
        if let Some(twice) = names.windows(2).find(|w| w[0] == w[1]) {
            return Err(AdoptError::BadChoice(format!("two environments are called `{}`", twice[0])));
        }
        let used: std::collections::BTreeSet<&String> = kept.iter().flat_map(|e| e.secrets.iter()).collect();
        self.secrets.retain(|s| used.contains(&s.name));
        self.environments = kept;
        Ok(self)
    }
}

/// Stores the plaintext secret values of the folder's env files in the keychain, each
/// read back to verify (the files are left as they are): the folder's `.env` first,
/// then `.env.<env>`, as Compose lets the later one win. Returns what happened, for people.
pub fn import_plaintext(workspace: &Workspace, proposal: &Proposal) -> Vec<String> {
    if proposal.secrets.iter().all(|s| s.plaintext_in.is_empty()) {
        return Vec::new();
    }
    let store = match crate::secrets::SecretStore::open(workspace) {
        Ok(store) => store,
        Err(e) => return vec![format!("secrets not imported: {e}")],
    };
    let mut said = Vec::new();
    for env in &proposal.environments {
        let own = format!(".env.{}", env.name);
        for file in [".env", own.as_str()] {
            let holds = proposal.secrets.iter().any(|s| env.secrets.contains(&s.name) && s.plaintext_in.iter().any(|f| f == file));
            if !holds {
                continue;
            }
            match store.import(&env.name, &proposal.folder.join(file)) {
                Ok(report) if !report.stored.is_empty() => said.push(format!(
                    "imported into the keychain for {}: {} (from {file}, read back and verified)",
                    env.name,
                    report.stored.join(", ")
                )),
                Ok(_) => {}
                Err(e) => said.push(format!("{file} of {} not imported: {e}; run `stackpilot secrets import {} {file}` later", env.name, env.name)),
            }
        }
    }
    said
}

/// The schema file `init` writes in a folder.
pub fn schema_path(dir: &Path) -> PathBuf {
    dir.join("stackpilot.yaml")
}

/// Reads the folder as Compose does and proposes a schema.
pub async fn propose(dir: &Path) -> Result<Proposal, AdoptError> {
    if let Some(path) = Workspace::schema_file(dir) {
        return Err(AdoptError::SchemaExists { path });
    }
    infer::propose(dir).await
}

/// Writes the proposal as `stackpilot.yaml` (never over an existing file), after
/// checking that it loads; returns its path.
pub fn write(proposal: &Proposal) -> Result<PathBuf, AdoptError> {
    let path = schema_path(&proposal.folder);
    let text = render(proposal);
    crate::schema::parse(&text, &path).map_err(|e| AdoptError::Invalid(e.to_string()))?;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .map_err(|source| match source.kind() {
            std::io::ErrorKind::AlreadyExists => AdoptError::SchemaExists { path: path.clone() },
            _ => AdoptError::Write { path: path.clone(), source },
        })?;
    std::io::Write::write_all(&mut file, text.as_bytes()).map_err(|source| AdoptError::Write { path: path.clone(), source })?;
    Ok(path)
}
