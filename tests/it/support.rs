//! Shared helpers: fixture images, paths, free ports.

use std::{
    path::{Path, PathBuf},
    process::Command,
};

/// Tag of the busybox-static test image.
pub const BUSYBOX_IMAGE: &str = "stackpilot-test/busybox:1";

/// The repository root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").canonicalize().expect("repo root")
}

/// Where tests leave screenshots and logs for people to look at.
pub fn artifacts_dir() -> PathBuf {
    let dir = repo_root().join("target/test-artifacts");
    std::fs::create_dir_all(&dir).expect("artifacts dir");
    dir
}

/// Builds the `FROM scratch` busybox-static image once (no registry needed).
pub fn busybox_image() -> &'static str {
    static BUILT: std::sync::OnceLock<()> = std::sync::OnceLock::new();
    BUILT.get_or_init(|| {
        let present = Command::new("docker")
            .args(["image", "inspect", BUSYBOX_IMAGE])
            .output()
            .is_ok_and(|o| o.status.success());
        if present {
            return;
        }
        let busybox = ["/bin/busybox", "/usr/bin/busybox"]
            .into_iter()
            .find(|p| Path::new(p).is_file())
            .expect("busybox-static is installed (scripts/setup.sh --tests)");
        let context = tempfile::tempdir().expect("tempdir");
        std::fs::copy(busybox, context.path().join("busybox")).expect("copy busybox");
        std::fs::copy(repo_root().join("tests/fixtures/busybox/Dockerfile"), context.path().join("Dockerfile"))
            .expect("copy Dockerfile");
        let out = Command::new("docker")
            .args(["build", "--quiet", "--tag", BUSYBOX_IMAGE])
            .arg(context.path())
            .env("DOCKER_BUILDKIT", "0")
            .output()
            .expect("docker build runs");
        assert!(out.status.success(), "docker build failed: {}", String::from_utf8_lossy(&out.stderr));
    });
    BUSYBOX_IMAGE
}

/// A TCP port nobody listens on right now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port()
}

/// A binary of the workspace built by `cargo build --workspace` (scripts/test.sh does).
pub fn built_binary(name: &str) -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| repo_root().join("target"));
    let binary = target.join("debug").join(name);
    assert!(binary.is_file(), "{} is missing: `cargo build --workspace` (scripts/test.sh does)", binary.display());
    binary
}
