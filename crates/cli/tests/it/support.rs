//! Running the built binary.

use std::{
    path::{Path, PathBuf},
    process::{Command, Output},
};

/// The repository's `configs/` folder.
pub fn configs_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../configs").canonicalize().expect("configs/")
}

/// Runs `stackpilot ARGS` in `cwd`, with no inherited workspace setting.
pub fn stackpilot(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_stackpilot"))
        .args(args)
        .current_dir(cwd)
        .env_remove("STACKPILOT_WORKSPACE")
        .output()
        .expect("stackpilot runs")
}

/// Standard output as text.
pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Standard error as text.
pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A folder holding a broken schema: `memory: 8 gigs` on line 6.
pub fn broken_workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("docker-compose.yml"), "services: {}\n").expect("compose");
    std::fs::write(
        dir.path().join("environment_schema.yaml"),
        "version: 1\nproject: demo\nenvironments:\n  dev:\n    title: Dev\n    requires: { memory: 8 gigs }\n    compose: [docker-compose.yml]\n",
    )
    .expect("schema");
    dir
}
