//! `stackpilot envs`

use crate::support::{broken_workspace, configs_dir, stackpilot, stderr, stdout};

#[test]
fn lists_the_eight_environments_of_configs_as_json() {
    let configs = configs_dir();
    let out = stackpilot(&std::env::temp_dir(), &["envs", "--workspace", configs.to_str().expect("utf-8"), "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let listing: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let envs = listing["environments"].as_array().expect("environments");
    let names: Vec<&str> = envs.iter().map(|e| e["name"].as_str().expect("name")).collect();
    assert_eq!(names, ["dev", "staging", "production", "testing", "performance", "monitoring", "optimized", "first-run"]);

    let by_name = |n: &str| envs.iter().find(|e| e["name"] == n).expect("present");
    let dev = by_name("dev");
    assert_eq!(dev["title"], "Development");
    assert_eq!(dev["requires"]["gpu"], true);
    assert_eq!(dev["requires"]["memory"], 8_000_000_000u64);
    assert_eq!(dev["compose_files"], serde_json::json!(["docker-compose.yml", "docker-compose.development.override.yml"]));
    assert_eq!(dev["services"]["status"], "resolved");
    let services: Vec<&str> = dev["services"]["services"].as_array().expect("list").iter().map(|s| s["name"].as_str().expect("name")).collect();
    assert!(services.contains(&"litellm") && services.contains(&"postgres") && services.contains(&"llm"), "{services:?}");

    let testing = by_name("testing");
    assert_eq!(testing["requires"]["gpu"], false);
    assert_eq!(testing["services"]["services"][0]["name"], "allure");
    let production = by_name("production");
    let prod_services = production["services"]["services"].as_array().expect("list");
    assert!(prod_services.iter().any(|s| s["name"] == "grafana"), "production adds monitoring");
    let first_run = by_name("first-run");
    assert_eq!(first_run["requires"]["memory"], 4_000_000_000u64);
    assert!(first_run["services"]["services"].as_array().expect("list").iter().all(|s| s["gpu"] == false));
}

#[test]
fn finds_the_workspace_from_the_current_folder_and_prints_text() {
    let repo = configs_dir().parent().expect("repo").to_path_buf();
    let out = stackpilot(&repo, &["envs"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.starts_with("8 environments in "), "{text}");
    assert!(text.contains("first-run — First run"), "{text}");
    assert!(text.contains("requires: NVIDIA GPU, 8GB memory, 20GB disk"), "{text}");
}

#[test]
fn a_broken_schema_names_file_line_column_and_key_path_with_exit_2() {
    let dir = broken_workspace();
    let out = stackpilot(dir.path(), &["envs", "--workspace", dir.path().to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    let file = dir.path().join("environment_schema.yaml");
    assert!(err.contains(&format!("{}:6:", file.display())), "{err}");
    assert!(err.contains("environments.dev.requires.memory"), "{err}");
    assert!(err.contains("`gigs` in `8 gigs` is not a size unit"), "{err}");
    assert!(err.contains("hint:"), "{err}");
}

#[test]
fn a_missing_workspace_is_a_usage_error() {
    let empty = tempfile::tempdir().expect("tempdir");
    let out = stackpilot(empty.path(), &["envs", "--workspace", empty.path().to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no environment schema in"), "{}", stderr(&out));
}

#[test]
fn a_closed_pipe_ends_the_listing_quietly() {
    let configs = configs_dir();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_stackpilot"))
        .args(["envs", "--workspace", configs.to_str().expect("utf-8")])
        .env_remove("STACKPILOT_WORKSPACE")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("stackpilot runs");
    // Read one line, then close the pipe, as `stackpilot envs | head -1` does.
    let mut stdout = child.stdout.take().expect("stdout");
    let mut first = [0u8; 16];
    std::io::Read::read_exact(&mut stdout, &mut first).expect("the listing starts");
    drop(stdout);
    let out = child.wait_with_output().expect("exits");
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(!err.contains("panicked") && !err.contains("Broken pipe"), "{err}");
}

#[test]
fn an_environment_with_a_missing_compose_file_is_marked_and_the_others_still_work() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("docker-compose.yml"), "services:\n  web:\n    image: busybox\n").expect("compose");
    std::fs::write(
        dir.path().join("stackpilot.yaml"),
        "version: 1\nproject: half\nenvironments:\n  good:\n    title: Good\n    compose: [docker-compose.yml]\n  broken:\n    title: Broken\n    compose: [docker-compose.yml, gone.yml]\n",
    )
    .expect("schema");
    let ws = dir.path().to_str().expect("utf-8");
    let out = stackpilot(dir.path(), &["envs", "--workspace", ws, "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let listing: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let envs = listing["environments"].as_array().expect("environments");
    assert_eq!(envs.len(), 2);
    assert_eq!(envs[0]["problems"], serde_json::json!([]));
    assert_eq!(envs[0]["services"]["status"], "resolved");
    assert_eq!(envs[1]["problems"][0]["key_path"], "environments.broken.compose[1]");
    assert_eq!(envs[1]["problems"][0]["position"]["line"], 9);

    let text = stdout(&stackpilot(dir.path(), &["envs", "--workspace", ws]));
    assert!(text.contains("UNUSABLE") && text.contains("`gone.yml` does not exist"), "{text}");

    let check = stackpilot(dir.path(), &["check", "good", "--workspace", ws, "--json"]);
    let report: serde_json::Value = serde_json::from_slice(&check.stdout).expect("JSON");
    let files = report["results"].as_array().expect("results").iter().find(|r| r["id"] == "compose.files").expect("compose.files");
    assert_eq!(files["status"], "pass", "{files}");
    let broken = stackpilot(dir.path(), &["check", "broken", "--workspace", ws, "--json"]);
    assert_eq!(broken.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&broken.stdout).expect("JSON");
    let files = report["results"].as_array().expect("results").iter().find(|r| r["id"] == "compose.files").expect("compose.files");
    assert_eq!(files["status"], "fail");
    assert!(files["details"][0].as_str().expect("detail").contains(":9:"), "{files}");
}
