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

/// Forwards a loopback TCP port to a unix socket (each connection both ways), so an
/// engine in its own network namespace is reached over real TCP from this one.
pub fn forward_tcp_to_unix(socket: PathBuf) -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    std::thread::spawn(move || {
        for tcp in listener.incoming().flatten() {
            let Ok(unix) = std::os::unix::net::UnixStream::connect(&socket) else { continue };
            let (mut tcp_in, mut unix_out) = (tcp.try_clone().expect("clone"), unix.try_clone().expect("clone"));
            std::thread::spawn(move || {
                let _ = std::io::copy(&mut tcp_in, &mut unix_out);
                let _ = unix_out.shutdown(std::net::Shutdown::Write);
            });
            let (mut unix_in, mut tcp_out) = (unix, tcp);
            std::thread::spawn(move || {
                let _ = std::io::copy(&mut unix_in, &mut tcp_out);
                let _ = tcp_out.shutdown(std::net::Shutdown::Write);
            });
        }
    });
    port
}

/// A second, real Docker engine of the test's own: its own socket, data root and network
/// namespace (so it never touches the host's docker0), optionally also on a loopback TCP
/// port. Stopped (SIGTERM) when dropped.
pub struct SecondEngine {
    child: std::process::Child,
    /// Its folders (socket, data root), removed when dropped.
    _root: tempfile::TempDir,
    /// `unix:///…/docker.sock`.
    pub host: String,
}

impl SecondEngine {
    /// Starts it and waits until it answers (at most 30 s).
    pub fn start() -> Self {
        let root = tempfile::tempdir().expect("tempdir");
        let host = format!("unix://{}", root.path().join("docker.sock").display());
        let mut command = Command::new("unshare");
        command.args(["--net", "dockerd", "--bridge", "none", "--iptables=false", "--ip-masq=false", "--host", &host]);
        let child = command
            .arg("--data-root")
            .arg(root.path().join("data"))
            .arg("--exec-root")
            .arg(root.path().join("exec"))
            .arg("--pidfile")
            .arg(root.path().join("docker.pid"))
            .stdout(std::process::Stdio::null())
            .stderr(std::fs::File::create(artifacts_dir().join(format!("second-dockerd-{}.log", std::process::id()))).map(std::process::Stdio::from).unwrap_or_else(|_| std::process::Stdio::null()))
            .spawn()
            .expect("dockerd (installed by scripts/setup.sh)");
        let engine = Self { child, _root: root, host };
        let ready = std::time::Instant::now();
        while !engine.docker(&["info"]).status.success() {
            assert!(ready.elapsed() < std::time::Duration::from_secs(30), "the test's dockerd did not start");
            std::thread::sleep(std::time::Duration::from_millis(200));
        }
        engine
    }

    /// Its socket file.
    pub fn socket(&self) -> PathBuf {
        PathBuf::from(self.host.trim_start_matches("unix://"))
    }

    /// `docker -H <this engine> ARGS`.
    pub fn docker(&self, args: &[&str]) -> std::process::Output {
        Command::new("docker").arg("-H").arg(&self.host).args(args).env_remove("DOCKER_CONTEXT").output().expect("docker runs")
    }

    /// Copies the busybox test image from the default engine into this one.
    pub fn load_busybox(&self) {
        let image = busybox_image();
        let status = Command::new("sh")
            .arg("-c")
            .arg(format!("docker save {image} | docker -H '{}' load -q", self.host))
            .env_remove("DOCKER_HOST")
            .env_remove("DOCKER_CONTEXT")
            .status()
            .expect("sh");
        assert!(status.success(), "the test image could not be loaded into the second engine");
    }

    /// Stops it now (SIGTERM), waiting for it to exit.
    pub fn stop(&mut self) {
        let _ = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status();
        let _ = self.child.wait();
    }

    /// The pid of the daemon (to stop it from a test).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for SecondEngine {
    fn drop(&mut self) {
        self.stop();
    }
}
