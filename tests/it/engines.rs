//! The engine where the stack runs: a second real dockerd, reached through a Docker
//! context, `DOCKER_HOST=tcp://` and `--context`; every command acts on it (its
//! containers appear there and not on the default engine), and broken endpoints fail
//! clearly and in bounded time.

use std::{
    path::Path,
    process::{Command, Output},
    time::{Duration, Instant},
};

use crate::{
    stack::fixtures,
    support::{built_binary, forward_tcp_into_namespace, forward_tcp_to_unix, SecondEngine, Sshd},
};

/// Runs `stackpilot ARGS` with `env`, DOCKER_HOST and DOCKER_CONTEXT unset unless given.
fn stackpilot(workspace: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(built_binary("stackpilot"));
    command.arg("--workspace").arg(workspace).args(args).env_remove("DOCKER_HOST").env_remove("DOCKER_CONTEXT").env_remove("STACKPILOT_WORKSPACE");
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().expect("stackpilot runs")
}

fn text(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

/// Containers of `project` on the engine `docker` reaches (`-H HOST`, or the default).
fn containers(host: Option<&str>, project: &str) -> Vec<String> {
    let mut command = Command::new("docker");
    if let Some(host) = host {
        command.args(["-H", host]);
    }
    let out = command
        .args(["ps", "-a", "--filter", &format!("label=com.docker.compose.project={project}"), "--format", "{{.Names}}"])
        .env_remove("DOCKER_HOST")
        .env_remove("DOCKER_CONTEXT")
        .env_remove("DOCKER_CONFIG")
        .output()
        .expect("docker ps");
    String::from_utf8_lossy(&out.stdout).lines().map(str::to_owned).collect()
}

/// A docker CLI configuration folder of the test's own, with the person's CLI plugins
/// (Compose), as their own `DOCKER_CONFIG` would have.
fn docker_config() -> tempfile::TempDir {
    let config = tempfile::tempdir().expect("docker config");
    let plugins = std::env::var_os("HOME").map(|h| Path::new(&h).join(".docker/cli-plugins")).filter(|p| p.is_dir());
    if let Some(plugins) = plugins {
        std::os::unix::fs::symlink(plugins, config.path().join("cli-plugins")).expect("link the plugins");
    }
    config
}

/// A docker CLI configuration folder with context `second` on `host`, made current.
pub(crate) fn config_with_context(host: &str) -> tempfile::TempDir {
    let config = docker_config();
    for args in [vec!["context", "create", "second", "--description", "the test's engine", "--docker", &format!("host={host}")], vec!["context", "use", "second"]] {
        let out = Command::new("docker").args(&args).env("DOCKER_CONFIG", config.path()).env_remove("DOCKER_HOST").output().expect("docker context");
        assert!(out.status.success(), "docker {args:?}: {}", text(&out));
    }
    config
}

#[test]
fn the_current_docker_context_takes_check_up_status_logs_and_down_to_its_engine() {
    let engine = SecondEngine::start();
    engine.load_busybox();
    let config = config_with_context(&engine.host);
    let (dir, workspace) = fixtures("ctx", &[]);
    let project = workspace.schema.compose_project("slow");
    let env = [("DOCKER_CONFIG", config.path().to_str().expect("utf-8"))];

    let check = stackpilot(dir.path(), &["check", "slow", "--json"], &env);
    let report: serde_json::Value = serde_json::from_slice(&check.stdout).unwrap_or_else(|e| panic!("check --json: {e}\n{}", text(&check)));
    assert_eq!(report["engine"]["endpoint"]["context"], "second", "{}", report["engine"]);
    assert_eq!(report["engine"]["endpoint"]["host"], engine.host.as_str());
    assert_eq!(report["engine"]["endpoint"]["source"], "configFile");
    assert_eq!(report["engine"]["locality"], "thisMachine");
    let human = stackpilot(dir.path(), &["check", "slow"], &env);
    assert!(text(&human).contains(&format!("Engine: second ({})", engine.host)), "{}", text(&human));

    let up = stackpilot(dir.path(), &["up", "slow"], &env);
    let on_second = containers(Some(&engine.host), &project);
    let on_default = containers(None, &project);
    let status = stackpilot(dir.path(), &["status", "slow"], &env);
    let logs = stackpilot(dir.path(), &["logs", "slow"], &env);
    let down = stackpilot(dir.path(), &["down", "slow"], &env);
    let after = containers(Some(&engine.host), &project);
    assert!(up.status.success(), "{}", text(&up));
    assert_eq!(on_second.len(), 1, "the container runs on the context's engine: {on_second:?}");
    assert!(on_default.is_empty(), "nothing on the default engine: {on_default:?}");
    assert!(status.status.success() && text(&status).contains("search") && text(&status).contains("healthy"), "{}", text(&status));
    assert!(logs.status.success(), "{}", text(&logs));
    assert!(down.status.success(), "{}", text(&down));
    assert!(after.is_empty(), "down removed them there: {after:?}");
}

#[test]
fn docker_host_over_tcp_and_the_context_flag_pick_the_engine() {
    let engine = SecondEngine::start();
    engine.load_busybox();
    let port = forward_tcp_to_unix(engine.socket());
    let (dir, workspace) = fixtures("tcp", &[]);
    let project = workspace.schema.compose_project("slow");
    let tcp = format!("tcp://127.0.0.1:{port}");

    let up = stackpilot(dir.path(), &["up", "slow"], &[("DOCKER_HOST", &tcp)]);
    let on_second = containers(Some(&engine.host), &project);
    let on_default = containers(None, &project);
    let check = stackpilot(dir.path(), &["check", "slow", "--json"], &[("DOCKER_HOST", &tcp)]);
    let down = stackpilot(dir.path(), &["down", "slow"], &[("DOCKER_HOST", &tcp)]);
    assert!(up.status.success(), "{}", text(&up));
    assert_eq!(on_second.len(), 1, "{on_second:?}");
    assert!(on_default.is_empty(), "{on_default:?}");
    let report: serde_json::Value = serde_json::from_slice(&check.stdout).expect("JSON");
    assert_eq!(report["engine"]["endpoint"]["host"], tcp.as_str());
    assert_eq!(report["engine"]["endpoint"]["source"], "dockerHost");
    assert!(down.status.success(), "{}", text(&down));
    assert!(containers(Some(&engine.host), &project).is_empty());

    // --context wins over the docker CLI's current context (here: none, the default).
    let config = config_with_context(&engine.host);
    Command::new("docker").args(["context", "use", "default"]).env("DOCKER_CONFIG", config.path()).output().expect("context use");
    let env = [("DOCKER_CONFIG", config.path().to_str().expect("utf-8"))];
    let chosen = stackpilot(dir.path(), &["--context", "second", "check", "slow", "--json"], &env);
    let report: serde_json::Value = serde_json::from_slice(&chosen.stdout).expect("JSON");
    assert_eq!(report["engine"]["endpoint"]["context"], "second");
    assert_eq!(report["engine"]["endpoint"]["source"], "chosen");
}

#[test]
fn an_engine_behind_ssh_is_checked_started_and_stopped_over_ssh() {
    let engine = SecondEngine::start();
    engine.load_busybox();
    let sshd = Sshd::start(&engine.host);
    let (dir, workspace) = fixtures("ssh", &[]);
    let project = workspace.schema.compose_project("slow");
    let host = format!("ssh://{}", sshd.alias);
    let path = sshd.path();
    let env = [("DOCKER_HOST", host.as_str()), ("PATH", path.as_str())];

    let check = stackpilot(dir.path(), &["check", "slow", "--json"], &env);
    let report: serde_json::Value = serde_json::from_slice(&check.stdout).unwrap_or_else(|e| panic!("check --json: {e}\n{}", text(&check)));
    assert_eq!(report["engine"]["endpoint"]["host"], host.as_str(), "{}", report["engine"]);
    assert_eq!(report["engine"]["locality"], "remote", "{}", report["engine"]);
    let disk = report["results"].as_array().expect("results").iter().find(|c| c["id"] == "disk").cloned().unwrap_or_default();
    assert_ne!(disk["status"], "pass", "free space of a remote engine cannot be measured from here: {disk}");

    let up = stackpilot(dir.path(), &["up", "slow"], &env);
    let on_second = containers(Some(&engine.host), &project);
    let on_default = containers(None, &project);
    let status = stackpilot(dir.path(), &["status", "slow"], &env);
    let down = stackpilot(dir.path(), &["down", "slow"], &env);
    assert!(up.status.success(), "{}", text(&up));
    assert_eq!(on_second.len(), 1, "the container runs on the engine behind ssh: {on_second:?}");
    assert!(on_default.is_empty(), "nothing on the default engine: {on_default:?}");
    assert!(status.status.success() && text(&status).contains("healthy"), "{}", text(&status));
    assert!(down.status.success(), "{}", text(&down));
    assert!(containers(Some(&engine.host), &project).is_empty());

    // A key the server does not accept: ssh fails in batch mode, never prompts, in bounded time.
    let refused = tempfile::tempdir().expect("tempdir");
    let started = Instant::now();
    let denied = stackpilot(dir.path(), &["status", "slow"], &[("DOCKER_HOST", &format!("ssh://nobody@{}", sshd.alias)), ("PATH", &path), ("HOME", refused.path().to_str().expect("utf-8"))]);
    assert!(started.elapsed() < Duration::from_secs(20), "took {:?}", started.elapsed());
    assert_ne!(denied.status.code(), Some(0));
    assert!(text(&denied).contains(&format!("ssh://nobody@{}", sshd.alias)), "the endpoint is named: {}", text(&denied));
    assert!(text(&denied).contains("Permission denied") && text(&denied).contains(&format!("`ssh nobody@{} docker info`", sshd.alias)), "{}", text(&denied));
}

/// A certificate authority, a server certificate for 127.0.0.1 only (`server/`) and a
/// client certificate (`client/`: ca.pem, cert.pem, key.pem, as `DOCKER_CERT_PATH` has them).
fn tls_material(dir: &Path) {
    let script = r#"set -e
        mkdir -p server client
        openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout ca-key.pem -out client/ca.pem -days 2 -subj /CN=stackpilot-test-ca
        cp client/ca.pem server/ca.pem
        openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout server/key.pem -out server.csr -subj /CN=127.0.0.1
        printf 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' > server.ext
        openssl x509 -req -in server.csr -CA client/ca.pem -CAkey ca-key.pem -CAcreateserial -out server/cert.pem -days 2 -extfile server.ext
        openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout client/key.pem -out client.csr -subj /CN=client
        printf 'extendedKeyUsage=clientAuth\n' > client.ext
        openssl x509 -req -in client.csr -CA client/ca.pem -CAkey ca-key.pem -CAcreateserial -out client/cert.pem -days 2 -extfile client.ext
    "#;
    let out = Command::new("sh").arg("-c").arg(script).current_dir(dir).output().expect("openssl (scripts/setup.sh --tests)");
    assert!(out.status.success(), "openssl: {}", text(&out));
}

#[test]
fn an_engine_over_tls_is_reached_with_its_certificates_and_a_wrong_name_is_refused() {
    let root = tempfile::tempdir().expect("tempdir");
    tls_material(root.path());
    let (server, client) = (root.path().join("server"), root.path().join("client"));
    let flag = |file: &str| server.join(file).to_str().expect("utf-8").to_owned();
    let (ca, cert, key) = (flag("ca.pem"), flag("cert.pem"), flag("key.pem"));
    let engine = SecondEngine::start_with(root, &["--tlsverify", "--tlscacert", &ca, "--tlscert", &cert, "--tlskey", &key, "--host", "tcp://127.0.0.1:2376"]);
    engine.load_busybox();
    let port = forward_tcp_into_namespace(engine.pid(), 2376);
    let (dir, workspace) = fixtures("tls", &[]);
    let project = workspace.schema.compose_project("slow");
    let host = format!("tcp://127.0.0.1:{port}");
    let cert_path = client.to_str().expect("utf-8");
    let env = [("DOCKER_HOST", host.as_str()), ("DOCKER_TLS_VERIFY", "1"), ("DOCKER_CERT_PATH", cert_path)];

    let up = stackpilot(dir.path(), &["up", "slow"], &env);
    let on_second = containers(Some(&engine.host), &project);
    let check = stackpilot(dir.path(), &["check", "slow", "--json"], &env);
    let down = stackpilot(dir.path(), &["down", "slow"], &env);
    assert!(up.status.success(), "{}", text(&up));
    assert_eq!(on_second.len(), 1, "the container runs on the TLS engine: {on_second:?}");
    let report: serde_json::Value = serde_json::from_slice(&check.stdout).unwrap_or_else(|e| panic!("check --json: {e}\n{}", text(&check)));
    assert_eq!(report["engine"]["endpoint"]["host"], host.as_str(), "{}", report["engine"]);
    assert!(down.status.success(), "{}", text(&down));
    assert!(containers(Some(&engine.host), &project).is_empty());

    // The same engine as a stored context with its certificates (the docker CLI copies them
    // into its context store).
    let config = docker_config();
    let tls = format!("host={host},ca={cert_path}/ca.pem,cert={cert_path}/cert.pem,key={cert_path}/key.pem");
    let created = Command::new("docker").args(["context", "create", "tlsbox", "--docker", &tls]).env("DOCKER_CONFIG", config.path()).env_remove("DOCKER_HOST").output().expect("context create");
    assert!(created.status.success(), "{}", text(&created));
    let by_context = stackpilot(dir.path(), &["--context", "tlsbox", "status", "slow"], &[("DOCKER_CONFIG", config.path().to_str().expect("utf-8"))]);
    assert!(by_context.status.success(), "{}", text(&by_context));

    // A certificate that is not for the name used: refused, the endpoint named, in bounded time.
    let wrong = format!("tcp://localhost:{port}");
    let started = Instant::now();
    let refused = stackpilot(dir.path(), &["status", "slow"], &[("DOCKER_HOST", wrong.as_str()), ("DOCKER_TLS_VERIFY", "1"), ("DOCKER_CERT_PATH", cert_path)]);
    assert!(started.elapsed() < Duration::from_secs(20), "took {:?}", started.elapsed());
    assert_ne!(refused.status.code(), Some(0));
    assert!(text(&refused).contains(&wrong) && text(&refused).to_lowercase().contains("certificate"), "{}", text(&refused));
}

#[test]
fn broken_endpoints_say_what_failed_and_never_hang() {
    let (dir, _workspace) = fixtures("badengine", &[]);
    let config = docker_config();
    let env = [("DOCKER_CONFIG", config.path().to_str().expect("utf-8"))];

    let unknown = stackpilot(dir.path(), &["--context", "nosuch", "status", "slow"], &env);
    assert_ne!(unknown.status.code(), Some(0));
    assert!(text(&unknown).contains("there is no Docker context `nosuch`") && text(&unknown).contains("docker context ls"), "{}", text(&unknown));

    // A context whose meta file is broken: the file is named.
    let out = Command::new("docker").args(["context", "create", "broken", "--docker", "host=unix:///nonexistent.sock"]).env("DOCKER_CONFIG", config.path()).output().expect("context create");
    assert!(out.status.success(), "{}", text(&out));
    let meta = walk(&config.path().join("contexts/meta")).into_iter().find(|p| p.ends_with("meta.json")).expect("meta.json");
    std::fs::write(&meta, "{ not json").expect("break it");
    let broken = stackpilot(dir.path(), &["--context", "broken", "status", "slow"], &env);
    assert!(text(&broken).contains("cannot be read from") && text(&broken).contains(&meta.display().to_string()), "{}", text(&broken));

    // An engine URL of another scheme.
    let odd = stackpilot(dir.path(), &["--host", "ftp://example", "status", "slow"], &env);
    assert!(text(&odd).contains("is not a Docker engine address"), "{}", text(&odd));

    // A socket that accepts and never answers: reported within the ping's bound.
    let silent_dir = tempfile::tempdir().expect("tempdir");
    let socket = silent_dir.path().join("silent.sock");
    let listener = std::os::unix::net::UnixListener::bind(&socket).expect("bind");
    let held = std::thread::spawn(move || {
        let mut kept = Vec::new();
        for stream in listener.incoming().take(8).flatten() {
            kept.push(stream); // accepted, never answered
        }
    });
    let started = Instant::now();
    let silent = stackpilot(dir.path(), &["--host", &format!("unix://{}", socket.display()), "status", "slow"], &env);
    let took = started.elapsed();
    assert!(took < Duration::from_secs(15), "took {took:?}");
    assert!(text(&silent).contains("no answer within") && text(&silent).contains(&socket.display().to_string()), "{}", text(&silent));
    drop(held);
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}
