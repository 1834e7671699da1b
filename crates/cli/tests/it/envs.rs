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
