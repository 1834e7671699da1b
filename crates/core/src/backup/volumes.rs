//! The named volumes of an environment, as Compose resolves them, and what the engine has.

use std::collections::BTreeMap;

use bollard::models::ContainerSummary;

use super::BackupError;
use crate::{
    compose::{self, ComposeCli, ComposeModel, ProjectSpec},
    engine::{Engine, EngineError},
    secrets::Sensitive,
    Env,
};

/// A named volume of an environment.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct EnvVolume {
    /// Its name in the Compose files.
    pub volume: String,
    /// The engine's name for it.
    pub engine_volume: String,
    /// Declared `external`: managed outside the environment, never backed up or replaced.
    pub external: bool,
    /// The services that mount it and where: `(service, path)`.
    pub mounts: Vec<(String, String)>,
    /// The services that mount it read-write (a restore writes through one of them).
    pub writers: Vec<String>,
}

/// The named volumes of a resolved model, by name.
pub(super) fn of_model(model: &ComposeModel) -> Vec<EnvVolume> {
    let mut mounts: BTreeMap<&str, Vec<(String, String)>> = BTreeMap::new();
    let mut writers: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for (service, definition) in &model.services {
        for mount in &definition.volumes {
            if let Some(volume) = mount.named_volume() {
                mounts
                    .entry(volume)
                    .or_default()
                    .push((service.clone(), mount.target.clone()));
                if !mount.read_only {
                    writers.entry(volume).or_default().push(service.clone());
                }
            }
        }
    }
    model
        .volumes
        .iter()
        .map(|(key, definition)| EnvVolume {
            volume: key.clone(),
            engine_volume: definition
                .get("name")
                .and_then(|n| n.as_str())
                .map_or_else(|| format!("{}_{key}", model.name), str::to_owned),
            external: definition
                .get("external")
                .and_then(serde_json::Value::as_bool)
                .unwrap_or(false),
            mounts: mounts.remove(key.as_str()).unwrap_or_default(),
            writers: writers.remove(key.as_str()).unwrap_or_default(),
        })
        .collect()
}

/// The environment's named volumes, from Compose's model.
pub(super) async fn env_volumes(env: Env<'_>) -> Result<Vec<EnvVolume>, BackupError> {
    Ok(env_model(env).await?.1)
}

/// The environment's model (secrets as placeholders) and its named volumes.
pub(super) async fn env_model(env: Env<'_>) -> Result<(ComposeModel, Vec<EnvVolume>), BackupError> {
    let cli = ComposeCli::locate().await?;
    let model = compose::config(&cli, &ProjectSpec::with_placeholder_secrets(env)).await?;
    let volumes = of_model(&model);
    Ok((model, volumes))
}

/// The images Compose needs to create `services` and the services they depend on, that
/// the engine does not have: `(service, image)`. Compose would pull or build them, which
/// may fail (no registry) after a restore began replacing volumes.
pub(super) async fn missing_images(engine: &Engine, model: &ComposeModel, services: &[String]) -> Result<Vec<(String, String)>, BackupError> {
    let mut needed: Vec<String> = services.to_vec();
    let mut i = 0;
    while i < needed.len() {
        if let Some(service) = model.services.get(&needed[i]) {
            for dependency in service.depends_on.keys() {
                if !needed.contains(dependency) {
                    needed.push(dependency.clone());
                }
            }
        }
        i += 1;
    }
    let mut missing = Vec::new();
    for name in needed {
        let Some(service) = model.services.get(&name) else { continue };
        // Compose names a built image `<project>-<service>` when the files give none.
        let image = service.image.clone().unwrap_or_else(|| format!("{}-{name}", model.name));
        match engine.docker().inspect_image(&image).await {
            Ok(_) => {}
            Err(bollard::errors::Error::DockerResponseServerError { status_code: 404, .. }) => missing.push((name, image)),
            Err(e) => return Err(EngineError::Api(e).into()),
        }
    }
    Ok(missing)
}

/// Whether the engine has a volume of this name.
pub(super) async fn exists(engine: &Engine, name: &str) -> Result<bool, BackupError> {
    match engine.docker().inspect_volume(name).await {
        Ok(_) => Ok(true),
        Err(bollard::errors::Error::DockerResponseServerError {
            status_code: 404, ..
        }) => Ok(false),
        Err(e) => Err(EngineError::Api(e).into()),
    }
}

/// The environment's own volumes (not external) that the engine has: those a destructive
/// action would lose, for a front end to offer a backup first.
pub async fn existing_volumes(env: Env<'_>) -> Result<Vec<String>, BackupError> {
    let volumes = env_volumes(env).await?;
    let engine = Engine::connect().await?;
    let mut existing = Vec::new();
    for volume in volumes.into_iter().filter(|v| !v.external) {
        if exists(&engine, &volume.engine_volume).await? {
            existing.push(volume.volume);
        }
    }
    Ok(existing)
}

