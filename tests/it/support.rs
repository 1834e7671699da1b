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

/// A file in [`artifacts_dir`] for a helper process's output (`NAME-<pid>.log`), or nowhere
/// when it cannot be made.
fn artifact_log(name: &str) -> std::process::Stdio {
    std::fs::File::create(artifacts_dir().join(format!("{name}-{}.log", std::process::id()))).map(std::process::Stdio::from).unwrap_or_else(|_| std::process::Stdio::null())
}

/// The first of `paths` that is a file: a program the test set-up installs (`what` says which).
fn installed(paths: &[&'static str], what: &str) -> &'static str {
    paths.iter().copied().find(|p| Path::new(p).is_file()).unwrap_or_else(|| panic!("{what} is installed (scripts/setup.sh --tests)"))
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
        let busybox = installed(&["/bin/busybox", "/usr/bin/busybox"], "busybox-static");
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
    /// The socket's writing half, closed (half-close) when the client has no more to say.
    struct WriteHalf(std::os::unix::net::UnixStream);
    impl std::io::Write for WriteHalf {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.write(buf)
        }
        fn flush(&mut self) -> std::io::Result<()> {
            self.0.flush()
        }
    }
    impl Drop for WriteHalf {
        fn drop(&mut self) {
            let _ = self.0.shutdown(std::net::Shutdown::Write);
        }
    }
    forward(move || {
        let unix = std::os::unix::net::UnixStream::connect(&socket).ok()?;
        Some((Box::new(unix.try_clone().ok()?) as Box<dyn std::io::Read + Send>, Box::new(WriteHalf(unix)) as Box<dyn std::io::Write + Send>))
    })
}

/// Forwards a loopback TCP port of this host to `127.0.0.1:port` inside the network
/// namespace of process `pid` (a [`SecondEngine`]'s): each connection is carried by
/// `nsenter --net busybox nc` there, bytes as they are (TLS stays end to end).
pub fn forward_tcp_into_namespace(pid: u32, port: u16) -> u16 {
    let busybox = installed(&["/bin/busybox", "/usr/bin/busybox"], "busybox-static");
    forward(move || {
        let mut nc = Command::new("nsenter")
            .arg(format!("--net=/proc/{pid}/ns/net"))
            .args([busybox, "nc", "127.0.0.1", &port.to_string()])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .ok()?;
        let (stdin, stdout) = (nc.stdin.take()?, nc.stdout.take()?);
        std::thread::spawn(move || nc.wait());
        Some((Box::new(stdout) as Box<dyn std::io::Read + Send>, Box::new(stdin) as Box<dyn std::io::Write + Send>))
    })
}

/// Accepts on a loopback TCP port and pipes each connection both ways to what `open` gives.
fn forward<F>(open: F) -> u16
where
    F: Fn() -> Option<(Box<dyn std::io::Read + Send>, Box<dyn std::io::Write + Send>)> + Send + 'static,
{
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    std::thread::spawn(move || {
        for tcp in listener.incoming().flatten() {
            let Some((mut from_far, mut to_far)) = open() else { continue };
            let mut tcp_in = tcp.try_clone().expect("clone");
            std::thread::spawn(move || {
                let _ = std::io::copy(&mut tcp_in, &mut to_far);
                drop(to_far);
            });
            let mut tcp_out = tcp;
            std::thread::spawn(move || {
                let _ = std::io::copy(&mut from_far, &mut tcp_out);
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
        Self::start_with(tempfile::tempdir().expect("tempdir"), &[])
    }

    /// [`SecondEngine::start`] in folder `root` with more daemon flags (e.g. a TLS listener).
    pub fn start_with(root: tempfile::TempDir, flags: &[&str]) -> Self {
        let host = format!("unix://{}", root.path().join("docker.sock").display());
        let mut command = Command::new("unshare");
        // A new network namespace has its loopback down: up it, then become the daemon (same pid).
        command.args(["--net", "sh", "-c", "ip link set lo up && exec dockerd \"$@\"", "dockerd"]);
        command.args(["--bridge", "none", "--iptables=false", "--ip-masq=false", "--host", &host]).args(flags);
        let child = command
            .arg("--data-root")
            .arg(root.path().join("data"))
            .arg("--exec-root")
            .arg(root.path().join("exec"))
            .arg("--pidfile")
            .arg(root.path().join("docker.pid"))
            .stdout(std::process::Stdio::null())
            .stderr(artifact_log("second-dockerd"))
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

/// A real OpenSSH server on a loopback port of the test's own (Debian's openssh-server,
/// installed by `scripts/setup.sh --tests`), accepting one generated key for the current
/// user, whose sessions reach `docker_host` (`SetEnv DOCKER_HOST`), as a remote engine's
/// server would. Stopped when dropped.
pub struct Sshd {
    child: std::process::Child,
    root: tempfile::TempDir,
    /// The `Host` name the client configuration gives it.
    pub alias: String,
}

impl Sshd {
    /// Starts it and waits until it accepts a login (at most 20 s).
    pub fn start(docker_host: &str) -> Self {
        let root = tempfile::tempdir().expect("tempdir");
        let dir = root.path();
        let keygen = |file: &str| {
            let out = Command::new("ssh-keygen").args(["-q", "-t", "ed25519", "-N", "", "-f"]).arg(dir.join(file)).output().expect("ssh-keygen");
            assert!(out.status.success(), "ssh-keygen: {}", String::from_utf8_lossy(&out.stderr));
        };
        keygen("host_key");
        keygen("client_key");
        std::fs::copy(dir.join("client_key.pub"), dir.join("authorized_keys")).expect("authorized_keys");
        let port = free_port();
        let user = String::from_utf8(Command::new("id").arg("-un").output().expect("id").stdout).expect("utf-8").trim().to_owned();
        std::fs::write(
            dir.join("sshd_config"),
            format!(
                "ListenAddress 127.0.0.1:{port}\nHostKey {dir}/host_key\nAuthorizedKeysFile {dir}/authorized_keys\nPidFile {dir}/sshd.pid\n\
                 PasswordAuthentication no\nKbdInteractiveAuthentication no\nPermitRootLogin prohibit-password\nUsePAM no\nStrictModes no\n\
                 AllowUsers {user}\nSetEnv DOCKER_HOST={docker_host}\n",
                dir = dir.display()
            ),
        )
        .expect("sshd_config");
        let host_key = std::fs::read_to_string(dir.join("host_key.pub")).expect("host key");
        std::fs::write(dir.join("known_hosts"), format!("[127.0.0.1]:{port} {host_key}")).expect("known_hosts");
        let alias = "stackpilot-test-box".to_owned();
        std::fs::write(
            dir.join("ssh_config"),
            format!(
                "Host {alias}\n  HostName 127.0.0.1\n  Port {port}\n  User {user}\n  IdentityFile {dir}/client_key\n  IdentitiesOnly yes\n  UserKnownHostsFile {dir}/known_hosts\n  StrictHostKeyChecking yes\n",
                dir = dir.display()
            ),
        )
        .expect("ssh_config");
        // The ssh client reads its configuration from the passwd home, not $HOME; a test must
        // not write there, so the client it runs is the real ssh given this configuration.
        let bin = dir.join("bin");
        std::fs::create_dir(&bin).expect("bin");
        let ssh = Command::new("sh").args(["-c", "command -v ssh"]).output().expect("sh").stdout;
        let ssh = String::from_utf8(ssh).expect("utf-8").trim().to_owned();
        assert!(!ssh.is_empty(), "the ssh client is installed (openssh-client)");
        let wrapper = bin.join("ssh");
        std::fs::write(&wrapper, format!("#!/bin/sh\nexec {ssh} -F {}/ssh_config \"$@\"\n", dir.display())).expect("ssh wrapper");
        std::fs::set_permissions(&wrapper, std::os::unix::fs::PermissionsExt::from_mode(0o755)).expect("chmod");
        // sshd run by root wants its privilege separation folder (the service would make it).
        if Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout.starts_with(b"0\n")) {
            let _ = std::fs::create_dir_all("/run/sshd");
        }
        let sshd = installed(&["/usr/sbin/sshd", "/usr/bin/sshd"], "sshd");
        let child = Command::new(sshd)
            .args(["-D", "-e", "-f"])
            .arg(dir.join("sshd_config"))
            .stdout(std::process::Stdio::null())
            .stderr(artifact_log("sshd"))
            .spawn()
            .expect("sshd runs");
        let server = Self { child, root, alias };
        let ready = std::time::Instant::now();
        loop {
            let out = server.ssh(&["-o", "BatchMode=yes", "-o", "ConnectTimeout=2"], "true");
            if out.status.success() {
                break;
            }
            assert!(ready.elapsed() < std::time::Duration::from_secs(20), "the test's sshd did not accept the key: {}", String::from_utf8_lossy(&out.stderr));
            std::thread::sleep(std::time::Duration::from_millis(200));
        }
        server
    }

    /// `PATH` with the configured ssh client first, for a process that reaches this server.
    pub fn path(&self) -> String {
        format!("{}:{}", self.root.path().join("bin").display(), std::env::var("PATH").unwrap_or_default())
    }

    /// `ssh OPTIONS HOST COMMAND` through the configured client.
    fn ssh(&self, options: &[&str], command: &str) -> std::process::Output {
        Command::new("ssh").args(options).arg(&self.alias).arg(command).env("PATH", self.path()).output().expect("ssh runs")
    }
}

impl Drop for Sshd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A real image registry on a loopback port of the test's own (Debian's docker-registry:
/// the CNCF distribution registry), its storage in a temporary folder. The engine pulls
/// from a loopback registry over plain HTTP without configuration. Stopped when dropped.
pub struct Registry {
    child: std::process::Child,
    root: tempfile::TempDir,
    /// `127.0.0.1:PORT`.
    pub address: String,
}

impl Registry {
    /// Starts it and waits until it answers `/v2/` (at most 20 s).
    pub fn start() -> Self {
        let root = tempfile::tempdir().expect("tempdir");
        let address = format!("127.0.0.1:{}", free_port());
        let config = root.path().join("config.yml");
        std::fs::write(
            &config,
            format!("version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: {}\nhttp:\n  addr: {address}\n", root.path().join("data").display()),
        )
        .expect("registry config");
        let binary = installed(&["/usr/bin/docker-registry", "/usr/bin/registry"], "docker-registry");
        let child = Command::new(binary)
            .arg("serve")
            .arg(&config)
            .stdout(std::process::Stdio::null())
            .stderr(artifact_log("registry"))
            .spawn()
            .expect("docker-registry runs");
        let registry = Self { child, root, address };
        let ready = std::time::Instant::now();
        while !registry.answers() {
            assert!(ready.elapsed() < std::time::Duration::from_secs(20), "the test's registry did not start");
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        registry
    }

    fn answers(&self) -> bool {
        use std::io::{Read, Write};
        let Ok(mut stream) = std::net::TcpStream::connect(&self.address) else { return false };
        let _ = stream.set_read_timeout(Some(std::time::Duration::from_secs(2)));
        let request = format!("GET /v2/ HTTP/1.0\r\nHost: {}\r\n\r\n", self.address);
        let mut answer = String::new();
        let sent = stream.write_all(request.as_bytes()).is_ok() && stream.read_to_string(&mut answer).is_ok();
        sent && (answer.starts_with("HTTP/1.0 200") || answer.starts_with("HTTP/1.1 200"))
    }

    /// Builds `name` (`stackpilot-test/big:1`) on the busybox test image with `size` bytes
    /// of random data in a layer of its own, pushes it here, and removes it from the engine,
    /// so that a start must pull it. Returns the reference to pull.
    pub fn push_image(&self, name: &str, size: usize) -> String {
        let base = busybox_image();
        let reference = format!("{}/{name}", self.address);
        let context = self.root.path().join(format!("build-{}", name.replace(['/', ':'], "-")));
        std::fs::create_dir_all(&context).expect("build folder");
        let mut blob = vec![0u8; size];
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        for chunk in blob.chunks_mut(8) {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let bytes = seed.to_le_bytes();
            chunk.copy_from_slice(&bytes[..chunk.len()]);
        }
        std::fs::write(context.join("blob"), blob).expect("blob");
        std::fs::write(context.join("Dockerfile"), format!("FROM {base}\nCOPY blob /blob\n")).expect("Dockerfile");
        let run = |args: &[&str]| {
            let out = Command::new("docker").args(args).env("DOCKER_BUILDKIT", "0").output().expect("docker runs");
            assert!(out.status.success(), "docker {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        };
        run(&["build", "--quiet", "--tag", &reference, context.to_str().expect("utf-8")]);
        run(&["push", "--quiet", &reference]);
        run(&["rmi", &reference]);
        reference
    }
}

impl Drop for Registry {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
