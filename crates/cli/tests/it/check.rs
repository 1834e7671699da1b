//! `stackpilot check`

use std::{path::Path, process::Command, time::Instant};

use crate::support::{stderr, stdout};

/// A small valid workspace with one environment `web` and no GPU.
fn web_workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("stackpilot.yaml"),
        "version: 1\nproject: clitest\nvariables: { GREETING: hello }\nenvironments:\n  web:\n    title: Web\n    compose: [docker-compose.yml]\n    requires: { memory: 64MB }\n",
    )
    .expect("schema");
    std::fs::write(
        dir.path().join("docker-compose.yml"),
        "services:\n  web:\n    image: stackpilot-test/busybox:1\n    environment: { GREETING: \"${GREETING}\" }\n",
    )
    .expect("compose");
    dir
}

fn check(dir: &Path, args: &[&str], docker_host: Option<&str>) -> std::process::Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_stackpilot"));
    command.arg("check").args(args).arg("--workspace").arg(dir).env_remove("STACKPILOT_WORKSPACE").env("NO_COLOR", "1");
    if let Some(host) = docker_host {
        command.env("DOCKER_HOST", host);
    }
    command.output().expect("stackpilot runs")
}

#[test]
fn an_unreachable_daemon_fails_fast_and_skips_what_needs_it() {
    let dir = web_workspace();
    let nobody = dir.path().join("nobody.sock");
    let host = format!("unix://{}", nobody.display());
    let started = Instant::now();
    let out = check(dir.path(), &["web", "--json"], Some(&host));
    let elapsed = started.elapsed();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON report");
    let result = |id: &str| report["results"].as_array().expect("results").iter().find(|r| r["id"] == id).cloned().expect(id);
    let daemon = result("docker.daemon");
    assert_eq!(daemon["status"], "fail");
    assert!(daemon["message"].as_str().expect("message").contains("does not answer"), "{daemon}");
    assert!(daemon["elapsed_ms"].as_u64().expect("ms") < 2000, "reported within 2 s: {daemon}");
    for id in ["disk", "docker.disk", "images"] {
        let r = result(id);
        assert_eq!(r["status"], "skipped", "{r}");
        assert!(r["message"].as_str().expect("message").contains("Docker daemon is not answering"), "{r}");
    }
    assert!(elapsed.as_secs() < 10, "the whole check took {elapsed:?}");
}

#[test]
fn the_json_report_has_the_documented_shape_and_exit_codes() {
    let dir = web_workspace();
    let out = check(dir.path(), &["web", "--json"], None);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON report");
    assert_eq!(report["environment"], "web");
    let ids: Vec<&str> = report["results"].as_array().expect("results").iter().map(|r| r["id"].as_str().expect("id")).collect();
    assert_eq!(
        ids,
        ["docker.cli", "docker.daemon", "compose", "compose.files", "env.file", "secrets", "gpu", "gpu.runtime", "memory", "disk", "ports", "docker.disk", "images"]
    );
    for r in report["results"].as_array().expect("results") {
        assert!(["pass", "warn", "fail", "skipped"].contains(&r["status"].as_str().expect("status")), "{r}");
        assert!(r["title"].is_string() && r["message"].is_string() && r["details"].is_array() && r["fixes"].is_array());
    }
    let env_file = report["results"].as_array().expect("results").iter().find(|r| r["id"] == "env.file").expect("env.file");
    assert_eq!(env_file["status"], "warn", "the file would only repeat the schema's values: {env_file}");
    assert_eq!(env_file["fixes"][0]["kind"], "generateEnvFile");
    let summary = &report["summary"];
    let expected = if summary["fail"].as_u64() > Some(0) { 1 } else { 3 };
    assert_eq!(out.status.code(), Some(expected), "a failure exits 1, warnings only 3: {summary}");
}

#[test]
fn fix_writes_the_env_file_without_asking_and_checks_again() {
    let dir = web_workspace();
    let out = check(dir.path(), &["web", "--fix"], None);
    let text = stdout(&out);
    assert!(text.contains("fix Write the missing variables to the env file"), "{text}");
    let env_path = dir.path().join(".env.web");
    assert!(text.contains(&format!("This creates {}:", env_path.display())) && text.contains("+ GREETING=hello"), "the change is shown first: {text}");
    assert!(text.contains(&format!("Wrote {} (added GREETING).", env_path.display())), "{text}");
    assert!(text.contains("Checking again…"), "{text}");
    let env = std::fs::read_to_string(dir.path().join(".env.web")).expect(".env.web written");
    assert!(env.contains("GREETING=hello"), "{env}");
    // After the fix only warnings may remain (the image is not present): exit 0 or 3, not 1.
    assert!(matches!(out.status.code(), Some(0) | Some(3)), "{text}");
}

