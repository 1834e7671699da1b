//! Docker's disk usage and what can be reclaimed, computed from the engine's
//! lists (the `/system/df` answer of a 20.10 engine does not fit bollard's model).

use bollard::{
    models::ContainerSummaryStateEnum,
    query_parameters::{ListImagesOptionsBuilder, RemoveContainerOptionsBuilder, RemoveImageOptionsBuilder},
};
use serde::{Deserialize, Serialize};

use super::{Engine, EngineError};

/// What a reclaimable item is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReclaimKind {
    /// A stopped container (its writable layer).
    Container,
    /// A dangling image (untagged, unused).
    Image,
}

/// One thing the reclaim fix would remove.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReclaimItem {
    /// Container or image.
    pub kind: ReclaimKind,
    /// Engine id.
    pub id: String,
    /// Name for people (container name, or short image id).
    pub name: String,
    /// Bytes it frees.
    pub size: u64,
}

/// Docker's disk usage and the exact list of what reclaiming would remove.
#[derive(Debug, Clone, Default, Serialize)]
pub struct DiskUsage {
    /// Size of all images (shared layers counted once per image, as `docker images` does).
    pub images: u64,
    /// Size of all containers' writable layers.
    pub containers: u64,
    /// Stopped containers and dangling images: removable without touching anything in use.
    pub plan: Vec<ReclaimItem>,
}

impl DiskUsage {
    /// Total bytes the plan frees.
    pub fn reclaimable(&self) -> u64 {
        self.plan.iter().map(|i| i.size).sum()
    }

    /// Images and containers together.
    pub fn total(&self) -> u64 {
        self.images + self.containers
    }
}

fn size(value: Option<i64>) -> u64 {
    value.and_then(|v| u64::try_from(v).ok()).unwrap_or(0)
}

/// Reads the engine's images and containers and works out what is reclaimable.
pub async fn usage(engine: &Engine) -> Result<DiskUsage, EngineError> {
    let docker = engine.docker();
    let images = docker.list_images(Some(ListImagesOptionsBuilder::new().all(false).build())).await?;
    let containers = engine.containers(true, true).await?;
    let mut usage = DiskUsage {
        images: images.iter().map(|i| size(Some(i.size))).sum(),
        containers: containers.iter().map(|c| size(c.size_rw)).sum(),
        plan: Vec::new(),
    };
    for container in &containers {
        let stopped = matches!(
            container.state,
            Some(ContainerSummaryStateEnum::EXITED | ContainerSummaryStateEnum::CREATED | ContainerSummaryStateEnum::DEAD)
        );
        if stopped {
            let id = container.id.clone().unwrap_or_default();
            let name = container
                .names
                .as_ref()
                .and_then(|n| n.first())
                .map(|n| n.trim_start_matches('/').to_owned())
                .unwrap_or_else(|| id.chars().take(12).collect());
            usage.plan.push(ReclaimItem { kind: ReclaimKind::Container, id, name, size: size(container.size_rw) });
        }
    }
    let used: Vec<&str> = containers.iter().filter_map(|c| c.image_id.as_deref()).collect();
    for image in &images {
        let dangling = image.repo_tags.iter().all(|t| t == "<none>:<none>");
        if dangling && !used.contains(&image.id.as_str()) {
            let short = image.id.trim_start_matches("sha256:").chars().take(12).collect();
            usage.plan.push(ReclaimItem { kind: ReclaimKind::Image, id: image.id.clone(), name: short, size: size(Some(image.size)) });
        }
    }
    Ok(usage)
}

/// Removes exactly the items given (containers first, then images); returns the bytes freed.
/// Items that changed since the preview (now in use, already gone) are left alone.
pub async fn reclaim(engine: &Engine, items: &[ReclaimItem]) -> Result<u64, EngineError> {
    let docker = engine.docker();
    let mut freed = 0;
    for item in items.iter().filter(|i| i.kind == ReclaimKind::Container) {
        let options = RemoveContainerOptionsBuilder::new().force(false).v(false).build();
        if docker.remove_container(&item.id, Some(options)).await.is_ok() {
            freed += item.size;
        }
    }
    for item in items.iter().filter(|i| i.kind == ReclaimKind::Image) {
        let options = RemoveImageOptionsBuilder::new().force(false).noprune(false).build();
        if docker.remove_image(&item.id, Some(options), None).await.is_ok() {
            freed += item.size;
        }
    }
    Ok(freed)
}
