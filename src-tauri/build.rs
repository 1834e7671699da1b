//! Declares the app's commands so capabilities can grant them one by one.

fn main() {
    let manifest = tauri_build::AppManifest::new().commands(&["app_info", "list_environments", "open_workspace", "open_url", "open_log_folder", "compare_environments", "recent_projects", "pick_folder", "engine_overview", "choose_engine", "propose_adoption", "adopt_project", "run_checks", "preview_reclaim", "preview_env_file_change", "apply_fix", "secrets_status", "generate_secrets", "rotate_secret", "reveal_secret", "start_environment", "cancel_task", "environment_status", "stop_environment", "down_environment", "restart_service", "follow_logs", "follow_stats", "watch_environment", "environment_links", "list_backups", "backup_environment", "plan_restore", "restore_backup", "delete_backup", "volumes_at_risk", "plan_prune"]);
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest))
        .unwrap_or_else(|e| panic!("tauri build step failed: {e:#}"));
}
