//! `stackpilot schema check`

use crate::support::{broken_workspace, configs_dir, stackpilot, stderr, stdout};

#[test]
fn the_default_schema_is_valid() {
    let schema = configs_dir().join("environment_schema.yaml");
    let out = stackpilot(&std::env::temp_dir(), &["schema", "check", schema.to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("valid (schema version 1, 8 environments, 11 secrets)"), "{}", stdout(&out));
}

#[test]
fn problems_exit_1_with_positions_and_json() {
    let dir = broken_workspace();
    let out = stackpilot(dir.path(), &["schema", "check"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("1 problem in"), "{}", stderr(&out));

    let out = stackpilot(dir.path(), &["schema", "check", "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(report["valid"], false);
    let issue = &report["issues"][0];
    assert_eq!(issue["key_path"], "environments.dev.requires.memory");
    assert_eq!(issue["position"]["line"], 6);
    assert!(issue["position"]["column"].as_u64().expect("column") > 0);
    assert!(issue["hint"].is_string() || issue["message"].as_str().expect("message").contains("GiB"));
}

#[test]
fn an_unreadable_file_is_an_input_error() {
    let out = stackpilot(&std::env::temp_dir(), &["schema", "check", "/nonexistent/stackpilot.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("cannot read /nonexistent/stackpilot.yaml"), "{}", stderr(&out));
}
