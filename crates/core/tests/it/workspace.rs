//! Finding workspaces and resolving environments.

use stackpilot_core::{workspace::WorkspaceError, Diagnostic, Workspace};

use crate::support::{configs_dir, workspace_with};

#[test]
fn opens_a_folder_with_configs_or_a_root_schema() {
    let repo = configs_dir().parent().expect("repo").to_path_buf();
    let from_repo = Workspace::open(&repo).expect("repo root has configs/environment_schema.yaml");
    let from_configs = Workspace::open(&configs_dir()).expect("configs/ has environment_schema.yaml");
    assert_eq!(from_repo.schema_path, from_configs.schema_path);
    let names: Vec<&str> = from_repo.schema.environments.keys().collect();
    assert_eq!(names, ["dev", "staging", "production", "testing", "performance", "monitoring", "optimized", "first-run"]);
}

#[test]
fn finds_stackpilot_yaml_and_reports_a_folder_without_schema() {
    let (dir, path) = workspace_with("version: 1\nproject: demo\nenvironments:\n  dev: { title: Dev, compose: [docker-compose.yml] }\n");
    std::fs::rename(&path, dir.path().join("stackpilot.yaml")).expect("rename");
    let workspace = Workspace::open(dir.path()).expect("stackpilot.yaml is found");
    assert!(workspace.schema_path.ends_with("stackpilot.yaml"));

    let empty = tempfile::tempdir().expect("tempdir");
    let error = Workspace::open(empty.path()).expect_err("nothing there");
    assert!(matches!(error, WorkspaceError::NotFound { .. }));
    assert_eq!(error.code(), stackpilot_core::Code::WorkspaceNotFound);
    assert!(error.to_string().contains("configs/environment_schema.yaml"));
}

#[test]
fn an_unknown_environment_lists_the_known_ones() {
    let workspace = Workspace::open(&configs_dir()).expect("valid");
    let error = workspace.environment("prod").expect_err("no such environment");
    assert_eq!(error.code(), stackpilot_core::Code::UnknownEnvironment);
    assert!(error.hint().expect("hint").contains("production"));
}

#[cfg(unix)]
#[test]
fn discovery_stops_at_a_folder_others_can_write_to() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("tempdir");
    let shared = dir.path().join("shared");
    let mine = shared.join("mine/deeper");
    std::fs::create_dir_all(&mine).expect("mkdir");
    std::fs::write(shared.join("stackpilot.yaml"), "version: 1\nproject: planted\nenvironments: {}\n").expect("planted schema");
    std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o777)).expect("chmod");
    assert_eq!(stackpilot_core::Workspace::discover(&mine), None, "a schema in a folder everyone may write to is not picked up");
    std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    assert_eq!(stackpilot_core::Workspace::discover(&mine), Some(shared));
}