#[test]
fn an_unknown_environment_is_a_usage_error_listing_the_known_ones() {
    let dir = web_workspace();
    let out = check(dir.path(), &["prod"], None);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("there is no environment `prod`") && err.contains("choose one of: web"), "{err}");
}

#[test]
fn an_environment_without_secrets_checks_without_a_keychain() {
    let dir = web_workspace();
    let mut command = Command::new(env!("CARGO_BIN_EXE_stackpilot"));
    command
        .args(["check", "web", "--json", "--workspace"])
        .arg(dir.path())
        .env_remove("STACKPILOT_WORKSPACE")
        .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/stackpilot-no-bus");
    let out = command.output().expect("stackpilot runs");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON report");
    let secrets = report["results"].as_array().expect("results").iter().find(|r| r["id"] == "secrets").expect("secrets");
    assert_eq!(secrets["status"], "pass", "{secrets}");
    assert_eq!(secrets["message"], "Web uses no secrets");
}

#[test]
fn a_udp_port_held_by_another_program_is_named() {
    let socket = std::net::UdpSocket::bind("0.0.0.0:0").expect("bind");
    let port = socket.local_addr().expect("addr").port();
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("stackpilot.yaml"),
        "version: 1\nproject: udptest\nenvironments:\n  vpn:\n    title: VPN\n    compose: [compose.yaml]\n",
    )
    .expect("schema");
    std::fs::write(
        dir.path().join("compose.yaml"),
        format!("services:\n  wireguard:\n    image: stackpilot-test/busybox:1\n    ports: [\"${{WG_PORT:-{port}}}:51820/udp\"]\n"),
    )
    .expect("compose");
    let out = check(dir.path(), &["vpn", "--json"], None);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON report");
    let ports = report["results"].as_array().expect("results").iter().find(|r| r["id"] == "ports").expect("ports");
    assert_eq!(ports["status"], "fail", "{ports}");
    assert!(ports["message"].as_str().expect("message").contains(&format!("{port}/udp")), "{ports}");
    let detail = ports["details"][0].as_str().expect("detail");
    assert!(detail.contains(&format!("{port}/udp (wireguard): held by process")) && detail.contains(&format!(" on 0.0.0.0:{port}")), "{detail}");
    assert!(detail.contains(&format!("(pid {})", std::process::id())), "{detail}");
    assert_eq!(ports["fixes"][0]["kind"], "remapPort", "{ports}");
    assert_eq!(ports["fixes"][0]["variable"], "WG_PORT");
    drop(socket);
}

#[test]
fn a_port_variable_set_in_the_shell_is_not_remapped_in_a_file_that_would_not_count() {
    let listener = std::net::TcpListener::bind("0.0.0.0:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("stackpilot.yaml"), "version: 1\nproject: shelltest\nenvironments:\n  web:\n    title: Web\n    compose: [compose.yaml]\n").expect("schema");
    std::fs::write(dir.path().join("compose.yaml"), "services:\n  web:\n    image: stackpilot-test/busybox:1\n    ports: [\"${SHELL_PORT:-1}:80\"]\n").expect("compose");
    let out = Command::new(env!("CARGO_BIN_EXE_stackpilot"))
        .args(["check", "web", "--json", "--workspace"])
        .arg(dir.path())
        .env_remove("STACKPILOT_WORKSPACE")
        .env("SHELL_PORT", port.to_string())
        .output()
        .expect("stackpilot runs");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON report");
    let ports = report["results"].as_array().expect("results").iter().find(|r| r["id"] == "ports").expect("ports");
    assert_eq!(ports["status"], "fail", "{ports}");
    assert_eq!(ports["fixes"], serde_json::json!([]), "{ports}");
    let details = ports["details"].to_string();
    assert!(details.contains(&format!("SHELL_PORT={port} is set in your shell")), "{details}");
    drop(listener);
}
