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

/// The shared Compose corpus (`../shared/compose-corpus` or `$STACKPILOT_COMPOSE_CORPUS`),
/// when it is there: real projects with the real Compose CLI's answers.
pub fn corpus() -> Option<PathBuf> {
    let dir = std::env::var_os("STACKPILOT_COMPOSE_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/compose-corpus"));
    dir.is_dir().then_some(dir)
}

/// Copies a corpus case (or any folder below it) to `to`, leaving out the case's own
/// records (`SOURCE.txt`, `case.json`, `NOTES.md`, `expected/`).
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read case").flatten() {
        let name = entry.file_name();
        if from.join("case.json").is_file() && ["SOURCE.txt", "case.json", "NOTES.md", "expected"].iter().any(|n| name == *n) {
            continue;
        }
        let path = entry.path();
        if path.is_dir() {
            copy_tree(&path, &to.join(&name));
        } else if path.is_file() {
            std::fs::copy(&path, to.join(&name)).expect("copy");
        }
    }
}
