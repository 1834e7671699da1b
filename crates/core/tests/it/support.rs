//! Shared helpers for core's integration tests.

use std::path::{Path, PathBuf};

/// The repository's `configs/` folder: the default workspace.
pub fn configs_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../configs").canonicalize().expect("configs/ exists")
}

/// A temporary workspace holding `schema` as `environment_schema.yaml` and an empty compose file.
pub fn workspace_with(schema: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("docker-compose.yml"), "services: {}\n").expect("compose file");
    let path = dir.path().join("environment_schema.yaml");
    std::fs::write(&path, schema).expect("schema");
    (dir, path)
}