/// The existing volumes of the environment mounted by a service that receives one of
/// `secrets` (all of the environment's when empty): where a value may be baked in, as a
/// database keeps the password it was first started with. Offered a backup before a
/// rotation.
pub async fn baked_volumes(env: Env<'_>, secrets: &[String]) -> Result<Vec<String>, BackupError> {
    let names: Vec<&str> = env
        .workspace
        .schema
        .secret_names(env.environment)
        .into_iter()
        .filter(|n| secrets.is_empty() || secrets.iter().any(|s| s == n))
        .collect();
    if names.is_empty() {
        return Ok(Vec::new());
    }
    // Each secret gets its own marker, so that the model says which service receives which.
    let marker = |name: &str| format!("stackpilot-marker-{name}");
    let mut spec = ProjectSpec::with_placeholder_secrets(env);
    for (name, value) in &mut spec.secrets {
        *value = Sensitive::new(marker(name));
    }
    let cli = ComposeCli::locate().await?;
    let model = compose::config(&cli, &spec).await?;
    let receivers: Vec<&String> = model
        .services
        .iter()
        .filter(|(_, s)| {
            s.environment.iter().any(|(key, value)| {
                names
                    .iter()
                    .any(|n| key == n || value.as_deref().is_some_and(|v| v.contains(&marker(n))))
            })
        })
        .map(|(name, _)| name)
        .collect();
    let engine = Engine::connect().await?;
    let mut baked = Vec::new();
    for volume in of_model(&model)
        .into_iter()
        .filter(|v| !v.external && v.mounts.iter().any(|(s, _)| receivers.contains(&s)))
    {
        if exists(&engine, &volume.engine_volume).await? {
            baked.push(volume.volume);
        }
    }
    Ok(baked)
}

/// The name a person knows a container by: Compose's `<project>-<service>-<n>`.
pub(super) fn container_name(container: &ContainerSummary) -> String {
    container
        .names
        .as_ref()
        .and_then(|n| n.first())
        .map(|n| n.trim_start_matches('/').to_owned())
        .or_else(|| container.id.clone())
        .unwrap_or_default()
}

/// Where `container` mounts the engine volume `name`, if it does (read-write, with
/// `writable`: a restore writes through it).
pub(super) fn mount_point(container: &ContainerSummary, name: &str, writable: bool) -> Option<String> {
    container
        .mounts
        .as_ref()?
        .iter()
        .find(|m| m.name.as_deref() == Some(name) && !(writable && m.rw == Some(false)))
        .and_then(|m| m.destination.clone())
}

/// The service label of a container of a Compose project.
pub(super) fn service_of(container: &ContainerSummary) -> Option<&str> {
    container
        .labels
        .as_ref()?
        .get("com.docker.compose.service")
        .map(String::as_str)
}

/// Whether a container's processes run (running, paused or restarting).
pub(super) fn is_up(container: &ContainerSummary) -> bool {
    use bollard::models::ContainerSummaryStateEnum as S;
    matches!(
        container.state,
        Some(S::RUNNING | S::PAUSED | S::RESTARTING)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn volumes_are_read_with_their_engine_names_and_the_services_that_mount_them() {
        let model: ComposeModel = serde_json::from_str(
            r#"{"name":"shop-dev",
                "services":{
                  "db":{"volumes":[{"type":"volume","source":"pgdata","target":"/var/lib/postgresql/data"},
                                   {"type":"bind","source":"/srv/conf","target":"/conf"},
                                   {"type":"volume","target":"/anonymous"}]},
                  "backup":{"volumes":[{"type":"volume","source":"pgdata","target":"/in","read_only":true}]}},
                "volumes":{"pgdata":{"name":"shop-dev_pgdata"},"shared":{"name":"team-shared","external":true},"unnamed":{}}}"#,
        )
        .expect("model");
        let volumes = of_model(&model);
        assert_eq!(volumes.len(), 3);
        assert_eq!(volumes[0].volume, "pgdata");
        assert_eq!(volumes[0].engine_volume, "shop-dev_pgdata");
        assert_eq!(
            volumes[0].mounts,
            vec![
                ("backup".to_owned(), "/in".to_owned()),
                ("db".to_owned(), "/var/lib/postgresql/data".to_owned())
            ]
        );
        assert_eq!(volumes[0].writers, ["db"], "a read-only mount is never written through");
        assert!(volumes[1].external && volumes[1].mounts.is_empty());
        assert_eq!(
            volumes[2].engine_volume, "shop-dev_unnamed",
            "Compose's default name when the model has none"
        );
    }
}
