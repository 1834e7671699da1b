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

#[test]
fn a_missing_compose_file_is_a_problem_for_schema_check_too() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("compose.yaml"), "services: {}\n").expect("compose");
    let schema = dir.path().join("stackpilot.yaml");
    std::fs::write(&schema, "version: 1\nproject: p\nenvironments:\n  dev:\n    title: Dev\n    compose: [compose.yaml, nope.yml]\n").expect("schema");
    let out = crate::support::stackpilot(dir.path(), &["schema", "check", schema.to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(1));
    let err = crate::support::stderr(&out);
    assert!(err.contains(&format!("{}:6:", schema.display())) && err.contains("`nope.yml` does not exist"), "{err}");
}
