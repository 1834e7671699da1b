//! `stackpilot stop` / `down` against an engine that never answers, and a listing that
//! Compose could read forever: each ends in bounded time with a clear message.

use std::{
    os::unix::net::UnixListener,
    process::Command,
    time::{Duration, Instant},
};

use crate::support::stderr;

fn workspace(extra: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("stackpilot.yaml"),
        "version: 1\nproject: hangtest\nenvironments:\n  web:\n    title: Web\n    compose: [compose.yaml]\n",
    )
    .expect("schema");
    std::fs::write(dir.path().join("compose.yaml"), format!("services:\n  web:\n    image: stackpilot-test/busybox:1\n{extra}")).expect("compose");
    dir
}

#[test]
fn stop_and_down_give_up_on_an_engine_that_never_answers_and_release_the_lock() {
    let dir = workspace("");
    let socket = dir.path().join("silent.sock");
    // Accepts connections (the kernel queues them) and never answers.
    let _silent = UnixListener::bind(&socket).expect("bind");
    let host = format!("unix://{}", socket.display());
    let run = |args: &[&str]| {
        let started = Instant::now();
        let out = Command::new(env!("CARGO_BIN_EXE_stackpilot"))
            .args(args)
            .arg("--workspace")
            .arg(dir.path())
            .env_remove("STACKPILOT_WORKSPACE")
            .env("DOCKER_HOST", &host)
            .env("XDG_DATA_HOME", dir.path().join("data"))
            .output()
            .expect("stackpilot runs");
        (out, started.elapsed())
    };
    let (stop, took) = run(&["stop", "web", "--timeout", "3s"]);
    let err = stderr(&stop);
    assert_eq!(stop.status.code(), Some(4), "{err}");
    assert!(err.contains("did not finish `stop`") && err.contains("within 3 s"), "{err}");
    assert!(err.contains("docker info"), "says what to check: {err}");
    assert!(took < Duration::from_secs(20), "took {took:?}");
    // The lock was released: the next operation is not refused as "already stopping".
    let (down, _) = run(&["down", "web", "--timeout", "2s"]);
    let err = stderr(&down);
    assert_eq!(down.status.code(), Some(4), "{err}");
    assert!(!err.contains("already"), "{err}");
}

#[test]
fn a_service_env_file_that_never_ends_does_not_hang_the_listing() {
    let dir = workspace("    env_file: [/dev/zero]\n");
    let started = Instant::now();
    // Compose reads /dev/zero forever; the listing gives up at the `config` deadline
    // (60 s, shortened here) and says so for that environment.
    let out = Command::new(env!("CARGO_BIN_EXE_stackpilot"))
        .args(["envs", "--json", "--workspace"])
        .arg(dir.path())
        .env_remove("STACKPILOT_WORKSPACE")
        .env("STACKPILOT_CONFIG_TIMEOUT", "4s")
        .output()
        .expect("stackpilot runs");
    assert!(started.elapsed() < Duration::from_secs(20), "took {:?}", started.elapsed());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let listing: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let services = &listing["environments"][0]["services"];
    assert_eq!(services["status"], "unavailable", "{listing}");
    assert!(services["error"]["message"].as_str().expect("message").contains("did not finish `config`"), "{listing}");
}

/// Every command that runs an environment, through each kind of failure: the kind alone
/// decides the exit code (README: 2 input, 4 a system component, 1 a problem found).
#[test]
fn every_command_exits_by_the_kind_of_its_failure() {
    let configs = crate::support::configs_dir();
    let configs = configs.to_str().expect("utf-8");
    let commands: [&[&str]; 6] = [&["up", "ENV"], &["stop", "ENV"], &["restart", "ENV", "postgres"], &["down", "ENV"], &["status", "ENV"], &["logs", "ENV"]];
    let run = |args: Vec<String>, docker_host: &str| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_stackpilot"))
            .args(["--workspace", configs])
            .args(&args)
            .env("DOCKER_HOST", docker_host)
            .env_remove("STACKPILOT_WORKSPACE")
            .env_remove("DOCKER_CONTEXT")
            .output()
            .expect("stackpilot runs");
        (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
    };
    for command in commands {
        let with = |env: &str| command.iter().map(|a| if *a == "ENV" { env.to_owned() } else { (*a).to_owned() }).collect::<Vec<_>>();
        // Input: an environment the schema does not have.
        let (code, err) = run(with("nosuch"), "unix:///nonexistent/docker.sock");
        assert_eq!(code, Some(2), "{command:?} with an unknown environment: {err}");
        // Input: a context that does not exist.
        let mut args = vec!["--context".to_owned(), "nosuch-context".to_owned()];
        args.extend(with("dev"));
        let (code, err) = run(args, "unix:///nonexistent/docker.sock");
        assert_eq!(code, Some(2), "{command:?} with an unknown context: {err}");
        assert!(err.contains("nosuch-context"), "{err}");
        // System: Docker does not answer.
        let (code, err) = run(with("dev"), "unix:///nonexistent/docker.sock");
        assert_eq!(code, Some(4), "{command:?} with Docker stopped: {err}");
    }
    // A problem found: `check` with a failure.
    let (code, _) = run(vec!["check".into(), "dev".into()], "unix:///nonexistent/docker.sock");
    assert_eq!(code, Some(1));
}
