//! Carrying out a fix. Destructive ones take the exact preview the person confirmed.

use serde::Serialize;

use super::{CheckContext, Fix};
use crate::{
    engine::disk::{self, ReclaimItem},
    envfiles::{self, EnvFileError, EnvFileUpdate},
    engine::EngineError,
    secrets::{SecretStore, SecretsError},
    Diagnostic,
};

/// What a fix did.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum FixOutcome {
    /// The env file was written.
    EnvFileWritten(EnvFileUpdate),
    /// Secrets were generated into the keychain.
    SecretsGenerated {
        /// Names generated (or found already in the keychain and recorded).
        names: Vec<String>,
    },
    /// A container was stopped.
    ContainerStopped {
        /// Its name.
        container: String,
    },
    /// Docker data was removed.
    Reclaimed {
        /// Bytes freed.
        freed: u64,
        /// Items removed or attempted.
        items: usize,
    },
}

impl FixOutcome {
    /// What was done, in one sentence for people.
    pub fn summary(&self) -> String {
        match self {
            Self::EnvFileWritten(update) => {
                let mut text = format!("Wrote {}", update.path.display());
                if !update.added.is_empty() {
                    text.push_str(&format!(" (added {})", update.added.join(", ")));
                }
                if !update.changed.is_empty() {
                    text.push_str(&format!(" (changed {})", update.changed.join(", ")));
                }
                if let Some(backup) = &update.backup {
                    text.push_str(&format!("; the previous version is kept as {}", backup.display()));
                }
                text + "."
            }
            Self::SecretsGenerated { names } => format!("Generated into the keychain: {}.", names.join(", ")),
            Self::ContainerStopped { container } => format!("Stopped {container}."),
            Self::Reclaimed { freed, items } => format!("Removed {items} item(s), freed {}.", crate::checks::human_bytes(*freed)),
        }
    }
}

/// Why a fix could not be carried out.
#[derive(Debug, thiserror::Error)]
pub enum FixError {
    /// Writing the env file failed.
    #[error(transparent)]
    EnvFile(#[from] EnvFileError),
    /// The keychain refused.
    #[error(transparent)]
    Secrets(#[from] SecretsError),
    /// The engine refused or is gone.
    #[error(transparent)]
    Engine(#[from] EngineError),
    /// A destructive fix was asked for without its confirmed preview.
    #[error("`{0}` removes data: preview it and pass the confirmed list")]
    NeedsPreview(&'static str),
    /// The fix is not one the latest check run offered.
    #[error("`{0}` with these details was not offered by the latest check of this environment")]
    NotOffered(&'static str),
    /// A confirmed item was not in the preview.
    #[error("`{0}` was not in the reclaim preview that was confirmed")]
    NotPreviewed(String),
}

impl Diagnostic for FixError {
    fn code(&self) -> crate::Code {
        match self {
            Self::EnvFile(e) => e.code(),
            Self::Secrets(e) => e.code(),
            Self::Engine(e) => e.code(),
            Self::NeedsPreview(_) => crate::Code::FixNeedsConfirmation,
            Self::NotOffered(_) | Self::NotPreviewed(_) => crate::Code::FixNotOffered,
        }
    }

    fn hint(&self) -> Option<String> {
        match self {
            Self::EnvFile(e) => e.hint(),
            Self::Secrets(e) => e.hint(),
            Self::Engine(e) => e.hint(),
            Self::NeedsPreview(_) => Some("call the preview first and confirm it".into()),
            Self::NotOffered(_) | Self::NotPreviewed(_) => Some("run the checks again and use the fixes they offer".into()),
        }
    }
}

/// The run's engine connection, or why there is none.
async fn engine<'a>(ctx: &'a CheckContext<'_>) -> Result<&'a crate::engine::Engine, FixError> {
    ctx.engine().await.as_ref().map_err(|e| FixError::Engine(EngineError::Unreachable { detail: e.to_string() }))
}

/// The exact list a reclaim would remove, for the person to confirm.
pub async fn reclaim_preview(ctx: &CheckContext<'_>) -> Result<Vec<ReclaimItem>, FixError> {
    let engine = engine(ctx).await?;
    Ok(disk::usage(engine).await?.plan)
}

/// The exact change a fix that edits the environment's env file would make, for
/// showing before it is written (`None` for fixes that edit no file).
pub fn env_file_change(ctx: &CheckContext<'_>, fix: &Fix) -> Result<Option<EnvFileUpdate>, FixError> {
    let path = ctx.env.workspace.env_file(ctx.env.name);
    Ok(match fix {
        Fix::GenerateEnvFile => Some(envfiles::plan(&path, &ctx.env.workspace.schema.variables_for(ctx.env.environment), &[])?),
        Fix::RemapPort { variable, to, .. } => Some(envfiles::plan(&path, &[], &[(variable.clone(), to.to_string())])?),
        _ => None,
    })
}

/// Carries out `fix`. `confirmed` is the preview the person accepted, for `ReclaimDiskSpace`.
pub async fn apply(ctx: &CheckContext<'_>, fix: &Fix, confirmed: Option<&[ReclaimItem]>) -> Result<FixOutcome, FixError> {
    match fix {
        Fix::GenerateEnvFile | Fix::RemapPort { .. } => {
            let planned = env_file_change(ctx, fix)?.ok_or(FixError::NeedsPreview("env file"))?;
            Ok(FixOutcome::EnvFileWritten(envfiles::write(planned)?))
        }
        Fix::GenerateSecrets => {
            let workspace = ctx.env.workspace.clone();
            let env = ctx.env.name.to_owned();
            let generated = tokio::task::spawn_blocking(move || SecretStore::open(&workspace)?.generate_missing(&env))
                .await
                .map_err(|e| SecretsError::Manifest { path: "keychain task".into(), detail: e.to_string() })??;
            Ok(FixOutcome::SecretsGenerated { names: generated.into_iter().map(|g| g.name).collect() })
        }
        Fix::StopContainer { container, .. } => {
            let engine = engine(ctx).await?;
            engine.docker().stop_container(container, None).await.map_err(EngineError::from)?;
            Ok(FixOutcome::ContainerStopped { container: container.clone() })
        }
        Fix::ReclaimDiskSpace { .. } => {
            let items = confirmed.ok_or(FixError::NeedsPreview("docker.reclaim"))?;
            let engine = engine(ctx).await?;
            let freed = disk::reclaim(engine, items).await?;
            Ok(FixOutcome::Reclaimed { freed, items: items.len() })
        }
    }
}
